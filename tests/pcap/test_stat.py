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


def icmpmsg_lines(c):
    """fastpath-stat snmp lays IcmpMsg out as icmpmsg_put does: 16 types
    a header/value line pair (20 types seen: 16, then 4)."""
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("fpstat", STAT)
    spec = importlib.util.spec_from_loader("fpstat", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    snmp = {"Icmp": {"InMsgs": 20}, "IcmpMsgIn": {"InType%d" % t: 1 for t in range(20)}}
    lines = [l for l in mod.fmt_snmp(snmp).splitlines() if l.startswith("IcmpMsg:")]
    c.eq("IcmpMsg: two header/value pairs of 16 and 4 types",
         [len(l.split()) - 1 for l in lines], [16, 16, 4, 4])


def subcommands():
    name = "stat"
    c = fr.Checker(name)
    icmpmsg_lines(c)
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
             ["Ip", "IpExt", "Icmp", "Tcp", "Udp", "UdpLite", "Ip6", "Icmp6", "Udp6",
              "UdpLite6"])
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
                                                   "config", "snmp", "drops", "udp",
                                                   "mempools", "igmp", "igmp6"]))
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

        # ports (show interface): what the pcaps hold, MAC as in /fastpath/config
        cfg = js.loads(stat(name, "query", "/fastpath/config")[1])
        rc, out, _ = stat(name, "ports", "--json")
        c.eq("ports status", rc, 0)
        pdoc = js.loads(out)
        c.eq("ports: one port", sorted(pdoc), ["0"])
        p0_ = pdoc.get("0", {})
        c.eq("ports: name, driver, MAC", (p0_.get("name"), p0_.get("driver"), p0_.get("mac")),
             ("net_pcap0", "net_pcap", cfg["port_0"]["mac"]))
        c.eq("ports: ipackets, imissed, rx_nombuf",
             (p0_.get("ipackets"), p0_.get("imissed"), p0_.get("rx_nombuf")),
             (len(Q0) + len(Q1), 0, 0))
        c.eq("ports: the PMD's non-zero xstats", p0_.get("xstats", {}).get("rx_q1_packets"),
             len(Q1))
        c.true("ports: zero xstats left out", all(v != 0 for v in p0_.get("xstats", {}).values()))
        rc, out, _ = stat(name, "ports")
        c.true("ports text: link, MAC, since start: %r" % out[:200],
               rc == 0 and cfg["port_0"]["mac"] in out and "since fastpath started" in out
               and "imissed" in out and "rx_nombuf" in out)
        pool = "fp_mbuf_s0 %d" % cfg["port_0"]["pool_mbufs"]
        c.true("ports text: the mempool with its size (%s)" % pool, pool in " ".join(out.split()))
        c.eq("prometheus: fastpath_mempool_size", parse_prometheus(stat(name, "prometheus")[1])[0]
             .get(("fastpath_mempool_size", (("name", "fp_mbuf_s0"),))),
             float(cfg["port_0"]["pool_mbufs"]))
        # queues (pmd-rxq-show): which lcore polls which queue
        rc, out, _ = stat(name, "queues", "--json")
        qdoc = js.loads(out)
        c.eq("queues: lcore -> its queues",
             {l: [q["queue"] for q in v["queues"]] for l, v in qdoc.items()},
             {"1": ["0_0"], "2": ["0_1"]})
        c.eq("queues: packets", [qdoc[l]["queues"][0]["packets"] for l in ("1", "2")],
             [len(Q0), len(Q1)])
        c.eq("queues: one queue is all of its lcore's work",
             [qdoc[l]["queues"][0]["usage_pct"] for l in ("1", "2")], [100.0, 100.0])
        rc, out, _ = stat(name, "queues")
        c.true("queues text", rc == 0 and "lcore 1" in out and "queue 0" in out)

        # clear: a baseline the reader subtracts; fastpath's counters go on
        rc, out, err = stat(name, "clear")
        c.eq("clear status: %s" % err.strip(), rc, 0)
        pdoc = js.loads(stat(name, "ports", "--json")[1])
        c.eq("ports since clear", (pdoc["0"]["ipackets"], pdoc["0"]["processed"],
                                   pdoc["0"]["xstats"]), (0, 0, {}))
        rc, out, _ = stat(name, "ports")
        c.true("ports text says since clear", "since clear at" in out)
        qdoc = js.loads(stat(name, "queues", "--json")[1])
        c.eq("queues since clear", [qdoc[l]["queues"][0]["packets"] for l in ("1", "2")], [0, 0])
        doc = js.loads(stat(name, "json", "--since-clear")[1])
        c.eq("json --since-clear", (doc["ports"]["0"]["processed"],
                                     doc["snmp"]["Udp"]["InDatagrams"],
                                     doc["drops"]["NO_SOCKET"]), (0, 0, 0))
        out = stat(name, "drops", "--since-clear")[1]
        c.true("drops --since-clear: every reason 0: %r" % out[:80],
               out and all(l.split()[1] == "0" for l in out.splitlines()))
        rc, out, _ = stat(name, "softnet")
        c.eq("softnet stays absolute (the kernel's never resets)",
             int(out.split()[0], 16), len(Q0))
        c.eq("fastpath's counters never go back",
             js.loads(stat(name, "query", "/fastpath/ports")[1])["0"]["processed"],
             len(Q0) + len(Q1))
        rc, out, _ = stat(name, "prometheus")
        c.eq("prometheus stays absolute (counters never go back)",
             parse_prometheus(out)[0].get(("fastpath_netstat_Udp_InDatagrams", ())),
             float(len(Q0)))
        # a baseline of another run of fastpath (another pid) is not used
        import glob
        bfile = glob.glob(os.path.join("/var/run" if os.getuid() == 0 else
                                       os.environ.get("XDG_RUNTIME_DIR", "/tmp"),
                                       "fastpath-stat", fr.prefix(name) + ".json"))
        c.eq("baseline file under the runtime dir", len(bfile), 1)
        if bfile:
            b = js.load(open(bfile[0]))
            b["config"]["pid"] = b["config"]["pid"] + 1
            js.dump(b, open(bfile[0], "w"))
            pdoc = js.loads(stat(name, "ports", "--json")[1])
            c.eq("stale baseline ignored", pdoc["0"]["processed"], len(Q0) + len(Q1))
            os.unlink(bfile[0])

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


