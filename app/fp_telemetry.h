/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_TELEMETRY_H
#define FP_TELEMETRY_H

/* Register every /fastpath/ command of fp_report_cmds. 0 or negative. */
int fp_telemetry_register(void);

#endif /* FP_TELEMETRY_H */
