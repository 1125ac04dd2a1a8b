/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libfastpath-recv: a ring listener's consumer side (fastpath/recv.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <limits.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>
#include <rte_ring.h>

#include <fastpath/recv.h>

#include "fp_ring_shared.h"

#define RELEASE_BATCH 64

struct fp_recv {
	struct rte_ring *ring;    /* datagrams from fastpath */
	struct rte_ring *back;    /* mbufs given back */
	struct fp_ring_shared *sh;
	int lock_fd;              /* held (flock) while attached */
	int32_t pid;
	uint64_t taken;           /* this consumer's, for fp_recv_held */
	uint64_t released;        /* the ring's count, this one's included */
	uint64_t mine;            /* released by this consumer */
};

static int eal_ready;

static struct fp_recv *
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return NULL;
}

/* DPDK as a secondary of fastpath. Its main lcore gets the id fastpath
 * leaves to consumers (mempool caches are per lcore id and shared: the
 * library also frees without one), on the CPUs the thread has. */
static int
eal_attach(const char *prefix, char *err, size_t errlen)
{
	char pf[128], lc[1024];
	char *argv[] = { "fastpath-recv", "--proc-type=secondary", pf,
		"--no-pci", "--log-level=*:error", lc, NULL };
	cpu_set_t cpus;
	size_t used;
	int c;

	if (eal_ready)
		return 0;
	snprintf(pf, sizeof(pf), "--file-prefix=%s", prefix ? prefix : "rte");
	used = (size_t)snprintf(lc, sizeof(lc), "--lcores=%d@(", RTE_MAX_LCORE - 1);
	if (sched_getaffinity(0, sizeof(cpus), &cpus) != 0)
		CPU_ZERO(&cpus);
	for (c = 0; c < CPU_SETSIZE && used + 8 < sizeof(lc); c++)
		if (CPU_ISSET(c, &cpus))
			used += (size_t)snprintf(lc + used, sizeof(lc) - used, "%s%d",
					lc[used - 1] == '(' ? "" : ",", c);
	if (lc[used - 1] == '(')
		used += (size_t)snprintf(lc + used, sizeof(lc) - used, "0");
	snprintf(lc + used, sizeof(lc) - used, ")");
	if (rte_eal_init(6, argv) < 0) {
		fail(err, errlen,
			"cannot attach to fastpath (file prefix %s) as a DPDK secondary%s%s (is it running, with hugepages and without --huge-unlink or --in-memory?)",
			prefix ? prefix : "rte", rte_errno ? ": " : "",
			rte_errno ? rte_strerror(rte_errno) : "");
		return -1;
	}
	eal_ready = 1;
	return 0;
}

/* The consumer slot: the lock file's flock (a probe by fastpath holds it
 * for an instant: retry for a while). Then the pid, for people; a pid
 * still there is a consumer that died holding mbufs: count them, unless
 * fastpath did first. */
static int
take_slot(struct fp_recv *r, const char *lock_path, int32_t *other)
{
	int32_t cur;
	int k;

	r->lock_fd = open(lock_path, O_RDWR | O_CLOEXEC);
	if (r->lock_fd < 0)
		return -1;
	for (k = 0; flock(r->lock_fd, LOCK_EX | LOCK_NB) != 0; k++) {
		if (errno != EWOULDBLOCK || k == 50) {
			*other = __atomic_load_n(&r->sh->consumer, __ATOMIC_ACQUIRE);
			close(r->lock_fd);
			r->lock_fd = -1;
			return -1;
		}
		usleep(2000);
	}
	if (__atomic_load_n(&r->sh->closing, __ATOMIC_ACQUIRE)) {
		/* fastpath began to stop before the lock was ours: it may be
		 * draining the ring itself */
		close(r->lock_fd);
		r->lock_fd = -1;
		errno = ESHUTDOWN;
		return -1;
	}
	/* a consumer killed inside a dequeue or a give-back left a head
	 * moved without its tail: the lock makes this the only consumer,
	 * undo it (the dequeue's slots are read again; a half-written
	 * give-back is lost, as the dead's other mbufs, counted below) */
	__atomic_store_n(&r->ring->cons.head, r->ring->cons.tail, __ATOMIC_RELEASE);
	__atomic_store_n(&r->back->prod.head, r->back->prod.tail, __ATOMIC_RELEASE);
	cur = __atomic_load_n(&r->sh->consumer, __ATOMIC_ACQUIRE);
	if (cur != 0) {
		uint32_t held = __atomic_load_n(&r->ring->cons.tail, __ATOMIC_ACQUIRE) -
			(uint32_t)__atomic_load_n(&r->sh->released, __ATOMIC_ACQUIRE);

		if (__atomic_compare_exchange_n(&r->sh->consumer, &cur, r->pid,
				false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&r->sh->orphaned, held, __ATOMIC_RELEASE);
			__atomic_store_n(&r->sh->deaths, r->sh->deaths + 1,
					__ATOMIC_RELEASE);
			return 0;
		}
	}
	__atomic_store_n(&r->sh->consumer, r->pid, __ATOMIC_RELEASE);
	return 0;
}

