/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ARP stage, as Linux's arp_rcv for Ethernet/IPv4: requests for a
 * local address are answered in place, everything else is consumed.
 */
#include "fp_reply.h"
#include "fp_rx.h"

enum fp_edge
fp_rx_arp(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	const struct fp_rx_conf *c = ctx->conf;
	uint8_t *a = fp_pkt_l3(p);
	uint32_t tip;
	unsigned int i;

	if (p->seg < p->l2_len + 28u)
		return fp_drop(p, FP_DROP_PKT_TOO_SMALL);
	/* Ethernet/IPv4 ARP only */
	if (fp_get16(a) != 1 || fp_get16(a + 2) != 0x0800 || a[4] != 6 ||
			a[5] != 4)
		return fp_drop(p, FP_DROP_UNHANDLED_PROTO);
	memcpy(&tip, a + 24, 4);
	/* a request for one of our addresses (never in sink mode) */
	if (fp_get16(a + 6) != 1 || c->local.nb_v4 == 0)
		return FP_E_DELIVER;           /* consumed, as arp_rcv does */
	for (i = 0; i < c->local.nb_v4; i++)
		if (c->local.v4[i] == tip)
			break;
	if (i == c->local.nb_v4)
		return FP_E_DELIVER;
	/* reply in place: op 2, target = the asker, sender = us */
	a[6] = 0;
	a[7] = 2;
	memcpy(a + 18, a + 8, 6);          /* target MAC = sender MAC */
	memcpy(a + 24, a + 14, 4);         /* target IP = sender IP */
	memcpy(a + 8, c->port[ctx->port].mac, 6);
	memcpy(a + 14, &tip, 4);
	memcpy(p->l2, a + 18, 6);
	memcpy(p->l2 + 6, c->port[ctx->port].mac, 6);
	fp_reply_trim(p, 28);
	if (p->m->nb_segs != 1)
		return FP_E_DELIVER;
	p->meta.kind = FP_TX_ARP;
	return FP_E_TX;
}
