#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Ring listeners and their consumers (fastpath-recv, a DPDK secondary
on libfastpath-recv), against a running fastpath with hugepages:

ring_deliver: N datagrams with distinct payloads replayed once; the
consumer gets every payload exactly once, byte for byte; RcvbufErrors 0
with a ring large enough; a second consumer is refused while the first
is attached.
ring_full: a ring of 64 and no consumer while N arrive: 64 wait, N - 64
are RcvbufErrors (and the listener's drops, SOCKET_RCVBUFF); then a
consumer takes the 64: consumed + RcvbufErrors = N exactly, while a count
listener beside it took all of its own.
ring_backpressure: under load (infinite_rx) a consumer stopped with
SIGSTOP lets its ring fill and RcvbufErrors rise while the other listener
keeps counting; SIGCONT and delivery resumes.
ring_consumer_killed: a consumer SIGKILLed mid-stream: fastpath keeps
receiving, telemetry says the consumer died and how many datagrams it
held, fastpath takes their mbufs back: at exit the mempool misses none.
ring_release_order: a consumer releasing out of order, keeping one.
ring_consumer_stopped: fastpath stops under a stopped consumer.
ring_prefix_held: a stopped consumer of a killed fastpath is named to the
next fastpath with that prefix.
ring_bad_input: --no-huge, bad sizes and names, a name twice: one line,
exit status 2.

Skips (77) only where no hugepages can be reserved; CI reserves them."""
import json
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

RECV = os.path.join(os.environ.get("FP_BUILD_DIR", os.path.join(fr.ROOT, "build")),
                    "client", "fastpath-recv")
# A consumer never runs rte_eal_cleanup() (in DPDK 22.11 a secondary's
# would remove the primary's devices), so what the vdev probes of its EAL
# opened (net_pcap's libpcap handles) stays open: LeakSanitizer would make
# that status 1 in the sanitizer build
CONSUMER_ENV = dict(os.environ, ASAN_OPTIONS=(os.environ.get("ASAN_OPTIONS", "") +
                                              ":detect_leaks=0").lstrip(":"))


def with_hugepages(test):
    """A ring test, named ring_<function>: it gets its name and a
    Checker, or is skipped where no hugepages are free (never in CI)."""
    def run():
        name = "ring_" + test.__name__
        if fr.hugepages_free_mb() < 512:
            return fr.skip(name, "needs 512 MiB of free hugepages "
                           "(scripts/setup-host.sh hugepages N)")
        return test(name, fr.Checker(name))
    return run


class Primary:
    """fastpath with hugepages (secondaries map its memory; the pcap in a
    short directory: DPDK 22.11 secondaries fail to attach to a vdev with
    a long argument string)."""

    def __init__(self, name, frames, listen, infinite=False, queues=None, lcores=None):
        """frames: one rx queue's; or queues: a list of frames per rx
        queue, with lcores the EAL's --lcores for them."""
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="fpr")
        self.stats_path = os.path.join(fr.workdir(name), "stats.json")
        if os.path.exists(self.stats_path):
            os.unlink(self.stats_path)
        vdev = "net_pcap0"
        for q, qframes in enumerate(queues or [frames]):
            pcap = os.path.join(self.dir, "u%d.pcap" % q)
            pg.write_pcap(pcap, qframes)
            vdev += ",rx_pcap=" + pcap
        vdev += ",infinite_rx=1" if infinite else ""
        args = []
        for l in listen:
            args += ["--listen", l]
        lc = ["--lcores", lcores] if lcores else ["-l", "0,1"]
        cmd = [fr.BINARY, "--no-pci"] + lc + ["-m", "256", "--file-prefix",
               fr.prefix(name), "--base-virtaddr", "0x200000000000",
               "--log-level", "lib.eal:warning", "--vdev", vdev, "--"] + args + \
            ["--stats-json", self.stats_path]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        fr.register(name, self.stats_path, self.proc)

    def up(self):
        return fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(self.name)), 30) and \
            fr.wait_for(lambda: self.udp() is not None, 30, 0.1)

    def udp(self):
        try:
            return fr.telemetry(self.name, "/fastpath/udp")["/fastpath/udp"]
        except (AssertionError, OSError, ValueError):
            return None

    def processed(self):
        return fr.telemetry(self.name, "/fastpath/ports")["/fastpath/ports"]["0"]["processed"]

    def recv(self, *args, **kw):
        return subprocess.Popen([RECV, "-f", fr.prefix(self.name)] + list(args),
                                stdout=kw.get("stdout", subprocess.PIPE),
                                stderr=subprocess.PIPE, env=CONSUMER_ENV)

    def receiving(self, c, ring, more_than, *args):
        """A consumer of ring (fastpath-recv -q ARGS, output dropped),
        checked to take more than more_than datagrams."""
        r = self.recv("-q", *(list(args) + [ring]), stdout=subprocess.DEVNULL)
        c.true("consumer receiving", fr.wait_for(
            lambda: self.udp()["0"]["consumer_dequeued"] > more_than, 20, 0.05))
        return r

    def stop(self, kill=None):
        """Stop fastpath (a consumer process kill, if any, is killed
        first); its exit status, final stats and stderr."""
        if kill is not None:
            kill.kill()
            kill.communicate()
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        for f in os.listdir("/dev/hugepages"):
            if f.startswith(fr.prefix(self.name)):
                os.unlink(os.path.join("/dev/hugepages", f))
        fr.cleanup(self.name)
        shutil.rmtree(self.dir, ignore_errors=True)
        stats = json.load(open(self.stats_path)) if os.path.exists(self.stats_path) else None
        return self.proc.returncode, stats, err


