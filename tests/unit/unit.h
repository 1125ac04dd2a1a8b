/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef UNIT_H
#define UNIT_H

#include <CUnit/CUnit.h>

struct unit_case {
	const char *name;
	CU_TestFunc fn;
};

/* Add a suite with its cases; 0 or -1. */
int unit_suite(const char *name, const struct unit_case *cases);

int unit_register_opts(void);
int unit_register_qmap(void);
int unit_register_stats(void);
int unit_register_doc(void);
int unit_register_proc(void);
int unit_register_rx(void);
int unit_register_config(void);
int unit_register_mcast(void);
int unit_register_fragruns(void);

#endif /* UNIT_H */
