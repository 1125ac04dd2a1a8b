#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Live telemetry: while net_pcap replays forever (infinite_rx), query every
/fastpath/ command twice through DPDK's own dpdk-telemetry.py; counters must
grow; then SIGTERM must end the run with status 0, final stats written and
every mbuf back in its pool."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import pcapgen  # noqa: E402

CMDS = ["/fastpath/softnet_stat", "/fastpath/queues", "/fastpath/lcores",
        "/fastpath/ports", "/fastpath/config", "/fastpath/snmp", "/fastpath/drops",
        "/fastpath/udp"]
SOFTNET_KEYS = {"processed", "dropped", "time_squeeze", "cpu_collision",
                "received_rps", "flow_limit_count", "backlog_len", "index"}
QUEUE_KEYS = {"lcore", "packets", "bytes", "dropped", "time_squeeze", "polls", "empty_polls"}
LCORE_KEYS = {"busy_cycles", "idle_cycles", "packets", "cycles_per_packet", "busy_pct", "loops"}
PORT_KEYS = {"ipackets", "imissed", "ierrors", "rx_nombuf", "processed", "delivered",
             "dropped", "unaccounted"}


def live():
    name = "telemetry_live"
    c = fr.Checker(name)
    pcap = os.path.join(fr.workdir(name), "udp64.pcap")
    pcapgen.write_pcap(pcap, [pcapgen.udp_frame(64, flow=i) for i in range(256)])
    p, stats_path = fr.start(name, ["net_pcap0,rx_pcap=%s,rx_pcap=%s,infinite_rx=1"
                                    % (pcap, pcap)], ["--listen", "9=count"],
                             lcores="0@0,1@1,2@1")
    try:
        ok = fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20)
        c.true("telemetry socket appears", ok)
        time.sleep(0.5)
        r1 = fr.telemetry(name, *CMDS)
        time.sleep(0.5)
        r2 = fr.telemetry(name, *CMDS)
        one = fr.telemetry(name, "/fastpath/softnet_stat,2", "/fastpath/queues,0",
                           "/fastpath/softnet_stat,99", "/fastpath/queues,x")
    finally:
        p.send_signal(signal.SIGTERM)
        t0 = time.monotonic()
        try:
            out, err = p.communicate(timeout=10)
        except Exception:
            p.kill()
            out, err = p.communicate()
        elapsed = time.monotonic() - t0
        fr.cleanup(name)

    s1, s2 = r1["/fastpath/softnet_stat"], r2["/fastpath/softnet_stat"]
    c.eq("softnet lcores", sorted(s2), ["1", "2"])
    for lc in ("1", "2"):
        c.eq("softnet %s keys" % lc, set(s2[lc]), SOFTNET_KEYS)
        c.true("softnet %s processed grows (%d -> %d)" % (lc, s1[lc]["processed"],
               s2[lc]["processed"]), s2[lc]["processed"] > s1[lc]["processed"] > 0)
        c.eq("softnet %s backlog_len" % lc, s2[lc]["backlog_len"], "unsupported")
        l2 = r2["/fastpath/lcores"][lc]
        c.true("lcores %s has its keys" % lc, LCORE_KEYS <= set(l2))
        c.true("lcores %s loops grow" % lc,
               l2["loops"] > r1["/fastpath/lcores"][lc]["loops"])
        c.true("lcores %s cycles_per_packet > 0" % lc, l2["cycles_per_packet"] > 0)
    q1, q2 = r1["/fastpath/queues"], r2["/fastpath/queues"]
    c.eq("queues", sorted(q2), ["0_0", "0_1"])
    for k in q2:
        c.true("queue %s keys" % k, QUEUE_KEYS <= set(q2[k]))
        c.true("queue %s packets grow" % k, q2[k]["packets"] > q1[k]["packets"])
    p1, p2 = r1["/fastpath/ports"]["0"], r2["/fastpath/ports"]["0"]
    c.true("ports keys", PORT_KEYS <= set(p2))
    c.true("ipackets grow", p2["ipackets"] > p1["ipackets"])
    c.true("processed grows", p2["processed"] > p1["processed"])
    c.eq("live unaccounted", p2["unaccounted"], 0)
    c.eq("config burst", r2["/fastpath/config"]["burst"], 32)
    # receive processing: every frame is a good UDP datagram to port 9
    sn1, sn2 = r1["/fastpath/snmp"], r2["/fastpath/snmp"]
    c.eq("snmp groups", sorted(sn2), sorted(["Ip", "IpExt", "Ip6", "Icmp", "Icmp6", "Tcp",
                                              "Udp", "Udp6"]))
    c.true("Udp InDatagrams grows", sn2["Udp"]["InDatagrams"] > sn1["Udp"]["InDatagrams"])
    c.eq("no drop by any reason", sum(r2["/fastpath/drops"].values()), 0)
    c.true("drops lists every reason", {"NO_SOCKET", "UDP_CSUM", "IP_CSUM", "OTHERHOST",
                                        "PKT_TOO_SMALL"} <= set(r2["/fastpath/drops"]))
    u1, u2 = r1["/fastpath/udp"]["0"], r2["/fastpath/udp"]["0"]
    c.eq("listener address", u2["local_address"], "*:9")
    c.true("listener datagrams grow", u2["datagrams"] > u1["datagrams"])
    c.eq("softnet_stat,2", sorted(one["/fastpath/softnet_stat,2"] or {}), ["2"])
    c.eq("queues,0", sorted(one["/fastpath/queues,0"] or {}), ["0_0", "0_1"])
    c.eq("softnet_stat,99 (no such lcore)", one["/fastpath/softnet_stat,99"], None)
    c.eq("queues,x (bad param)", one["/fastpath/queues,x"], None)

    c.eq("exit status after SIGTERM", p.returncode, 0)
    c.true("exit within 1 s of SIGTERM (%.2f s)" % elapsed, elapsed < 1.0)
    import json
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    fr.check_invariants(c, stats)
    if stats:
        c.true("final processed >= last live reading",
               stats["ports"]["0"]["processed"] >= p2["processed"])
        # every frame is a good UDP datagram to the listener: exact at exit
        fs, n = stats["snmp"], stats["ports"]["0"]["processed"]
        c.eq("final Ip InReceives", fs["Ip"]["InReceives"], n)
        c.eq("final Ip InDelivers", fs["Ip"]["InDelivers"], n)
        c.eq("final Udp InDatagrams", fs["Udp"]["InDatagrams"], n)
        c.eq("final listener datagrams", stats["udp"]["0"]["datagrams"], n)
        c.eq("final delivered", stats["ports"]["0"]["delivered"], n)
    return c.done()


if __name__ == "__main__":
    fr.main({"live": live})
