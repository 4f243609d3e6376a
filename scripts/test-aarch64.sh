#!/usr/bin/env bash
# Runs the aarch64 build under qemu-user with the Raspberry Pi cores: cortex-a53 (Pi 3 / Zero 2 W),
# cortex-a72 (Pi 4), cortex-a76 (Pi 5). For each core: `edgectl conformance` on every fixture (byte-exact),
# and the kernel unit tests (KernelsTests, TFLiteTests, RuntimeTests) from an aarch64 build of the test bundle.
# --all also runs every other test module once, on the first core; --cpus picks the cores; --no-unit-tests
# skips the test bundle (its build is the slow part) and runs conformance (and the agent smoke test) only.
#
# Usage: scripts/cross-build-aarch64.sh && scripts/test-aarch64.sh [--all | --no-unit-tests] [--cpus "…"]
# The agent smoke test per core: docs/agent.md's quick start against a mosquitto on loopback, then an
# over-the-air update served by the host's edge-collector (built here for x86-64 if missing).
# Output: a Markdown table on stdout (also .build-aarch64/test-results.md) and a closing
#         "aarch64: N passed, M failed" line (tests; a conformance model counts as one); exit 1 on any failure.
set -euo pipefail
# shellcheck source=scripts/lib/aarch64-common.sh
source "$(dirname "$0")/lib/aarch64-common.sh"
# shellcheck source=scripts/lib/aarch64-agent-smoke.sh
source "$(dirname "$0")/lib/aarch64-agent-smoke.sh"

ALL=0 UNIT=1
CPUS=("${EF_CPUS[@]}")
while (($#)); do
    case $1 in
    --all) ALL=1 ;;
    --no-unit-tests) UNIT=0 ;;
    --cpus) read -r -a CPUS <<<"$2"; shift ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) ef_die "unknown argument $1 (see --help)" ;;
    esac
    shift
done

KERNEL_SUITES=(KernelsTests TFLiteTests RuntimeTests)
# Tests that cannot work under qemu-user, with the reason (they run on real hardware and in the x86 suite).
declare -A SKIP=(
    ["MQTTTests.MQTTLastWillTests/testWillIsPublishedAndRetainedWhenTheClientIsKilled"]="re-executes /proc/self/exe, which under qemu-user is the emulator itself"
)
QEMU_TIMEOUT=${EDGEFLEET_AARCH64_TEST_TIMEOUT:-1800}

ef_require_root
ef_lock
EF_T0=$(ef_now)
trap 'rc=$?; [ $rc -eq 0 ] || [ -z "${EF_PHASE:-}" ] || ef_log "FAILED in phase $EF_PHASE (exit $rc); logs in $EF_OUT/logs"' EXIT

ef_toolchain_ready && ef_sysroot_ready && [ -x "$EF_OUT/bin/edgectl" ] && [ -f "$EF_OUT/src/Package.swift" ] ||
    ef_die "no aarch64 build found in $EF_OUT: run scripts/cross-build-aarch64.sh first"

ef_phase host-tools "qemu-user, mosquitto"
ef_ensure_host_packages qemu-user mosquitto mosquitto-clients
command -v qemu-aarch64 >/dev/null || ef_die "qemu-aarch64 not found after installing qemu-user"
known_cpus=$(qemu-aarch64 -cpu help 2>&1 || true)  # exits 1 after the list
for cpu in "${CPUS[@]}"; do
    grep -qw -- "$cpu" <<<"$known_cpus" || ef_die "this qemu-aarch64 does not know -cpu $cpu"
done
ef_phase_done "$(qemu-aarch64 --version | head -1)"

