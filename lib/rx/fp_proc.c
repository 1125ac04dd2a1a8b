/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The burst: every packet walks the stages from one table (each stage
 * returns the next edge, none calls another), datagrams for listeners are
 * handed to their handlers once per burst and listener, then every frame
 * is settled in arrival order and the burst's counters are posted once.
 */
#include <limits.h>

#include <rte_prefetch.h>

#include "fp_handlers.h"
#include "fp_reply.h"
#include "fp_rx.h"
#include "fp_udp.h"

/* Packets ahead whose headers are prefetched: about one L2-miss latency
 * of processing (DPDK's l3fwd uses 3). */
#define PREFETCH_AHEAD 3

typedef enum fp_edge (*stage_fn)(struct fp_proc_ctx *ctx, struct fp_pkt *p);

static const stage_fn stages[FP_E_NB_STAGES] = {
	[FP_E_L2] = fp_rx_l2,
	[FP_E_ARP] = fp_rx_arp,
	[FP_E_IP4] = fp_rx_ipv4,
	[FP_E_IP6] = fp_rx_ipv6,
	[FP_E_L4] = fp_rx_l4,
	[FP_E_UDP] = fp_rx_udp,
	[FP_E_TCP] = fp_rx_tcp,
	[FP_E_ICMP] = fp_rx_icmp,
	[FP_E_ICMP6] = fp_rx_icmp6,
	[FP_E_UDPLITE] = fp_rx_udplite,
};

/* The packets of the burst being processed (one burst at a time per
 * thread), and the views handed to handlers. */
static __thread struct fp_pkt pk[FP_BURST_MAX];
static __thread struct fp_dgram views[FP_BURST_MAX];
static __thread uint16_t view_pkt[FP_BURST_MAX];
static __thread uint8_t verdicts[FP_BURST_MAX];

void
fp_proc_ctx_init(struct fp_proc_ctx *ctx, struct fp_lcore_stats *ls,
		const struct fp_rx_conf *conf, struct fp_seq_table *seq)
{
	unsigned int i;

	memset(ctx, 0, sizeof(*ctx));
	ctx->lstats = ls;
	ctx->conf = conf;
	for (i = 0; i < conf->listen.n; i++)
		if (conf->listen.l[i].action == FP_ACT_SEQ)
			ctx->hstate[i] = seq;
}

/* Post the burst's counters into the lcore's, once, and clear them. */
static void
post(struct fp_proc_ctx *ctx)
{
	struct fp_lcore_stats *ls = ctx->lstats;
	uint64_t t;

	_Static_assert(RTE_DIM(ctx->bc.dirty) <= 32, "a bit per dirty word");
	_Static_assert(FP_BC_SNMP == 0 && FP_BC_DROP == FP_SNMP_MAX &&
		offsetof(struct fp_lcore_stats, drop_reason) ==
		offsetof(struct fp_lcore_stats, snmp) + FP_SNMP_MAX * 8,
		"a burst's count index is the lcore's by_index");
	for (; ctx->bc.words != 0; ctx->bc.words &= ctx->bc.words - 1) {
		unsigned int w = (unsigned int)__builtin_ctz(ctx->bc.words);
		uint64_t d = ctx->bc.dirty[w];

		while (d != 0) {
			unsigned int c = w * 64 + (unsigned int)__builtin_ctzll(d);

			FP_STAT_ADD(ls->by_index[c], ctx->bc.v[c]);
			ctx->bc.v[c] = 0;
			d &= d - 1;
		}
		ctx->bc.dirty[w] = 0;
	}
	for (t = ctx->touched; t != 0; t &= t - 1) {
		unsigned int id = (unsigned int)__builtin_ctzll(t);
		struct fp_burst_listener *b = &ctx->bl[id];
		struct fp_listener_stats *s = &ls->listener[id];

		if (b->datagrams != 0)
			FP_STAT_ADD(s->datagrams, b->datagrams);
		if (b->bytes != 0)
			FP_STAT_ADD(s->bytes, b->bytes);
		if (b->drops != 0)
			FP_STAT_ADD(s->drops, b->drops);
		if (b->echoed != 0)
			FP_STAT_ADD(s->echoed, b->echoed);
		memset(b, 0, sizeof(*b));
	}
	ctx->touched = 0;
}

