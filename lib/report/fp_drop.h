/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_DROP_H
#define FP_DROP_H

/*
 * Drop reasons. One X-macro generates the enum, the names (which are also
 * the telemetry keys of /fastpath/drops) and the resource flag.
 *
 * Names follow Linux's enum skb_drop_reason (include/net/dropreason-core.h)
 * where the meaning is the same. A "resource" reason is a loss for lack of
 * resources (ring full, no mbuf): it also counts in softnet_stat "dropped".
 * Protocol drops never do (DESIGN.md section 4).
 *
 * X(name, resource, description)
 */
#define FP_DROP_REASONS(X) \
	X(PKT_TOO_SMALL,   0, "frame or header shorter than its headers say") \
	X(OTHERHOST,       0, "frame not addressed to this host") \
	X(IP_CSUM,         0, "bad IPv4 header checksum") \
	X(IP_INHDR,        0, "bad IPv4 header (version, IHL, length)") \
	X(IP_NOPROTO,      0, "no handler for the IP protocol") \
	X(IP_INADDRERRORS, 0, "destination address not local") \
	X(IP_INNOROUTES,   0, "IPv6 destination with no route (not on a local prefix)") \
	X(IP_INVALID_SOURCE, 0, "martian source: multicast, broadcast or 0.0.0.0 (ip_route_input_slow)") \
	X(IP_LOCAL_SOURCE, 0, "martian source: one of this host's own addresses (fib_validate_source)") \
	X(IP_LOCALNET,     0, "loopback source or destination on the wire") \
	X(IP_SOURCE_ROUTE, 0, "IPv4 loose or strict source route option: a host does not accept it (accept_source_route 0)") \
	X(IP_INVALID_DEST, 0, "martian destination: 0.0.0.0") \
	X(MCAST_NOT_JOINED, 0, "multicast to a group no listener joined (the route lookup's membership check)") \
	X(UDP_CSUM,        0, "bad UDP checksum") \
	X(TCP_CSUM,        0, "bad TCP checksum") \
	X(ICMP_CSUM,       0, "bad ICMP checksum") \
	X(UNHANDLED_PROTO, 0, "ethertype or protocol not handled") \
	X(IPV6_BAD_EXTHDR, 0, "bad IPv6 extension header chain") \
	X(IPV6_SEG_ROUTING, 0, "IPv6 segment routing header (types 3, 4): off by default, as seg6_enabled and rpl_seg_enabled") \
	X(NO_SOCKET,       0, "no listener for the destination port") \
	X(SOCKET_FILTER,   0, "refused by the listener's handler") \
	X(SOCKET_RCVBUFF,  0, "the listener's buffer or consumer ring was full") \
	X(IGNORED_MULTI,   0, "multicast or broadcast datagram no listener wants") \
	X(INVALID_PROTO,   0, "ICMP echo to a broadcast or multicast address") \
	X(VLAN_FILTERED,   0, "VLAN id not in --vlan (without --vlan: any VLAN id but 0)") \
	X(IPV6_NDISC_HOP_LIMIT, 0, "neighbour discovery with hop limit not 255") \
	X(PKT_TOO_BIG,     0, "echo of a reassembled or over-MTU datagram: replies are not fragmented") \
	X(FRAG_REASM_TIMEOUT, 0, "fragment of a datagram never completed") \
	X(FRAG_FAILED,     0, "fragment reassembly failed (overlap, too many)") \
	X(DUP_FRAG,        0, "a fragment whose bytes a held fragment of its datagram already brought: dropped, the datagram goes on") \
	X(FULL_RING,       1, "tx ring full") \
	X(NOMEM,           1, "no mbuf available (reserved: fastpath allocates none; the PMD counts rx_nombuf)") \
	X(NO_TX_QUEUE,     1, "lcore has no tx queue on the port") \
	X(KERNEL_FULL,     1, "the exception path's TAP did not take the frame (interface down, write error, cannot fragment)")

enum fp_drop_reason {
#define FP_DROP_ENUM(name, res, desc) FP_DROP_##name,
	FP_DROP_REASONS(FP_DROP_ENUM)
#undef FP_DROP_ENUM
	FP_DROP_MAX
};

/* "PKT_TOO_SMALL" etc.; NULL for an out-of-range value. */
const char *fp_drop_name(unsigned int reason);
const char *fp_drop_desc(unsigned int reason);
/* 1 when the reason is a resource drop (softnet_stat "dropped"). */
int fp_drop_is_resource(unsigned int reason);

#endif /* FP_DROP_H */