# Per core, a directory whose test binary and products are what ProductProcess finds "beside the tests":
# each product is a host shell script that runs the shipped (static, stripped) binary under the same core.
qemu_cmd() { echo "nice -n ${EDGEFLEET_AARCH64_NICE:-10} qemu-aarch64 -cpu $1 -L $EF_SYSROOT"; }
make_run_dir() {
    local cpu=$1 dir=$EF_OUT/run/$1 p
    rm -rf "$dir" && mkdir -p "$dir"
    [ -e "$XCTEST" ] && ln -s "$XCTEST" "$dir/EdgeFleetPackageTests.xctest"
    for p in "$EF_OUT"/bin/*; do
        case $p in *.debug) continue ;; esac
        printf '#!/bin/sh\nexec %s %q "$@"\n' "$(qemu_cmd "$cpu")" "$p" >"$dir/$(basename "$p")"
        chmod +x "$dir/$(basename "$p")"
    done
}

if ((UNIT)); then
    # The test bundle links XCTest, which exists for aarch64 only as a shared library: this build is dynamic and
    # keeps its own scratch directory (the static product build would otherwise be recompiled on every switch).
    ef_phase test-build "aarch64 test bundle (release, dynamic Swift runtime) from the same snapshot as the binaries"
    ef_log "   a cold build takes 10-15 min on 2 cores; progress: tail -f $EF_OUT/logs/swift-build-tests.log"
    ef_logged swift-build-tests ef_chroot "cd '$EF_OUT/src' && swift build $(ef_swift_sdk_args) --build-tests --scratch-path '$EF_OUT/build-tests'"
    XCTEST=$EF_OUT/build-tests/$EF_TRIPLE/release/EdgeFleetPackageTests.xctest
    [ -x "$XCTEST" ] || ef_die "the test bundle was not built ($XCTEST)"
    ef_phase_done "$(grep -cE '^\[[0-9]+/[0-9]+\] Compiling' "$EF_OUT/logs/swift-build-tests.log" || true) compile steps"

    ef_phase list "test inventory"
    $(qemu_cmd cortex-a72) "$XCTEST" --list-tests >"$EF_OUT/logs/list-tests.log" 2>&1 || {
        tail -n 20 "$EF_OUT/logs/list-tests.log" >&2
        ef_die "the aarch64 test bundle does not start under qemu"
    }
    grep -E '^[A-Za-z0-9_]+\.[A-Za-z0-9_]+/' "$EF_OUT/logs/list-tests.log" | sort >"$EF_OUT/logs/tests.txt"
    mapfile -t MODULES < <(cut -d. -f1 "$EF_OUT/logs/tests.txt" | sort -u)
    for m in "${KERNEL_SUITES[@]}"; do
        grep -q "^$m\." "$EF_OUT/logs/tests.txt" || ef_die "test module $m is not in the bundle"
    done
    ef_phase_done "$(wc -l <"$EF_OUT/logs/tests.txt") tests in ${#MODULES[@]} modules: ${MODULES[*]}"
else
    XCTEST=/nonexistent MODULES=()
    ef_log "== unit tests skipped (--no-unit-tests)"
fi

# Fixture folders: every conformance model must print PASS.
mapfile -t MODELS < <(cd "$EF_OUT/src/Tests/Fixtures/conformance" && for d in */; do
    [ -f "$d/model.tflite" ] && echo "${d%/}"; done)
