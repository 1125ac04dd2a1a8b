#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Port set-up on a device with RSS (net_null offers it; net_pcap does not):
multi-queue RSS with the symmetric key configures and runs, and the hash
functions in use are the ones the device offers."""
import glob
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import telclient  # noqa: E402
import pcapgen as pg  # noqa: E402

# RTE_ETH_RSS_IP, RTE_ETH_RSS_UDP, RTE_ETH_RSS_TCP of DPDK 22.11's rte_ethdev.h
RSS_IP = 0xA38C
RSS_UDP = 0x20820
RSS_TCP = 0x10410


def run_null(name, app_args):
    p, stats_path = fr.start(name, ["net_null0"], app_args, lcores="0@0,1@1,2@1")
    try:
        fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20)
        time.sleep(0.5)
        cfg = fr.telemetry(name, "/fastpath/config")["/fastpath/config"]
    finally:
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=10)
        fr.cleanup(name)
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    return p.returncode, cfg, stats, err


RSSKEY = os.environ.get("FP_RSSKEY", os.path.join(fr.ROOT, "build", "tests", "tools", "rsskey"))
# Microsoft's RSS verification key and two of its IPv4/TCP test vectors
# (the "Verifying the RSS Hash Calculation" table): they check toeplitz()
MS_KEY = bytes.fromhex("6d5a56da255b0ec24167253d43a38fb0d0ca2bcb"
                       "ae7b30b477cb2da38030f20c6a42b73bbeac01fa")
MS_VECTORS = [(("66.9.149.187", "161.142.100.80", 2794, 1766), 0x51ccc178),
              (("199.92.111.2", "65.69.140.83", 14230, 4739), 0xc626b0ea)]


def toeplitz(key, data):
    """The Toeplitz hash of `data` under `key` (RSS, as a NIC computes it)."""
    k = int.from_bytes(key, "big")
    klen = len(key) * 8
    h = 0
    for i, byte in enumerate(data):
        for b in range(8):
            if byte & (0x80 >> b):
                h ^= (k >> (klen - 32 - (i * 8 + b))) & 0xFFFFFFFF
    return h


def tuple4(src, dst, sport, dport):
    import struct
    return pg.ip4(src) + pg.ip4(dst) + struct.pack("!HH", sport, dport)


def read_rss(name):
    """Run rsskey (a DPDK secondary) against the running fastpath."""
    p = subprocess.run([RSSKEY, "--file-prefix", fr.prefix(name), "--no-pci", "--log-level",
                        "lib.eal:warning", "--proc-type", "secondary", "--", "0"],
                       capture_output=True, text=True, timeout=60)
    out = dict(l.split(" ", 1) for l in p.stdout.splitlines() if " " in l)
    return p.returncode, out, p.stderr


def rss_symmetric():
    """The key fastpath programs, read back from the device (net_null keeps
    what it is given), is 0x6d5a repeated, and with it both directions of
    every flow hash alike under the Toeplitz function computed here (the
    same function gives Microsoft's published values for its key, and
    different hashes for the two directions under that key)."""
    name = "rss_symmetric"
    c = fr.Checker(name)
    for (t, want) in MS_VECTORS:
        c.eq("toeplitz() on Microsoft's vector %s" % (t,), toeplitz(MS_KEY, tuple4(*t)), want)
    # hugepages without --huge-unlink: the secondary maps the same files;
    # --base-virtaddr: at the same addresses, which an ASan build's shadow
    # may otherwise push to where the secondary's libraries lie (see
    # test_capture.py)
    if fr.hugepages_free_mb() < 256:
        return fr.skip(name, "needs 256 MiB of free hugepages for a secondary process")
    stats_path = os.path.join(fr.workdir(name), "stats.json")
    if os.path.exists(stats_path):
        os.unlink(stats_path)
    cmd = [fr.BINARY, "--no-pci", "--lcores", "0@0,1@1,2@1", "-m", "256", "--file-prefix",
           fr.prefix(name), "--base-virtaddr", "0x200000000000",
           "--log-level", "lib.eal:warning", "--vdev", "net_null0", "--",
           "--rss-key", "symmetric", "--stats-json", stats_path]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    fr.register(name, stats_path, p)
    try:
        fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20)
        time.sleep(0.5)
        cfg = fr.telemetry(name, "/fastpath/config")["/fastpath/config"]
        krc, rss, kerr = read_rss(name)
    finally:
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=10)
        for f in glob.glob("/dev/hugepages/%smap_*" % fr.prefix(name)):
            os.unlink(f)
        fr.cleanup(name)
    rc = p.returncode
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    c.eq("rsskey status: %s" % kerr.strip()[-200:], krc, 0)
    key = bytes.fromhex(rss.get("key", ""))
    c.eq("the device's key is the symmetric one (0x6d5a repeated)", key.hex(),
         (b"\x6d\x5a" * (len(key) // 2)).hex() if key else "6d5a...")
    c.true("a key long enough for the IPv4 4-tuple (%d bytes)" % len(key), len(key) >= 16)
    if len(key) < 16:
        return c.done()             # nothing to hash with
    flows = [("10.0.0.%d" % i, "192.168.%d.1" % i, 1024 + 7 * i, 5000 + i) for i in range(1, 20)]
    asym = 0
    for f in flows:
        back = (f[1], f[0], f[3], f[2])
        c.eq("flow %s: both directions hash alike" % (f,), toeplitz(key, tuple4(*f)),
             toeplitz(key, tuple4(*back)))
        asym += toeplitz(MS_KEY, tuple4(*f)) != toeplitz(MS_KEY, tuple4(*back))
    c.true("the default key would split the flows' directions (%d of %d)" % (asym, len(flows)),
           asym > len(flows) // 2)
    c.eq("exit status", rc, 0)
    c.eq("config rss_key", cfg["rss_key"], "symmetric")
    c.eq("exit status", rc, 0)
    c.eq("config rss_key", cfg["rss_key"], "symmetric")
    port = cfg["port_0"]
    c.eq("rx queues (one per worker)", port["rx_queues"], 2)
    c.true("RSS hash functions in use: %#x" % port["rss_hf"], port["rss_hf"] != 0)
    c.eq("only IP/UDP/TCP hash functions",
         port["rss_hf"] & ~(RSS_IP | RSS_UDP | RSS_TCP), 0)
    fr.check_invariants(c, stats)
    if stats:
        for q in ("0_0", "0_1"):
            c.true("queue %s received" % q, stats["queues"][q]["packets"] > 0)
    return c.done()


def single_queue_no_rss():
    """One queue: no RSS requested even where the device has it."""
    name = "single_queue_no_rss"
    c = fr.Checker(name)
    rc, cfg, stats, err = run_null(name, ["--rxq", "1"])
    c.eq("exit status", rc, 0)
    c.eq("rx queues", cfg["port_0"]["rx_queues"], 1)
    c.eq("rss_hf", cfg["port_0"]["rss_hf"], 0)
    c.true("worker without a queue is warned about",
           "lcore 2 has no queue to poll" in err)
    fr.check_invariants(c, stats)
    return c.done()


def many_queues():
    """48 queues on one port: /fastpath/queues outgrows DPDK 22.11's 16 KiB
    reply, so it pages: each page fits, ends with "next" while queues are
    left, and the pages hold every queue once; per queue (<port>_<queue>)
    it answers. (net_null sums only its first 16 queues into ipackets, so
    the checks against ipackets are left out here.)"""
    name = "many_queues"
    c = fr.Checker(name)
    p, stats_path = fr.start(name, ["net_null0"], ["--rxq", "48"], lcores="0,1",
                             port_counts_every_queue=False)
    want = {"0_%d" % q for q in range(48)}
    try:
        c.true("running", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        with telclient.Client(fr.telemetry_socket(name)) as cl:
            c.true("answers", fr.wait_for(lambda: cl.query("/fastpath/ports") is not None, 20))
            for cmd in ("/fastpath/queues", "/fastpath/queues,0"):
                pages = cl.pages(cmd)
                keys = [k for _, pg_ in pages for k in pg_]
                c.true("%s: paged (%d pages)" % (cmd, len(pages)), len(pages) > 1)
                c.true("%s: pages fit" % cmd, all(n <= telclient.MAX_REPLY for n, _ in pages))
                c.eq("%s: every queue once" % cmd, (len(keys), set(keys)), (48, want))
        r = fr.telemetry(name, "/fastpath/queues,0_31", "/fastpath/queues,0_48",
                         "/fastpath/softnet_stat")
    finally:
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=10)
        fr.cleanup(name)
    c.eq("one queue", sorted(r["/fastpath/queues,0_31"] or {}), ["0_31"])
    c.true("that queue received", (r["/fastpath/queues,0_31"] or {}).get("0_31", {})
           .get("packets", 0) > 0)
    c.eq("no such queue", r["/fastpath/queues,0_48"], None)
    c.eq("softnet_stat still whole", sorted(r["/fastpath/softnet_stat"]), ["1"])
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    fr.check_invariants(c, stats, port_counts_every_queue=False)
    if stats:
        c.eq("--stats-json has every queue (no paging there)", len(stats["queues"]), 48)
    return c.done()


def selection_and_sizes():
    """--ports 1 of two net_pcap ports: only port 1 is configured and read
    (port 0's frames never counted); --rxd/--txd as given where the device
    has no limits, in /fastpath/config; the mempool sized as docs/pipeline.md
    says: every rx and tx descriptor, plus per polling lcore its cache,
    two bursts and 1024 held fragments, at least 8191, rounded up to
    2^k - 1."""
    name = "ports_selection"
    c = fr.Checker(name)
    d = fr.workdir(name)
    files = []
    for port, n in ((0, 7), (1, 11)):
        files.append(os.path.join(d, "p%d.pcap" % port))
        pg.write_pcap(files[-1], [pg.udp_frame(64, flow=i) for i in range(n)])
    rxd, txd, cache, burst = 2048, 512, 128, 64
    r = fr.run(name, ["net_pcap0,rx_pcap=" + files[0], "net_pcap1,rx_pcap=" + files[1]],
               ["--ports", "1", "--rxd", str(rxd), "--txd", str(txd), "--mbuf-cache", str(cache),
                "--burst", str(burst), "--listen", "9=count"])
    c.eq("exit status", r.rc, 0)
    if not r.stats:
        return c.done()
    cfg = r.stats["config"]
    c.eq("only port 1 configured", sorted(k for k in cfg if k.startswith("port_")), ["port_1"])
    c.eq("only port 1 counted", sorted(r.stats["ports"]), ["1"])
    c.eq("port 1 received its own file", r.stats["ports"]["1"]["ipackets"], 11)
    c.eq("delivered: port 1's datagrams only", r.stats["udp"]["0"]["datagrams"], 11)
    c.eq("queue map on port 1 only", sorted(cfg["queue_map"]), ["1_0"])
    p1 = cfg["port_1"]
    c.eq("effective rxd", p1["rxd"], rxd)
    c.eq("effective txd", p1["txd"], txd)
    lcores = len(r.stats["softnet_stat"])
    need = p1["rx_queues"] * rxd + p1["tx_queues"] * txd + lcores * (cache + 2 * burst + 1024)
    size = 1
    while size - 1 < max(need, 8191):
        size <<= 1
    c.eq("automatic mempool size (%d needed)" % need, p1["pool_mbufs"], size - 1)
    c.eq("the mempool is that size", [m["size"] for m in r.stats["mempools"].values()],
         [size - 1])
    # a bigger ring must grow the pool past the floor
    r2 = fr.run(name + "_big", ["net_pcap0,rx_pcap=" + files[1]],
                ["--rxd", "16384", "--txd", "8192", "--listen", "9=count"])
    c.eq("exit status (big rings)", r2.rc, 0)
    if r2.stats:
        p0 = r2.stats["config"]["port_0"]
        need = p0["rx_queues"] * 16384 + p0["tx_queues"] * 8192 + \
            len(r2.stats["softnet_stat"]) * (256 + 2 * 32 + 1024)
        size = 1
        while size - 1 < max(need, 8191):
            size <<= 1
        c.eq("automatic mempool size, big rings (%d needed)" % need, p0["pool_mbufs"], size - 1)
    c.true("no NUMA warning when every lcore shares the port's socket",
           "crosses sockets" not in r.err)
    return c.done()


def multicast_fallback():
    """A device that takes a multicast list (net_tap) gets the list, and is
    not put in all-multicast mode (read back through DPDK's /ethdev/info).
    The fallback itself cannot be told apart on DPDK 22.11's vdevs: every
    one of them without a list (net_null, net_pcap, net_ring) starts in
    all-multicast mode already; the null cases check that it stays so.
    The list a host gives (read back in /fastpath/config) holds what it
    must hear: the listener's group, all-hosts and all-nodes (general IGMP
    and MLD queries), the solicited-node groups of its IPv6 address and of
    the port's link-local address (neighbour discovery)."""
    c = fr.Checker("multicast_fallback")
    host = ["--local-ip", "10.1.0.1/24", "--local-ip", "2001:db8::1/64"]
    for label, vdev, args, want in (
            ("null_group", "net_null0", ["--listen", "239.1.2.3:5000=count"], 1),
            ("null_v6", "net_null0", ["--local-ip", "2001:db8::1"], 1),
            ("tap_group", "net_tap0,iface=fpmc%d" % (os.getpid() % 10000),
             ["--listen", "239.1.2.3:5000=count"] + host, 0)):
        name = "mc_" + label
        p, stats_path = fr.start(name, [vdev], args, lcores="0,1")
        cfg = {}
        try:
            fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20)
            fr.wait_for(lambda: (fr.telemetry(name, "/fastpath/config")["/fastpath/config"]
                                 or {}).get("port_0") is not None, 10, 0.2)
            info = fr.telemetry(name, "/ethdev/info,0")["/ethdev/info,0"]
            cfg = fr.telemetry(name, "/fastpath/config")["/fastpath/config"] or {}
        finally:
            p.send_signal(signal.SIGTERM)
            p.communicate(timeout=10)
            fr.cleanup(name)
        c.eq("%s: all_multicast" % label, (info or {}).get("all_multicast"), want)
        if label == "tap_group":
            port = cfg.get("port_0", {})
            mac = port.get("mac", "00:00:00:00:00:00").lower().split(":")
            expect = {"01:00:5e:01:02:03", "01:00:5e:00:00:01", "33:33:00:00:00:01",
                      "33:33:ff:00:00:01", "33:33:ff:%s" % ":".join(mac[3:])}
            got = {port.get("mc_mac_%d" % i, "").lower() for i in range(port.get("mc_macs", 0))}
            c.eq("%s: the multicast list given to the NIC" % label, got, expect)
            c.eq("%s: no duplicate" % label, port.get("mc_macs"), len(expect))
    return c.done()


if __name__ == "__main__":
    fr.main({"rss_symmetric": rss_symmetric, "single_queue_no_rss": single_queue_no_rss,
             "selection_and_sizes": selection_and_sizes, "multicast_fallback": multicast_fallback,
             "many_queues": many_queues})
