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

#define READ_FIELD(f) dst->f = LOAD(&src->f);
	FP_QUEUE_STATS_FIELDS(READ_FIELD)
#undef READ_FIELD
	for (i = 0; i < FP_HIST_BUCKETS; i++)
		dst->burst_hist[i] = LOAD(&src->burst_hist[i]);
}

void
fp_lcore_stats_read(struct fp_lcore_stats *dst,
		const struct fp_lcore_stats *src)
{
	unsigned int i;

	dst->loops = LOAD(&src->loops);
	for (i = 0; i < FP_DROP_MAX; i++)
		dst->drop_reason[i] = LOAD(&src->drop_reason[i]);
}

void
fp_queue_stats_add(struct fp_queue_stats *dst,
		const struct fp_queue_stats *src)
{
	unsigned int i;

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
	return s->delivered + s->drops + s->tx;
}

uint64_t
fp_stats_unaccounted(uint64_t ipackets, const struct fp_queue_stats *s)
{
	uint64_t acc = fp_stats_accounted(s);

	return ipackets > acc ? ipackets - acc : 0;
}
