#!/usr/bin/env bash
# Executed aarch64 instructions per inference, per emulated core and GEMM microkernel: the speed proxy qemu can
# give (it emulates no timing, so its wall times mean nothing). Runs the cross-built `edgectl` under qemu-user
# with a small TCG plugin (scripts/qemu/insn-count.c, built here with cc) that counts every guest instruction.
#
# Per core (-cpu): runs the C microkernels against a scalar reference (scripts/qemu/kernel-check.c: smlal, and
# sdot where the core has it), checks the automatic microkernel choice (sdot where HWCAP has asimddp, smlal
# elsewhere), then per microkernel the core runs: `edgectl conformance` on every fixture with EDGEFLEET_MICROKERNEL forced (every
# model must PASS, byte-exact), then per model `edgectl bench --microkernel K` once with 1 invoke and once with
# 1+N invokes; (count(1+N) − count(1)) / N is the instruction count of one invoke (model loading, packing and
# start-up cancel out). Counts are exact; two runs differ by < 2,000 instructions per invoke (start-up noise
# spread over N invokes: 0.0006 % of MobileNetV2, 0.7 % of the tiny ad01).
#
# Usage: scripts/cross-build-aarch64.sh && scripts/qemu-insn-count.sh [--cpus "cortex-a53 …"] [--kernels "smlal …"]
#        [--models "kws_ref_model …"] [--invokes N] [--no-conformance]
#        scripts/qemu-insn-count.sh --profile MODEL [--cpus …] [--kernels …]: instead of the counts, where one
#        invoke's instructions go, per function (the unstripped edgectl.debug; .build-aarch64/insn-profile-MODEL.md)
# Defaults: cores cortex-a53 cortex-a72 cortex-a76 max; kernels smlal sdot portable (a kernel the core lacks is
# reported as such, not run); models kws, vww, MobileNet v1 0.25, MobileNetV2, ResNet-8, ad01; N = 4.
# Output: .build-aarch64/insn-counts.md (Markdown) and insn-counts.tsv, the table also on stdout; exit 1 if a
# conformance model fails, a C kernel differs from the scalar reference or a core picks the wrong microkernel.
# Needs root, the toolchain chroot and sysroot and .build-aarch64/bin/edgectl (cross-build-aarch64.sh); reads
# them only (it takes no lock: a cross-build may run meanwhile).
set -euo pipefail
# shellcheck source=scripts/lib/aarch64-common.sh
source "$(dirname "$0")/lib/aarch64-common.sh"

CPUS=(cortex-a53 cortex-a72 cortex-a76 max)
KERNELS=(smlal sdot portable)
MODELS=(kws_ref_model vww_96_int8 mobilenet_v1_0.25_128_quant tf2_mobilenet_v2_1.0_224_ptq pretrainedResnet_quant ad01_int8)
INVOKES=4
CONFORMANCE=1
PROFILE=
while (($#)); do
    case $1 in
    --cpus) read -r -a CPUS <<<"$2"; shift ;;
    --kernels) read -r -a KERNELS <<<"$2"; shift ;;
    --models) read -r -a MODELS <<<"$2"; shift ;;
    --invokes) INVOKES=$2; shift ;;
    --no-conformance) CONFORMANCE=0 ;;
    --profile) PROFILE=$2; shift ;;
    -h | --help) sed -n '2,23p' "$0"; exit 0 ;;
    *) ef_die "unknown argument $1 (see --help)" ;;
    esac
    shift
done
[[ $INVOKES =~ ^[1-9][0-9]*$ ]] || ef_die "--invokes must be a positive integer"

ef_require_root
EF_T0=$(ef_now)
trap 'rc=$?; [ $rc -eq 0 ] || [ -z "${EF_PHASE:-}" ] || ef_log "FAILED in phase $EF_PHASE (exit $rc); logs in $EF_OUT/logs"' EXIT
ef_toolchain_ready && ef_sysroot_ready && [ -x "$EF_OUT/bin/edgectl" ] ||
    ef_die "no aarch64 build found in $EF_OUT: run scripts/cross-build-aarch64.sh first"
