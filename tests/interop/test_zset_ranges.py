"""Sorted-set ranges: ZRANK ZREVRANK, ZCOUNT ZLEXCOUNT, the ZRANGE family
(by rank, score and lex, LIMIT, WITHSCORES), ZRANGESTORE and ZREMRANGEBY*,
on both encodings.
"""

from __future__ import annotations

import pytest

from rawresp import Frame
from zset_support import (  # noqa: F401 - c, small_limits: pytest fixtures
    LEX_INVALID, NOT_INT, RANGE_NOT_FLOAT, SYNTAX, WRONGTYPE, arr, both_encodings, bulk, c, dbl, err, n,
    small_limits,
)


# -- ZRANK / ZREVRANK ------------------------------------------------------------


def test_zrank_and_zrevrank(c):
    for key in both_encodings(c, "z", [("a", 1), ("b", 2), ("c", 2), ("d", 5)]):
        assert c.cmd("ZRANK", key, "a") == n(0)
        assert c.cmd("ZRANK", key, "c") == n(2)
        assert c.cmd("ZREVRANK", key, "a") == n(3)
        assert c.cmd("ZREVRANK", key, "d") == n(0)
        assert c.cmd("ZRANK", key, "x") == Frame("$", None)
    assert c.cmd("ZRANK", "nokey", "a") == Frame("$", None)
    assert c.cmd("ZRANK", "list", "a") == err(WRONGTYPE)


@pytest.mark.redis74
def test_zrank_withscore(c, c3):
    c.cmd("ZADD", "z", "1.5", "a", "2", "b")
    assert c.cmd("ZRANK", "z", "b", "WITHSCORE") == arr(n(1), bulk("2"))
    assert c3.cmd("ZREVRANK", "z", "b", "withscore") == arr(n(0), dbl("2"))
    assert c.cmd("ZRANK", "z", "x", "WITHSCORE") == Frame("*", None)
    assert c3.cmd("ZRANK", "nokey", "x", "WITHSCORE") == Frame("_", None)
    assert c.cmd("ZRANK", "z", "a", "WITHSCORES") == err(SYNTAX)
    assert c.cmd("ZRANK", "z", "a", "WITHSCORE", "x") == err("ERR wrong number of arguments for 'zrank' command")


# -- ZCOUNT / ZLEXCOUNT ----------------------------------------------------------


