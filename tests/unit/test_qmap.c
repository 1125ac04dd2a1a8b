/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "fp_qmap.h"
#include "unit.h"

static struct fp_qmap m;
static char err[256];

/* Two ports (0: 4 queues, 1: 2 queues); lcores 0 (main), 1, 2. */
static void
env2(struct fp_qmap_env *env, bool main_polls)
{
	memset(env, 0, sizeof(*env));
	env->nb_ports = 2;
	env->ports[0] = 0;
	env->ports[1] = 1;
	env->max_rxq[0] = 4;
	env->max_rxq[1] = 2;
	env->lcore_enabled[0] = env->lcore_enabled[1] = true;
	env->lcore_enabled[2] = true;
	env->main_lcore = 0;
	env->main_polls = main_polls;
}

static void
test_parse(void)
{
	CU_ASSERT_EQUAL(fp_qmap_parse("(0,0,1),(0,1,2)", &m, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(m.n, 2);
	CU_ASSERT_EQUAL(m.e[1].port, 0);
	CU_ASSERT_EQUAL(m.e[1].queue, 1);
	CU_ASSERT_EQUAL(m.e[1].lcore, 2);
	CU_ASSERT_EQUAL(fp_qmap_parse(" ( 1 , 3 , 7 ) , (0,0,1) ", &m, err,
		sizeof(err)), 0);
	CU_ASSERT_EQUAL(m.n, 2);
	CU_ASSERT_EQUAL(m.e[0].port, 1);
	CU_ASSERT_EQUAL(m.e[0].queue, 3);
	CU_ASSERT_EQUAL(m.e[0].lcore, 7);
}

static void
test_parse_bad(void)
{
	static const char *const bad[] = { "", "(", "()", "(0,0)", "(0,0,1",
		"(0,0,1,2)", "(a,0,1)", "(0,-1,1)", "(0,0,1)x", "(0,0,1),",
		"(32,0,1)", "(0,1024,1)", "(0,0,128)", "0,0,1",
		"(0,0,1)(0,1,1)" };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(fp_qmap_parse(bad[i], &m, err, sizeof(err)),
			-EINVAL);
		CU_ASSERT_TRUE(strlen(err) > 0);
	}
}

static void
test_validate_ok(void)
{
	struct fp_qmap_env env;
	uint16_t nb[FP_MAX_PORTS];

	env2(&env, false);
	CU_ASSERT_EQUAL(fp_qmap_parse("(0,0,1),(0,1,2),(1,0,2)", &m, err,
		sizeof(err)), 0);
	CU_ASSERT_EQUAL(fp_qmap_validate(&m, &env, nb, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(nb[0], 2);
	CU_ASSERT_EQUAL(nb[1], 1);
}

static void
expect_invalid(const char *map, bool main_polls, const char *needle)
{
	struct fp_qmap_env env;
	uint16_t nb[FP_MAX_PORTS];

	env2(&env, main_polls);
	CU_ASSERT_EQUAL_FATAL(fp_qmap_parse(map, &m, err, sizeof(err)), 0);
	err[0] = '\0';
	CU_ASSERT_EQUAL(fp_qmap_validate(&m, &env, nb, err, sizeof(err)),
		-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
}

static void
test_validate_bad(void)
{
	expect_invalid("(9,0,1),(0,0,1),(1,0,1)", false, "port 9 is not in use");
	expect_invalid("(0,0,5),(1,0,1)", false, "lcore 5 is not enabled");
	expect_invalid("(0,0,0),(1,0,1)", false, "--main-polls");
	expect_invalid("(0,4,1),(1,0,1)", false, "has 4 rx queue(s)");
	expect_invalid("(0,0,1),(0,0,2),(1,0,1)", false, "mapped twice");
	expect_invalid("(0,0,1)", false, "port 1 has no queue");
	expect_invalid("(0,0,1),(0,2,1),(1,0,1)", false,
		"port 0 queue 1 is not mapped");
}

static void
test_main_polls(void)
{
	struct fp_qmap_env env;
	uint16_t nb[FP_MAX_PORTS];

	env2(&env, true);
	CU_ASSERT_EQUAL(fp_qmap_parse("(0,0,0),(1,0,1)", &m, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fp_qmap_validate(&m, &env, nb, err, sizeof(err)), 0);
}

static void
test_auto(void)
{
	struct fp_qmap_env env;
	uint16_t nb[FP_MAX_PORTS];
	uint16_t lcores[FP_MAX_LCORES];

	env2(&env, false);
	CU_ASSERT_EQUAL(fp_qmap_polling_lcores(&env, lcores, FP_MAX_LCORES), 2);
	/* auto: one queue per polling lcore (2), round-robin 1,2,1,2 */
	CU_ASSERT_EQUAL(fp_qmap_auto(&env, 0, &m, nb, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(nb[0], 2);
	CU_ASSERT_EQUAL(nb[1], 2);
	CU_ASSERT_EQUAL(m.n, 4);
	CU_ASSERT_EQUAL(m.e[0].lcore, 1);
	CU_ASSERT_EQUAL(m.e[1].lcore, 2);
	CU_ASSERT_EQUAL(m.e[2].lcore, 1);
	CU_ASSERT_EQUAL(m.e[2].port, 1);
	CU_ASSERT_EQUAL(m.e[3].lcore, 2);
	/* the automatic map passes validation */
	CU_ASSERT_EQUAL(fp_qmap_validate(&m, &env, nb, err, sizeof(err)), 0);

	/* explicit --rxq 4: port 1 has only 2 */
	CU_ASSERT_EQUAL(fp_qmap_auto(&env, 4, &m, nb, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "port 1 has 2 rx queue(s)"));

	/* auto caps at the device: port 1 has 1 queue */
	env.max_rxq[1] = 1;
	CU_ASSERT_EQUAL(fp_qmap_auto(&env, 0, &m, nb, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(nb[1], 1);
	CU_ASSERT_EQUAL(m.n, 3);

	/* main lcore polls too: three lcores */
	env2(&env, true);
	CU_ASSERT_EQUAL(fp_qmap_auto(&env, 3, &m, nb, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(fp_qmap_auto(&env, 2, &m, nb, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(m.e[0].lcore, 0);

	/* no lcore can poll */
	env2(&env, false);
	env.lcore_enabled[1] = env.lcore_enabled[2] = false;
	CU_ASSERT_EQUAL(fp_qmap_auto(&env, 0, &m, nb, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no lcore to poll"));
}

static void
test_format(void)
{
	char buf[64];

	CU_ASSERT_EQUAL(fp_qmap_parse("(0,0,1), (1,2,3)", &m, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(fp_qmap_format(&m, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "(0,0,1),(1,2,3)");
	CU_ASSERT_EQUAL(fp_qmap_format(&m, buf, 8), -ENOSPC);
}

int
unit_register_qmap(void)
{
	static const struct unit_case cases[] = {
		{ "parse", test_parse },
		{ "parse errors", test_parse_bad },
		{ "validate", test_validate_ok },
		{ "validate errors", test_validate_bad },
		{ "main lcore polls", test_main_polls },
		{ "automatic map", test_auto },
		{ "format", test_format },
		{ NULL, NULL },
	};

	return unit_suite("qmap", cases);
}
