/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_cfgfile.h>

#include "fp_config.h"
#include "fp_util.h"

#define MAX_ENTRIES 256
#define MAX_BYTES (1u << 20)          /* a config file larger than 1 MiB is a mistake */
/*
 * rte_cfgfile_load reads a line with fgets into CFG_NAME_LEN +
 * CFG_VALUE_LEN + 4 bytes and fails (logging, with no file name) on a
 * longer one; it cuts keys to CFG_NAME_LEN - 1 and values to
 * CFG_VALUE_LEN - 1 characters without a word. The scan enforces the
 * same limits, with the file and line.
 */
#define MAX_LINE (CFG_NAME_LEN + CFG_VALUE_LEN + 2)   /* before the '\n' */
#define LISTEN "listen"
#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"

static const struct {
	const char *section;
	const char *const keys[8];
} layout[] = {
	{ "ports", { "ports", "rxq", "rxd", "txd", "rss-key", "rx-fcs" } },
	{ "lcores", { "burst", "queue-map", "main-polls" } },
	{ "host", { "local-ip", "vlan", "frag-timeout", "exception", "icmp-errors",
		"igmp", "mld" } },
	{ LISTEN, { NULL } },               /* NAME = listener */
	{ "run", { "idle-exit", "stats-json", "mbufs", "mbuf-cache", "cost-cycles" } },
};

#define NB_SECTIONS (sizeof(layout) / sizeof(layout[0]))

const char *
fp_config_section(const char *option)
{
	unsigned int i, k;

	if (strcmp(option, LISTEN) == 0)
		return LISTEN;
	for (i = 0; i < NB_SECTIONS; i++)
		for (k = 0; layout[i].keys[k] != NULL; k++)
			if (strcmp(layout[i].keys[k], option) == 0)
				return layout[i].section;
	return NULL;
}

static int
section_known(const char *name)
{
	unsigned int i;

	for (i = 0; i < NB_SECTIONS; i++)
		if (strcmp(layout[i].section, name) == 0)
			return 1;
	return 0;
}

/* One entry of the file, as an option. */
struct entry {
	char section[CFG_NAME_LEN];
	char key[CFG_NAME_LEN];
	char option[CFG_NAME_LEN];
	char flag[CFG_NAME_LEN + 2];        /* "--option" */
	char value[CFG_VALUE_LEN];
	unsigned int line;
};

struct file {
	const char *path;
	char *text;                 /* the file, read once */
	size_t len;
	struct entry e[MAX_ENTRIES];
	unsigned int n;
};

/*
 * Read the file once, whole: a pipe (--config-file <(...)) cannot be
 * read twice, and both the scan and rte_cfgfile parse these bytes.
 */
static int
read_once(struct file *f, char *err, size_t errlen)
{
	struct stat st;
	ssize_t r;
	int fd, e;

	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fp_err(err, errlen, "--config-file %s: cannot open: %s",
				f->path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return fp_err(err, errlen,
			"--config-file %s: is a directory; expected an INI file",
			f->path);
	}
	/* one byte past the limit tells a file that is too large */
	f->text = malloc(MAX_BYTES + 2);
	if (f->text == NULL) {
		close(fd);
		return fp_err(err, errlen, "--config-file %s: out of memory", f->path);
	}
	f->len = 0;
	do {
		r = read(fd, f->text + f->len, MAX_BYTES + 1 - f->len);
		if (r > 0)
			f->len += (size_t)r;
	} while ((r > 0 && f->len <= MAX_BYTES) || (r < 0 && errno == EINTR));
	e = errno;
	close(fd);
	if (r < 0)
		return fp_err(err, errlen, "--config-file %s: cannot read: %s",
				f->path, strerror(e));
	if (f->len > MAX_BYTES)
		return fp_err(err, errlen,
			"--config-file %s: larger than %u bytes; expected an INI file",
			f->path, MAX_BYTES);
	f->text[f->len] = '\0';
	return 0;
}

/*
 * What rte_cfgfile does to a value: a '\;' that it did not take for a
 * comment becomes ';'.
 */
