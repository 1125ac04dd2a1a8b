/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "fp_opts.h"
#include "fp_util.h"

enum {
	OPT_PORTS = 256,
	OPT_RXQ,
	OPT_RXD,
	OPT_TXD,
	OPT_BURST,
	OPT_RSS_KEY,
	OPT_QUEUE_MAP,
	OPT_MAIN_POLLS,
	OPT_IDLE_EXIT,
	OPT_STATS_JSON,
	OPT_MBUFS,
	OPT_MBUF_CACHE,
	OPT_LOCAL_IP,
	OPT_LISTEN,
	OPT_VLAN,
	OPT_RX_FCS,
	OPT_FRAG_TIMEOUT,
	OPT_COST_CYCLES,
	OPT_EXCEPTION,
	OPT_ICMP_ERRORS,
	OPT_IGMP,
	OPT_MLD,
	OPT_CONFIG_FILE,
	OPT_HELP,
};

_Static_assert(OPT_HELP - OPT_PORTS < 64, "fp_opts.given has 64 bits");

/* One table drives getopt_long and --help. */
static const struct opt_desc {
	const char *name;
	int has_arg;
	int val;
	const char *arg;
	const char *help;
} opt_table[] = {
	{ "ports", required_argument, OPT_PORTS, "LIST",
	  "ports to use, e.g. 0,2 or 0-3 (default: every port EAL probed)" },
	{ "rxq", required_argument, OPT_RXQ, "N",
	  "rx queues per port, 1..1024 (default: one per polling lcore, capped by the device)" },
	{ "rxd", required_argument, OPT_RXD, "N",
	  "rx descriptors per queue, 8..32768, adjusted to the device (default 1024)" },
	{ "txd", required_argument, OPT_TXD, "N",
	  "tx descriptors per queue, 8..32768, adjusted to the device (default 1024)" },
	{ "burst", required_argument, OPT_BURST, "N",
	  "packets per rx burst, 1..512 (default 32)" },
	{ "rss-key", required_argument, OPT_RSS_KEY, "KEY",
	  "RSS Toeplitz key: default (the driver's) or symmetric (default: default)" },
	{ "queue-map", required_argument, OPT_QUEUE_MAP, "MAP",
	  "(port,queue,lcore),... which lcore polls which rx queue (default: round-robin over worker lcores)" },
	{ "main-polls", no_argument, OPT_MAIN_POLLS, NULL,
	  "let the main lcore poll queues too (default: housekeeping only)" },
	{ "idle-exit", required_argument, OPT_IDLE_EXIT, "MS",
	  "exit once no queue received a packet for MS ms, 1..86400000 (default: off)" },
	{ "stats-json", required_argument, OPT_STATS_JSON, "FILE",
	  "write the final counters as one JSON object to FILE when fastpath stops (default: none)" },
	{ "mbufs", required_argument, OPT_MBUFS, "N",
	  "mbufs per mempool, 1..1073741823 (default: sized from queues, descriptors, caches, bursts and reassembly, at least 8191)" },
	{ "mbuf-cache", required_argument, OPT_MBUF_CACHE, "N",
	  "per-lcore mempool cache, 0..512 (default 256)" },
	{ "local-ip", required_argument, OPT_LOCAL_IP, "ADDR[/LEN]",
	  "a local IPv4 or IPv6 address, repeatable (default: none: sink mode, every unicast destination is local)" },
	{ "listen", required_argument, OPT_LISTEN, "[ADDR:]PORT=ACTION",
	  "a UDP listener, repeatable: ADDR an address, 0.0.0.0 (any IPv4), [::] (any; ,v6only: any IPv6) or none (any); ACTION count, echo, seq[,offset=N][,size=4|8][,order=be|le], plugin,path=FILE[,arg=S] or ring,name=NAME[,size=N] (default: none)" },
	{ "vlan", required_argument, OPT_VLAN, "LIST",
	  "VLAN ids to accept on the outer tag, e.g. 0,100-199 (0: untagged; default: untagged and priority-tagged (VLAN id 0) frames only, as the kernel and VPP)" },
	{ "rx-fcs", no_argument, OPT_RX_FCS, NULL,
	  "received frames end with their 4-byte FCS (default: they do not)" },
	{ "frag-timeout", required_argument, OPT_FRAG_TIMEOUT, "MS",
	  "drop a datagram whose fragments are not all in after MS ms, 1..60000 (default 1000)" },
	{ "cost-cycles", required_argument, OPT_COST_CYCLES, "N|LCORE:N,...",
	  "capacity planning: add N TSC cycles of work per packet, on every polling lcore or on the ones named (default: 0)" },
	{ "exception", required_argument, OPT_EXCEPTION, "tap[,ifname=PREFIX]",
	  "hand what fastpath does not serve to the kernel through a TAP per port, named PREFIX and the port id (PREFIX fp unless given) (default: off)" },
	{ "icmp-errors", required_argument, OPT_ICMP_ERRORS, "on|off[,KEY=V]",
	  "host mode: send ICMP port/protocol unreachable (ICMPv6 also no route) with the kernel's rate limits, KEY ratelimit, ratemask, msgs-per-sec, msgs-burst, ratelimit6 as its sysctls (default: on,ratelimit=1000,ratemask=0x1818,msgs-per-sec=1000,msgs-burst=50,ratelimit6=100)" },
	{ "igmp", required_argument, OPT_IGMP, "on|off[,KEY=V]",
	  "host mode: announce the IPv4 groups listeners join with IGMP reports, answer queries, leave at exit; KEY version (2|3), robustness (1..7), unsolicited-interval (1..3600000 ms; 1000 for v3, 10000 for v2), source (the first IPv4 --local-ip unless given, else 0.0.0.0) (default: on,version=3,robustness=2)" },
	{ "mld", required_argument, OPT_MLD, "on|off[,KEY=V]",
	  "host mode: the same for IPv6 groups and the solicited-node groups, with MLD from the link-local address; KEY version (1|2), robustness (1..7), unsolicited-interval (1..3600000 ms; 1000 for v2, 10000 for v1) (default: on,version=2,robustness=2)" },
	{ "config-file", required_argument, OPT_CONFIG_FILE, "FILE",
	  "read options from an INI file; the command line overrides it (default: none)" },
	{ "help", no_argument, OPT_HELP, NULL, "print this help and exit" },
};

