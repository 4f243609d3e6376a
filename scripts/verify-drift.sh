#!/usr/bin/env bash
# Runs `edgectl drift --json` and Evidently's DataDriftPreset (default settings) on the same seeded scenarios and
# prints both side by side against the ground truth; the table in docs/drift.md comes from this script.
# Not part of scripts/test.sh. Needs a built edgectl: EDGECTL=/path/to/edgectl, else the debug build's bin path
# (built here with EDGEFLEET_DEVICE_ONLY=1 if missing). Evidently lives in a throwaway venv under .venv-drift
# (override with DRIFT_VENV); it needs network access to PyPI the first time.
# Usage: scripts/verify-drift.sh [--quick]   (--quick: 20 controls instead of 100)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${EDGECTL:-}" ]]; then
  export EDGEFLEET_DEVICE_ONLY=1
  [[ -x "$(swift build --show-bin-path)/edgectl" ]] || swift build --product edgectl >&2
  EDGECTL="$(swift build --show-bin-path)/edgectl"
fi
export EDGECTL
venv=${DRIFT_VENV:-.venv-drift}
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import evidently' 2>/dev/null; then
  python3 -m venv "$venv"
  # evidently 0.7.23 imports a pandas internal that pandas 3 removed: pin pandas below 3.
  "$venv/bin/pip" install -q "evidently==0.7.23" "pandas<3" >&2
fi
exec "$venv/bin/python" scripts/lib/verify_drift.py "$@"
