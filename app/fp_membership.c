/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "fp_membership.h"
#include "fp_util.h"

#define DUE_MAX 8
#define LINK_CHECK_PER_SEC 10
/* after the leaves, before the ports stop: time for the NIC to send them */
#define LEAVE_DRAIN_US 10000
#define FRAME_MAX (14 + 9216)         /* the largest MTU a port may have */

/* A port's membership: both families, who sends them and how. */
struct mport {
	struct fp_mcast_state st[2];   /* [0] IGMP, [1] MLD */
	struct fp_lcore *owner;
	uint16_t port;
	uint16_t txq;                  /* the owner's */
	struct rte_mempool *pool;
	uint32_t frame_cap;            /* a frame's bytes: the mbufs' room */
	bool link_up;                  /* as the owner last saw it */
	uint64_t link_check;           /* TSC of its next look */
	uint64_t rng;                  /* the owner's random delays */
	/* the VLANs the port takes (0: untagged): a message goes out on
	 * each, as from a host joined on every one of them */
	unsigned int nb_vid;
	uint16_t vid[4096];
};

static struct mport *mports[FP_MAX_PORTS];

/* The lcore that polls queue 0 of port, else the first with a tx queue on
 * it; its queue entry in *q. */
static struct fp_lcore *
owner_of(struct fp_app *a, uint16_t port, const struct fp_lcore_queue **q)
{
	struct fp_lcore *best = NULL;
	unsigned int id, k;

	for (id = 0; id < RTE_MAX_LCORE; id++) {
		struct fp_lcore *lc = a->lcores[id];

		for (k = 0; lc != NULL && k < lc->nb_q; k++) {
			if (lc->q[k].port != port)
				continue;
			if (lc->q[k].queue == 0 && lc->q[k].txq != FP_NO_TXQ) {
				*q = &lc->q[k];
				return lc;
			}
			if (best == NULL && lc->q[k].txq != FP_NO_TXQ) {
				best = lc;
				*q = &lc->q[k];
			}
		}
	}
	return best;
}

/* Untagged unless --vlan leaves VLAN 0 out; every VLAN --vlan allows. */
static void
vlans(const struct fp_app *a, struct mport *mp)
{
	unsigned int v;

	mp->nb_vid = 0;
	if (!a->rx.vlan_filter || (a->rx.vlan_allow[0] & 1))
		mp->vid[mp->nb_vid++] = 0;
	for (v = 1; a->rx.vlan_filter && v < 4095; v++)
		if ((a->rx.vlan_allow[v / 64] >> (v % 64)) & 1)
			mp->vid[mp->nb_vid++] = (uint16_t)v;
}

int
fp_mcast_setup(struct fp_app *a, char *err, size_t errlen)
{
	static const unsigned int fam[2] = { FP_AF_INET, FP_AF_INET6 };
	const struct fp_mcast_conf *conf[2] = { &a->opts.igmp, &a->opts.mld };
	unsigned int i, f;

	for (i = 0; i < a->nb_ports; i++) {
		const struct fp_port *p = &a->ports[i];
		const struct fp_rx_port *rp = &a->rx.port[p->id];
		const struct fp_lcore_queue *q = NULL;
		unsigned int groups = 0;
		struct mport *mp;

		mp = rte_zmalloc("fp_mcast", sizeof(*mp), RTE_CACHE_LINE_SIZE);
		if (mp == NULL)
			return fp_err(err, errlen,
				"cannot allocate the membership state of port %u",
				p->id), -ENOMEM;
		for (f = 0; f < 2; f++)
			groups += fp_mcast_init(&mp->st[f], fam[f], &a->rx.local,
					&a->rx.listen, rp->mac, rp->mtu, conf[f],
					a->tsc_hz);
		if (groups == 0) {
			rte_free(mp);
			continue;
		}
		mp->port = p->id;
		mp->pool = p->pool;
		mp->rng = rte_rand();
		mp->owner = owner_of(a, p->id, &q);
		if (mp->owner == NULL) {
			FP_LOG(WARNING, "port %u: no lcore has a tx queue on it: its multicast groups are not announced (no IGMP/MLD)",
				p->id);
			rte_free(mp);
			continue;
		}
		mp->txq = q->txq;
		mp->frame_cap = RTE_MIN((uint32_t)FRAME_MAX,
			(uint32_t)rte_pktmbuf_data_room_size(p->pool) -
			RTE_PKTMBUF_HEADROOM - 4);
		vlans(a, mp);
		mp->owner->mcast_ports |= 1u << p->id;
		mports[p->id] = mp;
		for (f = 0; f < 2; f++)
			if (mp->st[f].nb_groups != 0)
				a->rx.mcast[p->id][f] = &mp->st[f];
		FP_LOG(INFO, "port %u: announces %u IPv4 group(s) (IGMPv%u) and %u IPv6 group(s) (MLDv%u) from lcore %u, on %u VLAN(s)",
			p->id, mp->st[0].nb_groups, conf[0]->version,
			mp->st[1].nb_groups, conf[1]->version, mp->owner->id,
			mp->nb_vid);
	}
	for (i = 0; i < RTE_MAX_LCORE; i++)
		if (a->lcores[i] != NULL)
			a->lcores[i]->proc.rng = rte_rand();
	/* asked for, and nothing to do: say why */
	if (!fp_local_host(&a->rx.local) && a->rx.local.nb_groups != 0 &&
			((a->opts.igmp.given && !a->opts.igmp.off) ||
			 (a->opts.mld.given && !a->opts.mld.off)))
		FP_LOG(WARNING, "--igmp / --mld: a sink (no --local-ip) announces no group; give the host an address (--local-ip) to send IGMP / MLD");
	return 0;
}

