#!/usr/bin/env bash
# Collector benchmark: ingest throughput (QoS 1, ~500-byte telemetry, zero loss and zero duplicates required)
# and the fleet API/dashboard for 10,000 devices. Prints the figures docs/collector.md quotes.
#
# Usage: scripts/bench-collector.sh [--no-build] [--devices N] [--rate R] [--duration S] [--window W] [--subscription-qos 0|1]
#            [--postgres] [--collectors N] [--devices-per-connection N] [--fleet-devices N] [--ramp S] [--drain S] [--profile]
#            [--pg-stats] [--no-fleet] [--ingest JSON]
# --postgres stores into a PostgreSQL server started here (initdb in the work directory, default durability: fsync on,
# synchronous_commit on), --collectors N runs N collectors on it sharing the load ($share subscription), and
# --fleet-devices sizes the fleet page test (default 10,000), --ramp S starts the simulated devices spread over S seconds
# (part of --duration). CPU seconds per process (collectors, PostgreSQL, mosquitto, simulator) are read from /proc and
# reported per stored message; --profile samples the collector with `perf record -g` for 30 s (from 3 s in) into
# /tmp/bench-collector-perf.data and its inclusive per-symbol summary into /tmp/bench-collector-profile.txt.
# --pg-stats (with --postgres) loads pg_stat_statements and prints the statements PostgreSQL ran during the simulation:
# statements per transaction (per COMMIT: an ingest batch is one transaction) and the most frequent ones. --no-fleet
# skips the fleet page test.
# Needs: mosquitto, sqlite3, curl (and postgresql for --postgres). Uses the release build in $SCRATCH (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."

devices=100 rate=200 duration=30 window=64 build=1 subqos=1 postgres=0 collectors=1 per_connection=1 fleet=10000 ramp=0 drain=120 profile=0 pgstats=0 fleet_test=1 ingest_json='{}'
while (($#)); do
    case "$1" in
        --no-build) build=0 ;;
        --devices) devices=$2; shift ;;
        --rate) rate=$2; shift ;;
        --duration) duration=$2; shift ;;
        --window) window=$2; shift ;;
        --subscription-qos) subqos=$2; shift ;;
        --postgres) postgres=1 ;;
        --collectors) collectors=$2; shift ;;
        --devices-per-connection) per_connection=$2; shift ;;
        --fleet-devices) fleet=$2; shift ;;
        --ramp) ramp=$2; shift ;;
        --drain) drain=$2; shift ;;
        --profile) profile=1 ;;
        --pg-stats) pgstats=1 ;;
        --no-fleet) fleet_test=0 ;;
        --ingest) ingest_json=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
scratch=${SCRATCH:-.build}
if ((build)); then swift build -c release --scratch-path "$scratch" --product edge-collector >&2; swift build -c release --scratch-path "$scratch" --product edgectl >&2; fi
bin=${BIN_DIR:-$(swift build -c release --scratch-path "$scratch" --show-bin-path)}   # BIN_DIR: binaries built elsewhere (a before/after comparison)

