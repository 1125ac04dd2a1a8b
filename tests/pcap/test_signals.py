#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Signals at full rate, and a restart after SIGKILL: SIGINT, SIGTERM and
SIGHUP end the run with status 0 within a second, the final counters written and
every mbuf back; after SIGKILL (nothing cleaned up: runtime directory,
telemetry socket, hugepage files) a new run with the same --file-prefix
starts and works."""
import glob
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import pcapgen as pg  # noqa: E402


def pcap(name):
    path = os.path.join(fr.workdir(name), "u.pcap")
    pg.write_pcap(path, [pg.udp_frame(64, flow=i, dport=9) for i in range(256)])
    return "net_pcap0,rx_pcap=%s,infinite_rx=1" % path


def stop_with(sig):
    name = "signal_%s" % sig.name.lower()
    c = fr.Checker(name)
    app, stats_path = fr.start(name, [pcap(name)], ["--listen", "9=count"])
    try:
        c.true("running", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        time.sleep(1.0)
        busy = fr.telemetry(name, "/fastpath/ports")["/fastpath/ports"]["0"]["processed"]
        c.true("at full rate (%d packets in)" % busy, busy > 1000000)
        t0 = time.monotonic()
        app.send_signal(sig)
        out, err = app.communicate(timeout=10)
        elapsed = time.monotonic() - t0
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
        fr.cleanup(name)
    c.eq("exit status", app.returncode, 0)
    c.true("stopped within 1 s (%.3f s)" % elapsed, elapsed < 1.0)
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    fr.check_invariants(c, stats)
    c.true("summary printed", "unaccounted" in out)
    return c.done()


def sigint():
    return stop_with(signal.SIGINT)


def sighup():
    """SIGHUP (the terminal went away) stops like SIGTERM: it used to kill
    the process, no counters written."""
    return stop_with(signal.SIGHUP)


def sigusr_ignored():
    """SIGUSR1 and SIGUSR2 are ignored (they used to kill the process, no
    counters written); SIGTERM then stops it cleanly."""
    name = "signal_usr"
    c = fr.Checker(name)
    app, stats_path = fr.start(name, [pcap(name)], ["--listen", "9=count"])
    try:
        c.true("running", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        for sig in (signal.SIGUSR1, signal.SIGUSR2):
            app.send_signal(sig)
            time.sleep(0.5)
            c.true("still running after %s" % sig.name, app.poll() is None)
        app.send_signal(signal.SIGTERM)
        out, err = app.communicate(timeout=10)
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
        fr.cleanup(name)
    c.eq("exit status", app.returncode, 0)
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    fr.check_invariants(c, stats)
    return c.done()


def stdout_closed():
    """fastpath ... | true: stdout is a pipe nobody reads. The summary's
    writes fail (EPIPE) instead of SIGPIPE killing the process (exit 141
    in a shell) after the JSON; the exit status is 0."""
    name = "signal_pipe"
    c = fr.Checker(name)
    d = fr.workdir(name)
    path, stats_path = os.path.join(d, "u.pcap"), os.path.join(d, "stats.json")
    pg.write_pcap(path, [pg.udp_frame(64, flow=i, dport=9) for i in range(50)])
    if os.path.exists(stats_path):
        os.unlink(stats_path)
    r, w = os.pipe()
    os.close(r)
    cmd = [fr.BINARY] + fr.eal_args(name, ["net_pcap0,rx_pcap=" + path]) + \
        ["--", "--idle-exit", "200", "--listen", "9=count", "--stats-json", stats_path]
    try:
        # subprocess gives the child the default SIGPIPE action, as a shell does
        p = subprocess.run(cmd, stdout=w, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(w)
        fr.cleanup(name)
    c.eq("exit status (negative: killed by that signal)", p.returncode, 0)
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    fr.check_invariants(c, stats)
    return c.done()


def sigterm():
    return stop_with(signal.SIGTERM)


def sigterm_cost_cycles():
    """--cost-cycles 10000000 --burst 32: every burst spins for 3.2e8 TSC
    cycles. The quit flag was read every 256 bursts, so SIGTERM took about
    30 s; it must now stop well within 5 s, counters written."""
    name = "signal_cost"
    c = fr.Checker(name)
    app, stats_path = fr.start(name, [pcap(name)], ["--listen", "9=count",
                                                    "--cost-cycles", "10000000", "--burst", "32"])
    elapsed = None
    try:
        c.true("running", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))

        def spinning():
            try:
                r = fr.telemetry(name, "/fastpath/ports")["/fastpath/ports"]
                return r["0"]["processed"] > 0
            except (AssertionError, OSError, ValueError, KeyError, TypeError):
                return False
        c.true("a burst went through", fr.wait_for(spinning, 20, 0.2))
        t0 = time.monotonic()
        app.send_signal(signal.SIGTERM)
        out, err = app.communicate(timeout=120)
        elapsed = time.monotonic() - t0
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
        fr.cleanup(name)
    c.eq("exit status", app.returncode, 0)
    c.true("stopped within 5 s (%s s)" % (elapsed and "%.2f" % elapsed), elapsed is not None and elapsed < 5.0)
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    fr.check_invariants(c, stats)
    return c.done()


def restart_after_sigkill():
    name = "restart"
    c = fr.Checker(name)
    vdev = pcap(name)
    hp = fr.hugepages_free_mb() >= 512
    # with hugepages and without --huge-unlink: a killed primary leaves its
    # hugepage files behind too
    mem = ["-m", "256"] if hp else ["--no-huge", "-m", "256"]
    cmd = [fr.BINARY, "--no-pci", "-l", "0,1", "--file-prefix", fr.prefix(name),
           "--log-level", "lib.eal:warning", "--vdev", vdev] + mem + \
          ["--", "--listen", "9=count", "--stats-json", os.path.join(fr.workdir(name), "s.json")]
    try:
        first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        c.true("first run up", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        time.sleep(0.5)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=10)
        c.true("runtime directory left behind",
               os.path.exists(os.path.join(fr.RUNTIME, fr.prefix(name))))
        if hp:
            c.true("hugepage files left behind",
                   glob.glob("/dev/hugepages/%smap_*" % fr.prefix(name)) != [])
        second = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def answering():
            try:
                r = fr.telemetry(name, "/fastpath/ports")["/fastpath/ports"]
                return r is not None and r["0"]["processed"] > 0
            except (AssertionError, OSError, ValueError, KeyError, TypeError):
                return False
        c.true("second run answers on the same prefix", fr.wait_for(answering, 20, 0.2))
        second.send_signal(signal.SIGTERM)
        out, err = second.communicate(timeout=10)
        c.eq("second run exit status (stderr: %s)" % err.strip()[-300:], second.returncode, 0)
        stats = json.load(open(os.path.join(fr.workdir(name), "s.json")))
        fr.check_invariants(c, stats)
    finally:
        for p in ("first", "second"):
            proc = locals().get(p)
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.communicate()
        for f in glob.glob("/dev/hugepages/%smap_*" % fr.prefix(name)):
            os.unlink(f)
        fr.cleanup(name)
    return c.done()


def sd_notify():
    """Under systemd (Type=notify) fastpath says READY=1 once its ports are
    up and its telemetry answers, and STOPPING=1 when SIGTERM stops it; a
    bad option sends nothing (systemd then sees the exit, not readiness)."""
    import socket
    import tempfile
    name = "sd_notify"
    c = fr.Checker(name)
    sdir = tempfile.mkdtemp(prefix="fp_notify_")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(os.path.join(sdir, "notify"))
    sock.settimeout(30)
    os.environ["NOTIFY_SOCKET"] = os.path.join(sdir, "notify")
    try:
        p, _ = fr.start(name, [pcap(name)], ["--listen", "9=count"])
        try:
            msg = sock.recv(4096).decode()
            c.eq("first message", msg, "READY=1")
            import telclient
            with telclient.Client(fr.telemetry_socket(name)) as cl:
                c.true("ready means telemetry answers", cl.query("/fastpath/ports") is not None)
            p.send_signal(signal.SIGTERM)
            c.eq("on SIGTERM", sock.recv(4096).decode(), "STOPPING=1")
        finally:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
            p.communicate(timeout=30)
            fr.cleanup(name)
        c.eq("exit status", p.returncode, 0)
        r = fr.run(name + "_bad", [], ["--burst", "0"])
        c.eq("bad option: status 2", r.rc, 2)
        sock.settimeout(0.5)
        try:
            got = sock.recv(4096).decode()
        except socket.timeout:
            got = None
        c.eq("bad option: no readiness sent", got, None)
    finally:
        del os.environ["NOTIFY_SOCKET"]
        sock.close()
        import shutil
        shutil.rmtree(sdir, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    fr.main({"sigint": sigint, "sigterm": sigterm, "restart_after_sigkill": restart_after_sigkill,
             "sigterm_cost_cycles": sigterm_cost_cycles, "sighup": sighup,
             "sigusr_ignored": sigusr_ignored, "stdout_closed": stdout_closed,
             "sd_notify": sd_notify})
