#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmark on one 64-byte UDP pcap (net_pcap infinite_rx=1), the same
# lcores (-l 0,1: one worker) and duration for every contender:
#   testpmd rxonly  dpdk-testpmd --forward-mode=rxonly: receive and free
#   testpmd csum    dpdk-testpmd --forward-mode=csum: parse, checksum, send
#                   (to net_pcap's tx drop)
#   fastpath        full processing: parse, validate, software checksums,
#                   a count listener on the traffic's port
#   handler         the same with a user's handler instead of count
#                   (examples/first8: reads each payload's first 8 bytes)
# Rates come from /ethdev/stats ipackets deltas read the same way for all.
# Prints the median of RUNS alternating runs, the ratios, and fastpath's
# cycles per packet from /fastpath/lcores. A tool, not a test.
#
# Also the median of the per-run ratios handler / count: each run's two
# are measured back to back, so a ratio of a pair is less exposed to the
# machine's load moving between runs than a ratio of medians. -p runs
# only that pair (count and first8), RUNS times. -R runs count against a
# ring listener read by fastpath-recv on the other CPU (the main lcore's,
# which only sleeps): the consumer's rate (datagrams it took off the ring
# per second) against count's, and the ring's drops per second (the
# ring's size: RING_SIZE, default 65536; fastpath-recv busy-polls for
# RECV_POLL microseconds, default 100, before it sleeps: -p). With -P
# CYCLES each -R run also runs the ring listener with fastpath slowed by
# --cost-cycles CYCLES a packet, a source paced below the consumer's rate:
# its drops should be 0.
#
#   scripts/bench.sh [-d SECONDS] [-r RUNS] [-n] [-p | -R [-P CYCLES]]
#                    (-n: --no-huge, -p: the handler pair, -R: the ring pair)
set -euo pipefail
. "$(dirname "$0")/common.sh"

DURATION=5
RUNS=3
RECV_POLL=${RECV_POLL:-100}
NOHUGE=0
PAIR=0
RING=0
PACE=0
while getopts "d:r:npRP:" o; do
    case $o in
        d) DURATION=$OPTARG ;;
        r) RUNS=$OPTARG ;;
        n) NOHUGE=1 ;;
        p) PAIR=1 ;;
        R) RING=1 ;;
        P) PACE=$OPTARG ;;
        *) echo "usage: $0 [-d SECONDS] [-r RUNS] [-n] [-p | -R [-P CYCLES]]" >&2; exit 2 ;;
    esac
done

fp_install_deps
fp_build
fp_hugepages 1024
[ "$NOHUGE" = 1 ] && FP_MEM_ARGS="--no-huge -m 512"
fp_say "memory: $FP_MEM_ARGS"
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

# measure PREFIX [ring]: over DURATION s, after 1 s of warm-up, the
# port's ipackets rate and fastpath's cycles per packet ("mpps [cpp]");
# with "ring", ring listener 0's consumer rate and the ring's drops, in
# Mpps and in all, once a consumer is attached ("mpps drops-mpps drops").
measure() {
    python3 - "$1" "$DURATION" "${2:-port}" <<'PY'
import importlib.machinery, os, sys, time
stat = importlib.machinery.SourceFileLoader(
    "fastpath_stat", os.path.join(os.environ["FP_ROOT"], "scripts", "fastpath-stat")).load_module()
prefix, duration, mode = sys.argv[1], float(sys.argv[2]), sys.argv[3]
path = stat.socket_path(prefix)
end = time.monotonic() + 30
while not os.path.exists(path) and time.monotonic() < end:
    time.sleep(0.05)
c = stat.Client(prefix)
while mode == "ring" and time.monotonic() < end:
    u = c.query("/fastpath/udp")
    if u and u["0"].get("consumer_pid"):
        break
    time.sleep(0.05)
time.sleep(1.0)
def sample():
    if mode == "ring":
        u = c.query("/fastpath/udp")["0"]
        return time.monotonic(), u["consumer_dequeued"], u["drops"]
    return time.monotonic(), c.query("/ethdev/stats,0")["ipackets"], 0
lc0 = c.query("/fastpath/lcores") if mode == "port" and "/fastpath/lcores" in c.query("/") else None
t0, p0, x0 = sample()
time.sleep(duration)
t1, p1, x1 = sample()
out = "%.3f" % ((p1 - p0) / (t1 - t0) / 1e6)
if mode == "ring":
    out += " %.3f %d" % ((x1 - x0) / (t1 - t0) / 1e6, x1 - x0)
elif lc0:
    lc1 = c.query("/fastpath/lcores")
    busy = sum(v["busy_cycles"] for v in lc1.values()) - sum(v["busy_cycles"] for v in lc0.values())
    pk = sum(v["packets"] for v in lc1.values()) - sum(v["packets"] for v in lc0.values())
    out += " %.1f" % (busy / pk if pk else 0)
print(out)
c.close()
PY
}

# run_ring RUN [FASTPATH_ARGS...]
run_ring() {
    local prefix=fpbench_ring_$1
    shift
    # the consumer maps fastpath's hugepage files: they must stay linked
    # shellcheck disable=SC2086
    "$FP_BUILD/app/fastpath" ${EAL/--huge-unlink/} --file-prefix "$prefix" -- \
        --listen 9=ring,name=bench,size=${RING_SIZE:-65536} "$@" >"$WORK/fp.log" 2>&1 &
    local pid=$! i
    for i in $(seq 1 300); do
        [ -S "/var/run/dpdk/$prefix/dpdk_telemetry.v2" ] && break
        sleep 0.1
    done
    sleep 1
    taskset -c 0 "$FP_BUILD/client/fastpath-recv" -q -p "$RECV_POLL" -f "$prefix" bench \
        2>"$WORK/recv.log" &
    local rpid=$!
    measure "$prefix" ring
    kill -INT $rpid; wait $rpid 2>/dev/null || true
    kill -TERM $pid; wait $pid 2>/dev/null || true
    rm -f /dev/hugepages/"${prefix}"map_*
}

