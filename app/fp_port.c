/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "fp_exception.h"
#include "fp_frag.h"
#include "fp_pool.h"
#include "fp_port.h"
#include "fp_util.h"

/* Symmetric Toeplitz key: the same hash for both directions of a flow. */
static void
symmetric_key(uint8_t *key, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		key[i] = (i & 1) ? 0x5a : 0x6d;
}

/* Toeplitz over an IPv6 4-tuple (36 bytes) needs a 40-byte key. */
#define RSS_KEY_LEN 40

/* 1: the device holds key, 0: it holds another, -1: it cannot say. */
static int
key_held(uint16_t port, const uint8_t *key, unsigned int len)
{
	struct rte_eth_rss_conf back;
	uint8_t got[64];

	memset(&back, 0, sizeof(back));
	memset(got, 0, sizeof(got));
	back.rss_key = got;
	back.rss_key_len = (uint8_t)len;
	if (rte_eth_dev_rss_hash_conf_get(port, &back) != 0)
		return -1;
	return memcmp(got, key, len) == 0;
}

/*
 * The key given at configure time must be the one the device holds. Some
 * PMDs ignore rss_conf.rss_key in rte_eth_dev_configure and take a key
 * only through rte_eth_dev_rss_hash_update (net_null in 22.11): then set
 * it that way; a device that still holds another key is warned about.
 */
static void
apply_key(const struct fp_port *p, const uint8_t *key, unsigned int len,
		uint64_t rss_hf)
{
	struct rte_eth_rss_conf conf;

	if (key_held(p->id, key, len) != 0)
		return;
	memset(&conf, 0, sizeof(conf));
	conf.rss_key = (uint8_t *)(uintptr_t)key;
	conf.rss_key_len = (uint8_t)len;
	conf.rss_hf = rss_hf;
	if (rte_eth_dev_rss_hash_update(p->id, &conf) != 0 ||
			key_held(p->id, key, len) == 0)
		FP_LOG(WARNING, "port %u (%s) does not hold the RSS key it was given: --rss-key is not in effect",
			p->id, p->driver);
}

static int
resolve_socket(uint16_t port)
{
	int s = rte_eth_dev_socket_id(port);

	/* vdevs report SOCKET_ID_ANY: use the main lcore's socket */
	if (s < 0 || s >= FP_MAX_SOCKETS)
		s = (int)rte_lcore_to_socket_id(rte_get_main_lcore());
	return s;
}

int
fp_ports_probe(struct fp_app *a, char *err, size_t errlen)
{
	const struct fp_opts *o = &a->opts;
	uint16_t ids[FP_MAX_PORTS];
	unsigned int i, n = 0;
	uint16_t pid;

	/* the datapath's configuration: what the options say of addresses,
	 * listeners and VLANs; each port's part comes with its setup */
	a->rx.local = o->local;
	a->rx.listen = o->listen;
	a->rx.vlan_filter = o->vlan_filter;
	a->rx.icmp = o->icmp;        /* its per-lcore share: fp_lcores_plan */
	memcpy(a->rx.vlan_allow, o->vlan_allow, sizeof(a->rx.vlan_allow));

	if (o->ports_set) {
		for (i = 0; i < o->nb_ports; i++) {
			if (!rte_eth_dev_is_valid_port(o->ports[i]))
				return fp_err(err, errlen,
					"--ports: port %u does not exist; EAL probed %u port(s)",
					o->ports[i], rte_eth_dev_count_avail());
			ids[n++] = o->ports[i];
		}
	} else {
		RTE_ETH_FOREACH_DEV(pid) {
			if (n == FP_MAX_PORTS)
				break;
			ids[n++] = pid;
		}
	}
	if (n == 0)
		return fp_err(err, errlen,
			"no port: EAL probed none; bind a NIC to vfio-pci or add --vdev (e.g. net_pcap0,rx_pcap=FILE)");

	a->nb_ports = n;
	for (i = 0; i < n; i++) {
		struct fp_port *p = &a->ports[i];
		struct rte_eth_dev_info info;
		int rc;

		memset(p, 0, sizeof(*p));
		p->id = ids[i];
		rc = rte_eth_dev_info_get(p->id, &info);
		if (rc != 0)
			return fp_err(err, errlen, "port %u: cannot read device info: %s",
					p->id, strerror(-rc)), -EIO;
		p->socket = resolve_socket(p->id);
		p->max_rxq = RTE_MIN(info.max_rx_queues, (uint16_t)FP_MAX_QUEUES);
		p->max_txq = info.max_tx_queues;
		snprintf(p->driver, sizeof(p->driver), "%s", info.driver_name);
		if (rte_eth_dev_get_name_by_port(p->id, p->name) != 0)
			snprintf(p->name, sizeof(p->name), "port%u", p->id);
	}
	return 0;
}

