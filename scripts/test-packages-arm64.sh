#!/usr/bin/env bash
# Tests the arm64 Debian packages (docs/deploy.md) from the aarch64 cross-build: builds both with scripts/package.sh
# --arch arm64 (nothing is compiled), runs lintian (no error allowed), checks every shared library the binaries need
# (ELF NEEDED) resolves in the arm64 Debian sysroot of the cross-build (package.sh derives Depends: from the same
# NEEDED entries; test-packages.sh checks that mapping by installing the amd64 packages into a minimal tree), runs
# `--version` of each binary under qemu-user, and runs the packaged edge-collector under qemu against a mosquitto on
# loopback until /healthz answers, then stops it with SIGTERM (exit status 0 required).
#
# Usage: EDGEFLEET_AARCH64_PRODUCTS=all scripts/cross-build-aarch64.sh && scripts/test-packages-arm64.sh [--out DIR]
#        (--out keeps the packages; default a temporary directory). Needs lintian, qemu-user, mosquitto, curl
#        (scripts/setup.sh installs them); not part of scripts/test.sh, since CI does not cross-build.
# Prints "test-packages-arm64: PASS (N checks)" or "test-packages-arm64: FAIL: reason" and exits non-zero on a failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/lib/aarch64-common.sh
source scripts/lib/aarch64-common.sh
checks=0
fail() { echo "test-packages-arm64: FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "test-packages-arm64: ok - $*"; }
out=""
while (($#)); do
    case $1 in
    --out) out=$2; shift ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) fail "unknown argument $1 (see --help)" ;;
    esac
    shift
done
for tool in lintian qemu-aarch64 mosquitto curl dpkg-deb readelf; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/setup.sh installs it)"
done
sysroot="$EF_CACHE/sdks/edgefleet-aarch64.artifactbundle/aarch64/sysroot"
[ -d "$sysroot/usr/lib/aarch64-linux-gnu" ] || fail "no arm64 sysroot at $sysroot: run scripts/cross-build-aarch64.sh first"
for b in edge-agent edge-collector edgectl; do
    [ -x "$EF_OUT/bin/$b" ] || fail "no aarch64 $b in $EF_OUT/bin: run EDGEFLEET_AARCH64_PRODUCTS=all scripts/cross-build-aarch64.sh"
done
work="$(mktemp -d /tmp/edgefleet-arm64-packages.XXXXXX)"
broker_pid="" collector_pid=""
cleanup() {
    [ -n "$collector_pid" ] && kill -KILL "$collector_pid" 2>/dev/null
    [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
debs=${out:-$work/debs}

# --- 1. the packages and lintian -----------------------------------------------------------------------------------
scripts/package.sh --arch arm64 --out "$debs" >"$work/package.log" 2>&1 || { cat "$work/package.log" >&2; fail "package.sh --arch arm64"; }
version=$(sed -n 's/.*static let current = "\([^"]*\)".*/\1/p' Sources/Agent/System/AgentVersion.swift)
agent_deb="$debs/edgefleet-agent_${version}_arm64.deb"
collector_deb="$debs/edgefleet-collector_${version}_arm64.deb"
[ -f "$agent_deb" ] && [ -f "$collector_deb" ] || fail "package.sh did not write $agent_deb and $collector_deb: $(ls "$debs")"
for deb in "$agent_deb" "$collector_deb"; do
    [ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] || fail "$(basename "$deb") is not Architecture: arm64"
done
ok "package.sh --arch arm64 wrote $(basename "$agent_deb") ($(du -h "$agent_deb" | cut -f1)) and $(basename "$collector_deb") ($(du -h "$collector_deb" | cut -f1))"
lintian --fail-on error "$agent_deb" "$collector_deb" >"$work/lintian.log" 2>&1 || { cat "$work/lintian.log" >&2; fail "lintian reports errors"; }
ok "lintian: no errors ($(grep -c '^W:' "$work/lintian.log" || true) warnings)"

# --- 2. libraries and --version under qemu ------------------------------------------------------------------------
for deb in "$agent_deb" "$collector_deb"; do
    tree="$work/$(dpkg-deb -f "$deb" Package)"
    dpkg-deb -x "$deb" "$tree"
    while read -r binary; do
        [ "$(readelf -h "$tree/$binary" | sed -n 's/.*Machine: *//p')" = AArch64 ] || fail "$binary in $(basename "$deb") is not an AArch64 binary"
        for lib in $(readelf -d "$tree/$binary" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
            [ -e "$sysroot/usr/lib/aarch64-linux-gnu/$lib" ] || [ -e "$sysroot/lib/aarch64-linux-gnu/$lib" ] ||
                fail "$binary needs $lib, which the arm64 Debian sysroot does not have"
        done
        got=$(qemu-aarch64 -cpu cortex-a72 -L "$sysroot" "$tree/$binary" --version 2>&1) || fail "$binary --version under qemu failed: $got"
        [ "${got##* }" = "$version" ] || fail "$binary --version printed '$got', expected $version"
        ok "$(basename "$binary") (arm64) resolves every library in the sysroot and prints $version under qemu (cortex-a72)"
    done < <(dpkg-deb -c "$deb" | awk '$1 ~ /^-..x/ && $6 ~ /usr\/(bin|lib\/edge)/ {sub(/^\.\//, "", $6); print $6}')
done

# --- 3. the packaged collector serves under qemu ------------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
broker_pid=$!
tree="$work/edgefleet-collector"
profiles="$tree/usr/share/edge-collector/firmware-profiles"
[ -d "$profiles" ] || fail "the collector package carries no firmware profiles at /usr/share/edge-collector/firmware-profiles"
mkdir -p "$work/state"
cat >"$work/collector.json" <<EOF
{ "stateDirectory": "$work/state", "broker": { "host": "127.0.0.1", "port": $port },
  "http": { "host": "127.0.0.1", "port": $http_port }, "storage": { "engine": "sqlite" },
  "training": { "profilesDirectory": "$profiles" }, "rollouts": { "profilesDirectory": "$profiles" } }
EOF
qemu-aarch64 -cpu cortex-a72 -L "$sysroot" "$tree/usr/lib/edge-collector/edge-collector" serve --config "$work/collector.json" \
    >"$work/collector.log" 2>&1 &
collector_pid=$!
for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$http_port/healthz" >"$work/healthz" 2>/dev/null && break
    kill -0 "$collector_pid" 2>/dev/null || { cat "$work/collector.log" >&2; fail "the arm64 edge-collector exited under qemu"; }
    sleep 0.5
done
grep -q '"ok"' "$work/healthz" 2>/dev/null || { tail -20 "$work/collector.log" >&2; fail "the arm64 edge-collector never answered /healthz under qemu"; }
ok "the packaged arm64 edge-collector serves /healthz under qemu (SQLite state, MQTT broker on loopback)"
[ -f "$work/state/tokens.json" ] || fail "the collector wrote no tokens.json into its state directory"
kill -TERM "$collector_pid"
status=0; wait "$collector_pid" || status=$?
collector_pid=""
[ "$status" -eq 0 ] || { tail -20 "$work/collector.log" >&2; fail "SIGTERM: the arm64 edge-collector exited with status $status"; }
ok "SIGTERM stops the arm64 edge-collector cleanly (exit status 0)"
echo "test-packages-arm64: PASS ($checks checks)"
