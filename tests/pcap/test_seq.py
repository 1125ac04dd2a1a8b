#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The seq action end to end: sequence numbers written by the generator,
counters derived from what it wrote by a reference model of the tracker
(docs/pipeline.md: in order, gap, late arrival, duplicate), compared with what
fastpath counts per listener."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import pcapgen as pg  # noqa: E402

US, PEER = "02:00:00:00:00:01", "02:00:00:00:00:02"
WINDOW = 512
TABLE = 4096          # sources per lcore (FP_SEQ_ENTRIES)


class Model:
    """The tracker's rules for one source, without eviction (docs/pipeline.md)."""

    def __init__(self):
        self.src = {}
        self.c = dict(gaps=0, lost=0, reordered=0, duplicates=0, sources=0)

    def feed(self, key, n):
        s = self.src.get(key)
        c = self.c
        if s is None:
            self.src[key] = {"first": n, "max": n, "seen": {n}}
            c["sources"] += 1
            return
        if n == s["max"] or (n < s["max"] and (s["max"] - n >= WINDOW or n in s["seen"])):
            c["duplicates"] += 1
        elif n > s["max"]:
            if n - s["max"] > 1:
                c["gaps"] += 1
                c["lost"] += n - s["max"] - 1
            s["max"] = n
            s["seen"].add(n)
        elif n < s["first"]:
            if s["first"] - n > 1:
                c["gaps"] += 1
                c["lost"] += s["first"] - n - 1
            s["first"] = n
            c["reordered"] += 1
            s["seen"].add(n)
        else:
            c["reordered"] += 1
            c["lost"] -= 1
            s["seen"].add(n)


def run(name, frames, listen):
    path = os.path.join(fr.workdir(name), "seq.pcap")
    pg.write_pcap(path, frames)
    args = []
    for spec in listen:
        args += ["--listen", spec]
    r = fr.run(name, ["net_pcap0,rx_pcap=" + path], args, lcores="0,1")
    return r


def check(c, r, lid, model, nframes, evictions=0):
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    if not r.stats:
        return
    u = r.stats["udp"][str(lid)]
    for k, v in model.c.items():
        c.eq("listener %d %s" % (lid, k), u[k], v)
    c.eq("listener %d datagrams" % lid, u["datagrams"], nframes)
    c.eq("listener %d evictions" % lid, u["evictions"], evictions)


def one_subnet():
    """200 IPv4 senders 10.1.1.1-200 on one source port, and 100 IPv6
    senders in one /64, each missing one number: every gap seen (the old
    hash mixed no last address byte into the bucket: lost 0, evictions)."""
    c = fr.Checker("seq_one_subnet")
    m4, m6, frames = Model(), Model(), []
    for n in range(1, 11):
        for h in range(1, 201):
            if n == 2 + h % 8:              # each sender skips one of 2..9
                continue
            src = "10.1.1.%d" % h
            frames.append(pg.pad60(pg.eth(US, PEER, 0x0800, pg.udp4(
                src, "10.1.0.1", 7000, 5000, struct.pack("!I", n)))))
            m4.feed(src, n)
        for h in range(1, 101):
            if n == 2 + h % 8:
                continue
            src = "2001:db8::%x" % h
            frames.append(pg.eth(US, PEER, 0x86DD, pg.udp6(
                src, "2001:db8::1", 7000, 5001, struct.pack("!I", n))))
            m6.feed(src, n)
    assert m4.c["lost"] == 200 and m6.c["lost"] == 100
    r = run("seq_one_subnet", frames, ["5000=seq", "5001=seq"])
    check(c, r, 0, m4, sum(1 for f in frames if f[12:14] == b"\x08\x00"))
    check(c, r, 1, m6, sum(1 for f in frames if f[12:14] == b"\x86\xdd"))
    return c.done()


def le_size8():
    """order=le, size=8 at offset 4: a gap, a late arrival (the lost
    gauge falls back), a duplicate, a number older than the window, a
    64-bit wrap, and a datagram too short for the number (malformed)."""
    c = fr.Checker("seq_le_size8")
    m, frames = Model(), []
    seqs = {"10.1.0.2": [1, 2, 3, 5, 4, 4, 7, 8, 2000, 9],
            "10.1.0.3": [100, 101, 103, 102, 104]}
    for src, ns in seqs.items():
        for n in ns:
            payload = b"\xaa\xbb\xcc\xdd" + struct.pack("<Q", n)
            frames.append(pg.pad60(pg.eth(US, PEER, 0x0800, pg.udp4(
                src, "10.1.0.1", 7000, 5002, payload))))
            m.feed(src, n)
    wrap = [2**64 - 2, 2**64 - 1]
    for n in wrap:                      # then 0 and 1: in order across the wrap
        frames.append(pg.pad60(pg.eth(US, PEER, 0x0800, pg.udp4(
            "10.1.0.4", "10.1.0.1", 7000, 5002, b"\0\0\0\0" + struct.pack("<Q", n)))))
    for n in (0, 1):
        frames.append(pg.pad60(pg.eth(US, PEER, 0x0800, pg.udp4(
            "10.1.0.4", "10.1.0.1", 7000, 5002, b"\0\0\0\0" + struct.pack("<Q", n)))))
    m.c["sources"] += 1                 # 10.1.0.4: in order, nothing else
    short = pg.pad60(pg.eth(US, PEER, 0x0800, pg.udp4("10.1.0.5", "10.1.0.1", 7000, 5002,
                                                      b"\0" * 11)))
    frames.append(short)
    r = run("seq_le_size8", frames, ["5002=seq,offset=4,size=8,order=le"])
    check(c, r, 0, m, len(frames))
    if r.stats:
        c.eq("malformed", r.stats["udp"]["0"]["malformed"], 1)
        c.eq("seq_order", r.stats["udp"]["0"]["seq_order"], "le")
        c.eq("seq_size", r.stats["udp"]["0"]["seq_size"], 8)
    return c.done()


def evictions():
    """Twice as many sources as one lcore's table holds, one datagram each:
    the app counts an eviction for every source beyond what the table
    holds; then the newest 512 send their next number: still known (the
    least recently seen went first), so no new source and no gap."""
    c = fr.Checker("seq_evictions")
    n = 2 * TABLE
    srcs = ["10.%d.%d.%d" % (2 + i // 65536, (i // 256) % 256, i % 256) for i in range(n)]
    frames = [pg.pad60(pg.eth(US, PEER, 0x0800, pg.udp4(s, "10.1.0.1", 7000, 5000,
                                                        struct.pack("!I", 1)))) for s in srcs]
    frames += [pg.pad60(pg.eth(US, PEER, 0x0800, pg.udp4(s, "10.1.0.1", 7000, 5000,
                                                         struct.pack("!I", 2))))
               for s in srcs[-512:]]
    r = run("seq_evictions", frames, ["5000=seq"])
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    if r.stats:
        u = r.stats["udp"]["0"]
        c.eq("sources (each once: the newest are still known)", u["sources"], n)
        c.true("evictions >= sources beyond the table (%d)" % u["evictions"],
               u["evictions"] >= n - TABLE)
        c.true("evictions <= sources fed (%d)" % u["evictions"], u["evictions"] <= n)
        c.eq("no gap", u["gaps"], 0)
        c.eq("no loss", u["lost"], 0)
        c.eq("datagrams", u["datagrams"], len(frames))
    return c.done()


if __name__ == "__main__":
    fr.main({"one_subnet": one_subnet, "le_size8": le_size8, "evictions": evictions})
