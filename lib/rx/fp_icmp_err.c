/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP and ICMPv6 errors about received packets, in place of them: the
 * checks of Linux's __icmp_send and icmp6_send (what is never answered),
 * its rate limits (icmpv4_global_allow / icmpv6_global_allow with
 * icmp_global_allow and icmp_global_consume; icmpv4_xrlim_allow /
 * icmpv6_xrlim_allow with inet_peer_xrlim_allow), and its message: the
 * offending packet quoted from its IP header, as much as keeps the error
 * within 576 bytes (IPv4) or 1280 (IPv6).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fp_icmp_err.h"
#include "fp_rx.h"
#include "fp_util.h"

#define XRLIM_BURST_FACTOR 6         /* inet_peer_xrlim_allow's burst */
#define NR_ICMP_TYPES 18
#define ERR_TTL 64                   /* ip_default_ttl, hop_limit */
#define L2_MAX (14 + 4 * 10)         /* fp_rx_l2: 2 VLAN + 8 priority tags */

void
fp_icmp_conf_defaults(struct fp_icmp_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->ratelimit_ms = FP_ICMP_RATELIMIT_DEF;
	c->ratemask = FP_ICMP_RATEMASK_DEF;
	c->msgs_per_sec = FP_ICMP_MSGS_PER_SEC_DEF;
	c->msgs_burst = FP_ICMP_MSGS_BURST_DEF;
	c->ratelimit6_ms = FP_ICMP6_RATELIMIT_DEF;
	c->lcore_per_sec = c->msgs_per_sec;
	c->lcore_burst = c->msgs_burst;
}

int
fp_icmp_conf_parse(struct fp_icmp_conf *c, const char *s, char *err,
		size_t errlen)
{
	static const struct fp_kv_key keys[] = {
		{ "ratelimit", offsetof(struct fp_icmp_conf, ratelimit_ms), 0, 86400000, false },
		{ "ratemask", offsetof(struct fp_icmp_conf, ratemask), 0, UINT32_MAX, true },
		{ "msgs-per-sec", offsetof(struct fp_icmp_conf, msgs_per_sec), 0, 1000000000, false },
		{ "msgs-burst", offsetof(struct fp_icmp_conf, msgs_burst), 0, 1000000000, false },
		{ "ratelimit6", offsetof(struct fp_icmp_conf, ratelimit6_ms), 0, 86400000, false },
	};
	int rc;

	fp_icmp_conf_defaults(c);
	rc = fp_onoff_kv_parse("--icmp-errors", s, &c->off, c, keys,
			RTE_DIM(keys),
			"ratelimit, ratemask, msgs-per-sec, msgs-burst, ratelimit6",
			NULL, err, errlen);
	if (rc != 0)
		return rc;
	c->lcore_per_sec = c->msgs_per_sec;
	c->lcore_burst = c->msgs_burst;
	return 0;
}

static uint64_t
ms_cycles(const struct fp_icmp_conf *c, uint32_t ms)
{
	return c->tsc_hz / 1000 * ms;
}

static struct fp_icmp_peer *
peer_of(struct fp_icmp_limit *lim, const uint8_t *addr, unsigned int family,
		uint64_t now, uint64_t tmo)
{
	unsigned int len = family == FP_AF_INET ? 4 : 16, i;
	uint32_t h = 2166136261u;                    /* FNV-1a */
	struct fp_icmp_peer *pr;

	for (i = 0; i < len; i++)
		h = (h ^ addr[i]) * 16777619u;
	pr = &lim->peer[h % FP_ICMP_PEERS];
	if (pr->family != family || memcmp(pr->addr, addr, len) != 0) {
		/* a new peer starts with a full bucket (inet_getpeer sets
		 * rate_last 60 s back); one that takes an occupied slot
		 * starts empty, so that sources colliding in turn cannot
		 * refill each other's burst */
		bool taken = pr->family != 0;

		memset(pr, 0, sizeof(*pr));
		memcpy(pr->addr, addr, len);
		pr->family = (uint8_t)family;
		pr->tokens = taken ? 0 : XRLIM_BURST_FACTOR * tmo;
		pr->last = now;
	}
	return pr;
}

/*
 * icmpv4_global_allow / icmpv6_global_allow: whether an error of `type`
 * may go as far as the global bucket says (checked, not taken from),
 * counting a refusal; *limited says whether the type is rate limited at
 * all (the mask).
 */
