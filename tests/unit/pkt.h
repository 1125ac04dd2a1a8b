/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TEST_PKT_H
#define TEST_PKT_H

/*
 * Packets built byte by byte for the receive-path tests, with their own
 * RFC 1071 checksum (independent of the code under test).
 */
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

#define TPKT_HEADROOM 128

struct tpkt {
	struct rte_mbuf m;
	uint8_t buf[4096];
	/* builder state */
	size_t len;
	size_t l3, l4;          /* offsets, 0: none */
	int family;             /* 4 or 6 */
	uint8_t proto;
};

extern const uint8_t T_MAC_US[6];     /* the port's MAC */
extern const uint8_t T_MAC_PEER[6];
extern const uint8_t T_MAC_OTHER[6];
extern const uint8_t T_MAC_BCAST[6];

void tpkt_init(struct tpkt *t);
uint8_t *tpkt_data(struct tpkt *t);

void pb_eth(struct tpkt *t, const uint8_t *dst, uint16_t type);
void pb_vlan(struct tpkt *t, uint16_t vid, uint16_t type);
void pb_ip4(struct tpkt *t, const char *src, const char *dst, uint8_t proto);
void pb_ip4_opts(struct tpkt *t, const uint8_t *opts, size_t n);
void pb_ip6(struct tpkt *t, const char *src, const char *dst, uint8_t nh);
/* an extension header of (len8 + 1) * 8 bytes; body (may be NULL: PadN) */
void pb_ext6(struct tpkt *t, uint8_t nh, uint8_t len8, const uint8_t *body);
void pb_udp(struct tpkt *t, uint16_t sport, uint16_t dport);
void pb_tcp(struct tpkt *t, uint16_t sport, uint16_t dport);
void pb_icmp(struct tpkt *t, uint8_t type, uint8_t code);
void pb_bytes(struct tpkt *t, const void *b, size_t n);
void pb_zeros(struct tpkt *t, size_t n);
/* Set IP lengths, the UDP length and every checksum. */
void pb_finish(struct tpkt *t);
/* Pad the frame to n bytes (Ethernet minimum 60). */
void pb_pad(struct tpkt *t, size_t n);

uint16_t t_csum(const void *p, size_t len, uint32_t sum);
/* 0xffff when the L4 checksum of the built packet (at l4, n bytes) holds */
uint16_t t_l4_sum(const struct tpkt *t, const uint8_t *l3, const uint8_t *l4,
		size_t n, uint8_t proto);

#endif /* TEST_PKT_H */
