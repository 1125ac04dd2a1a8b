/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ICMPv6 stage, with the checks and counters of Linux's icmpv6_rcv and
 * ndisc: echo requests answered, neighbour solicitations for a local
 * address answered with an advertisement (RFC 4861).
 */
#include "fp_reply.h"
#include "fp_rx.h"

#define NH_ICMP6 58
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define MLD_QUERY 130
#define MLD_REPORT 131
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136

static void
icmp6_csum(struct fp_pkt *p)
{
	uint8_t *icmp = fp_pkt_l4(p);

	icmp[2] = icmp[3] = 0;
	*(uint16_t *)(void *)(icmp + 2) = (uint16_t)~fp_l4_sum(p);
}

/* Neighbour advertisement for target (ours), in place of the solicitation. */
static enum fp_edge
neighbour_advert(struct fp_proc_ctx *ctx, struct fp_pkt *p,
		const uint8_t *target)
{
	static const uint8_t unspec[16];
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	const uint8_t *mac = ctx->conf->port[ctx->port].mac;
	struct rte_mbuf *m = p->m;
	uint8_t *ip = fp_pkt_l3(p), *na;
	uint32_t need = p->l2_len + 40u + 32u;
	bool dad = memcmp(p->src, unspec, 16) == 0;
	uint8_t tgt[16];

	if (m->nb_segs != 1 || (uint32_t)m->buf_len - m->data_off < need)
		return FP_E_DELIVER;
	memcpy(tgt, target, 16);
	/* IPv6: to the solicitor (all nodes for DAD), from the target */
	memcpy(ip + 24, dad ? all_nodes : ip + 8, 16);
	memcpy(ip + 8, tgt, 16);
	ip[4] = 0;
	ip[5] = 32;
	ip[6] = NH_ICMP6;
	ip[7] = 255;
	p->l3_len = 40;
	p->l4_len = 32;
	p->src = ip + 8;
	p->dst = ip + 24;
	na = ip + 40;
	memset(na, 0, 32);
	na[0] = ND_NEIGHBOR_ADVERT;
	na[4] = dad ? 0x20 : 0x60;              /* Solicited (not DAD), Override */
	memcpy(na + 8, tgt, 16);
	na[24] = 2;                             /* target link-layer address */
	na[25] = 1;
	memcpy(na + 26, mac, 6);
	/* Ethernet: back to the solicitor (33:33:00:00:00:01 for DAD) */
	if (dad) {
		static const uint8_t mc[6] = { 0x33, 0x33, 0, 0, 0, 1 };

		memcpy(p->l2, mc, 6);
	} else {
		memcpy(p->l2, p->l2 + 6, 6);
	}
	memcpy(p->l2 + 6, mac, 6);
	m->data_len = (uint16_t)need;
	m->pkt_len = need;
	p->seg = need;
	icmp6_csum(p);
	p->meta.kind = FP_TX_NDP_NA;
	return FP_E_TX;
}

/* icmpv6_notify's checks of an error's quoted packet (from icmp + 8):
 * 40 bytes of IPv6 header, the extension headers ipv6_skip_exthdr walks
 * (hop-by-hop, routing, destination options, AH; a fragment header that
 * is not the first fragment's ends the walk; "no next header" fails it),
 * and 8 bytes past them. */
static bool
notify_ok(const struct fp_pkt *p, const uint8_t *icmp)
{
	uint32_t have = RTE_MIN(p->l4_len, fp_pkt_l4_seg(p)), off = 8 + 40;
	uint8_t nh = have >= off ? icmp[8 + 6] : 0;

	if (have < off)
		return false;
	while (nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 59 ||
			nh == 60) {
		uint32_t hl;

		if (nh == 59 || have < off + 8)
			return false;
		if (nh == 44) {
			if ((fp_get16(icmp + off + 2) & 0xfff8) != 0)
				break;            /* not the first fragment */
			hl = 8;
		} else if (nh == 51) {
			hl = (icmp[off + 1] + 2u) * 4;   /* AH: 4-byte units */
		} else {
			hl = (icmp[off + 1] + 1u) * 8;
		}
		nh = icmp[off];
		off += hl;
	}
	return have >= off + 8;
}

