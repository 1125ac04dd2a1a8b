/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_UDP_H
#define FP_UDP_H

/* UDP helpers shared by the UDP stage, the fast path and the listeners'
 * handlers (internal to the receive path). */
#include "fp_rx.h"

/* Udp and Udp6 counters are listed in the same order: one offset moves a
 * Udp counter to its Udp6 twin. */
#define UDP6_DELTA (FP_SNMP_Udp6_InDatagrams - FP_SNMP_Udp_InDatagrams)
_Static_assert(FP_SNMP_Udp6_IgnoredMulti - FP_SNMP_Udp_IgnoredMulti == UDP6_DELTA &&
	FP_SNMP_Udp6_NoPorts - FP_SNMP_Udp_NoPorts == UDP6_DELTA &&
	FP_SNMP_Udp6_InErrors - FP_SNMP_Udp_InErrors == UDP6_DELTA &&
	FP_SNMP_Udp6_InCsumErrors - FP_SNMP_Udp_InCsumErrors == UDP6_DELTA,
	"Udp and Udp6 counters must pair up");

#define UDP_INC(ctx, p, f) \
	fp_bc_add((ctx), FP_BC_SNMP + FP_SNMP_Udp_##f + \
		((p)->family == FP_AF_INET6 ? UDP6_DELTA : 0), 1)


/* The checksum of UDP datagram u is right: IPv6 requires one (RFC 8200
 * 8.1), zero means none in IPv4. */
static __rte_always_inline bool
fp_udp_csum_ok(const struct fp_pkt *p, const uint8_t *u)
{
	if (fp_get16(u + 6) == 0)
		return p->family != FP_AF_INET6;
	return fp_l4_csum_ok(p);
}

/* One datagram addressed to listener id and not taken: its drops. */
static inline void
fp_listener_drop(struct fp_proc_ctx *ctx, int id)
{
	ctx->bl[id].drops++;
	fp_burst_touch(ctx, id);
}

#endif /* FP_UDP_H */
