#!/usr/bin/env bash
# Runs setup, the whole test suite and the conformance check; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
bin="$(swift build -c release --show-bin-path)"

echo "== unit and integration tests"
swift test -c release --skip-build

echo "== conformance (byte-exact against TFLite's reference kernels)"
"$bin/edgectl" conformance Tests/Fixtures/conformance
