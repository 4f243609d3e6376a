#!/usr/bin/env bash
# Installs what the project needs (idempotently) and builds it once, in release.
# Usage: scripts/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    libmosquitto-dev mosquitto mosquitto-clients   # MQTT client library and a real broker for tests
    zlib1g-dev pkg-config                          # bundle compression; system-library discovery
    libsqlite3-dev sqlite3 chromium                # collector database (GRDB), its CLI for tests; headless browser for the dashboard test
    systemd                                        # systemd-analyze verify of scripts/edge-agent.service (agent tests)
    python3 python3-venv curl                      # the demo's narration and API calls; scripts/contract-test.sh (schemathesis in a throwaway venv)
    openssl                                        # the TLS tests' independent check of edgectl pki's certificates and CRL
    postgresql util-linux                          # the PostgreSQL store's tests (initdb, postgres, psql; setpriv to run them as a non-root user)
    lintian mmdebstrap binutils                    # scripts/test-packages.sh: lintian on the .debs, a minimal Debian tree, readelf/strip
    prometheus                                     # promtool test rules of deploy/prometheus; the live Prometheus test (PrometheusEndToEndTests)
    qemu-user libc6-dev-arm64-cross libgcc-12-dev-arm64-cross   # scripts/test-aarch64-kernels.sh: the aarch64 C kernels, static, under qemu
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    marker=/var/lib/apt/periodic/edgefleet-apt-updated
    if [ ! -f "$marker" ] || [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
        $SUDO apt-get update -qq
        $SUDO mkdir -p "$(dirname "$marker")" && $SUDO touch "$marker"
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# mosquitto's Debian package starts a broker on port 1883; tests start their own on free ports. Likewise PostgreSQL's
# package may start a cluster on 5432: the tests ignore it and run initdb + postgres in a temporary directory on a free
# port (Tests/TestSupport/PostgresServer.swift), as the `postgres` system user when run as root. prometheus's package
# may start a server on 9090; PrometheusEndToEndTests starts its own on a free loopback port with its own directory.

command -v swift >/dev/null || { echo "setup: swift is not on PATH (expected the Swift 6 toolchain)" >&2; exit 1; }

if [ "${1:-}" != "--no-build" ]; then
    echo "setup: building (release)"
    swift build -c release --build-tests
fi
