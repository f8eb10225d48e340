#!/usr/bin/env python3
"""Hit ratio of Hearth's eviction policies against redis-server, on request traces.

Replays each trace as "GET key; on a miss SET key value" against every
`maxmemory-policy` hearth-server accepts (found with CONFIG SET, so a new
policy is measured as soon as the server takes it) and against
redis-server's allkeys-lru and allkeys-lfu, at the same maxmemory budget;
simulates exact LRU and Belady's offline optimum at the same size in keys;
prints miss-ratio tables and the relative improvement of each Hearth policy
over Redis's, and plots miss ratio against cache size to bench/out/.

    .venv/bin/python bench/hitratio.py
    TRACE_LIMIT=1000000 SYNTH_ACCESSES=1000000 .venv/bin/python bench/hitratio.py
    TRACES=cache2k/web12,lirs/loop PLOT=0 SKIP_BUILD=1 .venv/bin/python bench/hitratio.py

Environment (defaults):
  TRACES          comma list (synthetic/{zipf-0.8,zipf-1.2,scan,shift}, cache2k/orm-busy,
                  cache2k/web12, scarab/scarab-recs, arc/OLTP, lirs/*); also known:
                  cache2k/{orm-night,web07}, cloud_physics/w106, arc/{P3,P6,P12}
  TRACE_LIMIT     accesses read from each real trace (300000)
  SYNTH_ACCESSES  accesses in each synthetic trace (300000); SEED (1)
  CACHE_PCT       cache size of the main table, % of distinct keys (10)
  PLOT_TRACES     traces swept over PLOT_PCTS for the plot (cache2k/web12,synthetic/scan)
  PLOT_PCTS       cache sizes of the plot (1,5,10,25); PLOT=0 skips the sweep and plot
  VALUE_SIZE      bytes per value (200), raised for small caches so that the cache holds at
                  least MIN_CACHE_BYTES (524288) of values: the servers' own bookkeeping
                  (buffers, tables) moves by tens of KB and must stay small against the cache
  MAX_BATCH       most accesses per pipelined run (256); BATCH_DIVISOR (8): a run has
                  at most cache_keys/BATCH_DIVISOR accesses, so grouping stays small
                  against the cache
  MAXMEMORY_MODE  budget: the same bytes of data for both (redis-server holds C keys,
                  hearth-server as many as the same bytes hold in it); absolute: one maxmemory,
                  the one at which redis-server holds C keys; keys: each server holds C keys
  HEARTH_POLICIES comma list (every policy hearth-server accepts)
  REDIS_POLICIES  comma list (allkeys-lru,allkeys-lfu)
  HEARTH_MALLOC_CONF  jemalloc options for hearth-server (tcache:false); empty runs it as
                  shipped. Its used_memory is jemalloc's `allocated`, which counts objects parked
                  in thread caches: with them the empty footprint wanders by ~0.5MB with history,
                  more than the whole cache at small sizes; without them it is exact
  DEADLINE        seconds after which the remaining traces and runs are skipped, and said
                  so, rather than run on (600)
  REPLAY_RATE     accesses per second, 0 = as fast as it goes (0)
  TTL             seconds of the EX given to every SET under volatile-* policies (86400)
  OUT_DIR (bench/out), TRACES_DIR (../shared/traces from the repo root),
  HEARTH_BIN, REDIS_BIN, SKIP_BUILD=1 (skip cargo build)
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hitratio import report, sim, traces  # noqa: E402
from hitratio.replay import Encoded, calibrate, fit_maxmemory, replay  # noqa: E402
from hitratio.servers import Server, accepted_policies, ensure_hearth, ensure_redis  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def env_list(name, default):
    return [x.strip() for x in os.environ.get(name, default).split(",") if x.strip()]


def env_int(name, default):
    return int(os.environ.get(name, default))


def mb(n):
    return f"{n / (1 << 20):.2f}MB"


def plot_policy(policy):
    """The sweep measures the all-keys policies and any non-Redis one."""
    return policy.startswith("allkeys-") or policy not in (
        "noeviction", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl")


def main():
    names = env_list("TRACES", ",".join(traces.DEFAULT))
    limit = env_int("TRACE_LIMIT", 300_000)
    synth = env_int("SYNTH_ACCESSES", 300_000)
    seed = env_int("SEED", 1)
    main_pct = float(os.environ.get("CACHE_PCT", "10"))
    do_plot = os.environ.get("PLOT", "1") != "0"
    plot_traces = [t for t in env_list("PLOT_TRACES", "cache2k/web12,synthetic/scan") if t in names] if do_plot else []
    plot_pcts = [float(p) for p in env_list("PLOT_PCTS", "1,5,10,25")]
    value_size = env_int("VALUE_SIZE", 200)
    max_batch = env_int("MAX_BATCH", 256)
    divisor = env_int("BATCH_DIVISOR", 8)
    mode = os.environ.get("MAXMEMORY_MODE", "budget")
    if mode not in ("budget", "absolute", "keys"):
        raise SystemExit(f"MAXMEMORY_MODE must be budget, absolute or keys, not {mode}")
    ttl = env_int("TTL", 86_400)
    rate = env_int("REPLAY_RATE", 0)
    deadline = env_int("DEADLINE", 600)
    out_dir = os.environ.get("OUT_DIR", os.path.join(ROOT, "bench", "out"))
    traces_dir = os.environ.get("TRACES_DIR", os.path.join(ROOT, "..", "shared", "traces"))
    malloc_conf = os.environ.get("HEARTH_MALLOC_CONF", "tcache:false")
    min_cache_bytes = env_int("MIN_CACHE_BYTES", 512 * 1024)

    redis_bin = ensure_redis()
    hearth_bin = ensure_hearth(ROOT)
    probe = Server("hearth", hearth_bin, malloc_conf=malloc_conf)
    accepted = accepted_policies(probe.control)
    probe.stop()
    hearth_policies = env_list("HEARTH_POLICIES", ",".join(accepted))
    redis_policies = env_list("REDIS_POLICIES", "allkeys-lru,allkeys-lfu")
    redis_version = subprocess.run([redis_bin, "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()

    built = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(hearth_bin)))
    print(f"hearth-server {hearth_bin} (built {built}; repo HEAD {commit or '?'}); {redis_version}; "
          f"{os.cpu_count()} cores")
    print(f"maxmemory-policy values hearth-server accepts: {', '.join(accepted)}")
    print(f"measured: hearth {', '.join(hearth_policies)}; redis {', '.join(redis_policies)}")
    print(f"""method:
  replay   every access is GET k:<id>; a nil reply queues SET k:<id> <value>, all values of a
           run of one size: max({value_size}, {min_cache_bytes} / cache keys) bytes (column "value B")
           (under volatile-* policies: SET ... EX {ttl}, so every key can be evicted). Accesses
           are cut into runs of at most min({max_batch}, cache_keys/{divisor}) distinct keys; one
           write carries the previous run's SETs then this run's GETs, so a run's GETs precede
           its own SETs but every SET precedes all later accesses. LRU-b is exact LRU with that
           grouping, LRU and OPT (Belady's MIN, always storing the missed key) are sequential.
  memory   per trace and cache size C (keys), on each fresh server with no maxmemory: read
           used_memory empty, load max(C, 2000) distinct keys of the trace, read it again: the
           difference per key is that server's bytes/key. Then fit maxmemory in place: fill the
           server with 2C distinct keys written as the replay writes them (same runs, same
           connection buffers), read DBSIZE, move maxmemory by the missing keys x bytes/key,
           up to 5 times, until it holds its target within 1%.
           MAXMEMORY_MODE={mode}: """ + {
        "budget": "the same bytes of data for both servers: redis-server's target is C\n"
                  "           keys, hearth-server's C x redis bytes/key / hearth bytes/key. This is equal\n"
                  "           maxmemory as it is at production sizes, where the empty footprint and\n"
                  "           client buffers (hundreds of KB, counted in used_memory) are negligible.",
        "absolute": "maxmemory fitted so redis-server holds C keys, the same value for\n"
                    "           hearth-server (whose empty footprint and bytes/key differ).",
        "keys": "both servers hold C keys (the policies alone are compared).",
    }[mode] + f"""
  servers  a fresh process for every calibration, fit round and replay (no state carries over),
           persistence off, defaults otherwise (maxmemory-samples 5, lfu-log-factor 10,
           lfu-decay-time 1).
           hearth-server runs with _RJEM_MALLOC_CONF={malloc_conf or '(unset)'}""" + (""": its used_memory is
           jemalloc's allocated, which with thread caches on counts freed objects parked in them
           (~0.5MB that comes and goes), too coarse for caches of a few hundred KB.""" if malloc_conf else "") + f"""
           Both servers' LRU clocks tick once a second: a run shorter than a few seconds gives
           every key nearly the same age, and allkeys-lru then evicts about at random (run
           seconds are printed; REPLAY_RATE={rate or 'unpaced'} accesses/s).
  miss ratio = GETs answered nil / accesses, cold misses included.""", flush=True)

    results, meta, t0 = [], {}, time.time()
    skipped = []
    for name in names:
        if time.time() - t0 > deadline:
            skipped.append(name)
            continue
        tr = traces.load(name, traces_dir, limit, synth, seed)
        distinct = tr.distinct
        print(f"\n{name}: {tr.source}; {distinct:,} distinct keys", flush=True)
        encoded = Encoded(tr.keys)
        pcts = sorted({main_pct} | (set(plot_pcts) if name in plot_traces else set()))
        starters = {"redis": lambda: Server("redis", redis_bin),
                    "hearth": lambda: Server("hearth", hearth_bin, malloc_conf=malloc_conf)}
        t_trace = time.time()
        spent = {"calibration": 0.0, "replays": 0.0, "simulations": 0.0}
        for pct in pcts:
            t_phase = time.time()
            capacity = max(8, round(distinct * pct / 100))
            batch = max(1, min(max_batch, capacity // divisor))
            size = max(value_size, -(-min_cache_bytes // capacity))
            value = (b"%d:" % seed + b"v" * size)[:size]
            sample = max(capacity, 2000)
            cal = {kind: calibrate(start, tr.keys, sample, value) for kind, start in starters.items()}
            per_key = {kind: (f - e) / sample for kind, (e, f) in cal.items()}
            target = {"redis": capacity, "hearth": capacity if mode != "budget"
                      else round(capacity * per_key["redis"] / per_key["hearth"])}
            fitted = {}
            for kind in ("redis", "hearth"):
                if kind == "hearth" and mode == "absolute":
                    fitted[kind] = (fitted["redis"][0], None)
                    continue
                fitted[kind] = fit_maxmemory(starters[kind], tr.keys, target[kind], per_key[kind],
                                             int(cal[kind][0] + target[kind] * per_key[kind]), batch, value)
            limit_of = {kind: m for kind, (m, _) in fitted.items()}
            meta[(name, pct)] = {"accesses": len(tr.keys), "distinct": distinct, "capacity": capacity,
                                 "value": size}
            print(f"  {pct:g}%: {capacity:,} keys, {size} B values, runs of <= {batch}; "
                  + "; ".join(f"{k} {per_key[k]:.0f} B/key, empty {mb(cal[k][0])}, maxmemory {limit_of[k]:,}"
                              + (f" holds {fitted[k][1]:,} (target {target[k]:,})" if fitted[k][1] is not None
                                 else " (redis-server's)")
                              for k in ("redis", "hearth")), flush=True)
            spent["calibration"] += time.time() - t_phase
            t_phase = time.time()
            runs = [("redis", p) for p in redis_policies]
            runs += [("hearth", p) for p in hearth_policies if pct == main_pct or plot_policy(p)]
            line = []
            for kind, policy in runs:
                if time.time() - t0 > deadline:
                    skipped.append(f"{name} {pct:g}% {kind}:{policy}")
                    continue
                s = starters[kind]()
                try:
                    r = replay(s, encoded, policy, limit_of[kind], batch, value,
                               ttl if policy.startswith("volatile-") else None, rate)
                    if not s.alive():
                        raise SystemExit(f"{kind} died during {name} {policy}; its log:\n{s.log_tail()}")
                finally:
                    s.stop()
                r.update(trace=name, pct=pct, capacity=capacity, batch=batch, value=size, column=f"{kind}:{policy}",
                         miss_ratio=r["misses"] / r["accesses"])
                results.append(r)
                note = f" {r['set_errors']} SET errors ({r['first_error']})" if r["set_errors"] else ""
                line.append(f"{report.label(r['column'])} {100 * r['miss_ratio']:.2f}% {r['seconds']:.1f}s{note}")
            print("    " + " | ".join(line), flush=True)
            spent["replays"] += time.time() - t_phase
            t_phase = time.time()
            for col, misses in (("sim:lru", sim.lru_misses(tr.keys, capacity)),
                                ("sim:lru-batched", sim.lru_misses(tr.keys, capacity, batch)),
                                ("sim:opt", sim.belady_misses(tr.keys, capacity))):
                results.append({"trace": name, "pct": pct, "capacity": capacity, "column": col, "batch": batch,
                                "misses": misses, "accesses": len(tr.keys), "miss_ratio": misses / len(tr.keys)})
            spent["simulations"] += time.time() - t_phase
        print(f"  {time.time() - t_trace:.0f} s: " + ", ".join(f"{k} {v:.0f} s" for k, v in spent.items()), flush=True)

    columns = ([f"redis:{p}" for p in redis_policies] + [f"hearth:{p}" for p in hearth_policies]
               + ["sim:lru", "sim:lru-batched", "sim:opt"])
    report.miss_tables(results, names, columns, main_pct, meta)
    print("\ncolumns: R: redis-server, H: hearth-server, v-: volatile-; LRU exact LRU, LRU-b exact LRU with the"
          " replay's grouping, OPT Belady")
    hearth_cols = [f"hearth:{p}" for p in hearth_policies if p != "noeviction"]
    baselines = [f"redis:{p}" for p in redis_policies if p in ("allkeys-lru", "allkeys-lfu")]
    summary = report.relative(results, names, hearth_cols, baselines, main_pct)
    report.verdict(summary)

    os.makedirs(out_dir, exist_ok=True)
    report.write_csv(results, os.path.join(out_dir, "hitratio.csv"))
    print(f"\nall results: {os.path.join(out_dir, 'hitratio.csv')}")
    if plot_traces:
        plot_cols = ([f"redis:{p}" for p in redis_policies] + [f"hearth:{p}" for p in hearth_policies if plot_policy(p)]
                     + ["sim:lru", "sim:opt"])
        path = os.path.join(out_dir, "hitratio.png")
        if report.plot(results, plot_traces, plot_cols, sorted(set(plot_pcts)), path,
                       f"values of max({value_size}, {min_cache_bytes} / cache keys) bytes, maxmemory mode {mode}"):
            print(f"plot: {path}")
    if skipped:
        print(f"\nDEADLINE ({deadline} s) reached: skipped {', '.join(skipped)}")
    print(f"total {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
