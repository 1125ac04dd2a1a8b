/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fp_frag.h"
#include "fp_util.h"

struct fp_frag {
	struct rte_ip_frag_tbl *tbl;
	struct fp_lcore *lc;
	struct rte_ip_frag_death_row dr;
};

/* The lcore's first queue on a port: where frames of that port that
 * leave the table are accounted (per-port sums stay exact). */
static struct fp_queue_stats *
port_queue(struct fp_lcore *lc, uint16_t port)
{
	unsigned int k;

	for (k = 0; k < lc->nb_q; k++)
		if (lc->q[k].port == port)
			return &lc->qstats[k];
	return &lc->qstats[0];
}

static void
count_frame(struct fp_lcore *lc, uint16_t port, enum fp_drop_reason reason)
{
	struct fp_queue_stats *s = port_queue(lc, port);

	FP_STAT_ADD(lc->lstats.drop_reason[reason], 1);
	FP_STAT_ADD(s->drops, 1);
	FP_STAT_ADD(s->released, 1);
}

/*
 * Count and free the death row: frames the table gave up on, each one a
 * held frame released as a drop. DPDK does not say which datagram a frame
 * belonged to, so ReasmFails / ReasmTimeout count frames here, where the
 * kernel counts datagrams.
 */
static void
bury(struct fp_frag *f, enum fp_drop_reason reason)
{
	struct fp_lcore *lc = f->lc;
	uint32_t i;

	for (i = 0; i < f->dr.cnt; i++) {
		const struct rte_mbuf *m = f->dr.row[i];
		const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *,
				m->l2_len);
		bool v6 = (ip[0] >> 4) == 6;

		count_frame(lc, m->port, reason);
		if (reason == FP_DROP_FRAG_REASM_TIMEOUT)
			FP_STAT_ADD(lc->lstats.snmp[v6 ? FP_SNMP_Ip6_ReasmTimeout :
					FP_SNMP_Ip_ReasmTimeout], 1);
		FP_STAT_ADD(lc->lstats.snmp[v6 ? FP_SNMP_Ip6_ReasmFails :
				FP_SNMP_Ip_ReasmFails], 1);
	}
	if (f->dr.cnt != 0)
		rte_ip_frag_free_death_row(&f->dr, 3);
}

/* The hook: fp_reasm_fn. */
static struct rte_mbuf *
reasm(void *arg, struct rte_mbuf *m, unsigned int family, uint16_t l2_len,
		uint16_t l3_len)
{
	struct fp_frag *f = arg;
	uint64_t now = rte_rdtsc();
	struct rte_mbuf *whole;

	m->l2_len = l2_len;
	m->l3_len = l3_len;
	if (family == FP_AF_INET) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
				struct rte_ipv4_hdr *, l2_len);

		whole = rte_ipv4_frag_reassemble_packet(f->tbl, &f->dr, m, now, ip);
	} else {
		struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m,
				struct rte_ipv6_hdr *, l2_len);
		struct rte_ipv6_fragment_ext *fh = (void *)(ip + 1);

		whole = rte_ipv6_frag_reassemble_packet(f->tbl, &f->dr, m, now,
				ip, fh);
	}
	/* overlaps, too many fragments, a full table; an expired datagram
	 * found on the way */
	bury(f, FP_DROP_FRAG_FAILED);
	return whole;
}

int
fp_frag_setup(struct fp_app *a, char *err, size_t errlen)
{
	uint64_t ttl = fp_app.tsc_hz / 1000 * a->opts.frag_timeout_ms;
	unsigned int id;

	for (id = 0; id < RTE_MAX_LCORE; id++) {
		struct fp_lcore *lc = a->lcores[id];
		int socket = (int)rte_lcore_to_socket_id(id);
		struct fp_frag *f;

		if (lc == NULL)
			continue;
		f = rte_zmalloc_socket("fp_frag", sizeof(*f), RTE_CACHE_LINE_SIZE,
				socket);
		if (f != NULL)
			f->tbl = rte_ip_frag_table_create(FP_FRAG_MAX_DATAGRAMS /
					FP_FRAG_BUCKET_ENTRIES * 2,
					FP_FRAG_BUCKET_ENTRIES,
					FP_FRAG_MAX_DATAGRAMS, ttl, socket);
		if (f == NULL || f->tbl == NULL) {
			rte_free(f);
			return fp_err(err, errlen,
				"cannot allocate the reassembly table of lcore %u", id),
				-ENOMEM;
		}
		f->lc = lc;
		lc->frag = f;
		lc->proc.reasm = reasm;
		lc->proc.reasm_arg = f;
	}
	return 0;
}

void
fp_frag_expire(struct fp_lcore *lc, uint64_t now)
{
	struct fp_frag *f = lc->frag;

	if (f == NULL)
		return;
	rte_ip_frag_table_del_expired_entries(f->tbl, &f->dr, now);
	bury(f, FP_DROP_FRAG_REASM_TIMEOUT);
}

void
fp_frag_teardown(struct fp_app *a)
{
	unsigned int id, k, j;

	for (id = 0; id < RTE_MAX_LCORE; id++) {
		struct fp_lcore *lc = a->lcores[id];

		if (lc == NULL || lc->frag == NULL)
			continue;
		/* what is still held, per port, leaves as dropped */
		for (k = 0; k < lc->nb_q; k++) {
			uint64_t held = 0;

			for (j = 0; j < lc->nb_q; j++)
				if (lc->q[j].port == lc->q[k].port && j < k)
					break;
			if (j < k)
				continue;        /* port already done */
			for (j = 0; j < lc->nb_q; j++)
				if (lc->q[j].port == lc->q[k].port)
					held += lc->qstats[j].held -
						lc->qstats[j].released;
			while (held-- > 0)
				count_frame(lc, lc->q[k].port,
					FP_DROP_FRAG_REASM_TIMEOUT);
		}
		rte_ip_frag_table_destroy(lc->frag->tbl);
		rte_free(lc->frag);
		lc->frag = NULL;
		lc->proc.reasm = NULL;
	}
}
