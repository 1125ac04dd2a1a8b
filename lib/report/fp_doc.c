/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fp_doc.h"

void
fp_doc_init(struct fp_doc *d)
{
	memset(d, 0, sizeof(*d));
}

void
fp_doc_free(struct fp_doc *d)
{
	free(d->e);
	memset(d, 0, sizeof(*d));
}

int
fp_doc_key_valid(const char *key)
{
	size_t i;

	for (i = 0; key[i] != '\0'; i++) {
		char c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				(c >= '0' && c <= '9') || c == '_' || c == '/'))
			return 0;
	}
	return i > 0 && i < FP_DOC_KEY_MAX;
}

/* Length of s as a JSON string, quotes included (see json_string). */
static size_t
json_string_len(const char *s)
{
	size_t n = 2;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		n += (c == '"' || c == '\\') ? 2 : c < 0x20 ? 6 : 1;
	}
	return n;
}

/* Add an entry whose value takes vlen JSON bytes. */
static struct fp_doc_entry *
add(struct fp_doc *d, enum fp_doc_type type, const char *key, size_t vlen)
{
	struct fp_doc_entry *e;

	if (d->err != 0)
		return NULL;
	if (type != FP_DOC_END) {
		if (!fp_doc_key_valid(key)) {
			d->err = -EINVAL;
			return NULL;
		}
		if (d->count[d->depth] == FP_DOC_DICT_MAX) {
			d->err = -ENOSPC;
			return NULL;
		}
		/* [,]"key":value */
		d->len += (d->count[d->depth] != 0) + json_string_len(key) + 1 +
			vlen;
		d->count[d->depth]++;
	} else {
		d->len += 1;
	}
	if (d->n == d->cap) {
		unsigned int cap = d->cap ? d->cap * 2 : 64;
		struct fp_doc_entry *ne = realloc(d->e, cap * sizeof(*ne));

		if (ne == NULL) {
			d->err = -ENOMEM;
			return NULL;
		}
		d->e = ne;
		d->cap = cap;
	}
	e = &d->e[d->n++];
	e->type = type;
	e->key[0] = '\0';
	if (key != NULL)
		strcpy(e->key, key);
	return e;
}

void
fp_doc_u64(struct fp_doc *d, const char *key, uint64_t v)
{
	char digits[24];
	struct fp_doc_entry *e = add(d, FP_DOC_U64, key,
			(size_t)snprintf(digits, sizeof(digits), "%llu",
				(unsigned long long)v));

	if (e != NULL)
		e->u64 = v;
}

void
fp_doc_str(struct fp_doc *d, const char *key, const char *s)
{
	struct fp_doc_entry *e;

	if (strlen(s) >= FP_DOC_STR_MAX) {
		if (d->err == 0)
			d->err = -E2BIG;
		return;
	}
	e = add(d, FP_DOC_STR, key, json_string_len(s));
	if (e != NULL)
		strcpy(e->str, s);
}

void
fp_doc_dict_begin(struct fp_doc *d, const char *key)
{
	if (d->err == 0 && d->depth != 0) {
		d->err = -EINVAL;     /* one level of nesting only */
		return;
	}
	if (add(d, FP_DOC_DICT, key, 1) != NULL) {
		d->depth = 1;
		d->count[1] = 0;
	}
}

void
fp_doc_dict_end(struct fp_doc *d)
{
	if (d->err == 0 && d->depth != 1) {
		d->err = -EINVAL;
		return;
	}
	if (add(d, FP_DOC_END, NULL, 0) != NULL)
		d->depth = 0;
}

size_t
fp_doc_json_len(const struct fp_doc *d)
{
	return d->len + 2 + (d->depth != 0);
}

void
fp_doc_mark(const struct fp_doc *d, struct fp_doc_mark *m)
{
	m->n = d->n;
	m->count[0] = d->count[0];
	m->count[1] = d->count[1];
	m->depth = d->depth;
	m->len = d->len;
}

void
fp_doc_rewind(struct fp_doc *d, const struct fp_doc_mark *m)
{
	d->n = m->n;
	d->count[0] = m->count[0];
	d->count[1] = m->count[1];
	d->depth = m->depth;
	d->len = m->len;
}

static void
json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int
fp_doc_write_json(const struct fp_doc *d, FILE *f)
{
	unsigned int i;
	int first = 1;

	if (d->err != 0)
		return d->err;
	if (d->depth != 0)
		return -EINVAL;
	fputc('{', f);
	for (i = 0; i < d->n; i++) {
		const struct fp_doc_entry *e = &d->e[i];

		if (e->type == FP_DOC_END) {
			fputc('}', f);
			first = 0;
			continue;
		}
		if (!first)
			fputc(',', f);
		first = 0;
		json_string(f, e->key);
		fputc(':', f);
		switch (e->type) {
		case FP_DOC_U64:
			fprintf(f, "%llu", (unsigned long long)e->u64);
			break;
		case FP_DOC_STR:
			json_string(f, e->str);
			break;
		case FP_DOC_DICT:
			fputc('{', f);
			first = 1;
			break;
		default:
			break;
		}
	}
	fputc('}', f);
	return ferror(f) ? -EIO : 0;
}

const struct fp_doc_entry *
fp_doc_next_dict(const struct fp_doc *d, unsigned int *pos)
{
	unsigned int i, j;

	/* *pos is always at the root level: just after an entry or a dict */
	for (i = *pos; i < d->n; i++) {
		if (d->e[i].type != FP_DOC_DICT)
			continue;
		for (j = i + 1; j < d->n && d->e[j].type != FP_DOC_END; j++)
			;
		*pos = j + 1;
		return &d->e[i];
	}
	*pos = d->n;
	return NULL;
}

const struct fp_doc_entry *
fp_doc_get(const struct fp_doc *d, const struct fp_doc_entry *dict,
		const char *key)
{
	unsigned int i = dict ? (unsigned int)(dict - d->e) + 1 : 0;
	int depth = 0;

	for (; i < d->n; i++) {
		const struct fp_doc_entry *e = &d->e[i];

		if (e->type == FP_DOC_END) {
			if (depth == 0)
				return NULL;     /* end of the dict searched */
			depth--;
			continue;
		}
		if (depth == 0 && strcmp(e->key, key) == 0)
			return e;
		if (e->type == FP_DOC_DICT)
			depth++;
	}
	return NULL;
}

uint64_t
fp_doc_get_u64(const struct fp_doc *d, const struct fp_doc_entry *dict,
		const char *key, uint64_t dflt)
{
	const struct fp_doc_entry *e = fp_doc_get(d, dict, key);

	return e != NULL && e->type == FP_DOC_U64 ? e->u64 : dflt;
}
