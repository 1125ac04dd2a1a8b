/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_SNMP_H
#define FP_SNMP_H

#include <stdint.h>

/*
 * SNMP MIB counters under the kernel's own names (/proc/net/snmp,
 * /proc/net/netstat, /proc/net/snmp6 without the "Ip6"/"Udp6" prefix on
 * the field). One X-macro generates the enum, the group and field names
 * (the keys of /fastpath/snmp), so the three can never disagree.
 *
 * X(group, field)
 */
/*
 * Named counters in the kernel's order within each group (the ones a
 * burst touches most in the first 64, one word of a burst's dirty bits),
 * then the per-type tables, 256 counters each, indexed by type from
 * FP_SNMP_IcmpMsgIn_InType0 etc.: /proc/net/snmp's IcmpMsg row (InType8,
 * OutType3, ...) as groups IcmpMsgIn and IcmpMsgOut, /proc/net/snmp6's
 * Icmp6InType128 ... as Icmp6MsgIn and Icmp6MsgOut (field InType128). Two
 * groups per row keep every group within the 256 entries of a telemetry
 * dictionary; fastpath-stat prints them as the kernel's rows. The kernel
 * prints a type only when it is not zero; so does /fastpath/snmp
 * (fp_snmp_is_type).
 */
#define FP_SNMP_COUNTERS(X) \
	X(Ip, InReceives) X(Ip, InHdrErrors) X(Ip, InAddrErrors) \
	X(Ip, InUnknownProtos) X(Ip, InDiscards) X(Ip, InDelivers) \
	X(Ip, OutRequests) \
	X(Ip, ReasmTimeout) X(Ip, ReasmReqds) X(Ip, ReasmOKs) X(Ip, ReasmFails) \
	X(Ip, OutTransmits) \
	X(IpExt, InTruncatedPkts) X(IpExt, InMcastPkts) X(IpExt, OutMcastPkts) \
	X(IpExt, InBcastPkts) X(IpExt, InOctets) X(IpExt, OutOctets) \
	X(IpExt, InMcastOctets) X(IpExt, OutMcastOctets) X(IpExt, InBcastOctets) X(IpExt, InCsumErrors) \
	X(IpExt, InNoECTPkts) X(IpExt, InECT1Pkts) X(IpExt, InECT0Pkts) \
	X(IpExt, InCEPkts) \
	X(Ip6, InReceives) X(Ip6, InHdrErrors) X(Ip6, InNoRoutes) \
	X(Ip6, InAddrErrors) X(Ip6, InUnknownProtos) X(Ip6, InTruncatedPkts) \
	X(Ip6, InDiscards) X(Ip6, InDelivers) X(Ip6, OutRequests) \
	X(Ip6, OutNoRoutes) X(Ip6, OutTransmits) \
	X(Ip6, ReasmTimeout) X(Ip6, ReasmReqds) X(Ip6, ReasmOKs) \
	X(Ip6, ReasmFails) X(Ip6, InMcastPkts) X(Ip6, OutMcastPkts) \
	X(Ip6, InOctets) X(Ip6, OutOctets) X(Ip6, InMcastOctets) \
	X(Ip6, OutMcastOctets) \
	X(Ip6, InNoECTPkts) X(Ip6, InECT1Pkts) X(Ip6, InECT0Pkts) \
	X(Ip6, InCEPkts) \
	X(Icmp, InMsgs) X(Icmp, InErrors) X(Icmp, InCsumErrors) \
	FP_SNMP_ICMP_IN(FP_SNMP_COLUMN_X, X) \
	X(Icmp, OutMsgs) X(Icmp, OutRateLimitGlobal) X(Icmp, OutRateLimitHost) \
	FP_SNMP_ICMP_OUT(FP_SNMP_COLUMN_X, X) \
	X(Icmp6, InMsgs) X(Icmp6, InErrors) X(Icmp6, OutMsgs) \
	X(Icmp6, InCsumErrors) X(Icmp6, OutRateLimitHost) \
	FP_SNMP_ICMP6_IN(FP_SNMP_COLUMN_X, X) FP_SNMP_ICMP6_OUT(FP_SNMP_COLUMN_X, X) \
	X(Tcp, InSegs) X(Tcp, InErrs) X(Tcp, InCsumErrors) \
	X(Udp, InDatagrams) X(Udp, NoPorts) X(Udp, InErrors) X(Udp, OutDatagrams) \
	X(Udp, RcvbufErrors) X(Udp, SndbufErrors) X(Udp, InCsumErrors) \
	X(Udp, IgnoredMulti) \
	X(Udp6, InDatagrams) X(Udp6, NoPorts) X(Udp6, InErrors) \
	X(Udp6, OutDatagrams) X(Udp6, RcvbufErrors) X(Udp6, SndbufErrors) \
	X(Udp6, InCsumErrors) X(Udp6, IgnoredMulti) \
	X(UdpLite, InDatagrams) X(UdpLite, NoPorts) X(UdpLite, InErrors) \
	X(UdpLite, InCsumErrors) X(UdpLite, IgnoredMulti) \
	X(UdpLite6, InDatagrams) X(UdpLite6, NoPorts) X(UdpLite6, InErrors) \
	X(UdpLite6, InCsumErrors) \
	FP_SNMP_TYPES(X, IcmpMsgIn, InType) FP_SNMP_TYPES(X, IcmpMsgOut, OutType) \
	FP_SNMP_TYPES(X, Icmp6MsgIn, InType) FP_SNMP_TYPES(X, Icmp6MsgOut, OutType)

