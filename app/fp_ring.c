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
#include <pthread.h>
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
	uint32_t held_size;       /* an lcore's held[]: a power of two >= the
	                           * ring's capacity */
	bool single;              /* one lcore produces: it stages */
	bool abandoned;           /* its consumer outlived fastpath's wait */
	uint32_t stage_at;        /* publish when so many are staged */
	uint64_t wait_tsc;        /* or when the oldest staged is so old */
	const struct rte_memzone *mz;
	struct fp_ring_shared *sh;
	int lock_fd;              /* the consumer's lock file, to probe it */
	char lock_path[256];
	/* fastpath's threads (housekeeping, telemetry's, the exit) one at a
	 * time around the lock file — an flock is the open file's, shared by
	 * them all — and the counts below */
	pthread_mutex_t mutex;
	uint64_t head, tail;      /* the ring's cons.head, cons.tail, in 64 bits
	                           * (looked at once a second at least) */
	uint64_t drained;         /* freed by fastpath at exit, never taken */
	int32_t seen;             /* the consumer's pid at the last look */
	uint64_t seen_deaths;     /* and the ring's deaths */
};

/* Is a consumer attached (holding the lock)? A probe takes the lock for
 * an instant when it is free; a consumer attaching then retries. */
static bool
consumer_alive(struct fp_ring_listener *r)
{
	bool alive;

	pthread_mutex_lock(&r->mutex);
	alive = flock(r->lock_fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	if (!alive)
		flock(r->lock_fd, LOCK_UN);
	pthread_mutex_unlock(&r->mutex);
	return alive;
}

/*
 * The cost of a ring is in the cache lines its two CPUs share: each
 * publication writes the line the consumer polls, each look at what it
 * released reads the line it writes. Paid per burst of 32 they would cost
 * more than the datagrams. So an lcore that is the ring's only producer
 * writes slots straight into the ring beyond its producer tail and
 * publishes them at once (moves the tail): when STAGE_MAX (at most half
 * the ring) are written, when the ring has no room beyond them, when a
 * poll pass found no full burst (its queues are drained, as DPDK's tx
 * buffers are flushed) or when the oldest waited STAGE_WAIT_US
 * (its flush). It decides TAKEN or DROP_FULL at once from the room
 * it knows the ring has (the consumer only ever adds room).
 *
 * No mbuf pointer comes back from the consumer: the lcore keeps those it
 * put on the ring (held[], in ring order: by position when it is the only
 * producer, else with the runs of positions they went to), and every
 * RECLAIM_EVERY datagrams (and at every tick) frees those the ring's
 * consumer tail has passed — into its own mempool cache, where its next
 * receive burst finds them. A consumer that releases as it goes keeps a
 * few hundred mbufs cycling.
 */
#define STAGE_MAX 128
#define STAGE_WAIT_US 10
#define RECLAIM_EVERY 128

/* held[] entries: the mbuf, and whether it cannot go back to the pool
 * plain (slot_write): its low bit, free in an mbuf's (cache-aligned)
 * address — unset in the usual case, so that a stretch of held[] is an
 * array of mbuf pointers as it is */
#define HELD_OTHER 1u

/* slots gathered before they go to the ring's memory together: whole
 * cache lines for the non-temporal stores (slot_write) */
#define LINE_SLOTS 8

/* positions pos..pos+n went to n held[] entries in a row */
struct ring_run {
	uint32_t pos;
	uint32_t n;
};

/* A ring listener on one lcore. */
struct ring_lcore {
	uint32_t staged;          /* slots written beyond the producer tail */
	uint64_t first_tsc;       /* when the first of them arrived */
	uint32_t room;            /* ring slots free beyond the staged */
	uint32_t since_reclaim;   /* datagrams since mbufs were taken back */
	uint32_t first, next;     /* held[] from first to next (free-running;
	                           * the only producer's: positions) */
	uint32_t run_first, run_next;   /* runs[], idem */
	uint32_t mask;            /* of held[] and runs[] */
	uintptr_t *held;          /* mbufs on the ring or held by its consumer */
	struct ring_run *runs;
	struct rte_mempool *pool; /* of its plain mbufs: the first one's */
	uint32_t others;          /* held entries with HELD_OTHER */
	uint32_t out;             /* slots before this position are in the
	                           * ring's memory; from it, in line[] */
	struct fp_ring_slot line[LINE_SLOTS] __rte_cache_aligned; /* by pos */
};

static void
ring_lcore_fini(void *state, const void *conf)
{
	struct ring_lcore *st = state;

	(void)conf;
	if (st != NULL) {
		rte_free(st->held);
		rte_free(st->runs);
	}
	rte_free(st);
}

static int
ring_lcore_init(const void *conf, unsigned int lcore, void **state)
{
	const struct fp_ring_listener *r = conf;
	const int socket = (int)rte_lcore_to_socket_id(lcore);
	struct ring_lcore *st;

	st = rte_zmalloc_socket("fp_ring_lcore", sizeof(*st),
			RTE_CACHE_LINE_SIZE, socket);
	if (st == NULL)
		return -ENOMEM;
	st->mask = r->held_size - 1;
	st->held = rte_malloc_socket("fp_ring_held",
			r->held_size * sizeof(st->held[0]), RTE_CACHE_LINE_SIZE, socket);
	st->runs = rte_malloc_socket("fp_ring_runs",
			r->held_size * sizeof(st->runs[0]), RTE_CACHE_LINE_SIZE, socket);
	if (st->held == NULL || st->runs == NULL) {
		ring_lcore_fini(st, conf);
		return -ENOMEM;
	}
	*state = st;
	return 0;
}

/*
 * Free the k oldest held mbufs. Plain ones (one segment, one reference,
 * direct, from the lcore's pool: nearly all) go back to the pool without
 * a look at their headers — as DPDK's PMDs do under
 * RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE: by the time the consumer released
 * them, those lines have left this CPU's L1 — and when none of the held
 * is another kind, straight from held[], in stretches. The others are
 * freed whole.
 */
static void
held_put(struct ring_lcore *st, uint32_t k)
{
	void *plain[64];
	struct rte_mbuf *other[64];
	unsigned int np = 0, no = 0;

	while (st->others == 0 && k != 0) {
		uint32_t at = st->first & st->mask;
		uint32_t n = RTE_MIN(k, RTE_MIN(st->mask + 1 - at, 256u));

		/* at most 256: into the lcore's cache (up to 512 can be) */
		rte_mempool_put_bulk(st->pool, (void **)&st->held[at], n);
		st->first += n;
		k -= n;
	}
	for (; k != 0; k--) {
		uintptr_t h = st->held[st->first++ & st->mask];

		if (h & HELD_OTHER) {
			other[no++] = (struct rte_mbuf *)(h & ~(uintptr_t)HELD_OTHER);
			st->others--;
		} else {
			plain[np++] = (void *)h;
		}
		if (np == RTE_DIM(plain)) {
			rte_mempool_put_bulk(st->pool, plain, np);
			np = 0;
		}
		if (no == RTE_DIM(other)) {
			rte_pktmbuf_free_bulk(other, no);
			no = 0;
		}
	}
	if (np != 0)
		rte_mempool_put_bulk(st->pool, plain, np);
	if (no != 0)
		rte_pktmbuf_free_bulk(other, no);
}

/* Free the held mbufs of positions before upto. */
static void
held_free(const struct fp_ring_listener *r, struct ring_lcore *st,
		uint32_t upto)
{
	if (r->single) {
		if ((int32_t)(upto - st->first) > 0)
			held_put(st, RTE_MIN(upto - st->first, st->next - st->first));
		return;
	}
	while (st->run_first != st->run_next) {
		struct ring_run *ru = &st->runs[st->run_first & st->mask];
		int32_t due = (int32_t)(upto - ru->pos);
		uint32_t k;

		if (due <= 0)
			break;
		k = RTE_MIN((uint32_t)due, ru->n);
		held_put(st, k);
		ru->pos += k;
		ru->n -= k;
		if (ru->n != 0)
			break;
		st->run_first++;
	}
}

/* What the consumer released (the ring's consumer tail has passed it). */
static void
reclaim(const struct fp_ring_listener *r, struct ring_lcore *st)
{
	st->since_reclaim = 0;
	held_free(r, st, __atomic_load_n(&r->ring->cons.tail, __ATOMIC_ACQUIRE));
}

/* Room in held[] (runs[] has as much: a run has one entry at least) */
static inline uint32_t
held_room(const struct fp_ring_listener *r, const struct ring_lcore *st)
{
	return r->held_size - (st->next - st->first);
}

/* The next held mbuf went to position pos (the only producer's: next). */
static inline void
hold(struct ring_lcore *st, struct rte_mbuf *m, bool plain, uint32_t pos,
		bool single)
{
	struct ring_run *last = &st->runs[(st->run_next - 1) & st->mask];
	const uintptr_t h = (uintptr_t)m | (plain ? 0 : HELD_OTHER);

	if (unlikely(!plain))
		st->others++;
	if (single) {           /* held[] by position */
		RTE_ASSERT(pos == st->next);
		st->held[pos & st->mask] = h;
		st->next = pos + 1;
		return;
	}
	st->held[st->next++ & st->mask] = h;
	if (st->run_next != st->run_first && last->pos + last->n == pos) {
		last->n++;
		return;
	}
	last = &st->runs[st->run_next++ & st->mask];
	last->pos = pos;
	last->n = 1;
}

/*
 * The slots gathered in line[] (the last at position last) into the
 * ring's memory. On x86 with non-temporal stores, whole lines at a time:
 * the lines go to memory without being read first — a plain store would
 * first take each back from the consumer's CPU, which read it one lap of
 * the ring ago (measured: 128 slots took 1.1-1.5 us so when that CPU held
 * the lines, 0.2-0.35 us with these), and a line's stores issued apart
 * leave the write-combining buffer half-filled (measured: 14 of the
 * lcore's 100 cycles per datagram when each slot was stored alone). An
 * sfence orders them before the producer tail moves (publish_fence).
 */
static inline void
line_out(struct rte_ring *ring, struct ring_lcore *st, uint32_t last)
{
	const uint32_t n = last + 1 - st->out;
	const struct fp_ring_slot *src = &st->line[st->out % LINE_SLOTS];
	struct fp_ring_slot *dst = fp_ring_slot_at(ring, st->out);
#ifdef RTE_ARCH_X86
	const __m128i *s = (const __m128i *)src;
	__m128i *d = (__m128i *)dst;
	unsigned int i;

	RTE_BUILD_BUG_ON(sizeof(*src) != 2 * sizeof(__m128i));
	for (i = 0; i < 2 * n; i++)
		_mm_stream_si128(d + i, _mm_load_si128(s + i));
#else
	memcpy(dst, src, n * sizeof(*src));
#endif
	st->out = last + 1;
}

/* Before the producer tail moves: the slots out, then a fence. */
static inline void
publish_fence(struct rte_ring *ring, struct ring_lcore *st, uint32_t last)
{
	if (st->out != last + 1)
		line_out(ring, st, last);
#ifdef RTE_ARCH_X86
	_mm_sfence();
#endif
}

/*
 * A datagram's slot, from its view, for position pos; its mbuf held.
 * Whether the mbuf can go back to the pool plain is decided here, while
 * its header is in this CPU's cache.
 */
static inline void
slot_write(struct rte_ring *ring, struct ring_lcore *st,
		const struct fp_dgram *d, uint32_t pos, bool single)
{
	struct rte_mbuf *m = d->mbuf;
	uint8_t *l2 = rte_pktmbuf_mtod(m, uint8_t *);
	struct fp_ring_slot s;

	s.mbuf = m;
	s.frame = l2;
	s.payload_off = (uint16_t)(d->payload - l2);
	s.len = (uint16_t)d->len;
	s.seg_len = (uint16_t)d->seg_len;
	s.l3_off = (uint8_t)(d->src - l2 - (d->family == 4 ? 12 : 8));
	s.pad = 0;
	memcpy(&s.sport, &d->sport, 8);     /* sport..frames */
	st->line[pos % LINE_SLOTS] = s;
	if (pos % LINE_SLOTS == LINE_SLOTS - 1)
		line_out(ring, st, pos);
	if (unlikely(st->pool == NULL))
		st->pool = m->pool;
	hold(st, m, m->nb_segs == 1 && rte_mbuf_refcnt_read(m) == 1 &&
			RTE_MBUF_DIRECT(m) && m->pool == st->pool, pos, single);
}

/* The only producer: the written slots on the ring (its producer head
 * and tail move; the consumer reads up to the tail). */
static void
stage_flush(const struct fp_ring_listener *r, struct ring_lcore *st)
{
	if (st->staged != 0) {
		uint32_t t = r->ring->prod.tail + st->staged;

		publish_fence(r->ring, st, t - 1);
		r->ring->prod.head = t;
		__atomic_store_n(&r->ring->prod.tail, t, __ATOMIC_RELEASE);
		st->staged = 0;
	}
	if (st->since_reclaim >= RECLAIM_EVERY)
		reclaim(r, st);
}

/* The only producer: slots for what the ring has room for. */
static unsigned int
stage(const struct fp_ring_listener *r, struct ring_lcore *st,
		const struct fp_dgram *d, unsigned int n, uint64_t now)
{
	struct rte_ring *ring = r->ring;
	unsigned int i, k;
	uint32_t pos;

	if (st->room < n) {
		uint32_t used;

		/* what is written to the consumer first (it may be all the
		 * room there is), then what it released since the last look */
		stage_flush(r, st);
		reclaim(r, st);
		used = ring->prod.tail -
			__atomic_load_n(&ring->cons.tail, __ATOMIC_ACQUIRE);
		st->room = RTE_MIN(ring->capacity - used, held_room(r, st));
	}
	k = RTE_MIN(n, st->room);
	st->room -= k;
	if (st->staged == 0 && k != 0)
		st->first_tsc = now;
	pos = ring->prod.tail + st->staged;
	for (i = 0; i < k; i++, pos++) {
		slot_write(ring, st, &d[i], pos, true);
		if (++st->staged == r->stage_at) {
			stage_flush(r, st);
			st->first_tsc = now;
		}
	}
	return k;
}

/* Several producers: the slots straight onto the ring, in turn, with a
 * zero-copy enqueue; between its start and its finish the producer tail
 * is where the reservation begins (head-tail sync mode: a producer moves
 * the head only when the tail has caught up with it). */
static unsigned int
put(const struct fp_ring_listener *r, struct ring_lcore *st,
		const struct fp_dgram *d, unsigned int n)
{
	struct rte_ring_zc_data zc;
	uint32_t pos;
	unsigned int i, k;

	if (st->since_reclaim >= RECLAIM_EVERY || held_room(r, st) < n)
		reclaim(r, st);
	n = RTE_MIN(n, held_room(r, st));
	k = rte_ring_enqueue_zc_burst_elem_start(r->ring,
			sizeof(struct fp_ring_slot), n, &zc, NULL);
	if (k == 0)
		return 0;           /* nothing reserved: nothing to finish */
	pos = r->ring->prod.tail;   /* zc.ptr1: its slot */
	st->out = pos;
	for (i = 0; i < k; i++)
		slot_write(r->ring, st, &d[i], pos + i, false);
	publish_fence(r->ring, st, pos + k - 1);
	rte_ring_enqueue_zc_elem_finish(r->ring, k);
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

/* After a poll pass: what is written goes on the ring when the lcore's
 * queues are drained, or when the first of it has waited. */
static void
ring_flush(void *state, const void *conf, bool drained, uint64_t tsc)
{
	const struct fp_ring_listener *r = conf;
	struct ring_lcore *st = state;

	if (st->staged != 0 && (drained || tsc - st->first_tsc >= r->wait_tsc))
		stage_flush(r, st);
}

/* What is written, and what was released while no datagram came. */
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
	.flush = ring_flush,
	.lcore_fini = ring_lcore_fini,
};

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
		pthread_mutex_init(&r->mutex, NULL);
		r->held_size = rte_align32pow2(s->ring_size);
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
	/* one polling lcore: one producer of the ring — no compare-and-swap
	 * (a locked instruction waits for a cache line the consumer's CPU
	 * has) */
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
		r->sh->slot_size = sizeof(struct fp_ring_slot);
		__atomic_store_n(&r->sh->magic, FP_RING_MAGIC, __ATOMIC_RELEASE);
	}
	return 0;
}

