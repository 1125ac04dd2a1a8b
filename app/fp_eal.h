/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_EAL_H
#define FP_EAL_H

/*
 * Around rte_eal_init: say why it failed when EAL does not, and refuse to
 * run as a secondary process.
 */
#include <stddef.h>

/*
 * After rte_eal_init failed: the reason, one line, into buf. EAL leaves
 * rte_errno at 0 when another primary process holds the runtime
 * directory's config lock (same --file-prefix); that case is found by
 * asking who holds the lock. 2 when the failure is the caller's input
 * (EAL arguments, a --file-prefix in use, an lcore list past the CPUs,
 * no hugepages without --no-huge), else 1: the exit status.
 */
int fp_eal_init_failure(int argc, char **argv, char *buf, size_t len);

/*
 * rte_eal_init, with EAL's usage text (printed on stdout after a bad
 * argument) kept off the terminal unless -h asked for it, and library
 * INFO chatter (ip_frag, telemetry) at warning unless --log-level says
 * otherwise. An lcore list past the machine's CPUs, or no hugepages,
 * get the likely fix from fp_eal_init_failure (status 2).
 */
int fp_eal_init(int argc, char **argv);

/*
 * After rte_eal_init succeeded: 0 in a primary process. In a secondary
 * (--proc-type=secondary, or auto beside a running primary) -EINVAL with
 * one line: fastpath owns its ports and mempools and cannot share them.
 * The caller must then exit without rte_eal_cleanup(): in a 22.11
 * secondary it runs the bus cleanup, which removes the devices the
 * secondary attached (a virtio NIC can be reset under the primary; see
 * docs/counters.md on secondaries). What is left is this process's mp socket
 * and fbarray files in the runtime directory, which the primary ignores.
 */
int fp_eal_check_primary(char *err, size_t errlen);

#endif /* FP_EAL_H */
