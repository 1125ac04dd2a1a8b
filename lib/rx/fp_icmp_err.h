/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_ICMP_ERR_H
#define FP_ICMP_ERR_H

/*
 * ICMP and ICMPv6 errors a host sends about what it received (a UDP
 * datagram to a closed port, an unknown protocol, an IPv6 destination
 * with no route), built in place of the offending packet, with the
 * kernel's rules for when not to send (__icmp_send, icmp6_send) and its
 * rate limits (icmp_global_allow, inet_peer_xrlim_allow).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --icmp-errors: the kernel's sysctls, its defaults (Linux 6.x). */
struct fp_icmp_conf {
	bool off;                   /* --icmp-errors off: never send one */
	uint32_t ratelimit_ms;      /* net.ipv4.icmp_ratelimit (1000) */
	uint32_t ratemask;          /* net.ipv4.icmp_ratemask (0x1818) */
	uint32_t msgs_per_sec;      /* net.ipv4.icmp_msgs_per_sec (1000) */
	uint32_t msgs_burst;        /* net.ipv4.icmp_msgs_burst (50) */
	uint32_t ratelimit6_ms;     /* net.ipv6.icmp.ratelimit (100) */
	/* the global bucket, per polling lcore: msgs_per_sec and msgs_burst
	 * divided among the lcores (the app sets them) */
	uint32_t lcore_per_sec;
	uint32_t lcore_burst;
	uint64_t tsc_hz;            /* the time base of fp_proc_ctx.now */
};

#define FP_ICMP_RATELIMIT_DEF 1000
#define FP_ICMP_RATEMASK_DEF 0x1818
#define FP_ICMP_MSGS_PER_SEC_DEF 1000
#define FP_ICMP_MSGS_BURST_DEF 50
#define FP_ICMP6_RATELIMIT_DEF 100

void fp_icmp_conf_defaults(struct fp_icmp_conf *c);
/* "off" or "on" with ",key=value" settings (ratelimit, ratemask,
 * msgs-per-sec, msgs-burst, ratelimit6). 0, or -EINVAL with err. */
int fp_icmp_conf_parse(struct fp_icmp_conf *c, const char *s, char *err,
		size_t errlen);

/* The per-destination-host token buckets (inet_peer), per lcore. */
#define FP_ICMP_PEERS 1024
struct fp_icmp_peer {
	uint8_t addr[16];         /* IPv4 in the first 4 bytes */
	uint8_t family;           /* 0: free */
	uint64_t tokens;          /* TSC cycles of credit */
	uint64_t last;
};

struct fp_icmp_limit {
	bool started;
	int64_t credit;           /* the global bucket */
	uint64_t stamp;
	uint16_t ip_id;           /* IPv4 ids of the errors sent */
	struct fp_icmp_peer peer[FP_ICMP_PEERS];
};

#endif /* FP_ICMP_ERR_H */
