/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 stage, with the checks and counters of Linux's ipv6_rcv and
 * ip6_input_finish: the extension header walk and reassembly; local
 * delivery goes on at the upper-layer dispatch (FP_E_L4).
 */
#include "fp_rx.h"

#define NH_HOP 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_AUTH 51
#define NH_NONE 59
#define NH_DEST 60
/* The kernel walks any number of extension headers: each is 8 bytes or
 * more, so the payload bounds the walk (a reassembled datagram starts it
 * once more). */
#define MAX_EXT_HEADERS (2 * 65536 / 8)


#define MAX_TLV_OPTS 8   /* max_hbh_opts_cnt, max_dst_opts_cnt (sysctls) */

/* What ip6_parse_tlv makes of an options header. */
enum tlv_verdict {
	TLV_OK,
	TLV_BAD,          /* InHdrErrors, dropped */
	TLV_ANSWER,       /* InHdrErrors, and a parameter problem (code 2)
			   * pointing at the unknown option (*at) */
};

/*
 * Hop-by-hop or destination options (h, len bytes, at offset off from
 * the IPv6 header), as ip6_parse_tlv checks them: the TLVs fill the
 * header exactly; padding (Pad1, PadN) is at most 7 bytes in a row and
 * PadN's bytes are zero (RFC 4942 2.1.9.5); at most 8 other options; a
 * router alert is 2 bytes long (ipv6_hop_ra); a jumbo payload option
 * cannot be right in an Ethernet frame (ipv6_hop_jumbo); an unknown
 * option's action bits (ip6_tlvopt_unknown): 00 skip it, 01 discard, 10
 * discard and answer, 11 discard and answer unless to multicast.
 */
static enum tlv_verdict
tlv_check(const uint8_t *h, unsigned int len, bool hbh, bool mcast,
		unsigned int off, uint32_t *at)
{
	unsigned int i = 2, pad = 0, count = 0, k;

	while (i < len) {
		uint8_t type = h[i];
		unsigned int olen;

		if (type == 0) {                    /* Pad1 */
			if (++pad > 7)
				return TLV_BAD;
			i++;
			continue;
		}
		if (i + 1 >= len)
			return TLV_BAD;
		olen = 2u + h[i + 1];
		if (i + olen > len)
			return TLV_BAD;
		if (type == 1) {                    /* PadN */
			pad += olen;
			if (pad > 7)
				return TLV_BAD;
			for (k = 2; k < olen; k++)
				if (h[i + k] != 0)
					return TLV_BAD;
		} else {
			if (++count > MAX_TLV_OPTS)
				return TLV_BAD;
			if (hbh && type == 5) {          /* router alert */
				if (olen != 4)
					return TLV_BAD;
			} else if (hbh && type == 0xc2) {  /* jumbo payload */
				return TLV_BAD;
			} else if ((type >> 6) != 0) {
				*at = off + i;
				return (type >> 6) == 2 || ((type >> 6) == 3 && !mcast) ?
					TLV_ANSWER : TLV_BAD;
			}
			pad = 0;
		}
		i += olen;
	}
	return TLV_OK;
}

/* An options header ip6_parse_tlv refused: InHdrErrors, maybe answered. */
static enum fp_edge
bad_tlv(struct fp_proc_ctx *ctx, struct fp_pkt *p, enum tlv_verdict v,
		uint32_t at)
{
	SNMP_INC(ctx, Ip6, InHdrErrors);
	if (v == TLV_ANSWER)
		return fp_icmp_error(ctx, p, FP_ICMP_ERR_OPTION, at,
				fp_drop(p, FP_DROP_IPV6_BAD_EXTHDR));
	return fp_drop(p, FP_DROP_IPV6_BAD_EXTHDR);
}

/* A header error answered with a parameter problem (code 0) pointing at
 * the offending field (unknown_rh, ip6_frag_queue, fail_hdr). */
