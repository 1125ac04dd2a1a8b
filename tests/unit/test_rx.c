/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receive path, packet by packet: every drop reason and every SNMP
 * counter it moves, against packets built byte by byte.
 */
#include <arpa/inet.h>
#include <math.h>
#include <string.h>

#include <fastpath/handler.h>

#include "fp_opts.h"
#include "fp_proc.h"
#include "pkt.h"
#include "unit.h"

static struct fp_rx_conf conf;
static struct fp_lcore_stats ls;
static struct fp_seq_table seqt;
static struct fp_proc_ctx ctx;
static struct fp_burst out;
static struct tpkt tp;

/* Outcome of one packet. */
enum { R_DELIVER = -1, R_TX = -2, R_HELD = -3, R_KERNEL = -4 };

static void
fixture(void)
{
	unsigned int i;

	memset(&conf, 0, sizeof(conf));
	memset(&ls, 0, sizeof(ls));
	memset(&seqt, 0, sizeof(seqt));
	memcpy(conf.port[0].mac, T_MAC_US, 6);
	conf.port[0].mtu = 1500;
	/* every listener's handler state is the seq table (only the seq
	 * handler has one) */
	fp_proc_ctx_init(&ctx, &ls, &conf, &seqt);
	for (i = 0; i < FP_MAX_LISTENERS; i++)
		ctx.hstate[i] = &seqt;
	tpkt_init(&tp);
}

static void
local(const char *a)
{
	CU_ASSERT_EQUAL_FATAL(fp_local_add(&conf.local, a, NULL, 0), 0);
}

static void
listen_on(const char *spec)
{
	char err[256];

	CU_ASSERT_EQUAL_FATAL(fp_listen_add(&conf.listen, &conf.local, spec,
		err, sizeof(err)), 0);
}

/* as a reader sees them: the per-type columns read from the type tables */
#define SNMP(g, f) (fp_snmp_derive(ls.snmp), ls.snmp[FP_SNMP_##g##_##f])
#define DROPS(r) (ls.drop_reason[FP_DROP_##r])

/* Run tp through the receive path; R_* or the drop reason. */
static int
run(void)
{
	struct rte_mbuf *pkts[1] = { &tp.m };
	uint64_t before[FP_DROP_MAX];
	unsigned int r;

	memcpy(before, ls.drop_reason, sizeof(before));
	fp_proc_burst(&ctx, pkts, 1, &out);
	CU_ASSERT_EQUAL(out.delivered + out.drops + out.tx_frames + out.held +
			out.to_kernel, 1);
	if (out.nb_tx == 1)
		return R_TX;
	if (out.nb_kernel == 1)
		return R_KERNEL;
	if (out.delivered == 1)
		return R_DELIVER;
	if (out.held == 1)
		return R_HELD;
	for (r = 0; r < FP_DROP_MAX; r++)
		if (ls.drop_reason[r] != before[r])
			return (int)r;
	CU_FAIL("no fate");
	return -100;
}

/* A valid UDP/IPv4 datagram to port 9, 18 payload bytes. */
static void
udp4(const char *dst, uint16_t dport)
{
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", dst, 17);
	pb_udp(&tp, 5555, dport);
	pb_bytes(&tp, "0123456789abcdefgh", 18);
	pb_finish(&tp);
}

static void
udp6(const char *dst, uint16_t dport)
{
	pb_eth(&tp, T_MAC_US, 0x86dd);
	pb_ip6(&tp, "2001:db8::2", dst, 17);
	pb_udp(&tp, 5555, dport);
	pb_bytes(&tp, "0123456789", 10);
	pb_finish(&tp);
}

static uint8_t *
ip_hdr(void)
{
	return tpkt_data(&tp) + tp.l3;
}

/* After editing the IPv4 header: make its checksum right again. */
static void
fix_ip4_csum(void)
{
	uint8_t *ip = tpkt_data(&tp) + tp.l3;
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = (uint16_t)~t_csum(ip, (ip[0] & 0xfu) * 4, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

static uint8_t *
l4_hdr(void)
{
	return tpkt_data(&tp) + tp.l4;
}

/* ---- layer 2 ---- */

static void
test_l2(void)
{
	fixture();
	pb_zeros(&tp, 13);
	CU_ASSERT_EQUAL(run(), FP_DROP_PKT_TOO_SMALL);

	fixture();
	pb_eth(&tp, T_MAC_US, 0x88cc);          /* LLDP */
	pb_zeros(&tp, 46);
	CU_ASSERT_EQUAL(run(), FP_DROP_UNHANDLED_PROTO);

	/* host mode: a frame to another MAC is OTHERHOST, before IP counts */
	fixture();
	local("10.1.0.1");
	listen_on("9=count");
	pb_eth(&tp, T_MAC_OTHER, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_OTHERHOST);
	CU_ASSERT_EQUAL(SNMP(Ip, InReceives), 0);

	/* sink mode takes it */
	fixture();
	listen_on("9=count");
	pb_eth(&tp, T_MAC_OTHER, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
}

/* --vlan 0-4095: every VLAN id on the outer tag */
static void
vlan_all(void)
{
	conf.vlan_filter = true;
	memset(conf.vlan_allow, 0xff, sizeof(conf.vlan_allow));
}

static void
test_vlan(void)
{
	static const uint16_t tpid[2] = { 0x8100, 0x88a8 };
	unsigned int i;

	/* without --vlan: a VLAN id is not for this host, a priority tag
	 * (VLAN id 0) is stripped, however many */
	fixture();
	listen_on("9=count");
	pb_eth(&tp, T_MAC_US, 0x8100);
	pb_vlan(&tp, 100, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_VLAN_FILTERED);
	CU_ASSERT_EQUAL(SNMP(Ip, InReceives), 0);
	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_US, 0x8100);
	pb_vlan(&tp, 0, 0x8100);
	pb_vlan(&tp, 0, 0x8100);
	pb_vlan(&tp, 0, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(SNMP(Udp, InDatagrams), 1);
	for (i = 0; i < 2; i++) {
		fixture();
		vlan_all();
		listen_on("9=count");
		pb_eth(&tp, T_MAC_US, tpid[i]);
		pb_vlan(&tp, 100, 0x0800);
		pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
		pb_udp(&tp, 1, 9);
		pb_finish(&tp);
		CU_ASSERT_EQUAL(run(), R_DELIVER);
		CU_ASSERT_EQUAL(SNMP(Udp, InDatagrams), 1);
	}
	/* QinQ: 802.1ad outer, 802.1Q inner */
	fixture();
	vlan_all();
	listen_on("9=count");
	pb_eth(&tp, T_MAC_US, 0x88a8);
	pb_vlan(&tp, 10, 0x8100);
	pb_vlan(&tp, 20, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	/* three tags */
	fixture();
	vlan_all();
	pb_eth(&tp, T_MAC_US, 0x88a8);
	pb_vlan(&tp, 10, 0x8100);
	pb_vlan(&tp, 20, 0x8100);
	pb_vlan(&tp, 30, 0x0800);
	pb_zeros(&tp, 40);
	CU_ASSERT_EQUAL(run(), FP_DROP_UNHANDLED_PROTO);
	/* a tag cut short */
	fixture();
	pb_eth(&tp, T_MAC_US, 0x8100);
	pb_zeros(&tp, 2);
	CU_ASSERT_EQUAL(run(), FP_DROP_PKT_TOO_SMALL);
}

static void
test_vlan_filter(void)
{
	struct fp_opts o;
	char err[256];
	char *argv[] = { "fastpath", "--vlan", "100-101", NULL };

	fp_opts_defaults(&o);
	CU_ASSERT_EQUAL_FATAL(fp_opts_parse(&o, 3, argv, err, sizeof(err)), 0);
	fixture();
	conf.vlan_filter = o.vlan_filter;
	memcpy(conf.vlan_allow, o.vlan_allow, sizeof(conf.vlan_allow));
	listen_on("9=count");
	pb_eth(&tp, T_MAC_US, 0x8100);
	pb_vlan(&tp, 101, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_US, 0x8100);
	pb_vlan(&tp, 200, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_VLAN_FILTERED);
	/* untagged is VLAN 0: not in the list */
	tpkt_init(&tp);
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), FP_DROP_VLAN_FILTERED);
	/* a priority tag first: the VLAN id after it is the one filtered */
	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_US, 0x8100);
	pb_vlan(&tp, 0, 0x8100);
	pb_vlan(&tp, 101, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	conf.vlan_allow[0] = 1;                  /* --vlan 0 */
	conf.vlan_allow[101 / 64] = 0;
	CU_ASSERT_EQUAL(run(), FP_DROP_VLAN_FILTERED);
}

static void
test_fcs_and_padding(void)
{
	uint8_t *u;

	/* a 28-byte IP packet padded to the 60-byte minimum */
	fixture();
	listen_on("9=count");
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	pb_pad(&tp, 60);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(ls.listener[0].bytes, 0);

	/* the port keeps the FCS: 4 more bytes, not part of the packet */
	fixture();
	conf.port[0].keep_crc = true;
	listen_on("9=count");
	udp4("10.1.0.1", 9);
	pb_bytes(&tp, "\xde\xad\xbe\xef", 4);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(ls.listener[0].bytes, 18);
	/* without keep_crc the same frame still parses (FCS = padding) */
	fixture();
	listen_on("9=count");
	udp4("10.1.0.1", 9);
	pb_bytes(&tp, "\xde\xad\xbe\xef", 4);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	/* keep_crc on a frame without room for it */
	fixture();
	conf.port[0].keep_crc = true;
	pb_zeros(&tp, 3);
	CU_ASSERT_EQUAL(run(), FP_DROP_PKT_TOO_SMALL);
	(void)u;
}

/* ---- IPv4 ---- */

static void
test_ipv4_header(void)
{
	static const uint8_t good_opts[4] = { 1, 1, 1, 0 };     /* NOP NOP NOP EOL */
	static const uint8_t bad_opts[4] = { 7, 9, 0, 0 };      /* len past header */

	/* IHL < 5 */
	fixture();
	udp4("10.1.0.1", 9);
	ip_hdr()[0] = 0x44;
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_INHDR);
	CU_ASSERT_EQUAL(SNMP(Ip, InReceives), 1);
	CU_ASSERT_EQUAL(SNMP(Ip, InHdrErrors), 1);
	/* version 6 under ethertype IPv4 */
	fixture();
	udp4("10.1.0.1", 9);
	ip_hdr()[0] = 0x65;
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_INHDR);
	CU_ASSERT_EQUAL(SNMP(Ip, InHdrErrors), 1);
	/* shorter than a header */
	fixture();
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_zeros(&tp, 19);
	tpkt_data(&tp)[14] = 0x45;
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_INHDR);
	CU_ASSERT_EQUAL(SNMP(Ip, InHdrErrors), 1);
	/* bad header checksum: InCsumErrors and InHdrErrors */
	fixture();
	udp4("10.1.0.1", 9);
	ip_hdr()[10] ^= 0x55;
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_CSUM);
	CU_ASSERT_EQUAL(SNMP(IpExt, InCsumErrors), 1);
	CU_ASSERT_EQUAL(SNMP(Ip, InHdrErrors), 1);
	/* total length beyond the frame */
	fixture();
	udp4("10.1.0.1", 9);
	tp.m.data_len -= 5;
	tp.m.pkt_len -= 5;
	CU_ASSERT_EQUAL(run(), FP_DROP_PKT_TOO_SMALL);
	CU_ASSERT_EQUAL(SNMP(IpExt, InTruncatedPkts), 1);
	CU_ASSERT_EQUAL(SNMP(Ip, InHdrErrors), 0);
	/* total length below the header length */
	fixture();
	udp4("10.1.0.1", 9);
	ip_hdr()[2] = 0;
	ip_hdr()[3] = 16;
	fix_ip4_csum();
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_INHDR);
	/* options: valid, and one running past the header */
	fixture();
	listen_on("9=count");
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_ip4_opts(&tp, good_opts, 4);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	fixture();
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_ip4_opts(&tp, bad_opts, 4);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_INHDR);
}

