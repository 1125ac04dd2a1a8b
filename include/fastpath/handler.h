/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FASTPATH_HANDLER_H
#define FASTPATH_HANDLER_H

/*
 * fastpath's datagram handler interface: what a UDP listener does with the
 * datagrams addressed to it. The built-in actions (count, seq, echo) are
 * handlers of this interface; users' handlers are the same.
 *
 * A handler runs on the lcore that received the datagrams, inside the poll
 * loop: once per burst and listener, with the vector of that listener's
 * datagrams of the burst (zero copy: the views point into the received
 * frames). It must not block, take locks shared with other lcores, or make
 * system calls. It returns one verdict per datagram; fastpath then frees,
 * transmits or counts each frame, so every frame keeps exactly one fate.
 *
 * Threading: burst() is called on one lcore at a time with that lcore's
 * state; the same handler runs concurrently on other lcores with theirs.
 * Counters are per (lcore, listener); a handler adds to the array it is
 * given, and fastpath publishes the sums once per burst (readers see them
 * under the names in counter_names, in /fastpath/udp and --stats-json).
 */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_mbuf;

#define FP_HANDLER_ABI_VERSION 1
#define FP_HANDLER_MAX_COUNTERS 16

/* How the datagram was addressed. */
enum fp_dgram_cast {
	FP_DGRAM_UNICAST = 0,
	FP_DGRAM_MULTICAST = 1,
	FP_DGRAM_BROADCAST = 2,
};

/* One received datagram, valid for the duration of the burst() call. */
struct fp_dgram {
	const uint8_t *payload;   /* UDP payload, in the first segment */
	uint32_t len;             /* payload bytes in all */
	uint32_t seg_len;         /* of those, contiguous at payload */
	const uint8_t *src;       /* source address, network order: 4 or 16 */
	const uint8_t *dst;       /* destination address, idem */
	uint16_t sport;           /* source port, host order */
	uint16_t dport;           /* destination port, host order */
	uint8_t family;           /* 4 or 6 */
	uint8_t cast;             /* enum fp_dgram_cast */
	uint16_t frames;          /* received frames it came in (> 1: reassembled) */
	uint16_t rx_port;         /* DPDK port id */
	uint16_t rx_queue;
	uint64_t timestamp;       /* TSC when its burst was received, 0: unknown */
	struct rte_mbuf *mbuf;    /* the frame; owned by fastpath unless kept */
};

/*
 * Verdicts, one per datagram:
 *   CONSUMED   taken (counted delivered: Udp InDatagrams, the listener's
 *              datagrams and bytes); fastpath frees the frame.
 *   REPLY      taken, and answered: the datagram goes back to its sender
 *              from the address and port it was sent to, with the payload
 *              as the handler left it (same length); counted as CONSUMED,
 *              then as the reply's transmit outcome. Datagrams that came in
 *              several frames, or whose reply would exceed the port's MTU,
 *              are dropped (PKT_TOO_BIG): fastpath does not fragment.
 *   DROP_FULL  refused for lack of room (a full consumer ring, a full
 *              buffer): the socket-buffer-full case of the kernel,
 *              Udp RcvbufErrors + InErrors and the listener's drops.
 */
enum fp_verdict {
	FP_VERDICT_CONSUMED = 0,
	FP_VERDICT_REPLY = 1,
	FP_VERDICT_DROP_FULL = 2,
};

/* A handler. */
struct fp_handler {
	uint32_t abi_version;             /* FP_HANDLER_ABI_VERSION */
	const char *name;                 /* the ACTION of --listen PORT=ACTION */
	/* names of the handler's counters ([A-Za-z0-9_], unique), NULL-ended,
	 * at most FP_HANDLER_MAX_COUNTERS */
	const char *const *counter_names;
	/*
	 * The datagrams d[0..n) of one burst for one listener. lcore_state is
	 * this lcore's state for the listener, conf the listener's
	 * configuration (both as set up with the listener); counters[] are
	 * this lcore's counters for the listener. Set verdicts[0..n).
	 * NULL: every datagram is consumed, and fastpath builds no views (a
	 * handler that only counts, such as the built-in count).
	 */
	void (*burst)(void *lcore_state, const void *conf, struct fp_dgram *d,
			uint16_t n, uint8_t *verdicts, uint64_t *counters);
};

#ifdef __cplusplus
}
#endif

#endif /* FASTPATH_HANDLER_H */
