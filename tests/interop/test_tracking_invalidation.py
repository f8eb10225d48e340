"""Client tracking: what invalidates a tracked key and when: every kind of
write, writes that change nothing (no push), expiry (lazy and active), flushes
(a null key list), SWAPDB, other databases, MULTI/EXEC, hash-field expiry and
eviction (see tracking_support.py for the resp3/resp2 `mode`).
"""

from __future__ import annotations

import time

import pytest

from rawresp import Frame
from tracking_support import (  # noqa: F401 - mode, no_active_expire, t3, track, w: pytest fixtures
    Tracker, info_fields, invalidated_keys, mode, no_active_expire, t3, track, w,
)


# -- what invalidates ---------------------------------------------------------------

# (name, setup run by the writer, keys the tracker reads, the write, expected
# invalidations as a sorted list of key lists)
WRITES = [
    ("set", [("SET", "k", "v")], ["k"], ("SET", "k", "w"), [["k"]]),
    ("setnx-on-existing-key-changes-nothing", [("SET", "k", "v")], ["k"], ("SETNX", "k", "w"), []),
    ("append", [("SET", "k", "v")], ["k"], ("APPEND", "k", "w"), [["k"]]),
    ("incr", [("SET", "k", "1")], ["k"], ("INCR", "k"), [["k"]]),
    ("incrbyfloat", [("SET", "k", "1")], ["k"], ("INCRBYFLOAT", "k", "0.5"), [["k"]]),
    ("setrange", [("SET", "k", "v")], ["k"], ("SETRANGE", "k", "3", "x"), [["k"]]),
    ("getset", [("SET", "k", "v")], ["k"], ("GETSET", "k", "w"), [["k"]]),
    ("getdel", [("SET", "k", "v")], ["k"], ("GETDEL", "k"), [["k"]]),
    ("getex", [("SET", "k", "v")], ["k"], ("GETEX", "k", "EX", "100"), [["k"]]),
    ("del", [("SET", "k", "v")], ["k"], ("DEL", "k"), [["k"]]),
    ("unlink", [("SET", "k", "v")], ["k"], ("UNLINK", "k"), [["k"]]),
    ("expire", [("SET", "k", "v")], ["k"], ("EXPIRE", "k", "100"), [["k"]]),
    ("pexpire", [("SET", "k", "v")], ["k"], ("PEXPIRE", "k", "100000"), [["k"]]),
    ("expireat", [("SET", "k", "v")], ["k"], ("EXPIREAT", "k", "4000000000"), [["k"]]),
    ("expire-in-the-past-deletes", [("SET", "k", "v")], ["k"], ("EXPIRE", "k", "-1"), [["k"]]),
    ("persist", [("SET", "k", "v", "EX", "100")], ["k"], ("PERSIST", "k"), [["k"]]),
    ("mset", [], ["a", "b"], ("MSET", "a", "1", "b", "2"), [["a"], ["b"]]),
    ("msetnx", [], ["a", "b"], ("MSETNX", "a", "1", "b", "2"), [["a"], ["b"]]),
    ("rpush", [], ["l"], ("RPUSH", "l", "x"), [["l"]]),
    ("rename-both-keys", [("SET", "a", "1"), ("SET", "b", "2")], ["a", "b"], ("RENAME", "a", "b"), [["a"], ["b"]]),
    ("renamenx-both-keys", [("SET", "a", "1")], ["a", "c"], ("RENAMENX", "a", "c"), [["a"], ["c"]]),
    ("move", [("SET", "k", "v")], ["k"], ("MOVE", "k", "1"), [["k"]]),
    ("copy-destination-only", [("SET", "src", "v"), ("SET", "dst", "old")], ["src", "dst"],
     ("COPY", "src", "dst", "REPLACE"), [["dst"]]),
    ("copy-to-new-key", [("SET", "src", "v")], ["src", "dst"], ("COPY", "src", "dst"), [["dst"]]),
    ("set-same-value", [("SET", "k", "v")], ["k"], ("SET", "k", "v"), [["k"]]),
    ("incrby-zero", [("SET", "k", "1")], ["k"], ("INCRBY", "k", "0"), [["k"]]),
    ("append-empty", [("SET", "k", "v")], ["k"], ("APPEND", "k", ""), [["k"]]),
    ("del-several", [("MSET", "a", "1", "b", "2")], ["a", "b", "c"], ("DEL", "a", "b", "c"), [["a"], ["b"]]),
    ("hset", [("HSET", "h", "f", "v")], ["h"], ("HSET", "h", "f", "w"), [["h"]]),
    ("hincrby", [("HSET", "h", "n", "1")], ["h"], ("HINCRBY", "h", "n", "1"), [["h"]]),
    ("hdel-last-field", [("HSET", "h", "f", "v")], ["h"], ("HDEL", "h", "f"), [["h"]]),
    ("hdel-some-missing", [("HSET", "h", "f", "v", "g", "w")], ["h"], ("HDEL", "h", "f", "nope"), [["h"]]),
    pytest.param([("HSET", "h", "f", "v")], ["h"], ("HEXPIRE", "h", "100", "FIELDS", "1", "f"), [["h"]],
                 id="hexpire", marks=pytest.mark.redis74),
    ("sadd-new-member", [("SADD", "s", "a")], ["s"], ("SADD", "s", "b"), [["s"]]),
    ("srem", [("SADD", "s", "a", "b")], ["s"], ("SREM", "s", "a"), [["s"]]),
    ("smove-both-keys", [("SADD", "s", "a"), ("SADD", "d", "x")], ["s", "d"], ("SMOVE", "s", "d", "a"),
     [["d"], ["s"]]),
    ("sinterstore-destination", [("SADD", "s", "a"), ("SADD", "t", "a")], ["s", "t", "dst"],
     ("SINTERSTORE", "dst", "s", "t"), [["dst"]]),
    ("sdiffstore-destination", [("SADD", "s", "a")], ["s", "dst"], ("SDIFFSTORE", "dst", "s"), [["dst"]]),
    ("zadd-new-score", [("ZADD", "z", "1", "a")], ["z"], ("ZADD", "z", "2", "a"), [["z"]]),
    ("zincrby", [("ZADD", "z", "1", "a")], ["z"], ("ZINCRBY", "z", "1", "a"), [["z"]]),
    ("zunionstore-destination", [("ZADD", "z", "1", "a")], ["z", "dst"], ("ZUNIONSTORE", "dst", "1", "z"),
     [["dst"]]),
    ("zrangestore-destination", [("ZADD", "z", "1", "a")], ["z", "dst"], ("ZRANGESTORE", "dst", "z", "0", "-1"),
     [["dst"]]),
    ("lpush", [("RPUSH", "l", "a")], ["l"], ("LPUSH", "l", "b"), [["l"]]),
    ("lpop", [("RPUSH", "l", "a", "b")], ["l"], ("LPOP", "l"), [["l"]]),
    ("lset-same-value", [("RPUSH", "l", "a")], ["l"], ("LSET", "l", "0", "a"), [["l"]]),
    ("ltrim-keeping-all", [("RPUSH", "l", "a")], ["l"], ("LTRIM", "l", "0", "-1"), [["l"]]),
    ("lmove-both-keys", [("RPUSH", "l", "a"), ("RPUSH", "m", "x")], ["l", "m"], ("LMOVE", "l", "m", "LEFT", "RIGHT"),
     [["l"], ["m"]]),
    ("rpoplpush-same-list", [("RPUSH", "l", "a", "b")], ["l"], ("RPOPLPUSH", "l", "l"), [["l"]]),
    ("blpop-served-at-once", [("RPUSH", "l", "a")], ["l"], ("BLPOP", "l", "1"), [["l"]]),
]