/*
 * The Icmp and Icmp6 rows' per-type columns, which the kernel reads from
 * its per-type tables (icmp_put, snmp6_seq_show_icmpv6msg): fastpath
 * derives them the same way when it reads an lcore's counters
 * (fp_snmp_derive). C(X, group, field, table, type)
 */
#define FP_SNMP_COLUMN_X(X, g, f, t, n) X(g, f)
#define FP_SNMP_ICMP_IN(C, X) \
	C(X, Icmp, InDestUnreachs, IcmpMsgIn, 3) C(X, Icmp, InTimeExcds, IcmpMsgIn, 11) \
	C(X, Icmp, InParmProbs, IcmpMsgIn, 12) C(X, Icmp, InSrcQuenchs, IcmpMsgIn, 4) \
	C(X, Icmp, InRedirects, IcmpMsgIn, 5) C(X, Icmp, InEchos, IcmpMsgIn, 8) \
	C(X, Icmp, InEchoReps, IcmpMsgIn, 0) C(X, Icmp, InTimestamps, IcmpMsgIn, 13) \
	C(X, Icmp, InTimestampReps, IcmpMsgIn, 14) C(X, Icmp, InAddrMasks, IcmpMsgIn, 17) \
	C(X, Icmp, InAddrMaskReps, IcmpMsgIn, 18)
#define FP_SNMP_ICMP_OUT(C, X) \
	C(X, Icmp, OutDestUnreachs, IcmpMsgOut, 3) C(X, Icmp, OutTimeExcds, IcmpMsgOut, 11) \
	C(X, Icmp, OutParmProbs, IcmpMsgOut, 12) C(X, Icmp, OutSrcQuenchs, IcmpMsgOut, 4) \
	C(X, Icmp, OutRedirects, IcmpMsgOut, 5) C(X, Icmp, OutEchos, IcmpMsgOut, 8) \
	C(X, Icmp, OutEchoReps, IcmpMsgOut, 0) C(X, Icmp, OutTimestamps, IcmpMsgOut, 13) \
	C(X, Icmp, OutTimestampReps, IcmpMsgOut, 14) C(X, Icmp, OutAddrMasks, IcmpMsgOut, 17) \
	C(X, Icmp, OutAddrMaskReps, IcmpMsgOut, 18)
#define FP_SNMP_ICMP6_IN(C, X) \
	C(X, Icmp6, InDestUnreachs, Icmp6MsgIn, 1) C(X, Icmp6, InPktTooBigs, Icmp6MsgIn, 2) \
	C(X, Icmp6, InTimeExcds, Icmp6MsgIn, 3) C(X, Icmp6, InParmProblems, Icmp6MsgIn, 4) \
	C(X, Icmp6, InEchos, Icmp6MsgIn, 128) C(X, Icmp6, InEchoReplies, Icmp6MsgIn, 129) \
	C(X, Icmp6, InGroupMembQueries, Icmp6MsgIn, 130) \
	C(X, Icmp6, InGroupMembResponses, Icmp6MsgIn, 131) \
	C(X, Icmp6, InGroupMembReductions, Icmp6MsgIn, 132) \
	C(X, Icmp6, InRouterSolicits, Icmp6MsgIn, 133) \
	C(X, Icmp6, InRouterAdvertisements, Icmp6MsgIn, 134) \
	C(X, Icmp6, InNeighborSolicits, Icmp6MsgIn, 135) \
	C(X, Icmp6, InNeighborAdvertisements, Icmp6MsgIn, 136) \
	C(X, Icmp6, InRedirects, Icmp6MsgIn, 137) C(X, Icmp6, InMLDv2Reports, Icmp6MsgIn, 143)
