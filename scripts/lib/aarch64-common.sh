# shellcheck shell=bash
# Shared by scripts/cross-build-aarch64.sh and scripts/test-aarch64.sh (sourced, not run).
#
# The aarch64 toolchain is Debian unstable's swiftlang 6.2.3 in an amd64 chroot; the target is an arm64
# sysroot with Debian 13 (trixie) glibc 2.41 plus swiftlang:arm64's Swift resources, wrapped as a Swift SDK.
# Everything heavy lives in a cache outside the work tree; build outputs go to .build-aarch64/ (git-ignored).
#
# Environment (all optional):
#   EDGEFLEET_AARCH64_CACHE       cache directory        (default ${XDG_CACHE_HOME:-$HOME/.cache}/edgefleet-aarch64)
#   EDGEFLEET_AARCH64_OUT         output directory       (default <repo>/.build-aarch64)
#   EDGEFLEET_DEBIAN_MIRROR       Debian mirror          (default http://deb.debian.org/debian)
#   EDGEFLEET_AARCH64_TARGET_CPU  -target-cpu for the hot modules: none (generic armv8-a) or an LLVM CPU name
#   EDGEFLEET_AARCH64_PRODUCTS    space-separated executable products to build (default "edgectl edge-agent"; "all")
#   EDGEFLEET_AARCH64_JOBS        parallel build jobs    (default: number of cores)
#   EDGEFLEET_AARCH64_NICE        niceness of builds and emulated runs (default 10: the machine is shared)

EF_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EF_CACHE=${EDGEFLEET_AARCH64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/edgefleet-aarch64}
EF_OUT=${EDGEFLEET_AARCH64_OUT:-$EF_ROOT/.build-aarch64}
EF_MIRROR=${EDGEFLEET_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# `none`: generic armv8-a. Not cortex-a53: LLVM's cortex-a53 model assumes the ARMv8 Crypto extension, which the
# Raspberry Pi SoCs (BCM2837/BCM2710A1/BCM2711) lack; NEON is baseline either way.
EF_TARGET_CPU=${EDGEFLEET_AARCH64_TARGET_CPU:-none}
EF_JOBS=${EDGEFLEET_AARCH64_JOBS:-$(nproc)}

EF_TOOLCHAIN=$EF_CACHE/toolchain              # amd64 Debian unstable chroot holding swiftlang
EF_DEBS=$EF_CACHE/debs                        # swiftlang:arm64 and libswiftlang:arm64
EF_SDKS=$EF_CACHE/sdks                        # passed as --swift-sdks-path (no copy into ~/.swiftpm)
EF_SDK_NAME=edgefleet-aarch64
EF_BUNDLE=$EF_SDKS/$EF_SDK_NAME.artifactbundle
EF_SYSROOT=$EF_BUNDLE/aarch64/sysroot
EF_TRIPLE=aarch64-unknown-linux-gnu

EF_TOOLCHAIN_SUITE=unstable
EF_TOOLCHAIN_PACKAGES=swiftlang,libc6-dev,git,ca-certificates,pkg-config
# trixie = Debian 13, the base of current Raspberry Pi OS: its glibc is the newest the binaries may need.
EF_SYSROOT_SUITE=trixie
EF_SYSROOT_PACKAGES=libc6-dev,libgcc-14-dev,libstdc++-14-dev,zlib1g-dev,libmosquitto-dev,libmosquitto1,libsqlite3-dev,libcurl4-openssl-dev

EF_CPUS=(cortex-a53 cortex-a72 cortex-a76)     # Pi 3 / Zero 2 W, Pi 4, Pi 5

EF_SCRIPT=$(basename "$0" .sh)
mkdir -p "$EF_OUT/logs"
EF_TIMINGS=$EF_OUT/timings.log

ef_log() { printf '[%s] %s\n' "$EF_SCRIPT" "$*" >&2; }

ef_die() {
    printf '[%s] FAILED%s: %s\n' "$EF_SCRIPT" "${EF_PHASE:+ in phase '$EF_PHASE'}" "$*" >&2
    exit 1
}

ef_now() { date +%s%N; }

ef_phase() {
    EF_PHASE=$1
    EF_PHASE_T0=$(ef_now)
    ef_log "== $1: $2"
}

# ef_phase_done [note]: prints and records the phase's wall time.
ef_phase_done() {
    local ms=$((($(ef_now) - EF_PHASE_T0) / 1000000))
    local secs
    secs=$(printf '%d.%01d' $((ms / 1000)) $(((ms % 1000) / 100)))
    ef_log "   $EF_PHASE done in ${secs}s${1:+ ($1)}"
    printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$EF_SCRIPT" "$EF_PHASE" "$secs" "${1:-}" >>"$EF_TIMINGS"
    EF_PHASE=
}

# ef_logged NAME cmd...: runs cmd with its output in $EF_OUT/logs/NAME.log; on failure shows the log's tail and dies.
ef_logged() {
    local name=$1
    shift
    local log=$EF_OUT/logs/$name.log
    if ! "$@" >"$log" 2>&1; then
        printf '%s\n' "----- last 40 lines of $log -----" >&2
        tail -n 40 "$log" >&2
        printf '%s\n' "-----" >&2
        ef_die "'$name' failed (full log: $log)"
    fi
}

ef_require_root() {
    [ "$(id -u)" -eq 0 ] || ef_die "needs root (mmdebstrap, chroot and mount namespaces); run as root"
}

# ef_ensure_host_packages pkg...: installs the missing ones with apt-get (update first only if needed).
ef_ensure_host_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    ef_log "   installing host packages: ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >"$EF_OUT/logs/apt-host.log" 2>&1; then
        apt-get update -qq >>"$EF_OUT/logs/apt-host.log" 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
            >>"$EF_OUT/logs/apt-host.log" 2>&1 || ef_die "apt-get install ${missing[*]} failed (see $EF_OUT/logs/apt-host.log)"
    fi
}

