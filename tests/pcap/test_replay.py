#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""End-to-end replay through net_pcap: exact per-queue counts from the
frames each generated pcap holds, on one and two queues, one and two
worker lcores, one and two ports."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import pcapgen  # noqa: E402

# the generated UDP frames go to port 9: a count listener delivers them
LISTEN = ["--listen", "9=count"]


def run(name, vdevs, app_args=(), **kw):
    return fr.run(name, vdevs, LISTEN + list(app_args), **kw)


def make_pcap(name, tag, n, runts=0, sizes=(64, 128, 1514)):
    """n frames: `runts` short ones (1..13 bytes), the rest UDP of varied
    sizes. Returns (path, frames)."""
    frames = []
    for i in range(n):
        if i < runts:
            frames.append(bytes(range(1 + i % 13)))      # 1..13 bytes
        else:
            frames.append(pcapgen.udp_frame(sizes[i % len(sizes)], flow=i, seq=i))
    path = os.path.join(fr.workdir(name), tag + ".pcap")
    pcapgen.write_pcap(path, frames)
    return path, frames


def expect_queue(c, stats, key, frames, lcore, burst):
    q = stats["queues"].get(key)
    c.true("queue %s present" % key, q is not None)
    if q is None:
        return
    n = len(frames)
    runts = sum(1 for f in frames if len(f) < pcapgen.ETH_HLEN)
    c.eq("%s lcore" % key, q["lcore"], lcore)
    c.eq("%s packets" % key, q["packets"], n)
    c.eq("%s bytes" % key, q["bytes"], sum(len(f) for f in frames))
    c.eq("%s delivered" % key, q["delivered"], n - runts)
    c.eq("%s app_drops (runts)" % key, q["app_drops"], runts)
    c.eq("%s dropped (resources)" % key, q["dropped"], 0)
    # net_pcap hands out min(burst, frames left) per poll
    c.eq("%s time_squeeze (full bursts)" % key, q["time_squeeze"], n // burst)
    hist = {k: v for k, v in q.items() if k.startswith("burst_")}
    c.eq("%s bursts counted" % key, sum(hist.values()), q["polls"] - q["empty_polls"])
    c.eq("%s backlog_len" % key, q["backlog_len"], "unsupported")


def one_queue():
    name = "one_queue"
    c = fr.Checker(name)
    path, frames = make_pcap(name, "q0", 1000, runts=37)
    r = run(name, ["net_pcap0,rx_pcap=" + path], ["--burst", "16"])
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    if r.stats:
        expect_queue(c, r.stats, "0_0", frames, 1, 16)
        p = r.stats["ports"]["0"]
        c.eq("ipackets", p["ipackets"], 1000)
        c.eq("port dropped", p["dropped"], 37)
        c.eq("softnet lcores", sorted(r.stats["softnet_stat"]), ["1"])
        sn = r.stats["softnet_stat"]["1"]
        c.eq("softnet processed", sn["processed"], 1000)
        c.eq("softnet index", sn["index"], 1)
        for col in ("cpu_collision", "received_rps", "flow_limit_count"):
            c.eq("softnet " + col, sn[col], 0)
        c.eq("config burst", r.stats["config"]["burst"], 16)
        c.eq("config queue map", r.stats["config"]["queue_map"], {"0_0": 1})
        lc = r.stats["lcores"]["1"]
        c.eq("lcores packets", lc["packets"], 1000)
        c.true("lcores busy cycles counted", lc["busy_cycles"] > 0)
    c.true("summary printed", "softnet_stat" in r.out and "unaccounted" in r.out)
    return c.done()


def two_queues_one_lcore():
    name = "two_queues_one_lcore"
    c = fr.Checker(name)
    p0, f0 = make_pcap(name, "q0", 700, runts=5)
    p1, f1 = make_pcap(name, "q1", 333, runts=0)
    r = run(name, ["net_pcap0,rx_pcap=%s,rx_pcap=%s" % (p0, p1)],
               ["--rxq", "2"])
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    if r.stats:
        expect_queue(c, r.stats, "0_0", f0, 1, 32)
        expect_queue(c, r.stats, "0_1", f1, 1, 32)
        c.eq("ipackets", r.stats["ports"]["0"]["ipackets"], 1033)
        c.eq("lcore 1 polls both", r.stats["lcores"]["1"]["queues"], 2)
    return c.done()


def two_queues_two_lcores():
    """Three lcores on two CPUs: main 0, workers 1 and 2 (on CPU 1)."""
    name = "two_queues_two_lcores"
    c = fr.Checker(name)
    p0, f0 = make_pcap(name, "q0", 512, runts=3)
    p1, f1 = make_pcap(name, "q1", 1500, runts=11)
    r = run(name, ["net_pcap0,rx_pcap=%s,rx_pcap=%s" % (p0, p1)],
               lcores="0@0,1@1,2@1")
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    if r.stats:
        # automatic map: one queue per worker, round-robin
        expect_queue(c, r.stats, "0_0", f0, 1, 32)
        expect_queue(c, r.stats, "0_1", f1, 2, 32)
        c.eq("softnet lcores", sorted(r.stats["softnet_stat"]), ["1", "2"])
        c.eq("softnet 1 processed", r.stats["softnet_stat"]["1"]["processed"], 512)
        c.eq("softnet 2 processed", r.stats["softnet_stat"]["2"]["processed"], 1500)
        c.eq("tx queues: one per worker", r.stats["ports"]["0"]["tx_queues"], 2)
    return c.done()


def explicit_map():
    """--queue-map crosses the automatic assignment; two ports."""
    name = "explicit_map"
    c = fr.Checker(name)
    p0, f0 = make_pcap(name, "a0", 300, runts=1)
    p1, f1 = make_pcap(name, "a1", 200, runts=0)
    p2, f2 = make_pcap(name, "b0", 450, runts=9)
    r = run(name, ["net_pcap0,rx_pcap=%s,rx_pcap=%s" % (p0, p1),
                      "net_pcap1,rx_pcap=" + p2],
               ["--queue-map", "(0,0,2),(0,1,1),(1,0,1)"], lcores="0@0,1@1,2@1")
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    if r.stats:
        expect_queue(c, r.stats, "0_0", f0, 2, 32)
        expect_queue(c, r.stats, "0_1", f1, 1, 32)
        expect_queue(c, r.stats, "1_0", f2, 1, 32)
        c.eq("port 0 ipackets", r.stats["ports"]["0"]["ipackets"], 500)
        c.eq("port 1 ipackets", r.stats["ports"]["1"]["ipackets"], 450)
        c.eq("softnet 1 processed", r.stats["softnet_stat"]["1"]["processed"], 650)
        c.eq("config map", r.stats["config"]["queue_map"], {"0_0": 2, "0_1": 1, "1_0": 1})
        c.eq("config map source", r.stats["config"]["queue_map_source"], "queue-map")
    return c.done()


def main_polls():
    """A single lcore: the main lcore polls (--main-polls) and keeps house."""
    name = "main_polls"
    c = fr.Checker(name)
    p0, f0 = make_pcap(name, "q0", 400, runts=2)
    r = run(name, ["net_pcap0,rx_pcap=" + p0], ["--main-polls"], lcores="0")
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    if r.stats:
        expect_queue(c, r.stats, "0_0", f0, 0, 32)
        c.eq("role", r.stats["lcores"]["0"]["role"], "main")
    return c.done()


def no_traffic():
    """An empty pcap: idle-exit still ends the run, all counters zero."""
    name = "no_traffic"
    c = fr.Checker(name)
    p0, f0 = make_pcap(name, "empty", 0)
    r = run(name, ["net_pcap0,rx_pcap=" + p0])
    c.eq("exit status", r.rc, 0)
    fr.check_invariants(c, r.stats)
    if r.stats:
        expect_queue(c, r.stats, "0_0", f0, 1, 32)
    return c.done()


TESTS = {f.__name__: f for f in (one_queue, two_queues_one_lcore,
                                 two_queues_two_lcores, explicit_map,
                                 main_polls, no_traffic)}

if __name__ == "__main__":
    fr.main(TESTS)