/* A consumer whose process is gone (its lock fell with it) held
 * datagrams: give them back (the lcores free their mbufs), count them and
 * free the slot — with the lock held, so that no consumer attaches
 * meanwhile (one attaching retries for a while). With r->mutex. */
static void
check_consumer(struct fp_ring_listener *r, const char *name)
{
	int32_t pid = __atomic_load_n(&r->sh->consumer, __ATOMIC_ACQUIRE);
	uint32_t held;

	if (pid == 0 || flock(r->lock_fd, LOCK_EX | LOCK_NB) != 0)
		return;                     /* none, or alive */
	pid = __atomic_load_n(&r->sh->consumer, __ATOMIC_ACQUIRE);
	if (pid != 0) {             /* else it detached before the lock */
		held = fp_ring_recover(r->ring, r->sh);
		if (held == 0)
			FP_LOG(WARNING, "ring %s: its consumer (pid %d) died, holding no datagram",
				name, (int)pid);
		else
			FP_LOG(WARNING, "ring %s: its consumer (pid %d) died holding %u datagram(s): given back to the mempool (%llu by dead consumers in all)",
				name, (int)pid, held,
				(unsigned long long)__atomic_load_n(&r->sh->orphaned,
					__ATOMIC_RELAXED));
		r->seen = 0;
		r->seen_deaths = __atomic_load_n(&r->sh->deaths, __ATOMIC_ACQUIRE);
	}
	flock(r->lock_fd, LOCK_UN);
}