/* The multicast MAC of an IP group (RFC 1112 6.4, RFC 2464 7). */
static void
group_mac(const struct fp_ip *g, struct rte_ether_addr *mac)
{
	if (g->family == FP_AF_INET) {
		const uint8_t m[6] = { 0x01, 0x00, 0x5e, g->b[1] & 0x7f, g->b[2],
				       g->b[3] };

		memcpy(mac->addr_bytes, m, 6);
	} else {
		const uint8_t m[6] = { 0x33, 0x33, g->b[12], g->b[13], g->b[14],
				       g->b[15] };

		memcpy(mac->addr_bytes, m, 6);
	}
}

/* Add g's MAC to macs[0..*n) unless there. */
static void
add_mac(struct rte_ether_addr *macs, uint32_t *n, const struct fp_ip *g)
{
	struct rte_ether_addr m;
	uint32_t i;

	group_mac(g, &m);
	for (i = 0; i < *n; i++)
		if (rte_is_same_ether_addr(&macs[i], &m))
			return;
	macs[(*n)++] = m;
}

static bool
has_group(const struct fp_local *l, unsigned int family)
{
	unsigned int i;

	for (i = 0; i < l->nb_groups; i++)
		if (l->groups[i].family == family)
			return true;
	return false;
}

/*
 * Join the groups at the NIC: the listeners' groups; all-hosts 224.0.0.1
 * and all-nodes ff02::1 where the host has an address or a group of the
 * family (general IGMP / MLD queries go there); for each local IPv6
 * address and the link-local one, its solicited-node group (neighbour
 * discovery). Where the device keeps no multicast list, all-multicast.
 */