static inline void
drop_frames(struct fp_proc_ctx *ctx, struct fp_burst *out,
		enum fp_drop_reason reason, uint16_t frames)
{
	fp_bc_add(ctx, FP_BC_DROP + reason, frames);
	out->drops += frames;
	if (fp_drop_is_resource(reason))
		out->res_drops += frames;
}

void
fp_proc_count_drop(struct fp_proc_ctx *ctx, struct fp_burst *out,
		enum fp_drop_reason reason, uint16_t frames)
{
	drop_frames(ctx, out, reason, frames);
	post(ctx);
}

/* The view a handler gets of listener datagram p. */
static void
make_view(const struct fp_pkt *p, struct fp_dgram *v)
{
	const uint8_t *u = fp_pkt_l4(p);
	uint32_t seg = fp_pkt_l4_seg(p);

	v->payload = (uint8_t *)u + 8;
	v->len = p->l4_len - 8;
	v->seg_len = seg > 8 ? seg - 8 : 0;
	v->reply_len = v->len;
	/* in place, to the end of the first segment's buffer */
	v->reply_room = p->m->nb_segs == 1 ? (uint32_t)(p->m->buf_len -
			p->m->data_off) - (uint32_t)(u + 8 - p->l2) : 0;
	v->src = p->src;
	v->dst = p->dst;
	v->sport = fp_get16(u);
	v->dport = fp_get16(u + 2);
	v->family = p->family;             /* FP_AF_INET is 4, FP_AF_INET6 6 */
	v->cast = p->ip_cast;
	v->frames = p->frames;
	v->mbuf = p->m;
}

static void fast_fill(struct fp_pkt *p);

/*
 * Apply a verdict other than CONSUMED to listener datagram p (view d).
 * Every datagram of a listener was counted delivered when it was taken
 * (Udp InDatagrams, the listener's datagrams and bytes, in the burst's
 * counts); a drop takes that back. Returns whether p is no longer
 * delivered.
 */
static bool
apply(struct fp_proc_ctx *ctx, struct fp_pkt *p, uint8_t v,
		const struct fp_dgram *d)
{
	struct fp_burst_listener *b = &ctx->bl[p->listener];
	uint32_t reply_len = 0, reply_room = 0;

	if (v == FP_VERDICT_DROP_FULL || v == FP_VERDICT_DROP) {
		b->datagrams--;
		b->bytes -= d->len;
		ctx->bc.v[FP_BC_SNMP + (p->family == FP_AF_INET ?
				FP_SNMP_Udp_InDatagrams : FP_SNMP_Udp6_InDatagrams)]--;
		b->drops++;
		UDP_INC(ctx, p, InErrors);
		if (v == FP_VERDICT_DROP_FULL) {
			/* a full socket buffer: __udp_queue_rcv_skb's ENOMEM */
			UDP_INC(ctx, p, RcvbufErrors);
			p->edge = fp_drop(p, FP_DROP_SOCKET_RCVBUFF);
		} else {
			/* udp_queue_rcv_one_skb's socket filter path */
			p->edge = fp_drop(p, FP_DROP_SOCKET_FILTER);
		}
		return true;
	}
	if (v == FP_VERDICT_TAKEN) {
		p->edge = FP_E_TAKEN;         /* delivered; not ours to free */
		return false;                 /* counted by the caller */
	}
	if (v != FP_VERDICT_REPLY)
		return false;                 /* an unknown verdict consumes */
	if (!p->filled)
		fast_fill(p);
	if (p->ip_cast != FP_CAST_UNICAST)
		return false;                 /* consumed, not answered */
	if (fp_handler_of(&ctx->conf->listen.l[p->listener])->view_skip &
			FP_VIEW_SKIP_REPLY) {
		/* no reply fields: an echo, within the first segment */
		reply_len = d->len;
		reply_room = p->m->nb_segs == 1 ? d->seg_len : 0;
	} else {
		reply_len = d->reply_len;
		reply_room = d->reply_room;
	}
	/* single frames only, within the room and the MTU: fastpath does
	 * not fragment replies */
	if (p->m->nb_segs != 1 || reply_len > reply_room ||
			p->l3_len + 8 + reply_len > ctx->conf->port[ctx->port].mtu) {
		b->drops++;
		p->edge = fp_drop(p, FP_DROP_PKT_TOO_BIG);
		return true;
	}
	fp_reply_udp(ctx, p, reply_len);
	p->meta.kind = p->family == FP_AF_INET ? FP_TX_UDP4_ECHO : FP_TX_UDP6_ECHO;
	p->meta.listener = p->listener;
	p->edge = FP_E_TX;
	return true;
}

