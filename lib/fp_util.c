/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fp_util.h"

int
fp_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int
fp_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int
fp_list_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && s[0] != ',' && s[n - 1] != ',' &&
		strstr(s, ",,") == NULL;
}

/* A whole number, decimal or 0x-prefixed hexadecimal (masks). */
static int
parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (strncmp(s, "0x", 2) != 0 && strncmp(s, "0X", 2) != 0)
		return fp_parse_u64(s, min, max, out);
	if (!isxdigit((unsigned char)s[2]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s + 2, &end, 16);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int
fp_onoff_kv_parse(const char *opt, const char *s, bool *off, void *base,
		const struct fp_kv_key *keys, unsigned int nkeys,
		const char *keylist, fp_kv_other_fn other, char *err,
		size_t errlen)
{
	char buf[256], *tok, *save = NULL;
	bool first = true;

	if (strlen(s) >= sizeof(buf))
		return fp_err(err, errlen, "%s: value too long", opt);
	if (!fp_list_ok(s))
		return fp_err(err, errlen,
			"%s: '%s' has an empty item; expected on or off, then ,KEY=VALUE settings",
			opt, s);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
			tok = strtok_r(NULL, ",", &save), first = false) {
		char *eq = strchr(tok, '=');
		unsigned int i;
		uint64_t v;
		int rc;

		if (first) {
			if (strcmp(tok, "on") != 0 && strcmp(tok, "off") != 0)
				break;
			*off = strcmp(tok, "off") == 0;
			continue;
		}
		if (eq == NULL)
			return fp_err(err, errlen,
				"%s: '%s' is not KEY=VALUE; keys: %s", opt, tok,
				keylist);
		*eq = '\0';
		for (i = 0; i < nkeys; i++)
			if (strcmp(tok, keys[i].key) == 0)
				break;
		if (i == nkeys) {
			rc = other != NULL ? other(base, tok, eq + 1, err, errlen) : 1;
			if (rc == 1)
				return fp_err(err, errlen,
					"%s: unknown key '%s'; keys: %s", opt, tok,
					keylist);
			if (rc != 0)
				return rc;
			continue;
		}
		if ((keys[i].hex ? parse_num(eq + 1, keys[i].min, keys[i].max, &v) :
				fp_parse_u64(eq + 1, keys[i].min, keys[i].max, &v)) != 0)
			return fp_err(err, errlen,
				"%s: %s=%s: expected a whole number %llu..%llu%s",
				opt, tok, eq + 1, (unsigned long long)keys[i].min,
				(unsigned long long)keys[i].max,
				keys[i].hex ? " (0x for hex)" : "");
		*(uint32_t *)(void *)((char *)base + keys[i].off) = (uint32_t)v;
	}
	if (first || tok != NULL)
		return fp_err(err, errlen,
			"%s: invalid value '%s'; expected on or off, then ,KEY=VALUE settings",
			opt, s);
	return 0;
}