def _case_id(case) -> str:
    return case.id if hasattr(case, "id") else case[0]


def _case_params(case):
    return case if hasattr(case, "id") else pytest.param(*case[1:], id=case[0])


@pytest.mark.parametrize("setup,reads,write,expected", [_case_params(c) for c in WRITES])
def test_write_invalidates(track, w, setup, reads, write, expected):
    t = track()
    for c in setup:
        w.call(*c)
    for key in reads:
        t.call("EXISTS", key)
    reply = w.cmd(*write)
    assert reply.kind != "-", reply
    got = sorted(t.expect_pushes(len(expected)))
    assert got == expected
    t.expect_none()


# Writes that change nothing send nothing (Redis signals a key only when
# the command modified it).
NOOPS = [
    ("rename-to-itself", [("SET", "k", "v")], ("RENAME", "k", "k")),
    ("expire-nx-with-ttl", [("SET", "k", "v", "EX", "100")], ("EXPIRE", "k", "50", "NX")),
    ("getex-without-options", [("SET", "k", "v")], ("GETEX", "k")),
    ("getex-persist-without-ttl", [("SET", "k", "v")], ("GETEX", "k", "PERSIST")),
    ("setrange-empty", [("SET", "k", "v")], ("SETRANGE", "k", "0", "")),
    ("touch", [("SET", "k", "v")], ("TOUCH", "k")),
    ("zadd-same-score", [("ZADD", "k", "1", "a")], ("ZADD", "k", "1", "a")),
    ("zadd-nx-existing", [("ZADD", "k", "1", "a")], ("ZADD", "k", "NX", "5", "a")),
    ("zrem-missing-member", [("ZADD", "k", "1", "a")], ("ZREM", "k", "nope")),
    ("zremrangebyscore-none", [("ZADD", "k", "1", "a")], ("ZREMRANGEBYSCORE", "k", "5", "6")),
    ("hsetnx-existing-field", [("HSET", "k", "f", "v")], ("HSETNX", "k", "f", "x")),
    ("smove-missing-member", [("SADD", "k", "a")], ("SMOVE", "k", "other", "nope")),
    ("lrem-nothing", [("RPUSH", "k", "a")], ("LREM", "k", "0", "nope")),
    ("linsert-missing-pivot", [("RPUSH", "k", "a")], ("LINSERT", "k", "BEFORE", "nope", "x")),
    ("lpushx-missing-key", [], ("LPUSHX", "k", "x")),
    ("spop-missing-key", [], ("SPOP", "k")),
    ("sadd-existing-member", [("SADD", "k", "a")], ("SADD", "k", "a")),
    ("srem-missing-member", [("SADD", "k", "a")], ("SREM", "k", "nope")),
    ("hdel-missing-field", [("HSET", "k", "f", "v")], ("HDEL", "k", "nope")),
    ("smove-member-already-in-destination", [("SADD", "src", "a"), ("SADD", "k", "a")], ("SMOVE", "src", "k", "a")),
    pytest.param([("HSET", "k", "f", "v")], ("HPERSIST", "k", "FIELDS", "1", "f"), id="hpersist-without-ttl",
                 marks=pytest.mark.redis74),
    pytest.param([("HSET", "k", "f", "v")], ("HEXPIRE", "k", "100", "GT", "FIELDS", "1", "f"), id="hexpire-gt-unmet",
                 marks=pytest.mark.redis74),
    pytest.param([("HSET", "k", "f", "v")], ("HEXPIRE", "k", "100", "FIELDS", "1", "nope"),
                 id="hexpire-missing-field", marks=pytest.mark.redis74),
]


