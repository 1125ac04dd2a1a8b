/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_HANDLERS_H
#define FP_HANDLERS_H

/*
 * The built-in actions of --listen (count, seq, echo) as handlers of the
 * public interface (include/fastpath/handler.h). Their conf is the
 * struct fp_listener; seq's lcore state is a struct fp_seq_table.
 */
#include <fastpath/handler.h>

#include "fp_listen.h"

/* The built-in handlers, by enum fp_action. */
extern const struct fp_handler fp_builtin_handlers[FP_ACT_ECHO + 1];

/* The handler of listener l: a plugin's as the app loaded it, else the
 * built-in action's. */
static inline const struct fp_handler *
fp_handler_of(const struct fp_listener *l)
{
	if (l->handler != NULL)
		return l->handler;
	return &fp_builtin_handlers[l->action <= FP_ACT_ECHO ? l->action : 0];
}

/* Its counter names, NULL-ended (none: an empty list). */
static inline const char *const *
fp_handler_counters(const struct fp_handler *h)
{
	static const char *const none[] = { NULL };

	return h->counter_names != NULL ? h->counter_names : none;
}

#endif /* FP_HANDLERS_H */
