# Helpers for scripts/demo.sh: narration, progress, processes that stop with the demo, the collector's API.
# Sourced, not run.

demo_pids=()
demo_work=""

# Starts a background process that the demo stops at its end or on Ctrl-C; logs to $demo_work/<name>.log.
demo_spawn() {
    local name="$1"; shift
    "$@" >"$demo_work/$name.log" 2>&1 &
    demo_pids+=($!)
}

# Stops everything the demo started (SIGTERM, then SIGKILL after 5 s); keeps the work directory on failure.
demo_cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pid in "${demo_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 50); do
        local alive=0
        for pid in "${demo_pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for pid in "${demo_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "$status" -eq 0 ] && [ "${DEMO_KEEP_WORK:-0}" != 1 ]; then rm -rf "$demo_work"; else echo "demo: logs and state kept in $demo_work" >&2; fi
    exit "$status"
}

demo_stage() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
demo_say() { printf '   %s\n' "$*"; }
demo_fail() {
    printf '\ndemo: FAILED — %s (logs in %s)\n' "$*" "$demo_work" >&2
    DEMO_KEEP_WORK=1
    exit 1
}

demo_free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A progress line that redraws in place: demo_progress LABEL DONE TOTAL [SUFFIX]
demo_progress() {
    local label="$1" done="$2" total="$3" suffix="${4:-}" width=30 filled
    [ "$total" -gt 0 ] || total=1
    filled=$(( done * width / total ))
    [ "$filled" -gt "$width" ] && filled=$width
    printf '\r   %-28s [%-*s] %s/%s %s\033[K' "$label" "$width" "$(printf '%*s' "$filled" '' | tr ' ' '#')" "$done" "$total" "$suffix"
}

# demo_wait DESCRIPTION TIMEOUT_SECONDS COMMAND...: runs COMMAND every second until it succeeds, with a spinner.
demo_wait() {
    local description="$1" timeout="$2" start=$SECONDS frames='|/-\' i=0
    shift 2
    while ! "$@" >/dev/null 2>&1; do
        if (( SECONDS - start >= timeout )); then printf '\n'; demo_fail "$description: nothing after ${timeout} s"; fi
        printf '\r   %s %s (%d s)\033[K' "${frames:i++%4:1}" "$description" $(( SECONDS - start ))
        sleep 1
    done
    printf '\r   done: %s (%d s)\033[K\n' "$description" $(( SECONDS - start ))
}

# The collector's API with the admin token: demo_api METHOD PATH [curl arguments…]
demo_api() {
    local method="$1" path="$2"; shift 2
    curl -fsS -X "$method" -H "Authorization: Bearer $demo_admin_token" "$@" "http://127.0.0.1:$demo_http$path"
}

# Reads a JSON document on stdin and prints the value of a Python expression over it (`j`): demo_json 'j["id"]'
demo_json() { python3 -c "import json, sys; j = json.load(sys.stdin); v = $1; print(v if not isinstance(v, (dict, list)) else json.dumps(v))"; }
