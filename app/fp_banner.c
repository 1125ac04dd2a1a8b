/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_version.h>

#include "fp_app.h"
#include "fp_banner.h"

#ifndef FP_VERSION
#define FP_VERSION "unknown"
#endif
#ifndef FP_BUILD_OPTS
#define FP_BUILD_OPTS "unknown"
#endif

bool
fp_version_requested(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--version") == 0)
			return true;
	return false;
}

void
fp_version_print(void)
{
	printf("fastpath %s\n", FP_VERSION);
	printf("DPDK: running %s, built against %d.%02d.%d\n", rte_version(), RTE_VER_YEAR,
		RTE_VER_MONTH, RTE_VER_MINOR);
	printf("build: %s\n", FP_BUILD_OPTS);
}

static void
banner_port(const struct fp_port *p)
{
	const uint8_t *m = fp_app.rx.port[p->id].mac;
	struct rte_eth_link link;
	char speed[32] = "speed unknown";

	if (rte_eth_link_get_nowait(p->id, &link) != 0)
		memset(&link, 0, sizeof(link));
	if (link.link_speed != 0 && link.link_speed != RTE_ETH_SPEED_NUM_UNKNOWN)
		snprintf(speed, sizeof(speed), "%u Mbit/s %s", link.link_speed,
			link.link_duplex ? "full duplex" : "half duplex");
	FP_LOG(INFO, "port %u: %s, driver %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s (%s), "
		"%u rx queues (rxd %u), %u tx queues (txd %u), socket %d%s",
		p->id, p->name, p->driver, m[0], m[1], m[2], m[3], m[4], m[5],
		link.link_status ? "up" : "down", speed, p->nb_rxq, p->rxd, p->nb_txq,
		p->txd, p->socket, p->rss_hf ? ", RSS" : "");
}

static void
banner_listeners(void)
{
	const struct fp_listen_table *t = &fp_app.rx.listen;
	char buf[512] = "", a[96], ring[64];
	size_t used = 0;
	unsigned int i;

	for (i = 0; i < t->n && used < sizeof(buf); i++) {
		fp_listener_format(&t->l[i], a, sizeof(a));
		ring[0] = '\0';
		if (t->l[i].action == FP_ACT_RING)   /* as --listen says it */
			snprintf(ring, sizeof(ring), ",name=%s,size=%u",
				t->plugin[i].ring, t->plugin[i].ring_size);
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s%s%s=%s%s",
				i ? ", " : "", fp_app.opts.listen_name[i],
				fp_app.opts.listen_name[i][0] ? " " : "", a,
				fp_action_name(t->l[i].action), ring);
	}
	if (used >= sizeof(buf))
		strcpy(buf + sizeof(buf) - 5, " ...");
	FP_LOG(INFO, "%u listener(s)%s%s", t->n, t->n ? ": " : "", buf);
}

void
fp_banner(void)
{
	const struct fp_local *l = &fp_app.rx.local;
	char lcores[256] = "";
	size_t used = 0;
	unsigned int i, id;

	for (i = 0; i < fp_app.nb_ports; i++)
		banner_port(&fp_app.ports[i]);
	for (id = 0; id < RTE_MAX_LCORE && used < sizeof(lcores); id++)
		if (fp_app.lcores[id] != NULL)
			used += (size_t)snprintf(lcores + used, sizeof(lcores) - used,
					"%s%u", used ? "," : "", id);
	FP_LOG(INFO, "lcores: main %u, polling %s; %u rx queues in all",
		fp_app.main_lcore, lcores, fp_app.qmap.n);
	if (fp_local_host(l))
		FP_LOG(INFO, "mode: host, %u IPv4 and %u IPv6 local address(es)",
			l->nb_v4, l->nb_v6);
	else
		FP_LOG(INFO, "mode: sink (no --local-ip: every destination is local)");
	banner_listeners();
}
