#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmark: fastpath against dpdk-testpmd --forward-mode=rxonly on the same
# 64-byte UDP pcap (net_pcap infinite_rx=1), the same lcores and duration.
# Rates come from /ethdev/stats ipackets deltas read the same way for both.
# Prints the median of RUNS alternating runs, the ratio, and fastpath's
# cycles per packet from /fastpath/lcores. A tool, not a test.
#
#   scripts/bench.sh [-d SECONDS] [-r RUNS]
set -euo pipefail
. "$(dirname "$0")/common.sh"

DURATION=5
RUNS=3
while getopts "d:r:" o; do
    case $o in
        d) DURATION=$OPTARG ;;
        r) RUNS=$OPTARG ;;
        *) echo "usage: $0 [-d SECONDS] [-r RUNS]" >&2; exit 2 ;;
    esac
done

fp_install_deps
fp_build
fp_hugepages 1024
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; rm -rf /var/run/dpdk/fpbench_*' EXIT
python3 - "$WORK/udp64.pcap" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.environ.get("FP_ROOT", "."), "tests", "lib"))
import pcapgen
pcapgen.write_pcap(sys.argv[1], [pcapgen.udp_frame(64, flow=i, seq=i) for i in range(1024)])
PY
VDEV="net_pcap0,rx_pcap=$WORK/udp64.pcap,infinite_rx=1"
# shellcheck disable=SC2086
EAL="--no-pci -l 0,1 $FP_MEM_ARGS --log-level lib.eal:warning --log-level lib.telemetry:error --vdev $VDEV"

# measure PREFIX: ipackets rate over DURATION s, after 1 s of warm-up.
# Prints "mpps [cycles_per_packet]".
measure() {
    python3 - "$1" "$DURATION" <<'PY'
import os, sys, time
sys.path.insert(0, os.path.join(os.environ["FP_ROOT"], "scripts"))
import fptel
prefix, duration = sys.argv[1], float(sys.argv[2])
path = fptel.socket_path(prefix)
end = time.monotonic() + 30
while not os.path.exists(path) and time.monotonic() < end:
    time.sleep(0.05)
time.sleep(1.0)
c = fptel.Client(prefix)
def sample():
    t = time.monotonic()
    v = c.query("/ethdev/stats,0")["ipackets"]
    return t, v
t0, p0 = sample()
lc0 = c.query("/fastpath/lcores") if "/fastpath/lcores" in c.query("/") else None
time.sleep(duration)
t1, p1 = sample()
out = "%.3f" % ((p1 - p0) / (t1 - t0) / 1e6)
if lc0:
    lc1 = c.query("/fastpath/lcores")
    busy = sum(v["busy_cycles"] for v in lc1.values()) - sum(v["busy_cycles"] for v in lc0.values())
    pk = sum(v["packets"] for v in lc1.values()) - sum(v["packets"] for v in lc0.values())
    out += " %.1f" % (busy / pk if pk else 0)
print(out)
c.close()
PY
}

run_testpmd() {
    local prefix=fpbench_tp_$1
    # shellcheck disable=SC2086
    dpdk-testpmd $EAL --file-prefix "$prefix" -- --forward-mode=rxonly \
        --stats-period 1 --nb-cores=1 --total-num-mbufs=16384 >"$WORK/tp.log" 2>&1 &
    local pid=$!
    measure "$prefix"
    kill -INT $pid; wait $pid 2>/dev/null || true
}

run_fastpath() {
    local prefix=fpbench_fp_$1
    # shellcheck disable=SC2086
    "$FP_BUILD/app/fastpath" $EAL --file-prefix "$prefix" -- >"$WORK/fp.log" 2>&1 &
    local pid=$!
    measure "$prefix"
    kill -TERM $pid; wait $pid 2>/dev/null || true
}

export FP_ROOT
fp_say "$RUNS alternating runs of ${DURATION}s each; $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
TP=() FP=() CPP=()
for i in $(seq 1 "$RUNS"); do
    t=$(run_testpmd "$i"); TP+=("$t")
    read -r f c < <(run_fastpath "$i"); FP+=("$f"); CPP+=("$c")
    printf '  run %d: testpmd rxonly %s Mpps, fastpath %s Mpps (%s cycles/packet)\n' "$i" "$t" "$f" "$c"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mt=$(median "${TP[@]}"); mf=$(median "${FP[@]}"); mc=$(median "${CPP[@]}")
printf '\nmedian: testpmd rxonly %s Mpps, fastpath %s Mpps, ratio %s, fastpath %s cycles/packet\n' \
    "$mt" "$mf" "$(awk -v a="$mf" -v b="$mt" 'BEGIN {printf "%.2f", a / b}')" "$mc"
