/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_version.h>

#include "fp_app.h"
#include "fp_handlers.h"
#include "fp_report.h"
#include "fp_membership.h"
#include "fp_ring.h"
#include "fp_util.h"

#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)

/*
 * Selection and paging of the list commands (softnet_stat, queues, lcores,
 * ports, udp). The parameter picks items by id:
 *   (none)  every item       N    item N only (absent: an error)
 *   N-M     ids N to M       N-   ids from N on
 * Queue ids are <port>_<queue> ("0_3", "0_3-1_7", "1_0-"), and a bare
 * port id ("1") selects that port's queues. Items come in id order; when
 * the next one would not fit in the reply (DPDK 22.11 telemetry carries
 * 16 KiB), the reply ends with "next": the parameter that asks for the
 * rest ("17-"). A client repeats the command with it until no "next".
 */
#define ID_MAX UINT64_MAX
#define QID(port, queue) ((uint64_t)(port) << 16 | (queue))
/* room kept for ,"next":"65535_65535-65535_65535" */
#define NEXT_RESERVE 48

struct page {
	uint64_t lo, hi;         /* ids wanted, inclusive */
	bool one;                /* exactly one id (or one port) was asked for */
	bool qids;               /* ids are QID(port, queue) */
	size_t limit;            /* reply bytes, 0: unlimited */
	unsigned int found;      /* items selected so far */
	bool full;               /* the page is full: the rest is "next" */
	uint64_t next;
	struct fp_doc_mark mark;
};

/* "N" or, with qids, "P_Q" (or "P": *port_only). */
static int
parse_id(const char *s, bool qids, uint64_t *id, bool *port_only)
{
	char buf[32], *us;
	uint64_t p, q;

	*port_only = false;
	if (!qids)
		return fp_parse_u64(s, 0, ID_MAX, id);
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	us = strchr(buf, '_');
	if (us == NULL) {
		if (fp_parse_u64(buf, 0, UINT16_MAX, &p) != 0)
			return -EINVAL;
		*port_only = true;
		*id = QID(p, 0);
		return 0;
	}
	*us = '\0';
	if (fp_parse_u64(buf, 0, UINT16_MAX, &p) != 0 ||
			fp_parse_u64(us + 1, 0, UINT16_MAX, &q) != 0)
		return -EINVAL;
	*id = QID(p, q);
	return 0;
}

static int
page_init(struct page *pg, const char *param, bool qids, size_t limit)
{
	char lo[32];
	const char *dash;
	bool po_lo, po_hi;

	memset(pg, 0, sizeof(*pg));
	pg->qids = qids;
	pg->limit = limit;
	pg->hi = ID_MAX;
	if (param == NULL || param[0] == '\0')
		return 0;
	dash = strchr(param, '-');
	if (dash == NULL) {                          /* one id, or one port */
		if (parse_id(param, qids, &pg->lo, &po_lo) != 0)
			return -EINVAL;
		pg->hi = po_lo ? pg->lo | UINT16_MAX : pg->lo;
		pg->one = true;
		return 0;
	}
	if ((size_t)(dash - param) >= sizeof(lo) || dash == param)
		return -EINVAL;
	memcpy(lo, param, (size_t)(dash - param));
	lo[dash - param] = '\0';
	if (parse_id(lo, qids, &pg->lo, &po_lo) != 0 || po_lo)
		return -EINVAL;
	if (dash[1] != '\0' && (parse_id(dash + 1, qids, &pg->hi, &po_hi) != 0 ||
			po_hi || pg->hi < pg->lo))
		return -EINVAL;
	return 0;
}

/* id is selected and the page has room: start its item. */
static bool
page_want(struct page *pg, struct fp_doc *d, uint64_t id)
{
	if (id < pg->lo || id > pg->hi)
		return false;
	pg->found++;
	if (pg->full)
		return false;
	fp_doc_mark(d, &pg->mark);
	return true;
}

/* After item id: if it made the reply too large, take it back; it and
 * the rest go to the next page. */
static void
page_item_done(struct page *pg, struct fp_doc *d, uint64_t id)
{
	if (pg->limit == 0 || fp_doc_json_len(d) + NEXT_RESERVE <= pg->limit)
		return;
	fp_doc_rewind(d, &pg->mark);
	pg->full = true;
	pg->next = id;
}

static void
format_id(const struct page *pg, uint64_t id, char *buf, size_t len)
{
	if (pg->qids)
		snprintf(buf, len, "%u_%u", (unsigned int)(id >> 16),
			(unsigned int)(id & UINT16_MAX));
	else
		snprintf(buf, len, "%" PRIu64, id);
}

static int
page_finish(struct page *pg, struct fp_doc *d)
{
	char next[40];

	if (pg->one && pg->found == 0)
		return -EINVAL;            /* asked for what does not exist */
	if (pg->full) {
		/* from the first item left out to the end of the selection */
		format_id(pg, pg->next, next, sizeof(next));
		strcat(next, "-");
		if (pg->hi != ID_MAX)
			format_id(pg, pg->hi, next + strlen(next),
				sizeof(next) - strlen(next));
		fp_doc_str(d, "next", next);
	}
	return d->err;
}

/* Commands without a parameter refuse one. */
static int
no_param(const char *param)
{
	return param == NULL || param[0] == '\0' ? 0 : -EINVAL;
}

