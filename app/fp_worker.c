/* SPDX-License-Identifier: BSD-3-Clause */
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "fp_app.h"
#include "fp_exception.h"
#include "fp_frag.h"
#include "fp_membership.h"
#include "fp_plugin.h"
#include "fp_ring.h"
#include "fp_worker.h"

/* Control work (quit flag, housekeeping) every CONTROL_LOOPS iterations. */
#define CONTROL_LOOPS 256
/* The exception path's TAP queues are read every TAP_LOOPS iterations:
 * what the kernel sends (ARP, SSH, ...) can wait microseconds, and the
 * data queues' polls come first. */
#define TAP_LOOPS 16
/* Housekeeping period: 1 ms. */
#define TICK_PER_SEC 1000

static struct {
	uint64_t ticks;
	uint64_t next_tsc;
	uint64_t last_total;
	uint64_t last_change_tsc;
} hk;

static uint64_t
total_packets(void)
{
	uint64_t total = 0;
	unsigned int id, k;

	for (id = 0; id < RTE_MAX_LCORE; id++) {
		const struct fp_lcore *lc = fp_app.lcores[id];

		if (lc == NULL)
			continue;
		for (k = 0; k < lc->nb_q; k++)
			total += __atomic_load_n(&lc->qstats[k].packets,
					__ATOMIC_RELAXED);
	}
	return total;
}

/* Main-lcore housekeeping: --idle-exit. */
static void
control_tick(uint64_t now)
{
	uint32_t idle_ms = fp_app.opts.idle_exit_ms;
	uint64_t total;

	if (now < hk.next_tsc)
		return;
	hk.next_tsc = now + fp_app.tsc_hz / TICK_PER_SEC;
	if (hk.last_change_tsc == 0)
		hk.last_change_tsc = now;
	if (++hk.ticks % TICK_PER_SEC == 0)
		fp_rings_check(&fp_app);  /* consumers that died: once a second */
	if (idle_ms == 0)
		return;
	total = total_packets();
	if (total != hk.last_total) {
		hk.last_total = total;
		hk.last_change_tsc = now;
	} else if (now - hk.last_change_tsc >= fp_app.tsc_hz * idle_ms / 1000) {
		FP_LOG(INFO, "no packet for %u ms: stopping (--idle-exit)",
			idle_ms);
		fp_app_request_quit();
	}
}

void
fp_control_loop(void)
{
	while (!fp_app_quitting()) {
		control_tick(rte_rdtsc());
		usleep(1000000 / TICK_PER_SEC);
	}
}

/*
 * --cost-cycles: the work a heavier application would do per packet. A
 * stop request cuts the wait short: at 10^7 cycles a packet one burst
 * spins for a tenth of a second or more, and the loop below looks at the
 * quit flag only every CONTROL_LOOPS bursts (30 s at --burst 32). Once
 * the flag is set the remaining loops spin no more and end in a moment.
 */
static void
spend(uint64_t cycles)
{
	uint64_t end = rte_rdtsc() + cycles;

	while (rte_rdtsc() < end && !fp_app_quitting())
		rte_pause();
}

/* Hand replies to the lcore's tx queue; what does not fit is dropped. */
static void
transmit(struct fp_lcore *lc, const struct fp_lcore_queue *q,
		struct fp_burst *out)
{
	uint16_t sent = 0;

	if (q->txq != FP_NO_TXQ)
		sent = rte_eth_tx_burst(q->port, q->txq, out->tx, out->nb_tx);
	fp_proc_tx_done(&lc->proc, out, sent, q->txq == FP_NO_TXQ);
	if (sent < out->nb_tx)
		rte_pktmbuf_free_bulk(&out->tx[sent], out->nb_tx - sent);
}

