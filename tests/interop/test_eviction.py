"""maxmemory and eviction: each policy evicts what it should, memory stays
bounded, OOM errors carry Redis's text, evictions are notified."""

from __future__ import annotations

import time

import pytest

from rawresp import Frame, RawConn, plain

OOM = "OOM command not allowed when used memory > 'maxmemory'."
VALUE = "v" * 1000


def info(c, section):
    text = c.call("INFO", section)
    return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)


def fill(c, prefix, n, *extra):
    """Writes n keys in pipelined batches; returns the replies."""
    replies = []
    for start in range(0, n, 200):
        for i in range(start, min(n, start + 200)):
            c.send_cmd("SET", f"{prefix}{i}", VALUE, *extra)
        replies.extend(c.read() for _ in range(start, min(n, start + 200)))
    return replies


def server_with(start_server, policy, maxmemory="8mb"):
    srv = start_server("--maxmemory", maxmemory, "--maxmemory-policy", policy)
    c = RawConn(srv.port)
    time.sleep(0.3)  # let the gauge calibrate on the empty server
    return srv, c


def test_noeviction_refuses_writes_but_serves_reads_and_deletes(start_server):
    _, c = server_with(start_server, "noeviction")
    replies = fill(c, "k", 20000)
    assert Frame("-", OOM) in replies
    assert c.cmd("GET", "k0") == Frame("$", VALUE.encode())
    assert c.cmd("DEL", "k0") == Frame(":", 1)
    assert c.cmd("SET", "new", "x").kind in "+-"


@pytest.mark.parametrize("policy", ["allkeys-lru", "allkeys-lfu", "allkeys-random"])
def test_allkeys_policies_keep_memory_within_maxmemory(start_server, policy):
    _, c = server_with(start_server, policy)
    replies = fill(c, "k", 30000)
    assert all(r == Frame("+", "OK") for r in replies), "no write may fail under an allkeys policy"
    mem = info(c, "memory")
    assert int(mem["used_memory"]) <= int(mem["maxmemory"]) * 1.05
    assert int(info(c, "stats")["evicted_keys"]) > 0
    assert c.cmd("DBSIZE").value < 30000


def test_volatile_policy_never_evicts_keys_without_ttl(start_server):
    _, c = server_with(start_server, "volatile-lru")
    fill(c, "p", 2000)  # 2 MB without TTL
    replies = fill(c, "v", 20000, "EX", "1000")
    assert c.cmd("DBSIZE").value >= 2000
    assert all(c.cmd("EXISTS", f"p{i}") == Frame(":", 1) for i in range(0, 2000, 97))
    assert int(info(c, "stats")["evicted_keys"]) > 0
    # Once only keys without TTL are left, writes get OOM.
    c.cmd("CONFIG", "SET", "maxmemory-policy", "volatile-lru")
    replies = fill(c, "more", 20000)
    assert Frame("-", OOM) in replies


def test_volatile_ttl_evicts_the_nearest_expiry_first(start_server):
    _, c = server_with(start_server, "volatile-ttl")
    fill(c, "late", 3000, "EX", "100000")
    fill(c, "soon", 3000, "EX", "100")
    fill(c, "later", 6000, "EX", "200000")
    soon_left = sum(c.cmd("EXISTS", f"soon{i}").value for i in range(3000))
    late_left = sum(c.cmd("EXISTS", f"late{i}").value for i in range(3000))
    assert soon_left < late_left


def test_lfu_keeps_a_hot_key_that_a_scan_would_push_out(start_server):
    _, c = server_with(start_server, "allkeys-lfu")
    c.cmd("SET", "hot", VALUE)
    for _ in range(2000):
        c.send_cmd("GET", "hot")
    for _ in range(2000):
        c.read()
    fill(c, "scan", 30000)
    assert c.cmd("EXISTS", "hot") == Frame(":", 1)
    assert c.cmd("OBJECT", "FREQ", "hot").value > 5


