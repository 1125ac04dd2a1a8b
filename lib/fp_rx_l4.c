/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP (with the listeners and their actions) and TCP, with the checks and
 * counters of Linux's __udp4_lib_rcv / __udp6_lib_rcv and tcp_v4_rcv.
 */
#include <netinet/in.h>

#include "fp_rx.h"

#define REPLY_TTL 64

/* Udp and Udp6 counters are listed in the same order: one offset moves a
 * Udp counter to its Udp6 twin. */
#define UDP6_DELTA (FP_SNMP_Udp6_InDatagrams - FP_SNMP_Udp_InDatagrams)
_Static_assert(FP_SNMP_Udp6_IgnoredMulti - FP_SNMP_Udp_IgnoredMulti == UDP6_DELTA &&
	FP_SNMP_Udp6_NoPorts - FP_SNMP_Udp_NoPorts == UDP6_DELTA &&
	FP_SNMP_Udp6_InErrors - FP_SNMP_Udp_InErrors == UDP6_DELTA &&
	FP_SNMP_Udp6_InCsumErrors - FP_SNMP_Udp_InCsumErrors == UDP6_DELTA,
	"Udp and Udp6 counters must pair up");

#define UDP_INC(ctx, p, f) \
	FP_STAT_ADD((ctx)->lstats->snmp[FP_SNMP_Udp_##f + \
		((p)->family == FP_AF_INET6 ? UDP6_DELTA : 0)], 1)

int
fp_rx_l4(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const bool v6 = p->family == FP_AF_INET6;
	uint64_t *snmp = ctx->lstats->snmp;
	unsigned int delivers = v6 ? FP_SNMP_Ip6_InDelivers : FP_SNMP_Ip_InDelivers;

	switch (p->proto) {
	case IPPROTO_UDP:
		FP_STAT_ADD(snmp[delivers], 1);
		return fp_rx_udp(ctx, p);
	case IPPROTO_TCP:
		FP_STAT_ADD(snmp[delivers], 1);
		return fp_rx_tcp(ctx, p);
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* ICMP over IPv4, ICMPv6 over IPv6 */
		if ((p->proto == IPPROTO_ICMPV6) != v6)
			break;
		FP_STAT_ADD(snmp[delivers], 1);
		return v6 ? fp_rx_icmp6(ctx, p) : fp_rx_icmp(ctx, p);
	case IPPROTO_NONE:      /* IPv6 no next header: consumed */
		if (!v6)
			break;
		FP_STAT_ADD(snmp[delivers], 1);
		return FP_V_DELIVER;
	default:
		break;
	}
	FP_STAT_ADD(snmp[v6 ? FP_SNMP_Ip6_InUnknownProtos : FP_SNMP_Ip_InUnknownProtos], 1);
	return FP_DROP_IP_NOPROTO;
}

void
fp_reply_ip(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	uint8_t *ip = fp_pkt_l3(p), tmp[16];

	if (p->family == FP_AF_INET) {
		memcpy(tmp, ip + 12, 4);
		memcpy(ip + 12, ip + 16, 4);
		memcpy(ip + 16, tmp, 4);
		ip[8] = REPLY_TTL;
		ip[2] = (uint8_t)((p->l3_len + p->l4_len) >> 8);
		ip[3] = (uint8_t)(p->l3_len + p->l4_len);
		ip[6] &= 0x40;                  /* keep DF; not a fragment */
		ip[7] = 0;
		ip[10] = ip[11] = 0;
		*(uint16_t *)(void *)(ip + 10) =
			fp_csum_field(__rte_raw_cksum(ip, p->l3_len, 0));
	} else {
		memcpy(tmp, ip + 8, 16);
		memcpy(ip + 8, ip + 24, 16);
		memcpy(ip + 24, tmp, 16);
		ip[7] = REPLY_TTL;
		if (p->l3_len > 40) {           /* no extension headers back */
			memmove(ip + 40, ip + p->l3_len, p->l4_len);
			ip[6] = p->proto;
			p->l3_len = 40;
		}
		ip[4] = (uint8_t)(p->l4_len >> 8);
		ip[5] = (uint8_t)p->l4_len;
	}
	fp_reply_l2(p, ctx->conf->port[ctx->port].mac);
	fp_reply_trim(p, p->l3_len + p->l4_len);
}

/* The seq action: account the datagram's sequence number. */
static void
act_seq(struct fp_proc_ctx *ctx, struct fp_pkt *p, int id,
		const struct fp_listener *l, const uint8_t *payload,
		uint32_t plen)
{
	struct fp_listener_stats *ls = &ctx->lstats->listener[id];
	struct fp_seq_key key;
	uint64_t seq = 0;
	unsigned int i;
	int evicted;

	if ((uint32_t)l->seq_offset + l->seq_size > plen ||
			payload + l->seq_offset + l->seq_size > p->l2 + p->seg) {
		FP_STAT_ADD(ls->seq.malformed, 1);
		return;
	}
	for (i = 0; i < l->seq_size; i++) {
		unsigned int b = l->seq_le ? l->seq_size - 1 - i : i;

		seq = seq << 8 | payload[l->seq_offset + b];
	}
	key.listener = (uint8_t)id;
	key.family = p->family;
	key.port = fp_get16(fp_pkt_l4(p));
	key.addr = p->src;
	evicted = fp_seq_track(ctx->seq, &key, seq, l->seq_size * 8u, &ls->seq);
	if (evicted >= 0)
		FP_STAT_ADD(ctx->lstats->listener[evicted].seq.evictions, 1);
}

