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
