/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fp_frag.h"
#include "fp_fragruns.h"
#include "fp_util.h"

struct fp_frag {
	struct rte_ip_frag_tbl *tbl;
	struct fp_lcore *lc;
	struct rte_ip_frag_death_row dr;
	struct fp_fragruns runs;         /* what each datagram brought */
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

/*
 * The frames a datagram was built from. A frame larger than an mbuf's data
 * room arrives as several segments, so the datagram's nb_segs is not its
 * frame count. Before a fragment goes into the table, its first segment
 * carries its l3_len (never 0 for a fragment) and every further segment
 * l3_len 0; ip_frag chains whole fragments and leaves those fields alone,
 * so the frames are the segments with an l3_len.
 */
static void
mark_frame(struct rte_mbuf *m)
{
	struct rte_mbuf *s;

	for (s = m->next; s != NULL; s = s->next)
		s->l3_len = 0;
}

static uint16_t
count_frames(const struct rte_mbuf *whole)
{
	const struct rte_mbuf *s;
	uint16_t n = 0;

	for (s = whole; s != NULL; s = s->next)
		n += s->l3_len != 0;
	return n;
}

static void
count_frame(struct fp_lcore *lc, uint16_t port, enum fp_drop_reason reason,
		uint16_t n)
{
	struct fp_queue_stats *s = port_queue(lc, port);

	FP_STAT_ADD(lc->lstats.drop_reason[reason], n);
	fp_qstats_begin(s);
	FP_STAT_ADD(s->drops, n);
	FP_STAT_ADD(s->released, n);
	fp_qstats_end(s);
}

/* A fragment's datagram key (RFC 791 / RFC 8200): source, destination,
 * identification (and protocol for IPv4). */
static void
dgram_key(const struct rte_mbuf *m, struct fp_frag_key *k)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *,
			m->l2_len);

	memset(k, 0, sizeof(*k));
	k->v6 = (ip[0] >> 4) == 6;
	if (k->v6) {
		memcpy(k->addr, ip + 8, 32);
		memcpy(&k->id, ip + 40 + 4, 4);   /* fragment header follows */
	} else {
		memcpy(k->addr, ip + 12, 8);
		k->id = (uint32_t)ip[4] << 8 | ip[5];
		k->proto = ip[9];
	}
}

/*
 * Count and free the death row: frames the table gave up on, each a held
 * frame released as a drop. ip_frag puts a datagram's fragments next to
 * each other, so a change of key starts the next datagram: ReasmFails
 * (and ReasmTimeout) count datagrams, as the kernel does.
 */
static void
bury(struct fp_frag *f, enum fp_drop_reason reason)
{
	struct fp_lcore *lc = f->lc;
	struct fp_frag_key prev, cur;
	uint32_t i;

	for (i = 0; i < f->dr.cnt; i++) {
		const struct rte_mbuf *m = f->dr.row[i];
		/* one entry is one fragment, or fragments ip_frag had
		 * already chained when it gave up on the datagram */
		uint16_t n = count_frames(m);

		count_frame(lc, m->port, reason, n);
		dgram_key(m, &cur);
		if (i != 0 && memcmp(&cur, &prev, sizeof(cur)) == 0)
			continue;                   /* same datagram */
		prev = cur;
		fp_fragruns_forget(&f->runs, &cur);
		if (reason == FP_DROP_FRAG_REASM_TIMEOUT)
			FP_STAT_ADD(lc->lstats.snmp[cur.v6 ? FP_SNMP_Ip6_ReasmTimeout :
					FP_SNMP_Ip_ReasmTimeout], 1);
		FP_STAT_ADD(lc->lstats.snmp[cur.v6 ? FP_SNMP_Ip6_ReasmFails :
				FP_SNMP_Ip_ReasmFails], 1);
	}
	if (f->dr.cnt != 0)
		rte_ip_frag_free_death_row(&f->dr, 3);
}

/* The bytes [off, end) of its datagram that fragment m carries; *mf:
 * more fragments follow. */
static void
frag_span(const struct rte_mbuf *m, uint32_t *off, uint32_t *end, bool *mf)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);

	if ((ip[0] >> 4) == 4) {
		*off = (uint32_t)((ip[6] & 0x1f) << 8 | ip[7]) * 8;
		*end = *off + (uint32_t)(ip[2] << 8 | ip[3]) - m->l3_len;
		*mf = (ip[6] & 0x20) != 0;
	} else {
		/* the fragment header ends the l3 header */
		const uint8_t *fh = ip + m->l3_len - 8;

		*off = (uint32_t)(fh[2] << 8 | fh[3]) & 0xfff8;
		*end = *off + 40u + (uint32_t)(ip[4] << 8 | ip[5]) - m->l3_len;
		*mf = (fh[3] & 1) != 0;
	}
}

