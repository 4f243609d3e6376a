#!/usr/bin/env bash
# The agent's inference loop against `edgectl bench` on the same model: edge-agent replays the fixture inputs at
# full speed against a mosquitto on loopback for 22 s; prints the agent's own telemetry (throughput, p50/p95), its
# RSS, then edgectl bench's median. Figures in docs/agent.md.
# Usage: scripts/bench-agent.sh [FIXTURE]   (a folder of Tests/Fixtures/conformance; default kws_ref_model)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-build >&2
swift build -c release --product edge-agent >&2
swift build -c release --product edgectl >&2
B=$(swift build -c release --show-bin-path)
model=${1:-kws_ref_model}
F=Tests/Fixtures/conformance/$model
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mosquitto -p $port >/dev/null 2>&1 & mp=$!
$B/edgectl keys init --dir $w/keys >/dev/null
cat > $w/meta.json <<JSON
{"name": "m", "version": "1.0.0", "releaseCounter": 1, "preprocessing": "raw",
 "lineage": {"datasetSnapshotSHA256": "abababababababababababababababababababababababababababababababab", "codeVersion": "bench", "evaluation": {"metrics": {}}}}
JSON
printf 'energy,peak,prediction\n0.0,1,0\n0.5,2,3\n1.0,0,5\n' > $w/b.csv
$B/edgectl bundle build --model $F/model.tflite --metadata $w/meta.json --baseline $w/b.csv --golden $F -o $w/m.efb >/dev/null
$B/edgectl bundle sign $w/m.efb --keys $w/keys >/dev/null
mkdir -p $w/frames; cp $F/case-*.in-0.bin $w/frames/
sleep 0.3
mosquitto_sub -p $port -V mqttv5 -t "edgefleet/v1/dev/bench/telemetry" > $w/tel.log 2>/dev/null & sp=$!
$B/edge-agent --device-id bench --broker 127.0.0.1:$port --profile rpi-5-4gb --profile-directory firmware-profiles \
  --state-directory $w/state --trusted-root-key $w/keys/root.pub --trust-file $w/keys/trust.json --initial-bundle $w/m.efb \
  --input replay:$w/frames --telemetry-interval 5 --set input.rate=0 --set capture.enabled=false --log-level warning > $w/agent.log 2>&1 & ap=$!
sleep 22
rss=$(grep VmRSS /proc/$ap/status | awk '{print $2}'); hwm=$(grep VmHWM /proc/$ap/status | awk '{print $2}')
cpu=$(awk '{print $14+$15}' /proc/$ap/stat)
kill -TERM $ap; wait $ap || true; kill $sp $mp 2>/dev/null || true
python3 - $w/tel.log <<'PY'
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows=rows[1:-1] if len(rows)>2 else rows
for r in rows:
    b=r["body"]; print("throughput %.1f/s p50 %d us p95 %d us inferences %d" % (b["throughput"], b["latency"]["p50Micros"], b["latency"]["p95Micros"], b["inferences"]))
PY
echo "RSS ${rss} kB, HWM ${hwm} kB"
$B/edgectl bench $F/model.tflite --iterations 300 | grep median
