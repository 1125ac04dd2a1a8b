/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_ether.h>

#include "fp_proc.h"

void
fp_proc_count_drop(struct fp_proc_ctx *ctx, struct fp_burst *out,
		enum fp_drop_reason reason, uint16_t count)
{
	FP_STAT_ADD(ctx->lstats->drop_reason[reason], count);
	out->drops += count;
	if (fp_drop_is_resource(reason))
		out->res_drops += count;
}

/*
 * The receive stage of the core frame: tell Ethernet frames from runts.
 * Full L2/L3/L4 parsing and validation plug in here behind the same
 * interface.
 */
void
fp_proc_burst(struct fp_proc_ctx *ctx, struct rte_mbuf **pkts, uint16_t n,
		struct fp_burst *out)
{
	uint16_t i, runts = 0;
	uint64_t bytes = 0;

	out->nb_tx = 0;
	out->drops = 0;
	out->res_drops = 0;
	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];

		bytes += m->pkt_len;
		/* the Ethernet header must sit in the first segment */
		runts += m->data_len < RTE_ETHER_HDR_LEN;
	}
	if (runts != 0)
		fp_proc_count_drop(ctx, out, FP_DROP_PKT_TOO_SMALL, runts);
	out->delivered = (uint16_t)(n - runts);
	out->bytes = bytes;
	out->nb_free = n;
}