#define FP_SNMP_ICMP6_OUT(C, X) \
	C(X, Icmp6, OutDestUnreachs, Icmp6MsgOut, 1) C(X, Icmp6, OutPktTooBigs, Icmp6MsgOut, 2) \
	C(X, Icmp6, OutTimeExcds, Icmp6MsgOut, 3) C(X, Icmp6, OutParmProblems, Icmp6MsgOut, 4) \
	C(X, Icmp6, OutEchos, Icmp6MsgOut, 128) C(X, Icmp6, OutEchoReplies, Icmp6MsgOut, 129) \
	C(X, Icmp6, OutGroupMembQueries, Icmp6MsgOut, 130) \
	C(X, Icmp6, OutGroupMembResponses, Icmp6MsgOut, 131) \
	C(X, Icmp6, OutGroupMembReductions, Icmp6MsgOut, 132) \
	C(X, Icmp6, OutRouterSolicits, Icmp6MsgOut, 133) \
	C(X, Icmp6, OutRouterAdvertisements, Icmp6MsgOut, 134) \
	C(X, Icmp6, OutNeighborSolicits, Icmp6MsgOut, 135) \
	C(X, Icmp6, OutNeighborAdvertisements, Icmp6MsgOut, 136) \
	C(X, Icmp6, OutRedirects, Icmp6MsgOut, 137) C(X, Icmp6, OutMLDv2Reports, Icmp6MsgOut, 143)

