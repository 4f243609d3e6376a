#!/usr/bin/env bash
# Builds the Debian packages of EdgeFleet (docs/deploy.md):
#   DIR/edgefleet-agent_VERSION_ARCH.deb      edge-agent, its systemd unit (enabled, started once /etc/edge-agent/agent.json
#                                             exists), the profile-limits generator (CPUQuota=/MemoryMax= from the board's
#                                             firmware profile), the firmware profiles, /etc/edge-agent/agent.json.example
#                                             (conffile), the edge-agent system user (postinst)
#   DIR/edgefleet-collector_VERSION_ARCH.deb  edge-collector and edgectl, the hardened collector unit (enabled and started),
#                                             /etc/edge-collector/collector.json (conffile), state in /var/lib/edge-collector,
#                                             the edge-collector system user (postinst)
#
# Usage: scripts/package.sh --arch amd64|arm64 --out DIR [--bin DIR] [--version V] [--only agent|collector]
#   --only P    one package: `agent` needs only edge-agent (what a device cross-build makes), `collector` edge-collector
#               and edgectl. Default: both.
#   --bin DIR   where the built executables are. Default for amd64: `swift build -c release --show-bin-path` (nothing is
#               built here); for arm64: .build-aarch64/bin (scripts/cross-build-aarch64.sh; EDGEFLEET_AARCH64_PRODUCTS=all
#               builds edge-collector too).
#   --version V the packages' version (default: the agent's, Sources/Agent/System/AgentVersion.swift).
#
# The Swift runtime must be linked statically (the packages depend only on the C libraries the binaries load). When the
# amd64 binaries come from a plain `swift build` (runtime linked dynamically) they are relinked statically from the same
# object files (scripts/lib/swift-static-relink.py, seconds); the aarch64 cross-build links statically already.
# Depends: is computed from the ELF NEEDED entries of the packaged binaries. Fails, saying why, on a missing binary, a
# binary of another architecture, or a shared library it cannot map to a Debian package.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
arch="" out="" bin="" version="" only=""
while (($#)); do
    case "$1" in
        --arch) arch="${2:-}"; shift 2 ;;
        --out) out="${2:-}"; shift 2 ;;
        --bin) bin="${2:-}"; shift 2 ;;
        --version) version="${2:-}"; shift 2 ;;
        --only) only="${2:-}"; shift 2 ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) echo "package: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
fail() { echo "package: $*" >&2; exit 1; }
case "$arch" in
    amd64) machine="Advanced Micro Devices X86-64"; triple=x86_64-linux-gnu ;;
    arm64) machine="AArch64"; triple=aarch64-linux-gnu ;;
    *) fail "--arch must be amd64 or arm64 (got '${arch}')" ;;
esac
[ -n "$out" ] || fail "--out DIR is required"
case "$only" in
    "") binaries=(edge-agent edge-collector edgectl) ;;
    agent) binaries=(edge-agent) ;;
    collector) binaries=(edge-collector edgectl) ;;
    *) fail "--only must be agent or collector (got '${only}')" ;;
esac
for tool in dpkg-deb readelf strip strings python3 gzip; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/setup.sh installs what the packages need)"
done
if [ -z "$version" ]; then
    version=$(sed -n 's/.*static let current = "\([^"]*\)".*/\1/p' "$root/Sources/Agent/System/AgentVersion.swift")
    [ -n "$version" ] || fail "cannot read the version from Sources/Agent/System/AgentVersion.swift (pass --version)"
fi
if [ -z "$bin" ]; then
    if [ "$arch" = arm64 ]; then
        bin="${EDGEFLEET_AARCH64_OUT:-$root/.build-aarch64}/bin"
    else
        bin="$(cd "$root" && swift build -c release --show-bin-path)"
    fi
fi
[ -d "$bin" ] || fail "no binary directory $bin (build first: swift build -c release, or scripts/cross-build-aarch64.sh for arm64)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --- the binaries: present, the right machine, Swift runtime static, stripped -------------------------------------
# GNU strip knows the host's machine only; llvm-objcopy (the Swift toolchain has one) or a cross strip knows aarch64.
if [ "$arch" = "$(dpkg --print-architecture)" ]; then
    stripper=(strip --strip-unneeded)
