#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""IPv4 and IPv6 reassembly end to end: complete datagrams (in order,
reversed, interleaved) are delivered once with all their frames accounted;
incomplete ones time out (--frag-timeout) or, still held at exit, are
counted dropped; every frame keeps the conservation law."""
import collections
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import pcapgen as pg  # noqa: E402

US, PEER = "02:70:63:61:70:00", "02:00:00:00:00:02"


def plan():
    """Frames, and what they must come to."""
    frames, e = [], collections.Counter()
    complete = []
    for i, (nfrag, v6, rev) in enumerate([(2, False, False), (3, False, True),
                                          (2, True, False), (4, True, True),
                                          (3, False, False)]):
        payload = bytes((i * 7 + k) % 256 for k in range(nfrag * 64 - 30))
        if v6:
            pk = pg.fragment6("2001:db8::2", "2001:db8::1", 4000 + i, 9, payload, 64, 0x100 + i)
            et, g = 0x86DD, "Ip6"
        else:
            pk = pg.fragment4("10.1.0.2", "10.1.0.1", 4000 + i, 9, payload, 64, 0x100 + i)
            et, g = 0x0800, "Ip"
        assert len(pk) == nfrag
        if rev:
            pk.reverse()
        complete.append([pg.pad60(pg.eth(US, PEER, et, p)) for p in pk])
        e[g + ".InReceives"] += nfrag
        e[g + ".ReasmReqds"] += nfrag
        e[g + ".ReasmOKs"] += 1
        e[g + ".InDelivers"] += 1
        e["Udp6.InDatagrams" if v6 else "Udp.InDatagrams"] += 1
        e["delivered"] += nfrag
        e["listener_bytes"] += len(payload)
        e["listener_datagrams"] += 1
    # interleave the complete datagrams' fragments
    while any(complete):
        for c in complete:
            if c:
                frames.append(c.pop(0))
    # incomplete: the first fragment only, IPv4 and IPv6
    inc4 = pg.fragment4("10.1.0.2", "10.1.0.1", 5000, 9, bytes(200), 64, 0x900)[0]
    inc6 = pg.fragment6("2001:db8::2", "2001:db8::1", 5001, 9, bytes(200), 64, 0x901)[0]
    frames.append(pg.eth(US, PEER, 0x0800, inc4))
    frames.append(pg.eth(US, PEER, 0x86DD, inc6))
    for g in ("Ip", "Ip6"):
        e[g + ".InReceives"] += 1
        e[g + ".ReasmReqds"] += 1
    e["incomplete"] = 2
    return frames, e


def run(name, timeout_ms):
    c = fr.Checker(name)
    frames, e = plan()
    path = os.path.join(fr.workdir(name), "frags.pcap")
    pg.write_pcap(path, frames)
    r = fr.run(name, ["net_pcap0,rx_pcap=" + path],
               ["--listen", "9=count", "--frag-timeout", str(timeout_ms)], idle_ms=300)
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    if not r.stats:
        return c, None, e
    s, p = r.stats, r.stats["ports"]["0"]
    c.eq("ipackets", p["ipackets"], len(frames))
    c.eq("delivered frames", p["delivered"], e["delivered"])
    c.eq("dropped frames", p["dropped"], e["incomplete"])
    c.eq("held at exit", p["held"], 0)
    c.eq("listener datagrams", s["udp"]["0"]["datagrams"], e["listener_datagrams"])
    c.eq("listener bytes", s["udp"]["0"]["bytes"], e["listener_bytes"])
    for k in ("Ip.InReceives", "Ip.ReasmReqds", "Ip.ReasmOKs", "Ip.InDelivers",
              "Ip6.InReceives", "Ip6.ReasmReqds", "Ip6.ReasmOKs", "Ip6.InDelivers",
              "Udp.InDatagrams", "Udp6.InDatagrams"):
        g, f = k.split(".")
        c.eq("snmp " + k, s["snmp"][g][f], e[k])
    c.eq("drops FRAG_REASM_TIMEOUT", s["drops"]["FRAG_REASM_TIMEOUT"], e["incomplete"])
    c.eq("drops FRAG_FAILED", s["drops"]["FRAG_FAILED"], 0)
    return c, s, e


def timeout():
    """A 50 ms timeout: the incomplete datagrams expire while the app idles
    (300 ms): the kernel's ReasmTimeout and ReasmFails count them."""
    c, s, e = run("frag_timeout", 50)
    if s:
        for g in ("Ip", "Ip6"):
            c.eq(g + " ReasmTimeout", s["snmp"][g]["ReasmTimeout"], 1)
            c.eq(g + " ReasmFails", s["snmp"][g]["ReasmFails"], 1)
    return c.done()