static void
eth_stats(uint16_t port, struct rte_eth_stats *st)
{
	if (rte_eth_stats_get(port, st) != 0)
		memset(st, 0, sizeof(*st));
}

/* PMD drops attributed to one rx queue (q_errors), where it has a slot. */
static uint64_t
pmd_queue_drops(const struct rte_eth_stats *st, uint16_t queue)
{
	return queue < RTE_ETHDEV_QUEUE_STAT_CNTRS ? st->q_errors[queue] : 0;
}

/* Rx descriptors in use, or -ENOTSUP. */
static int
backlog(const struct fp_port *p, uint16_t queue)
{
	if (!p->backlog_supported)
		return -ENOTSUP;
	if (!p->started)
		return 0;
	return rte_eth_rx_queue_count(p->id, queue);
}

static void
doc_backlog(struct fp_doc *d, long n)
{
	if (n < 0)
		fp_doc_str(d, "backlog_len", "unsupported");
	else
		fp_doc_u64(d, "backlog_len", (uint64_t)n);
}

static void
doc_hist(struct fp_doc *d, const struct fp_queue_stats *s)
{
	unsigned int b;

	for (b = 0; b < FP_HIST_BUCKETS; b++) {
		char key[32];

		fp_hist_bucket_name(b, key, sizeof(key));
		fp_doc_u64(d, key, s->burst_hist[b]);
	}
}

/* Sum of one lcore's queues, plus its PMD drops and backlog. */
static void
lcore_sum(const struct fp_lcore *lc, const struct rte_eth_stats *st,
		struct fp_queue_stats *sum, uint64_t *pmd_drops, long *blog)
{
	unsigned int k;

	memset(sum, 0, sizeof(*sum));
	*pmd_drops = 0;
	*blog = 0;
	for (k = 0; k < lc->nb_q; k++) {
		const struct fp_lcore_queue *q = &lc->q[k];
		struct fp_queue_stats s;
		int b;

		fp_queue_stats_read(&s, &lc->qstats[k]);
		fp_queue_stats_add(sum, &s);
		*pmd_drops += pmd_queue_drops(&st[q->pidx], q->queue);
		b = backlog(&fp_app.ports[q->pidx], q->queue);
		if (b < 0 || *blog < 0)
			*blog = -1;
		else
			*blog += b;
	}
}

static void
all_eth_stats(struct rte_eth_stats *st)
{
	unsigned int i;

	for (i = 0; i < fp_app.nb_ports; i++)
		eth_stats(fp_app.ports[i].id, &st[i]);
}

static int
build_softnet(struct fp_doc *d, const char *param, size_t limit)
{
	struct rte_eth_stats st[FP_MAX_PORTS];
	unsigned int id;
	struct page pg;

	if (page_init(&pg, param, false, limit) != 0)
		return -EINVAL;
	all_eth_stats(st);
	for (id = 0; id < RTE_MAX_LCORE; id++) {
		const struct fp_lcore *lc = fp_app.lcores[id];
		struct fp_queue_stats sum;
		uint64_t pmd_drops;
		long blog;
		char key[16];

		if (lc == NULL || !page_want(&pg, d, id))
			continue;
		lcore_sum(lc, st, &sum, &pmd_drops, &blog);
		snprintf(key, sizeof(key), "%u", id);
		fp_doc_dict_begin(d, key);
		fp_doc_u64(d, "processed", sum.packets);
		fp_doc_u64(d, "dropped", sum.res_drops + sum.from_kernel_dropped + pmd_drops);
		fp_doc_u64(d, "time_squeeze", sum.time_squeeze);
		fp_doc_u64(d, "cpu_collision", 0);
		fp_doc_u64(d, "received_rps", 0);
		fp_doc_u64(d, "flow_limit_count", 0);
		doc_backlog(d, blog);
		fp_doc_u64(d, "index", id);
		fp_doc_dict_end(d);
		page_item_done(&pg, d, id);
	}
	return page_finish(&pg, d);
}

static int
build_queues(struct fp_doc *d, const char *param, size_t limit)
{
	struct rte_eth_stats st[FP_MAX_PORTS];
	unsigned int i, k;
	struct page pg;

	if (page_init(&pg, param, true, limit) != 0)
		return -EINVAL;
	all_eth_stats(st);
	/* in (port, queue) order, as the queue map lists them */
	for (i = 0; i < fp_app.qmap.n; i++) {
		const struct fp_qmap_entry *e = &fp_app.qmap.e[i];
		const struct fp_lcore *lc = fp_app.lcores[e->lcore];
		const struct fp_lcore_queue *q = NULL;
		struct fp_queue_stats s;
		char key[32];

		if (!page_want(&pg, d, QID(e->port, e->queue)))
			continue;
		for (k = 0; k < lc->nb_q; k++)
			if (lc->q[k].port == e->port && lc->q[k].queue == e->queue)
				q = &lc->q[k];
		fp_queue_stats_read(&s, &lc->qstats[q - lc->q]);
		snprintf(key, sizeof(key), "%u_%u", e->port, e->queue);
		fp_doc_dict_begin(d, key);
		fp_doc_u64(d, "lcore", e->lcore);
		fp_doc_u64(d, "packets", s.packets);
		fp_doc_u64(d, "bytes", s.bytes);
		fp_doc_u64(d, "dropped", s.res_drops + s.from_kernel_dropped +
				pmd_queue_drops(&st[q->pidx], q->queue));
		fp_doc_u64(d, "time_squeeze", s.time_squeeze);
		fp_doc_u64(d, "polls", s.polls);
		fp_doc_u64(d, "empty_polls", s.empty_polls);
		fp_doc_u64(d, "delivered", s.delivered);
		fp_doc_u64(d, "app_drops", s.drops);
		fp_doc_u64(d, "responded", s.tx);
		fp_doc_u64(d, "to_kernel", s.to_kernel);
		fp_doc_u64(d, "from_kernel", s.from_kernel);
		fp_doc_u64(d, "from_kernel_dropped", s.from_kernel_dropped);
		fp_doc_u64(d, "busy_cycles", s.busy_cycles);
		fp_doc_u64(d, "idle_cycles", s.idle_cycles);
		doc_backlog(d, backlog(&fp_app.ports[q->pidx], q->queue));
		doc_hist(d, &s);
		fp_doc_dict_end(d);
		page_item_done(&pg, d, QID(e->port, e->queue));
	}
	return page_finish(&pg, d);
}