def read_len_prefixed(data):
    out, off = [], 0
    while off + 4 <= len(data):
        n = struct.unpack("!I", data[off:off + 4])[0]
        out.append(data[off + 4:off + 4 + n])
        off += 4 + n
    return out, off == len(data)


def payload(i):
    return b"ring-%06d-" % i + bytes((i * 7 + k) & 0xff for k in range(i % 40))


US, PEER = "02:70:63:61:70:00", "02:00:00:00:00:02"     # net_pcap port 0's MAC


def frame(i, dport=9):
    return pg.pad60(pg.eth(US, PEER, 0x0800,
                           pg.udp4("10.0.%d.%d" % (i % 7, 1 + i % 200), "10.1.0.1",
                                   1000 + i % 13, dport, payload(i))))


def frame6(i, dport=9):
    return pg.eth("02:70:63:61:70:00", "02:00:00:00:00:02", 0x86DD,
                  pg.udp6("2001:db8::%x" % (i % 250 + 2), "2001:db8::1", 2000 + i, dport,
                          payload(i)))


@with_hugepages
def deliver(name, c):
    n, nf = 3000, 20
    # and datagrams fastpath reassembles (several mbufs: seg_len < len),
    # IPv4 and IPv6, of 3000 bytes and more
    big = [payload(i) + bytes((i + k) & 0xff for k in range(3000 + i)) for i in range(2 * nf)]
    frags = []
    for i in range(nf):
        frags += [pg.eth(US, PEER, 0x0800, f) for f in
                  pg.fragment4("10.0.0.2", "10.1.0.1", 7000 + i, 9, big[i], 1480, 100 + i)]
        frags += [pg.eth(US, PEER, 0x86DD, f) for f in
                  pg.fragment6("2001:db8::2", "2001:db8::1", 7000 + i, 9, big[nf + i], 1448,
                               200 + i)]
    sent = [payload(i) for i in range(n)] + big
    n += 2 * nf
    p = Primary(name, [frame(i) for i in range(n - 2 * nf)] + frags,
                ["9=ring,name=feed,size=4096"])
    try:
        c.true("fastpath up", p.up())
        r = p.recv("-n", str(n), "-q", "-o", "len", "feed")
        time.sleep(0.5)
        second = subprocess.run([RECV, "-f", fr.prefix(name), "-n", "1", "feed"],
                                capture_output=True, text=True, timeout=60, env=CONSUMER_ENV)
        c.eq("a second consumer: status", second.returncode, 2)
        c.true("... one line saying why: %r" % second.stderr,
               "has a consumer already" in second.stderr and
               len(second.stderr.strip().splitlines()) == 1)
        other = subprocess.run([RECV, "-f", fr.prefix(name), "-n", "1", "feeds"],
                               capture_output=True, text=True, timeout=60, env=CONSUMER_ENV)
        c.true("a ring that does not exist: status 2, the rings there are: %r" %
               other.stderr[-200:], other.returncode == 2 and
               "no ring listener named feeds (its rings: feed)" in other.stderr)
        out, err = r.communicate(timeout=60)
        c.eq("consumer status: %s" % err.decode()[-200:], r.returncode, 0)
        got, whole = read_len_prefixed(out)
        c.true("the stream is whole length-prefixed records", whole)
        c.eq("datagrams received", len(got), n)
        c.eq("every payload exactly once, byte for byte", sorted(got), sorted(sent))
        u = p.udp()["0"]
        c.eq("nothing waits on the ring", u["rx_queue"], 0)
        c.eq("consumer detached", u["consumer_pid"], 0)
        c.eq("every mbuf given back", u["consumer_released"], n)
    finally:
        rc, stats, err = p.stop()
    c.eq("fastpath exit status", rc, 0)
    c.true("the banner names the ring: %s" % [l for l in err.splitlines() if "listener" in l],
           "9=ring,name=feed,size=4096" in err)
    if stats:
        c.eq("Udp RcvbufErrors", stats["snmp"]["Udp"]["RcvbufErrors"], 0)
        c.eq("listener datagrams", stats["udp"]["0"]["datagrams"], n)
    return c.done()


