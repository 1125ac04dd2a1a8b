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
#include <rte_memzone.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>
#include <rte_ring.h>
#ifdef RTE_ARCH_X86
#include <immintrin.h>
#endif
#include <rte_ring_peek_zc.h>

#include <fastpath/handler.h>

#include "fp_app.h"
#include "fp_ring.h"
#include "fp_ring_shared.h"
#include "fp_util.h"

struct fp_ring_listener {
	struct rte_ring *ring;    /* slots to the consumer */
	struct rte_ring *back;    /* mbufs from it */
	bool single;              /* one lcore produces: it stages */
	bool abandoned;           /* its consumer outlived fastpath's wait */
	uint32_t stage_at;        /* publish when so many are staged */
	uint64_t wait_tsc;        /* or when the oldest staged is so old */
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

/*
 * The cost of a ring is in the cache lines its two CPUs share: each
 * publication writes the line the consumer polls and reads the one it
 * writes, each look at the return ring reads lines the consumer wrote.
 * Paid per burst of 32 they would cost more than the datagrams. So an
 * lcore that is the ring's only producer gathers slots and publishes them
 * at once: when STAGE_MAX (at most half the ring) are gathered, when the
 * ring has no room beyond them, when a poll pass found no full burst (its
 * queues are drained, as DPDK's tx buffers are flushed) or when the
 * oldest waited STAGE_WAIT_US (fp_rings_flush). It decides TAKEN or
 * DROP_FULL at once from the room it knows the ring has (the consumer
 * only ever adds room). Every RECLAIM_MAX / 2 datagrams it takes back up
 * to RECLAIM_MAX mbufs the consumer gave back.
 */
#define STAGE_MAX 128
#define STAGE_WAIT_US 10
#define RECLAIM_MAX 256

/* A ring listener on one lcore. */
struct ring_lcore {
	uint32_t staged;          /* slots in s[], not yet on the ring */
	uint64_t first_tsc;       /* when the first of them arrived */
	uint32_t room;            /* ring slots free beyond the staged */
	uint32_t since_reclaim;   /* datagrams since mbufs were taken back */
	struct fp_ring_slot s[STAGE_MAX];
};

static int
ring_lcore_init(const void *conf, unsigned int lcore, void **state)
{
	(void)conf;
	*state = rte_zmalloc_socket("fp_ring_lcore", sizeof(struct ring_lcore),
			RTE_CACHE_LINE_SIZE, (int)rte_lcore_to_socket_id(lcore));
	return *state == NULL ? -ENOMEM : 0;
}

static void
ring_lcore_fini(void *state, const void *conf)
{
	(void)conf;
	rte_free(state);
}

/* mbufs the consumer gave back, into this lcore's mempool cache, where
 * the next receive burst finds them still in this CPU's cache */
static void
reclaim(const struct fp_ring_listener *r, struct ring_lcore *st)
{
	struct rte_mbuf *m[RECLAIM_MAX];
	unsigned int n;

	st->since_reclaim = 0;
	n = rte_ring_dequeue_burst(r->back, (void **)m, RTE_DIM(m), NULL);
	if (n != 0)
		rte_pktmbuf_free_bulk(m, n);
}

/* A datagram's slot, from its view. */
static inline void
slot_fill(struct fp_ring_slot *s, const struct fp_dgram *d)
{
	uint8_t *l2 = rte_pktmbuf_mtod(d->mbuf, uint8_t *);

	s->mbuf = d->mbuf;
	s->frame = l2;
	s->payload_off = (uint16_t)(d->payload - l2);
	s->len = (uint16_t)d->len;
	s->seg_len = (uint16_t)d->seg_len;
	s->frames = d->frames;
	s->sport = d->sport;
	s->dport = d->dport;
	s->l3_off = (uint8_t)(d->src - l2 - (d->family == 4 ? 12 : 8));
	s->family = d->family;
	s->cast = d->cast;
	s->pad = 0;
}

/*
 * Slots into the ring's memory. On x86 with non-temporal stores: the
 * lines go to memory whole, without being read first — a plain store
 * would first take each line back from the consumer's CPU, which read it
 * one lap of the ring ago (measured: 128 slots took 1.1-1.5 us so when
 * that CPU held the lines, 0.2-0.35 us with these). The fence orders
 * them before the ring's tail is published.
 */
static inline void
slots_copy(void *dst, const struct fp_ring_slot *src, unsigned int n)
{
#ifdef RTE_ARCH_X86
	__m128i *d = dst;
	const __m128i *s = (const __m128i *)src;
	unsigned int i;

	RTE_BUILD_BUG_ON(sizeof(*src) % sizeof(*d) != 0);
	for (i = 0; i < n * sizeof(*src) / sizeof(*d); i++)
		_mm_stream_si128(d + i, _mm_loadu_si128(s + i));
	_mm_sfence();
#else
	rte_memcpy(dst, src, n * sizeof(*src));
#endif
}

/* n slots from src into the ring's own memory at once (room for them is
 * known: the caller is the only producer, or k tells what fitted). */
static unsigned int
publish(struct rte_ring *ring, const struct fp_ring_slot *src, unsigned int n)
{
	struct rte_ring_zc_data zc;
	unsigned int k;

	k = rte_ring_enqueue_zc_burst_elem_start(ring, sizeof(*src), n, &zc,
			NULL);
	if (k == 0)
		return 0;           /* nothing reserved: nothing to finish */
	slots_copy(zc.ptr1, src, RTE_MIN(k, zc.n1));
	if (k > zc.n1)
		slots_copy(zc.ptr2, src + zc.n1, k - zc.n1);
	rte_ring_enqueue_zc_elem_finish(ring, k);
	return k;
}

static void
stage_flush(const struct fp_ring_listener *r, struct ring_lcore *st)
{
	if (st->staged != 0) {
		unsigned int k = publish(r->ring, st->s, st->staged);

		/* the only producer staged within the room: all fit */
		RTE_ASSERT(k == st->staged);
		(void)k;
		st->staged = 0;
	}
	if (st->since_reclaim >= RECLAIM_MAX / 2)
		reclaim(r, st);
}

/* The only producer: stage what the ring has room for. */
static unsigned int
stage(const struct fp_ring_listener *r, struct ring_lcore *st,
		const struct fp_dgram *d, unsigned int n, uint64_t now)
{
	unsigned int i, k;

	if (st->room < n) {
		uint32_t used;

		/* what is staged to the consumer first (it may be all the
		 * room there is), then what it freed since the last look */
		stage_flush(r, st);
		used = r->ring->prod.tail -
			__atomic_load_n(&r->ring->cons.tail, __ATOMIC_ACQUIRE);
		st->room = r->ring->capacity - used;
	}
	k = RTE_MIN(n, st->room);
	st->room -= k;
	if (st->staged == 0 && k != 0)
		st->first_tsc = now;
	for (i = 0; i < k; ) {
		unsigned int m = RTE_MIN(k - i, r->stage_at - st->staged), j;
		struct fp_ring_slot *s = &st->s[st->staged];

		for (j = 0; j < m; j++)
			slot_fill(&s[j], &d[i + j]);
		i += m;
		st->staged += m;
		if (st->staged == r->stage_at) {
			stage_flush(r, st);
			st->first_tsc = now;
		}
	}
	return k;
}

/* Several producers: the slots straight onto the ring, in turn. */
static unsigned int
put(const struct fp_ring_listener *r, struct ring_lcore *st,
		const struct fp_dgram *d, unsigned int n)
{
	struct fp_ring_slot s[FP_BURST_MAX];
	unsigned int i, k;

	for (i = 0; i < n; i++)
		slot_fill(&s[i], &d[i]);
	k = publish(r->ring, s, n);
	if (st->since_reclaim >= RECLAIM_MAX / 2)
		reclaim(r, st);
	return k;
}

/* Each datagram onto the ring, or the full socket buffer. */
static void
ring_burst(void *state, const void *conf, const struct fp_dgram_batch *b,
		struct fp_dgram *d, uint16_t n, uint8_t *verdicts)
{
	const struct fp_ring_listener *r = conf;
	struct ring_lcore *st = state;
	unsigned int k;