static void
test_ipv4_offload_flags(void)
{
	/* the PMD says bad: trusted even though the checksum is right */
	fixture();
	listen_on("9=count");
	udp4("10.1.0.1", 9);
	tp.m.ol_flags = RTE_MBUF_F_RX_IP_CKSUM_BAD;
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_CSUM);
	/* the PMD says good: not checked again */
	fixture();
	listen_on("9=count");
	udp4("10.1.0.1", 9);
	ip_hdr()[10] ^= 1;
	tp.m.ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	/* L4 bad from the PMD */
	fixture();
	listen_on("9=count");
	udp4("10.1.0.1", 9);
	tp.m.ol_flags = RTE_MBUF_F_RX_L4_CKSUM_BAD;
	CU_ASSERT_EQUAL(run(), FP_DROP_UDP_CSUM);
	CU_ASSERT_EQUAL(SNMP(Udp, InCsumErrors), 1);
}

static void
test_ipv4_delivery(void)
{
	/* not ours (host mode) */
	fixture();
	local("10.1.0.1");
	udp4("10.1.0.7", 9);
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_INADDRERRORS);
	CU_ASSERT_EQUAL(SNMP(Ip, InAddrErrors), 1);
	/* ours, unknown protocol */
	fixture();
	local("10.1.0.1");
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 47);
	pb_zeros(&tp, 8);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_NOPROTO);
	CU_ASSERT_EQUAL(SNMP(Ip, InUnknownProtos), 1);
	CU_ASSERT_EQUAL(SNMP(Ip, InDelivers), 0);
	/* ours, UDP: InReceives, InDelivers, InDatagrams */
	fixture();
	local("10.1.0.1/24");
	listen_on("9=count");
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(SNMP(Ip, InReceives), 1);
	CU_ASSERT_EQUAL(SNMP(Ip, InDelivers), 1);
	CU_ASSERT_EQUAL(SNMP(Udp, InDatagrams), 1);
	CU_ASSERT_EQUAL(ls.listener[0].datagrams, 1);
	CU_ASSERT_EQUAL(ls.listener[0].bytes, 18);
	/* directed broadcast of the /24 */
	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_BCAST, 0x0800);
	pb_ip4(&tp, "10.1.0.2", "10.1.0.255", 17);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(SNMP(IpExt, InBcastPkts), 1);
	/* fragment with no reassembly: counted as a failure */
	fixture();
	udp4("10.1.0.1", 9);
	ip_hdr()[6] = 0x20;                      /* MF */
	fix_ip4_csum();
	CU_ASSERT_EQUAL(run(), FP_DROP_FRAG_FAILED);
	CU_ASSERT_EQUAL(SNMP(Ip, ReasmReqds), 1);
	CU_ASSERT_EQUAL(SNMP(Ip, ReasmFails), 1);
}

/* ---- UDP ---- */

static void
test_udp(void)
{
	/* no listener: NoPorts after a good checksum */
	fixture();
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), FP_DROP_NO_SOCKET);
	CU_ASSERT_EQUAL(SNMP(Udp, NoPorts), 1);
	CU_ASSERT_EQUAL(SNMP(Udp, InErrors), 0);
	/* no listener, bad checksum: a checksum error, not NoPorts */
	fixture();
	udp4("10.1.0.1", 9);
	l4_hdr()[6] ^= 0x10;
	CU_ASSERT_EQUAL(run(), FP_DROP_UDP_CSUM);
	CU_ASSERT_EQUAL(SNMP(Udp, NoPorts), 0);
	CU_ASSERT_EQUAL(SNMP(Udp, InCsumErrors), 1);
	CU_ASSERT_EQUAL(SNMP(Udp, InErrors), 1);
	/* listener, bad checksum: its drops too */
	fixture();
	listen_on("9=count");
	udp4("10.1.0.1", 9);
	l4_hdr()[8] ^= 0x10;                      /* payload changed */
	CU_ASSERT_EQUAL(run(), FP_DROP_UDP_CSUM);
	CU_ASSERT_EQUAL(ls.listener[0].drops, 1);
	CU_ASSERT_EQUAL(SNMP(Udp, InDatagrams), 0);
	/* zero checksum over IPv4: no checksum, accepted */
	fixture();
	listen_on("9=count");
	udp4("10.1.0.1", 9);
	l4_hdr()[6] = l4_hdr()[7] = 0;
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	/* UDP length past the payload, and below 8 */
	fixture();
	listen_on("9=count");
	udp4("10.1.0.1", 9);
	l4_hdr()[5] += 1;
	CU_ASSERT_EQUAL(run(), FP_DROP_PKT_TOO_SMALL);
	CU_ASSERT_EQUAL(SNMP(Udp, InErrors), 1);
	fixture();
	udp4("10.1.0.1", 9);
	l4_hdr()[4] = 0;
	l4_hdr()[5] = 7;
	CU_ASSERT_EQUAL(run(), FP_DROP_PKT_TOO_SMALL);
	/* IP payload shorter than a UDP header */
	fixture();
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_zeros(&tp, 4);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_PKT_TOO_SMALL);
	CU_ASSERT_EQUAL(SNMP(Udp, InErrors), 1);
	/* UDP shorter than the IP payload: the rest is not UDP */
	fixture();
	listen_on("9=count");
	udp4("10.1.0.1", 9);
	l4_hdr()[5] -= 8;      /* 10 payload bytes instead of 18 */
	l4_hdr()[6] = l4_hdr()[7] = 0;
	{
		uint16_t c = (uint16_t)~t_l4_sum(&tp, ip_hdr(), l4_hdr(), 18, 17);

		l4_hdr()[6] = (uint8_t)(c >> 8);
		l4_hdr()[7] = (uint8_t)c;
	}
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(ls.listener[0].bytes, 10);
}

static void
test_udp_multicast(void)
{
	static const char long_payload[80] = "longer than CHECKSUM_BREAK";

	/* no listener: a short datagram's checksum is checked on arrival
	 * (udp4_csum_init, up to 76 bytes), a longer one's never:
	 * IgnoredMulti whatever it is */
	fixture();
	pb_eth(&tp, T_MAC_BCAST, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "255.255.255.255", 17);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	l4_hdr()[6] ^= 1;
	CU_ASSERT_EQUAL(run(), FP_DROP_UDP_CSUM);
	CU_ASSERT_EQUAL(SNMP(Udp, InCsumErrors), 1);
	CU_ASSERT_EQUAL(SNMP(Udp, IgnoredMulti), 0);
	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_BCAST, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "255.255.255.255", 17);
	pb_udp(&tp, 1, 9);
	pb_bytes(&tp, long_payload, sizeof(long_payload));
	pb_finish(&tp);
	l4_hdr()[6] ^= 1;
	CU_ASSERT_EQUAL(run(), FP_DROP_IGNORED_MULTI);
	CU_ASSERT_EQUAL(SNMP(Udp, IgnoredMulti), 1);
	CU_ASSERT_EQUAL(SNMP(Udp, NoPorts), 0);
	/* a listener on the group takes it; the group is joined */
	fixture();
	local("10.1.0.1");
	listen_on("239.1.1.1:5000=count");
	pb_eth(&tp, T_MAC_BCAST, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "239.1.1.1", 17);
	pb_udp(&tp, 1, 5000);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(SNMP(IpExt, InMcastPkts), 1);
	/* a group nobody joined, host mode: the kernel's route lookup
	 * fails (ip_route_input_rcu) and moves neither InAddrErrors nor
	 * InMcastPkts */
	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_BCAST, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "239.9.9.9", 17);
	pb_udp(&tp, 1, 5000);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_MCAST_NOT_JOINED);
	CU_ASSERT_EQUAL(SNMP(IpExt, InMcastPkts), 1);
	CU_ASSERT_EQUAL(SNMP(Ip, InAddrErrors), 0);
	CU_ASSERT_EQUAL(DROPS(MCAST_NOT_JOINED), 1);
}

/* Which listener takes a datagram to dst:port (family 4 or 6), -1: none. */
static int
lookup(unsigned int family, const char *dst, uint16_t port)
{
	struct fp_ip ip;

	CU_ASSERT_EQUAL_FATAL(fp_ip_parse(dst, &ip, NULL), 0);
	return fp_listen_lookup(&conf.listen, family, ip.b, port);
}

/* A socket's bind semantics: 0.0.0.0 any IPv4, [::] any (dual-stack),
 * [::] with v6only any IPv6, no address both; exact, then the family's
 * wildcard, then one for both. */