else
    objcopy_tool=$(command -v llvm-objcopy || command -v "$triple-strip" || true)
    if [ -z "$objcopy_tool" ] && command -v swift >/dev/null; then
        objcopy_tool=$(dirname "$(readlink -f "$(command -v swift)")")/llvm-objcopy
        [ -x "$objcopy_tool" ] || objcopy_tool=""
    fi
    case "$objcopy_tool" in
        */llvm-objcopy) stripper=("$objcopy_tool" --strip-all) ;;
        "") stripper=(false) ;;
        *) stripper=("$objcopy_tool" --strip-unneeded) ;;
    esac
fi
# stage_binary NAME: copies $bin/NAME into $work/bin/NAME ready to ship.
mkdir -p "$work/bin"
stage_binary() {
    local name=$1 source="$bin/$1" staged="$work/bin/$1"
    if [ ! -f "$source" ]; then
        local hint="swift build -c release --product $name"
        [ "$arch" = arm64 ] && hint="EDGEFLEET_AARCH64_PRODUCTS=all scripts/cross-build-aarch64.sh"
        fail "missing binary $source: the $arch packages need ${binaries[*]} ($hint)"
    fi
    [ -x "$source" ] || fail "$source is not executable"
    local header
    header=$(readelf -h "$source" 2>/dev/null) || fail "$source is not an ELF executable"
    if ! grep -q "Machine:[[:space:]]*$machine" <<<"$header"; then
        fail "wrong architecture: $source is built for $(sed -n 's/.*Machine:[[:space:]]*//p' <<<"$header"), but --arch $arch needs $machine"
    fi
    if readelf -d "$source" | grep -q 'Shared library: \[libswiftCore.so\]'; then
        [ "$arch" = amd64 ] || fail "$source links the Swift runtime dynamically; the aarch64 cross-build links it statically"
        echo "package: $name links the Swift runtime dynamically; relinking it statically from the same objects" >&2
        python3 "$root/scripts/lib/swift-static-relink.py" "$source" "$staged" || fail "cannot link $name statically"
    else
        cp "$source" "$staged"
    fi
    # The symbols stay in the build (the cross-build keeps <product>.debug); a package ships the stripped binary (the
    # cross-build's come stripped already).
    if readelf -S "$staged" | grep -q '\.symtab'; then
        "${stripper[@]}" "$staged" || fail "cannot strip $name with ${stripper[*]}"
    fi
    chmod 0755 "$staged"
}
for name in "${binaries[@]}"; do stage_binary "$name"; done

# SwiftPM resource bundles (the collector's dashboard templates): Bundle.module looks next to the executable's real
# path, so a binary that names one is installed in /usr/lib/<name>/ with the bundle beside it and linked from /usr/bin.
# The cross-build copies only the executables to .build-aarch64/bin; the bundles stay in its build directory.
resource_dirs=("$bin" "${EDGEFLEET_AARCH64_OUT:-$root/.build-aarch64}/build/aarch64-unknown-linux-gnu/release")
# install_binary NAME TREE: installs the staged NAME (and its resource bundles) into the package tree TREE.
install_binary() {
    local name=$1 tree=$2 bundles bundle dir found
    bundles=$(strings -n 8 "$work/bin/$name" | grep -oE '[A-Za-z0-9_]+_[A-Za-z0-9_]+\.resources$' | sort -u || true)
    if [ -z "$bundles" ]; then
        install -D -m 0755 "$work/bin/$name" "$tree/usr/bin/$name"
        return
    fi
    install -D -m 0755 "$work/bin/$name" "$tree/usr/lib/$name/$name"
    for bundle in $bundles; do
        found=""
        for dir in "${resource_dirs[@]}"; do
            if [ -d "$dir/$bundle" ]; then found="$dir/$bundle"; break; fi
        done
        [ -n "$found" ] || fail "$name needs its resource bundle $bundle, which is not in ${resource_dirs[*]}"
        cp -R "$found" "$tree/usr/lib/$name/$bundle"
        find "$tree/usr/lib/$name/$bundle" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
    done
    install -d -m 0755 "$tree/usr/bin"
    ln -s "../lib/$name/$name" "$tree/usr/bin/$name"
}

