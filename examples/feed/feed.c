/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * feed: a market-data style feed handler. Each datagram carries one or more
 * messages, each
 *
 *     length  2 bytes, big endian: the message's bytes, this header included
 *             (at least 6)
 *     seq     4 bytes, big endian: the sender's message sequence number
 *     body    length - 6 bytes
 *
 * Per source (address, port) and lcore (RSS keeps a source on one), the
 * handler expects seq to follow the last one: a jump ahead is a gap, and the
 * numbers skipped are lost; a number behind is late (counted, not lost
 * again). A datagram whose messages do not fill it exactly is malformed and
 * dropped (the DROP verdict: SOCKET_FILTER in fastpath's counters).
 *
 * --listen PORT=plugin,path=feed.so[,arg=SOURCES]  (SOURCES: per lcore,
 * a power of two, default 1024; a full table forgets the oldest source)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fastpath/handler.h>

enum { C_MESSAGES, C_BODY_BYTES, C_GAPS, C_LOST, C_LATE, C_MALFORMED, C_SOURCES };
static const char *const counters[] = { "messages", "body_bytes", "gaps", "lost",
	"late", "malformed", "sources", NULL };

struct conf {
	uint32_t sources;            /* table size, a power of two */
};

struct source {
	uint8_t used;
	uint8_t family;
	uint16_t port;
	uint8_t addr[16];
	uint32_t next;               /* the sequence number expected */
};

struct state {
	uint32_t mask;
	struct source s[];
};

static int
feed_init(const char *arg, void **conf, char *err, size_t errlen)
{
	struct conf *c = calloc(1, sizeof(*c));
	char *end;
	unsigned long n = 1024;

	if (c == NULL)
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	if (arg[0] != '\0') {
		n = strtoul(arg, &end, 10);
		if (*end != '\0' || n < 16 || n > (1u << 20) || (n & (n - 1)) != 0) {
			free(c);
			snprintf(err, errlen,
				"arg=%s: expected the sources per lcore, a power of two from 16 to 1048576",
				arg);
			return -EINVAL;
		}
	}
	c->sources = (uint32_t)n;
	*conf = c;
	return 0;
}

static int
feed_lcore_init(const void *conf, unsigned int lcore, void **state)
{
	const struct conf *c = conf;
	struct state *st = calloc(1, sizeof(*st) + c->sources * sizeof(struct source));

	(void)lcore;
	if (st == NULL)
		return -ENOMEM;
	st->mask = c->sources - 1;
	*state = st;
	return 0;
}

static uint32_t
hash(const struct fp_dgram *d)
{
	uint32_t h = 2166136261u ^ d->sport;   /* FNV-1a over the source */
	unsigned int i, n = d->family == 4 ? 4 : 16;

	for (i = 0; i < n; i++)
		h = (h ^ d->src[i]) * 16777619u;
	return h;
}

static struct source *
lookup(struct state *st, const struct fp_dgram *d, uint64_t *counters)
{
	struct source *s = &st->s[hash(d) & st->mask];
	unsigned int n = d->family == 4 ? 4 : 16;

	if (s->used && s->family == d->family && s->port == d->sport &&
			memcmp(s->addr, d->src, n) == 0)
		return s;
	/* new, or a different source in the slot: it takes the slot */
	memset(s, 0, sizeof(*s));
	s->used = 1;
	s->family = d->family;
	s->port = d->sport;
	memcpy(s->addr, d->src, n);
	counters[C_SOURCES]++;
	return s;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The messages fill the datagram exactly. */
static int
framed(const uint8_t *p, uint32_t len)
{
	uint32_t off = 0;

	while (off < len) {
		uint32_t mlen;

		if (len - off < 6)
			return 0;
		mlen = (uint32_t)p[off] << 8 | p[off + 1];
		if (mlen < 6 || mlen > len - off)
			return 0;
		off += mlen;
	}
	return 1;
}

/* Account the messages of a well-framed datagram from source s. */
static void
account(struct source *s, const uint8_t *p, uint32_t len, uint64_t *counters,
		int fresh)
{
	uint32_t off = 0;

	while (off < len) {
		uint32_t mlen = (uint32_t)p[off] << 8 | p[off + 1];
		uint32_t seq = get32(p + off + 2);

		if (fresh) {
			fresh = 0;
			s->next = seq + 1;
		} else if (seq == s->next) {
			s->next = seq + 1;
		} else if ((int32_t)(seq - s->next) > 0) {
			counters[C_GAPS]++;
			counters[C_LOST] += seq - s->next;
			s->next = seq + 1;
		} else {
			counters[C_LATE]++;     /* does not move the stream back */
		}
		counters[C_MESSAGES]++;
		counters[C_BODY_BYTES] += mlen - 6;
		off += mlen;
	}
}

static void
feed_burst(void *lcore_state, const void *conf, const struct fp_dgram_batch *b,
		struct fp_dgram *d, uint16_t n, uint8_t *verdicts)
{
	struct state *st = lcore_state;
	uint64_t *counters = b->counters;
	uint16_t i;

	(void)conf;
	for (i = 0; i < n; i++) {
		uint64_t before = counters[C_SOURCES];
		struct source *s;

		/* a reassembled datagram may span segments: this handler
		 * reads contiguous datagrams only */
		if (d[i].seg_len != d[i].len || !framed(d[i].payload, d[i].len)) {
			counters[C_MALFORMED]++;
			verdicts[i] = FP_VERDICT_DROP;
			continue;
		}
		s = lookup(st, &d[i], counters);
		account(s, d[i].payload, d[i].len, counters,
			counters[C_SOURCES] != before);   /* consumed */
	}
}

static void
feed_lcore_fini(void *lcore_state, const void *conf)
{
	(void)conf;
	free(lcore_state);
}

static void
feed_fini(void *conf)
{
	free(conf);
}

static const struct fp_handler feed = {
	.abi_version = FP_HANDLER_ABI_VERSION,
	.name = "feed",
	.counter_names = counters,
	.init = feed_init,
	.lcore_init = feed_lcore_init,
	.burst = feed_burst,
	.lcore_fini = feed_lcore_fini,
	.fini = feed_fini,
};

const struct fp_handler *fastpath_handler(void);

const struct fp_handler *
fastpath_handler(void)
{
	return &feed;
}
