/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The UDP stage, with the checks and counters of Linux's __udp4_lib_rcv /
 * __udp6_lib_rcv up to the socket: a datagram for a listener leaves on
 * FP_E_LISTENER, and its listener's handler gets it with the others of
 * the burst (fp_proc.c).
 */
#include "fp_rx.h"
#include "fp_udp.h"

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
	if (ulen > p->l4_len || ulen < 8)
		goto short_packet;
	p->l4_len = ulen;                     /* bytes past it are not UDP */
	id = fp_listen_lookup(t, p->family, p->dst, fp_get16(u + 2));

	if (unlikely(p->ip_cast != FP_CAST_UNICAST)) {
		/* __udp4_lib_mcast_deliver: nobody wants it */
		if (id < 0) {
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
