/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv4 stage, with the checks and counters of Linux's ip_rcv_core and
 * ip_local_deliver (reassembly included); local delivery goes on at the
 * upper-layer dispatch (FP_E_L4).
 */
#include "fp_rx.h"

#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff

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

enum fp_edge
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
			if (fp_to_kernel(ctx))
				return FP_E_KERNEL;  /* the kernel's groups */
			SNMP_INC(ctx, Ip, InAddrErrors);
			return fp_drop(p, FP_DROP_IP_INADDRERRORS);
		}
		p->ip_cast = FP_CAST_MULTICAST;
	} else if (unlikely(fp_local_v4_bcast(l, dst))) {
		SNMP_INC(ctx, IpExt, InBcastPkts);
		p->ip_cast = FP_CAST_BROADCAST;
	} else if (fp_local_v4(l, dst)) {
		p->ip_cast = FP_CAST_UNICAST;
	} else {
		if (fp_to_kernel(ctx))
			return FP_E_KERNEL;      /* the kernel's addresses */
		SNMP_INC(ctx, Ip, InAddrErrors);
		return fp_drop(p, FP_DROP_IP_INADDRERRORS);
	}

	frag = fp_get16(ip + 6);
	if (unlikely(frag & (IP_MF | IP_OFFMASK))) {
		/* the protocol is in every fragment: one that cannot be a
		 * listener's goes to the kernel whole, to reassemble there */
		if (fp_to_kernel(ctx) && p->proto != 17)
			return FP_E_KERNEL;
		SNMP_INC(ctx, Ip, ReasmReqds);
		if (ctx->reasm == NULL) {
			SNMP_INC(ctx, Ip, ReasmFails);
			return fp_drop(p, FP_DROP_FRAG_FAILED);
		}
		if (fp_rx_reasm(ctx, p, FP_AF_INET) == FP_E_HELD)
			return FP_E_HELD;
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
