/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_LCORE_H
#define FP_LCORE_H

#include <stddef.h>

#include "fp_app.h"

/*
 * Map (port, queue) onto lcores (--queue-map, or round-robin over the
 * polling lcores), allocate each polling lcore's state on its socket and
 * give it one tx queue per port it polls. Sets nb_rxq/nb_txq of the ports.
 * 0, -EINVAL (bad map: exit 2) or -ENOMEM.
 */
int fp_lcores_plan(struct fp_app *a, char *err, size_t errlen);
void fp_lcores_free(struct fp_app *a);

#endif /* FP_LCORE_H */
