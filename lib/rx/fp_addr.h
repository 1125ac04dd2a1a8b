/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_ADDR_H
#define FP_ADDR_H

/*
 * IP addresses as the receive path sees them, and the host's local
 * addresses (--local-ip). With no local address at all the host is in sink
 * mode: every unicast destination is local.
 */
#include "fp_limits.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>


enum fp_family { FP_AF_NONE = 0, FP_AF_INET = 4, FP_AF_INET6 = 6 };

/* An address in network byte order; IPv4 in the first 4 bytes. */
struct fp_ip {
	uint8_t family;          /* enum fp_family */
	uint8_t b[16];
};

struct fp_local {
	bool host;                          /* any address: see fp_local_host */
	unsigned int nb_v4;
	uint32_t v4[FP_MAX_LOCAL];          /* network order */
	uint32_t v4_bcast[FP_MAX_LOCAL];    /* directed broadcast, or 0 */
	uint8_t v4_plen[FP_MAX_LOCAL];      /* prefix length (32 if none) */
	unsigned int nb_v6;
	uint8_t v6[FP_MAX_LOCAL][16];
	uint8_t v6_plen[FP_MAX_LOCAL];      /* prefix length (128 if none) */
	/* multicast groups joined by listeners */
	unsigned int nb_groups;
	struct fp_ip groups[FP_MAX_GROUPS];
};

/* Parse "10.0.0.1", "10.0.0.1/24", "2001:db8::1" or "2001:db8::1/64". */
int fp_ip_parse(const char *s, struct fp_ip *ip, int *prefix);
/* "10.0.0.1" or "2001:db8::1" into buf. */
int fp_ip_format(const struct fp_ip *ip, char *buf, size_t len);
bool fp_ip_is_multicast(const struct fp_ip *ip);

/* Add a --local-ip value. 0 or -EINVAL with err. */
int fp_local_add(struct fp_local *l, const char *s, char *err, size_t errlen);
/* Join a multicast group (a listener on a group address). */
int fp_local_join(struct fp_local *l, const struct fp_ip *group);

/*
 * Sink or host. With no --local-ip at all fastpath is a sink: every
 * destination is its own. With any, it is a host, and a host takes only
 * what is addressed to it: a family it has no address of is not its own
 * (unicast and broadcast; multicast only to groups a listener joined), as
 * a kernel without an address of that family drops it.
 */
static inline bool
fp_local_host(const struct fp_local *l)
{
	return l->host;                     /* nb_v4 != 0 || nb_v6 != 0 */
}

/* dst (network order) is one of our unicast IPv4 addresses; in sink mode
 * every unicast address is. */
static inline bool
fp_local_v4(const struct fp_local *l, uint32_t dst)
{
	unsigned int i;

	if (!fp_local_host(l))
		return true;
	for (i = 0; i < l->nb_v4; i++)
		if (l->v4[i] == dst)
			return true;
	return false;
}

/* 255.255.255.255 (a sink, or a host with an IPv4 address) or the directed
 * broadcast of a local subnet. */
static inline bool
fp_local_v4_bcast(const struct fp_local *l, uint32_t dst)
{
	unsigned int i;

	if (dst == UINT32_MAX)
		return !fp_local_host(l) || l->nb_v4 != 0;
	for (i = 0; i < l->nb_v4; i++)
		if (l->v4_bcast[i] != 0 && l->v4_bcast[i] == dst)
			return true;
	return false;
}

static inline bool
fp_local_v6(const struct fp_local *l, const uint8_t *dst)
{
	unsigned int i;

	if (!fp_local_host(l))
		return true;
	for (i = 0; i < l->nb_v6; i++)
		if (memcmp(l->v6[i], dst, 16) == 0)
			return true;
	return false;
}

/*
 * A source address the kernel's input route lookup refuses as martian for
 * a host, after the multicast, broadcast, zero and loopback checks (which
 * the IPv4 stage makes in ip_route_input_slow's order): one of its own
 * addresses, as fib_validate_source finds them with rp_filter off
 * (inet_lookup_ifaddr_rcu; a subnet's broadcast address passes). Network
 * order.
 */
static inline bool
fp_local_v4_own_src(const struct fp_local *l, uint32_t src)
{
	unsigned int i;

	/* 127.0.0.1 is lo's (127.0.0.0/8 past the loopback checks: only
	 * to the limited broadcast) */
	if (src == rte_cpu_to_be_32(0x7f000001))
		return true;
	for (i = 0; i < l->nb_v4; i++)
		if (l->v4[i] == src)
			return true;
	return false;
}

/* addr (network order) is on the subnet of a local IPv4 address: the
 * routes a host without a default route has. */
static inline bool
fp_local_v4_onlink(const struct fp_local *l, uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < l->nb_v4; i++) {
		uint32_t mask = l->v4_plen[i] == 0 ? 0 :
			rte_cpu_to_be_32(~0u << (32 - l->v4_plen[i]));

		if (((l->v4[i] ^ addr) & mask) == 0)
			return true;
	}
	return false;
}

/* dst is on the connected prefix of a local IPv6 address (the kernel has
 * a route to it, and, not forwarding, counts it InAddrErrors; with no
 * route it counts InNoRoutes). */
bool fp_local_v6_onlink(const struct fp_local *l, const uint8_t *dst);

/* fe80::/64 with mac as EUI-64 (RFC 4291 appendix A): the link-local
 * address the kernel gives an interface (addrconf_addr_eui48), which a
 * host with an IPv6 --local-ip has on each port, for ND and MLD. */
static inline void
fp_v6_link_local(const uint8_t *mac, uint8_t *ll)
{
	memset(ll, 0, 16);
	ll[0] = 0xfe;
	ll[1] = 0x80;
	ll[8] = mac[0] ^ 2;
	ll[9] = mac[1];
	ll[10] = mac[2];
	ll[11] = 0xff;
	ll[12] = 0xfe;
	ll[13] = mac[3];
	ll[14] = mac[4];
	ll[15] = mac[5];
}

/* addr is on a local IPv6 prefix or in fe80::/64: the routes of a host
 * without a default route. */
bool fp_local_v6_routed(const struct fp_local *l, const uint8_t *addr);

/* ff02::1:ff00:0/104, the solicited-node groups' prefix (13 bytes) */
extern const uint8_t fp_v6_sn_prefix[13];

/* A local IPv6 address whose solicited-node group is dst (ff02::1:ffXX:XXXX),
 * or NULL. */
const uint8_t *fp_local_v6_solicited(const struct fp_local *l,
		const uint8_t *dst);

/* Multicast dst accepted: joined by a listener, or all-hosts/all-nodes
 * (with an address or a joined group of the family), or (IPv6) the
 * solicited-node group of a local address. */
bool fp_local_mcast_accepted(const struct fp_local *l, const struct fp_ip *dst);

#endif /* FP_ADDR_H */
