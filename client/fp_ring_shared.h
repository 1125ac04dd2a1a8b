/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_RING_SHARED_H
#define FP_RING_SHARED_H

/*
 * What fastpath (the primary) and a ring's consumer (a secondary, through
 * libfastpath-recv) share for a ring listener, in hugepage memory — the
 * two rings of AF_XDP's model (rx ring, fill ring):
 *  - the ring "fpr_NAME" of struct fp_ring_slot: a datagram's mbuf and
 *    where the datagram is in it, enqueued by the lcores that receive
 *    (single-producer when one lcore polls, else multi-producer in
 *    head-tail sync mode), dequeued by one consumer (single-consumer). A
 *    consumer builds its views from the slot alone: it never reads an
 *    mbuf header (no cache line of it crosses CPUs);
 *  - the ring "fpb_NAME" of mbuf pointers: the consumer gives mbufs back
 *    on it (single-producer); fastpath's polling lcores take them back
 *    into their own mempool caches (single-consumer when one lcore
 *    polls), as they would free a frame they consumed: a few hundred
 *    mbufs cycle, hot in cache, instead of the whole pool in FIFO order.
 *    When it is full the consumer frees into the pool itself;
 *  - the memzone "fprc_NAME": struct fp_ring_shared below;
 *  - the file "fpr_NAME.lock" in DPDK's runtime directory: the consumer
 *    holds an flock on it while attached; the kernel drops it when the
 *    consumer dies, whatever its pid namespace (a pid alone cannot tell).
 * Not installed: the library and fastpath are built from the same tree.
 */
#include <stdint.h>

#define FP_RING_PREFIX "fpr_"
#define FP_RING_BACK_PREFIX "fpb_"    /* as long as FP_RING_PREFIX */
#define FP_RING_MZ_PREFIX "fprc_"
#define FP_RING_LOCK_SUFFIX ".lock"
#define FP_RING_MAGIC 0x66707233u   /* "fpr3" */

struct rte_mbuf;

/* One datagram on the ring: its view without reading the mbuf. */
struct fp_ring_slot {
	struct rte_mbuf *mbuf;    /* to give back on "fpb_NAME" */
	uint8_t *frame;           /* the frame's first byte */
	uint16_t payload_off;     /* UDP payload, from frame */
	uint16_t len;             /* UDP payload bytes (a UDP length: < 64 KiB) */
	uint16_t seg_len;         /* of those, in the first segment */
	uint16_t frames;          /* received frames (> 1: reassembled) */
	uint16_t sport;           /* host order */
	uint16_t dport;
	uint8_t l3_off;           /* IP header, from frame */
	uint8_t family;           /* 4 or 6 */
	uint8_t cast;             /* enum fp_dgram_cast */
	uint8_t pad;
};

/*
 * Datagrams a consumer took are counted by the ring itself (its consumer
 * tail, updated by the dequeue): held = tail - released, 32-bit, with no
 * window between a dequeue and its count. Counters are written with
 * atomics; orphaned and deaths by whoever wins the CAS on consumer.
 */
struct fp_ring_shared {
	uint32_t magic;
	uint32_t slot_size;       /* sizeof(struct fp_ring_slot), the producer's */
	int32_t consumer;         /* the attached consumer's pid (for people), 0:
	                           * none; ownership is the lock file's */
	uint32_t closing;         /* fastpath is stopping: consumers detach */
	uint64_t released;        /* consumer: mbufs given back */
	uint64_t attaches;        /* consumer: times a consumer attached */
	uint64_t orphaned;        /* mbufs dead consumers held (lost to the pool) */
	uint64_t deaths;          /* consumers found dead holding the ring */
};

#endif /* FP_RING_SHARED_H */
