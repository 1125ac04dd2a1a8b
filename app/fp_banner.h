/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_BANNER_H
#define FP_BANNER_H

/*
 * What an operator reads first: --version, and the start-up banner
 * (ports, drivers, MACs, link, queues, lcores, mode, listeners).
 */
#include <stdbool.h>

/* "--version" anywhere on the command line (before or after "--"). */
bool fp_version_requested(int argc, char **argv);

/* fastpath's version, the DPDK it runs on and was built against, and
 * the build options, on stdout. */
void fp_version_print(void);

/* Once the ports are started: one log line per port, then lcores, mode
 * and listeners (at INFO, fastpath's log type). */
void fp_banner(void);

#endif /* FP_BANNER_H */
