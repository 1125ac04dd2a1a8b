/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_MEMBERSHIP_H
#define FP_MEMBERSHIP_H

/*
 * IGMP and MLD membership on the ports (lib/rx/fp_mcast.h has the rules).
 * Each port's membership is owned by the lcore that polls its rx queue 0
 * (else any lcore with a tx queue on it): that lcore sends the reports
 * due from its housekeeping, on its own tx queue, and counts them; the
 * leaves go out when the lcores have stopped, before the ports do.
 */
#include <stdint.h>

#include "fp_app.h"
#include "fp_doc.h"

/* After fp_ports_setup (MACs, MTUs, tx queues known). 0 or -errno. */
int fp_mcast_setup(struct fp_app *a, char *err, size_t errlen);
/* The owner's housekeeping: send what is due at now. */
void fp_mcast_tick(struct fp_lcore *lc, uint64_t now);
/* Stopping: the leaves (the lcores stopped, the ports still up). */
void fp_mcast_stop(struct fp_app *a);
void fp_mcast_free(struct fp_app *a);

/* /fastpath/igmp and /fastpath/igmp6: see docs/telemetry.md. */
int fp_mcast_report_igmp(struct fp_doc *d, const char *param, size_t limit);
int fp_mcast_report_igmp6(struct fp_doc *d, const char *param, size_t limit);

#endif /* FP_MEMBERSHIP_H */
