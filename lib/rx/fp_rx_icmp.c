/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ICMP stage, with the checks and counters of Linux's icmp_rcv; echo
 * requests to a unicast address are answered in place.
 */
#include "fp_reply.h"
#include "fp_rx.h"

#define NR_ICMP_TYPES 18
#define NR_ICMP_UNREACH 15
#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_SOURCE_QUENCH 4
#define ICMP_REDIRECT 5
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define ICMP_TIMESTAMP 13
#define ICMP_ADDRESS 17
#define ICMP_ADDRESSREPLY 18
#define ICMP_EXT_ECHO 42

static enum fp_edge
consumed(struct fp_proc_ctx *ctx)
{
	return fp_to_kernel(ctx) ? FP_E_KERNEL : FP_E_DELIVER;
}

static enum fp_edge
in_error(struct fp_proc_ctx *ctx, struct fp_pkt *p, enum fp_drop_reason r)
{
	SNMP_INC(ctx, Icmp, InErrors);
	return fp_drop(p, r);
}

enum fp_edge
fp_rx_icmp(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	uint8_t *icmp = fp_pkt_l4(p);
	uint32_t data;
	uint8_t type;

	SNMP_INC(ctx, Icmp, InMsgs);
	if (fp_fold64(fp_l4_raw(p)) != 0xffff) {
		SNMP_INC(ctx, Icmp, InCsumErrors);
		return in_error(ctx, p, FP_DROP_ICMP_CSUM);
	}
	if (p->l4_len < 8 || fp_pkt_l4_seg(p) < 8)
		return in_error(ctx, p, FP_DROP_PKT_TOO_SMALL);
	type = icmp[0];
	data = p->l4_len - 8;           /* what follows the ICMP header */
	/* icmp_rcv: ICMPMSGIN_INC_STATS; the Icmp row's per-type columns
	 * (InEchos, InDestUnreachs ...) are read from it (fp_snmp_derive) */
	fp_bc_add(ctx, FP_BC_SNMP + FP_SNMP_IcmpMsgIn_InType0 + type, 1);
	/* icmp_rcv: an extended echo request (RFC 8335) is answered only
	 * with icmp_echo_enable_probe, 0 by default: consumed, no error */
	if (type == ICMP_EXT_ECHO)
		return consumed(ctx);
	if (type > NR_ICMP_TYPES)
		return in_error(ctx, p, FP_DROP_UNHANDLED_PROTO);
	if (p->ip_cast != FP_CAST_UNICAST) {
		/* RFC 1122 3.2.2.6 and 3.2.2.8: echo and timestamp requests
		 * to a broadcast or multicast address are ignored
		 * (icmp_echo_ignore_broadcasts, 1 by default); of the rest
		 * only address mask messages are taken */
		if (type != ICMP_ADDRESS && type != ICMP_ADDRESSREPLY)
			return in_error(ctx, p, FP_DROP_INVALID_PROTO);
	}
	switch (type) {
	case ICMP_ECHOREPLY:
		return consumed(ctx);
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB: {
		/* icmp_unreach: the quoted IP header (IHL 5 or more), else
		 * InErrors; a destination unreachable code past 15 goes no
		 * further; icmp_socket_deliver: 8 bytes past the quoted
		 * header, else InErrors */
		const uint8_t *q = icmp + 8;

		if (data < 20 || fp_pkt_l4_seg(p) < 8 + 20 || (q[0] & 0xf) < 5)
			return in_error(ctx, p, FP_DROP_PKT_TOO_SMALL);
		if (type == ICMP_DEST_UNREACH && icmp[1] > NR_ICMP_UNREACH)
			return consumed(ctx);
		if (data < (q[0] & 0xfu) * 4 + 8)
			return in_error(ctx, p, FP_DROP_PKT_TOO_SMALL);
		return consumed(ctx);
	}
	case ICMP_REDIRECT:
		/* icmp_redirect: at least the quoted IP header; then
		 * icmp_socket_deliver's 8 bytes past it */
		if (data < 20 || fp_pkt_l4_seg(p) < 8 + 20 ||
				data < (icmp[8] & 0xfu) * 4 + 8)
			return in_error(ctx, p, FP_DROP_PKT_TOO_SMALL);
		return consumed(ctx);
	case ICMP_TIMESTAMP:
		/* icmp_timestamp: 4 bytes (the originate time) at least,
		 * else InErrors; fastpath does not answer (docs/counters.md) */
		if (data < 4)
			return in_error(ctx, p, FP_DROP_PKT_TOO_SMALL);
		return consumed(ctx);
	case ICMP_ECHO:
		break;
	default:
		return consumed(ctx);
	}
	/* valid: the kernel answers it itself */
	if (fp_to_kernel(ctx))
		return FP_E_KERNEL;
	if (p->m->nb_segs != 1)
		return FP_E_DELIVER;           /* a reassembled ping: not echoed */
	/* icmp_reply's route back: a host's routes are its subnets */
	if (fp_local_host(&ctx->conf->local)) {
		uint32_t src;

		memcpy(&src, p->src, 4);
		if (!fp_local_v4_onlink(&ctx->conf->local, src))
			return FP_E_DELIVER;   /* no route: not answered */
	}
	/* echo reply in place */
	fp_reply_ip(ctx, p);
	icmp = fp_pkt_l4(p);
	icmp[0] = 0;
	icmp[2] = icmp[3] = 0;
	*(uint16_t *)(void *)(icmp + 2) =
		fp_csum_field(__rte_raw_cksum(icmp, p->l4_len, 0));
	p->meta.kind = FP_TX_ICMP_ECHO;
	return FP_E_TX;
}