/*
 * Which packet each view is of: the packets with views are those whose
 * edge is FP_E_LISTENER, in arrival order, as the views. Found only when
 * needed (several listeners, or a verdict other than CONSUMED), before
 * any verdict moves an edge.
 */
static void
map_views(uint16_t n)
{
	uint16_t i, k = 0;

	for (i = 0; i < n; i++)
		if (pk[i].edge == FP_E_LISTENER)
			view_pkt[k++] = i;
}

/*
 * Hand every listener with a burst function its datagrams of the burst
 * (n packets, nv views), as one vector, and apply the verdicts. The views
 * were made in arrival order; with one listener they already are its
 * vector, else each listener's are gathered. Verdicts start as CONSUMED
 * (0) and are put back to 0 once applied, so most bursts only read them,
 * eight at a time. Returns how many datagrams were not simply delivered;
 * *taken counts those a handler took (they are delivered, and not freed).
 */
static __rte_noinline uint32_t
run_handlers(struct fp_proc_ctx *ctx, uint16_t n, uint16_t nv,
		uint64_t listeners, uint16_t *taken)
{
	/* eight TAKEN verdicts: a ring's usual word */
	const uint64_t taken8 = 0x0101010101010101ull * FP_VERDICT_TAKEN;
	static __thread struct fp_dgram gathered[FP_BURST_MAX];
	static __thread uint16_t gpk[FP_BURST_MAX];
	const struct fp_listen_table *t = &ctx->conf->listen;
	const bool several = (listeners & (listeners - 1)) != 0;
	/* every packet has a view, of one listener: view j is packet j */
	const bool identity = !several && nv == n;
	bool mapped = several || identity;
	uint32_t other = 0;

	if (several)
		map_views(n);

	for (; listeners != 0; listeners &= listeners - 1) {
		unsigned int id = (unsigned int)__builtin_ctzll(listeners);
		const struct fp_listener *l = &t->l[id];
		const struct fp_handler *h = fp_handler_of(l);
		const char *const *names = fp_handler_counters(h);
		struct fp_listener_stats *ls = &ctx->lstats->listener[id];
		uint64_t counters[FP_HANDLER_MAX_COUNTERS];
		const struct fp_dgram_batch batch = {
			.timestamp = ctx->now, .counters = counters,
			.rx_port = ctx->port, .rx_queue = ctx->queue,
			.lcore = ctx->lcore, .listener = (uint16_t)id,
		};
		struct fp_dgram *v = views;
		const uint16_t *vp = view_pkt;
		uint16_t k, j, m = nv, nc;

		if (several) {
			/* more than one listener: this one's views, in order */
			m = 0;
			for (k = 0; k < nv; k++)
				if (pk[view_pkt[k]].listener == id) {
					gathered[m] = views[k];
					gpk[m++] = view_pkt[k];
				}
			v = gathered;
			vp = gpk;
		}
		/* its own counters only (the plugin loader checked the names) */
		for (nc = 0; nc < FP_HANDLER_MAX_COUNTERS && names[nc] != NULL; nc++)
			counters[nc] = 0;
		h->burst(ctx->hstate[id],
				l->handler != NULL ? l->hconf : l, &batch, v, m,
				verdicts);
		for (k = 0; k < m; k += 8) {
			uint64_t w;

			memcpy(&w, verdicts + k, sizeof(w));
			if (likely(w == 0))
				continue;
			if (!mapped) {
				map_views(n);
				mapped = true;
			}
			if (w == taken8 && k + 8 <= m) {
				/* eight datagrams the handler owns now */
				for (j = k; j < k + 8; j++)
					pk[identity ? j : vp[j]].edge = FP_E_TAKEN;
				memset(verdicts + k, FP_VERDICT_CONSUMED, 8);
				*taken += 8;
				continue;
			}
			for (j = k; j < RTE_MIN(m, (uint16_t)(k + 8)); j++)
				if (verdicts[j] != FP_VERDICT_CONSUMED) {
					*taken += verdicts[j] == FP_VERDICT_TAKEN;
					other += apply(ctx, &pk[identity ? j : vp[j]],
							verdicts[j], &v[j]);
					verdicts[j] = FP_VERDICT_CONSUMED;
				}
		}
		for (k = 0; k < nc; k++)
			if (counters[k] != 0)
				FP_STAT_ADD(ls->counters[k], counters[k]);
	}
	return other;
}