static enum fp_edge
bad_field(struct fp_proc_ctx *ctx, struct fp_pkt *p, uint32_t at)
{
	SNMP_INC(ctx, Ip6, InHdrErrors);
	return fp_icmp_error(ctx, p, FP_ICMP_ERR_PARAM, at,
			fp_drop(p, FP_DROP_IPV6_BAD_EXTHDR));
}

static enum fp_edge
bad_exthdr(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	SNMP_INC(ctx, Ip6, InHdrErrors);
	return fp_drop(p, FP_DROP_IPV6_BAD_EXTHDR);
}

/*
 * ipv6frag_thdr_truncated: a first fragment that does not hold every
 * header through the upper-layer one (RFC 8200 4.5), walked as
 * ipv6_skip_exthdr walks from the fixed header (past the fragment header
 * of a first fragment); the upper-layer header is 8 bytes for UDP and
 * ICMPv6, 20 for TCP, 1 for the others. What cannot be read (past the
 * first segment, no next header) is not judged.
 */
static bool
first_fragment_truncated(const struct fp_pkt *p, uint32_t end)
{
	const uint8_t *ip = fp_pkt_l3(p);
	uint32_t off = 40, avail = RTE_MIN(end, p->seg - p->l2_len), need;
	uint8_t nh = ip[6];

	while (nh == NH_HOP || nh == NH_ROUTING || nh == NH_FRAGMENT ||
			nh == NH_AUTH || nh == NH_DEST) {
		const uint8_t *h = ip + off;
		uint32_t hl;

		/* ipv6_skip_exthdr reads 2 bytes (the fragment header's
		 * offset: 4); a header it cannot read fails the walk */
		if (off + (nh == NH_FRAGMENT ? 4u : 2u) > avail)
			return false;
		if (nh == NH_FRAGMENT) {
			if ((fp_get16(h + 2) & 0xfff8) != 0)
				return false;       /* not a first fragment */
			hl = 8;
		} else if (nh == NH_AUTH) {
			hl = (h[1] + 2u) * 4;
		} else {
			hl = (h[1] + 1u) * 8;
		}
		nh = h[0];
		off += hl;
	}
	if (nh == NH_NONE)
		return false;
	need = nh == 17 || nh == 58 ? 8 : nh == 6 ? 20 : 1;
	return off + need > end;
}

/*
 * A fragment whose fragment header follows ext bytes of extension headers
 * (hop-by-hop, destination options, routing; all checked): those go, the
 * fixed header moves up to the fragment header, which it now names. The
 * headers are in the first segment (the walk checked them there).
 */
static void
strip_unfragmentable(struct fp_pkt *p, uint32_t ext)
{
	uint8_t *ip;
	uint16_t pl;

	memmove(p->l2 + ext, p->l2, p->l2_len + 40u);
	rte_pktmbuf_adj(p->m, (uint16_t)ext);
	p->l2 = rte_pktmbuf_mtod(p->m, uint8_t *);
	p->seg -= ext;
	p->len -= ext;
	ip = fp_pkt_l3(p);
	pl = (uint16_t)(fp_get16(ip + 4) - ext);
	ip[4] = (uint8_t)(pl >> 8);
	ip[5] = (uint8_t)pl;
	ip[6] = NH_FRAGMENT;
	p->src = ip + 8;
	p->dst = ip + 24;
	p->nh_off = 6;
}

/*
 * A routing header (ipv6_rthdr_rcv), h at it: never in a frame to
 * multicast or not to our MAC (InAddrErrors); segment routing (types 3
 * and 4) dropped silently (seg6_enabled and rpl_seg_enabled are 0 by
 * default); else one with segments left would have us forward the packet
 * (InHdrErrors, unknown_rh); with none left the walk goes on
 * (FP_E_NB_STAGES).
 */
