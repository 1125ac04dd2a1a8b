/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_PLUGIN_H
#define FP_PLUGIN_H

/*
 * Users' handlers in shared objects (--listen PORT=plugin,path=FILE[,arg=S]):
 * loaded with dlopen at start-up, before any port starts; each error is one
 * line and bad input (exit 2). See include/fastpath/handler.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fp_listen.h"

/* Open every plugin listener's object, check its handler (symbol, ABI,
 * counter names) and run its init with arg=. 0 or -EINVAL with err. */
int fp_plugins_load(struct fp_listen_table *t, char *err, size_t errlen);
/* Each plugin's state for lcore, into hstate[listener]. 0 or -EINVAL. */
int fp_plugins_lcore_init(const struct fp_listen_table *t, unsigned int lcore,
		void **hstate, char *err, size_t errlen);
/* The plugins' ticks, on the lcore (its housekeeping). */
void fp_plugins_tick(const struct fp_listen_table *t, void **hstate, uint64_t tsc);
/* The listeners whose handler has a flush (a bit per listener id). */
uint64_t fp_plugins_flushers(const struct fp_listen_table *t);
/* After a poll pass on the lcore: the flush of the listeners in mask. */
void fp_plugins_flush(const struct fp_listen_table *t, void **hstate,
		uint64_t mask, bool drained, uint64_t tsc);
/* At exit, the lcores stopped: each plugin's lcore_fini, then fini and
 * dlclose. */
void fp_plugins_lcore_fini(const struct fp_listen_table *t, void **hstate);
void fp_plugins_unload(struct fp_listen_table *t);

#endif /* FP_PLUGIN_H */
