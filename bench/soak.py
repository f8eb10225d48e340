#!/usr/bin/env python3
"""Soak: a server under maxmemory takes 10x maxmemory of mixed-size values.

Starts a fresh hearth-server (as shipped) with ``--maxmemory`` and an
eviction policy, then runs one redis-benchmark SET process per value size,
all at once (CLIENTS clients in total, split evenly), on random keys, until
MULTIPLE x maxmemory bytes of values have been written. Every 100 ms it
samples INFO memory ``used_memory`` and the process's RSS (VmRSS in
/proc/PID/status). It fails (exit 1) when:

  - used_memory ever exceeds maxmemory by more than USED_SLACK (5%),
  - RSS ever reaches maxmemory x RSS_FACTOR (1.3),
  - a client is disconnected or gets an error reply (redis-benchmark exits
    non-zero or prints an error, or completes fewer requests than asked),
  - the server dies, stops answering PING, or its log shows a panic.

    .venv/bin/python bench/soak.py
    MAXMEMORY=256mb MULTIPLE=20 .venv/bin/python bench/soak.py
    SERVER=redis .venv/bin/python bench/soak.py       # the same soak on redis-server

Hearth runs with the configuration recommended for a small maxmemory
under a write-heavy mix of value sizes (SERVER_ARGS overrides it):

    --activedefrag yes --active-defrag-ignore-bytes 2mb
    --active-defrag-threshold-lower 5
    --active-defrag-cycle-min 25 --active-defrag-cycle-max 75

Redis's defaults (activedefrag no, ignore-bytes 100mb, lower 10%, cycle
1-25%) suit large instances whose main thread defrag competes with; Hearth
defrags on its cron thread, beside the workers. Without active defrag the
soak measures ~1.8x (1.46x with Redis's cycle bounds and ignore-bytes 2mb):
slabs of the sizes that go out of use stay partly full. redis-server is run
as it is (Debian's build cannot enable active defrag).

Environment (defaults): MAXMEMORY (64mb), POLICY (allkeys-lru), MULTIPLE (10),
CLIENTS (50), SIZES (value sizes in bytes, one redis-benchmark each:
100,1000,10000,50000,200000), KEYSPACE (-r, 1000000), PIPELINE (1),
INTERVAL (0.1 s), USED_SLACK (0.05), RSS_FACTOR (1.3), SERVER (hearth or
redis), SERVER_ARGS (server options after --maxmemory and its policy; for Hearth
the recommended ones above unless set, "" for none),
SERIES=1 (print a row per second: RSS, used_memory and the breakdown),
HEARTH_BIN, REDIS_BIN, SKIP_BUILD=1 to skip cargo build,
MALLOC_STATS (a file to write the allocator's report, MEMORY MALLOC-STATS,
to when the writers are done).

At the sample with the highest RSS it prints where the RSS goes, from INFO
memory's allocator fields: live allocations, unused space in partly used
slabs (active - allocated), dirty pages, metadata, and RSS outside jemalloc.
"""

import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hitratio.resp import Connection, info  # noqa: E402
from hitratio.servers import Server, ensure_hearth, ensure_redis  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1000**2, "mb": 1024**2, "g": 1000**3, "gb": 1024**3}


def parse_memory(text):
    m = re.fullmatch(r"(\d+)([a-z]*)", text.strip().lower())
    if not m or m.group(2) not in UNITS:
        raise SystemExit(f"bad memory value {text!r} (use Redis units: 64mb, 1gb)")
    return int(m.group(1)) * UNITS[m.group(2)]


# What Hearth recommends for a small maxmemory under a write-heavy mix of
# value sizes (see the docstring).
HEARTH_RECOMMENDED = ("--activedefrag yes --active-defrag-ignore-bytes 2mb --active-defrag-threshold-lower 5 "
                      "--active-defrag-cycle-min 25 --active-defrag-cycle-max 75")

# INFO memory fields shown for the sample with the highest RSS, where the
# server reports them (Redis has the first three).
BREAKDOWN = ["active_defrag_running", "allocator_allocated", "allocator_active", "allocator_resident", "allocator_dirty",
             "allocator_muzzy", "allocator_metadata", "allocator_tcache", "mem_clients_normal"]