static void
test_listener_wildcards(void)
{
	char err[256];

	fixture();
	listen_on("0.0.0.0:9=count");          /* 0 */
	CU_ASSERT_EQUAL(lookup(4, "10.1.0.1", 9), 0);
	CU_ASSERT_EQUAL(lookup(6, "2001:db8::1", 9), -1);
	listen_on("[::]:9=count,v6only");      /* 1 */
	CU_ASSERT_EQUAL(lookup(6, "2001:db8::1", 9), 1);
	CU_ASSERT_EQUAL(lookup(4, "10.1.0.1", 9), 0);
	listen_on("10.1.0.1:9=count");         /* 2 */
	CU_ASSERT_EQUAL(lookup(4, "10.1.0.1", 9), 2);
	CU_ASSERT_EQUAL(lookup(4, "10.1.0.2", 9), 0);
	/* [::] without v6only takes IPv4 too, after an IPv4 wildcard */
	listen_on("[::]:7=count");             /* 3 */
	CU_ASSERT_EQUAL(lookup(4, "10.1.0.1", 7), 3);
	CU_ASSERT_EQUAL(lookup(6, "2001:db8::1", 7), 3);
	listen_on("0.0.0.0:7=count");          /* 4 */
	CU_ASSERT_EQUAL(lookup(4, "10.1.0.1", 7), 4);
	CU_ASSERT_EQUAL(lookup(6, "2001:db8::1", 7), 3);
	/* no address: both, after either family's wildcard */
	listen_on("5=count");                  /* 5 */
	listen_on("[::]:5=count,v6only");      /* 6 */
	CU_ASSERT_EQUAL(lookup(4, "10.1.0.1", 5), 5);
	CU_ASSERT_EQUAL(lookup(6, "2001:db8::1", 5), 6);
	/* the same wildcard twice, and v6only on anything but [::] */
	CU_ASSERT_NOT_EQUAL(fp_listen_add(&conf.listen, &conf.local, "0.0.0.0:9=count",
			err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(fp_listen_add(&conf.listen, &conf.local, "10.1.0.9:9=count,v6only",
			err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "v6only applies to [::] only"));
	{
		char a[64];

		fp_listener_format(&conf.listen.l[0], a, sizeof(a));
		CU_ASSERT_STRING_EQUAL(a, "0.0.0.0:9");
		fp_listener_format(&conf.listen.l[3], a, sizeof(a));
		CU_ASSERT_STRING_EQUAL(a, "[::]:7");
		fp_listener_format(&conf.listen.l[5], a, sizeof(a));
		CU_ASSERT_STRING_EQUAL(a, "*:5");
	}
}

static void
test_listener_lookup(void)
{
	fixture();
	local("10.1.0.1");
	local("10.1.0.2");
	listen_on("9=count");              /* 0: wildcard */
	listen_on("10.1.0.2:9=count");     /* 1: exact */
	udp4("10.1.0.2", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(ls.listener[1].datagrams, 1);
	CU_ASSERT_EQUAL(ls.listener[0].datagrams, 0);
	tpkt_init(&tp);
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(ls.listener[0].datagrams, 1);
	/* behind a VLAN tag the address sits at a 2-byte alignment: the
	 * lookup must not load it as a uint32_t (UBSan found that) */
	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_US, 0x8100);
	pb_vlan(&tp, 0, 0x0800);                 /* a priority tag */
	pb_ip4(&tp, "10.0.0.2", "10.1.0.2", 17);
	pb_udp(&tp, 1, 9);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(((uintptr_t)(tpkt_data(&tp) + 18 + 16)) % 4, 2);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(ls.listener[1].datagrams, 2);
	/* the wildcard takes IPv6 too (to a local IPv6 address), counted
	 * under Udp6 */
	local("2001:db8::1");
	tpkt_init(&tp);
	udp6("2001:db8::1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(SNMP(Udp6, InDatagrams), 1);
	CU_ASSERT_EQUAL(ls.listener[0].datagrams, 2);
	CU_ASSERT_EQUAL(ls.listener[1].datagrams, 2);
}

static void arp(uint16_t op, const char *tip);

/* The packet in tp is not for a host without an address of its family. */
static void
not_ours(int v6)
{
	uint64_t inaddr = v6 ? SNMP(Ip6, InAddrErrors) : SNMP(Ip, InAddrErrors);
	uint64_t drops = DROPS(IP_INADDRERRORS);

	CU_ASSERT_EQUAL(run(), FP_DROP_IP_INADDRERRORS);
	CU_ASSERT_EQUAL(DROPS(IP_INADDRERRORS), drops + 1);
	CU_ASSERT_EQUAL(v6 ? SNMP(Ip6, InAddrErrors) : SNMP(Ip, InAddrErrors),
			inaddr + 1);
	tpkt_init(&tp);
}

/*
 * A host with addresses of one family takes nothing of the other family
 * (a kernel without an address of that family drops it): unicast,
 * broadcast and unjoined groups are IP_INADDRERRORS; a group a listener
 * joined is taken, and with it all-hosts / all-nodes, where the general
 * IGMP / MLD queries about it come.
 */
static void
test_host_one_family(void)
{
	/* IPv4 only: IPv6 to anything but a joined group is not ours */
	fixture();
	local("10.1.0.1");
	listen_on("9=count");
	listen_on("[ff05::99]:9=count");
	udp6("2001:db8::99", 9);
	not_ours(1);
	udp6("ff05::1234", 9);
	not_ours(1);
	udp6("ff02::1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	tpkt_init(&tp);
	udp6("ff05::99", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(ls.listener[1].datagrams, 1);
	tpkt_init(&tp);
	udp4("10.1.0.1", 9);                  /* its own family still works */
	CU_ASSERT_EQUAL(run(), R_DELIVER);

	/* IPv6 only: the reverse, and no ARP answered */
	fixture();
	local("2001:db8::1");
	listen_on("9=count");
	listen_on("239.1.1.1:9=count");
	udp4("10.1.0.1", 9);
	not_ours(0);
	udp4("255.255.255.255", 9);
	not_ours(0);
	udp4("224.0.0.1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	tpkt_init(&tp);
	udp4("239.9.9.9", 9);
	not_ours(0);
	udp4("239.1.1.1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(ls.listener[1].datagrams, 1);
	tpkt_init(&tp);
	arp(1, "10.1.0.1");
	CU_ASSERT_EQUAL(run(), R_DELIVER);    /* consumed, never answered */
	tpkt_init(&tp);
	udp6("2001:db8::1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);

	/* without a group of the family, all-hosts is not its own either */
	fixture();
	local("2001:db8::1");
	udp4("224.0.0.1", 9);
	not_ours(0);

	/* a sink takes both families */
	fixture();
	listen_on("9=count");
	udp6("2001:db8::99", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	tpkt_init(&tp);
	udp4("10.9.9.9", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
}

static void
test_listen_parse(void)
{
	static const char *const bad[] = { "9", "=count", "0=count", "70000=count",
		"9=frob", "x:9=count", "[10.0.0.1]:9=count", "[2001:db8::1]9=count",
		"9=count,x=1", "9=seq,size=3", "9=seq,order=xe", "9=seq,offset=x",
		"9=seq,bogus=1", "9=seq,offset", "239.1.1.1:9=echo" };
	struct fp_listen_table t;
	struct fp_local l;
	char err[256], buf[64];
	unsigned int i;

	memset(&l, 0, sizeof(l));
	memset(&t, 0, sizeof(t));
	CU_ASSERT_EQUAL(fp_listen_add(&t, &l, "[2001:db8::1]:9=count", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fp_listen_add(&t, &l, "239.1.1.1:5000=seq,offset=2,size=8,order=le",
		err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.l[1].seq_offset, 2);
	CU_ASSERT_EQUAL(t.l[1].seq_size, 8);
	CU_ASSERT_TRUE(t.l[1].seq_le);
	CU_ASSERT_EQUAL(l.nb_groups, 1);
	fp_listener_format(&t.l[0], buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "[2001:db8::1]:9");
	fp_listener_format(&t.l[1], buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "239.1.1.1:5000");
	CU_ASSERT_EQUAL(fp_listen_add(&t, &l, "7=echo", err, sizeof(err)), 0);
	fp_listener_format(&t.l[2], buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "*:7");
	CU_ASSERT_EQUAL(fp_listen_add(&t, &l, "7=count", err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "exists"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(fp_listen_add(&t, &l, bad[i], err, sizeof(err)), -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "--listen"));
	}
}

static void
test_local_parse(void)
{
	struct fp_local l;
	char err[256];

	memset(&l, 0, sizeof(l));
	CU_ASSERT_EQUAL(fp_local_add(&l, "10.1.0.1/24", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fp_local_add(&l, "2001:db8::1", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fp_local_add(&l, "10.1.0.1", err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fp_local_add(&l, "10.1.0.300", err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fp_local_add(&l, "10.1.0.2/33", err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fp_local_add(&l, "239.1.1.1", err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fp_local_add(&l, "0.0.0.0", err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fp_local_add(&l, "::", err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(l.nb_v4, 1);
	CU_ASSERT_EQUAL(l.nb_v6, 1);
	CU_ASSERT_EQUAL(l.v4_bcast[0], htonl(0x0a0100ff));
}

/* ---- TCP ---- */

static void
test_tcp(void)
{
	fixture();
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 6);
	pb_tcp(&tp, 1234, 80);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_NO_SOCKET);
	CU_ASSERT_EQUAL(SNMP(Tcp, InSegs), 1);
	CU_ASSERT_EQUAL(SNMP(Ip, InDelivers), 1);
	fixture();
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 6);
	pb_tcp(&tp, 1234, 80);
	pb_finish(&tp);
	l4_hdr()[17] ^= 1;
	CU_ASSERT_EQUAL(run(), FP_DROP_TCP_CSUM);
	CU_ASSERT_EQUAL(SNMP(Tcp, InCsumErrors), 1);
	CU_ASSERT_EQUAL(SNMP(Tcp, InErrs), 1);
	fixture();
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 6);
	pb_tcp(&tp, 1234, 80);
	pb_finish(&tp);
	l4_hdr()[12] = 4 << 4;
	CU_ASSERT_EQUAL(run(), FP_DROP_PKT_TOO_SMALL);
	CU_ASSERT_EQUAL(SNMP(Tcp, InErrs), 1);
}

/* ---- ICMP ---- */

static void
icmp4(const char *dst, uint8_t type)
{
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", dst, 1);
	pb_icmp(&tp, type, 0);
	pb_bytes(&tp, "ping-data", 9);
	pb_finish(&tp);
}

/* ICMP errors on, the kernel's defaults, 100 s into a 1 GHz clock. */
static struct fp_icmp_limit icmp_lim;

static void
icmp_errors_on(void)
{
	fp_icmp_conf_defaults(&conf.icmp);
	conf.icmp.tsc_hz = 1000000000;
	memset(&icmp_lim, 0, sizeof(icmp_lim));
	ctx.icmp_limit = &icmp_lim;
	ctx.now = 100ull * conf.icmp.tsc_hz;
}

/*
 * A port unreachable built in place: Ethernet back to the sender with the
 * frame's tags, a fresh IPv4 header, the offending packet quoted from its
 * IP header; about a chained (reassembled) datagram, one segment quoting
 * what the first held, the rest handed back to be freed.
 */
static void
test_icmp_error_build(void)
{
	static uint8_t orig[2048], rest[2048];
	static struct rte_mbuf m2;
	uint8_t payload[600], *f, *ip, *ic;
	struct rte_mbuf *pkts[1];
	size_t l2 = 14 + 3 * 4, olen, first = 120;

	memset(payload, 0xab, sizeof(payload));
	fixture();
	local("10.0.0.1/8");
	icmp_errors_on();
	pb_eth(&tp, T_MAC_US, 0x8100);
	pb_vlan(&tp, 0, 0x8100);                 /* three priority tags */
	pb_vlan(&tp, 0, 0x8100);
	pb_vlan(&tp, 0, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.0.0.1", 17);
	pb_udp(&tp, 1, 7777);
	pb_bytes(&tp, payload, 100);
	pb_finish(&tp);
	olen = tp.m.data_len - l2;
	memcpy(orig, tpkt_data(&tp) + l2, olen);
	CU_ASSERT_EQUAL(run(), R_TX);
	CU_ASSERT_EQUAL(SNMP(Udp, NoPorts), 1);
	f = rte_pktmbuf_mtod(&tp.m, uint8_t *);
	CU_ASSERT_EQUAL(memcmp(f, T_MAC_PEER, 6), 0);
	CU_ASSERT_EQUAL(memcmp(f + 6, T_MAC_US, 6), 0);
	CU_ASSERT_EQUAL(f[12], 0x81);
	CU_ASSERT_EQUAL(f[l2 - 2], 0x08);        /* the tags kept */
	ip = f + l2;
	ic = ip + 20;
	CU_ASSERT_EQUAL(ip[0], 0x45);
	CU_ASSERT_EQUAL(ip[9], 1);
	CU_ASSERT_EQUAL(t_csum(ip, 20, 0), 0xffff);
	CU_ASSERT_EQUAL(ic[0], 3);
	CU_ASSERT_EQUAL(ic[1], 3);
	CU_ASSERT_EQUAL(tp.m.data_len, l2 + 28 + olen);
	CU_ASSERT_EQUAL(t_csum(ic, 8 + olen, 0), 0xffff);
	CU_ASSERT_EQUAL(memcmp(ic + 8, orig, olen), 0);
	CU_ASSERT_EQUAL(memcmp(ip + 12, orig + 16, 4), 0);   /* from us */
	CU_ASSERT_EQUAL(memcmp(ip + 16, orig + 12, 4), 0);   /* to the sender */
	fp_proc_tx_done(&ctx, &out, 1, false);
	CU_ASSERT_EQUAL(SNMP(Icmp, OutDestUnreachs), 1);
	CU_ASSERT_EQUAL(SNMP(IcmpMsgOut, OutType3), 1);
	CU_ASSERT_EQUAL(SNMP(Ip, OutRequests), 1);
	CU_ASSERT_EQUAL(SNMP(IpExt, OutOctets), 28 + olen);

	/* a 600-byte datagram in two segments, the first of 120 bytes */
	fixture();
	local("10.0.0.1/8");
	icmp_errors_on();
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.0.0.1", 17);
	pb_udp(&tp, 1, 7777);
	pb_bytes(&tp, payload, sizeof(payload));
	pb_finish(&tp);
	memcpy(orig, tpkt_data(&tp) + 14, first - 14);
	memcpy(rest, tpkt_data(&tp) + first, tp.m.data_len - first);
	memset(&m2, 0, sizeof(m2));
	m2.buf_addr = rest;
	m2.buf_len = sizeof(rest);
	m2.data_len = (uint16_t)(tp.m.data_len - first);
	m2.nb_segs = 1;
	rte_mbuf_refcnt_set(&m2, 1);
	tp.m.next = &m2;
	tp.m.nb_segs = 2;
	tp.m.data_len = (uint16_t)first;
	pkts[0] = &tp.m;
	fp_proc_burst(&ctx, pkts, 1, &out);
	CU_ASSERT_EQUAL(out.nb_tx, 1);
	CU_ASSERT_EQUAL(out.nb_free, 1);
	CU_ASSERT_PTR_EQUAL(pkts[0], &m2);       /* the tail, to be freed */
	CU_ASSERT_PTR_NULL(tp.m.next);
	CU_ASSERT_EQUAL(tp.m.nb_segs, 1);
	CU_ASSERT_EQUAL(tp.m.pkt_len, tp.m.data_len);
	f = rte_pktmbuf_mtod(&tp.m, uint8_t *);
	ic = f + 14 + 20;
	CU_ASSERT_EQUAL(tp.m.data_len, 14 + 28 + (first - 14));
	CU_ASSERT_EQUAL(t_csum(ic, 8 + first - 14, 0), 0xffff);
	CU_ASSERT_EQUAL(memcmp(ic + 8, orig, first - 14), 0);

	/* a buffer not our own (an indirect mbuf): no error built in it */
	fixture();
	local("10.0.0.1/8");
	icmp_errors_on();
	udp4("10.0.0.1", 7777);
	tp.m.ol_flags |= RTE_MBUF_F_INDIRECT;
	CU_ASSERT_EQUAL(run(), FP_DROP_NO_SOCKET);
	tp.m.ol_flags = 0;

	/* an off-link sender: no route back, no error, NoPorts still */
	fixture();
	local("10.1.0.1/24");
	icmp_errors_on();
	udp4("10.1.0.1", 7777);
	CU_ASSERT_EQUAL(run(), FP_DROP_NO_SOCKET);
	CU_ASSERT_EQUAL(SNMP(Udp, NoPorts), 1);
}

static void
test_icmp_echo(void)
{
	uint8_t *d, *ip, *ic;

	/* a sender off every local subnet: no route back, not answered
	 * (icmp_reply's route lookup, on a host without a default route) */
	fixture();
	local("10.1.0.1");
	icmp4("10.1.0.1", 8);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(SNMP(Icmp, InEchos), 1);
	CU_ASSERT_EQUAL(SNMP(Icmp, OutEchoReps), 0);
	/* on the subnet (10.0.0.2 in 10.0.0.0/8): answered */
	fixture();
	local("10.1.0.1/8");
	icmp4("10.1.0.1", 8);
	pb_pad(&tp, 64);                      /* padding must not be echoed */
	ip_hdr()[8] = 3;                      /* TTL */
	fix_ip4_csum();
	CU_ASSERT_EQUAL(run(), R_TX);
	CU_ASSERT_EQUAL(SNMP(Icmp, InMsgs), 1);
	CU_ASSERT_EQUAL(SNMP(Icmp, InEchos), 1);
	CU_ASSERT_EQUAL(SNMP(Icmp, OutEchoReps), 0);    /* not sent yet */
	d = tpkt_data(&tp);
	ip = d + 14;
	ic = ip + 20;
	CU_ASSERT_EQUAL(memcmp(d, T_MAC_PEER, 6), 0);
	CU_ASSERT_EQUAL(memcmp(d + 6, T_MAC_US, 6), 0);
	CU_ASSERT_EQUAL(ip[12], 10);
	CU_ASSERT_EQUAL(ip[15], 1);          /* src = 10.1.0.1 */
	CU_ASSERT_EQUAL(ip[19], 2);          /* dst = 10.0.0.2 */
	CU_ASSERT_EQUAL(ip[8], 64);
	CU_ASSERT_EQUAL(t_csum(ip, 20, 0), 0xffff);
	CU_ASSERT_EQUAL(ic[0], 0);
	CU_ASSERT_EQUAL(t_csum(ic, 17, 0), 0xffff);
	CU_ASSERT_EQUAL(memcmp(ic + 8, "ping-data", 9), 0);
	CU_ASSERT_EQUAL(tp.m.data_len, 14 + 20 + 17);
	fp_proc_tx_done(&ctx, &out, 1, false);
	CU_ASSERT_EQUAL(SNMP(Icmp, OutMsgs), 1);
	CU_ASSERT_EQUAL(SNMP(Icmp, OutEchoReps), 1);
	CU_ASSERT_EQUAL(out.tx_frames, 1);
	/* the ring was full: a drop, nothing counted sent */
	tpkt_init(&tp);
	icmp4("10.1.0.1", 8);
	CU_ASSERT_EQUAL(run(), R_TX);
	fp_proc_tx_done(&ctx, &out, 0, false);
	CU_ASSERT_EQUAL(SNMP(Icmp, OutEchoReps), 1);
	CU_ASSERT_EQUAL(DROPS(FULL_RING), 1);
	CU_ASSERT_EQUAL(out.tx_frames, 0);
	CU_ASSERT_EQUAL(out.drops, 1);
	CU_ASSERT_EQUAL(out.res_drops, 1);
}

static void
test_icmp_errors(void)
{
	/* echo to broadcast: ignored, as icmp_echo_ignore_broadcasts */
	fixture();
	pb_eth(&tp, T_MAC_BCAST, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "255.255.255.255", 1);
	pb_icmp(&tp, 8, 0);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_INVALID_PROTO);
	CU_ASSERT_EQUAL(SNMP(Icmp, InErrors), 1);
	/* bad checksum */
	fixture();
	icmp4("10.1.0.1", 8);
	l4_hdr()[9] ^= 1;
	CU_ASSERT_EQUAL(run(), FP_DROP_ICMP_CSUM);
	CU_ASSERT_EQUAL(SNMP(Icmp, InCsumErrors), 1);
	CU_ASSERT_EQUAL(SNMP(Icmp, InErrors), 1);
	/* too short for the ICMP header (checksum right) */
	fixture();
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 1);
	pb_bytes(&tp, "\x08\x00\xf7\xff", 4);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_PKT_TOO_SMALL);
	CU_ASSERT_EQUAL(SNMP(Icmp, InErrors), 1);
	/* a type past NR_ICMP_TYPES */
	fixture();
	icmp4("10.1.0.1", 40);
	CU_ASSERT_EQUAL(run(), FP_DROP_UNHANDLED_PROTO);
	CU_ASSERT_EQUAL(SNMP(Icmp, InErrors), 1);
	/* an echo reply: consumed */
	fixture();
	icmp4("10.1.0.1", 0);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(SNMP(Icmp, InEchoReps), 1);
}

/* ---- ARP ---- */

static void
arp(uint16_t op, const char *tip)
{
	uint8_t a[28] = { 0, 1, 8, 0, 6, 4, 0, 0 };

	a[7] = (uint8_t)op;
	memcpy(a + 8, T_MAC_PEER, 6);
	inet_pton(AF_INET, "10.1.0.9", a + 14);
	inet_pton(AF_INET, tip, a + 24);
	pb_eth(&tp, T_MAC_BCAST, 0x0806);
	pb_bytes(&tp, a, 28);
	pb_pad(&tp, 60);
}

static void
test_arp(void)
{
	uint8_t *a;

	fixture();
	local("10.1.0.1");
	arp(1, "10.1.0.1");
	CU_ASSERT_EQUAL(run(), R_TX);
	a = tpkt_data(&tp) + 14;
	CU_ASSERT_EQUAL(a[7], 2);
	CU_ASSERT_EQUAL(memcmp(a + 8, T_MAC_US, 6), 0);       /* sender: us */
	CU_ASSERT_EQUAL(a[17], 1);                             /* 10.1.0.1 */
	CU_ASSERT_EQUAL(memcmp(a + 18, T_MAC_PEER, 6), 0);     /* target: asker */
	CU_ASSERT_EQUAL(a[27], 9);                             /* 10.1.0.9 */
	CU_ASSERT_EQUAL(memcmp(tpkt_data(&tp), T_MAC_PEER, 6), 0);
	CU_ASSERT_EQUAL(tp.m.data_len, 42);
	/* for someone else; and a reply: consumed */
	tpkt_init(&tp);
	arp(1, "10.1.0.50");
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	tpkt_init(&tp);
	arp(2, "10.1.0.1");
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	/* sink mode: no address to answer for */
	fixture();
	arp(1, "10.1.0.1");
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	/* short, and not Ethernet/IPv4 */
	fixture();
	pb_eth(&tp, T_MAC_BCAST, 0x0806);
	pb_zeros(&tp, 20);
	CU_ASSERT_EQUAL(run(), FP_DROP_PKT_TOO_SMALL);
	fixture();
	arp(1, "10.1.0.1");
	tpkt_data(&tp)[14 + 1] = 6;             /* htype 6 */
	CU_ASSERT_EQUAL(run(), FP_DROP_UNHANDLED_PROTO);
}

/* ---- IPv6 ---- */

static void
test_ipv6_header(void)
{
	fixture();
	pb_eth(&tp, T_MAC_US, 0x86dd);
	pb_zeros(&tp, 39);
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_INHDR);
	CU_ASSERT_EQUAL(SNMP(Ip6, InReceives), 1);
	CU_ASSERT_EQUAL(SNMP(Ip6, InHdrErrors), 1);
	fixture();
	udp6("2001:db8::1", 9);
	ip_hdr()[0] = 0x40;
	CU_ASSERT_EQUAL(run(), FP_DROP_UNHANDLED_PROTO);
	CU_ASSERT_EQUAL(SNMP(Ip6, InHdrErrors), 1);
	fixture();
	udp6("2001:db8::1", 9);
	ip_hdr()[5] += 1;                        /* payload past the frame */
	CU_ASSERT_EQUAL(run(), FP_DROP_PKT_TOO_SMALL);
	CU_ASSERT_EQUAL(SNMP(Ip6, InTruncatedPkts), 1);
	fixture();
	/* on a local prefix: the kernel would forward it, and a host does
	 * not (ip6_forward: InAddrErrors) */
	local("2001:db8::1/64");
	udp6("2001:db8::7", 9);
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_INADDRERRORS);
	CU_ASSERT_EQUAL(SNMP(Ip6, InAddrErrors), 1);
	/* off every local prefix, a host with no default route has no route
	 * (ip6_pkt_discard: InNoRoutes) */
	tpkt_init(&tp);
	udp6("2001:db9::7", 9);
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_INNOROUTES);
	CU_ASSERT_EQUAL(SNMP(Ip6, InNoRoutes), 1);
	CU_ASSERT_EQUAL(SNMP(Ip6, InAddrErrors), 1);
	/* unknown upper layer */
	fixture();
	pb_eth(&tp, T_MAC_US, 0x86dd);
	pb_ip6(&tp, "2001:db8::2", "2001:db8::1", 132);
	pb_zeros(&tp, 8);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_NOPROTO);
	CU_ASSERT_EQUAL(SNMP(Ip6, InUnknownProtos), 1);
	/* zero UDP checksum: an error over IPv6 */
	fixture();
	listen_on("9=count");
	udp6("2001:db8::1", 9);
	l4_hdr()[6] = l4_hdr()[7] = 0;
	CU_ASSERT_EQUAL(run(), FP_DROP_UDP_CSUM);
	CU_ASSERT_EQUAL(SNMP(Udp6, InCsumErrors), 1);
	CU_ASSERT_EQUAL(SNMP(Udp6, InErrors), 1);
	CU_ASSERT_EQUAL(SNMP(Udp, InErrors), 0);
	fixture();
	udp6("2001:db8::1", 9);
	CU_ASSERT_EQUAL(run(), FP_DROP_NO_SOCKET);
	CU_ASSERT_EQUAL(SNMP(Udp6, NoPorts), 1);
}

/* An IPv6 UDP datagram behind the given extension headers. */
static int
ext_chain(const uint8_t *types, unsigned int n, const uint8_t *body0)
{
	unsigned int i;

	fixture();
	listen_on("9=count");
	pb_eth(&tp, T_MAC_US, 0x86dd);
	pb_ip6(&tp, "2001:db8::2", "2001:db8::1", n ? types[0] : 17);
	for (i = 0; i < n; i++)
		pb_ext6(&tp, i + 1 < n ? types[i + 1] : 17, 0, i == 0 ? body0 : NULL);
	pb_udp(&tp, 1, 9);
	pb_bytes(&tp, "x", 1);
	tp.proto = 17;
	pb_finish(&tp);
	return run();
}

static void
test_ipv6_exthdr(void)
{
	static const uint8_t hop_dst[2] = { 0, 60 };
	static const uint8_t dst_hop[2] = { 60, 0 };
	static const uint8_t many[9] = { 60, 60, 60, 60, 60, 60, 60, 60, 60 };
	static const uint8_t rt[1] = { 43 };
	static const uint8_t bad_opt[6] = { 0xc2, 4, 0, 0, 0, 0 };   /* jumbo: discard */
	static const uint8_t long_opt[6] = { 1, 9, 0, 0, 0, 0 };     /* PadN too long */
	static const uint8_t routing_sl[6] = { 0, 1, 0, 0, 0, 0 };   /* segments left 1 */
	uint8_t *r;

	CU_ASSERT_EQUAL(ext_chain(hop_dst, 2, NULL), R_DELIVER);
	CU_ASSERT_EQUAL(SNMP(Ip6, InDelivers), 1);
	/* hop-by-hop past the first header is no protocol the kernel
	 * knows (ip6_protocol_deliver_rcu) */
	CU_ASSERT_EQUAL(ext_chain(dst_hop, 2, NULL), FP_DROP_IP_NOPROTO);
	CU_ASSERT_EQUAL(SNMP(Ip6, InUnknownProtos), 1);
	/* any number of extension headers, as the kernel */
	CU_ASSERT_EQUAL(ext_chain(many, 9, NULL), R_DELIVER);
	CU_ASSERT_EQUAL(ext_chain(many, 7, NULL), R_DELIVER);
	CU_ASSERT_EQUAL(ext_chain(hop_dst, 1, bad_opt), FP_DROP_IPV6_BAD_EXTHDR);
	CU_ASSERT_EQUAL(ext_chain(hop_dst, 1, long_opt), FP_DROP_IPV6_BAD_EXTHDR);
	CU_ASSERT_EQUAL(ext_chain(rt, 1, routing_sl), FP_DROP_IPV6_BAD_EXTHDR);
	/* routing header with no segments left: passed over */
	{
		static const uint8_t sl0[6] = { 0, 0, 0, 0, 0, 0 };

		CU_ASSERT_EQUAL(ext_chain(rt, 1, sl0), R_DELIVER);
	}
	/* a header cut short by the payload length */
	fixture();
	pb_eth(&tp, T_MAC_US, 0x86dd);
	pb_ip6(&tp, "2001:db8::2", "2001:db8::1", 60);
	pb_zeros(&tp, 6);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_IPV6_BAD_EXTHDR);
	/* a header whose length runs past the payload */
	fixture();
	pb_eth(&tp, T_MAC_US, 0x86dd);
	pb_ip6(&tp, "2001:db8::2", "2001:db8::1", 60);
	pb_ext6(&tp, 17, 0, NULL);
	pb_finish(&tp);
	r = ip_hdr() + 40;
	r[1] = 5;
	CU_ASSERT_EQUAL(run(), FP_DROP_IPV6_BAD_EXTHDR);
	/* no next header: consumed */
	fixture();
	pb_eth(&tp, T_MAC_US, 0x86dd);
	pb_ip6(&tp, "2001:db8::2", "2001:db8::1", 59);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	/* fragments: an atomic one passes, a real one needs reassembly */
	{
		static const uint8_t frag[1] = { 44 };
		static const uint8_t atomic[6] = { 0, 0, 0, 0, 0, 1 };
		static const uint8_t more[6] = { 0, 1, 0, 0, 0, 1 };

		/* an atomic fragment is requested and done at once */
		CU_ASSERT_EQUAL(ext_chain(frag, 1, atomic), R_DELIVER);
		CU_ASSERT_EQUAL(SNMP(Ip6, ReasmReqds), 1);
		CU_ASSERT_EQUAL(SNMP(Ip6, ReasmOKs), 1);
		/* a first fragment of 9 bytes: not a multiple of 8
		 * (ip6_frag_queue), a header error */
		CU_ASSERT_EQUAL(ext_chain(frag, 1, more), FP_DROP_IPV6_BAD_EXTHDR);
		CU_ASSERT_EQUAL(SNMP(Ip6, ReasmReqds), 1);
		CU_ASSERT_EQUAL(SNMP(Ip6, InHdrErrors), 1);
	}
}

static void
test_icmp6(void)
{
	uint8_t *ip, *ic, ns[20];

	/* echo, from a sender on the local prefix */
	fixture();
	local("2001:db8::1/64");
	pb_eth(&tp, T_MAC_US, 0x86dd);
	pb_ip6(&tp, "2001:db8::2", "2001:db8::1", 58);
	pb_icmp(&tp, 128, 0);
	pb_bytes(&tp, "abc", 3);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_TX);
	CU_ASSERT_EQUAL(SNMP(Icmp6, InMsgs), 1);
	CU_ASSERT_EQUAL(SNMP(Icmp6, InEchos), 1);
	ip = tpkt_data(&tp) + 14;
	ic = ip + 40;
	CU_ASSERT_EQUAL(ic[0], 129);
	CU_ASSERT_EQUAL(ip[23], 1);             /* src 2001:db8::1 */
	CU_ASSERT_EQUAL(ip[39], 2);             /* dst 2001:db8::2 */
	CU_ASSERT_EQUAL(t_l4_sum(&tp, ip, ic, 11, 58), 0xffff);
	fp_proc_tx_done(&ctx, &out, 1, false);
	CU_ASSERT_EQUAL(SNMP(Icmp6, OutEchoReplies), 1);

	/* neighbour solicitation for our address */
	fixture();
	local("2001:db8::1");
	memset(ns, 0, sizeof(ns));
	inet_pton(AF_INET6, "2001:db8::1", ns);
	ns[16] = 1;                               /* source link-layer option */
	ns[17] = 1;
	pb_eth(&tp, T_MAC_BCAST, 0x86dd);
	pb_ip6(&tp, "2001:db8::2", "ff02::1:ff00:1", 58);
	pb_icmp(&tp, 135, 0);
	tpkt_data(&tp)[tp.l4 + 4] = 0;            /* reserved */
	tpkt_data(&tp)[tp.l4 + 5] = 0;
	tpkt_data(&tp)[tp.l4 + 7] = 0;
	pb_bytes(&tp, ns, 16);
	pb_bytes(&tp, "\x01\x01\x02\x00\x00\x00\x00\x02", 8);
	ip_hdr()[7] = 255;
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_TX);
	CU_ASSERT_EQUAL(SNMP(Icmp6, InNeighborSolicits), 1);
	ip = tpkt_data(&tp) + 14;
	ic = ip + 40;
	CU_ASSERT_EQUAL(ic[0], 136);
	CU_ASSERT_EQUAL(ic[4], 0x60);             /* solicited, override */
	CU_ASSERT_EQUAL(memcmp(ic + 8, ns, 16), 0);
	CU_ASSERT_EQUAL(ic[24], 2);
	CU_ASSERT_EQUAL(memcmp(ic + 26, T_MAC_US, 6), 0);
	CU_ASSERT_EQUAL(memcmp(ip + 8, ns, 16), 0);          /* from the target */
	CU_ASSERT_EQUAL(ip[39], 2);                          /* to the asker */
	CU_ASSERT_EQUAL(ip[7], 255);
	CU_ASSERT_EQUAL(t_l4_sum(&tp, ip, ic, 32, 58), 0xffff);
	CU_ASSERT_EQUAL(memcmp(tpkt_data(&tp), T_MAC_PEER, 6), 0);
	fp_proc_tx_done(&ctx, &out, 1, false);
	CU_ASSERT_EQUAL(SNMP(Icmp6, OutNeighborAdvertisements), 1);

	/* hop limit not 255 */
	fixture();
	local("2001:db8::1");
	pb_eth(&tp, T_MAC_BCAST, 0x86dd);
	pb_ip6(&tp, "2001:db8::2", "ff02::1:ff00:1", 58);
	pb_icmp(&tp, 135, 0);
	pb_bytes(&tp, ns, 16);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_IPV6_NDISC_HOP_LIMIT);

	/* checksum */
	fixture();
	pb_eth(&tp, T_MAC_US, 0x86dd);
	pb_ip6(&tp, "2001:db8::2", "2001:db8::1", 58);
	pb_icmp(&tp, 128, 0);
	pb_finish(&tp);
	l4_hdr()[3] ^= 1;
	CU_ASSERT_EQUAL(run(), FP_DROP_ICMP_CSUM);
	CU_ASSERT_EQUAL(SNMP(Icmp6, InCsumErrors), 1);
	CU_ASSERT_EQUAL(SNMP(Icmp6, InErrors), 1);
}

/* ---- UDP echo ---- */

static void
test_udp_echo(void)
{
	uint8_t *d, *ip, *u;

	fixture();
	local("10.1.0.1");
	listen_on("7=echo");
	udp4("10.1.0.1", 7);
	pb_pad(&tp, 80);
	CU_ASSERT_EQUAL(run(), R_TX);
	d = tpkt_data(&tp);
	ip = d + 14;
	u = ip + 20;
	CU_ASSERT_EQUAL(memcmp(d, T_MAC_PEER, 6), 0);
	CU_ASSERT_EQUAL(ip[15], 1);
	CU_ASSERT_EQUAL(ip[19], 2);
	CU_ASSERT_EQUAL(t_csum(ip, 20, 0), 0xffff);
	CU_ASSERT_EQUAL(u[0] << 8 | u[1], 7);         /* ports swapped */
	CU_ASSERT_EQUAL(u[2] << 8 | u[3], 5555);
	CU_ASSERT_EQUAL(t_l4_sum(&tp, ip, u, 26, 17), 0xffff);
	CU_ASSERT_EQUAL(tp.m.data_len, 14 + 20 + 26);
	CU_ASSERT_EQUAL(SNMP(Udp, InDatagrams), 1);
	fp_proc_tx_done(&ctx, &out, 1, false);
	CU_ASSERT_EQUAL(SNMP(Udp, OutDatagrams), 1);
	CU_ASSERT_EQUAL(ls.listener[0].echoed, 1);
	/* full ring: SndbufErrors, the listener's drops, FULL_RING */
	tpkt_init(&tp);
	udp4("10.1.0.1", 7);
	CU_ASSERT_EQUAL(run(), R_TX);
	fp_proc_tx_done(&ctx, &out, 0, false);
	CU_ASSERT_EQUAL(SNMP(Udp, SndbufErrors), 1);
	CU_ASSERT_EQUAL(ls.listener[0].drops, 1);
	CU_ASSERT_EQUAL(DROPS(FULL_RING), 1);
	/* no tx queue */
	tpkt_init(&tp);
	udp4("10.1.0.1", 7);
	CU_ASSERT_EQUAL(run(), R_TX);
	fp_proc_tx_done(&ctx, &out, 0, true);
	CU_ASSERT_EQUAL(DROPS(NO_TX_QUEUE), 1);
	/* IPv6 echo through an extension header: reply without it */
	fixture();
	listen_on("7=echo");
	pb_eth(&tp, T_MAC_US, 0x86dd);
	pb_ip6(&tp, "2001:db8::2", "2001:db8::1", 60);
	pb_ext6(&tp, 17, 0, NULL);
	pb_udp(&tp, 5555, 7);
	pb_bytes(&tp, "hello", 5);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_TX);
	ip = tpkt_data(&tp) + 14;
	u = ip + 40;
	CU_ASSERT_EQUAL(ip[6], 17);
	CU_ASSERT_EQUAL(ip[4] << 8 | ip[5], 13);
	CU_ASSERT_EQUAL(t_l4_sum(&tp, ip, u, 13, 17), 0xffff);
	CU_ASSERT_EQUAL(memcmp(u + 8, "hello", 5), 0);
	CU_ASSERT_EQUAL(tp.m.data_len, 14 + 40 + 13);
}

/* ---- seq ---- */

static void
seq_dgram(uint32_t seq, uint16_t sport)
{
	uint8_t b[8] = { 0xAA, 0xBB, (uint8_t)(seq >> 24), (uint8_t)(seq >> 16),
			 (uint8_t)(seq >> 8), (uint8_t)seq, 0, 0 };

	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_udp(&tp, sport, 5000);
	pb_bytes(&tp, b, sizeof(b));
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
}

static void
test_seq_action(void)
{
	static const uint32_t in[] = { 10, 11, 12, 15, 16, 13, 16, 20, 14, 5 };
	const struct fp_seq_stats *s;
	unsigned int i;

	fixture();
	listen_on("5000=seq,offset=2,size=4,order=be");
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		seq_dgram(in[i], 4000);
	s = &ls.listener[0].seq;
	/* 12 -> 15: gap (13, 14 lost); 13 late: reordered; 16 again: dup;
	 * 16 -> 20: gap (17..19); 14 late; 5: before the first (10): the
	 * stream starts earlier, 6..9 lost, 5 is a late arrival */
	CU_ASSERT_EQUAL(ls.listener[0].datagrams, 10);
	CU_ASSERT_EQUAL(s->sources, 1);
	CU_ASSERT_EQUAL(s->gaps, 3);
	CU_ASSERT_EQUAL(s->lost, 3 + 4);          /* 17,18,19 and 6..9 */
	CU_ASSERT_EQUAL(s->reordered, 3);
	CU_ASSERT_EQUAL(s->duplicates, 1);
	/* another source port is another stream */
	seq_dgram(1000, 4001);
	CU_ASSERT_EQUAL(s->sources, 2);
	CU_ASSERT_EQUAL(s->gaps, 3);
	/* too short for the number */
	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_udp(&tp, 4000, 5000);
	pb_bytes(&tp, "abc", 3);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(s->malformed, 1);
}

static void
test_seq_tracker(void)
{
	static struct fp_seq_table t;
	struct fp_seq_stats st;
	struct fp_seq_key k;
	uint8_t addr[4] = { 10, 0, 0, 2 };

	memset(&t, 0, sizeof(t));
	memset(&st, 0, sizeof(st));
	k.listener = 0;
	k.family = FP_AF_INET;
	k.port = 1;
	k.addr = addr;
	/* 32-bit wrap: 0xfffffffe, 0xffffffff, 0, 1 is in order */
	fp_seq_track(&t, &k, 0xfffffffeull, 32, &st);
	fp_seq_track(&t, &k, 0xffffffffull, 32, &st);
	fp_seq_track(&t, &k, 0, 32, &st);
	fp_seq_track(&t, &k, 1, 32, &st);
	CU_ASSERT_EQUAL(st.gaps, 0);
	CU_ASSERT_EQUAL(st.duplicates, 0);
	CU_ASSERT_EQUAL(st.lost, 0);
	/* a jump past the window, then a late number from before the window:
	 * it cannot be told from a duplicate */
	fp_seq_track(&t, &k, 1 + FP_SEQ_WINDOW + 10, 32, &st);
	CU_ASSERT_EQUAL(st.gaps, 1);
	CU_ASSERT_EQUAL(st.lost, FP_SEQ_WINDOW + 9);
	fp_seq_track(&t, &k, 5, 32, &st);
	CU_ASSERT_EQUAL(st.duplicates, 1);
	/* inside the window: a late arrival */
	fp_seq_track(&t, &k, 1 + FP_SEQ_WINDOW, 32, &st);
	CU_ASSERT_EQUAL(st.reordered, 1);
	CU_ASSERT_EQUAL(st.lost, FP_SEQ_WINDOW + 8);
	/* 64-bit little-endian sizes go through the same arithmetic */
	k.port = 2;
	fp_seq_track(&t, &k, UINT64_MAX, 64, &st);
	fp_seq_track(&t, &k, 0, 64, &st);
	CU_ASSERT_EQUAL(st.gaps, 1);
}

/* Feed one datagram numbered seq from n sources made by mk(i, addr). */
static uint64_t
seq_feed(struct fp_seq_table *t, struct fp_seq_stats *st, unsigned int n,
		void (*mk)(unsigned int, struct fp_seq_key *, uint8_t *),
		uint64_t seq)
{
	uint64_t evictions = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct fp_seq_key k;
		uint8_t addr[16];

		mk(i, &k, addr);
		if (fp_seq_track(t, &k, seq, 32, st) >= 0)
			evictions++;
	}
	return evictions;
}

/* Sources as market-data feeds come: one subnet, one source port. */
static void
mk_v4_last_byte(unsigned int i, struct fp_seq_key *k, uint8_t *addr)
{
	/* 10.1.1.1 - 10.1.1.255, then 10.1.2.1 ...: the last bytes differ */
	addr[0] = 10;
	addr[1] = 1;
	addr[2] = (uint8_t)(1 + i / 255);
	addr[3] = (uint8_t)(1 + i % 255);
	k->listener = 0;
	k->family = FP_AF_INET;
	k->port = 5000;
	k->addr = addr;
}

static void
mk_v6_one_64(unsigned int i, struct fp_seq_key *k, uint8_t *addr)
{
	/* 2001:db8::1, 2001:db8::2, ... in one /64 */
	memset(addr, 0, 16);
	addr[0] = 0x20;
	addr[1] = 0x01;
	addr[2] = 0x0d;
	addr[3] = 0xb8;
	addr[14] = (uint8_t)((i + 1) >> 8);
	addr[15] = (uint8_t)(i + 1);
	k->listener = 0;
	k->family = FP_AF_INET6;
	k->port = 5000;
	k->addr = addr;
}

static void
mk_port(unsigned int i, struct fp_seq_key *k, uint8_t *addr)
{
	/* one host, many source ports */
	addr[0] = 192;
	addr[1] = 0;
	addr[2] = 2;
	addr[3] = 7;
	k->listener = 0;
	k->family = FP_AF_INET;
	k->port = (uint16_t)(1024 + i);
	k->addr = addr;
}

/* Pearson's chi-square of n keys over the buckets against uniform. */
static double
seq_chi2(unsigned int n, void (*mk)(unsigned int, struct fp_seq_key *, uint8_t *))
{
	static unsigned int load[FP_SEQ_ENTRIES / FP_SEQ_WAYS];
	const unsigned int nb = FP_SEQ_ENTRIES / FP_SEQ_WAYS;
	double expect = (double)n / nb, chi2 = 0;
	unsigned int i;

	memset(load, 0, sizeof(load));
	for (i = 0; i < n; i++) {
		struct fp_seq_key k;
		uint8_t addr[16];

		mk(i, &k, addr);
		load[fp_seq_bucket(&k)]++;
	}
	for (i = 0; i < nb; i++)
		chi2 += (load[i] - expect) * (load[i] - expect) / expect;
	return chi2;
}

/*
 * The bucket hash mixes every byte of the key: sources that differ only
 * in the last address byte (one subnet, one /64) or only in the port
 * spread like random keys. Below a quarter of the capacity no bucket
 * overflows, so no source is evicted and every gap is seen.
 */
static void
test_seq_hash(void)
{
	static void (*const mks[])(unsigned int, struct fp_seq_key *, uint8_t *) = {
		mk_v4_last_byte, mk_v6_one_64, mk_port,
	};
	static struct fp_seq_table t;
	const unsigned int nb = FP_SEQ_ENTRIES / FP_SEQ_WAYS;
	unsigned int m;

	for (m = 0; m < RTE_DIM(mks); m++) {
		struct fp_seq_stats st;
		const unsigned int n = FP_SEQ_ENTRIES / 4;

		memset(&t, 0, sizeof(t));
		memset(&st, 0, sizeof(st));
		CU_ASSERT_EQUAL(seq_feed(&t, &st, n, mks[m], 1), 0);
		CU_ASSERT_EQUAL(st.sources, n);
		/* every source skips number 2: one gap each, none missed */
		CU_ASSERT_EQUAL(seq_feed(&t, &st, n, mks[m], 3), 0);
		CU_ASSERT_EQUAL(st.gaps, n);
		CU_ASSERT_EQUAL(st.lost, n);
		CU_ASSERT_EQUAL(st.sources, n);
		/* uniform at full load: chi-square with nb - 1 degrees of
		 * freedom stays within mean + 6 standard deviations
		 * (the old hash gave tens of thousands here) */
		CU_ASSERT_TRUE(seq_chi2(FP_SEQ_ENTRIES, mks[m]) <
				(nb - 1) + 6 * sqrt(2.0 * (nb - 1)));
	}
}

/* Keys of the form mk_port that fall into bucket b. */
static unsigned int
keys_in_bucket(uint32_t b, uint16_t *ports, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < 65535 - 1024 && n < max; i++) {
		struct fp_seq_key k;
		uint8_t addr[16];

		mk_port(i, &k, addr);
		if (fp_seq_bucket(&k) == b)
			ports[n++] = k.port;
	}
	return n;
}

static int
seq_one(struct fp_seq_table *t, struct fp_seq_stats *st, uint16_t port,
		uint64_t seq)
{
	struct fp_seq_key k;
	uint8_t addr[16];

	mk_port(0, &k, addr);
	k.port = port;
	return fp_seq_track(t, &k, seq, 32, st);
}

/*
 * At capacity: a full bucket evicts its least recently seen source (the
 * one whose last datagram is oldest, not the first inserted), reports
 * the listener it belonged to, and the evicted source starts afresh.
 * Beyond capacity: every source more than the table holds costs at least
 * one eviction.
 */
static void
test_seq_eviction(void)
{
	static struct fp_seq_table t;
	struct fp_seq_stats st;
	uint16_t ports[FP_SEQ_WAYS + 1];
	unsigned int i, n;
	uint64_t ev;

	n = keys_in_bucket(7, ports, FP_SEQ_WAYS + 1);
	CU_ASSERT_EQUAL_FATAL(n, FP_SEQ_WAYS + 1);
	memset(&t, 0, sizeof(t));
	memset(&st, 0, sizeof(st));
	for (i = 0; i < FP_SEQ_WAYS; i++)        /* fill the bucket */
		CU_ASSERT_EQUAL(seq_one(&t, &st, ports[i], 10), -1);
	/* see every source again but ports[1]: it becomes the oldest */
	for (i = 0; i < FP_SEQ_WAYS; i++)
		if (i != 1)
			CU_ASSERT_EQUAL(seq_one(&t, &st, ports[i], 11), -1);
	CU_ASSERT_EQUAL(st.sources, FP_SEQ_WAYS);
	/* one more source: ports[1] goes, and its listener (0) is named */
	CU_ASSERT_EQUAL(seq_one(&t, &st, ports[FP_SEQ_WAYS], 1), 0);
	CU_ASSERT_EQUAL(st.sources, FP_SEQ_WAYS + 1);
	/* the others kept their state: 12 follows 11, no gap, no new source */
	CU_ASSERT_EQUAL(seq_one(&t, &st, ports[0], 12), -1);
	CU_ASSERT_EQUAL(st.sources, FP_SEQ_WAYS + 1);
	CU_ASSERT_EQUAL(st.gaps, 0);
	/* ports[1] comes back as a new source: its history is gone */
	seq_one(&t, &st, ports[1], 20);
	CU_ASSERT_EQUAL(st.sources, FP_SEQ_WAYS + 2);
	CU_ASSERT_EQUAL(st.gaps, 0);

	/* beyond capacity: 2x the entries, each source once */
	memset(&t, 0, sizeof(t));
	memset(&st, 0, sizeof(st));
	ev = seq_feed(&t, &st, 2 * FP_SEQ_ENTRIES, mk_v4_last_byte, 1);
	CU_ASSERT_EQUAL(st.sources, 2 * FP_SEQ_ENTRIES);
	CU_ASSERT_TRUE(ev >= FP_SEQ_ENTRIES);
	/* and a table that is full still holds FP_SEQ_ENTRIES sources: the
	 * last FP_SEQ_ENTRIES / 4 fed are all still known (LRU keeps the
	 * newest), so seeing them again adds no source */
	memset(&st, 0, sizeof(st));
	for (i = 2 * FP_SEQ_ENTRIES - FP_SEQ_ENTRIES / 4; i < 2 * FP_SEQ_ENTRIES; i++) {
		struct fp_seq_key k;
		uint8_t addr[16];

		mk_v4_last_byte(i, &k, addr);
		CU_ASSERT_EQUAL(fp_seq_track(&t, &k, 2, 32, &st), -1);
	}
	CU_ASSERT_EQUAL(st.sources, 0);
	CU_ASSERT_EQUAL(st.gaps, 0);
}

/* A handler for the tests: records the views, returns scripted verdicts
 * and, for REPLY, writes a reply payload of script_reply_len bytes. */
static struct fp_dgram seen[8];
static struct fp_dgram_batch seen_batch;
static unsigned int nb_seen;
static uint8_t script_verdict;
static const uint8_t *script_verdicts;  /* per datagram, when not NULL */
static int script_reply_len = -1;

static void
script_burst(void *state, const void *conf, const struct fp_dgram_batch *b,
		struct fp_dgram *d, uint16_t n, uint8_t *verdicts)
{
	uint64_t *counters = b->counters;
	uint16_t i;

	(void)state;
	(void)conf;
	seen_batch = *b;
	for (i = 0; i < n; i++) {
		/* fastpath's promise: every verdict starts as CONSUMED */
		CU_ASSERT_EQUAL(verdicts[i], FP_VERDICT_CONSUMED);
		if (nb_seen < RTE_DIM(seen))
			seen[nb_seen++] = d[i];
		verdicts[i] = script_verdicts ? script_verdicts[i] : script_verdict;
		counters[1] += d[i].len;
		if (script_verdict == FP_VERDICT_REPLY && script_reply_len >= 0) {
			memset(d[i].payload, 'r', (size_t)script_reply_len);
			d[i].reply_len = (uint32_t)script_reply_len;
		}
	}
	counters[0] += n;
}

static const char *const script_counters[] = { "calls", "payload", NULL };
static const struct fp_handler script = {
	.abi_version = FP_HANDLER_ABI_VERSION, .name = "script",
	.counter_names = script_counters, .burst = script_burst,
};

/* The same, skipping addresses and reply fields. */
static const struct fp_handler script_lean = {
	.abi_version = FP_HANDLER_ABI_VERSION, .name = "lean",
	.view_skip = FP_VIEW_SKIP_ADDRS | FP_VIEW_SKIP_REPLY,
	.counter_names = script_counters, .burst = script_burst,
};

static void
script_listener(const char *spec)
{
	listen_on(spec);
	conf.listen.l[conf.listen.n - 1].handler = &script;
	nb_seen = 0;
	script_reply_len = -1;
}

/* What a handler is shown of a datagram, both families. */
static void
test_handler_views(void)
{
	const struct fp_dgram *v;

	fixture();
	local("10.1.0.1");
	local("2001:db8::1");
	script_listener("9=plugin,path=unit");
	script_verdict = FP_VERDICT_CONSUMED;
	ctx.lcore = 3;
	ctx.queue = 2;
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL_FATAL(nb_seen, 1);
	v = &seen[0];
	CU_ASSERT_EQUAL(v->family, 4);
	CU_ASSERT_EQUAL(v->src[0], 10);
	CU_ASSERT_EQUAL(v->src[3], 2);                    /* 10.0.0.2 */
	CU_ASSERT_EQUAL(v->dst[3], 1);                    /* 10.1.0.1 */
	CU_ASSERT_EQUAL(v->sport, 5555);
	CU_ASSERT_EQUAL(v->dport, 9);
	CU_ASSERT_EQUAL(v->len, 18);
	CU_ASSERT_EQUAL(v->seg_len, 18);
	CU_ASSERT_EQUAL(memcmp(v->payload, "0123456789abcdefgh", 18), 0);
	CU_ASSERT_EQUAL(v->cast, FP_DGRAM_UNICAST);
	CU_ASSERT_EQUAL(v->frames, 1);
	CU_ASSERT_EQUAL(seen_batch.lcore, 3);
	CU_ASSERT_EQUAL(seen_batch.rx_queue, 2);
	CU_ASSERT_EQUAL(seen_batch.listener, 0);
	CU_ASSERT_EQUAL(v->reply_len, 18);
	CU_ASSERT_TRUE(v->reply_room >= 18);
	CU_ASSERT_PTR_EQUAL(v->mbuf, &tp.m);
	/* IPv6, and padding past the datagram not in the payload */
	tpkt_init(&tp);
	udp6("2001:db8::1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL_FATAL(nb_seen, 2);
	v = &seen[1];
	CU_ASSERT_EQUAL(v->family, 6);
	CU_ASSERT_EQUAL(v->dst[15], 1);
	CU_ASSERT_EQUAL(v->src[15], 2);
	CU_ASSERT_EQUAL(v->len, 10);
	CU_ASSERT_EQUAL(ls.listener[0].counters[0], 2);    /* its counters */
	CU_ASSERT_EQUAL(ls.listener[0].counters[1], 18 + 10);
	/* a datagram in two segments: seg_len is what is contiguous */
	tpkt_init(&tp);
	udp4("10.1.0.1", 9);
	{
		static uint8_t tail[8];
		static struct rte_mbuf seg2;

		/* move the last 8 payload bytes into a second segment */
		memcpy(tail, tpkt_data(&tp) + tp.m.data_len - 8, 8);
		memset(&seg2, 0, sizeof(seg2));
		seg2.buf_addr = tail;
		seg2.buf_len = sizeof(tail);
		seg2.data_len = 8;
		tp.m.data_len -= 8;
		tp.m.next = &seg2;
		tp.m.nb_segs = 2;
		CU_ASSERT_EQUAL(run(), R_DELIVER);
		tp.m.next = NULL;
		tp.m.nb_segs = 1;
	}
	CU_ASSERT_EQUAL_FATAL(nb_seen, 3);
	CU_ASSERT_EQUAL(seen[2].len, 18);
	CU_ASSERT_EQUAL(seen[2].seg_len, 10);
	CU_ASSERT_EQUAL(seen[2].reply_room, 0);              /* no reply in place */
	/* multicast to a joined group */
	fixture();
	local("10.1.0.1");
	script_listener("239.1.1.1:9=plugin,path=unit");
	udp4("239.1.1.1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(seen[0].cast, FP_DGRAM_MULTICAST);
}

/* Each verdict's fate and counters, as handler.h says. */
static void
test_handler_verdicts(void)
{
	uint8_t *d, *ip, *u;

	/* DROP: SOCKET_FILTER, Udp InErrors, the listener's drops */
	fixture();
	local("10.1.0.1");
	script_listener("9=plugin,path=unit");
	script_verdict = FP_VERDICT_DROP;
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), FP_DROP_SOCKET_FILTER);
	CU_ASSERT_EQUAL(SNMP(Udp, InErrors), 1);
	CU_ASSERT_EQUAL(SNMP(Udp, InDatagrams), 0);
	CU_ASSERT_EQUAL(ls.listener[0].drops, 1);
	CU_ASSERT_EQUAL(ls.listener[0].datagrams, 0);
	/* DROP_FULL: SOCKET_RCVBUFF, RcvbufErrors + InErrors, not softnet */
	tpkt_init(&tp);
	script_verdict = FP_VERDICT_DROP_FULL;
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), FP_DROP_SOCKET_RCVBUFF);
	CU_ASSERT_EQUAL(SNMP(Udp, RcvbufErrors), 1);
	CU_ASSERT_EQUAL(SNMP(Udp, InErrors), 2);
	CU_ASSERT_EQUAL(out.res_drops, 0);
	CU_ASSERT_EQUAL(ls.listener[0].drops, 2);
	/* CONSUMED: delivered, counted */
	tpkt_init(&tp);
	script_verdict = FP_VERDICT_CONSUMED;
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(SNMP(Udp, InDatagrams), 1);
	CU_ASSERT_EQUAL(ls.listener[0].datagrams, 1);
	CU_ASSERT_EQUAL(ls.listener[0].bytes, 18);
	/* REPLY with a payload of its own: lengths, checksums, ports */
	tpkt_init(&tp);
	script_verdict = FP_VERDICT_REPLY;
	script_reply_len = 40;
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), R_TX);
	d = tpkt_data(&tp);
	ip = d + 14;
	u = ip + 20;
	CU_ASSERT_EQUAL(memcmp(d, T_MAC_PEER, 6), 0);
	CU_ASSERT_EQUAL(ip[2] << 8 | ip[3], 20 + 8 + 40);
	CU_ASSERT_EQUAL(t_csum(ip, 20, 0), 0xffff);
	CU_ASSERT_EQUAL(u[4] << 8 | u[5], 8 + 40);
	CU_ASSERT_EQUAL(u[0] << 8 | u[1], 9);
	CU_ASSERT_EQUAL(u[2] << 8 | u[3], 5555);
	CU_ASSERT_EQUAL(u[8], 'r');
	CU_ASSERT_EQUAL(t_l4_sum(&tp, ip, u, 48, 17), 0xffff);
	CU_ASSERT_EQUAL(tp.m.data_len, 14 + 20 + 48);
	CU_ASSERT_EQUAL(ls.listener[0].bytes, 18 + 18);     /* what came in */
	fp_proc_tx_done(&ctx, &out, 1, false);
	CU_ASSERT_EQUAL(SNMP(Udp, OutDatagrams), 1);
	/* a reply past the room or the MTU: PKT_TOO_BIG, the listener's drop */
	tpkt_init(&tp);
	script_reply_len = 1500;
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), FP_DROP_PKT_TOO_BIG);
	CU_ASSERT_EQUAL(ls.listener[0].drops, 3);
	/* TAKEN: delivered and counted, but not fastpath's to free */
	tpkt_init(&tp);
	script_verdict = FP_VERDICT_TAKEN;
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	CU_ASSERT_EQUAL(out.nb_free, 0);
	CU_ASSERT_EQUAL(out.delivered, 1);
	script_verdict = FP_VERDICT_REPLY;
	/* never a reply to a broadcast: consumed */
	tpkt_init(&tp);
	script_reply_len = -1;
	udp4("255.255.255.255", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	/* a handler that skips the reply fields: REPLY is an echo */
	fixture();
	local("10.1.0.1");
	script_listener("9=plugin,path=unit");
	conf.listen.l[0].handler = &script_lean;
	script_verdict = FP_VERDICT_REPLY;
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), R_TX);
	CU_ASSERT_EQUAL_FATAL(nb_seen, 1);
	CU_ASSERT_EQUAL(seen[0].len, 18);              /* always filled */
	CU_ASSERT_EQUAL(seen[0].family, 4);
	CU_ASSERT_EQUAL(seen[0].frames, 1);
	CU_ASSERT_EQUAL(seen[0].cast, FP_DGRAM_UNICAST);
	CU_ASSERT_PTR_EQUAL(seen[0].mbuf, &tp.m);
	d = tpkt_data(&tp);
	u = d + 14 + 20;
	CU_ASSERT_EQUAL(u[4] << 8 | u[5], 8 + 18);     /* its own payload back */
	CU_ASSERT_EQUAL(memcmp(u + 8, "0123456789abcdefgh", 18), 0);
	CU_ASSERT_EQUAL(u[0] << 8 | u[1], 9);
	CU_ASSERT_EQUAL(t_l4_sum(&tp, d + 14, u, 8 + 18, 17), 0xffff);
	/* an IPv6 datagram dropped: Udp6's counters, InDatagrams taken back */
	fixture();
	local("2001:db8::1");
	script_listener("9=plugin,path=unit");
	script_verdict = FP_VERDICT_DROP_FULL;
	udp6("2001:db8::1", 9);
	CU_ASSERT_EQUAL(run(), FP_DROP_SOCKET_RCVBUFF);
	CU_ASSERT_EQUAL(SNMP(Udp6, RcvbufErrors), 1);
	CU_ASSERT_EQUAL(SNMP(Udp6, InErrors), 1);
	CU_ASSERT_EQUAL(SNMP(Udp6, InDatagrams), 0);
	CU_ASSERT_EQUAL(SNMP(Udp, InErrors), 0);
	CU_ASSERT_EQUAL(ls.listener[0].datagrams, 0);
	CU_ASSERT_EQUAL(ls.listener[0].bytes, 0);
	CU_ASSERT_EQUAL(ls.listener[0].drops, 1);
}

