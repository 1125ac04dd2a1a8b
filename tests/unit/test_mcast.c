/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IGMP / MLD membership (lib/rx/fp_mcast.c) on a clock of the test's own:
 * the timers' bounds, what a query starts, older versions, report
 * suppression, records split at the MTU, the options' errors. The bytes
 * of every message are test_membership.py's (an independent builder).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fp_icmp_err.h"
#include "fp_listen.h"
#include "fp_mcast.h"
#include "unit.h"

#define HZ 1000000ull                /* 1 tick = 1 us */
#define MS(n) ((uint64_t)(n) * 1000)

static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 2 };

static struct fp_local local;
static struct fp_listen_table table;
static struct fp_mcast_conf conf4, conf6;

static void
setup(const char *const *listen)
{
	char err[256];

	memset(&local, 0, sizeof(local));
	memset(&table, 0, sizeof(table));
	CU_ASSERT_EQUAL_FATAL(fp_local_add(&local, "10.0.0.1/24", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(fp_local_add(&local, "2001:db8::1/64", err, sizeof(err)), 0);
	for (; *listen != NULL; listen++)
		CU_ASSERT_EQUAL_FATAL(fp_listen_add(&table, &local, *listen, err,
				sizeof(err)), 0);
	fp_mcast_conf_defaults(&conf4, FP_AF_INET);
	fp_mcast_conf_defaults(&conf6, FP_AF_INET6);
}

static const char *const two_groups[] = {
	"239.1.1.1:1=count", "239.1.1.1:2=count", "239.2.2.2:1=count",
	"224.0.0.1:3=count", "[ff15::1]:1=count", "[ff02::1]:1=count",
	"[ff01::5]:1=count", NULL,
};

/* every message due until `until`, stepping `step` ticks */
static unsigned int
drain(struct fp_mcast_state *s, uint64_t from, uint64_t until, uint64_t step,
		struct fp_mcast_msg *out, uint64_t *when, unsigned int max)
{
	uint64_t rng = 7, t;
	unsigned int n = 0;

	for (t = from; t <= until; t += step) {
		struct fp_mcast_msg m[8];
		unsigned int k, got = fp_mcast_due(s, t, &rng, m, 8);

		for (k = 0; k < got && n < max; k++, n++) {
			out[n] = m[k];
			when[n] = t;
		}
	}
	return n;
}

static void
test_groups(void)
{
	struct fp_mcast_state s4, s6;

	setup(two_groups);
	/* 239.1.1.1 twice (2 users), 239.2.2.2; never 224.0.0.1 */
	CU_ASSERT_EQUAL(fp_mcast_init(&s4, FP_AF_INET, &local, &table, mac, 1500,
			&conf4, HZ), 2);
	CU_ASSERT_EQUAL(s4.users[0], 2);
	CU_ASSERT_EQUAL(s4.users[1], 1);
	CU_ASSERT_EQUAL(memcmp(s4.src, "\x0a\x00\x00\x01", 4), 0);
	/* ff15::1, the solicited-node groups of 2001:db8::1 and of the
	 * link-local fe80::ff:fe00:2; never ff02::1 nor scope 1 */
	CU_ASSERT_EQUAL(fp_mcast_init(&s6, FP_AF_INET6, &local, &table, mac, 1500,
			&conf6, HZ), 3);
	CU_ASSERT_EQUAL(s6.groups[1][15], 1);
	CU_ASSERT_EQUAL(s6.groups[2][13], 0x00);
	CU_ASSERT_EQUAL(s6.groups[2][15], 0x02);
	CU_ASSERT_EQUAL(s6.src[0], 0xfe);
	CU_ASSERT_EQUAL(s6.src[11], 0xff);
	/* off, or a sink: nothing */
	conf4.off = true;
	CU_ASSERT_EQUAL(fp_mcast_init(&s4, FP_AF_INET, &local, &table, mac, 1500,
			&conf4, HZ), 0);
	conf4.off = false;
	local.host = false;
	CU_ASSERT_EQUAL(fp_mcast_init(&s4, FP_AF_INET, &local, &table, mac, 1500,
			&conf4, HZ), 0);
}

/* robustness unsolicited reports: the first at once, each next one within
 * the interval of the one before */
static void
test_unsolicited(void)
{
	struct fp_mcast_msg m[16];
	uint64_t when[16];
	struct fp_mcast_state s;
	unsigned int n, i;

	setup(two_groups);
	conf4.robustness = 4;
	conf4.unsolicited_ms = 50;
	fp_mcast_init(&s, FP_AF_INET, &local, &table, mac, 1500, &conf4, HZ);
	n = drain(&s, MS(1000), MS(2000), 100, m, when, 16);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_EQUAL(when[0], MS(1000));
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(m[i].kind, FP_MCAST_JOIN);
		CU_ASSERT_EQUAL(m[i].version, 3);
		if (i > 0)
			CU_ASSERT(when[i] > when[i - 1] &&
				when[i] - when[i - 1] <= MS(50) + 100);
	}
	/* IGMPv2's default interval is 10 s */
	conf4.unsolicited_ms = 0;
	conf4.version = 2;
	conf4.robustness = 2;
	fp_mcast_init(&s, FP_AF_INET, &local, &table, mac, 1500, &conf4, HZ);
	n = drain(&s, MS(1), MS(20000), 1000, m, when, 16);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(m[1].version, 2);
	CU_ASSERT(when[1] - when[0] <= MS(10000) + 1000);
}

static struct fp_mcast_heard
heard(unsigned int family, const uint8_t *msg, uint32_t len, const uint8_t *src)
{
	struct fp_mcast_heard h;

	CU_ASSERT_EQUAL(fp_mcast_parse(family, msg, len, src, true, &h), 0);
	return h;
}

static void
test_queries(void)
{
	/* IGMPv3 general, max resp code 0x8c: (0xc | 0x10) << (0 + 3) =
	 * 224 tenths = 22.4 s; IGMPv3 group query for 239.2.2.2, 1 s */
	static const uint8_t gq[12] = { 0x11, 0x8c, 0, 0, 0, 0, 0, 0, 2, 125, 0, 0 };
	static const uint8_t grp[12] = { 0x11, 10, 0, 0, 239, 2, 2, 2, 2, 125, 0, 0 };
	static const uint8_t src[4] = { 10, 0, 0, 9 };
	struct fp_mcast_msg m[16];
	uint64_t when[16], rng = 1;
	struct fp_mcast_state s;
	struct fp_mcast_heard h;
	unsigned int n;

	setup(two_groups);
	conf4.robustness = 1;
	fp_mcast_init(&s, FP_AF_INET, &local, &table, mac, 1500, &conf4, HZ);
	CU_ASSERT_EQUAL(drain(&s, 1, 1, 1, m, when, 16), 1);      /* the join */
	h = heard(FP_AF_INET, gq, sizeof(gq), src);
	CU_ASSERT(h.general);
	CU_ASSERT_EQUAL(h.max_resp_ms, 22400);
	fp_mcast_hear(&s, &h, MS(100), &rng);
	/* a second general query keeps the sooner timer */
	fp_mcast_hear(&s, &h, MS(200), &rng);
	n = drain(&s, MS(100), MS(100) + MS(22400) + MS(200), 1000, m, when, 16);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(m[0].kind, FP_MCAST_CURRENT);
	CU_ASSERT(when[0] <= MS(100) + MS(22400) + 1000);
	/* group-specific: that group alone, within 1 s */
	h = heard(FP_AF_INET, grp, sizeof(grp), src);
	CU_ASSERT(!h.general);
	fp_mcast_hear(&s, &h, MS(30000), &rng);
	n = drain(&s, MS(30000), MS(32000), 100, m, when, 16);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(m[0].kind, FP_MCAST_GROUP);
	CU_ASSERT_EQUAL(m[0].group, 1);
	CU_ASSERT(when[0] <= MS(31000) + 100);
	CU_ASSERT_EQUAL(s.queries, 3);
}

/* an IGMPv2 querier: v2 for robustness (1) x 125 + 10 s, per-group
 * answers, and a
 * report heard from another host stops this one's (no leave then) */
static void
test_older_and_suppression(void)
{
	static const uint8_t v2q[8] = { 0x11, 50, 0, 0, 0, 0, 0, 0 };
	static const uint8_t v2r[8] = { 0x16, 0, 0, 0, 239, 1, 1, 1 };
	static const uint8_t src[4] = { 10, 0, 0, 9 };
	struct fp_mcast_msg m[16], leave;
	uint64_t when[16], rng = 3, ip_len;
	struct fp_mcast_state s;
	struct fp_mcast_heard h;
	unsigned int n, next = 0, frames = 0;
	uint8_t buf[256];
	uint32_t il;

	setup(two_groups);
	conf4.robustness = 1;
	fp_mcast_init(&s, FP_AF_INET, &local, &table, mac, 1500, &conf4, HZ);
	h = heard(FP_AF_INET, v2q, sizeof(v2q), src);
	CU_ASSERT_EQUAL(h.version, 2);
	CU_ASSERT_EQUAL(h.max_resp_ms, 5000);
	fp_mcast_hear(&s, &h, MS(10), &rng);
	CU_ASSERT_EQUAL(fp_mcast_version(&s, MS(10)), 2);
	CU_ASSERT_EQUAL(fp_mcast_version(&s, MS(10) + MS(134999)), 2);
	CU_ASSERT_EQUAL(fp_mcast_version(&s, MS(10) + MS(135000)), 3);
	/* another host reports 239.1.1.1 first */
	h = heard(FP_AF_INET, v2r, sizeof(v2r), src);
	CU_ASSERT_EQUAL(h.what, FP_MCAST_REPORT);
	fp_mcast_hear(&s, &h, MS(11), &rng);
	n = drain(&s, MS(11), MS(6000), 1000, m, when, 16);
	/* the join (v2: each group) and the answer for 239.2.2.2 only */
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(m[0].kind, FP_MCAST_JOIN);
	CU_ASSERT_EQUAL(m[0].version, 2);
	CU_ASSERT_EQUAL(m[1].kind, FP_MCAST_GROUP);
	CU_ASSERT_EQUAL(m[1].group, 1);
	/* build them: 2 + 1 v2 reports; then 239.1.1.1 is heard again */
	for (n = 0; n < 2; n++)
		for (next = 0; fp_mcast_build(&s, &m[n], &next, buf, sizeof(buf), &il) != 0;)
			frames++;
	CU_ASSERT_EQUAL(frames, 3);
	fp_mcast_hear(&s, &h, MS(7000), &rng);
	/* leaving in v2: a Leave only for the group this host reported last */
	CU_ASSERT_EQUAL_FATAL(fp_mcast_leave(&s, MS(8000), &leave), 1);
	next = 0;
	ip_len = fp_mcast_build(&s, &leave, &next, buf, sizeof(buf), &il);
	CU_ASSERT(ip_len != 0);
	CU_ASSERT_EQUAL(buf[14 + 24], 0x17);
	CU_ASSERT_EQUAL(buf[14 + 24 + 7], 2);            /* 239.2.2.2 */
	CU_ASSERT_EQUAL(fp_mcast_build(&s, &leave, &next, buf, sizeof(buf), &il), 0);
	/* IGMPv1 has no leave */
	h.what = FP_MCAST_QUERY;
	h.version = 1;
	h.general = true;
	h.max_resp_ms = 10000;
	fp_mcast_hear(&s, &h, MS(9000), &rng);
	CU_ASSERT_EQUAL(fp_mcast_version(&s, MS(9000)), 1);
	CU_ASSERT_EQUAL(fp_mcast_leave(&s, MS(9000), &leave), 0);
}

/* IGMPv3 records past the MTU go into a second report */
static void
test_split(void)
{
	char spec[64];
	const char *list[2] = { spec, NULL };
	struct fp_mcast_msg m = { FP_MCAST_JOIN, 3, 0 };
	struct fp_mcast_state s;
	unsigned int i, next = 0, n = 0, per;
	uint8_t buf[2048];
	uint32_t il, len;

	setup(list + 1);
	for (i = 0; i < 20; i++) {
		char err[128];

		snprintf(spec, sizeof(spec), "239.0.0.%u:1=count", i + 1);
		CU_ASSERT_EQUAL_FATAL(fp_listen_add(&table, &local, spec, err,
				sizeof(err)), 0);
	}
	/* 100-byte MTU: (100 - 24 - 8) / 8 = 8 records a report */
	fp_mcast_init(&s, FP_AF_INET, &local, &table, mac, 100, &conf4, HZ);
	while ((len = fp_mcast_build(&s, &m, &next, buf, sizeof(buf), &il)) != 0) {
		per = (unsigned int)(buf[14 + 24 + 6] << 8 | buf[14 + 24 + 7]);
		CU_ASSERT(il <= 100);
		CU_ASSERT_EQUAL(len, 14 + il);
		CU_ASSERT_EQUAL(per, n < 2 ? 8u : 4u);
		n++;
	}
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(next, 20);
}

/* The queries the kernel ignores, and those it takes only from an older
 * version's querier (igmp_heard_query, __mld_query_work). */
static void
test_ignored(void)
{
	static const uint8_t bogus[10] = { 0x11, 10 };
	static const uint8_t gsrc[16] = { 0x11, 10, 0, 0, 0, 0, 0, 0, 2, 125, 0, 1 };
	static const uint8_t src[4] = { 10, 0, 0, 9 };
	uint8_t mld[28] = { 130, 0, 0, 0, 0x80, 0x01 }, ll[16] = { 0xfe, 0x80 },
		global[16] = { 0x20, 0x01 };
	struct fp_mcast_state s, s6;
	struct fp_mcast_msg m[8];
	struct fp_mcast_heard h;
	uint64_t when[8], rng = 5;

	setup(two_groups);
	fp_mcast_init(&s, FP_AF_INET, &local, &table, mac, 1500, &conf4, HZ);
	s.unsolicit_left = 0;
	/* 9..11 bytes: never; a general query with sources: not in v3 */
	CU_ASSERT_EQUAL(fp_mcast_parse(FP_AF_INET, bogus, sizeof(bogus), src, true, &h), 0);
	CU_ASSERT(h.bad);
	fp_mcast_hear(&s, &h, MS(1), &rng);
	CU_ASSERT_EQUAL(fp_mcast_parse(FP_AF_INET, gsrc, sizeof(gsrc), src, true, &h), 0);
	CU_ASSERT(h.v3_bad);
	fp_mcast_hear(&s, &h, MS(1), &rng);
	CU_ASSERT_EQUAL(s.queries_ignored, 2);
	CU_ASSERT_EQUAL(s.queries, 0);
	CU_ASSERT_EQUAL(drain(&s, MS(1), MS(3000), 1000, m, when, 8), 0);
	/* with an IGMPv2 querier present the same v3 query is taken, as a
	 * v2 one: a report per group within its 1 s */
	fp_mcast_hear(&s, &(struct fp_mcast_heard){ .what = FP_MCAST_QUERY,
		.version = 2, .general = true, .max_resp_ms = 1000 }, MS(4000), &rng);
	CU_ASSERT_EQUAL(drain(&s, MS(4000), MS(5100), 100, m, when, 8), 2);
	fp_mcast_hear(&s, &h, MS(6000), &rng);
	CU_ASSERT_EQUAL(s.queries_ignored, 2);
	CU_ASSERT_EQUAL(drain(&s, MS(6000), MS(7100), 100, m, when, 8), 2);
	CU_ASSERT_EQUAL(m[0].version, 2);

	/* MLD: a link-local source, hop limit 1 and a router alert */
	fp_mcast_init(&s6, FP_AF_INET6, &local, &table, mac, 1500, &conf6, HZ);
	CU_ASSERT_EQUAL(fp_mcast_parse(FP_AF_INET6, mld, sizeof(mld), global, true, &h), 0);
	CU_ASSERT(h.bad);
	CU_ASSERT_EQUAL(fp_mcast_parse(FP_AF_INET6, mld, sizeof(mld), ll, false, &h), 0);
	CU_ASSERT(h.bad);
	fp_mcast_hear(&s6, &h, MS(1), &rng);
	CU_ASSERT_EQUAL(s6.queries_ignored, 1);
	/* MLDv2 max resp code 0x8001: (1 | 0x1000) << 3 ms */
	CU_ASSERT_EQUAL(fp_mcast_parse(FP_AF_INET6, mld, sizeof(mld), ll, true, &h), 0);
	CU_ASSERT(!h.bad && !h.v3_bad);
	CU_ASSERT_EQUAL(h.max_resp_ms, 0x1001u << 3);
	CU_ASSERT_EQUAL(h.version, 2);
	/* in MLDv1 mode the same query is an MLDv1 one: its delay the
	 * field's 0x8001 ms, group timers, the general answer dropped */
	s6.unsolicit_left = 0;
	fp_mcast_hear(&s6, &h, MS(10), &rng);
	CU_ASSERT(s6.gq_due != 0);
	fp_mcast_hear(&s6, &(struct fp_mcast_heard){ .what = FP_MCAST_QUERY,
		.version = 1, .general = true, .max_resp_ms = 1, .max_v1_ms = 1 },
		MS(20), &rng);
	CU_ASSERT_EQUAL(s6.gq_due, 0);
	CU_ASSERT_EQUAL(drain(&s6, MS(20), MS(30), 1, m, when, 8), s6.nb_groups);
	fp_mcast_hear(&s6, &h, MS(100), &rng);
	CU_ASSERT_EQUAL(s6.gq_due, 0);
	CU_ASSERT(s6.group_due[0] > MS(100) && s6.group_due[0] <= MS(100) + MS(0x8001) + 1);
}

/* igmp_mod_timer / igmp6_group_queried: a running timer is kept when it
 * runs out within the query's maximum response time, else drawn anew */
static void
test_mod_timer(void)
{
	struct fp_mcast_heard h = { .what = FP_MCAST_QUERY, .version = 3,
				    .max_resp_ms = 5000 };
	struct fp_mcast_state s;
	uint64_t rng = 11;
	unsigned int i, kept = 0;

	setup(two_groups);
	fp_mcast_init(&s, FP_AF_INET, &local, &table, mac, 1500, &conf4, HZ);
	memcpy(h.group, s.groups[0], 4);
	for (i = 0; i < 1000; i++) {
		s.group_due[0] = MS(1000) + MS(4000);          /* 4 s left */
		fp_mcast_hear(&s, &h, MS(1000), &rng);
		kept += s.group_due[0] == MS(5000);
	}
	CU_ASSERT_EQUAL(kept, 1000);
	for (i = 0, kept = 0; i < 1000; i++) {
		s.group_due[0] = MS(1000) + MS(6000);          /* 6 s left */
		fp_mcast_hear(&s, &h, MS(1000), &rng);
		kept += s.group_due[0] == MS(7000);
		CU_ASSERT(s.group_due[0] <= MS(6000) + 1);
	}
	CU_ASSERT_EQUAL(kept, 0);
}

/* MLD: another host's report clears the last-reporter flag even with no
 * timer running (__mld_report_work): no Done at exit then */
static void
test_mld_report_heard(void)
{
	struct fp_mcast_heard q = { .what = FP_MCAST_QUERY, .version = 1,
				    .general = true, .max_resp_ms = 1, .max_v1_ms = 1 };
	struct fp_mcast_heard r = { .what = FP_MCAST_REPORT };
	struct fp_mcast_msg m[8], leave;
	struct fp_mcast_state s;
	unsigned int n, k, next, dones = 0;
	uint64_t when[8], rng = 2;
	uint8_t buf[256];
	uint32_t il;

	setup(two_groups);
	conf6.robustness = 1;
	fp_mcast_init(&s, FP_AF_INET6, &local, &table, mac, 1500, &conf6, HZ);
	fp_mcast_hear(&s, &q, MS(1), &rng);              /* MLDv1 mode */
	n = drain(&s, MS(1), MS(10), 1, m, when, 8);
	for (k = 0; k < n; k++)
		for (next = 0; fp_mcast_build(&s, &m[k], &next, buf, sizeof(buf), &il) != 0;)
			;
	CU_ASSERT(s.reporter[0] && s.group_due[0] == 0);
	memcpy(r.group, s.groups[0], 16);
	fp_mcast_hear(&s, &r, MS(20), &rng);
	CU_ASSERT_EQUAL(s.reporter[0], 0);
	CU_ASSERT_EQUAL_FATAL(fp_mcast_leave(&s, MS(30), &leave), 1);
	for (next = 0; fp_mcast_build(&s, &leave, &next, buf, sizeof(buf), &il) != 0;) {
		CU_ASSERT_EQUAL(buf[14 + 48], 132);
		CU_ASSERT(memcmp(buf + 14 + 48 + 8, s.groups[0], 16) != 0);
		dones++;
	}
	CU_ASSERT_EQUAL(dones, s.nb_groups - 1);
}

static void
test_options(void)
{
	struct fp_mcast_conf c;
	char err[256];

	CU_ASSERT_EQUAL(fp_mcast_conf_parse(&c, FP_AF_INET,
			"on,version=2,robustness=3,unsolicited-interval=500,source=10.0.0.7",
			err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.version, 2);
	CU_ASSERT_EQUAL(c.robustness, 3);
	CU_ASSERT_EQUAL(c.unsolicited_ms, 500);
	CU_ASSERT(c.source_set);
	CU_ASSERT_EQUAL(fp_mcast_conf_parse(&c, FP_AF_INET, "on,version=1", err,
			sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "version=1: expected a whole number 2..3"));
	CU_ASSERT_EQUAL(fp_mcast_conf_parse(&c, FP_AF_INET6, "on,source=10.0.0.7", err,
			sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--mld: unknown key 'source'"));
	CU_ASSERT_EQUAL(fp_mcast_conf_parse(&c, FP_AF_INET, "on,source=239.1.1.1", err,
			sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fp_mcast_conf_parse(&c, FP_AF_INET, "on,robustness=0", err,
			sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fp_mcast_conf_parse(&c, FP_AF_INET6, "off", err, sizeof(err)), 0);
	CU_ASSERT(c.off);
	{
		/* the shared on|off,KEY=VALUE parser takes 0x masks, as
		 * --icmp-errors' help prints its default */
		struct fp_icmp_conf ic;

		CU_ASSERT_EQUAL(fp_icmp_conf_parse(&ic, "on,ratemask=0x1818", err,
				sizeof(err)), 0);
		CU_ASSERT_EQUAL(ic.ratemask, 0x1818);
	}
}

int
unit_register_mcast(void)
{
	static const struct unit_case cases[] = {
		{ "groups announced", test_groups },
		{ "unsolicited reports", test_unsolicited },
		{ "queries start timers", test_queries },
		{ "older querier, report suppression", test_older_and_suppression },
		{ "records split at the MTU", test_split },
		{ "queries ignored, and taken from older queriers", test_ignored },
		{ "a running timer kept within the maximum", test_mod_timer },
		{ "MLD: another host's report, no timer running", test_mld_report_heard },
		{ "options", test_options },
		{ NULL, NULL },
	};

	return unit_suite("mcast", cases);
}
