/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fp_config.h"
#include "unit.h"

static struct fp_opts o;
static char err[512];
static char path[64];

/* Write text to a temporary file; its path in `path`. */
static void
file(const char *text)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/fp_cfg_XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static int
load(const char *a1, const char *a2)
{
	char *argv[6] = { "fastpath", "--config-file", path, NULL, NULL, NULL };
	int argc = 3, rc;

	if (a1 != NULL)
		argv[argc++] = (char *)a1;
	if (a2 != NULL)
		argv[argc++] = (char *)a2;
	fp_opts_defaults(&o);
	err[0] = '\0';
	rc = fp_opts_load(&o, argc, argv, err, sizeof(err));
	unlink(path);
	return rc;
}

static void
test_every_option_has_a_section(void)
{
	unsigned int i;
	const char *name;

	for (i = 0; (name = fp_opts_name(i)) != NULL; i++) {
		if (strcmp(name, "help") == 0 || strcmp(name, "config-file") == 0) {
			CU_ASSERT_PTR_NULL(fp_config_section(name));
		} else {
			CU_ASSERT_PTR_NOT_NULL(fp_config_section(name));
		}
	}
}

static void
test_values_and_override(void)
{
	file("; comment\n[ports]\nrxd = 512 ; trailing comment\nrss-key = symmetric\n"
	     "rx-fcs = yes\n\n[lcores]\nburst = 16\nqueue-map = (0,0,1)\n"
	     "main-polls = true\n[host]\nlocal-ip = 10.1.0.1/24\nlocal-ip = 2001:db8::1\n"
	     "vlan = 0,100\nfrag-timeout = 50\n[listen]\na = 9=count\nb = 7=echo\n"
	     "[run]\nidle-exit = 300\nmbuf-cache = 0\n");
	CU_ASSERT_EQUAL(load("--burst", "8"), 0);
	CU_ASSERT_EQUAL(o.rxd, 512);
	CU_ASSERT_EQUAL(o.rss_key, FP_RSS_KEY_SYMMETRIC);
	CU_ASSERT_TRUE(o.rx_fcs);
	CU_ASSERT_EQUAL(o.burst, 8);                 /* the command line wins */
	CU_ASSERT_TRUE(o.qmap_set);
	CU_ASSERT_TRUE(o.main_polls);
	CU_ASSERT_EQUAL(o.local.nb_v4, 1);
	CU_ASSERT_EQUAL(o.local.nb_v6, 1);
	CU_ASSERT_TRUE(o.vlan_filter);
	CU_ASSERT_EQUAL(o.frag_timeout_ms, 50);
	CU_ASSERT_EQUAL(o.listen.n, 2);
	CU_ASSERT_EQUAL(o.idle_exit_ms, 300);
	CU_ASSERT_EQUAL(o.mbuf_cache, 0);
	/* a repeatable option on the command line replaces the file's */
	file("[listen]\na = 9=count\nb = 7=echo\n");
	CU_ASSERT_EQUAL(load("--listen", "5=count"), 0);
	CU_ASSERT_EQUAL(o.listen.n, 1);
	CU_ASSERT_EQUAL(o.listen.l[0].port, 5);
	/* a flag set to no is not set */
	file("[lcores]\nmain-polls = no\n");
	CU_ASSERT_EQUAL(load(NULL, NULL), 0);
	CU_ASSERT_FALSE(o.main_polls);
}

