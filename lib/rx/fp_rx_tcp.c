/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP stage: the checks and counters of Linux's tcp_v4_rcv up to the
 * socket lookup. fastpath has no TCP listener, so a valid segment ends as
 * the kernel's no_tcp_socket path does.
 */
#include "fp_rx.h"

enum fp_edge
fp_rx_tcp(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const uint8_t *th = fp_pkt_l4(p);
	unsigned int doff;

	/* tcp_v4_rcv / tcp_v6_rcv: a segment in a frame not to our MAC
	 * (broadcast, multicast) is discarded before it counts */
	if (p->l2_cast != FP_CAST_UNICAST)
		return fp_drop(p, FP_DROP_OTHERHOST);
	SNMP_INC(ctx, Tcp, InSegs);
	if (p->l4_len < 20 || fp_pkt_l4_seg(p) < 20)
		return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
	doff = (th[12] >> 4) * 4u;
	if (doff < 20) {
		SNMP_INC(ctx, Tcp, InErrs);
		return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
	}
	if (doff > p->l4_len)
		return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
	/* fastpath has no TCP listener: tcp_v4_rcv's no_tcp_socket path */
	if (!fp_l4_csum_ok(p)) {
		SNMP_INC(ctx, Tcp, InCsumErrors);
		SNMP_INC(ctx, Tcp, InErrs);
		return fp_drop(p, FP_DROP_TCP_CSUM);
	}
	if (fp_to_kernel(ctx))
		return FP_E_KERNEL;            /* valid: the kernel's sockets */
	return fp_drop(p, FP_DROP_NO_SOCKET);
}