def held_at_exit():
    """A 60 s timeout: still held when the app stops; taken out of the
    table and counted as the kernel counts what it drops: ReasmTimeout and
    ReasmFails, one per datagram."""
    c, s, e = run("frag_held_at_exit", 60000)
    if s:
        for g in ("Ip", "Ip6"):
            c.eq(g + " ReasmTimeout", s["snmp"][g]["ReasmTimeout"], 1)
            c.eq(g + " ReasmFails", s["snmp"][g]["ReasmFails"], 1)
    return c.done()


def replay(c, name, frames, app_args=(), e=None):
    """Replay frames (one rx queue), stop when drained; the common checks."""
    path = os.path.join(fr.workdir(name), "in.pcap")
    pg.write_pcap(path, frames)
    r = fr.run(name, ["net_pcap0,rx_pcap=" + path],
               ["--listen", "9=count"] + list(app_args), idle_ms=300)
    c.eq("exit status", r.rc, 0)
    c.true("no accounting error reported", "accounting error" not in r.err)
    fr.check_invariants(c, r.stats)
    if r.stats:
        c.eq("ipackets", r.stats["ports"]["0"]["ipackets"], len(frames))
        c.eq("held at exit", r.stats["ports"]["0"]["held"], 0)
    return r.stats


def jumbo():
    """Fragments larger than an mbuf: a 12,000-byte datagram in 4,000-byte
    fragments (4,034- and 4,062-byte frames, two segments each through
    net_pcap), IPv4 in order and reversed, IPv6, and one IPv4 datagram of
    which only half arrives, held at exit. Each frame is one frame, however
    many segments it takes; the app stops by itself."""
    c = fr.Checker("frag_jumbo")
    payload = bytes(k % 251 for k in range(12000))
    frames, e = [], collections.Counter()
    groups = [
        ("Ip", pg.fragment4("10.1.0.2", "10.1.0.1", 4000, 9, payload, 4000, 0x11), False),
        ("Ip", pg.fragment4("10.1.0.3", "10.1.0.1", 4001, 9, payload, 4000, 0x12), True),
        ("Ip6", pg.fragment6("2001:db8::2", "2001:db8::1", 4002, 9, payload, 4000, 0x13), False),
    ]
    for g, pk, rev in groups:
        if rev:
            pk.reverse()
        et = 0x86DD if g == "Ip6" else 0x0800
        frames += [pg.eth(US, PEER, et, p) for p in pk]
        e[g + ".ReasmReqds"] += len(pk)
        e[g + ".ReasmOKs"] += 1
        e["delivered"] += len(pk)
        e["datagrams"] += 1
        e["bytes"] += len(payload)
    half = pg.fragment4("10.1.0.4", "10.1.0.1", 4003, 9, payload, 4000, 0x14)[:2]
    frames += [pg.eth(US, PEER, 0x0800, p) for p in half]
    e["Ip.ReasmReqds"] += len(half)
    # all but the datagrams' 8-byte tails take more than one 2 KiB segment
    assert sum(len(f) > 2048 for f in frames) == 3 * 3 + 2
    s = replay(c, "frag_jumbo", frames, ["--frag-timeout", "60000"])
    if s:
        p = s["ports"]["0"]
        c.eq("delivered frames", p["delivered"], e["delivered"])
        c.eq("dropped frames (the half datagram, at exit)", p["dropped"], len(half))
        c.eq("FRAG_REASM_TIMEOUT", s["drops"]["FRAG_REASM_TIMEOUT"], len(half))
        c.eq("listener datagrams", s["udp"]["0"]["datagrams"], e["datagrams"])
        c.eq("listener bytes", s["udp"]["0"]["bytes"], e["bytes"])
        for k in ("Ip.ReasmReqds", "Ip.ReasmOKs", "Ip6.ReasmReqds", "Ip6.ReasmOKs"):
            g, f = k.split(".")
            c.eq("snmp " + k, s["snmp"][g][f], e[k])
        c.eq("Ip ReasmTimeout (one datagram)", s["snmp"]["Ip"]["ReasmTimeout"], 1)
        c.eq("Ip ReasmFails (one datagram)", s["snmp"]["Ip"]["ReasmFails"], 1)
    return c.done()


