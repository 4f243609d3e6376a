#!/usr/bin/env bash
# The main job on one machine: a fleet of machine-condition monitors that lives through drift, retraining, a blocked
# bad model and a staged rollout, with no person in between.
#
#   scripts/demo.sh            the whole story with narration (about 6 minutes after the build), then a summary
#   scripts/demo.sh --quick    the same story, smaller and faster (about 2 minutes after the build); ends with one
#                              line beginning "demo:" and exits non-zero if any stage failed (scripts/test.sh runs it)
#   scripts/demo.sh --keep     leave the fleet running afterwards to browse the dashboard (Ctrl-C stops everything)
#   scripts/demo.sh --no-build skip the build (scripts/test.sh runs the demo after building once)
#
# What runs, all on loopback: mosquitto locked down (scripts/broker.sh: mutual TLS only, a certificate per device from
# `edgectl pki`, an ACL that lets each device speak only for itself), edge-collector (embedded SQLite), three edge-agent
# processes with different firmware profiles, and a simulated fleet (fleet-sim) of hundreds of devices, each with its
# own certificate, that run the real model on data from a seeded vibration scenario (accelerometer band energies →
# normal, imbalance, misalignment, bearing wear).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0 keep=0 build=1
for argument in "$@"; do
    case "$argument" in
        --quick) quick=1 ;;
        --keep) keep=1 ;;
        --no-build) build=0 ;;   # scripts/test.sh has just built everything
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "demo: unknown argument $argument (see --help)" >&2; exit 2 ;;
    esac
done
source scripts/lib/demo-common.sh

if [ "$build" = 1 ]; then scripts/setup.sh; else scripts/setup.sh --no-build; fi
bin="$(swift build -c release --show-bin-path)"
edgectl="$bin/edgectl"
fixtures=Tests/Fixtures/conformance
demo_work="$(mktemp -d "${TMPDIR:-/tmp}/edgefleet-demo.XXXXXX")"
chmod 0711 "$demo_work"   # mosquitto, started as root, drops to its own user and must reach the PKI and its state inside
trap demo_cleanup EXIT
trap 'echo; echo "demo: interrupted"; exit 130' INT TERM
demo_started=$SECONDS

if [ "$quick" = 1 ]; then
    sims=150 rate=1 drift_after=25 labels_needed=300 bake=8
else
    sims=280 rate=1 drift_after=60 labels_needed=600 bake=20   # one fleet-sim process holds about 300 devices (select(): docs/collector.md)
fi
model=vibration-monitor

demo_stage "1. The runtime: every fixture model byte for byte against TFLite's reference kernels"
"$edgectl" conformance "$fixtures" | sed 's/^/   /'
if [ "$quick" = 0 ]; then
    demo_say "MobileNetV2 (int8) on a photo of Grace Hopper (class 653 is 'military uniform'), and its speed:"
    "$edgectl" run "$fixtures/tf2_mobilenet_v2_1.0_224_ptq/model.tflite" --input "$fixtures/tf2_mobilenet_v2_1.0_224_ptq/case-2.in-0.bin" --top 3 | sed 's/^/   /'
    "$edgectl" bench "$fixtures/tf2_mobilenet_v2_1.0_224_ptq/model.tflite" --iterations 20 | sed 's/^/   /'
fi

