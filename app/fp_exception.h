/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_EXCEPTION_H
#define FP_EXCEPTION_H

/*
 * The exception path (--exception tap): a kernel TAP interface per data
 * port (DPDK's net_tap), the data port's MAC on it, one queue pair per
 * lcore polling the port. What fastpath does not serve goes to the kernel
 * through it (FP_E_KERNEL); what the kernel sends on it goes out of the
 * data port, from the lcore that polls that TAP queue.
 */
#include <stddef.h>

struct fp_app;

/* rx descriptors of a TAP queue (net_tap holds an mbuf for each) */
#define FP_TAP_RXD 512
#define FP_TAP_TXD 512

/* After fp_lcores_plan: check what --exception needs (one line, -EINVAL,
 * before anything is created) and give each lcore its TAP queues. */
int fp_exception_plan(struct fp_app *a, char *err, size_t errlen);
/* After fp_ports_setup: create and configure the TAPs. */
int fp_exception_setup(struct fp_app *a, char *err, size_t errlen);
/* After fp_ports_start: start them. */
int fp_exception_start(struct fp_app *a, char *err, size_t errlen);
/* After the lcores stopped: stop, close and remove them. */
void fp_exception_close(struct fp_app *a);

#endif /* FP_EXCEPTION_H */
