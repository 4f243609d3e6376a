#!/usr/bin/env bash
# Installs the EdgeFleet edge agent on a Raspberry Pi (Raspberry Pi OS / Debian, aarch64) as a systemd service.
#
# Usage (as root, on the device):
#   scripts/install-agent.sh --package edgefleet-agent_VERSION_arm64.deb | --binary PATH \
#       --device-id ID --broker HOST[:PORT] --profile ID \
#       --root-key root.pub --trust trust.json --initial-bundle model.efb [--input replay:PATH|socket:PATH|mqtt] \
#       [--username NAME --password-file FILE] [--ca-file ca.pem] [--pki PKI] [--no-start]
#
# --pki PKI provisions mutual TLS with a locked-down broker (scripts/broker.sh, docs/security.md): it installs
# PKI/ca.crt and the device's PKI/devices/ID.crt and .key (made on the operator's machine with
# `edgectl pki issue --dir PKI --device ID`; copy only these three files to the device, never ca.key) and points the
# agent at them. The device ID must equal the certificate's CN: the broker lets it speak only for that ID.
#
# --package FILE.deb (scripts/package.sh --arch arm64, docs/deploy.md) installs the package with apt (which pulls in its
# Depends:): binary, unit, firmware profiles, the system user and the generator that sets the unit's CPUQuota= and
# MemoryMax= from the profile; this script then adds the keys and agent.json, and the unit starts.
# --binary PATH installs a bare binary in /usr/local/bin; build it with the Swift standard library linked statically
# (the aarch64 cross-build does), so that the device needs only libmosquitto and zlib; the limits go into a drop-in.
# Re-running the script upgrades the binary or package and keeps the configuration and state.
set -euo pipefail

binary="" package="" device="" broker="" profile="" root_key="" trust="" bundle="" input="socket:/run/edge-agent/input.sock"
username="" password_file="" ca_file="" pki="" start=1
here="$(cd "$(dirname "$0")/.." && pwd)"
while (($#)); do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --package) package="$2"; shift 2 ;;
        --device-id) device="$2"; shift 2 ;;
        --broker) broker="$2"; shift 2 ;;
        --profile) profile="$2"; shift 2 ;;
        --root-key) root_key="$2"; shift 2 ;;
        --trust) trust="$2"; shift 2 ;;
        --initial-bundle) bundle="$2"; shift 2 ;;
        --input) input="$2"; shift 2 ;;
        --username) username="$2"; shift 2 ;;
        --password-file) password_file="$2"; shift 2 ;;
        --ca-file) ca_file="$2"; shift 2 ;;
        --pki) pki="$2"; shift 2 ;;
        --no-start) start=0; shift ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) echo "install-agent: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
