"""Sorted-set commands: ZADD (NX XX GT LT CH INCR) ZINCRBY ZREM ZCARD ZSCORE
ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT, the ZRANGE family and ZRANGESTORE,
ZREMRANGEBY*, ZPOPMIN ZPOPMAX ZMPOP, ZRANDMEMBER, ZUNION ZINTER ZDIFF (and
STORE forms) ZINTERCARD, ZSCAN; RESP2/RESP3 reply shapes, encodings,
keyspace notifications and WATCH."""

from __future__ import annotations

import pytest

from rawresp import Frame, plain, read_or_none

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
NOT_FLOAT = "ERR value is not a valid float"
SYNTAX = "ERR syntax error"
RANGE_NOT_FLOAT = "ERR min or max is not a float"
LEX_INVALID = "ERR min or max not valid string range item"
NAN = "ERR resulting score is not a number (NaN)"


def err(text):
    return Frame("-", text)


def bulk(s):
    return Frame("$", s.encode() if isinstance(s, str) else s)


def dbl(s):
    return Frame(",", s)


def arr(*items):
    return Frame("*", list(items))


def n(i):
    return Frame(":", i)


@pytest.fixture
def c(raw):
    """A raw RESP2 connection with a list key `list` for WRONGTYPE checks."""
    conn = raw()
    assert conn.cmd("RPUSH", "list", "a") == n(1)
    return conn


@pytest.fixture
def small_limits(c):
    """zset-max-listpack-entries 4 (restored after the test)."""
    old = plain(c.cmd("CONFIG", "GET", "zset-max-listpack-entries"))[1]
    assert c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "4") == Frame("+", "OK")
    yield
    c.cmd("CONFIG", "SET", "zset-max-listpack-entries", old)


def both_encodings(c, key, pairs):
    """Creates `key` as listpack and `key`:big as skiplist with the same members."""
    args = [x for m, s in pairs for x in (s, m)]
    c.cmd("ZADD", key, *args)
    c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "0")
    c.cmd("ZADD", key + ":big", *args)
    c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "128")
    assert c.call("OBJECT", "ENCODING", key) == "listpack"
    assert c.call("OBJECT", "ENCODING", key + ":big") == "skiplist"
    return [key, key + ":big"]


# -- ZADD / ZINCRBY ---------------------------------------------------------------


def test_zadd_adds_and_updates(c):
    assert c.cmd("ZADD", "z", "1", "a", "2", "b") == n(2)
    assert c.cmd("ZADD", "z", "3", "a", "4", "c") == n(1)
    assert c.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == ["b", "2", "a", "3", "c", "4"]
    assert c.cmd("ZADD", "z", "CH", "5", "a", "4", "c", "9", "d") == n(2)
    assert c.call("TYPE", "z") == "zset"


def test_zadd_nx_xx_gt_lt(c):
    c.cmd("ZADD", "z", "5", "a")
    assert c.cmd("ZADD", "z", "NX", "1", "a", "1", "b") == n(1)
    assert c.call("ZSCORE", "z", "a") == "5"
    assert c.cmd("ZADD", "z", "XX", "CH", "7", "a", "1", "new") == n(1)
    assert c.call("ZSCORE", "z", "new") is None
    assert c.cmd("ZADD", "z", "GT", "CH", "6", "a", "8", "b") == n(1)
    assert c.call("ZMSCORE", "z", "a", "b") == ["7", "8"]
    assert c.cmd("ZADD", "z", "LT", "CH", "9", "a", "2", "b", "3", "c") == n(2)
    assert c.call("ZMSCORE", "z", "a", "b", "c") == ["7", "2", "3"]
    assert c.cmd("ZADD", "z", "XX", "GT", "CH", "100", "a", "100", "zz") == n(1)
    assert c.cmd("ZADD", "nokey", "XX", "1", "a") == n(0)
    assert c.cmd("EXISTS", "nokey") == n(0)


def test_zadd_option_errors(c):
    assert c.cmd("ZADD", "z", "NX", "XX", "1", "a") == err("ERR XX and NX options at the same time are not compatible")
    for opts in (["GT", "LT"], ["NX", "GT"], ["LT", "NX"]):
        assert c.cmd("ZADD", "z", *opts, "1", "a") == err(
            "ERR GT, LT, and/or NX options at the same time are not compatible"
        )
    assert c.cmd("ZADD", "z", "INCR", "1", "a", "2", "b") == err(
        "ERR INCR option supports a single increment-element pair"
    )
    assert c.cmd("ZADD", "z", "NX", "1") == err(SYNTAX)
    assert c.cmd("ZADD", "z", "NX", "1", "a", "2") == err(SYNTAX)
    assert c.cmd("ZADD", "z", "NX", "XX") == err(SYNTAX)
    assert c.cmd("ZADD", "z") == err("ERR wrong number of arguments for 'zadd' command")
    assert c.cmd("ZADD", "z", "x", "a") == err(NOT_FLOAT)
    assert c.cmd("ZADD", "z", "1", "a", "nan", "b") == err(NOT_FLOAT)
    assert c.cmd("EXISTS", "z") == n(0), "nothing is added when a later score is invalid"
    assert c.cmd("ZADD", "list", "1", "a") == err(WRONGTYPE)


