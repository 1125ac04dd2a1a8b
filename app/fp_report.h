/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_REPORT_H
#define FP_REPORT_H

/*
 * The reports behind the /fastpath/ telemetry commands, --stats-json and
 * the exit summary. Each builds an fp_doc from the live counters (relaxed
 * loads; safe on any thread, concurrently with the lcores).
 */
#include <stdio.h>

#include "fp_doc.h"

struct fp_report_cmd {
	const char *name;        /* "softnet_stat": /fastpath/softnet_stat */
	/* param: the text after the comma, or NULL; limit: the reply's
	 * size in JSON bytes (0: no limit), which list commands page to
	 * (see "next" in fp_report.c). 0 or -EINVAL. */
	int (*build)(struct fp_doc *d, const char *param, size_t limit);
	const char *help;
};

/* The telemetry commands, in --stats-json order; ends with a NULL name. */
extern const struct fp_report_cmd fp_report_cmds[];

/* {"<pool>": {"size": N, "in_use": N}} for every mempool. */
int fp_report_mempools(struct fp_doc *d, const char *param);

/*
 * The final counters. Called after the lcores stopped and the ports were
 * stopped: fp_report_final_collect() builds every command's document,
 * fp_report_final_write() adds the mempools (after the ports were closed)
 * and writes the JSON file and the summary table.
 */
struct fp_report_final;
struct fp_report_final *fp_report_final_collect(void);
int fp_report_final_write(struct fp_report_final *f, const char *json_path,
		FILE *summary);
void fp_report_final_free(struct fp_report_final *f);

#endif /* FP_REPORT_H */