static void
join_groups(struct fp_app *a, struct fp_port *p)
{
	const struct fp_local *l = &a->rx.local;
	struct rte_ether_addr *macs = p->mc;
	struct fp_ip g = { .family = FP_AF_INET, .b = { 224, 0, 0, 1 } };
	static const uint8_t sn[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
	struct rte_ether_addr mac;
	uint32_t n = 0, i;
	uint8_t ll[16];
	int rc;

	for (i = 0; i < l->nb_groups; i++)
		add_mac(macs, &n, &l->groups[i]);
	if (fp_local_host(l) && (l->nb_v4 != 0 || has_group(l, FP_AF_INET)))
		add_mac(macs, &n, &g);
	if (fp_local_host(l) && (l->nb_v6 != 0 || has_group(l, FP_AF_INET6))) {
		g = (struct fp_ip){ .family = FP_AF_INET6, .b = { 0xff, 0x02, [15] = 1 } };
		add_mac(macs, &n, &g);
	}
	if (l->nb_v6 != 0 && rte_eth_macaddr_get(p->id, &mac) == 0) {
		fp_v6_link_local(mac.addr_bytes, ll);
		memcpy(g.b, sn, 13);
		memcpy(g.b + 13, ll + 13, 3);
		add_mac(macs, &n, &g);
		for (i = 0; i < l->nb_v6; i++) {
			memcpy(g.b + 13, l->v6[i] + 13, 3);
			add_mac(macs, &n, &g);
		}
	}
	p->nb_mc = 0;
	if (n == 0)
		return;
	rc = rte_eth_dev_set_mc_addr_list(p->id, macs, n);
	if (rc == 0) {
		p->nb_mc = n;            /* /fastpath/config shows them */
		return;
	}
	rc = rte_eth_allmulticast_enable(p->id);
	if (rc == 0) {
		p->all_multicast = true;
		return;
	}
	/* the last resort, as the exception path's: promiscuous; frames
	 * for other hosts are then dropped and counted (OTHERHOST) */
	if (rte_eth_promiscuous_get(p->id) == 1 ||
			(rc = rte_eth_promiscuous_enable(p->id)) == 0) {
		p->mc_promiscuous = true;
		FP_LOG(NOTICE, "port %u (%s) keeps no multicast list and takes no all-multicast: promiscuous, so that its groups arrive",
			p->id, p->driver);
		return;
	}
	FP_LOG(WARNING, "port %u (%s): no multicast list, all-multicast or promiscuous mode (%s): its groups arrive only if the device passes every frame anyway",
		p->id, p->driver, strerror(-rc));
}

/* What the receive path needs to know of the port. */
static int
rx_port_conf(struct fp_app *a, const struct fp_port *p)
{
	struct fp_rx_port *rp = &a->rx.port[p->id];
	struct rte_ether_addr mac;
	uint16_t mtu = RTE_ETHER_MTU;
	int rc;

	rc = rte_eth_macaddr_get(p->id, &mac);
	if (rc != 0)
		return rc;
	memcpy(rp->mac, mac.addr_bytes, 6);
	if (rte_eth_dev_get_mtu(p->id, &mtu) != 0)
		mtu = RTE_ETHER_MTU;
	rp->mtu = mtu;
	rp->keep_crc = a->opts.rx_fcs;
	return 0;
}

static int
configure_port(struct fp_app *a, struct fp_port *p, char *err, size_t errlen)
{
	const struct fp_opts *o = &a->opts;
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_rxconf rxconf;
	struct rte_eth_txconf txconf;
	uint8_t key[64];
	unsigned int key_len = 0;
	uint16_t q;
	int rc;

	rc = rte_eth_dev_info_get(p->id, &info);
	if (rc != 0)
		goto fail;
	memset(&conf, 0, sizeof(conf));
	/* Trust checksum offloads where the device has them (DESIGN.md 3). */
	p->rx_offloads = info.rx_offload_capa & (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
			RTE_ETH_RX_OFFLOAD_UDP_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM);
	if (o->rx_fcs && (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_KEEP_CRC))
		p->rx_offloads |= RTE_ETH_RX_OFFLOAD_KEEP_CRC;
	conf.rxmode.offloads = p->rx_offloads;
	/* RSS on IP/UDP/TCP, masked by what the device offers. */
	p->rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) &
		info.flow_type_rss_offloads;
	if (p->nb_rxq > 1 && p->rss_hf != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = p->rss_hf;
		/* a device that reports no key size (net_null in 22.11) still
		 * takes a key: the 40 bytes Toeplitz needs for IPv6 4-tuples */
		key_len = info.hash_key_size ? info.hash_key_size : RSS_KEY_LEN;
		if (o->rss_key == FP_RSS_KEY_SYMMETRIC && key_len <= sizeof(key)) {
			symmetric_key(key, key_len);
			conf.rx_adv_conf.rss_conf.rss_key = key;
			conf.rx_adv_conf.rss_conf.rss_key_len = (uint8_t)key_len;
		}
	} else {
		if (p->nb_rxq > 1)
			FP_LOG(NOTICE, "port %u (%s) has no RSS; its %u rx queues are filled by the device alone",
				p->id, p->driver, p->nb_rxq);
		p->rss_hf = 0;
	}
	rc = rte_eth_dev_configure(p->id, p->nb_rxq, p->nb_txq, &conf);
	if (rc != 0)
		goto fail;
	if (conf.rx_adv_conf.rss_conf.rss_key != NULL)
		apply_key(p, key, key_len, p->rss_hf);
	rc = rx_port_conf(a, p);
	if (rc != 0)
		goto fail;
	join_groups(a, p);

	rxconf = info.default_rxconf;
	rxconf.offloads = conf.rxmode.offloads;
	for (q = 0; q < p->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->id, q, p->rxd, (unsigned)p->socket,
				&rxconf, p->pool);
		if (rc != 0)
			return fp_err(err, errlen,
				"port %u rx queue %u: setup with %u descriptors failed: %s",
				p->id, q, p->rxd, strerror(-rc)), -EIO;
	}
	txconf = info.default_txconf;
	txconf.offloads = 0;
	for (q = 0; q < p->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->id, q, p->txd, (unsigned)p->socket,
				&txconf);
		if (rc != 0)
			return fp_err(err, errlen,
				"port %u tx queue %u: setup with %u descriptors failed: %s",
				p->id, q, p->txd, strerror(-rc)), -EIO;
	}
	return 0;