def test_score_parsing_follows_strtod(c):
    assert c.cmd("ZADD", "z", "0x10", "hex", "1e3", "e", "-inf", "lo", "+inf", "hi", "1.5", "f") == n(5)
    assert c.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == [
        "lo", "-inf", "f", "1.5", "hex", "16", "e", "1000", "hi", "inf",
    ]
    for bad in ["1e400", " 1", "1 ", "", "abc", "1e", "--1", "nan", "inf1"]:
        assert c.cmd("ZADD", "z", bad, "m") == err(NOT_FLOAT), bad


def test_zadd_incr_and_zincrby(c, c3):
    assert c.cmd("ZADD", "z", "INCR", "2.5", "a") == bulk("2.5")
    assert c.cmd("ZADD", "z", "INCR", "1", "a") == bulk("3.5")
    assert c.cmd("ZINCRBY", "z", "-10", "a") == bulk("-6.5")
    assert c3.cmd("ZINCRBY", "z", "1", "a") == dbl("-5.5")
    assert c.cmd("ZADD", "z", "INCR", "NX", "1", "a") == Frame("$", None)
    assert c3.cmd("ZADD", "z", "INCR", "XX", "1", "nope") == Frame("_", None)
    assert c.cmd("ZADD", "z", "INCR", "GT", "-1", "a") == Frame("$", None)
    assert c.cmd("ZINCRBY", "z", "x", "a") == err(NOT_FLOAT)
    assert c.cmd("ZINCRBY", "list", "1", "a") == err(WRONGTYPE)
    assert c.cmd("ZINCRBY", "z", "1") == err("ERR wrong number of arguments for 'zincrby' command")


def test_nan_results_are_refused(c):
    c.cmd("ZADD", "z", "inf", "a")
    assert c.cmd("ZINCRBY", "z", "-inf", "a") == err(NAN)
    assert c.cmd("ZADD", "z", "INCR", "-inf", "a") == err(NAN)
    assert c.call("ZSCORE", "z", "a") == "inf"
    assert c.cmd("ZINCRBY", "z", "inf", "a") == bulk("inf")


def test_zadd_same_member_twice_in_one_call(c):
    assert c.cmd("ZADD", "z", "1", "a", "2", "a") == n(1)
    assert c.call("ZSCORE", "z", "a") == "2"
    assert c.cmd("ZADD", "z", "CH", "3", "b", "4", "b") == n(2), "added, then updated"
    assert c.cmd("ZADD", "z", "CH", "5", "a", "6", "a") == n(2)


def test_negative_zero(c):
    c.cmd("ZADD", "z", "-0", "a")
    assert c.call("ZSCORE", "z", "a") == "0", "a listpack stores -0 as the integer 0"
    c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "0")
    try:
        c.cmd("ZADD", "big", "-0", "a")
        assert c.call("ZSCORE", "big", "a") == "-0"
    finally:
        c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "128")


@pytest.mark.redis74
def test_scores_print_shortest_round_trip(c, c3):
    c.cmd("ZADD", "z", "0.1", "a", "123456789.125", "b", "1e20", "c", "0.00001", "d")
    assert c.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == [
        "d", "0.00001", "a", "0.1", "b", "123456789.125", "c", "1e+20",
    ]
    assert c3.cmd("ZSCORE", "z", "a") == dbl("0.1")
    assert c.cmd("ZINCRBY", "z", "0.2", "a") == bulk("0.30000000000000004")


# -- ZREM / ZCARD / ZSCORE / ZMSCORE ----------------------------------------------


def test_zrem_deletes_empty_key(c):
    c.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c")
    assert c.cmd("ZREM", "z", "a", "a", "x") == n(1)
    assert c.cmd("ZCARD", "z") == n(2)
    assert c.cmd("ZREM", "z", "b", "c", "d") == n(2)
    assert c.cmd("EXISTS", "z") == n(0)
    assert c.cmd("ZREM", "z", "a") == n(0)
    assert c.cmd("ZREM", "list", "a") == err(WRONGTYPE)


