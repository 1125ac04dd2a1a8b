/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_FRAG_H
#define FP_FRAG_H

/*
 * IPv4 and IPv6 reassembly per lcore with DPDK's ip_frag library: a
 * bounded table, a timeout, and the death row whose frames are counted
 * before they are freed. Plugged into the receive path as its reassembly
 * hook (lib/fp_proc.h).
 */
#include <stdint.h>

#include "fp_app.h"

#define FP_FRAG_MAX_DATAGRAMS 1024   /* datagrams in reassembly per lcore */
#define FP_FRAG_BUCKET_ENTRIES 16

/* Create the table of every polling lcore and hook it up. 0 or -ENOMEM. */
int fp_frag_setup(struct fp_app *a, char *err, size_t errlen);
/* Expire datagrams older than the timeout (every few loops, on the lcore). */
void fp_frag_expire(struct fp_lcore *lc, uint64_t now);
/* Empty lc's table: what it holds is dropped as timed out (FRAG_REASM_TIMEOUT,
 * ReasmTimeout, ReasmFails). On lc's thread, or with it stopped. 0, or
 * -EPROTO (logged) when the counters disagree with what the table held. */
int fp_frag_flush(struct fp_lcore *lc);
/* At exit, with the lcores stopped: flush every table and free it. */
void fp_frag_teardown(struct fp_app *a);

#endif /* FP_FRAG_H */
