"""Sorted-set algebra: ZUNION ZINTER ZDIFF (WEIGHTS, AGGREGATE, the STORE
forms) and ZINTERCARD.
"""

from __future__ import annotations

import pytest

from zset_support import (  # noqa: F401 - c: pytest fixtures
    NOT_INT, SYNTAX, WRONGTYPE, arr, bulk, c, dbl, err, n,
)


# -- ZUNION / ZINTER / ZDIFF --------------------------------------------------


@pytest.fixture
def two(c):
    c.cmd("ZADD", "z1", "1", "a", "2", "b", "3", "c")
    c.cmd("ZADD", "z2", "10", "b", "20", "c", "30", "d")
    return c


def test_zunion_zinter_zdiff(two):
    c = two
    assert c.call("ZUNION", "2", "z1", "z2", "WITHSCORES") == ["a", "1", "b", "12", "c", "23", "d", "30"]
    assert c.call("ZINTER", "2", "z1", "z2", "WITHSCORES") == ["b", "12", "c", "23"]
    assert c.call("ZDIFF", "2", "z1", "z2", "WITHSCORES") == ["a", "1"]
    assert c.call("ZDIFF", "2", "z2", "z1") == ["d"]
    assert c.call("ZUNION", "3", "z1", "z2", "nokey") == ["a", "b", "c", "d"]
    assert c.call("ZINTER", "2", "z1", "nokey") == []
    assert c.call("ZDIFF", "2", "nokey", "z1") == []
    assert c.call("ZDIFF", "2", "z1", "z1") == []


def test_weights_and_aggregate(two):
    c = two
    assert c.call("ZUNION", "2", "z1", "z2", "WEIGHTS", "2", "0.5", "WITHSCORES") == [
        "a", "2", "b", "9", "d", "15", "c", "16",
    ]
    assert c.call("ZUNION", "2", "z1", "z2", "AGGREGATE", "MIN", "WITHSCORES") == [
        "a", "1", "b", "2", "c", "3", "d", "30",
    ]
    assert c.call("ZINTER", "2", "z1", "z2", "aggregate", "max", "weights", "1", "-1", "WITHSCORES") == [
        "b", "2", "c", "3",
    ]
    assert c.call("ZUNION", "2", "z1", "z2", "AGGREGATE", "SUM", "AGGREGATE", "MAX") == ["a", "b", "c", "d"]


def test_infinities_in_aggregates(c):
    c.cmd("ZADD", "p", "inf", "a", "1", "b")
    c.cmd("ZADD", "q", "-inf", "a", "1", "b")
    assert c.call("ZUNION", "2", "p", "q", "WITHSCORES") == ["a", "0", "b", "2"], "inf + -inf is 0"
    assert c.call("ZINTER", "2", "p", "q", "WEIGHTS", "0", "1", "WITHSCORES") == ["a", "-inf", "b", "1"]
    assert c.call("ZUNION", "1", "p", "WEIGHTS", "0", "WITHSCORES") == ["a", "0", "b", "0"], "0 * inf is 0"


def test_plain_sets_score_one(c):
    c.cmd("SADD", "s", "a", "x")
    c.cmd("ZADD", "z", "5", "a", "7", "b")
    assert c.call("ZUNION", "2", "s", "z", "WITHSCORES") == ["x", "1", "a", "6", "b", "7"]
    assert c.call("ZINTER", "2", "z", "s", "WITHSCORES") == ["a", "6"]
    assert c.call("ZDIFF", "2", "s", "z", "WITHSCORES") == ["x", "1"]
    c.cmd("SADD", "ints", "1", "2", "3")
    assert c.call("ZUNION", "1", "ints", "WEIGHTS", "2", "WITHSCORES") == ["1", "2", "2", "2", "3", "2"]


def test_setop_errors(two):
    c = two
    assert c.cmd("ZUNION", "0", "z1") == err("ERR at least 1 input key is needed for 'zunion' command")
    assert c.cmd("ZUNIONSTORE", "d", "0", "z1") == err("ERR at least 1 input key is needed for 'zunionstore' command")
    assert c.cmd("ZINTERCARD", "-1", "z1") == err("ERR at least 1 input key is needed for 'zintercard' command")
    assert c.cmd("ZUNION", "x", "z1") == err(NOT_INT)
    assert c.cmd("ZUNION", "3", "z1", "z2") == err(SYNTAX)
    assert c.cmd("ZUNION", "2", "z1", "z2", "WEIGHTS", "1") == err(SYNTAX)
    assert c.cmd("ZUNION", "2", "z1", "z2", "WEIGHTS", "1", "x") == err("ERR weight value is not a float")
    assert c.cmd("ZUNION", "2", "z1", "z2", "AGGREGATE", "AVG") == err(SYNTAX)
    assert c.cmd("ZUNION", "2", "z1", "z2", "AGGREGATE") == err(SYNTAX)
    assert c.cmd("ZDIFF", "2", "z1", "z2", "WEIGHTS", "1", "1") == err(SYNTAX)
    assert c.cmd("ZUNIONSTORE", "d", "2", "z1", "z2", "WITHSCORES") == err(SYNTAX)
    assert c.cmd("ZINTERCARD", "1", "z1", "WITHSCORES") == err(SYNTAX)
    # Types are checked before the options.
    assert c.cmd("ZUNION", "2", "z1", "list", "FOO") == err(WRONGTYPE)
    c.cmd("SET", "str", "x")
    assert c.cmd("ZINTER", "2", "nokey", "str") == err(WRONGTYPE)