/* Is fastpath's process alive (the lock it holds on its runtime
 * config file), looked at every 100 ms at most? For the process: one
 * primary. */
static int
primary_gone(void)
{
	static uint64_t next;
	static int gone;
	uint64_t now = rte_get_tsc_cycles();

	if (!gone && now >= next) {
		next = now + rte_get_tsc_hz() / 10;
		gone = !rte_eal_primary_proc_alive(NULL);
	}
	return gone;
}

struct fp_recv *
fp_recv_open(const char *file_prefix, const char *name, char *err,
		size_t errlen)
{
	char rn[RTE_RING_NAMESIZE], bn[RTE_RING_NAMESIZE];
	char mn[RTE_MEMZONE_NAMESIZE], lock[PATH_MAX];
	const struct rte_memzone *mz;
	struct fp_recv *r;
	int32_t other = 0;

	if (name == NULL || name[0] == '\0' ||
			strlen(name) + sizeof(FP_RING_MZ_PREFIX) > sizeof(mn))
		return fail(err, errlen, "bad ring name '%s'", name ? name : "");
	if (eal_attach(file_prefix, err, errlen) != 0)
		return NULL;
	if (primary_gone())
		return fail(err, errlen,
			"fastpath (file prefix %s) is not running: what is left are the files of a run that ended",
			file_prefix ? file_prefix : "rte");
	snprintf(rn, sizeof(rn), FP_RING_PREFIX "%s", name);
	snprintf(bn, sizeof(bn), FP_RING_BACK_PREFIX "%s", name);
	snprintf(mn, sizeof(mn), FP_RING_MZ_PREFIX "%s", name);
	mz = rte_memzone_lookup(mn);
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return fail(err, errlen, "out of memory");
	r->ring = rte_ring_lookup(rn);
	r->back = rte_ring_lookup(bn);
	if (mz == NULL || r->ring == NULL || r->back == NULL) {
		free(r);
		return fail(err, errlen,
			"fastpath (file prefix %s) has no ring listener named %s",
			file_prefix ? file_prefix : "rte", name);
	}
	r->sh = mz->addr;
	r->lock_fd = -1;
	if (__atomic_load_n(&r->sh->magic, __ATOMIC_ACQUIRE) != FP_RING_MAGIC ||
			r->sh->slot_size != sizeof(struct fp_ring_slot)) {
		free(r);
		return fail(err, errlen,
			"ring %s: not set up by a fastpath of this version", name);
	}
	if (__atomic_load_n(&r->sh->closing, __ATOMIC_ACQUIRE)) {
		free(r);
		return fail(err, errlen, "fastpath is stopping: ring %s closed", name);
	}
	r->pid = (int32_t)getpid();
	snprintf(lock, sizeof(lock), "%s/" FP_RING_PREFIX "%s" FP_RING_LOCK_SUFFIX,
		rte_eal_get_runtime_dir(), name);
	if (take_slot(r, lock, &other) != 0) {
		free(r);
		if (other == 0 && errno == ESHUTDOWN)
			return fail(err, errlen, "fastpath is stopping: ring %s closed", name);
		if (other == 0)
			return fail(err, errlen, "ring %s: cannot take its lock %s: %s",
				name, lock, strerror(errno));
		return fail(err, errlen,
			"ring %s has a consumer already (pid %d): one consumer per ring",
			name, (int)other);
	}
	__atomic_store_n(&r->sh->attaches, r->sh->attaches + 1, __ATOMIC_RELEASE);
	r->released = __atomic_load_n(&r->sh->released, __ATOMIC_ACQUIRE);
	return r;
}

