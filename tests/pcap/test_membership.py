#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""IGMP and MLD membership (--igmp, --mld), end to end over net_pcap with
fastpath's messages in tx_pcap. Every message is read back with an
independent parser (tests/lib/mcastref.py: checksums, router alert, TTL,
addresses, records) and compared byte for byte with the message built
there from the RFCs; the expected messages follow from the test's
listeners and the queries it writes:

  announce   unsolicited reports at start (robustness of them, within the
             unsolicited interval of each other), one leave at exit, the
             output counters they move, /fastpath/igmp and igmp6
  queries    one run per query kind: IGMPv3 general and group-specific,
             IGMPv2 (the host turns to v2: v2 reports, v2 leaves), IGMPv1
             (v1 reports, no leave), MLDv2 general, MLDv1 (v1 reports,
             Done), and the queries the kernel ignores
  options    --igmp version=2,source=..., --igmp off / --mld off, and a
             sink (no --local-ip): nothing announced
  stat       fastpath-stat igmp / igmp6 and the Prometheus families
  paging     /fastpath/igmp6 past DPDK's 16 KiB: pages, assembled
  kernel     the same queries to this machine's kernel (a host in a
             namespace) and to fastpath (net_af_packet on a veth): the
             same answers per query, the same leaves (needs root)

A query in the rx pcap is heard in the lcore's first polls, before its
first housekeeping (every 256 polls) sends the first unsolicited report:
so a v1/v2 query turns the unsolicited reports to that version too.
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import mcastref as mr  # noqa: E402
import pcapgen as pg  # noqa: E402
from test_behaviour import L4, L6, PEER, SRC4, US  # noqa: E402

G4 = ["239.1.1.1", "239.2.2.2"]
G6 = ["ff15::1"]
# listeners: two IPv4 groups, one IPv6 group, and the all-hosts and
# all-nodes groups, which the kernel never reports
APP = ["--local-ip", L4 + "/24", "--local-ip", L6 + "/64",
       "--listen", "%s:5000=count" % G4[0], "--listen", "%s:5001=count" % G4[1],
       "--listen", "224.0.0.1:5002=count", "--listen", "[%s]:5000=count" % G6[0],
       "--listen", "[ff02::1]:5003=count"]
FAST = ["--igmp", "on,unsolicited-interval=100", "--mld", "on,unsolicited-interval=100"]
MAC = pg.mac(US)
LL = mr.link_local(MAC)
SRC = mr.a4(L4)
QUERIER6 = "fe80::2"
GROUPS4 = [mr.a4(g) for g in G4]
# ff15::1, then the solicited-node groups of 2001:db8::1 and of the
# link-local address (addrconf_join_solict)
GROUPS6 = [mr.a6(G6[0]), mr.solicited(mr.a6(L6)), mr.solicited(LL)]


def read_pcap(path):
    """[(index, frame)]: net_pcap's tx timestamps are not the send times
    (the unit test checks the timers with a clock of its own)."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path, "rb") as f:
        if len(f.read(24)) < 24:
            return out
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            caplen = struct.unpack("<IIII", rec)[2]
            out.append((len(out), f.read(caplen)))
    return out


def run(name, frames, app, idle=1000):
    d = fr.workdir(name)
    rx, tx = os.path.join(d, "rx.pcap"), os.path.join(d, "tx.pcap")
    # a datagram for a listener when there is no query: a file to replay
    pg.write_pcap(rx, frames or [pg.pad60(pg.eth("01:00:5e:01:01:01", PEER, 0x0800,
                                                   pg.udp4(SRC4, G4[0], 1, 5000, b"x")))])
    if os.path.exists(tx):
        os.unlink(tx)
    r = fr.run(name, ["net_pcap0,rx_pcap=%s,tx_pcap=%s" % (rx, tx)], app, idle_ms=idle)
    return r, read_pcap(tx)


def check_frame(c, label, f, rebuilt):
    """f read independently, then compared with the reference's bytes."""
    p = mr.parse(f)
    c.eq(label + ": from the port's MAC", p["src_mac"], MAC)
    c.eq(label + ": to the destination's group MAC", p["dst_mac"], mr.group_mac(p["dst"]))
    c.true(label + ": checksum right", p["csum_ok"])
    c.true(label + ": router alert", p["ra"])
    c.eq(label + ": TTL / hop limit 1", p["ttl"], 1)
    if p["family"] == 4:
        c.true(label + ": IP header checksum right", p["ip_csum_ok"])
        c.eq(label + ": TOS 0xc0, DF", (p["tos"], p["df"]), (0xC0, True))
    else:
        c.eq(label + ": from the link-local address", p["src"], LL)
    c.eq(label + ": the reference's bytes", f.hex(), rebuilt.hex())
    return p


