/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_REPLY_H
#define FP_REPLY_H

/*
 * Replies built in place of the packet they answer (ARP, ICMP and ICMPv6
 * echo, neighbour advertisements, UDP replies of a listener's handler).
 */
#include "fp_rx.h"

/* Swap the Ethernet addresses; the reply leaves from the port's MAC. */
static inline void
fp_reply_l2(struct fp_pkt *p, const uint8_t *port_mac)
{
	memcpy(p->l2, p->l2 + 6, 6);
	memcpy(p->l2 + 6, port_mac, 6);
}

/* Cut the reply to the L3 packet (drops Ethernet padding and FCS). */
static inline void
fp_reply_trim(struct fp_pkt *p, uint32_t l3_total)
{
	p->m->data_len = (uint16_t)(p->l2_len + l3_total);
	p->m->pkt_len = p->m->data_len;
}

/* Turn the packet's IP header into the header of a reply to its sender:
 * swap the addresses, fresh TTL / hop limit, IPv6 extension headers
 * removed, lengths and the IPv4 header checksum set; Ethernet swapped and
 * the frame cut to the packet. Single-segment packets only. */
void fp_reply_ip(struct fp_proc_ctx *ctx, struct fp_pkt *p);

/* The UDP datagram p (a listener's) back to its sender, in place, with
 * the payload_len bytes its handler left after the UDP header: IP and
 * Ethernet as fp_reply_ip, ports swapped, lengths set, the UDP checksum
 * computed anew (kept 0 when an IPv4 sender sent none). The buffer must
 * hold it (the caller checks). */
void fp_reply_udp(struct fp_proc_ctx *ctx, struct fp_pkt *p,
		uint32_t payload_len);

#endif /* FP_REPLY_H */
