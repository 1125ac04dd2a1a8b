#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Resource faults. A pool below what the queues need is a clear start-up
error (exit 2). A pool above that floor but small can run dry at run time:
here 600 incomplete fragments, held by reassembly until they expire, take
every mbuf; net_pcap then counts each frame it cannot give an mbuf as
rx_nombuf, and once the fragments expire the mbufs come back and the rest
of the capture is processed."""
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import pcapgen as pg  # noqa: E402

HELD, TAIL, LAST = 600, 60000, 2000
SMALL = ["--rxd", "64", "--txd", "64", "--mbuf-cache", "0", "--burst", "32"]


def frames():
    out = []
    for i in range(HELD):      # first fragments of datagrams never completed
        ip = pg.fragment4("10.0.0.2", "10.1.0.1", 1000, 9, bytes(100), 64, 0x4000 + i)[0]
        out.append(pg.pad60(pg.eth("02:00:00:00:00:01", "02:00:00:00:00:02", 0x0800, ip)))
    one = pg.udp_frame(64, flow=1, dport=9)
    last = pg.udp_frame(64, flow=2, dport=7777)
    out += [one] * (TAIL - LAST) + [last] * LAST
    return out


def exhaustion():
    name = "faults"
    c = fr.Checker(name)
    fs = frames()
    path = os.path.join(fr.workdir(name), "held.pcap")
    pg.write_pcap(path, fs)
    r = fr.run(name, ["net_pcap0,rx_pcap=" + path],
               SMALL + ["--mbufs", "256", "--frag-timeout", "1", "--listen", "9=count",
                        "--listen", "7777=count"], idle_ms=300)
    c.eq("exit status", r.rc, 0)
    c.true("warned that the pool is below the recommendation",
           any("--mbufs 256" in l and "reassembly" in l for l in r.err.splitlines()))
    fr.check_invariants(c, r.stats)
    if not r.stats:
        return c.done()
    p = r.stats["ports"]["0"]
    c.true("the pool ran dry: rx_nombuf %d" % p["rx_nombuf"], p["rx_nombuf"] > 0)
    c.eq("every frame of the file: received or counted rx_nombuf",
         p["ipackets"] + p["rx_nombuf"], len(fs))
    # every fragment that got an mbuf was held, each its own datagram, and
    # expired: the reassembly counters agree with each other exactly
    sn, frags = r.stats["snmp"]["Ip"], r.stats["snmp"]["Ip"]["ReasmReqds"]
    c.true("fragments received before the pool ran dry (%d)" % frags, 0 < frags <= HELD)
    c.eq("every held fragment expired", r.stats["drops"]["FRAG_REASM_TIMEOUT"], frags)
    c.eq("ReasmTimeout: one per datagram", sn["ReasmTimeout"], frags)
    c.eq("ReasmFails: one per datagram", sn["ReasmFails"], frags)
    c.eq("nothing else dropped", p["dropped"], frags)
    c.eq("every other frame received was delivered", p["delivered"], p["ipackets"] - frags)
    c.eq("to one of the two listeners", r.stats["udp"]["0"]["datagrams"] +
         r.stats["udp"]["1"]["datagrams"], p["ipackets"] - frags)
    # net_pcap loses one frame per poll while the pool is dry (rx_nombuf);
    # the held fragments expire within --frag-timeout 1 ms (checked every
    # 256 polls), far fewer polls than the 58,000 frames ahead of the last
    # 2,000: those all arrive after the recovery and are all delivered
    c.true("recovered before the last datagrams: rx_nombuf %d < %d"
           % (p["rx_nombuf"], TAIL - LAST), p["rx_nombuf"] < TAIL - LAST)
    c.eq("and processing recovered: the file's last datagrams all delivered",
         r.stats["udp"]["1"]["datagrams"], LAST)
    print("faults: %d frames, rx_nombuf %d, fragments expired %d, delivered %d (last %d: %d)"
          % (len(fs), p["rx_nombuf"], r.stats["drops"]["FRAG_REASM_TIMEOUT"], p["delivered"],
             LAST, r.stats["udp"]["1"]["datagrams"]))
    return c.done()


def too_small():
    """Below the floor: one line naming the sizes, exit 2, no port."""
    name = "faults_small"
    c = fr.Checker(name)
    path = os.path.join(fr.workdir(name), "one.pcap")
    pg.write_pcap(path, [pg.udp_frame()])
    cmd = [fr.BINARY] + fr.eal_args(name, ["net_pcap0,rx_pcap=" + path], "0,1", 256) + \
        ["--"] + SMALL + ["--mbufs", "100"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    fr.cleanup(name)
    lines = [l for l in p.stderr.splitlines() if l.startswith("fastpath:")]
    c.eq("exit status", p.returncode, 2)
    c.eq("one line", len(lines), 1)
    # the floor the message states: 64 rx + 64 tx descriptors + 1 x (0 + 2 x 32)
    c.true("names the sizes: %r" % lines,
           lines and "--mbufs: 100 is too small" in lines[0] and "192 needed" in lines[0]
           and "64 rx + 64 tx descriptors" in lines[0])
    return c.done()


if __name__ == "__main__":
    fr.main({"exhaustion": exhaustion, "too_small": too_small})
