#!/usr/bin/env bash
# edgectl against LiteRT on an x86-64 CPU without VNNI, by executed instructions per inference under qemu-user.
#
# The development machine has AVX-512 VNNI; issue #18 also wants the figures on a CPU without it. qemu-user's TCG
# emulates a Haswell (AVX2, FMA, BMI2; no AVX-512, no VNNI) with a real CPUID, so edgectl's dispatch and LiteRT's
# (ruy's and XNNPACK's cpuinfo) all choose their AVX2 code, as on such a CPU. TCG emulates no timing, so its wall
# times mean nothing; the executed guest instructions (the TCG plugin scripts/qemu/insn-count.c) are the proxy:
# exact, but blind to instruction costs, caches and ports (one `vpmaddwd` counts as one `add`).
#
# Per model: (count(1 + N invokes) − count(1 invoke)) / N (N × 50 under 20 M instructions, × 500 under 2 M), so loading, packing and start-up cancel out, for
# `edgectl bench` and for LiteRT 2.3 (built-in kernels without delegates, and XNNPACK) through a small Python
# driver (its `invoke()` call adds a few thousand Python instructions per invoke, which matters only for ad01).
# Inputs are each fixture's case 0.
#
# Usage: scripts/qemu-x86-insn-count.sh [--cpus "Haswell …"] [--models "kws_ref_model …" | all] [--invokes N]
#        [--record]
# Defaults: Haswell; kws, vww, MobileNet v1 0.25, MobileNetV2, ResNet-8, ad01; N = 4. --record writes the table
# into docs/benchmarks.md (section "A CPU without VNNI, emulated"). Needs the release edgectl (EDGEFLEET_BIN:
# its directory) and the LiteRT venv of scripts/bench.sh (EDGEFLEET_BENCH_VENV, default .venv-bench, created here
# if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

CPUS=(Haswell)
MODELS=(kws_ref_model vww_96_int8 mobilenet_v1_0.25_128_quant tf2_mobilenet_v2_1.0_224_ptq pretrainedResnet_quant ad01_int8)
INVOKES=4
RECORD=0
while (($#)); do
    case $1 in
    --cpus) read -r -a CPUS <<<"$2"; shift ;;
    --models) if [ "$2" = all ]; then
            mapfile -t MODELS < <(find Tests/Fixtures/conformance -mindepth 2 -maxdepth 2 -name model.tflite -printf '%h\n' | xargs -n1 basename | sort)
        else read -r -a MODELS <<<"$2"; fi; shift ;;
    --invokes) INVOKES=$2; shift ;;
    --record) RECORD=1 ;;
    -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "qemu-x86-insn-count: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ $INVOKES =~ ^[1-9][0-9]*$ ]] || { echo "qemu-x86-insn-count: --invokes must be a positive integer" >&2; exit 2; }
[ "$(uname -m)" = x86_64 ] || { echo "qemu-x86-insn-count: needs an x86-64 host" >&2; exit 1; }
command -v qemu-x86_64 >/dev/null && command -v cc >/dev/null ||
    { echo "qemu-x86-insn-count: needs qemu-user and cc (scripts/setup.sh installs them)" >&2; exit 1; }
bin=${EDGEFLEET_BIN:-$(swift build -c release --show-bin-path)}
[ -x "$bin/edgectl" ] || { echo "qemu-x86-insn-count: no $bin/edgectl: swift build -c release --product edgectl" >&2; exit 1; }
venv=${EDGEFLEET_BENCH_VENV:-.venv-bench}
if [ ! -x "$venv/bin/python" ]; then
    echo "qemu-x86-insn-count: creating $venv with ai-edge-litert" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q ai-edge-litert numpy >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -shared -fPIC -O2 -Wall -Wextra -Werror -fvisibility=hidden -o "$work/libinsncount.so" scripts/qemu/insn-count.c
cp -p "$bin/edgectl" "$work/edgectl"  # every count from one binary, even if the tree rebuilds meanwhile
cat >"$work/litert.py" <<'PY'
import os, sys
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType
path, resolver, invokes = sys.argv[1], sys.argv[2], int(sys.argv[3])
kwargs = {"num_threads": 1}
if resolver == "builtin":
    kwargs["experimental_op_resolver_type"] = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
it = Interpreter(model_path=path, **kwargs)
it.allocate_tensors()
for i, d in enumerate(it.get_input_details()):
    it.set_tensor(d["index"], np.fromfile(f"{os.path.dirname(path)}/case-0.in-{i}.bin", dtype=d["dtype"]).reshape(d["shape"]))
for _ in range(invokes):
    it.invoke()
PY

