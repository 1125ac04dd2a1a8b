/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FUZZ_FLAGS_H
#define FUZZ_FLAGS_H

/* The PMD's checksum flags a fuzz input chooses with two bits each:
 * unknown, good, bad (and unknown again). Shared by both targets. */
#include <rte_mbuf.h>

static const uint64_t fuzz_ip_flags[4] = { 0, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
	RTE_MBUF_F_RX_IP_CKSUM_BAD, 0 };
static const uint64_t fuzz_l4_flags[4] = { 0, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
	RTE_MBUF_F_RX_L4_CKSUM_BAD, 0 };

#endif /* FUZZ_FLAGS_H */
