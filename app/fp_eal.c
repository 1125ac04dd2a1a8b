/* SPDX-License-Identifier: BSD-3-Clause */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "fp_eal.h"

/*
 * The pid of the primary process holding this runtime directory's config
 * lock (EAL write-locks <runtime dir>/config for as long as the primary
 * runs), or 0 when no other process holds it.
 */
static pid_t
primary_pid(const char **dir)
{
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char path[PATH_MAX];
	pid_t pid = 0;
	int fd;

	*dir = rte_eal_get_runtime_dir();
	if (*dir == NULL || (*dir)[0] == '\0' ||
			snprintf(path, sizeof(path), "%s/config", *dir) >= (int)sizeof(path))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fcntl(fd, F_GETLK, &lk) == 0 && lk.l_type != F_UNLCK &&
			lk.l_pid != getpid())
		pid = lk.l_pid;
	close(fd);
	return pid;
}

/* The value of EAL option opt ("-l 0-7", "-l0-7", "--lcores=0-7"), or NULL. */
static const char *
eal_arg(int argc, char **argv, const char *opt)
{
	size_t n = strlen(opt);
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], opt) == 0)
			return i + 1 < argc ? argv[i + 1] : NULL;
		if (strncmp(argv[i], opt, n) == 0 && argv[i][n] != '\0')
			return argv[i] + n + (argv[i][n] == '=');
	}
	return NULL;
}

static bool
has_arg(int argc, char **argv, const char *opt)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], opt) == 0)
			return true;
	return false;
}

/* The CPUs this process may run on, as the kernel writes them ("0-1"). */
static void
online_cpus(char *buf, size_t len)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");

	snprintf(buf, len, "?");
	if (f == NULL)
		return;
	if (fgets(buf, (int)len, f) != NULL)
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* The highest number in a CPU list such as "0,2-5" ("0@1" lists are not
 * CPU lists: -1). */
static long
max_in_list(const char *s)
{
	long max = -1, v;
	char *end;

	if (s == NULL || strpbrk(s, "@()") != NULL)
		return -1;
	while (*s != '\0') {
		if (*s >= '0' && *s <= '9') {
			v = strtol(s, &end, 10);
			max = v > max ? v : max;
			s = end;
		} else {
			s++;
		}
	}
	return max;
}

/* hugetlbfs mounted, and hugepages free (from /proc). */
static void
hugepage_state(bool *mounted, long *free_pages)
{
	char line[512];
	FILE *f = fopen("/proc/mounts", "r");

	*mounted = false;
	*free_pages = -1;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, " hugetlbfs ") != NULL)
			*mounted = true;
	if (f != NULL)
		fclose(f);
	f = fopen("/proc/meminfo", "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "HugePages_Free: %ld", free_pages) == 1)
			break;
	if (f != NULL)
		fclose(f);
}

/*
 * The likely fix for what EAL refused, or 0 when there is none to give:
 * an lcore list past the machine's CPUs, or no hugepages to be had.
 */
static int
eal_hint(int e, int argc, char **argv, char *buf, size_t len)
{
	const char *l = eal_arg(argc, argv, "-l");
	const char *lc = eal_arg(argc, argv, "--lcores");
	char cpus[128];
	long max, ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	long free_pages;
	bool mounted;

	online_cpus(cpus, sizeof(cpus));
	max = l != NULL ? max_in_list(l) : max_in_list(lc);
	if (e == EINVAL && max >= ncpu && ncpu > 0) {
		snprintf(buf, len,
			"%s %s: this machine has CPUs %s; give lcores among them, or map more lcores onto them with --lcores '0@0,1@1,2@1'",
			l != NULL ? "-l" : "--lcores", l != NULL ? l : lc, cpus);
		return 1;
	}
	if ((e == EACCES || e == ENOMEM) && !has_arg(argc, argv, "--no-huge")) {
		hugepage_state(&mounted, &free_pages);
		if (!mounted || free_pages == 0) {
			snprintf(buf, len,
				"%s: reserve and mount them with 'fastpath-setup-host hugepages 512', or run without them: --no-huge -m 512",
				!mounted ? "no hugetlbfs is mounted" : "no hugepage is free");
			return 1;
		}
	}
	return 0;
}

