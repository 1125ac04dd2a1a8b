/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_SEQ_H
#define FP_SEQ_H

/*
 * Sequence-gap detection for market-data style feeds (the seq action).
 *
 * Per source (listener, address, port) the tracker keeps the highest
 * sequence number seen and a window of the last FP_SEQ_WINDOW numbers:
 *  - next expected: in order;
 *  - ahead of it: a gap event, every skipped number counted lost;
 *  - behind it, inside the window, not seen: a late arrival (reordered),
 *    which was counted lost and no longer is;
 *  - behind it and seen, or older than the window: a duplicate;
 *  - before the first number seen from the source (inside the window): the
 *    stream started earlier than we thought: a late arrival, and the
 *    numbers between it and the old start are counted lost.
 * Numbers compare in serial arithmetic (RFC 1982) of the configured size, so
 * a 32-bit counter wraps cleanly.
 *
 * The table is per lcore (RSS keeps a flow on one queue), bounded: when a
 * bucket (FP_SEQ_WAYS entries chosen by a hash of the whole key) is full,
 * the least recently seen source in it is evicted and counted against the
 * listener it belonged to.
 */
#include <stdint.h>

#include "fp_addr.h"

#define FP_SEQ_WINDOW 512           /* bits of history per source */
#define FP_SEQ_ENTRIES 4096         /* sources per lcore (power of two) */
#define FP_SEQ_WAYS 8               /* entries probed per lookup */
#define FP_SEQ_HASH_SEED 0x5eb1e5u  /* any constant: the table is per lcore */

struct fp_seq_stats {
	uint64_t gaps;
	uint64_t lost;
	uint64_t reordered;
	uint64_t duplicates;
	uint64_t sources;
	uint64_t evictions;
	uint64_t malformed;         /* too short to hold the number */
};

struct fp_seq_entry {
	uint8_t used;
	uint8_t listener;
	uint8_t family;
	uint16_t port;
	uint8_t addr[16];
	uint64_t first;             /* lowest number of the stream so far */
	uint64_t max;               /* highest number seen */
	uint64_t last_use;          /* for eviction */
	uint64_t seen[FP_SEQ_WINDOW / 64];   /* ring: bit (n % WINDOW) */
};

struct fp_seq_table {
	uint64_t clock;
	struct fp_seq_entry e[FP_SEQ_ENTRIES];
};

struct fp_seq_key {
	uint8_t listener;
	uint8_t family;
	uint16_t port;
	const uint8_t *addr;        /* 4 or 16 bytes */
};

/*
 * Account sequence number `seq` (of `bits` 32 or 64) from `key` into st
 * (the listener's counters on this lcore). Returns the listener whose
 * source was evicted to make room (the caller counts it there), or -1.
 */
/* The key's hash, and the bucket (FP_SEQ_WAYS entries) it selects. */
uint32_t fp_seq_hash(const struct fp_seq_key *k);

static inline uint32_t
fp_seq_bucket(const struct fp_seq_key *k)
{
	return fp_seq_hash(k) & (FP_SEQ_ENTRIES / FP_SEQ_WAYS - 1);
}

int fp_seq_track(struct fp_seq_table *t, const struct fp_seq_key *key,
		uint64_t seq, unsigned int bits, struct fp_seq_stats *st);

#endif /* FP_SEQ_H */