FIXTURES=$EF_ROOT/Tests/Fixtures/conformance
[ -z "$PROFILE" ] || MODELS=("$PROFILE")
for m in "${MODELS[@]}"; do [ -f "$FIXTURES/$m/model.tflite" ] || ef_die "no model $FIXTURES/$m/model.tflite"; done

# --- 1. qemu-user and the counting plugin ----------------------------------------------------------------
ef_phase tools "qemu-user, cc, the instruction-counting plugin"
ef_ensure_host_packages qemu-user gcc libc6-dev python3
known_cpus=$(qemu-aarch64 -cpu help 2>&1 || true)  # exits 1 after the list
for cpu in "${CPUS[@]}"; do
    grep -qw -- "$cpu" <<<"$known_cpus" || ef_die "this qemu-aarch64 does not know -cpu $cpu"
done
WORK=$EF_OUT/insn-count
mkdir -p "$WORK"
PLUGIN=$WORK/libinsncount.so
PLUGIN_SRC=$EF_ROOT/scripts/qemu/insn-count.c
if [ ! -f "$PLUGIN" ] || [ "$PLUGIN_SRC" -nt "$PLUGIN" ]; then
    cc -shared -fPIC -O2 -Wall -Wextra -Werror -fvisibility=hidden -o "$PLUGIN" "$PLUGIN_SRC" ||
        ef_die "building the qemu plugin from $PLUGIN_SRC failed"
fi
# A private copy: a cross-build running meanwhile replaces .build-aarch64/bin, and every count must come from
# one binary.
cp -p "$EF_OUT/bin/edgectl" "$WORK/edgectl"
[ -z "$PROFILE" ] || cp -p "$EF_OUT/bin/edgectl.debug" "$WORK/edgectl.debug"
EDGECTL=$WORK/edgectl
# The C kernels' check, compiled for aarch64 by the toolchain's clang (the same compiler as edgectl's C targets).
EF_CHROOT_MOUNTS=("$EF_ROOT")
ef_logged kernel-check-build ef_chroot "clang --target=$EF_TRIPLE --sysroot='$EF_SYSROOT' -fuse-ld=lld -O2 -Wall -Wextra \
    -Werror -I '$EF_ROOT/Sources/CDotProduct/include' '$EF_ROOT/Sources/CDotProduct/DotProduct.c' '$EF_ROOT/Sources/CDotProduct/CPUFeatures.c' \
    '$EF_ROOT/scripts/qemu/kernel-check.c' -o '$WORK/kernel-check'"
ef_phase_done "$(qemu-aarch64 --version | head -1), edgectl $(ef_size "$EDGECTL")"