demo_stage "2. The broker, locked down: a fleet PKI made by edgectl pki, mosquitto over mutual TLS only"
pki="$demo_work/pki"
"$edgectl" pki init --dir "$pki" >/dev/null
"$edgectl" pki issue --dir "$pki" --server 127.0.0.1 >/dev/null      # the broker's certificate (subjectAltName 127.0.0.1)
"$edgectl" pki issue --dir "$pki" --collector main >/dev/null        # CN collector:main, the collector's rights at the broker
for n in 1 2 3; do "$edgectl" pki issue --dir "$pki" --device "demo-pi-$n" >/dev/null; done   # CN = device ID
demo_say "CA $pki/ca.crt; certificates for the broker (127.0.0.1), the collector and the 3 agents (fleet-sim issues one per simulated machine)"
demo_port=$(demo_free_port)
demo_http=$(demo_free_port)
demo_spawn mosquitto scripts/broker.sh --pki "$pki" --port "$demo_port" --state "$demo_work/broker" --bind 127.0.0.1
demo_wait "mosquitto listens (TLS only, a client certificate required, ACL per device)" 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$demo_port"
# The lock, shown with mosquitto's own clients before anything of the fleet connects: a listener with the collector's
# identity sees what gets through.
mqtt=(-h 127.0.0.1 -p "$demo_port" --cafile "$pki/ca.crt")
device_1=(--cert "$pki/devices/demo-pi-1.crt" --key "$pki/devices/demo-pi-1.key")
mosquitto_sub "${mqtt[@]}" --cert "$pki/collectors/main.crt" --key "$pki/collectors/main.key" -t 'edgefleet/v1/dev/#' -v -W 3 \
    >"$demo_work/lock.out" 2>&1 &
lock_listener=$!
demo_pids+=("$lock_listener")
sleep 1
if mosquitto_pub "${mqtt[@]}" -t edgefleet/v1/dev/demo-pi-2/telemetry -m 'no certificate' >"$demo_work/lock-anonymous.log" 2>&1; then
    demo_fail "a client without a certificate was let in"
fi
demo_say "a client without a certificate: refused ($(tr '\n' ' ' <"$demo_work/lock-anonymous.log" | head -c 80))"
mosquitto_pub "${mqtt[@]}" "${device_1[@]}" -V 5 -q 1 -t edgefleet/v1/dev/demo-pi-1/events -m 'demo-pi-1 as itself' >/dev/null 2>&1 \
    || demo_fail "demo-pi-1's certificate could not publish as demo-pi-1"
forged=$(mosquitto_pub "${mqtt[@]}" "${device_1[@]}" -V 5 -q 1 -t edgefleet/v1/dev/demo-pi-2/telemetry -m 'demo-pi-1 as demo-pi-2' 2>&1 || true)
wait "$lock_listener" || true
grep -q 'demo-pi-1 as itself' "$demo_work/lock.out" || demo_fail "the listener saw nothing (the lock check itself failed: $demo_work/lock.out)"
! grep -q 'as demo-pi-2' "$demo_work/lock.out" || demo_fail "demo-pi-1's certificate published as demo-pi-2"
demo_say "demo-pi-1's certificate publishing as demo-pi-1: delivered; as demo-pi-2: dropped by the broker (${forged:-no error shown})"

demo_stage "3. The server side on loopback: edge-collector (embedded SQLite) connects with its own certificate"
"$edgectl" keys init --dir "$demo_work/keys" >/dev/null
# The collector signs what it trains with an online release key; the root key stays offline (docs/trust-chain.md).
mkdir -p "$demo_work/collector/trust" "$demo_work/release-keys"
cp "$demo_work/keys/root.pub" "$demo_work/keys/trust.json" "$demo_work/collector/trust/"
cp "$demo_work/keys/trust.json" "$demo_work"/keys/release-*.key "$demo_work/release-keys/"
cat >"$demo_work/collector.json" <<JSON
{
  "broker": {"host": "127.0.0.1", "port": $demo_port, "caFile": "$pki/ca.crt",
             "certFile": "$pki/collectors/main.crt", "keyFile": "$pki/collectors/main.key"},
  "drift": {"intervalSeconds": 5, "windowMinutes": 1},
  "training": {"releaseKey": "$demo_work/release-keys", "gatePolicies": {"$model": {"minAccuracy": 0.85, "maxRegression": 0.01,
               "maxForgetting": 0.02, "minInt8FloatAgreement": 0.95}}},
  "loop": {"intervalSeconds": 2, "models": {"$model": {
      "mode": "automatic", "captureRandomRate": 0.5, "captureMaxPerHour": 1000000, "captureDurationSeconds": 600,
      "minimumLabelledSamples": $labels_needed, "labelTimeoutSeconds": 300, "trainingTimeoutSeconds": 300,
      "coolDownSeconds": 3600, "rollout": true,
      "rolloutGates": {"minimumInferences": 100, "maximumPredictionDistance": 1}}}},
  "rollouts": {"intervalSeconds": 1, "strategy": {"canaryPercent": 5, "growthFactor": 3, "maximumWavePercent": 50, "controlPercent": 10,
               "bakeSeconds": $bake, "maximumBakeExtensions": 3, "gates": {"minimumInferences": 100}}}
}
JSON
demo_spawn collector "$bin/edge-collector" --state-directory "$demo_work/collector" --config "$demo_work/collector.json" \
    --broker-port "$demo_port" --http-port "$demo_http" --log-level warning
