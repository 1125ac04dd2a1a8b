#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Secondary processes against a running fastpath: dpdk-dumpcap captures
N packets through rte_pdump, dpdk-proc-info reads its port counters, and
fastpath keeps receiving. A --no-huge primary cannot share its memory, so
the test needs hugepages (and skips with 77 where it has none)."""
import glob
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import pcapgen as pg  # noqa: E402

SKIP = 77
COUNT = 100


def pcapng_packets(path):
    """Enhanced packet blocks in a pcapng file (either byte order)."""
    data = open(path, "rb").read()
    bom = data[8:12]
    order = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
    n, off = 0, 0
    while off + 8 <= len(data):
        btype, blen = struct.unpack(order + "II", data[off:off + 8])
        if blen < 12:
            break
        n += btype == 6
        off += blen
    return n


def secondary(argv):
    """Run a secondary to its end; one that hangs is killed and reported
    as a failure with what it printed, not as a traceback."""
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as e:
        def text(b):
            return b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
        return subprocess.CompletedProcess(argv, "hung", text(e.stdout),
                                           "hung 60 s: " + text(e.stderr))


def processed(name):
    return fr.telemetry(name, "/fastpath/ports")["/fastpath/ports"]["0"]["processed"]


def capture():
    name = "capture"
    c = fr.Checker(name)
    if fr.hugepages_free_mb() < 512:
        return fr.skip("capture", "needs 512 MiB of free hugepages "
                       "(scripts/setup-host.sh hugepages N)")
    # a short path: DPDK 22.11 secondaries fail to attach to a vdev whose
    # argument string is longer than ~75 characters (73 works, 77 fails)
    short = tempfile.mkdtemp(prefix="fpc")
    pcap = os.path.join(short, "u.pcap")
    pg.write_pcap(pcap, [pg.udp_frame(64, flow=i, dport=9) for i in range(256)])
    out = os.path.join(fr.workdir(name), "cap.pcapng")
    stats_path = os.path.join(fr.workdir(name), "stats.json")
    if os.path.exists(stats_path):
        os.unlink(stats_path)
    if os.path.exists(out):
        os.unlink(out)
    # hugepages without --huge-unlink: the secondaries map the same files
    # --base-virtaddr: the secondaries map the primary's memory at the same
    # addresses; an ASan build's shadow pushes DPDK's default range to where
    # a secondary's libraries may lie (proc-info then panics, or hangs)
    cmd = [fr.BINARY, "--no-pci", "-l", "0,1", "-m", "256", "--file-prefix", fr.prefix(name),
           "--base-virtaddr", "0x200000000000",
           "--log-level", "lib.eal:warning",
           "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap, "--", "--listen", "9=count",
           "--stats-json", stats_path]
    app = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    fr.register(name, stats_path, app)     # the harness checks its final counters
    try:
        c.true("telemetry socket", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        dc = secondary(["dpdk-dumpcap", "--file-prefix=" + fr.prefix(name), "-i", "0",
                        "-c", str(COUNT), "-w", out])
        c.eq("dumpcap status: %s" % dc.stderr.strip()[-200:], dc.returncode, 0)
        got = pcapng_packets(out) if os.path.exists(out) else 0
        # dumpcap stops after COUNT packets, writing whole bursts
        c.true("dumpcap captured at least %d packets (got %d)" % (COUNT, got), got >= COUNT)
        c.true("and no more than a burst beyond", got < COUNT + 64)

        before = processed(name)
        # stdbuf: proc-info's report must reach the pipe before its exit
        pi = secondary(["stdbuf", "-oL", "dpdk-proc-info", "--file-prefix=" + fr.prefix(name),
                        "--no-pci", "--log-level", "lib.eal:warning", "--", "--stats"])
        m = re.search(r"NIC statistics for port 0.*?RX-packets:\s+(\d+)", pi.stdout, re.S)
        c.true("proc-info reports port 0", m is not None)
        c.true("proc-info's RX-packets are fastpath's", m and int(m.group(1)) >= before)
        # DPDK 22.11: rte_eal_cleanup() in a secondary runs the bus cleanup
        # and net_pcap's remove crashes there, after the report is out
        c.true("proc-info: report written (status %s: %s)" % (pi.returncode, pi.stderr.strip()[-200:]),
               pi.returncode in (0, -signal.SIGSEGV))
        time.sleep(0.3)
        c.true("fastpath still receiving after both secondaries", processed(name) > before)
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            aout, _ = app.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
            aout, _ = app.communicate()
        for f in glob.glob("/dev/hugepages/%smap_*" % fr.prefix(name)):
            os.unlink(f)
        fr.cleanup(name)
        shutil.rmtree(short, ignore_errors=True)
    c.eq("fastpath exit status", app.returncode, 0)
    c.true("every mbuf back", re.search(r"fp_mbuf_s0\s+\d+\s+0\s*$", aout, re.M) is not None)
    return c.done()


if __name__ == "__main__":
    fr.main({"capture": capture})
