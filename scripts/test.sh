#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what is missing, build, reserve hugepages when possible and run
# the whole suite (meson test). Prints "tests: N passed, N failed, N skipped".
set -uo pipefail
. "$(dirname "$0")/common.sh"

# prometheus: its promtool checks fastpath-stat's exposition format
fp_install_deps prometheus
fp_say "building"
fp_build
fp_hugepages 1024

fp_say "running the suite"
meson test -C "$FP_BUILD" --print-errorlogs "$@"
rc=$?
python3 - "$FP_BUILD/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0, "TIMEOUT": 0, "ERROR": 0, "EXPECTEDFAIL": 0, "UNEXPECTEDPASS": 0}
with open(sys.argv[1]) as f:
    for line in f:
        r = json.loads(line)["result"]
        counts[r] = counts.get(r, 0) + 1
failed = counts["FAIL"] + counts["TIMEOUT"] + counts["ERROR"] + counts["UNEXPECTEDPASS"]
print("tests: %d passed, %d failed, %d skipped" % (counts["OK"] + counts["EXPECTEDFAIL"], failed, counts["SKIP"]))
PY
exit $rc