qemu() { # qemu CPU [env assignments…] -- edgectl arguments…
    local cpu=$1 envs=()
    shift
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    (cd "$EF_ROOT" && env "${envs[@]}" nice -n "${EDGEFLEET_AARCH64_NICE:-10}" \
        qemu-aarch64 -cpu "$cpu" -L "$EF_SYSROOT" "$EDGECTL" "$@")
}
json_field() { python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(" ".join(v) if isinstance(v, list) else v)' "$1"; }

# count CPU KERNEL MODEL INVOKES: executed instructions of `edgectl bench` with that many invokes.
count() {
    local out=$WORK/count.txt
    rm -f "$out"
    (cd "$EF_ROOT" && nice -n "${EDGEFLEET_AARCH64_NICE:-10}" qemu-aarch64 -cpu "$1" -L "$EF_SYSROOT" \
        -plugin "$PLUGIN,out=$out" "$EDGECTL" bench "$FIXTURES/$3/model.tflite" --microkernel "$2" \
        --iterations "$4" --warmup 0 >"$WORK/bench.log" 2>&1) || {
        cat "$WORK/bench.log" >&2
        ef_die "edgectl bench $3 --microkernel $2 failed under -cpu $1"
    }
    sed -n 's/^insns \([0-9]*\)$/\1/p' "$out"
}

# --- profile mode: per-function instructions of one invoke ----------------------------------------------
if [ -n "$PROFILE" ]; then
    raw=$WORK/profile
    rm -rf "$raw" && mkdir -p "$raw"
    configs=()
    for cpu in "${CPUS[@]}"; do
        available=" $(qemu "$cpu" -- bench "$FIXTURES/kws_ref_model/model.tflite" --iterations 1 --warmup 0 --json |
            json_field available_microkernels) "
        for k in "${KERNELS[@]}"; do
            [[ $available == *" $k "* ]] || continue
            for n in 1 $((INVOKES + 1)); do
                (cd "$EF_ROOT" && nice -n "${EDGEFLEET_AARCH64_NICE:-10}" qemu-aarch64 -cpu "$cpu" -L "$EF_SYSROOT" \
                    -plugin "$PLUGIN,out=$raw/$cpu-$k-$n.txt,symbols=on" "$WORK/edgectl.debug" bench \
                    "$FIXTURES/$PROFILE/model.tflite" --microkernel "$k" --iterations "$n" --warmup 0 >/dev/null) ||
                    ef_die "edgectl.debug bench $PROFILE --microkernel $k failed under -cpu $cpu"
            done
            configs+=("$cpu-$k")
            ef_log "   profiled $PROFILE on $cpu with $k"
        done
    done
    # Swift and C++ names demangled by the toolchain's swift-demangle (inside the chroot).
    cut -f2 "$raw"/*.txt | grep -v '^insns ' | sort -u >"$raw/symbols.txt"
    ef_logged demangle ef_chroot "swift-demangle --simplified <'$raw/symbols.txt' >'$raw/demangled.txt'"
    python3 - "$raw" "$INVOKES" "$EF_OUT/insn-profile-$PROFILE.md" "$PROFILE" "${configs[@]}" <<'PY'
import sys
raw, invokes, md, model, configs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
names = dict(zip(open(f"{raw}/symbols.txt").read().splitlines(), open(f"{raw}/demangled.txt").read().splitlines()))
def load(path):
    counts = {}
    for line in open(path):
        a, b = line.rstrip("\n").split("\t", 1) if "\t" in line else (None, None)
        if a is not None:
            counts[b] = int(a)
    return counts
per = {}
for c in configs:
    one, more = load(f"{raw}/{c}-1.txt"), load(f"{raw}/{c}-{invokes + 1}.txt")
    per[c] = {s: (more.get(s, 0) - one.get(s, 0)) / invokes for s in set(one) | set(more)}
    per[c] = {s: v for s, v in per[c].items() if v > 0}
top = []
for c in configs:
    for s, _ in sorted(per[c].items(), key=lambda kv: -kv[1])[:10]:
        if s not in top:
            top.append(s)
top.sort(key=lambda s: -max(per[c].get(s, 0) for c in configs))
def short(s):
    n = names.get(s, s)
    return (n[:110] + "…") if len(n) > 111 else n
out = [f"Where one invoke of {model} spends its instructions (millions per invoke, share of the invoke), by the function a",
       "translation block starts in (inlined code counts for its caller; `?` is code without a symbol: the C library).", "",
       "| function | " + " | ".join(configs) + " |", "|---|" + "---|" * len(configs)]
for s in top:
    cells = []
    for c in configs:
        total = sum(per[c].values())
        v = per[c].get(s, 0)
        cells.append(f"{v / 1e6:.2f} ({100 * v / total:.0f} %)" if v else "—")
    out.append(f"| `{short(s)}` | " + " | ".join(cells) + " |")
out.append("| **total** | " + " | ".join(f"{sum(per[c].values()) / 1e6:.2f}" for c in configs) + " |")
open(md, "w").write("\n".join(out) + "\n")
print("\n".join(out))
PY
    exit 0
fi

FAILED=0
TSV=$EF_OUT/insn-counts.tsv
printf 'cpu\tisa\tmicrokernel\tmodel\tmacs\tkernels_used\tinsns_per_invoke\tinsns_startup_plus_one\n' >"$TSV"
declare -A AUTO ISA CONF KCHECK
for cpu in "${CPUS[@]}"; do
    ef_phase "count-$cpu" "qemu-aarch64 -cpu $cpu"
    # 2a. The C kernels against the scalar reference.
    if KCHECK[$cpu]=$(nice -n "${EDGEFLEET_AARCH64_NICE:-10}" qemu-aarch64 -cpu "$cpu" -L "$EF_SYSROOT" "$WORK/kernel-check" 2>&1); then
        ef_log "   $cpu ${KCHECK[$cpu]}"
        KCHECK[$cpu]=$(sed -e 's/^kernel-check: //' -e 's/the same tiles exact/exact/' <<<"${KCHECK[$cpu]}")
    else
        ef_log "   $cpu kernel check FAILED: ${KCHECK[$cpu]}"
        KCHECK[$cpu]="FAILED: ${KCHECK[$cpu]}"
        FAILED=1
    fi
    # 2b. The automatic choice: from HWCAP alone (getauxval; no /proc/cpuinfo), sdot only with asimddp.
    j=$(qemu "$cpu" -- bench "$FIXTURES/kws_ref_model/model.tflite" --iterations 1 --warmup 0 --json)
    ISA[$cpu]=$(json_field isa_features <<<"$j")
    AUTO[$cpu]=$(json_field microkernel_name <<<"$j")
    want=smlal
    [[ " ${ISA[$cpu]} " == *" asimddp "* ]] && want=sdot
    if [ "${AUTO[$cpu]}" = "$want" ]; then
        ef_log "   $cpu (isa: ${ISA[$cpu]}): picks ${AUTO[$cpu]} by itself"
    else
        ef_log "   $cpu (isa: ${ISA[$cpu]}): picked '${AUTO[$cpu]}', expected $want — FAILED"
        AUTO[$cpu]+=" (WRONG, expected $want)"
        FAILED=1
    fi
    available=" $(json_field available_microkernels <<<"$j") "
    for k in "${KERNELS[@]}"; do
        if [[ $available != *" $k "* ]]; then
            CONF[$cpu/$k]="not on this core"
            ef_log "   $cpu: $k not available (isa: ${ISA[$cpu]}), skipped"
            continue
        fi
        # 3. Byte-exact conformance with the kernel forced.
        if ((CONFORMANCE)); then
            log=$EF_OUT/logs/insn-conformance-$cpu-$k.log
            rc=0
            qemu "$cpu" EDGEFLEET_MICROKERNEL="$k" -- conformance "$FIXTURES" >"$log" 2>&1 || rc=$?
            total=$(find "$FIXTURES" -mindepth 2 -maxdepth 2 -name model.tflite | wc -l)
            pass=$(grep -c '^PASS ' "$log" || true)
            if [ "$rc" -eq 0 ] && [ "$pass" -eq "$total" ]; then
                CONF[$cpu/$k]="PASS $pass/$total"
            else
                CONF[$cpu/$k]="FAIL $pass/$total"
                FAILED=1
                ef_log "   $cpu $k conformance: $pass of $total PASS (exit $rc) — $log"
            fi
        fi
        # 4. Instructions per invoke.
        for m in "${MODELS[@]}"; do
            c1=$(count "$cpu" "$k" "$m" 1)
            cn=$(count "$cpu" "$k" "$m" $((INVOKES + 1)))
            info=$(qemu "$cpu" -- bench "$FIXTURES/$m/model.tflite" --microkernel "$k" --iterations 1 --warmup 0 --json)
            macs=$(json_field macs <<<"$info")
            used=$(json_field microkernel_name <<<"$info")
            per=$(((cn - c1) / INVOKES))
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cpu" "${ISA[$cpu]}" "$k" "$m" "$macs" "$used" "$per" "$c1" >>"$TSV"
        done
        ef_log "   $cpu $k: ${CONF[$cpu/$k]:-conformance not run}, ${#MODELS[@]} models counted"
    done
    ef_phase_done
done

# --- 5. the tables ------------------------------------------------------------------------------------
python3 - "$TSV" "$EF_OUT/insn-counts.md" "$INVOKES" "$(qemu-aarch64 --version | head -1 | sed 's/ (.*//')" \
    "$(awk -F'\t' '$3 == "source" { d = $5 } END { sub(/.*, /, "", d); print d }' "$EF_TIMINGS")" <<'PY'
