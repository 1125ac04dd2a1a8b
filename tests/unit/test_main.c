/* SPDX-License-Identifier: BSD-3-Clause */
/* CUnit runner for the lib/ unit tests (no EAL). */
#include <stdlib.h>

#include <CUnit/Basic.h>

#include "unit.h"

int
main(void)
{
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	if (unit_register_opts() || unit_register_qmap() ||
			unit_register_stats() || unit_register_doc() ||
			unit_register_proc() || unit_register_rx() ||
			unit_register_config() || unit_register_mcast() ||
			unit_register_fragruns()) {
		CU_cleanup_registry();
		return EXIT_FAILURE;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
