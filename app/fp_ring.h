/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_RING_H
#define FP_RING_H

/* Ring listeners: the rings consumer processes read (fp_ring.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fp_app;
struct fp_listener;

/* A ring listener's state, as telemetry and the final report show it. */
struct fp_ring_status {
	uint64_t rx_queue;        /* datagrams waiting on the ring */
	uint64_t size;            /* what the ring holds */
	int32_t consumer;         /* the attached consumer's pid, 0: none */
	uint64_t dequeued;        /* taken off the ring by consumers */
	uint64_t released;        /* of those, released by consumers */
	uint64_t orphaned;        /* held by consumers that died (given back) */
	uint64_t deaths;          /* consumers found dead while attached */
	uint64_t attaches;
};

/* Before the lcores are planned: the listeners' handler and lock file.
 * -EINVAL (one line) for a --no-huge run. */
int fp_rings_setup(struct fp_app *a, char *err, size_t errlen);
/* Once the lcores are planned, before any port starts: the rings (single
 * producer when one lcore polls) and their memzones. */
int fp_rings_create(struct fp_app *a, char *err, size_t errlen);
/* l's ring status (a dead consumer is detected here; name for the log);
 * false when l is not a ring listener. */
bool fp_ring_read(const struct fp_listener *l, const char *name,
		struct fp_ring_status *st);
/* Before EAL: EAL options (argv[1..argc)) no consumer can live with
 * (--huge-unlink, --in-memory) when a ring listener is configured. */
struct fp_listen_table;
int fp_rings_eal_args(const struct fp_listen_table *t, int argc, char **argv,
		char *err, size_t errlen);
/* Look for dead consumers (from housekeeping, once a second). */
void fp_rings_check(struct fp_app *a);
/* After the lcores stopped: tell consumers, wait up to 2 s for them to
 * detach, free the mbufs of what waits on the rings or was released; a
 * consumer still attached keeps its ring and what it holds or could
 * still take (logged). */
void fp_rings_drain(struct fp_app *a);
/* A consumer still attached after fp_rings_drain: it may read fastpath's
 * mempools still (leave them). */
bool fp_rings_abandoned(const struct fp_app *a);
void fp_rings_free(struct fp_app *a);

#endif /* FP_RING_H */
