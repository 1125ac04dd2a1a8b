/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stateful fuzz target: a sequence of frames through the real receive path
 * of one lcore, with the app's real reassembly (DPDK's ip_frag tables,
 * app/fp_frag.c), the seq tables and several listeners. The first target
 * (fuzz_rx.c) sees one frame and a stub for reassembly; this one sees what
 * happens between frames.
 *
 * Input:
 *   byte 0      bit 0: host mode (local addresses) / sink mode
 *               bit 1: the port keeps the FCS
 *               bit 2: an exception path (--exception): the kernel's
 *                      frames are handed on; bit 3: its TAP takes none
 *   records     [ctl][len_hi][len_lo][len bytes of frame]
 *     ctl bit 0: the burst ends after this frame
 *     ctl bit 1: after the burst, every datagram in reassembly expires
 *     ctl bit 2: after the burst, the replies are not sent (a full ring)
 *     ctl bits 3-4: PMD IP checksum flag (unknown, good, bad)
 *     ctl bits 5-6: PMD L4 checksum flag (unknown, good, bad)
 * A frame is copied into mbufs of 2 KiB data room, chained as net_pcap
 * chains what does not fit in one. A truncated record ends the input.
 *
 * Checked after every burst: one fate per frame (the burst's law),
 * every counter monotonic, the queue's snapshot balanced. After the input,
 * the table is flushed: the counters must then show nothing held, and
 * every mbuf must be back in the pool.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "fp_app.h"
#include "fp_frag.h"
#include "fuzz_flags.h"

#define DATA_ROOM 2048
#define MAX_FRAME 9018
#define NB_MBUFS 8191

struct fp_app fp_app;
RTE_LOG_REGISTER(fp_logtype, fastpath.fuzz, ERR);

static struct fp_rx_conf conf[2];
static bool kernel_full;       /* the exception path's TAP takes nothing */
static struct fp_lcore *lc;
static struct fp_seq_table *seq;
static struct rte_mempool *pool;

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_stateful: %s\n", what);
	abort();
}

/* EAL leaves an empty runtime directory behind: take it away at exit. */
static char rundir[128];

static void
remove_rundir(void)
{
	rte_eal_cleanup();
	rmdir(rundir);
}

static void
setup(void)
{
	static char prefix[64];
	static char *argv[] = { "fuzz_stateful", "--no-huge", "-m", "256",
		"--no-pci", "--no-shconf", "--no-telemetry", "-l", "0",
		"--log-level", "*:error", "--file-prefix", prefix };
	static const char *const listen[] = { "9=count", "7=echo",
		"10.1.0.1:5000=seq,offset=0,size=4",
		"[2001:db8::1]:5001=seq,size=8,order=le", "5002=seq,size=4",
		"239.1.1.1:6000=count", "53=count" };
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };
	char err[256];
	unsigned int m, i;

	snprintf(prefix, sizeof(prefix), "fuzz_stateful_%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(argv), argv) < 0)
		fail("rte_eal_init");
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	atexit(remove_rundir);
	pool = rte_pktmbuf_pool_create("fuzz", NB_MBUFS, 0, 0,
			DATA_ROOM + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	if (pool == NULL)
		fail("mempool");
	for (m = 0; m < 2; m++) {
		memcpy(conf[m].port[0].mac, mac, 6);
		conf[m].port[0].mtu = 1500;
		if (m == 1 && (fp_local_add(&conf[1].local, "10.1.0.1/24", NULL, 0) != 0 ||
				fp_local_add(&conf[1].local, "2001:db8::1", NULL, 0) != 0))
			fail("local");
		for (i = 0; i < RTE_DIM(listen); i++)
			if (fp_listen_add(&conf[m].listen, &conf[m].local, listen[i],
					err, sizeof(err)) != 0)
				fail(err);
	}
	lc = rte_zmalloc("lc", sizeof(*lc), RTE_CACHE_LINE_SIZE);
	if (lc == NULL)
		fail("lcore");
	lc->id = rte_lcore_id();
	lc->nb_q = 1;
	lc->q[0].port = 0;
	seq = rte_zmalloc("seq", sizeof(*seq), 0);
	if (seq == NULL)
		fail("seq table");
	fp_app.lcores[lc->id] = lc;
	fp_app.tsc_hz = rte_get_tsc_hz();
	fp_app.opts.frag_timeout_ms = 1000;
	if (fp_frag_setup(&fp_app, err, sizeof(err)) != 0)
		fail(err);
}

/* The frame in mbufs of DATA_ROOM bytes, chained as net_pcap does. */
static struct rte_mbuf *
to_mbuf(const uint8_t *d, uint32_t len, uint64_t ol_flags)
{
	struct rte_mbuf *head = NULL, *tail = NULL;
	uint32_t off = 0;

	do {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint16_t n = (uint16_t)RTE_MIN(len - off, (uint32_t)DATA_ROOM);

		if (m == NULL)
			fail("mbuf leak: the pool ran dry");
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), d + off, n);
		m->data_len = n;
		off += n;
		if (head == NULL) {
			head = m;
		} else {
			tail->next = m;
			head->nb_segs++;
		}
		tail = m;
	} while (off < len);
	head->pkt_len = len;
	head->port = 0;
	head->ol_flags = ol_flags;
	return head;
}

