#!/usr/bin/env bash
# The main job on one machine: a fleet of machine-condition monitors that lives through drift, retraining, a blocked
# bad model and a staged rollout, with no person in between.
#
#   scripts/demo.sh            the whole story with narration (about 6 minutes after the build), then a summary
#   scripts/demo.sh --quick    the same story, smaller and faster (about 2 minutes after the build); ends with one
#                              line beginning "demo:" and exits non-zero if any stage failed (scripts/test.sh runs it)
#   scripts/demo.sh --keep     leave the fleet running afterwards to browse the dashboard (Ctrl-C stops everything)
#
# What runs, all on loopback: mosquitto, edge-collector (embedded SQLite), three edge-agent processes with different
# firmware profiles, and a simulated fleet (fleet-sim) of hundreds of devices that run the real model on data from
# a seeded vibration scenario (accelerometer band energies → normal, imbalance, misalignment, bearing wear).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0 keep=0
for argument in "$@"; do
    case "$argument" in
        --quick) quick=1 ;;
        --keep) keep=1 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "demo: unknown argument $argument (see --help)" >&2; exit 2 ;;
    esac
done
source scripts/lib/demo-common.sh

scripts/setup.sh
bin="$(swift build -c release --show-bin-path)"
edgectl="$bin/edgectl"
fixtures=Tests/Fixtures/conformance
demo_work="$(mktemp -d "${TMPDIR:-/tmp}/edgefleet-demo.XXXXXX")"
trap demo_cleanup EXIT
trap 'echo; echo "demo: interrupted"; exit 130' INT TERM
demo_started=$SECONDS

if [ "$quick" = 1 ]; then
    sims=150 rate=1 drift_after=25 labels_needed=300
else
    sims=400 rate=1 drift_after=60 labels_needed=600
fi
model=vibration-monitor

demo_stage "1. The runtime: every fixture model byte for byte against TFLite's reference kernels"
"$edgectl" conformance "$fixtures" | sed 's/^/   /'
if [ "$quick" = 0 ]; then
    demo_say "MobileNetV2 (int8) on a photo of Grace Hopper (class 653 is 'military uniform'), and its speed:"
    "$edgectl" run "$fixtures/tf2_mobilenet_v2_1.0_224_ptq/model.tflite" --input "$fixtures/tf2_mobilenet_v2_1.0_224_ptq/case-2.in-0.bin" --top 3 | sed 's/^/   /'
    "$edgectl" bench "$fixtures/tf2_mobilenet_v2_1.0_224_ptq/model.tflite" --iterations 20 | sed 's/^/   /'
fi

demo_stage "2. Version 1: a vibration model trained in Swift, quantised to int8, signed"
# Training data from the seeded scenario: eight band energies of an accelerometer and the machine's condition.
"$edgectl" drift-scenario --scenario none --rows 3000 --seed 11 --label condition -o "$demo_work/train-v1.csv"
"$edgectl" train --data "$demo_work/train-v1.csv" --hidden 32,16 --seed 0 --quiet --out "$demo_work/v1.tflite" | sed 's/^/   /'
"$edgectl" drift-scenario --scenario none --rows 2000 --seed 12 -o "$demo_work/baseline.csv"
"$edgectl" keys init --dir "$demo_work/keys" >/dev/null
cat >"$demo_work/meta-v1.json" <<JSON
{"name": "$model", "version": "1.0.0", "releaseCounter": 1, "preprocessing": "8 accelerometer band energies, float32",
 "lineage": {"datasetSnapshotSHA256": "$(sha256sum "$demo_work/train-v1.csv" | cut -c1-64)", "codeVersion": "edgectl train (demo)",
             "evaluation": {"metrics": {}}}}
JSON
"$edgectl" bundle build --model "$demo_work/v1.tflite" --metadata "$demo_work/meta-v1.json" --baseline "$demo_work/baseline.csv" \
    -o "$demo_work/v1.efb" >/dev/null
"$edgectl" bundle sign "$demo_work/v1.efb" --keys "$demo_work/keys" >/dev/null
demo_say "bundle: $("$edgectl" bundle inspect "$demo_work/v1.efb" | head -1)"

