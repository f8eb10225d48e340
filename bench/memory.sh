#!/usr/bin/env bash
# Memory per key of hearth-server against redis-server, side by side, one run.
#
# For each server, a fresh process: read its RSS (VmRSS in /proc/PID/status)
# when empty, load KEYS keys `key:%010d` with VALUE_SIZE-byte values through
# `redis-cli --pipe`, read RSS again. Bytes per key = RSS growth / KEYS.
# Prints both and the hearth/redis ratio (plus INFO used_memory, for interest).
#
#   bench/memory.sh
#   KEYS=200000 bench/memory.sh
#   SERVERS=redis bench/memory.sh           # redis-server alone
#
# Environment (defaults): KEYS (1000000), VALUE_SIZE (32), SERVERS
# ("hearth redis"), HEARTH_BIN (target/release/hearth-server), REDIS_BIN,
# SKIP_BUILD=1 to skip cargo build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KEYS="${KEYS:-1000000}"
VALUE_SIZE="${VALUE_SIZE:-32}"
SERVERS="${SERVERS:-hearth redis}"

bench_init
ensure_redis_tools
case " $SERVERS " in *" hearth "*) ensure_hearth ;; esac

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

LOAD="$BENCH_TMP/load.resp"
echo "+ generating $KEYS x SET key:%010d <$VALUE_SIZE bytes> as RESP into $LOAD" >&2
# Values start with the key number so none is shared or integer-encoded.
awk -v n="$KEYS" -v size="$VALUE_SIZE" 'BEGIN {
    pad = ""
    while (length(pad) < size) pad = pad "x"
    for (i = 0; i < n; i++) {
        k = sprintf("key:%010d", i)
        v = substr(sprintf("%010d", i) pad, 1, size)
        printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
    }
}' >"$LOAD"

declare -A PER_KEY USED
read -r -a server_list <<<"$SERVERS"
for server in "${server_list[@]}"; do
    start_server "$server"
    sleep 0.5
    before="$(rss_kb "$SERVER_PID")"
    echo "+ redis-cli -p $SERVER_PORT --pipe < $LOAD" >&2
    result="$(redis-cli -p "$SERVER_PORT" --pipe <"$LOAD")"
    echo "$result" | tail -n 1 >&2
    echo "$result" | grep -q "errors: 0, replies: $KEYS" || die "$server: load failed: $result"
    size="$(redis-cli -p "$SERVER_PORT" DBSIZE)"
    [ "$size" = "$KEYS" ] || die "$server: DBSIZE is $size after loading $KEYS keys"
    sleep 1
    after="$(rss_kb "$SERVER_PID")"
    used="$(redis-cli -p "$SERVER_PORT" INFO memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }')"
    PER_KEY[$server]="$(awk -v a="$after" -v b="$before" -v n="$KEYS" 'BEGIN { printf "%.1f", (a - b) * 1024 / n }')"
    USED[$server]="$(awk -v u="${used:-0}" -v n="$KEYS" 'BEGIN { printf "%.1f", u / n }')"
    printf '%s: RSS %s kB empty, %s kB with %s keys\n' "$server" "$before" "$after" "$KEYS"
    stop_server "$SERVER_PID"
done

echo
printf '%-8s  %18s  %24s\n' server "RSS bytes/key" "used_memory bytes/key"
for server in "${server_list[@]}"; do
    printf '%-8s  %18s  %24s\n' "$server" "${PER_KEY[$server]}" "${USED[$server]}"
done
if [ -n "${PER_KEY[hearth]:-}" ] && [ -n "${PER_KEY[redis]:-}" ]; then
    awk -v h="${PER_KEY[hearth]}" -v r="${PER_KEY[redis]}" \
        'BEGIN { printf "hearth/redis RSS per key: %.2f\n", h / r }'
fi
