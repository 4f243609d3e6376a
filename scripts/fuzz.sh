#!/usr/bin/env bash
# Builds the libFuzzer targets (Tests/Fuzz, docs/fuzzing.md) with -sanitize=fuzzer,address in their own build directory
# (.build-fuzz: the normal release build is never invalidated) and runs each for N seconds on a copy of its seed
# corpus. Prints one line per target and exits non-zero if any target crashed, leaked or failed an invariant.
# Usage: scripts/fuzz.sh [--seconds N]      (default 60 seconds per target)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
        *) echo "usage: scripts/fuzz.sh [--seconds N]" >&2; exit 2 ;;
    esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || { echo "fuzz: --seconds needs a positive whole number" >&2; exit 2; }

targets=(tflite bundle csv telemetry ingest)
scratch=.build-fuzz
export EDGEFLEET_FUZZ=1

echo "fuzz: building ${#targets[@]} targets in $scratch (-sanitize=fuzzer,address)"
start=$(date +%s)
for target in "${targets[@]}"; do
    swift build -c release --scratch-path "$scratch" --product "fuzz-$target"
done
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"
echo "fuzz: built in $(( $(date +%s) - start )) s"

# Swift's runtime keeps metadata caches for the life of the process, which LeakSanitizer would report after every
# new type is first used; memory errors are what ASan is here for.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"
status=0
for target in "${targets[@]}"; do
    work="$scratch/corpus/$target"
    artifacts="$scratch/artifacts/$target"
    mkdir -p "$work" "$artifacts"
    log="$scratch/fuzz-$target.log"
    dict=()
    [ -f "Tests/Fuzz/Dictionaries/$target.dict" ] && dict=("-dict=Tests/Fuzz/Dictionaries/$target.dict")
    result=0
    # New inputs go to the working corpus (first directory); the committed seeds are only read.
    "$bin/fuzz-$target" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -max_len=65536 -timeout=20 \
        ${dict[@]+"${dict[@]}"} -artifact_prefix="$artifacts/" "$work" "Tests/Fuzz/Corpus/$target" >"$log" 2>&1 || result=$?
    runs=$(grep -Eo "stat::number_of_executed_units: *[0-9]+" "$log" | grep -Eo "[0-9]+$" || echo 0)
    rate=$(grep -Eo "stat::average_exec_per_sec: *[0-9]+" "$log" | grep -Eo "[0-9]+$" || echo 0)
    last=$(grep -E "^#[0-9]+" "$log" | tail -1 || true)
    cov=$(grep -Eo "cov: [0-9]+" <<<"$last" | grep -Eo "[0-9]+" || echo 0)
    ft=$(grep -Eo "ft: [0-9]+" <<<"$last" | grep -Eo "[0-9]+" || echo 0)
    if [ "$result" -eq 0 ]; then
        echo "fuzz-$target: ok, $runs executions in ${seconds} s ($rate exec/s), cov $cov, ft $ft, 0 crashes"
    else
        status=1
        echo "fuzz-$target: FAILED (exit $result) after $runs executions; log $log, reproducer in $artifacts/"
        grep -E "ERROR: AddressSanitizer|Fatal error|fuzz invariant|deadly signal|ERROR: libFuzzer" "$log" | head -5 | sed 's/^/    /'
    fi
done
exit "$status"
