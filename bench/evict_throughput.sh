#!/usr/bin/env bash
# SET throughput with eviction active: hearth-server against redis-server.
#
# Data is about 3x maxmemory. First, per server, a fresh process loads the
# whole keyspace (key:%012d, the names redis-benchmark -r makes) with no
# limit; its maxmemory is then a third of that used_memory. Then for each of
# ROUNDS rounds (server order alternates), a fresh process with that
# maxmemory and POLICY is filled by loading the keyspace again (so it is
# full and evicting before the clock starts), redis-benchmark SETs random
# keys of the keyspace at each pipeline depth, and INFO evicted_keys is read
# to show eviction ran during the measurement. Prints the median requests/s
# per server and the median of the per-round hearth/redis ratios.
#
#   bench/evict_throughput.sh
#   ROUNDS=3 REQUESTS=200000 bench/evict_throughput.sh
#   KEYSPACE=3000000 POLICY=allkeys-lfu bench/evict_throughput.sh
#
# Environment (defaults): ROUNDS (5), REQUESTS (500000), CLIENTS (50),
# KEYSPACE (1000000), DATASIZE (32), PIPELINES ("1 16"), POLICY
# (allkeys-lru), HEARTH_BIN, REDIS_BIN, SKIP_BUILD=1 to skip cargo build,
# OUT (a file to keep the raw per-round CSV).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-5}"
REQUESTS="${REQUESTS:-500000}"
CLIENTS="${CLIENTS:-50}"
KEYSPACE="${KEYSPACE:-1000000}"
DATASIZE="${DATASIZE:-32}"
PIPELINES="${PIPELINES:-1 16}"
POLICY="${POLICY:-allkeys-lru}"
SERVERS=(hearth redis)
BASE_ARGS=(--save "" --appendonly no)

bench_init
ensure_redis_tools
ensure_hearth
command -v python3 >/dev/null 2>&1 || die "python3 is needed for the summary"

info_field() { # PORT SECTION FIELD
    redis-cli -p "$1" INFO "$2" | tr -d '\r' | awk -F: -v f="$3" '$1 == f { print $2 }'
}

LOAD="$BENCH_TMP/load.resp"
echo "+ generating $KEYSPACE x SET key:%012d <$DATASIZE bytes> as RESP into $LOAD" >&2
gen_set_resp "$KEYSPACE" "$DATASIZE" 12 "$LOAD"

# load_keyspace PORT [fill]: SETs every key through redis-cli --pipe. The
# first load (no maxmemory) must have no error; the fill before a measured
# run reports its errors (OOM answers while evicting) and goes on.
load_keyspace() {
    local result summary
    result="$(redis-cli -p "$1" --pipe <"$LOAD" 2>&1)" || true
    summary="$(echo "$result" | grep -o "errors: [0-9]*, replies: [0-9]*" | tail -n 1)"
    [ "$summary" = "errors: 0, replies: $KEYSPACE" ] && return 0
    [ "${2:-}" = fill ] || die "load failed: ${summary:-no summary}; first lines: $(echo "$result" | head -n 3)"
    echo "warning: filling $KEYSPACE keys: $summary; first error: $(echo "$result" | grep -m 1 -v -e '^All data' -e '^Last reply' -e '^errors:')" >&2
}

declare -A MAXMEMORY
for server in "${SERVERS[@]}"; do
    SERVER_ARGS=("${BASE_ARGS[@]}")
    start_server "$server"
    load_keyspace "$SERVER_PORT"
    sleep 0.5
    full="$(info_field "$SERVER_PORT" memory used_memory)"
    MAXMEMORY[$server]=$((full / 3))
    echo "$server: used_memory with all $KEYSPACE keys $full -> maxmemory ${MAXMEMORY[$server]}"
    stop_server "$SERVER_PID"
done

