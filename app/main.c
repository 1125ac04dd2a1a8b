/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fastpath: a DPDK poll-mode, run-to-completion receive application.
 * main() parses, initialises, launches, waits and tears down; everything
 * else lives in its own module.
 */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pdump.h>

#include "fp_app.h"
#include "fp_banner.h"
#include "fp_config.h"
#include "fp_eal.h"
#include "fp_exception.h"
#include "fp_frag.h"
#include "fp_lcore.h"
#include "fp_membership.h"
#include "fp_plugin.h"
#include "fp_notify.h"
#include "fp_port.h"
#include "fp_report.h"
#include "fp_ring.h"
#include "fp_telemetry.h"
#include "fp_worker.h"

#define EXIT_BAD_INPUT 2

RTE_LOG_REGISTER(fp_logtype, fastpath, INFO);

struct fp_app fp_app;

static void
on_signal(int sig)
{
	(void)sig;
	fp_app_request_quit();   /* only a flag: lcores finish their burst */
}

/*
 * SIGINT, SIGTERM and SIGHUP (the terminal or session went away) stop
 * cleanly, counters written. SIGUSR1 and SIGUSR2, which would kill the
 * process without its counters, are ignored: they mean "reopen logs" or
 * "report" to other daemons, and a stray one must not end a run.
 * SIGPIPE is ignored: a closed stdout (fastpath ... | head) fails the
 * summary's writes, not the process (the JSON is written first). The
 * handler restarts system calls: DPDK's telemetry thread ends on an
 * accept() that fails with EINTR.
 */
static void
signals_setup(void)
{
	struct sigaction quit = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	static const int quits[] = { SIGINT, SIGTERM, SIGHUP };
	static const int ignored[] = { SIGUSR1, SIGUSR2, SIGPIPE };
	unsigned int i;

	sigemptyset(&quit.sa_mask);
	sigemptyset(&ignore.sa_mask);
	for (i = 0; i < RTE_DIM(quits); i++)
		sigaction(quits[i], &quit, NULL);
	for (i = 0; i < RTE_DIM(ignored); i++)
		sigaction(ignored[i], &ignore, NULL);
}

/* EAL takes argv[0..k) where argv[k] is the first "--"; the app the rest. */
static int
split_args(int argc, char **argv)
{
	int k;

	for (k = 1; k < argc; k++)
		if (strcmp(argv[k], "--") == 0)
			return k;
	return argc;
}

static int
parse_app_args(int argc, char **argv, int k)
{
	char err[512], help[8192];
	int rc;

	fp_opts_defaults(&fp_app.opts);
	/* the app's argv: program name, then what follows "--" */
	if (k < argc)
		argv[k] = argv[0];
	rc = fp_opts_load(&fp_app.opts, k < argc ? argc - k : 1,
			k < argc ? &argv[k] : argv, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "fastpath: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	if (fp_app.opts.help) {
		fp_opts_help(help, sizeof(help));
		fputs(help, stdout);
		fputs("  --version                  print fastpath's and DPDK's versions and the build options\n"
			"\nEAL options come before \"--\" (e.g. -l 0,1 --vdev ...); see fastpath(1).\n",
			stdout);
		return EXIT_SUCCESS;
	}
	return -1;
}