/*
 * Mixed verdicts in one burst of 32: which mbufs fastpath frees (those
 * not TAKEN: exactly them), what it counts. first_other packets for a
 * count listener come first (the views are then not the packets one for
 * one); v[] gives the verdicts of the others.
 */
static void
burst_verdicts(unsigned int first_other, const uint8_t *v)
{
	static struct tpkt many[32];
	struct rte_mbuf *pkts[32];
	unsigned int i, taken = 0, full = 0, freed_ok = 0, k;

	fixture();
	local("10.1.0.1");
	script_listener("9=plugin,path=unit");
	listen_on("10=count");
	script_verdicts = v;
	for (i = 0; i < 32; i++) {
		tpkt_init(&many[i]);
		pb_eth(&many[i], T_MAC_US, 0x0800);
		pb_ip4(&many[i], "10.0.0.2", "10.1.0.1", 17);
		pb_udp(&many[i], 5555, i < first_other ? 10 : 9);
		pb_bytes(&many[i], "0123456789abcdefgh", 18);
		pb_finish(&many[i]);
		pkts[i] = &many[i].m;
		if (i >= first_other) {
			taken += v[i - first_other] == FP_VERDICT_TAKEN;
			full += v[i - first_other] == FP_VERDICT_DROP_FULL;
		}
	}
	fp_proc_burst(&ctx, pkts, 32, &out);
	script_verdicts = NULL;
	CU_ASSERT_EQUAL(out.nb_free, 32 - taken);
	CU_ASSERT_EQUAL(out.delivered, 32 - full);
	CU_ASSERT_EQUAL(out.drops, full);
	CU_ASSERT_EQUAL(DROPS(SOCKET_RCVBUFF), full);
	CU_ASSERT_EQUAL(SNMP(Udp, RcvbufErrors), full);
	CU_ASSERT_EQUAL(ls.listener[0].drops, full);
	CU_ASSERT_EQUAL(ls.listener[0].datagrams, 32 - first_other - full);
	CU_ASSERT_EQUAL(ls.listener[1].datagrams, first_other);
	/* the mbufs to free are those not taken, each once, in order */
	for (i = 0, k = 0; i < 32 && k < out.nb_free; i++)
		if (i < first_other || v[i - first_other] != FP_VERDICT_TAKEN)
			freed_ok += pkts[k++] == &many[i].m;
	CU_ASSERT_EQUAL(freed_ok, 32 - taken);
}