# --- Depends: from the shared libraries the binaries load ---------------------------------------------------------
# soname -> Debian package (bookworm/trixie names). A library not listed fails the build: add it after checking which
# package ships it (dpkg -S).
package_of() {
    case "$1" in
        libc.so.6|libm.so.6|libdl.so.2|libpthread.so.0|librt.so.1|ld-linux-x86-64.so.2|ld-linux-aarch64.so.1) echo libc6 ;;
        libstdc++.so.6) echo libstdc++6 ;;
        libgcc_s.so.1) echo libgcc-s1 ;;
        libmosquitto.so.1) echo libmosquitto1 ;;
        libz.so.1) echo zlib1g ;;
        libsqlite3.so.0) echo libsqlite3-0 ;;
        libcurl.so.4) echo libcurl4 ;;
        libxml2.so.2) echo libxml2 ;;
        *) return 1 ;;
    esac
}
# depends BINARY...: the Depends: list (libc6 with the newest glibc symbol version the binaries use).
depends() {
    local sonames glibc packages=() p
    sonames=$(for b in "$@"; do readelf -d "$b" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; done | sort -u)
    for s in $sonames; do
        p=$(package_of "$s") || fail "$(basename "$1"): no Debian package known for the shared library $s (add it to package_of in $0)"
        packages+=("$p")
    done
    glibc=$(for b in "$@"; do readelf -V --wide "$b"; done | grep -oE 'GLIBC_[0-9]+\.[0-9]+(\.[0-9]+)?' | sed 's/GLIBC_//' | sort -uV | tail -1)
    printf '%s\n' "${packages[@]}" | sort -u | while read -r p; do
        if [ "$p" = libc6 ] && [ -n "$glibc" ]; then echo "libc6 (>= $glibc)"; else echo "$p"; fi
    done | paste -sd, | sed 's/,/, /g'
}

# --- common parts of a package tree -------------------------------------------------------------------------------
# docs PACKAGE DIR: the copyright and changelog Debian policy asks of every binary package.
docs() {
    local doc="$2/usr/share/doc/$1"
    install -d -m 0755 "$doc"
    cat >"$doc/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: EdgeFleet
Source: https://github.com/edgefleet/edgefleet

Files: *
Copyright: 2025-2026 the EdgeFleet authors
License: EdgeFleet
 The EdgeFleet repository does not state a license yet; these packages are for the fleet's own use.
 Bundled Swift runtime and Foundation (linked statically): Apache-2.0 with Runtime Library Exception, see
 https://swift.org/LICENSE.txt.
EOF
    printf '%s (%s) unstable; urgency=medium\n\n  * Built by scripts/package.sh.\n\n -- EdgeFleet <edgefleet@example.org>  %s\n' \
        "$1" "$version" "$(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}")" |
        gzip -9n >"$doc/changelog.gz"
    chmod 0644 "$doc/copyright" "$doc/changelog.gz"
}