# One process at a time per cache: a second run waits instead of corrupting the chroot or the sysroot.
ef_lock() {
    mkdir -p "$EF_CACHE"
    exec 9>"$EF_CACHE/.lock"
    if ! flock -n 9; then
        ef_log "another aarch64 build or test holds $EF_CACHE/.lock; waiting for it"
        flock 9
    fi
}

ef_toolchain_ready() { [ -f "$EF_TOOLCHAIN/.edgefleet-ready" ]; }
ef_sysroot_ready() { [ -f "$EF_SYSROOT/.edgefleet-ready" ]; }

# ef_chroot 'shell command': runs the command inside the toolchain chroot, in a private mount namespace (the
# mounts vanish with the process, even on kill), with the package mirror, the SDKs and the output directory
# mounted at their own paths. Extra host directories to mount at the same path: EF_CHROOT_MOUNTS (array).
ef_chroot() {
    local mounts=("$EF_SDKS" "$EF_OUT" "${EF_CHROOT_MOUNTS[@]}")
    mkdir -p "$EF_SDKS" "$EF_OUT"          # bind-mount sources must exist (the first run has no SDK folder yet)
    [ -d /opt/swift-packages ] && mounts+=(/opt/swift-packages)
    nice -n "${EDGEFLEET_AARCH64_NICE:-10}" unshare --mount --propagation private -- bash -c '
        set -e
        root=$1 cmd=$2
        shift 2
        mount --bind /dev "$root/dev"
        mount -t proc proc "$root/proc"
        for m in "$@"; do
            mkdir -p "$root$m"
            mount --bind "$m" "$root$m"
        done
        exec chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/bin:/bin:/usr/sbin:/sbin:/usr/libexec/swift/bin \
            LANG=C.UTF-8 TERM=dumb EDGEFLEET_TARGET_CPU="$EF_TARGET_CPU" EDGEFLEET_DEVICE_ONLY="$EF_DEVICE_ONLY" \
            PKG_CONFIG_SYSROOT_DIR="$EF_SYSROOT" \
            PKG_CONFIG_PATH="$EF_SYSROOT/usr/lib/aarch64-linux-gnu/pkgconfig:$EF_SYSROOT/usr/share/pkgconfig" \
            /bin/bash -c "$cmd"
    ' ef-chroot "$EF_TOOLCHAIN" "$1" "${mounts[@]}"
}
# The device side only (no collector, no server dependencies) unless every product is asked for.
EF_DEVICE_ONLY=1
[ "${EDGEFLEET_AARCH64_PRODUCTS:-}" = all ] && EF_DEVICE_ONLY=0
export EF_TARGET_CPU EF_SYSROOT EF_DEVICE_ONLY

# The `swift build` arguments that select the aarch64 SDK (pkg-config reads the sysroot: see ef_chroot).
ef_swift_sdk_args() {
    printf '%s ' -c release --swift-sdks-path "$EF_SDKS" --swift-sdk "$EF_SDK_NAME" -j "$EF_JOBS"
}

# Human-readable size of a file, e.g. "9.9 MiB (10383104 B)".
ef_size() {
    local b
    b=$(stat -c %s "$1")
    awk -v b="$b" 'BEGIN { printf "%.1f MiB (%d B)", b / 1048576, b }'
}
