/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_MCAST_H
#define FP_MCAST_H

/*
 * Multicast group membership a host announces: IGMP (RFC 2236, 3376) and
 * MLD (RFC 2710, 3810), as Linux's net/ipv4/igmp.c and net/ipv6/mcast.c
 * do it. For every group a listener joins (and, IPv6, the solicited-node
 * group of each local address), per port and family:
 *
 * - unsolicited reports when fastpath starts, `robustness` of them, the
 *   first at once and each next one at a random moment within the
 *   unsolicited report interval (igmp_ifc_event / mld_ifc_event);
 * - answers to queries after a random delay within the query's maximum
 *   response time, a running timer kept when it is sooner
 *   (igmp_heard_query, igmp_mod_timer, igmp_gq_start_timer;
 *   __mld_query_work, igmp6_group_queried);
 * - the version an older querier asks for (IGMPv1/v2, MLDv1 queries turn
 *   the host to that version for robustness x 125 s + 10 s, RFC 3376
 *   7.2.1), and the older versions' report suppression (a report for the
 *   group heard from another host stops the timer, igmp_heard_report);
 * - leaves when it stops (IGMPv3/MLDv2 a TO_IN {} record per group,
 *   IGMPv2 a Leave and MLDv1 a Done when this host reported last).
 *
 * Pure C: the receive path records queries (any lcore, atomics); the lcore
 * that owns a port's membership asks what is due (fp_mcast_due), builds the
 * messages (fp_mcast_build) and sends them; time is the caller's TSC.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fp_addr.h"
#include "fp_listen.h"
#include "fp_stats.h"

/* --igmp / --mld: on|off[,KEY=VALUE] (the kernel's sysctls, defaults). */
struct fp_mcast_conf {
	bool off;
	uint32_t version;         /* the highest version spoken: IGMP 2|3 (3),
				   * MLD 1|2 (2); an older querier's is
				   * followed (the kernel's force_*_version 0;
				   * version=2 is force_igmp_version=2, MLD
				   * version=1 force_mld_version=1) */
	uint32_t robustness;      /* igmp_qrv / mld_qrv: 2 */
	uint32_t unsolicited_ms;  /* 0: the version's default, 1000 ms for
				   * IGMPv3/MLDv2, 10000 ms for IGMPv2/MLDv1 */
	uint32_t source;          /* IGMP's source (network order); 0: the
				   * first local IPv4 address, else 0.0.0.0 */
	bool source_set;
	bool given;               /* set by an option, not the default */
};

void fp_mcast_conf_defaults(struct fp_mcast_conf *c, unsigned int family);
/* "on" or "off", then ",version=N", ",robustness=N",
 * ",unsolicited-interval=MS", IGMP ",source=A.B.C.D". 0, or -EINVAL. */
int fp_mcast_conf_parse(struct fp_mcast_conf *c, unsigned int family,
		const char *s, char *err, size_t errlen);

#define FP_MCAST_MAX (FP_MAX_GROUPS + FP_MAX_LOCAL + 1)
#define FP_MCAST_QI_MS 125000     /* query interval (IGMP_QUERY_INTERVAL) */
#define FP_MCAST_QRI_MS 10000     /* query response interval */

/* A query or another host's report, as the receive path heard it. */
struct fp_mcast_heard {
	uint8_t what;             /* FP_MCAST_QUERY or FP_MCAST_REPORT */
	uint8_t version;          /* of the query, by its length: IGMP 1/2/3,
				   * MLD 1/2 */
	bool general;             /* a general query (group 0 / ::) */
	bool bad;                 /* never acted on (IGMP 9..11 bytes; MLD not
				   * link-local, hop limit, router alert, a
				   * group neither :: nor multicast) */
	bool v3_bad;              /* IGMPv3 / MLDv2 checks failed (sources
				   * missing, or in a general query; MLD 25..27
				   * bytes): ignored unless the host speaks an
				   * older version */
	uint8_t group[16];        /* IPv4 in the first 4 bytes */
	uint32_t max_resp_ms;     /* maximum response time (at least 1) */
	uint32_t max_v1_ms;       /* MLD: the delay as MLDv1 reads it */
};
#define FP_MCAST_QUERY 1
#define FP_MCAST_REPORT 2

