/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libfastpath-recv: a ring listener's consumer side (fastpath/recv.h).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_memzone.h>
#include <rte_ring.h>

#include <fastpath/recv.h>

#include "fp_ring_shared.h"

#define RELEASE_BATCH 64

struct fp_recv {
	struct rte_ring *ring;
	struct fp_ring_shared *sh;
	int meta_off;
	int32_t pid;
	uint64_t dequeued;
	uint64_t released;
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

/* DPDK as a secondary of fastpath. Its main lcore gets an id fastpath
 * does not use (mempool caches are per lcore id and shared), and the
 * thread keeps the CPUs it had. */
static int
eal_attach(const char *prefix, char *err, size_t errlen)
{
	char pf[128], lc[32];
	char *argv[] = { "fastpath-recv", "--proc-type=secondary", pf,
		"--no-pci", "--log-level=*:error", lc, NULL };
	cpu_set_t cpus;
	int had = pthread_getaffinity_np(pthread_self(), sizeof(cpus), &cpus);

	if (eal_ready)
		return 0;
	snprintf(pf, sizeof(pf), "--file-prefix=%s", prefix ? prefix : "rte");
	snprintf(lc, sizeof(lc), "--lcores=%d@0", RTE_MAX_LCORE - 1);
	if (rte_eal_init(6, argv) < 0) {
		fail(err, errlen,
			"cannot attach to fastpath (file prefix %s) as a DPDK secondary: %s (is it running, with hugepages?)",
			prefix ? prefix : "rte", rte_strerror(rte_errno));
		return -1;
	}
	if (had == 0)
		pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
	eal_ready = 1;
	return 0;
}

/* The consumer slot: free, or held by a process that is gone (whose
 * mbufs are then counted lost). */
static int
take_slot(struct fp_ring_shared *sh, int32_t pid, int32_t *other)
{
	int32_t cur = 0;

	if (__atomic_compare_exchange_n(&sh->consumer, &cur, pid, false,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return 0;
	*other = cur;
	if (kill(cur, 0) == 0 || errno != ESRCH)
		return -1;                      /* alive */
	if (!__atomic_compare_exchange_n(&sh->consumer, &cur, pid, false,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return -1;
	/* we took over a dead consumer's slot: account its mbufs */
	__atomic_store_n(&sh->orphaned, __atomic_load_n(&sh->dequeued, __ATOMIC_ACQUIRE) -
		__atomic_load_n(&sh->released, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
	__atomic_store_n(&sh->deaths, sh->deaths + 1, __ATOMIC_RELEASE);
	return 0;
}

struct fp_recv *
fp_recv_open(const char *file_prefix, const char *name, char *err,
		size_t errlen)
{
	char rn[RTE_RING_NAMESIZE], mn[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	struct fp_recv *r;
	int32_t other = 0;

	if (name == NULL || name[0] == '\0' ||
			strlen(name) + sizeof(FP_RING_MZ_PREFIX) > sizeof(mn))
		return fail(err, errlen, "bad ring name '%s'", name ? name : "");
	if (eal_attach(file_prefix, err, errlen) != 0)
		return NULL;
	snprintf(rn, sizeof(rn), FP_RING_PREFIX "%s", name);
	snprintf(mn, sizeof(mn), FP_RING_MZ_PREFIX "%s", name);
	mz = rte_memzone_lookup(mn);
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return fail(err, errlen, "out of memory");
	r->ring = rte_ring_lookup(rn);
	if (mz == NULL || r->ring == NULL) {
		free(r);
		return fail(err, errlen,
			"fastpath (file prefix %s) has no ring listener named %s",
			file_prefix ? file_prefix : "rte", name);
	}
	r->sh = mz->addr;
	r->meta_off = rte_mbuf_dynfield_lookup(FP_RING_DYNFIELD, NULL);
	if (__atomic_load_n(&r->sh->magic, __ATOMIC_ACQUIRE) != FP_RING_MAGIC ||
			r->meta_off < 0) {
		free(r);
		return fail(err, errlen,
			"ring %s: not set up by a fastpath of this version", name);
	}
	r->pid = (int32_t)getpid();
	if (take_slot(r->sh, r->pid, &other) != 0) {
		free(r);
		return fail(err, errlen,
			"ring %s has a consumer already (pid %d): one consumer per ring",
			name, (int)other);
	}
	__atomic_store_n(&r->sh->attaches, r->sh->attaches + 1, __ATOMIC_RELEASE);
	r->dequeued = __atomic_load_n(&r->sh->dequeued, __ATOMIC_ACQUIRE);
	r->released = __atomic_load_n(&r->sh->released, __ATOMIC_ACQUIRE);
	return r;
}

/* One chunk of at most RELEASE_BATCH. */
static unsigned int
burst(struct fp_recv *r, struct fp_dgram *d, unsigned int n)
{
	struct rte_mbuf *m[RELEASE_BATCH];
	unsigned int i, k;

	k = rte_ring_dequeue_burst(r->ring, (void **)m, n, NULL);
	for (i = 0; i < k; i++) {
		const struct fp_ring_meta *x = RTE_MBUF_DYNFIELD(m[i], r->meta_off,
				const struct fp_ring_meta *);
		uint8_t *l2 = rte_pktmbuf_mtod(m[i], uint8_t *);
		const uint8_t *ip = l2 + x->l3_off;
		uint32_t in_seg = m[i]->data_len - x->payload_off;

		/* from the mbuf alone: the frame's lines stay unread until
		 * the consumer reads its payload */
		memset(&d[i], 0, sizeof(d[i]));
		d[i].payload = l2 + x->payload_off;
		d[i].len = x->len;
		d[i].seg_len = in_seg < d[i].len ? in_seg : d[i].len;
		d[i].src = x->family == 4 ? ip + 12 : ip + 8;
		d[i].dst = x->family == 4 ? ip + 16 : ip + 24;
		d[i].sport = x->sport;
		d[i].dport = x->dport;
		d[i].family = x->family;
		d[i].cast = x->cast;
		d[i].frames = x->frames;
		d[i].mbuf = m[i];
	}
	return k;
}

unsigned int
fp_recv_burst(struct fp_recv *r, struct fp_dgram *d, unsigned int n)
{
	unsigned int got = 0, k;

	do {
		k = burst(r, d + got, n - got < RELEASE_BATCH ? n - got : RELEASE_BATCH);
		got += k;
	} while (k == RELEASE_BATCH && got < n);
	if (got != 0) {
		r->dequeued += got;
		__atomic_store_n(&r->sh->dequeued, r->dequeued, __ATOMIC_RELEASE);
	}
	return got;
}

/* Segments back to their pools without a per-lcore cache (the lcore id
 * of this process may be another's too), in batches per pool. */
void
fp_recv_release(struct fp_recv *r, struct fp_dgram *d, unsigned int n)
{
	void *batch[RELEASE_BATCH];
	struct rte_mempool *pool = NULL;
	unsigned int i, nb = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = d[i].mbuf, *next;

		for (; m != NULL; m = next) {
			next = m->next;
			m = rte_pktmbuf_prefree_seg(m);
			if (m == NULL)
				continue;
			if (m->pool != pool || nb == RELEASE_BATCH) {
				if (nb != 0)
					rte_mempool_generic_put(pool, batch, nb, NULL);
				pool = m->pool;
				nb = 0;
			}
			batch[nb++] = m;
		}
		d[i].mbuf = NULL;
	}
	if (nb != 0)
		rte_mempool_generic_put(pool, batch, nb, NULL);
	r->released += n;
	__atomic_store_n(&r->sh->released, r->released, __ATOMIC_RELEASE);
}

unsigned long long
fp_recv_held(const struct fp_recv *r)
{
	return (unsigned long long)(r->dequeued - r->released);
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
	free(r);
}
