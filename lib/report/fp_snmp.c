/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>

#include "fp_snmp.h"

static const struct {
	const char *group;
	const char *field;
} names[FP_SNMP_MAX] = {
#define FP_SNMP_ROW(g, f) [FP_SNMP_##g##_##f] = { #g, #f },
	FP_SNMP_COUNTERS(FP_SNMP_ROW)
#undef FP_SNMP_ROW
};

const char *
fp_snmp_group(unsigned int c)
{
	return c < FP_SNMP_MAX ? names[c].group : NULL;
}

const char *
fp_snmp_field(unsigned int c)
{
	return c < FP_SNMP_MAX ? names[c].field : NULL;
}

int
fp_snmp_is_type(unsigned int c)
{
	return c >= FP_SNMP_IcmpMsgIn_InType0 && c < FP_SNMP_MAX;
}

void
fp_snmp_derive(uint64_t *snmp)
{
#define FP_SNMP_DERIVE(X, g, f, t, n) \
	snmp[FP_SNMP_##g##_##f] = snmp[FP_SNMP_##t##_##InType0 + (n)];
#define FP_SNMP_DERIVE_OUT(X, g, f, t, n) \
	snmp[FP_SNMP_##g##_##f] = snmp[FP_SNMP_##t##_##OutType0 + (n)];
	FP_SNMP_ICMP_IN(FP_SNMP_DERIVE, _)
	FP_SNMP_ICMP_OUT(FP_SNMP_DERIVE_OUT, _)
	FP_SNMP_ICMP6_IN(FP_SNMP_DERIVE, _)
	FP_SNMP_ICMP6_OUT(FP_SNMP_DERIVE_OUT, _)
#undef FP_SNMP_DERIVE
#undef FP_SNMP_DERIVE_OUT
}
