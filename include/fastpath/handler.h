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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_mbuf;

#define FP_HANDLER_ABI_VERSION 3
#define FP_HANDLER_MAX_COUNTERS 16

/* How the datagram was addressed. */
enum fp_dgram_cast {
	FP_DGRAM_UNICAST = 0,
	FP_DGRAM_MULTICAST = 1,
	FP_DGRAM_BROADCAST = 2,
};

/* One received datagram, valid for the duration of the burst() call. */
struct fp_dgram {
	uint8_t *payload;         /* UDP payload, in the first segment */
	uint32_t len;             /* payload bytes in all */
	uint32_t seg_len;         /* of those, contiguous at payload (less than
	                           * len only for a reassembled datagram: the
	                           * rest follows in the mbuf's next segments) */
	const uint8_t *src;       /* source address, network order: 4 or 16 */
	const uint8_t *dst;       /* destination address, idem */
	uint16_t sport;           /* source port, host order */
	uint16_t dport;           /* destination port, host order */
	uint8_t family;           /* 4 or 6 */
	uint8_t cast;             /* enum fp_dgram_cast */
	uint16_t frames;          /* received frames it came in (> 1: reassembled) */
	struct rte_mbuf *mbuf;    /* the frame; owned by fastpath */
	/* REPLY: the handler may write its reply payload at payload, up to
	 * reply_room bytes, and set reply_len (it starts as len: an echo) */
	uint32_t reply_room;
	uint32_t reply_len;
};

/* What the datagrams of one burst() call have in common: they arrived in
 * one burst, on one port and queue, for one listener. */
struct fp_dgram_batch {
	uint64_t timestamp;       /* TSC when the burst was received, 0: unknown */
	uint64_t *counters;       /* this lcore's counters for the listener, in
	                           * the order of counter_names: add to them */
	uint16_t rx_port;         /* DPDK port id */
	uint16_t rx_queue;
	uint16_t lcore;           /* the lcore running the handler */
	uint16_t listener;        /* the listener's id (/fastpath/udp,<id>) */
};

/*
 * Verdicts, one per datagram:
 *   CONSUMED   taken (counted delivered: Udp InDatagrams, the listener's
 *              datagrams and bytes); fastpath frees the frame.
 *   REPLY      taken, and answered: the datagram goes back to its sender
 *              from the address and port it was sent to, with the
 *              reply_len bytes the handler left at payload (the datagram's
 *              own, unchanged, when it did not set reply_len: an echo);
 *              fastpath builds the headers and checksums and sends it on
 *              the lcore's tx queue within the burst. Counted as CONSUMED,
 *              then as the reply's transmit outcome (Udp OutDatagrams, or
 *              SndbufErrors and the listener's drops). A datagram that came
 *              in several frames, or a reply that would exceed reply_room or
 *              the port's MTU, is dropped (PKT_TOO_BIG): fastpath does not
 *              fragment. Never sent to a multicast or broadcast datagram:
 *              such a REPLY counts as CONSUMED.
 *   DROP       refused by the handler (a filter): SOCKET_FILTER, Udp
 *              InErrors and the listener's drops.
 *   DROP_FULL  refused for lack of room (a full consumer ring, a full
 *              buffer): the socket-buffer-full case of the kernel,
 *              SOCKET_RCVBUFF, Udp RcvbufErrors + InErrors and the
 *              listener's drops.
 *   TAKEN      counted as CONSUMED, but the handler keeps the frame: it
 *              owns d->mbuf from now on and frees it (rte_pktmbuf_free)
 *              when done; fastpath neither frees nor touches it again
 *              (the ring action queues frames for consumer processes so).
 */
enum fp_verdict {
	FP_VERDICT_CONSUMED = 0,
	FP_VERDICT_REPLY = 1,
	FP_VERDICT_DROP_FULL = 2,
	FP_VERDICT_DROP = 3,
	FP_VERDICT_TAKEN = 4,
};

/*
 * Parts of a view a handler does not read (fp_handler.view_skip), which
 * fastpath then need not fill: less work per datagram. payload, len,
 * seg_len, family, cast, frames and mbuf are always filled.
 *   FP_VIEW_SKIP_ADDRS  src, dst, sport, dport are left unset
 *   FP_VIEW_SKIP_REPLY  reply_room, reply_len are left unset, and a REPLY
 *                       verdict echoes the datagram unchanged
 * fastpath may fill skipped fields anyway (it does for datagrams that do
 * not take its fast path): never read them.
 */
#define FP_VIEW_SKIP_ADDRS (1u << 0)
#define FP_VIEW_SKIP_REPLY (1u << 1)

/* A handler. Every function but burst may be NULL. */
struct fp_handler {
	uint32_t abi_version;             /* FP_HANDLER_ABI_VERSION */
	uint32_t view_skip;               /* FP_VIEW_SKIP_*, 0: a full view */
	const char *name;                 /* for messages and /fastpath/udp */
	/* names of the handler's counters ([A-Za-z0-9_], unique), NULL-ended,
	 * at most FP_HANDLER_MAX_COUNTERS */
	const char *const *counter_names;
	/*
	 * Once per listener at start-up, before any port starts, with the
	 * listener's arg= string ("" when none): check it and build the
	 * listener's configuration (*conf, passed to every other call).
	 * 0, or a negative errno with one line in err: fastpath stops with it
	 * (exit status 2).
	 */
	int (*init)(const char *arg, void **conf, char *err, size_t errlen);
	/* Per lcore that may receive for the listener, at start-up:
	 * *state is given to burst() and tick() on that lcore. 0 or < 0. */
	int (*lcore_init)(const void *conf, unsigned int lcore, void **state);
	/*
	 * The datagrams d[0..n) of one burst for one listener. lcore_state is
	 * this lcore's state for the listener, conf the listener's
	 * configuration, b what the datagrams have in common (and this
	 * lcore's counters for the listener). Set verdicts[0..n) (enum
	 * fp_verdict; they start as FP_VERDICT_CONSUMED).
	 * NULL: every datagram is consumed, and fastpath builds no views (a
	 * handler that only counts, such as the built-in count).
	 */
	void (*burst)(void *lcore_state, const void *conf,
			const struct fp_dgram_batch *b, struct fp_dgram *d,
			uint16_t n, uint8_t *verdicts);
	/* From the lcore's housekeeping, every 256 passes of its poll loop
	 * (microseconds apart when idle, longer under load), with the TSC:
	 * timers, flushes. */
	void (*tick)(void *lcore_state, const void *conf, uint64_t tsc);
	/*
	 * After each pass of the lcore's poll loop over its rx queues, with
	 * the TSC and whether the pass found them drained (no full burst:
	 * nothing more waits right now); and once with drained true before
	 * the lcore stops. For a handler that gathers datagrams over several
	 * bursts (the ring action publishes its batches so, as DPDK's tx
	 * buffers are flushed): pass on what it holds when drained, or when
	 * the oldest has waited long enough. Cheap when there is nothing to
	 * do: it runs between bursts. NULL: none.
	 */
	void (*flush)(void *lcore_state, const void *conf, bool drained,
			uint64_t tsc);
	/* At exit, after the lcores stopped: free what lcore_init and init
	 * made. */
	void (*lcore_fini)(void *lcore_state, const void *conf);
	void (*fini)(void *conf);
};

/*
 * A handler in a shared object (--listen PORT=plugin,path=FILE[,arg=S])
 * exports this function, which returns its struct fp_handler.
 */
#define FP_HANDLER_SYMBOL "fastpath_handler"
typedef const struct fp_handler *(*fp_handler_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* FASTPATH_HANDLER_H */
