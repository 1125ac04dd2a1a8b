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
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
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
	int lock_fd;              /* the consumer's lock file, to probe it */
	char lock_path[256];
	uint32_t drained;         /* dequeued by fastpath at exit */
};

/* Is a consumer attached (holding the lock)? A probe takes the lock for
 * an instant when it is free; a consumer attaching then retries. */
static bool
consumer_alive(const struct fp_ring_listener *r)
{
	if (flock(r->lock_fd, LOCK_EX | LOCK_NB) != 0)
		return errno == EWOULDBLOCK;
	flock(r->lock_fd, LOCK_UN);
	return false;
}

/* mbufs consumers took and did not give back (the dead's included). */
static uint32_t
outstanding(const struct fp_ring_listener *r)
{
	uint32_t tail = __atomic_load_n(&r->ring->cons.tail, __ATOMIC_ACQUIRE);

	return tail - r->drained -
		(uint32_t)__atomic_load_n(&r->sh->released, __ATOMIC_ACQUIRE);
}

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
		if (rte_lcore_is_enabled(RTE_MAX_LCORE - 1))
			return fp_err(err, errlen,
				"--listen ring,name=%s: lcore %d is the consumers' (they share fastpath's mempool caches by lcore id): give fastpath other lcores",
				s->ring, RTE_MAX_LCORE - 1);
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
		r->lock_fd = -1;
		l->handler = &ring_handler;
		l->hconf = r;
		snprintf(r->lock_path, sizeof(r->lock_path), "%s/" FP_RING_PREFIX "%s"
			FP_RING_LOCK_SUFFIX, rte_eal_get_runtime_dir(), s->ring);
		r->lock_fd = open(r->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (r->lock_fd < 0)
			return fp_err(err, errlen,
				"--listen ring,name=%s: cannot create %s: %s",
				s->ring, r->lock_path, strerror(errno)), -EIO;
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
		r->sh->meta_size = sizeof(struct fp_ring_meta);
		__atomic_store_n(&r->sh->magic, FP_RING_MAGIC, __ATOMIC_RELEASE);
	}
	return 0;
}

/* A consumer whose process is gone (its lock fell with it): what it
 * held is lost to the pool; count it and free the slot. */
static void
check_consumer(struct fp_ring_listener *r, const char *name)
{
	int32_t pid = __atomic_load_n(&r->sh->consumer, __ATOMIC_ACQUIRE);
	uint32_t held;

	if (pid == 0 || consumer_alive(r))
		return;
	held = outstanding(r);     /* the dead change nothing: before the CAS */
	if (!__atomic_compare_exchange_n(&r->sh->consumer, &pid, 0, false,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;                     /* a new consumer took it over */
	__atomic_store_n(&r->sh->orphaned, held, __ATOMIC_RELEASE);
	__atomic_store_n(&r->sh->deaths, r->sh->deaths + 1, __ATOMIC_RELEASE);
	FP_LOG(WARNING, "ring %s: its consumer (pid %d) died holding %u mbuf(s) in all: lost to the mempool",
		name, (int)pid, held);
}

bool
fp_ring_read(const struct fp_listener *l, const char *name,
		struct fp_ring_status *st)
{
	struct fp_ring_listener *r = l->hconf;
	uint32_t out;

	if (l->action != FP_ACT_RING || r == NULL || r->sh == NULL)
		return false;
	check_consumer(r, name);
	out = outstanding(r);
	st->rx_queue = rte_ring_count(r->ring);
	st->size = rte_ring_get_capacity(r->ring);
	st->consumer = __atomic_load_n(&r->sh->consumer, __ATOMIC_ACQUIRE);
	st->released = __atomic_load_n(&r->sh->released, __ATOMIC_ACQUIRE);
	st->dequeued = st->released + out;
	st->orphaned = __atomic_load_n(&r->sh->orphaned, __ATOMIC_RELAXED);
	st->deaths = __atomic_load_n(&r->sh->deaths, __ATOMIC_RELAXED);
	st->attaches = __atomic_load_n(&r->sh->attaches, __ATOMIC_RELAXED);
	return true;
}

int
fp_rings_eal_args(const struct fp_listen_table *t, int argc, char **argv,
		char *err, size_t errlen)
{
	unsigned int i;
	int k;

	for (i = 0; i < t->n && t->l[i].action != FP_ACT_RING; i++)
		;
	if (i == t->n)
		return 0;
	for (k = 1; k < argc; k++)
		if (strcmp(argv[k], "--huge-unlink") == 0 ||
				strncmp(argv[k], "--huge-unlink=", 14) == 0 ||
				strcmp(argv[k], "--in-memory") == 0)
			return fp_err(err, errlen,
				"--listen ring,name=%s: consumer processes map fastpath's hugepage files: run without %s",
				t->plugin[i].ring, argv[k]);
	return 0;
}

void
fp_rings_check(struct fp_app *a)
{
	struct fp_listen_table *t = &a->rx.listen;
	struct fp_ring_status st;
	unsigned int i;

	for (i = 0; i < t->n; i++)
		fp_ring_read(&t->l[i], t->plugin[i].ring, &st);
}

uint64_t
fp_rings_drain(struct fp_app *a)
{
	struct fp_listen_table *t = &a->rx.listen;
	uint64_t outside = 0;
	unsigned int i, k;

	/* tell consumers, and give them a moment to detach (a consumer still
	 * dequeuing would race the drain of a single-consumer ring) */
	for (i = 0; i < t->n; i++) {
		struct fp_ring_listener *r = t->l[i].hconf;

		if (t->l[i].action == FP_ACT_RING && r != NULL && r->sh != NULL)
			__atomic_store_n(&r->sh->closing, 1, __ATOMIC_RELEASE);
	}
	for (i = 0; i < t->n; i++) {
		struct fp_ring_listener *r = t->l[i].hconf;

		if (t->l[i].action != FP_ACT_RING || r == NULL || r->sh == NULL)
			continue;
		for (k = 0; k < 200 && consumer_alive(r); k++)
			usleep(10000);
		if (consumer_alive(r))
			FP_LOG(WARNING, "ring %s: its consumer (pid %d) did not detach within 2 s",
				t->plugin[i].ring, (int)r->sh->consumer);
	}
	for (i = 0; i < t->n; i++) {
		const struct fp_listener *l = &t->l[i];
		struct fp_ring_listener *r = l->hconf;
		struct fp_ring_status st;
		void *m[64];
		unsigned int n;

		if (!fp_ring_read(l, t->plugin[i].ring, &st))
			continue;
		while ((n = rte_ring_dequeue_burst(r->ring, m, RTE_DIM(m), NULL)) != 0) {
			rte_pktmbuf_free_bulk((struct rte_mbuf **)m, n);
			r->drained += n;
		}
		outside += st.dequeued - st.released;
		if (st.dequeued != st.released)
			FP_LOG(WARNING, "ring %s: %llu mbuf(s) not given back by its consumers (%llu of dead ones)",
				t->plugin[i].ring,
				(unsigned long long)(st.dequeued - st.released),
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
		if (r->lock_fd >= 0) {
			close(r->lock_fd);
			unlink(r->lock_path);
		}
		free(r);
		l->hconf = NULL;
		l->handler = NULL;
	}
}
