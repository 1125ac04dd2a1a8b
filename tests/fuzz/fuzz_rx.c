/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target over the receive path: the entry point the poll loop
 * calls (fp_proc_burst, then fp_proc_tx_done), on one frame.
 *
 * Input: one control byte, then the frame.
 *   bit 0     host mode (local addresses, VLAN filter) / sink mode
 *   bit 1     the port keeps the FCS
 *   bits 2-3  PMD IP checksum flag: unknown, good, bad
 *   bits 4-5  PMD L4 checksum flag: unknown, good, bad
 *   bit 6     the frame arrives as two chained segments
 *   bit 7     the reassembly hook completes the datagram (else holds it)
 * The frame lies in a heap buffer of exactly its size, so a read past it
 * is caught by AddressSanitizer. Every input must keep the conservation
 * law: one frame in, exactly one fate out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fp_proc.h"
#include "fuzz_flags.h"

#define HEADROOM 128

static struct fp_rx_conf conf[2];
static struct fp_mcast_conf mconf[2];
static struct fp_mcast_state mstate[2];
static struct fp_lcore_stats ls;
static struct fp_seq_table *seq;
static struct fp_burst out;

static void
setup(void)
{
	static const char *const listen[] = { "9=count", "7=echo",
		"10.1.0.1:5000=seq,offset=0,size=4", "[2001:db8::1]:5001=seq,size=8,order=le",
		"239.1.1.1:6000=count", "53=count" };
	unsigned int m, i;

	for (m = 0; m < 2; m++) {
		static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };

		memcpy(conf[m].port[0].mac, mac, 6);
		conf[m].port[0].mtu = 1500;
		for (i = 0; i < sizeof(listen) / sizeof(listen[0]); i++)
			if (fp_listen_add(&conf[m].listen, &conf[m].local, listen[i],
					NULL, 0) != 0)
				abort();
	}
	if (fp_local_add(&conf[1].local, "10.1.0.1/24", NULL, 0) != 0 ||
			fp_local_add(&conf[1].local, "2001:db8::1/64", NULL, 0) != 0)
		abort();
	/* host mode sends ICMP errors: their building runs on every input */
	fp_icmp_conf_defaults(&conf[1].icmp);
	conf[1].icmp.tsc_hz = 1000000000;
	/* and announces its groups: queries and reports are parsed and
	 * start timers on every input */
	fp_mcast_conf_defaults(&mconf[0], FP_AF_INET);
	fp_mcast_conf_defaults(&mconf[1], FP_AF_INET6);
	for (i = 0; i < 2; i++) {
		fp_mcast_init(&mstate[i], i == 0 ? FP_AF_INET : FP_AF_INET6,
			&conf[1].local, &conf[1].listen, conf[1].port[0].mac, 1500,
			&mconf[i], 1000000000);
		conf[1].mcast[0][i] = &mstate[i];
	}
	conf[1].vlan_filter = true;
	conf[1].vlan_allow[0] = 1 | (1ull << 5);          /* untagged, 5 */
	conf[1].vlan_allow[100 / 64] |= 1ull << (100 % 64);
	seq = calloc(1, sizeof(*seq));
	if (seq == NULL)
		abort();
}

/* The reassembly hook: complete (hand the fragment back as the whole
 * datagram) or hold it. */
static struct fp_icmp_limit icmp_lim;
static uint64_t clock_s;

static struct rte_mbuf *
reasm(void *arg, struct rte_mbuf *m, unsigned int family, uint16_t *frames,
		enum fp_drop_reason *drop)
{
	(void)family;
	(void)drop;
	*frames = 1;
	return *(int *)arg ? m : NULL;
}

static struct rte_mbuf *
mbuf(uint8_t *buf, uint32_t size, uint32_t data)
{
	struct rte_mbuf *m = calloc(1, sizeof(*m));

	if (m == NULL)
		abort();
	m->buf_addr = buf;
	m->buf_len = (uint16_t)size;
	m->data_off = (uint16_t)(size - data);
	m->data_len = (uint16_t)data;
	m->pkt_len = data;
	m->nb_segs = 1;
	rte_mbuf_refcnt_set(m, 1);              /* as the pool hands it out */
	return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m, *m2 = NULL, *pkts[1];
	struct fp_proc_ctx ctx;
	uint8_t *b1, *b2 = NULL;
	uint32_t len, first;
	uint8_t ctl;
	int complete;

	if (seq == NULL)
		setup();
	if (size < 1 || size > 9000)
		return 0;
	ctl = data[0];
	len = (uint32_t)size - 1;
	first = (ctl & 0x40) && len > 1 ? len / 2 : len;

	b1 = malloc(HEADROOM + first);
	if (b1 == NULL)
		abort();
	memcpy(b1 + HEADROOM, data + 1, first);
	m = mbuf(b1, HEADROOM + first, first);
	if (first < len) {             /* the rest in a second segment */
		b2 = malloc(len - first);
		if (b2 == NULL)
			abort();
		memcpy(b2, data + 1 + first, len - first);
		m2 = mbuf(b2, len - first, len - first);
		m2->data_off = 0;
		m->next = m2;
		m->nb_segs = 2;
		m->pkt_len = len;
	}
	m->ol_flags = fuzz_ip_flags[(ctl >> 2) & 3] | fuzz_l4_flags[(ctl >> 4) & 3];

	conf[ctl & 1].port[0].keep_crc = (ctl & 2) != 0;
	/* the exception path on frames of odd length (no control bit left) */
	conf[ctl & 1].exception = (len & 1) != 0;
	complete = (ctl & 0x80) != 0;
	fp_proc_ctx_init(&ctx, &ls, &conf[ctl & 1], seq);
	/* a second passes between inputs: the rate limits refill */
	ctx.icmp_limit = &icmp_lim;
	ctx.now = ++clock_s * 1000000000ull;
	ctx.reasm = reasm;
	ctx.reasm_arg = &complete;
	pkts[0] = m;
	fp_proc_burst(&ctx, pkts, 1, &out);
	/* conservation: one frame, exactly one fate */
	/* (an ICMP error about a chain hands its tail back to be freed) */
	if ((unsigned int)(out.delivered + out.drops + out.tx_frames +
			out.to_kernel + out.held) != 1u + out.released ||
			(unsigned int)(out.nb_free + out.nb_tx + out.nb_kernel + out.held) !=
			1u + (out.nb_tx == 1 && out.nb_free == 1 && pkts[0] == m2))
		abort();
	if (out.nb_tx == 1 && out.tx[0]->nb_segs != 1)
		abort();                 /* replies leave as one segment */
	if (out.nb_tx != 0)
		fp_proc_tx_done(&ctx, &out, (uint16_t)(ctl & 1), ctl & 2);
	if (out.nb_kernel != 0)
		fp_proc_kernel_done(&ctx, &out, (uint16_t)(ctl & 1));
	if ((unsigned int)(out.delivered + out.drops + out.tx_frames +
			out.to_kernel + out.held) != 1u + out.released)
		abort();

	free(m2);
	free(b2);
	free(m);
	free(b1);
	return 0;
}
