#!/usr/bin/env bash
# Regenerates the collector's API code (Sources/CollectorAPI/Generated/) from docs/openapi.yaml.
#
# The generated code is committed instead of produced by swift-openapi-generator's build plugin, which would
# compile the generator (OpenAPIKit, Yams, swift-argument-parser, …) on every fresh clone (docs/collector.md has
# the cost). This script builds the generator once (debug: quicker to build, and it generates in a second) in a
# scratch package outside the repository (cached in ${OPENAPI_GENERATOR_DIR:-${TMPDIR:-/tmp}/edgefleet-openapi-generator}), validates the spec when python3 is
# there, generates, and records the spec's SHA-256 so a test (OpenAPISpecTests) fails when the spec changed
# without regenerating.
set -euo pipefail
cd "$(dirname "$0")/.."

version=1.14.3
tool_dir="${OPENAPI_GENERATOR_DIR:-${TMPDIR:-/tmp}/edgefleet-openapi-generator}"
spec=docs/openapi.yaml
out=Sources/CollectorAPI/Generated

if [ ! -x "$tool_dir/.build/debug/swift-openapi-generator" ] || ! grep -q "\"$version\"" "$tool_dir/Package.swift" 2>/dev/null; then
    echo "== building swift-openapi-generator $version in $tool_dir (once)"
    mkdir -p "$tool_dir/Sources/Placeholder"
    cat > "$tool_dir/Package.swift" <<SWIFT
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "edgefleet-openapi-generator",
    dependencies: [.package(url: "https://github.com/apple/swift-openapi-generator", exact: "$version")],
    targets: [.target(name: "Placeholder")]
)
SWIFT
    echo 'public let placeholder = 0' > "$tool_dir/Sources/Placeholder/Placeholder.swift"
    swift build --package-path "$tool_dir" --product swift-openapi-generator
fi

if command -v python3 >/dev/null; then
    venv="$tool_dir/.venv"
    [ -x "$venv/bin/openapi-spec-validator" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q openapi-spec-validator==0.7.1; }
    "$venv/bin/openapi-spec-validator" "$spec"
fi

rm -f "$out"/*.swift
"$tool_dir/.build/debug/swift-openapi-generator" generate "$spec" \
    --config Sources/CollectorAPI/openapi-generator-config.yaml --output-directory "$out" >/dev/null 2>"$tool_dir/generate.log" ||
    { cat "$tool_dir/generate.log"; exit 1; }
sha256sum "$spec" | cut -d' ' -f1 > "$out/openapi.sha256"
echo "generated $(ls "$out"/*.swift | wc -l) files ($(cat "$out"/*.swift | wc -l) lines) from $spec ($(cat "$out/openapi.sha256"))"