RAW="$BENCH_TMP/raw.csv"
echo "round,server,pipeline,rps,evicted,used_memory,maxmemory" >"$RAW"
read -r -a pipeline_list <<<"$PIPELINES"
echo "redis-benchmark: $(redis-benchmark --version 2>/dev/null || echo unknown); $(nproc) cores; policy $POLICY"
echo "command: redis-benchmark -h 127.0.0.1 -p PORT -q -c $CLIENTS -n $REQUESTS -r $KEYSPACE -d $DATASIZE -t set --csv [-P N] for N in: $PIPELINES"

for round in $(seq 1 "$ROUNDS"); do
    order=("${SERVERS[@]}")
    [ $((round % 2)) -eq 0 ] && order=("${SERVERS[1]}" "${SERVERS[0]}")
    for server in "${order[@]}"; do
        SERVER_ARGS=("${BASE_ARGS[@]}" --maxmemory "${MAXMEMORY[$server]}" --maxmemory-policy "$POLICY")
        start_server "$server"
        load_keyspace "$SERVER_PORT" fill
        for p in "${pipeline_list[@]}"; do
            before="$(info_field "$SERVER_PORT" stats evicted_keys)"
            args=(-h 127.0.0.1 -p "$SERVER_PORT" -q -c "$CLIENTS" -n "$REQUESTS" -r "$KEYSPACE"
                  -d "$DATASIZE" -t set --csv)
            [ "$p" -gt 1 ] && args+=(-P "$p")
            echo "+ [round $round/$ROUNDS $server P=$p] redis-benchmark ${args[*]}" >&2
            out="$(redis-benchmark "${args[@]}" 2>&1)" \
                || die "$server: redis-benchmark failed (a client got an error reply or lost its connection): $(echo "$out" | tr '\r' '\n' | grep -v '^SET: rps' | tail -n 3)"
            rps="$(echo "$out" | tr -d '"' | awk -F, '$1 == "SET" { print $2 }')"
            [ -n "$rps" ] || die "$server: no SET result from redis-benchmark: $out"
            evicted=$(( $(info_field "$SERVER_PORT" stats evicted_keys) - before ))
            used="$(info_field "$SERVER_PORT" memory used_memory)"
            [ "$evicted" -gt 0 ] || die "$server: no key evicted during the run; eviction was not active"
            echo "$round,$server,$p,$rps,$evicted,$used,${MAXMEMORY[$server]}" >>"$RAW"
        done
        stop_server "$SERVER_PID"
    done
done

[ -n "${OUT:-}" ] && cp "$RAW" "$OUT" && echo "raw results: $OUT"

python3 - "$RAW" <<'PY'
import csv, statistics, sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1])))
by = defaultdict(dict)  # pipeline -> {(server, round): row}
for r in rows:
    by[int(r["pipeline"])][(r["server"], int(r["round"]))] = r
print()
header = ["P", "hearth rps (median)", "redis rps (median)", "hearth/redis (median of rounds)", "min..max",
          "evicted/run h", "evicted/run r"]
out = []
for p in sorted(by):
    cell = by[p]
    med = lambda s, f: statistics.median(float(r[f]) for (srv, _), r in cell.items() if srv == s)
    rounds = sorted({rd for (_, rd) in cell})
    ratios = [float(cell[("hearth", rd)]["rps"]) / float(cell[("redis", rd)]["rps"]) for rd in rounds
              if ("hearth", rd) in cell and ("redis", rd) in cell]
    out.append([str(p), f"{med('hearth', 'rps'):,.0f}", f"{med('redis', 'rps'):,.0f}",
                f"{statistics.median(ratios):.2f}", f"{min(ratios):.2f}..{max(ratios):.2f}",
                f"{med('hearth', 'evicted'):,.0f}", f"{med('redis', 'evicted'):,.0f}"])
w = [max(len(r[i]) for r in [header] + out) for i in range(len(header))]
for r in [header, ["-" * x for x in w]] + out:
    print("  ".join(c.rjust(x) for c, x in zip(r, w)))
PY