static int
build_lcores(struct fp_doc *d, const char *param, size_t limit)
{
	unsigned int id, k;
	struct page pg;

	if (page_init(&pg, param, false, limit) != 0)
		return -EINVAL;
	for (id = 0; id < RTE_MAX_LCORE; id++) {
		const struct fp_lcore *lc = fp_app.lcores[id];
		struct fp_queue_stats sum, s;
		char key[16];

		if (lc == NULL || !page_want(&pg, d, id))
			continue;
		memset(&sum, 0, sizeof(sum));
		for (k = 0; k < lc->nb_q; k++) {
			fp_queue_stats_read(&s, &lc->qstats[k]);
			fp_queue_stats_add(&sum, &s);
		}
		snprintf(key, sizeof(key), "%u", id);
		fp_doc_dict_begin(d, key);
		fp_doc_u64(d, "busy_cycles", sum.busy_cycles);
		fp_doc_u64(d, "idle_cycles", sum.idle_cycles);
		fp_doc_u64(d, "packets", sum.packets);
		fp_doc_u64(d, "cycles_per_packet",
			fp_stats_cycles_per_packet(sum.busy_cycles, sum.packets));
		fp_doc_u64(d, "busy_pct",
			fp_stats_busy_pct(sum.busy_cycles, sum.idle_cycles));
		fp_doc_u64(d, "loops", LOAD(&lc->lstats.loops));
		fp_doc_u64(d, "queues", lc->nb_q);
		fp_doc_u64(d, "polls", sum.polls);
		fp_doc_u64(d, "empty_polls", sum.empty_polls);
		fp_doc_u64(d, "time_squeeze", sum.time_squeeze);
		fp_doc_u64(d, "to_kernel", sum.to_kernel);
		fp_doc_u64(d, "from_kernel", sum.from_kernel);
		fp_doc_u64(d, "from_kernel_dropped", sum.from_kernel_dropped);
		fp_doc_u64(d, "tsc_hz", fp_app.tsc_hz);
		fp_doc_str(d, "role", lc->is_main ? "main" : "worker");
		fp_doc_u64(d, "cost_cycles", lc->cost_cycles);
		doc_hist(d, &sum);
		fp_doc_dict_end(d);
		page_item_done(&pg, d, id);
	}
	return page_finish(&pg, d);
}

static void doc_mac(struct fp_doc *d, const uint8_t *m);

/* Link state without waiting (the telemetry thread must not block). */
static void
doc_link(struct fp_doc *d, uint16_t port)
{
	struct rte_eth_link link;

	if (rte_eth_link_get_nowait(port, &link) != 0)
		memset(&link, 0, sizeof(link));
	fp_doc_u64(d, "link_up", link.link_status == RTE_ETH_LINK_UP);
	fp_doc_u64(d, "link_speed_mbps", link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ?
			0 : link.link_speed);
}

