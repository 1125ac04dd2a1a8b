/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fastpath-recv: read a ring listener of a running fastpath, like
 * `nc -u -l` or `tcpdump -w` for a socket: a per-second rate (and
 * sequence gaps), the frames to a pcap file, or the payloads to stdout so
 * that a program in any language can read a listener through a pipe.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_mbuf.h>

#include <fastpath/recv.h>

#define BURST 64
#define SOURCES 4096                   /* sources tracked by --seq */

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: fastpath-recv [-f PREFIX] [-n COUNT] [-t SECONDS] [-q] [-p USEC]\n"
		"                     [-s OFFSET,SIZE] [-w FILE] [-o lines|len] NAME\n"
		"Read fastpath's ring listener NAME (--listen PORT=ring,name=NAME).\n"
		"  -f PREFIX   fastpath's --file-prefix (default: fastpath)\n"
		"  -n COUNT    stop after COUNT datagrams\n"
		"  -t SECONDS  stop after SECONDS\n"
		"  -q          no per-second line (the totals still end the run)\n"
		"  -p USEC     busy-poll: once the ring is empty, keep polling for USEC\n"
		"              microseconds before sleeping between polls (default 0:\n"
		"              sleep at once, 20 us a poll); a CPU at 100%% under load\n"
		"  -s OFF,SIZE sequence numbers: SIZE (4 or 8) bytes, big-endian, at\n"
		"              payload offset OFF, per source: gaps and lost\n"
		"  -w FILE     write the datagrams' frames to a pcap file\n"
		"  -o lines    write each payload to stdout, then a newline\n"
		"  -o len      write each payload to stdout after its length\n"
		"              (4 bytes, big-endian)\n"
		"Per-second and final lines go to stderr. Exit status 0; 1 when\n"
		"fastpath ended without stopping or an output could not be written;\n"
		"2 for a bad option or when it cannot attach (fastpath not running,\n"
		"no such ring, a consumer already attached).\n");
}

struct source {
	uint8_t key[19];                   /* family, address, port */
	uint8_t used;
	uint64_t next;
};

struct seqstat {
	unsigned int off, size;
	uint64_t gaps, lost, late, sources;
	struct source s[SOURCES];
};

static void
seq_track(struct seqstat *q, const struct fp_dgram *d)
{
	uint8_t key[19] = { d->family };
	unsigned int alen = d->family == 4 ? 4 : 16, h = 2166136261u, i, k;
	uint64_t v = 0;

	if (q->off + q->size > d->seg_len)
		return;
	for (k = 0; k < q->size; k++)
		v = v << 8 | d->payload[q->off + k];
	memcpy(key + 1, d->src, alen);
	key[17] = (uint8_t)(d->sport >> 8);
	key[18] = (uint8_t)d->sport;
	for (i = 0; i < sizeof(key); i++)
		h = (h ^ key[i]) * 16777619u;
	for (i = 0; i < SOURCES; i++) {
		struct source *s = &q->s[(h + i) % SOURCES];

		if (!s->used) {
			s->used = 1;
			memcpy(s->key, key, sizeof(key));
			s->next = v + 1;
			q->sources++;
			return;
		}
		if (memcmp(s->key, key, sizeof(key)) != 0)
			continue;
		if (v > s->next) {
			q->gaps++;
			q->lost += v - s->next;
		} else if (v < s->next) {
			q->late++;
			return;
		}
		s->next = v + 1;
		return;
	}
}

static int
pcap_open(const char *path, FILE **f)
{
	static const uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };

	*f = fopen(path, "wb");
	if (*f == NULL || fwrite(hdr, sizeof(hdr), 1, *f) != 1)
		return -1;
	return 0;
}

static void
pcap_write(FILE *f, const struct fp_dgram *d)
{
	struct rte_mbuf *m = d->mbuf;
	struct timespec ts;
	uint32_t rec[4];

	clock_gettime(CLOCK_REALTIME, &ts);
	rec[0] = (uint32_t)ts.tv_sec;
	rec[1] = (uint32_t)(ts.tv_nsec / 1000);
	rec[2] = rec[3] = m->pkt_len;
	fwrite(rec, sizeof(rec), 1, f);
	for (; m != NULL; m = m->next)
		fwrite(rte_pktmbuf_mtod(m, void *), m->data_len, 1, f);
}

