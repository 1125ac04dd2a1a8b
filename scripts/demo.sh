#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# From nothing to a running fastpath: install what is missing, build,
# reserve hugepages when possible, replay the bundled sample pcap (UDP to
# port 9, and a few runts) through the net_pcap vdev on two rx queues and
# two worker lcores with a count listener on port 9, and print the
# per-lcore softnet table, per-queue counters, port totals and drops.
set -euo pipefail
. "$(dirname "$0")/common.sh"

fp_install_deps
fp_say "building"
fp_build
fp_hugepages 512

SAMPLE=$FP_ROOT/tests/data/sample.pcap
# two workers: on one CPU each when there are two
if [ "$(nproc)" -ge 3 ]; then LCORES=0,1,2; else LCORES='0@0,1@1,2@1'; fi
PREFIX=fastpath-demo-$$
OUT=$(mktemp -d)
trap 'rm -rf "$OUT" "/var/run/dpdk/$PREFIX"' EXIT

fp_say "fastpath on $SAMPLE (twice: one file per rx queue)"
# shellcheck disable=SC2086
"$FP_BUILD/app/fastpath" --no-pci --lcores "$LCORES" $FP_MEM_ARGS \
    --file-prefix "$PREFIX" --log-level lib.eal:warning --log-level lib.telemetry:error \
    --vdev "net_pcap0,rx_pcap=$SAMPLE,rx_pcap=$SAMPLE" \
    -- --listen 9=count --idle-exit 300 --stats-json "$OUT/stats.json"

python3 - "$OUT/stats.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
bad = [p for p, v in s["ports"].items() if v["unaccounted"] != 0]
leak = [m for m, v in s["mempools"].items() if v["in_use"] != 0]
if bad or leak:
    sys.exit("demo: unaccounted packets on ports %s, mbufs in use in %s" % (bad, leak))
print("\ndemo: every packet accounted for; every mbuf back in its pool")
PY