def nested6():
    """Nested IPv6 fragmentation: a reassembled datagram whose payload starts
    with another fragment header (complete inner fragment, and the first
    of an incomplete one), and an atomic fragment followed by a fragment
    header. The kernel rejects a second fragment header (ipv6_frag_rcv's
    IP6SKB_FRAGMENTED check): IPV6_BAD_EXTHDR for every frame, one
    Ip6 InHdrErrors per packet; the atomic fragment was requested and done
    at once (ReasmReqds, ReasmOKs) before."""
    c = fr.Checker("frag_nested6")
    udp = pg.udp6("2001:db8::2", "2001:db8::1", 4000, 9, bytes(300))[40:]
    frames, outer_frames, packets = [], 0, 0
    for ident, inner_m in ((0x21, 0), (0x22, 1)):
        inner = struct.pack("!BBHI", 17, 0, inner_m, 0x900 + ident) + udp
        pk = pg.ipv6_fragments("2001:db8::2", "2001:db8::1", 44, inner, 128, ident)
        frames += [pg.eth(US, PEER, 0x86DD, p) for p in pk]
        outer_frames += len(pk)
        packets += 1
    atomic = struct.pack("!BBHI", 44, 0, 0, 0x31) + struct.pack("!BBHI", 17, 0, 1, 0x32) + udp
    frames.append(pg.eth(US, PEER, 0x86DD, pg.ipv6("2001:db8::2", "2001:db8::1", 44, atomic)))
    s = replay(c, "frag_nested6", frames, ["--frag-timeout", "60000"])
    if s:
        c.eq("IPV6_BAD_EXTHDR frames", s["drops"]["IPV6_BAD_EXTHDR"], outer_frames + 1)
        c.eq("dropped frames", s["ports"]["0"]["dropped"], outer_frames + 1)
        c.eq("Ip6 InHdrErrors (packets)", s["snmp"]["Ip6"]["InHdrErrors"], packets + 1)
        c.eq("Ip6 ReasmReqds (outer fragments, the atomic one)",
             s["snmp"]["Ip6"]["ReasmReqds"], outer_frames + 1)
        c.eq("Ip6 ReasmOKs (outer datagrams, the atomic one)", s["snmp"]["Ip6"]["ReasmOKs"],
             packets + 1)
        c.eq("listener datagrams", s["udp"]["0"]["datagrams"], 0)
    return c.done()


def options_first():
    """RFC 791: options without the copy flag (record route) stay in the
    first fragment. The datagram keeps the first fragment's header, so the
    UDP header is found after its options, in order and reversed."""
    c = fr.Checker("frag_options_first")
    rr = bytes([7, 7, 4, 0, 0, 0, 0, 0])       # record route, EOL padding
    payload = bytes(range(200))
    frames = []
    for ident, rev in ((0x41, False), (0x42, True)):
        pk = pg.fragment4("10.1.0.2", "10.1.0.1", 4000, 9, payload, 64, ident, rr)
        if rev:
            pk.reverse()
        frames += [pg.pad60(pg.eth(US, PEER, 0x0800, p)) for p in pk]
    s = replay(c, "frag_options_first", frames)
    if s:
        c.eq("delivered frames", s["ports"]["0"]["delivered"], len(frames))
        c.eq("dropped frames", s["ports"]["0"]["dropped"], 0)
        c.eq("listener datagrams", s["udp"]["0"]["datagrams"], 2)
        c.eq("listener bytes", s["udp"]["0"]["bytes"], 2 * len(payload))
        c.eq("Udp InDatagrams", s["snmp"]["Udp"]["InDatagrams"], 2)
        c.eq("Udp InErrors", s["snmp"]["Udp"]["InErrors"], 0)
    return c.done()