static enum fp_edge
routing(struct fp_proc_ctx *ctx, struct fp_pkt *p, const uint8_t *h,
		unsigned int off)
{
	if (p->ip_cast != FP_CAST_UNICAST || p->l2_cast != FP_CAST_UNICAST) {
		SNMP_INC(ctx, Ip6, InAddrErrors);
		return fp_drop(p, FP_DROP_IP_INADDRERRORS);
	}
	if (h[2] == 3 || h[2] == 4)
		return fp_drop(p, FP_DROP_IPV6_SEG_ROUTING);
	if (h[3] != 0)
		return bad_field(ctx, p, off + 2);   /* unknown_rh: the type */
	return FP_E_NB_STAGES;
}

/* Walk the extension headers from p->l3_len with next header nh, up to
 * the upper-layer protocol; reassemble fragments. */
static enum fp_edge
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
			/* hop-by-hop anywhere but first is no protocol the
			 * kernel knows (ip6_protocol_deliver_rcu) */
			if (nh == NH_HOP && off != 40)
				goto upper;
			if (off + 8 > end || p->l2_len + off + 8 > p->seg)
				return bad_exthdr(ctx, p);
			hl = (h[1] + 1u) * 8;
			if (off + hl > end || p->l2_len + off + hl > p->seg)
				return bad_exthdr(ctx, p);
			if (nh != NH_ROUTING) {
				uint32_t at = 0;
				enum tlv_verdict v = tlv_check(h, hl, nh == NH_HOP,
						p->ip_cast == FP_CAST_MULTICAST, off, &at);

				if (v != TLV_OK)
					return bad_tlv(ctx, p, v, at);
			}
			if (nh == NH_ROUTING) {
				enum fp_edge e = routing(ctx, p, h, off);

				if (e != FP_E_NB_STAGES)
					return e;
			}
			nh = h[0];
			p->nh_off = (uint16_t)off;
			p->l3_len = (uint16_t)(off + hl);
			continue;
		case NH_FRAGMENT: {
			enum fp_edge held;
			uint16_t fo;

			/* one fragment header per packet: a second one (in a
			 * reassembled datagram, or after an atomic fragment) is
			 * a header error, as ipv6_frag_rcv's IP6SKB_FRAGMENTED
			 * check makes it (before ReasmReqds) */
			if (fragmented)
				return bad_field(ctx, p, off);    /* fail_hdr */
			/* ipv6_frag_rcv counts the request before it looks */
			if (off + 8 > end || p->l2_len + off + 8 > p->seg) {
				SNMP_INC(ctx, Ip6, ReasmReqds);
				return bad_field(ctx, p, off);
			}
			fragmented = true;
			fo = fp_get16(h + 2);
			if ((fo & 0xfff9) == 0) {         /* atomic fragment */
				/* ipv6_frag_rcv: requested and done at once */
				SNMP_INC(ctx, Ip6, ReasmReqds);
				SNMP_INC(ctx, Ip6, ReasmOKs);
				nh = h[0];
				p->nh_off = (uint16_t)off;
				p->l3_len = (uint16_t)(off + 8);
				continue;
			}
			/* the fragment header names the next protocol in
			 * every fragment: not UDP, the kernel reassembles it */
			if (fp_to_kernel(ctx) && h[0] != 17)
				return FP_E_KERNEL;
			SNMP_INC(ctx, Ip6, ReasmReqds);
			/* ipv6_frag_rcv: a first fragment must hold every
			 * header through the upper-layer one (RFC 8200 4.5) */
			if ((fo & 0xfff8) == 0 && first_fragment_truncated(p, end)) {
				SNMP_INC(ctx, Ip6, InHdrErrors);
				return fp_icmp_error(ctx, p, FP_ICMP_ERR_HDR_INCOMP, 0,
						fp_drop(p, FP_DROP_PKT_TOO_SMALL));
			}
			/* ip6_frag_queue: a fragment but the last whose length
			 * is not a multiple of 8 is a header error */
			if ((fo & 1) && ((end - off - 8) & 7) != 0)
				return bad_field(ctx, p, 4);   /* payload length */
			if (ctx->reasm == NULL) {
				SNMP_INC(ctx, Ip6, ReasmFails);
				return fp_drop(p, FP_DROP_FRAG_FAILED);
			}
			/* DPDK reassembles a fragment header right after the
			 * fixed header only: the unfragmentable headers before
			 * it (checked above) go (RFC 8200 4.5) */
			if (off != 40) {
				strip_unfragmentable(p, off - 40);
				ip = fp_pkt_l3(p);
				end -= off - 40;
				off = 40;
			}
			p->l3_len = (uint16_t)(off + 8);
			held = fp_rx_reasm(ctx, p, FP_AF_INET6);
			if (held != FP_E_NB_STAGES)
				return held;
			SNMP_INC(ctx, Ip6, ReasmOKs);
			/* the datagram comes back without its fragment header */
			ip = fp_pkt_l3(p);
			p->src = ip + 8;
			p->dst = ip + 24;
			p->l3_len = 40;
			p->nh_off = 6;
			end = 40u + fp_get16(ip + 4);
			nh = ip[6];
			continue;
		}
		default:
			goto upper;
		}
	}
	return bad_exthdr(ctx, p);        /* too long a chain, or a loop */
