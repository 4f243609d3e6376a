#!/usr/bin/env bash
# Benchmarks edgectl against LiteRT (TFLite) on every conformance model, side by side: for each model edgectl
# and both LiteRT paths are measured back to back, so all three see the same machine conditions.
# LiteRT runs in a throwaway Python environment (benchmark only; the product never depends on it).
# Usage: scripts/bench.sh [--iterations N] [--microkernel NAME] [--record]
# Output: a Markdown section on stdout headed by the machine kind (CPU model, ISA features found, microkernel), with
# the microkernel each model's GEMM operators used. --microkernel forces one (edgectl bench --microkernel; e.g.
# `avx2` measures the no-VNNI fallback on a VNNI machine). --record also writes the section into
# docs/benchmarks.md, replacing the earlier table of the same machine kind and keeping the others (one per kind).
set -euo pipefail
cd "$(dirname "$0")/.."

iterations=50
microkernel=""
record=0
while [ $# -gt 0 ]; do
    case "$1" in
        --iterations) iterations="$2"; shift 2 ;;
        --microkernel) microkernel="$2"; shift 2 ;;
        --record) record=1; shift ;;
        *) echo "bench: unknown argument $1" >&2; exit 2 ;;
    esac
done

if [ -z "${EDGEFLEET_BENCH_SKIP_BUILD:-}" ]; then
    scripts/setup.sh --no-build >&2
    echo "bench: building release" >&2
    swift build -c release --product edgectl >&2
fi
# EDGEFLEET_BENCH_EDGECTL=PATH measures that binary instead (a copy kept while the tree rebuilds).
if [ -n "${EDGEFLEET_BENCH_EDGECTL:-}" ]; then
    edgectl="$EDGEFLEET_BENCH_EDGECTL"
else
    edgectl="$(swift build -c release --show-bin-path)/edgectl"
fi

venv="${EDGEFLEET_BENCH_VENV:-.venv-bench}"
if [ ! -x "$venv/bin/python" ]; then
    echo "bench: creating $venv with ai-edge-litert" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q ai-edge-litert numpy >&2
fi

section="$(mktemp)"
scaling="$(mktemp)"
trap 'rm -f "$section" "$scaling"' EXIT
# The machine's two-core ceiling beside the two-thread figure (scripts/bench/core-scaling.c).
simd_flags=""
[ "$(uname -m)" != x86_64 ] || simd_flags="-mavx2"
cc -O2 $simd_flags -pthread -o "$scaling" scripts/bench/core-scaling.c
"$venv/bin/python" - "$iterations" "$edgectl" "$microkernel" "$scaling" <<'PY' | tee "$section"
import json, os, platform, statistics, subprocess, sys, time
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

iterations, edgectl, microkernel, scaling = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
root = "Tests/Fixtures/conformance"
models = sorted(m for m in os.listdir(root) if os.path.exists(f"{root}/{m}/model.tflite"))

def ours(path, threads=1):
    command = [edgectl, "bench", path, "--iterations", str(iterations), "--warmup", "5", "--json", "--threads", str(threads)]
    env = dict(os.environ)
    if microkernel:
        command += ["--microkernel", microkernel]
        # The process default too, so the elementwise paths that follow it (AVX-512 ADD/SUB/MUL) are forced alike.
        env["EDGEFLEET_MICROKERNEL"] = microkernel
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)

def litert_ms(path, resolver):
    kwargs = {"num_threads": 1}
    if resolver is not None:
        kwargs["experimental_op_resolver_type"] = resolver
    it = Interpreter(model_path=path, **kwargs)
    it.allocate_tensors()
    rng = np.random.default_rng(0)
    for i, d in enumerate(it.get_input_details()):
        # The fixture's first case where there is one: op-coverage models take shapes and indices as inputs, and
        # random ones make LiteRT abort the whole process (BROADCAST_ARGS did).
        recorded = f"{os.path.dirname(path)}/case-0.in-{i}.bin"
        if os.path.exists(recorded) and os.path.getsize(recorded) == int(np.prod(d["shape"])) * np.dtype(d["dtype"]).itemsize:
            data = np.fromfile(recorded, dtype=d["dtype"]).reshape(d["shape"])
        elif np.issubdtype(d["dtype"], np.integer):
            info = np.iinfo(d["dtype"])
            data = rng.integers(info.min, info.max + 1, size=d["shape"], dtype=d["dtype"])
        else:
            data = rng.standard_normal(d["shape"]).astype(d["dtype"])
        it.set_tensor(d["index"], data)
    for _ in range(5):
        it.invoke()
    samples = []
    for _ in range(iterations):
        t = time.perf_counter()
        it.invoke()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), min(samples)