@with_hugepages
def two_lcores(name, c):
    # two lcores put on one ring (it is then multi-producer: no staging),
    # each from its own queue; the consumer gets every datagram once, and
    # each queue's in the order it arrived
    n = 2000
    q0 = [frame(i) for i in range(0, n, 2)]
    q1 = [frame(i) for i in range(1, n, 2)]
    p = Primary(name, None, ["9=ring,name=two,size=4096"], queues=[q0, q1],
                lcores="0@0,1@1,2@1")
    try:
        c.true("fastpath up", p.up())
        r = p.recv("-n", str(n), "-q", "-o", "len", "two")
        out, err = r.communicate(timeout=60)
        c.eq("consumer status: %s" % err.decode()[-200:], r.returncode, 0)
        got, whole = read_len_prefixed(out)
        c.true("the stream is whole length-prefixed records", whole)
        c.eq("every payload exactly once, byte for byte", sorted(got),
             sorted(payload(i) for i in range(n)))
        ids = [int(g[5:11]) for g in got]
        c.eq("queue 0's datagrams in their order", [i for i in ids if i % 2 == 0],
             list(range(0, n, 2)))
        c.eq("queue 1's datagrams in their order", [i for i in ids if i % 2 == 1],
             list(range(1, n, 2)))
        u = p.udp()["0"]
        c.eq("every mbuf given back", u["consumer_released"], n)
    finally:
        rc, stats, err = p.stop()
    c.eq("fastpath exit status: %s" % err[-300:], rc, 0)
    if stats:
        c.eq("Udp RcvbufErrors", stats["snmp"]["Udp"]["RcvbufErrors"], 0)
        c.eq("both lcores delivered", sorted(l["packets"] > 0 for l in
                                             stats["lcores"].values()), [True, True])
        c.eq("every mbuf back in the pool at exit",
             sum(m["in_use"] for m in stats["mempools"].values()), 0)
    return c.done()


@with_hugepages
def full(name, c):
    n, other, size, n6 = 1000, 300, 64, 100
    # 20 for the other listener first: the ring fills in the middle of a
    # burst of 32, after whole groups of eight taken
    frames = [frame(i, dport=10) for i in range(20)] + [frame(i) for i in range(n)] + \
        [frame(i, dport=10) for i in range(20, other)] + [frame6(i) for i in range(n6)]
    p = Primary(name, frames, ["9=ring,name=small,size=%d" % size, "10=count"])
    try:
        c.true("fastpath up", p.up())
        c.true("all frames processed",
               fr.wait_for(lambda: p.processed() == n + other + n6, 30, 0.1))
        u = p.udp()
        c.eq("the ring is full", u["0"]["rx_queue"], size)
        c.eq("the listener's drops", u["0"]["drops"], n + n6 - size)
        c.eq("the other listener took all of its own", u["1"]["datagrams"], other)
        st = subprocess.run([os.path.join(fr.ROOT, "scripts", "fastpath-stat"), "-f",
                             fr.prefix(name), "udp"], capture_output=True, text=True, timeout=60)
        row = [l.split() for l in st.stdout.splitlines() if l.strip().startswith("0:")]
        c.true("fastpath-stat udp: drops and rx_queue as /proc/net/udp: %r" % st.stdout,
               len(row) == 1 and row[0][2] == "ring" and int(row[0][5]) == n + n6 - size and
               int(row[0][6]) == size)
        r = p.recv("-n", str(size), "-q", "-o", "len", "small")
        out, err = r.communicate(timeout=60)
        got, _ = read_len_prefixed(out)
        c.eq("consumer status: %s" % err.decode()[-200:], r.returncode, 0)
        c.eq("the consumer got what waited", len(got), size)
        c.eq("... the first to arrive (one lcore: in order)",
             got, [payload(i) for i in range(size)])
    finally:
        rc, stats, err = p.stop()
    c.eq("fastpath exit status", rc, 0)
    if stats:
        sn = stats["snmp"]["Udp"]
        s6 = stats["snmp"]["Udp6"]
        c.eq("consumed + RcvbufErrors == N (IPv4)", size + sn["RcvbufErrors"], n)
        c.eq("InErrors counts them too", sn["InErrors"], n - size)
        c.eq("IPv6: Udp6 RcvbufErrors and InErrors", (s6["RcvbufErrors"], s6["InErrors"]),
             (n6, n6))
        c.eq("drop reason SOCKET_RCVBUFF", stats["drops"]["SOCKET_RCVBUFF"], n + n6 - size)
    return c.done()


@with_hugepages
def small_load(name, c):
    # a ring of 64 under a source that never pauses (every burst full,
    # so a pass never finds its queue drained): what the lcore gathers
    # must reach the consumer, and far more often than its housekeeping
    # runs (every 256 passes)
    p, r = under_load(name, c, "s", 64, "-p", "10000000")
    try:

        def sample():
            lc = fr.telemetry(name, "/fastpath/lcores")["/fastpath/lcores"]
            return p.udp()["0"]["consumer_dequeued"], sum(v["loops"] for v in lc.values())
        d0, l0 = sample()
        time.sleep(1.0)
        d1, l1 = sample()
        ticks = (l1 - l0) / 256.0
        c.true("more than 64 a housekeeping tick reach the consumer: %d datagrams, "
               "%.0f ticks" % (d1 - d0, ticks), d1 - d0 > 2 * 64 * ticks)
    finally:
        rc, stats, err = p.stop(kill=r)
    c.eq("fastpath exit status", rc, 0)
    if stats:
        u = stats["udp"]["0"]
        c.eq("the listener's drops are RcvbufErrors", stats["snmp"]["Udp"]["RcvbufErrors"],
             u["drops"])
    return c.done()


