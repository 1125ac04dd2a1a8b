#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The exception path (--exception tap): what fastpath does not serve goes
to the kernel through a TAP, and what the kernel sends there leaves by the
data port.

exception_live: the one-NIC server in network namespaces the test makes.
A veth pair stands for the wire; fastpath's end is opened with
net_af_packet (the "NIC") inside fastpath's namespace, where fastpath
creates the TAP fp0 and the test gives it the host's address. The kernel
must not see the "NIC" itself (a vfio-bound NIC is gone from it): the
veth's own MAC is changed after fastpath read it, so frames to the host's
MAC are another host's to the kernel there, and it answers no ARP on it.
From the peer namespace: ping, a TCP exchange with a kernel server, UDP
to fastpath's listener's port (a kernel socket bound to the same port
gets nothing) and to another port (a kernel socket gets all of it), and
the counters against the TAP's own (ip -s link).

exception_classify: which frames of a pcap go to the kernel and which do
not, with the TAP in the test's own namespace (configured by an INI file).

exception_bad_input: every refusal is one line and exit status 2, before
any port starts.

Skips (77) without root or iproute2."""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import pcapgen as pg  # noqa: E402
from netns import FP_IP, TX_IP, VethPair, available, sh, start_fastpath, stop_fastpath  # noqa: E402

UDPSEND = os.environ.get("FP_UDPSEND", os.path.join(fr.ROOT, "build", "tests", "tools", "udpsend"))
N_LISTENER, N_KERNEL = 300, 200
TCP_PORT, KERNEL_UDP = 2222, 5353


def tap_counters(net, ifname):
    """The TAP's kernel-side counters: (rx packets, tx packets). The kernel
    receives what fastpath wrote (to_kernel) and transmits what fastpath
    reads (from_kernel + from_kernel_dropped)."""
    out = subprocess.run(net.in_fp("ip", "-s", "-j", "link", "show", ifname),
                         capture_output=True, text=True, timeout=30).stdout
    st = json.loads(out)[0]["stats64"]
    return st["rx"]["packets"], st["tx"]["packets"]


# A kernel server in fastpath's namespace: TCP echo of one exchange on
# TCP_PORT, and two UDP sockets counting datagrams (port 9, fastpath's
# listener's, and KERNEL_UDP), printed as JSON when told to stop (SIGTERM).
SERVER = r'''
import json, select, signal, socket, sys
ip = sys.argv[1]
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind((ip, %d)); t.listen(1)
us = {}
for port in (9, %d):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind((ip, port)); us[u] = port
got = {9: 0, %d: 0}
tcp = []
stop = []
signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
print("ready", flush=True)
while not stop:
    try:
        r, _, _ = select.select([t] + list(us), [], [], 0.1)
    except InterruptedError:
        continue
    for s in r:
        if s is t:
            c, _ = t.accept(); c.settimeout(10)
            data = c.recv(100); c.sendall(b"kernel:" + data); c.close(); tcp.append(data.decode())
        else:
            s.recv(2048); got[us[s]] += 1
print(json.dumps({"udp": got, "tcp": tcp}), flush=True)
''' % (TCP_PORT, KERNEL_UDP, KERNEL_UDP)

CLIENT = r'''
import socket, sys
s = socket.create_connection((sys.argv[1], %d), timeout=10)
s.sendall(b"hello over the exception path"); print(s.recv(100).decode())
''' % TCP_PORT


def live():
    name = "exception_live"
    if not available():
        return fr.skip(name, "needs root, iproute2, ethtool and ping")
    try:
        net = VethPair("x%d" % (os.getpid() % 10000)).__enter__()
    except RuntimeError as e:
        return fr.skip(name, "cannot set up namespaces (%s)" % e)
    c = fr.Checker(name)
    app = server = None
    stats_path = None
    try:
        # the "NIC": promiscuous (frames to the host's MAC), no ARP answers
        sh("ip", "-n", net.ns_fp, "link", "set", net.v_fp, "promisc", "on")
        sh(*net.in_fp("sysctl", "-qw", "net.ipv4.conf.%s.arp_ignore=8" % net.v_fp))
        app, stats_path = start_fastpath(fr, net, name, "0@0,1@1", 1,
                                         ["--listen", "9=count", "--exception", "tap"])
        c.true("fastpath up", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 30))
        c.true("the TAP fp0 in fastpath's namespace", fr.wait_for(
            lambda: subprocess.run(net.in_fp("ip", "link", "show", "fp0"),
                                   capture_output=True).returncode == 0, 30, 0.1))
        mac = subprocess.run(net.in_fp("cat", "/sys/class/net/fp0/address"),
                             capture_output=True, text=True).stdout.strip()
        ports = fr.telemetry(name, "/fastpath/ports")["/fastpath/ports"]["0"]
        c.eq("the TAP has the data port's MAC", mac, ports.get("mac"))
        conf = fr.telemetry(name, "/fastpath/config")["/fastpath/config"]
        c.eq("config: the exception path", (conf.get("exception"),
                                            conf.get("port_0", {}).get("exception_ifname")),
             ("tap", "fp0"))
        # the kernel loses the "NIC": another MAC on its side of the veth
        sh("ip", "-n", net.ns_fp, "link", "set", net.v_fp, "address", "02:00:00:00:ee:ee")
        sh("ip", "-n", net.ns_fp, "addr", "add", FP_IP + "/24", "dev", "fp0")
        sh("ip", "-n", net.ns_fp, "link", "set", "fp0", "up")
        server = subprocess.Popen(net.in_fp(sys.executable, "-c", SERVER, FP_IP),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        c.eq("kernel server ready", server.stdout.readline().strip(), "ready")

        ping = subprocess.run(net.in_tx("ping", "-c", "3", "-i", "0.2", "-W", "3", FP_IP),
                              capture_output=True, text=True, timeout=60)
        c.eq("ping answered by the kernel through fastpath: %s" % ping.stdout.strip()[-120:],
             ping.returncode, 0)
        c.true("no duplicate replies", "DUP" not in ping.stdout)
        tcp = subprocess.run(net.in_tx(sys.executable, "-c", CLIENT, FP_IP),
                             capture_output=True, text=True, timeout=60)
        c.eq("TCP through fastpath to a kernel server: %s" % tcp.stderr.strip()[-200:],
             tcp.stdout.strip(), "kernel:hello over the exception path")
        for port, n in ((9, N_LISTENER), (KERNEL_UDP, N_KERNEL)):
            s = subprocess.run(net.in_tx(UDPSEND, FP_IP, str(port), "1", str(n), "64", "1000"),
                               capture_output=True, text=True, timeout=60)
            c.eq("udpsend to port %d: %s" % (port, s.stderr.strip()), s.stdout.strip(),
                 "sent %d" % n)
        time.sleep(1.0)
        # the counters against the TAP's own, once nothing moves
        tel = rx_tx = None
        for _ in range(20):
            p0 = fr.telemetry(name, "/fastpath/ports")["/fastpath/ports"]["0"]
            rt = tap_counters(net, "fp0")
            p1 = fr.telemetry(name, "/fastpath/ports")["/fastpath/ports"]["0"]
            if p0 == p1 or all(p0[k] == p1[k] for k in ("to_kernel", "from_kernel",
                                                          "from_kernel_dropped")):
                tel, rx_tx = p1, rt
                if rt == tap_counters(net, "fp0"):
                    break
            time.sleep(0.2)
        c.true("counters settled", tel is not None)
        if tel:
            c.eq("to_kernel == the TAP's rx packets", tel["to_kernel"], rx_tx[0])
            c.eq("from_kernel + from_kernel_dropped == the TAP's tx packets",
                 tel["from_kernel"] + tel["from_kernel_dropped"], rx_tx[1])
            c.eq("nothing from the kernel dropped", tel["from_kernel_dropped"], 0)
            # ping: 3 requests + ARP; TCP: its segments; UDP to KERNEL_UDP
            c.true("to_kernel covers the kernel's traffic (%d)" % tel["to_kernel"],
                   tel["to_kernel"] >= 3 + 3 + N_KERNEL)
    finally:
        if server is not None:
            server.terminate()
            try:
                sout, _ = server.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                sout, _ = server.communicate()
        rc, stats = stop_fastpath(fr, app, name, stats_path) if app else (None, None)
        net.__exit__(None, None, None)

    c.eq("fastpath exit status", rc, 0)
    fr.check_invariants(c, stats)
    if server is not None:
        got = json.loads(sout.strip().splitlines()[-1]) if sout.strip() else {}
        c.eq("kernel socket on fastpath's listener port got nothing",
             got.get("udp", {}).get("9"), 0)
        c.eq("kernel socket on another port got every datagram",
             got.get("udp", {}).get(str(KERNEL_UDP)), N_KERNEL)
    if stats:
        c.eq("fastpath's listener took every datagram to its port",
             stats["udp"]["0"]["datagrams"], N_LISTENER)
        c.eq("no Udp NoPorts: those went to the kernel", stats["snmp"]["Udp"]["NoPorts"], 0)
        c.eq("fastpath answered no ping itself", stats["snmp"]["Icmp"]["OutEchoReps"], 0)
    return c.done()


US, PEER = "02:70:63:61:70:00", "02:00:00:00:00:02"    # net_pcap port 0's MAC
LOCAL = "10.1.0.1"


def kernel_snmp(ns):
    """/proc/net/snmp and /proc/net/netstat of namespace ns, as
    {"Group.Counter": value}."""
    out = {}
    for path in ("/proc/net/snmp", "/proc/net/netstat"):
        lines = subprocess.run(["ip", "netns", "exec", ns, "cat", path], capture_output=True,
                               text=True).stdout.splitlines()
        for names, values in zip(lines[0::2], lines[1::2]):
            g = names.split(":")[0]
            for k, v in zip(names.split()[1:], values.split()[1:]):
                out["%s.%s" % (g, k)] = int(v)
    return out


def classify():
    """Frames of each kind, how many of each; with the TAP in this test's
    namespace. Expected fates come from the kinds written."""
    name = "exception_classify"
    if os.getuid() != 0 or not shutil.which("ip"):
        return fr.skip(name, "needs root and iproute2")
    c = fr.Checker(name)
    ns = "fpcls%d" % (os.getpid() % 100000)
    d = fr.workdir(name)
    lldp = pg.eth("01:80:c2:00:00:0e", PEER, 0x88CC, bytes(46))

    def udp(dport, dst=LOCAL, payload=bytes(18)):
        return pg.pad60(pg.eth(US, PEER, 0x0800, pg.udp4("10.0.0.2", dst, 1000, dport, payload)))
    def corrupt(frame, at):
        f = bytearray(frame)
        f[at] ^= 0xff
        return bytes(f)

    def tcp_syn(src="10.0.0.2", dst=LOCAL):
        seg = struct.pack("!HHIIBBHHH", 40000, 22, 1, 0, 0x50, 0x02, 65535, 0, 0)
        c = pg.csum(pg.ip4(src) + pg.ip4(dst) + struct.pack("!BBH", 0, 6, len(seg)) + seg)
        return pg.ipv4(src, dst, 6, seg[:16] + struct.pack("!H", c) + seg[18:])
    bad_csum = corrupt(udp(4444), 14 + 20 + 6)
    bad_ip = corrupt(udp(4444), 14 + 10)          # the IPv4 header checksum
    tcp = pg.pad60(pg.eth(US, PEER, 0x0800, tcp_syn()))
    ping = pg.pad60(pg.eth(US, PEER, 0x0800, pg.icmp4("10.0.0.2", LOCAL, 8, 0, bytes(8))))
    bcast_bad = corrupt(udp(4444, dst="10.1.0.255"), 14 + 20 + 6)
    # fragments: ICMP (the kernel's before reassembly: 3 frames as they
    # came), UDP to a port without a listener (reassembled, then fragmented
    # again for the TAP), UDP to the listener (fastpath's)
    big = bytes(range(256)) * 12                  # 3072 bytes
    icmp_msg = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + big
    icmp_msg = icmp_msg[:2] + struct.pack("!H", pg.csum(icmp_msg)) + icmp_msg[4:]
    icmp_frags = [pg.eth(US, PEER, 0x0800, f)
                  for f in pg.ipv4_fragments("10.0.0.2", LOCAL, 1, icmp_msg, 1480, 0x77)]
    udp_frags = [pg.eth(US, PEER, 0x0800, f)
                 for f in pg.fragment4("10.0.0.2", LOCAL, 5000, 4444, big, 1480, 0x78)]
    mine_frags = [pg.eth(US, PEER, 0x0800, f)
                  for f in pg.fragment4("10.0.0.2", LOCAL, 5000, 9, big, 1480, 0x79)]
    kinds = [  # (frame, count, fate)
        (udp(9), 7, "delivered"),                  # fastpath's listener
        (udp(4444), 5, "to_kernel"),               # no listener
        (udp(9, dst="10.1.0.99"), 2, "to_kernel"),  # an address fastpath does not own
        (tcp, 3, "to_kernel"),
        (ping, 4, "to_kernel"),                   # fastpath's responder steps aside
        (pg.pad60(pg.eth("ff:ff:ff:ff:ff:ff", PEER, 0x0806,
                         pg.arp_request(PEER, "10.0.0.2", LOCAL))), 2, "to_kernel"),
        (lldp, 1, "to_kernel"),
        (bad_csum, 3, "dropped"),                 # validation: never handed on
        (bad_ip, 2, "dropped"),
        (corrupt(tcp, 14 + 20 + 16), 2, "dropped"),   # TCP checksum
        (corrupt(ping, 14 + 20 + 2), 2, "dropped"),   # ICMP checksum
        (bcast_bad, 1, "dropped"),                # to a broadcast, bad checksum
        (pg.pad60(pg.eth("02:99:99:99:99:99", PEER, 0x0800,
                         pg.udp4("10.0.0.2", LOCAL, 1000, 9, bytes(18)))), 2, "dropped"),
    ]
    frames = [f for f, n, _ in kinds for _ in range(n)] + icmp_frags + udp_frags + mine_frags
    # IPv4 frames for the kernel (the refragmented datagram: as many
    # fragments of 1480 bytes as it came in)
    ipv4_to_kernel = 5 + 2 + 3 + 4 + len(icmp_frags) + len(udp_frags)
    want = {k: sum(n for _, n, fate in kinds if fate == k)
            for k in ("delivered", "to_kernel", "dropped")}
    want["to_kernel"] += len(icmp_frags) + len(udp_frags)   # frames as received
    want["delivered"] += len(mine_frags)
    pcap = os.path.join(d, "in.pcap")
    pg.write_pcap(pcap, frames)
    stats_path = os.path.join(d, "stats.json")
    ini = os.path.join(d, "fastpath.ini")
    with open(ini, "w") as f:       # the INI file's way of saying it
        f.write("[host]\nlocal-ip = %s/24\nexception = tap\n[listen]\nmine = 9=count\n" % LOCAL)
    try:
        sh("ip", "netns", "add", ns)
        p = subprocess.run(["ip", "netns", "exec", ns, fr.BINARY] +
                           fr.eal_args(name, ["net_pcap0,rx_pcap=%s,tx_pcap=%s" %
                                              (pcap, os.path.join(d, "out.pcap"))], lcores="0")
                           + ["--", "--main-polls", "--config-file", ini, "--idle-exit", "300",
                              "--stats-json", stats_path],
                           capture_output=True, text=True, timeout=120)
        fr.cleanup(name)
        c.eq("exit status: %s" % p.stderr.strip()[-300:], p.returncode, 0)
        gone = subprocess.run(["ip", "-n", ns, "link", "show", "fp0"], capture_output=True)
        c.true("the TAP is gone after exit", gone.returncode != 0)
        # the kernel's side: every IPv4 frame handed on arrived with a
        # valid header (reassembled datagrams get their checksum back and
        # are fragmented again to the MTU); it has no address, so it goes
        # no further than ip_rcv's checks
        kern = kernel_snmp(ns)
        c.eq("kernel Ip InReceives: the IPv4 frames handed on", kern.get("Ip.InReceives"),
             ipv4_to_kernel)
        c.eq("kernel Ip InHdrErrors", kern.get("Ip.InHdrErrors"), 0)
        c.eq("kernel IpExt InCsumErrors", kern.get("IpExt.InCsumErrors"), 0)
    finally:
        sh("ip", "netns", "del", ns, check=False)
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    fr.check_invariants(c, stats)
    if stats:
        port = stats["ports"]["0"]
        for k, v in want.items():
            c.eq("port %s (from the kinds written)" % k, port[k], v)
        c.eq("responded: nothing (the kernel answers)", port["responded"], 0)
        dr = stats["drops"]
        c.eq("bad UDP checksums dropped, counted", dr.get("UDP_CSUM", 0), 3 + 1)
        c.eq("bad TCP checksum dropped, counted", dr.get("TCP_CSUM", 0), 2)
        c.eq("bad ICMP checksum dropped, counted", dr.get("ICMP_CSUM", 0), 2)
        c.eq("nothing refused by the TAP (the big datagram fragmented again)",
             dr.get("KERNEL_FULL", 0), 0)
        c.eq("the listener got its 7 and the reassembled datagram",
             stats["udp"]["0"]["datagrams"], 7 + 1)
        c.eq("ICMP fragments not reassembled here (the kernel does)",
             stats["snmp"]["Ip"]["ReasmReqds"], len(udp_frags) + len(mine_frags))
        c.eq("bad IP checksum dropped, counted", dr.get("IP_CSUM", 0), 2)
        c.eq("another host's frames dropped", dr.get("OTHERHOST", 0), 2)
        c.eq("Udp InCsumErrors", stats["snmp"]["Udp"]["InCsumErrors"], 3 + 1)
        c.eq("Udp NoPorts: none (the kernel decides)", stats["snmp"]["Udp"]["NoPorts"], 0)
        c.eq("Ip InAddrErrors: none (the kernel decides)", stats["snmp"]["Ip"]["InAddrErrors"], 0)
    return c.done()


def bad_input():
    name = "exception_bad_input"
    if os.getuid() != 0 or not shutil.which("ip"):
        return fr.skip(name, "needs root and iproute2")
    c = fr.Checker(name)
    d = fr.workdir(name)
    pcap = os.path.join(d, "one.pcap")
    pg.write_pcap(pcap, [pg.udp_frame()])
    ns = "fpbad%d" % (os.getpid() % 100000)
    txv = "net_pcap0,rx_pcap=%s,tx_pcap=%s" % (pcap, os.path.join(d, "o.pcap"))
    two_rx_one_tx = "net_pcap0,rx_pcap=%s,rx_pcap=%s,tx_pcap=%s" % (pcap, pcap,
                                                                   os.path.join(d, "o.pcap"))
    five = "net_pcap0," + ",".join("rx_pcap=%s,tx_pcap=%s" % (pcap, os.path.join(d, "o%d.pcap" % i))
                                   for i in range(5))
    cases = [  # (what, vdev, app args, prefix command, expected text)
        # (after a warning: that lcore has no tx queue)
        ("an lcore without a tx queue", two_rx_one_tx, ["--exception", "tap"], [],
         "could not send what the kernel sends"),
        ("interface exists", txv, ["--exception", "tap,ifname=taken"], [],
         "an interface named taken0 exists"),
        ("prefix too long", txv, ["--exception", "tap,ifname=abcdefghijklmn"], [], "1..13"),
        ("unknown kind", txv, ["--exception", "virtio"], [], "expected tap"),
        ("unknown option", txv, ["--exception", "tap,queues=2"], [], "unknown option"),
        # net_tap's own syntax must not get through: it made another
        # interface (dtap0) with a random MAC
        ("a comma in the prefix", txv, ["--exception", "tap,ifname=a,b"], [], "[A-Za-z0-9_.-]"),
        ("a second ifname", txv, ["--exception", "tap,ifname=ok,ifname=ok2"], [],
         "[A-Za-z0-9_.-]"),
        ("a name template", txv, ["--exception", "tap,ifname=x%d"], [], "[A-Za-z0-9_.-]"),
        # DPDK 22.11's TAP shares at most 8 descriptors with secondaries
        ("five lcores on one port", five, ["--exception", "tap"], [], "at most 4 queue pairs"),
    ]
    if shutil.which("capsh") or fr.in_ci():     # CI installs it: never left out there
        cases.append(("no CAP_NET_ADMIN", txv, ["--exception", "tap"],
                      ["capsh", "--drop=cap_net_admin", "--"], "CAP_NET_ADMIN"))
    try:
        sh("ip", "netns", "add", ns)
        sh("ip", "-n", ns, "link", "add", "taken0", "type", "veth", "peer", "name", "taken0p")
        for what, vdev, args, prefix, text in cases:
            lcores = {two_rx_one_tx: "0@0,1@1,2@1",
                      five: "0@0,1@1,2@1,3@1,4@1,5@1"}.get(vdev, "0")
            cmd = [fr.BINARY] + fr.eal_args(name, [vdev], lcores=lcores) + \
                ["--", "--idle-exit", "300", "--main-polls"] + args
            if prefix:
                cmd = prefix + ["-c", " ".join("'%s'" % a for a in cmd)]
            p = subprocess.run(["ip", "netns", "exec", ns] + cmd, capture_output=True,
                               text=True, timeout=60)
            fr.cleanup(name)
            lines = [l for l in p.stderr.splitlines()
                     if l.startswith("fastpath:") and "--exception" in l]
            c.eq("%s: status (%s)" % (what, p.stderr.strip()[-200:]), p.returncode, 2)
            c.true("%s: one line saying %r: %r" % (what, text, lines),
                   len(lines) == 1 and text in lines[0])
            c.true("%s: no port started" % what, "exception path fp" not in p.stderr)
    finally:
        sh("ip", "netns", "del", ns, check=False)
    return c.done()


if __name__ == "__main__":
    fr.main({"live": live, "classify": classify, "bad_input": bad_input})
