#!/usr/bin/env bash
# Benchmarks edgectl against LiteRT (TFLite) on every conformance model, side by side: for each model edgectl
# and both LiteRT paths are measured back to back, so all three see the same machine conditions.
# LiteRT runs in a throwaway Python environment (benchmark only; the product never depends on it).
# Usage: scripts/bench.sh [--iterations N]        Output: a Markdown table on stdout.
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

"$venv/bin/python" - "$iterations" "$bin/edgectl" <<'PY'
import json, os, platform, statistics, subprocess, sys, time
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

iterations, edgectl = int(sys.argv[1]), sys.argv[2]
root = "Tests/Fixtures/conformance"
models = sorted(m for m in os.listdir(root) if os.path.exists(f"{root}/{m}/model.tflite"))

def ours(path, threads=1):
    out = subprocess.run([edgectl, "bench", path, "--iterations", str(iterations), "--warmup", "5", "--json",
                          "--threads", str(threads)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)

def litert_ms(path, resolver):
    kwargs = {"num_threads": 1}
    if resolver is not None:
        kwargs["experimental_op_resolver_type"] = resolver
    it = Interpreter(model_path=path, **kwargs)
    it.allocate_tensors()
    rng = np.random.default_rng(0)
    for d in it.get_input_details():
        if np.issubdtype(d["dtype"], np.integer):
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
    return statistics.median(samples)

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
print(f"{cpu}, {os.cpu_count()} cores, one thread unless stated, median of {iterations} invokes, {time.strftime('%Y-%m-%d %H:%M')}; "
      f"load average at start {os.getloadavg()[0]:.2f}")
print()
print("| model | edgectl ms | LiteRT built-in ms | LiteRT XNNPACK ms | edgectl / built-in | edgectl / XNNPACK | arena bytes | workspace bytes |")
print("|---|---|---|---|---|---|---|---|")
for m in models:
    path = f"{root}/{m}/model.tflite"
    o = ours(path)
    builtin = litert_ms(path, OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    xnn = litert_ms(path, None)
    e = o["median_ms"]
    print(f"| {m} | {e:.3f} | {builtin:.3f} | {xnn:.3f} | {e / builtin:.2f} | {e / xnn:.2f} | {o['arena_bytes']} | {o['workspace_bytes']} |", flush=True)
print()
path = f"{root}/tf2_mobilenet_v2_1.0_224_ptq/model.tflite"
one, two = ours(path, 1)["median_ms"], ours(path, 2)["median_ms"]
print(f"Two threads on tf2_mobilenet_v2_1.0_224_ptq: {one:.3f} ms → {two:.3f} ms, speed-up {one / two:.2f}×")
print()
print("Heap allocations per invoke: 0 for every model (RuntimeTests/AllocationTests, malloc interposer).")
PY
