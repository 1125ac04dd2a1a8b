/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ring listeners (--listen PORT=ring,name=NAME[,size=N]): each datagram
 * goes, zero copy, onto a ring that a consumer process (a DPDK secondary,
 * libfastpath-recv) reads, as a socket's receive queue. The handler below
 * runs on the receiving lcores like any other; a full ring is the full
 * socket buffer of the kernel (DROP_FULL: RcvbufErrors, InErrors, the
 * listener's drops, SOCKET_RCVBUFF).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_memzone.h>
#include <rte_ring.h>

#include <fastpath/handler.h>

#include "fp_app.h"
#include "fp_ring.h"
#include "fp_ring_shared.h"
#include "fp_util.h"

struct fp_ring_listener {
	struct rte_ring *ring;
	const struct rte_memzone *mz;
	struct fp_ring_shared *sh;
};

static int meta_off = -1;          /* the dynamic field's offset */

static inline struct fp_ring_meta *
meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, meta_off, struct fp_ring_meta *);
}

/* Where each datagram is, then the whole vector onto the ring at once;
 * what does not fit is the full socket buffer. */
static void
ring_burst(void *state, const void *conf, const struct fp_dgram_batch *b,
		struct fp_dgram *d, uint16_t n, uint8_t *verdicts)
{
	const struct fp_ring_listener *r = conf;
	struct rte_mbuf *m[FP_BURST_MAX];
	unsigned int i, k;

	(void)state;
	(void)b;
	for (i = 0; i < n; i++) {
		struct fp_ring_meta *x = meta(d[i].mbuf);
		const uint8_t *l2 = rte_pktmbuf_mtod(d[i].mbuf, const uint8_t *);

		x->l3_off = (uint16_t)(d[i].src - l2 - (d[i].family == 4 ? 12 : 8));
		x->payload_off = (uint16_t)(d[i].payload - l2);
		x->frames = d[i].frames;
		x->family = d[i].family;
		x->cast = d[i].cast;
		x->sport = d[i].sport;
		x->dport = d[i].dport;
		x->len = d[i].len;
		m[i] = d[i].mbuf;
	}
	k = rte_ring_enqueue_burst(r->ring, (void **)m, n, NULL);
	for (i = 0; i < n; i++)
		verdicts[i] = i < k ? FP_VERDICT_TAKEN : FP_VERDICT_DROP_FULL;
}

static const struct fp_handler ring_handler = {
	.abi_version = FP_HANDLER_ABI_VERSION,
	.name = "ring",
	.burst = ring_burst,
};

int
fp_rings_setup(struct fp_app *a, char *err, size_t errlen)
{
	static const struct rte_mbuf_dynfield field = {
		.name = FP_RING_DYNFIELD,
		.size = sizeof(struct fp_ring_meta),
		.align = __alignof__(struct fp_ring_meta),
	};
	struct fp_listen_table *t = &a->rx.listen;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		struct fp_listener *l = &t->l[i];
		const struct fp_plugin_spec *s = &t->plugin[i];
		struct fp_ring_listener *r;
		char name[RTE_MEMZONE_NAMESIZE];

		if (l->action != FP_ACT_RING)
			continue;
		if (!rte_eal_has_hugepages())
			return fp_err(err, errlen,
				"--listen ring,name=%s: consumer processes need fastpath's memory in hugepages: run without --no-huge",
				s->ring);
		if (meta_off < 0) {
			meta_off = rte_mbuf_dynfield_register(&field);
			if (meta_off < 0)
				return fp_err(err, errlen,
					"ring listeners: cannot register the mbuf field %s: %s",
					FP_RING_DYNFIELD, rte_strerror(rte_errno)), -EIO;
		}
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return -ENOMEM;
		l->handler = &ring_handler;
		l->hconf = r;
		snprintf(name, sizeof(name), FP_RING_PREFIX "%s", s->ring);
		r->ring = rte_ring_create(name, s->ring_size, rte_socket_id(),
				RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (r->ring == NULL)
			return fp_err(err, errlen,
				"--listen ring,name=%s: cannot create a ring of %u: %s",
				s->ring, s->ring_size, rte_strerror(rte_errno)), -EIO;
		snprintf(name, sizeof(name), FP_RING_MZ_PREFIX "%s", s->ring);
		r->mz = rte_memzone_reserve(name, sizeof(*r->sh), rte_socket_id(), 0);
		if (r->mz == NULL)
			return fp_err(err, errlen,
				"--listen ring,name=%s: cannot reserve its memzone: %s",
				s->ring, rte_strerror(rte_errno)), -EIO;
		r->sh = r->mz->addr;
		memset(r->sh, 0, sizeof(*r->sh));
		__atomic_store_n(&r->sh->magic, FP_RING_MAGIC, __ATOMIC_RELEASE);
	}
	return 0;
}

