/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The burst loop and layer 2: FCS, destination MAC class, VLAN tags, then
 * the ethertype's stage. Every frame leaves with exactly one fate.
 */
#include <rte_ether.h>
#include <rte_prefetch.h>

#include "fp_rx.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define MAX_VLAN_TAGS 2
/* Packets ahead whose headers are prefetched: about one L2-miss latency
 * of processing (DPDK's l3fwd uses 3). */
#define PREFETCH_AHEAD 3

void
fp_proc_count_drop(struct fp_proc_ctx *ctx, struct fp_burst *out,
		enum fp_drop_reason reason, uint16_t frames)
{
	FP_STAT_ADD(ctx->lstats->drop_reason[reason], frames);
	out->drops += frames;
	if (fp_drop_is_resource(reason))
		out->res_drops += frames;
}

static inline bool
vlan_allowed(const struct fp_rx_conf *c, uint16_t vid)
{
	return (c->vlan_allow[vid / 64] >> (vid % 64)) & 1;
}

/* Layer 2. Returns a verdict. */
static int
rx_l2(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const struct fp_rx_conf *c = ctx->conf;
	const struct fp_rx_port *port = &c->port[ctx->port];
	const uint8_t *dmac;
	uint16_t type;
	unsigned int tags = 0;

	if (port->keep_crc) {
		/* the FCS is the frame's last 4 bytes */
		if (p->len < 4)
			return FP_DROP_PKT_TOO_SMALL;
		p->len -= 4;
		if (p->seg > p->len)
			p->seg = p->len;
	}
	if (p->seg < RTE_ETHER_HDR_LEN)
		return FP_DROP_PKT_TOO_SMALL;
	dmac = p->l2;
	if (dmac[0] & 1) {
		p->l2_cast = (dmac[0] & dmac[1] & dmac[2] & dmac[3] & dmac[4] &
			dmac[5]) == 0xff ? FP_CAST_BROADCAST : FP_CAST_MULTICAST;
	} else {
		p->l2_cast = FP_CAST_UNICAST;
		/* a host (local addresses given) takes only frames to its MAC;
		 * a sink takes every unicast frame */
		if (fp_local_host(&c->local) &&
				memcmp(dmac, port->mac, 6) != 0)
			return FP_DROP_OTHERHOST;
	}
	p->l2_len = RTE_ETHER_HDR_LEN;
	type = fp_get16(p->l2 + 12);
	while (type == ETH_P_8021Q || type == ETH_P_8021AD) {
		uint16_t vid;

		if (++tags > MAX_VLAN_TAGS)
			return FP_DROP_UNHANDLED_PROTO;
		if (p->seg < p->l2_len + 4u)
			return FP_DROP_PKT_TOO_SMALL;
		vid = fp_get16(p->l2 + p->l2_len) & 0x0fff;
		/* --vlan filters on the outer tag, the one the switch set */
		if (tags == 1 && c->vlan_filter && !vlan_allowed(c, vid))
			return FP_DROP_VLAN_FILTERED;
		type = fp_get16(p->l2 + p->l2_len + 2);
		p->l2_len += 4;
	}
	if (tags == 0 && c->vlan_filter && !vlan_allowed(c, 0))
		return FP_DROP_VLAN_FILTERED;
	switch (type) {
	case ETH_P_IPV4:
		return fp_rx_ipv4(ctx, p);
	case ETH_P_IPV6:
		return fp_rx_ipv6(ctx, p);
	case ETH_P_ARP:
		return fp_rx_arp(ctx, p);
	default:
		return FP_DROP_UNHANDLED_PROTO;
	}
}