@with_hugepages
def backpressure(name, c):
    frames = [frame(i) for i in range(64)] + [frame(i, dport=10) for i in range(64)]
    # the docs' size: the pool is sized for full rings, so a stopped
    # consumer never starves the other listener
    p = Primary(name, frames, ["9=ring,name=bp,size=8192", "10=count"], infinite=True)
    r = None
    try:
        c.true("fastpath up", p.up())
        r = p.receiving(c, "bp", 10000)
        c.eq("consumer attached", p.udp()["0"]["consumer_pid"], r.pid)
        r.send_signal(signal.SIGSTOP)
        # (what it holds, if stopped inside a burst, counts against the ring)
        c.true("the ring fills", fr.wait_for(
            lambda: p.udp()["0"]["rx_queue"] + p.udp()["0"]["consumer_held"] == 8192, 20, 0.05))
        a = p.udp()
        time.sleep(0.5)
        b = p.udp()
        c.true("drops rise while it is stopped", b["0"]["drops"] > a["0"]["drops"])
        c.eq("it takes nothing", b["0"]["consumer_dequeued"], a["0"]["consumer_dequeued"])
        c.true("the other listener keeps counting", b["1"]["datagrams"] > a["1"]["datagrams"])
        r.send_signal(signal.SIGCONT)
        c.true("delivery resumes", fr.wait_for(
            lambda: p.udp()["0"]["consumer_dequeued"] > b["0"]["consumer_dequeued"] + 10000,
            20, 0.05))
    finally:
        # fastpath stops under the attached consumer: the consumer is told,
        # detaches and ends by itself, and fastpath exits cleanly
        rc, stats, err = p.stop()
        if r is not None:
            try:
                _, rerr = r.communicate(timeout=10)
                c.eq("the consumer ends when fastpath stops: %s" % rerr.decode()[-200:],
                     (r.returncode, "fastpath is stopping" in rerr.decode()), (0, True))
            except subprocess.TimeoutExpired:
                r.kill()
                r.communicate()
                c.true("the consumer ends when fastpath stops", False)
    c.eq("fastpath exit status", rc, 0)
    if r is not None:
        c.true("the consumer's attach and detach are logged: %s" %
               [l for l in err.splitlines() if "consumer pid" in l],
               "ring bp: consumer pid %d attached" % r.pid in err and
               "ring bp: consumer pid %d detached" % r.pid in err)
    if stats:
        u = stats["udp"]["0"]
        c.eq("the listener's drops are RcvbufErrors", stats["snmp"]["Udp"]["RcvbufErrors"],
             u["drops"])
    return c.done()


@with_hugepages
def consumer_stopped(name, c):
    """fastpath stops while its consumer is stopped (SIGSTOP): it waits
    2 s, says so, leaves the consumer its ring and exits cleanly; what
    waits and what the consumer holds are the only mbufs missing from the
    pool. Resumed, the consumer ends by itself."""
    p, r = under_load(name, c, "s")
    try:
        r.send_signal(signal.SIGSTOP)
        c.true("the ring fills", fr.wait_for(
            lambda: p.udp()["0"]["rx_queue"] + p.udp()["0"]["consumer_held"] == 1024, 20, 0.05))
    finally:
        rc, stats, err = p.stop()
    c.eq("fastpath exit status", rc, 0)
    c.true("it said the consumer did not detach: %s" % err[-300:],
           "did not detach within 2 s" in err)
    if stats and r is not None:
        u = stats["udp"]["0"]
        c.eq("the final counters show the consumer attached", u["consumer_pid"], r.pid)
        c.eq("the mempool misses what waits and what it holds, the ring's size",
             (sum(m["in_use"] for m in stats["mempools"].values()),
              u["rx_queue"] + u["consumer_held"]), (1024, 1024))
    if r is not None:
        r.send_signal(signal.SIGCONT)
        try:
            _, rerr = r.communicate(timeout=10)
            c.eq("resumed, the consumer ends: %s" % rerr.decode()[-200:], r.returncode, 0)
        except subprocess.TimeoutExpired:
            r.kill()
            r.communicate()
            c.true("resumed, the consumer ends", False)
    return c.done()


