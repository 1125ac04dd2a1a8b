/* SPDX-License-Identifier: BSD-3-Clause */
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
	unsigned int i;

	/* first, and ordered before the counters: see fp_stats_unaccounted */
	dst->inflight = __atomic_load_n(&src->inflight, __ATOMIC_ACQUIRE);
#define READ_FIELD(f) dst->f = LOAD(&src->f);
	FP_QUEUE_STATS_FIELDS(READ_FIELD)
#undef READ_FIELD
	for (i = 0; i < FP_HIST_BUCKETS; i++)
		dst->burst_hist[i] = LOAD(&src->burst_hist[i]);
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

uint64_t
fp_stats_accounted(const struct fp_queue_stats *s)
{
	return s->delivered + s->drops + s->tx + (s->held - s->released);
}

uint64_t
fp_stats_unaccounted(uint64_t ipackets, const struct fp_queue_stats *s)
{
	uint64_t acc = fp_stats_accounted(s) + s->inflight;

	return ipackets > acc ? ipackets - acc : 0;
}
