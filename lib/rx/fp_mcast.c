/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IGMP and MLD membership: see fp_mcast.h. Each rule names the kernel
 * function it follows (net/ipv4/igmp.c, net/ipv6/mcast.c, Linux 6.x).
 */
#include <errno.h>
#include <stdio.h>

#include "fp_mcast.h"
#include "fp_rx.h"
#include "fp_util.h"

#define IGMP_QUERY 0x11
#define IGMPV1_REPORT 0x12
#define IGMPV2_REPORT 0x16
#define IGMPV2_LEAVE 0x17
#define IGMPV3_REPORT 0x22
#define MLD_QUERY 130
#define MLD_REPORT 131
#define MLD_DONE 132
#define MLD2_REPORT 143
/* record types (RFC 3376 4.2.12, RFC 3810 5.2.12) */
#define REC_IS_EX 2
#define REC_TO_IN 3
#define REC_TO_EX 4

#define IGMP_V1_RESPONSE_MS 10000   /* IGMP_QUERY_RESPONSE_INTERVAL */

void
fp_mcast_conf_defaults(struct fp_mcast_conf *c, unsigned int family)
{
	memset(c, 0, sizeof(*c));
	c->version = family == FP_AF_INET ? 3 : 2;
	c->robustness = 2;
}

static int
igmp_source(void *base, const char *key, const char *value, char *err,
		size_t errlen)
{
	struct fp_mcast_conf *c = base;
	struct fp_ip ip;

	if (strcmp(key, "source") != 0)
		return 1;
	/* no prefix: an address alone */
	if (fp_ip_parse(value, &ip, NULL) != 0 || ip.family != FP_AF_INET ||
			fp_ip_is_multicast(&ip) || memcmp(ip.b, "\xff\xff\xff\xff", 4) == 0)
		return fp_err(err, errlen,
			"--igmp: source=%s: expected a unicast IPv4 address (A.B.C.D)",
			value);
	memcpy(&c->source, ip.b, 4);
	c->source_set = true;
	return 0;
}

int
fp_mcast_conf_parse(struct fp_mcast_conf *c, unsigned int family,
		const char *s, char *err, size_t errlen)
{
	const bool v4 = family == FP_AF_INET;
	const struct fp_kv_key keys[] = {
		{ "version", offsetof(struct fp_mcast_conf, version), v4 ? 2 : 1, v4 ? 3 : 2, false },
		/* the QRV field has 3 bits (RFC 3376 4.1.6) */
		{ "robustness", offsetof(struct fp_mcast_conf, robustness), 1, 7, false },
		{ "unsolicited-interval", offsetof(struct fp_mcast_conf, unsolicited_ms), 1, 3600000, false },
	};

	fp_mcast_conf_defaults(c, family);
	c->given = true;
	return fp_onoff_kv_parse(v4 ? "--igmp" : "--mld", s, &c->off, c, keys,
			RTE_DIM(keys),
			v4 ? "version, robustness, unsolicited-interval, source" :
			"version, robustness, unsolicited-interval",
			v4 ? igmp_source : NULL, err, errlen);
}

uint64_t
fp_mcast_rand(uint64_t *state)
{
	uint64_t x = *state != 0 ? *state : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static uint64_t
ms_ticks(const struct fp_mcast_state *s, uint64_t ms)
{
	return s->tsc_hz / 1000 * ms;
}

static unsigned int
alen(const struct fp_mcast_state *s)
{
	return s->family == FP_AF_INET ? 4 : 16;
}

static int
group_index(const struct fp_mcast_state *s, const uint8_t *g)
{
	unsigned int i;

	for (i = 0; i < s->nb_groups; i++)
		if (memcmp(s->groups[i], g, alen(s)) == 0)
			return (int)i;
	return -1;
}

static void
add_group(struct fp_mcast_state *s, const uint8_t *g, uint16_t users)
{
	int i = group_index(s, g);

	if (i >= 0) {
		s->users[i] += users;
	} else if (s->nb_groups < FP_MCAST_MAX) {
		memcpy(s->groups[s->nb_groups], g, alen(s));
		s->users[s->nb_groups++] = users;
	}
}

/* Groups the kernel never reports: all-hosts (igmp_group_added), all-nodes
 * and scopes 0 and 1 (igmp6_join_group / mld_in_v1_mode's callers). */
static bool
reported(unsigned int family, const uint8_t *g)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };

	if (family == FP_AF_INET)
		return !(g[0] == 224 && g[1] == 0 && g[2] == 0 && g[3] == 1);
	return memcmp(g, all_nodes, 16) != 0 && (g[1] & 0x0f) >= 2;
}