fail() { echo "install-agent: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "run as root (sudo)"
[ -n "$binary" ] && [ -n "$package" ] && fail "give --package or --binary, not both"
if [ -n "$package" ]; then
    [ -f "$package" ] || fail "--package must name an edgefleet-agent .deb (scripts/package.sh)"
    [ "$(dpkg-deb -f "$package" Package 2>/dev/null)" = edgefleet-agent ] || fail "$package is not an edgefleet-agent package"
    want=$(dpkg --print-architecture)
    got=$(dpkg-deb -f "$package" Architecture)
    [ "$got" = "$want" ] || fail "$package is built for $got; this device is $want"
    # A bare install made earlier with --binary would shadow the package's unit and binary: remove it.
    rm -f /etc/systemd/system/edge-agent.service /usr/local/bin/edge-agent
    rm -f /etc/systemd/system/edge-agent.service.d/50-profile-limits.conf
    if command -v apt-get >/dev/null; then
        # apt resolves the package's Depends: (libmosquitto1, zlib1g, ...) from the device's repositories.
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(cd "$(dirname "$package")" && pwd)/$(basename "$package")"
    else
        dpkg -i "$package"
    fi
    agent=/usr/bin/edge-agent
    unit=/lib/systemd/system/edge-agent.service
else
[ -x "$binary" ] || fail "--binary must name the built edge-agent executable (or give --package FILE.deb)"
agent=/usr/local/bin/edge-agent
unit=/etc/systemd/system/edge-agent.service

# Runtime libraries: libmosquitto and zlib (the Swift runtime is expected to be linked in statically).
if command -v apt-get >/dev/null; then
    missing=()
    for p in libmosquitto1 zlib1g; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; fi
fi
if ldd "$binary" | grep -q "not found"; then
    ldd "$binary" | grep "not found" >&2
    fail "the binary needs libraries this device lacks; build with --static-swift-stdlib"
fi

# A dedicated system user without a shell or home; group video for vcgencmd.
if ! id edge-agent >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /var/lib/edge-agent --shell /usr/sbin/nologin --user-group edge-agent
fi
getent group video >/dev/null && usermod -a -G video edge-agent

install -D -m 0755 "$binary" /usr/local/bin/edge-agent
install -d -m 0755 /usr/share/edge-agent/firmware-profiles
install -m 0644 "$here"/firmware-profiles/*.json /usr/share/edge-agent/firmware-profiles/
fi
install -d -m 0750 -g edge-agent /etc/edge-agent
[ -n "$root_key" ] && install -m 0644 "$root_key" /etc/edge-agent/root.pub
[ -n "$trust" ] && install -m 0644 "$trust" /etc/edge-agent/trust.json
[ -n "$bundle" ] && install -m 0644 "$bundle" /usr/share/edge-agent/initial.efb
[ -n "$password_file" ] && install -m 0640 -g edge-agent "$password_file" /etc/edge-agent/broker.password
[ -n "$ca_file" ] && install -m 0644 "$ca_file" /etc/edge-agent/ca.pem
if [ -n "$pki" ]; then
    [ -n "$device" ] || fail "--pki needs --device-id (the certificate to install is PKI/devices/ID.crt)"
    [ -f "$pki/ca.crt" ] && [ -f "$pki/devices/$device.crt" ] && [ -f "$pki/devices/$device.key" ] \
        || fail "$pki needs ca.crt and devices/$device.crt/.key (edgectl pki issue --dir PKI --device $device)"
    install -m 0644 "$pki/ca.crt" /etc/edge-agent/ca.pem
    install -m 0644 "$pki/devices/$device.crt" /etc/edge-agent/device.crt
    # The key is the device's identity: readable by the agent's group only.
    install -m 0640 -g edge-agent "$pki/devices/$device.key" /etc/edge-agent/device.key
    ca_file="$pki/ca.crt"
fi

config=/etc/edge-agent/agent.json
if [ ! -f "$config" ]; then
    [ -n "$device" ] && [ -n "$broker" ] && [ -n "$profile" ] || fail "a first install needs --device-id, --broker and --profile"
    host="${broker%:*}"; port=1883; [[ "$broker" == *:* ]] && port="${broker##*:}"
    kind="${input%%:*}"; path="${input#*:}"; [ "$kind" = "$input" ] && path=""
    {
        echo "{"
        echo "  \"deviceID\": \"$device\","
        echo -n "  \"broker\": {\"host\": \"$host\", \"port\": $port"
        [ -n "$username" ] && echo -n ", \"username\": \"$username\", \"passwordFile\": \"/etc/edge-agent/broker.password\""
        [ -n "$ca_file" ] && echo -n ", \"caFile\": \"/etc/edge-agent/ca.pem\""
        [ -n "$pki" ] && echo -n ", \"certFile\": \"/etc/edge-agent/device.crt\", \"keyFile\": \"/etc/edge-agent/device.key\""
        echo "},"
        echo "  \"profile\": \"$profile\","
        echo "  \"profileDirectory\": \"/usr/share/edge-agent/firmware-profiles\","
        echo "  \"stateDirectory\": \"/var/lib/edge-agent\","
        echo "  \"trustedRootKey\": \"/etc/edge-agent/root.pub\","
        echo "  \"trustFile\": \"/etc/edge-agent/trust.json\","
        echo "  \"initialBundle\": \"/usr/share/edge-agent/initial.efb\","
        if [ -n "$path" ]; then
            key=path; [ "$kind" = mqtt ] && key=topic
            echo "  \"input\": {\"type\": \"$kind\", \"$key\": \"$path\"},"
        else
            echo "  \"input\": {\"type\": \"$kind\"},"
        fi
        echo "  \"telemetry\": {\"intervalSeconds\": 10}"
        echo "}"
    } > "$config"
    chmod 0640 "$config"; chgrp edge-agent "$config"
fi
# --check wants the socket input's directory; systemd makes it at each start (RuntimeDirectory=), but not before the
# first one.
install -d -m 0750 -o edge-agent -g edge-agent /run/edge-agent
"$agent" --config "$config" --check

if [ -z "$package" ]; then
    install -m 0644 "$here/scripts/edge-agent.service" "$unit"
    # CPUQuota= and MemoryMax= from the profile (the package's generator does this on every daemon-reload).
    install -d -m 0755 /etc/systemd/system/edge-agent.service.d
    "$here/packaging/edge-agent-profile-limits" --print "$config" >/etc/systemd/system/edge-agent.service.d/50-profile-limits.conf ||
        fail "cannot read the limits of the configured profile"
fi
systemd-analyze verify "$unit"
systemctl daemon-reload
if ((start)); then
    systemctl enable --now edge-agent.service
    systemctl --no-pager status edge-agent.service || true
else
    systemctl enable edge-agent.service
fi
echo "install-agent: done; follow with: journalctl -u edge-agent -f"
