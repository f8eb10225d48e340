"""Lists, editing in place: LSET LINSERT LREM LTRIM.
"""

from __future__ import annotations

import pytest

from list_support import (  # noqa: F401 - c: pytest fixtures
    I64_MAX, I64_MIN, NOT_INT, SYNTAX, WRONGTYPE, bulks, c, err,
)
from rawresp import Frame


# -- LSET / LINSERT / LREM / LTRIM ---------------------------------------------------------------


def test_lset(c):
    c.cmd("RPUSH", "l", "a", "b", "c")
    assert c.cmd("LSET", "l", "1", "B") == Frame("+", "OK")
    assert c.cmd("LSET", "l", "-1", "12345") == Frame("+", "OK")
    assert c.cmd("LRANGE", "l", "0", "-1") == bulks("a", "B", "12345")
    assert c.cmd("LSET", "l", "3", "x") == err("ERR index out of range")
    assert c.cmd("LSET", "l", "-4", "x") == err("ERR index out of range")
    assert c.cmd("LSET", "nope", "0", "x") == err("ERR no such key")
    assert c.cmd("LSET", "nope", "abc", "x") == err("ERR no such key")
    assert c.cmd("LSET", "l", "abc", "x") == err(NOT_INT)
    assert c.cmd("LSET", "str", "0", "x") == err(WRONGTYPE)
    assert c.cmd("EXISTS", "nope") == Frame(":", 0)


@pytest.mark.redis74
def test_lset_index_is_truncated_to_32_bits(c):
    # Redis 7.2+ hands the index to listTypeReplaceAtIndex as a C int.
    c.cmd("RPUSH", "l", "a", "b", "c")
    assert c.cmd("LSET", "l", str(1 << 32), "X") == Frame("+", "OK")
    assert c.cmd("LSET", "l", str(I64_MAX), "Y") == Frame("+", "OK")
    assert c.cmd("LSET", "l", str(-(1 << 32) - 2), "Z") == Frame("+", "OK")
    assert c.cmd("LSET", "l", str(1 << 31), "Q") == err("ERR index out of range")
    assert c.cmd("LRANGE", "l", "0", "-1") == bulks("X", "Z", "Y")
    assert c.cmd("LINDEX", "l", str(1 << 32)) == Frame("$", None)


def test_linsert(c):
    c.cmd("RPUSH", "l", "a", "b", "a")
    assert c.cmd("LINSERT", "l", "BEFORE", "a", "x") == Frame(":", 4)
    assert c.cmd("LINSERT", "l", "after", "a", "y") == Frame(":", 5)
    assert c.cmd("LRANGE", "l", "0", "-1") == bulks("x", "a", "y", "b", "a")
    assert c.cmd("LINSERT", "l", "AFTER", "zz", "y") == Frame(":", -1)
    assert c.cmd("LINSERT", "nope", "AFTER", "a", "y") == Frame(":", 0)
    assert c.cmd("LINSERT", "l", "MIDDLE", "a", "y") == err(SYNTAX)
    assert c.cmd("LINSERT", "nope", "MIDDLE", "a", "y") == err(SYNTAX)
    assert c.cmd("LINSERT", "str", "BEFORE", "a", "y") == err(WRONGTYPE)
    assert c.cmd("EXISTS", "nope") == Frame(":", 0)


def test_linsert_pivot_compares_bytes_not_numbers(c):
    c.cmd("RPUSH", "l", "1", "01", "10")
    assert c.cmd("LINSERT", "l", "AFTER", "01", "x") == Frame(":", 4)
    assert c.cmd("LINSERT", "l", "BEFORE", "10", "y") == Frame(":", 5)
    assert c.cmd("LINSERT", "l", "BEFORE", "1.0", "z") == Frame(":", -1)
    assert c.cmd("LRANGE", "l", "0", "-1") == bulks("1", "01", "x", "y", "10")


def test_lrem(r2, c):
    r2.rpush("l", "a", "b", "a", "c", "a", "b", "a")
    assert r2.lrem("l", 2, "a") == 2
    assert r2.lrange("l", 0, -1) == ["b", "c", "a", "b", "a"]
    assert r2.lrem("l", -1, "b") == 1
    assert r2.lrange("l", 0, -1) == ["b", "c", "a", "a"]
    assert r2.lrem("l", 0, "a") == 2
    assert r2.lrem("l", 0, "zz") == 0
    assert r2.lrem("nope", 0, "a") == 0
    assert r2.lrem("l", -5, "c") == 1
    assert r2.lrem("l", 1, "b") == 1
    assert r2.exists("l") == 0
    assert c.cmd("LREM", "str", "0", "a") == err(WRONGTYPE)
    assert c.cmd("LREM", "str", "x", "a") == err(NOT_INT)


def test_lrem_integer_elements(r2):
    r2.rpush("l", "1", "1", "01", "-1", "1")
    assert r2.lrem("l", 0, "1") == 3
    assert r2.lrange("l", 0, -1) == ["01", "-1"]


@pytest.mark.parametrize(
    "start,stop,want",
    [(1, -2, "bcd"), (0, 0, "a"), (-2, -1, "de"), (0, 100, "abcde"), (-100, 1, "ab"), (3, 1, ""), (5, 10, ""),
     (I64_MIN, I64_MAX, "abcde")],
)
def test_ltrim(r2, start, stop, want):
    r2.rpush("l", *"abcde")
    assert r2.ltrim("l", start, stop) is True
    assert "".join(r2.lrange("l", 0, -1)) == want
    assert r2.exists("l") == (1 if want else 0)


def test_ltrim_errors_and_missing_key(c):
    assert c.cmd("LTRIM", "nope", "0", "1") == Frame("+", "OK")
    assert c.cmd("EXISTS", "nope") == Frame(":", 0)
    assert c.cmd("LTRIM", "nope", "a", "1") == err(NOT_INT)
    assert c.cmd("LTRIM", "str", "0", "1") == err(WRONGTYPE)
