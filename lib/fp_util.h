/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_UTIL_H
#define FP_UTIL_H

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

#endif /* FP_UTIL_H */
