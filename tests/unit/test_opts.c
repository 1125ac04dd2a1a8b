/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "fp_opts.h"
#include "unit.h"

static struct fp_opts o;
static char err[512];

/* Parse a NULL-terminated list of app arguments. */
static int
parse(const char *first, ...)
{
	char *argv[32];
	int argc = 0;
	const char *a;
	va_list ap;

	argv[argc++] = (char *)"fastpath";
	va_start(ap, first);
	for (a = first; a != NULL && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	fp_opts_defaults(&o);
	err[0] = '\0';
	return fp_opts_parse(&o, argc, argv, err, sizeof(err));
}

static void
test_defaults(void)
{
	CU_ASSERT_EQUAL(parse(NULL), 0);
	CU_ASSERT_EQUAL(o.burst, 32);
	CU_ASSERT_EQUAL(o.rxd, 1024);
	CU_ASSERT_EQUAL(o.txd, 1024);
	CU_ASSERT_EQUAL(o.rxq, 0);
	CU_ASSERT_EQUAL(o.mbuf_cache, 256);
	CU_ASSERT_EQUAL(o.mbufs, 0);
	CU_ASSERT_EQUAL(o.idle_exit_ms, 0);
	CU_ASSERT_FALSE(o.ports_set);
	CU_ASSERT_FALSE(o.qmap_set);
	CU_ASSERT_FALSE(o.main_polls);
	CU_ASSERT_EQUAL(o.rss_key, FP_RSS_KEY_DEFAULT);
	CU_ASSERT_STRING_EQUAL(o.stats_json, "");
}

static void
test_values(void)
{
	CU_ASSERT_EQUAL(parse("--burst", "64", "--rxd", "512", "--txd=256",
		"--rxq", "2", "--idle-exit", "500", "--stats-json", "/tmp/x.json",
		"--rss-key", "symmetric", "--main-polls", "--mbufs", "4096",
		"--mbuf-cache", "0", NULL), 0);
	CU_ASSERT_EQUAL(o.burst, 64);
	CU_ASSERT_EQUAL(o.rxd, 512);
	CU_ASSERT_EQUAL(o.txd, 256);
	CU_ASSERT_EQUAL(o.rxq, 2);
	CU_ASSERT_EQUAL(o.idle_exit_ms, 500);
	CU_ASSERT_STRING_EQUAL(o.stats_json, "/tmp/x.json");
	CU_ASSERT_EQUAL(o.rss_key, FP_RSS_KEY_SYMMETRIC);
	CU_ASSERT_TRUE(o.main_polls);
	CU_ASSERT_EQUAL(o.mbufs, 4096);
	CU_ASSERT_EQUAL(o.mbuf_cache, 0);
}

static void
test_bounds(void)
{
	CU_ASSERT_EQUAL(parse("--burst", "1", NULL), 0);
	CU_ASSERT_EQUAL(parse("--burst", "512", NULL), 0);
	CU_ASSERT_EQUAL(parse("--burst", "513", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("--rxd", "8", NULL), 0);
	CU_ASSERT_EQUAL(parse("--rxd", "7", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("--rxd", "32768", NULL), 0);
	CU_ASSERT_EQUAL(parse("--rxd", "32769", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("--mbuf-cache", "513", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("--idle-exit", "0", NULL), -EINVAL);
}

/* Each bad value: -EINVAL and a message that names the option. */
static void
test_bad_values(void)
{
	static const char *const bad[][3] = {
		{ "--burst", "abc", "--burst" },
		{ "--burst", "0", "--burst" },
		{ "--burst", "", "--burst" },
		{ "--burst", "12x", "--burst" },
		{ "--burst", " 12", "--burst" },
		{ "--rxd", "-5", "--rxd" },
		{ "--txd", "+5", "--txd" },
		{ "--rxq", "0", "--rxq" },
		{ "--rxq", "99999999999999999999999", "--rxq" },
		{ "--rss-key", "foo", "--rss-key" },
		{ "--ports", "x", "--ports" },
		{ "--ports", "0,0", "--ports" },
		{ "--ports", "3-1", "--ports" },
		{ "--ports", "40", "--ports" },
		{ "--queue-map", "(0,0)", "--queue-map" },
		{ "--queue-map", "0,0,1", "--queue-map" },
		{ "--queue-map", "(0,0,1)(0,1,1)", "--queue-map" },
		{ "--queue-map", "(0,0,999)", "--queue-map" },
		{ "--mbufs", "0", "--mbufs" },
		{ "--mbufs", "1073741824", "1..1073741823" },
		{ "--stats-json", "", "--stats-json" },
		/* empty list items: strtok_r would skip them */
		{ "--vlan", "1,,2", "--vlan" },
		{ "--vlan", "1,", "--vlan" },
		{ "--ports", "0,,1", "--ports" },
		{ "--ports", ",0", "--ports" },
		{ "--cost-cycles", "1:5,,2:3", "--cost-cycles" },
		{ "--listen", "9=seq,", "--listen" },
		{ "--listen", "9=seq,,size=8", "--listen" },
		{ "--listen", "9=,count", "--listen" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i][0], bad[i][1], NULL);

		CU_ASSERT_EQUAL(rc, -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i][2]));
		CU_ASSERT_PTR_NULL(strchr(err, '\n'));
	}
}

static void
test_unknown_and_missing(void)
{
	CU_ASSERT_EQUAL(parse("--bogus", NULL), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--bogus"));
	CU_ASSERT_EQUAL(parse("--burst", NULL), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--burst"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing"));
	/* no getopt_long abbreviations: "--bur" is not --burst */
	CU_ASSERT_EQUAL(parse("--bur", "8", NULL), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'--bur'"));
	CU_ASSERT_EQUAL(parse("--bur=8", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("--main-poll", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("--burst=8", NULL), 0);
	CU_ASSERT_EQUAL(o.burst, 8);
	CU_ASSERT_EQUAL(parse("stray", NULL), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "stray"));
	/* parsing twice in one process must work (getopt state reset) */
	CU_ASSERT_EQUAL(parse("--burst", "8", NULL), 0);
	CU_ASSERT_EQUAL(o.burst, 8);
}

static void
test_conflicts(void)
{
	CU_ASSERT_EQUAL(parse("--rxq", "2", "--queue-map", "(0,0,1)", NULL),
		-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--rxq"));
	CU_ASSERT_EQUAL(parse("--mbufs", "300", "--mbuf-cache", "256", NULL),
		-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--mbuf-cache"));
}

static void
test_cost_cycles(void)
{
	CU_ASSERT_EQUAL(parse("--cost-cycles", "500", NULL), 0);
	CU_ASSERT_EQUAL(o.cost_cycles[0], 500);
	CU_ASSERT_EQUAL(o.cost_cycles[127], 500);
	CU_ASSERT_EQUAL(parse("--cost-cycles", "2:1000,5:7", NULL), 0);
	CU_ASSERT_EQUAL(o.cost_cycles[1], 0);
	CU_ASSERT_EQUAL(o.cost_cycles[2], 1000);
	CU_ASSERT_EQUAL(o.cost_cycles[5], 7);
	CU_ASSERT_EQUAL(parse("--cost-cycles", "2:", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("--cost-cycles", "200:5", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("--cost-cycles", "-1", NULL), -EINVAL);
	CU_ASSERT_EQUAL(parse("--cost-cycles", "99999999999", NULL), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--cost-cycles"));
}

static void
test_ports(void)
{
	CU_ASSERT_EQUAL(parse("--ports", "0,2,4-6", NULL), 0);
	CU_ASSERT_TRUE(o.ports_set);
	CU_ASSERT_EQUAL(o.nb_ports, 5);
	CU_ASSERT_EQUAL(o.ports[0], 0);
	CU_ASSERT_EQUAL(o.ports[1], 2);
	CU_ASSERT_EQUAL(o.ports[2], 4);
	CU_ASSERT_EQUAL(o.ports[4], 6);
}

static void
test_help(void)
{
	char buf[4096];
	static const char *const names[] = { "--ports", "--rxq", "--rxd",
		"--txd", "--burst", "--rss-key", "--queue-map", "--main-polls",
		"--idle-exit", "--stats-json", "--mbufs", "--mbuf-cache",
		"--local-ip", "--listen", "--vlan", "--rx-fcs", "--frag-timeout",
		"--cost-cycles",
		"--help" };
	unsigned int i;

	CU_ASSERT_EQUAL(parse("--help", NULL), 0);
	CU_ASSERT_TRUE(o.help);
	CU_ASSERT_TRUE(fp_opts_help(buf, sizeof(buf)) > 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, names[i]));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "default 32"));
	CU_ASSERT_EQUAL(fp_opts_help(buf, 10), -ENOSPC);
}

int
unit_register_opts(void)
{
	static const struct unit_case cases[] = {
		{ "defaults", test_defaults },
		{ "values", test_values },
		{ "bounds", test_bounds },
		{ "bad values", test_bad_values },
		{ "unknown and missing", test_unknown_and_missing },
		{ "conflicts", test_conflicts },
		{ "ports", test_ports },
		{ "cost cycles", test_cost_cycles },
		{ "help", test_help },
		{ NULL, NULL },
	};

	return unit_suite("opts", cases);
}
