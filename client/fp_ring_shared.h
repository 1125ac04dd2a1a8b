/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_RING_SHARED_H
#define FP_RING_SHARED_H

/*
 * What fastpath (the primary) and a ring's consumer (a secondary, through
 * libfastpath-recv) share for a ring listener, in hugepage memory:
 *  - the ring "fpr_NAME": mbufs of the listener's datagrams, enqueued by
 *    every lcore that receives for it (multi-producer), dequeued by one
 *    consumer (single-consumer);
 *  - the memzone "fprc_NAME": the struct below;
 *  - the file "fpr_NAME.lock" in DPDK's runtime directory: the consumer
 *    holds an flock on it while attached; the kernel drops it when the
 *    consumer dies, whatever its pid namespace (a pid alone cannot tell);
 *  - the mbuf dynamic field FP_RING_DYNFIELD: where the datagram is in
 *    its frame (struct fp_ring_meta), written before the enqueue.
 * Not installed: the library and fastpath are built from the same tree.
 */
#include <stdint.h>

#define FP_RING_PREFIX "fpr_"
#define FP_RING_MZ_PREFIX "fprc_"
#define FP_RING_DYNFIELD "fastpath_ring_meta"
#define FP_RING_LOCK_SUFFIX ".lock"
#define FP_RING_MAGIC 0x66707232u   /* "fpr2" */

/* What a consumer's view needs without reading the frame itself (a
 * consumer that only counts never touches its cache lines). */
struct fp_ring_meta {
	uint16_t l3_off;          /* IP header, from the frame's start */
	uint16_t payload_off;     /* UDP payload, idem */
	uint16_t frames;          /* received frames (> 1: reassembled) */
	uint8_t family;           /* 4 or 6 */
	uint8_t cast;             /* enum fp_dgram_cast */
	uint16_t sport;           /* host order */
	uint16_t dport;
	uint32_t len;             /* UDP payload bytes */
};

/*
 * Datagrams a consumer took are counted by the ring itself (its consumer
 * tail, updated by the dequeue): held = tail - released, 32-bit, with no
 * window between a dequeue and its count. Counters are written with
 * atomics; orphaned and deaths by whoever wins the CAS on consumer.
 */
struct fp_ring_shared {
	uint32_t magic;
	uint32_t meta_size;       /* sizeof(struct fp_ring_meta), the producer's */
	int32_t consumer;         /* the attached consumer's pid (for people), 0:
	                           * none; ownership is the lock file's */
	uint32_t closing;         /* fastpath is stopping: consumers detach */
	uint64_t released;        /* consumer: mbufs given back */
	uint64_t attaches;        /* consumer: times a consumer attached */
	uint64_t orphaned;        /* mbufs dead consumers held (lost to the pool) */
	uint64_t deaths;          /* consumers found dead holding the ring */
};

#endif /* FP_RING_SHARED_H */