def test_evictions_are_notified_and_invalidate_trackers(start_server):
    srv, c = server_with(start_server, "allkeys-random")
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "Ee")
    sub = RawConn(srv.port)
    assert plain(sub.cmd("SUBSCRIBE", "__keyevent@0__:evicted"))[0] == "subscribe"
    reader = RawConn(srv.port)
    reader.cmd("HELLO", "3")
    reader.cmd("CLIENT", "TRACKING", "on")
    c.cmd("SET", "tracked", VALUE)
    reader.cmd("GET", "tracked")
    fill(c, "k", 30000)
    msg = plain(sub.read())
    assert msg[0] == "message" and msg[1] == "__keyevent@0__:evicted"
    if c.cmd("EXISTS", "tracked") == Frame(":", 0):
        push = reader.read()
        assert push.kind == ">" and plain(push)[0] == "invalidate"


@pytest.mark.hearth_only
@pytest.mark.parametrize("policy", ["allkeys-s3fifo", "volatile-s3fifo"])
def test_hearth_s3fifo_keeps_memory_within_maxmemory(start_server, policy):
    _, c = server_with(start_server, policy)
    extra = ("EX", "100000") if policy.startswith("volatile") else ()
    replies = fill(c, "k", 30000, *extra)
    assert all(r == Frame("+", "OK") for r in replies)
    mem = info(c, "memory")
    assert int(mem["used_memory"]) <= int(mem["maxmemory"]) * 1.05
    assert int(info(c, "stats")["evicted_keys"]) > 0


@pytest.mark.hearth_only
def test_hearth_s3fifo_keeps_a_reread_key_under_a_scan(start_server):
    _, c = server_with(start_server, "allkeys-s3fifo")
    c.cmd("SET", "hot", VALUE)
    for _ in range(20):
        c.cmd("GET", "hot")
    for batch in range(15):
        fill(c, f"scan{batch}-", 2000)
        c.cmd("GET", "hot")
    assert c.cmd("EXISTS", "hot") == Frame(":", 1)


@pytest.mark.hearth_only
def test_pipelined_reads_of_large_values_do_not_evict_keys(start_server):
    """A pipeline of GET hits builds a large reply; Hearth writes it out
    every 16 KB, and the gauge counts client buffers as they are rather than
    as a calibration happened to find them, so reads that fit leave the
    keys alone (before, 400 KB replies cost a sixth of the keys)."""
    big = "b" * 4000
    _, c = server_with(start_server, "allkeys-lru", "0")
    for start in range(0, 200, 50):
        for i in range(start, start + 50):
            c.send_cmd("SET", f"big{i}", big)
        assert all(c.read() == Frame("+", "OK") for _ in range(50))
    time.sleep(0.3)
    used = int(info(c, "memory")["used_memory"])
    assert c.cmd("CONFIG", "SET", "maxmemory", str(used + 100_000)) == Frame("+", "OK")
    deadline = time.time() + 1.0  # several calibrations land mid-batch
    while time.time() < deadline:
        for i in range(100):
            c.send_cmd("GET", f"big{(i * 7) % 200}")
        assert all(c.read().kind == "$" for _ in range(100))
    assert c.cmd("DBSIZE") == Frame(":", 200)
    assert int(info(c, "stats")["evicted_keys"]) == 0
    assert int(info(c, "memory")["mem_clients_normal"]) > 0


@pytest.mark.hearth_only
def test_pipelined_overwrites_of_the_same_size_do_not_evict(start_server):
    """Batches of 40 KB of SETs that rewrite keys at the same size leave
    memory where it was: the connection's buffers keep their size across
    batches (a read buffer that doubled inside every batch and was dropped
    after it made the gauge evict keys and the batch refill them)."""
    _, c = server_with(start_server, "allkeys-lru", "0")
    value = "w" * 250
    fill_batch = [f"ow{i}" for i in range(1000)]
    for start in range(0, 1000, 100):
        for k in fill_batch[start : start + 100]:
            c.send_cmd("SET", k, value)
        assert all(c.read() == Frame("+", "OK") for _ in range(100))
    time.sleep(0.3)
    used = int(info(c, "memory")["used_memory"])
    assert c.cmd("CONFIG", "SET", "maxmemory", str(used + 8_000)) == Frame("+", "OK")
    for batch in range(60):
        keys = fill_batch[(batch * 150) % 850 :][:150]
        for k in keys:
            c.send_cmd("SET", k, value)
        for k in keys:
            c.send_cmd("GET", k)
        replies = [c.read() for _ in range(2 * len(keys))]
        assert all(r == Frame("+", "OK") for r in replies[: len(keys)])
    assert int(info(c, "stats")["evicted_keys"]) == 0
    assert c.cmd("DBSIZE") == Frame(":", 1000)
