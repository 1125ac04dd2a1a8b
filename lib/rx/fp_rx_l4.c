/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Local delivery: the upper-layer protocol dispatch of Linux's
 * ip_protocol_deliver_rcu / ip6_protocol_deliver_rcu (InDelivers, or
 * InUnknownProtos for a protocol nobody handles).
 */
#include <netinet/in.h>

#include "fp_rx.h"

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
