#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Bad input: one line on stderr naming the problem, exit status 2, and no
port started (no lcore launched, no summary printed)."""
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fastpath_run as fr  # noqa: E402
import pcapgen  # noqa: E402

# (label, app args, text the error line must contain, lcores, extra vdevs)
CASES = [
    ("burst not a number", ["--burst", "abc"], "--burst", "0,1"),
    ("burst zero", ["--burst", "0"], "--burst", "0,1"),
    ("burst too large", ["--burst", "513"], "1..512", "0,1"),
    ("rxd negative", ["--rxd", "-5"], "--rxd", "0,1"),
    ("txd trailing garbage", ["--txd", "64k"], "--txd", "0,1"),
    ("rxq zero", ["--rxq", "0"], "--rxq", "0,1"),
    ("more queues than the port has", ["--rxq", "5"], "port 0 has 1 rx queue(s)", "0,1"),
    ("queue map: unknown port", ["--queue-map", "(9,0,1)"], "port 9 is not in use", "0,1"),
    ("queue map: syntax", ["--queue-map", "(0,0)"], "--queue-map", "0,1"),
    ("queue map: lcore not enabled", ["--queue-map", "(0,0,5)"], "lcore 5 is not enabled", "0,1"),
    ("queue map: main lcore without --main-polls", ["--queue-map", "(0,0,0)"], "--main-polls", "0,1"),
    ("queue map: queue beyond the device", ["--queue-map", "(0,1,1)"], "has 1 rx queue(s)", "0,1"),
    ("queue map: with --rxq", ["--rxq", "1", "--queue-map", "(0,0,1)"], "--rxq", "0,1"),
    ("unknown option", ["--bogus"], "--bogus", "0,1"),
    ("missing value", ["--burst"], "--burst", "0,1"),
    ("stray argument", ["extra"], "extra", "0,1"),
    ("rss key", ["--rss-key", "asym"], "--rss-key", "0,1"),
    ("ports: missing port", ["--ports", "3"], "port 3 does not exist", "0,1"),
    ("ports: bad list", ["--ports", "0,,x"], "--ports", "0,1"),
    ("no lcore to poll", [], "no lcore to poll", "0"),
    ("mbufs too small", ["--mbufs", "100", "--mbuf-cache", "0"], "--mbufs: 100 is too small", "0,1"),
    ("idle-exit not a number", ["--idle-exit", "soon"], "--idle-exit", "0,1"),
    ("local-ip not an address", ["--local-ip", "10.0.0.300"], "--local-ip", "0,1"),
    ("local-ip multicast", ["--local-ip", "239.0.0.1"], "multicast", "0,1"),
    ("local-ip bad prefix", ["--local-ip", "10.0.0.1/40"], "--local-ip", "0,1"),
    ("listen without action", ["--listen", "9"], "--listen", "0,1"),
    ("listen port zero", ["--listen", "0=count"], "invalid port", "0,1"),
    ("listen unknown action", ["--listen", "9=drop"], "unknown action", "0,1"),
    ("listen bad seq size", ["--listen", "9=seq,size=2"], "size", "0,1"),
    ("listen twice", ["--listen", "9=count", "--listen", "9=echo"], "exists", "0,1"),
    ("listen IPv6 without brackets", ["--listen", "2001:db8::1:9=count"], "--listen", "0,1"),
    ("vlan out of range", ["--vlan", "4096"], "--vlan", "0,1"),
    ("icmp-errors neither on nor off", ["--icmp-errors", "maybe"],
     "--icmp-errors: invalid value 'maybe'; expected on or off", "0,1"),
    ("icmp-errors unknown key", ["--icmp-errors", "on,foo=1"],
     "--icmp-errors: unknown key 'foo'", "0,1"),
    ("icmp-errors bad number", ["--icmp-errors", "on,ratelimit=x"],
     "--icmp-errors: ratelimit=x: expected a whole number", "0,1"),
    ("icmp-errors empty item", ["--icmp-errors", "on,,ratelimit=5"],
     "has an empty item", "0,1"),
    ("igmp neither on nor off", ["--igmp", "v3"],
     "--igmp: invalid value 'v3'; expected on or off", "0,1"),
    ("igmp version 4", ["--igmp", "on,version=4"],
     "--igmp: version=4: expected a whole number 2..3", "0,1"),
    ("igmp multicast source", ["--igmp", "on,source=224.0.0.5"],
     "--igmp: source=224.0.0.5: expected a unicast IPv4 address", "0,1"),
    ("mld has no source", ["--mld", "on,source=10.0.0.1"],
     "--mld: unknown key 'source'; keys: version, robustness, unsolicited-interval", "0,1"),
    ("mld robustness 8", ["--mld", "on,robustness=8"],
     "--mld: robustness=8: expected a whole number 1..7", "0,1"),
    ("icmp-errors hex mask", ["--icmp-errors", "on,ratemask=0xzz"],
     "--icmp-errors: ratemask=0xzz: expected a whole number", "0,1"),
    ("listen v6only on an address", ["--listen", "10.0.0.1:9=count,v6only"],
     "v6only applies to [::] only", "0,1"),
    ("txd zero", ["--txd", "0"], "--txd", "0,1"),
    ("mbuf-cache too large", ["--mbuf-cache", "513"], "--mbuf-cache", "0,1"),
    ("frag-timeout zero", ["--frag-timeout", "0"], "--frag-timeout", "0,1"),
    ("frag-timeout too large", ["--frag-timeout", "60001"], "1..60000", "0,1"),
    ("queue map: trailing comma", ["--queue-map", "(0,0,1),"], "trailing", "0,1"),
    ("missing config file", ["--config-file", "/nonexistent/fastpath.ini"], "cannot open", "0,1"),
    ("config file is a directory", ["--config-file", "/tmp"],
     "--config-file /tmp: is a directory", "0,1"),
    ("stats-json in a missing directory", ["--stats-json", "/nonexistent/dir/x.json"],
     "--stats-json /nonexistent/dir/x.json: cannot write there: No such file or directory", "0,1"),
    ("stats-json a directory", ["--stats-json", "/tmp"],
     "--stats-json /tmp: cannot write there: Is a directory", "0,1"),
    ("vlan: empty item", ["--vlan", "1,,2"], "--vlan: invalid list '1,,2'", "0,1"),
    ("listen: trailing comma", ["--listen", "9=seq,"], "--listen: '9=seq,': empty item", "0,1"),
    ("ports: empty item", ["--ports", "0,"], "--ports: invalid list '0,'", "0,1"),
    ("abbreviated option", ["--bur", "8"], "unknown option '--bur'; options are spelled in full", "0,1"),
    ("abbreviated flag", ["--main-poll"], "unknown option '--main-poll'", "0,1"),
    ("mbufs beyond a mempool's limit", ["--mbufs", "1073741824"], "1..1073741823", "0,1"),
]

# (label, file text, text the error line must contain): --config-file FILE
CONFIG_CASES = [
    ("config: unknown section", "[portz]\n", ":1: unknown section [portz]"),
    ("config: key outside a section", "burst = 8\n", ":1: 'burst' is outside any section"),
    ("config: unknown key", "[ports]\nspeed = 10\n", ":2: [ports] speed: unknown key"),
    ("config: key in the wrong section", "[ports]\nburst = 8\n", "belongs in [lcores]"),
    ("config: bad number", "[lcores]\nburst = lots\n", ":2: [lcores] burst: --burst"),
    ("config: out of range", "[ports]\nrxd = 4\n", ":2: [ports] rxd:"),
    ("config: bad flag", "[lcores]\nmain-polls = sometimes\n", "yes or no"),
    ("config: malformed section", "[ports\nrxd = 64\n", ":1: malformed section"),
    ("config: no value", "[ports]\nrxd =\n", "empty value"),
    ("config: not key = value", "[ports]\nrxd\n", "key = value"),
    ("config: bad listener", "[listen]\nx = 9=drop\n", ":2: [listen] x: --listen"),
    ("config: listener name twice", "[listen]\nx = 9=count\nx = 10=count\n", "line 2"),
    ("config: listener name not a label value", "[listen]\nfeed\"a = 9=count\n",
     ":2: [listen] feed\"a: a listener name is made of letters, digits, '_', '.' and '-'"),
    ("config: bad address", "[host]\nlocal-ip = 300.1.1.1\n", ":2: [host] local-ip:"),
    ("config: impossible queue map", "[lcores]\nqueue-map = (0,0,9)\n", "lcore 9 is not enabled"),
    ("config: stats-json a directory", "[run]\nstats-json = /tmp\n",
     ":2: [run] stats-json: --stats-json /tmp: cannot write there: Is a directory"),
    # errors of the merged options, at the file's line
    ("config: 65 listeners", "[listen]\n" + "".join("l%d = %d=count\n" % (p, p) for p in range(1, 66)),
     ":66: [listen] l65: --listen: more than 64 listeners"),
    ("config: listener on a taken address and port", "[listen]\na = 9=count\nb = 9=echo\n",
     ":3: [listen] b: --listen: '9=echo': a listener on this address and port exists"),
    # rte_cfgfile's limits, with the file's line (it cut values silently
    # and failed on long lines with a log line of its own)
    ("config: value longer than rte_cfgfile keeps", "[run]\nstats-json = /tmp/" + "x" * 300 + "\n",
     ":2: [run] stats-json: value of 305 characters; rte_cfgfile keeps at most 255"),
    ("config: line longer than rte_cfgfile reads", "[ports]\n; " + "x" * 500 + "\nrxd = 64\n",
     ":2: line of 502 characters; rte_cfgfile reads at most 322"),
    ("config: key too long", "[ports]\n" + "k" * 70 + " = 1\n", ":2: [ports] key of 70 characters"),
]


def run_case(pcap, label, args, needle, lcores):
    name = "bad_input"
    cmd = [fr.BINARY] + fr.eal_args(name, ["net_pcap0,rx_pcap=" + pcap], lcores, 256)
    cmd += ["--"] + args
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        # bad input is refused at once: one still running took it as good
        return ["still running after 30 s: the input was accepted"]
    finally:
        fr.cleanup(name)
    res = fr.Result(p.returncode, p.stdout, p.stderr, None)
    lines = res.fp_errors()
    problems = []
    if p.returncode != 2:
        problems.append("exit status %d, want 2" % p.returncode)
    if len(lines) != 1:
        problems.append("%d fastpath: lines on stderr, want 1: %r" % (len(lines), lines))
    elif needle not in lines[0]:
        problems.append("error %r does not contain %r" % (lines[0], needle))
    if "rte_cfgfile_load" in p.stderr:
        problems.append("rte_cfgfile logged: %r" % p.stderr)
    if re.search(r"lcore \d+ polls \d+ queue", p.stderr) or "softnet_stat" in p.stdout:
        problems.append("an lcore started or a summary was printed")
    return problems


def bad_options():
    c = fr.Checker("bad_options")
    pcap = os.path.join(fr.workdir("bad_input"), "one.pcap")
    pcapgen.write_pcap(pcap, [pcapgen.udp_frame()])
    for label, args, needle, lcores in CASES:
        for prob in run_case(pcap, label, args, needle, lcores):
            c.true("%s (%s): %s" % (label, " ".join(args), prob), False)
        c.checks += 1
    return c.done()


def bad_config_files():
    c = fr.Checker("bad_config_files")
    d = fr.workdir("bad_input")
    pcap = os.path.join(d, "one.pcap")
    pcapgen.write_pcap(pcap, [pcapgen.udp_frame()])
    for k, (label, text, needle) in enumerate(CONFIG_CASES):
        path = os.path.join(d, "bad%d.ini" % k)
        with open(path, "w") as f:
            f.write(text)
        for prob in run_case(pcap, label, ["--config-file", path], needle, "0,1"):
            c.true("%s: %s" % (label, prob), False)
        c.checks += 1
    print("bad input: %d invocations and %d config files" % (len(CASES), len(CONFIG_CASES)))
    return c.done()


def no_port():
    """No vdev and no PCI: a clear error, status 2."""
    c = fr.Checker("no_port")
    cmd = [fr.BINARY] + fr.eal_args("no_port", [], "0,1", 256) + ["--"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    fr.cleanup("no_port")
    lines = [l for l in p.stderr.splitlines() if l.startswith("fastpath:")]
    c.eq("exit status", p.returncode, 2)
    c.eq("one error line", len(lines), 1)
    c.true("names the problem: %r" % lines, lines and "no port" in lines[0])
    return c.done()


def eal_error():
    """A bad EAL argument (a malformed lcore list, an unknown option) is bad
    input: a clear message and status 2, as the README says."""
    c = fr.Checker("eal_error")
    for bad in (["--lcores", "0-z"], ["--no-such-eal-option"]):
        cmd = [fr.BINARY, "--no-pci", "--no-huge", "--file-prefix", fr.prefix("eal_error")] + \
            bad + ["--"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        fr.cleanup("eal_error")
        c.eq("%s: exit status" % bad, p.returncode, 2)
        c.true("%s: clear message" % bad, "fastpath: EAL initialisation failed" in p.stderr)
    return c.done()


def prefix_in_use():
    """A second fastpath on a running one's --file-prefix. EAL fails without
    setting rte_errno, which printed 'EAL initialisation failed: Success';
    the message names the primary that holds the prefix, exit 2."""
    name = "prefix_in_use"
    c = fr.Checker(name)
    path = os.path.join(fr.workdir(name), "u.pcap")
    pcapgen.write_pcap(path, [pcapgen.udp_frame()])
    first, _ = fr.start(name, ["net_pcap0,rx_pcap=" + path], mem=256)
    try:
        c.true("first running", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        cmd = [fr.BINARY] + fr.eal_args(name, ["net_pcap0,rx_pcap=" + path], "0,1", 256) + ["--"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        lines = [l for l in p.stderr.splitlines() if l.startswith("fastpath:")]
        c.eq("second: exit status", p.returncode, 2)
        c.eq("second: one error line: %r" % lines, len(lines), 1)
        c.true("second: names the primary: %r" % lines, lines != [] and
               "another primary process (pid %d)" % first.pid in lines[0] and
               "--file-prefix" in lines[0])
        c.true("first still running", first.poll() is None)
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
        fr.cleanup(name)
    c.eq("first: exit status", first.returncode, 0)
    return c.done()


def reserve_hugepages(mb):
    """'' when `mb` MiB of hugepages are free, reserving them (as root) when
    they are not; else why not. 2 MiB pages, as these hosts have."""
    if fr.hugepages_free_mb() >= mb:
        return ""
    if os.geteuid() != 0:
        return "not root, cannot reserve hugepages"
    try:
        if not any(l.split()[2] == "hugetlbfs" for l in open("/proc/mounts")):
            os.makedirs("/dev/hugepages", exist_ok=True)
            subprocess.run(["mount", "-t", "hugetlbfs", "nodev", "/dev/hugepages"],
                           check=True, capture_output=True)
        total = int(open("/proc/sys/vm/nr_hugepages").read())
        with open("/proc/sys/vm/nr_hugepages", "w") as f:
            f.write(str(total + mb // 2))
    except (OSError, ValueError, subprocess.CalledProcessError) as e:
        return "cannot reserve hugepages: %s" % e
    free = fr.hugepages_free_mb()
    return "" if free >= mb else "only %d MiB of hugepages free after reserving" % free


def secondary_refused():
    """fastpath with --proc-type=auto (or secondary) beside a running
    primary became its secondary, failed to create its mempool ('File
    exists') and crashed in rte_eal_cleanup. It is refused right after
    EAL with one line, exit 2, no port or mempool touched, and the primary
    keeps receiving. Needs hugepages: a --no-huge primary serves no
    secondary (skipped, status 77, saying why)."""
    name = "secondary"
    c = fr.Checker(name)
    why = reserve_hugepages(512)
    if why:
        print("secondary_refused: skipped: a primary that serves secondaries needs "
              "hugepages: %s" % why)
        return 77
    # a short path: 22.11 secondaries fail on vdev arguments past ~75 characters
    short = tempfile.mkdtemp(prefix="fps")
    pcap = os.path.join(short, "u.pcap")
    pcapgen.write_pcap(pcap, [pcapgen.udp_frame(64, flow=i, dport=9) for i in range(64)])
    vdev = "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap
    stats_path = os.path.join(fr.workdir(name), "stats.json")
    if os.path.exists(stats_path):
        os.unlink(stats_path)
    # --base-virtaddr: secondaries map the primary's memory at its addresses,
    # which ASLR (and an ASan build's shadow) may have taken in them
    eal = ["--no-pci", "-l", "0,1", "-m", "256", "--file-prefix", fr.prefix(name),
           "--base-virtaddr", "0x200000000000", "--log-level", "lib.eal:warning", "--vdev", vdev]
    # hugepages without --huge-unlink: a secondary maps the same files
    primary = subprocess.Popen([fr.BINARY] + eal + ["--", "--listen", "9=count",
                                                    "--stats-json", stats_path],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def processed():
        return fr.telemetry(name, "/fastpath/ports")["/fastpath/ports"]["0"]["processed"]
    try:
        c.true("primary running", fr.wait_for(lambda: os.path.exists(fr.telemetry_socket(name)), 20))
        # The refused secondary exits without rte_eal_cleanup() on purpose
        # (fp_eal.h: in 22.11 it would remove the primary's devices), so the
        # libpcap handles net_pcap's probe opened in it are never closed:
        # LeakSanitizer would turn that into status 1 in the sanitizer build.
        env = dict(os.environ, ASAN_OPTIONS=(os.environ.get("ASAN_OPTIONS", "") +
                                             ":detect_leaks=0").lstrip(":"))
        for ptype in ("auto", "secondary"):
            p = subprocess.run([fr.BINARY, "--proc-type=" + ptype] + eal + ["--", "--listen", "9=count"],
                               capture_output=True, text=True, timeout=60, env=env)
            lines = [l for l in p.stderr.splitlines() if l.startswith("fastpath:")]
            c.eq("--proc-type=%s: exit status (stderr: %s)" % (ptype, p.stderr.strip()[-300:]),
                 p.returncode, 2)
            c.eq("--proc-type=%s: one error line: %r" % (ptype, lines), len(lines), 1)
            c.true("--proc-type=%s: says it runs only as a primary: %r" % (ptype, lines),
                   lines != [] and "fastpath runs only as a primary" in lines[0] and
                   "(pid %d)" % primary.pid in lines[0])
            c.true("--proc-type=%s: no mempool touched" % ptype, "File exists" not in p.stderr
                   and "mempool" not in p.stderr)
        before = processed()
        time.sleep(0.3)
        c.true("primary still receiving", processed() > before)
    finally:
        primary.send_signal(signal.SIGTERM)
        try:
            primary.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            primary.kill()
            primary.communicate()
        for f in glob.glob("/dev/hugepages/%smap_*" % fr.prefix(name)):
            os.unlink(f)
        fr.cleanup(name)
        shutil.rmtree(short, ignore_errors=True)
    c.eq("primary: exit status", primary.returncode, 0)
    stats = json.load(open(stats_path)) if os.path.exists(stats_path) else None
    fr.check_invariants(c, stats)
    return c.done()


def help_text():
    c = fr.Checker("help")
    p = subprocess.run([fr.BINARY, "--", "--help"], capture_output=True, text=True, timeout=30)
    c.eq("exit status", p.returncode, 0)
    for opt in ("--ports", "--rxq", "--rxd", "--txd", "--burst", "--rss-key",
                "--queue-map", "--main-polls", "--idle-exit", "--stats-json",
                "--mbufs", "--mbuf-cache"):
        c.true("help lists " + opt, opt in p.stdout)
    c.true("help gives defaults", "default 32" in p.stdout and "default 1024" in p.stdout)
    return c.done()


def fp_lines(err):
    return [l for l in err.splitlines() if l.startswith("fastpath:")]


def eal_hints():
    """EAL's refusals get the likely fix, one line, status 2, and EAL's
    80-line usage text stays off stdout: an lcore list past the machine's
    CPUs names the CPUs it has; no hugetlbfs mounted (in a mount namespace
    of the test's own) names fastpath-setup-host hugepages and --no-huge."""
    c = fr.Checker("eal_hints")
    ncpu = os.cpu_count()
    online = open("/sys/devices/system/cpu/online").read().strip()
    lc = "0-%d" % (ncpu + 5)
    p = subprocess.run([fr.BINARY, "-l", lc, "--no-pci", "--no-huge", "--file-prefix",
                        fr.prefix("eal_hints"), "--"], capture_output=True, text=True,
                       timeout=60)
    fr.cleanup("eal_hints")
    lines = fp_lines(p.stderr)
    c.eq("-l %s: status" % lc, p.returncode, 2)
    c.eq("-l %s: one line: %r" % (lc, lines), len(lines), 1)
    c.true("-l: names the list and the CPUs there are: %r" % lines,
           lines != [] and "-l %s" % lc in lines[0] and "this machine has CPUs %s" % online
           in lines[0])
    c.eq("no EAL usage text on stdout", p.stdout, "")
    p = subprocess.run([fr.BINARY, "-h"], capture_output=True, text=True, timeout=60)
    c.true("EAL's usage when asked for (-h)", "EAL common options" in p.stdout)
    if os.getuid() != 0 or not shutil.which("unshare"):
        return fr.skip("eal_hints", "needs root and unshare for the no-hugepage case")
    script = ("for m in $(awk '$3 == \"hugetlbfs\" {print $2}' /proc/mounts); do "
              "umount \"$m\" || exit 99; done; exec \"$@\"")
    p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                        fr.BINARY, "-l", "0", "--no-pci", "--file-prefix",
                        fr.prefix("eal_hints_huge"), "--vdev", "net_null0", "--"],
                       capture_output=True, text=True, timeout=60)
    fr.cleanup("eal_hints_huge")
    lines = fp_lines(p.stderr)
    c.eq("no hugetlbfs: status", p.returncode, 2)
    c.eq("no hugetlbfs: one line: %r" % lines, len(lines), 1)
    c.true("no hugetlbfs: says so and the fixes: %r" % lines, lines != [] and
           "no hugetlbfs is mounted" in lines[0] and "fastpath-setup-host hugepages" in lines[0]
           and "--no-huge" in lines[0])
    return c.done()


