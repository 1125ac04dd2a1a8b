/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * first8: the smallest useful handler, and the benchmark's: it reads the
 * first 8 bytes of every datagram's payload (summed into a per-lcore
 * value, so the read cannot be optimised away) and consumes it.
 *
 * --listen PORT=plugin,path=first8.so
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <fastpath/handler.h>

static const char *const counters[] = { "short", NULL };

struct state {
	uint64_t sum;
};

static int
first8_lcore_init(const void *conf, unsigned int lcore, void **state)
{
	(void)conf;
	(void)lcore;
	*state = calloc(1, sizeof(struct state));
	return *state == NULL ? -1 : 0;
}

static void
first8_burst(void *lcore_state, const void *conf, const struct fp_dgram_batch *b,
		struct fp_dgram *d, uint16_t n, uint8_t *verdicts)
{
	struct state *st = lcore_state;
	uint64_t sum = 0, short_ = 0;
	uint16_t i;

	(void)conf;
	(void)verdicts;                 /* they start as CONSUMED */
	/* sums in locals, stored once: adding to st->sum and the counter in
	 * memory per datagram would chain every iteration through a store */
	for (i = 0; i < n; i++) {
		uint64_t w = 0;

		if (d[i].seg_len >= 8)
			memcpy(&w, d[i].payload, 8);
		else
			short_++;
		sum += w;
	}
	st->sum += sum;
	b->counters[0] += short_;
}

static void
first8_lcore_fini(void *lcore_state, const void *conf)
{
	(void)conf;
	free(lcore_state);
}

static const struct fp_handler first8 = {
	.abi_version = FP_HANDLER_ABI_VERSION,
	/* reads the payload only */
	.view_skip = FP_VIEW_SKIP_ADDRS | FP_VIEW_SKIP_REPLY,
	.name = "first8",
	.counter_names = counters,
	.lcore_init = first8_lcore_init,
	.burst = first8_burst,
	.lcore_fini = first8_lcore_fini,
};

const struct fp_handler *fastpath_handler(void);

const struct fp_handler *
fastpath_handler(void)
{
	return &first8;
}
