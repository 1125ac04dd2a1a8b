/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_jhash.h>

#include "fp_seq.h"

/*
 * Bucket hash: Bob Jenkins' lookup3 (DPDK's rte_jhash) over the whole key,
 * so every address byte reaches the bucket bits (feeds from one subnet,
 * which differ only in the last byte, are the normal case).
 */
uint32_t
fp_seq_hash(const struct fp_seq_key *k)
{
	uint32_t w[5];
	uint32_t tuple = (uint32_t)k->listener << 24 |
		(uint32_t)k->family << 16 | k->port;

	if (k->family == FP_AF_INET) {
		memcpy(&w[0], k->addr, 4);
		return rte_jhash_2words(w[0], tuple, FP_SEQ_HASH_SEED);
	}
	memcpy(w, k->addr, 16);
	w[4] = tuple;
	return rte_jhash_32b(w, 5, FP_SEQ_HASH_SEED);
}

static inline int
key_eq(const struct fp_seq_entry *e, const struct fp_seq_key *k)
{
	return e->used && e->listener == k->listener && e->port == k->port &&
		e->family == k->family &&
		memcmp(e->addr, k->addr, k->family == FP_AF_INET ? 4 : 16) == 0;
}

static inline void
bit_set(struct fp_seq_entry *e, uint64_t n)
{
	e->seen[(n % FP_SEQ_WINDOW) / 64] |= 1ull << (n % 64);
}

static inline int
bit_get(const struct fp_seq_entry *e, uint64_t n)
{
	return (e->seen[(n % FP_SEQ_WINDOW) / 64] >> (n % 64)) & 1;
}

/* Advance max to n: clear the bits of the numbers that enter the window. */
static void
advance(struct fp_seq_entry *e, uint64_t n, uint64_t mask)
{
	uint64_t d = (n - e->max) & mask, i;

	if (d >= FP_SEQ_WINDOW) {
		memset(e->seen, 0, sizeof(e->seen));
	} else {
		for (i = 1; i <= d; i++) {
			uint64_t k = (e->max + i) & mask;

			e->seen[(k % FP_SEQ_WINDOW) / 64] &= ~(1ull << (k % 64));
		}
	}
	e->max = n;
}

static struct fp_seq_entry *
find(struct fp_seq_table *t, const struct fp_seq_key *k, int *evicted,
		int *fresh)
{
	uint32_t base = fp_seq_bucket(k) * FP_SEQ_WAYS;
	struct fp_seq_entry *free_e = NULL, *old = NULL;
	unsigned int i;

	*fresh = 0;
	for (i = 0; i < FP_SEQ_WAYS; i++) {
		struct fp_seq_entry *e = &t->e[base + i];

		if (key_eq(e, k))
			return e;
		if (!e->used && free_e == NULL)
			free_e = e;
		if (e->used && (old == NULL || e->last_use < old->last_use))
			old = e;
	}
	if (free_e == NULL) {
		*evicted = old->listener;
		free_e = old;
	}
	memset(free_e, 0, sizeof(*free_e));
	free_e->used = 1;
	free_e->listener = k->listener;
	free_e->family = k->family;
	free_e->port = k->port;
	memcpy(free_e->addr, k->addr, k->family == FP_AF_INET ? 4 : 16);
	*fresh = 1;
	return free_e;
}

int
fp_seq_track(struct fp_seq_table *t, const struct fp_seq_key *key,
		uint64_t seq, unsigned int bits, struct fp_seq_stats *st)
{
	const uint64_t mask = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
	const uint64_t half = 1ull << (bits - 1);
	struct fp_seq_entry *e;
	uint64_t d;
	int fresh, evicted = -1;

	e = find(t, key, &evicted, &fresh);
	e->last_use = ++t->clock;
	seq &= mask;
	if (fresh) {
		st->sources += 1;
		e->first = seq;
		e->max = seq;
		bit_set(e, seq);
		return evicted;
	}
	d = (seq - e->max) & mask;          /* serial distance */
	if (d == 0) {
		st->duplicates += 1;
	} else if (d < half) {              /* ahead */
		if (d > 1) {
			st->gaps += 1;
			st->lost += d - 1;
		}
		advance(e, seq, mask);
		bit_set(e, seq);
	} else {                            /* behind */
		uint64_t back = (e->max - seq) & mask;
		uint64_t span = (e->max - e->first) & mask;

		if (back >= FP_SEQ_WINDOW || (back <= span && bit_get(e, seq))) {
			st->duplicates += 1;
		} else if (back > span) {       /* before the first seen */
			uint64_t skipped = back - span - 1;

			if (skipped != 0) {
				st->gaps += 1;
				st->lost += skipped;
			}
			e->first = seq;
			st->reordered += 1;
			bit_set(e, seq);
		} else {                        /* fills a gap */
			st->reordered += 1;
			st->lost += (uint64_t)-1;   /* no longer lost */
			bit_set(e, seq);
		}
	}
	return evicted;
}