/* Consumers attaching and detaching, as a look sees them. With r->mutex. */
static void
note_consumer(struct fp_ring_listener *r, const char *name)
{
	int32_t pid = __atomic_load_n(&r->sh->consumer, __ATOMIC_ACQUIRE);
	uint64_t deaths = __atomic_load_n(&r->sh->deaths, __ATOMIC_ACQUIRE);

	if (pid == r->seen && deaths == r->seen_deaths)
		return;
	if (r->seen != 0 && deaths != r->seen_deaths)
		FP_LOG(WARNING, "ring %s: its consumer (pid %d) died; the next one gave back what it held (%llu datagram(s) by dead consumers in all)",
			name, (int)r->seen, (unsigned long long)
			__atomic_load_n(&r->sh->orphaned, __ATOMIC_RELAXED));
	else if (r->seen != 0)
		FP_LOG(NOTICE, "ring %s: consumer pid %d detached", name, (int)r->seen);
	if (pid != 0)
		FP_LOG(NOTICE, "ring %s: consumer pid %d attached", name, (int)pid);
	r->seen = pid;
	r->seen_deaths = deaths;
}

/* The ring's 32-bit consumer positions into r->head, r->tail (64-bit:
 * each moves less than 2^32 between two looks). With r->mutex. */
static void
positions(struct fp_ring_listener *r)
{
	/* the tail first: it never passes the head */
	uint32_t tail = __atomic_load_n(&r->ring->cons.tail, __ATOMIC_ACQUIRE);
	uint32_t head = __atomic_load_n(&r->ring->cons.head, __ATOMIC_ACQUIRE);

	r->tail += (uint32_t)(tail - (uint32_t)r->tail);
	r->head += (uint32_t)(head - (uint32_t)r->head);
}