static void
unescape(char *v)
{
	char *r, *w;

	for (r = w = v; *r != '\0'; r++) {
		if (r[0] == '\\' && r[1] == ';')
			r++;
		*w++ = *r;
	}
	*w = '\0';
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/*
 * rte_cfgfile keeps no line numbers and cuts or refuses without naming
 * the file: check the syntax and rte_cfgfile's limits here, with line
 * numbers, and note on which line each (section, key) stands.
 */
static int
scan(struct file *f, char *err, size_t errlen)
{
	char buf[MAX_LINE + 1], section[CFG_NAME_LEN] = "";
	const char *p = f->text, *end = f->text + f->len;
	unsigned int line = 0;

	f->n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);
		char *s, *eq, *semi, *key, *value;

		line++;
		if (n > MAX_LINE)
			return fp_err(err, errlen,
				"%s:%u: line of %zu characters; rte_cfgfile reads at most %d",
				f->path, line, n, MAX_LINE);
		if (memchr(p, '\0', n) != NULL)
			return fp_err(err, errlen,
				"%s:%u: a NUL byte; expected text", f->path, line);
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + 1;
		/* as rte_cfgfile: the first ';', unless escaped, starts a comment */
		semi = strchr(buf, ';');
		if (semi != NULL && (semi == buf || semi[-1] != '\\'))
			*semi = '\0';
		s = trim(buf);
		if (*s == '\0')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (close == NULL || close[1] != '\0' || close == s + 1 ||
					(size_t)(close - s - 1) >= sizeof(section))
				return fp_err(err, errlen,
					"%s:%u: malformed section header '%s'; expected [name]",
					f->path, line, s);
			*close = '\0';
			snprintf(section, sizeof(section), "%s", trim(s + 1));
			if (!section_known(section))
				return fp_err(err, errlen,
					"%s:%u: unknown section [%s]; valid: [ports] [lcores] [host] [listen] [run]",
					f->path, line, section);
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL)
			return fp_err(err, errlen, "%s:%u: expected key = value, got '%s'",
					f->path, line, s);
		*eq = '\0';
		key = trim(s);
		value = trim(eq + 1);
		unescape(value);
		if (section[0] == '\0')
			return fp_err(err, errlen, "%s:%u: '%s' is outside any section",
					f->path, line, key);
		if (key[0] == '\0' || value[0] == '\0')
			return fp_err(err, errlen, "%s:%u: [%s] %s: empty %s", f->path,
				line, section, key, key[0] == '\0' ? "key" : "value");
		if (strlen(key) >= CFG_NAME_LEN)
			return fp_err(err, errlen,
				"%s:%u: [%s] key of %zu characters; at most %d",
				f->path, line, section, strlen(key), CFG_NAME_LEN - 1);
		if (strlen(value) >= CFG_VALUE_LEN)
			return fp_err(err, errlen,
				"%s:%u: [%s] %s: value of %zu characters; rte_cfgfile keeps at most %d",
				f->path, line, section, key, strlen(value),
				CFG_VALUE_LEN - 1);
		if (f->n == MAX_ENTRIES)
			return fp_err(err, errlen, "%s:%u: '%s': more than %d entries",
					f->path, line, key, MAX_ENTRIES);
		snprintf(f->e[f->n].section, CFG_NAME_LEN, "%s", section);
		snprintf(f->e[f->n].key, CFG_NAME_LEN, "%s", key);
		snprintf(f->e[f->n].value, CFG_VALUE_LEN, "%s", value);
		f->e[f->n].line = line;
		f->n++;
	}
	return 0;
}

/* The line of the n-th (section, key) in the scan, or 0. */
static unsigned int
line_of(const struct file *scanned, const char *section, const char *key,
		unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < scanned->n; i++)
		if (strcmp(scanned->e[i].section, section) == 0 &&
				strcmp(scanned->e[i].key, key) == 0 && nth-- == 0)
			return scanned->e[i].line;
	return 0;
}

/*
 * The entries, as rte_cfgfile reads them (the parser of record); the scan
 * only lends them their line numbers.
 */
/*
 * rte_cfgfile_load takes a path: give it the bytes already read, through
 * an anonymous memory file, so that a pipe is not read a second time.
 */
