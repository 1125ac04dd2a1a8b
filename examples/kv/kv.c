/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kv: a request/response service. A request datagram holds a key; the reply
 * (to the sender, from the address and port it asked) holds the key's
 * value from a table loaded at start-up, or "?" when the key is unknown.
 *
 * --listen PORT=plugin,path=kv.so,arg=FILE
 *
 * FILE has one "key value" per line (the first space separates them; keys
 * 1 to 64 bytes, values 0 to 2048; '#' starts a comment line). The table
 * is read once and shared by the lcores read-only: no locks.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fastpath/handler.h>

#define KEY_MAX 64
#define VALUE_MAX 2048
#define BUCKETS 4096

enum { C_REQUESTS, C_HITS, C_MISSES, C_TOO_BIG };
static const char *const counters[] = { "requests", "hits", "misses",
	"too_big", NULL };

struct entry {
	struct entry *next;
	uint16_t klen;
	uint16_t vlen;
	char key[KEY_MAX];
	char value[];
};

struct table {
	struct entry *b[BUCKETS];
};

static uint32_t
hash(const uint8_t *k, uint32_t n)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ k[i]) * 16777619u;
	return h % BUCKETS;
}

static void
kv_fini(void *conf)
{
	struct table *t = conf;
	unsigned int i;

	for (i = 0; t != NULL && i < BUCKETS; i++)
		while (t->b[i] != NULL) {
			struct entry *e = t->b[i];

			t->b[i] = e->next;
			free(e);
		}
	free(t);
}

static int
kv_init(const char *arg, void **conf, char *err, size_t errlen)
{
	struct table *t;
	char line[KEY_MAX + VALUE_MAX + 4];
	unsigned int lineno = 0;
	FILE *f;

	if (arg[0] == '\0')
		return snprintf(err, errlen, "needs arg=FILE (lines of 'key value')"), -EINVAL;
	f = fopen(arg, "r");
	if (f == NULL)
		return snprintf(err, errlen, "arg=%s: %s", arg, strerror(errno)), -EINVAL;
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		fclose(f);
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strcspn(line, "\n");
		char *sp;
		struct entry *e;
		uint32_t h;

		lineno++;
		if (line[n] != '\n' && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line longer than %d bytes", arg,
				lineno, KEY_MAX + VALUE_MAX + 1);
			goto bad;
		}
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		sp = strchr(line, ' ');
		if (sp == NULL || sp == line || sp - line > KEY_MAX) {
			snprintf(err, errlen, "%s:%u: expected 'key value' with a key of 1 to %d bytes",
				arg, lineno, KEY_MAX);
			goto bad;
		}
		e = calloc(1, sizeof(*e) + strlen(sp + 1) + 1);
		if (e == NULL) {
			snprintf(err, errlen, "out of memory");
			goto bad;
		}
		e->klen = (uint16_t)(sp - line);
		memcpy(e->key, line, e->klen);
		e->vlen = (uint16_t)strlen(sp + 1);
		memcpy(e->value, sp + 1, e->vlen);
		h = hash((const uint8_t *)e->key, e->klen);
		e->next = t->b[h];
		t->b[h] = e;
	}
	fclose(f);
	*conf = t;
	return 0;
bad:
	fclose(f);
	kv_fini(t);
	return -EINVAL;
}

static const struct entry *
find(const struct table *t, const uint8_t *k, uint32_t n)
{
	const struct entry *e;

	if (n == 0 || n > KEY_MAX)
		return NULL;
	for (e = t->b[hash(k, n)]; e != NULL; e = e->next)
		if (e->klen == n && memcmp(e->key, k, n) == 0)
			return e;
	return NULL;
}

static void
kv_burst(void *lcore_state, const void *conf, const struct fp_dgram_batch *b,
		struct fp_dgram *d, uint16_t n, uint8_t *verdicts)
{
	const struct table *t = conf;
	uint64_t *counters = b->counters;
	uint16_t i;

	(void)lcore_state;
	for (i = 0; i < n; i++) {
		const struct entry *e = NULL;
		const char *v = "?";
		uint32_t vlen = 1;

		counters[C_REQUESTS]++;
		if (d[i].seg_len == d[i].len)
			e = find(t, d[i].payload, d[i].len);
		if (e != NULL) {
			counters[C_HITS]++;
			v = e->value;
			vlen = e->vlen;
		} else {
			counters[C_MISSES]++;
		}
		if (vlen > d[i].reply_room) {
			counters[C_TOO_BIG]++;  /* fastpath counts PKT_TOO_BIG */
			d[i].reply_len = vlen;
			verdicts[i] = FP_VERDICT_REPLY;
			continue;
		}
		memcpy(d[i].payload, v, vlen);
		d[i].reply_len = vlen;
		verdicts[i] = FP_VERDICT_REPLY;
	}
}

static const struct fp_handler kv = {
	.abi_version = FP_HANDLER_ABI_VERSION,
	.name = "kv",
	.counter_names = counters,
	.init = kv_init,
	.burst = kv_burst,
	.fini = kv_fini,
};

const struct fp_handler *fastpath_handler(void);

const struct fp_handler *
fastpath_handler(void)
{
	return &kv;
}
