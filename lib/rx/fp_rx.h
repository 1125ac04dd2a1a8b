/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_RX_H
#define FP_RX_H

/*
 * Internal to the receive path (fp_proc.c, fp_rx_*.c): the per-packet
 * context, verdicts, counting and checksum helpers.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "fp_proc.h"

/*
 * Edges. A stage looks at one packet and returns where it goes next:
 * another stage (dispatched from one table in fp_proc.c; a stage never
 * calls the next one) or a fate. A drop carries its reason in p->reason.
 */
enum fp_edge {
	/* stages */
	FP_E_L2,
	FP_E_ARP,
	FP_E_IP4,
	FP_E_IP6,
	FP_E_L4,             /* local delivery: the upper-layer protocol */
	FP_E_UDP,
	FP_E_TCP,
	FP_E_ICMP,
	FP_E_ICMP6,
	FP_E_UDPLITE,
	FP_E_NB_STAGES,
	/* fates */
	FP_E_DELIVER = FP_E_NB_STAGES,   /* consumed by fastpath itself */
	FP_E_LISTENER,       /* a datagram for listener p->listener */
	FP_E_TX,             /* a reply, in place: p->meta */
	FP_E_KERNEL,         /* to the kernel through the exception path */
	FP_E_TAKEN,          /* delivered, and its handler owns the mbuf now */
	FP_E_HELD,           /* a fragment the reassembly table keeps */
	FP_E_DROP,           /* dropped for p->reason */
};

enum fp_cast { FP_CAST_UNICAST, FP_CAST_MULTICAST, FP_CAST_BROADCAST };

struct fp_pkt {
	struct rte_mbuf *m;
	uint8_t *l2;              /* first byte of the frame */
	uint32_t seg;             /* bytes of the frame in the first segment */
	uint32_t len;             /* bytes of the frame (no FCS) */
	uint16_t l2_len;          /* Ethernet + VLAN tags */
	uint16_t l3_len;          /* IP header (+ extension headers) */
	uint8_t l2_cast;          /* enum fp_cast of the destination MAC */
	uint8_t ip_cast;          /* enum fp_cast of the destination IP */
	uint8_t family;           /* FP_AF_INET / FP_AF_INET6 */
	uint8_t proto;            /* L4 protocol */
	uint32_t l4_len;          /* L4 bytes (IP payload after trimming) */
	uint16_t nh_off;          /* IPv6: offset from the IPv6 header of the
				   * next header field naming p->proto */
	uint16_t frames;          /* received frames this packet stands for */
	uint16_t released;        /* of those, held earlier (reassembly) */
	uint8_t *src;             /* IP source (in the packet) */
	uint8_t *dst;             /* IP destination (in the packet) */
	uint8_t edge;             /* enum fp_edge: the fate, once settled */
	uint8_t reason;           /* FP_E_DROP: enum fp_drop_reason */
	uint8_t listener;         /* FP_E_LISTENER: the listener */
	uint8_t filled;           /* 0: only what the fast path needs is set */
	struct fp_tx_meta meta;   /* FP_E_TX */
	struct rte_mbuf *tail;    /* an ICMP error's: segments it let go */
};

/* Drop p for reason: the stages' "return drop(p, FP_DROP_X)". */
static inline enum fp_edge
fp_drop(struct fp_pkt *p, enum fp_drop_reason reason)
{
	p->reason = (uint8_t)reason;
	return FP_E_DROP;
}

/* Counters during a burst: into the burst's locals (see fp_proc.h). */
static inline void
fp_bc_add(struct fp_proc_ctx *ctx, unsigned int c, uint32_t n)
{
	ctx->bc.v[c] += n;
	ctx->bc.dirty[c / 64] |= 1ull << (c % 64);
	ctx->bc.words |= 1u << (c / 64);
}

/*
 * The exception path (--exception): a frame fastpath does not serve goes
 * to the kernel. Each stage validates as it would without it and hands
 * the frame on where it would answer it, consume it or drop it as not for
 * this host (docs/exception.md): ARP and other ethertypes at L2, addresses
 * and groups it does not own after the IP checks, fragments of protocols
 * other than UDP before reassembly, TCP and ICMP after their checks, other
 * protocols at the dispatch (Ip InDelivers), UDP without a listener after
 * its checksum. What fastpath finds wrong is still dropped and counted.
 */
static inline bool
fp_to_kernel(const struct fp_proc_ctx *ctx)
{
	return ctx->conf->exception;
}

#define SNMP_INC(ctx, g, f) fp_bc_add((ctx), FP_BC_SNMP + FP_SNMP_##g##_##f, 1)
#define SNMP_ADD(ctx, g, f, n) fp_bc_add((ctx), FP_BC_SNMP + FP_SNMP_##g##_##f, (n))

static inline uint8_t *
fp_pkt_l3(const struct fp_pkt *p)
{
	return p->l2 + p->l2_len;
}

static inline uint8_t *
fp_pkt_l4(const struct fp_pkt *p)
{
	return p->l2 + p->l2_len + p->l3_len;
}