static __rte_always_inline uint64_t
load32(const uint8_t *p)
{
	uint32_t w;

	memcpy(&w, p, 4);
	return w;
}

/*
 * The fast path's IPv4 header and UDP checksums (the datagram, ulen bytes
 * at u, in the first segment): the PMD's word where it gave one, else
 * computed, the addresses summed once for both (the header's and the
 * pseudo header's).
 */
static __rte_always_inline bool
csums_ok(const struct rte_mbuf *m, const uint8_t *ip, const uint8_t *u,
		uint32_t ulen)
{
	uint64_t ipf = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	uint64_t addrs = load32(ip + 12) + load32(ip + 16), acc;
	int l4;

	if (ipf == RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return false;
	/* (sums here are never 0: the header's version, the UDP length) */
	if (ipf != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
			(load32(ip) + load32(ip + 4) + load32(ip + 8) + addrs) % 0xffff != 0)
		return false;
	if (u[6] == 0 && u[7] == 0)
		return true;                  /* IPv4: no checksum sent */
	l4 = fp_l4_offload(m);
	if (l4 >= 0)
		return l4 == 1;
	/* the pseudo header and the UDP header, then the payload */
	acc = addrs + rte_cpu_to_be_16(17) + rte_cpu_to_be_32(ulen) +
		load32(u) + load32(u + 4);
	return fp_sum(u + 8, ulen - 8, acc) % 0xffff == 0;
}

/*
 * The common case in one inlined piece: an untagged IPv4 packet without
 * options, not a fragment, carrying a UDP datagram to a unicast local
 * address and a listener, checksums right. It makes exactly the checks
 * the stages make for such a packet (l2, ipv4, l4, udp), in their order;
 * anything else returns FP_E_L2 having counted nothing, and the stages
 * take the packet from the start. The caller counts Ip InReceives and
 * InDelivers for the packets it took.
 */
/* What the fast path may take on this burst's port: decided once per
 * burst from the configuration. */
enum fast_mode {
	FAST_OFF,        /* FCS kept, or untagged frames filtered: stages only */
	FAST_SINK,       /* any unicast MAC and address */
	FAST_HOST,       /* the port's MAC, a local address */
};

static inline enum fast_mode
fast_mode(const struct fp_proc_ctx *ctx)
{
	const struct fp_rx_conf *c = ctx->conf;

	if (c->port[ctx->port].keep_crc ||
			(c->vlan_filter && !fp_vlan_allowed(c, 0)))
		return FAST_OFF;
	return fp_local_host(&c->local) ? FAST_HOST : FAST_SINK;
}

static __rte_always_inline enum fp_edge
fast_udp4(struct fp_proc_ctx *ctx, struct rte_mbuf *m, struct fp_pkt *p,
		enum fast_mode mode)
{
	const struct fp_rx_conf *c = ctx->conf;
	uint8_t *l2 = rte_pktmbuf_mtod(m, uint8_t *), *ip = l2 + 14, *u = ip + 20;
	uint32_t seg = m->data_len, tot, ulen, dst, src;
	int id;

	/* unicast MAC; ethertype IPv4, version 4, no options, not ECN
	 * capable (the caller counts them all InNoECTPkts): 08 00 45, the
	 * TOS byte's low two bits 0 */
	if (unlikely(seg < 14 + 20 + 8 || (l2[0] & 1) ||
			(load32(l2 + 12) & rte_cpu_to_be_32(0xffffff03)) !=
			rte_cpu_to_be_32(0x08004500) ||
			mode == FAST_OFF))
		return FP_E_L2;
	tot = fp_get16(ip + 2);
	if (unlikely(tot < 20 + 8 || m->pkt_len - 14 < tot || ip[9] != 17 ||
			(fp_get16(ip + 6) & 0x3fff) != 0))   /* MF or offset */
		return FP_E_L2;
	if (mode == FAST_HOST) {
		/* to our MAC and a local unicast address (never multicast nor
		 * a broadcast address: fp_local_add refuses those), from a
		 * source that is not martian: not 0.0.0.0, 127/8, 224/3
		 * (route_input in fp_rx_ip4.c says which) nor ours */
		memcpy(&dst, ip + 16, 4);
		memcpy(&src, ip + 12, 4);
		if (memcmp(l2, c->port[ctx->port].mac, 6) != 0 ||
				!fp_local_v4(&c->local, dst) ||
				src == 0 || ip[12] >= 224 || ip[12] == 127 ||
				fp_local_v4_own_src(&c->local, src))
			return FP_E_L2;
	} else if (unlikely((ip[16] & 0xf0) == 0xe0 ||
			load32(ip + 16) == UINT32_MAX)) {
		return FP_E_L2;               /* multicast or broadcast */
	}
	ulen = fp_get16(u + 4);
	if (unlikely(ulen < 8 || ulen > tot - 20 || seg < 14 + 20 + ulen))
		return FP_E_L2;
	id = fp_listen_lookup(&c->listen, FP_AF_INET, ip + 16, fp_get16(u + 2));
	if (unlikely(id < 0) || !csums_ok(m, ip, u, ulen))
		return FP_E_L2;
	/* what every later step reads; the rest only if a handler needs a
	 * view or a reply (fast_fill) */
	p->m = m;
	p->frames = 1;
	p->released = 0;
	p->l4_len = ulen;
	p->family = FP_AF_INET;
	p->listener = (uint8_t)id;
	p->filled = 0;
	return FP_E_LISTENER;
}

/* The rest of the packet record of a datagram fast_udp4() took. */
static void
fast_fill(struct fp_pkt *p)
{
	uint8_t *l2 = rte_pktmbuf_mtod(p->m, uint8_t *);

	p->l2 = l2;
	p->len = 14u + fp_get16(l2 + 14 + 2);    /* padding is not IP */
	p->seg = RTE_MIN((uint32_t)p->m->data_len, p->len);
	p->l2_len = 14;
	p->l3_len = 20;
	p->proto = 17;
	p->src = l2 + 14 + 12;
	p->dst = l2 + 14 + 16;
	p->ip_cast = FP_CAST_UNICAST;
	p->filled = 1;
}

_Static_assert(FP_AF_INET == 4 && FP_AF_INET6 == 6, "view families are 4 and 6");

/* The view of a datagram fast_udp4() took (Ethernet, IPv4 without
 * options, UDP, all in the first segment: fixed offsets), ulen its UDP
 * length, without going through the record. */
static __rte_always_inline void
fast_view(struct rte_mbuf *m, uint32_t ulen, struct fp_dgram *v, bool lean)
{
	uint8_t *l2 = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = ulen - 8;

	v->payload = l2 + 42;
	v->len = len;
	v->seg_len = len;
	v->mbuf = m;
	if (lean) {
		/* the handler skips addresses and reply fields: only family 4,
		 * unicast, one frame after the (unset) ports */
		uint64_t tail = (uint64_t)4 << 32 |
			(uint64_t)FP_DGRAM_UNICAST << 40 | (uint64_t)1 << 48;

		memcpy(&v->sport, &tail, sizeof(tail));
		return;
	}
	v->src = l2 + 26;
	v->dst = l2 + 30;
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	{
		/* sport, dport, family 4, unicast, one frame: one store. The
		 * ports as read are s_hi s_lo d_hi d_lo; byte-swapped and
		 * turned by 16 bits they are sport, dport in host order. */
		uint32_t w = (uint32_t)load32(l2 + 34);
		uint64_t tail;

		w = rte_bswap32(w);
		tail = (uint64_t)((w >> 16) | (w << 16)) | (uint64_t)4 << 32 |
			(uint64_t)FP_DGRAM_UNICAST << 40 | (uint64_t)1 << 48;
		memcpy(&v->sport, &tail, sizeof(tail));
	}
#else
	v->sport = fp_get16(l2 + 34);
	v->dport = fp_get16(l2 + 36);
	v->family = 4;
	v->cast = FP_DGRAM_UNICAST;
	v->frames = 1;
#endif
	v->reply_room = (uint32_t)(m->buf_len - m->data_off) - 42;
	v->reply_len = len;
}

_Static_assert(offsetof(struct fp_dgram, dport) == offsetof(struct fp_dgram, sport) + 2 &&
	offsetof(struct fp_dgram, family) == offsetof(struct fp_dgram, sport) + 4 &&
	offsetof(struct fp_dgram, cast) == offsetof(struct fp_dgram, sport) + 5 &&
	offsetof(struct fp_dgram, frames) == offsetof(struct fp_dgram, sport) + 6,
	"fast_view writes sport..frames in one store");

/* Datagrams taken at once, for a run of packets to one listener. */
struct take {
	unsigned int id;          /* the listener, UINT_MAX: none */
	bool all;                 /* its handler takes every datagram */
	bool lean;                /* its handler skips addresses and replies */
	uint64_t handlers;        /* listeners whose handler takes views */
	uint32_t n;
	uint32_t v6;
	uint64_t bytes;
};

/* Count the run so far into the burst's counts; start one for id. */
static __rte_noinline void
take_switch(struct fp_proc_ctx *ctx, struct take *t, unsigned int id)
{
	if (t->n != 0) {
		struct fp_burst_listener *b = &ctx->bl[t->id];

		b->datagrams += t->n;
		b->bytes += t->bytes;
		if (t->n != t->v6)
			fp_bc_add(ctx, FP_BC_SNMP + FP_SNMP_Udp_InDatagrams, t->n - t->v6);
		if (t->v6 != 0)
			fp_bc_add(ctx, FP_BC_SNMP + FP_SNMP_Udp6_InDatagrams, t->v6);
		fp_burst_touch(ctx, (int)t->id);
	}
	t->id = id;
	t->all = id < FP_MAX_LISTENERS &&
		fp_handler_of(&ctx->conf->listen.l[id])->burst == NULL;
	t->lean = false;
	if (id < FP_MAX_LISTENERS && !t->all) {
		const uint32_t lean = FP_VIEW_SKIP_ADDRS | FP_VIEW_SKIP_REPLY;

		t->handlers |= 1ull << id;
		t->lean = (fp_handler_of(&ctx->conf->listen.l[id])->view_skip &
				lean) == lean;
	}
	t->n = 0;
	t->v6 = 0;
	t->bytes = 0;
}

static inline void
pkt_init(struct fp_pkt *p, struct rte_mbuf *m)
{
	p->m = m;
	p->l2 = rte_pktmbuf_mtod(m, uint8_t *);
	p->seg = m->data_len;
	p->len = m->pkt_len;
	p->l3_len = 0;
	p->frames = 1;
	p->released = 0;
	p->filled = 1;
	p->tail = NULL;
}

void
fp_proc_burst(struct fp_proc_ctx *ctx, struct rte_mbuf **pkts, uint16_t n,
		struct fp_burst *out)
{
	uint64_t fast_bytes = 0, slow_bytes = 0;
	uint16_t i, nb_free = 0, fast = 0, nv = 0, taken = 0;
	struct fp_dgram *vw = views;         /* a thread-local, addressed once */
	struct take take = { .id = UINT_MAX };
	uint32_t other = 0;      /* packets not simply one frame delivered */
	const enum fast_mode mode = fast_mode(ctx);

	out->nb_tx = 0;
	out->delivered = 0;
	out->drops = 0;
	out->res_drops = 0;
	out->held = 0;
	out->released = 0;
	out->tx_frames = 0;
	out->nb_kernel = 0;
	out->to_kernel = 0;
	for (i = 0; i < RTE_MIN(n, (uint16_t)PREFETCH_AHEAD); i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	/* 1. every packet through the stages, to its edge */
	for (i = 0; i < n; i++) {
		struct fp_pkt *p = &pk[i];
		enum fp_edge e;
		unsigned int id;
		bool e_fast;

		/* prefetch a later packet's headers while this one runs */
		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD],
					void *));
		e = fast_udp4(ctx, pkts[i], p, mode);
		e_fast = e == FP_E_LISTENER;
		if (likely(e_fast)) {
			fast++;
			fast_bytes += pkts[i]->pkt_len;
		} else {
			slow_bytes += pkts[i]->pkt_len;
			pkt_init(p, pkts[i]);
			while (e < FP_E_NB_STAGES)
				e = stages[e](ctx, p);
			if (e != FP_E_LISTENER) {
				p->edge = (uint8_t)e;
				other++;
				continue;
			}
			other += p->frames != 1;
		}
		/* a datagram for a listener. One whose handler takes every
		 * datagram (count) takes it now; runs of one listener are
		 * counted in locals (take). */
		id = p->listener;
		if (id != take.id)
			take_switch(ctx, &take, id);
		take.n++;
		take.bytes += p->l4_len - 8;
		if (!e_fast)          /* the fast path's are IPv4 */
			take.v6 += p->family == FP_AF_INET6;
		if (take.all) {
			p->edge = FP_E_DELIVER;
			continue;
		}
		if (e_fast)
			fast_view(pkts[i], p->l4_len, &vw[nv], take.lean);
		else
			make_view(p, &vw[nv]);
		/* delivered with a view, unless its handler says otherwise */
		p->edge = FP_E_LISTENER;
		nv++;
	}
	if (fast != 0) {
		/* what fp_rx_ipv4 and fp_rx_l4 count of each (the frames' IP
		 * bytes are all but their 14 bytes of Ethernet: no FCS on the
		 * fast path), straight into the lcore's counters: four fixed
		 * counters need no burst-local bookkeeping */
		uint64_t *snmp = ctx->lstats->snmp;

		FP_STAT_ADD(snmp[FP_SNMP_Ip_InReceives], fast);
		FP_STAT_ADD(snmp[FP_SNMP_IpExt_InOctets], fast_bytes - 14u * fast);
		FP_STAT_ADD(snmp[FP_SNMP_IpExt_InNoECTPkts], fast);
		FP_STAT_ADD(snmp[FP_SNMP_Ip_InDelivers], fast);
	}
	take_switch(ctx, &take, UINT_MAX);
	/* 2. the listeners' handlers, once per listener */
	if (take.handlers != 0)
		other += run_handlers(ctx, n, nv, take.handlers, &taken);
	/* 3. every frame settled, in arrival order; in the common cases every
	 * one is a single frame delivered, and pkts[] already says so, or
	 * every one is a single frame a handler took (a ring's) */
	i = 0;
	if (other == 0 && taken == 0) {
		out->delivered = n;
		nb_free = n;
		i = n;
	} else if (other == 0 && taken == n) {
		out->delivered = n;
		i = n;
	}
	for (; i < n; i++) {
		struct fp_pkt *p = &pk[i];

		out->released += p->released;
		switch (p->edge) {
		case FP_E_DELIVER:
		case FP_E_LISTENER:       /* with a view, and consumed */
			out->delivered += p->frames;
			pkts[nb_free++] = p->m;
			break;
		case FP_E_TAKEN:          /* the handler owns the mbuf */
			out->delivered += p->frames;
			break;
		case FP_E_TX:
			/* an error about a reassembled datagram leaves as one
			 * segment: the rest is freed with the burst (at most
			 * one entry per packet, as before) */
			if (fp_tx_kind_error(p->meta.kind) && p->tail != NULL)
				pkts[nb_free++] = p->tail;
			p->meta.frames = p->frames;
			p->meta.ip_len = (uint16_t)(p->m->pkt_len - p->l2_len);
			out->tx_meta[out->nb_tx] = p->meta;
			out->tx[out->nb_tx++] = p->m;
			out->tx_frames += p->frames;
			break;
		case FP_E_HELD:
			out->held++;   /* the reassembly table owns it now */
			break;
		case FP_E_KERNEL:
			/* the kernel takes frames without their FCS (a
			 * reassembled datagram lost it already) */
			if (ctx->conf->port[ctx->port].keep_crc && p->frames == 1)
				rte_pktmbuf_trim(p->m, 4);
			p->m->l2_len = p->l2_len;  /* to fragment it again */
			out->kernel_frames[out->nb_kernel] = p->frames;
			out->kernel[out->nb_kernel++] = p->m;
			out->to_kernel += p->frames;
			break;
		default:
			drop_frames(ctx, out, p->reason, p->frames);
			pkts[nb_free++] = p->m;
			break;
		}
	}
	out->bytes = fast_bytes + slow_bytes;
	out->nb_free = nb_free;
	post(ctx);
}

