#!/usr/bin/env bash
# The aarch64 C microkernels (`smlal`, `sdot`: Sources/CDotProduct), the NEON requantisation Kernels inlines on
# aarch64 (Sources/CDotProduct/include/CRequantizeNEON.h) and the HWCAP feature probes, run under
# qemu-user with the Raspberry Pi cores — the only aarch64 code CI executes (the cross-build of the Swift binaries
# is too slow for CI: docs/arm.md). Cheap: one static C program (scripts/qemu/kernel-check.c) compiled by the
# Swift toolchain's clang against Debian's arm64 cross C library (scripts/setup.sh installs it and qemu-user), about
# 1 s to build and 1 s to run.
#
# Per core: `smlal` exact against the scalar reference on 1420 random tiles; `sdot` too on cortex-a76, and it must
# be detected there and not on cortex-a53/a72 (where it would be SIGILL); the NEON requantisation exact against
# TFLite's scalar double rounding on 1.6 M random lanes (any multiplier, shifts −31…31, INT32_MIN, ties) and
# through its int8/uint8/int16 clamping stores.
# Usage: scripts/test-aarch64-kernels.sh   Output: "aarch64-kernels CORE: ok|FAILED …" per core; exit 1 on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

CC=${EDGEFLEET_AARCH64_CC:-clang}
command -v "$CC" >/dev/null || { echo "aarch64-kernels: FAILED: $CC not found (the Swift toolchain's clang)" >&2; exit 1; }
command -v qemu-aarch64 >/dev/null || { echo "aarch64-kernels: FAILED: qemu-aarch64 not found (scripts/setup.sh installs qemu-user)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$CC" --target=aarch64-linux-gnu -static -fuse-ld=lld -O2 -Wall -Wextra -Werror -I Sources/CDotProduct/include \
    Sources/CDotProduct/DotProduct.c Sources/CDotProduct/CPUFeatures.c scripts/qemu/kernel-check.c -o "$out/kernel-check" || {
    echo "aarch64-kernels: FAILED: compiling scripts/qemu/kernel-check.c for aarch64 (needs libc6-dev-arm64-cross, libgcc-12-dev-arm64-cross)"
    exit 1
}

status=0
for cpu in cortex-a53:no cortex-a72:no cortex-a76:yes; do
    core=${cpu%%:*} dot=${cpu##*:}
    rc=0
    line=$(qemu-aarch64 -cpu "$core" "$out/kernel-check" 2>&1) || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "aarch64-kernels $core: FAILED (exit $rc): $line"
        status=1
    elif [ "$dot" = yes ] && [[ $line != *"sdot the same tiles exact"* ]]; then
        echo "aarch64-kernels $core: FAILED: sdot was not detected or not run: $line"
        status=1
    elif [[ $line != *"requantize "[1-9]*" lanes exact"* ]]; then
        echo "aarch64-kernels $core: FAILED: the NEON requantisation was not checked: $line"
        status=1
    elif [ "$dot" = no ] && [[ $line != *"sdot not run (no asimddp)"* ]]; then
        echo "aarch64-kernels $core: FAILED: sdot detected on a core without it: $line"
        status=1
    else
        echo "aarch64-kernels $core: ok — ${line#kernel-check: }"
    fi
done
exit "$status"
