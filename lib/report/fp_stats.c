/* SPDX-License-Identifier: BSD-3-Clause */
#include <sched.h>
#include <stdio.h>

#include "fp_stats.h"

#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)

int
fp_hist_bucket_name(unsigned int b, char *buf, size_t len)
{
	unsigned int lo = 1u << b, hi = (2u << b) - 1u;

	if (b >= FP_HIST_BUCKETS)
		return -1;
	if (lo == hi)
		return snprintf(buf, len, "burst_%u", lo);
	return snprintf(buf, len, "burst_%u_%u", lo, hi);
}

void
fp_queue_stats_read(struct fp_queue_stats *dst,
		const struct fp_queue_stats *src)
{
	uint64_t gen;
	unsigned int i;

	/* first, and ordered before the counters: see fp_stats_balance */
	dst->inflight = __atomic_load_n(&src->inflight, __ATOMIC_ACQUIRE);
	/* seqcount read: again while the writer was in the middle of a
	 * publication (a few stores; it never blocks there) */
	for (;;) {
		gen = __atomic_load_n(&src->gen, __ATOMIC_ACQUIRE);
		if (gen & 1) {
			sched_yield();
			continue;
		}
#define READ_FIELD(f) dst->f = LOAD(&src->f);
		FP_QUEUE_STATS_FIELDS(READ_FIELD)
#undef READ_FIELD
		for (i = 0; i < FP_HIST_BUCKETS; i++)
			dst->burst_hist[i] = LOAD(&src->burst_hist[i]);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (LOAD(&src->gen) == gen)
			break;
	}
	dst->gen = gen;
}

/* fp_lcore_stats is all uint64_t: read or add it word by word. */
#define LCORE_WORDS (sizeof(struct fp_lcore_stats) / sizeof(uint64_t))

void
fp_lcore_stats_read(struct fp_lcore_stats *dst,
		const struct fp_lcore_stats *src)
{
	const uint64_t *s = (const uint64_t *)src;
	uint64_t *d = (uint64_t *)dst;
	size_t i;

	for (i = 0; i < LCORE_WORDS; i++)
		d[i] = LOAD(&s[i]);
	/* the per-type columns, read from the type tables as the kernel
	 * reads them */
	fp_snmp_derive(dst->snmp);
}

void
fp_lcore_stats_add(struct fp_lcore_stats *dst,
		const struct fp_lcore_stats *src)
{
	const uint64_t *s = (const uint64_t *)src;
	uint64_t *d = (uint64_t *)dst;
	size_t i;

	for (i = 0; i < LCORE_WORDS; i++)
		d[i] += s[i];
}

void
fp_queue_stats_add(struct fp_queue_stats *dst,
		const struct fp_queue_stats *src)
{
	unsigned int i;

	dst->inflight += src->inflight;
#define ADD_FIELD(f) dst->f += src->f;
	FP_QUEUE_STATS_FIELDS(ADD_FIELD)
#undef ADD_FIELD
	for (i = 0; i < FP_HIST_BUCKETS; i++)
		dst->burst_hist[i] += src->burst_hist[i];
}

uint64_t
fp_stats_cycles_per_packet(uint64_t busy_cycles, uint64_t packets)
{
	return packets ? busy_cycles / packets : 0;
}

uint64_t
fp_stats_busy_pct(uint64_t busy_cycles, uint64_t idle_cycles)
{
	uint64_t total = busy_cycles + idle_cycles;

	return total ? (busy_cycles * 100 + total / 2) / total : 0;
}

void
fp_stats_balance(uint64_t ipackets, const struct fp_queue_stats *s,
		struct fp_balance *b)
{
	/* signed: released can pass held on one queue (see fp_stats.h) */
	int64_t held = (int64_t)(s->held - s->released);
	uint64_t accounted = s->delivered + s->drops + s->tx + s->to_kernel +
		(uint64_t)held;
	uint64_t covered = accounted + s->inflight;

	b->held = held > 0 ? (uint64_t)held : 0;
	b->unaccounted = ipackets > covered ? ipackets - covered : 0;
	b->overcounted = accounted > s->packets ? accounted - s->packets : 0;
}