void
fp_proc_kernel_done(struct fp_proc_ctx *ctx, struct fp_burst *out,
		uint16_t sent)
{
	uint16_t i;

	for (i = sent; i < out->nb_kernel; i++) {
		out->to_kernel -= out->kernel_frames[i];
		drop_frames(ctx, out, FP_DROP_KERNEL_FULL, out->kernel_frames[i]);
	}
	post(ctx);
}

void
fp_proc_tx_done(struct fp_proc_ctx *ctx, struct fp_burst *out, uint16_t sent,
		bool no_txq)
{
	enum fp_drop_reason reason = no_txq ? FP_DROP_NO_TX_QUEUE :
		FP_DROP_FULL_RING;
	uint16_t i;

	for (i = 0; i < out->nb_tx; i++) {
		const struct fp_tx_meta *t = &out->tx_meta[i];
		struct fp_burst_listener *b;
		bool ok = i < sent;

		/* an IP packet sent: __ip_local_out / __ip6_make_skb count
		 * OutRequests, ip_finish_output2 / ip6_finish_output2
		 * OutTransmits and OutOctets (fastpath does not fragment) */
		if (ok && t->kind != FP_TX_ARP) {
			if (fp_tx_kind_v6(t->kind)) {
				SNMP_INC(ctx, Ip6, OutRequests);
				SNMP_INC(ctx, Ip6, OutTransmits);
				SNMP_ADD(ctx, Ip6, OutOctets, t->ip_len);
			} else {
				SNMP_INC(ctx, Ip, OutRequests);
				SNMP_INC(ctx, Ip, OutTransmits);
				SNMP_ADD(ctx, IpExt, OutOctets, t->ip_len);
			}
		}
		/* icmp_out_count / ICMP6MSGOUT_INC_STATS: OutMsgs and the
		 * type's counter (the per-type columns, OutEchoReps ..., are
		 * read from it: fp_snmp_derive); an error's meta.listener is
		 * its type */
		switch (t->kind) {
		case FP_TX_ICMP_ECHO:
		case FP_TX_ICMP_ERROR:
			if (ok) {
				SNMP_INC(ctx, Icmp, OutMsgs);
				fp_bc_add(ctx, FP_BC_SNMP + FP_SNMP_IcmpMsgOut_OutType0 +
						(t->kind == FP_TX_ICMP_ECHO ? 0 : t->listener), 1);
			}
			break;
		case FP_TX_ICMP6_ECHO:
		case FP_TX_ICMP6_UNREACH:
		case FP_TX_ICMP6_PARAMPROB:
		case FP_TX_NDP_NA:
			if (ok) {
				static const uint8_t type6[] = {
					[FP_TX_ICMP6_ECHO] = 129, [FP_TX_ICMP6_UNREACH] = 1,
					[FP_TX_ICMP6_PARAMPROB] = 4, [FP_TX_NDP_NA] = 136,
				};

				SNMP_INC(ctx, Icmp6, OutMsgs);
				fp_bc_add(ctx, FP_BC_SNMP + FP_SNMP_Icmp6MsgOut_OutType0 +
						type6[t->kind], 1);
			}
			break;
		case FP_TX_UDP4_ECHO:
		case FP_TX_UDP6_ECHO:
			/* only UDP replies belong to a listener */
			b = &ctx->bl[t->listener % FP_MAX_LISTENERS];
			fp_burst_touch(ctx, t->listener % FP_MAX_LISTENERS);
			if (ok) {
				b->echoed++;
				if (t->kind == FP_TX_UDP4_ECHO)
					SNMP_INC(ctx, Udp, OutDatagrams);
				else
					SNMP_INC(ctx, Udp6, OutDatagrams);
			} else {
				b->drops++;
				if (t->kind == FP_TX_UDP4_ECHO)
					SNMP_INC(ctx, Udp, SndbufErrors);
				else
					SNMP_INC(ctx, Udp6, SndbufErrors);
			}
			break;
		default:
			break;
		}
		if (!ok) {
			out->tx_frames -= t->frames;
			drop_frames(ctx, out, reason, t->frames);
		}
	}
	post(ctx);
}
