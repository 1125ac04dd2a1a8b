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
 *  - the mbuf dynamic field FP_RING_DYNFIELD: where the datagram is in
 *    its frame (struct fp_ring_meta), written before the enqueue.
 * Not installed: the library and fastpath are built from the same tree.
 */
#include <stdint.h>

#define FP_RING_PREFIX "fpr_"
#define FP_RING_MZ_PREFIX "fprc_"
#define FP_RING_DYNFIELD "fastpath_ring_meta"
#define FP_RING_MAGIC 0x66707231u   /* "fpr1" */

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

/* Counters are written by one side each, with relaxed atomics. */
struct fp_ring_shared {
	uint32_t magic;
	int32_t consumer;         /* the consumer's pid, 0: none (CAS) */
	uint64_t dequeued;        /* consumer: datagrams taken off the ring */
	uint64_t released;        /* consumer: of those, mbufs given back */
	uint64_t attaches;        /* consumer: times a consumer attached */
	uint64_t orphaned;        /* fastpath, or a consumer taking over: mbufs
	                           * a dead consumer held (lost to the pool) */
	uint64_t deaths;          /* consumers found dead holding the ring */
};

#endif /* FP_RING_SHARED_H */