/* The echo action (RFC 862): the datagram goes back to its sender. The UDP
 * checksum survives swapping addresses and ports unchanged. */
static int
act_echo(struct fp_proc_ctx *ctx, struct fp_pkt *p, int id)
{
	uint8_t *u = fp_pkt_l4(p), tmp[2];

	/* single frames only: fastpath does not fragment replies */
	if (p->m->nb_segs != 1 || p->l3_len + p->l4_len >
			ctx->conf->port[ctx->port].mtu) {
		FP_STAT_ADD(ctx->lstats->listener[id].drops, 1);
		return FP_DROP_PKT_TOO_BIG;
	}
	fp_reply_ip(ctx, p);
	u = fp_pkt_l4(p);
	memcpy(tmp, u, 2);
	memcpy(u, u + 2, 2);
	memcpy(u + 2, tmp, 2);
	p->meta.kind = p->family == FP_AF_INET ? FP_TX_UDP4_ECHO : FP_TX_UDP6_ECHO;
	p->meta.listener = (uint8_t)id;
	return FP_V_TX;
}

int
fp_rx_udp(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const struct fp_listen_table *t = &ctx->conf->listen;
	const struct fp_listener *l;
	struct fp_listener_stats *ls;
	uint8_t *u = fp_pkt_l4(p);
	uint32_t ulen;
	int id;

	if (unlikely(p->l4_len < 8 || fp_pkt_l4_seg(p) < 8))
		goto short_packet;
	ulen = fp_get16(u + 4);
	if (ulen > p->l4_len || ulen < 8)
		goto short_packet;
	p->l4_len = ulen;                     /* bytes past it are not UDP */
	id = fp_listen_lookup(t, p->family, p->dst, fp_get16(u + 2));

	if (unlikely(p->ip_cast != FP_CAST_UNICAST)) {
		/* __udp4_lib_mcast_deliver: nobody wants it */
		if (id < 0) {
			UDP_INC(ctx, p, IgnoredMulti);
			return FP_DROP_IGNORED_MULTI;
		}
	} else if (unlikely(id < 0)) {
		/* no socket: drop silently if the checksum is wrong */
		if ((p->family == FP_AF_INET6 && fp_get16(u + 6) == 0) ||
				(fp_get16(u + 6) != 0 && !fp_l4_csum_ok(p)))
			goto csum_error;
		UDP_INC(ctx, p, NoPorts);
		return FP_DROP_NO_SOCKET;
	}
	ls = &ctx->lstats->listener[id];
	/* IPv6 requires the checksum (RFC 8200 8.1); zero means none in IPv4 */
	if ((p->family == FP_AF_INET6 && fp_get16(u + 6) == 0) ||
			(fp_get16(u + 6) != 0 && !fp_l4_csum_ok(p))) {
		FP_STAT_ADD(ls->drops, 1);
		goto csum_error;
	}
	l = &t->l[id];
	UDP_INC(ctx, p, InDatagrams);
	FP_STAT_ADD(ls->datagrams, 1);
	FP_STAT_ADD(ls->bytes, ulen - 8);
	switch (l->action) {
	case FP_ACT_SEQ:
		act_seq(ctx, p, id, l, u + 8, ulen - 8);
		return FP_V_DELIVER;
	case FP_ACT_ECHO:
		if (p->ip_cast != FP_CAST_UNICAST)
			return FP_V_DELIVER;
		return act_echo(ctx, p, id);
	default:
		return FP_V_DELIVER;
	}

short_packet:
	UDP_INC(ctx, p, InErrors);
	return FP_DROP_PKT_TOO_SMALL;
csum_error:
	UDP_INC(ctx, p, InCsumErrors);
	UDP_INC(ctx, p, InErrors);
	return FP_DROP_UDP_CSUM;
}

int
fp_rx_tcp(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const uint8_t *th = fp_pkt_l4(p);
	unsigned int doff;

	SNMP_INC(ctx, Tcp, InSegs);
	if (p->l4_len < 20 || fp_pkt_l4_seg(p) < 20)
		return FP_DROP_PKT_TOO_SMALL;
	doff = (th[12] >> 4) * 4u;
	if (doff < 20) {
		SNMP_INC(ctx, Tcp, InErrs);
		return FP_DROP_PKT_TOO_SMALL;
	}
	if (doff > p->l4_len)
		return FP_DROP_PKT_TOO_SMALL;
	/* fastpath has no TCP listener: tcp_v4_rcv's no_tcp_socket path */
	if (!fp_l4_csum_ok(p)) {
		SNMP_INC(ctx, Tcp, InCsumErrors);
		SNMP_INC(ctx, Tcp, InErrs);
		return FP_DROP_TCP_CSUM;
	}
	return FP_DROP_NO_SOCKET;
}