((${#MODELS[@]})) || ef_die "no conformance fixtures in $EF_OUT/src/Tests/Fixtures/conformance"

PASSED=0 FAILED=0          # tests (each conformance model counts as one)
declare -A RESULT TIME
SUITE_COLUMNS=()

# run_suite CPU MODULE: runs one test module (minus SKIP) under CPU; records "passed/total" and the time.
run_suite() {
    local cpu=$1 module=$2 log=$EF_OUT/logs/test-$1-$2.log
    local tests=() t filter executed failures rc t0
    while read -r t; do
        [ -n "${SKIP[$t]:-}" ] && { ef_log "   skip $t: ${SKIP[$t]}"; continue; }
        tests+=("$t")
    done < <(grep "^$module\." "$EF_OUT/logs/tests.txt")
    if ((${#tests[@]} == 0)); then          # an empty filter would run every test
        RESULT[$cpu/$module]="skipped"
        TIME[$cpu/$module]=0
        return
    fi
    filter=$(IFS=,; echo "${tests[*]}")
    t0=$(ef_now)
    rc=0
    (cd "$EF_OUT/src" && timeout "$QEMU_TIMEOUT" $(qemu_cmd "$cpu") "$EF_OUT/run/$cpu/EdgeFleetPackageTests.xctest" \
        "$filter") >"$log" 2>&1 || rc=$?
    TIME[$cpu/$module]=$((($(ef_now) - t0) / 1000000000))
    # The last summary is the whole run's; XCTest writes "Executed N tests, with M failures" or, when tests skipped,
    # "Executed N tests, with K tests skipped and M failures" (skipped tests count as executed, not as failures).
    summary=$(grep -E 'Executed [0-9]+ tests?, with ' "$log" | tail -1)
    executed=$(sed -nE 's/.*Executed ([0-9]+) tests?, with .*/\1/p' <<<"$summary")
    failures=$(sed -nE 's/.*[ ]([0-9]+) failures? .*/\1/p' <<<"$summary")
    executed=${executed:-0} failures=${failures:-0}
    if [ "$rc" -ne 0 ] || [ "$failures" -ne 0 ] || [ "$executed" -ne "${#tests[@]}" ]; then
        RESULT[$cpu/$module]="FAIL $((executed - failures))/${#tests[@]}"
        PASSED=$((PASSED + executed - failures))
        FAILED=$((FAILED + ${#tests[@]} - (executed - failures)))
        ef_log "   $cpu $module: FAILED (exit $rc, $failures of $executed failed, ${#tests[@]} expected) — $log"
        grep -E 'error:|Fatal error|signal|Illegal instruction' "$log" | head -5 >&2 || true
    else
        RESULT[$cpu/$module]="$executed/$executed"
        PASSED=$((PASSED + executed))
        ef_log "   $cpu $module: $executed passed (${TIME[$cpu/$module]}s)"
    fi
}

[ -x "$EF_OUT/bin/edge-agent" ] ||
    ef_die "no aarch64 edge-agent in $EF_OUT/bin: build it with scripts/cross-build-aarch64.sh (EDGEFLEET_AARCH64_PRODUCTS must include it)"
ef_phase host-collector "the host's x86-64 edge-collector, which serves the agent smoke test's update"
ef_logged host-collector-build bash -c "cd '$EF_ROOT' && swift build -c release --product edge-collector"
EF_HOST_COLLECTOR="$(cd "$EF_ROOT" && swift build -c release --show-bin-path)/edge-collector"
[ -x "$EF_HOST_COLLECTOR" ] || ef_die "the host edge-collector was not built ($EF_HOST_COLLECTOR)"
ef_phase_done "$EF_HOST_COLLECTOR"

for cpu in "${CPUS[@]}"; do
    ef_phase "emulate-$cpu" "conformance and unit tests under qemu-aarch64 -cpu $cpu"
    make_run_dir "$cpu"
    # Byte-exact conformance with the shipped binary.
    log=$EF_OUT/logs/conformance-$cpu.log
    t0=$(ef_now)
    rc=0
    (cd "$EF_OUT/src" && timeout "$QEMU_TIMEOUT" "$EF_OUT/run/$cpu/edgectl" conformance Tests/Fixtures/conformance) \
        >"$log" 2>&1 || rc=$?
    TIME[$cpu/conformance]=$((($(ef_now) - t0) / 1000000000))
    pass=0
    for m in "${MODELS[@]}"; do
        grep -qE "^PASS .*/$m( |$)" "$log" && pass=$((pass + 1))
    done
    if [ "$rc" -eq 0 ] && [ "$pass" -eq "${#MODELS[@]}" ] && ! grep -q '^FAIL' "$log"; then
        RESULT[$cpu/conformance]="PASS $pass/${#MODELS[@]}"
        PASSED=$((PASSED + pass))
        ef_log "   $cpu conformance: PASS for all ${#MODELS[@]} models (${TIME[$cpu/conformance]}s)"
    else
        RESULT[$cpu/conformance]="FAIL $pass/${#MODELS[@]}"
        PASSED=$((PASSED + pass))
        FAILED=$((FAILED + ${#MODELS[@]} - pass))
        ef_log "   $cpu conformance: FAILED (exit $rc, $pass of ${#MODELS[@]} PASS) — $log"
        grep -vE '^PASS' "$log" | head -10 >&2 || true
    fi
    # Run-time dispatch: the sdot microkernel on the core that has it (A76, ARMv8.2), smlal on A53/A72 (sdot would
    # die with SIGILL there; the conformance run above would have failed). The line reports the kernel the model's
    # convolutions were packed for, not only the process default.
    kernel=$(cd "$EF_OUT/src" && "$EF_OUT/run/$cpu/edgectl" bench Tests/Fixtures/conformance/kws_ref_model/model.tflite \
        --iterations 1 --warmup 0 2>&1 | sed -n 's/^microkernel: //p')
    want=smlal
    [ "$cpu" = cortex-a76 ] && want=sdot
    if [[ $kernel == "$want"* ]]; then
        RESULT[$cpu/conformance]+=", ${kernel%% *}"
        PASSED=$((PASSED + 1))
        ef_log "   $cpu microkernel: $kernel (expected: $want)"
    else
        RESULT[$cpu/conformance]+=", WRONG KERNEL ${kernel:-none}"
        FAILED=$((FAILED + 1))
        ef_log "   $cpu microkernel: '${kernel:-none}', expected $want — FAILED"
    fi
    suites=()
    ((UNIT)) && suites=("${KERNEL_SUITES[@]}")
    if ((ALL && UNIT)) && [ "$cpu" = "${CPUS[0]}" ]; then
        for m in "${MODULES[@]}"; do
            [[ " ${KERNEL_SUITES[*]} " == *" $m "* ]] || suites+=("$m")
        done
    fi
    for m in "${suites[@]}"; do
        [[ " ${SUITE_COLUMNS[*]} " == *" $m "* ]] || SUITE_COLUMNS+=("$m")
        run_suite "$cpu" "$m"
    done
    # The agent: docs/agent.md's quick start against a mosquitto on loopback, then an update from the collector.
    [[ " ${SUITE_COLUMNS[*]} " == *" agent "* ]] || SUITE_COLUMNS+=(agent)
    log=$EF_OUT/logs/agent-smoke-$cpu.log
    t0=$(ef_now)
    if ef_agent_smoke "$cpu" "$log"; then
        RESULT[$cpu/agent]="telemetry, OTA update committed, clean stop"
        PASSED=$((PASSED + 1))
        ef_log "   $cpu edge-agent smoke test: passed"
    else
        RESULT[$cpu/agent]="FAIL"
        FAILED=$((FAILED + 1))
        ef_log "   $cpu edge-agent smoke test: FAILED — $log"
        grep -aE 'MISSING|NOT COMMITTED|refused|did not st|exited' "$log" >&2 || true
    fi
    TIME[$cpu/agent]=$((($(ef_now) - t0) / 1000000000))
    ef_phase_done
done

{
    header="| core | conformance"
    rule="| --- | ---"
    for m in "${SUITE_COLUMNS[@]}"; do header+=" | $m"; rule+=" | ---"; done
    echo "$header |"
    echo "$rule |"
    for cpu in "${CPUS[@]}"; do
        row="| $cpu | ${RESULT[$cpu/conformance]} (${TIME[$cpu/conformance]}s)"
        for m in "${SUITE_COLUMNS[@]}"; do
            if [ -n "${RESULT[$cpu/$m]:-}" ]; then row+=" | ${RESULT[$cpu/$m]} (${TIME[$cpu/$m]}s)"; else row+=" | –"; fi
        done
        echo "$row |"
    done
} >"$EF_OUT/test-results.md"

total_ms=$((($(ef_now) - EF_T0) / 1000000))
printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$EF_SCRIPT" total "$((total_ms / 1000))" "" >>"$EF_TIMINGS"
echo
echo "aarch64 under qemu-user ($(qemu-aarch64 --version | head -1 | sed 's/ (.*//')), cells: passed/run (seconds):"
cat "$EF_OUT/test-results.md"
echo
echo "test-aarch64: done in $((total_ms / 1000))s"
echo "aarch64: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