upper:
	p->proto = nh;
	p->l4_len = end - p->l3_len;
	return FP_E_L4;
}

/*
 * A host's input route (ip6_route_input, ip6_mc_input, ip6_forward with
 * forwarding off, ip6_pkt_discard): multicast counts InMcastPkts and goes
 * on only for a group joined (ipv6_chk_mcast_addr); a local address, the
 * port's link-local address included, is delivered; an address on a
 * local prefix (or fe80::/64) is forwarded, which a host refuses
 * (InAddrErrors); anything else has no route (InNoRoutes). In sink mode
 * every destination is ours.
 */
static enum fp_edge
route_input(struct fp_proc_ctx *ctx, struct fp_pkt *p, const uint8_t *ip)
{
	static const uint8_t any[16];
	static const uint8_t ll_prefix[8] = { 0xfe, 0x80 };   /* fe80::/64 */
	const struct fp_local *l = &ctx->conf->local;
	const uint8_t *dst = ip + 24;
	uint8_t ll[16];

	if (dst[0] == 0xff) {
		struct fp_ip g = { .family = FP_AF_INET6 };

		memcpy(g.b, dst, 16);
		/* a host without an IPv6 address is not an IPv6 host (only
		 * groups its listeners joined reach it) */
		if (fp_local_host(l) && l->nb_v6 == 0 &&
				!fp_local_mcast_accepted(l, &g))
			goto not_ours;
		SNMP_INC(ctx, Ip6, InMcastPkts);
		SNMP_ADD(ctx, Ip6, InMcastOctets, p->len - p->l2_len);
		if (fp_local_host(l) && !fp_local_mcast_accepted(l, &g)) {
			/* the solicited-node group of the link-local address */
			fp_v6_link_local(ctx->conf->port[ctx->port].mac, ll);
			if (l->nb_v6 == 0 || memcmp(dst, fp_v6_sn_prefix, 13) != 0 ||
					memcmp(dst + 13, ll + 13, 3) != 0) {
				if (fp_to_kernel(ctx))
					return FP_E_KERNEL;
				return fp_drop(p, FP_DROP_MCAST_NOT_JOINED);
			}
		}
		p->ip_cast = FP_CAST_MULTICAST;
		return FP_E_L4;
	}
	if (fp_local_v6(l, dst)) {
		p->ip_cast = FP_CAST_UNICAST;
		return FP_E_L4;
	}
	if (l->nb_v6 != 0) {
		fp_v6_link_local(ctx->conf->port[ctx->port].mac, ll);
		if (memcmp(dst, ll, 16) == 0) {
			p->ip_cast = FP_CAST_UNICAST;
			return FP_E_L4;
		}
	}
not_ours:
	if (fp_to_kernel(ctx))
		return FP_E_KERNEL;      /* link-local, the kernel's addresses */
	/* (a host without an IPv6 address is not an IPv6 host: as before
	 * any route, InAddrErrors) */
	if (l->nb_v6 == 0 || memcmp(dst, ll_prefix, 8) == 0 ||
			fp_local_v6_onlink(l, dst) || memcmp(dst, any, 16) == 0) {
		SNMP_INC(ctx, Ip6, InAddrErrors);
		return fp_drop(p, FP_DROP_IP_INADDRERRORS);
	}
	SNMP_INC(ctx, Ip6, InNoRoutes);
	return fp_icmp_error(ctx, p, FP_ICMP_ERR_NOROUTE, 0,
			fp_drop(p, FP_DROP_IP_INNOROUTES));
}

