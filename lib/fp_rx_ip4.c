/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP, IPv4 and ICMP, with the checks and counters of Linux's arp_rcv,
 * ip_rcv_core / ip_local_deliver and icmp_rcv.
 */
#include "fp_rx.h"

#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff
#define NR_ICMP_TYPES 18

/* ---- ARP ---- */

int
fp_rx_arp(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const struct fp_rx_conf *c = ctx->conf;
	uint8_t *a = fp_pkt_l3(p);
	uint32_t tip;
	unsigned int i;

	if (p->seg < p->l2_len + 28u)
		return FP_DROP_PKT_TOO_SMALL;
	/* Ethernet/IPv4 ARP only */
	if (fp_get16(a) != 1 || fp_get16(a + 2) != 0x0800 || a[4] != 6 ||
			a[5] != 4)
		return FP_DROP_UNHANDLED_PROTO;
	memcpy(&tip, a + 24, 4);
	/* a request for one of our addresses (never in sink mode) */
	if (fp_get16(a + 6) != 1 || c->local.nb_v4 == 0)
		return FP_V_DELIVER;           /* consumed, as arp_rcv does */
	for (i = 0; i < c->local.nb_v4; i++)
		if (c->local.v4[i] == tip)
			break;
	if (i == c->local.nb_v4)
		return FP_V_DELIVER;
	/* reply in place: op 2, target = the asker, sender = us */
	a[6] = 0;
	a[7] = 2;
	memcpy(a + 18, a + 8, 6);          /* target MAC = sender MAC */
	memcpy(a + 24, a + 14, 4);         /* target IP = sender IP */
	memcpy(a + 8, c->port[ctx->port].mac, 6);
	memcpy(a + 14, &tip, 4);
	memcpy(p->l2, a + 18, 6);
	memcpy(p->l2 + 6, c->port[ctx->port].mac, 6);
	fp_reply_trim(p, 28);
	if (p->m->nb_segs != 1)
		return FP_V_DELIVER;
	p->meta.kind = FP_TX_ARP;
	return FP_V_TX;
}

/* ---- IPv4 ---- */

