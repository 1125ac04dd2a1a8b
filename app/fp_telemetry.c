/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_pause.h>
#include <rte_telemetry.h>

#include "fp_app.h"
#include "fp_report.h"
#include "fp_telemetry.h"

#define PREFIX "/fastpath/"
/* DPDK 22.11 telemetry writes at most 16 KiB per reply and silently drops
 * what does not fit; we refuse a reply that would not fit instead. */
#define TEL_MAX_REPLY (16 * 1024 - 128)

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

/*
 * Start-up and shutdown against concurrent queries. The commands answer
 * only between fp_telemetry_open() (the state they read is complete) and
 * fp_telemetry_close(); outside, they reply null. A callback counts itself
 * in before it looks at the app's state and checks that the state is
 * there; the closer marks it gone, then waits for the callbacks already
 * in. Both sides use sequentially consistent operations, so either the
 * callback sees the mark or the closer sees the callback.
 */
static unsigned int users;
static int closed = 1;

void
fp_telemetry_open(void)
{
	__atomic_store_n(&closed, 0, __ATOMIC_SEQ_CST);
}

static int
enter(void)
{
	__atomic_add_fetch(&users, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&closed, __ATOMIC_SEQ_CST)) {
		__atomic_sub_fetch(&users, 1, __ATOMIC_RELEASE);
		return -EAGAIN;
	}
	return 0;
}

static void
leave(void)
{
	__atomic_sub_fetch(&users, 1, __ATOMIC_RELEASE);
}

void
fp_telemetry_close(void)
{
	__atomic_store_n(&closed, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&users, __ATOMIC_ACQUIRE) != 0)
		rte_pause();
}

static int
build(const char *cmd, const char *params, struct rte_tel_data *t)
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
	/* list commands page to the limit; the others cannot outgrow it
	 * in practice, and are refused rather than cut if they do */
	rc = c->build(&d, params, TEL_MAX_REPLY - strlen(cmd));
	if (rc == 0 && (size = fp_doc_json_len(&d)) > TEL_MAX_REPLY - strlen(cmd)) {
		char msg[128];

		snprintf(msg, sizeof(msg),
			"reply of %zu bytes exceeds the telemetry limit", size);
		rte_tel_data_string(t, msg);
	} else if (rc == 0) {
		rc = doc_to_tel(&d, t);
	}
	fp_doc_free(&d);
	return rc;
}

static int
handle(const char *cmd, const char *params, struct rte_tel_data *t)
{
	int rc = enter();

	if (rc != 0)
		return rc;
	rc = build(cmd, params, t);
	leave();
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
