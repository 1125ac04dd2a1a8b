#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Prepare a host for fastpath: hugepages and vfio-pci binding.
#
#   setup-host.sh hugepages N [--node NODE] [--dry-run]
#   setup-host.sh bind PCI [PCI...] [--dry-run]
#   setup-host.sh unbind PCI [PCI...] [--dry-run]
#   setup-host.sh status
#   setup-host.sh --help
#
# hugepages  reserve N hugepages of the default size (on NUMA node NODE, or
#            spread by the kernel) and mount hugetlbfs on /dev/hugepages
# bind       load vfio-pci and bind the devices to it (the kernel loses them)
# unbind     unbind the devices from their driver (bind them back to the
#            kernel driver with: dpdk-devbind.py --bind=DRIVER PCI)
# status     hugepages per node, hugetlbfs mounts, network devices' drivers
#
# --dry-run prints the exact commands instead of running them. Options may
# come anywhere on the line. Installed as fastpath-setup-host.
set -euo pipefail

DRY=0
# the comment block above, without its '# '
usage_text() { awk 'NR >= 3 && /^#/ { sub(/^# ?/, ""); print; next } NR >= 3 { exit }' "$0"; }
die() { printf 'setup-host: %s\n' "$*" >&2; exit 2; }

# run CMD...: run it, or print it with --dry-run
run() {
    if [ "$DRY" = 1 ]; then
        printf '%s\n' "$*"
    else
        "$@"
    fi
}

# write VALUE FILE: echo VALUE > FILE, or print that with --dry-run
write() {
    if [ "$DRY" = 1 ]; then
        printf 'echo %s > %s\n' "$1" "$2"
    else
        echo "$1" > "$2"
    fi
}

check_pci() {
    [[ "$1" =~ ^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$ ]] ||
        die "'$1' is not a PCI address; expected DDDD:BB:DD.F, e.g. 0000:3b:00.0"
}

need_root() {
    [ "$DRY" = 1 ] || [ "$(id -u)" -eq 0 ] || die "$1 needs root (or --dry-run)"
}

hugepages() {
    local n="" node="" size_kb
    while [ $# -gt 0 ]; do
        case $1 in
            --node) [ $# -ge 2 ] || die "--node needs a value"; node=$2; shift 2 ;;
            *) [ -z "$n" ] || die "hugepages takes one count"; n=$1; shift ;;
        esac
    done
    [[ "$n" =~ ^[0-9]+$ ]] || die "hugepages: '$n' is not a page count"
    [ -z "$node" ] || [[ "$node" =~ ^[0-9]+$ ]] || die "--node: '$node' is not a node number"
    need_root hugepages
    size_kb=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo)
    [ -n "$size_kb" ] || die "this kernel has no hugepages"
    if [ -n "$node" ]; then
        local f=/sys/devices/system/node/node$node/hugepages/hugepages-${size_kb}kB/nr_hugepages
        [ "$DRY" = 1 ] || [ -e "$f" ] || die "--node $node: no such NUMA node ($f)"
        write "$n" "$f"
    else
        write "$n" /proc/sys/vm/nr_hugepages
    fi
    if ! grep -qs ' /dev/hugepages hugetlbfs ' /proc/mounts || [ "$DRY" = 1 ]; then
        run mkdir -p /dev/hugepages
        run mount -t hugetlbfs nodev /dev/hugepages
    fi
    [ "$DRY" = 1 ] || status_hugepages
}

bind() {
    [ $# -gt 0 ] || die "bind: which PCI devices?"
    local d
    for d in "$@"; do check_pci "$d"; done
    need_root bind
    if [ "$DRY" = 0 ] && [ -z "$(ls -A /sys/kernel/iommu_groups 2>/dev/null)" ]; then
        echo "setup-host: note: no IOMMU groups; enable the IOMMU (intel_iommu=on or amd_iommu=on)" \
             "or vfio's no-IOMMU mode, or vfio-pci cannot take the devices" >&2
    fi
    run modprobe vfio-pci
    run dpdk-devbind.py --bind=vfio-pci "$@"
}

unbind() {
    [ $# -gt 0 ] || die "unbind: which PCI devices?"
    local d
    for d in "$@"; do check_pci "$d"; done
    need_root unbind
    run dpdk-devbind.py --unbind "$@"
}

status_hugepages() {
    local d
    echo "hugepages (default size $(awk '/^Hugepagesize:/ {print $2 " " $3}' /proc/meminfo)):"
    awk '/^HugePages_(Total|Free)/ {printf "  %-16s %s\n", $1, $2}' /proc/meminfo
    for d in /sys/devices/system/node/node*/hugepages/hugepages-*; do
        [ -e "$d/nr_hugepages" ] || continue
        printf '  %s: %s reserved, %s free\n' "${d#/sys/devices/system/node/}" \
            "$(cat "$d/nr_hugepages")" "$(cat "$d/free_hugepages")"
    done
    echo "hugetlbfs mounts:"
    grep hugetlbfs /proc/mounts | awk '{print "  " $2}' || echo "  none"
}

status() {
    status_hugepages
    echo "network devices:"
    if command -v dpdk-devbind.py >/dev/null; then
        dpdk-devbind.py --status-dev net | sed 's/^/  /'
    else
        echo "  dpdk-devbind.py not found (Debian package dpdk)"
    fi
}

# --dry-run and --help anywhere; --node keeps its value; the rest in order
args=()
while [ $# -gt 0 ]; do
    case $1 in
        --dry-run) DRY=1 ;;
        -h|--help) usage_text; exit 0 ;;
        --node) args+=("$1"); [ $# -lt 2 ] || { args+=("$2"); shift; } ;;
        --*) die "unknown option '$1'; expected --dry-run, --node NODE or --help" ;;
        *) args+=("$1") ;;
    esac
    shift
done
set -- "${args[@]+"${args[@]}"}"
[ $# -gt 0 ] || die "which command? expected hugepages, bind, unbind or status (--help)"
cmd=$1; shift
case $cmd in
    hugepages) hugepages "$@" ;;
    bind) bind "$@" ;;
    unbind) unbind "$@" ;;
    status) [ $# -eq 0 ] || die "status takes no argument (got '$1')"; status ;;
    *) die "unknown command '$cmd'; expected hugepages, bind, unbind or status (--help)" ;;
esac
