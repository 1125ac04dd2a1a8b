/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replay driver: runs the fuzz target over inputs without libFuzzer, in
 * every CI run. Arguments are files or directories; a file is one input,
 * except a pcap, whose every frame is given under each control byte in
 * CONTROLS (sink and host mode, checksum flags, chained, reassembled).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t CONTROLS[] = { 0x00, 0x01, 0x03, 0x15, 0x29, 0x41, 0xc1 };
static unsigned long inputs;

static void
run(const uint8_t *d, size_t n)
{
	LLVMFuzzerTestOneInput(d, n);
	inputs++;
}

static int
pcap(const uint8_t *d, size_t n)
{
	size_t off = 24;
	int swap;

	if (n < 24)
		return -1;
	if (memcmp(d, "\xd4\xc3\xb2\xa1", 4) == 0 || memcmp(d, "\x4d\x3c\xb2\xa1", 4) == 0)
		swap = 0;
	else if (memcmp(d, "\xa1\xb2\xc3\xd4", 4) == 0 || memcmp(d, "\xa1\xb2\x3c\x4d", 4) == 0)
		swap = 1;
	else
		return -1;
	while (off + 16 <= n) {
		uint32_t cap;
		uint8_t buf[9001];
		size_t k;

		memcpy(&cap, d + off + 8, 4);
		if (swap)
			cap = __builtin_bswap32(cap);
		off += 16;
		if (cap > n - off)
			break;
		if (cap <= sizeof(buf) - 1)
			for (k = 0; k < sizeof(CONTROLS); k++) {
				buf[0] = CONTROLS[k];
				memcpy(buf + 1, d + off, cap);
				run(buf, cap + 1);
			}
		off += cap;
	}
	return 0;
}

static int
file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *d;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	rewind(f);
	d = malloc((size_t)n + 1);
	if (d == NULL || fread(d, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(d);
		return -1;
	}
	fclose(f);
	if (pcap(d, (size_t)n) != 0)
		run(d, (size_t)n);
	free(d);
	return 0;
}

static int
walk(const char *path)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;
	int rc = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: no such file\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return file(path);
	dir = opendir(path);
	if (dir == NULL)
		return -1;
	while ((e = readdir(dir)) != NULL) {
		char sub[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		rc |= walk(sub);
	}
	closedir(dir);
	return rc;
}

/*
 * replay PATH...            every input under every PATH
 * replay --shared DIR       DIR is outside the tree (../shared): absent,
 *                           it is a skip (77) said loudly, and with CI=true
 *                           a failure (CI has the shared corpus)
 */
int
main(int argc, char **argv)
{
	struct stat st;
	int i = 1, rc = 0;

	if (argc == 3 && strcmp(argv[1], "--shared") == 0) {
		const char *ci = getenv("CI");

		i = 2;
		if (stat(argv[2], &st) != 0) {
			if (ci != NULL && strcmp(ci, "true") == 0) {
				printf("FAIL replay: %s is absent, and CI=true makes a skip a failure\n",
					argv[2]);
				return 1;
			}
			printf("SKIP replay: %s is absent: the public corpus was not replayed\n",
				argv[2]);
			return 77;
		}
	}
	for (; i < argc; i++)
		rc |= walk(argv[i]);
	printf("replay: %lu inputs, %s\n", inputs, rc ? "FAILURES above" : "all passed");
	return rc != 0 || inputs == 0;
}