def unfragmentable6():
    """IPv6 fragments with extension headers before the fragment header
    (RFC 8200 4.5: the unfragmentable part): destination options, and
    hop-by-hop + destination options, in every fragment, in order and out
    of order. Each datagram is reassembled and delivered whole, as the
    kernel does (ipv6_frag_rcv after the headers before it)."""
    c = fr.Checker("frag_unfragmentable6")
    frames = []
    datagrams, frag_frames = 0, 0
    dopt = bytes([1, 4, 0, 0, 0, 0])                    # PadN, 4 bytes
    for ident, chain, order in ((0x61, [(60, dopt)], 1), (0x62, [(0, dopt), (60, dopt)], -1)):
        udp = pg.udp6("2001:db8::2", "2001:db8::1", 4000, 9, bytes(k % 251 for k in range(600)))
        pieces = pg.ipv6_fragments("2001:db8::2", "2001:db8::1", 17, udp[40:], 256, ident)
        for pk in pieces[::order]:
            # the headers in front of the fragment header: the fixed
            # header names the first, the last names the fragment header
            ext, first = b"", chain[0][0]
            for i, (_, body) in enumerate(chain):
                nxt = chain[i + 1][0] if i + 1 < len(chain) else 44
                ext += bytes([nxt, 0]) + body
            ip = bytearray(pk[:40]) + ext + pk[40:]
            ip[6] = first
            ip[4:6] = struct.pack("!H", len(ip) - 40)
            frames.append(pg.eth(US, PEER, 0x86DD, bytes(ip)))
            frag_frames += 1
        datagrams += 1
    s = replay(c, "frag_unfragmentable6", frames)
    if s:
        ip6 = s["snmp"]["Ip6"]
        c.eq("Ip6 ReasmReqds", ip6["ReasmReqds"], frag_frames)
        c.eq("Ip6 ReasmOKs", ip6["ReasmOKs"], datagrams)
        c.eq("Ip6 ReasmFails", ip6["ReasmFails"], 0)
        c.eq("Udp6 InDatagrams", s["snmp"]["Udp6"]["InDatagrams"], datagrams)
        c.eq("the listener's datagrams, whole", (s["udp"]["0"]["datagrams"],
                                                 s["udp"]["0"]["bytes"]), (datagrams, 2 * 600))
        c.eq("delivered: every frame", s["ports"]["0"]["delivered"], frag_frames)
    return c.done()


def discards():
    """What the kernel discards is no duplicate (ip_frag_queue's checks
    before the insert, ip_frag_too_far), and no datagram is ever delivered
    mixed from two:
      - A [0,24) MF, B [8,16) last (ends inside A: the kernel discards the
        datagram), C [24,40) last: a new datagram of C alone, held;
      - IPv4 identification reuse: old A, B of a datagram whose C is lost,
        then 35 whole datagrams (70 fragments) from the same source, then
        a new A', B', C' with other bytes and the same id: the kernel
        restarts the old datagram (more than 64 fragments apart); fastpath
        must not take A', B' as duplicates of A, B and complete A+B+C';
      - one id, two whole datagrams one after the other: both delivered."""
    c = fr.Checker("frag_discards")
    frames = []
    src, dst = "10.1.0.2", "10.1.0.1"
    whole = pg.udp4(src, dst, 4000, 9, bytes(32))[20:]          # 40 bytes
    a = pg.ipv4_fragments(src, dst, 17, whole, 24, 0x91)[0]       # [0,24) MF
    b = bytearray(pg.ipv4_fragments(src, dst, 17, whole, 8, 0x91)[1])  # [8,16)
    b[6:8] = struct.pack("!H", 1)                                # last, offset 8
    b[10:12] = b"\0\0"
    b[10:12] = struct.pack("!H", pg.csum(bytes(b[:20])))
    cc = pg.ipv4_fragments(src, dst, 17, whole, 24, 0x91)[1]     # [24,40) last
    frames += [pg.pad60(pg.eth(US, PEER, 0x0800, f)) for f in (a, bytes(b), cc)]
    # identification reuse
    old = pg.fragment4(src, dst, 4000, 9, bytes(range(40)), 16, 0x92)
    new = pg.fragment4(src, dst, 4000, 9, bytes(range(100, 140)), 16, 0x92)
    frames += [pg.pad60(pg.eth(US, PEER, 0x0800, f)) for f in old[:2]]
    for k in range(35):
        for f in pg.fragment4(src, dst, 4000, 9, bytes(16), 8, 0x200 + k):
            frames.append(pg.pad60(pg.eth(US, PEER, 0x0800, f)))
    frames += [pg.pad60(pg.eth(US, PEER, 0x0800, f)) for f in new]
    # one id, two whole datagrams one after the other: both delivered
    # (the first one's fragments are forgotten once it completes)
    for _ in range(2):
        frames += [pg.pad60(pg.eth(US, PEER, 0x0800, f))
                   for f in pg.fragment4(src, dst, 4000, 9, bytes(16), 8, 0x93)]
    s = replay(c, "frag_discards", frames, ["--frag-timeout", "60000"])
    if s:
        c.eq("DUP_FRAG: none", s["drops"]["DUP_FRAG"], 0)
        c.eq("Udp InCsumErrors: no mixed datagram", s["snmp"]["Udp"]["InCsumErrors"], 0)
        c.eq("the 35 + 2 whole datagrams delivered, no other",
             (s["snmp"]["Udp"]["InDatagrams"], s["udp"]["0"]["datagrams"]), (37, 37))
        c.eq("the listener's bytes: theirs only", s["udp"]["0"]["bytes"], 37 * 16)
    return c.done()


