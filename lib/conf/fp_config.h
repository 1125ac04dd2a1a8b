/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_CONFIG_H
#define FP_CONFIG_H

/*
 * The configuration file (--config-file): INI, read with DPDK's
 * rte_cfgfile, ';' comments. The file is read once (it may be a pipe),
 * checked with line numbers against rte_cfgfile's limits (lines of 322
 * characters, keys of 63, values of 255), and rte_cfgfile parses the bytes
 * read. Keys are the long option names, grouped in sections:
 *
 *   [ports]   ports rxq rxd txd rss-key rx-fcs
 *   [lcores]  burst queue-map main-polls
 *   [host]    local-ip vlan frag-timeout        (local-ip repeatable)
 *   [listen]  NAME = [ADDR:]PORT=ACTION[,k=v]   (one listener per entry)
 *   [run]     idle-exit stats-json mbufs mbuf-cache cost-cycles
 *
 * Flags take yes/no, true/false, on/off or 1/0.
 */
#include <stddef.h>

#include "fp_opts.h"

/* The section an option belongs in, or NULL (--config-file, --help). */
const char *fp_config_section(const char *option);

/*
 * Parse the command line and, when it names --config-file, the file too:
 * the file's entries first, then the command line, so the command line
 * overrides (an option given there drops the file's entries for it). Then
 * checks that --stats-json can be written (creating the file and removing
 * it again), so that a bad path fails now, not when fastpath stops. 0 or
 * -EINVAL with one line naming the option, or the file, line, section and
 * key.
 */
int fp_opts_load(struct fp_opts *o, int argc, char **argv,
		char *err, size_t errlen);

#endif /* FP_CONFIG_H */