	k = r->single ? stage(r, st, d, n, b->timestamp) : put(r, st, d, n);
	st->since_reclaim += k;
	memset(verdicts, FP_VERDICT_TAKEN, k);
	memset(verdicts + k, FP_VERDICT_DROP_FULL, n - k);
}

/* What is staged, and what was given back while no datagram came. */
static void
ring_tick(void *state, const void *conf, uint64_t tsc)
{
	struct ring_lcore *st = state;

	(void)tsc;
	stage_flush(conf, st);
	reclaim(conf, st);
}

static const struct fp_handler ring_handler = {
	.abi_version = FP_HANDLER_ABI_VERSION,
	.view_skip = FP_VIEW_SKIP_REPLY,    /* it never replies */
	.name = "ring",
	.lcore_init = ring_lcore_init,
	.burst = ring_burst,
	.tick = ring_tick,
	.lcore_fini = ring_lcore_fini,
};

/* The ring listeners' ids, for the flush after each poll pass. */
static uint16_t ring_ids[FP_MAX_LISTENERS];
static unsigned int nb_ring_ids;

void
fp_rings_flush(void *const *hstate, bool drained, uint64_t now)
{
	const struct fp_listen_table *t = &fp_app.rx.listen;
	unsigned int i;

	for (i = 0; i < nb_ring_ids; i++) {
		const struct fp_ring_listener *r = t->l[ring_ids[i]].hconf;
		struct ring_lcore *st = hstate[ring_ids[i]];

		if (st->staged != 0 &&
				(drained || now - st->first_tsc >= r->wait_tsc))
			stage_flush(r, st);
	}
}

int
fp_rings_setup(struct fp_app *a, char *err, size_t errlen)
{
	struct fp_listen_table *t = &a->rx.listen;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		struct fp_listener *l = &t->l[i];
		const struct fp_plugin_spec *s = &t->plugin[i];
		struct fp_ring_listener *r;

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
	}
	return 0;
}