static int
start(char *err, size_t errlen)
{
	unsigned int id;
	int rc;

	fp_app.main_lcore = rte_get_main_lcore();
	fp_app.tsc_hz = rte_get_tsc_hz();
	rc = fp_ports_probe(&fp_app, err, errlen);
	if (rc == 0)
		rc = fp_plugins_load(&fp_app.rx.listen, err, errlen);
	if (rc == 0)
		rc = fp_rings_setup(&fp_app, err, errlen);
	if (rc == 0)
		rc = fp_lcores_plan(&fp_app, err, errlen);
	if (rc == 0)
		rc = fp_rings_create(&fp_app, err, errlen);
	if (rc == 0)
		rc = fp_exception_plan(&fp_app, err, errlen);
	if (rc == 0)
		rc = fp_frag_setup(&fp_app, err, errlen);
	if (rc == 0)
		rc = fp_ports_setup(&fp_app, err, errlen);
	if (rc == 0)
		rc = fp_mcast_setup(&fp_app, err, errlen);
	if (rc == 0)
		rc = fp_exception_setup(&fp_app, err, errlen);
	if (rc == 0 && fp_telemetry_register() != 0)
		rc = -EIO, snprintf(err, errlen, "telemetry registration failed");
	if (rc == 0)
		rc = fp_ports_start(&fp_app, err, errlen);
	if (rc == 0)
		rc = fp_exception_start(&fp_app, err, errlen);
	if (rc != 0)
		return rc;
	fp_banner();
	fp_telemetry_open();
	fp_app.start_tsc = rte_rdtsc();
	fp_app.start_time = (uint64_t)time(NULL);
	RTE_LCORE_FOREACH_WORKER(id)
		if (fp_app.lcores[id] != NULL)
			rte_eal_remote_launch(fp_worker_main, fp_app.lcores[id], id);
	fp_notify("READY=1");      /* systemd Type=notify: ports up, lcores polling */
	return 0;
}

static int
finish(void)
{
	struct fp_report_final *final;
	int rc = 0;

	fp_mcast_stop(&fp_app);          /* the leaves, while the ports are up */
	fp_ports_stop(&fp_app);
	fp_exception_close(&fp_app);     /* the TAPs give back their mbufs */
	fp_rings_drain(&fp_app);         /* what no consumer took */
	fp_frag_teardown(&fp_app);       /* what reassembly held is dropped */
	final = fp_report_final_collect();
	fp_ports_close(&fp_app);
	if (final == NULL || fp_report_final_write(final,
			fp_app.opts.stats_json, stdout) != 0)
		rc = EXIT_FAILURE;
	fp_report_final_free(final);
	return rc;
}

int
main(int argc, char **argv)
{
	char err[512] = "";
	int k, rc, status;
	bool keep_pools;

	if (fp_version_requested(argc, argv))
		return fp_version_print(), EXIT_SUCCESS;
	k = split_args(argc, argv);
	status = parse_app_args(argc, argv, k);
	if (status >= 0)
		return status;
	if (fp_rings_eal_args(&fp_app.opts.listen, k, argv, err, sizeof(err)) != 0)
		return fprintf(stderr, "fastpath: %s\n", err), EXIT_BAD_INPUT;

	if (fp_eal_init(k, argv) < 0) {
		status = fp_eal_init_failure(k, argv, err, sizeof(err));
		fprintf(stderr, "fastpath: EAL initialisation failed: %s\n", err);
		return status;
	}
	if (fp_eal_check_primary(err, sizeof(err)) != 0) {
		/* no port, mempool or rte_eal_cleanup(): see fp_eal.h */
		fprintf(stderr, "fastpath: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	signals_setup();
	/* let dpdk-dumpcap (a secondary process) capture from our ports */
	if (rte_pdump_init() != 0)
		FP_LOG(NOTICE, "live capture unavailable: rte_pdump_init: %s",
			rte_strerror(rte_errno));

	rc = start(err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "fastpath: %s\n", err);
		status = rc == -EINVAL ? EXIT_BAD_INPUT : EXIT_FAILURE;
		fp_app_request_quit();
	}
	if (rc == 0 && fp_app.lcores[fp_app.main_lcore] != NULL)
		fp_worker_main(fp_app.lcores[fp_app.main_lcore]);
	else if (rc == 0)
		fp_control_loop();
	rte_eal_mp_wait_lcore();
	fp_notify("STOPPING=1");
	fp_telemetry_close();      /* before the state it reads goes away */

	if (rc == 0)
		status = finish();
	else
		fp_ports_stop(&fp_app), fp_exception_close(&fp_app),
			fp_ports_close(&fp_app);
	fp_frag_teardown(&fp_app);
	rte_pdump_uninit();
	fp_mcast_free(&fp_app);
	fp_lcores_free(&fp_app);
	keep_pools = fp_rings_abandoned(&fp_app);   /* a consumer reads them */
	fp_rings_free(&fp_app);
	fp_plugins_unload(&fp_app.rx.listen);
	if (!keep_pools)
		fp_pools_free(&fp_app);
	rte_eal_cleanup();
	return status;
}
