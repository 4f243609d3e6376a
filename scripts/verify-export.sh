#!/usr/bin/env bash
# Verifies the trainer's exports against TFLite itself: every model the TrainingTests export (and one from
# `edgectl train`) must load in LiteRT, and TFLite's reference kernels (OpResolverType.BUILTIN_REF, one thread)
# must give outputs byte-identical to `edgectl run` on the same test rows.
#
# Verification only: the product never depends on Python. A throwaway venv (default .venv-verify/, git-ignored)
# gets ai-edge-litert and numpy from PyPI on first use.
#
# Usage: scripts/verify-export.sh
#   EDGEFLEET_SCRATCH_PATH  SwiftPM scratch path to build in (default .build)
#   EDGEFLEET_EXPORT_DIR    where the tests write <name>.tflite + <name>.inputs.bin (default <scratch>/exported-models)
#   VERIFY_VENV             the venv to use or create (default .venv-verify)
#   VERIFY_SKIP_BUILD=1     reuse an existing build (tests and edgectl already built in the scratch path)
set -euo pipefail
cd "$(dirname "$0")/.."

scratch="${EDGEFLEET_SCRATCH_PATH:-.build}"
venv="${VERIFY_VENV:-.venv-verify}"
export EDGEFLEET_EXPORT_DIR="${EDGEFLEET_EXPORT_DIR:-$scratch/exported-models}"

if ! "$venv/bin/python" -c "import ai_edge_litert, numpy" 2>/dev/null; then
    echo "verify-export: creating $venv with ai-edge-litert and numpy"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check ai-edge-litert numpy
fi

if [ "${VERIFY_SKIP_BUILD:-0}" != "1" ]; then
    swift build -c release --scratch-path "$scratch" --build-tests
fi
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"

rm -rf "$EDGEFLEET_EXPORT_DIR"
mkdir -p "$EDGEFLEET_EXPORT_DIR"
echo "== exporting models (TrainingTests, EDGEFLEET_EXPORT_DIR=$EDGEFLEET_EXPORT_DIR)"
swift test -c release --scratch-path "$scratch" --skip-build --filter TrainingTests
echo "== exporting digits with edgectl train"
"$bin/edgectl" train --data Tests/Fixtures/datasets/digits.csv --hidden 64,32 --seed 0 --quiet \
    --out "$EDGEFLEET_EXPORT_DIR/cli_digits.tflite"

echo "== comparing TFLite reference kernels with edgectl run"
"$venv/bin/python" - "$EDGEFLEET_EXPORT_DIR" "$bin/edgectl" Tests/Fixtures/datasets/digits.csv <<'PY'
import glob, os, subprocess, sys, tempfile
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

folder, edgectl, digits = sys.argv[1:4]

# The CLI model's inputs: digits.csv test rows (4, 9, 14, ...) as raw float32.
data = np.loadtxt(digits, delimiter=",", skiprows=1, dtype=np.float32)
test = data[np.arange(len(data)) % 5 == 4, :-1]
with open(os.path.join(folder, "cli_digits.inputs.bin"), "wb") as f:
    f.write(test.astype("<f4").tobytes())

models = sorted(glob.glob(os.path.join(folder, "*.tflite")))
expected = {"digits", "cli_digits", "blobs", "mixed_ranges", "kws_head", "autoencoder"}
found = {os.path.basename(m)[:-7] for m in models}
missing = expected - found
if missing:
    sys.exit(f"verify-export: models not exported: {sorted(missing)}")

failures = 0
rows_checked = 0
for path in models:
    name = os.path.basename(path)[:-7]
    it = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF, num_threads=1)
    it.allocate_tensors()
    inp = it.get_input_details()[0]
    outs = it.get_output_details()
    raw = open(path[:-7] + ".inputs.bin", "rb").read()
    size = int(np.prod(inp["shape"])) * np.dtype(inp["dtype"]).itemsize
    rows = len(raw) // size
    if rows == 0 or rows * size != len(raw):
        sys.exit(f"verify-export: {name}: {len(raw)} input bytes are not whole rows of {size}")
    mismatched = 0
    with tempfile.TemporaryDirectory() as tmp:
        in_file, out_file = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
        for r in range(rows):
            chunk = raw[r * size:(r + 1) * size]
            it.set_tensor(inp["index"], np.frombuffer(chunk, dtype=inp["dtype"]).reshape(inp["shape"]))
            it.invoke()
            reference = [it.get_tensor(o["index"]).tobytes() for o in outs]
            with open(in_file, "wb") as f:
                f.write(chunk)
            subprocess.run([edgectl, "run", path, "--input", in_file, "--output", out_file], check=True)
            ours = [open(out_file if j == 0 else f"{out_file}.{j}", "rb").read() for j in range(len(outs))]
            if ours != reference:
                mismatched += 1
                if mismatched <= 3:
                    print(f"  {name} row {r}: edgectl {[list(o[:12]) for o in ours]} vs TFLite {[list(o[:12]) for o in reference]}")
    rows_checked += rows
    status = "byte-identical" if mismatched == 0 else f"{mismatched} rows DIFFER"
    ops = sorted({d["op_name"] for d in it._get_ops_details()}) if hasattr(it, "_get_ops_details") else []
    print(f"{name}: {rows} rows, {len(outs)} output(s), ops {' '.join(ops)}: {status}")
    failures += mismatched

print(f"verify-export: {len(models)} models, {rows_checked} rows, {failures} mismatches")
print(f"{rows_checked - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
PY