# count CPU INVOKES program arguments…: the guest instructions of one run (Python's hash seed fixed: its dicts then
# do the same work in every run).
export PYTHONHASHSEED=0
count() {
    local cpu=$1 n=$2
    shift 2
    rm -f "$work/count.txt"
    qemu-x86_64 -cpu "$cpu" -plugin "$work/libinsncount.so,out=$work/count.txt" "$@" >"$work/run.log" 2>&1 || {
        grep -v "TCG doesn't support" "$work/run.log" >&2
        echo "qemu-x86-insn-count: failed under -cpu $cpu: $*" >&2
        exit 1
    }
    sed -n 's/^insns \([0-9]*\)$/\1/p' "$work/count.txt"
}
# per_invoke CPU command… (@N@ stands for the invoke count): a small model's invokes are a few million instructions,
# and a Python process's count varies by about a million from run to run (identical runs), so below 20 M per
# invoke the difference is taken over 50 × more invokes, and below 2 M over 500 × more (ad01 with XNNPACK, 0.09 M).
per_invoke() {
    local cpu=$1
    shift
    local one many n=$INVOKES result
    one=$(count "$cpu" 1 "${@//@N@/1}")
    many=$(count "$cpu" $((n + 1)) "${@//@N@/$((n + 1))}")
    result=$(((many - one) / n))
    for scale in 50:20000000 500:2000000; do
        [ "$result" -lt "${scale#*:}" ] || break
        scale=${scale%%:*}
        n=$((INVOKES * scale))
        many=$(count "$cpu" $((n + 1)) "${@//@N@/$((n + 1))}")
        result=$(((many - one) / n))
    done
    echo "$result"
}

section=$work/section.md
{
    for cpu in "${CPUS[@]}"; do
        probe=$(qemu-x86_64 -cpu "$cpu" "$work/edgectl" bench Tests/Fixtures/conformance/kws_ref_model/model.tflite \
            --iterations 1 --warmup 0 --json 2>/dev/null)
        read -r model_name features kernel < <(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["cpu_model"].replace(" ","_"), ",".join(d["isa_features"]) or "baseline", d["microkernel_name"])' <<<"$probe")
        echo "### Emulated $cpu (qemu-user TCG): executed instructions per inference"
        echo
        echo "$(qemu-x86_64 --version | head -1); guest CPUID \"${model_name//_/ }\"; edgectl found ISA \`$features\` and ran the \`$kernel\` microkernel;" \
            "LiteRT 2.3 ($("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("ai-edge-litert"))')) on the same emulated CPU;" \
            "one thread; (count of 1+N invokes − count of 1) / N with N = $INVOKES, $((INVOKES * 50)) below 20 M and $((INVOKES * 500)) below 2 M instructions per invoke; host $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(date -u '+%Y-%m-%d %H:%M') UTC" \
            "(scripts/qemu-x86-insn-count.sh). Instruction counts, not time."
        echo
        echo "| model | edgectl M insns | LiteRT built-in M insns | LiteRT XNNPACK M insns | edgectl / built-in | edgectl / XNNPACK |"
        echo "|---|---|---|---|---|---|"
        for m in "${MODELS[@]}"; do
            path=Tests/Fixtures/conformance/$m/model.tflite
            ours=$(per_invoke "$cpu" "$work/edgectl" bench "$path" --iterations @N@ --warmup 0)
            builtin=$(per_invoke "$cpu" "$venv/bin/python" "$work/litert.py" "$path" builtin @N@)
            xnn=$(per_invoke "$cpu" "$venv/bin/python" "$work/litert.py" "$path" xnnpack @N@)
            python3 -c 'import sys; m, o, b, x = sys.argv[1], *map(int, sys.argv[2:]); print(f"| {m} | {o/1e6:.3f} | {b/1e6:.3f} | {x/1e6:.3f} | {o/b:.2f} | {o/x:.2f} |")' \
                "$m" "$ours" "$builtin" "$xnn"
        done
        echo
    done
} | tee "$section"

if [ "$RECORD" = 1 ]; then
    python3 - "$section" docs/benchmarks.md <<'PY'
import sys
section = open(sys.argv[1]).read().strip() + "\n"
doc = open(sys.argv[2]).read()
begin, end = "<!-- emulated-x86 -->", "<!-- /emulated-x86 -->"
if begin not in doc:
    doc = doc.rstrip() + f"\n\n## A CPU without VNNI, emulated\n\n{begin}\n{end}\n"
head, rest = doc.split(begin, 1)
_, tail = rest.split(end, 1)
open(sys.argv[2], "w").write(head + begin + "\n" + section + end + tail)
print(f"qemu-x86-insn-count: recorded in {sys.argv[2]}", file=sys.stderr)
PY
fi
