/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <string.h>

#include "pkt.h"

const uint8_t T_MAC_US[6] = { 0x02, 0, 0, 0, 0, 0x01 };
const uint8_t T_MAC_PEER[6] = { 0x02, 0, 0, 0, 0, 0x02 };
const uint8_t T_MAC_OTHER[6] = { 0x02, 0, 0, 0, 0, 0x99 };
const uint8_t T_MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

uint16_t
t_csum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

void
tpkt_init(struct tpkt *t)
{
	memset(t, 0, sizeof(*t));
	t->m.buf_addr = t->buf;
	t->m.buf_len = sizeof(t->buf);
	t->m.data_off = TPKT_HEADROOM;
	t->m.nb_segs = 1;
	rte_mbuf_refcnt_set(&t->m, 1);          /* as the pool hands it out */
}

uint8_t *
tpkt_data(struct tpkt *t)
{
	return t->buf + TPKT_HEADROOM;
}

static uint8_t *
put(struct tpkt *t, size_t n)
{
	uint8_t *p = tpkt_data(t) + t->len;

	t->len += n;
	t->m.data_len = (uint16_t)t->len;
	t->m.pkt_len = (uint32_t)t->len;
	return p;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
pb_eth(struct tpkt *t, const uint8_t *dst, uint16_t type)
{
	uint8_t *p = put(t, 14);

	memcpy(p, dst, 6);
	memcpy(p + 6, T_MAC_PEER, 6);
	put16(p + 12, type);
}

void
pb_vlan(struct tpkt *t, uint16_t vid, uint16_t type)
{
	uint8_t *p = put(t, 4);

	put16(p, vid);
	put16(p + 2, type);
}

void
pb_ip4(struct tpkt *t, const char *src, const char *dst, uint8_t proto)
{
	uint8_t *p = put(t, 20);

	t->l3 = (size_t)(p - tpkt_data(t));
	t->family = 4;
	t->proto = proto;
	memset(p, 0, 20);
	p[0] = 0x45;
	p[8] = 64;
	p[9] = proto;
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, dst, p + 16);
}

void
pb_ip4_opts(struct tpkt *t, const uint8_t *opts, size_t n)
{
	uint8_t *ip = tpkt_data(t) + t->l3;

	memcpy(put(t, n), opts, n);
	ip[0] = (uint8_t)(0x40 | ((20 + n) / 4));
}

void
pb_ip6(struct tpkt *t, const char *src, const char *dst, uint8_t nh)
{
	uint8_t *p = put(t, 40);

	t->l3 = (size_t)(p - tpkt_data(t));
	t->family = 6;
	t->proto = nh;
	memset(p, 0, 40);
	p[0] = 0x60;
	p[6] = nh;
	p[7] = 64;
	inet_pton(AF_INET6, src, p + 8);
	inet_pton(AF_INET6, dst, p + 24);
}

void
pb_ext6(struct tpkt *t, uint8_t nh, uint8_t len8, const uint8_t *body)
{
	size_t n = (len8 + 1u) * 8;
	uint8_t *p = put(t, n);

	memset(p, 0, n);
	p[0] = nh;
	p[1] = len8;
	if (body != NULL) {
		memcpy(p + 2, body, n - 2);
	} else {
		p[2] = 1;               /* PadN over the rest */
		p[3] = (uint8_t)(n - 4);
	}
	t->proto = nh;
}

void
pb_udp(struct tpkt *t, uint16_t sport, uint16_t dport)
{
	uint8_t *p = put(t, 8);

	t->l4 = (size_t)(p - tpkt_data(t));
	memset(p, 0, 8);
	put16(p, sport);
	put16(p + 2, dport);
}

void
pb_tcp(struct tpkt *t, uint16_t sport, uint16_t dport)
{
	uint8_t *p = put(t, 20);

	t->l4 = (size_t)(p - tpkt_data(t));
	memset(p, 0, 20);
	put16(p, sport);
	put16(p + 2, dport);
	p[12] = 5 << 4;
	p[13] = 0x02;           /* SYN */
}

void
pb_icmp(struct tpkt *t, uint8_t type, uint8_t code)
{
	uint8_t *p = put(t, 8);

	t->l4 = (size_t)(p - tpkt_data(t));
	memset(p, 0, 8);
	p[0] = type;
	p[1] = code;
	p[4] = 0x12;            /* identifier, sequence */
	p[5] = 0x34;
	p[7] = 1;
}

void
pb_bytes(struct tpkt *t, const void *b, size_t n)
{
	memcpy(put(t, n), b, n);
}

void
pb_zeros(struct tpkt *t, size_t n)
{
	memset(put(t, n), 0, n);
}

uint16_t
t_l4_sum(const struct tpkt *t, const uint8_t *l3, const uint8_t *l4, size_t n,
		uint8_t proto)
{
	uint8_t ph[4] = { 0, proto, (uint8_t)(n >> 8), (uint8_t)n };
	uint32_t s;

	(void)t;
	if (l3[0] >> 4 == 4)
		s = t_csum(l3 + 12, 8, 0);
	else
		s = t_csum(l3 + 8, 32, 0);
	s = t_csum(ph, 4, s);
	return t_csum(l4, n, s);
}

void
pb_finish(struct tpkt *t)
{
	uint8_t *d = tpkt_data(t), *ip = d + t->l3, *l4 = d + t->l4;
	size_t l4n = t->len - t->l4;

	if (t->family == 4) {
		size_t hl = (ip[0] & 0xfu) * 4;

		put16(ip + 2, (uint16_t)(t->len - t->l3));
		ip[10] = ip[11] = 0;
		put16(ip + 10, (uint16_t)~t_csum(ip, hl, 0));
	} else if (t->family == 6) {
		put16(ip + 4, (uint16_t)(t->len - t->l3 - 40));
	}
	if (t->l4 == 0)
		return;
	switch (t->proto) {
	case 17:
		put16(l4 + 4, (uint16_t)l4n);
		l4[6] = l4[7] = 0;
		put16(l4 + 6, (uint16_t)~t_l4_sum(t, ip, l4, l4n, 17));
		if (l4[6] == 0 && l4[7] == 0)
			l4[6] = l4[7] = 0xff;
		break;
	case 6:
		l4[16] = l4[17] = 0;
		put16(l4 + 16, (uint16_t)~t_l4_sum(t, ip, l4, l4n, 6));
		break;
	case 1:
		l4[2] = l4[3] = 0;
		put16(l4 + 2, (uint16_t)~t_csum(l4, l4n, 0));
		break;
	case 58:
		l4[2] = l4[3] = 0;
		put16(l4 + 2, (uint16_t)~t_l4_sum(t, ip, l4, l4n, 58));
		break;
	}
}

void
pb_pad(struct tpkt *t, size_t n)
{
	if (t->len < n)
		pb_zeros(t, n - t->len);
}