/* A process other than this one mapping the hugepage files of --file-
 * prefix (a secondary of an earlier run: a ring consumer, dpdk-dumpcap),
 * or 0. */
static pid_t
memory_holder(int argc, char **argv)
{
	const char *prefix = eal_arg(argc, argv, "--file-prefix");
	char needle[128], path[64], line[512];
	pid_t found = 0;
	struct dirent *e;
	DIR *d;

	snprintf(needle, sizeof(needle), "/%smap_", prefix != NULL ? prefix : "rte");
	d = opendir("/proc");
	if (d == NULL)
		return 0;
	while (found == 0 && (e = readdir(d)) != NULL) {
		pid_t pid = (pid_t)atoi(e->d_name);
		FILE *f;

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL)
			if (strstr(line, needle) != NULL) {
				found = pid;
				break;
			}
		fclose(f);
	}
	closedir(d);
	return found;
}

int
fp_eal_init(int argc, char **argv)
{
	bool help = has_arg(argc, argv, "-h") || has_arg(argc, argv, "--help");
	int saved = -1, null, rc;
	/* EAL reorders its argv and writes over an entry (getopt, and the
	 * program name before what it parsed): give it a copy, so that
	 * fp_eal_init_failure reads the options as they were given (kept:
	 * EAL may point into it) */
	static char **copy;

	copy = calloc((size_t)argc + 1, sizeof(*copy));
	if (copy == NULL)
		return -1;
	memcpy(copy, argv, (size_t)argc * sizeof(*copy));

	/* EAL answers a bad argument with 80 lines of usage on stdout: keep
	 * them out of the way (its one-line reason goes to the log), unless
	 * the usage is what was asked for. */
	if (!help) {
		fflush(stdout);
		saved = dup(STDOUT_FILENO);
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (saved >= 0 && null >= 0)
			dup2(null, STDOUT_FILENO);
		if (null >= 0)
			close(null);
	}
	/* library chatter (ip_frag logs its tables as USER1 at INFO, telemetry
	 * its legacy socket) stays below warning; --log-level overrides */
	rte_log_set_level(RTE_LOGTYPE_USER1, RTE_LOG_WARNING);
	rte_log_set_level_pattern("lib.telemetry", RTE_LOG_WARNING);
	rc = rte_eal_init(argc, copy);
	if (saved >= 0) {
		fflush(stdout);
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	return rc;
}

int
fp_eal_init_failure(int argc, char **argv, char *buf, size_t len)
{
	int e = rte_errno;
	const char *dir;
	pid_t pid = primary_pid(&dir);

	if (pid != 0) {
		snprintf(buf, len,
			"--file-prefix: another primary process (pid %d) holds its runtime directory %s; give each instance its own --file-prefix",
			(int)pid, dir);
		return 2;
	}
	if (eal_hint(e, argc, argv, buf, len))
		return 2;
	pid = memory_holder(argc, argv);
	if (pid != 0) {
		snprintf(buf, len,
			"%s; process %d still maps the memory of an earlier fastpath with this --file-prefix (a ring consumer, dpdk-dumpcap): end it, or give this one another --file-prefix",
			e != 0 ? rte_strerror(e) : "EAL failed", (int)pid);
		return 1;
	}
	if (e != 0)
		snprintf(buf, len, "%s", rte_strerror(e));
	else
		snprintf(buf, len, "EAL gave no reason; see its messages above");
	return e == EINVAL ? 2 : 1;
}

int
fp_eal_check_primary(char *err, size_t errlen)
{
	const char *dir;
	pid_t pid;

	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		return 0;
	pid = primary_pid(&dir);
	snprintf(err, errlen,
		"--proc-type: this process would be a secondary of the primary (pid %d) in %s; fastpath runs only as a primary: give it its own --file-prefix and --proc-type=primary (the default)",
		(int)pid, dir != NULL ? dir : "?");
	return -EINVAL;
}