def test_zcard_zscore_zmscore(c, c3):
    c.cmd("ZADD", "z", "1.5", "a", "2", "b")
    assert c.cmd("ZCARD", "z") == n(2)
    assert c.cmd("ZCARD", "nokey") == n(0)
    assert c.cmd("ZCARD", "list") == err(WRONGTYPE)
    assert c.cmd("ZSCORE", "z", "a") == bulk("1.5")
    assert c3.cmd("ZSCORE", "z", "a") == dbl("1.5")
    assert c.cmd("ZSCORE", "z", "x") == Frame("$", None)
    assert c3.cmd("ZSCORE", "nokey", "x") == Frame("_", None)
    assert c.cmd("ZMSCORE", "z", "a", "x", "b") == arr(bulk("1.5"), Frame("$", None), bulk("2"))
    assert c3.cmd("ZMSCORE", "z", "a", "x") == arr(dbl("1.5"), Frame("_", None))
    assert c.cmd("ZMSCORE", "nokey", "a") == arr(Frame("$", None))
    assert c.cmd("ZSCORE", "list", "a") == err(WRONGTYPE)
    assert c.cmd("ZMSCORE", "list", "a") == err(WRONGTYPE)


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


# -- ZPOPMIN / ZPOPMAX / ZMPOP ---------------------------------------------------


def test_zpop_shapes(c, c3):
    c.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
    assert c.cmd("ZPOPMIN", "z") == arr(bulk("a"), bulk("1"))
    assert c3.cmd("ZPOPMIN", "z") == arr(bulk("b"), dbl("2"))
    assert c3.cmd("ZPOPMAX", "z", "1") == arr(arr(bulk("d"), dbl("4")))
    c.cmd("ZADD", "z", "5", "e", "6", "f")
    assert c.cmd("ZPOPMAX", "z", "2") == arr(bulk("f"), bulk("6"), bulk("e"), bulk("5"))
    assert c.cmd("ZPOPMIN", "z", "0") == arr()
    assert c.cmd("ZPOPMIN", "z", "10") == arr(bulk("c"), bulk("3"))
    assert c.cmd("EXISTS", "z") == n(0)
    assert c.cmd("ZPOPMIN", "z") == arr()
    assert c3.cmd("ZPOPMIN", "z", "3") == arr()


def test_zpop_errors(c):
    c.cmd("ZADD", "z", "1", "a")
    positive = err("ERR value is out of range, must be positive")
    assert c.cmd("ZPOPMIN", "z", "-1") == positive
    assert c.cmd("ZPOPMIN", "z", "x") == positive
    assert c.cmd("ZPOPMIN", "nokey", "-1") == positive
    assert c.cmd("ZPOPMIN", "z", "1", "2") == err(SYNTAX)
    assert c.cmd("ZPOPMAX", "list") == err(WRONGTYPE)
    assert c.cmd("ZPOPMAX", "list", "0") == err(WRONGTYPE)


def test_zpop_on_skiplist(c):
    c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "0")
    try:
        c.cmd("ZADD", "z", *[x for i in range(100) for x in (i, f"m{i:02}")])
        assert c.call("ZPOPMIN", "z", "3") == ["m00", "0", "m01", "1", "m02", "2"]
        assert c.call("ZPOPMAX", "z", "2") == ["m99", "99", "m98", "98"]
        assert c.cmd("ZCARD", "z") == n(95)
        assert c.call("ZRANGE", "z", "0", "0") == ["m03"]
    finally:
        c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "128")


def test_zmpop(c, c3):
    c.cmd("ZADD", "z2", "1", "a", "2", "b", "3", "c")
    assert c.cmd("ZMPOP", "2", "z1", "z2", "MIN") == arr(bulk("z2"), arr(arr(bulk("a"), bulk("1"))))
    assert c3.cmd("ZMPOP", "2", "z1", "z2", "max", "COUNT", "5") == arr(
        bulk("z2"), arr(arr(bulk("c"), dbl("3")), arr(bulk("b"), dbl("2")))
    )
    assert c.cmd("EXISTS", "z2") == n(0)
    assert c.cmd("ZMPOP", "2", "z1", "z2", "MIN") == Frame("*", None)
    assert c3.cmd("ZMPOP", "1", "z1", "MIN") == Frame("_", None)
    assert c.cmd("ZMPOP", "2", "list", "z2", "MIN") == err(WRONGTYPE)
    c.cmd("ZADD", "z1", "1", "a")
    assert c.cmd("ZMPOP", "2", "z1", "list", "MIN") == arr(bulk("z1"), arr(arr(bulk("a"), bulk("1"))))