/* One frame (len bytes) out of mp's tx queue, tagged with vid unless 0. */
static bool
send_frame(struct mport *mp, const uint8_t *frame, uint32_t len, uint16_t vid)
{
	struct rte_mbuf *mb = rte_pktmbuf_alloc(mp->pool);
	uint32_t tag = vid != 0 ? 4 : 0;
	uint8_t *d;

	if (mb == NULL)
		return false;
	d = (uint8_t *)rte_pktmbuf_append(mb, (uint16_t)(len + tag));
	if (d == NULL) {
		rte_pktmbuf_free(mb);
		return false;
	}
	memcpy(d, frame, 12);
	if (vid != 0) {
		d[12] = 0x81, d[13] = 0x00;
		d[14] = (uint8_t)(vid >> 8), d[15] = (uint8_t)vid;
	}
	memcpy(d + 12 + tag, frame + 12, len - 12);
	if (rte_eth_tx_burst(mp->port, mp->txq, &mb, 1) == 1)
		return true;
	rte_pktmbuf_free(mb);
	return false;
}

/* Build m (one frame or several) and send each on every VLAN the port
 * takes, counted into ls. */
static void
send_msg(struct mport *mp, struct fp_mcast_state *s,
		struct fp_lcore_stats *ls, const struct fp_mcast_msg *m)
{
	uint8_t frame[FRAME_MAX];
	unsigned int next = 0, v;
	uint32_t len, ip_len;

	while ((len = fp_mcast_build(s, m, &next, frame, mp->frame_cap,
			&ip_len)) != 0)
		for (v = 0; v < mp->nb_vid; v++)
			fp_mcast_count(s, ls, m, ip_len,
				send_frame(mp, frame, len, mp->vid[v]));
}

/* The link, every LINK_CHECK_PER_SEC: reports start when it comes up,
 * and again each time it comes back (ip_mc_up on NETDEV_UP). */
static bool
link_up(struct mport *mp, uint64_t now)
{
	struct rte_eth_link link;
	unsigned int f;
	bool up;

	if (now < mp->link_check)
		return mp->link_up;
	mp->link_check = now + fp_app.tsc_hz / LINK_CHECK_PER_SEC;
	memset(&link, 0, sizeof(link));
	up = rte_eth_link_get_nowait(mp->port, &link) == 0 &&
		link.link_status == RTE_ETH_LINK_UP;
	if (up && !mp->link_up)
		for (f = 0; f < 2; f++)
			fp_mcast_link_up(&mp->st[f], now);
	mp->link_up = up;
	return up;
}

