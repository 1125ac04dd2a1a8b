/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_LISTEN_H
#define FP_LISTEN_H

/*
 * UDP listeners, the analogue of UDP sockets: --listen [ADDR:]PORT=ACTION.
 * Lookup is direct-indexed by destination port, then the address, with a
 * socket's bind semantics: an exact address wins; then a wildcard of the
 * packet's family (0.0.0.0 for IPv4, [::] for IPv6); then one that takes
 * both (no address, or [::] without v6only: a dual-stack socket, Linux's
 * default net.ipv6.bindv6only 0).
 */
#include "fp_limits.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fp_addr.h"

#define FP_LISTEN_ONLY_WILD 0x80
_Static_assert(FP_MAX_LISTENERS < FP_LISTEN_ONLY_WILD, "head[] holds index + 1 and a flag");

enum fp_action { FP_ACT_COUNT, FP_ACT_SEQ, FP_ACT_ECHO, FP_ACT_PLUGIN, FP_ACT_RING };

/* ring,name=NAME[,size=N]: a consumer ring (the app makes it) */
#define FP_RING_NAME_MAX 24          /* the ring is "fpr_" NAME: RTE_RING_NAMESIZE */
#define FP_RING_SIZE_MIN 64
#define FP_RING_SIZE_MAX (1u << 20)
#define FP_RING_SIZE_DEF 4096

#define FP_PLUGIN_PATH_MAX 192
#define FP_PLUGIN_ARG_MAX 192

struct fp_handler;

struct fp_listener {
	uint8_t id;               /* its index in the table */
	struct fp_ip addr;        /* family FP_AF_NONE: a wildcard (wild) */
	uint8_t wild;             /* a wildcard's family: 4 (0.0.0.0), 6 ([::]
				   * v6only), 0: both (no address, [::]) */
	bool v6any;               /* written [::] (for display) */
	uint16_t port;            /* host order */
	uint8_t action;           /* enum fp_action */
	uint8_t next;             /* next listener on this port + 1, 0: none */
	/* seq */
	uint16_t seq_offset;      /* payload offset of the sequence number */
	uint8_t seq_size;         /* 4 or 8 */
	bool seq_le;              /* little-endian */
	/* plugin: the handler the app loaded, and its configuration */
	const struct fp_handler *handler;
	void *hconf;
};

/* A plugin listener's path= and arg=, a ring listener's name= and size=
 * (configuration, not the datapath). */
struct fp_plugin_spec {
	char path[FP_PLUGIN_PATH_MAX];
	char arg[FP_PLUGIN_ARG_MAX];
	char ring[FP_RING_NAME_MAX + 1];
	uint32_t ring_size;
};

struct fp_listen_table {
	unsigned int n;
	struct fp_listener l[FP_MAX_LISTENERS];
	/* by port: first listener + 1, 0: none; FP_LISTEN_ONLY_WILD set when
	 * that listener is the port's only one and has no address */
	uint8_t head[65536];
	struct fp_plugin_spec plugin[FP_MAX_LISTENERS];   /* by listener */
};

/* Parse one --listen value and add it; joins multicast groups in local.
 * 0 or -EINVAL with a message naming what is wrong. */
int fp_listen_add(struct fp_listen_table *t, struct fp_local *local,
		const char *s, char *err, size_t errlen);

/* The listener for (dst, port), or -1. family is 4 or 6; dst points at the
 * address in the packet. */
static inline int
fp_listen_lookup(const struct fp_listen_table *t, unsigned int family,
		const uint8_t *dst, uint16_t port)
{
	unsigned int i = t->head[port];
	int wild = -1;

	if (i & FP_LISTEN_ONLY_WILD)          /* the common case: *:port */
		return (int)(i & ~FP_LISTEN_ONLY_WILD) - 1;

	int both = -1;

	while (i != 0) {
		const struct fp_listener *l = &t->l[i - 1];

		if (l->addr.family == FP_AF_NONE) {
			if (l->wild == family)
				wild = (int)i - 1;
			else if (l->wild == 0)
				both = (int)i - 1;
		} else if (l->addr.family == family) {
			/* the address in the packet may sit at any alignment */
			if (memcmp(dst, l->addr.b, family == FP_AF_INET ? 4 : 16) == 0)
				return (int)i - 1;
		}
		i = l->next;
	}
	return wild >= 0 ? wild : both;
}

const char *fp_action_name(unsigned int a);
/* "10.1.0.1:9", "[2001:db8::1]:9", "*:9", "0.0.0.0:9", "[::]:9" */
int fp_listener_format(const struct fp_listener *l, char *buf, size_t len);

#endif /* FP_LISTEN_H */
