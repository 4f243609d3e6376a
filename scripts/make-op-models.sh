#!/usr/bin/env bash
# Builds the op-coverage conformance fixtures (Tests/Fixtures/conformance/ops_*): small models made with
# TensorFlow's converter — int8 post-training quantised, or float32 for the float kernels mixed models need — and
# their reference outputs from LiteRT's reference kernels (OpResolverType.BUILTIN_REF, one thread), in the
# format `edgectl conformance` checks (see Tests/Fixtures/conformance/README.md). Every case runs on fresh LiteRT
# interpreters, so models with state (resource variables, CALL_ONCE) start each case from the reset state, as
# `edgectl conformance` does with Interpreter.resetState().
#
# Fixture generation only: the product never depends on Python. A throwaway venv (default .venv-ops/, git-ignored)
# gets tensorflow, tf_keras, ai-edge-litert and numpy from PyPI on first use. Seeded: a rerun gives the same inputs; the
# converter's output may change with the TensorFlow version (2.21.0 made the committed ones).
#
# Usage: scripts/make-op-models.sh [NAME...]     (default: every model the script knows)
#   OPS_VENV    the venv to use or create (default .venv-ops)
#   OPS_OUT     where the folders go (default Tests/Fixtures/conformance)
#   OPS_PENDING_OUT  where models that do not pass yet go (default Tests/Fixtures/conformance-pending)
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${OPS_VENV:-.venv-ops}"
out="${OPS_OUT:-Tests/Fixtures/conformance}"
pending="${OPS_PENDING_OUT:-Tests/Fixtures/conformance-pending}"

if ! "$venv/bin/python" -c "import tensorflow, tf_keras, ai_edge_litert, numpy" 2>/dev/null; then
    echo "make-op-models: creating $venv with tensorflow, tf_keras, ai-edge-litert and numpy"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check tensorflow tf_keras ai-edge-litert numpy
fi

# Keras 3 lowers an LSTM layer to a WHILE loop; the legacy Keras (tf_keras) path is the one the converter fuses
# into UNIDIRECTIONAL_SEQUENCE_LSTM.
TF_USE_LEGACY_KERAS=1 TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" scripts/lib/make_op_models.py "$out" "$pending" "$@"
