# shellcheck shell=bash
# ef_agent_smoke CPU LOG: the aarch64 edge-agent, under qemu with core CPU, against a mosquitto on loopback,
# following docs/agent.md's quick start: keys and a signed bundle made by the aarch64 edgectl, replayed frames,
# then birth, online status and telemetry must arrive; then an over-the-air update: a v2 bundle (signed by the
# aarch64 edgectl) is uploaded to the host's edge-collector over its HTTP API and assigned to the agent, which
# must download it over MQTT chunks, verify, health-check, switch and commit it (events topic); SIGTERM must then
# stop the agent cleanly (exit 0).
# Uses the per-core run directory of scripts/test-aarch64.sh (wrappers that run the shipped binaries) and the
# host's release edge-collector (EF_HOST_COLLECTOR, built by test-aarch64.sh).

ef_agent_smoke() {
    local cpu=$1 log=$2 run=$EF_OUT/run/$1
    local dir=$run/agent-smoke fixture=$EF_OUT/src/Tests/Fixtures/conformance/kws_ref_model
    local port http_port broker_pid="" sub_pid="" agent_pid="" collector_pid="" rc=0 i token digest
    rm -rf "$dir" && mkdir -p "$dir/frames"
    {
        cleanup() {
            [ -n "$agent_pid" ] && kill -KILL "$agent_pid" 2>/dev/null
            [ -n "$collector_pid" ] && kill -TERM "$collector_pid" 2>/dev/null
            [ -n "$sub_pid" ] && kill "$sub_pid" 2>/dev/null
            [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null
            wait 2>/dev/null
        }
        echo "== bundle (aarch64 edgectl under $cpu)"
        (
            set -e
            cd "$dir"
            "$run/edgectl" keys init --dir keys
            cat >meta.json <<'JSON'
{"name": "kws", "version": "1.0.0", "releaseCounter": 1, "preprocessing": "int8 MFCC frames",
 "lineage": {"datasetSnapshotSHA256": "abababababababababababababababababababababababababababababababab",
             "codeVersion": "aarch64-smoke", "evaluation": {"metrics": {}}}}
JSON
            printf 'energy,peak,prediction\n0.0,1,0\n0.5,2,3\n1.0,0,5\n' >baseline.csv
            "$run/edgectl" bundle build --model "$fixture/model.tflite" --metadata meta.json --baseline baseline.csv \
                --golden "$fixture" -o kws.efb
            "$run/edgectl" bundle sign kws.efb --keys keys
            sed -e 's/"1.0.0"/"1.1.0"/' -e 's/"releaseCounter": 1/"releaseCounter": 2/' meta.json >meta-v2.json
            "$run/edgectl" bundle build --model "$fixture/model.tflite" --metadata meta-v2.json --baseline baseline.csv \
                --golden "$fixture" -o kws-v2.efb
            "$run/edgectl" bundle sign kws-v2.efb --keys keys
            cp "$fixture"/case-*.in-0.bin frames/
        ) || { echo "bundle preparation failed"; return 1; }

        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        echo "== mosquitto on 127.0.0.1:$port"
        mosquitto -p "$port" >"$dir/mosquitto.log" 2>&1 &
        broker_pid=$!
        for i in $(seq 50); do
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
            sleep 0.1
        done
        mosquitto_sub -h 127.0.0.1 -p "$port" -V mqttv5 -t 'edgefleet/v1/dev/#' -v >"$dir/messages.log" 2>&1 &
        sub_pid=$!
        sleep 0.5

        echo "== edge-agent under qemu -cpu $cpu"
        (cd "$dir" && exec "$run/edge-agent" --device-id "smoke-$cpu" --broker "127.0.0.1:$port" --profile rpi-4b-2gb \
            --profile-directory "$EF_OUT/src/firmware-profiles" --state-directory "$dir/state" \
            --trusted-root-key keys/root.pub --trust-file keys/trust.json --initial-bundle kws.efb \
            --input replay:frames --telemetry-interval 2 --set update.probationSeconds=3 \
            --set update.minimumProbationSamples=5 --set update.latencyBudgetMilliseconds=2000) >"$dir/agent.log" 2>&1 &
        agent_pid=$!
        for i in $(seq 240); do     # up to 120 s: emulation is slow to start, the first telemetry comes after 2 s
            grep -q "/smoke-$cpu/birth " "$dir/messages.log" && grep -q "/smoke-$cpu/telemetry " "$dir/messages.log" &&
                grep -q "/smoke-$cpu/status .*online" "$dir/messages.log" && break
            kill -0 "$agent_pid" 2>/dev/null || break
            sleep 0.5
        done
        for topic in birth status telemetry; do
            if grep -aq "/smoke-$cpu/$topic " "$dir/messages.log"; then echo "received $topic"; else echo "MISSING $topic"; rc=1; fi
        done

        echo "== over-the-air update through the host's edge-collector"
        http_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        mkdir -p "$dir/collector/trust"
        cp "$dir/keys/root.pub" "$dir/keys/trust.json" "$dir/collector/trust/"
        # The smoke model has no labelled data for the blessing gate: it is assigned unblessed (docs/learning.md).
        echo '{"training": {"requireBlessedAssignments": false}}' >"$dir/collector.json"
        "$EF_HOST_COLLECTOR" --config "$dir/collector.json" --state-directory "$dir/collector" --broker-port "$port" --http-port "$http_port" \
            >"$dir/collector.log" 2>&1 &
        collector_pid=$!
        token=""
        for i in $(seq 100); do
            token=$(python3 -c 'import json,sys; print(next(t["token"] for t in json.load(open(sys.argv[1])) if t["role"] == "admin"))' \
                "$dir/collector/tokens.json" 2>/dev/null) && curl -fsS "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1 && break
            token=""
            sleep 0.2
        done
        if [ -z "$token" ]; then
            echo "the host collector did not start"; tail -n 20 "$dir/collector.log"; rc=1
        else
            digest=$(curl -fsS -X POST -H "Authorization: Bearer $token" --data-binary "@$dir/kws-v2.efb" \
                "http://127.0.0.1:$http_port/api/v1/bundles" | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])') ||
                { echo "upload of kws-v2.efb refused"; rc=1; }
            curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
                -d '{"model": "kws", "version": "latest"}' \
                "http://127.0.0.1:$http_port/api/v1/devices/smoke-$cpu/assignments" >/dev/null ||
                { echo "assignment refused"; rc=1; }
            for i in $(seq 600); do     # up to 300 s: download, verification and health check run emulated
                grep -a "/smoke-$cpu/events " "$dir/messages.log" | grep -q '"phase":"committed"' && break
                grep -a "/smoke-$cpu/events " "$dir/messages.log" | grep -qE '"phase":"(failed|rolledBack)"' && break
                kill -0 "$agent_pid" 2>/dev/null || break
                sleep 0.5
            done
            for i in $(seq 60); do     # the next report (every 2 s) names the bundle now served
                grep -a "/smoke-$cpu/telemetry " "$dir/messages.log" | grep -q "\"digest\":\"$digest\"" && break
                sleep 0.5
            done
            phases=$(grep -a "/smoke-$cpu/events " "$dir/messages.log" | grep -o '"phase":"[a-zA-Z]*"' | cut -d'"' -f4 | uniq | tr '\n' ' ')
            echo "update phases: $phases"
            if grep -a "/smoke-$cpu/events " "$dir/messages.log" | grep -q '"phase":"committed"' &&
                grep -a "/smoke-$cpu/telemetry " "$dir/messages.log" | grep -q "\"digest\":\"$digest\""; then
                echo "update committed: the agent serves and reports bundle $digest"
            else
                echo "UPDATE NOT COMMITTED (bundle ${digest:-?})"; rc=1
            fi
        fi
        if kill -0 "$agent_pid" 2>/dev/null; then
            kill -TERM "$agent_pid"
            for i in $(seq 60); do kill -0 "$agent_pid" 2>/dev/null || break; sleep 0.5; done
            if kill -0 "$agent_pid" 2>/dev/null; then
                echo "the agent did not stop within 30 s of SIGTERM"
                rc=1
            else
                wait "$agent_pid" || { echo "the agent exited with status $? after SIGTERM"; rc=1; }
            fi
        else
            wait "$agent_pid" || true
            echo "the agent exited before it was stopped"
            rc=1
        fi
        agent_pid=""
        echo "== agent log (tail)"
        tail -n 15 "$dir/agent.log"
        echo "== messages"
        grep -av "/bundle/" "$dir/messages.log" | cut -c1-200 | head -n 20
        cleanup
        return "$rc"
    } >"$log" 2>&1
}
