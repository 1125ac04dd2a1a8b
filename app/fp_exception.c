/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>

#include "fp_app.h"
#include "fp_exception.h"
#include "fp_util.h"

/*
 * Can this process make TAP interfaces? net_tap opens /dev/net/tun and
 * creates the interface with TUNSETIFF, which needs CAP_NET_ADMIN: try
 * both (a TAP the kernel names, gone again at close) and say which fails,
 * before any port starts, rather than let the PMD log it.
 */
static int
tun_usable(char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return fp_err(err, errlen,
			"--exception tap: cannot open /dev/net/tun: %s (load the tun module)",
			strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) != 0)
		rc = fp_err(err, errlen,
			"--exception tap: cannot create a TAP interface: %s (fastpath needs CAP_NET_ADMIN)",
			strerror(errno));
	close(fd);
	return rc;
}

int
fp_exception_plan(struct fp_app *a, char *err, size_t errlen)
{
	unsigned int i, id, k;
	int rc;

	a->rx.exception = a->opts.exception;
	for (id = 0; id < RTE_MAX_LCORE; id++)
		for (k = 0; a->lcores[id] != NULL && k < a->lcores[id]->nb_q; k++) {
			a->lcores[id]->q[k].tapq = FP_NO_TXQ;
			a->lcores[id]->q[k].tap_poll = false;
		}
	if (!a->opts.exception)
		return 0;
	rc = tun_usable(err, errlen);
	if (rc != 0)
		return rc;
	for (i = 0; i < a->nb_ports; i++) {
		struct fp_port *p = &a->ports[i];
		int n = snprintf(p->tap_name, sizeof(p->tap_name), "%s%u",
				a->opts.exception_prefix, p->id);

		if (n < 0 || (size_t)n >= sizeof(p->tap_name))
			return fp_err(err, errlen,
				"--exception: interface name %s%u is longer than %zu characters",
				a->opts.exception_prefix, p->id,
				sizeof(p->tap_name) - 1);
		if (if_nametoindex(p->tap_name) != 0)
			return fp_err(err, errlen,
				"--exception: an interface named %s exists already (remove it, or choose another prefix with ifname=)",
				p->tap_name);
		/* a queue pair per lcore polling the port, in lcore order;
		 * each sends what the kernel gives it on its own tx queue */
		for (id = 0; id < RTE_MAX_LCORE; id++) {
			struct fp_lcore *lc = a->lcores[id];
			bool first = true;

			for (k = 0; lc != NULL && k < lc->nb_q; k++) {
				if (lc->q[k].pidx != i)
					continue;
				if (lc->q[k].txq == FP_NO_TXQ)
					return fp_err(err, errlen,
						"--exception: port %u (%s) has %u tx queue(s) for more lcores: lcore %u could not send what the kernel sends (net_pcap: a tx_pcap= per rx queue)",
						p->id, p->driver, p->max_txq, id);
				lc->q[k].tapq = p->nb_tapq;
				lc->q[k].tap_poll = first;
				first = false;
			}
			if (!first)
				p->nb_tapq++;
		}
	}
	return 0;
}

int
fp_exception_setup(struct fp_app *a, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	unsigned int i;
	uint16_t q;
	int rc;

	if (!a->opts.exception)
		return 0;
	memset(&conf, 0, sizeof(conf));
	for (i = 0; i < a->nb_ports; i++) {
		struct fp_port *p = &a->ports[i];
		const uint8_t *mac = a->rx.port[p->id].mac;
		char name[RTE_DEV_NAME_MAX_LEN], args[128];

		if (p->nb_tapq == 0)
			continue;         /* no lcore polls it */
		snprintf(name, sizeof(name), "net_tap_fp%u", p->id);
		snprintf(args, sizeof(args),
			"iface=%s,mac=%02x:%02x:%02x:%02x:%02x:%02x", p->tap_name,
			mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
		rc = rte_vdev_init(name, args);
		if (rc != 0)
			return fp_err(err, errlen,
				"--exception: cannot create TAP %s for port %u (net_tap %s): %s",
				p->tap_name, p->id, args, strerror(rc < 0 ? -rc : EIO)),
				-EIO;
		p->tap_created = true;
		rc = rte_eth_dev_get_port_by_name(name, &p->tap_port);
		if (rc == 0)
			rc = rte_eth_dev_configure(p->tap_port, p->nb_tapq,
					p->nb_tapq, &conf);
		for (q = 0; rc == 0 && q < p->nb_tapq; q++) {
			rc = rte_eth_rx_queue_setup(p->tap_port, q, FP_TAP_RXD,
					(unsigned int)p->socket, NULL, p->pool);
			if (rc == 0)
				rc = rte_eth_tx_queue_setup(p->tap_port, q,
						FP_TAP_TXD, (unsigned int)p->socket,
						NULL);
		}
		if (rc != 0)
			return fp_err(err, errlen,
				"--exception: TAP %s for port %u: configuring %u queue pair(s) failed: %s",
				p->tap_name, p->id, p->nb_tapq, strerror(-rc)), -EIO;
	}
	return 0;
}

int
fp_exception_start(struct fp_app *a, char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	for (i = 0; i < a->nb_ports; i++) {
		struct fp_port *p = &a->ports[i];

		if (!p->tap_created)
			continue;
		rc = rte_eth_dev_start(p->tap_port);
		if (rc != 0)
			return fp_err(err, errlen,
				"--exception: TAP %s: start failed: %s",
				p->tap_name, strerror(-rc)), -EIO;
		p->tap_started = true;
		/* the kernel's groups (all-nodes, solicited-node, ...) must
		 * reach it: the NIC takes every multicast frame */
		rc = rte_eth_allmulticast_enable(p->id);
		if (rc != 0)
			FP_LOG(WARNING, "port %u: all-multicast not available (%s): the kernel behind %s sees only the groups fastpath's listeners joined (IPv6 neighbour discovery needs its solicited-node groups)",
				p->id, strerror(-rc), p->tap_name);
		FP_LOG(INFO, "port %u: exception path %s (%u queue pair(s))",
			p->id, p->tap_name, p->nb_tapq);
	}
	return 0;
}

void
fp_exception_close(struct fp_app *a)
{
	unsigned int i;

	for (i = 0; i < a->nb_ports; i++) {
		struct fp_port *p = &a->ports[i];
		char name[RTE_DEV_NAME_MAX_LEN];

		if (!p->tap_created)
			continue;
		if (p->tap_started && rte_eth_dev_stop(p->tap_port) != 0)
			FP_LOG(WARNING, "TAP %s: stop failed", p->tap_name);
		p->tap_started = false;
		rte_eth_dev_close(p->tap_port);
		snprintf(name, sizeof(name), "net_tap_fp%u", p->id);
		rte_vdev_uninit(name);
		p->tap_created = false;
	}
}