@with_hugepages
def consumer_killed(name, c):
    p = Primary(name, [frame(i) for i in range(64)], ["9=ring,name=k,size=1024"],
                infinite=True)
    r = None
    try:
        c.true("fastpath up", p.up())
        # payloads to a pipe nobody reads: once it is full the consumer
        # blocks in write() holding a burst of datagrams; kill it there
        r = p.recv("-q", "-o", "len", "k")
        c.true("consumer stuck holding datagrams", fr.wait_for(
            lambda: p.udp()["0"]["consumer_held"] > 0 and
            p.udp()["0"]["rx_queue"] + p.udp()["0"]["consumer_held"] == 1024,
            20, 0.05))
        r.kill()
        r.communicate()
        r = None
        c.true("telemetry: the consumer is gone", fr.wait_for(
            lambda: p.udp()["0"]["consumer_pid"] == 0, 10, 0.05))
        u = p.udp()["0"]
        c.eq("... counted as a death", u["consumer_deaths"], 1)
        c.true("... it held some (%d)" % u["orphaned"], u["orphaned"] > 0)
        c.eq("... what it held is given back (orphaned), exactly the difference",
             u["orphaned"], u["consumer_dequeued"] - u["consumer_released"])
        c.eq("... and nobody holds anything now", u["consumer_held"], 0)
        before = p.processed()
        time.sleep(0.3)
        c.true("fastpath keeps receiving", p.processed() > before)
        again = p.recv("-q", "-n", "1000", "k", stdout=subprocess.DEVNULL)
        _, err = again.communicate(timeout=60)
        c.eq("a new consumer attaches after the death: %s" % err.decode()[-200:],
             again.returncode, 0)
    finally:
        rc, stats, err = p.stop(kill=r)
    c.eq("fastpath exit status", rc, 0)
    if stats:
        c.eq("at exit no mbuf is missing: the dead consumer's were given back",
             sum(m["in_use"] for m in stats["mempools"].values()), 0)
        c.true("and its death was logged: %s" % err[-300:],
               re.search(r"died holding [1-9][0-9]* datagram", err) is not None)
    return c.done()


def under_load(name, c, ring, size=1024, *args):
    """fastpath replaying 64 datagrams in a loop to a ring named ring of
    size slots, and a consumer (fastpath-recv -q ARGS) checked to
    receive."""
    p = Primary(name, [frame(i) for i in range(64)],
                ["9=ring,name=%s,size=%d" % (ring, size)], infinite=True)
    c.true("fastpath up", p.up())
    return p, p.receiving(c, ring, 1000, *args)


@with_hugepages
def primary_killed(name, c):
    # fastpath killed under its consumer: the consumer notices and ends
    # (status 1, saying so); a consumer started afterwards is told that
    # fastpath is not running
    p, r = under_load(name, c, "g")
    try:
        p.proc.kill()
        p.proc.wait()
        try:
            _, rerr = r.communicate(timeout=10)
            c.eq("the consumer ends by itself, status 1: %s" % rerr.decode()[-200:],
                 (r.returncode, "fastpath is gone" in rerr.decode()), (1, True))
        except subprocess.TimeoutExpired:
            c.true("the consumer ends by itself", False)
        r = None
        late = subprocess.run([RECV, "-f", fr.prefix(name), "-t", "1", "g"],
                              capture_output=True, text=True, timeout=60, env=CONSUMER_ENV)
        c.eq("a consumer afterwards: status 2", late.returncode, 2)
        c.true("... saying fastpath is not running: %r" % late.stderr[-200:],
               "is not running" in late.stderr)
    finally:
        p.stop(kill=r)
    return c.done()


@with_hugepages
def prefix_held(name, c):
    """fastpath killed while its consumer is stopped: the consumer still
    maps its memory, and a fastpath started again with that prefix says
    which process to end (its one line, status 1) — with --file-prefix as
    the last EAL option, as the docs write it."""
    p, r = under_load(name, c, "h")
    try:
        r.send_signal(signal.SIGSTOP)
        p.proc.kill()
        p.proc.wait()
        again = subprocess.run([fr.BINARY, "--no-pci", "-l", "0,1", "-m", "256",
                                "--log-level", "lib.eal:warning", "--vdev", "net_null0",
                                "--file-prefix", fr.prefix(name), "--",
                                "--listen", "9=ring,name=h"],
                               capture_output=True, text=True, timeout=60)
        lines = [l for l in again.stderr.splitlines() if l.startswith("fastpath:")]
        c.eq("a new fastpath with the prefix: status", again.returncode, 1)
        c.true("... one line naming the consumer (pid %d): %r" % (r.pid, lines),
               len(lines) == 1 and "process %d still maps the memory" % r.pid in lines[0])
        r.send_signal(signal.SIGCONT)
        _, rerr = r.communicate(timeout=10)
        c.eq("resumed, the consumer ends by itself, status 1", r.returncode, 1)
        r = None
    finally:
        p.stop(kill=r)
    return c.done()