probe = ours(f"{root}/{models[0]}/model.tflite")
cpu = probe.get("cpu_model") or next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
features = " ".join(probe.get("isa_features", [])) or "baseline only"
kernel = probe.get("microkernel_name", "?") + (" (forced)" if microkernel else "")
# The machine kind: one table per kind in docs/benchmarks.md (the marker line is what --record matches).
print(f"<!-- bench-machine: {cpu} | {features} | {kernel} -->")
print(f"### {cpu} — {platform.machine()}, ISA: {features}; microkernel {kernel}")
print()
print(f"{cpu}, {os.cpu_count()} cores, one thread unless stated, median of {iterations} invokes, {time.strftime('%Y-%m-%d %H:%M')}; "
      f"load average at start {os.getloadavg()[0]:.2f}")
print()
# Medians, and the fastest invoke of each runtime: on a loaded machine (other builds on the same cores) a long invoke
# is often preempted, so the minimum is the steadier estimate of what the code costs; both ratios are reported.
print("| model | edgectl ms | LiteRT built-in ms | LiteRT XNNPACK ms | edgectl / built-in | edgectl / XNNPACK | min ms: edgectl, built-in, XNNPACK | min-ratio / built-in, / XNNPACK | arena bytes | workspace bytes | GEMM microkernel |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for m in models:
    path = f"{root}/{m}/model.tflite"
    o = ours(path)
    builtin, builtin_min = litert_ms(path, OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    xnn, xnn_min = litert_ms(path, None)
    e, e_min = o["median_ms"], o["min_ms"]
    gemm = sorted({op["microkernel"] for op in o.get("operators", []) if op["op"] in ("CONV_2D", "FULLY_CONNECTED") and "microkernel" in op})
    print(f"| {m} | {e:.3f} | {builtin:.3f} | {xnn:.3f} | {e / builtin:.2f} | {e / xnn:.2f} | {e_min:.3f}, {builtin_min:.3f}, {xnn_min:.3f} | {e_min / builtin_min:.2f}, {e_min / xnn_min:.2f} | {o['arena_bytes']} | {o['workspace_bytes']} | {', '.join(gemm) or '-'} |", flush=True)
print()
path = f"{root}/tf2_mobilenet_v2_1.0_224_ptq/model.tflite"
ceiling = lambda: subprocess.run([scaling], check=True, capture_output=True, text=True).stdout.strip().removeprefix("core-scaling: ")
before = ceiling()
r1, r2 = ours(path, 1), ours(path, 2)
after = ceiling()
one, two = r1["median_ms"], r2["median_ms"]
print(f"Two threads on tf2_mobilenet_v2_1.0_224_ptq: {one:.3f} ms → {two:.3f} ms, speed-up {one / two:.2f}× "
      f"(fastest invokes {r1['min_ms']:.3f} → {r2['min_ms']:.3f} ms, {r1['min_ms'] / r2['min_ms']:.2f}×). "
      f"The machine's two-core ceiling (two independent int8 loops) and cache-line round trip between CPUs 0 and 1, just before and after (scripts/bench/core-scaling.c): "
      f"{before}; {after}.")
print()
print("Heap allocations per invoke: 0 for every model (RuntimeTests/AllocationTests, malloc interposer).")
print(f"<!-- /bench-machine -->")
PY

if [ "$record" = 1 ]; then
    python3 - "$section" docs/benchmarks.md <<'PY'
import re, sys
section = open(sys.argv[1]).read().strip() + "\n"
doc = open(sys.argv[2]).read()
marker = section.splitlines()[0]
begin, end = "<!-- bench-tables -->", "<!-- /bench-tables -->"
if begin not in doc:
    doc = doc.rstrip() + f"\n\n## Latest run per machine kind\n\n{begin}\n{end}\n"
head, rest = doc.split(begin, 1)
tables, tail = rest.split(end, 1)
# Replace this machine kind's earlier table; keep every other kind's.
blocks = re.findall(r"<!-- bench-machine: .*? -->.*?<!-- /bench-machine -->\n?", tables, flags=re.S)
blocks = [b for b in blocks if b.splitlines()[0] != marker] + [section]
open(sys.argv[2], "w").write(head + begin + "\n" + "\n".join(b.strip() + "\n" for b in blocks) + end + tail)
print(f"bench: recorded in {sys.argv[2]}", file=sys.stderr)
PY
fi