static bool
global_allow(struct fp_proc_ctx *ctx, bool v6, uint8_t type, bool *limited)
{
	const struct fp_icmp_conf *c = &ctx->conf->icmp;
	struct fp_icmp_limit *lim = ctx->icmp_limit;
	const uint64_t now = ctx->now, hz = c->tsc_hz;

	/* icmpv4_mask_allow (frag-needed is never sent here) and
	 * icmpv6_mask_allow (every error type but packet too big) */
	*limited = !(v6 ? (type > 127 || type == 2) :
			(type > NR_ICMP_TYPES || !((c->ratemask >> type) & 1)));
	if (!*limited)
		return true;
	if (!lim->started) {
		lim->started = true;
		lim->stamp = now - hz;           /* a full second's refill */
		lim->credit = 0;
	}
	/* icmp_global_allow: refill at most every 20 ms */
	if (lim->credit <= 0) {
		uint64_t delta = RTE_MIN(now - lim->stamp, hz), incr;

		incr = hz != 0 ? c->lcore_per_sec * delta / hz : 0;
		if (delta < hz / 50 || incr == 0) {
			/* both families: the IPv4 MIB's counter */
			SNMP_INC(ctx, Icmp, OutRateLimitGlobal);
			return false;
		}
		lim->stamp = now;
		lim->credit = (int64_t)RTE_MIN((uint64_t)lim->credit + incr,
				(uint64_t)c->lcore_burst);
	}
	return true;
}

/*
 * icmpv4_xrlim_allow / icmpv6_xrlim_allow: the destination host's bucket
 * (inet_peer_xrlim_allow), after the route back was found; an error let
 * through takes its global credit (icmp_global_consume: the kernel takes
 * 0, 1 or 2 at random, one on average; fastpath one).
 */
static bool
host_allow(struct fp_proc_ctx *ctx, bool v6, bool limited, const uint8_t *dst,
		uint64_t tmo)
{
	struct fp_icmp_limit *lim = ctx->icmp_limit;
	const uint64_t now = ctx->now;
	struct fp_icmp_peer *pr;
	uint64_t tokens;

	if (!limited)
		return true;
	pr = peer_of(lim, dst, v6 ? FP_AF_INET6 : FP_AF_INET, now, tmo);
	tokens = pr->tokens + (now - pr->last);
	pr->last = now;
	if (tokens > XRLIM_BURST_FACTOR * tmo)
		tokens = XRLIM_BURST_FACTOR * tmo;
	if (tokens < tmo) {
		pr->tokens = tokens;
		if (v6)
			SNMP_INC(ctx, Icmp6, OutRateLimitHost);
		else
			SNMP_INC(ctx, Icmp, OutRateLimitHost);
		return false;
	}
	pr->tokens = tokens - tmo;
	lim->credit--;
	return true;
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * How much of p an error can quote, at most `want` bytes: what the first
 * segment holds of it. An error leaves as one segment (the tx queues take
 * no chains); a reassembled datagram's first segment holds its first
 * fragment, at least the IP header and 8 bytes, what RFC 792 asks for.
 * 0 when p cannot be wrapped (Ethernet header too long, no headroom).
 */
static uint32_t
quotable(const struct fp_pkt *p, uint32_t hdr, uint32_t want)
{
	const struct rte_mbuf *m = p->m;

	/* in place only in a buffer of our own: not an indirect mbuf or
	 * one with an external buffer, not one shared */
	if (p->l2_len > L2_MAX || rte_pktmbuf_headroom(m) < hdr ||
			m->data_len <= p->l2_len || !RTE_MBUF_DIRECT(m) ||
			rte_mbuf_refcnt_read(m) != 1)
		return 0;
	return RTE_MIN(want, (uint32_t)m->data_len - p->l2_len);
}

/*
 * Prepend `hdr` bytes (the error's IP and ICMP headers) to the packet:
 * the Ethernet header (tags kept) moves to the front and is turned back
 * to the sender; the offending IP packet stays where it is, cut to
 * `quote` bytes (quotable()) in one segment, the rest of a chain left in
 * p->tail for the burst to free.
 * Returns the first byte of the new IP header.
 */
static uint8_t *
wrap(struct fp_proc_ctx *ctx, struct fp_pkt *p, uint32_t hdr, uint32_t quote)
{
	struct rte_mbuf *m = p->m;
	uint8_t l2[L2_MAX], *front;

	memcpy(l2, p->l2, p->l2_len);
	if (m->next != NULL) {
		/* the burst frees the rest of the chain (fp_proc_burst) */
		p->tail = m->next;
		p->tail->nb_segs = (uint16_t)(m->nb_segs - 1);
		p->tail->pkt_len = m->pkt_len - m->data_len;
		m->next = NULL;
		m->nb_segs = 1;
	}
	m->ol_flags = 0;             /* no tx offload asked (reassembly's); a
				      * direct mbuf has no other flag to keep */
	front = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)hdr);
	memcpy(front, l2 + 6, 6);
	memcpy(front + 6, ctx->conf->port[ctx->port].mac, 6);
	memcpy(front + 12, l2 + 12, p->l2_len - 12u);
	m->data_len = (uint16_t)(p->l2_len + hdr + quote);
	m->pkt_len = m->data_len;
	p->l2 = front;
	p->seg = m->data_len;
	p->len = m->pkt_len;
	p->l4_len = hdr - (p->family == FP_AF_INET ? 20 : 40) + quote;
	p->l3_len = p->family == FP_AF_INET ? 20 : 40;
	return front + p->l2_len;
}