/* Everything the lcore counts, as one array of words. */
#define WORDS (sizeof(struct fp_lcore_stats) / 8)
static uint64_t before[WORDS], after[WORDS];

/* Word w is a seq listener's "lost": a gauge (a late number lowers it). */
static bool
is_gauge(unsigned int w)
{
	const size_t base = offsetof(struct fp_lcore_stats, listener);
	const size_t lost = offsetof(struct fp_listener_stats, seq) +
		offsetof(struct fp_seq_stats, lost);
	size_t off = (size_t)w * 8;

	if (off < base)
		return false;
	off -= base;
	return off / sizeof(struct fp_listener_stats) < FP_MAX_LISTENERS &&
		off % sizeof(struct fp_listener_stats) == lost;
}

static void
check_monotonic(void)
{
	unsigned int i;

	memcpy(after, &lc->lstats, sizeof(after));
	for (i = 0; i < WORDS; i++)
		/* the seq "lost" gauge falls when a late number arrives */
		if (after[i] < before[i] && !is_gauge(i))
			fail("a counter went back");
	memcpy(before, after, sizeof(before));
}

static void
run_burst(struct rte_mbuf **pkts, uint16_t n, uint8_t ctl)
{
	struct fp_queue_stats *s = &lc->qstats[0];
	struct fp_queue_stats snap;
	struct fp_burst out;
	struct fp_balance b;
	uint16_t sent;

	fp_proc_burst(&lc->proc, pkts, n, &out);
	if ((uint32_t)n + out.released != (uint32_t)out.delivered + out.drops +
			out.tx_frames + out.to_kernel + out.held)
		fail("a frame without exactly one fate");
	sent = (ctl & 4) ? 0 : out.nb_tx;
	fp_proc_tx_done(&lc->proc, &out, sent, false);
	rte_pktmbuf_free_bulk(out.tx, out.nb_tx);
	fp_proc_kernel_done(&lc->proc, &out, kernel_full ? 0 : out.nb_kernel);
	rte_pktmbuf_free_bulk(out.kernel, out.nb_kernel);   /* "sent" */
	rte_pktmbuf_free_bulk(pkts, out.nb_free);
	fp_qstats_begin(s);
	FP_STAT_ADD(s->delivered, out.delivered);
	FP_STAT_ADD(s->drops, out.drops);
	FP_STAT_ADD(s->tx, out.tx_frames);
	FP_STAT_ADD(s->to_kernel, out.to_kernel);
	FP_STAT_ADD(s->held, out.held);
	FP_STAT_ADD(s->released, out.released);
	FP_STAT_ADD(s->packets, n);
	fp_qstats_end(s);
	if (ctl & 2)
		fp_frag_expire(lc, UINT64_MAX / 2);
	fp_queue_stats_read(&snap, s);
	fp_stats_balance(snap.packets, &snap, &b);
	if (b.unaccounted != 0 || b.overcounted != 0)
		fail("the queue does not balance");
	check_monotonic();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *pkts[FP_BURST_MAX];
	struct fp_queue_stats snap;
	struct fp_balance b;
	uint16_t n = 0;
	uint8_t ctl = 0;
	size_t off = 1;

	if (lc == NULL)
		setup();
	if (size < 1)
		return 0;
	/* the context as the app sets it up, over this input's conf */
	{
		fp_reasm_fn reasm = lc->proc.reasm;
		void *arg = lc->proc.reasm_arg;

		fp_proc_ctx_init(&lc->proc, &lc->lstats, &conf[data[0] & 1], seq);
		lc->proc.reasm = reasm;
		lc->proc.reasm_arg = arg;
	}
	conf[data[0] & 1].port[0].keep_crc = (data[0] & 2) != 0;
	conf[data[0] & 1].exception = (data[0] & 4) != 0;
	kernel_full = (data[0] & 8) != 0;
	memcpy(before, &lc->lstats, sizeof(before));
	while (off + 3 <= size) {
		uint32_t len = (uint32_t)data[off + 1] << 8 | data[off + 2];

		ctl = data[off];
		off += 3;
		if (len == 0 || len > MAX_FRAME || len > size - off)
			break;
		pkts[n++] = to_mbuf(data + off, len,
				fuzz_ip_flags[(ctl >> 3) & 3] | fuzz_l4_flags[(ctl >> 5) & 3]);
		off += len;
		if ((ctl & 1) || n == 32) {
			run_burst(pkts, n, ctl);
			n = 0;
		}
	}
	if (n != 0)
		run_burst(pkts, n, ctl);
	/* flushed, nothing is held and every mbuf is back */
	if (fp_frag_flush(lc) != 0)
		fail("the counters disagree with the reassembly table");
	fp_queue_stats_read(&snap, &lc->qstats[0]);
	fp_stats_balance(snap.packets, &snap, &b);
	if (b.held != 0 || b.unaccounted != 0 || b.overcounted != 0 ||
			snap.held != snap.released)
		fail("held after the flush");
	if (rte_mempool_in_use_count(pool) != 0)
		fail("mbuf leak");
	check_monotonic();
	return 0;
}