demo_wait "the collector answers" 60 bash -c "[ -f '$demo_work/collector/tokens.json' ] && curl -fsS http://127.0.0.1:$demo_http/healthz"
token() { python3 -c 'import json,sys; print(next(t["token"] for t in json.load(open(sys.argv[1])) if t["role"] == sys.argv[2]))' "$demo_work/collector/tokens.json" "$1"; }
demo_admin_token=$(token admin)
export EDGEFLEET_TOKEN="$demo_admin_token"
collector=(--url "http://127.0.0.1:$demo_http")
demo_say "dashboard: http://127.0.0.1:$demo_http/?token=$(token read)   (the story: /models/$model/loop)"

demo_stage "4. Version 1: training data in the collector, a model trained in Swift on its snapshot, judged by the gate"
# The seeded scenario: eight band energies of an accelerometer and the condition of the machine.
"$edgectl" drift-scenario --scenario none --rows 3000 --seed 11 --label condition -o "$demo_work/history.csv"
"$edgectl" dataset import "${collector[@]}" --model "$model" --data "$demo_work/history.csv" | sed 's/^/   /'
snapshot1=$("$edgectl" dataset snapshot "${collector[@]}" --model "$model" --json | demo_json 'j["id"]')
demo_say "snapshot $snapshot1 (immutable; its split into train and validation comes from each sample's hash)"
"$edgectl" dataset export "${collector[@]}" "$snapshot1" --split train -o "$demo_work/v1-train.csv"
"$edgectl" train --data "$demo_work/v1-train.csv" --hidden 32,16 --seed 0 --quiet --out "$demo_work/v1.tflite" | sed 's/^/   /'
"$edgectl" drift-scenario --scenario none --rows 2000 --seed 12 -o "$demo_work/baseline.csv"
cat >"$demo_work/meta-v1.json" <<JSON
{"name": "$model", "version": "1.0.0", "releaseCounter": 1, "preprocessing": "8 accelerometer band energies, float32",
 "lineage": {"datasetSnapshotSHA256": "$snapshot1", "codeVersion": "edgectl train --hidden 32,16 --seed 0", "evaluation": {"metrics": {}}}}
JSON
"$edgectl" bundle build --model "$demo_work/v1.tflite" --metadata "$demo_work/meta-v1.json" --baseline "$demo_work/baseline.csv" \
    -o "$demo_work/v1.efb" >/dev/null
"$edgectl" bundle sign "$demo_work/v1.efb" --keys "$demo_work/keys" >/dev/null
demo_api POST /api/v1/bundles --data-binary "@$demo_work/v1.efb" >/dev/null
curl -fsS -X POST -H "Authorization: Bearer $(token gate)" -H 'Content-Type: application/json' -d '{}' \
    "http://127.0.0.1:$demo_http/api/v1/models/$model/versions/1/evaluation" >"$demo_work/gate-v1.json"