@with_hugepages
def pid_namespace(name, c):
    """A consumer in its own pid namespace (a container): its pid means
    nothing to fastpath, whose liveness check is the consumer's lock, so
    it is never taken for dead while it lives (and a second consumer is
    refused); killed, its death is seen and a new consumer attaches."""
    if shutil.which("unshare") is None:
        return fr.skip(name, "needs unshare (util-linux)")
    p = Primary(name, [frame(i) for i in range(64)], ["9=ring,name=ns,size=1024"],
                infinite=True)
    r = None
    try:
        c.true("fastpath up", p.up())
        r = subprocess.Popen(["unshare", "--pid", "--fork", "--kill-child", RECV, "-q", "-f",
                              fr.prefix(name), "ns"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=CONSUMER_ENV)
        c.true("consumer attached", fr.wait_for(lambda: p.udp()["0"]["consumer_pid"] != 0,
                                                20, 0.05))
        time.sleep(2.5)            # fastpath looks for dead consumers once a second
        u = p.udp()["0"]
        c.eq("alive: not taken for dead", u["consumer_deaths"], 0)
        a = u["consumer_dequeued"]
        time.sleep(0.3)
        c.true("still receiving", p.udp()["0"]["consumer_dequeued"] > a)
        second = subprocess.run([RECV, "-f", fr.prefix(name), "-n", "1", "ns"],
                                capture_output=True, text=True, timeout=60, env=CONSUMER_ENV)
        c.true("a second consumer refused: %r" % second.stderr,
               second.returncode == 2 and "has a consumer already" in second.stderr)
        r.kill()
        r.communicate()
        r = None
        c.true("its death is seen", fr.wait_for(lambda: p.udp()["0"]["consumer_deaths"] == 1,
                                                10, 0.1))
        again = subprocess.run([RECV, "-f", fr.prefix(name), "-q", "-n", "1000", "ns"],
                               capture_output=True, text=True, timeout=60, env=CONSUMER_ENV)
        c.eq("a new consumer attaches: %s" % again.stderr[-200:], again.returncode, 0)
    finally:
        rc, stats, err = p.stop(kill=r)
    c.eq("fastpath exit status", rc, 0)
    return c.done()


CONSUMER = r'''
#include <stdio.h>
#include <stdlib.h>
#include <fastpath/recv.h>
int main(int argc, char **argv)
{
	char err[256];
	struct fp_recv *r = fp_recv_open(argv[1], "ext", err, sizeof(err));
	unsigned long want = strtoul(argv[2], NULL, 10), got = 0, bytes = 0;
	unsigned long sports = 0, dports = 0, v6 = 0, srcs = 0;
	struct fp_dgram d[32];
	if (r == NULL) { fprintf(stderr, "%s\n", err); return 2; }
	while (got < want) {
		unsigned int n = fp_recv_burst(r, d, 32);
		for (unsigned int i = 0; i < n; i++) {
			bytes += d[i].len;
			sports += d[i].sport;
			dports += d[i].dport;
			v6 += d[i].family == 6;
			srcs += d[i].src[d[i].family == 4 ? 3 : 15];
		}
		fp_recv_release(r, d, n);
		got += n;
	}
	printf("%lu %lu %lu %lu %lu %lu\n", got, bytes, sports, dports, v6, srcs);
	fp_recv_close(r);
	return 0;
}
'''


def cc_uninstalled(src, exe, extra=()):
    """cc src against the build tree's uninstalled fastpath-recv package:
    its pkg-config flags, and cc's result."""
    build = os.environ.get("FP_BUILD_DIR", os.path.join(fr.ROOT, "build"))
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(build, "meson-uninstalled"))
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "fastpath-recv"],
                           capture_output=True, text=True, env=env).stdout
    return flags.strip(), subprocess.run(["cc", "-std=c11"] + list(extra) + ["-o", exe, src] +
                                         flags.split(), capture_output=True, text=True)


def library_env(libdir):
    """The environment to run a consumer linked with libfastpath-recv from
    libdir: the sanitizer build's library needs its runtime loaded first
    (a user's program built without it gets it preloaded)."""
    env = dict(CONSUMER_ENV, LD_LIBRARY_PATH=libdir)
    deps = subprocess.run(["ldd", os.path.join(libdir, "libfastpath-recv.so")],
                          capture_output=True, text=True).stdout
    asan = re.search(r"(\S*libasan\.so\S*) => (\S+)", deps)
    if asan:
        env["LD_PRELOAD"] = asan.group(2)
    return env


# Takes WANT datagrams of ring NAME keeping the first one taken and
# releasing the others newest first (out of order); prints "holding
# HELD", waits for a line, checks the kept payload is intact, releases it,
# prints "released HELD TAKEN HASH" (HASH: over the payloads in the order
# taken), waits for a line, detaches.
REORDER = r'''
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <fastpath/recv.h>
static uint64_t hash(uint64_t h, const struct fp_dgram *d)
{
	for (uint32_t j = 0; j < d->seg_len; j++)
		h = h * 31 + d->payload[j];
	return h;
}
int main(int argc, char **argv)
{
	char err[256], line[16];
	struct fp_recv *r = fp_recv_open(argv[1], argv[2], err, sizeof(err));
	unsigned long want = strtoul(argv[3], NULL, 10), got = 0;
	uint64_t h = 0, kept_hash = 0;
	struct fp_dgram kept, d[32];
	int have = 0;
	if (r == NULL || argc != 4) { fprintf(stderr, "%s\n", err); return 2; }
	while (got < want) {
		unsigned int n = fp_recv_burst(r, d, 32), i;
		for (i = 0; i < n; i++)
			h = hash(h, &d[i]);
		if (n != 0 && !have) {
			kept = d[0];
			kept_hash = hash(0, &kept);
			d[0].mbuf = NULL;           /* released already: skipped */
			have = 1;
		}
		for (i = n; i-- > 0; )
			fp_recv_release(r, &d[i], 1);
		got += n;
	}
	printf("holding %llu\n", fp_recv_held(r));
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL || hash(0, &kept) != kept_hash)
		return 3;
	fp_recv_release(r, &kept, 1);
	fp_recv_release(r, &kept, 1);           /* twice: a no-op */
	printf("released %llu %lu %llu\n", fp_recv_held(r), got, (unsigned long long)h);
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 3;
	fp_recv_close(r);
	return 0;
}
'''


