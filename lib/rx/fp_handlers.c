/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The built-in actions, on the same interface as users' handlers.
 */
#include <stddef.h>

#include "fp_handlers.h"
#include "fp_seq.h"

/* seq: the tracker's counters, in the order of struct fp_seq_stats. */
static const char *const seq_counters[] = { "gaps", "lost", "reordered",
	"duplicates", "sources", "evictions", "malformed", NULL };
_Static_assert(sizeof(struct fp_seq_stats) == 7 * sizeof(uint64_t) &&
	offsetof(struct fp_seq_stats, malformed) == 6 * sizeof(uint64_t),
	"seq counters follow struct fp_seq_stats");

static void
seq_burst(void *state, const void *conf, const struct fp_dgram_batch *b,
		struct fp_dgram *d, uint16_t n, uint8_t *verdicts)
{
	const struct fp_listener *l = conf;
	struct fp_seq_stats *st = (struct fp_seq_stats *)b->counters;
	uint16_t i;

	(void)verdicts;                 /* every datagram is consumed */

	for (i = 0; i < n; i++) {
		const uint8_t *num = d[i].payload + l->seq_offset;
		struct fp_seq_key key;
		uint64_t seq = 0;
		unsigned int k;

		if ((uint32_t)l->seq_offset + l->seq_size > d[i].seg_len) {
			st->malformed++;        /* too short to hold the number */
			continue;
		}
		for (k = 0; k < l->seq_size; k++)
			seq = seq << 8 | num[l->seq_le ? l->seq_size - 1 - k : k];
		key.listener = l->id;
		key.family = d[i].family;
		key.port = d[i].sport;
		key.addr = d[i].src;
		if (fp_seq_track(state, &key, seq, l->seq_size * 8u, st) >= 0)
			st->evictions++;
	}
}

/* echo (RFC 862): back to the sender, never to a group or a broadcast. */
static void
echo_burst(void *state, const void *conf, const struct fp_dgram_batch *b,
		struct fp_dgram *d, uint16_t n, uint8_t *verdicts)
{
	uint16_t i;

	(void)state;
	(void)conf;
	(void)b;
	for (i = 0; i < n; i++)
		if (d[i].cast == FP_DGRAM_UNICAST)
			verdicts[i] = FP_VERDICT_REPLY;
}

const struct fp_handler fp_builtin_handlers[FP_ACT_ECHO + 1] = {
	/* count: no burst function, every datagram is taken; fastpath counts
	 * datagrams and bytes */
	[FP_ACT_COUNT] = { .abi_version = FP_HANDLER_ABI_VERSION, .name = "count" },
	[FP_ACT_SEQ] = { .abi_version = FP_HANDLER_ABI_VERSION, .name = "seq",
		.counter_names = seq_counters, .burst = seq_burst },
	[FP_ACT_ECHO] = { .abi_version = FP_HANDLER_ABI_VERSION, .name = "echo",
		.burst = echo_burst },
};
