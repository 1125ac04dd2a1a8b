#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Instructions per packet inside the processing entry point, counted by
# callgrind (a figure that does not move with the machine's load):
#   common  65,536 64-byte IPv4/UDP datagrams to a count listener
#   handler the common case to examples/first8 (a user's handler that
#           reads each payload's first 8 bytes and consumes it)
#   mixed   65,536 frames: IPv4/UDP, IPv6/UDP, VLAN-tagged IPv4/UDP, TCP,
#           ICMP echo requests (answered), and 10% drops (bad UDP
#           checksum, no listener, another host's address)
# Each pcap is replayed once through net_pcap on the main lcore
# (--main-polls, -l 0); callgrind collects inside fp_proc_burst only.
#
#   scripts/bench-instr.sh [ENTRY]     (ENTRY: the function to count in,
#                                       default fp_proc_burst)
set -euo pipefail
case "${1:-}" in
    -h|--help) echo "usage: $0 [ENTRY]   (the function to count in; default fp_proc_burst)"; exit 0 ;;
    -*) echo "usage: $0 [ENTRY]" >&2; exit 2 ;;
esac
. "$(dirname "$0")/common.sh"

ENTRY=${1:-fp_proc_burst}
FRAMES=65536
fp_install_deps valgrind
fp_build
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; rm -rf /var/run/dpdk/fpinstr_*' EXIT
python3 - "$WORK" "$FRAMES" <<'PY'
import os, random, struct, sys
sys.path.insert(0, os.path.join(os.environ.get("FP_ROOT", "."), "tests", "lib"))
import pcapgen as pg
work, n = sys.argv[1], int(sys.argv[2])
US, PEER = "02:70:63:61:70:00", "02:00:00:00:00:02"   # net_pcap port 0's MAC
pg.write_pcap(os.path.join(work, "common.pcap"),
              [pg.udp_frame(64, flow=i % 1024, seq=i) for i in range(n)])
rnd = random.Random(1)
def udp4(i, dport=9, dst="10.1.0.1"):
    return pg.pad60(pg.eth(US, PEER, 0x0800, pg.udp4("10.0.%d.%d" % (i >> 8 & 255, i & 255),
                                                      dst, 1000 + i % 1000, dport, bytes(18))))
def bad_csum(i):
    f = bytearray(udp4(i))
    f[14 + 20 + 6] ^= 0xff
    return bytes(f)
kinds = [  # (weight, builder)
    (40, udp4),
    (15, lambda i: pg.eth(US, PEER, 0x86DD, pg.udp6("2001:db8::%x" % (i % 4096 + 2), "2001:db8::1",
                                                    1000 + i % 1000, 9, bytes(18)))),
    (15, lambda i: pg.pad60(pg.eth_vlan(US, PEER, 100, 0x0800, pg.udp4(
        "10.0.9.%d" % (i & 255), "10.1.0.1", 2000, 9, bytes(18))))),
    (10, lambda i: pg.pad60(pg.eth(US, PEER, 0x0800, pg.ipv4("10.0.8.%d" % (i & 255), "10.1.0.1", 6,
        struct.pack("!HHIIBBHHH", 1000, 80, i, 0, 0x50, 0x02, 1024, 0, 0))))),
    (10, lambda i: pg.pad60(pg.eth(US, PEER, 0x0800, pg.icmp4("10.0.7.%d" % (i & 255), "10.1.0.1", 8, 0,
                                                              struct.pack("!HH", 1, i & 0xffff) + bytes(16))))),
    (4, bad_csum),
    (3, lambda i: udp4(i, dport=4444)),
    (3, lambda i: udp4(i, dst="10.1.0.99")),
]
bag = [b for w, b in kinds for _ in range(w)]
pg.write_pcap(os.path.join(work, "mixed.pcap"), [rnd.choice(bag)(i) for i in range(n)])
PY

# count CASE PCAP APP_ARGS...: instructions per packet inside ENTRY
count() {
    local case=$1 pcap=$2
    shift 2
    local out="$WORK/callgrind.$case"
    # shellcheck disable=SC2086
    valgrind --tool=callgrind --toggle-collect="$ENTRY" --callgrind-out-file="$out" \
        "$FP_BUILD/app/fastpath" --no-pci -l 0 --no-huge -m 512 --file-prefix "fpinstr_$case" \
        --log-level '*:error' --vdev "net_pcap0,rx_pcap=$pcap,tx_pcap=$WORK/tx.$case.pcap" -- \
        --main-polls --idle-exit 1000 "$@" >/dev/null 2>"$WORK/err.$case" \
        || { cat "$WORK/err.$case" >&2; fp_die "fastpath under callgrind failed ($case)"; }
    python3 - "$out" "$FRAMES" "$case" <<'PY'
import sys
total = None
for line in open(sys.argv[1]):
    if line.startswith("totals:") or line.startswith("summary:"):
        total = int(line.split()[1])
n = int(sys.argv[2])
print("%-7s %9.1f instructions per packet (%d instructions, %d packets)"
      % (sys.argv[3], total / n, total, n))
PY
}

fp_say "callgrind, inside $ENTRY, $FRAMES frames each"
count common "$WORK/common.pcap" --listen 9=count
# the same traffic to a user's handler that reads each payload's first 8
# bytes (examples/first8): the handler interface's cost over count
count handler "$WORK/common.pcap" \
    --listen "9=plugin,path=$FP_BUILD/examples/first8.so"
count mixed "$WORK/mixed.pcap" --local-ip 10.1.0.1/24 --local-ip 2001:db8::1 \
    --listen 9=count --vlan 0,100