static void
add_solicited(struct fp_mcast_state *s, const uint8_t *addr)
{
	uint8_t g[16];

	memcpy(g, fp_v6_sn_prefix, 13);
	memcpy(g + 13, addr + 13, 3);
	add_group(s, g, 0);
}

unsigned int
fp_mcast_init(struct fp_mcast_state *s, unsigned int family,
		const struct fp_local *l, const struct fp_listen_table *t,
		const uint8_t *mac, uint16_t mtu, const struct fp_mcast_conf *c,
		uint64_t tsc_hz)
{
	unsigned int i, k;

	memset(s, 0, sizeof(*s));
	s->family = (uint8_t)family;
	memcpy(s->mac, mac, 6);
	s->mtu = mtu;
	s->conf = c;
	s->tsc_hz = tsc_hz;
	if (c->off || !fp_local_host(l))
		return 0;
	if (family == FP_AF_INET) {
		/* inet_select_addr: the interface's primary address */
		if (c->source_set)
			memcpy(s->src, &c->source, 4);
		else if (l->nb_v4 != 0)
			memcpy(s->src, &l->v4[0], 4);
	} else {
		fp_v6_link_local(mac, s->src);
	}
	for (i = 0; i < l->nb_groups; i++) {
		const struct fp_ip *g = &l->groups[i];
		uint16_t users = 0;

		if (g->family != family || !reported(family, g->b))
			continue;
		for (k = 0; k < t->n; k++)
			if (t->l[k].addr.family == family &&
					memcmp(t->l[k].addr.b, g->b, alen(s)) == 0)
				users++;
		add_group(s, g->b, users);
	}
	/* addrconf_join_solict: each address's solicited-node group, the
	 * link-local's included */
	if (family == FP_AF_INET6 && l->nb_v6 != 0) {
		for (i = 0; i < l->nb_v6; i++)
			add_solicited(s, l->v6[i]);
		add_solicited(s, s->src);
	}
	s->unsolicit_left = s->nb_groups != 0 ? (uint8_t)c->robustness : 0;
	return s->nb_groups;
}

/* IGMPv3 / MLDv2 "Max Resp Code": a floating-point value from 128 / 32768
 * on (IGMPV3_MRC, MLDV2_MRC). */
static uint32_t
igmpv3_mrc(uint8_t code)
{
	return code < 128 ? code : (uint32_t)((code & 0x0f) | 0x10) <<
		(((code >> 4) & 0x07) + 3);
}

static uint32_t
mldv2_mrc(uint16_t code)
{
	return code < 32768 ? code : (uint32_t)((code & 0x0fff) | 0x1000) <<
		(((code >> 12) & 0x07) + 3);
}

/*
 * What the message says; whether the kernel acts on a query depends on the
 * version it speaks then, so fp_mcast_hear decides (igmp_heard_query,
 * __mld_query_work).
 */