@with_hugepages
def release_order(name, c):
    """A consumer that keeps its first datagram while it releases the
    others out of order: fastpath gets no mbuf back past the one kept
    (consumer_held counts them all) and every one once it is released;
    the payloads byte-exact, in order."""
    n = 400
    d = fr.workdir(name)
    src, exe = os.path.join(d, "reorder.c"), os.path.join(d, "reorder")
    open(src, "w").write(REORDER)
    flags, cc = cc_uninstalled(src, exe)
    c.eq("cc (%s): %s" % (flags, cc.stderr[-300:]), cc.returncode, 0)
    if cc.returncode != 0:
        return c.done()
    build = os.environ.get("FP_BUILD_DIR", os.path.join(fr.ROOT, "build"))
    p = Primary(name, [frame(i) for i in range(n)], ["9=ring,name=o,size=1024"])
    r = None
    try:
        c.true("fastpath up", p.up())
        r = subprocess.Popen([exe, fr.prefix(name), "o", str(n)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=library_env(os.path.join(build, "client")))
        c.eq("the consumer holds one datagram", r.stdout.readline().split(), ["holding", "1"])
        u = p.udp()["0"]
        c.eq("... and fastpath has none of the mbufs back: consumer_held",
             u["consumer_held"], n)
        c.eq("... consumer_released", u["consumer_released"], 0)
        r.stdin.write("go\n")
        r.stdin.flush()
        want = 0
        for i in range(n):
            for b in payload(i):
                want = (want * 31 + b) % (1 << 64)
        c.eq("released: none held, every datagram taken, payloads in order",
             r.stdout.readline().split(), ["released", "0", str(n), str(want)])
        u = p.udp()["0"]
        c.eq("fastpath has them all back: consumer_held", u["consumer_held"], 0)
        c.eq("... consumer_released", u["consumer_released"], n)
        r.stdin.write("go\n")
        r.stdin.flush()
        _, err = r.communicate(timeout=30)
        c.eq("consumer status: %s" % err[-200:], r.returncode, 0)
        r = None
    finally:
        rc, stats, err = p.stop(kill=r)
    c.eq("fastpath exit status", rc, 0)
    return c.done()


@with_hugepages
def out_of_tree(name, c):
    """A consumer built as a user would: meson install into a staging
    directory, cc with pkg-config's flags and libraries for
    fastpath-recv, run against fastpath."""
    stage = tempfile.mkdtemp(prefix="fprstage")
    p = None
    try:
        build = os.environ.get("FP_BUILD_DIR", os.path.join(fr.ROOT, "build"))
        inst = subprocess.run(["meson", "install", "-C", build, "--destdir", stage, "--quiet"],
                              capture_output=True, text=True, timeout=300)
        c.eq("meson install: %s" % inst.stderr[-300:], inst.returncode, 0)
        pcs = [os.path.join(dp, f) for dp, _, fs in os.walk(stage) for f in fs
               if f == "fastpath-recv.pc"]
        c.eq("one fastpath-recv.pc installed", len(pcs), 1)
        if len(pcs) != 1:
            return c.done()
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]),
                   PKG_CONFIG_SYSROOT_DIR=stage)
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "fastpath-recv"],
                               capture_output=True, text=True, env=env)
        c.eq("pkg-config --cflags --libs fastpath-recv: %s" % flags.stderr, flags.returncode, 0)
        d = fr.workdir(name)
        src, exe = os.path.join(d, "consumer.c"), os.path.join(d, "consumer")
        open(src, "w").write(CONSUMER)
        cc = subprocess.run(["cc", "-std=c11", "-o", exe, src] + flags.stdout.split(),
                            capture_output=True, text=True)
        c.eq("cc: %s" % cc.stderr[-400:], cc.returncode, 0)
        if cc.returncode != 0:
            return c.done()
        # and without installing, as the docs say: the uninstalled package
        unflags, uncc = cc_uninstalled(src, exe + "-uninstalled")
        c.eq("cc with the uninstalled fastpath-recv package (%s): %s" %
             (unflags, uncc.stderr[-300:]), uncc.returncode, 0)
        # docs/rings.md's example, as printed
        doc = re.search(r"```c\n(.*?)```", open(os.path.join(fr.ROOT, "docs", "rings.md")).read(),
                        re.S)
        dsrc = os.path.join(d, "docs_example.c")
        open(dsrc, "w").write(doc.group(1) if doc else "")
        _, dcc = cc_uninstalled(dsrc, dsrc[:-2], ["-Wall", "-Werror"])
        c.eq("docs/rings.md's example compiles: %s" % dcc.stderr[-300:], dcc.returncode, 0)
        libdir = os.path.dirname(next(os.path.join(dp, f) for dp, _, fs in os.walk(stage)
                                      for f in fs if f.startswith("libfastpath-recv.so")))
        n, n6 = 500, 100
        frames = [frame(i) for i in range(n)] + [frame6(i) for i in range(n6)]
        p = Primary(name, frames, ["9=ring,name=ext"])
        c.true("fastpath up", p.up())
        run = subprocess.run([exe, fr.prefix(name), str(n + n6)], capture_output=True,
                             text=True, timeout=60, env=library_env(libdir))
        c.eq("consumer status: %s" % run.stderr[-200:], run.returncode, 0)
        # what the views say, against what the frames hold
        want = [n + n6, sum(len(payload(i)) for i in range(n)) +
                sum(len(payload(i)) for i in range(n6)),
                sum(1000 + i % 13 for i in range(n)) + sum(2000 + i for i in range(n6)),
                9 * (n + n6), n6, sum(1 + i % 200 for i in range(n)) + sum(i % 250 + 2
                                                                          for i in range(n6))]
        c.eq("datagrams, payload bytes, sport and dport sums, IPv6 ones, source addresses",
             run.stdout.split(), [str(x) for x in want])
    finally:
        if p is not None:
            rc, stats, err = p.stop()
            c.eq("fastpath exit status", rc, 0)
        shutil.rmtree(stage, ignore_errors=True)
    return c.done()