def version():
    """--version (before or after --): fastpath's version from meson.build,
    the DPDK it runs on (pkg-config's), the build options; status 0."""
    c = fr.Checker("version")
    want = re.search(r"version: '([^']+)'", open(os.path.join(fr.ROOT, "meson.build")).read())
    dpdk = subprocess.run(["pkg-config", "--modversion", "libdpdk"], capture_output=True,
                          text=True).stdout.strip()
    for argv in (["--version"], ["--", "--version"], ["--no-pci", "--", "--version"]):
        p = subprocess.run([fr.BINARY] + argv, capture_output=True, text=True, timeout=30)
        out = p.stdout.splitlines()
        c.eq("%s: status" % argv, p.returncode, 0)
        c.eq("%s: first line" % argv, out[:1], ["fastpath %s" % want.group(1)])
        c.true("%s: DPDK version %s: %r" % (argv, dpdk, out),
               any(l.startswith("DPDK: running DPDK %s" % dpdk) for l in out))
        c.true("%s: build options" % argv, any(l.startswith("build: buildtype=") for l in out))
        c.eq("%s: EAL not started" % argv, p.stderr, "")
    return c.done()


def banner():
    """The start-up banner names each port with its driver, MAC, link and
    queues, the lcores, the mode and the listeners; ip_frag's INFO lines
    ('rte_ip_frag_table_create: allocated ...') are not printed unless
    --log-level asks for them."""
    c = fr.Checker("banner")
    path = os.path.join(fr.workdir("banner"), "u.pcap")
    pcapgen.write_pcap(path, [pcapgen.udp_frame()])
    r = fr.run("banner", ["net_pcap0,rx_pcap=" + path],
               ["--listen", "9=count", "--listen", "10.1.0.1:5000=seq", "--local-ip",
                "10.1.0.1/24"], lcores="0,1")
    c.eq("exit status", r.rc, 0)
    lines = fp_lines(r.err)
    mac = r.stats["config"]["port_0"]["mac"] if r.stats else "?"
    c.true("port line: %r" % lines, any(l.startswith("fastpath: port 0: net_pcap0, driver "
                                                     "net_pcap, MAC %s, link " % mac) and
                                        "1 rx queues" in l for l in lines))
    c.true("lcores line (one worker: one queue)",
           "fastpath: lcores: main 0, polling 1; 1 rx queues in all" in lines)
    c.true("mode line", "fastpath: mode: host, 1 IPv4 and 0 IPv6 local address(es)" in lines)
    c.true("listeners line: %r" % lines,
           "fastpath: 2 listener(s): *:9=count, 10.1.0.1:5000=seq" in lines)
    c.true("no ip_frag INFO noise", "rte_ip_frag_table_create" not in r.err)
    r = fr.run("banner_sink", ["net_pcap0,rx_pcap=" + path], [], lcores="0,1")
    c.true("sink mode said", "fastpath: mode: sink (no --local-ip: every destination is local)"
           in fp_lines(r.err))
    cmd = [fr.BINARY] + fr.eal_args("banner_loud", ["net_pcap0,rx_pcap=" + path]) + \
        ["--log-level", "user1:info", "--", "--idle-exit", "100"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    fr.cleanup("banner_loud")
    c.true("--log-level user1:info brings ip_frag's lines back",
           "rte_ip_frag_table_create" in p.stderr)
    return c.done()


TESTS = {"bad_options": bad_options, "bad_config_files": bad_config_files,
         "no_port": no_port, "eal_error": eal_error, "help": help_text,
         "prefix_in_use": prefix_in_use, "secondary_refused": secondary_refused,
         "eal_hints": eal_hints, "version": version, "banner": banner}

if __name__ == "__main__":
    fr.main(TESTS)
