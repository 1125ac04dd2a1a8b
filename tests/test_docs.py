#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The README stays true: it names every drop reason and SNMP counter the
X-macros define, and every option `fastpath --help` lists."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("FASTPATH", os.path.join(ROOT, "build", "app", "fastpath"))


def main():
    readme = open(os.path.join(ROOT, "README.md")).read()
    drops = re.findall(r"X\((\w+),\s*\d,", open(os.path.join(ROOT, "lib", "report", "fp_drop.h")).read())
    snmp = re.findall(r"X\((\w+), (\w+)\)", open(os.path.join(ROOT, "lib", "report", "fp_snmp.h")).read())
    helptext = subprocess.run([BINARY, "--", "--help"], capture_output=True, text=True).stdout
    options = re.findall(r"^  (--[a-z-]+)", helptext, re.M)
    missing = ["drop reason " + d for d in drops if "`%s`" % d not in readme]
    missing += ["SNMP %s %s" % (g, f) for g, f in snmp
                if g != "group" and not re.search(r"`%s` \|[^\n]*\b%s\b" % (g, f), readme)]
    missing += ["option " + o for o in options if "`%s" % o not in readme]
    # the man pages too: every option, every fastpath-stat command
    man = open(os.path.join(ROOT, "man", "fastpath.1")).read().replace("\\-", "-")
    man_stat = open(os.path.join(ROOT, "man", "fastpath-stat.1")).read()
    missing += ["fastpath(1): option " + o for o in options if o not in man]
    stat_help = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "fastpath-stat"),
                                "--help"], capture_output=True, text=True).stdout
    commands = re.findall(r"^    ([a-z]+)\s{2,}\S", stat_help, re.M)
    missing += ["fastpath-stat(1): command " + c for c in commands if ".B %s" % c not in man_stat
                and ".BR %s" % c not in man_stat and ".BI %s" % c not in man_stat]
    missing += ["README: fastpath-stat " + c for c in commands
                if not re.search(r"`(fastpath-stat )?%s[` ]" % c, readme)]
    checks = len(drops) + len(snmp) + 2 * len(options) + 2 * len(commands)
    for m in missing:
        print("FAIL README does not document", m)
    print("docs: %d checks, %d failed" % (checks, len(missing)))
    sys.exit(1 if missing or not options or not drops else 0)


if __name__ == "__main__":
    main()
