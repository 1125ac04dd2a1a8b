/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_LIMITS_H
#define FP_LIMITS_H

/* Program-wide limits, in one place. */
#define FP_MAX_PORTS 32        /* RTE_MAX_ETHPORTS of Debian's DPDK 22.11 */
#define FP_MAX_LCORES 128      /* RTE_MAX_LCORE */
#define FP_MAX_QUEUES 1024     /* rx queues per port we accept */
#define FP_BURST_MAX 512       /* packets per burst */
#define FP_MAX_LISTENERS 64    /* UDP listeners */
#define FP_MAX_LOCAL 16        /* local addresses of each family */
#define FP_MAX_GROUPS 64       /* multicast groups joined */

#endif /* FP_LIMITS_H */
