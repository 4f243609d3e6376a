#!/usr/bin/env bash
# Tests the Debian packages (docs/deploy.md): builds the amd64 packages from the existing release build (nothing is
# compiled), runs lintian (no error allowed), checks package.sh's refusals (wrong architecture, missing binary), then
# installs both packages with dpkg into a throwaway minimal Debian tree that holds only what their Depends: pull in, and
# checks there: every shared library resolves, `--version` of each binary (as root and as the package's system user),
# the users, conffiles and enabled units the maintainer scripts made, the profile-limits generator's drop-in, the
# collector really serving /healthz from the tree as its user, `systemd-analyze verify` of the units, a purge, and
# scripts/install-agent.sh --package in the purged tree (systemctl recorded, not run: no systemd here).
#
# Usage: scripts/test-packages.sh           (EDGEFLEET_BIN=DIR: the release binaries; default swift build --show-bin-path;
#                                            EDGEFLEET_TEST_DEBS=DIR: test packages package.sh made earlier instead)
# Needs root (chroot), network access to the Debian mirror the first time (mmdebstrap; EDGEFLEET_DEBIAN_MIRROR), and
# lintian, mmdebstrap, systemd (scripts/setup.sh). The base tree is cached by its package list in
# ${XDG_CACHE_HOME:-~/.cache}/edgefleet-packages (about 2 minutes to make once, seconds to unpack).
# Prints "test-packages: PASS (N checks)" or "test-packages: FAIL: reason" and exits non-zero on a failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
checks=0
fail() { echo "test-packages: FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "test-packages: ok - $*"; }
[ "$(id -u)" -eq 0 ] || fail "needs root (dpkg into a chroot)"
for tool in lintian mmdebstrap systemd-analyze dpkg-deb chroot curl; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/setup.sh installs it)"
done
bin="${EDGEFLEET_BIN:-$(swift build -c release --show-bin-path)}"
work="$(mktemp -d /tmp/edgefleet-packages.XXXXXX)"
collector_pid=""
cleanup() {
    [ -n "$collector_pid" ] && kill "$collector_pid" 2>/dev/null && wait "$collector_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# --- 1. refusals: no package from a wrong or missing binary -------------------------------------------------------
mkdir -p "$work/empty"
if out=$(scripts/package.sh --arch amd64 --bin "$work/empty" --out "$work/none" 2>&1); then fail "package.sh built packages from an empty directory"; fi
grep -q "missing binary $work/empty/edge-agent" <<<"$out" || fail "missing binary: unexpected message: $out"
ok "a missing binary is refused: ${out#package: }"
if out=$(scripts/package.sh --arch arm64 --bin "$bin" --out "$work/none" 2>&1); then fail "package.sh made arm64 packages of x86-64 binaries"; fi
grep -q "wrong architecture: .*edge-agent is built for Advanced Micro Devices X86-64, but --arch arm64 needs AArch64" <<<"$out" ||
    fail "wrong architecture: unexpected message: $out"
ok "a binary of the wrong architecture is refused"
[ ! -e "$work/none" ] || [ -z "$(ls -A "$work/none")" ] || fail "a refused build left files in its --out directory"

# --- 2. the amd64 packages and lintian ---------------------------------------------------------------------------
if [ -n "${EDGEFLEET_TEST_DEBS:-}" ]; then   # a developer's shortcut: packages made earlier by package.sh
    mkdir -p "$work/debs" && cp "$EDGEFLEET_TEST_DEBS"/*_amd64.deb "$work/debs/"
else
    scripts/package.sh --arch amd64 --bin "$bin" --out "$work/debs" >"$work/package.log" 2>&1 || { cat "$work/package.log" >&2; fail "package.sh --arch amd64"; }
fi
version=$(sed -n 's/.*static let current = "\([^"]*\)".*/\1/p' Sources/Agent/System/AgentVersion.swift)
agent_deb="$work/debs/edgefleet-agent_${version}_amd64.deb"
collector_deb="$work/debs/edgefleet-collector_${version}_amd64.deb"
[ -f "$agent_deb" ] && [ -f "$collector_deb" ] || fail "package.sh did not write $agent_deb and $collector_deb: $(ls "$work/debs")"
ok "package.sh --arch amd64 wrote $(basename "$agent_deb") ($(du -h "$agent_deb" | cut -f1)) and $(basename "$collector_deb") ($(du -h "$collector_deb" | cut -f1))"
for deb in "$agent_deb" "$collector_deb"; do
    depends=$(dpkg-deb -f "$deb" Depends)
    grep -q 'swift\|Foundation' <<<"$depends" && fail "$(basename "$deb") depends on the Swift runtime: $depends"
    for b in $(dpkg-deb -c "$deb" | awk '$1 ~ /^-..x/ && $6 ~ /usr\/(bin|lib\/edge)/ {print $6}'); do
        dpkg-deb --fsys-tarfile "$deb" | tar -xO "$b" >"$work/elf"
        if readelf -d "$work/elf" | grep -qE 'NEEDED.*\[lib(swift|Foundation|_Foundation|dispatch|BlocksRuntime)'; then
            fail "$b loads the Swift runtime dynamically"
        fi
    done
done
grep -q '^Depends: adduser, libc6 (>= [0-9.]*), .*libmosquitto1.*zlib1g' <(dpkg-deb -f "$agent_deb") || fail "agent Depends: $(dpkg-deb -f "$agent_deb" Depends)"
ok "Depends: from the loaded libraries, Swift runtime static: agent: $(dpkg-deb -f "$agent_deb" Depends); collector: $(dpkg-deb -f "$collector_deb" Depends)"
lintian --tag-display-limit 0 --fail-on error "$agent_deb" "$collector_deb" >"$work/lintian.log" 2>&1 || {
    cat "$work/lintian.log" >&2; fail "lintian reports errors"; }
grep -q '^E:' "$work/lintian.log" && { cat "$work/lintian.log" >&2; fail "lintian reports errors"; }
ok "lintian: no errors ($(grep -c '^W:' "$work/lintian.log" || true) warnings: $(grep '^W:' "$work/lintian.log" | awk '{print $3}' | sort -u | paste -sd' '))"
dpkg-deb -I "$agent_deb" conffiles | grep -qx /etc/edge-agent/agent.json.example || fail "agent conffiles"
dpkg-deb -I "$collector_deb" conffiles | grep -qx /etc/edge-collector/collector.json || fail "collector conffiles"
ok "conffiles: /etc/edge-agent/agent.json.example, /etc/edge-collector/collector.json"

# --- 3. a minimal Debian tree with only the Depends: ----------------------------------------------------------------
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
mirror=${EDGEFLEET_DEBIAN_MIRROR:-http://deb.debian.org/debian}
deps=$( (dpkg-deb -f "$agent_deb" Depends; dpkg-deb -f "$collector_deb" Depends) | tr ',' '\n' | sed 's/(.*)//; s/ //g' | grep -v '^$' | sort -u | paste -sd,)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/edgefleet-packages"
key=$(printf '%s %s %s' "$suite" "$mirror" "$deps" | sha256sum | cut -c1-16)
base="$cache/base-$suite-$key.tar"
if [ ! -f "$base" ]; then
    mkdir -p "$cache"
    echo "test-packages: making the base tree ($suite, essential + $deps) with mmdebstrap, once"
    # mmdebstrap picks the output format by the name's extension: .partial.tar is still a tarball.
    mmdebstrap --quiet --variant=essential --include="$deps" "$suite" "$base.partial.tar" "$mirror" >"$work/mmdebstrap.log" 2>&1 || {
        tail -20 "$work/mmdebstrap.log" >&2; rm -rf "$base.partial.tar"; fail "mmdebstrap $suite from $mirror failed"; }
    mv "$base.partial.tar" "$base"
fi
tree="$work/root"
mkdir -p "$tree"
tar -xf "$base" -C "$tree"
cp "$agent_deb" "$collector_deb" "$tree/tmp/"
# dpkg refuses a package whose Depends: the tree lacks: this is the check that Depends: is complete.
chroot "$tree" dpkg -i "/tmp/$(basename "$agent_deb")" "/tmp/$(basename "$collector_deb")" >"$work/dpkg.log" 2>&1 || {
    cat "$work/dpkg.log" >&2; fail "dpkg -i in a $suite tree holding only the Depends:"; }
ok "dpkg -i of both packages in a minimal $suite tree (essential + $deps)"

# --- 4. inside the tree -----------------------------------------------------------------------------------------------
# in_tree USER|"" COMMAND...: runs COMMAND chrooted in the tree (as USER), with /proc mounted in a private mount namespace
# (gone with the process). /proc is needed: a statically linked Swift program reads its arguments from /proc/self/cmdline.
in_tree() {
    unshare --mount --fork --kill-child=TERM sh -c 'root=$1 spec=$2; shift 2
        mount -t proc proc "$root/proc" && exec chroot ${spec:+--userspec=$spec} "$root" "$@"' sh "$tree" "$@"
}
mkdir -p "$tree/proc"
for b in /usr/bin/edge-agent /usr/bin/edge-collector /usr/bin/edgectl; do
    libs=$(in_tree "" ldd "$b" 2>&1) || fail "ldd $b: $libs"
    grep -q 'not found' <<<"$libs" && fail "$b needs libraries the tree lacks: $(grep 'not found' <<<"$libs")"
    grep -qE 'libswift|Foundation|/opt/' <<<"$libs" && fail "$b loads the toolchain's libraries: $libs"
done
ok "every shared library of edge-agent, edge-collector and edgectl resolves in the tree"
v=$(in_tree "" /usr/bin/edge-agent --version 2>&1) && [ "$v" = "edge-agent $version" ] || fail "edge-agent --version: $v"
v=$(in_tree edge-collector:edge-collector /usr/bin/edge-collector --version 2>&1) && [ "$v" = "edge-collector $version" ] ||
    fail "edge-collector --version: $(tail -3 <<<"$v")"
v=$(in_tree edge-agent:edge-agent /usr/bin/edgectl --version 2>&1) && [ "$v" = "$version" ] || fail "edgectl --version: $v"
ok "--version in the tree: edge-agent $version, edge-collector $version (as edge-collector), edgectl $version (as edge-agent)"

grep -q '^edge-agent:x:[0-9]*:[0-9]*::/var/lib/edge-agent:/usr/sbin/nologin$' "$tree/etc/passwd" || fail "no edge-agent system user"
grep -q '^edge-collector:x:[0-9]*:[0-9]*::/var/lib/edge-collector:/usr/sbin/nologin$' "$tree/etc/passwd" || fail "no edge-collector system user"
for unit in edge-agent edge-collector; do
    [ "$(readlink "$tree/etc/systemd/system/multi-user.target.wants/$unit.service")" = "/lib/systemd/system/$unit.service" ] ||
        fail "$unit.service is not enabled by postinst"
done
# Owners by the tree's numeric ids (the host's passwd does not know the tree's users).
tree_id() { awk -F: -v n="$2" '$1 == n { print $3 }' "$tree/etc/$1"; }
[ "$(stat -c '%a %g' "$tree/etc/edge-collector/collector.json")" = "640 $(tree_id group edge-collector)" ] ||
    fail "collector.json is not 0640 root:edge-collector"
[ "$(stat -c '%a %g' "$tree/etc/edge-agent")" = "750 $(tree_id group edge-agent)" ] || fail "/etc/edge-agent is not 0750 root:edge-agent"
[ ! -e "$tree/etc/edge-agent/agent.json" ] || fail "the agent package must not ship agent.json (the unit starts once it exists)"
grep -qx 'ConditionPathExists=/etc/edge-agent/agent.json' "$tree/lib/systemd/system/edge-agent.service" || fail "agent unit: no ConditionPathExists"
ok "postinst: system users edge-agent and edge-collector, both units enabled, the agent's waiting for agent.json, private configuration"

# The generator: CPUQuota= and MemoryMax= of the profile the configuration names.
sed 's/"profile": "generic-aarch64"/"profile": "rpi-4b-2gb"/' "$tree/etc/edge-agent/agent.json.example" >"$tree/etc/edge-agent/agent.json"
in_tree "" /lib/systemd/system-generators/edge-agent-profile-limits /run/generator /run/generator.early /run/generator.late
dropin="$tree/run/generator/edge-agent.service.d/50-profile-limits.conf"
[ -f "$dropin" ] || fail "the generator wrote no drop-in"
grep -qx 'CPUQuota=300%' "$dropin" && grep -qx 'MemoryMax=536870912' "$dropin" || fail "drop-in for rpi-4b-2gb: $(cat "$dropin")"
rm -rf "$tree/run/generator"
rm "$tree/etc/edge-agent/agent.json"
in_tree "" /lib/systemd/system-generators/edge-agent-profile-limits /run/generator /run/generator.early /run/generator.late
[ ! -e "$tree/run/generator/edge-agent.service.d" ] || fail "the generator wrote limits without a configuration"
ok "generator: rpi-4b-2gb -> CPUQuota=300% MemoryMax=536870912; no configuration -> no drop-in"

# The collector from the tree, as its user, with the packaged configuration: /healthz answers (Foundation, the
# dashboard's resource bundle and SQLite all work from the package alone). The broker is absent: it keeps retrying.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
install -d -o "$(tree_id passwd edge-collector)" -g "$(tree_id group edge-collector)" -m 0750 "$tree/var/lib/edge-collector"
in_tree edge-collector:edge-collector /usr/bin/edge-collector --config /etc/edge-collector/collector.json \
    --http-port "$port" --broker-port 1 >"$work/collector.log" 2>&1 &
collector_pid=$!
healthy=""
for _ in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >"$work/healthz" 2>/dev/null; then healthy=1; break; fi
    kill -0 "$collector_pid" 2>/dev/null || break
    sleep 0.5
done
[ -n "$healthy" ] || { tail -20 "$work/collector.log" >&2; fail "the packaged collector did not answer /healthz"; }
grep -q '"ok"' "$work/healthz" || fail "/healthz: $(cat "$work/healthz")"
kill -TERM "$collector_pid"; wait "$collector_pid" 2>/dev/null || true; collector_pid=""
[ "$(stat -c '%a %u' "$tree/var/lib/edge-collector/tokens.json")" = "600 $(tree_id passwd edge-collector)" ] || fail "tokens.json is not 0600 edge-collector"
[ -f "$tree/var/lib/edge-collector/collector.sqlite" ] || fail "no database in /var/lib/edge-collector"
ok "the packaged collector serves /healthz from the tree as edge-collector; state in /var/lib/edge-collector (tokens 0600)"

# --- 5. systemd-analyze verify ------------------------------------------------------------------------------------
# verify checks the syntax and semantics of every setting, that ExecStart's binary exists and is executable, and the
# dependencies it names; it does not run the unit, check User= against a passwd, or apply the sandbox (no systemd runs
# in this container). ExecStart is pointed into the tree, as the agent's own unit test does; nothing else changes.
units="$work/units"
mkdir -p "$units/edge-agent.service.d"
sed "s|^ExecStart=/usr/bin/|ExecStart=$tree/usr/bin/|" "$tree/lib/systemd/system/edge-agent.service" >"$units/edge-agent.service"
sed "s|^ExecStart=/usr/bin/|ExecStart=$tree/usr/lib/edge-collector/|" "$tree/lib/systemd/system/edge-collector.service" >"$units/edge-collector.service"
printf '[Service]\nCPUQuota=300%%\nMemoryMax=536870912\n' >"$units/edge-agent.service.d/50-profile-limits.conf"
verify=$(SYSTEMD_UNIT_PATH="$units:" systemd-analyze verify "$units/edge-agent.service" "$units/edge-collector.service" 2>&1) ||
    fail "systemd-analyze verify: $verify"
grep -E 'edge-(agent|collector)\.service' <<<"$verify" && fail "systemd-analyze verify warns about the units: $verify"
ok "systemd-analyze verify: edge-agent.service (with the profile drop-in) and edge-collector.service"

# --- 6. purge ------------------------------------------------------------------------------------------------------
chroot "$tree" dpkg --purge edgefleet-agent edgefleet-collector >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "dpkg --purge"; }
[ ! -e "$tree/usr/bin/edge-agent" ] && [ ! -e "$tree/usr/lib/edge-collector" ] || fail "purge left binaries"
[ ! -e "$tree/etc/systemd/system/multi-user.target.wants/edge-agent.service" ] || fail "purge left the agent enabled"
[ -f "$tree/var/lib/edge-collector/collector.sqlite" ] || fail "purge deleted the collector's database (it must keep it)"
ok "dpkg --purge: binaries and unit links gone, the collector's database kept"

# --- 7. install-agent.sh --package in the purged tree -----------------------------------------------------------------
# systemd does not run here: systemctl and systemd-analyze are stand-ins in the tree that record their arguments (the
# units themselves were verified above). The rest is real: dpkg installs the package (the tree has no apt), the keys,
# a signed initial bundle and agent.json land in place, and the packaged edge-agent's --check accepts them.
dev="$tree/tmp/device"
mkdir -p "$dev" "$tree/opt/edgefleet"
"$bin/edgectl" keys init --dir "$dev/keys" >/dev/null
fixture=Tests/Fixtures/conformance/kws_ref_model
printf '%s\n' '{"name": "kws", "version": "1.0.0", "releaseCounter": 1, "preprocessing": "int8 MFCC frames",' \
    ' "lineage": {"datasetSnapshotSHA256": "abababababababababababababababababababababababababababababababab",' \
    '             "codeVersion": "test-packages", "evaluation": {"metrics": {}}}}' >"$dev/meta.json"
printf 'energy,peak,prediction\n0.0,1,0\n0.5,2,3\n1.0,0,5\n' >"$dev/baseline.csv"
"$bin/edgectl" bundle build --model "$fixture/model.tflite" --metadata "$dev/meta.json" --baseline "$dev/baseline.csv" \
    --golden "$fixture" -o "$dev/kws.efb" >/dev/null
"$bin/edgectl" bundle sign "$dev/kws.efb" --keys "$dev/keys" >/dev/null
cp -R scripts firmware-profiles packaging "$tree/opt/edgefleet/"
cp "$agent_deb" "$dev/agent.deb"
for tool in systemctl systemd-analyze; do
    printf '#!/bin/sh\necho "%s $*" >>/tmp/systemd-calls\n' "$tool" >"$tree/usr/local/bin/$tool"
    chmod 0755 "$tree/usr/local/bin/$tool"
done
in_tree "" /opt/edgefleet/scripts/install-agent.sh --package /tmp/device/agent.deb --device-id pi-7 \
    --broker broker.example:1883 --profile rpi-4b-2gb --root-key /tmp/device/keys/root.pub \
    --trust /tmp/device/keys/trust.json --initial-bundle /tmp/device/kws.efb >"$work/install-agent.log" 2>&1 || {
    cat "$work/install-agent.log" >&2; fail "install-agent.sh --package"; }
grep -q '"deviceID": "pi-7"' "$tree/etc/edge-agent/agent.json" || fail "install-agent.sh wrote no agent.json for pi-7"
[ -f "$tree/etc/edge-agent/root.pub" ] && [ -f "$tree/usr/share/edge-agent/initial.efb" ] && [ -x "$tree/usr/bin/edge-agent" ] ||
    fail "install-agent.sh --package left out the package, the keys or the bundle"
calls=$(cat "$tree/tmp/systemd-calls")
grep -qx 'systemd-analyze verify /lib/systemd/system/edge-agent.service' <<<"$calls" &&
    grep -qx 'systemctl daemon-reload' <<<"$calls" && grep -qx 'systemctl enable --now edge-agent.service' <<<"$calls" ||
    fail "install-agent.sh --package did not verify, reload and start the packaged unit: $calls"
in_tree "" /lib/systemd/system-generators/edge-agent-profile-limits --print | grep -qx 'MemoryMax=536870912' ||
    fail "the installed configuration does not give rpi-4b-2gb's limits"
ok "install-agent.sh --package: package, keys, signed bundle, agent.json (edge-agent --check passes), unit verified, reloaded, enabled and started"

echo "test-packages: PASS ($checks checks)"
