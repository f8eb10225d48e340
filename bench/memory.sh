#!/usr/bin/env bash
# Memory of hearth-server against redis-server, side by side, one run.
#
# Four cases, each loaded into a fresh process of each server through
# `redis-cli --pipe` (the same RESP file for both):
#
#   strings  KEYS keys `key:%010d`, VALUE_SIZE-byte values (SET);
#   hashes   HASHES hashes `hash:%08d` of HASH_FIELDS fields f0, f1, ...,
#            HASH_VALUE_SIZE-byte values `v<key>:<field>xxx...` (never
#            integers) (one HSET each);
#   zsets    ZSETS sorted sets `zset:%07d` of ZSET_MEMBERS members `m:%d`,
#            scores i * 1.5 (integers and halves) (one ZADD each);
#   lists    LISTS lists `list:%07d` of LIST_ELEMS LIST_VALUE_SIZE-byte
#            elements, one LPUSH per element (pushes at the head: the
#            worst case for spare room) (not in the default CASES).
#
# For each: VmRSS (/proc/PID/status) and INFO used_memory empty and loaded;
# bytes = growth / keys and / elements (fields, members; keys for strings).
# Prints both servers, OBJECT ENCODING of the first key, and the hearth/redis
# ratio of RSS per case.
#
#   bench/memory.sh
#   CASES=hashes,zsets SKIP_BUILD=1 bench/memory.sh
#   KEYS=200000 CASES=strings bench/memory.sh
#   SERVERS=redis bench/memory.sh           # redis-server alone
#
# Environment (defaults): CASES (strings,hashes,zsets), KEYS (1000000),
# VALUE_SIZE (32), HASHES (100000), HASH_FIELDS (10), HASH_VALUE_SIZE (12),
# ZSETS (10000), ZSET_MEMBERS (100), LISTS (20000), LIST_ELEMS (100),
# LIST_VALUE_SIZE (24), SERVERS ("hearth redis"), HEARTH_BIN
# (target/release/hearth-server), REDIS_BIN, SKIP_BUILD=1 to skip cargo build.
# bench/zset_memory.sh measures one big (skiplist) sorted set as well.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CASES="${CASES:-strings,hashes,zsets}"
KEYS="${KEYS:-1000000}"
VALUE_SIZE="${VALUE_SIZE:-32}"
HASHES="${HASHES:-100000}"
HASH_FIELDS="${HASH_FIELDS:-10}"
HASH_VALUE_SIZE="${HASH_VALUE_SIZE:-12}"
ZSETS="${ZSETS:-10000}"
ZSET_MEMBERS="${ZSET_MEMBERS:-100}"
LISTS="${LISTS:-20000}"
LIST_ELEMS="${LIST_ELEMS:-100}"
LIST_VALUE_SIZE="${LIST_VALUE_SIZE:-24}"
SERVERS="${SERVERS:-hearth redis}"

bench_init
ensure_redis_tools
case " $SERVERS " in *" hearth "*) ensure_hearth ;; esac

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
used_memory() {
    redis-cli -p "$1" INFO memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'
}
# per AFTER BEFORE UNIT N: (AFTER - BEFORE) * UNIT / N, one decimal.
per() { awk -v a="$1" -v b="$2" -v k="$3" -v n="$4" 'BEGIN { printf "%.1f", (a - b) * k / n }'; }

# gen_CASE FILE: writes the case's commands as RESP; sets NKEYS, NELEMS, FIRST.
gen_strings() {
    NKEYS="$KEYS" NELEMS="$KEYS" FIRST="$(printf 'key:%010d' 0)"
    gen_set_resp "$KEYS" "$VALUE_SIZE" 10 "$1"
}

gen_hashes() {
    NKEYS="$HASHES" NELEMS=$((HASHES * HASH_FIELDS)) FIRST="$(printf 'hash:%08d' 0)"
    awk -v n="$HASHES" -v m="$HASH_FIELDS" -v size="$HASH_VALUE_SIZE" 'BEGIN {
        pad = ""
        while (length(pad) < size) pad = pad "x"
        for (k = 0; k < n; k++) {
            key = sprintf("hash:%08d", k)
            printf "*%d\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n", 2 + 2 * m, length(key), key
            for (i = 0; i < m; i++) {
                f = "f" i; v = substr("v" k ":" i pad, 1, size)
                printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(f), f, length(v), v
            }
        }
    }' >"$1"
}

