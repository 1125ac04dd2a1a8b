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
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>

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
		/* net_tap shares its queues' file descriptors with secondary
		 * processes in one message of RTE_MP_MAX_FD_NUM (8): with more
		 * than 4 queue pairs DPDK 22.11 overflows it at start */
		if (p->nb_tapq > FP_TAP_MAX_QUEUES)
			return fp_err(err, errlen,
				"--exception: port %u is polled by %u lcores; DPDK 22.11's TAP takes at most %d queue pairs (one per lcore): poll the port with at most %d lcores (--queue-map)",
				p->id, p->nb_tapq, FP_TAP_MAX_QUEUES,
				FP_TAP_MAX_QUEUES);
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
		/* the port's MTU: what the kernel sends must fit the wire,
		 * and what fastpath hands on must fit the TAP */
		if (rc == 0)
			rc = rte_eth_dev_set_mtu(p->tap_port, a->rx.port[p->id].mtu);
		if (rc != 0)
			return fp_err(err, errlen,
				"--exception: TAP %s for port %u: configuring %u queue pair(s) (MTU %u) failed: %s",
				p->tap_name, p->id, p->nb_tapq, a->rx.port[p->id].mtu,
				strerror(-rc)), -EIO;
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
		if (rc != 0 && rte_eth_promiscuous_get(p->id) != 1) {
			rc = rte_eth_promiscuous_enable(p->id);
			p->tap_promisc = rc == 0;
		}
		if (rc != 0)
			FP_LOG(WARNING, "port %u: neither all-multicast nor promiscuous mode (%s): the kernel behind %s sees only the groups fastpath's listeners joined (IPv6 neighbour discovery needs its solicited-node groups)",
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
		if (p->tap_started)
			rte_eth_allmulticast_disable(p->id);
		if (p->tap_promisc)
			rte_eth_promiscuous_disable(p->id);
		p->tap_promisc = false;
		p->tap_started = false;
		rte_eth_dev_close(p->tap_port);
		snprintf(name, sizeof(name), "net_tap_fp%u", p->id);
		rte_vdev_uninit(name);
		p->tap_created = false;
	}
}

/* Put the saved link-layer header back in front of a fragment. */
static int
relink(struct rte_mbuf *f, const uint8_t *l2, uint16_t l2_len, bool v4)
{
	uint8_t *h = (uint8_t *)rte_pktmbuf_prepend(f, l2_len);

	if (h == NULL)
		return -1;
	memcpy(h, l2, l2_len);
	f->l2_len = l2_len;
	if (v4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(h + l2_len);

		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	return 0;
}

/*
 * A frame the TAP cannot take as it is (m): a datagram fastpath
 * reassembled has an IPv4 header checksum of 0 after DPDK's reassembly,
 * and one larger than the port's MTU (reassembled here, or by a PMD that
 * hands whole datagrams, as net_af_packet does) is fragmented again: the
 * kernel reassembles. Whether all of it went; m is freed either way.
 */
static bool
send_refit(const struct fp_port *p, uint16_t tapq, struct rte_mbuf *m,
		bool reassembled)
{
	const uint16_t mtu = fp_app.rx.port[p->id].mtu, l2_len = m->l2_len;
	struct rte_mbuf *frags[64];
	uint8_t l2[64];
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, l2_len);
	bool v4, v6;
	int n, k, i;

	if (l2_len > sizeof(l2) || m->data_len < l2_len + 40u) {
		rte_pktmbuf_free(m);
		return false;
	}
	v4 = (ip[0] >> 4) == 4 && l2_len >= 14 &&
		rte_pktmbuf_mtod(m, uint8_t *)[l2_len - 2] == 0x08;
	v6 = (ip[0] >> 4) == 6;
	memcpy(l2, rte_pktmbuf_mtod(m, uint8_t *), l2_len);
	if (v4 && reassembled) {
		((struct rte_ipv4_hdr *)ip)->hdr_checksum = 0;
		((struct rte_ipv4_hdr *)ip)->hdr_checksum =
			rte_ipv4_cksum((struct rte_ipv4_hdr *)ip);
	}
	if (m->pkt_len <= (uint32_t)l2_len + mtu) {
		if (rte_eth_tx_burst(p->tap_port, tapq, &m, 1) == 1)
			return true;
		rte_pktmbuf_free(m);
		return false;
	}
	if (!v4 && !v6) {
		rte_pktmbuf_free(m);
		return false;
	}
	rte_pktmbuf_adj(m, l2_len);
	n = v4 ? rte_ipv4_fragment_packet(m, frags, RTE_DIM(frags), mtu,
			m->pool, m->pool) :
		rte_ipv6_fragment_packet(m, frags, RTE_DIM(frags), mtu,
			m->pool, m->pool);
	rte_pktmbuf_free(m);            /* the fragments hold what they use */
	if (n <= 0)
		return false;           /* DF set, or no mbuf */
	for (i = 0; i < n; i++)
		if (relink(frags[i], l2, l2_len, v4) != 0)
			break;
	k = i == n ? rte_eth_tx_burst(p->tap_port, tapq, frags, (uint16_t)n) : 0;
	for (i = k; i < n; i++)
		rte_pktmbuf_free(frags[i]);
	return k == n;
}