import csv, sys
tsv, md, invokes, qemu_version, commit = sys.argv[1:6]
rows = list(csv.DictReader(open(tsv), delimiter="\t"))
columns = []  # (cpu, kernel) in run order
for r in rows:
    key = (r["cpu"], r["microkernel"])
    if key not in columns:
        columns.append(key)
models = []
for r in rows:
    if r["model"] not in models:
        models.append(r["model"])
cell = {(r["cpu"], r["microkernel"], r["model"]): r for r in rows}
out = []
out.append(f"Executed aarch64 instructions per invoke, millions ({qemu_version}, TCG plugin scripts/qemu/insn-count.c, "
           f"edgectl at {commit}, (count(1+{invokes}) − count(1)) / {invokes}). Emulation counts instructions, not time.")
out.append("")
out.append("| model | MACs | " + " | ".join(f"{c} {k}" for c, k in columns) + " |")
out.append("|---|---|" + "---|" * len(columns))
for m in models:
    macs = next(r["macs"] for r in rows if r["model"] == m)
    cells = []
    for c, k in columns:
        r = cell.get((c, k, m))
        if r is None:
            cells.append("—")
            continue
        v = int(r["insns_per_invoke"]) / 1e6
        note = "" if r["kernels_used"] == k else f" ({r['kernels_used']})"
        cells.append(f"{v:.2f}{note}")
    out.append(f"| {m} | {int(macs) / 1e6:.2f} M | " + " | ".join(cells) + " |")