/* A ring's bursts: taken whole, or taken up to the ring's room and the
 * rest a full socket buffer, at any point of a group of eight. */
static void
test_handler_burst_verdicts(void)
{
	uint8_t v[32];
	unsigned int i;

	memset(v, FP_VERDICT_TAKEN, sizeof(v));
	burst_verdicts(0, v);                        /* all taken */
	for (i = 20; i < 32; i++)
		v[i] = FP_VERDICT_DROP_FULL;
	burst_verdicts(0, v);                        /* 20 taken, 12 full */
	burst_verdicts(4, v);                        /* after 4 for count */
	memset(v, FP_VERDICT_DROP_FULL, sizeof(v));
	burst_verdicts(0, v);                        /* none fits */
	for (i = 0; i < 32; i++)
		v[i] = i % 3 == 0 ? FP_VERDICT_TAKEN :
			i % 3 == 1 ? FP_VERDICT_CONSUMED : FP_VERDICT_DROP_FULL;
	burst_verdicts(0, v);                        /* mixed */
	burst_verdicts(7, v);
}

/* --exception: what goes to the kernel, what fastpath keeps, and what it
 * still drops; the "not for me" counters stay for the kernel to move. */
static void
test_exception(void)
{
	/* ours: a listener's datagram */
	fixture();
	conf.exception = true;
	local("10.1.0.1");
	listen_on("9=count");
	udp4("10.1.0.1", 9);
	CU_ASSERT_EQUAL(run(), R_DELIVER);
	/* UDP without a listener: the kernel's, after its checksum */
	tpkt_init(&tp);
	udp4("10.1.0.1", 4444);
	CU_ASSERT_EQUAL(run(), R_KERNEL);
	CU_ASSERT_EQUAL(SNMP(Udp, NoPorts), 0);
	CU_ASSERT_EQUAL(SNMP(Ip, InDelivers), 2);
	tpkt_init(&tp);
	udp4("10.1.0.1", 4444);
	l4_hdr()[6] ^= 0x10;
	CU_ASSERT_EQUAL(run(), FP_DROP_UDP_CSUM);    /* never handed on */
	CU_ASSERT_EQUAL(SNMP(Udp, InCsumErrors), 1);
	/* an address fastpath does not own: the kernel's, no InAddrErrors */
	tpkt_init(&tp);
	udp4("10.1.0.77", 9);
	CU_ASSERT_EQUAL(run(), R_KERNEL);
	CU_ASSERT_EQUAL(SNMP(Ip, InAddrErrors), 0);
	/* a bad IP header: dropped */
	tpkt_init(&tp);
	udp4("10.1.0.1", 4444);
	ip_hdr()[10] ^= 0x55;
	CU_ASSERT_EQUAL(run(), FP_DROP_IP_CSUM);
	/* TCP, ICMP echo, an unknown protocol: at the dispatch, InDelivers */
	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 6);
	pb_tcp(&tp, 1234, 80);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_KERNEL);
	CU_ASSERT_EQUAL(SNMP(Tcp, InSegs), 1);   /* validated here first */
	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 1);
	pb_icmp(&tp, 8, 0);
	pb_zeros(&tp, 8);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_KERNEL);            /* not answered here */
	CU_ASSERT_EQUAL(SNMP(Icmp, InEchos), 1);
	CU_ASSERT_EQUAL(SNMP(Icmp, OutEchoReps), 0);
	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_US, 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 200);
	pb_zeros(&tp, 8);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_KERNEL);
	CU_ASSERT_EQUAL(SNMP(Ip, InUnknownProtos), 0);
	/* the listener's, the two UDP without one (the bad checksum too, as
	 * ip_local_deliver counts it before udp_rcv), TCP, ICMP, protocol 200 */
	CU_ASSERT_EQUAL(SNMP(Ip, InDelivers), 6);
	/* ARP for our address, another ethertype: at L2 */
	tpkt_init(&tp);
	arp(1, "10.1.0.1");
	CU_ASSERT_EQUAL(run(), R_KERNEL);
	tpkt_init(&tp);
	pb_eth(&tp, T_MAC_US, 0x88cc);
	pb_zeros(&tp, 46);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_KERNEL);
	/* another host's frame: dropped as without the exception path */
	tpkt_init(&tp);
	pb_eth(&tp, (const uint8_t *)"\x02\x99\x99\x99\x99\x99", 0x0800);
	pb_ip4(&tp, "10.0.0.2", "10.1.0.1", 17);
	pb_udp(&tp, 5555, 9);
	pb_bytes(&tp, "0123456789abcdefgh", 18);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), FP_DROP_OTHERHOST);
	/* IPv6 neighbour discovery: the kernel's */
	fixture();
	conf.exception = true;
	local("2001:db8::1");
	pb_eth(&tp, T_MAC_US, 0x86dd);
	pb_ip6(&tp, "2001:db8::2", "2001:db8::1", 58);
	pb_icmp(&tp, 128, 0);
	pb_zeros(&tp, 20);
	pb_finish(&tp);
	CU_ASSERT_EQUAL(run(), R_KERNEL);            /* ping6: the kernel answers */
	CU_ASSERT_EQUAL(SNMP(Ip6, InDelivers), 1);
	/* the TAP queue took none: KERNEL_FULL, a resource drop */
	fixture();
	conf.exception = true;
	local("10.1.0.1");
	udp4("10.1.0.1", 4444);
	CU_ASSERT_EQUAL(run(), R_KERNEL);
	fp_proc_kernel_done(&ctx, &out, 0);
	CU_ASSERT_EQUAL(out.to_kernel, 0);
	CU_ASSERT_EQUAL(out.drops, 1);
	CU_ASSERT_EQUAL(out.res_drops, 1);
	CU_ASSERT_EQUAL(ls.drop_reason[FP_DROP_KERNEL_FULL], 1);
}

