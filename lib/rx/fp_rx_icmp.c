/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ICMP stage, with the checks and counters of Linux's icmp_rcv; echo
 * requests to a unicast address are answered in place.
 */
#include "fp_reply.h"
#include "fp_rx.h"

#define NR_ICMP_TYPES 18

enum fp_edge
fp_rx_icmp(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	uint8_t *icmp = fp_pkt_l4(p);

	SNMP_INC(ctx, Icmp, InMsgs);
	if (fp_fold64(fp_l4_raw(p)) != 0xffff) {
		SNMP_INC(ctx, Icmp, InCsumErrors);
		SNMP_INC(ctx, Icmp, InErrors);
		return fp_drop(p, FP_DROP_ICMP_CSUM);
	}
	if (p->l4_len < 8 || fp_pkt_l4_seg(p) < 8) {
		SNMP_INC(ctx, Icmp, InErrors);
		return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
	}
	if (icmp[0] > NR_ICMP_TYPES)
		goto error_proto;
	if (icmp[0] == 0) {
		SNMP_INC(ctx, Icmp, InEchoReps);
		return fp_to_kernel(ctx) ? FP_E_KERNEL : FP_E_DELIVER;
	}
	if (icmp[0] != 8)
		return fp_to_kernel(ctx) ? FP_E_KERNEL : FP_E_DELIVER;
	SNMP_INC(ctx, Icmp, InEchos);
	/* valid: the kernel answers (or ignores a broadcast one) itself */
	if (fp_to_kernel(ctx))
		return FP_E_KERNEL;
	/* icmp_echo_ignore_broadcasts, Linux's default */
	if (p->ip_cast != FP_CAST_UNICAST) {
		SNMP_INC(ctx, Icmp, InErrors);
		return fp_drop(p, FP_DROP_INVALID_PROTO);
	}
	if (p->m->nb_segs != 1)
		return FP_E_DELIVER;           /* a reassembled ping: not echoed */
	/* echo reply in place */
	fp_reply_ip(ctx, p);
	icmp = fp_pkt_l4(p);
	icmp[0] = 0;
	icmp[2] = icmp[3] = 0;
	*(uint16_t *)(void *)(icmp + 2) =
		fp_csum_field(__rte_raw_cksum(icmp, p->l4_len, 0));
	p->meta.kind = FP_TX_ICMP_ECHO;
	return FP_E_TX;

error_proto:
	SNMP_INC(ctx, Icmp, InErrors);
	return fp_drop(p, FP_DROP_UNHANDLED_PROTO);
}