static struct rte_cfgfile *
cfgfile_load(const struct file *f)
{
	struct rte_cfgfile *cfg = NULL;
	char path[64];
	size_t done = 0;
	int fd = memfd_create("fastpath-config", MFD_CLOEXEC);

	if (fd < 0)
		return NULL;
	while (done < f->len) {
		ssize_t w = write(fd, f->text + done, f->len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (done == f->len)
		cfg = rte_cfgfile_load(path, 0);
	close(fd);
	return cfg;
}

static int
load(struct file *f, char *err, size_t errlen)
{
	struct rte_cfgfile *cfg = cfgfile_load(f);
	struct rte_cfgfile_entry *ents;
	struct file *scanned;
	int s, nsec;

	if (cfg == NULL)
		return fp_err(err, errlen,
			"--config-file %s: rte_cfgfile cannot read it (through a memfd in /proc/self/fd)",
			f->path);
	ents = calloc(MAX_ENTRIES, sizeof(*ents));
	scanned = malloc(sizeof(*scanned));
	if (ents == NULL || scanned == NULL) {
		free(ents);
		free(scanned);
		rte_cfgfile_close(cfg);
		return fp_err(err, errlen, "--config-file %s: out of memory", f->path);
	}
	*scanned = *f;
	f->n = 0;
	nsec = rte_cfgfile_num_sections(cfg, NULL, 0);
	for (s = 0; s < nsec; s++) {
		char name[CFG_NAME_LEN];
		int k, n;

		n = rte_cfgfile_section_entries_by_index(cfg, s, name, ents,
				MAX_ENTRIES);
		for (k = 0; k < n && f->n < MAX_ENTRIES; k++) {
			struct entry *e = &f->e[f->n];
			unsigned int nth = 0, j;

			for (j = 0; j < f->n; j++)
				nth += strcmp(f->e[j].section, name) == 0 &&
					strcmp(f->e[j].key, ents[k].name) == 0;
			snprintf(e->section, sizeof(e->section), "%s", name);
			snprintf(e->key, sizeof(e->key), "%s", ents[k].name);
			snprintf(e->value, sizeof(e->value), "%s", ents[k].value);
			e->line = line_of(scanned, name, ents[k].name, nth);
			f->n++;
		}
	}
	free(scanned);
	free(ents);
	rte_cfgfile_close(cfg);
	return 0;
}

static int
flag_value(const char *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Map each entry to an option and check its value on its own. */
static int
check(struct file *f, char *err, size_t errlen)
{
	unsigned int i, j;

	for (i = 0; i < f->n; i++) {
		struct entry *e = &f->e[i];
		struct fp_opts *scratch;
		char msg[400], *argv[4];
		int argc = 1, rc;

		if (strcmp(e->section, LISTEN) == 0) {
			for (j = 0; j < i; j++)
				if (strcmp(f->e[j].section, LISTEN) == 0 &&
						strcmp(f->e[j].key, e->key) == 0)
					return fp_err(err, errlen,
						"%s:%u: [listen] %s: the name is used on line %u",
						f->path, e->line, e->key, f->e[j].line);
			if (e->key[strspn(e->key, NAME_CHARS)] != '\0')
				return fp_err(err, errlen,
					"%s:%u: [listen] %s: a listener name is made of letters, digits, '_', '.' and '-'",
					f->path, e->line, e->key);
			snprintf(e->option, sizeof(e->option), LISTEN);
		} else {
			const char *sec = fp_config_section(e->key);

			if (sec == NULL || strcmp(sec, e->section) != 0)
				return fp_err(err, errlen, sec == NULL ?
					"%s:%u: [%s] %s: unknown key" :
					"%s:%u: [%s] %s: belongs in [%s]", f->path, e->line,
					e->section, e->key, sec);
			_Static_assert(sizeof(e->option) == sizeof(e->key), "sizes");
			memcpy(e->option, e->key, sizeof(e->option));
		}
		snprintf(e->flag, sizeof(e->flag), "--%s", e->option);
		if (fp_opts_has_arg(e->option) == 0) {
			int v = flag_value(e->value);

			if (v < 0)
				return fp_err(err, errlen,
					"%s:%u: [%s] %s: '%s' is not yes or no",
					f->path, e->line, e->section, e->key, e->value);
			if (v == 0)
				continue;
		}
		/* the option parser judges the value, as on the command line */
		scratch = malloc(sizeof(*scratch));
		if (scratch == NULL)
			return fp_err(err, errlen, "out of memory");
		fp_opts_defaults(scratch);
		argv[0] = (char *)"fastpath";
		argv[argc++] = e->flag;
		if (fp_opts_has_arg(e->option) == 1)
			argv[argc++] = e->value;
		argv[argc] = NULL;
		rc = fp_opts_parse(scratch, argc, argv, msg + 64, sizeof(msg) - 64);
		if (rc != 0) {
			fp_err(err, errlen, "%s:%u: [%s] %s: %s", f->path, e->line,
				e->section, e->key, msg + 64);
			free(scratch);
			return rc;
		}
		free(scratch);
	}
	return 0;
}

/*
 * The file's entries, less the options the command line gives, then the
 * command line, parsed as one command line. An error at one of the
 * file's entries (a 65th listener, a listener on an address and port
 * already taken, a conflict) names its file and line.
 */
static int
merge_and_parse(struct fp_opts *o, const struct file *f, int argc,
		char **argv, char *err, size_t errlen)
{
	const size_t max = (size_t)argc + 2 * MAX_ENTRIES + 1;
	const uint64_t given = o->given;      /* by the command line */
	const struct entry **from = calloc(max, sizeof(*from));
	char **merged = calloc(max, sizeof(*merged));
	char msg[400];
	unsigned int i;
	int rc, n = 1, k, at = 0;

	if (from == NULL || merged == NULL) {
		free(from);
		free(merged);
		return fp_err(err, errlen, "out of memory");
	}
	merged[0] = argv[0];
	for (i = 0; i < f->n; i++) {
		const struct entry *e = &f->e[i];
		int idx = fp_opts_index(e->option);
		int has_arg = fp_opts_has_arg(e->option);

		if ((idx >= 0 && ((given >> idx) & 1)) ||
				(has_arg == 0 && flag_value(e->value) == 0))
			continue;
		from[n] = e;
		merged[n++] = (char *)e->flag;
		if (has_arg == 1) {
			from[n] = e;
			merged[n++] = (char *)e->value;
		}
	}
	for (k = 1; k < argc; k++)
		merged[n++] = argv[k];
	merged[n] = NULL;
	fp_opts_defaults(o);
	rc = fp_opts_parse_at(o, n, merged, msg, sizeof(msg), &at);
	/* the file's listeners come first, in its order: name them */
	for (k = 1, i = 0; rc == 0 && k < n && i < FP_MAX_LISTENERS; k++)
		if (from[k] != NULL && merged[k] == from[k]->flag &&
				strcmp(from[k]->option, LISTEN) == 0)
			snprintf(o->listen_name[i++], sizeof(o->listen_name[0]), "%s",
				from[k]->key);
	if (rc != 0 && at > 0 && from[at] != NULL)
		fp_err(err, errlen, "%s:%u: [%s] %s: %s", f->path, from[at]->line,
			from[at]->section, from[at]->key, msg);
	else if (rc != 0)
		fp_err(err, errlen, "%s", msg);
	free(from);
	free(merged);
	return rc;
}

/*
 * Can --stats-json be written when fastpath stops? Find out before any
 * port starts: create the file and remove it again, or open an existing
 * one for writing without truncating it. 0 or a negative errno.
 */
static int
probe_writable(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd >= 0) {
		close(fd);
		unlink(path);
		return 0;
	}
	if (errno != EEXIST)
		return -errno;
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == ENXIO ? 0 : -errno;   /* ENXIO: a FIFO, no reader yet */
}

static int
check_stats_json(const struct fp_opts *o, const struct file *f,
		uint64_t cmdline, char *err, size_t errlen)
{
	const struct entry *e = NULL;
	int idx = fp_opts_index("stats-json"), rc;
	unsigned int i;

	if (o->stats_json[0] == '\0')
		return 0;
	rc = probe_writable(o->stats_json);
	if (rc == 0)
		return 0;
	for (i = 0; f != NULL && !((cmdline >> idx) & 1) && i < f->n; i++)
		if (strcmp(f->e[i].option, "stats-json") == 0)
			e = &f->e[i];
	if (e != NULL)
		return fp_err(err, errlen,
			"%s:%u: [%s] %s: --stats-json %s: cannot write there: %s; expected a file in an existing, writable directory",
			f->path, e->line, e->section, e->key, o->stats_json,
			strerror(-rc));
	return fp_err(err, errlen,
		"--stats-json %s: cannot write there: %s; expected a file in an existing, writable directory",
		o->stats_json, strerror(-rc));
}

int
fp_opts_load(struct fp_opts *o, int argc, char **argv, char *err,
		size_t errlen)
{
	struct file *f;
	uint64_t cmdline;
	int rc;

	rc = fp_opts_parse(o, argc, argv, err, errlen);
	if (rc != 0 || o->help)
		return rc;
	cmdline = o->given;
	if (o->config_file[0] == '\0')
		return check_stats_json(o, NULL, cmdline, err, errlen);
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return fp_err(err, errlen, "out of memory");
	f->path = o->config_file;
	rc = read_once(f, err, errlen);
	if (rc == 0)
		rc = scan(f, err, errlen);
	if (rc == 0)
		rc = load(f, err, errlen);
	if (rc == 0)
		rc = check(f, err, errlen);
	if (rc == 0)
		rc = merge_and_parse(o, f, argc, argv, err, errlen);
	if (rc == 0)
		rc = check_stats_json(o, f, cmdline, err, errlen);
	free(f->text);
	free(f);
	return rc;
}