def messages(c, label, got, src4=SRC):
    """Every frame checked; [(time, family, kind, record type or None,
    groups)] in order, kind the message type."""
    out = []
    for i, (t, f) in enumerate(got):
        lab = "%s frame %d" % (label, i)
        p = mr.parse(f)
        fam, typ = p["family"], p["type"]
        if typ in (0x22, 143):
            recs = p["records"]
            c.true(lab + ": records fill the message", p["complete"])
            c.eq(lab + ": one record type per message", len({r[0] for r in recs}), 1)
            ref = (mr.igmpv3_report(MAC, src4, recs) if fam == 4
                   else mr.mldv2_report(MAC, LL, recs))
            check_frame(c, lab, f, ref)
            out.append((t, fam, typ, recs[0][0], [r[1] for r in recs]))
        else:
            ref = (mr.igmp_v12(MAC, src4, typ, p["group"]) if fam == 4
                   else mr.mldv1(MAC, LL, typ, p["group"]))
            check_frame(c, lab, f, ref)
            out.append((t, fam, typ, None, [p["group"]]))
    return out


def of(msgs, fam, typ, rec=None):
    return [m for m in msgs if m[1] == fam and m[2] == typ and (rec is None or m[3] == rec)]


def report_of(stats, cmd):
    return (stats or {}).get(cmd) or {}