def test_zmpop_errors(c):
    numkeys = err("ERR numkeys should be greater than 0")
    assert c.cmd("ZMPOP", "0", "z", "MIN") == numkeys
    assert c.cmd("ZMPOP", "x", "z", "MIN") == numkeys
    assert c.cmd("ZMPOP", "-1", "z", "MIN") == numkeys
    assert c.cmd("ZMPOP", "2", "z", "MIN") == err(SYNTAX)
    assert c.cmd("ZMPOP", "9223372036854775807", "z", "MIN") == err(SYNTAX)
    assert c.cmd("ZMPOP", "1", "z", "MIDDLE") == err(SYNTAX)
    count = err("ERR count should be greater than 0")
    assert c.cmd("ZMPOP", "1", "z", "MIN", "COUNT", "0") == count
    assert c.cmd("ZMPOP", "1", "z", "MIN", "COUNT", "x") == count
    assert c.cmd("ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1") == err(SYNTAX)
    assert c.cmd("ZMPOP", "1", "z", "MIN", "COUNT") == err(SYNTAX)
    assert c.cmd("ZMPOP", "1", "z") == err("ERR wrong number of arguments for 'zmpop' command")


# -- ZRANDMEMBER ----------------------------------------------------------------


def test_zrandmember(c, c3):
    members = {"a": "1", "b": "2", "c": "3"}
    c.cmd("ZADD", "z", *[x for m, s in members.items() for x in (s, m)])
    assert c.call("ZRANDMEMBER", "z") in members
    assert c.cmd("ZRANDMEMBER", "nokey") == Frame("$", None)
    assert c3.cmd("ZRANDMEMBER", "nokey") == Frame("_", None)
    assert c.cmd("ZRANDMEMBER", "nokey", "5") == arr()
    assert c.cmd("ZRANDMEMBER", "z", "0") == arr()
    got = c.call("ZRANDMEMBER", "z", "2")
    assert len(got) == 2 and len(set(got)) == 2 and set(got) <= set(members)
    assert c.call("ZRANDMEMBER", "z", "10") == ["c", "b", "a"], "everything, highest score first"
    got = c.call("ZRANDMEMBER", "z", "-10")
    assert len(got) == 10 and set(got) <= set(members)
    flat = c.call("ZRANDMEMBER", "z", "-4", "WITHSCORES")
    assert len(flat) == 8 and all(members[m] == s for m, s in zip(flat[::2], flat[1::2]))
    pairs = c3.cmd("ZRANDMEMBER", "z", "2", "WITHSCORES")
    assert pairs.kind == "*" and len(pairs.value) == 2
    for p in pairs.value:
        m, s = p.value
        assert p.kind == "*" and s.kind == "," and members[m.value.decode()] == s.value
    assert c.cmd("ZRANDMEMBER", "list") == err(WRONGTYPE)


def test_zrandmember_on_skiplist_is_unique(c):
    c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "0")
    try:
        c.cmd("ZADD", "z", *[x for i in range(50) for x in (i, f"m{i}")])
        for count in ("5", "20", "49"):
            got = c.call("ZRANDMEMBER", "z", count)
            assert len(got) == int(count) == len(set(got))
        assert len(c.call("ZRANDMEMBER", "z", "-100")) == 100
    finally:
        c.cmd("CONFIG", "SET", "zset-max-listpack-entries", "128")


def test_zrandmember_errors(c):
    c.cmd("ZADD", "z", "1", "a")
    assert c.cmd("ZRANDMEMBER", "z", "x") == err(NOT_INT)
    assert c.cmd("ZRANDMEMBER", "z", "-9223372036854775808") == err(
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    )
    assert c.cmd("ZRANDMEMBER", "z", "1", "WITHSCORE") == err(SYNTAX)
    assert c.cmd("ZRANDMEMBER", "z", "1", "WITHSCORES", "x") == err(SYNTAX)
    assert c.cmd("ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES") == err("ERR value is out of range")
    assert c.cmd("ZRANDMEMBER", "nokey", "1", "WITHSCORE") == err(SYNTAX)


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


# -- notifications and WATCH ------------------------------------------------------


@pytest.fixture
def events(raw, c):
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
    sub = raw()
    assert plain(sub.cmd("PSUBSCRIBE", "__keyevent@0__:*"))[0] == "psubscribe"

    def run(*cmd):
        reply = c.cmd(*cmd)
        c.cmd("PING")
        got = []
        while True:
            frame = read_or_none(sub)
            if frame is None:
                return reply, got
            msg = plain(frame)
            got.append((msg[2].split(":", 1)[1], msg[3]))

    yield run
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "")


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
