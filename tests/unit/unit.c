/* SPDX-License-Identifier: BSD-3-Clause */
#include "unit.h"

int
unit_suite(const char *name, const struct unit_case *cases)
{
	CU_pSuite s = CU_add_suite(name, NULL, NULL);

	if (s == NULL)
		return -1;
	for (; cases->name != NULL; cases++)
		if (CU_add_test(s, cases->name, cases->fn) == NULL)
			return -1;
	return 0;
}
