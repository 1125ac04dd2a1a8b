#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Operator files: setup-host.sh's dry runs print the exact commands, the
systemd unit has what the service needs, and `meson install` installs the
binary, the scripts, the man pages, the example config and the unit."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("FP_BUILD_DIR", os.path.join(ROOT, "build"))
SETUP = os.path.join(ROOT, "scripts", "setup-host.sh")
failures, checks = [], 0


def check(what, cond):
    global checks
    checks += 1
    if not cond:
        failures.append(what)


def setup(*args):
    p = subprocess.run(["bash", SETUP] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def verify_units(dest, found, units):
    """systemd-analyze verify over the installed units, their commands
    pointed at the installed files (verify checks that they exist and are
    executable) and man: links at the installed man pages."""
    if not shutil.which("systemd-analyze"):
        check("systemd-analyze is installed (Debian package systemd)", False)
        return
    prefix = [f for f in found if f.endswith("bin/fastpath")][0][:-len("bin/fastpath")]
    root = os.path.join(dest, prefix)
    udir = os.path.join(dest, "verify")
    os.makedirs(udir)
    for u in units:
        text = open(os.path.join(root, "lib/systemd/system", u)).read()
        text = text.replace("=/%sbin/" % prefix, "=%s/" % os.path.join(root, "bin"))
        open(os.path.join(udir, u), "w").write(text)
    env = dict(os.environ, MANPATH=os.path.join(root, "share/man"))
    p = subprocess.run(["systemd-analyze", "verify"] + [os.path.join(udir, u) for u in units],
                       capture_output=True, text=True, env=env, timeout=120)
    out = (p.stdout + p.stderr).strip()
    check("systemd-analyze verify clean: %s" % out[-400:], p.returncode == 0 and out == "")


def main():
    rc, out, _ = setup("--dry-run", "bind", "0000:3b:00.0", "3b:00.1")
    check("bind dry run status", rc == 0)
    check("bind loads vfio-pci", out.splitlines()[0] == "modprobe vfio-pci")
    check("bind binds with dpdk-devbind.py",
          "dpdk-devbind.py --bind=vfio-pci 0000:3b:00.0 3b:00.1" in out.splitlines())
    rc, out, _ = setup("--dry-run", "unbind", "0000:3b:00.0")
    check("unbind dry run", rc == 0 and out.strip() == "dpdk-devbind.py --unbind 0000:3b:00.0")
    size = [l.split()[1] for l in open("/proc/meminfo") if l.startswith("Hugepagesize:")][0]
    rc, out, _ = setup("--dry-run", "hugepages", "512", "--node", "0")
    check("hugepages on a node",
          "echo 512 > /sys/devices/system/node/node0/hugepages/hugepages-%skB/nr_hugepages" % size
          in out.splitlines())
    check("hugepages mount", "mount -t hugetlbfs nodev /dev/hugepages" in out.splitlines())
    rc, out, _ = setup("--dry-run", "hugepages", "256")
    check("hugepages anywhere", "echo 256 > /proc/sys/vm/nr_hugepages" in out.splitlines())
    for bad in (["bind", "3b:00"], ["bind"], ["hugepages", "x"], ["hugepages", "1", "--node", "a"],
                ["frobnicate"], []):
        rc, out, err = setup("--dry-run", *bad) if bad else setup()
        check("setup-host %s: status 2 (got %d)" % (bad, rc), rc == 2)
        check("setup-host %s: says why" % bad, err.strip() != "")
    rc, out, _ = setup("status")
    check("status runs", rc == 0 and "hugepages" in out)
    # --help: usage on stdout, status 0; options anywhere on the line
    for h in ("--help", "-h"):
        rc, out, err = setup(h)
        check("setup-host %s: status 0 (got %d)" % (h, rc), rc == 0)
        check("setup-host %s: usage names every command" % h,
              all(c in out for c in ("hugepages N", "bind PCI", "unbind PCI", "status"))
              and err == "")
    want = setup("--dry-run", "hugepages", "512", "--node", "0")
    for order in (["hugepages", "512", "--dry-run", "--node", "0"],
                  ["hugepages", "--node", "0", "512", "--dry-run"],
                  ["hugepages", "--dry-run", "512", "--node", "0"]):
        check("setup-host %s == --dry-run first" % order, setup(*order) == want)
    check("bind PCI --dry-run", setup("bind", "0000:3b:00.0", "--dry-run") ==
          setup("--dry-run", "bind", "0000:3b:00.0"))
    for bad, says in ((["--frob"], "unknown option '--frob'"),
                      (["hugepages", "1", "--node"], "--node needs a value"),
                      (["status", "x"], "status takes no argument"),
                      ([], "which command?")):
        rc, out, err = setup(*bad)
        check("setup-host %s: one line naming it: %r" % (bad, err),
              rc == 2 and len(err.strip().splitlines()) == 1 and says in err)

    # the man pages render cleanly: mandoc -T lint says nothing
    pages = [os.path.join(ROOT, "man", f) for f in sorted(os.listdir(os.path.join(ROOT, "man")))
             if f.endswith(".1")]
    if shutil.which("mandoc"):
        p = subprocess.run(["mandoc", "-T", "lint"] + pages, capture_output=True, text=True)
        check("mandoc -T lint clean: %s" % (p.stdout + p.stderr).strip()[:600],
              p.returncode == 0 and (p.stdout + p.stderr).strip() == "")
    else:
        check("mandoc is installed (Debian package mandoc; test.sh installs it)", False)

    unit = open(os.path.join(BUILD, "fastpath.service")).read()
    lines = unit.splitlines()
    for line in ("Requires=fastpath-hugepages.service dev-hugepages.mount", "Restart=on-failure",
                 "Type=notify", "RestartPreventExitStatus=2"):
        check("unit has " + line, line in lines)
    check("unit keeps DPDK's runtime directory (no RuntimeDirectory=)",
          not any(l.startswith("RuntimeDirectory") for l in lines))
    check("unit starts after the hugepages",
          any(l.startswith("After=") and "dev-hugepages.mount" in l
              and "fastpath-hugepages.service" in l for l in lines))
    check("unit runs the installed binary",
          any(l.startswith("ExecStart=/") and "/fastpath " in l and "--config-file" in l
              for l in lines))
    # one prefix for the unit, fastpath-stat, dpdk-telemetry.py -f and dpdk-dumpcap
    prefix = [l.split("--file-prefix")[1].split()[0] for l in lines
              if l.startswith("ExecStart=")]
    stat_help = subprocess.run([os.path.join(ROOT, "scripts", "fastpath-stat"), "--help"],
                               capture_output=True, text=True).stdout
    check("fastpath-stat's default prefix is the unit's (%s)" % prefix,
          prefix and "(default: %s, the systemd unit's)" % prefix[0] in " ".join(stat_help.split()))
    huge = open(os.path.join(BUILD, "fastpath-hugepages.service")).read().splitlines()
    check("hugepages unit: dpdk-hugepages.py --reserve, before fastpath",
          any(l.startswith("ExecStart=") and "dpdk-hugepages.py --reserve" in l for l in huge)
          and "Before=fastpath.service" in huge and "Type=oneshot" in huge)
    exp = open(os.path.join(BUILD, "fastpath-exporter.service")).read().splitlines()
    check("exporter unit runs fastpath-stat exporter with the unit's prefix",
          any(l.startswith("ExecStart=") and "fastpath-stat -f %s exporter" % prefix[0] in l
              for l in exp) if prefix else False)
    check("exporter unit does not stop with fastpath (it reports fastpath_up 0)",
          not any(l.startswith(("Requires=", "BindsTo=", "PartOf=")) for l in exp))
    with tempfile.TemporaryDirectory() as dest:
        p = subprocess.run(["meson", "install", "-C", BUILD, "--no-rebuild", "--destdir", dest,
                            "--quiet"], capture_output=True, text=True, timeout=300)
        check("meson install: %s" % p.stderr.strip()[-300:], p.returncode == 0)
        found = set()
        for d, _, files in os.walk(dest):
            for f in files:
                found.add(os.path.relpath(os.path.join(d, f), dest))
        units = ("fastpath.service", "fastpath-hugepages.service", "fastpath-exporter.service")
        for want in ("bin/fastpath", "bin/fastpath-stat", "bin/fastpath-setup-host",
                     "share/man/man1/fastpath.1", "share/man/man1/fastpath-stat.1",
                     "share/fastpath/fastpath.ini", "share/fastpath/grafana/fastpath.json") + \
                tuple("lib/systemd/system/" + u for u in units):
            check("installs %s" % want, any(f.endswith(want) for f in found))
        verify_units(dest, found, units)
        for f in found:
            if f.endswith("bin/fastpath-stat") or f.endswith("bin/fastpath-setup-host"):
                check("%s is executable" % f, os.access(os.path.join(dest, f), os.X_OK))

    for f in failures:
        print("FAIL ops:", f)
    print("ops: %d checks, %d failed" % (checks, len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