fail:
	fp_err(err, errlen, "port %u (%s): configure with %u rx / %u tx queues failed: %s",
		p->id, p->driver, p->nb_rxq, p->nb_txq, strerror(-rc));
	return -EIO;
}

/* Polling lcores that use a port on socket s. */
static unsigned int
lcores_on_socket(const struct fp_app *a, int s)
{
	unsigned int i, k, n = 0;

	for (i = 0; i < RTE_MAX_LCORE; i++) {
		const struct fp_lcore *lc = a->lcores[i];

		if (lc == NULL)
			continue;
		for (k = 0; k < lc->nb_q; k++)
			if (a->ports[lc->q[k].pidx].socket == s) {
				n++;
				break;
			}
	}
	return n;
}

static int
create_pools(struct fp_app *a, char *err, size_t errlen)
{
	const struct fp_opts *o = &a->opts;
	int s;

	for (s = 0; s < FP_MAX_SOCKETS; s++) {
		uint64_t rxd = 0, txd = 0;
		unsigned int i, nl;
		uint32_t need, rec, size;
		char name[RTE_MEMPOOL_NAMESIZE];
		bool used = false;

		for (i = 0; i < a->nb_ports; i++)
			if (a->ports[i].socket == s) {
				used = true;
				rxd += (uint64_t)a->ports[i].nb_rxq * a->ports[i].rxd;
				/* net_tap keeps an mbuf per rx descriptor */
				rxd += (uint64_t)a->ports[i].nb_tapq * FP_TAP_RXD;
				txd += (uint64_t)a->ports[i].nb_txq * a->ports[i].txd;
			}
		if (!used)
			continue;
		/* a ring listener's ring holds mbufs while its consumer is
		 * slow, stopped or absent: room for full rings, so that the
		 * other listeners keep receiving (the ring drops instead) */
		for (i = 0; i < a->rx.listen.n; i++)
			if (a->rx.listen.l[i].action == FP_ACT_RING)
				rxd += a->rx.listen.plugin[i].ring_size;
		nl = lcores_on_socket(a, s);
		/* the floor: descriptors, caches, bursts; the recommendation
		 * adds room for fragments held in reassembly */
		need = fp_pool_mbufs_needed(rxd, txd, nl, o->mbuf_cache, o->burst, 0);
		rec = fp_pool_mbufs_needed(rxd, txd, nl, o->mbuf_cache, o->burst,
				FP_FRAG_MAX_DATAGRAMS);
		if (o->mbufs != 0 && o->mbufs < need)
			return fp_err(err, errlen,
				"--mbufs: %u is too small for socket %d: %u needed (%llu rx + %llu tx descriptors, %u lcore(s) x (cache %u + 2 x burst %u))",
				o->mbufs, s, need, (unsigned long long)rxd,
				(unsigned long long)txd, nl, o->mbuf_cache, o->burst);
		if (o->mbufs != 0 && o->mbufs < rec)
			FP_LOG(WARNING, "--mbufs %u on socket %d leaves less than %u per lcore for reassembly (%u recommended): the pool can run dry under fragments",
				o->mbufs, s, FP_FRAG_MAX_DATAGRAMS, rec);
		need = rec;
		size = o->mbufs ? o->mbufs : fp_pool_auto_size(need);
		snprintf(name, sizeof(name), "fp_mbuf_s%d", s);
		a->pools[s] = rte_pktmbuf_pool_create(name, size, o->mbuf_cache,
				0, RTE_MBUF_DEFAULT_BUF_SIZE, s);
		if (a->pools[s] == NULL) {
			fp_err(err, errlen,
				"mempool %s: cannot allocate %u mbufs of %u bytes on socket %d: %s (more memory: hugepages or EAL -m)",
				name, size, (unsigned)RTE_MBUF_DEFAULT_BUF_SIZE, s,
				rte_strerror(rte_errno));
			return -ENOMEM;
		}
		a->pool_size[s] = size;
		for (i = 0; i < a->nb_ports; i++)
			if (a->ports[i].socket == s)
				a->ports[i].pool = a->pools[s];
	}
	return 0;
}

