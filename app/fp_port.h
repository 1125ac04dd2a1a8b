/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_PORT_H
#define FP_PORT_H

#include <stddef.h>

#include "fp_app.h"

/*
 * Start-up and tear-down of ports and mempools. Functions return 0,
 * -EINVAL for bad input (the caller exits 2) or another negative errno for
 * a failure of the system; err holds one line that says which.
 */

/* Pick the ports (--ports or every probed one) and read their limits. */
int fp_ports_probe(struct fp_app *a, char *err, size_t errlen);
/* Size and create the mempools, configure ports and set up their queues
 * (after fp_lcores_plan set nb_rxq/nb_txq). Nothing is started. */
int fp_ports_setup(struct fp_app *a, char *err, size_t errlen);
int fp_ports_start(struct fp_app *a, char *err, size_t errlen);
void fp_ports_stop(struct fp_app *a);
void fp_ports_close(struct fp_app *a);
void fp_pools_free(struct fp_app *a);

#endif /* FP_PORT_H */