static int
parse_igmp(const uint8_t *msg, uint32_t len, struct fp_mcast_heard *h)
{
	uint32_t nsrcs;

	if (len < 8)
		return -1;                  /* igmp_rcv: the header or nothing */
	memcpy(h->group, msg + 4, 4);
	h->general = fp_get16(msg + 4) == 0 && fp_get16(msg + 6) == 0;
	if (msg[0] == IGMPV1_REPORT || msg[0] == IGMPV2_REPORT) {
		h->what = FP_MCAST_REPORT;
		return 0;
	}
	if (msg[0] != IGMP_QUERY)
		return -1;
	h->what = FP_MCAST_QUERY;
	/* 8 bytes: IGMPv1 (code 0) or v2; 9 to 11: bogus, whatever the
	 * version; from 12: IGMPv3, whose sources must all be there and none
	 * in a general query (checked only when the host speaks v3) */
	if (len == 8) {
		h->version = msg[1] == 0 ? 1 : 2;
		h->max_resp_ms = msg[1] == 0 ? IGMP_V1_RESPONSE_MS : msg[1] * 100u;
		return 0;
	}
	if (len < 12) {
		h->bad = true;
		return 0;
	}
	nsrcs = fp_get16(msg + 10);
	h->v3_bad = len < 12 + 4 * nsrcs || (h->general && nsrcs != 0);
	h->version = 3;
	h->max_resp_ms = RTE_MAX(igmpv3_mrc(msg[1]) * 100u, 1u);
	return 0;
}

static int
parse_mld(const uint8_t *msg, uint32_t len, const uint8_t *ip_src,
		bool query_ok, struct fp_mcast_heard *h)
{
	static const uint8_t unspec[16];
	bool ll = ip_src[0] == 0xfe && (ip_src[1] & 0xc0) == 0x80;
	uint32_t nsrcs;

	if (len < 24 || (msg[0] != MLD_QUERY && msg[0] != MLD_REPORT))
		return -1;
	memcpy(h->group, msg + 8, 16);
	h->general = memcmp(h->group, unspec, 16) == 0;
	if (msg[0] == MLD_REPORT) {
		/* __mld_report_work: from a link-local address or :: */
		if (!ll && memcmp(ip_src, unspec, 16) != 0)
			return -1;
		h->what = FP_MCAST_REPORT;
		return 0;
	}
	h->what = FP_MCAST_QUERY;
	/* __mld_query_work: a link-local source, hop limit 1 and a router
	 * alert (MLD) (RFC 3810 6.2: query_ok), a group that is :: or
	 * multicast; 24 bytes MLDv1 (and any length while the host is in
	 * MLDv1 mode, the delay read as MLDv1 reads it), 28 and more MLDv2
	 * with its sources there and none in a general query */
	h->bad = !ll || !query_ok || (!h->general && h->group[0] != 0xff);
	h->max_v1_ms = RTE_MAX((uint32_t)fp_get16(msg + 4), 1u);
	if (len == 24) {
		h->version = 1;
		h->max_resp_ms = h->max_v1_ms;
		return 0;
	}
	h->version = 2;
	nsrcs = len >= 28 ? fp_get16(msg + 26) : 0;
	h->v3_bad = len < 28 || len < 28 + 16 * nsrcs || (h->general && nsrcs != 0);
	h->max_resp_ms = RTE_MAX(mldv2_mrc(fp_get16(msg + 4)), 1u);
	return 0;
}

int
fp_mcast_parse(unsigned int family, const uint8_t *msg, uint32_t len,
		const uint8_t *ip_src, bool mld_query_ok, struct fp_mcast_heard *h)
{
	memset(h, 0, sizeof(*h));
	return family == FP_AF_INET ? parse_igmp(msg, len, h) :
		parse_mld(msg, len, ip_src, mld_query_ok, h);
}

/* The general query's timer: started, or kept when it runs out sooner
 * (igmp_gq_start_timer, mld_gq_start_work). */