python3 - "$demo_work/gate-v1.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
print("   gate on release 1: %s" % ("BLESSED" if e["blessed"] else "REFUSED: " + "; ".join(e["reasons"])))
sys.exit(0 if e["blessed"] else 1)
PY
demo_api PUT "/api/v1/models/$model/aliases/champion" -H 'Content-Type: application/json' -d '{"release": 1}' >/dev/null
demo_say "release 1 is the champion"

demo_stage "5. The fleet: 3 edge-agents (Pi 4, Pi 5, Zero 2 W) and $sims simulated machines, all on version 1, all over mutual TLS"
for spec in "1 rpi-4b-2gb" "2 rpi-5-4gb" "3 rpi-zero-2w"; do
    set -- $spec
    "$edgectl" drift-scenario --scenario none --rows 400 --seed $((40 + $1)) -o "$demo_work/agent-$1.csv" --frames "$demo_work/frames-$1"
    demo_spawn "agent-$1" "$bin/edge-agent" --device-id "demo-pi-$1" --broker "127.0.0.1:$demo_port" --profile "$2" \
        --profile-directory firmware-profiles --state-directory "$demo_work/agent-$1" \
        --trusted-root-key "$demo_work/keys/root.pub" --trust-file "$demo_work/keys/trust.json" --initial-bundle "$demo_work/v1.efb" \
        --input "replay:$demo_work/frames-$1" --telemetry-interval 2 --set update.probationSeconds=4 --set input.rate=20 --log-level warning \
        --set "broker.caFile=$pki/ca.crt" --set "broker.certFile=$pki/devices/demo-pi-$1.crt" --set "broker.keyFile=$pki/devices/demo-pi-$1.key"
done
# The simulated machines run version 1 on the scenario's rows (--run-model) and report true labels of what they are asked
# to capture (--capture-rate 0: only on request). From $drift_after s on, the Pi 5 machines get a new accelerometer that
# reads everything above 200 Hz 2.5 times higher; the machines themselves do not change. Each machine connects with its
# own certificate (--pki issues machine-<n>.crt/.key with the demo's CA), so the broker's ACL holds it to its own topics.
demo_spawn fleet-sim "$edgectl" fleet-sim --pki "$pki" --port "$demo_port" --devices "$sims" --prefix machine --rate "$rate" --bundle "$demo_work/v1.efb" \
    --run-model --capture-rate 0 --label-delay 1 --drift gain --drift-magnitude 2.5 --drift-features 3,4,5,6,7 \
    --drift-target profile:rpi-5-4gb --drift-after "$drift_after" --json
fleet_online() { demo_api GET /api/v1/fleet | demo_json 'j["online"]'; }
demo_wait "$((sims + 3)) devices online" 120 bash -c "[ \$(curl -fsS -H 'Authorization: Bearer $demo_admin_token' http://127.0.0.1:$demo_http/api/v1/fleet | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"online\"])') -ge $((sims + 3)) ]"
drift_started=$SECONDS

demo_stage "6. Drift: the collector notices the new sensors on the Pi 5 cohort and the learning loop starts"
loop_field() { demo_api GET "/api/v1/models/$model/loop" | demo_json "j[\"loop\"].get(\"$1\", \"\")"; }
demo_wait "a drift alarm on a cohort starts cycle 1 (the change begins ${drift_after} s after the fleet)" $((drift_after + 180)) \
    bash -c "[ \"\$(curl -fsS -H 'Authorization: Bearer $demo_admin_token' http://127.0.0.1:$demo_http/api/v1/models/$model/loop | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"loop\"][\"cycle\"])')\" -ge 1 ]"
detected_after=$(( SECONDS - drift_started - drift_after ))
demo_api GET "/api/v1/models/$model/drift?limit=1" | python3 -c '
import json, sys
r = json.load(sys.stdin)["reports"][0]
print("   drift report #%d over %d devices: alarms on %s" % (r["id"], r["devices"], ", ".join(r["alarms"])))
for f in r["attribution"]["features"]:
    if f["kind"] == "cohort_drift":
        c = ", ".join("%s=%s" % (x["key"], x["value"]) for x in f["drifting_cohorts"])
        print("   %-18s cohort drift in %s (fleet %s %.3f)" % (f["feature"], c, f["fleet"]["method"], f["fleet"]["statistic"]))'