#define NB_OPTS (sizeof(opt_table) / sizeof(opt_table[0]))

void
fp_opts_defaults(struct fp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->rxd = FP_DEF_RXD;
	o->txd = FP_DEF_TXD;
	o->burst = FP_DEF_BURST;
	o->rss_key = FP_RSS_KEY_DEFAULT;
	o->mbuf_cache = FP_DEF_MBUF_CACHE;
	o->frag_timeout_ms = FP_DEF_FRAG_TIMEOUT_MS;
	strcpy(o->exception_prefix, FP_EXCEPTION_PREFIX_DEF);
	fp_icmp_conf_defaults(&o->icmp);
	fp_mcast_conf_defaults(&o->igmp, FP_AF_INET);
	fp_mcast_conf_defaults(&o->mld, FP_AF_INET6);
}

const char *
fp_rss_key_name(enum fp_rss_key k)
{
	return k == FP_RSS_KEY_SYMMETRIC ? "symmetric" : "default";
}

static int
num_opt(const char *name, const char *arg, uint64_t min, uint64_t max,
		uint64_t *out, char *err, size_t errlen)
{
	if (fp_parse_u64(arg, min, max, out) != 0)
		return fp_err(err, errlen,
			"--%s: invalid value '%s'; expected a whole number %llu..%llu",
			name, arg, (unsigned long long)min,
			(unsigned long long)max);
	return 0;
}

/* "N" (every lcore) or "LCORE:N,LCORE:N". */
static int
parse_cost(const char *s, struct fp_opts *o, char *err, size_t errlen)
{
	char buf[512], *save = NULL, *tok;
	uint64_t v, lc;
	unsigned int i;

	if (fp_parse_u64(s, 0, FP_MAX_COST_CYCLES, &v) == 0) {
		for (i = 0; i < FP_MAX_LCORES; i++)
			o->cost_cycles[i] = (uint32_t)v;
		return 0;
	}
	if (strlen(s) >= sizeof(buf) || !fp_list_ok(s))
		goto bad;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
			tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');

		if (colon == NULL)
			goto bad;
		*colon = '\0';
		if (fp_parse_u64(tok, 0, FP_MAX_LCORES - 1, &lc) != 0 ||
				fp_parse_u64(colon + 1, 0, FP_MAX_COST_CYCLES, &v) != 0)
			goto bad;
		o->cost_cycles[lc] = (uint32_t)v;
	}
	return 0;
bad:
	return fp_err(err, errlen,
		"--cost-cycles: invalid value '%s'; expected N or LCORE:N,... with N 0..%u and LCORE 0..%d",
		s, FP_MAX_COST_CYCLES, FP_MAX_LCORES - 1);
}