/* Settle a verdict for p into the burst. */
static inline void
settle(struct fp_proc_ctx *ctx, struct fp_burst *out, struct fp_pkt *p,
		int v, struct rte_mbuf **pkts, uint16_t *nb_free)
{
	switch (v) {
	case FP_V_DELIVER:
		out->delivered += p->frames;
		pkts[(*nb_free)++] = p->m;
		break;
	case FP_V_TX:
		p->meta.frames = p->frames;
		out->tx_meta[out->nb_tx] = p->meta;
		out->tx[out->nb_tx++] = p->m;
		out->tx_frames += p->frames;
		break;
	case FP_V_HELD:
		break;             /* the reassembly table owns it now */
	default:
		fp_proc_count_drop(ctx, out, (enum fp_drop_reason)v, p->frames);
		pkts[(*nb_free)++] = p->m;
		break;
	}
}

static inline void
pkt_init(struct fp_pkt *p, struct rte_mbuf *m)
{
	p->m = m;
	p->l2 = rte_pktmbuf_mtod(m, uint8_t *);
	p->seg = m->data_len;
	p->len = m->pkt_len;
	p->l3_len = 0;
	p->frames = 1;
	p->released = 0;
	p->meta.kind = 0;
	p->meta.listener = 0;
}

void
fp_proc_burst(struct fp_proc_ctx *ctx, struct rte_mbuf **pkts, uint16_t n,
		struct fp_burst *out)
{
	uint16_t i, nb_free = 0;
	uint64_t bytes = 0;

	out->nb_tx = 0;
	out->delivered = 0;
	out->drops = 0;
	out->res_drops = 0;
	out->held = 0;
	out->released = 0;
	out->tx_frames = 0;
	for (i = 0; i < RTE_MIN(n, (uint16_t)PREFETCH_AHEAD); i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct fp_pkt p;
		int v;

		/* prefetch a later packet's headers while this one runs */
		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD],
					void *));
		pkt_init(&p, pkts[i]);
		bytes += p.len;
		v = rx_l2(ctx, &p);
		if (v == FP_V_HELD)
			out->held++;
		out->released += p.released;
		settle(ctx, out, &p, v, pkts, &nb_free);
	}
	out->bytes = bytes;
	out->nb_free = nb_free;
}

void
fp_proc_tx_done(struct fp_proc_ctx *ctx, struct fp_burst *out, uint16_t sent,
		bool no_txq)
{
	enum fp_drop_reason reason = no_txq ? FP_DROP_NO_TX_QUEUE :
		FP_DROP_FULL_RING;
	uint16_t i;

	for (i = 0; i < out->nb_tx; i++) {
		const struct fp_tx_meta *t = &out->tx_meta[i];
		struct fp_listener_stats *ls;
		bool ok = i < sent;

		switch (t->kind) {
		case FP_TX_ICMP_ECHO:
			if (ok) {
				SNMP_INC(ctx, Icmp, OutMsgs);
				SNMP_INC(ctx, Icmp, OutEchoReps);
			}
			break;
		case FP_TX_ICMP6_ECHO:
			if (ok) {
				SNMP_INC(ctx, Icmp6, OutMsgs);
				SNMP_INC(ctx, Icmp6, OutEchoReplies);
			}
			break;
		case FP_TX_NDP_NA:
			if (ok) {
				SNMP_INC(ctx, Icmp6, OutMsgs);
				SNMP_INC(ctx, Icmp6, OutNeighborAdvertisements);
			}
			break;
		case FP_TX_UDP4_ECHO:
		case FP_TX_UDP6_ECHO:
			/* only UDP replies belong to a listener */
			ls = &ctx->lstats->listener[t->listener % FP_MAX_LISTENERS];
			if (ok) {
				FP_STAT_ADD(ls->echoed, 1);
				if (t->kind == FP_TX_UDP4_ECHO)
					SNMP_INC(ctx, Udp, OutDatagrams);
				else
					SNMP_INC(ctx, Udp6, OutDatagrams);
			} else {
				FP_STAT_ADD(ls->drops, 1);
				if (t->kind == FP_TX_UDP4_ECHO)
					SNMP_INC(ctx, Udp, SndbufErrors);
				else
					SNMP_INC(ctx, Udp6, SndbufErrors);
			}
			break;
		default:
			break;
		}
		if (!ok) {
			out->tx_frames -= t->frames;
			fp_proc_count_drop(ctx, out, reason, t->frames);
		}
	}
}