demo_say "cycle 1: $(loop_field trigger), capture raised on $(demo_api GET "/api/v1/models/$model/loop" | demo_json 'len(j["loop"]["devices"])') devices ($(loop_field cohorts))"

demo_stage "7. The loop: labels → snapshot → training in the collector → the gate → a staged rollout"
last_phase=""
loop_deadline=$(( SECONDS + 600 ))
while :; do
    state=$(demo_api GET "/api/v1/models/$model/loop")
    phase=$(echo "$state" | demo_json 'j["loop"]["phase"]')
    case "$phase" in
        capturing) demo_progress "labelled samples" "$(echo "$state" | demo_json 'j["loop"]["labelled"]')" "$labels_needed" ;;
        training)
            job=$(echo "$state" | demo_json 'j["loop"].get("job", "")')
            if [ -n "$job" ]; then
                progress=$(demo_api GET "/api/v1/training/jobs/$job" | demo_json 'int(round(100 * j.get("progress", 0)))')
                demo_progress "training job $job" "$progress" 100 "%"
            fi ;;
        rollingOut)
            rollout=$(echo "$state" | demo_json 'j["loop"].get("rollout", "")')
            if [ -n "$rollout" ]; then
                read -r done_count total wave <<<"$(demo_api GET "/api/v1/rollouts/$rollout" | demo_json '"%d %d %d" % (len(j.get("assigned", [])), j.get("plannedDevices", len(j.get("assigned", []))), j.get("wave", 0))')"
                demo_progress "rollout $rollout wave $wave" "$done_count" "$total" "devices"
            fi ;;
        coolingDown|idle) break ;;
    esac
    if [ "$phase" != "$last_phase" ] && [ -n "$last_phase" ]; then printf '\n'; fi
    last_phase=$phase
    (( SECONDS < loop_deadline )) || demo_fail "the loop did not finish cycle 1 within 600 s (phase $phase)"
    sleep 1
done
printf '\n'
state=$(demo_api GET "/api/v1/models/$model/loop")
outcome=$(echo "$state" | demo_json 'j["loop"].get("outcome", "")')
candidate=$(echo "$state" | demo_json 'j["loop"].get("candidate", "")')
rollout=$(echo "$state" | demo_json 'j["loop"].get("rollout", "")')
demo_say "cycle 1: $outcome"
echo "$state" | python3 -c '
import json, sys
for e in reversed(json.load(sys.stdin)["events"]):
    d = {k: v for k, v in e["details"].items() if k not in ("cycle", "trigger")}
    print("   %-24s %s" % (e["name"], " ".join("%s=%s" % kv for kv in sorted(d.items()))))'
[ -n "$candidate" ] || demo_fail "no candidate came out of cycle 1 ($outcome)"
demo_api GET "/api/v1/models/$model/versions/$candidate/evaluation" | python3 -c '
import json, sys
e = json.load(sys.stdin)["evaluations"][0]
print("   gate on release %s: %s" % (e["release"], "BLESSED" if e["blessed"] else "REFUSED"))
report = e["report"] if isinstance(e["report"], dict) else json.loads(e["report"])
for check in report["checks"]:
    measured = check.get("measured")
    shown = ("%.4f" % measured) if isinstance(measured, float) else str(measured if measured is not None else "")
    print("     %-34s %-15s %s %s %s" % (check["id"], check["status"], shown, check.get("comparison", ""), check.get("threshold", "")))' || true
case "$outcome" in *"rolled out"*) ;; *) demo_fail "cycle 1 did not roll its candidate out: $outcome" ;; esac

