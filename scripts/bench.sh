#!/usr/bin/env bash
# Benchmarks edgectl against LiteRT (TFLite) on every conformance model, side by side in one run.
# LiteRT runs in a throwaway Python environment (benchmark only; the product never depends on it).
# Usage: scripts/bench.sh [--iterations N] [--threads 1]    Output: a Markdown table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

iterations=50
while [ $# -gt 0 ]; do
    case "$1" in
        --iterations) iterations="$2"; shift 2 ;;
        *) echo "bench: unknown argument $1" >&2; exit 2 ;;
    esac
done

scripts/setup.sh --no-build >&2
echo "bench: building release" >&2
swift build -c release --product edgectl >&2
bin="$(swift build -c release --show-bin-path)"

venv=.venv-bench
if [ ! -x "$venv/bin/python" ]; then
    echo "bench: creating $venv with ai-edge-litert" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q ai-edge-litert numpy >&2
fi

models=$(ls -d Tests/Fixtures/conformance/*/ | xargs -n1 basename)
results=$(mktemp)
for m in $models; do
    "$bin/edgectl" bench "Tests/Fixtures/conformance/$m/model.tflite" --iterations "$iterations" --warmup 5 --json >> "$results"
done

"$venv/bin/python" - "$iterations" "$results" $models <<'PY'
import json, statistics, sys, time, platform
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

iterations = int(sys.argv[1])
ours = {}
for line in open(sys.argv[2]):
    o = json.loads(line)
    ours[o["model"].split("/")[-2]] = o
models = sys.argv[3:]

def litert_ms(path, resolver):
    kwargs = {"num_threads": 1}
    if resolver is not None:
        kwargs["experimental_op_resolver_type"] = resolver
    it = Interpreter(model_path=path, **kwargs)
    it.allocate_tensors()
    rng = np.random.default_rng(0)
    for d in it.get_input_details():
        info = np.iinfo(d["dtype"]) if np.issubdtype(d["dtype"], np.integer) else None
        data = rng.integers(info.min, info.max + 1, size=d["shape"], dtype=d["dtype"]) if info else rng.standard_normal(d["shape"]).astype(d["dtype"])
        it.set_tensor(d["index"], data)
    for _ in range(5):
        it.invoke()
    samples = []
    for _ in range(iterations):
        t = time.perf_counter()
        it.invoke()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)

print(f"Machine: {platform.processor() or platform.machine()}, one thread, median of {iterations} invokes; {time.strftime('%Y-%m-%d')}")
print()
print("| model | edgectl ms | LiteRT built-in ms | LiteRT XNNPACK ms | edgectl / built-in | edgectl / XNNPACK | arena bytes | workspace bytes |")
print("|---|---|---|---|---|---|---|---|")
for m in models:
    path = f"Tests/Fixtures/conformance/{m}/model.tflite"
    builtin = litert_ms(path, OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    xnn = litert_ms(path, None)
    o = ours[m]
    e = o["median_ms"]
    print(f"| {m} | {e:.3f} | {builtin:.3f} | {xnn:.3f} | {e / builtin:.2f} | {e / xnn:.2f} | {o['arena_bytes']} | {o['workspace_bytes']} |")
PY
rm -f "$results"
