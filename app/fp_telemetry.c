/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "fp_app.h"
#include "fp_report.h"
#include "fp_telemetry.h"

#define PREFIX "/fastpath/"
/* DPDK 22.11 telemetry writes at most 16 KiB per reply and silently drops
 * what does not fit; we refuse a reply that would not fit instead. */
#define TEL_MAX_REPLY (16 * 1024 - 128)

static size_t
json_size(const struct fp_doc *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return SIZE_MAX;
	fp_doc_write_json(d, f);
	fclose(f);
	free(buf);
	return len;
}

/* One level of nesting: dict entries of the root become containers. */
static int
doc_to_tel(const struct fp_doc *d, struct rte_tel_data *t)
{
	struct rte_tel_data *cur = t, *child = NULL;
	const char *child_key = NULL;
	unsigned int i;

	rte_tel_data_start_dict(t);
	for (i = 0; i < d->n; i++) {
		const struct fp_doc_entry *e = &d->e[i];

		switch (e->type) {
		case FP_DOC_U64:
			rte_tel_data_add_dict_u64(cur, e->key, e->u64);
			break;
		case FP_DOC_STR:
			rte_tel_data_add_dict_string(cur, e->key, e->str);
			break;
		case FP_DOC_DICT:
			child = rte_tel_data_alloc();
			if (child == NULL)
				return -ENOMEM;
			rte_tel_data_start_dict(child);
			child_key = e->key;
			cur = child;
			break;
		case FP_DOC_END:
			/* keep = 0: telemetry frees the child after output */
			if (rte_tel_data_add_dict_container(t, child_key, child,
					0) != 0) {
				rte_tel_data_free(child);
				return -ENOSPC;
			}
			child = NULL;
			cur = t;
			break;
		}
	}
	return 0;
}

static int
handle(const char *cmd, const char *params, struct rte_tel_data *t)
{
	const struct fp_report_cmd *c;
	struct fp_doc d;
	size_t size;
	int rc;

	for (c = fp_report_cmds; c->name != NULL; c++)
		if (strcmp(cmd + strlen(PREFIX), c->name) == 0)
			break;
	if (c->name == NULL)
		return -EINVAL;
	fp_doc_init(&d);
	rc = c->build(&d, params);
	if (rc == 0 && (size = json_size(&d)) > TEL_MAX_REPLY) {
		char msg[128];

		snprintf(msg, sizeof(msg),
			"reply of %zu bytes exceeds the telemetry limit; ask for a part: %s,<id>",
			size, cmd);
		rte_tel_data_string(t, msg);
	} else if (rc == 0) {
		rc = doc_to_tel(&d, t);
	}
	fp_doc_free(&d);
	return rc;
}

int
fp_telemetry_register(void)
{
	const struct fp_report_cmd *c;

	for (c = fp_report_cmds; c->name != NULL; c++) {
		char name[64];
		int rc;

		snprintf(name, sizeof(name), PREFIX "%s", c->name);
		rc = rte_telemetry_register_cmd(name, handle, c->help);
		if (rc != 0) {
			FP_LOG(ERR, "telemetry: cannot register %s: %s", name,
				strerror(-rc));
			return rc;
		}
	}
	return 0;
}
