/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 and ICMPv6, with the checks and counters of Linux's ipv6_rcv /
 * ip6_input_finish and icmpv6_rcv / ndisc.
 */
#include "fp_rx.h"

#define NH_HOP 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_ICMP6 58
#define NH_DEST 60
#define MAX_EXT_HEADERS 8
#define REPLY_HOPS 64

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136

/* Hop-by-hop or destination options (RFC 8200 4.2): the TLVs must fill
 * the header exactly; an unknown option whose action bits say discard
 * discards the packet. */
static bool
tlv_ok(const uint8_t *h, unsigned int len)
{
	unsigned int i = 2;

	while (i < len) {
		uint8_t type = h[i];

		if (type == 0) {                    /* Pad1 */
			i++;
			continue;
		}
		if (i + 1 >= len || i + 2u + h[i + 1] > len)
			return false;
		if (type != 1 && type != 5 && (type >> 6) != 0)
			return false;                   /* PadN, router alert known */
		i += 2u + h[i + 1];
	}
	return true;
}

static int
bad_exthdr(struct fp_proc_ctx *ctx)
{
	SNMP_INC(ctx, Ip6, InHdrErrors);
	return FP_DROP_IPV6_BAD_EXTHDR;
}

/* Walk the extension headers from p->l3_len with next header nh, up to
 * the upper-layer protocol; reassemble fragments. */
static int
walk(struct fp_proc_ctx *ctx, struct fp_pkt *p, uint8_t nh)
{
	unsigned int n;
	bool fragmented = false;
	uint8_t *ip = fp_pkt_l3(p);
	uint32_t end = 40u + fp_get16(ip + 4);       /* end of the payload */

	for (n = 0; n < MAX_EXT_HEADERS; n++) {
		uint32_t off = p->l3_len, hl;
		const uint8_t *h = ip + off;

		switch (nh) {
		case NH_HOP:
		case NH_DEST:
		case NH_ROUTING:
			if (nh == NH_HOP && off != 40)
				return bad_exthdr(ctx);   /* HBH only first */
			if (off + 8 > end || p->l2_len + off + 8 > p->seg)
				return bad_exthdr(ctx);
			hl = (h[1] + 1u) * 8;
			if (off + hl > end || p->l2_len + off + hl > p->seg)
				return bad_exthdr(ctx);
			if (nh != NH_ROUTING && !tlv_ok(h, hl))
				return bad_exthdr(ctx);
			/* segments left: we would have to forward it */
			if (nh == NH_ROUTING && h[3] != 0)
				return bad_exthdr(ctx);
			nh = h[0];
			p->l3_len = (uint16_t)(off + hl);
			continue;
		case NH_FRAGMENT: {
			uint16_t fo;

			/* one fragment header per packet: a second one (in a
			 * reassembled datagram, or after an atomic fragment) is
			 * a header error, as ipv6_frag_rcv's IP6SKB_FRAGMENTED
			 * check makes it (before ReasmReqds) */
			if (fragmented)
				return bad_exthdr(ctx);
			if (off + 8 > end || p->l2_len + off + 8 > p->seg)
				return bad_exthdr(ctx);
			fragmented = true;
			fo = fp_get16(h + 2);
			if ((fo & 0xfff9) == 0) {         /* atomic fragment */
				nh = h[0];
				p->l3_len = (uint16_t)(off + 8);
				continue;
			}
			SNMP_INC(ctx, Ip6, ReasmReqds);
			/* DPDK reassembles a fragment header right after the
			 * fixed header only */
			if (ctx->reasm == NULL || off != 40) {
				SNMP_INC(ctx, Ip6, ReasmFails);
				return FP_DROP_FRAG_FAILED;
			}
			p->l3_len = (uint16_t)(off + 8);
			if (fp_rx_reasm(ctx, p, FP_AF_INET6) == FP_V_HELD)
				return FP_V_HELD;
			SNMP_INC(ctx, Ip6, ReasmOKs);
			/* the datagram comes back without its fragment header */
			ip = fp_pkt_l3(p);
			p->src = ip + 8;
			p->dst = ip + 24;
			p->l3_len = 40;
			end = 40u + fp_get16(ip + 4);
			nh = ip[6];
			continue;
		}
		default:
			goto upper;
		}
	}
	return bad_exthdr(ctx);        /* too long a chain, or a loop */
upper:
	p->proto = nh;
	p->l4_len = end - p->l3_len;
	return fp_rx_l4(ctx, p);
}

