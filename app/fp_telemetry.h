/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_TELEMETRY_H
#define FP_TELEMETRY_H

/* Register every /fastpath/ command of fp_report_cmds. 0 or negative. */
int fp_telemetry_register(void);
/* Start answering: the ports and lcores the commands read are set up. */
void fp_telemetry_open(void);
/*
 * Stop answering: from now on the commands reply null, and callbacks
 * already running have returned. Call before the state they read (ports,
 * lcores) is torn down; DPDK 22.11 cannot unregister a command.
 */
void fp_telemetry_close(void);

#endif /* FP_TELEMETRY_H */
