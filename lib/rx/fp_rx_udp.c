/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The UDP stage, with the checks and counters of Linux's __udp4_lib_rcv /
 * __udp6_lib_rcv up to the socket: a datagram for a listener leaves on
 * FP_E_LISTENER, and its listener's handler gets it with the others of
 * the burst (fp_proc.c).
 */
#include "fp_rx.h"
#include "fp_udp.h"

/* __skb_checksum_validate_complete: a datagram this short has its
 * checksum computed on arrival (include/linux/skbuff.h) */
#define CHECKSUM_BREAK 76

enum fp_edge
fp_rx_udp(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const struct fp_listen_table *t = &ctx->conf->listen;
	uint8_t *u = fp_pkt_l4(p);
	uint32_t ulen;
	int id;

	if (unlikely(p->l4_len < 8 || fp_pkt_l4_seg(p) < 8))
		goto short_packet;
	ulen = fp_get16(u + 4);
	/* __udp6_lib_rcv: a length of 0 is the payload's (as for a
	 * jumbogram) */
	if (ulen == 0 && p->family == FP_AF_INET6)
		ulen = p->l4_len;
	if (ulen > p->l4_len || ulen < 8)
		goto short_packet;
	p->l4_len = ulen;                     /* bytes past it are not UDP */
	id = fp_listen_lookup(t, p->family, p->dst, fp_get16(u + 2));

	if (unlikely(p->ip_cast != FP_CAST_UNICAST)) {
		/* __udp6_lib_mcast_deliver: a socket takes no zero checksum
		 * (udp_get_no_check6_rx is off): nobody wants it, listener
		 * or not, and the sum is no error (udp6_csum_init lets a
		 * zero through, skb_checksum_init_zero_check) */
		if (p->family == FP_AF_INET6 && u[6] == 0 && u[7] == 0) {
			if (fp_to_kernel(ctx))
				return FP_E_KERNEL;
			UDP_INC(ctx, p, IgnoredMulti);
			return fp_drop(p, FP_DROP_IGNORED_MULTI);
		}
		/* __udp4_lib_mcast_deliver: nobody wants it. udp4_csum_init
		 * (skb_checksum_init) has checked a short datagram already:
		 * up to CHECKSUM_BREAK bytes the sum is done at once */
		if (id < 0) {
			if (ulen <= CHECKSUM_BREAK && !fp_udp_csum_ok(p, u))
				goto csum_error;
			if (fp_to_kernel(ctx)) {
				/* validated before it is handed on */
				if (!fp_udp_csum_ok(p, u))
					goto csum_error;
				return FP_E_KERNEL;
			}
			UDP_INC(ctx, p, IgnoredMulti);
			return fp_drop(p, FP_DROP_IGNORED_MULTI);
		}
	} else if (unlikely(id < 0)) {
		/* no socket: drop silently if the checksum is wrong */
		if (!fp_udp_csum_ok(p, u))
			goto csum_error;
		if (fp_to_kernel(ctx))
			return FP_E_KERNEL;      /* a kernel socket's, maybe */
		UDP_INC(ctx, p, NoPorts);
		return fp_icmp_error(ctx, p, FP_ICMP_ERR_PORT, 0,
				fp_drop(p, FP_DROP_NO_SOCKET));
	}
	p->listener = (uint8_t)id;
	if (!fp_udp_csum_ok(p, u)) {
		fp_listener_drop(ctx, id);
		goto csum_error;
	}
	return FP_E_LISTENER;

short_packet:
	UDP_INC(ctx, p, InErrors);
	return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
csum_error:
	UDP_INC(ctx, p, InCsumErrors);
	UDP_INC(ctx, p, InErrors);
	return fp_drop(p, FP_DROP_UDP_CSUM);
}

/* UdpLite and UdpLite6 counters, in the same order */
#define LITE(ctx, p, f) fp_bc_add((ctx), FP_BC_SNMP + ((p)->family == FP_AF_INET6 ? \
		FP_SNMP_UdpLite6_##f : FP_SNMP_UdpLite_##f), 1)

/*
 * UDP-Lite (RFC 3828), as __udp4_lib_rcv / __udp6_lib_rcv take it with
 * IPPROTO_UDPLITE: fastpath has no UDP-Lite socket, so a datagram ends
 * at the socket lookup. udplite_checksum_init: the checksum is mandatory
 * and the coverage (the length field; 0: everything) at least the header
 * and within the datagram, else a checksum error; the checksum covers the
 * pseudo header (with the datagram's whole length) and `coverage` bytes.
 */
/* UDP_MIB_IGNOREDMULTI: the kernel counts it for UDP-Lite over IPv6 too,
 * but /proc/net/snmp6 does not show it (snmp6_udplite6_list): only the
 * IPv4 row has it */
static void
lite_ignored_multi(struct fp_proc_ctx *ctx, const struct fp_pkt *p)
{
	if (p->family == FP_AF_INET)
		SNMP_INC(ctx, UdpLite, IgnoredMulti);
}

enum fp_edge
fp_rx_udplite(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const uint8_t *u = fp_pkt_l4(p);
	uint32_t cov;
	uint64_t acc;
	uint16_t part = 0;

	if (p->l4_len < 8 || fp_pkt_l4_seg(p) < 8) {
		LITE(ctx, p, InErrors);
		return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
	}
	cov = fp_get16(u + 4);
	if (cov > p->l4_len) {
		LITE(ctx, p, InErrors);
		return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
	}
	if (fp_get16(u + 6) == 0 || (cov != 0 && cov < 8))
		goto csum_error;
	if (cov == 0)
		cov = p->l4_len;
	/* multicast nobody wants: only a short, fully covered datagram had
	 * its sum done on arrival (CHECKSUM_BREAK; partial coverage never) */
	if (p->ip_cast != FP_CAST_UNICAST &&
			(cov < p->l4_len || p->l4_len > CHECKSUM_BREAK)) {
		lite_ignored_multi(ctx, p);
		return fp_drop(p, FP_DROP_IGNORED_MULTI);
	}
	acc = p->family == FP_AF_INET ? fp_sum(p->src, 8, 0) :
		fp_sum(p->dst, 16, fp_sum(p->src, 16, 0));
	acc = fp_add64(acc, rte_cpu_to_be_16(p->proto));
	acc = fp_add64(acc, rte_cpu_to_be_32(p->l4_len));
	if (fp_pkt_l4_seg(p) >= cov)
		acc = fp_add64(acc, fp_sum(u, cov, 0));
	else if (rte_raw_cksum_mbuf(p->m, (uint32_t)p->l2_len + p->l3_len, cov, &part) == 0)
		acc = fp_add64(acc, part);
	if (fp_fold64(acc) != 0xffff)
		goto csum_error;
	if (p->ip_cast != FP_CAST_UNICAST) {
		lite_ignored_multi(ctx, p);
		return fp_drop(p, FP_DROP_IGNORED_MULTI);
	}
	if (fp_to_kernel(ctx))
		return FP_E_KERNEL;
	LITE(ctx, p, NoPorts);
	return fp_icmp_error(ctx, p, FP_ICMP_ERR_PORT, 0,
			fp_drop(p, FP_DROP_NO_SOCKET));
csum_error:
	LITE(ctx, p, InCsumErrors);
	LITE(ctx, p, InErrors);
	return fp_drop(p, FP_DROP_UDP_CSUM);
}