enum fp_edge
fp_rx_icmp6(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const struct fp_local *l = &ctx->conf->local;
	uint8_t *icmp = fp_pkt_l4(p), *ip = fp_pkt_l3(p);
	unsigned int i;

	SNMP_INC(ctx, Icmp6, InMsgs);
	if (fp_l4_sum(p) != 0xffff) {
		SNMP_INC(ctx, Icmp6, InCsumErrors);
		SNMP_INC(ctx, Icmp6, InErrors);
		return fp_drop(p, FP_DROP_ICMP_CSUM);
	}
	if (p->l4_len < 8 || fp_pkt_l4_seg(p) < 8) {
		SNMP_INC(ctx, Icmp6, InErrors);
		return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
	}
	fp_bc_add(ctx, FP_BC_SNMP + FP_SNMP_Icmp6MsgIn_InType0 + icmp[0], 1);
	/* icmpv6_rcv: an error (type below 128, known or not) goes to
	 * icmpv6_notify, which needs the quoted IPv6 header, its extension
	 * headers and 8 bytes past them, else InErrors */
	if (icmp[0] < 128) {
		if (!notify_ok(p, icmp))
			goto in_error;
		return fp_to_kernel(ctx) ? FP_E_KERNEL : FP_E_DELIVER;
	}
	switch (icmp[0]) {
	case ICMP6_ECHO_REQUEST:
		if (fp_to_kernel(ctx))
			return FP_E_KERNEL;        /* the kernel answers */
		if (p->ip_cast != FP_CAST_UNICAST || p->m->nb_segs != 1)
			return FP_E_DELIVER;       /* consumed, not answered */
		/* the route back: a host's are its prefixes, fe80::/64 */
		if (fp_local_host(l) && !fp_local_v6_routed(l, p->src)) {
			SNMP_INC(ctx, Ip6, OutNoRoutes);   /* icmpv6_echo_reply */
			return FP_E_DELIVER;
		}
		fp_reply_ip(ctx, p);
		icmp = fp_pkt_l4(p);
		icmp[0] = ICMP6_ECHO_REPLY;
		icmp6_csum(p);
		p->meta.kind = FP_TX_ICMP6_ECHO;
		return FP_E_TX;
	case ND_NEIGHBOR_SOLICIT:
		if (ip[7] != 255)
			return fp_drop(p, FP_DROP_IPV6_NDISC_HOP_LIMIT);
		if (p->l4_len < 24 || fp_pkt_l4_seg(p) < 24)
			return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
		if (fp_to_kernel(ctx))
			return FP_E_KERNEL;        /* the kernel owns ND */
		for (i = 0; i < l->nb_v6; i++)
			if (memcmp(l->v6[i], icmp + 8, 16) == 0)
				return neighbour_advert(ctx, p, l->v6[i]);
		if (l->nb_v6 != 0) {
			uint8_t ll[16];

			fp_v6_link_local(ctx->conf->port[ctx->port].mac, ll);
			if (memcmp(ll, icmp + 8, 16) == 0)
				return neighbour_advert(ctx, p, ll);
		}
		return FP_E_DELIVER;               /* not ours: consumed */
	case MLD_QUERY:
	case MLD_REPORT:
		fp_rx_mcast(ctx, p);
		return fp_to_kernel(ctx) ? FP_E_KERNEL : FP_E_DELIVER;
	default:
		return fp_to_kernel(ctx) ? FP_E_KERNEL : FP_E_DELIVER;
	}
in_error:
	SNMP_INC(ctx, Icmp6, InErrors);
	return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
}
