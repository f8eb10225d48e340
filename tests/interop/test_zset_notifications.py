"""Sorted sets and the rest of the server: keyspace notifications, WATCH,
MULTI/EXEC and redis-py's helpers.
"""

from __future__ import annotations

from rawresp import Frame, plain
from zset_support import arr, c, n  # noqa: F401 - c: pytest fixtures


# -- notifications and WATCH ------------------------------------------------------


def test_notification_events(events):
    assert events("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")[1] == [("zadd", "z")]
    assert events("ZADD", "z", "NX", "1", "a")[1] == []
    assert events("ZINCRBY", "z", "1", "a")[1] == [("zincr", "z")]
    assert events("ZADD", "z", "INCR", "1", "a")[1] == [("zincr", "z")]
    assert events("ZREM", "z", "nope")[1] == []
    assert events("ZREM", "z", "a")[1] == [("zrem", "z")]
    assert events("ZREMRANGEBYSCORE", "z", "2", "2")[1] == [("zremrangebyscore", "z")]
    assert events("ZREMRANGEBYRANK", "z", "5", "6")[1] == []
    assert events("ZPOPMIN", "z")[1] == [("zpopmin", "z")]
    assert events("ZRANGESTORE", "d", "z", "0", "-1")[1] == [("zrangestore", "d")]
    assert events("ZUNIONSTORE", "u", "1", "d")[1] == [("zunionstore", "u")]
    assert events("ZINTERSTORE", "u", "2", "d", "nokey")[1] == [("del", "u")]
    assert events("ZDIFFSTORE", "u", "1", "nokey")[1] == []
    assert events("ZPOPMAX", "z", "5")[1] == [("zpopmax", "z"), ("del", "z")]
    events("ZADD", "l", "0", "a", "0", "b")
    assert events("ZREMRANGEBYLEX", "l", "-", "+")[1] == [("zremrangebylex", "l"), ("del", "l")]
    events("ZADD", "m", "1", "x")
    assert events("ZMPOP", "1", "m", "MAX")[1] == [("zpopmax", "m"), ("del", "m")]
    events("ZADD", "r", "1", "x")
    assert events("ZREM", "r", "x")[1] == [("zrem", "r"), ("del", "r")]


def test_noop_writes_do_not_dirty_watch(raw):
    a, b = raw(), raw()
    a.cmd("ZADD", "z", "5", "m")
    a.cmd("WATCH", "z")
    for noop in (["ZADD", "z", "NX", "1", "m"], ["ZADD", "z", "5", "m"], ["ZADD", "z", "GT", "1", "m"],
                 ["ZREM", "z", "x"], ["ZREMRANGEBYSCORE", "z", "10", "20"], ["ZADD", "z", "XX", "1", "new"]):
        b.cmd(*noop)
    a.cmd("MULTI")
    a.cmd("ZCARD", "z")
    assert a.cmd("EXEC") == arr(n(1))
    a.cmd("WATCH", "z")
    b.cmd("ZINCRBY", "z", "1", "m")
    a.cmd("MULTI")
    a.cmd("ZCARD", "z")
    assert a.cmd("EXEC") == Frame("*", None)


def test_multi_key_commands_inside_transactions(c):
    c.cmd("ZADD", "a", "1", "x")
    c.cmd("ZADD", "b", "2", "x", "3", "y")
    c.cmd("MULTI")
    for cmd in (["ZUNIONSTORE", "u", "2", "a", "b"], ["ZINTERCARD", "2", "a", "b"], ["ZMPOP", "2", "nokey", "b", "MAX"],
                ["ZDIFF", "2", "b", "a"], ["ZRANGE", "u", "0", "-1", "WITHSCORES"]):
        assert c.cmd(*cmd) == Frame("+", "QUEUED")
    assert plain(c.cmd("EXEC")) == [2, 1, ["b", [["y", "3"]]], [], ["x", "3", "y", "3"]]


def test_redis_py_helpers(r2, r3):
    r2.zadd("z", {"a": 1, "b": 2.5})
    assert r2.zrange("z", 0, -1, withscores=True) == [("a", 1.0), ("b", 2.5)]
    assert r3.zrange("z", 0, -1, withscores=True) == [["a", 1.0], ["b", 2.5]]
    assert r2.zscore("z", "b") == 2.5
    assert r3.zpopmin("z") == ["a", 1.0]
    assert r2.zadd("z", {"b": 1}, incr=True) == 3.5
