/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv4 stage, with the checks and counters of Linux's ip_rcv_core and
 * ip_local_deliver (reassembly included); local delivery goes on at the
 * upper-layer dispatch (FP_E_L4).
 */
#include "fp_rx.h"

#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff

enum opts_verdict { OPTS_OK, OPTS_BAD, OPTS_SRR };

#define OPT_END 0
#define OPT_NOOP 1
#define OPT_RR 7
#define OPT_TIMESTAMP 68
#define OPT_LSRR 131
#define OPT_CIPSO 134
#define OPT_SSRR 137
#define OPT_RA 148
#define OPT_TS_TSONLY 0
#define OPT_TS_TSANDADDR 1
#define OPT_TS_PRESPEC 3

/*
 * The options of a received packet, as ip_options_compile judges them
 * (net/ipv4/ip_options.c): every option fits; record route, timestamp and
 * a source route at most once each, with a length and pointer that fit
 * (a timestamp whose overflow count is already 15 is an error); a router
 * alert of 4 bytes; CIPSO needs a DOI, and a host has none configured.
 * OPTS_BAD is InHdrErrors. A source route (LSRR, SSRR) is then dropped
 * silently: ip_rcv_options with accept_source_route 0.
 */
static enum opts_verdict
options_check(const uint8_t *opt, unsigned int len, unsigned int *pp)
{
	bool rr = false, ts = false, srr = false;
	unsigned int i = 0;

	/* *pp: the offending byte's offset from the IP header, the
	 * parameter problem's pointer (__ip_options_compile's pp_ptr) */
#define BAD(delta) do { *pp = 20 + i + (delta); return OPTS_BAD; } while (0)
	while (i < len) {
		const uint8_t *o = opt + i;
		unsigned int olen;

		if (o[0] == OPT_END)
			break;
		if (o[0] == OPT_NOOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			BAD(0);
		olen = o[1];
		if (olen < 2 || olen > len - i)
			BAD(0);
		switch (o[0]) {
		case OPT_SSRR:
		case OPT_LSRR:
			if (olen < 3)
				BAD(1);
			if (o[2] < 4)
				BAD(2);
			if (srr)
				BAD(0);
			srr = true;
			break;
		case OPT_RR:
			if (rr)
				BAD(0);
			if (olen < 3)
				BAD(1);
			if (o[2] < 4 || (o[2] <= olen && o[2] + 3u > olen))
				BAD(2);
			rr = true;
			break;
		case OPT_TIMESTAMP:
			if (ts)
				BAD(0);
			if (olen < 4)
				BAD(1);
			if (o[2] < 5)
				BAD(2);
			if (o[2] <= olen) {
				unsigned int fl = o[3] & 0xf;

				if (o[2] + 3u > olen || ((fl == OPT_TS_TSANDADDR ||
						fl == OPT_TS_PRESPEC) && o[2] + 7u > olen))
					BAD(2);
			} else if ((o[3] & 0xf) != OPT_TS_PRESPEC && (o[3] >> 4) == 15) {
				BAD(3);                  /* overflow would wrap */
			}
			ts = true;
			break;
		case OPT_RA:
			if (olen < 4)
				BAD(1);
			break;
		case OPT_CIPSO:
			/* cipso_v4_validate: too short, else no such DOI */
			BAD(olen < 8 ? 1 : 2);
		default:
			break;                           /* skipped */
		}
		i += olen;
	}
#undef BAD
	return srr ? OPTS_SRR : OPTS_OK;
}

/*
 * A host's input route lookup (ip_route_input_rcu, ip_route_input_mc /
 * ip_mc_validate_source, ip_route_input_slow, fib_validate_source; not
 * forwarding, accept_local 0, route_localnet 0), in the kernel's order:
 * the destination's class in p->ip_cast and FP_E_L4, or a drop. A martian
 * source or destination and a group nobody joined are dropped without a
 * counter (past InReceives, InOctets and the ECN counters); an address
 * that is not ours counts InAddrErrors (ip_error, EHOSTUNREACH). In sink
 * mode (no --local-ip) every destination is ours and no source martian.
 */
static enum fp_edge
route_input(struct fp_proc_ctx *ctx, struct fp_pkt *p, const uint8_t *ip)
{
	const struct fp_local *l = &ctx->conf->local;
	const uint8_t s0 = ip[12], d0 = ip[16];
	uint32_t src, dst;

	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	if (!fp_local_host(l)) {
		p->ip_cast = (d0 & 0xf0) == 0xe0 ? FP_CAST_MULTICAST :
			dst == UINT32_MAX ? FP_CAST_BROADCAST : FP_CAST_UNICAST;
		return FP_E_L4;
	}
	if ((d0 & 0xf0) == 0xe0) {
		struct fp_ip g = { .family = FP_AF_INET };

		/* ip_route_input_rcu: only a group this host is a member of
		 * (ip_check_mc_rcu) is routed; else the lookup fails */
		memcpy(g.b, &dst, 4);
		if (!fp_local_mcast_accepted(l, &g)) {
			if (l->nb_v4 == 0)
				goto not_ours;
			if (fp_to_kernel(ctx))
				return FP_E_KERNEL;  /* the kernel's groups */
			return fp_drop(p, FP_DROP_MCAST_NOT_JOINED);
		}
		/* ip_mc_validate_source */
		if ((s0 & 0xf0) == 0xe0 || src == UINT32_MAX)
			return fp_drop(p, FP_DROP_IP_INVALID_SOURCE);
		if (s0 == 127)
			return fp_drop(p, FP_DROP_IP_LOCALNET);
		if (src == 0) {
			/* only to 224.0.0.0/24, or IGMP */
			if (!(d0 == 224 && ip[17] == 0 && ip[18] == 0) &&
					ip[9] != 2)
				return fp_drop(p, FP_DROP_IP_INVALID_SOURCE);
		} else if (fp_local_v4_own_src(l, src)) {
			return fp_drop(p, FP_DROP_IP_LOCAL_SOURCE);
		}
		p->ip_cast = FP_CAST_MULTICAST;
		return FP_E_L4;
	}
	/* a host without an IPv4 address is not an IPv4 host (only groups
	 * its listeners joined reach it) */
	if (l->nb_v4 == 0)
		goto not_ours;
	/* ip_route_input_slow */
	if ((s0 & 0xf0) == 0xe0 || src == UINT32_MAX)
		return fp_drop(p, FP_DROP_IP_INVALID_SOURCE);
	if (dst == UINT32_MAX || (src == 0 && dst == 0))
		goto brd_input;
	/* ipv4_is_zeronet: 0.0.0.0 only, since Linux 5.3 (0.0.0.0/8 became
	 * ordinary unicast space) */
	if (src == 0)
		return fp_drop(p, FP_DROP_IP_INVALID_SOURCE);
	if (dst == 0)
		return fp_drop(p, FP_DROP_IP_INVALID_DEST);
	if (d0 == 127 || s0 == 127)
		return fp_drop(p, FP_DROP_IP_LOCALNET);
	if (fp_local_v4(l, dst)) {               /* RTN_LOCAL */
		if (fp_local_v4_own_src(l, src))
			return fp_drop(p, FP_DROP_IP_LOCAL_SOURCE);
		p->ip_cast = FP_CAST_UNICAST;
		return FP_E_L4;
	}
	if (fp_local_v4_bcast(l, dst))           /* RTN_BROADCAST */
		goto brd_input;
not_ours:
	if (fp_to_kernel(ctx))
		return FP_E_KERNEL;      /* the kernel's addresses */
	SNMP_INC(ctx, Ip, InAddrErrors);
	return fp_drop(p, FP_DROP_IP_INADDRERRORS);
brd_input:
	if (src != 0 && fp_local_v4_own_src(l, src))
		return fp_drop(p, FP_DROP_IP_LOCAL_SOURCE);
	p->ip_cast = FP_CAST_BROADCAST;
	return FP_E_L4;
}

enum fp_edge
fp_rx_ipv4(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	uint8_t *ip = fp_pkt_l3(p);
	uint32_t avail = p->seg - p->l2_len, plen = p->len - p->l2_len;
	unsigned int hlen, tot;
	enum fp_edge e;
	uint16_t frag;

	/* ip_rcv_core: InReceives and InOctets with the frame's padding */
	SNMP_INC(ctx, Ip, InReceives);
	SNMP_ADD(ctx, IpExt, InOctets, plen);
	if (unlikely(avail < 20 || (ip[0] >> 4) != 4 || (ip[0] & 0xf) < 5))
		goto inhdr_error;
	fp_bc_add(ctx, FP_BC_SNMP + FP_SNMP_IpExt_InNoECTPkts + (ip[1] & 3), 1);
	hlen = (ip[0] & 0xfu) * 4;
	if (avail < hlen)
		goto inhdr_error;
	if (unlikely(!fp_ip4_csum_ok(p->m, ip, hlen))) {
		SNMP_INC(ctx, IpExt, InCsumErrors);
		SNMP_INC(ctx, Ip, InHdrErrors);
		return fp_drop(p, FP_DROP_IP_CSUM);
	}
	tot = fp_get16(ip + 2);
	if (unlikely(plen < tot)) {
		SNMP_INC(ctx, IpExt, InTruncatedPkts);
		return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
	}
	if (tot < hlen)
		goto inhdr_error;
	/* Ethernet padding past the total length is not part of the packet */
	p->len = p->l2_len + tot;
	if (p->seg > p->len)
		p->seg = p->len;

	p->family = FP_AF_INET;
	p->src = ip + 12;
	p->dst = ip + 16;
	p->proto = ip[9];
	p->l3_len = (uint16_t)hlen;
	p->l4_len = tot - hlen;
	/* ip_rcv_finish_core: the route, then the options, then the
	 * multicast and broadcast counters of what was routed to us */
	e = route_input(ctx, p, ip);
	if (e != FP_E_L4)
		return e;
	if (hlen > 20) {
		unsigned int pp = 0;
		enum opts_verdict v = options_check(ip + 20, hlen - 20, &pp);

		if (v == OPTS_BAD) {
			/* ip_rcv_options, then ip_options_compile's
			 * parameter problem pointing at the bad byte */
			SNMP_INC(ctx, Ip, InHdrErrors);
			return fp_icmp_error(ctx, p, FP_ICMP_ERR_PARAM, pp,
					fp_drop(p, FP_DROP_IP_INHDR));
		}
		if (v == OPTS_SRR)
			return fp_drop(p, FP_DROP_IP_SOURCE_ROUTE);
	}
	if (unlikely(p->ip_cast != FP_CAST_UNICAST)) {
		if (p->ip_cast == FP_CAST_MULTICAST) {
			SNMP_INC(ctx, IpExt, InMcastPkts);
			SNMP_ADD(ctx, IpExt, InMcastOctets, tot);
		} else {
			SNMP_INC(ctx, IpExt, InBcastPkts);
			SNMP_ADD(ctx, IpExt, InBcastOctets, tot);
		}
	}

	frag = fp_get16(ip + 6);
	if (unlikely(frag & (IP_MF | IP_OFFMASK))) {
		enum fp_edge held;

		/* the protocol is in every fragment: one that cannot be a
		 * listener's goes to the kernel whole, to reassemble there */
		if (fp_to_kernel(ctx) && p->proto != 17)
			return FP_E_KERNEL;
		SNMP_INC(ctx, Ip, ReasmReqds);
		if (ctx->reasm == NULL) {
			SNMP_INC(ctx, Ip, ReasmFails);
			return fp_drop(p, FP_DROP_FRAG_FAILED);
		}
		held = fp_rx_reasm(ctx, p, FP_AF_INET);
		if (held != FP_E_NB_STAGES)
			return held;
		SNMP_INC(ctx, Ip, ReasmOKs);
		/* the datagram has the first fragment's header, whose
		 * options may be longer than the last fragment's */
		ip = fp_pkt_l3(p);
		p->src = ip + 12;
		p->dst = ip + 16;
		p->l4_len = p->len - p->l2_len - p->l3_len;
	}
	return FP_E_L4;

inhdr_error:
	SNMP_INC(ctx, Ip, InHdrErrors);
	return fp_drop(p, FP_DROP_IP_INHDR);
}
