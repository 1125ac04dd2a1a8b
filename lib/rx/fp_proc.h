/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_PROC_H
#define FP_PROC_H

/*
 * The processing entry point: one call per received burst decides the fate
 * of every mbuf — deliver, drop with a named reason, transmit a reply, or
 * hold (an IP fragment waiting for the rest) — and counts it under the
 * kernel's counters. It never frees or transmits; the poll loop does that
 * for the whole burst and reports the tx outcome back (fp_proc_tx_done).
 *
 * Pure C over mbuf fields (DPDK headers only, no EAL): unit tests build
 * mbufs by hand.
 */
#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "fp_addr.h"
#include "fp_icmp_err.h"
#include "fp_listen.h"
#include "fp_mcast.h"
#include "fp_qmap.h"
#include "fp_seq.h"
#include "fp_stats.h"

/* What the receive path knows of a port. */
struct fp_rx_port {
	uint8_t mac[6];
	bool keep_crc;            /* frames carry their 4-byte FCS */
	uint16_t mtu;             /* largest IP packet a reply may be */
};

/* Read-only configuration shared by every lcore. */
struct fp_rx_conf {
	struct fp_local local;
	struct fp_listen_table listen;
	bool vlan_filter;                   /* --vlan given */
	uint64_t vlan_allow[4096 / 64];     /* allowed VLAN ids */
	struct fp_rx_port port[FP_MAX_PORTS];   /* by port id */
	/* --exception: what fastpath does not serve goes to the kernel
	 * (FP_E_KERNEL) instead of being answered, consumed or dropped as
	 * not for this host */
	bool exception;
	struct fp_icmp_conf icmp;           /* --icmp-errors */
	/* IGMP (mcast[port][0]) and MLD ([1]) membership of each port, or
	 * NULL: queries heard are recorded there (its timers are atomics) */
	struct fp_mcast_state *mcast[FP_MAX_PORTS][2];
};

/*
 * Reassembly hook (the app wires DPDK's ip_frag here). Takes a fragment
 * whose m->l2_len and m->l3_len (through the fragment header for IPv6) are
 * set; returns the whole datagram when this fragment completed it, with
 * *frames set to the number of received frames it was built from (a frame
 * may span several segments), else NULL: held (or dropped and counted by
 * the hook, with the datagram it belonged to), or, with *drop set to a
 * reason, not taken: the caller drops the fragment alone for it (a
 * duplicate). NULL hook: fragments are dropped as reassembly failures.
 */
typedef struct rte_mbuf *(*fp_reasm_fn)(void *arg, struct rte_mbuf *m,
		unsigned int family, uint16_t *frames, enum fp_drop_reason *drop);

/*
 * Counters of one burst, in locals: the stages add here, and the burst
 * posts what it touched into the lcore's counters once at its end (as
 * VPP's vlib_error_count). A bit per counter says which were touched,
 * and a bit per 64 counters which of those words to look at.
 */
#define FP_BC_SNMP 0
#define FP_BC_DROP FP_SNMP_MAX
#define FP_BC_MAX (FP_SNMP_MAX + FP_DROP_MAX)
struct fp_burst_counts {
	uint32_t words;                     /* which dirty[] words are not 0 */
	uint64_t dirty[(FP_BC_MAX + 63) / 64];
	uint32_t v[FP_BC_MAX];
};

/* A listener's counters of one burst, posted at its end. */
struct fp_burst_listener {
	uint32_t datagrams;
	uint32_t drops;
	uint32_t echoed;
	uint64_t bytes;
};

struct fp_proc_ctx {
	struct fp_lcore_stats *lstats;      /* this lcore's counters */
	const struct fp_rx_conf *conf;
	uint16_t port;                      /* port of the current burst */
	uint16_t queue;                     /* queue of the current burst */
	uint16_t lcore;                     /* the lcore running it */
	uint64_t now;                       /* TSC of the current burst, or 0 */
	fp_reasm_fn reasm;
	void *reasm_arg;
	uint64_t rng;                       /* random delays (fp_mcast_rand) */
	/* this lcore's ICMP rate limit state; NULL: no ICMP error is sent */
	struct fp_icmp_limit *icmp_limit;
	/* per listener: this lcore's state for its handler (the seq
	 * handler's source table) */
	void *hstate[FP_MAX_LISTENERS];
	struct fp_burst_counts bc;
	uint64_t touched;                   /* listeners with counts in bl */
	struct fp_burst_listener bl[FP_MAX_LISTENERS];
};

