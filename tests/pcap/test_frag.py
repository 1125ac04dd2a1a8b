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
    """A 60 s timeout: still held when the app stops; counted dropped at
    exit, without the kernel's timeout counters (no timeout happened)."""
    c, s, e = run("frag_held_at_exit", 60000)
    if s:
        for g in ("Ip", "Ip6"):
            c.eq(g + " ReasmTimeout", s["snmp"][g]["ReasmTimeout"], 0)
    return c.done()


if __name__ == "__main__":
    fr.main({"timeout": timeout, "held_at_exit": held_at_exit})
