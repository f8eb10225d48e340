# Shared helpers for bench/*.sh: start and stop fresh server processes.
# Sourced, not run. Callers set -euo pipefail and call bench_init first.
#
# Every process started here is recorded and killed by pid on exit, and its
# log kept under $BENCH_TMP for the error message if it fails to start.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HEARTH_BIN="${HEARTH_BIN:-$ROOT/target/release/hearth-server}"
REDIS_BIN="${REDIS_BIN:-$(command -v redis-server || echo /usr/bin/redis-server)}"
SERVER_ARGS=(--save "" --appendonly no)
BENCH_PIDS=()

bench_init() {
    BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/hearth-bench.XXXXXX")"
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

bench_cleanup() {
    local pid
    for pid in "${BENCH_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${BENCH_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$BENCH_TMP"
}

die() { echo "error: $*" >&2; exit 1; }

# Installs redis-server/redis-tools when missing (Debian), as scripts/test.sh.
ensure_redis_tools() {
    if command -v redis-benchmark >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 \
        && [ -x "$REDIS_BIN" ]; then
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 || die "redis-server/redis-tools missing and no apt-get"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server redis-tools
    REDIS_BIN="$(command -v redis-server)"
}

# Builds the release binary unless SKIP_BUILD=1; fails clearly when absent.
ensure_hearth() {
    if [ "${SKIP_BUILD:-0}" != "1" ]; then
        echo "+ cargo build --release -p hearth-server"
        (cd "$ROOT" && cargo build --release -p hearth-server) \
            || die "cargo build --release -p hearth-server failed"
    fi
    [ -x "$HEARTH_BIN" ] || die "hearth-server not found at $HEARTH_BIN
  build it (cargo build --release -p hearth-server), point HEARTH_BIN at it,
  or run with SERVERS=redis to measure redis-server alone"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server NAME -> sets SERVER_PID, SERVER_PORT. Waits for readiness.
start_server() {
    local name="$1" log="$BENCH_TMP/$1.$RANDOM.log" deadline port=""
    case "$name" in
        hearth)
            echo "+ $HEARTH_BIN --port 0 ${SERVER_ARGS[*]@Q}" >&2
            "$HEARTH_BIN" --port 0 "${SERVER_ARGS[@]}" >"$log" 2>&1 &
            ;;
        redis)
            port="$(free_port)"
            mkdir -p "$BENCH_TMP/redis-dir"
            echo "+ $REDIS_BIN --port $port --bind 127.0.0.1 ${SERVER_ARGS[*]@Q} --dir $BENCH_TMP/redis-dir" >&2
            "$REDIS_BIN" --port "$port" --bind 127.0.0.1 "${SERVER_ARGS[@]}" \
                --daemonize no --dir "$BENCH_TMP/redis-dir" >"$log" 2>&1 &
            ;;
        *) die "unknown server $name (hearth or redis)" ;;
    esac
    SERVER_PID=$!
    BENCH_PIDS+=("$SERVER_PID")
    deadline=$((SECONDS + 20))
    until grep -q "Ready to accept connections" "$log" 2>/dev/null; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            die "$name exited before it was ready; its log:
$(cat "$log")"
        fi
        [ "$SECONDS" -lt "$deadline" ] || die "$name not ready after 20 s; its log:
$(cat "$log")"
        sleep 0.05
    done
    if [ -z "$port" ]; then
        port="$(grep -o 'port=[0-9]*' "$log" | head -n 1 | cut -d= -f2)"
        [ -n "$port" ] || die "$name printed no port=N; its log:
$(cat "$log")"
    fi
    SERVER_PORT="$port"
    redis-cli -p "$SERVER_PORT" PING >/dev/null || die "$name does not answer PING on port $SERVER_PORT"
}

# stop_server PID: SIGTERM, wait up to 10 s, then SIGKILL.
stop_server() {
    local pid="$1" i
    kill "$pid" 2>/dev/null || return 0
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# gen_set_resp N SIZE DIGITS FILE: N x "SET key:%0<DIGITS>d <SIZE bytes>" as
# RESP, for redis-cli --pipe. Values start with the key number, so none is
# shared or integer-encoded.
gen_set_resp() {
    awk -v n="$1" -v size="$2" -v digits="$3" 'BEGIN {
        pad = ""
        while (length(pad) < size) pad = pad "x"
        for (i = 0; i < n; i++) {
            k = sprintf("key:%0" digits "d", i)
            v = substr(sprintf("%0" digits "d", i) pad, 1, size)
            printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
        }
    }' >"$4"
}