def breakdown(used, rss, d):
    """Where the RSS of one sample goes, from INFO memory's allocator figures."""
    if "allocator_active" not in d:
        return ""
    rows = [("used_memory (live allocations)", used)]
    if "allocator_tcache" in d:
        rows.append(("thread caches (freed, cached)", d["allocator_tcache"]))
    rows.append(("slab space unused (active - allocated)", d["allocator_active"] - d["allocator_allocated"]))
    if "allocator_dirty" in d:
        rows.append(("dirty pages not yet purged", d["allocator_dirty"]))
        rows.append(("muzzy pages (MADV_FREE)", d.get("allocator_muzzy", 0)))
        rows.append(("allocator metadata", d.get("allocator_metadata", 0)))
        rest = d["allocator_resident"] - d["allocator_active"] - d["allocator_dirty"] - d.get("allocator_muzzy", 0) \
            - d.get("allocator_metadata", 0)
        rows.append(("other resident (resident - the above)", rest))
    else:
        rows.append(("resident - active (dirty, muzzy, metadata)", d["allocator_resident"] - d["allocator_active"]))
    rows.append(("outside the allocator (RSS - resident)", rss - d["allocator_resident"]))
    text = "".join(f"    {name:<40} {value:>13,}  {value / rss:6.1%}\n" for name, value in rows)
    if "mem_clients_normal" in d:
        text += f"    {'(of used_memory: client buffers)':<40} {d['mem_clients_normal']:>13,}\n"
    return text


def print_series(samples, details):
    """One row per second of sampling: the sample with the highest RSS in it (MB)."""
    print(f"{'t':>5} {'rss':>7} {'used':>7} {'frag':>7} {'dirty':>7} {'meta':>6} {'defrag%':>7}")
    by_second = {}
    for (t, used, rss), d in zip(samples, details):
        if rss >= by_second.get(int(t), (0, 0, 0, {}))[2]:
            by_second[int(t)] = (t, used, rss, d)
    mb = 1 << 20
    for t, used, rss, d in by_second.values():
        frag = d.get("allocator_active", 0) - d.get("allocator_allocated", 0)
        print(f"{t:5.1f} {rss / mb:7.1f} {used / mb:7.1f} {frag / mb:7.1f} {d.get('allocator_dirty', 0) / mb:7.1f} "
              f"{d.get('allocator_metadata', 0) / mb:6.1f} {d.get('active_defrag_running', 0):7}")


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Sampler(threading.Thread):
    """Reads used_memory and RSS every ``interval`` seconds until stopped."""

    def __init__(self, server, interval):
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.conn = Connection(server.port)
        self.stop_flag = threading.Event()
        self.samples = []  # (seconds since start, used_memory, rss)
        self.details = []  # INFO memory's allocator fields, one dict per sample
        self.error = None

    def run(self):
        start = time.time()
        while not self.stop_flag.is_set():
            try:
                memory = info(self.conn, "memory")
                used = int(memory["used_memory"])
                rss = rss_bytes(self.server.proc.pid)
            except Exception as e:  # the server died or hung up on us: reported, not raised
                self.error = f"sampling failed: {e!r}"
                return
            self.samples.append((time.time() - start, used, rss))
            self.details.append({k: int(v) for k, v in memory.items() if k in BREAKDOWN})
            self.stop_flag.wait(self.interval)


