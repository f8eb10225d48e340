#!/usr/bin/env bash
# GET/SET throughput with 50 tracking clients against the untracked figure,
# for hearth-server and redis-server, in one run.
#
# `TRACKING=1 bench/compare.sh` measures the same with redis-benchmark's
# --enable-tracking (RESP2, no pushes: GET and SET alone invalidate nobody).
# Here the load comes from bench/loadgen (one thread, RESP3, pipelined,
# random keys), which spends less per request than redis-benchmark, so the
# server's own cost weighs more; it also runs a 50/50 mix whose writes send
# real invalidations. The runs are shaped like compare.sh's: 50 clients, 200,000 requests per test over
# 100,000 keys, 32-byte values, at P=1 and P=16. Every round starts a fresh
# process of each server (order alternating), writes the keyspace, then
# runs each test untracked and tracked (order alternating too). Prints per
# server, test and pipeline the median ops/s and the median of the
# per-round tracked/untracked ratios.
#
#   bench/tracking_throughput.sh
#   ROUNDS=3 TESTS=get PIPELINES=16 bench/tracking_throughput.sh
#   REQUESTS=0 SECONDS_PER_RUN=3 bench/tracking_throughput.sh   # timed runs instead
#
# Environment (defaults): ROUNDS (7), REQUESTS (200000; 0 = run for
# SECONDS_PER_RUN (3) instead), TESTS (get,set,mix: GET only, SET only,
# 50/50), CLIENTS (50), PIPELINES ("1 16"), KEYSPACE (100000),
# SERVERS ("hearth redis"), HEARTH_BIN, REDIS_BIN, SKIP_BUILD=1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-7}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-3}"
TESTS="${TESTS:-get,set,mix}"
CLIENTS="${CLIENTS:-50}"
PIPELINES="${PIPELINES:-1 16}"
REQUESTS="${REQUESTS:-200000}"
KEYSPACE="${KEYSPACE:-100000}"
SERVERS="${SERVERS:-hearth redis}"
LOADGEN="$ROOT/target/release/loadgen"

bench_init
ensure_redis_tools
case " $SERVERS " in *" hearth "*) ensure_hearth ;; esac
if [ "${SKIP_BUILD:-0}" != "1" ] || [ ! -x "$LOADGEN" ]; then
    echo "+ cargo build --release -p hearth-loadgen"
    (cd "$ROOT" && cargo build --release -p hearth-loadgen) || die "cargo build -p hearth-loadgen failed"
fi

RAW="$BENCH_TMP/raw.csv"
echo "round,server,test,pipeline,tracking,ops" >"$RAW"
read -r -a server_list <<<"$SERVERS"
IFS=, read -r -a test_list <<<"$TESTS"
read -r -a pipeline_list <<<"$PIPELINES"
gets_of() { case "$1" in get) echo 1.0 ;; set) echo 0.0 ;; mix) echo 0.5 ;; *) die "unknown test $1" ;; esac; }

echo "loadgen --clients $CLIENTS --pipeline P --keyspace $KEYSPACE --requests $REQUESTS [--seconds $SECONDS_PER_RUN] [--tracking] for P in: $PIPELINES; $(nproc) cores"
for round in $(seq 1 "$ROUNDS"); do
    order=("${server_list[@]}")
    if [ $((round % 2)) -eq 0 ] && [ "${#order[@]}" -eq 2 ]; then
        order=("${order[1]}" "${order[0]}")
    fi
    modes=(off on)
    [ $((round % 2)) -eq 0 ] && modes=(on off)
    for server in "${order[@]}"; do
        start_server "$server"
        "$LOADGEN" --port "$SERVER_PORT" --populate --keyspace "$KEYSPACE" --clients 1 --seconds 0 >/dev/null
        for p in "${pipeline_list[@]}"; do
            for test in "${test_list[@]}"; do
                for mode in "${modes[@]}"; do
                    args=(--port "$SERVER_PORT" --clients "$CLIENTS" --pipeline "$p" --keyspace "$KEYSPACE"
                          --requests "$REQUESTS" --seconds "$SECONDS_PER_RUN" --gets "$(gets_of "$test")")
                    [ "$mode" = on ] && args+=(--tracking)
                    out="$("$LOADGEN" "${args[@]}")"
                    ops="${out#ops_per_sec=}"; ops="${ops%% *}"
                    echo "  [round $round/$ROUNDS $server P=$p $test tracking=$mode] $out" >&2
                    echo "$round,$server,$test,$p,$mode,$ops" >>"$RAW"
                done
            done
        done
        stop_server "$SERVER_PID"
    done
done

python3 - "$RAW" <<'PY'
import csv, statistics, sys
from collections import defaultdict

ops = defaultdict(dict)  # (server, test, pipeline) -> {(round, mode): ops}
for r in csv.DictReader(open(sys.argv[1])):
    ops[(r["server"], r["test"], int(r["pipeline"]))][(int(r["round"]), r["tracking"])] = float(r["ops"])
print()
print(f"{'server':8s} {'test':5s} {'P':>3s} {'untracked ops/s':>16s} {'tracked ops/s':>14s}  "
      "tracked/untracked (median of rounds)  min..max")
for (server, test, p), cell in sorted(ops.items()):
    rounds = sorted({rd for rd, _ in cell})
    ratios = [cell[(rd, "on")] / cell[(rd, "off")] for rd in rounds if (rd, "on") in cell and cell.get((rd, "off"))]
    u = statistics.median(v for (rd, m), v in cell.items() if m == "off")
    t = statistics.median(v for (rd, m), v in cell.items() if m == "on")
    verdict = "meets" if statistics.median(ratios) >= 0.9 else "BELOW"
    print(f"{server:8s} {test:5s} {p:3d} {u:16,.0f} {t:14,.0f}  {statistics.median(ratios):.3f} ({verdict} the 0.9 goal)"
          f"               {min(ratios):.2f}..{max(ratios):.2f}")
PY