# systemd_scripts UNIT START: the maintainer-script snippets dh_installsystemd would write (enable on install, mask on
# remove, purge its state); START=1 also (re)starts the unit when systemd runs.
systemd_postinst() {
    cat <<EOF
if [ "\$1" = "configure" ] || [ "\$1" = "abort-upgrade" ] || [ "\$1" = "abort-deconfigure" ] || [ "\$1" = "abort-remove" ]; then
    deb-systemd-helper unmask '$1' >/dev/null || true
    if deb-systemd-helper --quiet was-enabled '$1'; then
        deb-systemd-helper enable '$1' >/dev/null || true
    else
        deb-systemd-helper update-state '$1' >/dev/null || true
    fi
    if [ -d /run/systemd/system ]; then
        systemctl --system daemon-reload >/dev/null || true
        if [ -n "\$2" ]; then action=restart; else action=start; fi
        deb-systemd-invoke \$action '$1' >/dev/null || true
    fi
fi
EOF
}
systemd_prerm() {
    printf '#!/bin/sh\nset -e\nif [ -d /run/systemd/system ] && [ "$1" = remove ]; then\n    deb-systemd-invoke stop %s >/dev/null || true\nfi\n' "'$1'"
}
systemd_postrm() {
    cat <<EOF
if [ "\$1" = "remove" ] && [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
fi
if [ "\$1" = "remove" ] && command -v deb-systemd-helper >/dev/null 2>&1; then
    deb-systemd-helper mask '$1' >/dev/null || true
fi
if [ "\$1" = "purge" ] && command -v deb-systemd-helper >/dev/null 2>&1; then
    deb-systemd-helper purge '$1' >/dev/null || true
    deb-systemd-helper unmask '$1' >/dev/null || true
fi
EOF
}

# control PACKAGE TREE DESCRIPTION LONG DEPENDS: DEBIAN/control, md5sums and the size.
control() {
    local size
    size=$(du -k -s --exclude=DEBIAN "$2" | cut -f1)
    cat >"$2/DEBIAN/control" <<EOF
Package: $1
Version: $version
Architecture: $arch
Maintainer: EdgeFleet <edgefleet@example.org>
Installed-Size: $size
Depends: $5
Section: net
Priority: optional
Homepage: https://github.com/edgefleet/edgefleet
Description: $3
$4
EOF
    (cd "$2" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
    chmod 0644 "$2/DEBIAN/control" "$2/DEBIAN/md5sums"
}

build() {
    # gzip: quick to make under load, and every dpkg reads it (xz takes minutes on these binaries with 2 cores).
    dpkg-deb --root-owner-group -Zgzip -z6 --build "$1" "$out/$2_${version}_${arch}.deb" >/dev/null ||
        fail "dpkg-deb failed for $2"
    echo "$out/$2_${version}_${arch}.deb"
}

# amd64 release binaries are built for x86-64-v3 (Package.swift) and refuse an older CPU at start with a message.
cpu_note=""
[ "$arch" != amd64 ] || cpu_note="
 .
 These amd64 binaries need an x86-64-v3 CPU (Haswell or newer: AVX2, FMA,
 BMI2); on an older one they print what it lacks and exit."

# --- edgefleet-agent ----------------------------------------------------------------------------------------------
if [ "$only" != collector ]; then
agent="$work/edgefleet-agent"
install -d -m 0755 "$agent/DEBIAN" "$agent/usr/bin" "$agent/lib/systemd/system" "$agent/lib/systemd/system-generators" \
    "$agent/usr/share/edge-agent/firmware-profiles" "$agent/etc/edge-agent"
install_binary edge-agent "$agent"
sed 's|^ExecStart=/usr/local/bin/edge-agent|ExecStart=/usr/bin/edge-agent|; s|Installed by scripts/install-agent.sh.|Installed by the edgefleet-agent package.|' \
    "$root/scripts/edge-agent.service" >"$agent/lib/systemd/system/edge-agent.service"
grep -q '^ExecStart=/usr/bin/edge-agent ' "$agent/lib/systemd/system/edge-agent.service" ||
    fail "scripts/edge-agent.service's ExecStart is not /usr/local/bin/edge-agent any more; update $0"
install -m 0755 "$root/packaging/edge-agent-profile-limits" "$agent/lib/systemd/system-generators/edge-agent-profile-limits"
install -m 0644 "$root"/firmware-profiles/*.json "$agent/usr/share/edge-agent/firmware-profiles/"
install -m 0644 "$root/packaging/agent.json.example" "$agent/etc/edge-agent/agent.json.example"
chmod 0644 "$agent/lib/systemd/system/edge-agent.service"
docs edgefleet-agent "$agent"
echo /etc/edge-agent/agent.json.example >"$agent/DEBIAN/conffiles"
{
    echo '#!/bin/sh'
    echo 'set -e'
    echo '# The agent runs as its own system user; group video opens /dev/vchiq (vcgencmd get_throttled) on Raspberry Pi OS.'
    echo 'if [ "$1" = configure ]; then'
    echo '    if ! getent passwd edge-agent >/dev/null; then'
    echo '        adduser --quiet --system --group --no-create-home --home /var/lib/edge-agent edge-agent'
    echo '    fi'
    echo '    if getent group video >/dev/null; then adduser --quiet edge-agent video >/dev/null || true; fi'
    echo '    # agent.json may name a broker password file and the device key: readable by the agent group only.'
    echo '    chgrp edge-agent /etc/edge-agent && chmod 0750 /etc/edge-agent'
    echo 'fi'
    echo '# Enabled at once; it starts when /etc/edge-agent/agent.json exists (ConditionPathExists=, docs/deploy.md).'
    systemd_postinst edge-agent.service
} >"$agent/DEBIAN/postinst"
systemd_prerm edge-agent.service >"$agent/DEBIAN/prerm"
{
    echo '#!/bin/sh'
    echo 'set -e'
    systemd_postrm edge-agent.service
    echo '# Purge: the device state (slots, queue, update record) goes with the package; the user stays (policy 9.2.2).'
    echo 'if [ "$1" = purge ]; then rm -rf /var/lib/edge-agent; fi'
} >"$agent/DEBIAN/postrm"
chmod 0755 "$agent/DEBIAN/postinst" "$agent/DEBIAN/prerm" "$agent/DEBIAN/postrm"
agent_depends=$(depends "$work/bin/edge-agent")
control edgefleet-agent "$agent" "EdgeFleet edge agent: on-device int8 inference, telemetry, model updates" \
" The agent of an EdgeFleet fleet: runs a signed int8 model bundle, reports
 telemetry and drift sketches over MQTT, and installs verified model updates
 with probation and rollback. The unit starts once /etc/edge-agent/agent.json
 exists (see agent.json.example); CPUQuota= and MemoryMax= come from the
 board's firmware profile.$cpu_note" \
    "adduser${agent_depends:+, $agent_depends}"
build "$agent" edgefleet-agent
fi

# --- edgefleet-collector ------------------------------------------------------------------------------------------
if [ "$only" != agent ]; then
collector="$work/edgefleet-collector"
install -d -m 0755 "$collector/DEBIAN" "$collector/usr/bin" "$collector/lib/systemd/system" \
    "$collector/usr/share/edge-collector/firmware-profiles" "$collector/etc/edge-collector"
install_binary edge-collector "$collector"
install_binary edgectl "$collector"
install -m 0644 "$root/packaging/edge-collector.service" "$collector/lib/systemd/system/edge-collector.service"
install -m 0644 "$root"/firmware-profiles/*.json "$collector/usr/share/edge-collector/firmware-profiles/"
install -m 0644 "$root/packaging/collector.json" "$collector/etc/edge-collector/collector.json"
docs edgefleet-collector "$collector"
echo /etc/edge-collector/collector.json >"$collector/DEBIAN/conffiles"
{
    echo '#!/bin/sh'
    echo 'set -e'
    echo 'if [ "$1" = configure ]; then'
    echo '    if ! getent passwd edge-collector >/dev/null; then'
    echo '        adduser --quiet --system --group --no-create-home --home /var/lib/edge-collector edge-collector'
    echo '    fi'
    echo '    # collector.json may hold API tokens and TLS keys: readable by the collector group only.'
    echo '    chgrp edge-collector /etc/edge-collector /etc/edge-collector/collector.json'
    echo '    chmod 0750 /etc/edge-collector && chmod 0640 /etc/edge-collector/collector.json'
    echo 'fi'
    systemd_postinst edge-collector.service
} >"$collector/DEBIAN/postinst"
systemd_prerm edge-collector.service >"$collector/DEBIAN/prerm"
{
    echo '#!/bin/sh'
    echo 'set -e'
    systemd_postrm edge-collector.service
    echo '# Purge keeps /var/lib/edge-collector: it is the fleet'"'"'s database and bundle store (docs/deploy.md).'
} >"$collector/DEBIAN/postrm"
chmod 0755 "$collector/DEBIAN/postinst" "$collector/DEBIAN/prerm" "$collector/DEBIAN/postrm"
collector_depends=$(depends "$work/bin/edge-collector" "$work/bin/edgectl")
control edgefleet-collector "$collector" "EdgeFleet collector and edgectl: fleet telemetry, registry, rollouts" \
" The central service of an EdgeFleet fleet: ingests what agents publish over
 MQTT, keeps the fleet and model registries, distributes bundles, runs drift
 detection, training and staged rollouts, and serves a JSON API, a dashboard
 and metrics. Also ships edgectl, the operator's tool. State lives in
 /var/lib/edge-collector.$cpu_note" \
    "adduser${collector_depends:+, $collector_depends}"
build "$collector" edgefleet-collector
fi