def announce():
    """No query: robustness (3) unsolicited reports of every group per
    family, then one leave; the counters they move."""
    name = "membership_announce"
    c = fr.Checker(name)
    app = APP + ["--igmp", "on,robustness=3,unsolicited-interval=100",
                 "--mld", "on,robustness=3,unsolicited-interval=100"]
    r, got = run(name, [], app)
    c.eq("exit status: " + r.err[-300:], r.rc, 0)
    m = messages(c, name, got)
    for fam, typ, groups in ((4, 0x22, GROUPS4), (6, 143, GROUPS6)):
        joins = of(m, fam, typ, mr.TO_EX)
        leaves = of(m, fam, typ, mr.TO_IN)
        c.eq("IPv%d: 3 unsolicited reports" % fam, len(joins), 3)
        c.eq("IPv%d: one leave" % fam, len(leaves), 1)
        c.eq("IPv%d: nothing else" % fam, len(of(m, fam, typ)), 4)
        c.eq("IPv%d: no other message" % fam, len([x for x in m if x[1] == fam]), 4)
        for j in joins + leaves:
            c.eq("IPv%d: every group, once" % fam, sorted(j[4]), sorted(groups))
        if joins and leaves:
            c.true("IPv%d: the leave comes last" % fam, leaves[0][0] >= joins[-1][0])
    if r.stats:
        s = r.stats["snmp"]
        ip4 = [mr.parse(f)["ip_len"] for _, f in got if mr.parse(f)["family"] == 4]
        ip6 = [mr.parse(f)["ip_len"] for _, f in got if mr.parse(f)["family"] == 6]
        c.eq("IpExt OutMcastPkts", s["IpExt"]["OutMcastPkts"], len(ip4))
        c.eq("IpExt OutMcastOctets", s["IpExt"]["OutMcastOctets"], sum(ip4))
        c.eq("IpExt OutOctets", s["IpExt"]["OutOctets"], sum(ip4))
        c.eq("Ip OutRequests", s["Ip"]["OutRequests"], len(ip4))
        c.eq("Ip OutTransmits", s["Ip"]["OutTransmits"], len(ip4))
        c.eq("Ip6 OutMcastPkts", s["Ip6"]["OutMcastPkts"], len(ip6))
        c.eq("Ip6 OutMcastOctets", s["Ip6"]["OutMcastOctets"], sum(ip6))
        c.eq("Ip6 OutRequests", s["Ip6"]["OutRequests"], len(ip6))
        c.eq("Icmp6 OutMsgs", s["Icmp6"]["OutMsgs"], len(ip6))
        c.eq("Icmp6 OutMLDv2Reports", s["Icmp6"]["OutMLDv2Reports"], len(ip6))
        c.eq("Icmp6MsgOut OutType143", s["Icmp6MsgOut"].get("OutType143"), len(ip6))
        for cmd, groups, text, n in (("igmp", GROUPS4, G4, len(ip4)),
                                     ("igmp6", GROUPS6, None, len(ip6))):
            t = report_of(r.stats, cmd)
            port = t.get("0", {})
            c.eq("%s: groups" % cmd, port.get("count"), len(groups))
            c.eq("%s: reports (the leave apart)" % cmd, port.get("reports"), n - 1)
            c.eq("%s: leaves" % cmd, port.get("leaves"), 1)
            c.eq("%s: querier" % cmd, port.get("querier"), "V3" if cmd == "igmp" else "V2")
            c.eq("%s: tx_errors" % cmd, port.get("tx_errors"), 0)
            rows = {v["group"]: v for k, v in t.items() if "_" in k}
            c.eq("%s: one row per group" % cmd, len(rows), len(groups))
            if text:
                for g in text:
                    c.eq("%s: %s users" % (cmd, g), rows.get(g, {}).get("users"), 1)
            else:
                c.eq("igmp6: ff15::1 users", rows.get("ff15::1", {}).get("users"), 1)
                c.eq("igmp6: solicited-node groups have no listener",
                     sorted(v["users"] for g, v in rows.items() if g != "ff15::1"), [0, 0])
    return c.done()


