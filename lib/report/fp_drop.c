/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>

#include "fp_drop.h"

static const struct {
	const char *name;
	const char *desc;
	int resource;
} reasons[FP_DROP_MAX] = {
#define FP_DROP_ROW(n, res, d) [FP_DROP_##n] = { #n, d, res },
	FP_DROP_REASONS(FP_DROP_ROW)
#undef FP_DROP_ROW
};

const char *
fp_drop_name(unsigned int reason)
{
	return reason < FP_DROP_MAX ? reasons[reason].name : NULL;
}

const char *
fp_drop_desc(unsigned int reason)
{
	return reason < FP_DROP_MAX ? reasons[reason].desc : NULL;
}

int
fp_drop_is_resource(unsigned int reason)
{
	return reason < FP_DROP_MAX ? reasons[reason].resource : 0;
}
