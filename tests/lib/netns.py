# SPDX-License-Identifier: BSD-3-Clause
"""Two network namespaces and a veth pair, made and removed by a test:
the kernel side (an address, TX checksum offload off) and fastpath's side
(no address, IPv6 off). Only 10.77.0.0/24 inside them is ever used."""
import os
import shutil
import subprocess

TX_IP, FP_IP = "10.77.0.1", "10.77.0.2"


def sh(*args, check=True):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args), p.stderr.strip()))
    return p


def available():
    return os.getuid() == 0 and all(shutil.which(t) for t in ("ip", "ethtool", "ping"))


def linked(ns_a, ns_b, dev_a, dev_b, mac_a=None, mac_b=None):
    """Two new namespaces and a veth between them (dev_a in ns_a, dev_b in
    ns_b), with the MACs given; the caller sets the links up."""
    sh("ip", "netns", "add", ns_a)
    sh("ip", "netns", "add", ns_b)
    sh("ip", "link", "add", dev_a, "type", "veth", "peer", "name", dev_b)
    sh("ip", "link", "set", dev_a, "netns", ns_a)
    sh("ip", "link", "set", dev_b, "netns", ns_b)
    for ns, dev, mac in ((ns_a, dev_a, mac_a), (ns_b, dev_b, mac_b)):
        if mac:
            sh("ip", "-n", ns, "link", "set", dev, "address", mac)


class VethPair:
    def __init__(self, tag):
        self.ns_tx, self.ns_fp = "fptx%s" % tag, "fprx%s" % tag
        self.v_tx, self.v_fp = "fpt%s" % tag, "fpr%s" % tag

    def __enter__(self):
        try:
            sh("ip", "netns", "add", self.ns_tx)
            sh("ip", "netns", "add", self.ns_fp)
            sh("ip", "link", "add", self.v_tx, "type", "veth", "peer", "name", self.v_fp)
            sh("ip", "link", "set", self.v_tx, "netns", self.ns_tx)
            sh("ip", "link", "set", self.v_fp, "netns", self.ns_fp)
            sh("ip", "-n", self.ns_tx, "addr", "add", TX_IP + "/24", "dev", self.v_tx)
            for ns, dev in ((self.ns_tx, self.v_tx), (self.ns_fp, self.v_fp),
                            (self.ns_tx, "lo"), (self.ns_fp, "lo")):
                sh("ip", "-n", ns, "link", "set", dev, "up")
            # veth offloads the tx checksum: the kernel would hand AF_PACKET
            # a partial one (net_af_packet 22.11 does not flag it)
            sh("ip", "netns", "exec", self.ns_tx, "ethtool", "-K", self.v_tx, "tx", "off")
            sh("ip", "netns", "exec", self.ns_fp, "sysctl", "-qw",
               "net.ipv6.conf.all.disable_ipv6=1")
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def in_tx(self, *cmd):
        return ["ip", "netns", "exec", self.ns_tx] + list(cmd)

    def in_fp(self, *cmd):
        return ["ip", "netns", "exec", self.ns_fp] + list(cmd)

    def __exit__(self, *exc):
        for ns in (self.ns_tx, self.ns_fp):
            sh("ip", "netns", "del", ns, check=False)
        return False


def start_fastpath(fr, net, name, lcores, qpairs, app_args, vdev_args=""):
    """fastpath in net's fastpath namespace on net_af_packet (larger rings:
    framecnt=4096; vdev_args: more of its options), with --stats-json;
    returns (Popen, stats path)."""
    stats_path = os.path.join(fr.workdir(name), "stats.json")
    if os.path.exists(stats_path):
        os.unlink(stats_path)
    cmd = net.in_fp(fr.BINARY, "--no-pci", "--lcores", lcores, "--file-prefix", fr.prefix(name),
                    "--log-level", "lib.eal:warning", "--vdev",
                    "net_af_packet0,iface=%s,qpairs=%d,framecnt=4096%s" % (net.v_fp, qpairs,
                                                                         vdev_args),
                    *fr.mem_args(512), "--", "--local-ip", FP_IP + "/24",
                    "--stats-json", stats_path, *app_args)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    fr.register(name, stats_path, p)
    return p, stats_path


def stop_fastpath(fr, app, name, stats_path):
    """SIGTERM, wait, clean up; returns (exit status, final stats or None)."""
    import json
    import signal
    app.send_signal(signal.SIGTERM)
    try:
        app.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        app.kill()
        app.communicate()
    fr.cleanup(name)
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    return app.returncode, stats
