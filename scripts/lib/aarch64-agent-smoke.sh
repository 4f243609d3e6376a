# shellcheck shell=bash
# ef_agent_smoke CPU LOG: the aarch64 edge-agent, under qemu with core CPU, against a mosquitto on loopback,
# following docs/agent.md's quick start: keys and a signed bundle made by the aarch64 edgectl, replayed frames,
# then birth, online status and telemetry must arrive, and SIGTERM must stop the agent cleanly (exit 0).
# Uses the per-core run directory of scripts/test-aarch64.sh (wrappers that run the shipped binaries).

ef_agent_smoke() {
    local cpu=$1 log=$2 run=$EF_OUT/run/$1
    local dir=$run/agent-smoke fixture=$EF_OUT/src/Tests/Fixtures/conformance/kws_ref_model
    local port broker_pid="" sub_pid="" agent_pid="" rc=0 i
    rm -rf "$dir" && mkdir -p "$dir/frames"
    {
        cleanup() {
            [ -n "$agent_pid" ] && kill -KILL "$agent_pid" 2>/dev/null
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
            --input replay:frames --telemetry-interval 2) >"$dir/agent.log" 2>&1 &
        agent_pid=$!
        for i in $(seq 240); do     # up to 120 s: emulation is slow to start, the first telemetry comes after 2 s
            grep -q "/smoke-$cpu/birth " "$dir/messages.log" && grep -q "/smoke-$cpu/telemetry " "$dir/messages.log" &&
                grep -q "/smoke-$cpu/status .*online" "$dir/messages.log" && break
            kill -0 "$agent_pid" 2>/dev/null || break
            sleep 0.5
        done
        for topic in birth status telemetry; do
            if grep -q "/smoke-$cpu/$topic " "$dir/messages.log"; then echo "received $topic"; else echo "MISSING $topic"; rc=1; fi
        done
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
        cut -c1-200 "$dir/messages.log" | head -n 20
        cleanup
        return "$rc"
    } >"$log" 2>&1
}
