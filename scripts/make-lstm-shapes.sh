#!/usr/bin/env bash
# Builds the LSTM shape fixtures (Tests/Fixtures/lstm-shapes): the Keras LSTM fixtures' operator with other input,
# cell, batch counts and layouts, random weights, and LiteRT's reference outputs (see scripts/lib/make_lstm_shapes.py).
#
# Fixture generation only: the product never depends on Python. A throwaway venv (default .venv-lstm/, git-ignored)
# gets ai-edge-litert, flatbuffers and numpy from PyPI on first use (no TensorFlow). Seeded: a rerun gives the same
# files with the same LiteRT version (2.3.0 made the committed ones).
#
# Usage: scripts/make-lstm-shapes.sh
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
"$venv/bin/python" scripts/lib/make_lstm_shapes.py Tests/Fixtures/conformance "$out"