def queries():
    """One run per query; what each must bring, from the RFCs and the
    kernel's rules (see the module's docstring for the order)."""
    rc = 0
    q4 = lambda *a, **k: mr.igmp_query(PEER, SRC4, *a, **k)        # noqa: E731
    q6 = lambda *a, **k: mr.mld_query(PEER, QUERIER6, *a, **k)     # noqa: E731
    cases = [
        # name, frames, {(family, type, record): count}, igmp queries / ignored,
        # mld queries / ignored, querier versions
        ("v3_general", [q4(5)], {(4, 0x22, mr.IS_EX): [GROUPS4]}, (1, 0), (0, 0), ("V3", "V2")),
        ("v3_group", [q4(5, G4[0]), q4(5, "239.9.9.9", dst=mr.ALL_HOSTS)],
         {(4, 0x22, mr.IS_EX): [GROUPS4[:1]]}, (2, 0), (0, 0), ("V3", "V2")),
        # 10 bytes; a general query with a source; MLD from a global
        # address, with hop limit 255, without a router alert
        ("v3_ignored", [q4(5, length=10), q4(5, sources=["10.1.0.9"]),
                        mr.mld_query(PEER, "2001:db8::2", 500), q6(500, hop=255),
                        q6(500, ra=False)],
         {}, (0, 2), (0, 3), ("V3", "V2")),
        ("mld_general", [q6(500)], {(6, 143, mr.IS_EX): [GROUPS6]}, (0, 0), (1, 0), ("V3", "V2")),
    ]
    for label, frames, answers, iq, mq, queriers in cases:
        name = "membership_" + label
        cc = fr.Checker(name)
        r, got = run(name, frames, APP + FAST)
        cc.eq("exit status: " + r.err[-300:], r.rc, 0)
        m = messages(cc, name, got)
        for fam, typ, groups in ((4, 0x22, GROUPS4), (6, 143, GROUPS6)):
            cc.eq("IPv%d: 2 unsolicited reports" % fam, len(of(m, fam, typ, mr.TO_EX)), 2)
            cc.eq("IPv%d: 1 leave" % fam, len(of(m, fam, typ, mr.TO_IN)), 1)
            want = answers.get((fam, typ, mr.IS_EX), [])
            got_ans = [sorted(x[4]) for x in of(m, fam, typ, mr.IS_EX)]
            cc.eq("IPv%d: answers (current state, IS_EX)" % fam, got_ans,
                  [sorted(g) for g in want])
        for cmd, (nq, ni), v in (("igmp", iq, queriers[0]), ("igmp6", mq, queriers[1])):
            port = report_of(r.stats, cmd).get("0", {})
            cc.eq("%s queries" % cmd, port.get("queries"), nq)
            cc.eq("%s queries_ignored" % cmd, port.get("queries_ignored"), ni)
            cc.eq("%s querier" % cmd, port.get("querier"), v)
        rc |= cc.done()

    # older queriers: the host turns to their version for 2 x 125 + 10 s
    older = [
        # name, query, family, report type, leave type, answers per group
        ("v2", q4(5, length=8), 4, 0x16, 0x17, 1, GROUPS4, "igmp", "V2"),
        ("v1", q4(0, length=8), 4, 0x12, None, None, GROUPS4, "igmp", "V1"),
        ("mldv1", q6(500, v1=True), 6, 131, 132, 1, GROUPS6, "igmp6", "V1"),
    ]
    for label, q, fam, rtyp, ltyp, answers, groups, cmd, querier in older:
        name = "membership_" + label
        cc = fr.Checker(name)
        r, got = run(name, [q], APP + FAST)
        cc.eq("exit status: " + r.err[-300:], r.rc, 0)
        m = messages(cc, name, got)
        newest = 0x22 if fam == 4 else 143
        cc.eq("IPv%d: no message of the newest version" % fam, of(m, fam, newest), [])
        reports = of(m, fam, rtyp)
        for g in groups:
            n = sum(1 for x in reports if x[4] == [g])
            if answers is None:
                # IGMPv1's answer waits up to 10 s: the run may end first
                cc.true("IPv%d %s: 2 unsolicited reports (+ the answer if in time): %d"
                        % (fam, g.hex(), n), n in (2, 3))
            else:
                cc.eq("IPv%d %s: 2 unsolicited reports + the answer" % (fam, g.hex()), n,
                      2 + answers)
            if ltyp is not None:
                cc.eq("IPv%d %s: one leave / done" % (fam, g.hex()),
                      [x[4] for x in of(m, fam, ltyp)].count([g]), 1)
        if ltyp is None:
            cc.eq("IGMPv1: no leave message", [x for x in m if x[1] == fam and x[2] == 0x17], [])
        else:
            cc.true("IPv%d: leaves last" % fam, all(x[0] >= reports[-1][0]
                                                    for x in of(m, fam, ltyp)))
        port = report_of(r.stats, cmd).get("0", {})
        cc.eq("%s querier" % cmd, port.get("querier"), querier)
        cc.true("%s older_querier_ms about 260 s" % cmd,
                250000 <= (port.get("older_querier_ms") or 0) <= 260000)
        rc |= cc.done()
    return rc