int
fp_ports_setup(struct fp_app *a, char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	for (i = 0; i < a->nb_ports; i++) {
		struct fp_port *p = &a->ports[i];

		p->rxd = a->opts.rxd;
		p->txd = a->opts.txd;
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->id, &p->rxd, &p->txd);
		if (rc != 0)
			return fp_err(err, errlen,
				"port %u: cannot adjust descriptors %u/%u: %s",
				p->id, a->opts.rxd, a->opts.txd, strerror(-rc)), -EIO;
		if (p->rxd != a->opts.rxd || p->txd != a->opts.txd)
			FP_LOG(NOTICE, "port %u: descriptors adjusted to the device: rxd %u, txd %u",
				p->id, p->rxd, p->txd);
	}
	rc = create_pools(a, err, errlen);
	if (rc != 0)
		return rc;
	for (i = 0; i < a->nb_ports; i++) {
		rc = configure_port(a, &a->ports[i], err, errlen);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
fp_ports_start(struct fp_app *a, char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	for (i = 0; i < a->nb_ports; i++) {
		struct fp_port *p = &a->ports[i];

		/* counters start at zero with the port (never after: a NIC
		 * may receive into its ring before the lcores poll) */
		rte_eth_stats_reset(p->id);
		rc = rte_eth_dev_start(p->id);
		if (rc != 0)
			return fp_err(err, errlen,
				"port %u (%s): start failed: %s%s", p->id, p->driver,
				strerror(-rc), rc == -ENOMEM ?
				" (mempool too small for what the device holds? see --mbufs)" : ""),
				-EIO;
		p->started = true;
		rc = rte_eth_rx_queue_count(p->id, 0);
		p->backlog_supported = rc >= 0;
	}
	return 0;
}

void
fp_ports_stop(struct fp_app *a)
{
	unsigned int i;

	for (i = 0; i < a->nb_ports; i++) {
		struct fp_port *p = &a->ports[i];
		int rc;

		if (!p->started)
			continue;
		rc = rte_eth_dev_stop(p->id);
		if (rc != 0)
			FP_LOG(WARNING, "port %u: stop failed: %s", p->id,
				strerror(-rc));
		p->started = false;
	}
}

void
fp_ports_close(struct fp_app *a)
{
	unsigned int i;

	for (i = 0; i < a->nb_ports; i++) {
		int rc = rte_eth_dev_close(a->ports[i].id);

		if (rc != 0)
			FP_LOG(WARNING, "port %u: close failed: %s",
				a->ports[i].id, strerror(-rc));
	}
}

void
fp_pools_free(struct fp_app *a)
{
	int s;

	for (s = 0; s < FP_MAX_SOCKETS; s++) {
		rte_mempool_free(a->pools[s]);
		a->pools[s] = NULL;
	}
}