work=$(mktemp -d /tmp/bench-collector.XXXXXX)
pids=() collector_pids=()
# Collectors first (a collector whose broker is already gone can hang in its graceful shutdown, seen after a bench
# stopped by its timeout), then the rest; whatever is still alive after 10 s is killed outright.
cleanup() {
    [ -z "${pg_pid:-}" ] || kill -INT "$pg_pid" 2>/dev/null || true   # PostgreSQL's fast shutdown: no waiting for sessions
    for pid in "${collector_pids[@]}" "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for _ in $(seq 50); do alive=0; for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done; ((alive)) || break; sleep 0.2; done
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT
trap "exit 143" INT TERM   # a killed bench (timeout) still stops what it started

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mqtt_port=$(free_port); http_port=$(free_port)

cat > "$work/mosquitto.conf" <<CONF
listener $mqtt_port 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 1000000
max_inflight_messages 0
set_tcp_nodelay true
log_dest stderr
log_type error
CONF
mosquitto -c "$work/mosquitto.conf" 2> "$work/mosquitto.log" &
pids+=($!)
mosquitto_pid=$!
pg_pid=""

storage='"storage": {}'
if ((postgres)); then
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    pg_port=$(free_port)
    mkdir -p "$work/pg"
    as_pg=()
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$work" "$work/pg"; as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --reset-env); fi
    "${as_pg[@]}" "$pgbin/initdb" -D "$work/pg/data" -U edgefleet -A trust -E UTF8 --locale=C --no-instructions >/dev/null
    pg_extra=(); ((pgstats)) && pg_extra=(-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all)
    "${as_pg[@]}" "$pgbin/postgres" -D "$work/pg/data" -p "$pg_port" -k "$work/pg" -c listen_addresses=127.0.0.1 \
        -c max_connections=200 -c shared_buffers=256MB "${pg_extra[@]}" 2> "$work/postgres.log" &
    pids+=($!)
    pg_pid=$!
    for _ in $(seq 100); do "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U edgefleet -d postgres -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
    "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U edgefleet -d postgres -q -c 'CREATE DATABASE edgefleet'
    storage="\"storage\": {\"engine\": \"postgres\", \"url\": \"postgres://edgefleet@127.0.0.1:$pg_port/edgefleet\"}"
    q() { "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U edgefleet -d edgefleet -X -q -A -t -F ' ' -c "$1"; }
    ((pgstats)) && q "CREATE EXTENSION pg_stat_statements" >/dev/null
else
    q() { sqlite3 -separator ' ' "$work/state-1/collector.sqlite" "$1"; }
fi
collector_pids=()
for c in $(seq "$collectors"); do
    port_c=$http_port; [ "$c" -eq 1 ] || port_c=$(free_port)
    cat > "$work/collector-$c.json" <<CONF
{
  "stateDirectory": "$work/state-$c",
  "broker": { "port": $mqtt_port, "clientID": "bench-collector-$c", "subscriptionQoS": $subqos },
  "http": { "port": $port_c, "tokens": [ { "name": "bench", "role": "admin", "token": "bench-token-0123456789abcdef" } ] },
  "ingest": $ingest_json,
  $storage
}
CONF
    "$bin/edge-collector" --config "$work/collector-$c.json" --log-level warning 2> "$work/collector-$c.log" &
    pids+=($!)
    collector_pids+=($!)
    for _ in $(seq 150); do curl -sf "http://127.0.0.1:$port_c/healthz" >/dev/null && break; sleep 0.2; done
done

echo "== ingest: $devices devices x $rate reports/s for $duration s (devices publish QoS 1, window $window; collector subscribes QoS $subqos)" >&2
# CPU time per process (user + system, from /proc/PID/stat) across the run: the machine is shared, so CPU seconds per
# stored message say more than the wall-clock rate. `ticks PID…` prints "pid ticks" for each live process.
clk=$(getconf CLK_TCK)
ticks() { for p in "$@"; do [ -r "/proc/$p/stat" ] && awk -v p="$p" '{ sub(/^.*\) /, ""); print p, $12 + $13 }' "/proc/$p/stat" 2>/dev/null; done; }
pg_all() { [ -n "$pg_pid" ] && echo "$pg_pid" $(pgrep -P "$pg_pid"); }
((pgstats)) && q "SELECT pg_stat_statements_reset()" >/dev/null   # after the collectors' migrations: the simulation's statements only
cpu_before=$(ticks "$mosquitto_pid" "${collector_pids[@]}" $(pg_all))
echo "load before: $(uptime)" >&2
ramp_args=(); [ "$ramp" = 0 ] || ramp_args=(--ramp "$ramp")
"$bin/edgectl" fleet-sim --port "$mqtt_port" --devices "$devices" --rate "$rate" --duration "$duration" \
    --window "$window" --resend-after 10 --drain "$drain" --devices-per-connection "$per_connection" "${ramp_args[@]}" --json > "$work/sim.json" &
sim_pid=$!
sim_ticks=0 profiled=""
while kill -0 "$sim_pid" 2>/dev/null; do
    t=$(ticks "$sim_pid" | awk '{ print $2 }'); [ -n "$t" ] && sim_ticks=$t
    # --profile: a call-graph sample of the (first) collector for 30 s once the simulation is under way.
    if ((profile)) && [ -z "$profiled" ]; then
        profiled=1
        (sleep 3; timeout -s INT 30 perf record -F 999 -g -p "${collector_pids[0]}" -o /tmp/bench-collector-perf.data >/dev/null 2>&1;
         perf report -i /tmp/bench-collector-perf.data --children --sort symbol --stdio -g none 2>/dev/null | grep -v '^$' | head -300 \
             > /tmp/bench-collector-profile.txt) &
    fi
    sleep 0.2
done
wait "$sim_pid" || true
sim_json=$(cat "$work/sim.json")
echo "fleet-sim: $sim_json" >&2
echo "load after: $(uptime)" >&2
cpu_after=$(ticks "$mosquitto_pid" "${collector_pids[@]}" $(pg_all))
# Seconds of CPU per group of processes over the run (a process absent before counts from zero).
cpu_seconds() { # pids… -> seconds
    python3 - "$clk" "$cpu_before" "$cpu_after" "$@" <<'PY'
import sys
clk, before, after, pids = int(sys.argv[1]), sys.argv[2], sys.argv[3], set(sys.argv[4:])
b = dict(line.split() for line in before.splitlines() if line.strip())
a = dict(line.split() for line in after.splitlines() if line.strip())
print(round(sum(int(v) - int(b.get(p, 0)) for p, v in a.items() if p in pids) / clk, 2))
PY
}
cpu_collectors=$(cpu_seconds "${collector_pids[@]}")
cpu_mosquitto=$(cpu_seconds "$mosquitto_pid")
cpu_postgres=$(if [ -n "$pg_pid" ]; then cpu_seconds $(awk '{ print $1 }' <<<"$cpu_after"); else echo 0; fi)
[ -n "$pg_pid" ] && cpu_postgres=$(python3 -c "print(round($cpu_postgres - $cpu_collectors - $cpu_mosquitto, 2))")
cpu_sim=$(python3 -c "print(round($sim_ticks / $clk, 2))")
read -r rows distinct first last <<<"$(q "SELECT count(*), count(DISTINCT device_id || '/' || stream || '/' || seq), min(received_at), max(received_at) FROM telemetry")"
generated=$(python3 -c "import json,sys; print(int(json.loads(sys.argv[1])['generated']))" "$sim_json")
expected=$((generated - devices))   # one birth per device, the rest telemetry
span_ms=$((last - first))
rate_measured=$(python3 -c "print(round($rows / max($span_ms, 1) * 1000))")
if ((postgres)); then
    size=$(q "SELECT length(body) FROM telemetry LIMIT 1")
    db_bytes=$(q "SELECT pg_database_size('edgefleet')")
else
    size=$(python3 -c "import json,sys; print(len(sys.argv[1]))" "$(q 'SELECT body FROM telemetry LIMIT 1')")
    db_bytes=$(q "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
fi
echo "stored=$rows distinct=$distinct expected=$expected lost=$((expected - distinct)) duplicates=$((rows - distinct))"
echo "ingest_rate=${rate_measured}/s over ${span_ms} ms (first to last commit); report_bytes=$size; collectors=$collectors engine=$([ "$postgres" -eq 1 ] && echo postgres || echo sqlite)"
# Whole database (telemetry, rollups, indexes, ledger) per stored report, and per device per day at one report every 10 s.
echo "cpu_seconds: collectors=$cpu_collectors postgres=$cpu_postgres mosquitto=$cpu_mosquitto simulator=$cpu_sim;" \
     "collector_cpu_us_per_stored=$(python3 -c "print(round($cpu_collectors * 1e6 / max($rows, 1), 1))")" \
     "all_cpu_us_per_stored=$(python3 -c "print(round(($cpu_collectors + $cpu_postgres + $cpu_mosquitto + $cpu_sim) * 1e6 / max($rows, 1), 1))")"
echo "database_bytes=$db_bytes bytes_per_report=$((db_bytes / (rows > 0 ? rows : 1))) bytes_per_device_day_at_10s=$((db_bytes / (rows > 0 ? rows : 1) * 8640))"
curl -s "http://127.0.0.1:$http_port/metrics" | grep -E '^edgefleet_collector_(messages_rejected|mqtt_dropped|store_failures|messages_received_total|messages_stored_total|acks_published_total|messages_duplicate_total|batch_commit_seconds_(sum|count))' || true

if ((pgstats)); then
    # Statements per transaction: every ingest batch is BEGIN … COMMIT (leases and API writes are a few more transactions).
    q "SELECT 'pg_stat_statements: statements=' || sum(calls) || ' commits=' || sum(calls) FILTER (WHERE query = 'COMMIT')
        || ' statements_per_commit=' || round(sum(calls)::numeric / greatest(sum(calls) FILTER (WHERE query = 'COMMIT'), 1), 1)
        || ' exec_ms=' || round(sum(total_exec_time)::numeric) FROM pg_stat_statements"
    q "SELECT lpad(calls::text, 9) || lpad(round(total_exec_time)::text, 9) || ' ms ' || lpad(rows::text, 9) || ' rows  '
        || regexp_replace(left(query, 110), '\s+', ' ', 'g') FROM pg_stat_statements ORDER BY calls DESC LIMIT 15"
fi
((fleet_test)) || exit 0
echo "== fleet page with $fleet devices" >&2
if ((postgres)); then
    q "INSERT INTO devices (id, profile, agent_version, hw_model, hw_machine, hw_kernel, hw_cpus, hw_memory, cur_name, cur_version, cur_digest,
        cur_release, online, first_seen, last_seen, groups_list, lt_at, lt_p50, lt_p95, lt_throughput, lt_inferences, lt_errors, lt_cpu, lt_temp,
        lt_rss, lt_queue)
    SELECT 'bulk-' || lpad(i::text, 6, '0'), 'rpi-4b-2gb', '0.1.0', 'Raspberry Pi 4', 'aarch64', '6.6', 4, 2147483648, 'keyword-spotter', '1.0.0',
        lpad('1', 64, '0'), 1, i % 5 <> 0, 1700000000000, 1700000000000 + i, 'fleet', 1700000000000, 12000 + i, 18000 + i, 40.5, 400, 0, 0.4, 55.0,
        40000000, 0 FROM generate_series(0, $fleet - 1 - $devices) AS i" >/dev/null
else
sqlite3 "$work/state-1/collector.sqlite" <<SQL
PRAGMA busy_timeout = 10000;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $fleet - 1 - $devices)
INSERT INTO devices (id, profile, agent_version, hw_model, hw_machine, hw_kernel, hw_cpus, hw_memory, cur_name, cur_version, cur_digest,
    cur_release, online, first_seen, last_seen, groups_list, lt_at, lt_p50, lt_p95, lt_throughput, lt_inferences, lt_errors, lt_cpu, lt_temp,
    lt_rss, lt_queue)
SELECT printf('bulk-%06d', i), 'rpi-4b-2gb', '0.1.0', 'Raspberry Pi 4', 'aarch64', '6.6', 4, 2147483648, 'keyword-spotter', '1.0.0',
    printf('%064d', 1), 1, i % 5 <> 0, 1700000000000, 1700000000000 + i, 'fleet', 1700000000000, 12000 + i, 18000 + i, 40.5, 400, 0, 0.4, 55.0,
    40000000, 0 FROM n;
SQL
fi
count=$(q "SELECT count(*) FROM devices")
time_it() { # url -> median of 11 runs in ms
    for _ in $(seq 11); do curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer bench-token-0123456789abcdef" "$1"; done |
        sort -n | sed -n 6p | python3 -c 'import sys; print(round(float(sys.stdin.read()) * 1000, 1))'
}
# One page each (the API's default 1,000 devices, the dashboard's 500), first and deep in the fleet (keyset cursor).
deep=$(q "SELECT id FROM devices ORDER BY id LIMIT 1 OFFSET $((count / 2))")
api="http://127.0.0.1:$http_port/api/v1/devices"
bytes_api=$(curl -s -H "Authorization: Bearer bench-token-0123456789abcdef" "$api" | wc -c)
bytes_html=$(curl -s -H "Authorization: Bearer bench-token-0123456789abcdef" "http://127.0.0.1:$http_port/" | wc -c)
echo "devices=$count api_devices_ms=$(time_it "$api") (${bytes_api} bytes) api_devices_deep_ms=$(time_it "$api?after=$deep")" \
     "dashboard_fleet_ms=$(time_it "http://127.0.0.1:$http_port/") (${bytes_html} bytes)" \
     "dashboard_fleet_deep_ms=$(time_it "http://127.0.0.1:$http_port/?after=$deep")"
# The whole fleet through the API, page after page (what a client that needs every device does).
start_ns=$(date +%s%N); pages=0; cursor=""; listed=0
while :; do
    page=$(curl -s -H "Authorization: Bearer bench-token-0123456789abcdef" "$api?limit=10000${cursor:+&after=$cursor}")
    read -r n cursor <<<"$(python3 -c 'import json,sys; j=json.load(sys.stdin); print(len(j["devices"]), j["next"] or "")' <<<"$page")"
    listed=$((listed + n)); pages=$((pages + 1))
    [ -n "$cursor" ] || break
done
echo "api_devices_all_pages: $listed devices in $pages pages of 10,000 in $(( ($(date +%s%N) - start_ns) / 1000000 )) ms"