demo_stage "8. A broken candidate: trained on mislabelled data, offered to the gate"
"$edgectl" dataset export "${collector[@]}" "$snapshot1" --split train -o "$demo_work/broken.csv"
python3 - "$demo_work/broken.csv" <<'PY'
import csv, random, sys
rows = list(csv.reader(open(sys.argv[1])))
random.seed(7)
labels = [r[-1] for r in rows[1:]]
random.shuffle(labels)
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(rows[0])
    for r, label in zip(rows[1:], labels):
        w.writerow(r[:-1] + [label])
PY
"$edgectl" train --data "$demo_work/broken.csv" --hidden 32,16 --seed 0 --quiet --out "$demo_work/broken.tflite" >/dev/null
broken_release=$(( candidate + 1 ))
cat >"$demo_work/meta-broken.json" <<JSON
{"name": "$model", "version": "9.9.$broken_release", "releaseCounter": $broken_release, "preprocessing": "8 accelerometer band energies, float32",
 "lineage": {"datasetSnapshotSHA256": "$snapshot1", "codeVersion": "labels shuffled on purpose", "evaluation": {"metrics": {}}}}
JSON
"$edgectl" bundle build --model "$demo_work/broken.tflite" --metadata "$demo_work/meta-broken.json" --baseline "$demo_work/baseline.csv" \
    -o "$demo_work/broken.efb" >/dev/null
"$edgectl" bundle sign "$demo_work/broken.efb" --keys "$demo_work/keys" >/dev/null
demo_api POST /api/v1/bundles --data-binary "@$demo_work/broken.efb" >/dev/null
curl -fsS -X POST -H "Authorization: Bearer $(token gate)" -H 'Content-Type: application/json' -d '{}' \
    "http://127.0.0.1:$demo_http/api/v1/models/$model/versions/$broken_release/evaluation" >"$demo_work/gate-broken.json"
python3 - "$demo_work/gate-broken.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
print("   gate on release %s: %s" % (e["release"], "BLESSED (wrong!)" if e["blessed"] else "REFUSED"))
for reason in e["reasons"][:6]:
    print("     - " + reason)
sys.exit(1 if e["blessed"] else 0)
PY
refusal=$(curl -sS -o /dev/stdout -w ' HTTP %{http_code}' -X POST -H "Authorization: Bearer $demo_admin_token" -H 'Content-Type: application/json' \
    -d "{\"model\": \"$model\", \"version\": \"$broken_release\", \"target\": {\"profiles\": [\"rpi-4b-2gb\"]}}" "http://127.0.0.1:$demo_http/api/v1/rollouts")
case "$refusal" in *"HTTP 409"*) demo_say "a rollout of it is refused: ${refusal:0:200}" ;; *) demo_fail "the unblessed release was not refused: $refusal" ;; esac
exposed=$(demo_api GET "/api/v1/ledger?digest=$(demo_api GET "/api/v1/models/$model/versions/$broken_release" | demo_json 'j["digest"]')" | demo_json 'len(j.get("spans", []))')
demo_say "devices that ever ran it: $exposed"
[ "$exposed" = 0 ] || demo_fail "the broken candidate reached $exposed devices"

