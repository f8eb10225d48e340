"""Lists, reading: LLEN LRANGE LINDEX and LPOS.
"""

from __future__ import annotations

import pytest

from list_support import (  # noqa: F401 - c: pytest fixtures
    I64_MAX, I64_MIN, LONG_RANGE, NOT_INT, SYNTAX, WRONGTYPE, c, err,
)
from rawresp import Frame


# -- read --------------------------------------------------------------------------


def test_llen(r2, c):
    assert r2.llen("nope") == 0
    r2.rpush("l", *range(10))
    assert r2.llen("l") == 10
    assert c.cmd("LLEN", "str") == err(WRONGTYPE)


@pytest.mark.parametrize(
    "start,stop,want",
    [
        (0, -1, "abcde"), (1, 3, "bcd"), (-2, -1, "de"), (-100, 1, "ab"), (3, 100, "de"), (4, 3, ""),
        (5, 10, ""), (-1, -2, ""), (0, 0, "a"), (-5, -5, "a"), (-6, -6, ""), (I64_MIN, I64_MAX, "abcde"),
        (I64_MAX, I64_MAX, ""), (2, -3, "c"), (2, -4, ""),
    ],
)
def test_lrange_indexes(r2, start, stop, want):
    r2.rpush("l", *"abcde")
    assert "".join(r2.lrange("l", start, stop)) == want


def test_lrange_errors_and_missing_key(c):
    assert c.cmd("LRANGE", "nope", "0", "-1") == Frame("*", [])
    assert c.cmd("LRANGE", "nope", "x", "-1") == err(NOT_INT)
    assert c.cmd("LRANGE", "str", "0", "1") == err(WRONGTYPE)
    assert c.cmd("LRANGE", "str", "0", "1.5") == err(NOT_INT)


def test_lindex(c, c3):
    c.cmd("RPUSH", "l", "a", "b", "c")
    assert c.cmd("LINDEX", "l", "0") == Frame("$", b"a")
    assert c.cmd("LINDEX", "l", "-1") == Frame("$", b"c")
    assert c.cmd("LINDEX", "l", "3") == Frame("$", None)
    assert c.cmd("LINDEX", "l", "-4") == Frame("$", None)
    assert c3.cmd("LINDEX", "l", "99") == Frame("_", None)
    assert c.cmd("LINDEX", "l", str(I64_MIN)) == Frame("$", None)
    # The key is read before the index is parsed.
    assert c.cmd("LINDEX", "nope", "abc") == Frame("$", None)
    assert c.cmd("LINDEX", "l", "abc") == err(NOT_INT)
    assert c.cmd("LINDEX", "str", "abc") == err(WRONGTYPE)


# -- LPOS ------------------------------------------------------------------------------


def test_lpos(r2):
    r2.rpush("l", "a", "b", "c", "1", "2", "3", "c", "c")
    assert r2.lpos("l", "c") == 2
    assert r2.lpos("l", "c", rank=2) == 6
    assert r2.lpos("l", "c", rank=-1) == 7
    assert r2.lpos("l", "c", rank=-3) == 2
    assert r2.lpos("l", "c", rank=4) is None
    assert r2.lpos("l", "c", count=0) == [2, 6, 7]
    assert r2.lpos("l", "c", count=2) == [2, 6]
    assert r2.lpos("l", "c", rank=-1, count=2) == [7, 6]
    assert r2.lpos("l", "c", rank=2, count=0) == [6, 7]
    assert r2.lpos("l", "c", maxlen=2) is None
    assert r2.lpos("l", "c", maxlen=3) == 2
    assert r2.lpos("l", "c", count=0, maxlen=7) == [2, 6]
    assert r2.lpos("l", "c", rank=-1, count=0, maxlen=2) == [7, 6]
    assert r2.lpos("l", "1") == 3
    assert r2.lpos("l", "x") is None
    assert r2.lpos("l", "x", count=1) == []
    assert r2.lpos("nope", "x") is None
    assert r2.lpos("nope", "x", count=1) == []


def test_lpos_errors(c, c3):
    c.cmd("RPUSH", "l", "a")
    rank_zero = ("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                 "or use negative to start from the end of the list")
    assert c.cmd("LPOS", "l", "a", "RANK", "0") == err(rank_zero)
    assert c.cmd("LPOS", "l", "a", "RANK", "x") == err(NOT_INT)
    assert c.cmd("LPOS", "l", "a", "COUNT", "-1") == err("ERR COUNT can't be negative")
    assert c.cmd("LPOS", "l", "a", "COUNT", "x") == err("ERR COUNT can't be negative")
    assert c.cmd("LPOS", "l", "a", "MAXLEN", "-1") == err("ERR MAXLEN can't be negative")
    assert c.cmd("LPOS", "l", "a", "RANK") == err(SYNTAX)
    assert c.cmd("LPOS", "l", "a", "FOO", "1") == err(SYNTAX)
    # Options are checked before the key.
    assert c.cmd("LPOS", "str", "a", "RANK", "0") == err(rank_zero)
    assert c.cmd("LPOS", "str", "a") == err(WRONGTYPE)
    assert c3.cmd("LPOS", "l", "zz") == Frame("_", None)
    assert c3.cmd("LPOS", "l", "a", "COUNT", "0") == Frame("*", [Frame(":", 0)])


@pytest.mark.redis74
def test_count_and_rank_refuse_i64_min(c):
    # 7.2+ limits these to -LONG_MAX so that negating them cannot overflow.
    c.cmd("RPUSH", "l", "a")
    assert c.cmd("LREM", "l", str(I64_MIN), "a") == err(LONG_RANGE)
    assert c.cmd("LREM", "nope", str(I64_MIN), "a") == err(LONG_RANGE)
    assert c.cmd("LPOS", "l", "a", "RANK", str(I64_MIN)) == err(LONG_RANGE)
    assert c.cmd("LREM", "l", str(-I64_MAX), "zz") == Frame(":", 0)
    assert c.cmd("LPOS", "l", "a", "RANK", str(-I64_MAX)) == Frame("$", None)
