#!/usr/bin/env bash
# Runs setup, the whole test suite and the conformance check; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# The suite's agent obeys EDGE_AGENT_HOLD_AFTER (UpdateEndToEndTests); shipped builds leave the hook out (Package.swift).
export EDGEFLEET_TEST_HOOKS=1

scripts/setup.sh
bin="$(swift build -c release --show-bin-path)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# The store contract runs against both stores: SQLiteStoreTests on files, PostgresStoreTests on a PostgreSQL server the
# tests start themselves (initdb + postgres from /usr/lib/postgresql/*/bin on a free port; a missing binary fails them).
echo "== unit, integration and end-to-end tests"
status=0
swift test -c release --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?

echo "== conformance (byte-exact against TFLite's reference kernels)"
"$bin/edgectl" conformance Tests/Fixtures/conformance | tee -a "$log" || status=$?

echo "== API contract (schemathesis against a real collector, docs/collector.md)"
contract=0
EDGEFLEET_BIN="$bin" scripts/contract-test.sh || contract=$?
[ "$contract" -eq 0 ] || status=1

# Debian packages from this release build (lintian, a minimal Debian tree, systemd-analyze verify), the collector's OCI
# image (skopeo inspect, umoci unpack, run as its user) and the deployment files (kubernetes-validate, the Compose
# schema): docs/deploy.md. One result in the closing line.
echo "== packages, image and deployment files (scripts/test-packages.sh, scripts/test-image.sh, scripts/validate-deploy.sh)"
packaging=0
EDGEFLEET_BIN="$bin" scripts/test-packages.sh || packaging=$?
scripts/test-image.sh || packaging=$((packaging + $?))
scripts/validate-deploy.sh || packaging=$((packaging + $?))
[ "$packaging" -eq 0 ] || status=1

echo "== alert rules (promtool test rules deploy/prometheus/alerts-test.yml: every rule firing and not firing)"
alerts=0
(cd deploy/prometheus && promtool check rules alerts.yml && promtool test rules alerts-test.yml) || alerts=$?
[ "$alerts" -eq 0 ] || status=1

# The aarch64 C microkernels (smlal, sdot) and feature probes under qemu-user with the Pi cores: the only aarch64 code
# CI runs (a static C program, ~2 s; the Swift cross-build stays out of CI: docs/arm.md). One result.
echo "== aarch64 C microkernels under qemu-user (scripts/test-aarch64-kernels.sh)"
armkernels=0
scripts/test-aarch64-kernels.sh || armkernels=$?
[ "$armkernels" -eq 0 ] || status=1

# The x86-64 binaries on CPUs this machine is not (qemu-user TCG): a Haswell without VNNI runs the AVX2 path and every
# fixture byte-exact; CPUs below the x86-64-v3 baseline get a message instead of SIGILL. One result, ~10 s.
echo "== x86-64 CPUs under qemu-user (scripts/test-x86-cpus.sh)"
x86cpus=0
EDGEFLEET_BIN="$bin" scripts/test-x86-cpus.sh || x86cpus=$?
[ "$x86cpus" -eq 0 ] || status=1

echo "== the main job, quickly (scripts/demo.sh --quick)"
demo=0
scripts/demo.sh --quick --no-build 2>&1 | tee -a "$log" | tail -40 || demo=$?
grep -q "^demo: PASS" "$log" || demo=1
[ "$demo" -eq 0 ] || status=1