/* The hook: fp_reasm_fn. */
static struct rte_mbuf *
reasm(void *arg, struct rte_mbuf *m, unsigned int family, uint16_t *frames,
		enum fp_drop_reason *drop)
{
	struct fp_frag *f = arg;
	uint64_t now = rte_rdtsc();
	struct rte_mbuf *whole;
	struct fp_frag_key key;
	uint32_t off, end;
	bool mf;

	/* what timed out goes first: ip_frag would otherwise reuse an
	 * expired datagram's entry for this one, behind the runs' back */
	rte_ip_frag_table_del_expired_entries(f->tbl, &f->dr, now);
	bury(f, FP_DROP_FRAG_REASM_TIMEOUT);
	/* inet_frag_queue_insert: a duplicate is dropped alone and the
	 * datagram goes on (ip_frag would give it up): not taken */
	dgram_key(m, &key);
	frag_span(m, &off, &end, &mf);
	if (fp_fragruns_add(&f->runs, &key, off, end, mf, now) == FP_FRAG_DUP) {
		*drop = FP_DROP_DUP_FRAG;
		return NULL;
	}
	mark_frame(m);
	if (family == FP_AF_INET) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
				struct rte_ipv4_hdr *, m->l2_len);

		whole = rte_ipv4_frag_reassemble_packet(f->tbl, &f->dr, m, now, ip);
	} else {
		struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m,
				struct rte_ipv6_hdr *, m->l2_len);
		struct rte_ipv6_fragment_ext *fh = (void *)(ip + 1);

		whole = rte_ipv6_frag_reassemble_packet(f->tbl, &f->dr, m, now,
				ip, fh);
	}
	/* overlaps, too many fragments, a full table; an expired datagram
	 * found on the way */
	bury(f, FP_DROP_FRAG_FAILED);
	if (whole != NULL) {
		*frames = count_frames(whole);
		fp_fragruns_forget(&f->runs, &key);
	}
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
		if (f != NULL && f->tbl != NULL) {
			uint32_t nb;
			uint64_t size = fp_fragruns_size(FP_FRAG_MAX_DATAGRAMS, &nb);
			void *e = rte_zmalloc_socket("fp_fragruns", size,
					RTE_CACHE_LINE_SIZE, socket);

			if (e == NULL) {
				rte_ip_frag_table_destroy(f->tbl);
				f->tbl = NULL;
			} else {
				fp_fragruns_init(&f->runs, e, nb, ttl);
			}
		}
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

/*
 * Held frames of lcore lc by port, as the counters say: held - released
 * over the lcore's queues of the port (signed: a negative value is a
 * counting error, not a wrap).
 */
static int64_t
held_by_counters(const struct fp_lcore *lc, uint16_t port)
{
	int64_t held = 0;
	unsigned int k;

	for (k = 0; k < lc->nb_q; k++)
		if (lc->q[k].port == port)
			held += (int64_t)(lc->qstats[k].held - lc->qstats[k].released);
	return held;
}

int
fp_frag_flush(struct fp_lcore *lc)
{
	struct fp_frag *f = lc->frag;
	unsigned int k, n;
	int bad = 0;

	if (f == NULL)
		return 0;
	/*
	 * What the table still holds leaves as timed out, frame by frame from
	 * the table itself (the kernel counts ReasmTimeout and ReasmFails for
	 * datagrams it drops at shutdown). Every entry expires at the end of
	 * time; the death row takes a bounded number of frames per call, so
	 * repeat until it stays empty.
	 */
	do {
		rte_ip_frag_table_del_expired_entries(f->tbl, &f->dr, UINT64_MAX);
		n = f->dr.cnt;
		bury(f, FP_DROP_FRAG_REASM_TIMEOUT);
	} while (n != 0);
	/* the counters must agree with the table: say so if not */
	for (k = 0; k < lc->nb_q; k++) {
		int64_t left;
		unsigned int j;

		for (j = 0; j < k; j++)
			if (lc->q[j].port == lc->q[k].port)
				break;
		if (j < k)
			continue;        /* port already checked */
		left = held_by_counters(lc, lc->q[k].port);
		if (left != 0) {
			FP_LOG(ERR, "accounting error: lcore %u port %u: "
				"%" PRId64 " fragments held by the counters "
				"after the reassembly table was emptied",
				lc->id, lc->q[k].port, left);
			bad = -EPROTO;
		}
	}
	return bad;
}

void
fp_frag_teardown(struct fp_app *a)
{
	unsigned int id;

	for (id = 0; id < RTE_MAX_LCORE; id++) {
		struct fp_lcore *lc = a->lcores[id];

		if (lc == NULL || lc->frag == NULL)
			continue;
		fp_frag_flush(lc);
		rte_ip_frag_table_destroy(lc->frag->tbl);
		rte_free(lc->frag->runs.e);
		rte_free(lc->frag);
		lc->frag = NULL;
		lc->proc.reasm = NULL;
	}
}
