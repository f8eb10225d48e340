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
#   TRACKING=1 bench/compare.sh             # also with 50 tracking clients
#
# Environment (defaults): ROUNDS (7), REQUESTS (200000), TESTS
# (set,get,incr,mset,ping,lpush,lpop,sadd,hset,zadd,lrange_100: redis-benchmark
# -t names; LRANGE_100's own LPUSH fill is not reported), PIPELINES ("1 16"), CLIENTS (50), KEYSPACE
# (100000), DATASIZE (32), SERVERS ("hearth redis"), HEARTH_BIN
# (target/release/hearth-server), REDIS_BIN, SKIP_BUILD=1 to skip cargo build,
# OUT (a file to keep the raw per-round CSV), TRACKING (0; 1 runs every
# pipeline depth twice per server, plain and with redis-benchmark's
# --enable-tracking, CLIENT TRACKING ON in default mode on every connection,
# in alternating order, and adds each server's tracked/untracked ratio;
# TESTS then defaults to set,get).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-7}"
REQUESTS="${REQUESTS:-200000}"
TRACKING="${TRACKING:-0}"
if [ "$TRACKING" = 1 ]; then
    TESTS="${TESTS:-set,get}"
else
    TESTS="${TESTS:-set,get,incr,mset,ping,lpush,lpop,sadd,hset,zadd,lrange_100}"
fi
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
modes=(plain)
[ "$TRACKING" = 1 ] && modes=(plain tracking)

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
            mode_order=("${modes[@]}")
            if [ $((round % 2)) -eq 0 ] && [ "${#modes[@]}" -eq 2 ]; then
                mode_order=("${modes[1]}" "${modes[0]}")
            fi
            for mode in "${mode_order[@]}"; do
                args=(-h 127.0.0.1 -p "$SERVER_PORT" -q -c "$CLIENTS" -n "$REQUESTS" -r "$KEYSPACE"
                      -d "$DATASIZE" -t "$TESTS" --csv)
                [ "$p" -gt 1 ] && args+=(-P "$p")
                label="$server"
                if [ "$mode" = tracking ]; then
                    args+=(--enable-tracking)
                    label="$server+tracking"
                fi
                echo "+ [round $round/$ROUNDS $label P=$p] redis-benchmark ${args[*]}" >&2
                redis-benchmark "${args[@]}" | tail -n +2 | tr -d '"' \
                    | awk -F, -v r="$round" -v s="$label" -v p="$p" \
                        'NF >= 2 && $1 !~ /needed to benchmark/ { print r "," s "," p "," $1 "," $2 }' \
                    >>"$RAW"
            done
        done
        stop_server "$SERVER_PID"
    done
done

[ -n "${OUT:-}" ] && cp "$RAW" "$OUT" && echo "raw results: $OUT"

labels=()
for server in "${server_list[@]}"; do
    for mode in "${modes[@]}"; do
        if [ "$mode" = tracking ]; then labels+=("$server+tracking"); else labels+=("$server"); fi
    done
done

BENCH_DIR="$(dirname "${BASH_SOURCE[0]}")" python3 - "$RAW" "${labels[@]}" <<'EOF'
import os, sys
sys.path.insert(0, os.environ["BENCH_DIR"])
from summary import load, median_of, print_table, ratio_columns

path, labels = sys.argv[1], sys.argv[2:]
rps = load(path, "rps")  # (test, pipeline) -> {(label, round): rps}

def fmt(x):
    return f"{x:,.0f}" if x is not None else "-"

# hearth/redis first, then each server's tracked/untracked.
pairs = [("hearth", "redis")] if {"hearth", "redis"} <= set(labels) else []
pairs += [(l, l.removesuffix("+tracking")) for l in labels if l.endswith("+tracking")]
header = ["test", "P"] + [f"{l} rps (median)" for l in labels]
for a, b in pairs:
    header += [f"{a}/{b} (median of rounds)", "min..max"]
rows = []
for (test, p) in sorted(rps, key=lambda k: (k[1], k[0])):
    cell = rps[(test, p)]
    row = [test, str(p)] + [fmt(median_of(cell, l)) for l in labels]
    for a, b in pairs:
        row += ratio_columns(cell, a, b)
    rows.append(row)
print_table(header, rows)
EOF