# Fuzzing: a short run (3 s) of each libFuzzer target, always (docs/fuzzing.md). The targets need the package built a
# second time with -sanitize=fuzzer,address in .build-fuzz; from nothing that costs about 14 minutes (831 s user+system, measured: docs/fuzzing.md) of CPU (the release
# build: about 15 minutes), which fits CI's budget. Each target counts as one check in the closing line.
echo "== fuzzing (a short run of each libFuzzer target under AddressSanitizer, docs/fuzzing.md)"
fuzz=0
fuzzlog="$(mktemp)"
scripts/fuzz.sh --seconds 3 2>&1 | tee "$fuzzlog" || fuzz=$?
[ "$fuzz" -eq 0 ] || status=1
fuzz_passed=$(grep -cE "^fuzz-[a-z]+: ok" "$fuzzlog" || true)
fuzz_failed=$(grep -cE "^fuzz-[a-z]+: FAILED" "$fuzzlog" || true)
if [ "$fuzz" -ne 0 ] && [ "$fuzz_failed" -eq 0 ]; then fuzz_failed=1; fi  # the build itself failed
rm -f "$fuzzlog"

# One plain closing line: XCTest's totals plus one result per conformance model, plus the contract test, the packages
# and deployment files (one result), the alert rules' test, the aarch64 C kernels (one result), the x86 CPUs under qemu (one result) and the demo.
# XCTest's closing total, e.g. "Executed 630 tests, with 1 test skipped and 0 failures" (the skip part is optional).
total=$(grep -Eo "Executed [0-9]+ tests?, with ([0-9]+ tests? skipped and )?[0-9]+ failures?" "$log" | tail -1 || true)
executed=$(echo "$total" | grep -Eo "[0-9]+" | head -1 || true)
failures=$(echo "$total" | grep -Eo "[0-9]+" | tail -1 || true)
skipped=$(echo "$total" | grep -Eo "[0-9]+ tests? skipped" | grep -Eo "[0-9]+" || true)
passes=$(grep -c "^PASS " "$log" || true)
misses=$(grep -cE "^(FAIL|UNSUPPORTED) " "$log" || true)
passed=$(( ${executed:-0} - ${failures:-0} - ${skipped:-0} + passes + (contract == 0 ? 1 : 0) + (packaging == 0 ? 1 : 0) + (alerts == 0 ? 1 : 0) + (armkernels == 0 ? 1 : 0) + (x86cpus == 0 ? 1 : 0) + (demo == 0 ? 1 : 0) + fuzz_passed ))
failed=$(( ${failures:-0} + misses + (contract == 0 ? 0 : 1) + (packaging == 0 ? 0 : 1) + (alerts == 0 ? 0 : 1) + (armkernels == 0 ? 0 : 1) + (x86cpus == 0 ? 0 : 1) + (demo == 0 ? 0 : 1) + fuzz_failed ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
# Name what failed right above the closing line: CI keeps only the tail of a long log, and a count alone says nothing.
failed_names=()
while IFS= read -r name; do failed_names+=("$name"); done < <(
    grep -Eo "^Test Case '[^']+' failed" "$log" | sed -E "s/^Test Case '([^']+)' failed/\1/" || true
    grep -E "^(FAIL|UNSUPPORTED) " "$log" | cut -c1-120 || true)
[ "$contract" -eq 0 ] || failed_names+=("API contract (scripts/contract-test.sh)")
[ "$packaging" -eq 0 ] || failed_names+=("packages, image or deployment files")
[ "$alerts" -eq 0 ] || failed_names+=("alert rules (promtool)")
[ "$armkernels" -eq 0 ] || failed_names+=("aarch64 C microkernels (scripts/test-aarch64-kernels.sh)")
[ "$x86cpus" -eq 0 ] || failed_names+=("x86-64 CPUs under qemu-user (scripts/test-x86-cpus.sh)")
[ "$demo" -eq 0 ] || failed_names+=("demo (scripts/demo.sh --quick)")
[ "$fuzz_failed" -eq 0 ] || failed_names+=("fuzzing (scripts/fuzz.sh)")
for name in "${failed_names[@]}"; do echo "failed: $name"; done
# A skipped test says why in the log (the aarch64 smlal kernel on x86, for one); the closing line counts them apart.
skip_note=""
[ "${skipped:-0}" -gt 0 ] && skip_note=" (${skipped} skipped: not runnable on this CPU, see the log)"
echo "summary: $passed passed, $failed failed$skip_note"
exit "$status"
