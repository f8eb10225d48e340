"""Shared helpers and fixtures of the list tests (test_list_*.py): error
texts, frame builders and the `c` and `small_lists` fixtures (imported by
the test modules that use them, which is how pytest finds them).
"""

from __future__ import annotations

import pytest

from rawresp import Frame

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
MUST_BE_POSITIVE = "ERR value is out of range, must be positive"
LONG_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
I64_MAX = 9223372036854775807
I64_MIN = -9223372036854775808


def err(text):
    return Frame("-", text)


def bulks(*items):
    return Frame("*", [Frame("$", i.encode() if isinstance(i, str) else i) for i in items])


@pytest.fixture
def c(raw):
    """A raw RESP2 connection with a string key `str` for WRONGTYPE checks."""
    conn = raw()
    assert conn.cmd("SET", "str", "x") == Frame("+", "OK")
    return conn


@pytest.fixture
def small_lists(c):
    """Restores the default list-max-listpack-size after the test."""
    yield c
    c.cmd("CONFIG", "SET", "list-max-listpack-size", "-2")