/* Publish one non-empty poll: one store per counter, once per burst. */
static inline void
publish(struct fp_queue_stats *s, uint16_t n, uint16_t burst,
		const struct fp_burst *out, uint64_t cycles)
{
	fp_qstats_begin(s);
	FP_STAT_ADD(s->delivered, out->delivered);
	FP_STAT_ADD(s->drops, out->drops);
	FP_STAT_ADD(s->res_drops, out->res_drops);
	FP_STAT_ADD(s->tx, out->tx_frames);
	FP_STAT_ADD(s->to_kernel, out->to_kernel);
	FP_STAT_ADD(s->held, out->held);
	FP_STAT_ADD(s->released, out->released);
	FP_STAT_ADD(s->bytes, out->bytes);
	FP_STAT_ADD(s->time_squeeze, n == burst);
	FP_STAT_ADD(s->polls, 1);
	FP_STAT_ADD(s->busy_cycles, cycles);
	FP_STAT_ADD(s->burst_hist[fp_hist_bucket(n)], 1);
	FP_STAT_ADD(s->packets, n);
	fp_qstats_end(s);
	/* last: a reader that sees no packet in flight sees their fates */
	__atomic_store_n(&s->inflight, 0, __ATOMIC_RELEASE);
}

int
fp_worker_main(void *arg)
{
	struct fp_lcore *lc = arg;
	const uint16_t burst = fp_app.opts.burst;
	struct rte_mbuf *pkts[FP_BURST_MAX];
	struct fp_burst out;
	uint64_t prev, loops = 0;
	unsigned int k;

	FP_LOG(INFO, "lcore %u polls %u queue(s)", lc->id, lc->nb_q);
	prev = rte_rdtsc();
	for (;;) {
		bool full = false;      /* a queue may hold more right now */

		for (k = 0; k < lc->nb_q; k++) {
			const struct fp_lcore_queue *q = &lc->q[k];
			struct fp_queue_stats *s = &lc->qstats[k];
			uint16_t n;
			uint64_t now;

			if (unlikely(q->tap_poll) && loops % TAP_LOOPS == 0)
				fp_exception_poll(lc, q, s, burst);
			/* before the PMD counts anything: see fp_stats.h */
			__atomic_store_n(&s->inflight, burst, __ATOMIC_RELAXED);
			rte_atomic_thread_fence(__ATOMIC_RELEASE);
			n = rte_eth_rx_burst(q->port, q->queue, pkts, burst);
			full |= n == burst;
			if (n == 0) {
				__atomic_store_n(&s->inflight, 0, __ATOMIC_RELAXED);
				now = rte_rdtsc();
				FP_STAT_ADD(s->idle_cycles, now - prev);
				FP_STAT_ADD(s->polls, 1);
				FP_STAT_ADD(s->empty_polls, 1);
				prev = now;
				continue;
			}
			lc->proc.port = q->port;
			lc->proc.queue = q->queue;
			lc->proc.now = prev;
			fp_proc_burst(&lc->proc, pkts, n, &out);
			if (unlikely(lc->cost_cycles != 0))
				spend((uint64_t)lc->cost_cycles * n);
			if (out.nb_tx != 0)
				transmit(lc, q, &out);
			if (unlikely(out.nb_kernel != 0))
				fp_exception_send(lc, q, &out);
			rte_pktmbuf_free_bulk(pkts, out.nb_free);
			now = rte_rdtsc();
			publish(s, n, burst, &out, now - prev);
			prev = now;
		}
		/* handlers that gather over bursts (a ring's) pass on what
		 * they hold once no queue has more at once, or once it waited */
		if (lc->flushers)
			fp_plugins_flush(&fp_app.rx.listen, lc->proc.hstate,
				lc->flushers, !full, prev);
		if (unlikely(++loops % CONTROL_LOOPS == 0)) {
			FP_STAT_ADD(lc->lstats.loops, CONTROL_LOOPS);
			if (fp_app_quitting())
				break;
			fp_frag_expire(lc, prev);
			if (lc->mcast_ports != 0)
				fp_mcast_tick(lc, prev);
			fp_plugins_tick(&fp_app.rx.listen, lc->proc.hstate, prev);
			if (lc->is_main)
				control_tick(prev);
		}
	}
	if (lc->flushers)
		fp_plugins_flush(&fp_app.rx.listen, lc->proc.hstate, lc->flushers,
			true, prev);
	FP_STAT_ADD(lc->lstats.loops, loops % CONTROL_LOOPS);
	FP_LOG(INFO, "lcore %u stopped after %llu loops", lc->id,
		(unsigned long long)loops);
	return 0;
}
