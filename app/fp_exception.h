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
struct fp_burst;
struct fp_lcore;
struct fp_lcore_queue;
struct fp_queue_stats;

/* rx descriptors of a TAP queue (net_tap holds an mbuf for each) */
/* rx "descriptors" of a TAP queue: net_tap reads one frame at a time into
 * a scatter list of this many mbufs (held while the queue exists): enough
 * for a 9000-byte frame in 2 KiB mbufs */
#define FP_TAP_RXD 8
#define FP_TAP_TXD 512
/* queue pairs per TAP: see fp_exception_plan */
#define FP_TAP_MAX_QUEUES 4

/* After fp_lcores_plan: check what --exception needs (one line, -EINVAL,
 * before anything is created) and give each lcore its TAP queues. */
int fp_exception_plan(struct fp_app *a, char *err, size_t errlen);
/* After fp_ports_setup: create and configure the TAPs. */
int fp_exception_setup(struct fp_app *a, char *err, size_t errlen);
/* After fp_ports_start: start them. */
int fp_exception_start(struct fp_app *a, char *err, size_t errlen);
/* The lcore's part of a burst for the kernel (out->kernel) to its TAP
 * queue. A datagram fastpath reassembled gets its IPv4 header checksum
 * back and is fragmented again to the port's MTU; what the TAP does not
 * take is dropped (KERNEL_FULL). Frees every mbuf it was given. */
void fp_exception_send(struct fp_lcore *lc, const struct fp_lcore_queue *q,
		struct fp_burst *out);
/* What the kernel sent on the lcore's TAP queue, out of the data port on
 * the lcore's tx queue; a full tx ring drops (FULL_RING), never blocks. */
void fp_exception_poll(struct fp_lcore *lc, const struct fp_lcore_queue *q,
		struct fp_queue_stats *s, uint16_t burst);
/* After the lcores stopped: stop, close and remove them. */
void fp_exception_close(struct fp_app *a);

#endif /* FP_EXCEPTION_H */