/* The payload, whole (a reassembled datagram may span segments). */
static void
payload_write(const struct fp_dgram *d, int len_prefix)
{
	const struct rte_mbuf *m = d->mbuf;
	uint32_t left = d->len, n;

	if (len_prefix) {
		uint32_t be = htonl(d->len);

		fwrite(&be, 4, 1, stdout);
	}
	fwrite(d->payload, d->seg_len, 1, stdout);
	left -= d->seg_len;
	for (m = m->next; m != NULL && left != 0; m = m->next) {
		n = m->data_len < left ? m->data_len : left;
		fwrite(rte_pktmbuf_mtod(m, const void *), n, 1, stdout);
		left -= n;
	}
	if (!len_prefix)
		fputc('\n', stdout);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	const char *prefix = "fastpath", *wpath = NULL, *name;
	unsigned long long count = 0, total = 0, bytes = 0, last_total = 0, polls = 0;
	double seconds = 0, start, last, idle_since = 0, busy = 0;
	int quiet = 0, out = 0, status = 0, c;
	struct seqstat *seq = NULL;
	struct fp_dgram d[BURST];
	FILE *pcap = NULL;
	struct fp_recv *r;
	char err[256];

	while ((c = getopt(argc, argv, "f:n:t:qp:s:w:o:h")) != -1) {
		switch (c) {
		case 'f': prefix = optarg; break;
		case 'n': {
			char *end;

			errno = 0;
			count = strtoull(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0' ||
					errno != 0 || count == 0) {
				fprintf(stderr, "fastpath-recv: -n: expected a count of datagrams, 1 or more\n");
				return 2;
			}
			break;
		}
		case 't': {
			char *end;

			seconds = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || !(seconds > 0) ||
					seconds > 1e9) {
				fprintf(stderr, "fastpath-recv: -t: expected seconds, more than 0\n");
				return 2;
			}
			break;
		}
		case 'q': quiet = 1; break;
		case 'p': {
			char *end;
			unsigned long us = strtoul(optarg, &end, 10);

			if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0' ||
					us > 10000000) {
				fprintf(stderr, "fastpath-recv: -p: expected microseconds, 0 to 10000000\n");
				return 2;
			}
			busy = us / 1e6;
			break;
		}
		case 's': {
			unsigned int off, size;

			if (sscanf(optarg, "%u,%u", &off, &size) != 2 ||
					(size != 4 && size != 8) || off > 65535) {
				fprintf(stderr, "fastpath-recv: -s: expected OFFSET,4 or OFFSET,8\n");
				return 2;
			}
			seq = calloc(1, sizeof(*seq));
			if (seq == NULL)
				return 1;
			seq->off = off;
			seq->size = size;
			break;
		}
		case 'w': wpath = optarg; break;
		case 'o':
			if (strcmp(optarg, "lines") == 0)
				out = 1;
			else if (strcmp(optarg, "len") == 0)
				out = 2;
			else {
				fprintf(stderr, "fastpath-recv: -o: expected lines or len\n");
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	name = argv[optind];
	r = fp_recv_open(prefix, name, err, sizeof(err));
	if (r == NULL) {
		fprintf(stderr, "fastpath-recv: %s\n", err);
		return 2;
	}
	if (wpath != NULL && pcap_open(wpath, &pcap) != 0) {
		fprintf(stderr, "fastpath-recv: %s: %s\n", wpath, strerror(errno));
		fp_recv_close(r);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, on_signal);
	start = last = now_s();
	while (!stop && (count == 0 || total < count)) {
		unsigned int want = BURST, n, i;
		double t;

		c = fp_recv_closed(r);
		if (c != 0) {
			fprintf(stderr, "fastpath-recv: %s: %s\n", name, c == FP_RECV_GONE ?
				"fastpath is gone (it ended without stopping)" :
				"fastpath is stopping");
			status = c == FP_RECV_GONE ? 1 : 0;
			break;
		}
		if (count != 0 && count - total < want)
			want = (unsigned int)(count - total);
		n = fp_recv_burst(r, d, want);
		for (i = 0; i < n; i++) {
			bytes += d[i].len;
			if (seq != NULL)
				seq_track(seq, &d[i]);
			if (pcap != NULL)
				pcap_write(pcap, &d[i]);
			if (out != 0)
				payload_write(&d[i], out == 2);
		}
		fp_recv_release(r, d, n);
		total += n;
		/* the clock: on an empty poll, or every 64 bursts */
		if (n != 0) {
			idle_since = 0;
			if (++polls % 64 != 0)
				continue;
		}
		t = now_s();
		if (n == 0) {
			/* empty: poll on for -p, then sleep between polls */
			if (idle_since == 0)
				idle_since = t;
			if (t - idle_since >= busy)
				usleep(20);
		}
		if (seconds > 0 && t - start >= seconds)
			break;
		if (t - last >= 1.0) {
			if (!quiet && seq == NULL)
				fprintf(stderr, "fastpath-recv: %s: %.0f datagrams/s, total %llu\n",
					name, (total - last_total) / (t - last), total);
			else if (!quiet)
				fprintf(stderr, "fastpath-recv: %s: %.0f datagrams/s, total %llu, sources %llu, gaps %llu, lost %llu\n",
					name, (total - last_total) / (t - last), total,
					(unsigned long long)seq->sources,
					(unsigned long long)seq->gaps,
					(unsigned long long)seq->lost);
			last = t;
			last_total = total;
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "fastpath-recv: stdout: %s\n", strerror(errno));
		status = 1;
	}
	if (pcap != NULL && (fflush(pcap) != 0 || ferror(pcap) || fclose(pcap) != 0)) {
		fprintf(stderr, "fastpath-recv: %s: %s\n", wpath, strerror(errno));
		status = 1;
	}
	fprintf(stderr, "fastpath-recv: %s: received %llu datagrams, %llu payload bytes in %.1f s",
		name, total, bytes, now_s() - start);
	if (seq != NULL)
		fprintf(stderr, "; sources %llu, gaps %llu, lost %llu, late %llu",
			(unsigned long long)seq->sources, (unsigned long long)seq->gaps,
			(unsigned long long)seq->lost, (unsigned long long)seq->late);
	fputc('\n', stderr);
	fp_recv_close(r);
	free(seq);
	return status;
}
