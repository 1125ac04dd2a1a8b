#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The documentation cannot drift from the code:

- docs/counters.md names every drop reason and SNMP counter the X-macros
  define, and every fastpath-stat command;
- fastpath(1) has every option of the option table (what `fastpath --
  --help` prints from lib/fp_opts.c) with the same argument name and the
  same default, and every INI section with exactly the keys lib/fp_config.c
  puts there; fastpath-stat(1) has every fastpath-stat command;
- the README stays under 15 KB, keeps the two quick-start commands, and its
  links lead to files that exist;
- tests/README.md describes every test registered in tests/meson.build."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("FASTPATH", os.path.join(ROOT, "build", "app", "fastpath"))
README_MAX = 15 * 1024
checks, missing = 0, []


def need(what, cond):
    global checks
    checks += 1
    if not cond:
        missing.append(what)


def read(*path):
    return open(os.path.join(ROOT, *path)).read()


def roff_text(s):
    """Roff source to plain words: escapes and font changes gone."""
    s = re.sub(r"\\f[BIRP]", "", s).replace("\\-", "-").replace("\\e", "\\")
    s = re.sub(r'^\.(BI|BR|IR|RB|RI|B|I)\s+', "", s, flags=re.M)
    return s.replace('"', "")


def man_entries(man):
    """{option name: (tag line, body)} of the .TP entries in OPTIONS."""
    sect = man.split("\n.SH OPTIONS", 1)[1].split("\n.SH ", 1)[0]
    out = {}
    for item in sect.split("\n.TP\n")[1:]:
        tag, _, body = item.partition("\n")
        body = body.split("\n.SS ", 1)[0]
        m = re.match(r"\.BI? \\-\\-([a-z\\-]+)(?: \"\s*(.*?)\")?$", tag)
        if m:
            out[m.group(1).replace("\\-", "-")] = (roff_text(m.group(2) or ""),
                                                   " ".join(roff_text(body).split()))
    return out


def help_options(helptext):
    """[(name, metavar, default or None)] from fastpath -- --help."""
    out = []
    for line in helptext.splitlines():
        m = re.match(r"^  --([a-z-]+)(?: (\S+))?\s+(.*)$", line)
        if not m:
            continue
        d = re.search(r"\(default:? (.*)\)$", m.group(3))
        out.append((m.group(1), m.group(2) or "", d.group(1) if d else None))
    return out


def main():
    counters = read("docs", "counters.md")
    drops = re.findall(r"X\((\w+),\s*\d,", read("lib", "report", "fp_drop.h"))
    snmp = re.findall(r"X\((\w+), (\w+)\)", read("lib", "report", "fp_snmp.h")) + \
        re.findall(r"C\(X, (\w+), (\w+),", read("lib", "report", "fp_snmp.h"))
    for d in drops:
        need("docs/counters.md: drop reason " + d, "`%s`" % d in counters)
    for g, f in snmp:
        if g == "g":                # the per-type tables' macro
            continue
        if g != "group":
            need("docs/counters.md: SNMP %s %s" % (g, f),
                 re.search(r"`%s` \|[^\n]*\b%s\b" % (g, f), counters))

    # fastpath(1) against the option table
    helptext = subprocess.run([BINARY, "--", "--help"], capture_output=True, text=True).stdout
    opts = help_options(helptext)
    need("--help lists options", len(opts) >= 20)
    man = read("man", "fastpath.1")
    entries = man_entries(man)
    for name, metavar, default in opts:
        e = entries.get(name)
        need("fastpath(1): an entry for --%s" % name, e is not None)
        if e is None:
            continue
        need("fastpath(1): --%s takes %r (help) not %r" % (name, metavar, e[0]),
             e[0].split("[,")[0] == metavar.split("[,")[0])
        if default is not None:
            want = default.split(" (")[0].rstrip(".")
            want = {"off": "off", "none": "none"}.get(want, want)
            need("fastpath(1): --%s default %r (help) in %r" % (name, want, e[1][-160:]),
                 re.search(r"Default:? %s\b" % re.escape(want), e[1], re.I) is not None
                 or re.search(r"Default: %s\b" % re.escape(want.split(":")[-1].strip()),
                              e[1], re.I) is not None)
    for name in entries:
        need("fastpath(1): --%s is an option of the table" % name,
             name in {o[0] for o in opts})
    # the INI layout
    layout = re.findall(r'\{ "(\w+)", \{ ([^}]*) \} \}', read("lib", "conf", "fp_config.c"))
    ini = man.split(".SH CONFIGURATION FILE", 1)[1].split(".SH ", 1)[0]
    for section, keys in layout:
        keys = re.findall(r'"([a-z-]+)"', keys)
        m = re.search(r"^\[%s\]\s+(.*)$" % section, ini, re.M)
        got = m.group(1).split("(")[0].split() if m else None
        need("fastpath(1): [%s] keys %s, as lib/fp_config.c (got %s)" % (section, keys, got),
             got == keys)
    need("fastpath(1): [listen]", re.search(r"^\[listen\]\s+NAME = ", ini, re.M))

    # fastpath-stat's commands
    stat_help = subprocess.run([os.path.join(ROOT, "scripts", "fastpath-stat"), "--help"],
                               capture_output=True, text=True).stdout
    commands = re.findall(r"^    ([a-z]+)\s{2,}\S", stat_help, re.M)
    need("fastpath-stat --help lists commands", len(commands) >= 12)
    man_stat = read("man", "fastpath-stat.1")
    for cmd in commands:
        need("fastpath-stat(1): command " + cmd,
             re.search(r"^(\.TP\n)?(\.B[IR]? %s\b|\\fB%s\\fR)" % (cmd, cmd), man_stat, re.M))
        need("docs/counters.md: fastpath-stat " + cmd, "| `%s" % cmd in counters)

    # the README: short, the two commands, links that lead somewhere
    readme = read("README.md")
    need("README under %d bytes (%d)" % (README_MAX, len(readme.encode())),
         len(readme.encode()) < README_MAX)
    for cmd in ("scripts/demo.sh ", "scripts/test.sh "):
        need("README quick start: " + cmd, re.search(r"^%s" % re.escape(cmd), readme, re.M))
    for link in re.findall(r"\]\(([^)#]+)\)", readme):
        if not re.match(r"[a-z]+:", link):
            need("README link %s exists" % link, os.path.exists(os.path.join(ROOT, link)))

    # tests/README.md describes every suite
    tests_readme = read("tests", "README.md")
    mb = read("tests", "meson.build")
    for suite, cases in re.findall(r"'(\w+)': \['pcap/\w+\.py', \[([^\]]*)\]\]", mb):
        for case in re.findall(r"'(\w+)'", cases):
            full = "%s_%s" % (suite, case)
            need("tests/README.md: %s" % full, "`%s`" % full in tests_readme or (
                "`%s_" % suite in tests_readme and re.search(r"`%s`" % case, tests_readme)))
    for d in ("tests/meson.build", "tests/unit/meson.build", "tests/fuzz/meson.build"):
        for name in re.findall(r"^test\('(\w+)'", read(*d.split("/")), re.M):
            need("tests/README.md: " + name, "`%s`" % name in tests_readme)

    for m in missing:
        print("FAIL docs:", m)
    print("docs: %d checks, %d failed" % (checks, len(missing)))
    sys.exit(1 if missing or not drops else 0)


if __name__ == "__main__":
    main()
