/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_PROC_H
#define FP_PROC_H

/*
 * The processing entry point: one call per received burst decides the fate
 * of every mbuf (deliver, drop with a reason, or transmit) and counts it.
 * It never frees or transmits; the poll loop does that for the whole burst.
 *
 * Pure C over mbuf fields (DPDK headers only, no EAL), so unit tests can
 * build mbufs by hand.
 */
#include <stdint.h>

#include <rte_mbuf.h>

#include "fp_stats.h"

struct fp_proc_ctx {
	struct fp_lcore_stats *lstats;   /* drop reasons of this lcore */
};

/* What a burst came to; the poll loop publishes it into fp_queue_stats. */
struct fp_burst {
	uint16_t nb_free;                    /* pkts[0..nb_free) to free */
	uint16_t nb_tx;                      /* tx[0..nb_tx) to transmit */
	uint16_t delivered;
	uint16_t drops;                      /* every reason */
	uint16_t res_drops;                  /* resource reasons only */
	uint64_t bytes;
	struct rte_mbuf *tx[FP_BURST_MAX];
};

/*
 * Process pkts[0..n). On return pkts[0..out->nb_free) hold the mbufs to free
 * (delivered and dropped alike) and out->tx[0..out->nb_tx) the ones to send.
 * Every packet is counted exactly once: n == delivered + drops + nb_tx.
 */
void fp_proc_burst(struct fp_proc_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t n, struct fp_burst *out);

/*
 * Count a drop that happens after processing (tx ring full, no tx queue)
 * into the lcore's reason counters and the burst's totals.
 */
void fp_proc_count_drop(struct fp_proc_ctx *ctx, struct fp_burst *out,
		enum fp_drop_reason reason, uint16_t count);

#endif /* FP_PROC_H */
