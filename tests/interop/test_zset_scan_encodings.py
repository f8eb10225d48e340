"""Sorted sets: ZSCAN over both encodings, and the listpack/skiplist
encoding conversions.
"""

from __future__ import annotations

import pytest

from zset_support import (  # noqa: F401 - c, small_limits: pytest fixtures
    NOT_INT, SYNTAX, WRONGTYPE, c, err, n, small_limits,
)


# -- ZSCAN -------------------------------------------------------------------------


def test_zscan_listpack_returns_everything(c):
    c.cmd("ZADD", "z", "1", "a", "2.5", "b", "3", "c")
    assert c.call("ZSCAN", "z", "0") == ["0", ["a", "1", "b", "2.5", "c", "3"]]
    assert c.call("ZSCAN", "z", "0", "MATCH", "b*", "COUNT", "1") == ["0", ["b", "2.5"]]
    assert c.call("ZSCAN", "nokey", "0") == ["0", []]
    assert c.call("ZSCAN", "nokey", "0", "BAD") == ["0", []], "a missing key is answered before options"


def test_zscan_skiplist_iterates_everything(c):
    c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "0")
    try:
        c.cmd("ZADD", "z", *[x for i in range(500) for x in (i, f"m{i}")])
        seen = {}
        cursor = "0"
        for _ in range(1000):
            cursor, items = c.call("ZSCAN", "z", cursor, "COUNT", "20")
            seen.update(zip(items[::2], items[1::2]))
            if cursor == "0":
                break
        assert seen == {f"m{i}": str(i) for i in range(500)}
        cursor, matched = "0", []
        while True:
            cursor, items = c.call("ZSCAN", "z", cursor, "MATCH", "m1?")
            matched += items[::2]
            if cursor == "0":
                break
        assert sorted(matched) == sorted(f"m{i}" for i in range(10, 20))
    finally:
        c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "128")


def test_zscan_errors(c):
    c.cmd("ZADD", "z", "1", "a")
    assert c.cmd("ZSCAN", "z", "x") == err("ERR invalid cursor")
    assert c.cmd("ZSCAN", "z", "0", "COUNT", "0") == err(SYNTAX)
    assert c.cmd("ZSCAN", "z", "0", "COUNT", "x") == err(NOT_INT)
    assert c.cmd("ZSCAN", "z", "0", "MATCH") == err(SYNTAX)
    assert c.cmd("ZSCAN", "z", "0", "TYPE", "zset") == err(SYNTAX)
    assert c.cmd("ZSCAN", "list", "0") == err(WRONGTYPE)
    assert c.call("ZSCAN", "z", "007") == ["0", ["a", "1"]]


@pytest.mark.redis74
def test_zscan_negative_cursor_is_invalid(c):
    c.cmd("ZADD", "z", "1", "a")
    assert c.cmd("ZSCAN", "z", "-1") == err("ERR invalid cursor")
    assert c.cmd("ZSCAN", "z", "0", "NOVALUES") == err("ERR NOVALUES option can only be used in HSCAN")
    assert c.call("ZSCAN", "z", "-01") == ["0", ["a", "1"]], "strtoull reads -01 as a (huge) cursor"


# -- encodings -----------------------------------------------------------------


def test_encoding_conversions(c, small_limits):
    c.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
    assert c.call("OBJECT", "ENCODING", "z") == "listpack"
    c.cmd("ZADD", "z", "5", "e")
    assert c.call("OBJECT", "ENCODING", "z") == "skiplist"
    c.cmd("ZREM", "z", "a", "b", "c")
    assert c.call("OBJECT", "ENCODING", "z") == "skiplist", "removals never convert back"
    c.cmd("ZADD", "long", "1", "x" * 65)
    assert c.call("OBJECT", "ENCODING", "long") == "skiplist"
    c.cmd("ZADD", "grow", "1", "a")
    c.cmd("ZADD", "grow", "1", "y" * 65)
    assert c.call("OBJECT", "ENCODING", "grow") == "skiplist"
    assert c.call("ZRANGE", "grow", "0", "-1") == ["a", "y" * 65]


@pytest.mark.redis74
def test_new_key_encoding_is_sized_by_pairs_given(c, small_limits):
    c.cmd("ZADD", "many", *[x for i in range(5) for x in (1, "same")])
    assert c.cmd("ZCARD", "many") == n(1)
    assert c.call("OBJECT", "ENCODING", "many") == "skiplist"
    c.cmd("ZADD", "few", "1", "a")
    c.cmd("ZADD", "few", *[x for i in range(5) for x in (2, "a")])
    assert c.call("OBJECT", "ENCODING", "few") == "skiplist", "an existing listpack converts up front"


def test_large_sets_keep_order_and_ranks(c):
    c.cmd("ZADD", "z", *[x for i in range(2000) for x in ((i * 7919) % 2000, f"m{i}")])
    assert c.call("OBJECT", "ENCODING", "z") == "skiplist"
    assert c.cmd("ZCARD", "z") == n(2000)
    scores = [float(s) for s in c.call("ZRANGE", "z", "0", "-1", "WITHSCORES")[1::2]]
    assert scores == sorted(scores)
    assert c.call("ZRANGE", "z", "1000", "1000", "WITHSCORES")[1] == "1000"
    assert c.cmd("ZCOUNT", "z", "100", "(200") == n(100)
    member = c.call("ZRANGE", "z", "1500", "1500")[0]
    assert c.cmd("ZRANK", "z", member) == n(1500)
    assert c.cmd("ZREVRANK", "z", member) == n(499)
    assert c.cmd("ZREMRANGEBYSCORE", "z", "0", "999") == n(1000)
    assert c.call("ZRANGE", "z", "0", "0", "WITHSCORES")[1] == "1000"
