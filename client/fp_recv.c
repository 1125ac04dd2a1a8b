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

struct fp_recv {
	struct rte_ring *ring;    /* datagrams from fastpath */
	struct fp_ring_shared *sh;
	int lock_fd;              /* held (flock) while attached */
	int32_t pid;
	uint32_t head;            /* taken up to (the ring's cons.head) */
	uint32_t tail;            /* released up to (its cons.tail) */
	uint32_t next;            /* where the next release is looked for */
	uint32_t pending;         /* released beyond the tail, out of order */
	uint8_t *done;            /* by position: released beyond the tail */
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
	/* the lock makes this the only consumer: a pid still there is a
	 * consumer that died attached (fastpath did not notice yet) */
	cur = __atomic_load_n(&r->sh->consumer, __ATOMIC_ACQUIRE);
	if (cur != 0)
		fp_ring_recover(r->ring, r->sh);
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

/* rte_memzone_walk: a ring listener's name onto the list arg. */
static void
ring_name(const struct rte_memzone *mz, void *arg)
{
	char *names = arg;
	size_t used = strlen(names);
	const size_t len = sizeof(FP_RING_MZ_PREFIX) - 1;

	if (strncmp(mz->name, FP_RING_MZ_PREFIX, len) == 0 && used < 255)
		snprintf(names + used, 256 - used, "%s%s", used ? ", " : "",
			mz->name + len);
}

struct fp_recv *
fp_recv_open(const char *file_prefix, const char *name, char *err,
		size_t errlen)
{
	char rn[RTE_RING_NAMESIZE];
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
	snprintf(mn, sizeof(mn), FP_RING_MZ_PREFIX "%s", name);
	mz = rte_memzone_lookup(mn);
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return fail(err, errlen, "out of memory");
	r->ring = rte_ring_lookup(rn);
	if (mz == NULL || r->ring == NULL) {
		char names[256] = "";

		free(r);
		rte_memzone_walk(ring_name, names);
		return fail(err, errlen,
			"fastpath (file prefix %s) has no ring listener named %s (%s%s)",
			file_prefix ? file_prefix : "rte", name,
			names[0] ? "its rings: " : "it has no ring listener",
			names);
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
	r->done = calloc(r->ring->size, 1);
	if (r->done == NULL) {
		free(r);
		return fail(err, errlen, "out of memory");
	}
	if (take_slot(r, lock, &other) != 0) {
		free(r->done);
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
	r->head = __atomic_load_n(&r->ring->cons.head, __ATOMIC_ACQUIRE);
	r->tail = r->head;      /* nothing held: fp_ring_recover saw to it */
	r->next = r->head;
	return r;
}

/* The view of the datagram of slot s. */
static inline void
view(struct fp_dgram *d, const struct fp_ring_slot *s)
{
	const uint8_t *ip = s->frame + s->l3_off;

	memset(d, 0, sizeof(*d));
	d->payload = s->frame + s->payload_off;
	d->len = s->len;
	d->seg_len = s->seg_len;
	d->src = s->family == 4 ? ip + 12 : ip + 8;
	d->dst = s->family == 4 ? ip + 16 : ip + 24;
	memcpy(&d->sport, &s->sport, 8);    /* sport..frames: as in a view */
	d->mbuf = s->mbuf;
}

/* The slots are read in place (the producers do not write over a slot
 * before the tail passes it); taking them is moving the head. */
unsigned int
fp_recv_burst(struct fp_recv *r, struct fp_dgram *d, unsigned int n)
{
	uint32_t avail;
	unsigned int i;

	if (__atomic_load_n(&r->sh->closing, __ATOMIC_RELAXED) || primary_gone())
		return 0;               /* fastpath stops or is gone: fp_recv_closed */
	avail = __atomic_load_n(&r->ring->prod.tail, __ATOMIC_ACQUIRE) - r->head;
	if (n > avail)
		n = avail;
	for (i = 0; i < n; i++)
		view(&d[i], fp_ring_slot_at(r->ring, r->head + i));
	r->head += n;
	if (n != 0)
		__atomic_store_n(&r->ring->cons.head, r->head, __ATOMIC_RELEASE);
	return n;
}

/* The position of a held datagram's mbuf: where the last release ended,
 * in the usual case (released in the order taken); else looked for. */
static int
position(const struct fp_recv *r, const struct rte_mbuf *m, uint32_t *pos)
{
	uint32_t p;

	if (r->next - r->tail < r->head - r->tail &&
			fp_ring_slot_at(r->ring, r->next)->mbuf == m &&
			!r->done[r->next & r->ring->mask]) {
		*pos = r->next;
		return 0;
	}
	for (p = r->tail; p != r->head; p++)
		if (fp_ring_slot_at(r->ring, p)->mbuf == m &&
				!r->done[p & r->ring->mask]) {
			*pos = p;
			return 0;
		}
	return -1;                  /* not held: released already, or foreign */
}

/* Released in order, the tail follows; out of order, the datagram is
 * marked and the tail passes it once those before it are released too. */
void
fp_recv_release(struct fp_recv *r, struct fp_dgram *d, unsigned int n)
{
	const uint32_t mask = r->ring->mask;
	uint32_t old = r->tail, pos;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (d[i].mbuf == NULL)          /* released already */
			continue;
		if (position(r, d[i].mbuf, &pos) == 0) {
			r->next = pos + 1;
			if (pos == r->tail) {
				r->tail++;
				while (r->pending != 0 && r->done[r->tail & mask]) {
					r->done[r->tail & mask] = 0;
					r->pending--;
					r->tail++;
				}
			} else {
				r->done[pos & mask] = 1;
				r->pending++;
			}
		}
		d[i].mbuf = NULL;
	}
	if (r->tail != old)
		__atomic_store_n(&r->ring->cons.tail, r->tail, __ATOMIC_RELEASE);
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
	return (unsigned long long)(r->head - r->tail - r->pending);
}

void
fp_recv_close(struct fp_recv *r)
{
	int32_t pid;

	if (r == NULL)
		return;
	/* what is held is released: the views end here */
	__atomic_store_n(&r->ring->cons.tail, r->head, __ATOMIC_RELEASE);
	pid = r->pid;
	__atomic_compare_exchange_n(&r->sh->consumer, &pid, 0, false,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	if (r->lock_fd >= 0)
		close(r->lock_fd);      /* the lock goes with it */
	free(r->done);
	free(r);
}