/* "0,100-199": VLAN ids 0..4095 (0 stands for untagged frames). */
static int
parse_vlans(const char *s, struct fp_opts *o, char *err, size_t errlen)
{
	char buf[512], *save = NULL, *tok;

	if (strlen(s) >= sizeof(buf) || !fp_list_ok(s))
		return fp_err(err, errlen,
			"--vlan: invalid list '%s'; expected ids 0..4095 like 0,100-199, no empty item", s);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
			tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint64_t lo, hi, v;

		if (dash != NULL)
			*dash = '\0';
		if (fp_parse_u64(tok, 0, 4095, &lo) != 0 || (dash != NULL &&
				fp_parse_u64(dash + 1, lo, 4095, &hi) != 0))
			return fp_err(err, errlen,
				"--vlan: invalid list '%s'; expected ids 0..4095 like 0,100-199", s);
		if (dash == NULL)
			hi = lo;
		for (v = lo; v <= hi; v++) {
			o->vlan_allow[v / 64] |= 1ull << (v % 64);
			o->nb_vlans++;
		}
	}
	o->vlan_filter = true;
	return 0;
}

/* "0,2,4-6": port ids, no duplicates. */
/* --exception tap[,ifname=PREFIX]: PREFIX a Linux interface name's
 * characters (dev_valid_name: no '/', ':', whitespace), short enough for
 * the port's index. */
static int
parse_exception(const char *s, struct fp_opts *o, char *err, size_t errlen)
{
	const char *p;
	size_t n;

	if (strncmp(s, "tap", 3) != 0 || (s[3] != '\0' && s[3] != ','))
		return fp_err(err, errlen,
			"--exception: invalid value '%s'; expected tap[,ifname=PREFIX] (virtio-user needs vhost-net: not supported yet)",
			s);
	strcpy(o->exception_prefix, FP_EXCEPTION_PREFIX_DEF);
	o->exception = true;
	if (s[3] == '\0')
		return 0;
	p = s + 4;
	if (strncmp(p, "ifname=", 7) != 0)
		return fp_err(err, errlen,
			"--exception: unknown option '%s'; expected ifname=PREFIX", p);
	p += 7;
	n = strlen(p);
	/* net_tap's own argument syntax (',', '=') and the kernel's name
	 * templates ('%') must not reach it: a plain name only */
	if (n == 0 || n > FP_EXCEPTION_PREFIX_MAX ||
			strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != n ||
			p[0] == '.' || p[0] == '-')
		return fp_err(err, errlen,
			"--exception: ifname=%s: expected 1..%d of [A-Za-z0-9_.-], not starting with '.' or '-'; the port's id is appended",
			p, FP_EXCEPTION_PREFIX_MAX);
	strcpy(o->exception_prefix, p);
	return 0;
}

static int
parse_ports(const char *s, struct fp_opts *o, char *err, size_t errlen)
{
	char buf[256], *save = NULL, *tok;
	bool seen[FP_MAX_PORTS] = { false };

	if (strlen(s) >= sizeof(buf) || !fp_list_ok(s))
		return fp_err(err, errlen,
			"--ports: invalid list '%s'; expected ids 0..%d like 0,1 or 0-3, no empty item",
			s, FP_MAX_PORTS - 1);
	strcpy(buf, s);
	o->nb_ports = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
			tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint64_t lo, hi, p;

		if (dash != NULL)
			*dash = '\0';
		if (fp_parse_u64(tok, 0, FP_MAX_PORTS - 1, &lo) != 0 ||
				(dash != NULL && (fp_parse_u64(dash + 1, lo,
					FP_MAX_PORTS - 1, &hi) != 0)))
			return fp_err(err, errlen,
				"--ports: invalid list '%s'; expected ids 0..%d like 0,1 or 0-3",
				s, FP_MAX_PORTS - 1);
		if (dash == NULL)
			hi = lo;
		for (p = lo; p <= hi; p++) {
			if (seen[p])
				return fp_err(err, errlen,
					"--ports: port %llu listed twice in '%s'",
					(unsigned long long)p, s);
			seen[p] = true;
			o->ports[o->nb_ports++] = (uint16_t)p;
		}
	}
	if (o->nb_ports == 0)
		return fp_err(err, errlen, "--ports: empty list");
	o->ports_set = true;
	return 0;
}