void
fp_mcast_tick(struct fp_lcore *lc, uint64_t now)
{
	uint32_t ports = lc->mcast_ports;

	while (ports != 0) {
		struct mport *mp = mports[__builtin_ctz(ports)];
		unsigned int f;

		ports &= ports - 1;
		if (!link_up(mp, now))
			continue;
		for (f = 0; f < 2; f++) {
			struct fp_mcast_state *s = &mp->st[f];
			struct fp_mcast_msg msgs[DUE_MAX];
			unsigned int n, k;

			if (s->nb_groups == 0)
				continue;
			while ((n = fp_mcast_due(s, now, &mp->rng, msgs, DUE_MAX)) != 0)
				for (k = 0; k < n; k++)
					send_msg(mp, s, &lc->lstats, &msgs[k]);
		}
	}
}

void
fp_mcast_stop(struct fp_app *a)
{
	uint64_t now = rte_rdtsc(), sent = 0;
	unsigned int i, f;

	(void)a;
	for (i = 0; i < FP_MAX_PORTS; i++) {
		struct mport *mp = mports[i];

		for (f = 0; mp != NULL && f < 2; f++) {
			struct fp_mcast_msg m;
			uint64_t before = mp->st[f].leaves;

			/* the lcores have stopped: this thread is the owner's
			 * counters' one writer now */
			if (fp_mcast_leave(&mp->st[f], now, &m) != 0)
				send_msg(mp, &mp->st[f], &mp->owner->lstats, &m);
			sent += mp->st[f].leaves - before;
		}
	}
	/* a NIC sends what its tx ring holds after rte_eth_tx_burst
	 * returns; stopping the port at once could drop the leaves */
	if (sent != 0)
		rte_delay_us_sleep(LEAVE_DRAIN_US);
}

void
fp_mcast_free(struct fp_app *a)
{
	unsigned int i;

	memset(a->rx.mcast, 0, sizeof(a->rx.mcast));
	for (i = 0; i < FP_MAX_PORTS; i++) {
		rte_free(mports[i]);
		mports[i] = NULL;
	}
}

static const char *
port_name(uint16_t id)
{
	unsigned int i;

	for (i = 0; i < fp_app.nb_ports; i++)
		if (fp_app.ports[i].id == id)
			return fp_app.ports[i].name;
	return "";
}

/* ms from now until the TSC t (0: not running). */
static uint64_t
ms_left(uint64_t t, uint64_t now)
{
	return t == 0 || t <= now ? 0 : (t - now) * 1000 / fp_app.tsc_hz;
}

/* The port row of s, /proc/net/igmp's device line. */
static void
doc_port(struct fp_doc *d, const struct mport *mp, unsigned int f, uint64_t now)
{
	static const char *const vname[] = { "V0", "V1", "V2", "V3" };
	const struct fp_mcast_state *s = &mp->st[f];
	struct fp_ip ip = { .family = s->family };
	char key[16], addr[64];

	snprintf(key, sizeof(key), "%u", mp->port);
	fp_doc_dict_begin(d, key);
	fp_doc_str(d, "device", port_name(mp->port));
	fp_doc_u64(d, "count", s->nb_groups);
	fp_doc_str(d, "querier", vname[fp_mcast_version(s, now) & 3]);
	fp_doc_u64(d, "version", s->conf->version);
	memcpy(ip.b, s->src, 16);
	fp_ip_format(&ip, addr, sizeof(addr));
	fp_doc_str(d, "source", addr);
	fp_doc_u64(d, "lcore", mp->owner->id);
	fp_doc_u64(d, "reports", __atomic_load_n(&s->reports, __ATOMIC_RELAXED));
	fp_doc_u64(d, "leaves", __atomic_load_n(&s->leaves, __ATOMIC_RELAXED));
	fp_doc_u64(d, "queries", __atomic_load_n(&s->queries, __ATOMIC_ACQUIRE));
	fp_doc_u64(d, "queries_ignored",
		__atomic_load_n(&s->queries_ignored, __ATOMIC_RELAXED));
	fp_doc_u64(d, "reports_heard",
		__atomic_load_n(&s->reports_heard, __ATOMIC_RELAXED));
	fp_doc_u64(d, "tx_errors", __atomic_load_n(&s->tx_errors, __ATOMIC_RELAXED));
	fp_doc_u64(d, "general_timer_ms",
		ms_left(__atomic_load_n(&s->gq_due, __ATOMIC_RELAXED), now));
	fp_doc_u64(d, "older_querier_ms", ms_left(RTE_MAX(
		__atomic_load_n(&s->v1_until, __ATOMIC_RELAXED),
		__atomic_load_n(&s->v2_until, __ATOMIC_RELAXED)), now));
	fp_doc_dict_end(d);
}

