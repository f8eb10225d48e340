#!/usr/bin/env bash
# The hearth client's near cache (issue 6), against hearth-server and
# redis-server in one run:
#
# 1. criterion (crates/client/benches/near_cache.rs): a near-cache hit
#    against an uncached GET over loopback, same run; targets: a hit
#    <= 200 ns and >= 100x faster than the GET.
# 2. crates/client/benches/zipf.rs: a Zipf(0.99) read-mostly workload (95%
#    GET through the measured client, 5% SET through another client so the
#    near cache sees real invalidations), read throughput with and without
#    the near cache and the fraction of reads served locally.
#
#   bench/near_cache.sh
#   ZIPF_SECS=10 SERVERS=hearth bench/near_cache.sh
#
# Environment (defaults): SERVERS ("hearth redis"), ZIPF_SECS (5),
# HEARTH_BIN, REDIS_BIN, SKIP_BUILD=1 (skip building hearth-server).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVERS="${SERVERS:-hearth redis}"
ZIPF_SECS="${ZIPF_SECS:-5}"

bench_init
ensure_redis_tools
case " $SERVERS " in *" hearth "*) ensure_hearth ;; esac
echo "+ cargo bench -p hearth --no-run (near_cache, zipf)"
(cd "$ROOT" && cargo bench -p hearth --bench near_cache --bench zipf --no-run 2>&1 | tail -n 1)

SUMMARY="$BENCH_TMP/summary.txt"
: >"$SUMMARY"
for server in $SERVERS; do
    start_server "$server"
    url="redis://127.0.0.1:$SERVER_PORT"
    echo "== $server ($url)"
    (cd "$ROOT" && HEARTH_BENCH_URL="$url" cargo bench -q -p hearth --bench near_cache 2>/dev/null) \
        | tee "$BENCH_TMP/criterion.txt" | grep -E "^(get_64b|near cache hit)|time:" || true
    grep "^near cache hit" "$BENCH_TMP/criterion.txt" | sed "s/^/$server: /" >>"$SUMMARY"
    (cd "$ROOT" && HEARTH_BENCH_URL="$url" HEARTH_ZIPF_SECS="$ZIPF_SECS" cargo bench -q -p hearth --bench zipf \
        2>/dev/null) | tee "$BENCH_TMP/zipf.txt"
    grep -E "served locally|near/plain" "$BENCH_TMP/zipf.txt" | sed "s/^ */$server: /" >>"$SUMMARY"
    stop_server "$SERVER_PID"
done
echo
echo "== summary"
cat "$SUMMARY"
