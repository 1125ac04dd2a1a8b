/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_STATS_H
#define FP_STATS_H

/*
 * Per-queue and per-lcore counters.
 *
 * One writer: each struct belongs to the lcore that polls the queue; it adds
 * into locals during a burst and publishes once per burst with relaxed
 * atomic stores (FP_STAT_ADD). Readers (the telemetry thread, the main
 * lcore) take relaxed atomic loads through fp_queue_stats_read() and never
 * write. Nothing here is a read-modify-write atomic.
 */
#include "fp_limits.h"
#include <stdint.h>
#include <stddef.h>

#include <fastpath/handler.h>

#include "fp_drop.h"
#include "fp_listen.h"
#include "fp_seq.h"
#include "fp_snmp.h"

#define FP_CACHE_LINE 64
/* Burst-size histogram buckets: [1], [2,3], [4,7], ..., [512,1023]. */
#define FP_HIST_BUCKETS 10

/* Single-writer add: plain read of our own value, relaxed atomic store. */
#define FP_STAT_ADD(field, v) \
	__atomic_store_n(&(field), (field) + (v), __ATOMIC_RELAXED)

/* The scalar per-queue counters; one list serves the struct, the snapshot
 * and the sum, so a new counter cannot be missed in one of them. */
#define FP_QUEUE_STATS_FIELDS(X) \
	X(packets)      /* taken from the rx queue: softnet "processed" */ \
	X(bytes)        /* sum of pkt_len of those packets */ \
	X(delivered)    /* handed to the upper layer / a listener */ \
	X(drops)        /* dropped by the app, every reason */ \
	X(res_drops)    /* resource drops (subset of drops): "dropped" */ \
	X(tx)           /* frames answered by replies handed to the tx ring */ \
	X(held)         /* IP fragments taken into reassembly */ \
	X(released)     /* held fragments settled with their datagram */ \
	X(to_kernel)    /* frames handed to the exception path */ \
	X(from_kernel)  /* frames from the exception path sent on the port */ \
	X(from_kernel_dropped) /* those the port's tx queue did not take */ \
	X(time_squeeze) /* polls that returned a full burst */ \
	X(polls) \
	X(empty_polls) \
	X(busy_cycles)  /* TSC cycles of polls that returned packets */ \
	X(idle_cycles)  /* TSC cycles of empty polls */

struct fp_queue_stats {
	/* At most this many packets are between rte_eth_rx_burst (where the
	 * PMD counts them) and their publication: the burst size while a poll
	 * runs, 0 after. Stored before polling, cleared after publishing. */
	uint64_t inflight;
	/* Publication generation (a seqcount): odd while the writer updates
	 * the counters of one burst (fp_qstats_begin/end), so a reader takes
	 * a snapshot in which every frame has its fate: packets == delivered
	 * + drops + tx + to_kernel + held - released, exactly. */
	uint64_t gen;
#define FP_QSTAT_MEMBER(f) uint64_t f;
	FP_QUEUE_STATS_FIELDS(FP_QSTAT_MEMBER)
#undef FP_QSTAT_MEMBER
	uint64_t burst_hist[FP_HIST_BUCKETS];
} __attribute__((aligned(FP_CACHE_LINE)));

/* One listener's counters on one lcore. */
struct fp_listener_stats {
	uint64_t datagrams;        /* delivered to it */
	uint64_t bytes;            /* their UDP payload bytes */
	uint64_t drops;            /* addressed to it and not taken */
	uint64_t echoed;           /* replies handed to the tx ring */
	union {
		/* its handler's, named by the handler (fastpath/handler.h) */
		uint64_t counters[FP_HANDLER_MAX_COUNTERS];
		struct fp_seq_stats seq;   /* the seq handler's, by field */
	};
};

struct fp_lcore_stats {
	uint64_t loops;                       /* poll-loop iterations */
	union {
		/* both, by a burst's count index (fp_proc.h FP_BC_*) */
		uint64_t by_index[FP_SNMP_MAX + FP_DROP_MAX];
		struct {
			uint64_t snmp[FP_SNMP_MAX];   /* kernel MIB counters */
			uint64_t drop_reason[FP_DROP_MAX];  /* drops by reason */
		};
	};
	struct fp_listener_stats listener[FP_MAX_LISTENERS];
} __attribute__((aligned(FP_CACHE_LINE)));

/* Writer side: bracket the counters of one burst (or one reassembly
 * release) so that readers never see half of them. */
static inline void
fp_qstats_begin(struct fp_queue_stats *s)
{
	__atomic_store_n(&s->gen, s->gen + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void
fp_qstats_end(struct fp_queue_stats *s)
{
	__atomic_store_n(&s->gen, s->gen + 1, __ATOMIC_RELEASE);
}

/* Histogram bucket of a non-empty burst of n packets: floor(log2(n)). */
static inline unsigned int
fp_hist_bucket(unsigned int n)
{
	unsigned int b = 31u - (unsigned int)__builtin_clz(n | 1u);

	return b < FP_HIST_BUCKETS ? b : FP_HIST_BUCKETS - 1;
}

/* "burst_1", "burst_2_3", ... for bucket b. Returns snprintf's result. */
int fp_hist_bucket_name(unsigned int b, char *buf, size_t len);

/* Snapshot src into dst with relaxed atomic loads (reader side). */
void fp_queue_stats_read(struct fp_queue_stats *dst,
		const struct fp_queue_stats *src);
void fp_lcore_stats_read(struct fp_lcore_stats *dst,
		const struct fp_lcore_stats *src);
/* dst += src (snapshots). */
void fp_lcore_stats_add(struct fp_lcore_stats *dst,
		const struct fp_lcore_stats *src);
/* dst += src, field by field (on snapshots, not on live counters). */
void fp_queue_stats_add(struct fp_queue_stats *dst,
		const struct fp_queue_stats *src);

/* Busy cycles per packet, 0 when no packet. */
uint64_t fp_stats_cycles_per_packet(uint64_t busy_cycles, uint64_t packets);
/* Share of busy cycles in percent (0..100), 0 when no cycle counted. */
uint64_t fp_stats_busy_pct(uint64_t busy_cycles, uint64_t idle_cycles);
/*
 * How a port's (or queue's) frames balance, from snapshots summed:
 *  - held: fragments in reassembly (held - released; never below 0 — on
 *    one queue it can be, when a datagram completes on another queue of
 *    the lcore than its fragments arrived on);
 *  - unaccounted: packets the port reported (ipackets, read BEFORE the
 *    counters) that no fate explains, less those possibly in flight in a
 *    running poll; packets arriving between the two reads are not lost,
 *    so a negative difference is 0;
 *  - overcounted: fates counted beyond the frames taken from the queues
 *    (processed): a frame counted twice. Snapshots are consistent, so this
 *    is exactly 0 at any time in correct code.
 * With the lcores stopped inflight is 0 and all three are exact: 0, 0, 0
 * is the only correct result once reassembly has been emptied.
 */
struct fp_balance {
	uint64_t held;
	uint64_t unaccounted;
	uint64_t overcounted;
};

void fp_stats_balance(uint64_t ipackets, const struct fp_queue_stats *s,
		struct fp_balance *b);

#endif /* FP_STATS_H */
