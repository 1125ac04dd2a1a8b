/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fp_lcore.h"
#include "fp_plugin.h"
#include "fp_util.h"

static struct fp_lcore *
lcore_get(struct fp_app *a, unsigned int id)
{
	struct fp_lcore *lc = a->lcores[id];

	if (lc != NULL)
		return lc;
	lc = rte_zmalloc_socket("fp_lcore", sizeof(*lc), RTE_CACHE_LINE_SIZE,
			(int)rte_lcore_to_socket_id(id));
	if (lc == NULL)
		return NULL;
	lc->id = id;
	lc->proc.lcore = (uint16_t)id;
	lc->is_main = id == a->main_lcore;
	lc->cost_cycles = id < FP_MAX_LCORES ? a->opts.cost_cycles[id] : 0;
	lc->proc.lstats = &lc->lstats;
	lc->proc.conf = &a->rx;
	a->lcores[id] = lc;
	a->nb_polling++;
	return lc;
}

/*
 * ICMP errors: the kernel's global bucket (icmp_msgs_per_sec,
 * icmp_msgs_burst) is one per host; fastpath's lcores share nothing, so
 * each polling lcore gets its share (rounded up, at least 1), as VPP's
 * per-thread ICMP throttle; each keeps its own per-host buckets, which RSS
 * makes per flow.
 */
static void
icmp_limits(struct fp_app *a)
{
	struct fp_icmp_conf *c = &a->rx.icmp;
	unsigned int id, n = a->nb_polling ? a->nb_polling : 1;

	c->tsc_hz = a->tsc_hz;
	c->lcore_per_sec = RTE_MAX(1u, (c->msgs_per_sec + n - 1) / n);
	c->lcore_burst = RTE_MAX(1u, (c->msgs_burst + n - 1) / n);
	for (id = 0; id < RTE_MAX_LCORE; id++)
		if (a->lcores[id] != NULL)
			a->lcores[id]->proc.icmp_limit = &a->lcores[id]->icmp_limit;
}

/* One tx queue per (lcore, port it polls), in lcore order, up to the
 * device's limit; lcores past it send nothing (NO_TX_QUEUE drops). */
static void
assign_txq(struct fp_app *a)
{
	unsigned int i, id, k;

	for (i = 0; i < a->nb_ports; i++) {
		struct fp_port *p = &a->ports[i];
		uint16_t next = 0;

		for (id = 0; id < RTE_MAX_LCORE; id++) {
			struct fp_lcore *lc = a->lcores[id];
			uint16_t txq = FP_NO_TXQ;
			bool polls = false;

			if (lc == NULL)
				continue;
			for (k = 0; k < lc->nb_q; k++)
				polls |= lc->q[k].pidx == i;
			if (!polls)
				continue;
			if (next < p->max_txq)
				txq = next++;
			else
				FP_LOG(WARNING, "port %u has %u tx queue(s): lcore %u gets none and cannot send on it",
					p->id, p->max_txq, id);
			for (k = 0; k < lc->nb_q; k++)
				if (lc->q[k].pidx == i)
					lc->q[k].txq = txq;
		}
		p->nb_txq = next;
	}
}