def test_store_forms(two):
    c = two
    assert c.cmd("ZUNIONSTORE", "d", "2", "z1", "z2") == n(4)
    assert c.call("ZRANGE", "d", "0", "-1", "WITHSCORES") == ["a", "1", "b", "12", "c", "23", "d", "30"]
    assert c.cmd("ZINTERSTORE", "d", "2", "z1", "z2", "WEIGHTS", "1", "0") == n(2)
    assert c.call("ZRANGE", "d", "0", "-1", "WITHSCORES") == ["b", "2", "c", "3"]
    assert c.cmd("ZDIFFSTORE", "d", "2", "z2", "z1") == n(1)
    assert c.call("ZRANGE", "d", "0", "-1") == ["d"]
    assert c.cmd("ZINTERSTORE", "d", "2", "z1", "nokey") == n(0)
    assert c.cmd("EXISTS", "d") == n(0)
    assert c.cmd("ZUNIONSTORE", "z1", "2", "z1", "z2") == n(4), "the destination may be a source"
    assert c.cmd("ZCARD", "z1") == n(4)
    c.cmd("SET", "str", "x", "EX", "100")
    assert c.cmd("ZDIFFSTORE", "str", "1", "z2") == n(3)
    assert c.call("TYPE", "str") == "zset"
    assert c.cmd("TTL", "str") == n(-1)
    assert c.cmd("ZUNIONSTORE", "d", "1", "list") == err(WRONGTYPE)


def test_zintercard(two):
    c = two
    c.cmd("ZADD", "z3", "1", "b", "1", "c", "1", "x")
    assert c.cmd("ZINTERCARD", "2", "z1", "z2") == n(2)
    assert c.cmd("ZINTERCARD", "3", "z1", "z2", "z3") == n(2)
    assert c.cmd("ZINTERCARD", "2", "z1", "z2", "LIMIT", "1") == n(1)
    assert c.cmd("ZINTERCARD", "2", "z1", "z2", "LIMIT", "0") == n(2)
    assert c.cmd("ZINTERCARD", "2", "z1", "nokey") == n(0)
    assert c.cmd("ZINTERCARD", "2", "z1", "z2", "LIMIT", "-1") == err("ERR LIMIT can't be negative")
    assert c.cmd("ZINTERCARD", "2", "z1", "z2", "LIMIT", "x") == err("ERR LIMIT can't be negative")
    assert c.cmd("ZINTERCARD", "2", "z1", "z2", "AGGREGATE", "MIN") == err(SYNTAX)
    assert c.cmd("ZINTERCARD", "1", "list") == err(WRONGTYPE)


def test_setop_resp3_shapes(two, c3):
    assert c3.cmd("ZINTER", "2", "z1", "z2", "WITHSCORES") == arr(arr(bulk("b"), dbl("12")), arr(bulk("c"), dbl("23")))
    assert c3.cmd("ZDIFF", "2", "z1", "z2") == arr(bulk("a"))


def test_setops_on_large_sets(c):
    c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "0")
    try:
        c.cmd("ZADD", "big1", *[x for i in range(300) for x in (i, f"m{i}")])
        c.cmd("ZADD", "big2", *[x for i in range(0, 600, 2) for x in (1, f"m{i}")])
        assert c.cmd("ZINTERCARD", "2", "big1", "big2") == n(150)
        assert c.cmd("ZUNIONSTORE", "u", "2", "big1", "big2") == n(450)
        assert c.call("ZRANGE", "u", "0", "3", "WITHSCORES") == ["m0", "1", "m1", "1", "m300", "1", "m302", "1"]
        assert c.cmd("ZDIFFSTORE", "d", "2", "big1", "big2") == n(150)
        assert c.call("OBJECT", "ENCODING", "d") == "skiplist"
    finally:
        c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "128")