int
fp_rings_create(struct fp_app *a, char *err, size_t errlen)
{
	struct fp_listen_table *t = &a->rx.listen;
	/* one polling lcore: one producer of the ring, one taker of the
	 * mbufs given back — no compare-and-swap on either (a locked
	 * instruction waits for a cache line the consumer's CPU has) */
	const bool single = a->nb_polling == 1;
	const unsigned int one = single ? RING_F_SP_ENQ :
		RING_F_MP_HTS_ENQ;     /* several: in turn (zero-copy enqueue) */
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct fp_plugin_spec *s = &t->plugin[i];
		struct fp_ring_listener *r = t->l[i].hconf;
		char name[RTE_MEMZONE_NAMESIZE];

		if (t->l[i].action != FP_ACT_RING)
			continue;
		snprintf(name, sizeof(name), FP_RING_PREFIX "%s", s->ring);
		r->ring = rte_ring_create_elem(name, sizeof(struct fp_ring_slot),
				s->ring_size, rte_socket_id(),
				one | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		r->single = single;
		r->stage_at = RTE_MIN((uint32_t)STAGE_MAX, s->ring_size / 2);
		r->wait_tsc = rte_get_tsc_hz() * STAGE_WAIT_US / 1000000;
		ring_ids[nb_ring_ids++] = (uint16_t)i;
		if (r->ring == NULL)
			return fp_err(err, errlen,
				"--listen ring,name=%s: cannot create a ring of %u: %s",
				s->ring, s->ring_size, rte_strerror(rte_errno)), -EIO;
		/* as large (when it is full the consumer frees to the pool) */
		snprintf(name, sizeof(name), FP_RING_BACK_PREFIX "%s", s->ring);
		r->back = rte_ring_create(name, s->ring_size, rte_socket_id(),
				(one == RING_F_SP_ENQ ? RING_F_SC_DEQ : 0) | RING_F_SP_ENQ |
				RING_F_EXACT_SZ);
		if (r->back == NULL)
			return fp_err(err, errlen,
				"--listen ring,name=%s: cannot create its return ring of %u: %s",
				s->ring, s->ring_size, rte_strerror(rte_errno)), -EIO;
		snprintf(name, sizeof(name), FP_RING_MZ_PREFIX "%s", s->ring);
		r->mz = rte_memzone_reserve(name, sizeof(*r->sh), rte_socket_id(), 0);
		if (r->mz == NULL)
			return fp_err(err, errlen,
				"--listen ring,name=%s: cannot reserve its memzone: %s",
				s->ring, rte_strerror(rte_errno)), -EIO;
		r->sh = r->mz->addr;
		memset(r->sh, 0, sizeof(*r->sh));
		r->sh->slot_size = sizeof(struct fp_ring_slot);
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
	uint64_t before;
	uint32_t held;

	if (pid == 0 || consumer_alive(r))
		return;
	held = outstanding(r);     /* the dead change nothing: before the CAS */
	before = __atomic_load_n(&r->sh->orphaned, __ATOMIC_ACQUIRE);
	if (!__atomic_compare_exchange_n(&r->sh->consumer, &pid, 0, false,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;                     /* a new consumer took it over */
	__atomic_store_n(&r->sh->orphaned, held, __ATOMIC_RELEASE);
	__atomic_store_n(&r->sh->deaths, r->sh->deaths + 1, __ATOMIC_RELEASE);
	FP_LOG(WARNING, "ring %s: its consumer (pid %d) died holding %u mbuf(s), lost to the mempool (%u by dead consumers in all)",
		name, (int)pid, held - (uint32_t)before, held);
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
		if (consumer_alive(r)) {
			/* it may dequeue or give back still: leave it the
			 * rings and what is on them */
			r->abandoned = true;
			FP_LOG(WARNING, "ring %s: its consumer (pid %d) did not detach within 2 s: the ring is left to it",
				t->plugin[i].ring, (int)r->sh->consumer);
			continue;
		}
		/* a consumer killed inside a dequeue or a give-back left a
		 * head moved without its tail; none is attached now */
		r->ring->cons.head = r->ring->cons.tail;
		r->back->prod.head = r->back->prod.tail;
	}
	for (i = 0; i < t->n; i++) {
		const struct fp_listener *l = &t->l[i];
		struct fp_ring_listener *r = l->hconf;
		struct fp_ring_status st;
		struct fp_ring_slot s[64];
		struct rte_mbuf *m[64];
		unsigned int n;

		if (!fp_ring_read(l, t->plugin[i].ring, &st))
			continue;
		if (r->abandoned) {
			outside += rte_ring_count(r->ring) + rte_ring_count(r->back) +
				st.dequeued - st.released;
			continue;
		}
		while ((n = rte_ring_dequeue_burst_elem(r->ring, s, sizeof(s[0]),
				RTE_DIM(s), NULL)) != 0) {
			for (k = 0; k < n; k++)
				m[k] = s[k].mbuf;
			rte_pktmbuf_free_bulk(m, n);
			r->drained += n;
		}
		while ((n = rte_ring_dequeue_burst(r->back, (void **)m,
				RTE_DIM(m), NULL)) != 0)
			rte_pktmbuf_free_bulk(m, n);
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
		if (!r->abandoned) {        /* else its consumer still maps them */
			rte_ring_free(r->ring);
			rte_ring_free(r->back);
			rte_memzone_free(r->mz);
		}
		if (r->lock_fd >= 0) {
			close(r->lock_fd);
			unlink(r->lock_path);
		}
		free(r);
		l->hconf = NULL;
		l->handler = NULL;
	}
}
