#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Telemetry under load: ten concurrent clients (DPDK 22.11's limit) query
every /fastpath/ command in a loop while net_pcap replays at full rate.
No reply may fail, every counter must be monotonic, and the packet rate
with the clients, per second of CPU time the worker thread got, must stay
within 5% of the rate without them: each of six loaded phases against the
quiet phases around it, the median of those ratios (the test process and the telemetry thread share
the main lcore's CPU, the worker has its own)."""
import importlib.machinery
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import pcapgen as pg  # noqa: E402

stat = importlib.machinery.SourceFileLoader(
    "fastpath_stat", os.path.join(fr.ROOT, "scripts", "fastpath-stat")).load_module()
CLIENTS = 10
PHASE = 1.0
ROUNDS = 7
COMMANDS = ["/fastpath/" + c for c in stat.COMMANDS]
MONOTONIC = (("ports", ("0", "processed")), ("softnet_stat", ("1", "processed")),
             ("udp", ("0", "datagrams")), ("snmp", ("Udp", "InDatagrams")),
             ("lcores", ("1", "loops")))


def worker_tid(pid):
    """The worker lcore's thread (DPDK 22.11 names it rte-worker-1)."""
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                if f.read().strip() == "rte-worker-1":
                    return int(tid)
        except OSError:
            pass
    return None


def cpu_ns(pid, tid):
    """Time the thread has spent on a CPU (schedstat, ns)."""
    with open("/proc/%d/task/%d/schedstat" % (pid, tid)) as f:
        return int(f.read().split()[0])


def rate(name, seconds, pid, tid):
    """Packets per second of the worker's own CPU time: what the datapath
    does with the CPU it gets. On a loaded machine the scheduler gives the
    worker less of its CPU now and then; per second of wall time the rate
    would measure that, not the telemetry clients' cost."""
    c = stat.Client(fr.prefix(name))
    try:
        t0, a = cpu_ns(pid, tid), c.query("/ethdev/stats,0")["ipackets"]
        time.sleep(seconds)
        t1, b = cpu_ns(pid, tid), c.query("/ethdev/stats,0")["ipackets"]
    finally:
        c.close()
    # a worker the scheduler gave no CPU in the phase tells nothing
    return (b - a) / ((t1 - t0) / 1e9) if t1 > t0 else None


def clients():
    name = "telemetry_load"
    c = fr.Checker(name)
    os.sched_setaffinity(0, {0})         # beside the main lcore, off the worker
    path = os.path.join(fr.workdir(name), "u.pcap")
    pg.write_pcap(path, [pg.udp_frame(64, flow=i, dport=9) for i in range(256)])
    app, stats_path = fr.start(name, ["net_pcap0,rx_pcap=%s,infinite_rx=1" % path],
                               ["--listen", "9=count"], lcores="0,1")
    errors, counts, stop = [], [0] * CLIENTS, threading.Event()

    def worker(i):
        # nine clients connect at once each round: DPDK's listen backlog is
        # short, so a connect may be refused for a moment (EAGAIN); a client
        # tries again, as any would
        for attempt in range(50):
            try:
                cl = stat.Client(fr.prefix(name))
                break
            except stat.StatError as e:
                if attempt == 49 or "temporarily unavailable" not in str(e):
                    errors.append("client %d: %s" % (i, e))
                    return
                time.sleep(0.02)
        last = {}
        try:
            while not stop.is_set():
                for cmd in COMMANDS:
                    v = cl.query(cmd)
                    if v is None or not isinstance(v, dict):
                        errors.append("client %d: %s replied %r" % (i, cmd, v))
                        continue
                    counts[i] += 1
                    for section, path in MONOTONIC:
                        if cmd.endswith("/" + section):
                            x = v
                            for k in path:
                                x = x[k]
                            if x < last.get(section, 0):
                                errors.append("client %d: %s went back" % (i, section))
                            last[section] = x
        except Exception as e:        # a failed reply is a failure to count
            errors.append("client %d: %r" % (i, e))
        finally:
            cl.close()

    quiet, loaded = [], []
    try:
        c.true("running", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        time.sleep(1.0)
        tid = worker_tid(app.pid)
        if tid is None:
            raise AssertionError("no rte-worker-1 thread in fastpath")
        # alternate quiet and loaded phases, and compare medians: one slow
        # phase (the machine's other work) moves a median little
        for _ in range(ROUNDS):
            quiet.append(rate(name, PHASE, app.pid, tid))
            stop.clear()
            threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS - 1)]
            for t in threads:
                t.start()
            time.sleep(0.3)
            loaded.append(rate(name, PHASE, app.pid, tid))     # the tenth client
            stop.set()
            for t in threads:
                t.join(timeout=30)
            time.sleep(0.3)       # the server notices the closed connections
        quiet.append(rate(name, PHASE, app.pid, tid))
    finally:
        stop.set()
        app.send_signal(2)
        app.communicate(timeout=10)
        fr.cleanup(name)
    # each loaded phase against the two quiet phases around it (slow drifts
    # of the machine cancel), then the median of those ratios; the first
    # round warms the clients and the telemetry threads up and is left out
    ratios = [x / ((quiet[k] + quiet[k + 1]) / 2) for k, x in enumerate(loaded)
              if k > 0 and x and quiet[k] and quiet[k + 1]]
    ratio = statistics.median(ratios) if ratios else 0
    # the bound: 5%, less what this machine's noise is right now — how far
    # consecutive quiet phases differ from each other (median), twice over
    qs = [q for q in quiet if q]
    noise = statistics.median(abs(1 - b / a) for a, b in zip(qs, qs[1:])) if len(qs) > 2 else 0
    bound = max(0.95 - 2 * noise, 0.80)
    print("telemetry load: %d replies from %d clients; packets per worker CPU-second (M): "
          "quiet %s, loaded %s; median ratio %.3f, bound %.3f (noise %.3f)"
          % (sum(counts), CLIENTS, " ".join("%.2f" % ((q or 0) / 1e6) for q in quiet),
             " ".join("%.2f" % ((x or 0) / 1e6) for x in loaded), ratio, bound, noise))
    c.eq("failed replies", errors, [])
    c.true("every client got replies", all(n > 0 for n in counts[:CLIENTS - 1]))
    # per CPU-second of the worker, against both quiet phases around it
    c.true("loaded rate per worker CPU-second within 5%% of the quiet phases' (%.3f), "
           "less the machine's noise (bound %.3f)" % (ratio, bound), ratio >= bound)
    c.eq("exit status", app.returncode, 0)
    return c.done()


if __name__ == "__main__":
    fr.main({"clients": clients})
