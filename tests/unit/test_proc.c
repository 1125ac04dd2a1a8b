/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "fp_proc.h"
#include "unit.h"

/* An mbuf built by hand: only the fields the processing reads. */
struct test_pkt {
	struct rte_mbuf m;
	uint8_t data[2048];
};

static void
mk(struct test_pkt *p, uint16_t len)
{
	memset(&p->m, 0, sizeof(p->m));
	p->m.buf_addr = p->data;
	p->m.data_off = 0;
	p->m.data_len = len;
	p->m.pkt_len = len;
	p->m.nb_segs = 1;
}

static void
test_runts(void)
{
	static struct test_pkt pk[8];
	static const uint16_t len[8] = { 60, 13, 14, 0, 1514, 1, 64, 12 };
	struct rte_mbuf *pkts[8];
	static struct fp_lcore_stats ls;
	static struct fp_rx_conf conf;
	struct fp_proc_ctx ctx = { .lstats = &ls, .conf = &conf };
	static struct fp_burst out;
	uint64_t bytes = 0;
	unsigned int i, runts = 0;

	memset(&ls, 0, sizeof(ls));
	for (i = 0; i < 8; i++) {
		mk(&pk[i], len[i]);
		pkts[i] = &pk[i].m;
		bytes += len[i];
		runts += len[i] < 14;
	}
	fp_proc_burst(&ctx, pkts, 8, &out);
	/* the rest are zeroed frames: ethertype 0 is not handled */
	CU_ASSERT_EQUAL(out.drops, 8);
	CU_ASSERT_EQUAL(out.delivered, 0);
	CU_ASSERT_EQUAL(ls.drop_reason[FP_DROP_UNHANDLED_PROTO], 8 - runts);
	CU_ASSERT_EQUAL(out.res_drops, 0);
	CU_ASSERT_EQUAL(out.nb_tx, 0);
	CU_ASSERT_EQUAL(out.nb_free, 8);
	CU_ASSERT_EQUAL(out.bytes, bytes);
	CU_ASSERT_EQUAL(ls.drop_reason[FP_DROP_PKT_TOO_SMALL], runts);
	/* conservation: every packet has exactly one fate */
	CU_ASSERT_EQUAL(out.delivered + out.drops + out.nb_tx, 8);
}

static void
test_count_drop(void)
{
	static struct fp_lcore_stats ls;
	struct fp_proc_ctx ctx = { .lstats = &ls };
	static struct fp_burst out;

	memset(&ls, 0, sizeof(ls));
	memset(&out, 0, sizeof(out));
	fp_proc_count_drop(&ctx, &out, FP_DROP_FULL_RING, 3);
	fp_proc_count_drop(&ctx, &out, FP_DROP_PKT_TOO_SMALL, 2);
	CU_ASSERT_EQUAL(out.drops, 5);
	CU_ASSERT_EQUAL(out.res_drops, 3);
	CU_ASSERT_EQUAL(ls.drop_reason[FP_DROP_FULL_RING], 3);
	CU_ASSERT_EQUAL(ls.drop_reason[FP_DROP_PKT_TOO_SMALL], 2);
}

/* A reply that is not UDP carries no listener: whatever its listener
 * field holds must not be used (the fuzzer found it indexed). */
static void
test_tx_done_kinds(void)
{
	static struct fp_lcore_stats ls;
	struct fp_proc_ctx ctx = { .lstats = &ls };
	static struct fp_burst out;
	static const uint8_t kinds[] = { FP_TX_ARP, FP_TX_ICMP_ECHO,
		FP_TX_ICMP6_ECHO, FP_TX_NDP_NA };
	unsigned int i;

	memset(&ls, 0, sizeof(ls));
	memset(&out, 0, sizeof(out));
	for (i = 0; i < sizeof(kinds); i++) {
		out.tx_meta[i].kind = kinds[i];
		out.tx_meta[i].listener = 200;        /* out of range */
		out.tx_meta[i].frames = 1;
	}
	out.nb_tx = (uint16_t)i;
	out.tx_frames = (uint16_t)i;
	fp_proc_tx_done(&ctx, &out, 2, false);
	CU_ASSERT_EQUAL(out.tx_frames, 2);
	CU_ASSERT_EQUAL(out.drops, 2);
	CU_ASSERT_EQUAL(ls.drop_reason[FP_DROP_FULL_RING], 2);
	fp_snmp_derive(ls.snmp);            /* as a reader sees them */
	CU_ASSERT_EQUAL(ls.snmp[FP_SNMP_Icmp_OutEchoReps], 1);
	for (i = 0; i < FP_MAX_LISTENERS; i++)
		CU_ASSERT_EQUAL(ls.listener[i].drops, 0);
}

int
unit_register_proc(void)
{
	static const struct unit_case cases[] = {
		{ "runts", test_runts },
		{ "drops after processing", test_count_drop },
		{ "tx outcome by reply kind", test_tx_done_kinds },
		{ NULL, NULL },
	};

	return unit_suite("proc", cases);
}
