/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_POOL_H
#define FP_POOL_H

/*
 * Mempool sizing, after examples/l3fwd: every rx and tx descriptor can hold
 * an mbuf, every lcore's mempool cache can hold `cache` more, every lcore
 * has one rx burst in processing and one tx burst in flight, and holds
 * `held` fragments in reassembly.
 */
#include <stdint.h>

#define FP_POOL_MIN_MBUFS 8191   /* l3fwd's 8192 floor, as 2^13 - 1 */

/* The mbufs one pool needs at the least; UINT32_MAX when it overflows. */
uint32_t fp_pool_mbufs_needed(uint64_t rx_desc, uint64_t tx_desc,
		unsigned int nb_lcores, unsigned int cache, unsigned int burst,
		unsigned int held);

/* The automatic size: max(needed, FP_POOL_MIN_MBUFS) rounded up to 2^k - 1
 * (the best size for a ring-backed mempool); UINT32_MAX on overflow. */
uint32_t fp_pool_auto_size(uint32_t needed);

#endif /* FP_POOL_H */