static int
apply(struct fp_opts *o, int c, const char *arg, char *err, size_t errlen)
{
	const char *name = NULL;
	uint64_t v = 0;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < NB_OPTS; i++)
		if (opt_table[i].val == c)
			name = opt_table[i].name;
	o->given |= 1ull << (c - OPT_PORTS);

	switch (c) {
	case OPT_PORTS:
		return parse_ports(arg, o, err, errlen);
	case OPT_RXQ:
		rc = num_opt(name, arg, 1, FP_MAX_QUEUES, &v, err, errlen);
		o->rxq = (uint16_t)v;
		break;
	case OPT_RXD:
		rc = num_opt(name, arg, FP_MIN_DESC, FP_MAX_DESC, &v, err, errlen);
		o->rxd = (uint16_t)v;
		break;
	case OPT_TXD:
		rc = num_opt(name, arg, FP_MIN_DESC, FP_MAX_DESC, &v, err, errlen);
		o->txd = (uint16_t)v;
		break;
	case OPT_BURST:
		rc = num_opt(name, arg, 1, FP_BURST_MAX_OPT, &v, err, errlen);
		o->burst = (uint16_t)v;
		break;
	case OPT_RSS_KEY:
		if (strcmp(arg, "default") == 0)
			o->rss_key = FP_RSS_KEY_DEFAULT;
		else if (strcmp(arg, "symmetric") == 0)
			o->rss_key = FP_RSS_KEY_SYMMETRIC;
		else
			return fp_err(err, errlen,
				"--rss-key: invalid value '%s'; expected default or symmetric",
				arg);
		break;
	case OPT_QUEUE_MAP: {
		char msg[200];

		if (fp_qmap_parse(arg, &o->qmap, msg, sizeof(msg)) != 0)
			return fp_err(err, errlen, "--queue-map: %s", msg);
		o->qmap_set = true;
		break;
	}
	case OPT_MAIN_POLLS:
		o->main_polls = true;
		break;
	case OPT_IDLE_EXIT:
		rc = num_opt(name, arg, 1, FP_MAX_IDLE_EXIT_MS, &v, err, errlen);
		o->idle_exit_ms = (uint32_t)v;
		break;
	case OPT_STATS_JSON:
		if (arg[0] == '\0' || strlen(arg) >= sizeof(o->stats_json))
			return fp_err(err, errlen,
				"--stats-json: expected a file path of 1..%zu characters",
				sizeof(o->stats_json) - 1);
		strcpy(o->stats_json, arg);
		break;
	case OPT_MBUFS:
		if (fp_parse_u64(arg, 1, FP_MAX_MBUFS, &v) != 0)
			return fp_err(err, errlen,
				"--mbufs: invalid value '%s'; expected a whole number 1..%u (2^30 - 1, the most a DPDK mempool holds)",
				arg, FP_MAX_MBUFS);
		o->mbufs = (uint32_t)v;
		break;
	case OPT_MBUF_CACHE:
		rc = num_opt(name, arg, 0, FP_MAX_MBUF_CACHE, &v, err, errlen);
		o->mbuf_cache = (uint16_t)v;
		break;
	case OPT_EXCEPTION:
		return parse_exception(arg, o, err, errlen);
	case OPT_ICMP_ERRORS:
		return fp_icmp_conf_parse(&o->icmp, arg, err, errlen);
	case OPT_IGMP:
		return fp_mcast_conf_parse(&o->igmp, FP_AF_INET, arg, err, errlen);
	case OPT_MLD:
		return fp_mcast_conf_parse(&o->mld, FP_AF_INET6, arg, err, errlen);
	case OPT_LOCAL_IP:
		return fp_local_add(&o->local, arg, err, errlen);
	case OPT_LISTEN:
		return fp_listen_add(&o->listen, &o->local, arg, err, errlen);
	case OPT_VLAN:
		return parse_vlans(arg, o, err, errlen);
	case OPT_RX_FCS:
		o->rx_fcs = true;
		break;
	case OPT_FRAG_TIMEOUT:
		rc = num_opt(name, arg, 1, FP_MAX_FRAG_TIMEOUT_MS, &v, err, errlen);
		o->frag_timeout_ms = (uint32_t)v;
		break;
	case OPT_COST_CYCLES:
		return parse_cost(arg, o, err, errlen);
	case OPT_CONFIG_FILE:
		if (arg[0] == '\0' || strlen(arg) >= sizeof(o->config_file))
			return fp_err(err, errlen,
				"--config-file: expected a file path of 1..%zu characters",
				sizeof(o->config_file) - 1);
		strcpy(o->config_file, arg);
		break;
	case OPT_HELP:
		o->help = true;
		break;
	default:
		return fp_err(err, errlen, "internal: unhandled option %d", c);
	}
	return rc;
}

/*
 * getopt_long takes any unambiguous prefix of a long option ("--bur" for
 * --burst). A script written against one version would silently change
 * meaning when a later version adds an option sharing the prefix, so only
 * the full name is accepted: "--name" or "--name=value".
 */