gen_zsets() {
    NKEYS="$ZSETS" NELEMS=$((ZSETS * ZSET_MEMBERS)) FIRST="$(printf 'zset:%07d' 0)"
    awk -v n="$ZSETS" -v m="$ZSET_MEMBERS" 'BEGIN {
        for (k = 0; k < n; k++) {
            key = sprintf("zset:%07d", k)
            printf "*%d\r\n$4\r\nZADD\r\n$%d\r\n%s\r\n", 2 + 2 * m, length(key), key
            for (i = 0; i < m; i++) {
                s = sprintf("%g", i * 1.5); e = "m:" i
                printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(s), s, length(e), e
            }
        }
    }' >"$1"
}

gen_lists() {
    NKEYS="$LISTS" NELEMS=$((LISTS * LIST_ELEMS)) FIRST="$(printf 'list:%07d' 0)"
    awk -v n="$LISTS" -v m="$LIST_ELEMS" -v size="$LIST_VALUE_SIZE" 'BEGIN {
        pad = ""
        while (length(pad) < size) pad = pad "x"
        for (k = 0; k < n; k++) {
            key = sprintf("list:%07d", k)
            for (i = 0; i < m; i++) {
                v = substr("v" k ":" i pad, 1, size)
                printf "*3\r\n$5\r\nLPUSH\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(key), key, length(v), v
            }
        }
    }' >"$1"
}

declare -A RSS_KEY RSS_ELEM USED_KEY USED_ELEM ENC
IFS=, read -r -a case_list <<<"$CASES"
read -r -a server_list <<<"$SERVERS"
for c in "${case_list[@]}"; do
    declare -F "gen_$c" >/dev/null || die "unknown case $c (strings, hashes, zsets or lists)"
    load="$BENCH_TMP/$c.resp"
    echo "+ generating the $c case as RESP into $load" >&2
    "gen_$c" "$load"
    for server in "${server_list[@]}"; do
        start_server "$server"
        sleep 0.5
        before="$(rss_kb "$SERVER_PID")"
        used_before="$(used_memory "$SERVER_PORT")"
        echo "+ redis-cli -p $SERVER_PORT --pipe < $load" >&2
        result="$(redis-cli -p "$SERVER_PORT" --pipe <"$load")"
        echo "$result" | tail -n 1 >&2
        echo "$result" | grep -q "errors: 0, replies: $NKEYS" || die "$server: load failed: $result"
        size="$(redis-cli -p "$SERVER_PORT" DBSIZE)"
        [ "$size" = "$NKEYS" ] || die "$server: DBSIZE is $size after loading $NKEYS keys"
        sleep 1
        after="$(rss_kb "$SERVER_PID")"
        used="$(used_memory "$SERVER_PORT")"
        ENC[$c,$server]="$(redis-cli -p "$SERVER_PORT" OBJECT ENCODING "$FIRST")"
        RSS_KEY[$c,$server]="$(per "$after" "$before" 1024 "$NKEYS")"
        RSS_ELEM[$c,$server]="$(per "$after" "$before" 1024 "$NELEMS")"
        USED_KEY[$c,$server]="$(per "${used:-0}" "${used_before:-0}" 1 "$NKEYS")"
        USED_ELEM[$c,$server]="$(per "${used:-0}" "${used_before:-0}" 1 "$NELEMS")"
        printf '%s %s: RSS %s kB empty, %s kB with %s keys, %s elements\n' \
            "$server" "$c" "$before" "$after" "$NKEYS" "$NELEMS"
        stop_server "$SERVER_PID"
    done
done

echo
printf '%-8s %-7s %-10s %12s %13s %13s %14s\n' case server encoding "RSS B/key" "RSS B/elem" "used B/key" "used B/elem"
for c in "${case_list[@]}"; do
    for server in "${server_list[@]}"; do
        printf '%-8s %-7s %-10s %12s %13s %13s %14s\n' "$c" "$server" "${ENC[$c,$server]}" \
            "${RSS_KEY[$c,$server]}" "${RSS_ELEM[$c,$server]}" "${USED_KEY[$c,$server]}" "${USED_ELEM[$c,$server]}"
    done
done
for c in "${case_list[@]}"; do
    if [ -n "${RSS_KEY[$c,hearth]:-}" ] && [ -n "${RSS_KEY[$c,redis]:-}" ]; then
        awk -v c="$c" -v h="${RSS_KEY[$c,hearth]}" -v r="${RSS_KEY[$c,redis]}" \
            -v hu="${USED_KEY[$c,hearth]}" -v ru="${USED_KEY[$c,redis]}" \
            'BEGIN { printf "hearth/redis %-8s RSS %.2f  used_memory %.2f\n", c, h / r, hu / ru }'
    fi
done
