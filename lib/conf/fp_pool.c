/* SPDX-License-Identifier: BSD-3-Clause */
#include "fp_pool.h"

uint32_t
fp_pool_mbufs_needed(uint64_t rx_desc, uint64_t tx_desc,
		unsigned int nb_lcores, unsigned int cache, unsigned int burst,
		unsigned int held)
{
	uint64_t n = rx_desc + tx_desc +
		(uint64_t)nb_lcores * ((uint64_t)cache + 2u * burst + held);

	return n >= UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

uint32_t
fp_pool_auto_size(uint32_t needed)
{
	uint64_t n = needed < FP_POOL_MIN_MBUFS ? FP_POOL_MIN_MBUFS : needed;
	uint64_t p = 1;

	while (p - 1 < n)
		p <<= 1;
	return p - 1 >= UINT32_MAX ? UINT32_MAX : (uint32_t)(p - 1);
}