@pytest.mark.parametrize("setup,write", [_case_params(c) for c in NOOPS])
def test_write_that_changes_nothing_sends_nothing(track, w, setup, write):
    t = track()
    for c in setup:
        w.call(*c)
    t.call("EXISTS", "k")
    reply = w.cmd(*write)
    assert reply.kind != "-", reply
    t.expect_none()


def test_persist_of_a_key_without_ttl_changes_nothing(track, w):
    t = track()
    w.call("SET", "k", "v")
    t.call("GET", "k")
    assert w.call("PERSIST", "k") == 0
    t.expect_none()


def test_del_of_a_missing_key_sends_nothing(track, w):
    t = track()
    assert t.call("GET", "k") is None
    assert w.call("DEL", "k") == 0
    t.expect_none()
    # Still tracked: the next real change is reported.
    w.call("SET", "k", "v")
    t.expect(["k"])


def test_lazy_expiry_invalidates(track, w, no_active_expire):
    t = track()
    w.call("SET", "k", "v", "PX", "50")
    assert t.call("GET", "k") == "v"
    time.sleep(0.2)
    t.expect_none()  # active expiry is off: nothing happened yet
    assert w.call("GET", "k") is None  # the writer's read deletes it
    t.expect(["k"])


def test_active_expiry_invalidates_without_any_command(track, w):
    t = track()
    w.call("SET", "k", "v", "PX", "50")
    assert t.call("GET", "k") == "v"
    t.expect(["k"])  # arrives by itself (active expiry cycle)


def test_flushall_and_flushdb_send_null_to_every_tracking_client(track, w):
    t = track()  # tracking but has read nothing
    assert w.call("FLUSHALL") == "OK"
    t.expect(None)
    assert w.call("FLUSHDB") == "OK"
    t.expect(None)
    t.expect_none()


def test_flushall_forgets_tracked_keys(track, w):
    t = track()
    t.call("GET", "k")
    w.call("FLUSHALL")
    t.expect(None)
    # The client dropped everything; k is no longer tracked.
    w.call("SET", "k", "v")
    t.expect_none()


def test_flush_of_another_db_also_sends_null(track, w):
    t = track()
    w.call("SELECT", "3")
    w.call("FLUSHDB")
    t.expect(None)


@pytest.mark.redis74
@pytest.mark.parametrize("flush", ["FLUSHALL", "FLUSHDB"])
def test_flushers_own_null_push_comes_before_its_ok(t3, flush):
    t3.call("CLIENT", "TRACKING", "ON")
    t3.send_cmd(flush)
    first, second = t3.read(), t3.read()
    assert invalidated_keys(first, 3) is None
    assert second == Frame("+", "OK")


def test_flush_by_a_redirecting_client_reaches_its_target(raw):
    t = Tracker(raw, "resp2")
    assert t.call("FLUSHALL") == "OK"
    t.expect(None)


