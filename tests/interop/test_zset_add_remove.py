"""Sorted sets: ZADD (NX XX GT LT CH INCR) and ZINCRBY, score parsing and
printing, ZREM ZCARD ZSCORE ZMSCORE.
"""

from __future__ import annotations

import pytest

from rawresp import Frame
from zset_support import (  # noqa: F401 - c: pytest fixtures
    NAN, NOT_FLOAT, SYNTAX, WRONGTYPE, arr, bulk, c, dbl, err, n,
)


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