static int
build_ports(struct fp_doc *d, const char *param, size_t limit)
{
	struct rte_eth_stats st[FP_MAX_PORTS];
	struct fp_queue_stats sum[FP_MAX_PORTS];
	unsigned int i, id, k;
	struct page pg;

	if (page_init(&pg, param, false, limit) != 0)
		return -EINVAL;
	/* port counters first, app counters after: see fp_stats_balance */
	all_eth_stats(st);
	rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
	memset(sum, 0, sizeof(sum));
	for (id = 0; id < RTE_MAX_LCORE; id++) {
		const struct fp_lcore *lc = fp_app.lcores[id];
		struct fp_queue_stats s;

		if (lc == NULL)
			continue;
		for (k = 0; k < lc->nb_q; k++) {
			fp_queue_stats_read(&s, &lc->qstats[k]);
			fp_queue_stats_add(&sum[lc->q[k].pidx], &s);
		}
	}
	for (i = 0; i < fp_app.nb_ports; i++) {
		const struct fp_port *p = &fp_app.ports[i];
		struct fp_balance b;
		char key[16];

		if (!page_want(&pg, d, p->id))
			continue;
		fp_stats_balance(st[i].ipackets, &sum[i], &b);
		snprintf(key, sizeof(key), "%u", p->id);
		fp_doc_dict_begin(d, key);
		fp_doc_u64(d, "ipackets", st[i].ipackets);
		fp_doc_u64(d, "imissed", st[i].imissed);
		fp_doc_u64(d, "ierrors", st[i].ierrors);
		fp_doc_u64(d, "rx_nombuf", st[i].rx_nombuf);
		fp_doc_u64(d, "ibytes", st[i].ibytes);
		fp_doc_u64(d, "opackets", st[i].opackets);
		fp_doc_u64(d, "oerrors", st[i].oerrors);
		fp_doc_u64(d, "processed", sum[i].packets);
		fp_doc_u64(d, "delivered", sum[i].delivered);
		fp_doc_u64(d, "dropped", sum[i].drops);
		fp_doc_u64(d, "responded", sum[i].tx);
		fp_doc_u64(d, "to_kernel", sum[i].to_kernel);
		fp_doc_u64(d, "from_kernel", sum[i].from_kernel);
		fp_doc_u64(d, "from_kernel_dropped", sum[i].from_kernel_dropped);
		fp_doc_u64(d, "held", b.held);
		fp_doc_u64(d, "unaccounted", b.unaccounted);
		fp_doc_u64(d, "overcounted", b.overcounted);
		fp_doc_u64(d, "rx_queues", p->nb_rxq);
		fp_doc_u64(d, "tx_queues", p->nb_txq);
		fp_doc_str(d, "name", p->name);
		fp_doc_str(d, "driver", p->driver);
		doc_mac(d, fp_app.rx.port[p->id].mac);
		doc_link(d, p->id);
		fp_doc_dict_end(d);
		page_item_done(&pg, d, p->id);
	}
	return page_finish(&pg, d);
}

static void
doc_lcore_list(struct fp_doc *d)
{
	char buf[FP_DOC_STR_MAX] = "";
	size_t used = 0;
	unsigned int id;

	for (id = 0; id < RTE_MAX_LCORE; id++)
		if (fp_app.lcores[id] != NULL && used < sizeof(buf))
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
					"%s%u", used ? "," : "", id);
	if (used >= sizeof(buf))
		strcpy(buf + sizeof(buf) - 4, "...");
	fp_doc_str(d, "polling_lcores", buf);
}

static void
doc_mac(struct fp_doc *d, const uint8_t *m)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x",
		m[0], m[1], m[2], m[3], m[4], m[5]);
	fp_doc_str(d, "mac", buf);
}

/* --igmp / --mld, effective: the interval the configured version uses,
 * IGMP's source address (the first local IPv4 address unless given) */
static void
doc_membership(struct fp_doc *d, const char *name,
		const struct fp_mcast_conf *c, const struct fp_local *l)
{
	const bool v4 = name[0] == 'i';
	char key[48], addr[64];

	fp_doc_str(d, name, c->off ? "off" : "on");
	snprintf(key, sizeof(key), "%s_version", name);
	fp_doc_u64(d, key, c->version);
	snprintf(key, sizeof(key), "%s_robustness", name);
	fp_doc_u64(d, key, c->robustness);
	snprintf(key, sizeof(key), "%s_unsolicited_interval", name);
	fp_doc_u64(d, key, c->unsolicited_ms != 0 ? c->unsolicited_ms :
			c->version == (v4 ? 3u : 2u) ? 1000 : 10000);
	if (v4) {
		struct fp_ip ip = { .family = FP_AF_INET };
		uint32_t src = c->source_set ? c->source :
			l->nb_v4 != 0 ? l->v4[0] : 0;

		memcpy(ip.b, &src, 4);
		fp_ip_format(&ip, addr, sizeof(addr));
		fp_doc_str(d, "igmp_source", addr);
	}
}

/* "local_ips": the --local-ip addresses, or "" in sink mode. */
static void
doc_local(struct fp_doc *d)
{
	const struct fp_local *l = &fp_app.rx.local;
	char buf[FP_DOC_STR_MAX] = "", a[64];
	size_t used = 0;
	unsigned int i;

	for (i = 0; i < l->nb_v4 + l->nb_v6; i++) {
		struct fp_ip ip = { .family = i < l->nb_v4 ? FP_AF_INET : FP_AF_INET6 };

		if (i < l->nb_v4)
			memcpy(ip.b, &l->v4[i], 4);
		else
			memcpy(ip.b, l->v6[i - l->nb_v4], 16);
		fp_ip_format(&ip, a, sizeof(a));
		if (used + strlen(a) + 5 >= sizeof(buf)) {
			strcpy(buf + used, ",...");
			break;
		}
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
				used ? "," : "", a);
	}
	fp_doc_str(d, "local_ips", buf);
	fp_doc_u64(d, "sink_mode", !fp_local_host(l));
	fp_doc_str(d, "exception", fp_app.opts.exception ? "tap" : "off");
	/* --icmp-errors, under the kernel's sysctl names */
	fp_doc_str(d, "icmp_errors", fp_app.opts.icmp.off ? "off" : "on");
	fp_doc_u64(d, "icmp_ratelimit", fp_app.opts.icmp.ratelimit_ms);
	fp_doc_u64(d, "icmp_ratemask", fp_app.opts.icmp.ratemask);
	fp_doc_u64(d, "icmp_msgs_per_sec", fp_app.opts.icmp.msgs_per_sec);
	fp_doc_u64(d, "icmp_msgs_burst", fp_app.opts.icmp.msgs_burst);
	fp_doc_u64(d, "icmp6_ratelimit", fp_app.opts.icmp.ratelimit6_ms);
	doc_membership(d, "igmp", &fp_app.opts.igmp, l);
	doc_membership(d, "mld", &fp_app.opts.mld, l);
}