/* One chunk of at most RELEASE_BATCH: views from the slots alone. */
static unsigned int
burst(struct fp_recv *r, struct fp_dgram *d, unsigned int n)
{
	struct fp_ring_slot s[RELEASE_BATCH];
	unsigned int i, k;

	k = rte_ring_dequeue_burst_elem(r->ring, s, sizeof(s[0]), n, NULL);
	for (i = 0; i < k; i++) {
		const uint8_t *ip = s[i].frame + s[i].l3_off;

		memset(&d[i], 0, sizeof(d[i]));
		d[i].payload = s[i].frame + s[i].payload_off;
		d[i].len = s[i].len;
		d[i].seg_len = s[i].seg_len;
		d[i].src = s[i].family == 4 ? ip + 12 : ip + 8;
		d[i].dst = s[i].family == 4 ? ip + 16 : ip + 24;
		d[i].sport = s[i].sport;
		d[i].dport = s[i].dport;
		d[i].family = s[i].family;
		d[i].cast = s[i].cast;
		d[i].frames = s[i].frames;
		d[i].mbuf = s[i].mbuf;
	}
	return k;
}

unsigned int
fp_recv_burst(struct fp_recv *r, struct fp_dgram *d, unsigned int n)
{
	unsigned int got = 0, k;

	if (__atomic_load_n(&r->sh->closing, __ATOMIC_RELAXED) || primary_gone())
		return 0;               /* fastpath stops or is gone: fp_recv_closed */

	do {
		k = burst(r, d + got, n - got < RELEASE_BATCH ? n - got : RELEASE_BATCH);
		got += k;
	} while (k == RELEASE_BATCH && got < n);
	r->taken += got;             /* the ring's tail counts them for fastpath */
	return got;
}

/* Free n mbufs (and their segments) into their pools' common rings,
 * never into a per-lcore cache: this process's lcore id may be another's
 * too. */
static void
free_uncached(struct rte_mbuf *const *mbufs, unsigned int n)
{
	void *batch[64];
	struct rte_mempool *pool = NULL;
	unsigned int i, nb = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m, *next;

		for (m = mbufs[i]; m != NULL; m = next) {
			next = m->next;
			m = rte_pktmbuf_prefree_seg(m);
			if (m == NULL)
				continue;
			if (m->pool != pool || nb == RTE_DIM(batch)) {
				if (nb != 0)
					rte_mempool_generic_put(pool, batch, nb, NULL);
				pool = m->pool;
				nb = 0;
			}
			batch[nb++] = m;
		}
	}
	if (nb != 0)
		rte_mempool_generic_put(pool, batch, nb, NULL);
}

/* Back to fastpath on the return ring, whose lcores free them into
 * their caches; what does not fit, into the pools directly (without a
 * per-lcore cache: this process's lcore id may be another's too). */
void
fp_recv_release(struct fp_recv *r, struct fp_dgram *d, unsigned int n)
{
	struct rte_mbuf *batch[RELEASE_BATCH];
	unsigned int i = 0, nb, k;

	while (i < n) {
		for (nb = 0; i < n && nb < RELEASE_BATCH; i++)
			if (d[i].mbuf != NULL) {    /* NULL: released already */
				batch[nb++] = d[i].mbuf;
				d[i].mbuf = NULL;
			}
		k = rte_ring_enqueue_burst(r->back, (void **)batch, nb, NULL);
		if (k < nb)
			free_uncached(batch + k, nb - k);
		/* counted after the mbufs are back: a consumer killed in
		 * between leaves them counted held, though back (at most
		 * this chunk) */
		r->released += nb;
		r->mine += nb;
		__atomic_store_n(&r->sh->released, r->released, __ATOMIC_RELEASE);
	}
}

int
fp_recv_closed(const struct fp_recv *r)
{
	if (__atomic_load_n(&r->sh->closing, __ATOMIC_ACQUIRE))
		return FP_RECV_STOPPING;
	return primary_gone() ? FP_RECV_GONE : 0;
}

unsigned long long
fp_recv_held(const struct fp_recv *r)
{
	return (unsigned long long)(r->taken - r->mine);
}

void
fp_recv_close(struct fp_recv *r)
{
	int32_t pid;

	if (r == NULL)
		return;
	pid = r->pid;
	__atomic_compare_exchange_n(&r->sh->consumer, &pid, 0, false,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	if (r->lock_fd >= 0)
		close(r->lock_fd);      /* the lock goes with it */
	free(r);
}
