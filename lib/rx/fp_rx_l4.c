/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Local delivery: the upper-layer protocol dispatch of Linux's
 * ip_protocol_deliver_rcu / ip6_protocol_deliver_rcu (InDelivers, or
 * InUnknownProtos for a protocol nobody handles).
 */
#include <netinet/in.h>

#include "fp_rx.h"

/* An MLD query's IPv6 header as RFC 3810 6.2 wants it: hop limit 1 and,
 * in a hop-by-hop header (first, as ipv6_rcv takes it), a router alert
 * for MLD (value 0); the options were checked by the IPv6 stage. */
static bool
mld_query_ok(const struct fp_pkt *p)
{
	const uint8_t *ip = fp_pkt_l3(p), *h = ip + 40;
	unsigned int i = 2, len;

	if (ip[7] != 1 || ip[6] != 0 || p->l3_len < 48)
		return false;
	len = (h[1] + 1u) * 8;
	while (i + 1 < len) {
		if (h[i] == 0) {                   /* Pad1 */
			i++;
			continue;
		}
		if (h[i] == 5 && h[i + 1] == 2 && i + 4 <= len)
			return fp_get16(h + i + 2) == 0;
		i += 2u + h[i + 1];
	}
	return false;
}

void
fp_rx_mcast(struct fp_proc_ctx *ctx, const struct fp_pkt *p)
{
	const bool v6 = p->family == FP_AF_INET6;
	struct fp_mcast_state *s = ctx->conf->mcast[ctx->port][v6];
	struct fp_mcast_heard h;

	/* a message in one segment (a query's sources may not be; the
	 * kernel would read them: this host never needs them) */
	if (s == NULL || fp_pkt_l4_seg(p) != p->l4_len)
		return;
	/* igmp_rcv: the checksum over the message, else dropped */
	if (!v6 && fp_fold64(fp_sum(fp_pkt_l4(p), p->l4_len, 0)) != 0xffff)
		return;
	if (fp_mcast_parse(p->family, fp_pkt_l4(p), p->l4_len, p->src,
			v6 && mld_query_ok(p), &h) != 0)
		return;
	/* a report counts only as heard on the link: sent to a group (or
	 * broadcast), not to this host alone (igmp_rcv's pkt_type check) */
	if (h.what == FP_MCAST_REPORT && p->l2_cast == FP_CAST_UNICAST)
		return;
	fp_mcast_hear(s, &h, ctx->now, &ctx->rng);
}

enum fp_edge
fp_rx_l4(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const bool v6 = p->family == FP_AF_INET6;
	unsigned int delivers = v6 ? FP_SNMP_Ip6_InDelivers : FP_SNMP_Ip_InDelivers;
	enum fp_edge e;

	switch (p->proto) {
	case IPPROTO_UDP:
		e = FP_E_UDP;
		break;
	case IPPROTO_TCP:
		e = FP_E_TCP;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* ICMP over IPv4, ICMPv6 over IPv6 */
		if ((p->proto == IPPROTO_ICMPV6) != v6)
			goto unknown;
		e = v6 ? FP_E_ICMP6 : FP_E_ICMP;
		break;
	case IPPROTO_UDPLITE:
		e = FP_E_UDPLITE;
		break;
	case IPPROTO_IGMP:      /* the kernel's IGMP handler (igmp_rcv) */
		if (v6)
			goto unknown;
		fp_rx_mcast(ctx, p);
		e = fp_to_kernel(ctx) ? FP_E_KERNEL : FP_E_DELIVER;
		break;
	case IPPROTO_PIM:       /* pim_rcv / pim6_rcv (multicast routing) */
		e = fp_to_kernel(ctx) ? FP_E_KERNEL : FP_E_DELIVER;
		break;
	case IPPROTO_NONE:      /* IPv6 no next header: consumed */
		if (!v6)
			goto unknown;
		e = fp_to_kernel(ctx) ? FP_E_KERNEL : FP_E_DELIVER;
		break;
	default:
		goto unknown;
	}
	fp_bc_add(ctx, FP_BC_SNMP + delivers, 1);
	return e;
unknown:
	if (fp_to_kernel(ctx)) {
		/* a protocol the kernel may know (IGMP, SCTP, ...): delivered
		 * to it, as to an upper layer */
		fp_bc_add(ctx, FP_BC_SNMP + delivers, 1);
		return FP_E_KERNEL;
	}
	fp_bc_add(ctx, FP_BC_SNMP + (v6 ? FP_SNMP_Ip6_InUnknownProtos :
			FP_SNMP_Ip_InUnknownProtos), 1);
	/* protocol unreachable; IPv6: parameter problem, unrecognized next
	 * header, pointing at the field that names it */
	return fp_icmp_error(ctx, p, FP_ICMP_ERR_PROTO, v6 ? p->nh_off : 0,
			fp_drop(p, FP_DROP_IP_NOPROTO));
}