static int
build_config(struct fp_doc *d, const char *param, size_t limit)
{
	const struct fp_opts *o = &fp_app.opts;
	unsigned int i;

	(void)limit;
	if (no_param(param) != 0)
		return -EINVAL;
	fp_doc_str(d, "version", rte_version());
	fp_doc_str(d, "fastpath_version", FP_VERSION);
	fp_doc_u64(d, "pid", (uint64_t)getpid());
	fp_doc_u64(d, "start_time", fp_app.start_time);
	fp_doc_u64(d, "main_lcore", fp_app.main_lcore);
	fp_doc_u64(d, "main_polls", o->main_polls);
	doc_lcore_list(d);
	fp_doc_u64(d, "burst", o->burst);
	fp_doc_u64(d, "rxd", o->rxd);
	fp_doc_u64(d, "txd", o->txd);
	fp_doc_u64(d, "rxq", o->rxq);
	fp_doc_str(d, "rss_key", fp_rss_key_name(o->rss_key));
	fp_doc_u64(d, "idle_exit_ms", o->idle_exit_ms);
	fp_doc_u64(d, "mbufs", o->mbufs);
	fp_doc_u64(d, "mbuf_cache", o->mbuf_cache);
	fp_doc_str(d, "queue_map_source", o->qmap_set ? "queue-map" : "auto");
	if (strlen(o->stats_json) < FP_DOC_STR_MAX)
		fp_doc_str(d, "stats_json", o->stats_json);
	fp_doc_u64(d, "tsc_hz", fp_app.tsc_hz);
	doc_local(d);
	fp_doc_u64(d, "listeners", o->listen.n);
	fp_doc_u64(d, "vlan_filter", o->vlan_filter);
	fp_doc_u64(d, "vlan_ids", o->nb_vlans);
	fp_doc_u64(d, "rx_fcs", o->rx_fcs);
	for (i = 0; i < fp_app.nb_ports; i++) {
		const struct fp_port *p = &fp_app.ports[i];
		char key[32];
		uint32_t k;

		snprintf(key, sizeof(key), "port_%u", p->id);
		fp_doc_dict_begin(d, key);
		fp_doc_str(d, "name", p->name);
		fp_doc_str(d, "driver", p->driver);
		fp_doc_u64(d, "socket", (uint64_t)p->socket);
		fp_doc_u64(d, "rx_queues", p->nb_rxq);
		fp_doc_u64(d, "tx_queues", p->nb_txq);
		fp_doc_u64(d, "rxd", p->rxd);
		fp_doc_u64(d, "txd", p->txd);
		fp_doc_u64(d, "rss_hf", p->rss_hf);
		fp_doc_u64(d, "rx_offloads", p->rx_offloads);
		fp_doc_u64(d, "pool_mbufs", fp_app.pool_size[p->socket]);
		fp_doc_str(d, "backlog_len", p->backlog_supported ?
				"supported" : "unsupported");
		doc_mac(d, fp_app.rx.port[p->id].mac);
		fp_doc_u64(d, "mtu", fp_app.rx.port[p->id].mtu);
		/* the exception path's interface, "" when none */
		fp_doc_str(d, "exception_ifname", p->tap_created ? p->tap_name : "");
		/* the multicast MACs the NIC lets in */
		fp_doc_u64(d, "all_multicast", p->all_multicast);
		fp_doc_u64(d, "mc_promiscuous", p->mc_promiscuous);
		fp_doc_u64(d, "mc_macs", p->nb_mc);
		for (k = 0; k < p->nb_mc; k++) {
			char mac[RTE_ETHER_ADDR_FMT_SIZE];

			snprintf(key, sizeof(key), "mc_mac_%u", k);
			rte_ether_format_addr(mac, sizeof(mac), &p->mc[k]);
			fp_doc_str(d, key, mac);
		}
		fp_doc_dict_end(d);
	}
	/* the queue map, one "<port>_<queue>": lcore per queue */
	if (fp_app.qmap.n < FP_DOC_DICT_MAX) {
		fp_doc_dict_begin(d, "queue_map");
		for (i = 0; i < fp_app.qmap.n; i++) {
			char key[32];

			snprintf(key, sizeof(key), "%u_%u", fp_app.qmap.e[i].port,
					fp_app.qmap.e[i].queue);
			fp_doc_u64(d, key, fp_app.qmap.e[i].lcore);
		}
		fp_doc_dict_end(d);
	}
	return d->err;
}

/* Every polling lcore's fp_lcore_stats, summed. NULL on ENOMEM. */
static struct fp_lcore_stats *
lcore_stats_sum(void)
{
	struct fp_lcore_stats *sum = calloc(2, sizeof(*sum)), *tmp;
	unsigned int id;

	if (sum == NULL)
		return NULL;
	tmp = sum + 1;
	for (id = 0; id < RTE_MAX_LCORE; id++) {
		if (fp_app.lcores[id] == NULL)
			continue;
		fp_lcore_stats_read(tmp, &fp_app.lcores[id]->lstats);
		fp_lcore_stats_add(sum, tmp);
	}
	return sum;
}

