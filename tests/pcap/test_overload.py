#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Overload: kernel traffic at a paced rate through net_af_packet (two
queue pairs) to two worker lcores, one of them made slower than its
queue's arrival rate with --cost-cycles. It must be squeezed on far more
of its polls than the other lcore, and be busier (relations within the
run, not absolute shares of a CPU: on a loaded machine either lcore loses
its CPU now and then); every counter stays consistent and nothing
crashes. net_af_packet 22.11 cannot report its ring drops, and its fanout
rollover moves what a full ring cannot take to the other queue: the test
checks that every frame the port saw is accounted for instead."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
from netns import FP_IP, VethPair, available, start_fastpath, stop_fastpath  # noqa: E402

SKIP = 77
UDPSEND = os.environ.get("FP_UDPSEND", os.path.join(fr.ROOT, "build", "tests", "tools", "udpsend"))
FLOWS, COUNT = 8, 3000
SLOW, FAST = 2, 1
COST = 400000          # cycles per packet: a few thousand packets/s at most


def overload():
    if not available():
        return fr.skip("overload", "needs root, iproute2, ethtool and ping")
    name = "overload"
    c = fr.Checker(name)
    app = None
    try:
        net = VethPair(str(os.getpid() % 100000 + 1)).__enter__()
    except RuntimeError as e:
        return fr.skip("overload", "cannot set up namespaces (%s)" % e)
    try:
        # the slow lcore beside the (sleeping) main lcore, the fast one alone
        app, stats_path = start_fastpath(
            fr, net, name, "0@0,%d@1,%d@0" % (FAST, SLOW), 2,
            ["--listen", "9=count", "--burst", "256",
             "--queue-map", "(0,0,%d),(0,1,%d)" % (FAST, SLOW),
             "--cost-cycles", "%d:%d" % (SLOW, COST)])
        c.true("fastpath up", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 30))
        time.sleep(1.0)
        ping = subprocess.run(net.in_tx("ping", "-c", "1", "-W", "3", FP_IP), capture_output=True,
                              text=True, timeout=30)
        c.eq("neighbour resolved (ping)", ping.returncode, 0)
        before = fr.telemetry(name, "/fastpath/lcores")["/fastpath/lcores"]
        # the sender on CPU 0, beside the slow lcore: never in the fast one's way
        sender = subprocess.run(net.in_tx("taskset", "-c", "0", UDPSEND, FP_IP, "9", str(FLOWS),
                                          str(COUNT), "64", "10000"),
                                capture_output=True, text=True, timeout=120)
        c.eq("udpsend status", sender.returncode, 0)
        m = re.search(r"sent (\d+)", sender.stdout)
        c.true("udpsend reported what it sent: %r" % sender.stderr, m is not None)
        sent = int(m.group(1)) if m else 0
        after = fr.telemetry(name, "/fastpath/lcores")["/fastpath/lcores"]

        def busy_frac(lc):
            a, b = after[str(lc)], before[str(lc)]
            busy = a["busy_cycles"] - b["busy_cycles"]
            return busy / max(busy + a["idle_cycles"] - b["idle_cycles"], 1)
        # relations within the run, never an absolute share of the CPU:
        # on a loaded machine either lcore loses its CPU for whole slices
        slow_busy, fast_busy = busy_frac(SLOW), busy_frac(FAST)
        c.true("the slow lcore idle less than half as much as the fast one while the "
               "traffic lasted (busy %.0f%% vs %.0f%%)" % (100 * slow_busy, 100 * fast_busy),
               1 - slow_busy < 0.5 * (1 - fast_busy))
        time.sleep(0.5)
    finally:
        rc, stats = stop_fastpath(fr, app, name, stats_path) if app else (None, None)
        net.__exit__(None, None, None)
    c.eq("exit status", rc, 0)
    fr.check_invariants(c, stats)
    if not stats:
        return c.done()
    sn = stats["softnet_stat"]
    slow, fast = sn[str(SLOW)]["time_squeeze"], sn[str(FAST)]["time_squeeze"]

    def squeeze_ratio(lc):
        # full bursts per non-empty poll: how often the lcore was behind
        lcs = stats["lcores"][str(lc)]
        return lcs["time_squeeze"] / max(lcs["polls"] - lcs["empty_polls"], 1)
    rs, rf = squeeze_ratio(SLOW), squeeze_ratio(FAST)
    c.true("the slow lcore was squeezed (%d)" % slow, slow > 0)
    # a descheduled fast lcore is squeezed now and then on a loaded
    # machine; the slow one is behind on most of its polls
    c.true("the slow lcore squeezed far more often than the fast one "
           "(%.3f vs %.3f of non-empty polls)" % (rs, rf), rs > 5 * rf and rs >= 0.5)
    c.eq("cost_cycles reported", stats["lcores"][str(SLOW)]["cost_cycles"], COST)
    c.eq("no cost on the fast lcore", stats["lcores"][str(FAST)]["cost_cycles"], 0)
    got = stats["udp"]["0"]["datagrams"]
    c.true("received <= sent (%d <= %d)" % (got, sent), got <= sent)
    print("overload: time_squeeze slow lcore %d, fast lcore %d; sent %d, delivered %d; "
          "softnet dropped %d / %d (net_af_packet reports no ring drops; rollover moved "
          "the excess to the fast queue: %d vs %d packets)"
          % (slow, fast, sent, got, sn[str(SLOW)]["dropped"], sn[str(FAST)]["dropped"],
             sn[str(FAST)]["processed"], sn[str(SLOW)]["processed"]))
    return c.done()


if __name__ == "__main__":
    fr.main({"overload": overload})
