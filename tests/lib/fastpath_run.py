# SPDX-License-Identifier: BSD-3-Clause
"""Run fastpath over vdevs and read its final counters.

The binary comes from $FASTPATH (set by meson) or build/app/fastpath. Each
run gets its own --file-prefix; hugepages are used when enough are free,
else --no-huge. --no-pci keeps the host's own NICs out of every test.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BINARY = os.environ.get("FASTPATH", os.path.join(ROOT, "build", "app", "fastpath"))
RUNTIME = "/var/run/dpdk"


def hugepages_free_mb():
    info = {}
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                k, v = line.split(":", 1)
                info[k] = v.split()
    except OSError:
        return 0
    free = int(info.get("HugePages_Free", ["0"])[0])
    size_kb = int(info.get("Hugepagesize", ["0"])[0])
    mounted = False
    try:
        with open("/proc/mounts") as f:
            mounted = any(l.split()[2] == "hugetlbfs" for l in f)
    except OSError:
        pass
    return free * size_kb // 1024 if mounted else 0


def mem_args(mb=512):
    """EAL memory arguments: hugepages when `mb` of them are free. With
    --huge-unlink the hugepage files go at start, so nothing is left
    reserved when a run ends (a test needing secondaries must not use it)."""
    if hugepages_free_mb() >= mb:
        return ["-m", str(mb), "--huge-unlink"]
    return ["--no-huge", "-m", str(mb)]


def workdir(name):
    base = os.environ.get("FP_TEST_DIR") or tempfile.gettempdir()
    d = os.path.join(base, "fastpath-" + name)
    os.makedirs(d, exist_ok=True)
    return d


def prefix(name):
    return "fptest_%s_%d" % (name, os.getpid())


def eal_args(name, vdevs, lcores="0,1", mem=512):
    args = ["--no-pci", "--file-prefix", prefix(name), "--log-level", "lib.eal:warning"]
    args += ["--lcores", lcores] if ("@" in lcores or "(" in lcores) else ["-l", lcores]
    args += mem_args(mem)
    for v in vdevs:
        args += ["--vdev", v]
    return args


class Result:
    def __init__(self, rc, out, err, stats):
        self.rc, self.out, self.err, self.stats = rc, out, err, stats

    def fp_errors(self):
        """The app's own lines on stderr (EAL logs there too)."""
        return [l for l in self.err.splitlines() if l.startswith("fastpath:")]


def run(name, vdevs, app_args=(), lcores="0,1", timeout=60, mem=512, idle_ms=300):
    """Run to completion with --idle-exit; returns a Result with the JSON."""
    d = workdir(name)
    stats_path = os.path.join(d, "stats.json")
    if os.path.exists(stats_path):
        os.unlink(stats_path)
    cmd = [BINARY] + eal_args(name, vdevs, lcores, mem) + ["--"]
    if idle_ms:
        cmd += ["--idle-exit", str(idle_ms)]
    cmd += ["--stats-json", stats_path] + list(app_args)
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    finally:
        cleanup(name)
    stats = None
    if os.path.exists(stats_path):
        with open(stats_path) as f:
            stats = json.load(f)
    return Result(p.returncode, p.stdout, p.stderr, stats)


def start(name, vdevs, app_args=(), lcores="0,1", mem=512):
    """Start in the background (no --idle-exit); returns (Popen, stats path)."""
    d = workdir(name)
    stats_path = os.path.join(d, "stats.json")
    if os.path.exists(stats_path):
        os.unlink(stats_path)
    cmd = [BINARY] + eal_args(name, vdevs, lcores, mem) + ["--", "--stats-json", stats_path]
    cmd += list(app_args)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p, stats_path


def cleanup(name):
    """Remove the EAL runtime directory a run left (EAL keeps it)."""
    shutil.rmtree(os.path.join(RUNTIME, prefix(name)), ignore_errors=True)


def telemetry_socket(name):
    return os.path.join(RUNTIME, prefix(name), "dpdk_telemetry.v2")


def wait_for(pred, timeout, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return pred()


def telemetry(name, *cmds):
    """Query through DPDK's own dpdk-telemetry.py; one reply per command."""
    out = subprocess.run(["dpdk-telemetry.py", "-f", prefix(name)],
                         input="\n".join(cmds) + "\n", capture_output=True,
                         text=True, timeout=30)
    lines = [l.strip() for l in out.stdout.splitlines() if l.strip().startswith("{")]
    if len(lines) != len(cmds):
        raise AssertionError("%d telemetry replies for %d commands; stdout=%r stderr=%r"
                             % (len(lines), len(cmds), out.stdout, out.stderr))
    # one reply line per command, in order; keyed by the command as sent
    # (the reply itself is keyed by the command without its parameter)
    replies = {}
    for cmd, line in zip(cmds, lines):
        (value,) = json.loads(line).values()
        replies[cmd] = value
    return replies


class Checker:
    """Collects failures so one run reports everything that is wrong."""

    def __init__(self, name):
        self.name, self.failures, self.checks = name, [], 0

    def eq(self, what, got, want):
        self.checks += 1
        if got != want:
            self.failures.append("%s: got %r, want %r" % (what, got, want))

    def true(self, what, cond):
        self.checks += 1
        if not cond:
            self.failures.append(what)

    def done(self):
        for f in self.failures:
            print("FAIL %s: %s" % (self.name, f))
        print("%s: %d checks, %d failed" % (self.name, self.checks, len(self.failures)))
        return 1 if self.failures else 0


def check_invariants(c, stats, port_counts_every_queue=True):
    """The conservation law and the mbuf check, for every run. Some PMDs
    sum only their first 16 queues (RTE_ETHDEV_QUEUE_STAT_CNTRS) into
    ipackets: with more queues pass port_counts_every_queue=False and the
    checks against ipackets are left out."""
    c.true("stats JSON written", stats is not None)
    if stats is None:
        return
    for key in ("softnet_stat", "queues", "lcores", "ports", "config", "mempools"):
        c.true("section %s present" % key, key in stats)
    for pid, p in stats["ports"].items():
        procd = sum(q["packets"] for k, q in stats["queues"].items()
                    if k.split("_")[0] == pid)
        if port_counts_every_queue:
            c.eq("port %s ipackets == sum of its queues' packets" % pid, p["ipackets"], procd)
            c.eq("port %s processed == ipackets" % pid, p["processed"], p["ipackets"])
        c.eq("port %s processed == sum of its queues' packets" % pid, p["processed"], procd)
        c.eq("port %s processed == delivered + dropped + responded" % pid,
             p["processed"], p["delivered"] + p["dropped"] + p["responded"])
        c.eq("port %s unaccounted" % pid, p["unaccounted"], 0)
    total_q = sum(q["packets"] for q in stats["queues"].values())
    total_sn = sum(s["processed"] for s in stats["softnet_stat"].values())
    c.eq("sum softnet processed == sum queue packets", total_sn, total_q)
    for name, mp in stats["mempools"].items():
        c.eq("mempool %s in_use after close" % name, mp["in_use"], 0)


def main(tests):
    """Run the test named by argv[1] (or all); exit 0/1."""
    names = sys.argv[1:] or list(tests)
    rc = 0
    for n in names:
        rc |= tests[n]()
    sys.exit(rc)