static int
build_snmp(struct fp_doc *d, const char *param, size_t limit)
{
	struct fp_lcore_stats *sum;
	const char *group = NULL;
	unsigned int c;

	(void)limit;
	if (no_param(param) != 0)
		return -EINVAL;
	sum = lcore_stats_sum();
	if (sum == NULL)
		return -ENOMEM;
	/* the X-macro keeps each group's counters together */
	for (c = 0; c < FP_SNMP_MAX; c++) {
		if (group == NULL || strcmp(group, fp_snmp_group(c)) != 0) {
			if (group != NULL)
				fp_doc_dict_end(d);
			group = fp_snmp_group(c);
			fp_doc_dict_begin(d, group);
		}
		/* a per-type table prints only the types seen, as the
		 * kernel's IcmpMsg row does */
		if (sum->snmp[c] != 0 || !fp_snmp_is_type(c))
			fp_doc_u64(d, fp_snmp_field(c), sum->snmp[c]);
	}
	if (group != NULL)
		fp_doc_dict_end(d);
	free(sum);
	return d->err;
}

static int
build_drops(struct fp_doc *d, const char *param, size_t limit)
{
	struct fp_lcore_stats *sum;
	unsigned int r;

	(void)limit;
	if (no_param(param) != 0)
		return -EINVAL;
	sum = lcore_stats_sum();
	if (sum == NULL)
		return -ENOMEM;
	for (r = 0; r < FP_DROP_MAX; r++)
		fp_doc_u64(d, fp_drop_name(r), sum->drop_reason[r]);
	free(sum);
	return d->err;
}

/* A listener's handler counters, under the handler's names (the seq
 * action's: gaps, lost, reordered, duplicates, sources, evictions,
 * malformed). */
static void
doc_handler_counters(struct fp_doc *d, const struct fp_listener *l,
		const struct fp_listener_stats *ls)
{
	const char *const *names = fp_handler_counters(fp_handler_of(l));
	unsigned int k;

	for (k = 0; names[k] != NULL && k < FP_HANDLER_MAX_COUNTERS; k++)
		fp_doc_u64(d, names[k], ls->counters[k]);
}

static int
build_udp(struct fp_doc *d, const char *param, size_t limit)
{
	const struct fp_listen_table *t = &fp_app.rx.listen;
	struct fp_lcore_stats *sum;
	unsigned int i;
	struct page pg;

	if (page_init(&pg, param, false, limit) != 0)
		return -EINVAL;
	sum = lcore_stats_sum();
	if (sum == NULL)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		const struct fp_listener *l = &t->l[i];
		const struct fp_listener_stats *ls = &sum->listener[i];
		char key[16], addr[FP_DOC_STR_MAX];

		if (!page_want(&pg, d, i))
			continue;
		snprintf(key, sizeof(key), "%u", i);
		fp_listener_format(l, addr, sizeof(addr));
		fp_doc_dict_begin(d, key);
		fp_doc_str(d, "local_address", addr);
		fp_doc_str(d, "action", fp_action_name(l->action));
		fp_doc_str(d, "name", fp_app.opts.listen_name[i]);
		fp_doc_u64(d, "datagrams", ls->datagrams);
		fp_doc_u64(d, "bytes", ls->bytes);
		fp_doc_u64(d, "drops", ls->drops);
		if (l->action == FP_ACT_ECHO || l->action == FP_ACT_PLUGIN)
			fp_doc_u64(d, "echoed", ls->echoed);
		if (l->action == FP_ACT_PLUGIN)
			fp_doc_str(d, "handler", fp_handler_of(l)->name);
		doc_handler_counters(d, l, ls);
		if (l->action == FP_ACT_RING) {
			struct fp_ring_status st;

			if (fp_ring_read(l, t->plugin[i].ring, &st)) {
				/* /proc/net/udp's rx_queue, in datagrams */
				fp_doc_str(d, "ring", t->plugin[i].ring);
				fp_doc_u64(d, "rx_queue", st.rx_queue);
				fp_doc_u64(d, "ring_size", st.size);
				fp_doc_u64(d, "consumer_pid", (uint64_t)st.consumer);
				fp_doc_u64(d, "consumer_dequeued", st.dequeued);
				fp_doc_u64(d, "consumer_released", st.released);
				fp_doc_u64(d, "consumer_held", st.dequeued -
						st.released - st.orphaned);
				fp_doc_u64(d, "consumer_deaths", st.deaths);
				fp_doc_u64(d, "orphaned", st.orphaned);
			}
		}
		if (l->action == FP_ACT_SEQ) {
			fp_doc_u64(d, "seq_offset", l->seq_offset);
			fp_doc_u64(d, "seq_size", l->seq_size);
			fp_doc_str(d, "seq_order", l->seq_le ? "le" : "be");
		}
		fp_doc_dict_end(d);
		page_item_done(&pg, d, i);
	}
	free(sum);
	return page_finish(&pg, d);
}

/*
 * Live mempool fill (DPDK 22.11's /mempool/info has none). Only the common
 * pool is read: counting the lcores' caches (rte_mempool_in_use_count)
 * would read the cache lines each polling lcore writes on every burst,
 * and a reader must not slow the lcores. "available" is the common pool;
 * mbufs in lcore caches (at most cache_size each) count as taken.
 */
