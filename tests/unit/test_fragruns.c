/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fragment runs (lib/rx/fp_fragruns.c) against inet_frag_queue_insert's
 * rules: what is a duplicate, what an overlap, what new data.
 */
#include <stdlib.h>
#include <string.h>

#include "fp_fragruns.h"
#include "unit.h"

static struct fp_fragruns t;
static void *mem;

static void
fresh(uint64_t ttl)
{
	uint32_t nb;
	uint64_t size = fp_fragruns_size(64, &nb);

	free(mem);
	mem = calloc(1, size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mem);
	fp_fragruns_init(&t, mem, nb, ttl);
}

static struct fp_frag_key
key(uint32_t id)
{
	struct fp_frag_key k;

	memset(&k, 0, sizeof(k));
	k.id = id;
	k.proto = 17;
	k.addr[0] = 10;
	return k;
}

static void
test_in_order(void)
{
	struct fp_frag_key k = key(1);

	fresh(1000);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 40, true, 1), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 40, 80, true, 2), FP_FRAG_OK);
	/* within the run [0, 80): the second fragment again, or a piece */
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 40, 80, true, 3), FP_FRAG_DUP);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 40, true, 3), FP_FRAG_DUP);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 16, 56, true, 3), FP_FRAG_DUP);
	/* past the tail but starting inside it: an overlap */
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 72, 120, true, 4), FP_FRAG_OVERLAP);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 80, 100, true, 5), FP_FRAG_OK);
	/* another datagram is not this one */
	k = key(2);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 40, 80, true, 6), FP_FRAG_OK);
}

static void
test_out_of_order(void)
{
	struct fp_frag_key k = key(3);

	fresh(1000);
	/* the last first, then the first: two runs, [80, 100) the tail */
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 80, 100, false, 1), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 40, true, 2), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 40, true, 3), FP_FRAG_DUP);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 80, 100, false, 3), FP_FRAG_DUP);
	/* the middle fills the gap: a run of its own, not merged */
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 40, 80, true, 4), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 40, 80, true, 5), FP_FRAG_DUP);
	/* across two runs: an overlap, though every byte was seen (the
	 * kernel's runs are what arrived in order); the kernel drops the
	 * datagram: no more verdicts */
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 32, 48, true, 5), FP_FRAG_OVERLAP);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 40, 80, true, 6), FP_FRAG_OK);
}

static void
test_forget_and_expire(void)
{
	struct fp_frag_key k = key(4);

	fresh(100);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 40, true, 10), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 40, true, 20), FP_FRAG_DUP);
	fp_fragruns_forget(&t, &k);                 /* completed */
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 40, true, 30), FP_FRAG_OK);
	/* past the reassembly timeout from its first fragment: new */
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 40, true, 131), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 40, true, 140), FP_FRAG_DUP);
}

static void
test_many_runs(void)
{
	struct fp_frag_key k = key(5);
	unsigned int i;

	fresh(1000);
	/* every other 8 bytes, from the end back: runs of their own; past
	 * FP_FRAGRUNS_RUNS the datagram is no longer judged */
	for (i = 0; i < FP_FRAGRUNS_RUNS; i++)
		CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 800 - 16 * i, 808 - 16 * i, true, 1),
			FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 800, 808, true, 2), FP_FRAG_DUP);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 8, 16, true, 3), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 800, 808, true, 4), FP_FRAG_OK);
	free(mem);
	mem = NULL;
}

/* ip_frag_queue's checks before the insert: where the kernel discards
 * the datagram, nothing is a duplicate any more */
static void
test_kernel_discards(void)
{
	struct fp_frag_key k = key(6);
	unsigned int i;

	fresh(1000);
	/* a last fragment ending inside data already seen */
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 24, true, 1), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 8, 16, false, 2), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 24, true, 3), FP_FRAG_OK);
	/* two different ends */
	k = key(7);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 16, 32, false, 1), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 16, 24, false, 2), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 16, 32, false, 3), FP_FRAG_OK);
	/* data past the last fragment */
	k = key(8);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 16, 32, false, 1), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 32, 40, true, 2), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 16, 32, false, 3), FP_FRAG_OK);
	/* an empty fragment; IPv4 rounds 13 bytes down to 8 first */
	k = key(9);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 13, true, 1), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 8, true, 2), FP_FRAG_DUP);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 8, 13, true, 3), FP_FRAG_OK);
	CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 8, true, 4), FP_FRAG_OK);
	/* ip_frag_too_far: 65 fragments of other datagrams from the source
	 * since this one's last: restarted by the kernel, not judged */
	for (i = 0; i < 2; i++) {
		struct fp_frag_key other;
		unsigned int n;

		k = key(100 + i);
		CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 8, true, 1), FP_FRAG_OK);
		for (n = 0; n < (i == 0 ? 63u : 64u); n++) {
			other = key(200 + n);
			fp_fragruns_add(&t, &other, 0, 8, true, 1);
		}
		CU_ASSERT_EQUAL(fp_fragruns_add(&t, &k, 0, 8, true, 2),
			i == 0 ? FP_FRAG_DUP : FP_FRAG_OK);
	}
}

int
unit_register_fragruns(void)
{
	static const struct unit_case cases[] = {
		{ "in order: duplicates and overlaps", test_in_order },
		{ "out of order: runs apart", test_out_of_order },
		{ "forgotten, expired", test_forget_and_expire },
		{ "too many runs: not judged", test_many_runs },
		{ "what the kernel discards is not judged", test_kernel_discards },
		{ NULL, NULL },
	};

	return unit_suite("fragruns", cases);
}
