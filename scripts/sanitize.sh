#!/usr/bin/env bash
# Runs the device-side unit tests under AddressSanitizer, with UndefinedBehaviorSanitizer on the C code, in their own
# build directory (.build-sanitize; the normal release build is untouched). docs/fuzzing.md lists what they found.
#
# Release configuration, as shipped: the kernels, TFLite reader and interpreter are built -Ounchecked, so ASan is what
# notices an out-of-bounds access there. `swift build --sanitize=undefined` is refused by this Swift toolchain on
# Linux ("unsupported option '-sanitize=undefined'"), so UBSan instruments the C targets (CDotProduct, swift-crypto's
# BoringSSL) through -Xcc; its reports go through the ASan runtime, which carries the UBSan handlers.
# Usage: scripts/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Parsers, kernels, the interpreter, bundles, training, drift statistics, the gate and edgectl: the code that reads
# untrusted bytes or does pointer arithmetic. The collector (server, no unsafe code) and the process-spawning agent,
# MQTT and end-to-end suites are left to the normal run.
suites=KernelsTests,TFLiteTests,RuntimeTests,BundlesTests,TrainingTests,DriftTests,FleetProtocolTests,FleetSupportTests,GateTests
# The allocation counter interposes malloc, which ASan owns; under ASan it counts nothing (Tests/CAllocationCounter).
skips=(--skip AllocationTests --skip PreservedTensorTests.testPreservedTensorSurvivesInvokeAndCostsAtMostItsSize)
scratch=.build-sanitize
flags=(-c release --scratch-path "$scratch" --sanitize=address -Xcc -fsanitize=undefined)
export EDGEFLEET_DEVICE_ONLY=1 EDGEFLEET_TEST_TARGETS="$suites"

echo "sanitize: building $suites (address + undefined on C) in $scratch"
start=$(date +%s)
swift build "${flags[@]}" --build-tests
echo "sanitize: built in $(( $(date +%s) - start )) s"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
log="$scratch/sanitize.log"
status=0
swift test "${flags[@]}" --skip-build --disable-swift-testing "${skips[@]}" 2>&1 | tee "$log" || status=$?
findings=$(grep -cE "ERROR: AddressSanitizer|runtime error:" "$log" || true)
totals=$(grep -Eo "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -1 || true)
echo "sanitize: ${totals:-no test totals}; $findings sanitizer report(s)"
exit "$status"
