#!/usr/bin/env bash
# Telemetry codec micro-benchmark: per-message cost of the shared encoder vs JSONEncoder and of the collector's
# fast path vs JSONDecoder. Compiles FleetProtocol and the two fast-path files with -O straight through swiftc
# (seconds, not a package release build) into a temp dir and runs. Prints the figures docs/collector.md quotes.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/bench-codec.XXXXXX)
trap 'rm -rf "$work"' EXIT
swiftc -O -wmo -parse-as-library -module-name FleetProtocol -emit-module -emit-module-path "$work/FleetProtocol.swiftmodule" \
    -emit-library -static -o "$work/libFleetProtocol.a" Sources/FleetProtocol/*.swift
# The fast path lives in the collector; its two files compile with the benchmark as one module.
swiftc -O -wmo -parse-as-library -I "$work" -L "$work" -lFleetProtocol -module-name TelemetryCodecBenchmark -o "$work/bench" \
    scripts/bench/TelemetryCodecBenchmark.swift Sources/Collector/Ingest/JSONScanner.swift Sources/Collector/Ingest/TelemetryFastPath.swift
lscpu | grep -E '^Model name' || true
"$work/bench"
