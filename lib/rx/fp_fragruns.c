/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_jhash.h>

#include "fp_fragruns.h"

uint64_t
fp_fragruns_size(uint32_t datagrams, uint32_t *nb_buckets)
{
	uint32_t n = 1;

	/* twice the buckets the datagrams fill, so that a bucket's ways
	 * rarely run out */
	while (n * FP_FRAGRUNS_WAYS < 2 * datagrams)
		n <<= 1;
	*nb_buckets = n;
	return (uint64_t)n * FP_FRAGRUNS_WAYS * sizeof(struct fp_frag_dgram);
}

void
fp_fragruns_init(struct fp_fragruns *t, void *e, uint32_t nb_buckets,
		uint64_t ttl)
{
	t->nb_buckets = nb_buckets;
	t->ttl = ttl;
	t->e = e;
}

static struct fp_frag_dgram *
bucket(const struct fp_fragruns *t, const struct fp_frag_key *k)
{
	uint32_t h = rte_jhash(k, sizeof(*k), 0);

	return &t->e[(h & (t->nb_buckets - 1)) * FP_FRAGRUNS_WAYS];
}

static bool
live(const struct fp_fragruns *t, const struct fp_frag_dgram *d, uint64_t now)
{
	return d->start != 0 && now - d->start <= t->ttl;
}

/* k's entry, or a free one for it (NULL: the bucket is full). */
static struct fp_frag_dgram *
lookup(struct fp_fragruns *t, const struct fp_frag_key *k, uint64_t now,
		bool *found)
{
	struct fp_frag_dgram *b = bucket(t, k), *free = NULL;
	unsigned int w;

	*found = false;
	for (w = 0; w < FP_FRAGRUNS_WAYS; w++) {
		if (!live(t, &b[w], now)) {
			if (free == NULL)
				free = &b[w];
			continue;
		}
		if (memcmp(&b[w].key, k, sizeof(*k)) == 0) {
			*found = true;
			return &b[w];
		}
	}
	return free;
}

/* A new run [off, end), in offset order. */
static void
run_insert(struct fp_frag_dgram *d, uint32_t off, uint32_t end)
{
	unsigned int i = d->nb_runs;

	if (d->nb_runs == FP_FRAGRUNS_RUNS) {
		d->untracked = true;
		return;
	}
	while (i > 0 && d->run[i - 1][0] > off) {
		d->run[i][0] = d->run[i - 1][0];
		d->run[i][1] = d->run[i - 1][1];
		i--;
	}
	d->run[i][0] = off;
	d->run[i][1] = end;
	d->nb_runs++;
}

/* IPv4: the source's fragment count, one more (ip_frag_too_far's
 * atomic_inc_return(&peer->rid)). */
static uint32_t
peer_rid(struct fp_fragruns *t, const struct fp_frag_key *k)
{
	uint32_t src;
	struct fp_frag_peer *p;

	memcpy(&src, k->addr, 4);
	p = &t->peer[rte_jhash_1word(src, 0) % FP_FRAGRUNS_PEERS];
	if (p->addr != src) {
		p->addr = src;
		p->rid = 0;
	}
	return ++p->rid;
}

/* ip_frag_queue / ip6_frag_queue before the insert: false when the
 * kernel would discard the datagram (then it is no longer judged). */
static bool
kernel_keeps(struct fp_frag_dgram *d, uint32_t off, uint32_t end, bool mf)
{
	if (!mf) {
		/* bits beyond the end, or a different end */
		if (end < d->len || (d->last_in && end != d->len))
			return false;
		d->last_in = true;
		d->len = end;
	} else if (end > d->len) {
		if (d->last_in)
			return false;           /* past the last fragment */
		d->len = end;
	}
	return end != off;                  /* an empty fragment */
}

enum fp_frag_verdict
fp_fragruns_add(struct fp_fragruns *t, const struct fp_frag_key *k,
		uint32_t off, uint32_t end, bool mf, uint64_t now)
{
	struct fp_frag_dgram *d;
	uint32_t rid = 0;
	unsigned int i;
	bool found;

	/* IPv4 rounds a fragment that is not the last down to 8 bytes */
	if (!k->v6 && mf)
		end &= ~7u;
	if (!k->v6)
		rid = peer_rid(t, k);
	d = lookup(t, k, now, &found);
	if (d == NULL)
		return FP_FRAG_OK;               /* not tracked */
	if (!found) {
		/* the first fragment seen: a run of its own */
		memset(d, 0, sizeof(*d));
		d->key = *k;
		d->start = now != 0 ? now : 1;
		d->tail_end = end;
		d->rid = rid;
		d->untracked = !kernel_keeps(d, off, end, mf);
		run_insert(d, off, end);
		return FP_FRAG_OK;
	}
	if (d->untracked)
		return FP_FRAG_OK;
	/* ip_frag_too_far: the kernel restarts the datagram */
	if (!k->v6 && rid - d->rid > FP_FRAGRUNS_MAX_DIST) {
		d->untracked = true;
		return FP_FRAG_OK;
	}
	d->rid = rid;
	if (!kernel_keeps(d, off, end, mf)) {
		d->untracked = true;
		return FP_FRAG_OK;
	}
	if (d->tail_end < end) {
		/* the common case: it goes to the end (appended to the last
		 * run when it starts where the tail ends) */
		if (off < d->tail_end) {
			d->untracked = true;
			return FP_FRAG_OVERLAP;
		}
		if (off == d->tail_end && d->nb_runs != 0 &&
				d->run[d->nb_runs - 1][1] == off)
			d->run[d->nb_runs - 1][1] = end;
		else
			run_insert(d, off, end);
		d->tail_end = end;
		return FP_FRAG_OK;
	}
	/* before the tail: within a run (a duplicate), across one (an
	 * overlap), or a new run between them */
	for (i = 0; i < d->nb_runs; i++) {
		if (end <= d->run[i][0] || off >= d->run[i][1])
			continue;
		if (off >= d->run[i][0] && end <= d->run[i][1])
			return FP_FRAG_DUP;
		d->untracked = true;
		return FP_FRAG_OVERLAP;
	}
	run_insert(d, off, end);
	return FP_FRAG_OK;
}

void
fp_fragruns_forget(struct fp_fragruns *t, const struct fp_frag_key *k)
{
	struct fp_frag_dgram *b = bucket(t, k);
	unsigned int w;

	for (w = 0; w < FP_FRAGRUNS_WAYS; w++)
		if (b[w].start != 0 && memcmp(&b[w].key, k, sizeof(*k)) == 0)
			b[w].start = 0;
}