/* An error's 8-byte header (ICMP and ICMPv6 alike), checksum 0: the
 * last 4 bytes unused, a pointer, or an MTU (info). */
static void
icmp_header(uint8_t *icmp, uint8_t type, uint8_t code, uint32_t info)
{
	icmp[0] = type;
	icmp[1] = code;
	icmp[2] = icmp[3] = 0;
	icmp[4] = (uint8_t)(info >> 24);
	icmp[5] = (uint8_t)(info >> 16);
	icmp[6] = (uint8_t)(info >> 8);
	icmp[7] = (uint8_t)info;
}

/* The packet carries an ICMP error, a type past NR_ICMP_TYPES, or an ICMP
 * header whose type cannot be read (__icmp_send's icmp_pointers check). */
static bool
icmp_error4(const struct fp_pkt *p, const uint8_t *orig)
{
	uint32_t off = (orig[0] & 0xfu) * 4;
	uint8_t t;

	if (orig[9] != IPPROTO_ICMP)
		return false;
	if (p->l2_len + off + 1 > p->seg || off + 1 > fp_get16(orig + 2))
		return true;
	t = orig[off];
	return t > NR_ICMP_TYPES || t == 3 || t == 4 || t == 5 || t == 11 ||
		t == 12;
}

static enum fp_edge
send4(struct fp_proc_ctx *ctx, struct fp_pkt *p, uint8_t type, uint8_t code,
		uint32_t info, uint32_t len, enum fp_edge otherwise)
{
	const uint8_t *orig = fp_pkt_l3(p);
	uint32_t quote = quotable(p, 28, RTE_MIN(len, 576u - 28u));
	uint8_t tos = orig[1], src[4], dst[4], *ip, *icmp, *q;
	bool limited;
	uint32_t d;
	uint16_t csum;

	/* __icmp_send: never about a broadcast or multicast, nor a frame
	 * not to our MAC, nor a fragment but the first, nor an ICMP error
	 * (or a type it does not know, or cannot read) */
	if (p->ip_cast != FP_CAST_UNICAST || p->l2_cast != FP_CAST_UNICAST ||
			(fp_get16(orig + 6) & 0x1fff) != 0 || quote == 0 ||
			icmp_error4(p, orig))
		return otherwise;
	memcpy(src, orig + 16, 4);      /* from the address it was sent to */
	memcpy(dst, orig + 12, 4);
	if (!global_allow(ctx, false, type, &limited))
		return otherwise;
	/* icmp_route_lookup: fastpath's routes are its connected subnets
	 * (a host without a default route), so only an on-link sender can
	 * be answered */
	memcpy(&d, dst, 4);
	if (!fp_local_v4_onlink(&ctx->conf->local, d))
		return otherwise;
	if (!host_allow(ctx, false, limited, dst,
			ms_cycles(&ctx->conf->icmp, ctx->conf->icmp.ratelimit_ms)))
		return otherwise;
	ip = wrap(ctx, p, 28, quote);
	/* the quoted header as it arrived: a reassembled datagram's has a
	 * checksum DPDK zeroed; its length is the datagram's */
	q = ip + 28;
	if (p->frames > 1) {
		q[10] = q[11] = 0;
		csum = fp_csum_field(__rte_raw_cksum(q, (q[0] & 0xfu) * 4, 0));
		memcpy(q + 10, &csum, 2);
	}
	ip[0] = 0x45;
	ip[1] = (uint8_t)((tos & 0x1e) | 0xc0);    /* IPTOS_PREC_INTERNETCONTROL */
	put16(ip + 2, 28 + quote);
	put16(ip + 4, ctx->icmp_limit->ip_id++);
	ip[6] = ip[7] = 0;                         /* IP_PMTUDISC_DONT: no DF */
	ip[8] = ERR_TTL;
	ip[9] = 1;
	ip[10] = ip[11] = 0;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	csum = fp_csum_field(__rte_raw_cksum(ip, 20, 0));
	memcpy(ip + 10, &csum, 2);        /* sums are in memory order */
	icmp = ip + 20;
	icmp_header(icmp, type, code, info);
	p->src = ip + 12;
	p->dst = ip + 16;
	p->proto = 1;
	p->ip_cast = FP_CAST_UNICAST;
	csum = (uint16_t)~fp_fold64(fp_l4_raw(p));    /* no pseudo header */
	memcpy(icmp + 2, &csum, 2);
	p->meta.kind = FP_TX_ICMP_ERROR;
	p->meta.listener = type;                   /* errors: the type */
	return FP_E_TX;
}

