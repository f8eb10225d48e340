#!/usr/bin/env bash
# Throughput of hearth-server against redis-server, side by side, one run.
#
# For each of ROUNDS rounds, start a fresh process of each server (order
# alternates between rounds), run redis-benchmark at every pipeline depth,
# stop it. Print the median requests/s per server and the median of the
# per-round hearth/redis ratios, per test and pipeline depth.
#
#   bench/compare.sh
#   ROUNDS=3 REQUESTS=50000 TESTS=set,get bench/compare.sh
#   TESTS=lpush,lpop,sadd,hset,zadd,lrange_100 bench/compare.sh   # data types only
#   SERVERS=redis bench/compare.sh          # redis-server alone
#
# Environment (defaults): ROUNDS (7), REQUESTS (200000), TESTS
# (set,get,incr,mset,ping,lpush,lpop,sadd,hset,zadd,lrange_100: redis-benchmark
# -t names; LRANGE_100's own LPUSH fill is not reported), PIPELINES ("1 16"), CLIENTS (50), KEYSPACE
# (100000), DATASIZE (32), SERVERS ("hearth redis"), HEARTH_BIN
# (target/release/hearth-server), REDIS_BIN, SKIP_BUILD=1 to skip cargo build,
# OUT (a file to keep the raw per-round CSV).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-7}"
REQUESTS="${REQUESTS:-200000}"
TESTS="${TESTS:-set,get,incr,mset,ping,lpush,lpop,sadd,hset,zadd,lrange_100}"
PIPELINES="${PIPELINES:-1 16}"
CLIENTS="${CLIENTS:-50}"
KEYSPACE="${KEYSPACE:-100000}"
DATASIZE="${DATASIZE:-32}"
SERVERS="${SERVERS:-hearth redis}"

bench_init
ensure_redis_tools
case " $SERVERS " in *" hearth "*) ensure_hearth ;; esac
command -v python3 >/dev/null 2>&1 || die "python3 is needed for the summary"

RAW="$BENCH_TMP/raw.csv"
echo "round,server,pipeline,test,rps" >"$RAW"
read -r -a server_list <<<"$SERVERS"
read -r -a pipeline_list <<<"$PIPELINES"

echo "redis-benchmark: $(redis-benchmark --version 2>/dev/null || echo unknown); $(nproc) cores"
echo "command: redis-benchmark -h 127.0.0.1 -p PORT -q -c $CLIENTS -n $REQUESTS -r $KEYSPACE -d $DATASIZE -t $TESTS --csv [-P N] for N in: $PIPELINES"

for round in $(seq 1 "$ROUNDS"); do
    order=("${server_list[@]}")
    if [ $((round % 2)) -eq 0 ] && [ "${#order[@]}" -eq 2 ]; then
        order=("${order[1]}" "${order[0]}")
    fi
    for server in "${order[@]}"; do
        start_server "$server"
        for p in "${pipeline_list[@]}"; do
            args=(-h 127.0.0.1 -p "$SERVER_PORT" -q -c "$CLIENTS" -n "$REQUESTS" -r "$KEYSPACE"
                  -d "$DATASIZE" -t "$TESTS" --csv)
            [ "$p" -gt 1 ] && args+=(-P "$p")
            echo "+ [round $round/$ROUNDS $server P=$p] redis-benchmark ${args[*]}" >&2
            redis-benchmark "${args[@]}" | tail -n +2 | tr -d '"' \
                | awk -F, -v r="$round" -v s="$server" -v p="$p" \
                    'NF >= 2 && $1 !~ /needed to benchmark/ { print r "," s "," p "," $1 "," $2 }' \
                >>"$RAW"
        done
        stop_server "$SERVER_PID"
    done
done

[ -n "${OUT:-}" ] && cp "$RAW" "$OUT" && echo "raw results: $OUT"

BENCH_DIR="$(dirname "${BASH_SOURCE[0]}")" python3 - "$RAW" "${server_list[@]}" <<'EOF'
import os, sys
sys.path.insert(0, os.environ["BENCH_DIR"])
from summary import load, median_of, print_table, ratio_columns

path, servers = sys.argv[1], sys.argv[2:]
rps = load(path, "rps")  # (test, pipeline) -> {(server, round): rps}

def fmt(x):
    return f"{x:,.0f}" if x is not None else "-"

ratio = servers == ["hearth", "redis"]
header = ["test", "P"] + [f"{s} rps (median)" for s in servers]
header += ["hearth/redis (median of rounds)", "min..max"] if ratio else []
rows = []
for (test, p) in sorted(rps, key=lambda k: (k[1], k[0])):
    cell = rps[(test, p)]
    row = [test, str(p)] + [fmt(median_of(cell, s)) for s in servers]
    rows.append(row + (ratio_columns(cell, "hearth", "redis") if ratio else []))
print_table(header, rows)
EOF