/* Bytes of the L4 message readable in the first segment. */
static inline uint32_t
fp_pkt_l4_seg(const struct fp_pkt *p)
{
	uint32_t off = (uint32_t)p->l2_len + p->l3_len;

	return p->seg > off ? RTE_MIN(p->seg - off, p->l4_len) : 0;
}

static inline uint16_t
fp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint16_t
fp_fold(uint32_t sum)
{
	return __rte_raw_cksum_reduce(sum);
}

/*
 * Ones' complement sums for short buffers (headers, small datagrams).
 * 64-bit words are added with their carries counted apart (add and
 * add-with-carry on x86-64) and the carries added back at the end: exact,
 * since 2^64 = 1 and 2^16 = 1 modulo 2^16 - 1. Words are summed in host
 * order, which folds to the same result as network order (RFC 1071
 * section 2(B)); 0xffff still means "checksum right".
 */
static inline uint64_t
fp_add64(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b);
}

static __rte_always_inline uint64_t
fp_sum(const uint8_t *p, uint32_t len, uint64_t acc)
{
	uint64_t carries = 0, w = 0;
	uint32_t w32;
	uint16_t h;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		carries += __builtin_add_overflow(acc, w, &acc);
	}
	w = 0;
	if (len >= 4) {
		memcpy(&w32, p, 4);
		w = w32;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		w += h;
		p += 2;
		len -= 2;
	}
	if (len)      /* a last odd byte is the first byte of a word */
		w += rte_be_to_cpu_16((uint16_t)(*p << 8));
	carries += __builtin_add_overflow(acc, w, &acc);
	return fp_add64(acc, carries);
}

/* A sum (unfolded, non-zero) folds to 0xffff ("checksum right"): folding
 * is reduction modulo 2^16 - 1, so it is divisibility, without folding. */
static __rte_always_inline bool
fp_sum_ok(uint64_t acc)
{
	return acc != 0 && acc % 0xffff == 0;
}

static inline uint16_t
fp_fold64(uint64_t acc)
{
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffu) + (acc >> 16);
	acc = (acc & 0xffffu) + (acc >> 16);
	return (uint16_t)acc;
}

/* Ones' complement sum (unfolded) of the L4 message, all segments. */
static inline uint64_t
fp_l4_raw(const struct fp_pkt *p)
{
	uint32_t off = (uint32_t)p->l2_len + p->l3_len;
	uint16_t part = 0;

	if (p->seg >= off + p->l4_len)
		return fp_sum(p->l2 + off, p->l4_len, 0);
	/* chained (a reassembled datagram): the mbuf's data starts at l2;
	 * lengths were checked against pkt_len, so this cannot fail */
	if (rte_raw_cksum_mbuf(p->m, off, p->l4_len, &part) != 0)
		return 0;
	return part;
}

/* The L4 message's sum plus the pseudo header, folded: 0xffff when the
 * checksum in it is right. */
static __rte_always_inline uint16_t
fp_l4_sum(const struct fp_pkt *p)
{
	uint64_t acc;

	/* IPv4 source and destination are adjacent: one 8-byte add */
	if (p->family == FP_AF_INET)
		acc = fp_sum(p->src, 8, 0);
	else
		acc = fp_sum(p->dst, 16, fp_sum(p->src, 16, 0));
	acc = fp_add64(acc, rte_cpu_to_be_16(p->proto));
	acc = fp_add64(acc, rte_cpu_to_be_32(p->l4_len));
	return fp_fold64(fp_add64(acc, fp_l4_raw(p)));
}

/* Checksum field for a message whose sum (with the field zero) is sum. */
static inline uint16_t
fp_csum_field(uint32_t sum)
{
	uint16_t c = (uint16_t)~fp_fold(sum);

	return c;
}

/* The L4 checksum as the PMD judged it: 1 good, 0 bad, -1 unknown. */
static inline int
fp_l4_offload(const struct rte_mbuf *m)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;

	if (f == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		return 1;
	if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return 0;
	return -1;
}

static __rte_always_inline bool
fp_l4_csum_ok(const struct fp_pkt *p)
{
	int o = fp_l4_offload(p->m);

	return o >= 0 ? o == 1 : fp_l4_sum(p) == 0xffff;
}