bool
fp_ring_read(const struct fp_listener *l, const char *name,
		struct fp_ring_status *st)
{
	struct fp_ring_listener *r = l->hconf;

	if (l->action != FP_ACT_RING || r == NULL || r->sh == NULL)
		return false;
	pthread_mutex_lock(&r->mutex);
	check_consumer(r, name);
	note_consumer(r, name);
	positions(r);
	st->rx_queue = (uint32_t)(__atomic_load_n(&r->ring->prod.tail,
			__ATOMIC_ACQUIRE) - (uint32_t)r->head);
	st->size = rte_ring_get_capacity(r->ring);
	st->consumer = __atomic_load_n(&r->sh->consumer, __ATOMIC_ACQUIRE);
	st->orphaned = __atomic_load_n(&r->sh->orphaned, __ATOMIC_ACQUIRE);
	st->dequeued = r->head - r->drained;
	st->released = r->tail - r->drained - st->orphaned;
	st->deaths = __atomic_load_n(&r->sh->deaths, __ATOMIC_RELAXED);
	st->attaches = __atomic_load_n(&r->sh->attaches, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&r->mutex);
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

/* Free what listener id's lcores hold before position upto. */
static void
lcores_free_held(const struct fp_app *a, unsigned int id, uint32_t upto)
{
	unsigned int lc;

	for (lc = 0; lc < RTE_MAX_LCORE; lc++)
		if (a->lcores[lc] != NULL && a->lcores[lc]->proc.hstate[id] != NULL)
			held_free(a->rx.listen.l[id].hconf,
				a->lcores[lc]->proc.hstate[id], upto);
}

void
fp_rings_drain(struct fp_app *a)
{
	struct fp_listen_table *t = &a->rx.listen;
	unsigned int i, k;

	/* tell consumers, and give them a moment to detach */
	for (i = 0; i < t->n; i++) {
		struct fp_ring_listener *r = t->l[i].hconf;

		if (t->l[i].action == FP_ACT_RING && r != NULL && r->sh != NULL)
			__atomic_store_n(&r->sh->closing, 1, __ATOMIC_RELEASE);
	}
	for (i = 0; i < t->n; i++) {
		struct fp_ring_listener *r = t->l[i].hconf;
		struct fp_ring_status st;
		uint32_t prod, tail;

		if (!fp_ring_read(&t->l[i], t->plugin[i].ring, &st))
			continue;
		for (k = 0; k < 200 && consumer_alive(r); k++)
			usleep(10000);
		/* the lcores have stopped: nothing is staged or moves */
		prod = r->ring->prod.tail;
		if (consumer_alive(r)) {
			/* it may read what waits and what it holds still: leave
			 * it those, and the ring (and the mempool: main.c) */
			r->abandoned = true;
			tail = __atomic_load_n(&r->ring->cons.tail, __ATOMIC_ACQUIRE);
			lcores_free_held(a, i, tail);
			FP_LOG(WARNING, "ring %s: its consumer (pid %d) did not detach within 2 s: the ring is left to it, with %u mbuf(s) (what waits and what it holds)",
				t->plugin[i].ring, (int)r->sh->consumer,
				(unsigned int)(prod - tail));
			continue;
		}
		pthread_mutex_lock(&r->mutex);
		check_consumer(r, t->plugin[i].ring);   /* died meanwhile */
		positions(r);
		/* no consumer: what waits on the ring is fastpath's to free */
		r->drained += prod - r->ring->cons.head;
		r->ring->cons.head = prod;
		__atomic_store_n(&r->ring->cons.tail, prod, __ATOMIC_RELEASE);
		positions(r);
		pthread_mutex_unlock(&r->mutex);
		lcores_free_held(a, i, prod);
	}
}

bool
fp_rings_abandoned(const struct fp_app *a)
{
	const struct fp_listen_table *t = &a->rx.listen;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct fp_ring_listener *r = t->l[i].hconf;

		if (t->l[i].action == FP_ACT_RING && r != NULL && r->abandoned)
			return true;
	}
	return false;
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
			rte_memzone_free(r->mz);
		}
		if (r->lock_fd >= 0) {
			close(r->lock_fd);
			unlink(r->lock_path);
		}
		pthread_mutex_destroy(&r->mutex);
		free(r);
		l->hconf = NULL;
		l->handler = NULL;
	}
}