/* Group g of s, a line under its port. */
static void
doc_group(struct fp_doc *d, const struct mport *mp, unsigned int f,
		unsigned int g, uint64_t now)
{
	const struct fp_mcast_state *s = &mp->st[f];
	uint64_t due = __atomic_load_n(&s->group_due[g], __ATOMIC_RELAXED);
	struct fp_ip ip = { .family = s->family };
	char key[32], addr[64];

	snprintf(key, sizeof(key), "%u_%u", mp->port, g);
	fp_doc_dict_begin(d, key);
	fp_doc_u64(d, "port", mp->port);
	memcpy(ip.b, s->groups[g], 16);
	fp_ip_format(&ip, addr, sizeof(addr));
	fp_doc_str(d, "group", addr);
	fp_doc_u64(d, "users", s->users[g]);
	fp_doc_u64(d, "timer_running", due != 0);
	fp_doc_u64(d, "timer_ms", ms_left(due, now));
	fp_doc_u64(d, "reporter", __atomic_load_n(&s->reporter[g], __ATOMIC_RELAXED));
	fp_doc_dict_end(d);
}

/*
 * The param: none (everything), "P" (port P), "P-" (from port P on),
 * "P_N-" (from group N of port P on). Items: a port's row "P", then its
 * groups "P_N". A reply that would pass limit ends with "next", the
 * parameter for the rest, as the list commands page.
 */
static int
parse_from(const char *param, uint64_t *port, uint64_t *item, bool *one)
{
	char buf[32], *us, *dash;

	*port = 0, *item = 0, *one = false;
	if (param == NULL || param[0] == '\0')
		return 0;
	if (strlen(param) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, param);
	dash = strchr(buf, '-');
	if (dash != NULL) {
		if (dash[1] != '\0')
			return -EINVAL;
		*dash = '\0';
	} else {
		*one = true;
	}
	us = strchr(buf, '_');
	if (us != NULL) {
		if (dash == NULL)
			return -EINVAL;
		*us = '\0';
		if (fp_parse_u64(us + 1, 0, FP_MCAST_MAX - 1, item) != 0)
			return -EINVAL;
		(*item)++;
	}
	return fp_parse_u64(buf, 0, FP_MAX_PORTS - 1, port);
}

#define NEXT_RESERVE 48

static int
report(struct fp_doc *d, const char *param, size_t limit, unsigned int f)
{
	uint64_t now = rte_rdtsc(), from_port, from_item;
	struct fp_doc_mark mark;
	unsigned int i, k;
	bool one;

	if (parse_from(param, &from_port, &from_item, &one) != 0)
		return -EINVAL;
	if (one && (mports[from_port] == NULL ||
			mports[from_port]->st[f].nb_groups == 0))
		return -EINVAL;            /* names nothing: a null reply */
	for (i = (unsigned int)from_port; i < FP_MAX_PORTS; i++) {
		const struct mport *mp = mports[i];

		if (one && i != from_port)
			break;
		if (mp == NULL || mp->st[f].nb_groups == 0)
			continue;
		/* item 0 the port's row, k + 1 its group k */
		for (k = i == from_port ? (unsigned int)from_item : 0;
				k <= mp->st[f].nb_groups; k++) {
			char next[40];

			fp_doc_mark(d, &mark);
			if (k == 0)
				doc_port(d, mp, f, now);
			else
				doc_group(d, mp, f, k - 1, now);
			if (limit == 0 || fp_doc_json_len(d) + NEXT_RESERVE <= limit)
				continue;
			fp_doc_rewind(d, &mark);
			if (k == 0)
				snprintf(next, sizeof(next), "%u-", i);
			else
				snprintf(next, sizeof(next), "%u_%u-", i, k - 1);
			fp_doc_str(d, "next", next);
			return d->err;
		}
	}
	return d->err;
}

int
fp_mcast_report_igmp(struct fp_doc *d, const char *param, size_t limit)
{
	return report(d, param, limit, 0);
}

int
fp_mcast_report_igmp6(struct fp_doc *d, const char *param, size_t limit)
{
	return report(d, param, limit, 1);
}