@pytest.mark.hearth_only
def test_swapdb_sends_null_to_tracking_clients(track, w):
    t = track()
    t.call("GET", "k")
    assert w.call("SWAPDB", "0", "1") == "OK"
    t.expect(None)


def test_write_in_another_db_invalidates_a_reader_of_db0(track, w):
    # Redis tracks key names, not (db, key).
    t = track()
    t.call("GET", "k")
    w.call("SELECT", "2")
    w.call("SET", "k", "v")
    t.expect(["k"])


def test_read_in_another_db_is_invalidated_by_a_write_in_db0(track, w):
    t = track()
    t.call("SELECT", "5")
    t.call("GET", "k")
    w.call("SET", "k", "v")  # db 0
    t.expect(["k"])


def test_flushall_async_sends_null(track, w):
    t = track()
    assert w.call("FLUSHALL", "ASYNC") == "OK"
    t.expect(None)


def test_binary_key_names_come_back_exactly(track, w):
    t = track()
    key = b"a\x00b\r\n\xff"
    t.call("GET", key)
    w.call("SET", key, "v")
    frame = t.sink.read()
    keys = frame.value[1] if frame.kind == ">" else frame.value[2]
    assert keys == Frame("*", [Frame("$", key)])


def test_reads_inside_exec_are_tracked(track, w):
    t = track()
    t.call("MULTI")
    t.call("GET", "a")
    t.call("MGET", "b", "c")
    t.call("EXEC")
    w.call("MSET", "a", "1", "b", "2", "c", "3", "d", "4")
    assert t.expect_pushes(3) == [["a"], ["b"], ["c"]]
    t.expect_none()


def test_writes_of_other_types_are_seen_by_readers_of_the_key(track, w):
    t = track()
    t.call("HGET", "h", "f")
    t.call("SMEMBERS", "s")
    t.call("LRANGE", "l", "0", "-1")
    t.call("ZRANGE", "z", "0", "-1")
    w.call("HSET", "h", "f", "v")
    w.call("SADD", "s", "m")
    w.call("RPUSH", "l", "x")
    w.call("ZADD", "z", "1", "m")
    assert t.expect_pushes(4) == [["h"], ["s"], ["l"], ["z"]]


@pytest.mark.redis74
def test_hash_field_expiry_invalidates_the_hash(track, w):
    t = track()
    w.call("HSET", "h", "f", "v", "g", "w")
    t.call("HGET", "h", "g")
    assert w.call("HPEXPIRE", "h", "50", "FIELDS", "1", "f") == [1]
    t.expect(["h"])  # setting the TTL
    t.call("HGET", "h", "g")
    t.expect(["h"])  # the field's active expiry, with no command
    assert w.call("HGETALL", "h") == ["g", "w"]


@pytest.mark.redis74
def test_lazy_hash_field_expiry_invalidates_the_hash(track, w, no_active_expire):
    t = track()
    w.call("HSET", "h", "f", "v", "g", "w")
    w.call("HPEXPIRE", "h", "50", "FIELDS", "1", "f")
    t.call("HGET", "h", "g")
    time.sleep(0.2)
    t.expect_none()
    assert w.call("HGET", "h", "f") is None
    t.expect(["h"])


def test_eviction_invalidates_every_evicted_tracked_key(start_server, raw, mode):
    s = start_server()
    w = raw(s.port)
    t = Tracker(lambda: raw(s.port), mode)
    keys = [f"k{i}" for i in range(200)]
    for k in keys:
        w.call("SET", k, "x" * 1000)
    for k in keys:
        t.call("GET", k)
    used = int(info_fields(w, "memory")["used_memory"])
    assert w.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random") == "OK"
    assert w.call("CONFIG", "SET", "maxmemory", str(used - 100_000)) == "OK"
    w.call("SET", "trigger", "y")

    def evicted():
        return int(info_fields(w, "stats")["evicted_keys"])

    # Wait until eviction settles (Hearth may spread it over commands).
    last, deadline = -1, time.monotonic() + 10
    while evicted() != last and time.monotonic() < deadline:
        last = evicted()
        time.sleep(0.2)
    assert last > 0
    pushed = {k for ks in t.round_trip() for k in ks}
    gone = {k for k in keys if w.call("EXISTS", k) == 0}
    pushed |= {k for ks in t.round_trip() for k in ks}
    gone_after = {k for k in keys if w.call("EXISTS", k) == 0}
    assert gone, "nothing evicted"
    assert gone <= pushed, f"evicted without invalidation: {sorted(gone - pushed)}"
    assert pushed <= gone_after, f"invalidated but still there: {sorted(pushed - gone_after)}"