static int
spelled_in_full(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, "--", 2) == 0 && strncmp(arg + 2, name, n) == 0 &&
		(arg[2 + n] == '\0' || arg[2 + n] == '=');
}

#define LATER(a, b) ((a) > (b) ? (a) : (b))

int
fp_opts_parse(struct fp_opts *o, int argc, char **argv, char *err,
		size_t errlen)
{
	return fp_opts_parse_at(o, argc, argv, err, errlen, NULL);
}

int
fp_opts_parse_at(struct fp_opts *o, int argc, char **argv, char *err,
		size_t errlen, int *at)
{
	struct option lopts[NB_OPTS + 1];
	int last[NB_OPTS] = { 0 };   /* argv index of each option's last use */
	int dummy, c, idx;
	unsigned int i;

	if (at == NULL)
		at = &dummy;
	*at = 0;

	memset(lopts, 0, sizeof(lopts));
	for (i = 0; i < NB_OPTS; i++) {
		lopts[i].name = opt_table[i].name;
		lopts[i].has_arg = opt_table[i].has_arg;
		lopts[i].val = opt_table[i].val;
	}
	optind = 0;      /* full re-initialisation: EAL has used getopt too */
	opterr = 0;      /* we print our own, single-line errors */
	for (;;) {
		int rc, before = optind ? optind : 1;

		c = getopt_long(argc, argv, "+:h", lopts, &idx);
		if (c == -1)
			break;
		*at = before < argc ? before : argc - 1;
		if (c == 'h')
			c = OPT_HELP;
		else if (c != '?' && c != ':' &&
				!spelled_in_full(argv[before], lopts[idx].name))
			return fp_err(err, errlen,
				"unknown option '%s'; options are spelled in full (--%s?); see --help",
				argv[before], lopts[idx].name);
		if (c == '?' || c == ':') {
			const char *bad = argv[before < argc ? before : argc - 1];

			if (c == ':')
				return fp_err(err, errlen,
					"%s: missing value; see --help", bad);
			return fp_err(err, errlen,
				"unknown option '%s'; see --help for the valid ones",
				bad);
		}
		rc = apply(o, c, optarg, err, errlen);
		if (rc != 0)
			return rc;
		last[c - OPT_PORTS] = before;
	}
	*at = optind < argc ? optind : 0;
	if (optind < argc)
		return fp_err(err, errlen,
			"unexpected argument '%s'; app options take the form --name [value]",
			argv[optind]);
	/* a conflict is the fault of the later of the two options */
	*at = LATER(last[OPT_RXQ - OPT_PORTS], last[OPT_QUEUE_MAP - OPT_PORTS]);
	if (o->qmap_set && o->rxq != 0)
		return fp_err(err, errlen,
			"--rxq conflicts with --queue-map: the map sets the queues of each port");
	*at = LATER(last[OPT_MBUFS - OPT_PORTS], last[OPT_MBUF_CACHE - OPT_PORTS]);
	if (o->mbuf_cache > 0 && o->mbufs != 0 && (uint64_t)o->mbuf_cache * 3 > (uint64_t)o->mbufs * 2)
		return fp_err(err, errlen,
			"--mbuf-cache: %u is too large for --mbufs %u (at most mbufs/1.5)",
			o->mbuf_cache, o->mbufs);
	*at = 0;
	return 0;
}

const char *
fp_opts_name(unsigned int i)
{
	return i < NB_OPTS ? opt_table[i].name : NULL;
}

int
fp_opts_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < NB_OPTS; i++)
		if (strcmp(opt_table[i].name, name) == 0)
			return opt_table[i].val - OPT_PORTS;
	return -1;
}

int
fp_opts_has_arg(const char *name)
{
	unsigned int i;

	for (i = 0; i < NB_OPTS; i++)
		if (strcmp(opt_table[i].name, name) == 0)
			return opt_table[i].has_arg == required_argument;
	return -1;
}

int
fp_opts_help(char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;
	int w;

	w = snprintf(buf, len,
		"Usage: fastpath [EAL options] -- [app options]\n\nApp options:\n");
	if (w < 0 || (size_t)w >= len)
		return -ENOSPC;
	used = (size_t)w;
	for (i = 0; i < NB_OPTS; i++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", opt_table[i].name,
			opt_table[i].arg ? " " : "",
			opt_table[i].arg ? opt_table[i].arg : "");
		w = snprintf(buf + used, len - used, "  %-26s %s\n", left,
				opt_table[i].help);
		if (w < 0 || (size_t)w >= len - used)
			return -ENOSPC;
		used += (size_t)w;
	}
	return (int)used;
}