static void
walk_pool_live(struct rte_mempool *mp, void *arg)
{
	struct fp_doc *d = arg;

	if (!fp_doc_key_valid(mp->name))
		return;
	fp_doc_dict_begin(d, mp->name);
	fp_doc_u64(d, "size", mp->size);
	/* rte_mempool_ops_get_count is internal in 22.11; its body: */
	fp_doc_u64(d, "available", rte_mempool_get_ops(mp->ops_index)->get_count(mp));
	fp_doc_u64(d, "cache_size", mp->cache_size);
	fp_doc_dict_end(d);
}

static int
build_mempools(struct fp_doc *d, const char *param, size_t limit)
{
	(void)limit;
	if (no_param(param) != 0)
		return -EINVAL;
	rte_mempool_walk(walk_pool_live, d);
	return d->err;
}

const struct fp_report_cmd fp_report_cmds[] = {
	{ "softnet_stat", build_softnet,
	  "softnet_stat per polling lcore. Param: lcore, N-M or N-; paged by \"next\"" },
	{ "queues", build_queues,
	  "Counters per <port>_<queue>. Param: port, P_Q, P_Q-P_Q or P_Q-; paged by \"next\"" },
	{ "lcores", build_lcores,
	  "Busy/idle cycles, packets, cycles/packet per lcore. Param: lcore, N-M, N-" },
	{ "ports", build_ports,
	  "ethdev stats next to the app's totals (unaccounted 0). Param: port, N-M, N-" },
	{ "config", build_config, "The effective configuration" },
	{ "snmp", build_snmp,
	  "Kernel SNMP counters: Ip, IpExt, Ip6, Icmp, Icmp6, Tcp, Udp, Udp6" },
	{ "drops", build_drops, "Drops by reason, every reason" },
	{ "udp", build_udp,
	  "Per UDP listener: address, action, counters. Param: id, N-M, N-" },
	{ "igmp", fp_mcast_report_igmp,
	  "IGMP membership per port and group, like /proc/net/igmp. Param: port" },
	{ "igmp6", fp_mcast_report_igmp6,
	  "MLD membership per port and group, like /proc/net/igmp6. Param: port" },
	{ "mempools", build_mempools,
	  "Per mempool: size, mbufs available in the common pool, cache size" },
	{ NULL, NULL, NULL },
};

struct walk_ctx {
	struct fp_doc *d;
};

static void
walk_pool(struct rte_mempool *mp, void *arg)
{
	struct walk_ctx *w = arg;

	if (!fp_doc_key_valid(mp->name))
		return;
	fp_doc_dict_begin(w->d, mp->name);
	fp_doc_u64(w->d, "size", mp->size);
	fp_doc_u64(w->d, "in_use", rte_mempool_in_use_count(mp));
	fp_doc_dict_end(w->d);
}

int
fp_report_mempools(struct fp_doc *d, const char *param)
{
	struct walk_ctx w = { d };

	(void)param;
	rte_mempool_walk(walk_pool, &w);
	return d->err;
}

/* ---- the final report ---- */

struct fp_report_final {
	unsigned int n;
	const char **name;       /* every command of fp_report_cmds, mempools */
	struct fp_doc *doc;
};

struct fp_report_final *
fp_report_final_collect(void)
{
	struct fp_report_final *f = calloc(1, sizeof(*f));
	const struct fp_report_cmd *c;
	unsigned int nb = 1;     /* mempools */

	for (c = fp_report_cmds; c->name != NULL; c++)
		nb++;
	if (f != NULL) {
		f->name = calloc(nb, sizeof(*f->name));
		f->doc = calloc(nb, sizeof(*f->doc));
	}
	if (f == NULL || f->name == NULL || f->doc == NULL) {
		fp_report_final_free(f);
		return NULL;
	}
	for (c = fp_report_cmds; c->name != NULL; c++) {
		if (strcmp(c->name, "mempools") == 0)
			continue;        /* read after the ports are closed */
		f->name[f->n] = c->name;
		fp_doc_init(&f->doc[f->n]);
		c->build(&f->doc[f->n], NULL, 0);
		f->n++;
	}
	return f;
}

static const struct fp_doc *
section(const struct fp_report_final *f, const char *name)
{
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return &f->doc[i];
	return NULL;
}