def main():
    maxmemory_text = os.environ.get("MAXMEMORY", "64mb")
    maxmemory = parse_memory(maxmemory_text)
    policy = os.environ.get("POLICY", "allkeys-lru")
    multiple = float(os.environ.get("MULTIPLE", "10"))
    clients = int(os.environ.get("CLIENTS", "50"))
    sizes = [int(s) for s in os.environ.get("SIZES", "100,1000,10000,50000,200000").split(",")]
    keyspace = int(os.environ.get("KEYSPACE", "1000000"))
    pipeline = int(os.environ.get("PIPELINE", "1"))
    interval = float(os.environ.get("INTERVAL", "0.1"))
    used_slack = float(os.environ.get("USED_SLACK", "0.05"))
    rss_factor = float(os.environ.get("RSS_FACTOR", "1.3"))
    kind = os.environ.get("SERVER", "hearth")

    ensure_redis()
    binary = ensure_hearth(ROOT) if kind == "hearth" else ensure_redis()
    extra = os.environ.get("SERVER_ARGS", HEARTH_RECOMMENDED if kind == "hearth" else "").split()
    server = Server(kind, binary, ["--maxmemory", maxmemory_text, "--maxmemory-policy", policy] + extra)
    print(f"{kind} on port {server.port}: maxmemory {maxmemory:,} ({maxmemory_text}), {policy}"
          + (f", {' '.join(extra)}" if extra else ""))
    total = int(maxmemory * multiple)
    per_size = total // len(sizes)
    shares = [clients // len(sizes) + (1 if i < clients % len(sizes) else 0) for i in range(len(sizes))]
    print(f"writing {total:,} bytes of values ({multiple:g} x maxmemory): {len(sizes)} redis-benchmark processes "
          f"at once, {per_size:,} bytes each, value sizes {sizes}, {clients} clients, -r {keyspace}, -P {pipeline}; "
          f"sampling every {interval * 1000:.0f} ms", flush=True)

    rss_empty = rss_bytes(server.proc.pid)
    sampler = Sampler(server, interval)
    sampler.start()
    procs = []
    started = time.time()
    for size, c in zip(sizes, shares):
        n = max(c, -(-per_size // size))
        cmd = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-c", str(c), "-n", str(n),
               "-r", str(keyspace), "-d", str(size), "-P", str(pipeline), "-t", "set", "--csv"]
        print("+ " + " ".join(cmd), flush=True)
        procs.append((size, n, cmd, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    problems = []
    for size, n, cmd, p in procs:
        out, err = p.communicate()
        rps = re.search(r'"SET","([\d.]+)"', out)
        text = (out + err).strip()
        errors = [line for line in text.splitlines() if "error" in line.lower() or "closed" in line.lower()]
        print(f"  -d {size}: {n:,} SETs asked, exit {p.returncode}, "
              + (f"{float(rps.group(1)):,.0f} req/s" if rps else "no result line"), flush=True)
        if p.returncode != 0 or errors or not rps:
            problems.append(f"redis-benchmark -d {size}: exit {p.returncode}; "
                            + ("; ".join(errors[:3]) if errors else text[-300:]))
    elapsed = time.time() - started
    time.sleep(3 * interval)
    sampler.stop_flag.set()
    sampler.join()

    alive = server.alive()
    pong = None
    if alive:
        try:
            c = Connection(server.port, timeout=5)
            pong = c.command("PING")
            final = info(c, "memory")
            stats = info(c, "stats")
            dbsize = c.command("DBSIZE")
            if os.environ.get("MALLOC_STATS"):
                with open(os.environ["MALLOC_STATS"], "wb") as f:
                    f.write(c.command("MEMORY", "MALLOC-STATS"))
            c.close()
        except Exception as e:  # reported as a violation below
            pong = repr(e)
    log = open(server.log_path).read()
    server.stop()

    samples = sampler.samples
    if sampler.error:
        problems.append(sampler.error)
    if not alive:
        problems.append(f"server exited (code {server.proc.returncode})")
    elif pong != b"PONG":
        problems.append(f"server does not answer PING: {pong!r}")
    if "panicked" in log:
        problems.append("server log shows a panic: " + log[log.index("panicked") - 200:][:600])

    print(f"\n{len(samples)} samples over {elapsed:.1f} s of writing")
    if samples and os.environ.get("SERIES") == "1":
        print_series(samples, sampler.details)
    if samples:
        t_used, max_used, _ = max(samples, key=lambda s: s[1])
        i_rss = max(range(len(samples)), key=lambda i: samples[i][2])
        t_rss, used_at_rss, max_rss = samples[i_rss]
        over = max_used / maxmemory - 1
        print(f"max used_memory {max_used:,} at {t_used:.1f} s: {100 * over:+.2f}% vs maxmemory "
              f"(limit +{100 * used_slack:g}%)")
        print(f"max RSS         {max_rss:,} at {t_rss:.1f} s: {max_rss / maxmemory:.3f} x maxmemory "
              f"(limit {rss_factor:g} x); the empty server's RSS was {rss_empty:,}")
        print(breakdown(used_at_rss, max_rss, sampler.details[i_rss]), end="")
        if over > used_slack:
            problems.append(f"used_memory reached {max_used:,} = maxmemory {100 * over:+.2f}%")
        if max_rss >= maxmemory * rss_factor:
            problems.append(f"RSS reached {max_rss:,} = {max_rss / maxmemory:.3f} x maxmemory")
    else:
        problems.append("no memory samples")
    if alive and pong == b"PONG":
        print(f"end: used_memory {int(final['used_memory']):,}, DBSIZE {dbsize:,}, "
              f"evicted_keys {int(stats.get('evicted_keys', 0)):,}, server alive")
    if problems:
        print("\nFAIL:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print("\nPASS: used_memory within maxmemory + 5%, RSS below maxmemory x 1.3, no client error, server alive")


if __name__ == "__main__":
    main()