def options():
    rc = 0
    # IGMPv2 by configuration, another source address
    name = "membership_version2"
    c = fr.Checker(name)
    r, got = run(name, [], APP + ["--igmp", "on,version=2,source=10.1.0.77,"
                                  "unsolicited-interval=100", "--mld", "off"])
    c.eq("exit status: " + r.err[-300:], r.rc, 0)
    m = messages(c, name, got, src4=mr.a4("10.1.0.77"))
    for g in GROUPS4:
        c.eq("%s: 2 v2 reports" % g.hex(), [x[4] for x in of(m, 4, 0x16)].count([g]), 2)
        c.eq("%s: 1 v2 leave" % g.hex(), [x[4] for x in of(m, 4, 0x17)].count([g]), 1)
    c.eq("only IGMPv2 messages", len(m), 6)
    c.eq("igmp6 (--mld off): no port", report_of(r.stats, "igmp6"), {})
    rc |= c.done()
    # --vlan 0,100: every message untagged and on VLAN 100, the same bytes
    # but the tag (a host joined on each VLAN it takes); --vlan 100 alone:
    # tagged only
    for label, vlan, want in (("vlan", "0,100", [None, 100]), ("vlan_only", "100", [100])):
        name = "membership_" + label
        c = fr.Checker(name)
        r, got = run(name, [], APP + FAST + ["--vlan", vlan])
        c.eq("exit status: " + r.err[-300:], r.rc, 0)
        by_vid = {}
        for i, f in got:
            vid = None
            if f[12:14] == b"\x81\x00":
                vid = struct.unpack("!H", f[14:16])[0] & 0xFFF
                f = f[:12] + f[16:]
            by_vid.setdefault(vid, []).append((i, f))
        c.eq("VLANs sent on", sorted(by_vid, key=lambda v: v or 0), want)
        plain = [f for _, f in by_vid.get(want[0], [])]
        for v in want[1:]:
            c.eq("VLAN %d: the same messages" % v, [f for _, f in by_vid.get(v, [])], plain)
        m = messages(c, name, by_vid.get(want[0], []))
        c.eq("IGMP: 2 joins and a leave", [x[3] for x in m if x[1] == 4],
             [mr.TO_EX, mr.TO_EX, mr.TO_IN])
        if r.stats:
            c.eq("IpExt OutMcastPkts: every copy", r.stats["snmp"]["IpExt"]["OutMcastPkts"],
                 3 * len(want))
        rc |= c.done()
    # off, and a sink
    for label, app in (("off", APP + ["--igmp", "off", "--mld", "off"]),
                       ("sink", ["--listen", "%s:5000=count" % G4[0]])):
        name = "membership_" + label
        c = fr.Checker(name)
        r, got = run(name, [], app, idle=400)
        c.eq("exit status: " + r.err[-300:], r.rc, 0)
        c.eq("nothing sent", len(got), 0)
        c.eq("/fastpath/igmp empty", report_of(r.stats, "igmp"), {})
        if r.stats:
            c.eq("IpExt OutMcastPkts", r.stats["snmp"]["IpExt"]["OutMcastPkts"], 0)
        rc |= c.done()
    return rc


def stop(app, name):
    """SIGTERM a fastpath started in the background; wait; clean up."""
    import signal
    app.send_signal(signal.SIGTERM)
    app.communicate(timeout=30)
    fr.cleanup(name)


