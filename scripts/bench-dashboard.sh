#!/usr/bin/env bash
# Dashboard micro-benchmark: the fleet page for 10,000 devices rendered through the Mustache templates (view model,
# natural sort, escaping), without the store and HTTP. Compiles swift-mustache and the dashboard files it needs with
# swiftc -O into a temp dir (needs .build/checkouts from a `swift build`). The whole request, store included, is
# timed by scripts/bench-collector.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
mustache=.build/checkouts/swift-mustache/Sources/Mustache
[ -d "$mustache" ] || { echo "run swift build first (needs $mustache)" >&2; exit 1; }
work=$(mktemp -d /tmp/bench-dashboard.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
swiftc -O -wmo -parse-as-library -module-name Mustache -emit-module -emit-module-path "$work/Mustache.swiftmodule" \
    -emit-library -static -o "$work/libMustache.a" "$mustache"/*.swift
swiftc -O -wmo -parse-as-library -I "$work" -L "$work" -lMustache -module-name FleetPageBenchmark -o "$work/bench" \
    scripts/bench/FleetPageBenchmark.swift Sources/Collector/Dashboard/HTMLEscaper.swift Sources/Collector/Dashboard/NaturalOrder.swift \
    Sources/Collector/Dashboard/ViewModels/FleetPage.swift
lscpu | grep -E '^Model name' || true
"$work/bench" Sources/Collector/Dashboard/Templates