demo_stage "9. The dashboard, as a browser shows it (headless Chromium)"
chromium_bin=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium_bin" ] || demo_fail "chromium is missing (scripts/setup.sh installs it)"
page() {
    "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --user-data-dir="$demo_work/chromium" \
        --virtual-time-budget=5000 --dump-dom "http://127.0.0.1:$demo_http$1$( [[ $1 == *\?* ]] && echo '&' || echo '?')token=$(token read)" 2>/dev/null
}
check_page() {   # check_page NAME PATH MARKER...: every marker must be in the rendered DOM
    local name="$1" path="$2" dom missing=()
    shift 2
    dom=$(page "$path")
    for marker in "$@"; do [[ $dom == *"$marker"* ]] || missing+=("$marker"); done
    ((${#missing[@]} == 0)) || demo_fail "the $name page lacks: ${missing[*]}"
    demo_say "$name page renders with data: $path"
}
check_page "drift" "/models/$model/drift" 'class="drift-version"' 'cohort drift' '<svg'
check_page "learning loop" "/models/$model/loop" 'id="cycle-1"' 'class="step done"' 'id="loop-accuracy"' 'rolled out'
check_page "rollout" "/rollouts/$rollout" 'id="rollout-status"' 'completed' 'id="waves"' '<svg'
check_page "model" "/models/$model" '<span class="state online">blessed</span>' 'id="loop-link"'

demo_stage "10. Summary"
kill -TERM "${demo_pids[-1]}" 2>/dev/null || true   # fleet-sim: stop generating, wait for every acknowledgement
for _ in $(seq 120); do kill -0 "${demo_pids[-1]}" 2>/dev/null || break; sleep 0.5; done
sim=$(grep '^{' "$demo_work/fleet-sim.log" | tail -1)
[ -n "$sim" ] || demo_fail "fleet-sim printed no final statistics"
generated=$(echo "$sim" | demo_json 'int(j["generated"])')
acknowledged=$(echo "$sim" | demo_json 'int(j["acknowledged"])')
lost=$(( generated - acknowledged ))
stored=$(demo_api GET /api/v1/fleet | demo_json 'j["telemetryReports"]')
accuracy=$(demo_api GET "/api/v1/models/$model/loop" | python3 -c '
import json, sys
rows = [a for a in json.load(sys.stdin)["accuracy"] if a["profile"] == "rpi-5-4gb"]
def acc(release):
    r = [a for a in rows if a["release"] == release]
    n = sum(a["labelled"] for a in r); c = sum(a["correct"] for a in r)
    return (c / n if n else float("nan"), n)
(a1, n1), (a2, n2) = acc(1), acc('"$candidate"')
print("%.2f %d %.2f %d" % (a1, n1, a2, n2))')
read -r before n_before after n_after <<<"$accuracy"
timeline=$(demo_api GET "/api/v1/rollouts/$rollout" | python3 -c '
import json, sys
r = json.load(sys.stdin)
t0 = r["createdAt"]
print("; ".join("+%.0fs %s%s" % ((d["at"] - t0) / 1000, d["kind"], " wave %d" % d["wave"] if d.get("wave") is not None else "") for d in r["decisions"]))')
demo_say "accuracy on the Pi 5 cohort (labels): release 1 $before ($n_before labels) → release $candidate $after ($n_after labels)"
demo_say "drift detected ${detected_after} s after the sensors changed; rollout $rollout: $timeline"
demo_say "telemetry: $stored reports stored; simulated devices generated $generated messages, $acknowledged acknowledged, lost $lost"
certificates=$(find "$pki/devices" -name '*.crt' | wc -l)
tls_clients=$(grep -c "New client connected .* u'" "$demo_work/mosquitto.log" || true)
demo_say "broker: mutual TLS only, $certificates device certificates (3 agents, $sims simulated machines); $tls_clients client sessions authenticated by certificate"
demo_say "the story on the dashboard: http://127.0.0.1:$demo_http/models/$model/loop?token=$(token read)"
[ "$lost" = 0 ] || demo_fail "$lost messages were not acknowledged"
python3 -c "import sys; sys.exit(0 if float('$after') > float('$before') else 1)" || demo_fail "the retrained model is not better on the drifted cohort ($before → $after)"
echo
echo "demo: PASS in $(( SECONDS - demo_started )) s — broker: mutual TLS, $certificates device certificates, a certificate-less client and a forged device refused; drift on profile=rpi-5-4gb detected in ${detected_after} s; release $candidate retrained in the collector, blessed and rolled out (cohort accuracy $before → $after); broken release $broken_release refused by the gate, 0 devices exposed; $stored telemetry reports stored, $lost lost"
if [ "$keep" = 1 ]; then
    echo "The fleet keeps running (without the simulated machines); Ctrl-C stops everything."
    while true; do sleep 1; done
fi
