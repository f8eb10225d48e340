#!/usr/bin/env bash
# Server CPU time per request: hearth-server against redis-server, one run.
#
# Requests per second on a small shared VM swing by +-20% from one run to the
# next, mostly with scheduling; the CPU time the server process spends per
# request (user + system, from /proc/PID/stat, all threads) swings far less.
# It is what "faster" means once the client is the bottleneck (P=1). For
# each of ROUNDS rounds a fresh process of each server (order alternating)
# runs redis-benchmark once per test and pipeline depth; the server's CPU
# time across that run is divided by the requests. Prints the median
# nanoseconds per request per server and the median of the per-round
# hearth/redis ratios (below 1.0: hearth spends less CPU per request).
#
#   bench/cpu_per_request.sh
#   ROUNDS=3 TESTS=set,get PIPELINES=1 bench/cpu_per_request.sh
#
# Environment (defaults): ROUNDS (5), REQUESTS (300000), TESTS
# (set,get,incr,lpush,lpop,sadd,hset,zadd), PIPELINES ("1 16"), CLIENTS (50),
# KEYSPACE (100000), DATASIZE (32), HEARTH_BIN, REDIS_BIN, SKIP_BUILD=1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-5}"
REQUESTS="${REQUESTS:-300000}"
TESTS="${TESTS:-set,get,incr,lpush,lpop,sadd,hset,zadd}"
PIPELINES="${PIPELINES:-1 16}"
CLIENTS="${CLIENTS:-50}"
KEYSPACE="${KEYSPACE:-100000}"
DATASIZE="${DATASIZE:-32}"

bench_init
ensure_redis_tools
ensure_hearth
command -v python3 >/dev/null 2>&1 || die "python3 is needed for the summary"

TICKS="$(getconf CLK_TCK)"
RAW="$BENCH_TMP/raw.csv"
echo "round,server,pipeline,test,ns" >"$RAW"
read -r -a pipeline_list <<<"$PIPELINES"
IFS=, read -r -a test_list <<<"$TESTS"

# CPU ticks (user + system) the process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

echo "redis-benchmark -q -c $CLIENTS -n $REQUESTS -r $KEYSPACE -d $DATASIZE -t TEST [-P N]; $(nproc) cores; $TICKS ticks/s"
for round in $(seq 1 "$ROUNDS"); do
    order=(hearth redis)
    [ $((round % 2)) -eq 0 ] && order=(redis hearth)
    for server in "${order[@]}"; do
        start_server "$server"
        for p in "${pipeline_list[@]}"; do
            for t in "${test_list[@]}"; do
                args=(-h 127.0.0.1 -p "$SERVER_PORT" -q -c "$CLIENTS" -n "$REQUESTS" -r "$KEYSPACE"
                      -d "$DATASIZE" -t "$t")
                [ "$p" -gt 1 ] && args+=(-P "$p")
                before="$(cpu_ticks "$SERVER_PID")"
                redis-benchmark "${args[@]}" >/dev/null
                after="$(cpu_ticks "$SERVER_PID")"
                echo "$round,$server,$p,$t,$(( (after - before) * 1000000000 / TICKS / REQUESTS ))" >>"$RAW"
                echo "+ [round $round/$ROUNDS $server P=$p $t] $(( (after - before) * 1000000000 / TICKS / REQUESTS )) ns/request" >&2
            done
        done
        stop_server "$SERVER_PID"
    done
done

BENCH_DIR="$(dirname "${BASH_SOURCE[0]}")" python3 - "$RAW" <<'EOF'
import os, sys
sys.path.insert(0, os.environ["BENCH_DIR"])
from summary import load, median_of, print_table, ratio_columns

ns = load(sys.argv[1], "ns")  # (test, pipeline) -> {(server, round): ns}
header = ["test", "P", "hearth ns/req", "redis ns/req", "hearth/redis (median of rounds)", "min..max"]
rows = []
for (test, p) in sorted(ns, key=lambda k: (k[1], k[0])):
    cell = ns[(test, p)]
    row = [test, str(p)] + [f"{median_of(cell, s):,.0f}" for s in ("hearth", "redis")]
    rows.append(row + ratio_columns(cell, "hearth", "redis"))
print_table(header, rows)
EOF