static inline void
fp_burst_touch(struct fp_proc_ctx *ctx, int listener)
{
	ctx->touched |= 1ull << listener;
}

/* Set up a context over conf whose seq listeners all track their sources
 * in seq (tests and tools; the app gives each listener its own table). */
void fp_proc_ctx_init(struct fp_proc_ctx *ctx, struct fp_lcore_stats *ls,
		const struct fp_rx_conf *conf, struct fp_seq_table *seq);

/* Kinds of reply, for counting the tx outcome. */
enum fp_tx_kind {
	FP_TX_ARP,
	FP_TX_ICMP_ECHO,
	FP_TX_ICMP_ERROR,        /* destination unreachable (port, protocol) */
	FP_TX_UDP4_ECHO,
	/* IPv6 from here */
	FP_TX_ICMP6_ECHO,
	FP_TX_ICMP6_UNREACH,     /* destination unreachable (port, no route) */
	FP_TX_ICMP6_PARAMPROB,   /* parameter problem (unknown next header) */
	FP_TX_NDP_NA,
	FP_TX_UDP6_ECHO,
};

static inline bool
fp_tx_kind_v6(unsigned int kind)
{
	return kind >= FP_TX_ICMP6_ECHO;
}

static inline bool
fp_tx_kind_error(unsigned int kind)
{
	return kind == FP_TX_ICMP_ERROR || kind == FP_TX_ICMP6_UNREACH ||
		kind == FP_TX_ICMP6_PARAMPROB;
}

struct fp_tx_meta {
	uint8_t kind;       /* enum fp_tx_kind */
	uint8_t listener;   /* UDP replies: the listener */
	uint16_t frames;    /* received frames the reply accounts for */
	uint16_t ip_len;    /* IP packets: the reply's IP bytes */
};

/* What a burst came to; the poll loop publishes it into fp_queue_stats. */
struct fp_burst {
	uint16_t nb_free;                    /* pkts[0..nb_free) to free */
	uint16_t nb_tx;                      /* tx[0..nb_tx) to transmit */
	uint16_t delivered;                  /* frames */
	uint16_t drops;                      /* frames, every reason */
	uint16_t res_drops;                  /* frames, resource reasons only */
	uint16_t held;                       /* fragments now held */
	uint16_t released;                   /* held fragments completed */
	uint16_t tx_frames;                  /* frames answered by a reply */
	uint16_t nb_kernel;                  /* kernel[0..nb_kernel) to hand on */
	uint16_t to_kernel;                  /* frames handed to the kernel */
	uint64_t bytes;
	struct rte_mbuf *tx[FP_BURST_MAX];
	struct fp_tx_meta tx_meta[FP_BURST_MAX];
	struct rte_mbuf *kernel[FP_BURST_MAX];
	uint16_t kernel_frames[FP_BURST_MAX];
};

/*
 * Process pkts[0..n). On return pkts[0..out->nb_free) hold the mbufs to free
 * and out->tx[0..out->nb_tx) the replies to send, out->kernel[0..nb_kernel)
 * the frames for the exception path. Every received frame is counted
 * exactly once: n + released == delivered + drops + tx_frames + to_kernel
 * + held
 * (a fragment is held until its datagram completes; the datagram then
 * accounts for all of its frames).
 */
void fp_proc_burst(struct fp_proc_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t n, struct fp_burst *out);

/*
 * The poll loop sent out->tx[0..sent) (no_txq: it had no tx queue). Counts
 * the replies sent (OutDatagrams, OutEchoReps ...) and turns the rest into
 * drops (FULL_RING or NO_TX_QUEUE, SndbufErrors for UDP). The caller frees
 * the unsent mbufs.
 */
/*
 * The poll loop handed out->kernel[0..sent) to the exception path; the
 * rest become KERNEL_FULL drops (the kernel's backlog drop). The caller
 * frees the mbufs not sent.
 */
void fp_proc_kernel_done(struct fp_proc_ctx *ctx, struct fp_burst *out,
		uint16_t sent);

void fp_proc_tx_done(struct fp_proc_ctx *ctx, struct fp_burst *out,
		uint16_t sent, bool no_txq);

/* Count `frames` dropped for `reason` into the lcore and the burst. */
void fp_proc_count_drop(struct fp_proc_ctx *ctx, struct fp_burst *out,
		enum fp_drop_reason reason, uint16_t frames);

#endif /* FP_PROC_H */
