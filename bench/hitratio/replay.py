"""maxmemory calibration and the GET-then-SET-on-miss replay against a server.

Replay: accesses are cut into runs of at most ``batch`` distinct keys
(``sim.batches``). For each run the client sends the GETs in one write; for
every GET that answers nil it queues ``SET key value`` (in access order) and
sends those SETs in the same write as the next run's GETs, so each run costs
one round trip and a key's SET always reaches the server before any later
access to it. The only departure from a strictly sequential replay is that
within a run all GETs are served before that run's SETs; ``sim.lru_misses``
with the same ``batch`` shows what that grouping does to exact LRU.
"""

import time

from .resp import Connection, Error, info, ok
from .sim import batches

# hearth-server calibrates its memory gauge against the allocator ten times a
# second and takes a rise once two calibrations agree: wait for two before
# reading used_memory or setting a limit.
SETTLE_SECONDS = 0.25


def key_bytes(k):
    return b"k:%d" % k


def used_memory(conn):
    return int(info(conn, "memory")["used_memory"])


def reset(conn, policy="noeviction", maxmemory=0):
    """Empties the server and sets its limit and policy."""
    ok(conn.command("CONFIG", "SET", "maxmemory", "0"), "CONFIG SET maxmemory 0")
    ok(conn.command("FLUSHALL"), "FLUSHALL")
    ok(conn.command("CONFIG", "SET", "maxmemory-policy", policy), f"CONFIG SET maxmemory-policy {policy}")
    conn.command("CONFIG", "RESETSTAT")
    time.sleep(SETTLE_SECONDS)
    if maxmemory:
        ok(conn.command("CONFIG", "SET", "maxmemory", str(maxmemory)), f"CONFIG SET maxmemory {maxmemory}")


def first_distinct(keys, count):
    """The trace's first ``count`` distinct keys; when it has fewer, made up
    with ids above its largest (keys of about the same length)."""
    seen = {}
    for k in keys:
        if k not in seen:
            seen[k] = None
            if len(seen) >= count:
                return list(seen)
    top = max(seen, default=0)
    return list(seen) + list(range(top + 1, top + 1 + count - len(seen)))


def calibrate(start, keys, capacity, value):
    """(used_memory empty, used_memory holding ``capacity`` distinct keys of
    the trace), read on a fresh server from ``start()`` with no maxmemory and
    a data connection open."""
    server = start()
    try:
        reset(server.control)
        data = Connection(server.port)
        empty = used_memory(server.control)
        tail = b"$%d\r\n%s\r\n" % (len(value), value)
        load = first_distinct(keys, capacity)
        for i in range(0, len(load), 1000):
            chunk = [key_bytes(k) for k in load[i : i + 1000]]
            data.send(b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n%s" % (len(kb), kb, tail) for kb in chunk))
            errors = [r for r in data.read(len(chunk)) if r != b"OK"]
            if errors:
                raise RuntimeError(f"{server.kind}: calibration SET failed: {errors[0]!r}")
        time.sleep(SETTLE_SECONDS)
        full = used_memory(server.control)
        data.close()
    finally:
        server.stop()
    return empty, full


def fit_maxmemory(start, keys, target, per_key, limit, batch, value, rounds=5):
    """The maxmemory at which a fresh server holds about ``target`` keys while
    it is written the way the replay writes (same runs, a data connection
    whose buffers count too): fill with 2 x target distinct keys of the trace
    under allkeys-random, read DBSIZE, move maxmemory by the missing keys
    times ``per_key``, repeat (each round on a fresh process from ``start``).
    Returns (maxmemory, keys held at it)."""
    fill = first_distinct(keys, 2 * target + batch)
    held = 0
    for _ in range(rounds):
        server = start()
        try:
            held = replay(server, fill, "allkeys-random", limit, batch, value)["held"]
        finally:
            server.stop()
        if abs(held - target) <= max(1, target // 100):
            break
        limit = max(limit + int((target - held) * per_key), 1)
    return limit, held


class Encoded:
    """A trace's commands, encoded once and shared by every run: per access
    the GET command and the key as a RESP bulk string (for its SET)."""

    def __init__(self, keys):
        part = {}
        for k in keys:
            if k not in part:
                kb = key_bytes(k)
                part[k] = b"$%d\r\n%s\r\n" % (len(kb), kb)
        get = {k: b"*2\r\n$3\r\nGET\r\n" + p for k, p in part.items()}
        self.keys = keys
        self.gets = [get[k] for k in keys]
        self.parts = [part[k] for k in keys]
        self._runs = {}

    def runs(self, batch):
        if batch not in self._runs:
            self._runs[batch] = list(batches(self.keys, batch))
        return self._runs[batch]


def replay(server, trace, policy, maxmemory, batch, value, ttl=None, rate=0):
    """Replays ``trace`` (an ``Encoded``, or a list of keys); returns misses,
    SET errors, keys held, evictions, seconds.

    ``rate`` > 0 caps the replay at that many accesses per second (LRU clocks
    tick once a second, so an unpaced replay gives LRU few distinct ages)."""
    if not isinstance(trace, Encoded):
        trace = Encoded(trace)
    reset(server.control, policy, maxmemory)
    conn = Connection(server.port)
    tail = b"$%d\r\n%s\r\n" % (len(value), value)
    set_head = b"*3\r\n$3\r\nSET\r\n"
    if ttl:
        t = str(ttl).encode()
        tail += b"$2\r\nEX\r\n$%d\r\n%s\r\n" % (len(t), t)
        set_head = b"*5\r\n$3\r\nSET\r\n"
    gets, parts = trace.gets, trace.parts
    misses = set_errors = get_errors = 0
    first_error = None
    pending, n_pending = [], 0
    start = time.perf_counter()
    for i, j in trace.runs(batch):
        if rate:
            ahead = start + i / rate - time.perf_counter()
            if ahead > 0:
                time.sleep(ahead)
        pending.extend(gets[i:j])
        conn.send(b"".join(pending))
        replies = conn.read_kinds(n_pending + j - i)
        for r in replies[:n_pending]:
            if r is not True:
                set_errors += 1
                first_error = first_error or r
        pending, n_pending = [], 0
        for idx, r in enumerate(replies[len(replies) - (j - i):], i):
            if r is not True:
                if r is not None:
                    get_errors += 1
                    first_error = first_error or r
                misses += 1
                pending += (set_head, parts[idx], tail)
                n_pending += 1
    if pending:
        conn.send(b"".join(pending))
        for r in conn.read_kinds(n_pending):
            if r is not True:
                set_errors += 1
                first_error = first_error or r
    seconds = time.perf_counter() - start
    conn.close()
    stats = info(server.control, "stats")
    held = server.control.command("DBSIZE")
    return {
        "misses": misses,
        "accesses": len(trace.keys),
        "set_errors": set_errors,
        "get_errors": get_errors,
        "first_error": first_error,
        "held": held,
        "evicted": int(stats.get("evicted_keys", 0)),
        "used_memory": used_memory(server.control),
        "maxmemory": maxmemory,
        "seconds": seconds,
    }