/* A consumer whose process is gone: what it held is lost to the pool;
 * count it and free the ring for the next one. */
static void
check_consumer(struct fp_ring_shared *sh)
{
	int32_t pid = __atomic_load_n(&sh->consumer, __ATOMIC_ACQUIRE);
	uint64_t held;

	if (pid == 0 || kill(pid, 0) == 0 || errno != ESRCH)
		return;
	if (!__atomic_compare_exchange_n(&sh->consumer, &pid, 0, false,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;                     /* a new consumer took it over */
	held = __atomic_load_n(&sh->dequeued, __ATOMIC_ACQUIRE) -
		__atomic_load_n(&sh->released, __ATOMIC_ACQUIRE) -
		__atomic_load_n(&sh->orphaned, __ATOMIC_RELAXED);
	__atomic_store_n(&sh->orphaned, sh->orphaned + held, __ATOMIC_RELEASE);
	__atomic_store_n(&sh->deaths, sh->deaths + 1, __ATOMIC_RELEASE);
	FP_LOG(WARNING, "a ring consumer (pid %d) died holding %llu mbuf(s): they are lost to the mempool",
		(int)pid, (unsigned long long)held);
}

bool
fp_ring_read(const struct fp_listener *l, struct fp_ring_status *st)
{
	const struct fp_ring_listener *r = l->hconf;

	if (l->action != FP_ACT_RING || r == NULL || r->sh == NULL)
		return false;
	check_consumer(r->sh);
	st->rx_queue = rte_ring_count(r->ring);
	st->size = rte_ring_get_capacity(r->ring);
	st->consumer = __atomic_load_n(&r->sh->consumer, __ATOMIC_ACQUIRE);
	st->dequeued = __atomic_load_n(&r->sh->dequeued, __ATOMIC_RELAXED);
	st->released = __atomic_load_n(&r->sh->released, __ATOMIC_RELAXED);
	st->orphaned = __atomic_load_n(&r->sh->orphaned, __ATOMIC_RELAXED);
	st->deaths = __atomic_load_n(&r->sh->deaths, __ATOMIC_RELAXED);
	st->attaches = __atomic_load_n(&r->sh->attaches, __ATOMIC_RELAXED);
	return true;
}

uint64_t
fp_rings_drain(struct fp_app *a)
{
	struct fp_listen_table *t = &a->rx.listen;
	uint64_t outside = 0;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct fp_listener *l = &t->l[i];
		struct fp_ring_listener *r = l->hconf;
		struct fp_ring_status st;
		void *m[64];
		unsigned int n;

		if (!fp_ring_read(l, &st))
			continue;
		while ((n = rte_ring_dequeue_burst(r->ring, m, RTE_DIM(m), NULL)) != 0)
			rte_pktmbuf_free_bulk((struct rte_mbuf **)m, n);
		outside += st.dequeued - st.released;
		if (st.dequeued != st.released)
			FP_LOG(WARNING, "ring %s: %llu mbuf(s) not given back by its consumer%s (%llu of a dead consumer)",
				t->plugin[i].ring,
				(unsigned long long)(st.dequeued - st.released),
				st.consumer != 0 ? " (still attached)" : "",
				(unsigned long long)st.orphaned);
	}
	return outside;
}

void
fp_rings_free(struct fp_app *a)
{
	struct fp_listen_table *t = &a->rx.listen;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		struct fp_listener *l = &t->l[i];
		struct fp_ring_listener *r = l->hconf;

		if (l->action != FP_ACT_RING || r == NULL)
			continue;
		rte_ring_free(r->ring);
		rte_memzone_free(r->mz);
		free(r);
		l->hconf = NULL;
		l->handler = NULL;
	}
}