void
fp_exception_send(struct fp_lcore *lc, const struct fp_lcore_queue *q,
		struct fp_burst *out)
{
	const struct fp_port *p = &fp_app.ports[q->pidx];
	struct rte_mbuf *plain[FP_BURST_MAX];
	uint16_t idx[FP_BURST_MAX], frames[FP_BURST_MAX];
	bool sent[FP_BURST_MAX];
	uint16_t i, np = 0, k = 0, ok = 0;

	for (i = 0; i < out->nb_kernel; i++) {
		sent[i] = false;
		if (q->tapq == FP_NO_TXQ) {
			rte_pktmbuf_free(out->kernel[i]);
		} else if (out->kernel_frames[i] > 1 || out->kernel[i]->pkt_len >
				out->kernel[i]->l2_len + (uint32_t)fp_app.rx.port[p->id].mtu) {
			sent[i] = send_refit(p, q->tapq, out->kernel[i],
					out->kernel_frames[i] > 1);
		} else {
			idx[np] = i;
			plain[np++] = out->kernel[i];
		}
	}
	if (np != 0)
		k = rte_eth_tx_burst(p->tap_port, q->tapq, plain, np);
	for (i = 0; i < np; i++) {
		if (i < k)
			sent[idx[i]] = true;
		else
			rte_pktmbuf_free(plain[i]);
	}
	/* the sent first: fp_proc_kernel_done counts the rest as drops */
	for (i = 0; i < out->nb_kernel; i++)
		frames[i] = out->kernel_frames[i];
	for (i = 0; i < out->nb_kernel; i++)
		if (sent[i])
			out->kernel_frames[ok++] = frames[i];
	for (i = 0; i < out->nb_kernel; i++)
		if (!sent[i])
			out->kernel_frames[ok++] = frames[i];
	for (i = 0, ok = 0; i < out->nb_kernel; i++)
		ok += sent[i];
	fp_proc_kernel_done(&lc->proc, out, ok);
}

void
fp_exception_poll(struct fp_lcore *lc, const struct fp_lcore_queue *q,
		struct fp_queue_stats *s, uint16_t burst)
{
	struct rte_mbuf *m[FP_BURST_MAX];
	uint16_t n, sent = 0;

	n = rte_eth_rx_burst(fp_app.ports[q->pidx].tap_port, q->tapq, m, burst);
	if (n == 0)
		return;
	if (q->txq != FP_NO_TXQ)
		sent = rte_eth_tx_burst(q->port, q->txq, m, n);
	if (sent < n)
		rte_pktmbuf_free_bulk(&m[sent], n - sent);
	fp_qstats_begin(s);
	FP_STAT_ADD(s->from_kernel, sent);
	FP_STAT_ADD(s->from_kernel_dropped, n - sent);
	fp_qstats_end(s);
	/* a full tx ring: FULL_RING, as for fastpath's own replies */
	if (sent < n)
		FP_STAT_ADD(lc->lstats.drop_reason[FP_DROP_FULL_RING], n - sent);
}