static void
timer_min(uint64_t *t, uint64_t due)
{
	uint64_t cur = __atomic_load_n(t, __ATOMIC_RELAXED);

	due = RTE_MAX(due, 1ull);
	while ((cur == 0 || due < cur) &&
			!__atomic_compare_exchange_n(t, &cur, due, false,
				__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* A group's timer for a query with a maximum response time of max
 * ticks: kept when it runs out within max, else a random moment within
 * max (igmp_mod_timer, igmp6_group_queried). */
static void
timer_queried(uint64_t *t, uint64_t now, uint64_t max, uint64_t *rng)
{
	uint64_t cur = __atomic_load_n(t, __ATOMIC_RELAXED);
	uint64_t due = now + fp_mcast_rand(rng) % max + 1;

	while (!(cur != 0 && cur > now && cur - now < max) &&
			!__atomic_compare_exchange_n(t, &cur, due, false,
				__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static void
timer_max(uint64_t *t, uint64_t v)
{
	uint64_t cur = __atomic_load_n(t, __ATOMIC_RELAXED);

	while (v > cur && !__atomic_compare_exchange_n(t, &cur, v, false,
			__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* A timer that ran out at now: stopped, true. */
static bool
timer_take(uint64_t *t, uint64_t now)
{
	uint64_t cur = __atomic_load_n(t, __ATOMIC_RELAXED);

	return cur != 0 && now >= cur && __atomic_compare_exchange_n(t, &cur,
			0, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

static void
count(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

unsigned int
fp_mcast_version(const struct fp_mcast_state *s, uint64_t now)
{
	if (now < __atomic_load_n(&s->v1_until, __ATOMIC_RELAXED))
		return 1;
	if (s->family == FP_AF_INET &&
			now < __atomic_load_n(&s->v2_until, __ATOMIC_RELAXED))
		return RTE_MIN(s->conf->version, 2u);
	return s->conf->version;
}

void
fp_mcast_hear(struct fp_mcast_state *s, const struct fp_mcast_heard *h,
		uint64_t now, uint64_t *rng)
{
	const unsigned int newest = s->family == FP_AF_INET ? 3 : 2;
	uint32_t max_ms = h->max_resp_ms;
	unsigned int i, ver, qver = h->version;
	bool general = h->general;
	uint64_t ticks;

	if (h->what == FP_MCAST_REPORT) {
		/* igmp_heard_report / __mld_report_work: another member
		 * answered; this host's timer stops and it is no longer the
		 * last reporter */
		int g = group_index(s, h->group);

		count(&s->reports_heard, 1);
		if (g >= 0) {
			__atomic_store_n(&s->group_due[g], 0, __ATOMIC_RELAXED);
			__atomic_store_n(&s->reporter[g], 0, __ATOMIC_RELAXED);
		}
		return;
	}
	ver = fp_mcast_version(s, now);
	/* MLD in v1 mode takes any query as MLDv1 (mld_process_v1) */
	if (s->family == FP_AF_INET6 && ver == 1 && qver == 2 && !h->bad) {
		qver = 1;
		max_ms = h->max_v1_ms;
	}
	if (h->bad || (qver == newest && ver == newest && h->v3_bad)) {
		count(&s->queries_ignored, 1);
		return;
	}
	/* an older querier: that version for the Older Version Querier
	 * Present Timeout, robustness x query interval + response interval
	 * (igmp_heard_query's mr_v1_seen / mr_v2_seen, mld_set_v1_mode) */
	if (qver < newest) {
		uint64_t until = now + ms_ticks(s, (uint64_t)s->conf->robustness *
				FP_MCAST_QI_MS + FP_MCAST_QRI_MS);

		timer_max(qver == 1 ? &s->v1_until : &s->v2_until, until);
		ver = fp_mcast_version(s, now);
		/* mld_process_v1: the pending general answer is dropped */
		if (s->family == FP_AF_INET6)
			__atomic_store_n(&s->gq_due, 0, __ATOMIC_RELAXED);
	}
	if (s->family == FP_AF_INET && qver == 3 && ver == 1) {
		/* a v3 query with an IGMPv1 querier present: general, 10 s */
		max_ms = IGMP_V1_RESPONSE_MS;
		general = true;
	}
	ticks = RTE_MAX(ms_ticks(s, max_ms), 1ull);
	if (general && qver == newest && ver == newest) {
		/* one report of every group, at a random moment */
		timer_min(&s->gq_due, now + fp_mcast_rand(rng) % ticks + 1);
	} else {
		for (i = 0; i < s->nb_groups; i++)
			if (general || memcmp(s->groups[i], h->group, alen(s)) == 0)
				timer_queried(&s->group_due[i], now, ticks, rng);
	}
	/* counted once its timers run: a reader that sees the count sees
	 * them */
	__atomic_fetch_add(&s->queries, 1, __ATOMIC_RELEASE);
}

static uint32_t
unsolicited_ms(const struct fp_mcast_state *s, unsigned int ver)
{
	const unsigned int newest = s->family == FP_AF_INET ? 3 : 2;

	if (s->conf->unsolicited_ms != 0)
		return s->conf->unsolicited_ms;
	/* igmpv2/v3_unsolicited_report_interval, mldv1/v2_... */
	return ver == newest ? 1000 : 10000;
}

unsigned int
fp_mcast_due(struct fp_mcast_state *s, uint64_t now, uint64_t *rng,
		struct fp_mcast_msg *msgs, unsigned int max)
{
	unsigned int n = 0, i, ver = fp_mcast_version(s, now);

	if (n < max && s->unsolicit_left != 0 && now >= s->unsolicit_due) {
		/* igmp_ifc_timer_expire: the next one at random within the
		 * interval */
		msgs[n++] = (struct fp_mcast_msg){ FP_MCAST_JOIN, (uint8_t)ver, 0 };
		if (--s->unsolicit_left != 0)
			s->unsolicit_due = now + 1 + fp_mcast_rand(rng) %
				RTE_MAX(ms_ticks(s, unsolicited_ms(s, ver)), 1ull);
	}
	if (n < max && timer_take(&s->gq_due, now))
		msgs[n++] = (struct fp_mcast_msg){ FP_MCAST_CURRENT, (uint8_t)ver, 0 };
	for (i = 0; i < s->nb_groups && n < max; i++)
		if (timer_take(&s->group_due[i], now))
			msgs[n++] = (struct fp_mcast_msg){ FP_MCAST_GROUP,
				(uint8_t)ver, (uint16_t)i };
	return n;
}

void
fp_mcast_link_up(struct fp_mcast_state *s, uint64_t now)
{
	if (s->nb_groups == 0)
		return;
	s->unsolicit_left = (uint8_t)s->conf->robustness;
	s->unsolicit_due = now;
}

unsigned int
fp_mcast_leave(struct fp_mcast_state *s, uint64_t now, struct fp_mcast_msg *msg)
{
	unsigned int ver = fp_mcast_version(s, now);

	/* IGMPv1 has no leave message */
	if (s->nb_groups == 0 || (s->family == FP_AF_INET && ver == 1))
		return 0;
	*msg = (struct fp_mcast_msg){ FP_MCAST_LEAVE, (uint8_t)ver, 0 };
	return 1;
}

/* 01:00:5e + the group's low 23 bits; 33:33 + its last 32 bits. */
static void
group_mac(unsigned int family, const uint8_t *g, uint8_t *mac)
{
	if (family == FP_AF_INET) {
		mac[0] = 0x01, mac[1] = 0x00, mac[2] = 0x5e;
		mac[3] = g[1] & 0x7f, mac[4] = g[2], mac[5] = g[3];
	} else {
		mac[0] = mac[1] = 0x33;
		memcpy(mac + 2, g + 12, 4);
	}
}

/* Ethernet and IP headers of a message of l4 bytes to dst; returns the
 * offset of the message. IPv4: TOS 0xc0, DF, TTL 1, router alert, id 0
 * (igmpv3_newpack, igmp_send_report); IPv6: hop limit 1, a hop-by-hop
 * header with router alert MLD and PadN (ip6_mc_hdr, mld_newpack). */
static uint32_t
headers(const struct fp_mcast_state *s, const uint8_t *dst, uint32_t l4,
		uint8_t *b)
{
	uint8_t *ip = b + 14;

	group_mac(s->family, dst, b);
	memcpy(b + 6, s->mac, 6);
	if (s->family == FP_AF_INET) {
		uint32_t tot = 24 + l4;

		b[12] = 0x08, b[13] = 0x00;
		memset(ip, 0, 24);
		ip[0] = 0x46;
		ip[1] = 0xc0;
		ip[2] = (uint8_t)(tot >> 8), ip[3] = (uint8_t)tot;
		ip[6] = 0x40;
		ip[8] = 1;
		ip[9] = IPPROTO_IGMP;
		memcpy(ip + 12, s->src, 4);
		memcpy(ip + 16, dst, 4);
		ip[20] = 0x94, ip[21] = 0x04;           /* IPOPT_RA, length 4 */
		*(uint16_t *)(void *)(ip + 10) =
			fp_csum_field(__rte_raw_cksum(ip, 24, 0));
		return 14 + 24;
	}
	b[12] = 0x86, b[13] = 0xdd;
	memset(ip, 0, 48);
	ip[0] = 0x60;
	ip[4] = (uint8_t)((8 + l4) >> 8), ip[5] = (uint8_t)(8 + l4);
	ip[6] = 0;                                  /* hop-by-hop */
	ip[7] = 1;
	memcpy(ip + 8, s->src, 16);
	memcpy(ip + 24, dst, 16);
	ip[40] = IPPROTO_ICMPV6;
	ip[42] = 5, ip[43] = 2;                     /* router alert: MLD (0) */
	ip[46] = 1;                                 /* PadN, 0 bytes */
	return 14 + 48;
}

/* The message's checksum: IGMP over itself, ICMPv6 with the pseudo
 * header. */
static void
checksum(const struct fp_mcast_state *s, uint8_t *b, uint32_t off, uint32_t l4)
{
	uint32_t sum = 0;
	uint16_t c;

	if (s->family == FP_AF_INET6) {
		sum = __rte_raw_cksum(b + 14 + 8, 32, 0);
		sum += rte_cpu_to_be_16((uint16_t)l4) + rte_cpu_to_be_16(IPPROTO_ICMPV6);
	}
	c = fp_csum_field(__rte_raw_cksum(b + off, l4, sum));
	memcpy(b + off + 2, &c, 2);
}

static const uint8_t all_routers4[16] = { 224, 0, 0, 2 };
static const uint8_t all_mcr4[16] = { 224, 0, 0, 22 };         /* IGMPv3 */
static const uint8_t all_routers6[16] = { 0xff, 0x02, [15] = 2 };
static const uint8_t all_mcr6[16] = { 0xff, 0x02, [15] = 0x16 }; /* MLDv2 */

uint32_t
fp_mcast_build(struct fp_mcast_state *s, const struct fp_mcast_msg *m,
		unsigned int *next, uint8_t *buf, uint32_t cap, uint32_t *ip_len)
{
	const bool v4 = s->family == FP_AF_INET;
	const bool newest = m->version == (v4 ? 3 : 2);
	const uint32_t ip_hdr = v4 ? 24 : 48, rec = v4 ? 8 : 20;
	unsigned int i = *next, n = 0, last = s->nb_groups;
	uint32_t off, l4, room;
	uint8_t *msg;

	if (m->kind == FP_MCAST_GROUP) {
		if (i > m->group)
			return 0;
		i = m->group;
		last = m->group + 1u;
	}
	if (!newest) {
		/* v1/v2: a message per group; a Leave / Done only from the
		 * last reporter (igmp_group_dropped, igmp6_leave_group) */
		while (i < last && m->kind == FP_MCAST_LEAVE &&
				!__atomic_load_n(&s->reporter[i], __ATOMIC_RELAXED))
			i++;
		if (i >= last || cap < 14 + ip_hdr + (v4 ? 8 : 24))
			return 0;
		*next = i + 1;
		l4 = v4 ? 8 : 24;
		if (m->kind == FP_MCAST_LEAVE)
			off = headers(s, v4 ? all_routers4 : all_routers6, l4, buf);
		else
			off = headers(s, s->groups[i], l4, buf);
		msg = buf + off;
		memset(msg, 0, l4);
		if (v4)
			msg[0] = m->kind == FP_MCAST_LEAVE ? IGMPV2_LEAVE :
				m->version == 1 ? IGMPV1_REPORT : IGMPV2_REPORT;
		else
			msg[0] = m->kind == FP_MCAST_LEAVE ? MLD_DONE : MLD_REPORT;
		memcpy(msg + (v4 ? 4 : 8), s->groups[i], alen(s));
		__atomic_store_n(&s->reporter[i], m->kind != FP_MCAST_LEAVE,
				__ATOMIC_RELAXED);
		checksum(s, buf, off, l4);
		*ip_len = ip_hdr + l4;
		return off + l4;
	}
	/* IGMPv3 / MLDv2: the records that fit in the MTU (igmpv3_sendpack
	 * when the next would not, add_grec) */
	if (i >= last || cap < 14 + ip_hdr + 8 + rec)
		return 0;
	room = RTE_MIN((uint32_t)s->mtu, cap - 14u);
	if (room < ip_hdr + 8 + rec)
		return 0;
	n = RTE_MIN(last - i, (room - ip_hdr - 8) / rec);
	l4 = 8 + n * rec;
	off = headers(s, v4 ? all_mcr4 : all_mcr6, l4, buf);
	msg = buf + off;
	memset(msg, 0, l4);
	msg[0] = v4 ? IGMPV3_REPORT : MLD2_REPORT;
	msg[6] = (uint8_t)(n >> 8), msg[7] = (uint8_t)n;
	for (unsigned int k = 0; k < n; k++) {
		uint8_t *r = msg + 8 + k * rec;

		r[0] = m->kind == FP_MCAST_JOIN ? REC_TO_EX :
			m->kind == FP_MCAST_LEAVE ? REC_TO_IN : REC_IS_EX;
		memcpy(r + 4, s->groups[i + k], alen(s));
		__atomic_store_n(&s->reporter[i + k], m->kind != FP_MCAST_LEAVE,
				__ATOMIC_RELAXED);
	}
	*next = i + n;
	checksum(s, buf, off, l4);
	*ip_len = ip_hdr + l4;
	return off + l4;
}

void
fp_mcast_count(struct fp_mcast_state *s, struct fp_lcore_stats *ls,
		const struct fp_mcast_msg *m, uint32_t ip_len, bool ok)
{
	uint64_t *c = ls->snmp;

	if (!ok) {
		count(&s->tx_errors, 1);
		return;
	}
	count(m->kind == FP_MCAST_LEAVE ? &s->leaves : &s->reports, 1);
	/* ip_mc_output / ip_finish_output2 (__ip6_make_skb, mld_sendpack,
	 * ip6_finish_output2): the packet, its octets, and as multicast */
	if (s->family == FP_AF_INET) {
		FP_STAT_ADD(c[FP_SNMP_Ip_OutRequests], 1);
		FP_STAT_ADD(c[FP_SNMP_Ip_OutTransmits], 1);
		FP_STAT_ADD(c[FP_SNMP_IpExt_OutOctets], ip_len);
		FP_STAT_ADD(c[FP_SNMP_IpExt_OutMcastPkts], 1);
		FP_STAT_ADD(c[FP_SNMP_IpExt_OutMcastOctets], ip_len);
		return;
	}
	FP_STAT_ADD(c[FP_SNMP_Ip6_OutRequests], 1);
	FP_STAT_ADD(c[FP_SNMP_Ip6_OutTransmits], 1);
	FP_STAT_ADD(c[FP_SNMP_Ip6_OutOctets], ip_len);
	FP_STAT_ADD(c[FP_SNMP_Ip6_OutMcastPkts], 1);
	FP_STAT_ADD(c[FP_SNMP_Ip6_OutMcastOctets], ip_len);
	/* ICMP6MSGOUT_INC_STATS, ICMP6_INC_STATS(OUTMSGS) */
	FP_STAT_ADD(c[FP_SNMP_Icmp6_OutMsgs], 1);
	FP_STAT_ADD(c[FP_SNMP_Icmp6MsgOut_OutType0 + (m->version == 2 ?
			MLD2_REPORT : m->kind == FP_MCAST_LEAVE ? MLD_DONE :
			MLD_REPORT)], 1);
}