static int
write_json(const struct fp_report_final *f, const char *path)
{
	FILE *out = fopen(path, "w");
	unsigned int i;
	int rc = 0;

	if (out == NULL)
		return -errno;
	fputc('{', out);
	for (i = 0; i < f->n && rc == 0; i++) {
		fprintf(out, "%s\"%s\":", i ? "," : "", f->name[i]);
		rc = fp_doc_write_json(&f->doc[i], out);
	}
	fputs("}\n", out);
	if (fclose(out) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

#define U(doc, dict, key) \
	((unsigned long long)fp_doc_get_u64(doc, dict, key, 0))

/*
 * With the lcores stopped and reassembly emptied, every port balances
 * exactly. Anything else is a counting bug, said out loud rather than
 * left for someone to notice in the JSON.
 */
static void
check_balance(const struct fp_report_final *f)
{
	const struct fp_doc *ps = section(f, "ports");
	const struct fp_doc_entry *e;
	unsigned int pos;

	if (ps == NULL)
		return;
	for (pos = 0; (e = fp_doc_next_dict(ps, &pos)) != NULL;) {
		unsigned long long held = U(ps, e, "held"),
			un = U(ps, e, "unaccounted"), over = U(ps, e, "overcounted");

		if (held != 0 || un != 0 || over != 0)
			FP_LOG(ERR, "accounting error on port %s: held %llu, "
				"unaccounted %llu, overcounted %llu at exit "
				"(each must be 0; please report it)",
				e->key, held, un, over);
	}
}

static void
print_summary(const struct fp_report_final *f, FILE *o)
{
	const struct fp_doc *sn = section(f, "softnet_stat");
	const struct fp_doc *lc = section(f, "lcores");
	const struct fp_doc *qs = section(f, "queues");
	const struct fp_doc *ps = section(f, "ports");
	const struct fp_doc *mp = section(f, "mempools");
	const struct fp_doc *dr = section(f, "drops");
	const struct fp_doc_entry *e;
	unsigned int pos;

	fprintf(o, "\nsoftnet_stat (per polling lcore)\n%6s %12s %10s %13s %12s %6s %11s\n",
		"lcore", "processed", "dropped", "time_squeeze", "backlog_len",
		"busy%", "cycles/pkt");
	for (pos = 0; (e = fp_doc_next_dict(sn, &pos)) != NULL;) {
		const struct fp_doc_entry *b = fp_doc_get(sn, e, "backlog_len");
		const struct fp_doc_entry *l = fp_doc_get(lc, NULL, e->key);
		char blog[FP_DOC_STR_MAX];

		if (b != NULL && b->type == FP_DOC_STR)
			snprintf(blog, sizeof(blog), "%s", b->str);
		else
			snprintf(blog, sizeof(blog), "%llu", U(sn, e, "backlog_len"));
		fprintf(o, "%6s %12llu %10llu %13llu %12s %6llu %11llu\n", e->key,
			U(sn, e, "processed"), U(sn, e, "dropped"),
			U(sn, e, "time_squeeze"), blog, U(lc, l, "busy_pct"),
			U(lc, l, "cycles_per_packet"));
	}
	fprintf(o, "\nqueues\n%10s %6s %12s %14s %10s %13s %12s %12s\n",
		"port_queue", "lcore", "packets", "bytes", "dropped",
		"time_squeeze", "polls", "empty_polls");
	for (pos = 0; (e = fp_doc_next_dict(qs, &pos)) != NULL;)
		fprintf(o, "%10s %6llu %12llu %14llu %10llu %13llu %12llu %12llu\n",
			e->key, U(qs, e, "lcore"), U(qs, e, "packets"),
			U(qs, e, "bytes"), U(qs, e, "dropped"),
			U(qs, e, "time_squeeze"), U(qs, e, "polls"),
			U(qs, e, "empty_polls"));
	fprintf(o, "\nports\n%5s %12s %9s %9s %10s %12s %12s %10s %10s %10s %12s\n",
		"port", "ipackets", "imissed", "ierrors", "rx_nombuf",
		"processed", "delivered", "dropped", "responded", "to_kernel",
		"unaccounted");
	for (pos = 0; (e = fp_doc_next_dict(ps, &pos)) != NULL;)
		fprintf(o, "%5s %12llu %9llu %9llu %10llu %12llu %12llu %10llu %10llu %10llu %12llu\n",
			e->key, U(ps, e, "ipackets"), U(ps, e, "imissed"),
			U(ps, e, "ierrors"), U(ps, e, "rx_nombuf"),
			U(ps, e, "processed"), U(ps, e, "delivered"),
			U(ps, e, "dropped"), U(ps, e, "responded"),
			U(ps, e, "to_kernel"), U(ps, e, "unaccounted"));
	if (dr != NULL) {
		unsigned int i, shown = 0;

		fprintf(o, "\ndrops (non-zero reasons)\n");
		for (i = 0; i < dr->n; i++)
			if (dr->e[i].type == FP_DOC_U64 && dr->e[i].u64 != 0) {
				fprintf(o, "%-22s %12llu\n", dr->e[i].key,
					(unsigned long long)dr->e[i].u64);
				shown++;
			}
		if (shown == 0)
			fprintf(o, "none\n");
	}
	if (mp != NULL) {
		fprintf(o, "\nmempools\n%-20s %10s %10s\n", "name", "size", "in_use");
		for (pos = 0; (e = fp_doc_next_dict(mp, &pos)) != NULL;)
			fprintf(o, "%-20s %10llu %10llu\n", e->key,
				U(mp, e, "size"), U(mp, e, "in_use"));
	}
	fflush(o);
}

int
fp_report_final_write(struct fp_report_final *f, const char *json_path,
		FILE *summary)
{
	int rc = 0;

	check_balance(f);

	f->name[f->n] = "mempools";
	fp_doc_init(&f->doc[f->n]);
	fp_report_mempools(&f->doc[f->n], NULL);
	f->n++;
	if (json_path != NULL && json_path[0] != '\0') {
		rc = write_json(f, json_path);
		if (rc != 0)
			FP_LOG(ERR, "--stats-json %s: %s", json_path, strerror(-rc));
	}
	if (summary != NULL)
		print_summary(f, summary);
	return rc;
}

void
fp_report_final_free(struct fp_report_final *f)
{
	unsigned int i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		fp_doc_free(&f->doc[i]);
	free(f->doc);
	free(f->name);
	free(f);
}
