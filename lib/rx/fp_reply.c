/* SPDX-License-Identifier: BSD-3-Clause */
#include "fp_reply.h"

#define REPLY_TTL 64

void
fp_reply_ip(struct fp_proc_ctx *ctx, struct fp_pkt *p)
{
	uint8_t *ip = fp_pkt_l3(p), tmp[16];

	if (p->family == FP_AF_INET) {
		memcpy(tmp, ip + 12, 4);
		memcpy(ip + 12, ip + 16, 4);
		memcpy(ip + 16, tmp, 4);
		ip[8] = REPLY_TTL;
		ip[2] = (uint8_t)((p->l3_len + p->l4_len) >> 8);
		ip[3] = (uint8_t)(p->l3_len + p->l4_len);
		ip[6] &= 0x40;                  /* keep DF; not a fragment */
		ip[7] = 0;
		ip[10] = ip[11] = 0;
		*(uint16_t *)(void *)(ip + 10) =
			fp_csum_field(__rte_raw_cksum(ip, p->l3_len, 0));
	} else {
		memcpy(tmp, ip + 8, 16);
		memcpy(ip + 8, ip + 24, 16);
		memcpy(ip + 24, tmp, 16);
		ip[7] = REPLY_TTL;
		if (p->l3_len > 40) {           /* no extension headers back */
			memmove(ip + 40, ip + p->l3_len, p->l4_len);
			ip[6] = p->proto;
			p->l3_len = 40;
		}
		ip[4] = (uint8_t)(p->l4_len >> 8);
		ip[5] = (uint8_t)p->l4_len;
	}
	fp_reply_l2(p, ctx->conf->port[ctx->port].mac);
	fp_reply_trim(p, p->l3_len + p->l4_len);
}

void
fp_reply_udp(struct fp_proc_ctx *ctx, struct fp_pkt *p, uint32_t payload_len)
{
	uint8_t *u = fp_pkt_l4(p), tmp[2];
	bool none = p->family == FP_AF_INET && u[6] == 0 && u[7] == 0;
	uint16_t c;

	/* the UDP length first: fp_reply_ip sizes the packet from l4_len */
	p->l4_len = payload_len + 8;
	u[4] = (uint8_t)(p->l4_len >> 8);
	u[5] = (uint8_t)p->l4_len;
	fp_reply_ip(ctx, p);
	u = fp_pkt_l4(p);
	memcpy(tmp, u, 2);
	memcpy(u, u + 2, 2);
	memcpy(u + 2, tmp, 2);
	/* an IPv4 sender may send no checksum: none back either */
	if (none)
		return;
	u[6] = u[7] = 0;
	p->seg = p->m->data_len;
	c = (uint16_t)~fp_l4_sum(p);
	if (c == 0)
		c = 0xffff;        /* 0 means "no checksum" (RFC 768) */
	memcpy(u + 6, &c, 2);
}