def test_zcount_ranges(c):
    for key in both_encodings(c, "z", [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", "inf")]):
        assert c.cmd("ZCOUNT", key, "-inf", "+inf") == n(5)
        assert c.cmd("ZCOUNT", key, "2", "3") == n(2)
        assert c.cmd("ZCOUNT", key, "(2", "3") == n(1)
        assert c.cmd("ZCOUNT", key, "(2", "(3") == n(0)
        assert c.cmd("ZCOUNT", key, "3", "2") == n(0)
        assert c.cmd("ZCOUNT", key, "(4", "inf") == n(1)
        assert c.cmd("ZCOUNT", key, "0x1", "(0x4") == n(3)
    assert c.cmd("ZCOUNT", "z", "a", "2") == err(RANGE_NOT_FLOAT)
    assert c.cmd("ZCOUNT", "z", "1", "(nan") == err(RANGE_NOT_FLOAT)
    assert c.cmd("ZCOUNT", "nokey", "x", "1") == err(RANGE_NOT_FLOAT)
    assert c.cmd("ZCOUNT", "nokey", "1", "2") == n(0)
    assert c.cmd("ZCOUNT", "list", "1", "2") == err(WRONGTYPE)


def test_score_range_reads_c_strings(c):
    c.cmd("ZADD", "z", "0", "zero", "1", "one")
    # An empty bound reads as 0; "(" alone as exclusive 0; leading spaces
    # are skipped by strtod.
    assert c.cmd("ZCOUNT", "z", "", "") == n(1)
    assert c.cmd("ZCOUNT", "z", "(", "1") == n(1)
    assert c.cmd("ZCOUNT", "z", " 1", "1") == n(1)
    assert c.cmd("ZCOUNT", "z", "1 ", "1") == err(RANGE_NOT_FLOAT)


def test_zlexcount(c):
    for key in both_encodings(c, "z", [(m, 0) for m in "abcdefg"]):
        assert c.cmd("ZLEXCOUNT", key, "-", "+") == n(7)
        assert c.cmd("ZLEXCOUNT", key, "[b", "[d") == n(3)
        assert c.cmd("ZLEXCOUNT", key, "(b", "(d") == n(1)
        assert c.cmd("ZLEXCOUNT", key, "[d", "[b") == n(0)
        assert c.cmd("ZLEXCOUNT", key, "+", "-") == n(0)
        assert c.cmd("ZLEXCOUNT", key, "-", "-") == n(0)
        assert c.cmd("ZLEXCOUNT", key, "(f", "+") == n(1)
        assert c.cmd("ZLEXCOUNT", key, "[", "(c") == n(2)
    for bad in [("a", "+"), ("-", "b"), ("", "+"), ("-x", "+"), ("+a", "+")]:
        assert c.cmd("ZLEXCOUNT", "z", *bad) == err(LEX_INVALID)
    assert c.cmd("ZLEXCOUNT", "list", "-", "+") == err(WRONGTYPE)


# -- ZRANGE family ---------------------------------------------------------------


def test_zrange_by_rank(c):
    for key in both_encodings(c, "z", [("a", 1), ("b", 2), ("c", 3), ("d", 4)]):
        assert c.call("ZRANGE", key, "0", "-1") == ["a", "b", "c", "d"]
        assert c.call("ZRANGE", key, "1", "2") == ["b", "c"]
        assert c.call("ZRANGE", key, "-2", "100") == ["c", "d"]
        assert c.call("ZRANGE", key, "-100", "0") == ["a"]
        assert c.call("ZRANGE", key, "3", "1") == []
        assert c.call("ZRANGE", key, "4", "10") == []
        assert c.call("ZRANGE", key, "0", "-1", "REV") == ["d", "c", "b", "a"]
        assert c.call("ZRANGE", key, "1", "2", "REV") == ["c", "b"]
        assert c.call("ZREVRANGE", key, "0", "0") == ["d"]
        assert c.call("ZREVRANGE", key, "-1", "-1", "WITHSCORES") == ["a", "1"]
        assert c.call("ZRANGE", key, "-9223372036854775808", "9223372036854775807") == ["a", "b", "c", "d"]
    assert c.cmd("ZRANGE", "z", "0", "x") == err(NOT_INT)
    assert c.cmd("ZRANGE", "z", "0", "9223372036854775808") == err(NOT_INT)
    assert c.cmd("ZRANGE", "nokey", "0", "-1") == arr()
    assert c.cmd("ZRANGE", "list", "0", "-1") == err(WRONGTYPE)


def test_zrange_withscores_shapes(c, c3):
    c.cmd("ZADD", "z", "1", "a", "2.5", "b")
    assert c.cmd("ZRANGE", "z", "0", "-1", "WITHSCORES") == arr(bulk("a"), bulk("1"), bulk("b"), bulk("2.5"))
    assert c3.cmd("ZRANGE", "z", "0", "-1", "WITHSCORES") == arr(arr(bulk("a"), dbl("1")), arr(bulk("b"), dbl("2.5")))
    assert c3.cmd("ZRANGEBYSCORE", "z", "-inf", "inf", "WITHSCORES") == arr(
        arr(bulk("a"), dbl("1")), arr(bulk("b"), dbl("2.5"))
    )
    assert c3.cmd("ZRANGE", "z", "0", "-1") == arr(bulk("a"), bulk("b"))
    assert c3.cmd("ZRANGE", "z", "5", "6", "WITHSCORES") == arr()


def test_zrange_byscore_and_limit(c):
    for key in both_encodings(c, "z", [(m, i) for i, m in enumerate("abcdefgh")]):
        assert c.call("ZRANGE", key, "(1", "5", "BYSCORE") == ["c", "d", "e", "f"]
        assert c.call("ZRANGE", key, "5", "(1", "BYSCORE", "REV") == ["f", "e", "d", "c"]
        assert c.call("ZRANGE", key, "-inf", "+inf", "BYSCORE", "LIMIT", "2", "3") == ["c", "d", "e"]
        assert c.call("ZRANGE", key, "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2") == ["g", "f"]
        assert c.call("ZRANGEBYSCORE", key, "2", "4", "LIMIT", "0", "-1") == ["c", "d", "e"]
        assert c.call("ZRANGEBYSCORE", key, "2", "4", "LIMIT", "1", "0") == []
        assert c.call("ZRANGEBYSCORE", key, "2", "4", "LIMIT", "5", "10") == []
        assert c.call("ZRANGEBYSCORE", key, "2", "4", "LIMIT", "100", "10") == []
        assert c.call("ZRANGEBYSCORE", key, "2", "4", "LIMIT", "9223372036854775807", "10") == []
        assert c.call("ZREVRANGEBYSCORE", key, "4", "2", "WITHSCORES", "LIMIT", "1", "1") == ["d", "3"]
        assert c.call("ZRANGEBYSCORE", key, "5", "2") == []
        assert c.call("ZREVRANGEBYSCORE", key, "2", "5") == []


@pytest.mark.redis74
def test_negative_limit_offset_differs_by_encoding(c):
    """Redis walks a listpack past its end for a negative offset (nothing),
    but a 7.4 skiplist (zslNthInRange) counts it from the other end of the
    range; 7.0 walked the skiplist off its end too."""
    small, big = both_encodings(c, "z", [(m, i) for i, m in enumerate("abcdef")])
    assert c.call("ZRANGEBYSCORE", small, "1", "4", "LIMIT", "-1", "10") == []
    assert c.call("ZRANGEBYSCORE", big, "1", "4", "LIMIT", "-1", "10") == ["e"]
    assert c.call("ZRANGEBYSCORE", big, "1", "4", "LIMIT", "-3", "2") == ["c", "d"]
    assert c.call("ZRANGEBYSCORE", big, "1", "4", "LIMIT", "-5", "2") == []
    assert c.call("ZREVRANGEBYSCORE", small, "4", "1", "LIMIT", "-1", "10") == []
    assert c.call("ZREVRANGEBYSCORE", big, "4", "1", "LIMIT", "-1", "10") == ["b"]
    assert c.call("ZREVRANGEBYSCORE", big, "4", "1", "LIMIT", "-2", "10") == ["c", "b"]


def test_zrange_bylex(c):
    for key in both_encodings(c, "z", [(m, 0) for m in ["a", "aa", "b", "c", "d", "e"]]):
        assert c.call("ZRANGE", key, "[aa", "(d", "BYLEX") == ["aa", "b", "c"]
        assert c.call("ZRANGE", key, "(d", "[aa", "BYLEX", "REV") == ["c", "b", "aa"]
        assert c.call("ZRANGEBYLEX", key, "-", "+", "LIMIT", "1", "2") == ["aa", "b"]
        assert c.call("ZREVRANGEBYLEX", key, "+", "-", "LIMIT", "0", "2") == ["e", "d"]
        assert c.call("ZRANGEBYLEX", key, "(e", "+") == []
        assert c.call("ZRANGEBYLEX", key, "[b", "[b") == ["b"]
        assert c.call("ZRANGEBYLEX", key, "(b", "[b") == []
    assert c.cmd("ZRANGEBYLEX", "z", "a", "+") == err(LEX_INVALID)
    assert c.cmd("ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES") == err(
        "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
    )
    assert c.cmd("ZRANGEBYLEX", "z", "-", "+", "WITHSCORES") == err(
        "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
    )
    assert c.cmd("ZRANGEBYLEX", "list", "-", "+") == err(WRONGTYPE)


def test_zrange_option_errors(c):
    c.cmd("ZADD", "z", "1", "a")
    limit_err = err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
    assert c.cmd("ZRANGE", "z", "0", "-1", "LIMIT", "0", "1") == limit_err
    assert c.cmd("ZREVRANGE", "z", "0", "-1", "LIMIT", "0", "1") == limit_err
    assert c.call("ZRANGE", "z", "0", "-1", "LIMIT", "5", "-1") == ["a"], "LIMIT x -1 is no limit"
    assert c.cmd("ZRANGE", "z", "0", "-1", "LIMIT", "0") == err(SYNTAX)
    assert c.cmd("ZRANGE", "z", "0", "-1", "REV", "REV") == err(SYNTAX)
    assert c.cmd("ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX") == err(SYNTAX)
    assert c.cmd("ZRANGEBYSCORE", "z", "0", "1", "REV") == err(SYNTAX)
    assert c.cmd("ZRANGEBYSCORE", "z", "0", "1", "BYSCORE") == err(SYNTAX)
    assert c.cmd("ZREVRANGE", "z", "0", "1", "REV") == err(SYNTAX)
    assert c.cmd("ZRANGE", "z", "0", "1", "BYSCORE", "LIMIT", "x", "1") == err(NOT_INT)
    assert c.cmd("ZRANGE", "z", "a", "1", "BYSCORE") == err(RANGE_NOT_FLOAT)
    assert c.cmd("ZRANGE", "z", "0", "1", "FOO") == err(SYNTAX)
    assert c.cmd("ZRANGE", "list", "0", "1", "FOO") == err(SYNTAX), "options are checked before the key"
    assert c.call("ZRANGE", "z", "0", "1", "withscores", "withscores") == ["a", "1"]


# -- ZRANGESTORE -------------------------------------------------------------------


def test_zrangestore(c):
    c.cmd("ZADD", "src", "1", "a", "2", "b", "3", "c")
    assert c.cmd("ZRANGESTORE", "dst", "src", "0", "1") == n(2)
    assert c.call("ZRANGE", "dst", "0", "-1", "WITHSCORES") == ["a", "1", "b", "2"]
    assert c.cmd("ZRANGESTORE", "dst", "src", "(1", "+inf", "BYSCORE", "LIMIT", "0", "1") == n(1)
    assert c.call("ZRANGE", "dst", "0", "-1") == ["b"]
    assert c.cmd("ZRANGESTORE", "dst", "src", "[c", "-", "BYLEX", "REV") == n(3)
    assert c.cmd("ZRANGESTORE", "dst", "src", "0", "-1", "WITHSCORES") == err(SYNTAX)
    c.cmd("SET", "str", "x", "EX", "100")
    assert c.cmd("ZRANGESTORE", "str", "src", "0", "0") == n(1)
    assert c.call("TYPE", "str") == "zset"
    assert c.cmd("TTL", "str") == n(-1)
    assert c.cmd("ZRANGESTORE", "str", "src", "5", "6") == n(0)
    assert c.cmd("EXISTS", "str") == n(0), "an empty result deletes the destination"
    assert c.cmd("ZRANGESTORE", "dst", "nokey", "0", "-1") == n(0)
    assert c.cmd("EXISTS", "dst") == n(0)
    assert c.cmd("ZRANGESTORE", "dst", "list", "0", "-1") == err(WRONGTYPE)
    assert c.cmd("ZRANGESTORE", "src", "src", "1", "1") == n(1)
    assert c.call("ZRANGE", "src", "0", "-1") == ["b"]


def test_store_results_pick_encoding(c, small_limits):
    c.cmd("ZADD", "src", *[x for i in range(6) for x in (i, f"m{i}")])
    assert c.call("OBJECT", "ENCODING", "src") == "skiplist"
    c.cmd("ZRANGESTORE", "d1", "src", "0", "3")
    assert c.call("OBJECT", "ENCODING", "d1") == "listpack"
    c.cmd("ZRANGESTORE", "d2", "src", "0", "4")
    assert c.call("OBJECT", "ENCODING", "d2") == "skiplist"
    c.cmd("ZUNIONSTORE", "d3", "1", "d1")
    assert c.call("OBJECT", "ENCODING", "d3") == "listpack"
    c.cmd("ZUNIONSTORE", "d4", "2", "d1", "src")
    assert c.call("OBJECT", "ENCODING", "d4") == "skiplist"
    c.cmd("ZINTERSTORE", "d5", "2", "d1", "src")
    assert c.call("OBJECT", "ENCODING", "d5") == "listpack"


# -- ZREMRANGEBY* -------------------------------------------------------------------


def test_zremrangebyrank(c):
    for key in both_encodings(c, "z", [(m, i) for i, m in enumerate("abcdef")]):
        assert c.cmd("ZREMRANGEBYRANK", key, "1", "2") == n(2)
        assert c.call("ZRANGE", key, "0", "-1") == ["a", "d", "e", "f"]
        assert c.cmd("ZREMRANGEBYRANK", key, "-1", "-1") == n(1)
        assert c.cmd("ZREMRANGEBYRANK", key, "5", "10") == n(0)
        assert c.cmd("ZREMRANGEBYRANK", key, "2", "1") == n(0)
        assert c.cmd("ZREMRANGEBYRANK", key, "-100", "100") == n(3)
        assert c.cmd("EXISTS", key) == n(0)
    assert c.cmd("ZREMRANGEBYRANK", "z", "x", "1") == err(NOT_INT)
    assert c.cmd("ZREMRANGEBYRANK", "list", "0", "1") == err(WRONGTYPE)
    assert c.cmd("ZREMRANGEBYRANK", "nokey", "0", "1") == n(0)


def test_zremrangebyscore_and_bylex(c):
    for key in both_encodings(c, "z", [(m, i) for i, m in enumerate("abcdef")]):
        assert c.cmd("ZREMRANGEBYSCORE", key, "(1", "3") == n(2)
        assert c.call("ZRANGE", key, "0", "-1") == ["a", "b", "e", "f"]
        assert c.cmd("ZREMRANGEBYSCORE", key, "10", "20") == n(0)
        assert c.cmd("ZREMRANGEBYSCORE", key, "-inf", "+inf") == n(4)
        assert c.cmd("EXISTS", key) == n(0)
    for key in both_encodings(c, "l", [(m, 0) for m in "abcdef"]):
        assert c.cmd("ZREMRANGEBYLEX", key, "[b", "(e") == n(3)
        assert c.call("ZRANGE", key, "0", "-1") == ["a", "e", "f"]
        assert c.cmd("ZREMRANGEBYLEX", key, "-", "+") == n(3)
        assert c.cmd("EXISTS", key) == n(0)
    assert c.cmd("ZREMRANGEBYSCORE", "l", "x", "1") == err(RANGE_NOT_FLOAT)
    assert c.cmd("ZREMRANGEBYLEX", "l", "x", "+") == err(LEX_INVALID)
    assert c.cmd("ZREMRANGEBYSCORE", "list", "0", "1") == err(WRONGTYPE)
