#!/usr/bin/env bash
# Builds the SVDF conformance fixtures (Tests/Fixtures/conformance/svdf_*): hand-made flatbuffers (the converter never
# emits SVDF), float32, hybrid (int8 weights) and full-integer int8 quantised as TFLite's quantizer treats SVDF, with LiteRT's reference
# outputs (OpResolverType.BUILTIN_REF, one thread, state reset before every invoke); see scripts/lib/make_svdf_models.py.
#
# Fixture generation only: the product never depends on Python. A throwaway venv (default .venv-svdf/, git-ignored)
# gets ai-edge-litert, flatbuffers and numpy from PyPI on first use (no TensorFlow). Seeded: a rerun gives the same
# files with the same LiteRT version (2.3.0 made the committed ones).
#
# Usage: scripts/make-svdf-models.sh [NAME...]     (default: svdf_float, svdf_hybrid and svdf_int8)
#        scripts/make-svdf-models.sh --hybrid-sweep DIR   240 single hybrid SVDFs (inputs 1–20, batches 1–3, ranks
#                                                        1–2, both input quantisations; cases on rounding ties) for
#                                                        `edgectl conformance DIR`
#   SVDF_VENV  the venv to use or create (default .venv-svdf)
#   SVDF_OUT   where the folders go (default Tests/Fixtures/conformance)
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${SVDF_VENV:-.venv-svdf}"
out="${SVDF_OUT:-Tests/Fixtures/conformance}"

if ! "$venv/bin/python" -c "import ai_edge_litert, flatbuffers, numpy" 2>/dev/null; then
    echo "make-svdf-models: creating $venv with ai-edge-litert, flatbuffers and numpy"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check ai-edge-litert flatbuffers numpy
fi
if [ "${1:-}" = "--hybrid-sweep" ]; then
    TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" scripts/lib/make_svdf_models.py --hybrid-sweep "${2:?usage: --hybrid-sweep DIR}"
else
    TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" scripts/lib/make_svdf_models.py "$out" "$@"
fi
