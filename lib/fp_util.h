/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_UTIL_H
#define FP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Format a message into err (may be NULL) and return -EINVAL. */
int fp_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Parse a whole decimal unsigned number in [min, max]. Rejects signs,
 * blanks, empty strings and trailing characters. 0 or -EINVAL.
 */
int fp_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * 1 when the comma-separated list s has no empty item: not empty, no
 * leading or trailing comma, no ",,". strtok_r, which the list parsers
 * use, would skip empty items silently: "1,,2" must be an error instead.
 */
int fp_list_ok(const char *s);

/*
 * An option of the form "on|off[,KEY=VALUE...]" (--icmp-errors, --igmp,
 * --mld). Each key of keys[] sets the uint32_t at offset off in base to a
 * whole number in [min, max]; a key not there goes to other (may be NULL),
 * which returns 0, -EINVAL with err, or 1 for "not mine either". opt names
 * the option in the messages, keylist lists the keys for them. A key
 * marked hex takes a 0x-prefixed hexadecimal number too. 0 or
 * -EINVAL with err; *off set from the first item.
 */
struct fp_kv_key {
	const char *key;
	size_t off;
	uint64_t min, max;
	bool hex;            /* a mask: 0x-prefixed hexadecimal too */
};
typedef int (*fp_kv_other_fn)(void *base, const char *key, const char *value,
		char *err, size_t errlen);
int fp_onoff_kv_parse(const char *opt, const char *s, bool *off, void *base,
		const struct fp_kv_key *keys, unsigned int nkeys,
		const char *keylist, fp_kv_other_fn other, char *err,
		size_t errlen);

#endif /* FP_UTIL_H */