def failures():
    """What the table gives up on, each with the reason the README names
    (FRAG_FAILED + ReasmFails, one per datagram), not a timeout: more
    fragments than the library keeps (8 per datagram: the first, the last and 6 between);
    more datagrams in flight than the table holds (1024 per lcore, fewer
    where its hash buckets fill). A duplicate first fragment is dropped alone
    (DUP_FRAG), as the kernel's inet_frag_queue_insert drops it, and its
    datagram goes on. What is still held at exit is timed out
    (FRAG_REASM_TIMEOUT + ReasmTimeout + ReasmFails)."""
    c = fr.Checker("frag_failures")
    frames = []
    payload = bytes(k % 250 for k in range(3000))
    # a duplicate first fragment: the copy goes, the first is held
    dup = pg.fragment4("10.1.0.2", "10.1.0.1", 4000, 9, payload, 1000, 0x51)
    frames += [pg.eth(US, PEER, 0x0800, p) for p in (dup[0], dup[0])]
    # too many: 9 fragments in order; the 8th (the 7th between) is one
    # too many: it and the 7 before go; the last starts a new datagram,
    # held until exit
    many = pg.fragment4("10.1.0.2", "10.1.0.1", 4001, 9, bytes(9 * 64 - 8), 64, 0x52)
    assert len(many) == 9
    frames += [pg.pad60(pg.eth(US, PEER, 0x0800, p)) for p in many]
    # a full table: 1100 first fragments of distinct datagrams
    full = 1100
    for k in range(full):
        f = pg.fragment4("10.2.%d.%d" % (k // 250, 1 + k % 250), "10.1.0.1", 4002, 9,
                         bytes(100), 64, 0x1000 + k)[0]
        frames.append(pg.pad60(pg.eth(US, PEER, 0x0800, f)))
    s = replay(c, "frag_failures", frames, ["--frag-timeout", "60000"])
    if s:
        d, ip, ip6 = s["drops"], s["snmp"]["Ip"], s["snmp"]["Ip6"]
        # the deterministic parts: too many 8 failed; the dup's
        # copy dropped; two held (the dup's first, the last of the nine)
        # until exit
        c.eq("DUP_FRAG: the copy", d["DUP_FRAG"], 1)
        failed_full = d["FRAG_FAILED"] - 8
        timeout_full = d["FRAG_REASM_TIMEOUT"] - 2
        c.true("the table refused at least %d of %d datagrams (%d)"
               % (full - 1024, full, failed_full), failed_full >= full - 1024)
        c.true("and held at most 1024 (%d)" % timeout_full, 0 <= timeout_full <= 1024)
        c.eq("every first fragment refused or held", failed_full + timeout_full, full)
        c.eq("dropped frames", s["ports"]["0"]["dropped"], len(frames))
        c.eq("Ip ReasmReqds", ip["ReasmReqds"], 2 + 9 + full)
        c.eq("Ip ReasmFails: one per datagram", ip["ReasmFails"],
             1 + 2 + failed_full + timeout_full)
        c.eq("Ip ReasmTimeout: held at exit", ip["ReasmTimeout"], 2 + timeout_full)
        c.eq("Ip ReasmOKs", ip["ReasmOKs"], 0)
    return c.done()


if __name__ == "__main__":
    fr.main({"timeout": timeout, "held_at_exit": held_at_exit, "jumbo": jumbo,
             "nested6": nested6, "options_first": options_first, "failures": failures,
             "unfragmentable6": unfragmentable6, "discards": discards})
