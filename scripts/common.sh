# SPDX-License-Identifier: BSD-3-Clause
# Shared by demo.sh, test.sh and bench.sh: dependencies, build, hugepages.
# Source it; it sets FP_ROOT, FP_BUILD and FP_MEM_ARGS.

FP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FP_BUILD=${FP_BUILD:-$FP_ROOT/build}
FP_DEPS="dpdk dpdk-dev libdpdk-dev meson ninja-build pkg-config gcc \
libpcap-dev libnuma-dev libcunit1-dev python3"

fp_say() { printf '==> %s\n' "$*"; }
fp_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Install what is missing (Debian 12 packages), and the extra packages
# given as arguments.
fp_install_deps() {
    local missing="" p
    for p in $FP_DEPS "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    [ "$(id -u)" -eq 0 ] || fp_die "missing packages:$missing (run as root, or: sudo apt-get install$missing)"
    fp_say "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || fp_die "apt-get update failed"
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null \
        || fp_die "apt-get install$missing failed"
}

fp_build() {
    if [ ! -f "$FP_BUILD/build.ninja" ]; then
        meson setup "$FP_BUILD" "$FP_ROOT" >/dev/null || fp_die "meson setup failed"
    fi
    ninja -C "$FP_BUILD" >/dev/null || { ninja -C "$FP_BUILD"; fp_die "build failed"; }
}

fp_hugepages_free_mb() {
    local free size
    grep -q hugetlbfs /proc/mounts || { echo 0; return; }
    free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
    size=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo)
    echo $(( ${free:-0} * ${size:-0} / 1024 ))
}

# Reserve hugepages when we can (root, 2 MiB pages), mount hugetlbfs, and set
# FP_MEM_ARGS for EAL: hugepages when WANT_MB are free, else --no-huge.
fp_hugepages() {
    local want_mb=${1:-1024} pages size_kb total
    size_kb=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo)
    if [ "$(id -u)" -eq 0 ] && [ -n "$size_kb" ] && [ -w /proc/sys/vm/nr_hugepages ]; then
        if [ "$(fp_hugepages_free_mb)" -lt "$want_mb" ]; then
            total=$(cat /proc/sys/vm/nr_hugepages)
            pages=$(( total + want_mb * 1024 / size_kb ))
            echo "$pages" > /proc/sys/vm/nr_hugepages 2>/dev/null || true
        fi
        if ! grep -q hugetlbfs /proc/mounts; then
            mkdir -p /dev/hugepages
            mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true
        fi
    fi
    if [ "$(fp_hugepages_free_mb)" -ge 256 ]; then
        FP_MEM_ARGS="-m 256 --huge-unlink"
        fp_say "hugepages: $(fp_hugepages_free_mb) MiB free"
    else
        FP_MEM_ARGS="--no-huge -m 256"
        fp_say "hugepages: none free; running with --no-huge"
    fi
}
