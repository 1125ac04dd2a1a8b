/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_APP_H
#define FP_APP_H

/*
 * Application-wide state. Written during start-up on the main lcore, then
 * read-only, except the counters (one writer each, see lib/fp_stats.h) and
 * the quit flag.
 */
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mempool.h>

#include "fp_opts.h"
#include "fp_proc.h"
#include "fp_stats.h"

#define FP_MAX_LCORE_QUEUES 64   /* rx queues one lcore may poll */
#define FP_NO_TXQ UINT16_MAX
#define FP_MAX_SOCKETS RTE_MAX_NUMA_NODES

extern int fp_logtype;
#define FP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, fp_logtype, "fastpath: " fmt "\n", ##__VA_ARGS__)

struct fp_port {
	uint16_t id;
	int socket;                 /* resolved: never SOCKET_ID_ANY */
	uint16_t nb_rxq;
	uint16_t nb_txq;
	uint16_t rxd;               /* effective, after the device adjusted */
	uint16_t txd;
	uint16_t max_rxq;
	uint16_t max_txq;
	uint64_t rss_hf;            /* hash functions in use (0: no RSS) */
	uint64_t rx_offloads;
	bool backlog_supported;     /* rte_eth_rx_queue_count works */
	bool started;
	/* --exception: its TAP (tap_port), with nb_tapq queue pairs */
	uint16_t tap_port;
	uint16_t nb_tapq;
	bool tap_created;
	bool tap_started;
	bool tap_promisc;           /* promiscuous for want of all-multicast */
	char tap_name[16];          /* IFNAMSIZ */
	char name[RTE_ETH_NAME_MAX_LEN];
	char driver[32];
	/* the multicast MACs the device took, or all-multicast instead */
	uint32_t nb_mc;
	bool all_multicast;
	bool mc_promiscuous;        /* promiscuous for want of both */
	struct rte_ether_addr mc[FP_MAX_GROUPS + FP_MAX_LOCAL + 3];
	struct rte_mempool *pool;
};

/* One (port, queue) polled by an lcore. */
struct fp_lcore_queue {
	uint16_t port;              /* port id */
	uint16_t pidx;              /* index into fp_app.ports */
	uint16_t queue;
	uint16_t txq;               /* this lcore's tx queue on port, or FP_NO_TXQ */
	uint16_t tapq;              /* its queue pair on the port's TAP, or FP_NO_TXQ */
	bool tap_poll;              /* this entry polls tapq (one per lcore and port) */
};

struct fp_frag;

struct fp_lcore {
	struct fp_queue_stats qstats[FP_MAX_LCORE_QUEUES];
	struct fp_lcore_stats lstats;
	unsigned int id;
	unsigned int nb_q;
	uint32_t cost_cycles;          /* --cost-cycles for this lcore */
	bool is_main;
	struct fp_proc_ctx proc;
	struct fp_frag *frag;               /* reassembly table */
	struct fp_lcore_queue q[FP_MAX_LCORE_QUEUES];
	struct fp_icmp_limit icmp_limit;    /* its ICMP error rate limits */
	uint32_t mcast_ports;               /* ports whose IGMP/MLD it sends */
	uint64_t flushers;                  /* listeners whose handler has a flush */
} __rte_cache_aligned;

struct fp_app {
	struct fp_opts opts;        /* as parsed; not changed after */
	struct fp_rx_conf rx;       /* the datapath's: options + ports */
	struct fp_qmap qmap;        /* effective: given or automatic */
	unsigned int nb_ports;
	struct fp_port ports[FP_MAX_PORTS];
	struct fp_lcore *lcores[RTE_MAX_LCORE];   /* polling lcores only */
	unsigned int nb_polling;
	struct rte_mempool *pools[FP_MAX_SOCKETS];
	uint32_t pool_size[FP_MAX_SOCKETS];
	unsigned int main_lcore;
	uint64_t tsc_hz;
	uint64_t start_tsc;
	uint64_t start_time;         /* Unix seconds when the lcores started */
	volatile int quit;          /* set by signals / idle-exit; read relaxed */
};

extern struct fp_app fp_app;

static inline int
fp_app_quitting(void)
{
	return __atomic_load_n(&fp_app.quit, __ATOMIC_RELAXED);
}

static inline void
fp_app_request_quit(void)
{
	__atomic_store_n(&fp_app.quit, 1, __ATOMIC_RELAXED);
}

#endif /* FP_APP_H */
