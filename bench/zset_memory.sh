#!/usr/bin/env bash
# Memory per sorted-set member of hearth-server against redis-server, one run.
#
# Two shapes, each in a fresh process per server: SMALL_KEYS sorted sets of
# SMALL_MEMBERS members (the compact `listpack` encoding) and one sorted set
# of BIG_MEMBERS members (`skiplist`), members `member:%d` with scores i*1.5,
# loaded through `redis-cli --pipe`. Bytes per member = growth of INFO
# used_memory (both report their allocator's allocated bytes) / members.
# Prints both servers and the hearth/redis ratio per shape.
#
#   bench/zset_memory.sh
#   BIG_MEMBERS=1000000 SKIP_BUILD=1 bench/zset_memory.sh
#
# Environment (defaults): SMALL_KEYS (100000), SMALL_MEMBERS (10),
# BIG_MEMBERS (500000), SERVERS ("hearth redis"), HEARTH_BIN
# (target/release/hearth-server), REDIS_BIN, SKIP_BUILD=1 to skip cargo build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SMALL_KEYS="${SMALL_KEYS:-100000}"
SMALL_MEMBERS="${SMALL_MEMBERS:-10}"
BIG_MEMBERS="${BIG_MEMBERS:-500000}"
SERVERS="${SERVERS:-hearth redis}"

bench_init
ensure_redis_tools
case " $SERVERS " in *" hearth "*) ensure_hearth ;; esac

SMALL="$BENCH_TMP/small.resp"
BIG="$BENCH_TMP/big.resp"
echo "+ generating $SMALL_KEYS x ZADD of $SMALL_MEMBERS members, and one ZADD stream of $BIG_MEMBERS" >&2
awk -v n="$SMALL_KEYS" -v m="$SMALL_MEMBERS" 'BEGIN {
    for (k = 0; k < n; k++) {
        key = sprintf("zset:%d", k)
        printf "*%d\r\n$4\r\nZADD\r\n$%d\r\n%s\r\n", 2 + 2 * m, length(key), key
        for (i = 0; i < m; i++) {
            s = sprintf("%g", i * 1.5); e = sprintf("member:%d", i)
            printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(s), s, length(e), e
        }
    }
}' >"$SMALL"
# The big set arrives in ZADDs of 1000 members.
awk -v n="$BIG_MEMBERS" 'BEGIN {
    for (c = 0; c < n; c += 1000) {
        m = (n - c < 1000) ? n - c : 1000
        printf "*%d\r\n$4\r\nZADD\r\n$3\r\nbig\r\n", 2 + 2 * m
        for (i = c; i < c + m; i++) {
            s = sprintf("%.1f", i * 1.5); e = sprintf("member:%d", i)
            printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(s), s, length(e), e
        }
    }
}' >"$BIG"

used_memory() {
    redis-cli -p "$1" INFO memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'
}

declare -A PER_SMALL PER_BIG
read -r -a server_list <<<"$SERVERS"
for server in "${server_list[@]}"; do
    for shape in small big; do
        start_server "$server"
        before="$(used_memory "$SERVER_PORT")"
        if [ "$shape" = small ]; then file="$SMALL"; members=$((SMALL_KEYS * SMALL_MEMBERS)); else file="$BIG"; members="$BIG_MEMBERS"; fi
        result="$(redis-cli -p "$SERVER_PORT" --pipe <"$file")"
        echo "$result" | grep -q "errors: 0," || die "$server: load failed: $result"
        after="$(used_memory "$SERVER_PORT")"
        encoding="$(redis-cli -p "$SERVER_PORT" OBJECT ENCODING "$([ "$shape" = small ] && echo zset:0 || echo big)")"
        per="$(awk -v a="$after" -v b="$before" -v n="$members" 'BEGIN { printf "%.1f", (a - b) / n }')"
        if [ "$shape" = small ]; then PER_SMALL[$server]="$per"; else PER_BIG[$server]="$per"; fi
        printf '%s %s (%s): %s bytes/member\n' "$server" "$shape" "$encoding" "$per"
        stop_server "$SERVER_PID"
    done
done

echo
printf '%-8s  %28s  %26s\n' server "listpack sets, bytes/member" "one big set, bytes/member"
for server in "${server_list[@]}"; do
    printf '%-8s  %28s  %26s\n' "$server" "${PER_SMALL[$server]}" "${PER_BIG[$server]}"
done
if [ -n "${PER_SMALL[hearth]:-}" ] && [ -n "${PER_SMALL[redis]:-}" ]; then
    awk -v hs="${PER_SMALL[hearth]}" -v rs="${PER_SMALL[redis]}" -v hb="${PER_BIG[hearth]}" -v rb="${PER_BIG[redis]}" \
        'BEGIN { printf "hearth/redis bytes per member: small %.2f, big %.2f\n", hs / rs, hb / rb }'
fi