out.append("")
out.append("Instructions per MAC (the same order):")
out.append("")
out.append("| model | " + " | ".join(f"{c} {k}" for c, k in columns) + " |")
out.append("|---|" + "---|" * len(columns))
for m in models:
    cells = []
    for c, k in columns:
        r = cell.get((c, k, m))
        cells.append("—" if r is None else f"{int(r['insns_per_invoke']) / int(r['macs']):.3f}")
    out.append(f"| {m} | " + " | ".join(cells) + " |")
open(md, "w").write("\n".join(out) + "\n")
print("\n".join(out))
PY
{
    echo
    echo "| core | isa (HWCAP) | picks by itself | C kernels vs scalar |$(printf ' %s conformance |' "${KERNELS[@]}")"
    echo "|---|---|---|---|$(printf -- '---|%.0s' "${KERNELS[@]}")"
    for cpu in "${CPUS[@]}"; do
        row="| $cpu | ${ISA[$cpu]} | ${AUTO[$cpu]} | ${KCHECK[$cpu]} |"
        for k in "${KERNELS[@]}"; do row+=" ${CONF[$cpu/$k]:-not run} |"; done
        echo "$row"
    done
} | tee -a "$EF_OUT/insn-counts.md"
total_s=$((($(ef_now) - EF_T0) / 1000000000))
echo
echo "qemu-insn-count: done in ${total_s}s ($EF_OUT/insn-counts.md)"
((FAILED == 0)) || { ef_log "a conformance model failed or a core picked the wrong microkernel (above)"; exit 1; }