/* RFC 791 options: each TLV must fit in the header. */
static bool
options_ok(const uint8_t *opt, unsigned int len)
{
	unsigned int i = 0;

	while (i < len) {
		if (opt[i] == 0)               /* end of list */
			return true;
		if (opt[i] == 1) {             /* no-op */
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
			return false;
		i += opt[i + 1];
	}
	return true;
}

static inline bool
ip_csum_ok(const struct rte_mbuf *m, const uint8_t *ip, unsigned int hlen)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;

	if (f == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		return true;
	if (f == RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return false;
	return fp_fold64(fp_sum(ip, hlen, 0)) == 0xffff;
}

int
fp_rx_ipv4(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const struct fp_local *l = &ctx->conf->local;
	uint8_t *ip = fp_pkt_l3(p);
	uint32_t avail = p->seg - p->l2_len, plen = p->len - p->l2_len;
	unsigned int hlen, tot;
	uint16_t frag;
	uint32_t dst;

	SNMP_INC(ctx, Ip, InReceives);
	if (unlikely(avail < 20 || (ip[0] >> 4) != 4 || (ip[0] & 0xf) < 5))
		goto inhdr_error;
	hlen = (ip[0] & 0xfu) * 4;
	if (avail < hlen)
		goto inhdr_error;
	if (unlikely(!ip_csum_ok(p->m, ip, hlen))) {
		SNMP_INC(ctx, IpExt, InCsumErrors);
		SNMP_INC(ctx, Ip, InHdrErrors);
		return FP_DROP_IP_CSUM;
	}
	tot = fp_get16(ip + 2);
	if (unlikely(plen < tot)) {
		SNMP_INC(ctx, IpExt, InTruncatedPkts);
		return FP_DROP_PKT_TOO_SMALL;
	}
	if (tot < hlen)
		goto inhdr_error;
	/* Ethernet padding past the total length is not part of the packet */
	p->len = p->l2_len + tot;
	if (p->seg > p->len)
		p->seg = p->len;
	if (hlen > 20 && !options_ok(ip + 20, hlen - 20))
		goto inhdr_error;

	p->family = FP_AF_INET;
	p->src = ip + 12;
	p->dst = ip + 16;
	p->proto = ip[9];
	p->l3_len = (uint16_t)hlen;
	p->l4_len = tot - hlen;
	memcpy(&dst, ip + 16, 4);
	if (unlikely((ip[16] & 0xf0) == 0xe0)) {
		struct fp_ip g = { .family = FP_AF_INET };

		memcpy(g.b, &dst, 4);
		SNMP_INC(ctx, IpExt, InMcastPkts);
		if (fp_local_host(l) && !fp_local_mcast_accepted(l, &g)) {
			SNMP_INC(ctx, Ip, InAddrErrors);
			return FP_DROP_IP_INADDRERRORS;
		}
		p->ip_cast = FP_CAST_MULTICAST;
	} else if (unlikely(fp_local_v4_bcast(l, dst))) {
		SNMP_INC(ctx, IpExt, InBcastPkts);
		p->ip_cast = FP_CAST_BROADCAST;
	} else if (fp_local_v4(l, dst)) {
		p->ip_cast = FP_CAST_UNICAST;
	} else {
		SNMP_INC(ctx, Ip, InAddrErrors);
		return FP_DROP_IP_INADDRERRORS;
	}

	frag = fp_get16(ip + 6);
	if (unlikely(frag & (IP_MF | IP_OFFMASK))) {
		SNMP_INC(ctx, Ip, ReasmReqds);
		if (ctx->reasm == NULL) {
			SNMP_INC(ctx, Ip, ReasmFails);
			return FP_DROP_FRAG_FAILED;
		}
		if (fp_rx_reasm(ctx, p, FP_AF_INET) == FP_V_HELD)
			return FP_V_HELD;
		SNMP_INC(ctx, Ip, ReasmOKs);
		/* the datagram has the first fragment's header, whose
		 * options may be longer than the last fragment's */
		ip = fp_pkt_l3(p);
		p->src = ip + 12;
		p->dst = ip + 16;
		p->l4_len = p->len - p->l2_len - p->l3_len;
	}
	return fp_rx_l4(ctx, p);

inhdr_error:
	SNMP_INC(ctx, Ip, InHdrErrors);
	return FP_DROP_IP_INHDR;
}

/* ---- ICMP ---- */

int
fp_rx_icmp(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	uint8_t *icmp = fp_pkt_l4(p);

	SNMP_INC(ctx, Icmp, InMsgs);
	if (fp_fold64(fp_l4_raw(p)) != 0xffff) {
		SNMP_INC(ctx, Icmp, InCsumErrors);
		SNMP_INC(ctx, Icmp, InErrors);
		return FP_DROP_ICMP_CSUM;
	}
	if (p->l4_len < 8 || fp_pkt_l4_seg(p) < 8) {
		SNMP_INC(ctx, Icmp, InErrors);
		return FP_DROP_PKT_TOO_SMALL;
	}
	if (icmp[0] > NR_ICMP_TYPES)
		goto error_proto;
	if (icmp[0] == 0) {
		SNMP_INC(ctx, Icmp, InEchoReps);
		return FP_V_DELIVER;
	}
	if (icmp[0] != 8)
		return FP_V_DELIVER;           /* consumed */
	SNMP_INC(ctx, Icmp, InEchos);
	/* icmp_echo_ignore_broadcasts, Linux's default */
	if (p->ip_cast != FP_CAST_UNICAST) {
		SNMP_INC(ctx, Icmp, InErrors);
		return FP_DROP_INVALID_PROTO;
	}
	if (p->m->nb_segs != 1)
		return FP_V_DELIVER;           /* a reassembled ping: not echoed */
	/* echo reply in place */
	fp_reply_ip(ctx, p);
	icmp = fp_pkt_l4(p);
	icmp[0] = 0;
	icmp[2] = icmp[3] = 0;
	*(uint16_t *)(void *)(icmp + 2) =
		fp_csum_field(__rte_raw_cksum(icmp, p->l4_len, 0));
	p->meta.kind = FP_TX_ICMP_ECHO;
	return FP_V_TX;

error_proto:
	SNMP_INC(ctx, Icmp, InErrors);
	return FP_DROP_UNHANDLED_PROTO;
}
