/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_DOC_H
#define FP_DOC_H

/*
 * A report document: a dict of u64, string or dict values, nested one level
 * (the shape DPDK 22.11 telemetry can carry). Each /fastpath/ command builds
 * one; the app converts it to rte_tel_data for the telemetry socket and
 * writes the same document as JSON for --stats-json, so both outputs come
 * from one piece of code.
 *
 * Keys are [A-Za-z0-9_/] of at most FP_DOC_KEY_MAX-1 characters (telemetry
 * silently drops other keys, so we refuse them); strings at most
 * FP_DOC_STR_MAX-1 characters (RTE_TEL_MAX_STRING_LEN).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FP_DOC_KEY_MAX 64
#define FP_DOC_STR_MAX 128
#define FP_DOC_DICT_MAX 256      /* RTE_TEL_MAX_DICT_ENTRIES */

enum fp_doc_type {
	FP_DOC_U64,
	FP_DOC_STR,
	FP_DOC_DICT,     /* opens a nested dict; entries follow ... */
	FP_DOC_END,      /* ... until this */
};

struct fp_doc_entry {
	enum fp_doc_type type;
	char key[FP_DOC_KEY_MAX];
	uint64_t u64;
	char str[FP_DOC_STR_MAX];
};

struct fp_doc {
	struct fp_doc_entry *e;
	unsigned int n;
	unsigned int cap;
	int depth;
	unsigned int count[2];   /* entries in the root / open dict */
	int err;                 /* first error (sticky): -EINVAL, -ENOMEM ... */
	size_t len;              /* JSON bytes of the entries so far */
};

/* A point in a document to come back to (paging: undo the last item). */
struct fp_doc_mark {
	unsigned int n;
	unsigned int count[2];
	int depth;
	size_t len;
};

void fp_doc_init(struct fp_doc *d);
void fp_doc_free(struct fp_doc *d);

/* Add to the open dict. Errors are sticky in d->err and make later adds no-ops. */
void fp_doc_u64(struct fp_doc *d, const char *key, uint64_t v);
void fp_doc_str(struct fp_doc *d, const char *key, const char *s);
void fp_doc_dict_begin(struct fp_doc *d, const char *key);
void fp_doc_dict_end(struct fp_doc *d);

/* 1 when key is [A-Za-z0-9_/]{1,63}. */
int fp_doc_key_valid(const char *key);

/* Bytes fp_doc_write_json() would write now (open dicts closed). */
size_t fp_doc_json_len(const struct fp_doc *d);

/* Remember the end of the document; rewind to it (drops what came after). */
void fp_doc_mark(const struct fp_doc *d, struct fp_doc_mark *m);
void fp_doc_rewind(struct fp_doc *d, const struct fp_doc_mark *m);

/* The document as compact JSON. 0 or a negative errno (d->err, -EIO). */
int fp_doc_write_json(const struct fp_doc *d, FILE *f);



/*
 * Reading back (for summaries and tests). fp_doc_next_dict() walks the root
 * dicts: start with *pos = 0; returns the entry of the next dict or NULL.
 * fp_doc_get() finds key inside the dict entry `dict` (NULL: the root).
 */
const struct fp_doc_entry *fp_doc_next_dict(const struct fp_doc *d,
		unsigned int *pos);
const struct fp_doc_entry *fp_doc_get(const struct fp_doc *d,
		const struct fp_doc_entry *dict, const char *key);
/* The u64 at key in dict, or dflt when absent or not a u64. */
uint64_t fp_doc_get_u64(const struct fp_doc *d,
		const struct fp_doc_entry *dict, const char *key, uint64_t dflt);

#endif /* FP_DOC_H */
