/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_OPTS_H
#define FP_OPTS_H

/*
 * Application options (everything after EAL's "--"). Parsing is pure: it
 * fills struct fp_opts or returns -EINVAL with one line naming the option
 * and what is valid. Checks that need the running system (ports, queues,
 * lcores) are made by the app before any port starts, with fp_qmap.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fp_addr.h"
#include "fp_icmp_err.h"
#include "fp_mcast.h"
#include "fp_listen.h"
#include "fp_qmap.h"

#define FP_DEF_RXD 1024
#define FP_DEF_TXD 1024
#define FP_DEF_BURST 32
#define FP_DEF_MBUF_CACHE 256
#define FP_MIN_DESC 8
#define FP_MAX_DESC 32768
#define FP_MAX_MBUF_CACHE 512        /* RTE_MEMPOOL_CACHE_MAX_SIZE */
/*
 * A mempool's default ops keep its free mbufs in a ring of
 * rte_align32pow2(n + 1) slots, and a ring holds at most RTE_RING_SZ_MASK
 * (2^31 - 1) slots: 2^30 - 1 mbufs is the most rte_pktmbuf_pool_create
 * accepts. (At 2176 bytes each that is about 2.3 TB: memory runs out first.)
 */
#define FP_MAX_MBUFS ((1u << 30) - 1)
#define FP_BURST_MAX_OPT 512       /* FP_BURST_MAX */
#define FP_MAX_IDLE_EXIT_MS 86400000u /* a day */
#define FP_DEF_FRAG_TIMEOUT_MS 1000
#define FP_MAX_COST_CYCLES 10000000u
#define FP_MAX_FRAG_TIMEOUT_MS 60000
#define FP_LISTEN_NAME_MAX 64       /* rte_cfgfile's CFG_NAME_LEN */
/* a TAP's name is PREFIX and the port's index: IFNAMSIZ (16) less the
 * NUL and up to two digits (FP_MAX_PORTS) */
#define FP_EXCEPTION_PREFIX_MAX 13
#define FP_EXCEPTION_PREFIX_DEF "fp"

enum fp_rss_key {
	FP_RSS_KEY_DEFAULT,    /* the driver's key */
	FP_RSS_KEY_SYMMETRIC,  /* 0x6d5a repeated: both directions, one queue */
};

struct fp_opts {
	uint16_t ports[FP_MAX_PORTS];
	unsigned int nb_ports;
	bool ports_set;             /* --ports given; else every probed port */
	uint16_t rxq;               /* rx queues per port; 0 = auto */
	uint16_t rxd;
	uint16_t txd;
	uint16_t burst;
	enum fp_rss_key rss_key;
	struct fp_qmap qmap;
	bool qmap_set;
	bool main_polls;
	uint32_t idle_exit_ms;      /* 0 = run until a signal */
	char stats_json[PATH_MAX];  /* "" = none */
	uint32_t mbufs;             /* mbufs per pool; 0 = sized automatically */
	uint16_t mbuf_cache;
	bool rx_fcs;                /* frames carry their FCS */
	uint32_t frag_timeout_ms;   /* reassembly timeout */
	uint32_t cost_cycles[FP_MAX_LCORES];  /* extra work per packet, by lcore */
	unsigned int nb_vlans;      /* --vlan ids given */
	struct fp_local local;      /* --local-ip; groups the listeners join */
	struct fp_listen_table listen;   /* --listen */
	bool vlan_filter;           /* --vlan given */
	uint64_t vlan_allow[4096 / 64];  /* allowed VLAN ids */
	/* the [listen] entry names of a config file, by listener index ("":
	 * given on the command line); letters, digits, '_', '.', '-' */
	char listen_name[FP_MAX_LISTENERS][FP_LISTEN_NAME_MAX];
	bool exception;             /* --exception tap */
	char exception_prefix[FP_EXCEPTION_PREFIX_MAX + 1];  /* TAP names */
	struct fp_icmp_conf icmp;   /* --icmp-errors */
	struct fp_mcast_conf igmp;  /* --igmp */
	struct fp_mcast_conf mld;   /* --mld */
	char config_file[PATH_MAX]; /* "" = none */
	uint64_t given;             /* options given, by fp_opts_index() */
	bool help;
};

/* Defaults (what "no options" means). */
void fp_opts_defaults(struct fp_opts *o);

/*
 * Parse argv[1..argc-1] (argv[0] is the program name) with getopt_long.
 * 0 on success, -EINVAL with a message in err on the first bad option.
 */
int fp_opts_parse(struct fp_opts *o, int argc, char **argv,
		char *err, size_t errlen);

/*
 * The same; on an error, *at is the argv index of the option at fault
 * (for a conflict between two options, the later one), or 0 when no
 * option is.
 */
int fp_opts_parse_at(struct fp_opts *o, int argc, char **argv,
		char *err, size_t errlen, int *at);

/* Option names (without "--"), by index; NULL past the last. */
const char *fp_opts_name(unsigned int i);
/* The index of a long option name, or -1. */
int fp_opts_index(const char *name);
/* 1 when the option takes a value, 0 for a flag, -1 when unknown. */
int fp_opts_has_arg(const char *name);

/* The --help text: every option with its default. */
int fp_opts_help(char *buf, size_t len);

/* "default" / "symmetric" */
const char *fp_rss_key_name(enum fp_rss_key k);

#endif /* FP_OPTS_H */