/* X(g, p0) ... X(g, p255): a per-type table's 256 fields. */
#define FP_SNMP_TYPES(X, g, p) X(g, p##0) X(g, p##1) X(g, p##2) X(g, p##3) \
	X(g, p##4) X(g, p##5) X(g, p##6) X(g, p##7) X(g, p##8) X(g, p##9) \
	X(g, p##10) X(g, p##11) X(g, p##12) X(g, p##13) X(g, p##14) X(g, p##15) \
	X(g, p##16) X(g, p##17) X(g, p##18) X(g, p##19) X(g, p##20) X(g, p##21) \
	X(g, p##22) X(g, p##23) X(g, p##24) X(g, p##25) X(g, p##26) X(g, p##27) \
	X(g, p##28) X(g, p##29) X(g, p##30) X(g, p##31) X(g, p##32) X(g, p##33) \
	X(g, p##34) X(g, p##35) X(g, p##36) X(g, p##37) X(g, p##38) X(g, p##39) \
	X(g, p##40) X(g, p##41) X(g, p##42) X(g, p##43) X(g, p##44) X(g, p##45) \
	X(g, p##46) X(g, p##47) X(g, p##48) X(g, p##49) X(g, p##50) X(g, p##51) \
	X(g, p##52) X(g, p##53) X(g, p##54) X(g, p##55) X(g, p##56) X(g, p##57) \
	X(g, p##58) X(g, p##59) X(g, p##60) X(g, p##61) X(g, p##62) X(g, p##63) \
	X(g, p##64) X(g, p##65) X(g, p##66) X(g, p##67) X(g, p##68) X(g, p##69) \
	X(g, p##70) X(g, p##71) X(g, p##72) X(g, p##73) X(g, p##74) X(g, p##75) \
	X(g, p##76) X(g, p##77) X(g, p##78) X(g, p##79) X(g, p##80) X(g, p##81) \
	X(g, p##82) X(g, p##83) X(g, p##84) X(g, p##85) X(g, p##86) X(g, p##87) \
	X(g, p##88) X(g, p##89) X(g, p##90) X(g, p##91) X(g, p##92) X(g, p##93) \
	X(g, p##94) X(g, p##95) X(g, p##96) X(g, p##97) X(g, p##98) X(g, p##99) \
	X(g, p##100) X(g, p##101) X(g, p##102) X(g, p##103) X(g, p##104) \
	X(g, p##105) X(g, p##106) X(g, p##107) X(g, p##108) X(g, p##109) \
	X(g, p##110) X(g, p##111) X(g, p##112) X(g, p##113) X(g, p##114) \
	X(g, p##115) X(g, p##116) X(g, p##117) X(g, p##118) X(g, p##119) \
	X(g, p##120) X(g, p##121) X(g, p##122) X(g, p##123) X(g, p##124) \
	X(g, p##125) X(g, p##126) X(g, p##127) X(g, p##128) X(g, p##129) \
	X(g, p##130) X(g, p##131) X(g, p##132) X(g, p##133) X(g, p##134) \
	X(g, p##135) X(g, p##136) X(g, p##137) X(g, p##138) X(g, p##139) \
	X(g, p##140) X(g, p##141) X(g, p##142) X(g, p##143) X(g, p##144) \
	X(g, p##145) X(g, p##146) X(g, p##147) X(g, p##148) X(g, p##149) \
	X(g, p##150) X(g, p##151) X(g, p##152) X(g, p##153) X(g, p##154) \
	X(g, p##155) X(g, p##156) X(g, p##157) X(g, p##158) X(g, p##159) \
	X(g, p##160) X(g, p##161) X(g, p##162) X(g, p##163) X(g, p##164) \
	X(g, p##165) X(g, p##166) X(g, p##167) X(g, p##168) X(g, p##169) \
	X(g, p##170) X(g, p##171) X(g, p##172) X(g, p##173) X(g, p##174) \
	X(g, p##175) X(g, p##176) X(g, p##177) X(g, p##178) X(g, p##179) \
	X(g, p##180) X(g, p##181) X(g, p##182) X(g, p##183) X(g, p##184) \
	X(g, p##185) X(g, p##186) X(g, p##187) X(g, p##188) X(g, p##189) \
	X(g, p##190) X(g, p##191) X(g, p##192) X(g, p##193) X(g, p##194) \
	X(g, p##195) X(g, p##196) X(g, p##197) X(g, p##198) X(g, p##199) \
	X(g, p##200) X(g, p##201) X(g, p##202) X(g, p##203) X(g, p##204) \
	X(g, p##205) X(g, p##206) X(g, p##207) X(g, p##208) X(g, p##209) \
	X(g, p##210) X(g, p##211) X(g, p##212) X(g, p##213) X(g, p##214) \
	X(g, p##215) X(g, p##216) X(g, p##217) X(g, p##218) X(g, p##219) \
	X(g, p##220) X(g, p##221) X(g, p##222) X(g, p##223) X(g, p##224) \
	X(g, p##225) X(g, p##226) X(g, p##227) X(g, p##228) X(g, p##229) \
	X(g, p##230) X(g, p##231) X(g, p##232) X(g, p##233) X(g, p##234) \
	X(g, p##235) X(g, p##236) X(g, p##237) X(g, p##238) X(g, p##239) \
	X(g, p##240) X(g, p##241) X(g, p##242) X(g, p##243) X(g, p##244) \
	X(g, p##245) X(g, p##246) X(g, p##247) X(g, p##248) X(g, p##249) \
	X(g, p##250) X(g, p##251) X(g, p##252) X(g, p##253) X(g, p##254) \
	X(g, p##255)

enum fp_snmp_counter {
#define FP_SNMP_ENUM(g, f) FP_SNMP_##g##_##f,
	FP_SNMP_COUNTERS(FP_SNMP_ENUM)
#undef FP_SNMP_ENUM
	FP_SNMP_MAX
};

/* "Ip", "InReceives"; NULL out of range. */
const char *fp_snmp_group(unsigned int c);
const char *fp_snmp_field(unsigned int c);
/* c is in a per-type table (printed only when not zero). */
int fp_snmp_is_type(unsigned int c);
/* Fill the Icmp and Icmp6 per-type columns of snmp (FP_SNMP_MAX
 * counters) from its per-type tables, as the kernel reads them. */
void fp_snmp_derive(uint64_t *snmp);

#endif /* FP_SNMP_H */