/* is_ineligible: the packet carries an ICMPv6 error (or a message whose
 * type cannot be read, unless it is a later fragment). */
static bool
ineligible6(const struct fp_pkt *p)
{
	const uint8_t *ip = fp_pkt_l3(p);
	uint32_t have = p->seg - p->l2_len, off = 40;
	uint8_t nh = ip[6];

	while (nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60) {
		if (have < off + 8)
			return false;            /* ipv6_skip_exthdr fails */
		if (nh == 44) {
			if ((fp_get16(ip + off + 2) & 0xfff8) != 0)
				return false;    /* a later fragment */
			nh = ip[off];
			off += 8;
			continue;
		}
		nh = ip[off];
		off += nh == 51 ? (ip[off + 1] + 2u) * 4 : (ip[off + 1] + 1u) * 8;
	}
	if (nh != 58)
		return false;
	return have < off + 1 || ip[off] < 128;
}

/* The prefix length of the route back to addr: a local prefix it is on,
 * or fe80::/64; 0: no route. */
static unsigned int
route_plen6(const struct fp_local *l, const uint8_t *addr)
{
	static const uint8_t ll[8] = { 0xfe, 0x80 };
	unsigned int i, best = 0;

	if (memcmp(addr, ll, 8) == 0)
		return 64;
	for (i = 0; i < l->nb_v6; i++) {
		struct fp_local one = { .nb_v6 = 1, .host = true };

		memcpy(one.v6[0], l->v6[i], 16);
		one.v6_plen[0] = l->v6_plen[i];
		if (fp_local_v6_onlink(&one, addr) && l->v6_plen[i] > best)
			best = l->v6_plen[i];
	}
	return best;
}

