/* SPDX-License-Identifier: BSD-3-Clause */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fp_handlers.h"
#include "fp_plugin.h"
#include "fp_util.h"

/* The shared objects opened, by listener (NULL: not a plugin). */
static void *dso[FP_MAX_LISTENERS];

/* Keys /fastpath/udp gives every listener: no counter may take them. */
static const char *const reserved[] = { "local_address", "action", "handler",
	"datagrams", "bytes", "drops", "echoed", "name", NULL };

/* A handler's counter names: valid keys, unique, not reserved, at most
 * the maximum. */
static int
check_counters(const struct fp_handler *h, const char *path, char *err,
		size_t errlen)
{
	const char *const *n = h->counter_names;
	unsigned int i, j;

	for (i = 0; n != NULL && n[i] != NULL; i++) {
		const char *c = n[i];

		if (i == FP_HANDLER_MAX_COUNTERS)
			return fp_err(err, errlen,
				"--listen: %s: more than %d counters", path,
				FP_HANDLER_MAX_COUNTERS);
		for (j = 0; c[j] != '\0'; j++)
			if (!((c[j] >= 'a' && c[j] <= 'z') || (c[j] >= 'A' && c[j] <= 'Z') ||
					(c[j] >= '0' && c[j] <= '9') || c[j] == '_'))
				break;
		if (j == 0 || c[j] != '\0' || j > 48)
			return fp_err(err, errlen,
				"--listen: %s: counter name '%s' is not 1 to 48 of [A-Za-z0-9_]",
				path, c);
		for (j = 0; j < i; j++)
			if (strcmp(n[j], c) == 0)
				return fp_err(err, errlen,
					"--listen: %s: counter '%s' named twice", path, c);
		for (j = 0; reserved[j] != NULL; j++)
			if (strcmp(reserved[j], c) == 0)
				return fp_err(err, errlen,
					"--listen: %s: counter '%s' would hide fastpath's own key of that name",
					path, c);
	}
	return 0;
}

static int
load_one(struct fp_listener *l, const struct fp_plugin_spec *spec,
		char *err, size_t errlen)
{
	const struct fp_handler *h;
	fp_handler_fn get;
	char msg[256] = "";
	int rc;

	dso[l->id] = dlopen(spec->path, RTLD_NOW | RTLD_LOCAL);
	if (dso[l->id] == NULL)
		return fp_err(err, errlen, "--listen: plugin %s: cannot load it: %s",
				spec->path, dlerror());
	get = (fp_handler_fn)(uintptr_t)dlsym(dso[l->id], FP_HANDLER_SYMBOL);
	if (get == NULL)
		return fp_err(err, errlen,
			"--listen: plugin %s: not a handler: no function %s()",
			spec->path, FP_HANDLER_SYMBOL);
	h = get();
	if (h == NULL || h->name == NULL || h->burst == NULL)
		return fp_err(err, errlen,
			"--listen: plugin %s: %s() returned no handler (a name and a burst function are needed)",
			spec->path, FP_HANDLER_SYMBOL);
	if (h->abi_version != FP_HANDLER_ABI_VERSION)
		return fp_err(err, errlen,
			"--listen: plugin %s: built for handler ABI %u, fastpath has %u: rebuild it against this fastpath's <fastpath/handler.h>",
			spec->path, h->abi_version, FP_HANDLER_ABI_VERSION);
	if ((h->view_skip & ~(FP_VIEW_SKIP_ADDRS | FP_VIEW_SKIP_REPLY)) != 0)
		return fp_err(err, errlen,
			"--listen: plugin %s: view_skip 0x%x has bits this fastpath does not know",
			spec->path, h->view_skip);
	rc = check_counters(h, spec->path, err, errlen);
	if (rc != 0)
		return rc;
	if (h->init != NULL) {
		rc = h->init(spec->arg, &l->hconf, msg, sizeof(msg));
		if (rc != 0)
			return fp_err(err, errlen, "--listen: plugin %s (%s): %s",
				spec->path, h->name, msg[0] ? msg : "init failed");
	}
	l->handler = h;
	return 0;
}

int
fp_plugins_load(struct fp_listen_table *t, char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	for (i = 0; i < t->n; i++) {
		if (t->l[i].action != FP_ACT_PLUGIN)
			continue;
		rc = load_one(&t->l[i], &t->plugin[i], err, errlen);
		if (rc != 0)
			return -EINVAL;
	}
	return 0;
}

int
fp_plugins_lcore_init(const struct fp_listen_table *t, unsigned int lcore,
		void **hstate, char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct fp_listener *l = &t->l[i];

		if (l->handler == NULL || l->handler->lcore_init == NULL)
			continue;
		if (l->handler->lcore_init(l->hconf, lcore, &hstate[i]) != 0)
			return fp_err(err, errlen,
				"--listen: plugin %s (%s): its state for lcore %u failed",
				t->plugin[i].path, l->handler->name, lcore), -EINVAL;
	}
	return 0;
}

void
fp_plugins_tick(const struct fp_listen_table *t, void **hstate, uint64_t tsc)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct fp_listener *l = &t->l[i];

		if (l->handler != NULL && l->handler->tick != NULL)
			l->handler->tick(hstate[i], l->hconf, tsc);
	}
}

_Static_assert(FP_MAX_LISTENERS <= 64, "a bit per listener in a uint64_t");

uint64_t
fp_plugins_flushers(const struct fp_listen_table *t)
{
	uint64_t mask = 0;
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (t->l[i].handler != NULL && t->l[i].handler->flush != NULL)
			mask |= 1ull << i;
	return mask;
}

void
fp_plugins_flush(const struct fp_listen_table *t, void **hstate,
		uint64_t mask, bool drained, uint64_t tsc)
{
	while (mask != 0) {
		unsigned int i = (unsigned int)__builtin_ctzll(mask);
		const struct fp_listener *l = &t->l[i];

		mask &= mask - 1;
		l->handler->flush(hstate[i], l->hconf, drained, tsc);
	}
}

void
fp_plugins_lcore_fini(const struct fp_listen_table *t, void **hstate)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct fp_listener *l = &t->l[i];

		if (l->handler != NULL && l->handler->lcore_fini != NULL)
			l->handler->lcore_fini(hstate[i], l->hconf);
		if (l->handler != NULL)
			hstate[i] = NULL;
	}
}

void
fp_plugins_unload(struct fp_listen_table *t)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		struct fp_listener *l = &t->l[i];

		if (l->handler != NULL && l->handler->fini != NULL)
			l->handler->fini(l->hconf);
		l->handler = NULL;
		l->hconf = NULL;
		if (dso[i] != NULL)
			dlclose(dso[i]);
		dso[i] = NULL;
	}
}