run_testpmd() {
    local prefix=fpbench_tp_$1_$2
    # shellcheck disable=SC2086
    dpdk-testpmd $EAL --file-prefix "$prefix" -- --forward-mode="$2" \
        --port-topology=loop --stats-period 1 --nb-cores=1 \
        --total-num-mbufs=16384 >"$WORK/tp.log" 2>&1 &
    local pid=$!
    measure "$prefix"
    kill -INT $pid; wait $pid 2>/dev/null || true
}

run_fastpath() {
    local prefix=fpbench_fp_$1 listen=${2:-9=count}
    # shellcheck disable=SC2086
    "$FP_BUILD/app/fastpath" $EAL --file-prefix "$prefix" -- --listen "$listen" \
        >"$WORK/fp.log" 2>&1 &
    local pid=$!
    measure "$prefix"
    kill -TERM $pid; wait $pid 2>/dev/null || true
}

export FP_ROOT
fp_say "$RUNS alternating runs of ${DURATION}s each; $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
TP=() TC=() FP=() CPP=() FH=() HR=()
if [ "$RING" = 1 ]; then
    [ "$NOHUGE" = 1 ] && fp_die "-R needs hugepages: ring consumers are DPDK secondaries"
    RR=() RD=()
    for i in $(seq 1 "$RUNS"); do
        if [ $((i % 2)) = 1 ]; then
            read -r f _ < <(run_fastpath "$i"); read -r g x _ < <(run_ring "$i")
        else
            read -r g x _ < <(run_ring "$i"); read -r f _ < <(run_fastpath "$i")
        fi
        FP+=("$f"); FH+=("$g"); RD+=("$x"); RR+=("$(awk -v a="$g" -v b="$f" 'BEGIN {printf "%.2f", a / b}')")
        printf '  run %d: count %s Mpps, ring consumer %s Mpps (%s), ring drops %s Mpps\n' \
            "$i" "$f" "$g" "${RR[-1]}" "$x"
        if [ "$PACE" != 0 ]; then
            read -r g _ x < <(run_ring "p$i" --cost-cycles "$PACE")
            printf '         paced (--cost-cycles %s): consumer %s Mpps, ring drops %s in %ss\n' \
                "$PACE" "$g" "$x" "$DURATION"
        fi
    done
    med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    printf '\nmedian: count %s Mpps, ring consumer %s Mpps, median of the runs'"'"' ratios %s (target >= 0.7)\n' \
        "$(med "${FP[@]}")" "$(med "${FH[@]}")" "$(med "${RR[@]}")"
    exit 0
fi
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
for i in $(seq 1 "$RUNS"); do
    t=- x=-
    if [ "$PAIR" = 0 ]; then
        t=$(run_testpmd "$i" rxonly); TP+=("$t")
        x=$(run_testpmd "$i" csum); TC+=("$x")
    fi
    # the pair in turns, count first on odd runs: neither always runs
    # on the heels of the other
    if [ $((i % 2)) = 1 ]; then
        read -r f c < <(run_fastpath "$i")
        read -r h _ < <(run_fastpath "h$i" "9=plugin,path=$FP_BUILD/examples/first8.so")
    else
        read -r h _ < <(run_fastpath "h$i" "9=plugin,path=$FP_BUILD/examples/first8.so")
        read -r f c < <(run_fastpath "$i")
    fi
    FP+=("$f"); CPP+=("$c"); FH+=("$h"); HR+=("$(ratio "$h" "$f")")
    [ "$PAIR" = 0 ] && printf '  run %d: testpmd rxonly %s Mpps, testpmd csum %s Mpps, ' "$i" "$t" "$x"
    [ "$PAIR" = 1 ] && printf '  run %d: ' "$i"
    printf 'fastpath %s Mpps (%s cycles/packet), with a handler %s Mpps (%s)\n' \
        "$f" "$c" "$h" "${HR[-1]}"
done
if [ "$PAIR" = 1 ]; then
    printf '\nmedian: fastpath %s Mpps, with a handler %s Mpps\n' "$(median "${FP[@]}")" "$(median "${FH[@]}")"
    printf 'handler / count = %s, median of the runs'"'"' ratios %s (target >= 0.9)\n' \
        "$(ratio "$(median "${FH[@]}")" "$(median "${FP[@]}")")" "$(median "${HR[@]}")"
    exit 0
fi
mt=$(median "${TP[@]}"); mx=$(median "${TC[@]}"); mf=$(median "${FP[@]}"); mc=$(median "${CPP[@]}")
mh=$(median "${FH[@]}")
printf '\nmedian: testpmd rxonly %s Mpps, testpmd csum %s Mpps, fastpath %s Mpps, %s cycles/packet, with a handler %s Mpps\n' \
    "$mt" "$mx" "$mf" "$mc" "$mh"
printf 'fastpath / testpmd rxonly = %s (target >= 0.45); fastpath / testpmd csum = %s (target >= 1.5)\n' \
    "$(ratio "$mf" "$mt")" "$(ratio "$mf" "$mx")"
printf 'handler / count = %s, median of the runs'"'"' ratios %s (target >= 0.9)\n' \
    "$(ratio "$mh" "$mf")" "$(median "${HR[@]}")"