def scrape(url, timeout=5):
    import urllib.request
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read().decode()


def wait_scrape(url, tries=100):
    for _ in range(tries):
        try:
            return scrape(url)
        except OSError:
            time.sleep(0.1)
    return None, ""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def paging():
    """2 ports x 64 queues on net_null: /fastpath/queues pages, and every
    client mode assembles the pages: json, prometheus, the exporter, top,
    watch, queues, ports; --stats-json has them all."""
    import json as js
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import telclient
    name = "stat_paging"
    c = fr.Checker(name)
    nports, nq = 2, 64
    want = {"%d_%d" % (p, q) for p in range(nports) for q in range(nq)}
    app, stats_path = fr.start(name, ["net_null%d" % p for p in range(nports)],
                               ["--rxq", str(nq), "--rxd", "128", "--txd", "128"],
                               lcores="0@0,1@1,2@1", port_counts_every_queue=False)
    exporter = None
    try:
        c.true("socket", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 30))
        with telclient.Client(fr.telemetry_socket(name)) as cl:
            c.true("answers", fr.wait_for(lambda: cl.query("/fastpath/ports") is not None, 20))
            c.true("the server pages /fastpath/queues",
                   len(cl.pages("/fastpath/queues")) > 1)
        rc, out, err = stat(name, "json")
        c.eq("json status: %s" % err.strip(), rc, 0)
        doc = js.loads(out) if rc == 0 else {}
        c.eq("json: every queue", set(doc.get("queues", {})), want)
        c.true("json: no 'next' left in", all("next" not in doc.get(k, {})
                                              for k in ("queues", "softnet_stat", "ports")))
        c.eq("json: both polling lcores", sorted(doc.get("softnet_stat", {})), ["1", "2"])
        rc, out, err = stat(name, "prometheus")
        c.eq("prometheus status: %s" % err.strip(), rc, 0)
        samples, problems = parse_prometheus(out)
        c.eq("prometheus problems", problems, [])
        got = {"%s_%s" % (dict(k[1])["port"], dict(k[1])["queue"])
               for k in samples if k[0] == "fastpath_queue_packets_total"}
        c.eq("prometheus: every queue", got, want)
        port = free_port()
        exporter = subprocess.Popen([STAT, "-f", fr.prefix(name), "exporter", "--listen",
                                     "127.0.0.1:%d" % port], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
        code, body = wait_scrape("http://127.0.0.1:%d/metrics" % port)
        got = {"%s_%s" % (dict(k[1])["port"], dict(k[1])["queue"])
               for k in parse_prometheus(body)[0] if k[0] == "fastpath_queue_packets_total"}
        c.eq("exporter: every queue", (code, got), (200, want))
        rc, out, err = stat(name, "top", "--once", "-n", "0.2", "--json")
        c.eq("top status: %s" % err.strip(), rc, 0)
        tdoc = js.loads(out) if rc == 0 else {}
        c.eq("top: every queue", set(tdoc.get("queues", {})), want)
        c.eq("top: every port", sorted(tdoc.get("ports", {})), ["0", "1"])
        rc, out, _ = stat(name, "watch", "-n", "0.2", "--iterations", "1")
        c.true("watch lists every queue", rc == 0 and all(q in out.split() for q in want))
        rc, out, _ = stat(name, "queues", "--json")
        qdoc = js.loads(out) if rc == 0 else {}
        c.eq("queues: every queue once", sorted(q["queue"] for l in qdoc.values()
                                               for q in l["queues"]), sorted(want))
        c.eq("queues: 64 per lcore", sorted(len(l["queues"]) for l in qdoc.values()), [nq, nq])
        rc, out, _ = stat(name, "ports", "--json")
        c.eq("ports: both", sorted(js.loads(out)) if rc == 0 else None, ["0", "1"])
        rc, out, _ = stat(name, "softnet")
        c.eq("softnet: both lcores", len(out.splitlines()), 2)
    finally:
        if exporter:
            exporter.terminate()
            exporter.communicate(timeout=10)
        app.send_signal(signal.SIGTERM)
        app.communicate(timeout=30)
        fr.cleanup(name)
    c.eq("fastpath exit status", app.returncode, 0)
    stats = js.load(open(stats_path)) if os.path.exists(stats_path) else {}
    c.eq("--stats-json: every queue", set(stats.get("queues", {})), want)
    return c.done()


def views():
    """top over live traffic: per lcore, queue and port rates, drops by
    reason as deltas. Queue 0 (lcore 1) to a count listener, queue 1
    (lcore 2) to a port nobody listens on, 64-byte frames."""
    import json as js
    name = "stat_views"
    c = fr.Checker(name)
    d = fr.workdir(name)
    p0, p1 = os.path.join(d, "q0.pcap"), os.path.join(d, "q1.pcap")
    pg.write_pcap(p0, [pg.udp_frame(64, flow=i, dport=9) for i in range(64)])
    pg.write_pcap(p1, [pg.udp_frame(64, flow=i, dport=4444) for i in range(64)])
    app, _ = fr.start(name, ["net_pcap0,rx_pcap=%s,rx_pcap=%s,infinite_rx=1" % (p0, p1)],
                      ["--listen", "9=count"], lcores="0@0,1@1,2@1")
    try:
        c.true("socket", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        c.true("answers", fr.wait_for(lambda: stat(name, "query", "/fastpath/ports")[1]
                                      .strip() not in ("", "null"), 20, 0.2))
        rc, out, err = stat(name, "top", "--once", "-n", "0.5", "--json")
        c.eq("top --json status: %s" % err.strip(), rc, 0)
        t = js.loads(out) if rc == 0 else {}
        lc, qs, ps = t.get("lcores", {}), t.get("queues", {}), t.get("ports", {})
        c.eq("top: lcores, queues, ports", (sorted(lc), sorted(qs), sorted(ps)),
             (["1", "2"], ["0_0", "0_1"], ["0"]))
        if lc and qs and ps:
            c.true("top: both lcores receive", all(lc[l]["mpps"] > 0 for l in lc))
            c.true("top: busy %% and cycles/packet", all(0 < lc[l]["busy_pct"] <= 100 and
                                                         lc[l]["cycles_per_packet"] > 0
                                                         for l in lc))
            c.eq("top: one queue per lcore is all its work",
                 [round(qs[q]["lcore_share_pct"]) for q in ("0_0", "0_1")], [100, 100])
            c.true("top: Gbit/s = Mpps x 64 B x 8 per port (%r)" % ps["0"],
                   abs(ps["0"]["gbps"] - ps["0"]["mpps"] * 64 * 8 / 1000) < 1e-6)
            c.eq("top: drops by reason in the interval", sorted(t.get("drops", {})),
                 ["NO_SOCKET"])
            c.eq("top: no NIC loss on net_pcap", (ps["0"]["imissed_per_s"],
                                                  ps["0"]["rx_nombuf_per_s"]), (0, 0))
            mp = t.get("mempools", {}).get("fp_mbuf_s0", {})
            cfg = js.loads(stat(name, "query", "/fastpath/config")[1])
            c.eq("top: the mempool's size", mp.get("size"), cfg["port_0"]["pool_mbufs"])
            # while traffic flows some mbufs are out of the common pool
            c.true("top: available within the pool, taken%% consistent (%r)" % mp,
                   0 <= mp.get("available", -1) < mp.get("size", 0) and
                   abs(mp["taken_pct"] - 100.0 * (mp["size"] - mp["available"]) / mp["size"])
                   < 1e-9)
        rc, out, _ = stat(name, "top", "--once", "-n", "0.3")
        for word in ("Mpps", "Gbit/s", "busy%", "cycles/pkt", "empty%", "imissed/s",
                     "rx_nombuf/s", "NO_SOCKET", "0_1"):
            c.true("top text has %s" % word, word in out)
        for bad in (["top", "-n", "0"], ["top", "--iterations", "-1"]):
            rc, out, err = stat(name, *bad)
            c.eq("%s: status 2, one line: %r" % (bad, err), (rc, len(err.strip().splitlines())),
                 (2, 1))
            c.true("%s: names the option and what is valid: %r" % (bad, err),
                   bad[1] in err and ("positive" in err or "0 (until Ctrl-C) or more" in err))
    finally:
        app.send_signal(signal.SIGTERM)
        app.communicate(timeout=30)
        fr.cleanup(name)
    c.eq("fastpath exit status", app.returncode, 0)
    return c.done()


def families(text):
    """{name: (HELP lines, TYPE lines)} of an exposition."""
    out = {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            n = line.split()[2]
            h, t = out.get(n, (0, 0))
            out[n] = (h + (line[2] == "H"), t + (line[2] == "T"))
    return out


def samples_list(text):
    return [l.rsplit(" ", 1)[0] for l in text.splitlines() if l and not l.startswith("#")]


def node_exporter():
    """fastpath's metrics beside a real node_exporter on the same host:
    through its textfile collector (no duplicate series, one HELP and TYPE
    per family, no scrape error, the host's own node_softnet_* intact), and
    the exporter next to it (no family in common). Then fastpath stops:
    the exporter still answers, with fastpath_up 0."""
    import tempfile
    ne = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
    if ne is None:
        return fr.skip("stat_node_exporter", "prometheus-node-exporter is not installed")
    name = "stat_ne"
    c = fr.Checker(name)
    path = os.path.join(fr.workdir(name), "u.pcap")
    pg.write_pcap(path, [pg.udp_frame(64, flow=i, dport=9) for i in range(50)])
    app, _ = fr.start(name, ["net_pcap0,rx_pcap=" + path],
                      ["--listen", "9=count", "--listen", "5000=seq"])
    tdir = tempfile.mkdtemp(prefix="fp_textfile_")
    procs = []
    try:
        c.true("socket", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        c.true("drained", fr.wait_for(lambda: '"processed": 50' in
                                      stat(name, "query", "/fastpath/ports")[1], 20, 0.2))
        prom = os.path.join(tdir, "fastpath.prom")
        rc, _, err = stat(name, "prometheus", "--output", prom)
        c.eq("prometheus --output: %s" % err.strip(), rc, 0)
        c.eq("written atomically: no temporary left", sorted(os.listdir(tdir)), ["fastpath.prom"])
        nport, eport = free_port(), free_port()
        procs.append(subprocess.Popen([ne, "--web.listen-address=127.0.0.1:%d" % nport,
                                       "--collector.textfile.directory=" + tdir],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True))
        procs.append(subprocess.Popen([STAT, "-f", fr.prefix(name), "exporter", "--listen",
                                       "127.0.0.1:%d" % eport], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
        code, nbody = wait_scrape("http://127.0.0.1:%d/metrics" % nport)
        c.eq("node_exporter answers", code, 200)
        s = samples_list(nbody)
        c.eq("no duplicate series", sorted({x for x in s if s.count(x) > 1}), [])
        fams = families(nbody)
        c.eq("one HELP and one TYPE per family",
             sorted(n for n, ht in fams.items() if ht != (1, 1)), [])
        nsamples, problems = parse_prometheus(nbody)
        c.eq("node_textfile_scrape_error", nsamples.get(("node_textfile_scrape_error", ())), 0.0)
        c.eq("fastpath's series through the textfile collector",
             nsamples.get(("fastpath_softnet_processed_total", (("lcore", "1"),))), 50.0)
        c.eq("fastpath_netstat_Udp_InDatagrams beside node_netstat_Udp_InDatagrams",
             nsamples.get(("fastpath_netstat_Udp_InDatagrams", ())), 50.0)
        if os.path.exists("/proc/net/softnet_stat"):
            c.true("the host's own node_softnet_processed_total is intact",
                   any(k[0] == "node_softnet_processed_total" for k in nsamples))
        code, ebody = wait_scrape("http://127.0.0.1:%d/metrics" % eport)
        c.eq("exporter answers", code, 200)
        efams = set(families(ebody))
        native = {n for n in fams if not n.startswith("fastpath_")}
        c.eq("exporter and node_exporter share no family", sorted(efams & native), [])
        c.eq("exporter: fastpath_ only (no process_* / python_*)",
             sorted(n for n in efams if not n.startswith("fastpath_")), [])
        promtool_check(c, ebody)
        c.eq("fastpath_up 1", parse_prometheus(ebody)[0].get(("fastpath_up", ())), 1.0)
        # the Grafana dashboard in the tree uses only names the exporter has
        import json as js
        dash = js.load(open(os.path.join(fr.ROOT, "config", "grafana", "fastpath.json")))
        exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
        used = set(re.findall(r"\b(fastpath_[A-Za-z0-9_]+)", " ".join(exprs)))
        c.true("dashboard queries fastpath metrics (%d)" % len(used), len(used) >= 10)
        c.eq("dashboard names the exporter does not have", sorted(used - efams), [])
        # fastpath down, exporter up: fastpath_up 0 and nothing else
        app.send_signal(signal.SIGTERM)
        app.communicate(timeout=30)
        code, ebody = scrape("http://127.0.0.1:%d/metrics" % eport)
        esamples = parse_prometheus(ebody)[0]
        c.eq("fastpath down: the exporter answers 200", code, 200)
        c.eq("fastpath down: fastpath_up 0 and no stale series",
             sorted(esamples.items()), [(("fastpath_up", ()), 0.0)])
        rc, out, err = stat(name, "prometheus")
        c.eq("prometheus once, fastpath down: status 1, one line: %r" % err,
             (rc, len(err.strip().splitlines())), (1, 1))
        c.eq("... and still says fastpath_up 0", parse_prometheus(out)[0].get(("fastpath_up", ())),
             0.0)
        # exporter down: the scrape itself fails (Prometheus's up == 0)
        procs[1].terminate()
        procs[1].communicate(timeout=10)
        try:
            scrape("http://127.0.0.1:%d/metrics" % eport, timeout=2)
            refused = False
        except OSError:
            refused = True
        c.true("exporter down: the scrape fails", refused)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.communicate(timeout=10)
        if app.poll() is None:
            app.send_signal(signal.SIGTERM)
            app.communicate(timeout=30)
        fr.cleanup(name)
        shutil.rmtree(tdir, ignore_errors=True)
    return c.done()


def listener_names():
    """The [listen] entry names of a config file are the listeners' names:
    in /fastpath/udp, in the udp table, in the start-up banner and as the
    Prometheus label name; listeners from the command line have none."""
    import json as js
    name = "stat_names"
    c = fr.Checker(name)
    d = fr.workdir(name)
    path = os.path.join(d, "u.pcap")
    pg.write_pcap(path, [pg.udp_frame(64, flow=i, dport=9) for i in range(10)])
    ini = os.path.join(d, "names.ini")
    with open(ini, "w") as f:
        f.write("[listen]\nfeed-a = 9=count\nmd.2 = 5000=seq\n")
    for args, want in ((["--config-file", ini], {"0": "feed-a", "1": "md.2"}),
                       (["--config-file", ini, "--listen", "9=count"], {"0": ""})):
        app, _ = fr.start(name, ["net_pcap0,rx_pcap=" + path], args)
        try:
            c.true("socket", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
            c.true("drained", fr.wait_for(lambda: '"processed": 10' in
                                          stat(name, "query", "/fastpath/ports")[1], 20, 0.2))
            udp = js.loads(stat(name, "query", "/fastpath/udp")[1])
            c.eq("%s: /fastpath/udp names" % args, {k: v.get("name") for k, v in udp.items()},
                 want)
            samples = parse_prometheus(stat(name, "prometheus")[1])[0]
            got = {dict(k[1])["listener"]: dict(k[1])["name"] for k in samples
                   if k[0] == "fastpath_udp_datagrams_total"}
            c.eq("%s: Prometheus label name" % args, got, want)
            if want["0"]:
                c.true("udp table shows the name", "name=feed-a" in stat(name, "udp")[1])
        finally:
            app.send_signal(signal.SIGTERM)
            _, err = app.communicate(timeout=30)
            fr.cleanup(name)
        if want["0"]:
            c.true("banner names them: %r" % err[-300:],
                   "2 listener(s): feed-a *:9=count, md.2 *:5000=seq" in err)
    return c.done()


def top_rate():
    """top's rates against the input rate measured apart: the port's
    ipackets read through DPDK's own telemetry before and after one top
    interval; top's packets per second over its interval must agree with
    the input's (within 20%: the two windows differ by a fraction of a
    second of a steady stream), and its Gbit/s with 64-byte frames."""
    import json as js
    import time as tm
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import telclient
    name = "stat_top_rate"
    c = fr.Checker(name)
    path = os.path.join(fr.workdir(name), "u.pcap")
    pg.write_pcap(path, [pg.udp_frame(64, flow=i, dport=9) for i in range(64)])
    app, _ = fr.start(name, ["net_pcap0,rx_pcap=%s,infinite_rx=1" % path],
                      ["--listen", "9=count"], lcores="0,1")
    try:
        c.true("socket", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        with telclient.Client(fr.telemetry_socket(name)) as cl:
            c.true("answers", fr.wait_for(lambda: cl.query("/fastpath/ports") is not None, 20))
            tm.sleep(0.5)
            t0, p0 = tm.monotonic(), cl.query("/ethdev/stats,0")["ipackets"]
            rc, out, err = stat(name, "top", "--once", "-n", "1", "--json")
            t1, p1 = tm.monotonic(), cl.query("/ethdev/stats,0")["ipackets"]
        c.eq("top status: %s" % err.strip(), rc, 0)
        want = (p1 - p0) / (t1 - t0) / 1e6
        port = (js.loads(out).get("ports", {}).get("0", {}) if rc == 0 else {})
        got = port.get("mpps", 0)
        c.true("top's Mpps %.3f within 20%% of the input's %.3f" % (got, want),
               want > 0 and abs(got - want) <= 0.2 * want)
        c.true("top's Gbit/s is its Mpps of 64-byte frames",
               abs(port.get("gbps", -1) - got * 64 * 8 / 1000) < 1e-6)
    finally:
        app.send_signal(signal.SIGTERM)
        app.communicate(timeout=30)
        fr.cleanup(name)
    c.eq("fastpath exit status", app.returncode, 0)
    return c.done()


if __name__ == "__main__":
    fr.main({"top_rate": top_rate, "subcommands": subcommands, "connection_limit": connection_limit,
             "bad_listen": bad_listen, "paging": paging, "views": views,
             "node_exporter": node_exporter, "listener_names": listener_names})
