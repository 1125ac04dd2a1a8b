/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fp_doc.h"
#include "unit.h"

static char *
to_json(const struct fp_doc *d, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*rc = fp_doc_write_json(d, f);
	fclose(f);
	return buf;
}

static void
test_json(void)
{
	struct fp_doc d;
	char *s;
	int rc;

	fp_doc_init(&d);
	fp_doc_u64(&d, "a", 1);
	fp_doc_dict_begin(&d, "0_1");
	fp_doc_u64(&d, "packets", 18446744073709551615ULL);
	fp_doc_str(&d, "backlog_len", "unsupported");
	fp_doc_dict_end(&d);
	fp_doc_dict_begin(&d, "empty");
	fp_doc_dict_end(&d);
	fp_doc_str(&d, "q", "say \"hi\"\\\n");
	s = to_json(&d, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(s,
		"{\"a\":1,\"0_1\":{\"packets\":18446744073709551615,"
		"\"backlog_len\":\"unsupported\"},\"empty\":{},"
		"\"q\":\"say \\\"hi\\\"\\\\\\u000a\"}");
	free(s);
	fp_doc_free(&d);
}

static void
test_keys(void)
{
	struct fp_doc d;
	char *s;
	int rc;

	CU_ASSERT_TRUE(fp_doc_key_valid("Ip/InReceives_2"));
	CU_ASSERT_FALSE(fp_doc_key_valid(""));
	CU_ASSERT_FALSE(fp_doc_key_valid("bad-key"));
	CU_ASSERT_FALSE(fp_doc_key_valid("a.b"));
	CU_ASSERT_FALSE(fp_doc_key_valid(
		"k123456789012345678901234567890123456789012345678901234567890123"));
	fp_doc_init(&d);
	fp_doc_u64(&d, "bad-key", 1);
	fp_doc_u64(&d, "good", 1);           /* no-op after an error */
	CU_ASSERT_EQUAL(d.err, -EINVAL);
	s = to_json(&d, &rc);
	CU_ASSERT_EQUAL(rc, -EINVAL);
	free(s);
	fp_doc_free(&d);
}

static void
test_limits(void)
{
	struct fp_doc d;
	char key[16], big[200];
	unsigned int i;

	fp_doc_init(&d);
	for (i = 0; i < FP_DOC_DICT_MAX; i++) {
		snprintf(key, sizeof(key), "k%u", i);
		fp_doc_u64(&d, key, i);
	}
	CU_ASSERT_EQUAL(d.err, 0);
	fp_doc_u64(&d, "one_more", 0);
	CU_ASSERT_EQUAL(d.err, -ENOSPC);
	fp_doc_free(&d);

	fp_doc_init(&d);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fp_doc_str(&d, "s", big);
	CU_ASSERT_EQUAL(d.err, -E2BIG);
	fp_doc_free(&d);

	/* one level of nesting only; end without begin */
	fp_doc_init(&d);
	fp_doc_dict_begin(&d, "a");
	fp_doc_dict_begin(&d, "b");
	CU_ASSERT_EQUAL(d.err, -EINVAL);
	fp_doc_free(&d);
	fp_doc_init(&d);
	fp_doc_dict_end(&d);
	CU_ASSERT_EQUAL(d.err, -EINVAL);
	fp_doc_free(&d);
}

static void
test_read_back(void)
{
	struct fp_doc d;
	const struct fp_doc_entry *e;
	unsigned int pos = 0;

	fp_doc_init(&d);
	fp_doc_u64(&d, "x", 5);
	fp_doc_dict_begin(&d, "1");
	fp_doc_u64(&d, "processed", 10);
	fp_doc_dict_end(&d);
	fp_doc_dict_begin(&d, "2");
	fp_doc_u64(&d, "processed", 20);
	fp_doc_str(&d, "s", "v");
	fp_doc_dict_end(&d);
	e = fp_doc_next_dict(&d, &pos);
	CU_ASSERT_STRING_EQUAL(e->key, "1");
	CU_ASSERT_EQUAL(fp_doc_get_u64(&d, e, "processed", 0), 10);
	CU_ASSERT_PTR_NULL(fp_doc_get(&d, e, "s"));    /* not in dict "1" */
	e = fp_doc_next_dict(&d, &pos);
	CU_ASSERT_STRING_EQUAL(e->key, "2");
	CU_ASSERT_EQUAL(fp_doc_get_u64(&d, e, "processed", 0), 20);
	CU_ASSERT_EQUAL(fp_doc_get_u64(&d, e, "s", 7), 7);  /* not a u64 */
	CU_ASSERT_PTR_NULL(fp_doc_next_dict(&d, &pos));
	CU_ASSERT_EQUAL(fp_doc_get_u64(&d, NULL, "x", 0), 5);
	CU_ASSERT_PTR_NULL(fp_doc_get(&d, NULL, "processed"));
	fp_doc_free(&d);
}

/* The length kept while building is the length written, at every step;
 * rewinding to a mark gives back the document as it was there. */
static void
test_len_and_rewind(void)
{
	struct fp_doc d;
	struct fp_doc_mark m;
	char *s, *before;
	size_t len_open;
	int rc;

	fp_doc_init(&d);
	CU_ASSERT_EQUAL(fp_doc_json_len(&d), 2);             /* {} */
	fp_doc_u64(&d, "a", 0);
	fp_doc_u64(&d, "big", 18446744073709551615ULL);
	fp_doc_str(&d, "esc", "q\"\\\x01");
	fp_doc_dict_begin(&d, "0_1");
	len_open = fp_doc_json_len(&d);         /* an open dict counts closed */
	fp_doc_dict_end(&d);
	s = to_json(&d, &rc);
	CU_ASSERT_EQUAL(fp_doc_json_len(&d), strlen(s));
	CU_ASSERT_EQUAL(len_open, strlen(s));
	before = s;
	fp_doc_mark(&d, &m);
	fp_doc_dict_begin(&d, "1_1");
	fp_doc_u64(&d, "packets", 12345);
	fp_doc_str(&d, "s", "");
	fp_doc_dict_end(&d);
	s = to_json(&d, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(fp_doc_json_len(&d), strlen(s));
	free(s);
	fp_doc_rewind(&d, &m);
	s = to_json(&d, &rc);
	CU_ASSERT_STRING_EQUAL(s, before);
	CU_ASSERT_EQUAL(fp_doc_json_len(&d), strlen(s));
	free(s);
	/* entries after a rewind are counted from there */
	fp_doc_u64(&d, "z", 7);
	s = to_json(&d, &rc);
	CU_ASSERT_EQUAL(fp_doc_json_len(&d), strlen(s));
	free(s);
	free(before);
	fp_doc_free(&d);
}

int
unit_register_doc(void)
{
	static const struct unit_case cases[] = {
		{ "json", test_json },
		{ "keys", test_keys },
		{ "limits", test_limits },
		{ "read back", test_read_back },
		{ "length and rewind", test_len_and_rewind },
		{ NULL, NULL },
	};

	return unit_suite("doc", cases);
}