def bad_input():
    name = "ring_bad_input"
    c = fr.Checker(name)
    d = fr.workdir(name)
    pcap = os.path.join(d, "one.pcap")
    pg.write_pcap(pcap, [pg.udp_frame()])
    cases = [
        ("--no-huge", ["9=ring,name=a"], "run without --no-huge"),
        ("size not a power of two", ["9=ring,name=a,size=100"], "power of two"),
        ("size too small", ["9=ring,name=a,size=32"], "power of two"),
        ("size too large", ["9=ring,name=a,size=2097152"], "power of two"),
        ("no name", ["9=ring"], "needs name=NAME"),
        ("bad name", ["9=ring,name=a/b"], "name= must be"),
        ("a name twice", ["9=ring,name=a", "10=ring,name=a"], "a ring named a exists"),
        ("unknown option", ["9=ring,name=a,depth=3"], "unknown ring option"),
        # consumers map fastpath's hugepage files
        ("--huge-unlink", ["9=ring,name=a"], "run without --huge-unlink"),
        ("--in-memory", ["9=ring,name=a"], "run without --in-memory"),
        ("lcore 127", ["9=ring,name=a"], "lcore 127 is the consumers'"),
    ]
    extra = {"--huge-unlink": ["--huge-unlink"], "--in-memory": ["--in-memory"],
             "lcore 127": ["--lcores", "0@0,127@0"]}
    # all --no-huge: the first is refused for it, the others before it
    for what, listen, text in cases:
        args = []
        for l in listen:
            args += ["--listen", l]
        lc = ["-l", "0"] if what != "lcore 127" else []
        cmd = [fr.BINARY, "--no-pci"] + lc + extra.get(what, []) + ["--file-prefix", fr.prefix(name),
               "--log-level", "lib.eal:warning", "--vdev", "net_pcap0,rx_pcap=" + pcap,
               "--no-huge", "-m", "256", "--", "--main-polls"] + args
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        fr.cleanup(name)
        lines = [l for l in p.stderr.splitlines() if l.startswith("fastpath:")]
        c.eq("%s: status (%s)" % (what, p.stderr.strip()[-200:]), p.returncode, 2)
        c.true("%s: one line saying %r: %r" % (what, text, lines),
               len(lines) == 1 and text in lines[0])
    for opt, val in (("-n", "abc"), ("-n", "0"), ("-t", "abc"), ("-t", "0"), ("-p", "x")):
        bad = subprocess.run([RECV, opt, val, "x"], capture_output=True, text=True,
                             timeout=60, env=CONSUMER_ENV)
        c.eq("fastpath-recv %s %s: status 2, one line: %r" % (opt, val, bad.stderr),
             (bad.returncode, len(bad.stderr.strip().splitlines()),
              bad.stderr.startswith("fastpath-recv: %s:" % opt)), (2, 1, True))
    nothing = subprocess.run([RECV, "-f", "fptest_no_such_prefix", "x"], capture_output=True,
                             text=True, timeout=60, env=CONSUMER_ENV)
    c.eq("fastpath-recv without a fastpath: status", nothing.returncode, 2)
    c.true("... one line: %r" % nothing.stderr, "cannot attach" in nothing.stderr)
    return c.done()


if __name__ == "__main__":
    fr.main({"deliver": deliver, "two_lcores": two_lcores, "full": full,
             "small_load": small_load, "primary_killed": primary_killed,
             "prefix_held": prefix_held, "backpressure": backpressure,
             "consumer_killed": consumer_killed, "consumer_stopped": consumer_stopped, "pid_namespace": pid_namespace,
             "out_of_tree": out_of_tree, "release_order": release_order,
             "bad_input": bad_input})
