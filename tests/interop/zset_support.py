"""Shared helpers and fixtures of the sorted-set tests (test_zset_*.py):
error texts, RESP frame builders, the `c` connection and `small_limits`
fixtures (imported by the test modules that use them, which is how pytest
finds them) and `both_encodings`, which builds the same sorted set as a
listpack and as a skiplist.
"""

from __future__ import annotations

import pytest

from rawresp import Frame, plain

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