int
unit_register_rx(void)
{
	static const struct unit_case cases[] = {
		{ "l2: runt, ethertype, OTHERHOST, sink", test_l2 },
		{ "l2: VLAN tags", test_vlan },
		{ "icmp: an error built in place", test_icmp_error_build },
		{ "udp: listener wildcards", test_listener_wildcards },
		{ "l2: --vlan filter", test_vlan_filter },
		{ "l2: padding and FCS", test_fcs_and_padding },
		{ "ipv4: header checks", test_ipv4_header },
		{ "ipv4: offload flags", test_ipv4_offload_flags },
		{ "ipv4: delivery", test_ipv4_delivery },
		{ "udp: checks and counters", test_udp },
		{ "udp: multicast and broadcast", test_udp_multicast },
		{ "udp: listener lookup", test_listener_lookup },
		{ "udp: --listen parsing", test_listen_parse },
		{ "host mode: one address family only", test_host_one_family },
		{ "--local-ip parsing", test_local_parse },
		{ "tcp", test_tcp },
		{ "icmp: echo", test_icmp_echo },
		{ "icmp: errors", test_icmp_errors },
		{ "arp", test_arp },
		{ "ipv6: header checks", test_ipv6_header },
		{ "ipv6: extension headers", test_ipv6_exthdr },
		{ "icmpv6: echo, neighbour discovery", test_icmp6 },
		{ "udp echo", test_udp_echo },
		{ "seq action", test_seq_action },
		{ "seq tracker", test_seq_tracker },
		{ "seq: bucket hash spreads one subnet", test_seq_hash },
		{ "seq: eviction at and beyond capacity", test_seq_eviction },
		{ "handlers: the datagram views", test_handler_views },
		{ "handlers: verdicts and their counters", test_handler_verdicts },
		{ "handlers: mixed verdicts in a burst", test_handler_burst_verdicts },
		{ "exception path: what goes to the kernel", test_exception },
		{ NULL, NULL },
	};

	return unit_suite("rx", cases);
}