demo_stage "3. The fleet on loopback: mosquitto, edge-collector, 3 edge-agents, $sims simulated machines"
demo_port=$(demo_free_port)
demo_http=$(demo_free_port)
demo_spawn mosquitto mosquitto -p "$demo_port"
mkdir -p "$demo_work/collector/trust"
cp "$demo_work/keys/root.pub" "$demo_work/keys/trust.json" "$demo_work/collector/trust/"
cat >"$demo_work/collector.json" <<JSON
{
  "drift": {"intervalSeconds": 5, "windowMinutes": 1},
  "loop": {"intervalSeconds": 2, "models": {"$model": {
      "mode": "automatic", "captureRandomRate": 0.5, "captureMaxPerHour": 1000000, "captureDurationSeconds": 600,
      "minimumLabelledSamples": $labels_needed, "labelTimeoutSeconds": 300, "trainingTimeoutSeconds": 300,
      "coolDownSeconds": 3600, "rollout": true}}}
}
JSON
demo_spawn collector "$bin/edge-collector" --state-directory "$demo_work/collector" --config "$demo_work/collector.json" \
    --broker-port "$demo_port" --http-port "$demo_http" --log-level warning
demo_wait "the collector answers" 60 bash -c "[ -f '$demo_work/collector/tokens.json' ] && curl -fsS http://127.0.0.1:$demo_http/healthz"
token() { python3 -c 'import json,sys; print(next(t["token"] for t in json.load(open(sys.argv[1])) if t["role"] == sys.argv[2]))' "$demo_work/collector/tokens.json" "$1"; }
demo_admin_token=$(token admin)
demo_api POST /api/v1/bundles --data-binary "@$demo_work/v1.efb" >/dev/null
demo_say "registry: $model 1.0.0 uploaded (verified against the trust root)"

# Three real agents, one per firmware profile, replaying scenario rows; the rpi-5-4gb machine's sensor is the new kind.
for spec in "1 rpi-4b-2gb none" "2 rpi-5-4gb gain" "3 rpi-zero-2w none"; do
    set -- $spec
    extra=()
    [ "$3" = gain ] && extra=(--magnitude 2.5 --features 3,4,5,6,7)
    "$edgectl" drift-scenario --scenario "$3" "${extra[@]}" --rows 400 --seed $((40 + $1)) -o "$demo_work/agent-$1.csv" --frames "$demo_work/frames-$1"
    demo_spawn "agent-$1" "$bin/edge-agent" --device-id "demo-pi-$1" --broker "127.0.0.1:$demo_port" --profile "$2" \
        --profile-directory firmware-profiles --state-directory "$demo_work/agent-$1" \
        --trusted-root-key "$demo_work/keys/root.pub" --trust-file "$demo_work/keys/trust.json" --initial-bundle "$demo_work/v1.efb" \
        --input "replay:$demo_work/frames-$1" --telemetry-interval 2 --set update.probationSeconds=4 --set input.rate=20 --log-level warning
done
# The simulated machines run version 1 on the scenario's rows (--run-model); from $drift_after s on, the rpi-5-4gb
# cohort's accelerometers read everything above 200 Hz 2.5 times higher (a new sensor type), and nothing else changes.
demo_spawn fleet-sim "$edgectl" fleet-sim --port "$demo_port" --devices "$sims" --prefix machine --rate "$rate" --bundle "$demo_work/v1.efb" \
    --run-model --capture-rate 0 --label-delay 1 --drift gain --drift-magnitude 2.5 --drift-features 3,4,5,6,7 \
    --drift-target profile:rpi-5-4gb --drift-after "$drift_after" --json

demo_wait "$((sims + 3)) devices online" 120 bash -c "[ \"\$(curl -fsS -H 'Authorization: Bearer $demo_admin_token' http://127.0.0.1:$demo_http/api/v1/fleet | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"online\"])')\" -ge $((sims + 3)) ]"
demo_say "dashboard: http://127.0.0.1:$demo_http/?token=$(token read)"
