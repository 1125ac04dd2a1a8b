/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FASTPATH_RECV_H
#define FASTPATH_RECV_H

/*
 * libfastpath-recv: read a ring listener (--listen PORT=ring,name=NAME)
 * of a running fastpath from another process, zero copy — the socket
 * receive queue's contract without the kernel.
 *
 *   struct fp_recv *r = fp_recv_open("fastpath", "feed", err, sizeof(err));
 *   struct fp_dgram d[32];
 *   for (;;) {
 *       unsigned int n = fp_recv_burst(r, d, 32);
 *       for (unsigned int i = 0; i < n; i++)
 *           use(d[i].payload, d[i].len);   // views as handlers get them
 *       fp_recv_release(r, d, n);          // back to fastpath
 *   }
 *
 * The process becomes a DPDK secondary of fastpath (its --file-prefix):
 * fastpath must run with hugepages. One consumer per ring: a second is
 * refused while the first lives. Rules: release every datagram you took,
 * soon and best in the order taken (the mbuf is fastpath's pool's and
 * goes back to it in ring order: one kept holds back those released after
 * it, and they count against the ring's size; a view is valid until it is
 * released); never write to a frame; release from the thread that called
 * fp_recv_burst (or serialise). A consumer that dies holding datagrams
 * loses nothing: fastpath notices, takes their mbufs back, counts them
 * ("orphaned" in /fastpath/udp) and lets the next consumer attach.
 * Datagrams wait on the ring meanwhile; when it is full fastpath drops and
 * counts them as the kernel does a full socket buffer (Udp RcvbufErrors).
 * Order: a flow's datagrams stay in order when RSS keeps the flow on one
 * rx queue; datagrams of different lcores interleave.
 */
#include <stddef.h>

#include <fastpath/handler.h>

#ifdef __cplusplus
extern "C" {
#endif

struct fp_recv;

/*
 * Attach to fastpath's ring NAME (file_prefix: fastpath's --file-prefix,
 * NULL for DPDK's default "rte"). Initialises DPDK in this process as a
 * secondary the first time. NULL with one line in err on failure.
 */
struct fp_recv *fp_recv_open(const char *file_prefix, const char *name,
		char *err, size_t errlen);

/* Up to n datagrams waiting on the ring, as views (reply fields 0);
 * returns how many, 0 when none waits (it does not block). */
unsigned int fp_recv_burst(struct fp_recv *r, struct fp_dgram *d,
		unsigned int n);

/* Give d[0..n) back to fastpath (their views end; a view released
 * already, mbuf NULL, is skipped — never release a copy of one). In the
 * order taken it costs a store; out of order, a search among those held. */
void fp_recv_release(struct fp_recv *r, struct fp_dgram *d, unsigned int n);

/* Non-zero once fastpath is stopping (FP_RECV_STOPPING) or gone without
 * stopping — killed, crashed (FP_RECV_GONE, looked at every 100 ms):
 * fp_recv_burst returns nothing more; release what you hold,
 * fp_recv_close, and end the process (it holds fastpath's memory, and in
 * DPDK 22.11 a secondary cannot attach to a new primary: a fastpath with
 * the same prefix cannot start while it lives). */
#define FP_RECV_STOPPING 1
#define FP_RECV_GONE 2
int fp_recv_closed(const struct fp_recv *r);

/* Datagrams taken and not yet released. */
unsigned long long fp_recv_held(const struct fp_recv *r);

/* Release what is still held and detach (another consumer may attach).
 * DPDK stays initialised (in DPDK 22.11 a
 * secondary's rte_eal_cleanup() would remove the primary's devices). */
void fp_recv_close(struct fp_recv *r);

#ifdef __cplusplus
}
#endif

#endif /* FASTPATH_RECV_H */