static bool
is_loopback(const uint8_t *a)
{
	static const uint8_t lo[16] = { [15] = 1 };

	return memcmp(a, lo, 16) == 0;
}

enum fp_edge
fp_rx_ipv6(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	uint8_t *ip = fp_pkt_l3(p);
	uint32_t avail = p->seg - p->l2_len, plen = p->len - p->l2_len, pl;

	/* ip6_rcv_core: InReceives and InOctets with the frame's padding */
	SNMP_INC(ctx, Ip6, InReceives);
	SNMP_ADD(ctx, Ip6, InOctets, plen);
	if (avail < 40) {
		SNMP_INC(ctx, Ip6, InHdrErrors);
		return fp_drop(p, FP_DROP_IP_INHDR);
	}
	if ((ip[0] >> 4) != 6) {
		SNMP_INC(ctx, Ip6, InHdrErrors);
		return fp_drop(p, FP_DROP_UNHANDLED_PROTO);   /* as ipv6_rcv does */
	}
	fp_bc_add(ctx, FP_BC_SNMP + FP_SNMP_Ip6_InNoECTPkts + ((ip[1] >> 4) & 3), 1);
	/* RFC 4291: loopback never on the wire (2.5.3), multicast scope 0
	 * reserved and 1 interface-local (2.7), no multicast source */
	if (is_loopback(ip + 8) || is_loopback(ip + 24) ||
			(ip[24] == 0xff && (ip[25] & 0xf) <= 1) || ip[8] == 0xff) {
		SNMP_INC(ctx, Ip6, InHdrErrors);
		return fp_drop(p, FP_DROP_IP_INHDR);
	}
	pl = fp_get16(ip + 4);
	if (pl == 0 && ip[6] == NH_HOP) {     /* jumbogram: not supported */
		SNMP_INC(ctx, Ip6, InHdrErrors);
		return fp_drop(p, FP_DROP_IP_INHDR);
	}
	if (40 + pl > plen) {
		SNMP_INC(ctx, Ip6, InTruncatedPkts);
		return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
	}
	p->len = p->l2_len + 40 + pl;         /* padding is not the packet */
	if (p->seg > p->len)
		p->seg = p->len;
	p->family = FP_AF_INET6;
	p->src = ip + 8;
	p->dst = ip + 24;
	p->l3_len = 40;
	p->l4_len = pl;          /* until the walk finds the upper layer */
	p->nh_off = 6;
	/* ipv6_parse_hopopts comes before the route */
	if (ip[6] == NH_HOP) {
		uint32_t hl;

		if (48 > 40 + pl || p->l2_len + 48u > p->seg)
			return bad_exthdr(ctx, p);
		uint32_t at = 0;
		enum tlv_verdict v;

		hl = (ip[41] + 1u) * 8;
		if (40 + hl > 40 + pl || p->l2_len + 40 + hl > p->seg)
			return bad_exthdr(ctx, p);
		v = tlv_check(ip + 40, hl, true, ip[24] == 0xff, 40, &at);
		if (v != TLV_OK)
			return bad_tlv(ctx, p, v, at);
	}
	{
		enum fp_edge e = route_input(ctx, p, ip);

		if (e != FP_E_L4)
			return e;
	}
	return walk(ctx, p, ip[6]);
}
