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
import telclient  # noqa: E402

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
                                              "Udp", "Udp6", "UdpLite", "UdpLite6",
                                              "IcmpMsgIn", "IcmpMsgOut",
                                              "Icmp6MsgIn", "Icmp6MsgOut"]))
    c.eq("a per-type table prints only the types seen (none here)",
         [sn2[g] for g in ("IcmpMsgIn", "IcmpMsgOut", "Icmp6MsgIn", "Icmp6MsgOut")],
         [{}, {}, {}, {}])
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


def stop(p, name):
    """SIGTERM; returns (status, stderr, seconds to exit)."""
    p.send_signal(signal.SIGTERM)
    t0 = time.monotonic()
    try:
        _, err = p.communicate(timeout=30)
    except Exception:
        p.kill()
        _, err = p.communicate()
    fr.cleanup(name)
    return p.returncode, err, time.monotonic() - t0


def paging():
    """Two net_null ports x 64 queues polled by 60 lcores: /fastpath/queues,
    lcores and softnet_stat outgrow DPDK's 16 KiB reply, so they page. The
    pages, followed by "next", hold every item exactly once and each fits;
    every documented parameter selects what it says; a bad one is refused."""
    name = "telemetry_paging"
    c = fr.Checker(name)
    nlc, nq = 60, 64
    # net_null sums only its first 16 queues into ipackets: the harness
    # leaves the ipackets checks out
    p, stats_path = fr.start(name, ["net_null0", "net_null1"], ["--rxq", str(nq), "--rxd", "128", "--txd", "128"],
                             lcores="0@0,(1-%d)@(0-1)" % nlc, mem=1024,
                             port_counts_every_queue=False)
    queues = {"%d_%d" % (pt, q) for pt in range(2) for q in range(nq)}
    lcores = {str(i) for i in range(1, nlc + 1)}
    try:
        ok = fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 30)
        c.true("telemetry socket appears", ok)
        with telclient.Client(fr.telemetry_socket(name)) as cl:
            # null until the ports are started, then answers
            c.true("answers once started",
                   fr.wait_for(lambda: cl.query("/fastpath/ports") is not None, 30))
            for cmd, want in (("/fastpath/queues", queues), ("/fastpath/lcores", lcores),
                              ("/fastpath/softnet_stat", lcores),
                              ("/fastpath/queues,1", {k for k in queues if k[0] == "1"})):
                pages = cl.pages(cmd)
                keys = [k for _, pg in pages for k in pg]
                c.true("%s: more than one page (%d)" % (cmd, len(pages)),
                       len(pages) > 1 or cmd.endswith("softnet_stat"))
                c.true("%s: every page fits (%s)" % (cmd, [n for n, _ in pages]),
                       all(n <= telclient.MAX_REPLY for n, _ in pages))
                c.eq("%s: no item twice" % cmd, len(keys), len(set(keys)))
                c.eq("%s: every item" % cmd, set(keys), want)
            sel = {
                "/fastpath/lcores,5": {"5"},
                "/fastpath/lcores,3-7": {"3", "4", "5", "6", "7"},
                "/fastpath/softnet_stat,58-": {"58", "59", "60"},
                "/fastpath/queues,0_5": {"0_5"},
                "/fastpath/queues,0_62-1_1": {"0_62", "0_63", "1_0", "1_1"},
                "/fastpath/ports,1": {"1"},
                "/fastpath/ports,0-1": {"0", "1"},
            }
            for cmd, want in sel.items():
                got = cl.query(cmd)
                c.eq(cmd, set(got or {}) - {"next"}, want)
            for cmd in ("/fastpath/lcores,x", "/fastpath/lcores,7-3", "/fastpath/lcores,99",
                        "/fastpath/ports,7", "/fastpath/queues,0_64", "/fastpath/queues,1_2-",
                        "/fastpath/config,1", "/fastpath/snmp,x", "/fastpath/drops,1",
                        "/fastpath/udp,0"):
                want_none = cmd != "/fastpath/queues,1_2-"
                got = cl.query(cmd)
                if want_none:
                    c.eq(cmd + " refused", got, None)
                else:
                    c.true(cmd + " answered", isinstance(got, dict) and "1_2" in got)
    finally:
        rc, err, _ = stop(p, name)
    c.eq("exit status", rc, 0)
    return c.done()


def shutdown_under_queries():
    """SIGTERM while eight clients query as fast as they can: the telemetry
    callbacks must never read state that is being torn down (it crashed
    20 times out of 20). Ten rounds; every one exits 0 with its stats."""
    import threading
    name = "telemetry_shutdown"
    c = fr.Checker(name)
    pcap = os.path.join(fr.workdir(name), "udp64.pcap")
    pcapgen.write_pcap(pcap, [pcapgen.udp_frame(64, flow=i) for i in range(64)])
    cmds = ["/fastpath/queues", "/fastpath/lcores", "/fastpath/ports", "/fastpath/softnet_stat",
            "/fastpath/udp", "/fastpath/snmp", "/fastpath/config", "/ethdev/stats,0"]
    for rnd in range(10):
        p, stats_path = fr.start(name, ["net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap],
                                 ["--listen", "9=count"], lcores="0,1")
        sock = fr.telemetry_socket(name)
        if not fr.wait_for(lambda: os.path.exists(sock), 20):
            c.true("round %d: telemetry socket" % rnd, False)
            stop(p, name)
            continue
        time.sleep(0.2)
        stop_flag, counts = threading.Event(), []

        def hammer(i):
            n = 0
            try:
                with telclient.Client(sock, timeout=2) as cl:
                    while not stop_flag.is_set():
                        cl.raw(cmds[(i + n) % len(cmds)])
                        n += 1
            except (OSError, ValueError):
                pass            # the server went away: expected at the end
            counts.append(n)
        threads = [threading.Thread(target=hammer, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        rc, err, _ = stop(p, name)
        stop_flag.set()
        for t in threads:
            t.join()
        c.eq("round %d: exit status (-11 is SIGSEGV)" % rnd, rc, 0)
        c.true("round %d: clients were querying (%s)" % (rnd, counts), sum(counts) > 8)
        c.true("round %d: stats written" % rnd, os.path.exists(stats_path))
    return c.done()


if __name__ == "__main__":
    fr.main({"live": live, "paging": paging, "shutdown_under_queries": shutdown_under_queries})