int
fp_lcores_plan(struct fp_app *a, char *err, size_t errlen)
{
	struct fp_qmap_env env;
	uint16_t nb_rxq[FP_MAX_PORTS];
	char msg[256];
	unsigned int i, id;
	int rc;

	memset(&env, 0, sizeof(env));
	env.nb_ports = a->nb_ports;
	for (i = 0; i < a->nb_ports; i++) {
		env.ports[i] = a->ports[i].id;
		env.max_rxq[i] = a->ports[i].max_rxq;
	}
	RTE_LCORE_FOREACH(id)
		if (id < FP_MAX_LCORES)
			env.lcore_enabled[id] = true;
	env.main_lcore = a->main_lcore;
	env.main_polls = a->opts.main_polls;

	if (a->opts.qmap_set) {
		a->qmap = a->opts.qmap;
		rc = fp_qmap_validate(&a->qmap, &env, nb_rxq, msg, sizeof(msg));
		if (rc != 0)
			return fp_err(err, errlen, "--queue-map: %s", msg);
	} else {
		rc = fp_qmap_auto(&env, a->opts.rxq, &a->qmap, nb_rxq, msg,
				sizeof(msg));
		if (rc != 0)
			return fp_err(err, errlen, "%s%s",
				a->opts.rxq ? "--rxq: " : "", msg);
	}

	for (i = 0; i < a->qmap.n; i++) {
		const struct fp_qmap_entry *e = &a->qmap.e[i];
		struct fp_lcore *lc = lcore_get(a, e->lcore);
		unsigned int pidx;

		if (lc == NULL)
			return fp_err(err, errlen,
				"cannot allocate the state of lcore %u", e->lcore),
				-ENOMEM;
		if (lc->nb_q == FP_MAX_LCORE_QUEUES)
			return fp_err(err, errlen,
				"lcore %u would poll more than %d queues; use more lcores",
				e->lcore, FP_MAX_LCORE_QUEUES);
		for (pidx = 0; a->ports[pidx].id != e->port; pidx++)
			;
		lc->q[lc->nb_q].port = e->port;
		lc->q[lc->nb_q].pidx = (uint16_t)pidx;
		lc->q[lc->nb_q].queue = e->queue;
		lc->nb_q++;
		if (rte_lcore_to_socket_id(e->lcore) !=
				(unsigned int)a->ports[pidx].socket)
			FP_LOG(WARNING, "lcore %u (socket %u) polls port %u on socket %d: every packet crosses sockets",
				e->lcore, rte_lcore_to_socket_id(e->lcore),
				e->port, a->ports[pidx].socket);
	}
	for (i = 0; i < a->nb_ports; i++)
		a->ports[i].nb_rxq = nb_rxq[i];

	/* seq sources are tracked per lcore (RSS keeps a flow on one), in a
	 * table per listener: the handler's state on the lcore */
	for (id = 0; id < RTE_MAX_LCORE; id++) {
		struct fp_lcore *lc = a->lcores[id];

		if (lc == NULL)
			continue;
		for (i = 0; i < a->rx.listen.n; i++) {
			if (a->rx.listen.l[i].action != FP_ACT_SEQ)
				continue;
			lc->proc.hstate[i] = rte_zmalloc_socket("fp_seq",
					sizeof(struct fp_seq_table), RTE_CACHE_LINE_SIZE,
					(int)rte_lcore_to_socket_id(id));
			if (lc->proc.hstate[i] == NULL)
				return fp_err(err, errlen,
					"cannot allocate the seq table of listener %u on lcore %u (%zu bytes)",
					i, id, sizeof(struct fp_seq_table)), -ENOMEM;
		}
		lc->flushers = fp_plugins_flushers(&a->rx.listen);
		/* users' handlers: their state on this lcore */
		rc = fp_plugins_lcore_init(&a->rx.listen, id, lc->proc.hstate, err,
				errlen);
		if (rc != 0)
			return rc;
	}
	RTE_LCORE_FOREACH_WORKER(id)
		if (a->lcores[id] == NULL)
			FP_LOG(WARNING, "worker lcore %u has no queue to poll and stays idle", id);
	icmp_limits(a);
	assign_txq(a);
	return 0;
}

void
fp_lcores_free(struct fp_app *a)
{
	unsigned int id;

	for (id = 0; id < RTE_MAX_LCORE; id++) {
		unsigned int i;

		if (a->lcores[id] != NULL) {
			fp_plugins_lcore_fini(&a->rx.listen, a->lcores[id]->proc.hstate);
			for (i = 0; i < a->rx.listen.n; i++)
				if (a->rx.listen.l[i].action == FP_ACT_SEQ)
					rte_free(a->lcores[id]->proc.hstate[i]);
		}
		rte_free(a->lcores[id]);
		a->lcores[id] = NULL;
	}
	a->nb_polling = 0;
}