/* A bad file: -EINVAL and one line naming what must be named. */
static void
bad(const char *text, const char *n1, const char *n2)
{
	file(text);
	CU_ASSERT_EQUAL(load(NULL, NULL), -EINVAL);
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
	if (strstr(err, n1) == NULL || (n2 != NULL && strstr(err, n2) == NULL))
		fprintf(stderr, "\n  unexpected error: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, n1));
	if (n2 != NULL) {
		CU_ASSERT_PTR_NOT_NULL(strstr(err, n2));
	}
}

static void
test_errors(void)
{
	bad("[ports]\nrxd = abc\n", ":2: [ports] rxd:", "8..32768");
	bad("[ports]\n\n; x\nburst = 8\n", ":4: [ports] burst:", "belongs in [lcores]");
	bad("[ports]\nfoo = 1\n", ":2: [ports] foo:", "unknown key");
	bad("[portz]\n", ":1:", "unknown section [portz]");
	bad("[ports\n", ":1:", "malformed section");
	bad("rxd = 512\n", ":1:", "outside any section");
	bad("[ports]\nrxd\n", ":2:", "key = value");
	bad("[ports]\nrxd =\n", ":2: [ports] rxd:", "empty value");
	bad("[lcores]\nmain-polls = maybe\n", ":2: [lcores] main-polls:", "yes or no");
	bad("[listen]\na = 9=count\na = 10=count\n", ":3: [listen] a:", "line 2");
	bad("[listen]\na = 9=frob\n", ":2: [listen] a:", "unknown action");
	bad("[host]\nlocal-ip = 10.0.0.300\n", ":2: [host] local-ip:", NULL);
	bad("[run]\nconfig-file = x.ini\n", ":2: [run] config-file:", "unknown key");
	/* repeated sections and keys: the line of the entry at fault */
	bad("[host]\nlocal-ip = 10.0.0.1\n[ports]\nrxd = 64\n[host]\n"
	    "local-ip = 10.0.0.2\nlocal-ip = 10.0.0.300\n",
	    ":7: [host] local-ip:", "10.0.0.300");
	/* errors of the merged options, at the file's line */
	bad("[listen]\na = 9=count\nb = 9=echo\n", ":3: [listen] b:", "exists");
	bad("[ports]\nrxq = 2\n[lcores]\nqueue-map = (0,0,1)\n",
	    ":4: [lcores] queue-map:", "conflicts");
	{
		char many[2048];
		int len = snprintf(many, sizeof(many), "[listen]\n"), p;

		for (p = 1; p <= 65; p++)
			len += snprintf(many + len, sizeof(many) - (size_t)len,
					"l%d = %d=count\n", p, p);
		bad(many, ":66: [listen] l65:", "more than 64 listeners");
	}
	/* rte_cfgfile's limits, with the line: no silent cut, no log line */
	{
		char big[1200];

		snprintf(big, sizeof(big), "[run]\nstats-json = /tmp/%0300d\n", 0);
		bad(big, ":2: [run] stats-json:", "value of 305 characters");
		snprintf(big, sizeof(big), "[ports]\n;%0322d\n", 0);
		bad(big, ":2:", "line of 323 characters");
		snprintf(big, sizeof(big), "[ports]\n;%0321d\nrxd = x\n", 0);
		bad(big, ":3: [ports] rxd:", NULL);    /* 322: still a line */
		snprintf(big, sizeof(big), "[ports]\n%070d = 1\n", 0);
		bad(big, ":2: [ports] key of 70 characters", NULL);
	}
	/* an escaped ';' is not a comment, as rte_cfgfile reads it */
	bad("[ports]\nrxd = 64\\; 5\n", ":2: [ports] rxd:", "'64; 5'");
	/* --stats-json: checked now, not when fastpath stops */
	bad("[run]\nstats-json = /nonexistent/dir/x.json\n", ":2: [run] stats-json:",
	    "No such file or directory");
	bad("[run]\nstats-json = /tmp\n", ":2: [run] stats-json:", "Is a directory");
	file("[run]\nstats-json = /tmp/fp_unit_stats.json\n");
	CU_ASSERT_EQUAL(load(NULL, NULL), 0);
	CU_ASSERT_EQUAL(access("/tmp/fp_unit_stats.json", F_OK), -1);  /* not left */
	file("[lcores]\nburst = 8\n");
	CU_ASSERT_EQUAL(load("--stats-json", "/tmp"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--stats-json /tmp: cannot write there"));
	snprintf(path, sizeof(path), "/tmp");
	CU_ASSERT_EQUAL(load(NULL, NULL), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is a directory"));
	snprintf(path, sizeof(path), "/nonexistent/fp.ini");
	CU_ASSERT_EQUAL(load(NULL, NULL), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot open"));
}

int
unit_register_config(void)
{
	static const struct unit_case cases[] = {
		{ "every option has a section", test_every_option_has_a_section },
		{ "values and override", test_values_and_override },
		{ "errors name file, line, section, key", test_errors },
		{ NULL, NULL },
	};

	return unit_suite("config", cases);
}
