#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what is missing, build, reserve hugepages when possible and run
# the whole suite (meson test). With CI=true or --sanitize, the suite runs
# a second time in an AddressSanitizer + UndefinedBehaviorSanitizer build.
# Ends with "tests: N passed, N failed, N skipped" over every run.
set -uo pipefail
. "$(dirname "$0")/common.sh"

SANITIZE=0
[ "${CI:-}" = true ] && SANITIZE=1
[ "${1:-}" = --sanitize ] && { SANITIZE=1; shift; }

# prometheus: its promtool checks fastpath-stat's exposition format;
# python3-prometheus-client: fastpath-stat's exporter is built on it;
# prometheus-node-exporter: the exporter is tested beside a real one;
# mandoc: the man pages are linted (mandoc -T lint);
# iproute2, ethtool, ping: the live tests' namespaces and kernel peer;
# libcap2-bin (capsh): the exception path refused without CAP_NET_ADMIN
fp_install_deps prometheus python3-prometheus-client prometheus-node-exporter mandoc \
    iproute2 ethtool iputils-ping libcap2-bin
fp_say "building"
fp_build
fp_hugepages 1024

fp_say "running the suite"
meson test -C "$FP_BUILD" --print-errorlogs "$@"
rc=$?
logs=("$FP_BUILD/meson-logs/testlog.json")

if [ "$SANITIZE" = 1 ]; then
    ASAN_BUILD=${FP_ASAN_BUILD:-$FP_ROOT/build-asan}
    fp_say "sanitizer build (address, undefined): $ASAN_BUILD"
    if [ ! -f "$ASAN_BUILD/build.ninja" ]; then
        meson setup "$ASAN_BUILD" "$FP_ROOT" -Db_sanitize=address,undefined \
            -Db_lundef=false >/dev/null || fp_die "meson setup (sanitizers) failed"
    fi
    ninja -C "$ASAN_BUILD" >/dev/null || { ninja -C "$ASAN_BUILD"; fp_die "sanitizer build failed"; }
    fp_say "running the suite under the sanitizers"
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        meson test -C "$ASAN_BUILD" --print-errorlogs "$@" || rc=1
    logs+=("$ASAN_BUILD/meson-logs/testlog.json")
fi

python3 - "${logs[@]}" <<'PY'
import json, sys
counts, skips = {}, []
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            r = t["result"]
            counts[r] = counts.get(r, 0) + 1
            if r == "SKIP":
                why = [l for l in (t.get("stdout") or "").splitlines() if l.startswith("SKIP")]
                skips.append("%s (%s)" % (t["name"], why[-1] if why else "no reason printed"))
ok = counts.get("OK", 0) + counts.get("EXPECTEDFAIL", 0)
failed = sum(counts.get(k, 0) for k in ("FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS"))
line = "tests: %d passed, %d failed, %d skipped" % (ok, failed, counts.get("SKIP", 0))
if skips:
    # a skip is a test that did not run: say which, loudly, on the summary line
    line += " -- SKIPPED, NOT RUN: " + "; ".join(skips)
print(line)
PY
exit $rc
