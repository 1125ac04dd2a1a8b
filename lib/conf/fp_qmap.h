/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_QMAP_H
#define FP_QMAP_H

/*
 * The queue map: which lcore polls which (port, rx queue). Either given as
 * "--queue-map (port,queue,lcore),..." (the syntax of l3fwd's --config) or
 * built round-robin over the polling lcores.
 */
#include "fp_limits.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FP_MAX_QMAP 1024     /* entries in one map */

struct fp_qmap_entry {
	uint16_t port;
	uint16_t queue;
	uint16_t lcore;
};

struct fp_qmap {
	struct fp_qmap_entry e[FP_MAX_QMAP];
	unsigned int n;
};

/* What the running system offers, for validation and automatic mapping. */
struct fp_qmap_env {
	unsigned int nb_ports;
	uint16_t ports[FP_MAX_PORTS];          /* port ids in use */
	uint16_t max_rxq[FP_MAX_PORTS];        /* per ports[i]: device limit */
	bool lcore_enabled[FP_MAX_LCORES];     /* EAL lcores */
	unsigned int main_lcore;
	bool main_polls;                       /* main lcore may poll */
};

/*
 * Parse "(0,0,1),(0,1,2)". Blanks are allowed around numbers and between
 * tuples. Syntax only; returns 0 or -EINVAL with a message in err.
 */
int fp_qmap_parse(const char *s, struct fp_qmap *m, char *err, size_t errlen);

/*
 * Check a map against env: ports in use, lcores enabled (and the main lcore
 * only with main_polls), queues below the device limit, every queue of a
 * port polled by exactly one lcore and queues 0..n-1 all present.
 * On success fills nb_rxq[i] for env->ports[i]. 0 or -EINVAL with err.
 */
int fp_qmap_validate(const struct fp_qmap *m, const struct fp_qmap_env *env,
		uint16_t *nb_rxq, char *err, size_t errlen);

/*
 * Build a map round-robin: port p gets nb_rxq[p] queues (0 = one per polling
 * lcore, capped by the device), assigned over the polling lcores in order.
 * Returns 0, or -EINVAL when no lcore can poll or a count exceeds a limit.
 */
int fp_qmap_auto(const struct fp_qmap_env *env, uint16_t rxq_req,
		struct fp_qmap *m, uint16_t *nb_rxq, char *err, size_t errlen);

/* Polling lcores of env, in id order. Returns how many. */
unsigned int fp_qmap_polling_lcores(const struct fp_qmap_env *env,
		uint16_t *lcores, unsigned int max);

/* Format the map back into the --queue-map syntax. */
int fp_qmap_format(const struct fp_qmap *m, char *buf, size_t len);

#endif /* FP_QMAP_H */