/* Per port and family: the groups, their timers, the counters. */
struct fp_mcast_state {
	uint8_t family;           /* FP_AF_INET: IGMP, FP_AF_INET6: MLD */
	uint8_t mac[6];
	uint8_t src[16];          /* IGMP source; MLD: the link-local */
	uint16_t mtu;
	const struct fp_mcast_conf *conf;
	uint64_t tsc_hz;
	unsigned int nb_groups;
	uint8_t groups[FP_MCAST_MAX][16];
	uint16_t users[FP_MCAST_MAX];    /* listeners on it (0: the host's) */
	/* TSC; 0 = not running. Any lcore that hears a query sets them
	 * (atomics); the owner clears what it sends. */
	uint64_t gq_due;                 /* answer to a general query */
	uint64_t group_due[FP_MCAST_MAX];
	uint8_t reporter[FP_MCAST_MAX];  /* this host sent the last report */
	uint64_t v1_until;               /* an IGMPv1 / MLDv1 querier heard */
	uint64_t v2_until;               /* an IGMPv2 querier heard */
	/* the owner's */
	uint8_t unsolicit_left;
	uint64_t unsolicit_due;
	/* counters (relaxed atomics; several lcores may hear queries) */
	uint64_t reports;                /* reports sent (joins, answers) */
	uint64_t leaves;                 /* leave / done messages sent */
	uint64_t queries;                /* valid queries heard */
	uint64_t queries_ignored;        /* heard, not valid (kernel's rules) */
	uint64_t reports_heard;          /* other hosts' v1/v2 reports */
	uint64_t tx_errors;              /* built, not sent (no tx queue,
					  * ring full, no mbuf) */
};

/*
 * Set s up for the groups of `family` that listeners joined (and the
 * solicited-node groups of l's IPv6 addresses and mac's link-local
 * address). The kernel reports neither all-hosts 224.0.0.1, all-nodes
 * ff02::1, nor IPv6 groups of scope 0 or 1. Returns the number of groups
 * (0: nothing to announce).
 */
unsigned int fp_mcast_init(struct fp_mcast_state *s, unsigned int family,
		const struct fp_local *l, const struct fp_listen_table *t,
		const uint8_t *mac, uint16_t mtu, const struct fp_mcast_conf *c,
		uint64_t tsc_hz);

/*
 * Parse an IGMP message (family 4) or an MLD message (6; from its ICMPv6
 * header), len bytes, checksum already checked; ip_src the packet's
 * source; mld_query_ok: hop limit 1 and a router alert option (MLD).
 * 0 with *h filled for a query or a v1/v2 report; -1 for anything else.
 */
int fp_mcast_parse(unsigned int family, const uint8_t *msg, uint32_t len,
		const uint8_t *ip_src, bool mld_query_ok, struct fp_mcast_heard *h);

/* Act on what was heard at TSC now (a query the kernel would ignore counts
 * queries_ignored); rng: the caller's generator state. */
void fp_mcast_hear(struct fp_mcast_state *s, const struct fp_mcast_heard *h,
		uint64_t now, uint64_t *rng);

/* A message to send. */
enum fp_mcast_kind {
	FP_MCAST_JOIN,            /* unsolicited: state change TO_EX {} */
	FP_MCAST_CURRENT,         /* answer to a general query: IS_EX {} */
	FP_MCAST_GROUP,           /* answer about one group: IS_EX {} */
	FP_MCAST_LEAVE,           /* stopping: TO_IN {} / Leave / Done */
};
struct fp_mcast_msg {
	uint8_t kind;             /* enum fp_mcast_kind */
	uint8_t version;          /* IGMP 1/2/3, MLD 1/2 */
	uint16_t group;           /* FP_MCAST_GROUP: the group's index */
};

/* The link came up at now: the unsolicited reports start (again). */
void fp_mcast_link_up(struct fp_mcast_state *s, uint64_t now);

/* The version the host speaks at now: its own, or an older querier's. */
unsigned int fp_mcast_version(const struct fp_mcast_state *s, uint64_t now);

/* Messages due at now (the owner only), at most max, into msgs. */
unsigned int fp_mcast_due(struct fp_mcast_state *s, uint64_t now,
		uint64_t *rng, struct fp_mcast_msg *msgs, unsigned int max);

/* The leave message at now (stopping); 0 when the version has none. */
unsigned int fp_mcast_leave(struct fp_mcast_state *s, uint64_t now,
		struct fp_mcast_msg *msg);

/*
 * Build the next frame of m into buf (cap bytes), from the group at index
 * *next on; *next moves past the groups it holds. IGMPv3/MLDv2 pack every
 * record that fits in the MTU, v1/v2 one group a message (a Leave or Done
 * only for a group this host reported last). Returns the frame's length,
 * or 0 when m has nothing more. *ip_len: the IP packet's bytes.
 */
uint32_t fp_mcast_build(struct fp_mcast_state *s, const struct fp_mcast_msg *m,
		unsigned int *next, uint8_t *buf, uint32_t cap, uint32_t *ip_len);

/*
 * Count a message sent (ok) or not into ls and s: the kernel's output
 * counters for it (Ip OutRequests, OutTransmits, IpExt OutOctets,
 * OutMcastPkts, OutMcastOctets; Ip6 likewise with Icmp6 OutMsgs and the
 * type's counter), ls written by its one writer only.
 */
void fp_mcast_count(struct fp_mcast_state *s, struct fp_lcore_stats *ls,
		const struct fp_mcast_msg *m, uint32_t ip_len, bool ok);

/* xorshift64*: the delays' random numbers (seeded by the caller). */
uint64_t fp_mcast_rand(uint64_t *state);

#endif /* FP_MCAST_H */
