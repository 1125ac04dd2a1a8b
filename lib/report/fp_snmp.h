/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_SNMP_H
#define FP_SNMP_H

/*
 * SNMP MIB counters under the kernel's own names (/proc/net/snmp,
 * /proc/net/netstat, /proc/net/snmp6 without the "Ip6"/"Udp6" prefix on
 * the field). One X-macro generates the enum, the group and field names
 * (the keys of /fastpath/snmp), so the three can never disagree.
 *
 * X(group, field)
 */
#define FP_SNMP_COUNTERS(X) \
	X(Ip, InReceives) X(Ip, InHdrErrors) X(Ip, InAddrErrors) \
	X(Ip, InUnknownProtos) X(Ip, InDiscards) X(Ip, InDelivers) \
	X(Ip, ReasmTimeout) X(Ip, ReasmReqds) X(Ip, ReasmOKs) X(Ip, ReasmFails) \
	X(IpExt, InCsumErrors) X(IpExt, InTruncatedPkts) X(IpExt, InMcastPkts) \
	X(IpExt, InBcastPkts) \
	X(Ip6, InReceives) X(Ip6, InHdrErrors) X(Ip6, InAddrErrors) \
	X(Ip6, InUnknownProtos) X(Ip6, InTruncatedPkts) X(Ip6, InDiscards) \
	X(Ip6, InDelivers) X(Ip6, InMcastPkts) X(Ip6, ReasmTimeout) \
	X(Ip6, ReasmReqds) X(Ip6, ReasmOKs) X(Ip6, ReasmFails) \
	X(Icmp, InMsgs) X(Icmp, InErrors) X(Icmp, InCsumErrors) X(Icmp, InEchos) \
	X(Icmp, InEchoReps) X(Icmp, OutMsgs) X(Icmp, OutEchoReps) \
	X(Icmp6, InMsgs) X(Icmp6, InErrors) X(Icmp6, InCsumErrors) \
	X(Icmp6, InEchos) X(Icmp6, InNeighborSolicits) X(Icmp6, OutMsgs) \
	X(Icmp6, OutEchoReplies) X(Icmp6, OutNeighborAdvertisements) \
	X(Tcp, InSegs) X(Tcp, InErrs) X(Tcp, InCsumErrors) \
	X(Udp, InDatagrams) X(Udp, NoPorts) X(Udp, InErrors) X(Udp, OutDatagrams) \
	X(Udp, RcvbufErrors) X(Udp, SndbufErrors) X(Udp, InCsumErrors) \
	X(Udp, IgnoredMulti) \
	X(Udp6, InDatagrams) X(Udp6, NoPorts) X(Udp6, InErrors) \
	X(Udp6, OutDatagrams) X(Udp6, RcvbufErrors) X(Udp6, SndbufErrors) \
	X(Udp6, InCsumErrors) X(Udp6, IgnoredMulti)

enum fp_snmp_counter {
#define FP_SNMP_ENUM(g, f) FP_SNMP_##g##_##f,
	FP_SNMP_COUNTERS(FP_SNMP_ENUM)
#undef FP_SNMP_ENUM
	FP_SNMP_MAX
};

/* "Ip", "InReceives"; NULL out of range. */
const char *fp_snmp_group(unsigned int c);
const char *fp_snmp_field(unsigned int c);

#endif /* FP_SNMP_H */