def stat():
    """fastpath-stat igmp / igmp6 (the /proc/net/igmp layout) and the
    Prometheus families, read from a running fastpath as a user would."""
    import subprocess
    from test_stat import STAT, parse_prometheus
    name = "membership_stat"
    c = fr.Checker(name)
    d = fr.workdir(name)
    rx = os.path.join(d, "rx.pcap")
    pg.write_pcap(rx, [mr.igmp_query(PEER, SRC4, 5)])
    app, _ = fr.start(name, ["net_pcap0,rx_pcap=%s,tx_pcap=%s" % (rx, os.path.join(d, "tx.pcap"))],
                      APP + FAST)

    def run_stat(*args):
        p = subprocess.run([STAT, "-f", fr.prefix(name)] + list(args), capture_output=True,
                           text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    try:
        c.true("socket", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        # the query heard, its answer and the unsolicited reports sent
        c.true("reports sent", fr.wait_for(
            lambda: '"reports": 3' in run_stat("query", "/fastpath/igmp")[1], 20, 0.2))
        rc, out, err = run_stat("igmp")
        c.eq("igmp status: %s" % err.strip(), rc, 0)
        lines = out.splitlines()
        c.true("igmp: the header: %r" % lines[:1], lines and lines[0].split()[:4] ==
               ["Idx", "Device", "Count", "Querier"])
        port = lines[1].split() if len(lines) > 1 else []
        c.eq("igmp: port 0, net_pcap0, 2 groups, V3, from 10.1.0.1, 3 reports, 1 query",
             port[:8], ["0", "net_pcap0", "2", "V3", L4, "3", "0", "1"])
        groups = [l.split() for l in lines[3:]]
        c.eq("igmp: a line per group with its listeners",
             sorted((g[0], g[1]) for g in groups), [(G4[0], "1"), (G4[1], "1")])
        rc, out, err = run_stat("igmp6")
        c.eq("igmp6 status: %s" % err.strip(), rc, 0)
        c.true("igmp6: ff15::1 and the solicited-node groups",
               all(g in out for g in ("ff15::1", "ff02::1:ff00:1"))
               and out.splitlines()[1].split()[2] == "3")
        rc, out, err = run_stat("prometheus")
        c.eq("prometheus status: %s" % err.strip(), rc, 0)
        m, problems = parse_prometheus(out) if rc == 0 else ({}, [])
        c.eq("prometheus: well formed", problems, [])
        lab = lambda proto: (("name", "net_pcap0"), ("port", "0"), ("protocol", proto))  # noqa
        c.eq("fastpath_membership_groups igmp",
             m.get(("fastpath_membership_groups", lab("igmp"))), 2.0)
        c.eq("fastpath_membership_queries_total igmp",
             m.get(("fastpath_membership_queries_total", lab("igmp"))), 1.0)
        c.eq("fastpath_membership_groups mld",
             m.get(("fastpath_membership_groups", lab("mld"))), 3.0)
    finally:
        stop(app, name)
    c.eq("exit status", app.returncode, 0)
    return c.done()


def paging():
    """Three ports with 64 IPv6 groups each: /fastpath/igmp6 outgrows
    DPDK's 16 KiB and pages ("next"), fastpath-stat assembles the pages,
    and a port alone is selected by its id."""
    import subprocess
    from test_stat import STAT
    name = "membership_paging"
    c = fr.Checker(name)
    d = fr.workdir(name)
    rx = os.path.join(d, "rx.pcap")
    pg.write_pcap(rx, [pg.udp_frame(64)])
    groups = ["ff15::%x" % (i + 1) for i in range(64)]
    app_args = ["--local-ip", L6 + "/64", "--igmp", "off"] + \
        [a for i, g in enumerate(groups) for a in ("--listen", "[%s]:%d=count" % (g, 5000 + i))]
    vdevs = ["net_pcap%d,rx_pcap=%s" % (i, rx) for i in range(3)]
    app, _ = fr.start(name, vdevs, app_args)
    try:
        c.true("socket", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        c.true("up", fr.wait_for(lambda: (fr.telemetry(name, "/fastpath/igmp6")
                                          ["/fastpath/igmp6"] or {}) != {}, 20, 0.2))
        first = fr.telemetry(name, "/fastpath/igmp6")["/fastpath/igmp6"] or {}
        c.true("the first page ends with next (%d entries)" % len(first), "next" in first)
        p = subprocess.run([STAT, "-f", fr.prefix(name), "json"], capture_output=True,
                           text=True, timeout=60)
        c.eq("fastpath-stat json: %s" % p.stderr.strip()[-200:], p.returncode, 0)
        import json
        doc = json.loads(p.stdout).get("igmp6", {}) if p.returncode == 0 else {}
        # 64 groups + 2 solicited-node groups (the address's, the
        # link-local's) per port, and the port's row
        c.eq("assembled: every port and group", len(doc), 3 * (1 + 64 + 2))
        c.eq("no next left", "next" in doc, False)
        one = fr.telemetry(name, "/fastpath/igmp6,1")["/fastpath/igmp6,1"] or {}
        c.eq("port 1 alone", sorted({k.split("_")[0] for k in one}), ["1"])
        c.eq("a port that announces nothing: null",
             fr.telemetry(name, "/fastpath/igmp,0")["/fastpath/igmp,0"], None)
    finally:
        stop(app, name)
    c.eq("exit status", app.returncode, 0)
    return c.done()


# ---------------------------------------------------------------- kernel

KMAC = "02:00:00:00:0a:01"          # the host's MAC, the kernel's and fastpath's
QMAC = "02:00:00:00:0a:02"          # the querier's


def kernel_steps():
    """The queries, in an order that keeps each older version's effect to
    the end: [frames (hex)], capture window (s)."""
    q4 = lambda *a, **k: mr.igmp_query(QMAC, SRC4, *a, **k)        # noqa: E731
    q6 = lambda *a, **k: mr.mld_query(QMAC, QUERIER6, *a, **k)     # noqa: E731
    steps = [
        ("IGMPv3 general", [q4(5)]),
        ("IGMPv3 group-specific", [q4(5, G4[0])]),
        ("IGMPv3 general with a source (ignored)", [q4(5, sources=["10.1.0.9"])]),
        ("IGMP of 10 bytes (ignored)", [q4(5, length=10)]),
        ("MLDv2 general", [q6(500)]),
        ("MLDv2 group-specific", [q6(500, group=G6[0])]),
        ("MLDv2 from a global address (ignored)", [mr.mld_query(QMAC, "2001:db8::2", 500)]),
        ("MLDv2 with hop limit 255 (ignored)", [q6(500, hop=255)]),
        ("IGMPv2 general: v2 from now on", [q4(5, length=8)]),
        ("IGMPv3 general heard as v2", [q4(5)]),
        ("MLDv1 general: v1 from now on", [q6(500, v1=True)]),
    ]
    return steps, [[[f.hex() for f in frames], 1.2] for _, frames in steps]


class KernelHost:
    """A Linux host in a namespace with fastpath's MAC, addresses and
    groups (sockets joined on its veth), its unsolicited report intervals
    100 ms as fastpath's are in this test; a querier in a second one."""

    def __init__(self, tag):
        self.h, self.p = "fpmh%s" % tag, "fpmp%s" % tag
        self.vh, self.vp = "fpmh%s" % tag, "fpmp%s" % tag
        self.socks = None

    def __enter__(self):
        import netns
        sh = netns.sh
        try:
            netns.linked(self.h, self.p, self.vh, self.vp, KMAC, QMAC)
            for k in ("net.ipv4.conf.%s.igmpv3_unsolicited_report_interval=100" % self.vh,
                      "net.ipv6.conf.%s.mldv2_unsolicited_report_interval=100" % self.vh,
                      "net.ipv6.conf.%s.accept_dad=0" % self.vh,
                      "net.ipv6.conf.%s.router_solicitations=0" % self.vh):
                sh("ip", "netns", "exec", self.h, "sysctl", "-qw", k)
            sh("ip", "-n", self.h, "addr", "add", L4 + "/24", "dev", self.vh)
            sh("ip", "-n", self.h, "addr", "add", L6 + "/64", "dev", self.vh, "nodad")
            for ns, dev in ((self.h, self.vh), (self.p, self.vp)):
                sh("ip", "-n", ns, "link", "set", dev, "up")
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def start(self):
        import subprocess
        spec = [[G4[0], 5000, G4[0], self.vh], [G4[1], 5001, G4[1], self.vh],
                ["::", 5002, G6[0], self.vh]]
        script = ("import json, sys\nsys.path.insert(0, %r)\nimport khost\n"
                  "socks = khost.sockets(json.loads(sys.argv[1]))\nsys.stdin.readline()\n"
                  "for s in socks:\n    s.close()\n") % os.path.join(fr.ROOT, "tests", "lib")
        self.socks = subprocess.Popen(["ip", "netns", "exec", self.h, sys.executable, "-c",
                                       script, json.dumps(spec)], stdin=subprocess.PIPE,
                                      text=True)

    def stop(self):
        if self.socks:
            self.socks.communicate("stop\n", timeout=30)

    def __exit__(self, *exc):
        import netns
        if self.socks and self.socks.poll() is None:
            self.socks.kill()
        for ns in (self.h, self.p):
            netns.sh("ip", "netns", "del", ns, check=False)
        return False


def querier(c, label, ns, dev, stop):
    """Run the querier in namespace ns on dev against a host; stop() stops
    the host when the queries are done. Its messages per step, the leaves
    last."""
    import subprocess
    _, spec = kernel_steps()
    path = os.path.join(fr.workdir("membership_kernel"), label + "_steps.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    lib = os.path.join(fr.ROOT, "tests", "lib")
    peer = subprocess.Popen(["ip", "netns", "exec", ns, "env", "PYTHONPATH=" + lib,
                             sys.executable, os.path.join(lib, "mcastpeer.py"), dev, KMAC,
                             path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = peer.stdout.readline().strip()
    c.eq("%s: the querier ran its steps" % label, line, "queried")
    stop()
    out, err = peer.communicate("stopping\n", timeout=60)
    try:
        return json.loads(out)
    except ValueError:
        c.true("%s: the querier's report: %s" % (label, err.strip()[-300:]), False)
        return None


def kernel():
    """The same queries from a querier to this machine's kernel (a host
    in a namespace with fastpath's addresses and groups) and to fastpath
    (net_af_packet on a veth, the same MAC): the messages each sends per
    query, state-change reports aside (the unsolicited ones, which the
    announce case checks), must be the same; and the leaves when each
    stops (the kernel's sockets closed), for the listeners' groups (the
    kernel keeps its addresses' solicited-node groups)."""
    import netns
    name = "membership_kernel"
    if not netns.available():
        return fr.skip(name, "needs root and iproute2")
    c = fr.Checker(name)
    tag = str(os.getpid() % 10000)
    steps, _ = kernel_steps()
    got = {}
    try:
        with KernelHost(tag) as k:
            k.start()
            got["kernel"] = querier(c, "kernel", k.p, k.vp, k.stop)
        with netns.VethPair(tag) as net:
            netns.sh("ip", "-n", net.ns_fp, "link", "set", net.v_fp, "address", KMAC)
            netns.sh("ip", "-n", net.ns_tx, "link", "set", net.v_tx, "address", QMAC)
            app, stats_path = netns.start_fastpath(
                fr, net, name, "0@0,1@1", 1,
                ["--local-ip", L6 + "/64", "--local-ip", L4 + "/24",
                 "--listen", "%s:5000=count" % G4[0], "--listen", "%s:5001=count" % G4[1],
                 "--listen", "[%s]:5002=count" % G6[0]] + FAST)
            c.true("fastpath up", fr.wait_for(
                lambda: os.path.exists(fr.telemetry_socket(name)), 30))
            state = {}

            def stop():
                state["rc"], state["stats"] = netns.stop_fastpath(fr, app, name, stats_path)
            got["fastpath"] = querier(c, "fastpath", net.ns_tx, net.v_tx, stop)
            if "rc" not in state:
                stop()
            c.eq("fastpath exit status", state.get("rc"), 0)
            fr.check_invariants(c, state.get("stats"))
    except RuntimeError as e:
        return fr.skip(name, "cannot set up namespaces (%s)" % e)
    listeners = {g.hex() for g in GROUPS4 + GROUPS6[:1]}

    def answers(msgs, leaves=False):
        out = []
        for fam, typ, rec, groups in msgs:
            if rec == mr.TO_EX:
                continue                   # unsolicited: not an answer
            if leaves:
                groups = [g for g in groups if g in listeners]
                if not groups or rec == mr.IS_EX or typ in (0x12, 0x16, 131):
                    continue
            out.append([fam, typ, rec, groups])
        return out
    kern, fp = got.get("kernel"), got.get("fastpath")
    if kern and fp:
        for i, (label, _) in enumerate(steps):
            c.eq("%s: fastpath sends what the kernel sends" % label, answers(fp[i]),
                 answers(kern[i]))
        c.eq("leaving: the same leaves", answers(fp[-1], True), answers(kern[-1], True))
        c.true("the kernel answered the first query", answers(kern[0]) != [])
    return c.done()


if __name__ == "__main__":
    fr.main({"announce": announce, "queries": queries, "options": options, "stat": stat,
             "paging": paging, "kernel": kernel})