static enum fp_edge
send6(struct fp_proc_ctx *ctx, struct fp_pkt *p, uint8_t type, uint8_t code,
		uint32_t info, bool dst_ours, uint32_t len, enum fp_edge otherwise)
{
	static const uint8_t any[16];
	const struct fp_local *l = &ctx->conf->local;
	const uint8_t *orig = fp_pkt_l3(p);
	uint32_t quote = quotable(p, 48, RTE_MIN(len, 1280u - 48u));
	/* an unknown option whose action says "answer even multicast" */
	const bool any_dst = type == 4 && code == 2;
	uint8_t src[16], dst[16], *ip, *icmp;
	uint64_t tmo;
	unsigned int plen;
	bool limited;
	uint16_t csum;

	/* icmp6_send: not about multicast or a frame not to our MAC (the
	 * exceptions are errors fastpath does not send), nor from an
	 * unspecified or multicast source, nor about an ICMPv6 error */
	if (((orig[24] == 0xff || p->l2_cast != FP_CAST_UNICAST) && !any_dst) ||
			memcmp(orig + 8, any, 16) == 0 || orig[8] == 0xff ||
			quote == 0 || ineligible6(p))
		return otherwise;
	/* icmp6_send: from the address it was sent to if that is ours
	 * (ipv6_chk_addr), else one of ours (a hop-by-hop error is found
	 * before the route: the destination may be anyone's) */
	fp_v6_link_local(ctx->conf->port[ctx->port].mac, src);
	if (orig[24] == 0xff || p->l2_cast != FP_CAST_UNICAST ||
			!(fp_local_v6(l, orig + 24) || memcmp(orig + 24, src, 16) == 0))
		dst_ours = false;
	memcpy(dst, orig + 8, 16);
	if (dst_ours) {
		memcpy(src, orig + 24, 16);
	} else if (dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80) {
		fp_v6_link_local(ctx->conf->port[ctx->port].mac, src);
	} else if (l->nb_v6 != 0) {
		memcpy(src, l->v6[0], 16);    /* ipv6_dev_get_saddr, simply */
	} else {
		return otherwise;
	}
	/* icmpv6_xrlim_allow: the route back decides the host's rate; with
	 * none (fastpath's routes are its prefixes and fe80::/64, a host
	 * without a default route) nothing is sent, counted OutNoRoutes and,
	 * as the kernel does, OutRateLimitHost */
	if (!global_allow(ctx, true, type, &limited))
		return otherwise;
	plen = route_plen6(l, dst);
	if (plen == 0) {
		SNMP_INC(ctx, Ip6, OutNoRoutes);
		SNMP_INC(ctx, Icmp6, OutRateLimitHost);
		return otherwise;
	}
	tmo = ms_cycles(&ctx->conf->icmp, ctx->conf->icmp.ratelimit6_ms);
	tmo >>= (128 - plen) >> 5;  /* wider prefixes: more */
	if (!host_allow(ctx, true, limited, dst, tmo))
		return otherwise;
	ip = wrap(ctx, p, 48, quote);
	memset(ip, 0, 8);
	ip[0] = 0x60;                             /* traffic class, flow 0 */
	put16(ip + 4, 8 + quote);
	ip[6] = 58;
	ip[7] = ERR_TTL;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	icmp = ip + 40;
	icmp_header(icmp, type, code, info);
	p->src = ip + 8;
	p->dst = ip + 24;
	p->proto = 58;
	p->ip_cast = FP_CAST_UNICAST;
	/* the pseudo header and the message, as every ICMPv6 sum */
	csum = (uint16_t)~fp_l4_sum(p);
	memcpy(icmp + 2, &csum, 2);
	p->meta.kind = type == 4 ? FP_TX_ICMP6_PARAMPROB : FP_TX_ICMP6_UNREACH;
	return FP_E_TX;
}

enum fp_edge
fp_icmp_error(struct fp_proc_ctx *ctx, struct fp_pkt *p, enum fp_icmp_err what,
		uint32_t info, enum fp_edge otherwise)
{
	const bool v6 = p->family == FP_AF_INET6;
	/* the offending packet as the kernel holds it: a UDP datagram cut
	 * to its length, else the IP packet */
	const uint32_t len = what == FP_ICMP_ERR_PORT ?
		(uint32_t)p->l3_len + p->l4_len : p->len - p->l2_len;

	if (ctx->conf->icmp.off || ctx->icmp_limit == NULL ||
			!fp_local_host(&ctx->conf->local))
		return otherwise;
	switch (what) {
	case FP_ICMP_ERR_PORT:         /* __udp4_lib_rcv, __udp6_lib_rcv */
		return v6 ? send6(ctx, p, 1, 4, 0, true, len, otherwise) :
			send4(ctx, p, 3, 3, 0, len, otherwise);
	case FP_ICMP_ERR_PROTO:        /* ip{,6}_protocol_deliver_rcu */
		return v6 ? send6(ctx, p, 4, 1, info, true, len, otherwise) :
			send4(ctx, p, 3, 2, 0, len, otherwise);
	case FP_ICMP_ERR_NOROUTE:      /* ip6_pkt_discard */
		return v6 ? send6(ctx, p, 1, 0, 0, false, len, otherwise) : otherwise;
	case FP_ICMP_ERR_PARAM:        /* ip_options_compile, exthdrs, reassembly */
		return v6 ? send6(ctx, p, 4, 0, info, true, len, otherwise) :
			send4(ctx, p, 12, 0, info << 24, len, otherwise);
	case FP_ICMP_ERR_HDR_INCOMP:   /* ipv6_frag_rcv */
		return v6 ? send6(ctx, p, 4, 3, 0, true, len, otherwise) : otherwise;
	case FP_ICMP_ERR_OPTION:       /* ip6_tlvopt_unknown */
		return v6 ? send6(ctx, p, 4, 2, info, true, len, otherwise) : otherwise;
	}
	return otherwise;
}
