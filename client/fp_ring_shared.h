/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_RING_SHARED_H
#define FP_RING_SHARED_H

/*
 * What fastpath (the primary) and a ring's consumer (a secondary, through
 * libfastpath-recv) share for a ring listener, in hugepage memory:
 *  - the ring "fpr_NAME" of struct fp_ring_slot: a datagram's mbuf and
 *    where the datagram is in it, enqueued by the lcores that receive
 *    (single-producer when one lcore polls, else multi-producer in
 *    head-tail sync mode). Its one consumer does not use rte_ring's
 *    dequeue: it reads the slots in place and moves the ring's consumer
 *    head as it takes them (cons.head: taken up to), and its consumer
 *    tail as it releases them (cons.tail: released up to — the mbufs of
 *    every datagram before it are fastpath's again). The producers' room
 *    is counted from the tail, so a ring's capacity bounds what waits and
 *    what the consumer holds, and a slot is not written over while its
 *    datagram is held. A consumer builds its views from the slot alone:
 *    it never reads an mbuf header, and no mbuf pointer travels back —
 *    each polling lcore keeps the mbufs it put on the ring, with their
 *    positions, and frees into its own mempool cache those the tail has
 *    passed (one shared line read, not a line per 8 mbufs);
 *  - the memzone "fprc_NAME": struct fp_ring_shared below;
 *  - the file "fpr_NAME.lock" in DPDK's runtime directory: the consumer
 *    holds an flock on it while attached; the kernel drops it when the
 *    consumer dies, whatever its pid namespace (a pid alone cannot tell).
 *    Whoever holds the lock and finds a consumer's pid left behind
 *    (fastpath, or the next consumer attaching) gives the dead's
 *    datagrams back: fp_ring_recover().
 * Not installed: the library and fastpath are built from the same tree.
 */
#include <stdint.h>

#include <rte_ring_core.h>

#define FP_RING_PREFIX "fpr_"
#define FP_RING_MZ_PREFIX "fprc_"
#define FP_RING_LOCK_SUFFIX ".lock"
#define FP_RING_MAGIC 0x66707234u   /* "fpr4" */

struct rte_mbuf;

/* One datagram on the ring: its view without reading the mbuf. */
struct fp_ring_slot {
	struct rte_mbuf *mbuf;    /* the datagram's; what positions it holds */
	uint8_t *frame;           /* the frame's first byte */
	uint16_t payload_off;     /* UDP payload, from frame */
	uint16_t len;             /* UDP payload bytes (a UDP length: < 64 KiB) */
	uint16_t seg_len;         /* of those, in the first segment */
	uint8_t l3_off;           /* IP header, from frame */
	uint8_t pad;              /* 0 */
	/* sport..frames: as in struct fp_dgram, copied in one piece */
	uint16_t sport;           /* host order */
	uint16_t dport;
	uint8_t family;           /* 4 or 6 */
	uint8_t cast;             /* enum fp_dgram_cast */
	uint16_t frames;          /* received frames (> 1: reassembled) */
};

/*
 * The counts: taken = cons.head, released or recovered = cons.tail (both
 * 32-bit positions from 0); counters are written with atomics by whoever
 * holds the lock file (or, for attaches, is the consumer).
 */
struct fp_ring_shared {
	uint32_t magic;
	uint32_t slot_size;       /* sizeof(struct fp_ring_slot), the producer's */
	int32_t consumer;         /* the attached consumer's pid (for people), 0:
	                           * none; ownership is the lock file's */
	uint32_t closing;         /* fastpath is stopping: consumers detach */
	uint64_t attaches;        /* consumer: times a consumer attached */
	uint64_t orphaned;        /* datagrams dead consumers held, given back */
	uint64_t deaths;          /* consumers found dead holding the ring */
};

/* The slot of position pos (rte_ring's elements follow its header). */
static inline struct fp_ring_slot *
fp_ring_slot_at(const struct rte_ring *ring, uint32_t pos)
{
	return (struct fp_ring_slot *)(uintptr_t)(ring + 1) + (pos & ring->mask);
}

/*
 * With the lock file held: a consumer's pid is still there, so it died
 * attached. What it took and did not release is nobody's now: release it
 * (its mbufs go back to the lcores' caches like any) and count it.
 * Returns how many datagrams it held.
 */
static inline uint32_t
fp_ring_recover(struct rte_ring *ring, struct fp_ring_shared *sh)
{
	uint32_t head = __atomic_load_n(&ring->cons.head, __ATOMIC_ACQUIRE);
	uint32_t held = head - __atomic_load_n(&ring->cons.tail, __ATOMIC_ACQUIRE);

	__atomic_store_n(&ring->cons.tail, head, __ATOMIC_RELEASE);
	__atomic_store_n(&sh->orphaned, sh->orphaned + held, __ATOMIC_RELEASE);
	__atomic_store_n(&sh->deaths, sh->deaths + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&sh->consumer, 0, __ATOMIC_RELEASE);
	return held;
}

#endif /* FP_RING_SHARED_H */
