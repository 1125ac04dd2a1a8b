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

/* The handler of a built-in action (enum fp_action). */
const struct fp_handler *fp_handler_builtin(unsigned int action);

/* Its counter names, NULL-ended (none: an empty list). */
static inline const char *const *
fp_handler_counters(const struct fp_handler *h)
{
	static const char *const none[] = { NULL };

	return h->counter_names != NULL ? h->counter_names : none;
}

#endif /* FP_HANDLERS_H */
