/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

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

int
fp_eal_init_failure(char *buf, size_t len)
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
