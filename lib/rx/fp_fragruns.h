/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_FRAGRUNS_H
#define FP_FRAGRUNS_H

/*
 * Which fragments of a datagram in reassembly were seen, as the kernel's
 * inet_frag_queue_insert keeps them: runs of fragments that arrived in
 * order, one after the other, at the end. A fragment that lies within a
 * run is a duplicate: the kernel drops it and goes on with the datagram
 * (RFC 5722 as amended by errata 3089). DPDK's ip_frag, which reassembles
 * for fastpath, would give the whole datagram up instead, so fastpath asks
 * here first and keeps duplicates from it.
 *
 * Only a duplicate of a datagram the kernel would go on with is one: the
 * checks ip_frag_queue / ip6_frag_queue make before the insert (a last
 * fragment ending before data already seen, two different ends, data
 * past the end, an empty fragment) and an IPv4 source that sent more than
 * ipfrag_max_dist (64) fragments since this datagram's last one
 * (ip_frag_too_far) make the kernel discard or restart the datagram;
 * fastpath then stops judging it (DPDK's ip_frag decides, as without
 * this table), so nothing is dropped that the kernel would have kept.
 *
 * Pure C. A table of datagrams in buckets; an entry older than the
 * reassembly timeout is free. The caller forgets a datagram when it
 * completes or is given up (fp_fragruns_forget).
 */
#include <stdbool.h>
#include <stdint.h>

/* A datagram: source, destination, identification (and protocol for
 * IPv4), as RFC 791 / RFC 8200 define it. */
struct fp_frag_key {
	uint8_t v6;
	uint8_t proto;
	uint32_t id;
	uint8_t addr[32];
};

#define FP_FRAGRUNS_RUNS 16        /* runs per datagram; more: not tracked */
#define FP_FRAGRUNS_WAYS 4

struct fp_frag_dgram {
	struct fp_frag_key key;
	uint64_t start;                  /* TSC of its first fragment; 0: free */
	uint32_t tail_end;               /* end of the fragment that ends last */
	uint32_t len;                    /* the datagram's length as known */
	uint32_t rid;                    /* its source's count at its last
					  * fragment (IPv4) */
	uint8_t nb_runs;
	bool last_in;                    /* its last fragment came */
	bool untracked;                  /* no verdicts: ran out of runs, or
					  * the kernel would have dropped or
					  * restarted it */
	uint32_t run[FP_FRAGRUNS_RUNS][2];   /* [start, end), by offset */
};

/* IPv4 sources' fragment counts (inet_peer's rid), direct-mapped: two
 * sources in one slot share it, which only ends judging sooner. */
#define FP_FRAGRUNS_PEERS 1024
#define FP_FRAGRUNS_MAX_DIST 64          /* net.ipv4.ipfrag_max_dist */
struct fp_frag_peer {
	uint32_t addr;
	uint32_t rid;
};

struct fp_fragruns {
	uint32_t nb_buckets;             /* a power of 2 */
	uint64_t ttl;                    /* the reassembly timeout, TSC */
	struct fp_frag_dgram *e;         /* nb_buckets x FP_FRAGRUNS_WAYS */
	struct fp_frag_peer peer[FP_FRAGRUNS_PEERS];
};

enum fp_frag_verdict {
	FP_FRAG_OK,                      /* new data, or not judged */
	FP_FRAG_DUP,                     /* within a run: drop it, go on */
	FP_FRAG_OVERLAP,                 /* overlaps: the kernel gives up (no
					  * longer judged) */
};

/* The bytes the table needs for about `datagrams` datagrams. */
uint64_t fp_fragruns_size(uint32_t datagrams, uint32_t *nb_buckets);

/* Over e (fp_fragruns_size bytes, zeroed). */
void fp_fragruns_init(struct fp_fragruns *t, void *e, uint32_t nb_buckets,
		uint64_t ttl);

/* Fragment [off, end) of datagram k arrives at TSC now; mf: more
 * fragments follow (not the last). */
enum fp_frag_verdict fp_fragruns_add(struct fp_fragruns *t,
		const struct fp_frag_key *k, uint32_t off, uint32_t end, bool mf,
		uint64_t now);

/* The datagram completed or was given up. */
void fp_fragruns_forget(struct fp_fragruns *t, const struct fp_frag_key *k);

#endif /* FP_FRAGRUNS_H */
