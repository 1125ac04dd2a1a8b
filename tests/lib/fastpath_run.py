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


def run(name, vdevs, app_args=(), lcores="0,1", timeout=60, mem=512, idle_ms=300,
        **kw_invariants):
    """Run to completion with --idle-exit; returns a Result with the JSON.
    The harness checks the conservation law and the mempools of every run
    that exited 0 (keyword arguments go to check_invariants)."""
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
    _RUNS.append(_Run(name, stats_path, returncode=p.returncode, kw=kw_invariants))
    return Result(p.returncode, p.stdout, p.stderr, stats)


def start(name, vdevs, app_args=(), lcores="0,1", mem=512, **kw_invariants):
    """Start in the background (no --idle-exit); returns (Popen, stats path).
    When the test ends, the harness checks the stats file of every run that
    exited 0 (or was stopped by SIGINT/SIGTERM), as for run()."""
    d = workdir(name)
    stats_path = os.path.join(d, "stats.json")
    if os.path.exists(stats_path):
        os.unlink(stats_path)
    cmd = [BINARY] + eal_args(name, vdevs, lcores, mem) + ["--", "--stats-json", stats_path]
    cmd += list(app_args)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    register(name, stats_path, p, **kw_invariants)
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


class _Run:
    def __init__(self, name, stats_path, proc=None, returncode=None, kw=None):
        self.name, self.stats_path, self.proc = name, stats_path, proc
        self.returncode, self.kw = returncode, kw or {}


_RUNS = []


def register(name, stats_path, proc, **kw_invariants):
    """A fastpath started outside start() (e.g. in a namespace): its stats
    file is checked when the test ends, like every other run's."""
    _RUNS.append(_Run(name, stats_path, proc=proc, kw=kw_invariants))


def audit_runs(test):
    """The harness's own check of every run the test made: a run that
    exited 0, or that SIGINT/SIGTERM stopped, must have written its stats
    file, and the file must keep the conservation law with every mbuf back.
    A run left running is killed and fails. Runs that failed on purpose
    (bad input, SIGKILL) are the test's business. Returns 0 or 1."""
    c = Checker("%s (harness: every run's final counters)" % test)
    for r in _RUNS:
        rc = r.returncode
        if r.proc is not None:
            rc = r.proc.poll()
            if rc is None:
                r.proc.kill()
                r.proc.wait()
                c.true("run %s was left running by the test" % r.name, False)
                continue
        if rc not in (0, -signal.SIGINT, -signal.SIGTERM):
            continue
        stats = None
        if os.path.exists(r.stats_path):
            with open(r.stats_path) as f:
                try:
                    stats = json.load(f)
                except ValueError as e:
                    c.true("run %s: stats file is not JSON: %s" % (r.name, e), False)
                    continue
        sub = Checker(r.name)
        check_invariants(sub, stats, **r.kw)
        c.checks += sub.checks
        c.failures += ["run %s: %s" % (r.name, f) for f in sub.failures]
    del _RUNS[:]
    if not c.checks:
        return 0
    return c.done()


def in_ci():
    return os.environ.get("CI") == "true"


def skip(name, reason):
    """A test that cannot run here. Outside CI: status 77 (meson's skip)
    with the reason printed loudly. In CI (CI=true), which has root,
    hugepages and the shared corpus, a skip would hide a failure: status 1."""
    if in_ci():
        print("FAIL %s: would be skipped, and CI=true makes a skip a failure: %s" % (name, reason))
        return 1
    print("SKIP %s: %s" % (name, reason))
    return SKIP


SKIP = 77


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
    if any(key not in stats for key in ("softnet_stat", "queues", "ports", "mempools")):
        return
    # Two-sided: a frame without a fate shows as a shortfall, a fate
    # counted twice as an excess. The port's ipackets is the PMD's count,
    # independent of fastpath's; the rest are fastpath's own counters,
    # checked against each other from different sources (queues, ports,
    # drop reasons, softnet).
    for pid, p in stats["ports"].items():
        qs = {k: q for k, q in stats["queues"].items() if k.split("_")[0] == pid}
        procd = sum(q["packets"] for q in qs.values())
        if port_counts_every_queue:
            c.eq("port %s ipackets (PMD) == sum of its queues' packets" % pid, p["ipackets"], procd)
            c.eq("port %s processed == ipackets (PMD)" % pid, p["processed"], p["ipackets"])
        c.eq("port %s processed == sum of its queues' packets" % pid, p["processed"], procd)
        c.eq("port %s held at exit" % pid, p.get("held"), 0)
        c.eq("port %s processed == delivered + dropped + responded + to_kernel + held" % pid,
             p["processed"], p["delivered"] + p["dropped"] + p["responded"] + p["to_kernel"] +
             p.get("held", 0))
        for field, qfield in (("delivered", "delivered"), ("dropped", "app_drops"),
                              ("responded", "responded"), ("to_kernel", "to_kernel"),
                              ("from_kernel", "from_kernel"),
                              ("from_kernel_dropped", "from_kernel_dropped")):
            c.eq("port %s %s == sum of its queues' %s" % (pid, field, qfield), p[field],
                 sum(q[qfield] for q in qs.values()))
        for k, q in sorted(qs.items()):
            c.eq("queue %s packets == delivered + app_drops + responded + to_kernel" % k,
                 q["packets"], q["delivered"] + q["app_drops"] + q["responded"] + q["to_kernel"])
        c.eq("port %s unaccounted" % pid, p["unaccounted"], 0)
    if "drops" in stats:
        # the received frames' drops, and the exception path's frames from
        # the kernel that a full tx ring dropped (FULL_RING)
        c.eq("sum of drop reasons == sum of the ports' dropped + from_kernel_dropped",
             sum(stats["drops"].values()),
             sum(p["dropped"] + p["from_kernel_dropped"] for p in stats["ports"].values()))
    total_q = sum(q["packets"] for q in stats["queues"].values())
    total_sn = sum(s["processed"] for s in stats["softnet_stat"].values())
    c.eq("sum softnet processed == sum queue packets", total_sn, total_q)
    c.eq("sum softnet dropped == sum queue dropped",
         sum(s["dropped"] for s in stats["softnet_stat"].values()),
         sum(q["dropped"] for q in stats["queues"].values()))
    # mbufs outside the pool at exit: only those a ring consumer that
    # outlived fastpath's wait held, as fastpath reported them (a dead
    # consumer's were given back: orphaned)
    outside = sum(u.get("consumer_held", 0) + (u.get("rx_queue", 0)
                  if u.get("consumer_pid", 0) != 0 else 0)
                  for u in stats.get("udp", {}).values())
    if outside == 0:
        for name, mp in stats["mempools"].items():
            c.eq("mempool %s in_use after close" % name, mp["in_use"], 0)
    else:
        c.eq("mempools' in_use after close == what ring consumers kept (reported)",
             sum(mp["in_use"] for mp in stats["mempools"].values()), outside)


def main(tests):
    """Run the test named by argv[1] (or all); exit 0, 1, or 77 when every
    test named skipped. After each test the harness audits every fastpath
    run it made (audit_runs)."""
    names = sys.argv[1:] or list(tests)
    rc, skipped = 0, 0
    for n in names:
        if n not in tests:
            print("no test %r; have %s" % (n, ", ".join(sorted(tests))))
            sys.exit(2)
        r = tests[n]()
        r = r if r is not None else 0
        if r == SKIP:
            skipped += 1
        elif r:
            rc = 1
        rc |= audit_runs(n)
    if rc == 0 and skipped == len(names):
        sys.exit(SKIP)
    sys.exit(rc)