int
fp_rx_ipv6(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const struct fp_local *l = &ctx->conf->local;
	uint8_t *ip = fp_pkt_l3(p);
	uint32_t avail = p->seg - p->l2_len, plen = p->len - p->l2_len, pl;

	SNMP_INC(ctx, Ip6, InReceives);
	if (avail < 40) {
		SNMP_INC(ctx, Ip6, InHdrErrors);
		return FP_DROP_IP_INHDR;
	}
	if ((ip[0] >> 4) != 6) {
		SNMP_INC(ctx, Ip6, InHdrErrors);
		return FP_DROP_UNHANDLED_PROTO;   /* as ipv6_rcv does */
	}
	pl = fp_get16(ip + 4);
	if (pl == 0 && ip[6] == NH_HOP) {     /* jumbogram: not supported */
		SNMP_INC(ctx, Ip6, InHdrErrors);
		return FP_DROP_IP_INHDR;
	}
	if (40 + pl > plen) {
		SNMP_INC(ctx, Ip6, InTruncatedPkts);
		return FP_DROP_PKT_TOO_SMALL;
	}
	p->len = p->l2_len + 40 + pl;         /* padding is not the packet */
	if (p->seg > p->len)
		p->seg = p->len;
	p->family = FP_AF_INET6;
	p->src = ip + 8;
	p->dst = ip + 24;
	p->l3_len = 40;
	if (ip[24] == 0xff) {
		struct fp_ip g = { .family = FP_AF_INET6 };

		memcpy(g.b, ip + 24, 16);
		SNMP_INC(ctx, Ip6, InMcastPkts);
		if (fp_local_host(l) && !fp_local_mcast_accepted(l, &g)) {
			SNMP_INC(ctx, Ip6, InAddrErrors);
			return FP_DROP_IP_INADDRERRORS;
		}
		p->ip_cast = FP_CAST_MULTICAST;
	} else if (fp_local_v6(l, ip + 24)) {
		p->ip_cast = FP_CAST_UNICAST;
	} else {
		SNMP_INC(ctx, Ip6, InAddrErrors);
		return FP_DROP_IP_INADDRERRORS;
	}
	return walk(ctx, p, ip[6]);
}

/* ---- ICMPv6 ---- */

static void
icmp6_csum(struct fp_pkt *p)
{
	uint8_t *icmp = fp_pkt_l4(p);

	icmp[2] = icmp[3] = 0;
	*(uint16_t *)(void *)(icmp + 2) = (uint16_t)~fp_l4_sum(p);
}

/* Neighbour advertisement for target (ours), in place of the solicitation. */
static int
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
		return FP_V_DELIVER;
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
	return FP_V_TX;
}

int
fp_rx_icmp6(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const struct fp_local *l = &ctx->conf->local;
	uint8_t *icmp = fp_pkt_l4(p), *ip = fp_pkt_l3(p);
	unsigned int i;

	SNMP_INC(ctx, Icmp6, InMsgs);
	if (fp_l4_sum(p) != 0xffff) {
		SNMP_INC(ctx, Icmp6, InCsumErrors);
		SNMP_INC(ctx, Icmp6, InErrors);
		return FP_DROP_ICMP_CSUM;
	}
	if (p->l4_len < 8 || fp_pkt_l4_seg(p) < 8) {
		SNMP_INC(ctx, Icmp6, InErrors);
		return FP_DROP_PKT_TOO_SMALL;
	}
	switch (icmp[0]) {
	case ICMP6_ECHO_REQUEST:
		SNMP_INC(ctx, Icmp6, InEchos);
		if (p->ip_cast != FP_CAST_UNICAST || p->m->nb_segs != 1)
			return FP_V_DELIVER;       /* consumed, not answered */
		fp_reply_ip(ctx, p);
		icmp = fp_pkt_l4(p);
		icmp[0] = ICMP6_ECHO_REPLY;
		icmp6_csum(p);
		p->meta.kind = FP_TX_ICMP6_ECHO;
		return FP_V_TX;
	case ND_NEIGHBOR_SOLICIT:
		SNMP_INC(ctx, Icmp6, InNeighborSolicits);
		if (ip[7] != 255)
			return FP_DROP_IPV6_NDISC_HOP_LIMIT;
		if (p->l4_len < 24 || fp_pkt_l4_seg(p) < 24)
			return FP_DROP_PKT_TOO_SMALL;
		for (i = 0; i < l->nb_v6; i++)
			if (memcmp(l->v6[i], icmp + 8, 16) == 0)
				return neighbour_advert(ctx, p, l->v6[i]);
		return FP_V_DELIVER;               /* not ours: consumed */
	default:
		return FP_V_DELIVER;
	}
}
