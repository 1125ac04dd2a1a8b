#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""fastpath-stat against a running fastpath: two queues on two lcores, each
replaying a known pcap; the app keeps running after the pcaps drain, so
every subcommand's output can be compared with what the pcaps hold."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import pcapgen as pg  # noqa: E402

STAT = os.path.join(fr.ROOT, "scripts", "fastpath-stat")
BURST = 32
# queue 0 (lcore 1): to the count listener; queue 1 (lcore 2): to nobody
Q0 = [pg.udp_frame(64 + i % 3 * 100, flow=i, seq=i, dport=9) for i in range(700)]
Q1 = [pg.udp_frame(64, flow=i, seq=i, dport=4444) for i in range(300)]


def stat(name, *args):
    # run as installed: its shebang is Debian's python3, which has
    # python3-prometheus-client
    p = subprocess.run([STAT, "-f", fr.prefix(name)] + list(args),
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def parse_prometheus(text):
    """A strict reader of the text exposition format (version 0.0.4), for
    where promtool is not installed. Returns {(name, labels): value}."""
    name_re = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
    sample_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
    label_re = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')
    types, helps, samples, problems = {}, set(), {}, []
    for line in text.splitlines():
        if line.startswith("# HELP "):
            helps.add(line.split()[2])
        elif line.startswith("# TYPE "):
            _, _, n, t = line.split()
            if n in types:
                problems.append("TYPE twice for " + n)
            types[n] = t
        elif line.startswith("#") or not line:
            continue
        else:
            m = sample_re.match(line)
            if not m:
                problems.append("bad sample line: " + line)
                continue
            n, labels, value = m.group(1), m.group(3) or "", m.group(4)
            if n not in types:
                problems.append("sample before its TYPE: " + n)
            pairs = tuple((a, b) for a, b, _ in label_re.findall(labels))
            if labels and ",".join('%s="%s"' % p for p in pairs) != labels:
                problems.append("bad labels: " + line)
            float(value)
            samples[(n, tuple(sorted(pairs)))] = float(value)
    for n, t in types.items():
        if not name_re.match(n) or n not in helps:
            problems.append("name or HELP: " + n)
        if t == "counter" and not n.endswith("_total"):
            problems.append("counter without _total: " + n)
    return samples, problems


def promtool_check(c, text):
    """promtool check metrics: no error, and no lint finding except the
    one node_exporter's own netstat series get too (the kernel's CamelCase
    counter names, kept on purpose: node_netstat_Udp_InDatagrams ->
    fastpath_netstat_Udp_InDatagrams)."""
    if not shutil.which("promtool"):
        print("promtool not installed: checked with the test's own parser only")
        return
    pt = subprocess.run(["promtool", "check", "metrics"], input=text,
                        capture_output=True, text=True)
    findings = (pt.stdout + pt.stderr).strip().splitlines()
    other = [f for f in findings if not re.match(
        r"^fastpath_netstat_[A-Za-z0-9]+_[A-Za-z0-9]+ metric names should be written in "
        r"'snake_case' not 'camelCase'$", f)]
    c.eq("promtool check metrics: status %d, findings besides netstat's CamelCase"
         % pt.returncode, other, [])
    c.true("promtool status 0, or 3 (lint) for the netstat names only: %d" % pt.returncode,
           pt.returncode == 0 or (pt.returncode == 3 and findings and not other))


def subcommands():
    name = "stat"
    c = fr.Checker(name)
    d = fr.workdir(name)
    p0, p1 = os.path.join(d, "q0.pcap"), os.path.join(d, "q1.pcap")
    pg.write_pcap(p0, Q0)
    pg.write_pcap(p1, Q1)
    app, stats_path = fr.start(name, ["net_pcap0,rx_pcap=%s,rx_pcap=%s" % (p0, p1)],
                               ["--listen", "9=count", "--burst", str(BURST)],
                               lcores="0@0,1@1,2@1")
    try:
        c.true("socket", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))

        def drained():
            rc, out, _ = stat(name, "query", "/fastpath/ports")
            return rc == 0 and '"processed": %d' % (len(Q0) + len(Q1)) in out
        c.true("pcaps drained", fr.wait_for(drained, 20, 0.2))

        # softnet: 13 columns of %08x, kernel order, index last
        rc, out, _ = stat(name, "softnet")
        c.eq("softnet status", rc, 0)
        rows = out.splitlines()
        c.eq("softnet rows (one per polling lcore)", len(rows), 2)
        for row, (lcore, frames) in zip(rows, ((1, Q0), (2, Q1))):
            c.true("softnet row layout: %r" % row,
                   re.fullmatch(r"([0-9a-f]{8} ){12}[0-9a-f]{8}", row) is not None)
            cols = [int(x, 16) for x in row.split()]
            c.eq("lcore %d processed" % lcore, cols[0], len(frames))
            c.eq("lcore %d dropped" % lcore, cols[1], 0)
            c.eq("lcore %d time_squeeze" % lcore, cols[2], len(frames) // BURST)
            c.eq("lcore %d unused columns" % lcore, cols[3:9] + cols[9:12], [0] * 9)
            c.eq("lcore %d index" % lcore, cols[12], lcore)

        # snmp: header and value lines pair up
        rc, out, _ = stat(name, "snmp")
        lines = out.splitlines()
        c.eq("snmp status", rc, 0)
        c.true("snmp lines come in pairs", len(lines) % 2 == 0 and lines)
        values = {}
        for h, v in zip(lines[0::2], lines[1::2]):
            g1, names = h.split(": ")
            g2, nums = v.split(": ")
            c.eq("snmp %s pairs" % g1, g2, g1)
            names, nums = names.split(), nums.split()
            c.eq("snmp %s fields" % g1, len(names), len(nums))
            c.true("snmp %s values are numbers" % g1, all(n.isdigit() for n in nums))
            values.update({"%s.%s" % (g1, n): int(x) for n, x in zip(names, nums)})
        c.eq("snmp groups", [l.split(":")[0] for l in lines[0::2]],
             ["Ip", "IpExt", "Icmp", "Tcp", "Udp", "Ip6", "Icmp6", "Udp6"])
        c.eq("Ip InReceives", values.get("Ip.InReceives"), len(Q0) + len(Q1))
        c.eq("Udp InDatagrams", values.get("Udp.InDatagrams"), len(Q0))
        c.eq("Udp NoPorts", values.get("Udp.NoPorts"), len(Q1))

        # udp
        rc, out, _ = stat(name, "udp")
        lines = out.splitlines()
        c.eq("udp status", rc, 0)
        c.true("udp header", lines[0].split()[:3] == ["sl", "local_address", "action"])
        c.eq("udp rows", len(lines), 2)
        f = lines[1].split()
        c.eq("udp local_address (/proc/net/udp6 form of ::)", f[1], "0" * 32 + ":0009")
        c.eq("udp action", f[2], "count")
        c.eq("udp datagrams", int(f[3]), len(Q0))
        c.eq("udp bytes", int(f[4]), sum(len(x) - 42 for x in Q0))
        c.eq("udp drops", int(f[5]), 0)

        # drops: non-zero first
        rc, out, _ = stat(name, "drops")
        pairs = [l.split() for l in out.splitlines()]
        c.eq("drops status", rc, 0)
        c.eq("drops first line", pairs[0], ["NO_SOCKET", str(len(Q1))])
        c.true("then zeros", all(p[1] == "0" for p in pairs[1:]))

        # json and query
        rc, out, _ = stat(name, "json")
        import json as js
        doc = js.loads(out)
        c.eq("json sections", sorted(doc), sorted(["softnet_stat", "queues", "lcores", "ports",
                                                   "config", "snmp", "drops", "udp"]))
        c.eq("json ports processed", doc["ports"]["0"]["processed"], len(Q0) + len(Q1))

        # prometheus
        rc, out, _ = stat(name, "prometheus")
        c.eq("prometheus status", rc, 0)
        samples, problems = parse_prometheus(out)
        c.eq("exposition problems (own parser)", problems, [])
        promtool_check(c, out)
        c.eq("no node_exporter names", [k for k in samples if not k[0].startswith("fastpath_")],
             [])
        c.eq("fastpath_up", samples.get(("fastpath_up", ())), 1.0)
        c.eq("fastpath_softnet_processed_total lcore 1",
             samples.get(("fastpath_softnet_processed_total", (("lcore", "1"),))), float(len(Q0)))
        c.eq("fastpath_softnet_times_squeezed_total lcore 2",
             samples.get(("fastpath_softnet_times_squeezed_total", (("lcore", "2"),))),
             float(len(Q1) // BURST))
        c.eq("fastpath_drops_total NO_SOCKET",
             samples.get(("fastpath_drops_total", (("reason", "NO_SOCKET"),))), float(len(Q1)))
        c.eq("fastpath_netstat_Udp_InDatagrams (node_exporter's netstat naming)",
             samples.get(("fastpath_netstat_Udp_InDatagrams", ())), float(len(Q0)))
        c.eq("fastpath_netstat_Udp_NoPorts",
             samples.get(("fastpath_netstat_Udp_NoPorts", ())), float(len(Q1)))
        c.eq("fastpath_queue_packets_total 0/1",
             samples.get(("fastpath_queue_packets_total",
                          (("lcore", "2"), ("name", "net_pcap0"), ("port", "0"),
                           ("queue", "1")))), float(len(Q1)))
        port_series = [k for k in samples if k[0] == "fastpath_port_processed_total"]
        c.eq("port labels: id, name, MAC", [sorted(dict(k[1])) for k in port_series],
             [["mac", "name", "port"]])
        c.eq("port processed", [samples[k] for k in port_series], [float(len(Q0) + len(Q1))])
        c.true("fastpath_build_info", any(k[0] == "fastpath_build_info" for k in samples))
        c.true("fastpath_tsc_hz > 0", samples.get(("fastpath_tsc_hz", ()), 0) > 0)
        c.true("fastpath_start_time_seconds within the last hour",
               0 < time.time() - samples.get(("fastpath_start_time_seconds", ()), 0) < 3600)

        # prometheus --listen: served on /metrics
        port = 19000 + os.getpid() % 1000
        srv = subprocess.Popen([STAT, "-f", fr.prefix(name), "prometheus",
                                "--listen", "127.0.0.1:%d" % port],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            import urllib.request
            body = None
            for _ in range(50):
                try:
                    body = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                                  timeout=5).read().decode()
                    break
                except OSError:
                    time.sleep(0.1)
            c.true("served /metrics", body is not None and "fastpath_softnet_processed_total" in body)
        finally:
            srv.terminate()
            srv.wait(timeout=10)

        # watch: one refresh, not a TTY: plain text
        rc, out, _ = stat(name, "watch", "-n", "0.2", "--iterations", "1")
        c.eq("watch status", rc, 0)
        c.true("watch lists both queues", "0_0" in out and "0_1" in out)
        c.true("watch has the lcore table", "cycles/pkt" in out and "busy%" in out)
    finally:
        app.send_signal(signal.SIGTERM)
        app.communicate(timeout=10)
        fr.cleanup(name)
    c.eq("fastpath exit status", app.returncode, 0)

    # errors: one line, non-zero
    rc, out, err = stat("no_such_prefix", "softnet")
    c.true("no socket: non-zero status", rc != 0)
    c.eq("no socket: one line", len(err.strip().splitlines()), 1)
    c.true("no socket: says which socket", "dpdk_telemetry.v2" in err)
    return c.done()


def connection_limit():
    """DPDK's telemetry server serves 10 clients at once; it accepts an 11th
    and closes it before the greeting. fastpath-stat took that for 'is
    fastpath running?'; it must say that the client limit is reached."""
    name = "stat_limit"
    c = fr.Checker(name)
    path = os.path.join(fr.workdir(name), "u.pcap")
    pg.write_pcap(path, [pg.udp_frame(64, dport=9)])
    app, _ = fr.start(name, ["net_pcap0,rx_pcap=" + path], ["--listen", "9=count"], mem=256)
    idle = []
    try:
        c.true("socket", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        for _ in range(10):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            s.connect(fr.telemetry_socket(name))
            s.recv(16384)        # the greeting: the server counts this client
            idle.append(s)
        rc, out, err = stat(name, "softnet")
        c.eq("with 10 idle clients: status", rc, 1)
        c.eq("one line: %r" % err, len(err.strip().splitlines()), 1)
        c.true("says the client limit is reached: %r" % err,
               "already serves its 10 clients" in err)
        c.true("does not ask whether fastpath runs", "is fastpath running" not in err)
        idle.pop().close()
        c.true("works again once a client leaves",
               fr.wait_for(lambda: stat(name, "softnet")[0] == 0, 10, 0.2))
    finally:
        for s in idle:
            s.close()
        app.send_signal(signal.SIGTERM)
        app.communicate(timeout=30)
        fr.cleanup(name)
    c.eq("fastpath exit status", app.returncode, 0)
    return c.done()


def bad_listen():
    """prometheus --listen with a bad address: one line, status 2 (a port
    past 65535 printed a traceback)."""
    c = fr.Checker("stat_bad_listen")
    for arg in ("127.0.0.1:99999", "127.0.0.1:0", "127.0.0.1", "127.0.0.1:http"):
        try:
            rc, out, err = stat("no_such_prefix", "prometheus", "--listen", arg)
        except subprocess.TimeoutExpired:     # it served: the address was taken as good
            rc, out, err = None, "", "still serving after 60 s"
        c.eq("--listen %s: status" % arg, rc, 2)
        c.eq("--listen %s: one line: %r" % (arg, err), len(err.strip().splitlines()), 1)
        c.true("--listen %s: names it and what is valid: %r" % (arg, err),
               arg in err and "1..65535" in err and "Traceback" not in err)
    return c.done()


if __name__ == "__main__":
    fr.main({"subcommands": subcommands, "connection_limit": connection_limit,
             "bad_listen": bad_listen})