/* The IPv4 header checksum as the PMD judged it, else computed. */
static __rte_always_inline bool
fp_ip4_csum_ok(const struct rte_mbuf *m, const uint8_t *ip, unsigned int hlen)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;

	if (f == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		return true;
	if (f == RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return false;
	return fp_sum_ok(fp_sum(ip, hlen, 0));
}

static inline bool
fp_vlan_allowed(const struct fp_rx_conf *c, uint16_t vid)
{
	return (c->vlan_allow[vid / 64] >> (vid % 64)) & 1;
}

/* Cut the frame to len bytes (padding, FCS) in whatever segments hold it:
 * later segments keep zero bytes, so the chain stays consistent. */
static inline void
fp_pkt_trim(struct rte_mbuf *m, uint32_t len)
{
	uint32_t left = len;
	struct rte_mbuf *s;

	m->pkt_len = len;
	for (s = m; s != NULL; s = s->next) {
		s->data_len = (uint16_t)RTE_MIN((uint32_t)s->data_len, left);
		left -= s->data_len;
	}
}

/*
 * Hand a fragment to the reassembly hook. FP_E_HELD while the datagram is
 * incomplete (or the hook dropped it), FP_E_DROP for a fragment the hook
 * would not take (p->reason says why); else p now is the whole datagram,
 * standing for all its frames, with p->l3_len the first fragment's header
 * length (IPv4 options that only the first fragment carries included),
 * and 0 is returned.
 */
static inline enum fp_edge
fp_rx_reasm(struct fp_proc_ctx *ctx, struct fp_pkt *p, unsigned int family)
{
	enum fp_drop_reason drop = FP_DROP_MAX;
	struct rte_mbuf *whole;
	uint16_t frames = 0;

	/* the table keeps the frame: cut padding and FCS off it */
	fp_pkt_trim(p->m, p->len);
	p->m->l2_len = p->l2_len;
	p->m->l3_len = p->l3_len;
	whole = ctx->reasm(ctx->reasm_arg, p->m, family, &frames, &drop);
	if (whole == NULL)
		return drop != FP_DROP_MAX ? fp_drop(p, drop) : FP_E_HELD;
	p->m = whole;
	p->frames = frames;
	p->released = (uint16_t)(frames - 1);
	p->l2 = rte_pktmbuf_mtod(whole, uint8_t *);
	p->l3_len = whole->l3_len;
	p->seg = whole->data_len;
	p->len = whole->pkt_len;
	return FP_E_NB_STAGES;     /* not held: go on */
}

/* ICMP errors about p (fp_icmp_err.c). */
enum fp_icmp_err {
	FP_ICMP_ERR_PORT,      /* port unreachable */
	FP_ICMP_ERR_PROTO,     /* protocol unreachable / unknown next header
				* (info: the next header field's offset) */
	FP_ICMP_ERR_NOROUTE,   /* IPv6 destination unreachable, no route */
	FP_ICMP_ERR_PARAM,     /* parameter problem, info the pointer (from
				* the IP header): IPv4 code 0, IPv6 code 0
				* (erroneous header field) */
	FP_ICMP_ERR_HDR_INCOMP, /* IPv6 parameter problem, code 3: a first
				* fragment without every header through the
				* upper-layer one (pointer 0) */
	FP_ICMP_ERR_OPTION,    /* IPv6 parameter problem, code 2 (unknown
				* option), info the pointer; also about a
				* multicast destination (icmp6_send's
				* exception) */
};

/*
 * Send the error `what` about p in its place when the kernel would (not
 * about broadcast, multicast or a later fragment, not to a bad source,
 * within the rate limits, --icmp-errors not off, a host): FP_E_TX, p now
 * the error; else `otherwise` (p untouched). Called where the kernel
 * calls icmp_send / icmpv6_send, after the counters it moves there.
 */
enum fp_edge fp_icmp_error(struct fp_proc_ctx *ctx, struct fp_pkt *p,
		enum fp_icmp_err what, uint32_t info, enum fp_edge otherwise);

/* An IGMP message (IPv4) or an MLD query or v1 report (ICMPv6, checksum
 * checked) for this host: a query starts the port's report timers, another
 * host's report stops them (fp_mcast.h). The packet's fate is unchanged. */
void fp_rx_mcast(struct fp_proc_ctx *ctx, const struct fp_pkt *p);

/* Stages, one per protocol (fp_rx_*.c), each returning an edge. */
enum fp_edge fp_rx_l2(struct fp_proc_ctx *ctx, struct fp_pkt *p);
enum fp_edge fp_rx_arp(struct fp_proc_ctx *ctx, struct fp_pkt *p);
enum fp_edge fp_rx_ipv4(struct fp_proc_ctx *ctx, struct fp_pkt *p);
enum fp_edge fp_rx_ipv6(struct fp_proc_ctx *ctx, struct fp_pkt *p);
/* Local delivery after IP (p->src/dst/proto/l4_len set): the protocol
 * dispatch of ip_protocol_deliver_rcu / ip6_protocol_deliver_rcu. */
enum fp_edge fp_rx_l4(struct fp_proc_ctx *ctx, struct fp_pkt *p);
enum fp_edge fp_rx_udp(struct fp_proc_ctx *ctx, struct fp_pkt *p);
enum fp_edge fp_rx_tcp(struct fp_proc_ctx *ctx, struct fp_pkt *p);
enum fp_edge fp_rx_icmp(struct fp_proc_ctx *ctx, struct fp_pkt *p);
enum fp_edge fp_rx_icmp6(struct fp_proc_ctx *ctx, struct fp_pkt *p);
enum fp_edge fp_rx_udplite(struct fp_proc_ctx *ctx, struct fp_pkt *p);

#endif /* FP_RX_H */
