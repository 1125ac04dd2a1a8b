#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""--config-file end to end: a run from an INI file equals the equivalent
command-line run on the same traffic, and config/fastpath.ini runs."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fastpath_run as fr  # noqa: E402
import pcapgen as pg  # noqa: E402
import test_mixed  # noqa: E402

INI = """; the same as test_mixed.APP, as a file
[ports]
rss-key = default
[lcores]
burst = 32
[host]
local-ip = 10.1.0.1/24
local-ip = 2001:db8::1/64
icmp-errors = on,ratelimit=86400000,ratelimit6=86400000
igmp = off
mld = off
[listen]
discard = 9=count
feed = 10.1.0.1:5000=seq,offset=0,size=4,order=be
echo = 7=echo
group = 239.1.1.1:6000=count
[run]
mbuf-cache = 256
"""


def comparable(stats):
    """Everything but what differs by run: timing, file paths, the process
    (pid, start time), and the listeners' names (only a file has them)."""
    out = {}
    for section in ("softnet_stat", "ports", "snmp", "drops"):
        out[section] = stats[section]
    out["udp"] = {k: {f: v for f, v in u.items() if f != "name"}
                  for k, u in stats["udp"].items()}
    out["queues"] = {k: {f: v for f, v in q.items() if not f.endswith("_cycles")
                         and f not in ("polls", "empty_polls")}
                     for k, q in stats["queues"].items()}
    out["config"] = {k: v for k, v in stats["config"].items()
                     if k not in ("stats_json", "tsc_hz", "pid", "start_time")}
    return out


def same_as_command_line():
    name = "config_equal"
    c = fr.Checker(name)
    e = test_mixed.build()
    d = fr.workdir(name)
    pcap, ini = os.path.join(d, "mixed.pcap"), os.path.join(d, "fastpath.ini")
    pg.write_pcap(pcap, e.frames)
    with open(ini, "w") as f:
        f.write(INI)
    vdev = ["net_pcap0,rx_pcap=" + pcap]
    a = fr.run(name + "_cli", vdev, test_mixed.APP)
    b = fr.run(name + "_file", vdev, ["--config-file", ini])
    c.eq("command-line run status", a.rc, 0)
    c.eq("config-file run status", b.rc, 0)
    fr.check_invariants(c, a.stats)
    fr.check_invariants(c, b.stats)
    if a.stats and b.stats:
        ca, cb = comparable(a.stats), comparable(b.stats)
        for section in ca:
            c.eq("section %s equal" % section, cb[section], ca[section])
        c.eq("delivered what the generator says", a.stats["ports"]["0"]["delivered"],
             e.fates["delivered"])
    return c.done()


def example_runs():
    name = "config_example"
    c = fr.Checker(name)
    path = os.path.join(fr.workdir(name), "sample.pcap")
    # to the example's host address and its discard listener
    frames = [pg.pad60(pg.eth("02:70:63:61:70:00", "02:00:00:00:00:02", 0x0800,
                              pg.udp4("10.1.0.2", "10.1.0.1", 1000 + i, 9, b"x" * 20)))
              for i in range(50)]
    pg.write_pcap(path, frames)
    r = fr.run(name, ["net_pcap0,rx_pcap=" + path],
               ["--config-file", os.path.join(fr.ROOT, "config", "fastpath.ini")])
    c.eq("exit status", r.rc, 0)
    c.eq("no warning or error", [l for l in r.fp_errors() if "WARN" in l.upper()
                                 or "ERR" in l.upper()], [])
    fr.check_invariants(c, r.stats)
    if r.stats:
        cfg = r.stats["config"]
        c.eq("listeners", cfg["listeners"], 5)
        c.eq("local addresses", cfg["local_ips"], "10.1.0.1,2001:db8::1")
        c.eq("rss key", cfg["rss_key"], "symmetric")
        c.eq("discard listener datagrams", r.stats["udp"]["3"]["datagrams"], 50)
        c.eq("delivered", r.stats["ports"]["0"]["delivered"], 50)
    return c.done()


def from_pipe():
    """--config-file <(printf ...): a pipe gives its bytes once. The file is
    read once and parsed from what was read (it used to be read twice, the
    second read empty: burst 32 and no listener)."""
    name = "config_pipe"
    c = fr.Checker(name)
    d = fr.workdir(name)
    pcap, stats_path = os.path.join(d, "u.pcap"), os.path.join(d, "stats.json")
    pg.write_pcap(pcap, [pg.udp_frame(64, flow=i, dport=9) for i in range(20)])
    if os.path.exists(stats_path):
        os.unlink(stats_path)
    r, w = os.pipe()
    os.write(w, b"[lcores]\nburst = 8\n[listen]\ndiscard = 9=count\n")
    os.close(w)
    cmd = [fr.BINARY] + fr.eal_args(name, ["net_pcap0,rx_pcap=" + pcap]) + \
        ["--", "--idle-exit", "300", "--stats-json", stats_path,
         "--config-file", "/dev/fd/%d" % r]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, pass_fds=(r,))
    finally:
        os.close(r)
        fr.cleanup(name)
    c.eq("exit status (stderr: %s)" % p.stderr.strip()[-300:], p.returncode, 0)
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    fr.check_invariants(c, stats)
    if stats:
        c.eq("burst from the pipe", stats["config"]["burst"], 8)
        c.eq("the pipe's listener got the datagrams",
             [u["datagrams"] for u in stats["udp"].values()], [20])
    return c.done()


if __name__ == "__main__":
    fr.main({"same_as_command_line": same_as_command_line, "example_runs": example_runs,
             "from_pipe": from_pipe})
