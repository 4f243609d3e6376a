#!/usr/bin/env bash
# Builds the LSTM shape fixtures (Tests/Fixtures/lstm-shapes): the Keras LSTM fixtures' operator with other input,
# cell, batch counts and layouts, random weights, and LiteRT's reference outputs (see scripts/lib/make_lstm_shapes.py).
#
# Fixture generation only: the product never depends on Python. A throwaway venv (default .venv-lstm/, git-ignored)
# gets ai-edge-litert, flatbuffers and numpy from PyPI on first use (no TensorFlow). Seeded: a rerun gives the same
# files with the same LiteRT version (2.3.0 made the committed ones).
#
# Usage: scripts/make-lstm-shapes.sh                          the shape fixtures
#        scripts/make-lstm-shapes.sh --time-major-fixture     Tests/Fixtures/conformance/lstm_float_time_major
#        scripts/make-lstm-shapes.sh --time-major-sweep DIR   936 time-major float LSTMs (cells 1–13, inputs 3–20,
#                                                             batches 2–5) for `edgectl conformance DIR`
#   LSTM_VENV  the venv to use or create (default .venv-lstm)
#   LSTM_OUT   where the folders go (default Tests/Fixtures/lstm-shapes)
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${LSTM_VENV:-.venv-lstm}"
out="${LSTM_OUT:-Tests/Fixtures/lstm-shapes}"

if ! "$venv/bin/python" -c "import ai_edge_litert, flatbuffers, numpy" 2>/dev/null; then
    echo "make-lstm-shapes: creating $venv with ai-edge-litert, flatbuffers and numpy"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check ai-edge-litert flatbuffers numpy
fi
case "${1:-}" in
    --time-major-fixture) TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" scripts/lib/make_lstm_shapes.py --time-major-fixture Tests/Fixtures/conformance ;;
    --time-major-sweep) TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" scripts/lib/make_lstm_shapes.py --time-major-sweep Tests/Fixtures/conformance "${2:?usage: --time-major-sweep DIR}" ;;
    *) "$venv/bin/python" scripts/lib/make_lstm_shapes.py Tests/Fixtures/conformance "$out" ;;
esac
