/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Layer 2: FCS, the destination MAC's class (and OTHERHOST for a host),
 * up to two VLAN tags and the --vlan filter, then the ethertype's stage.
 */
#include <rte_ether.h>

#include "fp_rx.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define MAX_VLAN_TAGS 2       /* tags with a VLAN id (QinQ) */
#define MAX_PRIO_TAGS 8       /* priority tags (VLAN id 0) besides */

enum fp_edge
fp_rx_l2(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const struct fp_rx_conf *c = ctx->conf;
	const struct fp_rx_port *port = &c->port[ctx->port];
	const uint8_t *dmac;
	uint16_t type;
	unsigned int tags = 0, prio = 0;

	if (port->keep_crc) {
		/* the FCS is the frame's last 4 bytes */
		if (p->len < 4)
			return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
		p->len -= 4;
		if (p->seg > p->len)
			p->seg = p->len;
	}
	if (p->seg < RTE_ETHER_HDR_LEN)
		return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
	dmac = p->l2;
	if (dmac[0] & 1) {
		p->l2_cast = (dmac[0] & dmac[1] & dmac[2] & dmac[3] & dmac[4] &
			dmac[5]) == 0xff ? FP_CAST_BROADCAST : FP_CAST_MULTICAST;
	} else {
		p->l2_cast = FP_CAST_UNICAST;
		/* a host (local addresses given) takes only frames to its MAC;
		 * a sink takes every unicast frame */
		if (fp_local_host(&c->local) &&
				memcmp(dmac, port->mac, 6) != 0)
			return fp_drop(p, FP_DROP_OTHERHOST);
	}
	p->l2_len = RTE_ETHER_HDR_LEN;
	type = fp_get16(p->l2 + 12);
	while (type == ETH_P_8021Q || type == ETH_P_8021AD) {
		uint16_t vid;

		if (p->seg < p->l2_len + 4u)
			return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
		vid = fp_get16(p->l2 + p->l2_len) & 0x0fff;
		/* a priority tag (VLAN id 0) is stripped, as many as come
		 * (the kernel's vlan_do_receive, another_round) */
		if (vid == 0 ? ++prio > MAX_PRIO_TAGS : ++tags > MAX_VLAN_TAGS)
			return fp_drop(p, FP_DROP_UNHANDLED_PROTO);
		/* --vlan filters on the first VLAN id (priority tags, id 0,
		 * are stripped first), the one the switch set.
		 * Without it a host takes what an interface without VLAN
		 * subinterfaces takes: no VLAN id at all (the kernel: no VLAN
		 * device, PACKET_OTHERHOST; VPP: no sub-interface) */
		if (c->vlan_filter ? vid != 0 && tags == 1 && !fp_vlan_allowed(c, vid) :
				vid != 0)
			return fp_drop(p, FP_DROP_VLAN_FILTERED);
		type = fp_get16(p->l2 + p->l2_len + 2);
		p->l2_len += 4;
	}
	/* no VLAN id (untagged or priority-tagged): what 0 stands for */
	if (tags == 0 && c->vlan_filter && !fp_vlan_allowed(c, 0))
		return fp_drop(p, FP_DROP_VLAN_FILTERED);
	switch (type) {
	case ETH_P_IPV4:
		return FP_E_IP4;
	case ETH_P_IPV6:
		return FP_E_IP6;
	case ETH_P_ARP:
		/* with an exception path the kernel owns ARP (and ND) */
		return fp_to_kernel(ctx) ? FP_E_KERNEL : FP_E_ARP;
	default:
		if (fp_to_kernel(ctx))
			return FP_E_KERNEL;    /* LLDP, ... */
		return fp_drop(p, FP_DROP_UNHANDLED_PROTO);
	}
}
