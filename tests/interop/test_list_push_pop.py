"""Lists: LPUSH RPUSH LPUSHX RPUSHX, LPOP RPOP (with count), LMOVE
RPOPLPUSH and LMPOP; their RESP2/RESP3 reply shapes and errors.
"""

from __future__ import annotations

import pytest

from list_support import (  # noqa: F401 - c: pytest fixtures
    I64_MAX, MUST_BE_POSITIVE, SYNTAX, WRONGTYPE, bulks, c, err,
)
from rawresp import Frame


# -- push --------------------------------------------------------------------------


def test_push_returns_length_and_orders_elements(r2):
    assert r2.rpush("l", "a", "b") == 2
    assert r2.lpush("l", "x", "y") == 4
    assert r2.lrange("l", 0, -1) == ["y", "x", "a", "b"]
    assert r2.type("l") == "list"


def test_pushx_needs_an_existing_list(r2, c):
    assert r2.lpushx("l", "a") == 0
    assert r2.rpushx("l", "a", "b") == 0
    assert r2.exists("l") == 0
    r2.rpush("l", "m")
    assert r2.lpushx("l", "a", "b") == 3
    assert r2.rpushx("l", "z") == 4
    assert r2.lrange("l", 0, -1) == ["b", "a", "m", "z"]
    assert c.cmd("RPUSHX", "str", "a") == err(WRONGTYPE)


def test_push_on_wrong_type_and_arity(c):
    for cmd in ("LPUSH", "RPUSH", "LPUSHX"):
        assert c.cmd(cmd, "str", "a") == err(WRONGTYPE)
    assert c.cmd("RPUSH", "l") == err("ERR wrong number of arguments for 'rpush' command")
    assert c.cmd("GET", "str") == Frame("$", b"x")


def test_elements_are_binary_safe_and_integers_round_trip(c):
    values = [b"", b"a\x00b\r\n", b"0", b"-1", b"007", b"-0", b"9223372036854775807", b"-9223372036854775808",
              b"9223372036854775808", b"1.5", b" 1", b"x" * 5000]
    assert c.cmd("RPUSH", "l", *values) == Frame(":", len(values))
    assert c.cmd("LRANGE", "l", "0", "-1") == bulks(*values)
    for i, v in enumerate(values):
        assert c.cmd("LINDEX", "l", str(i)) == Frame("$", v)


# -- pop ---------------------------------------------------------------------------


def test_pop_single_and_with_count(r2):
    r2.rpush("l", "a", "b", "c", "d", "e")
    assert r2.lpop("l") == "a"
    assert r2.rpop("l") == "e"
    assert r2.lpop("l", 2) == ["b", "c"]
    assert r2.rpop("l", 0) == []
    assert r2.rpop("l", 5) == ["d"]
    assert r2.exists("l") == 0


def test_rpop_count_returns_tail_first(r2):
    r2.rpush("l", *"abcdef")
    assert r2.rpop("l", 3) == ["f", "e", "d"]
    assert r2.lrange("l", 0, -1) == ["a", "b", "c"]


def test_pop_missing_key_replies_per_protocol(c, c3):
    assert c.cmd("LPOP", "nope") == Frame("$", None)
    assert c.cmd("RPOP", "nope", "2") == Frame("*", None)
    assert c.cmd("LPOP", "nope", "0") == Frame("*", None)
    assert c3.cmd("LPOP", "nope") == Frame("_", None)
    assert c3.cmd("RPOP", "nope", "2") == Frame("_", None)


def test_pop_count_errors(c):
    c.cmd("RPUSH", "l", "a")
    assert c.cmd("LPOP", "l", "-1") == err(MUST_BE_POSITIVE)
    assert c.cmd("LPOP", "l", "abc") == err(MUST_BE_POSITIVE)
    assert c.cmd("LPOP", "nope", "-1") == err(MUST_BE_POSITIVE)
    assert c.cmd("LPOP", "l", "1", "2") == err("ERR wrong number of arguments for 'lpop' command")
    assert c.cmd("RPOP", "str") == err(WRONGTYPE)
    assert c.cmd("RPOP", "str", "0") == err(WRONGTYPE)
    assert c.cmd("LPOP", "l", "0") == Frame("*", [])
    assert c.cmd("LLEN", "l") == Frame(":", 1)


# -- LMOVE / RPOPLPUSH ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "wherefrom,whereto,moved,src,dst",
    [("LEFT", "LEFT", "a", "bc", "axy"), ("LEFT", "RIGHT", "a", "bc", "xya"),
     ("RIGHT", "LEFT", "c", "ab", "cxy"), ("RIGHT", "RIGHT", "c", "ab", "xyc")],
)
def test_lmove_directions(r2, wherefrom, whereto, moved, src, dst):
    r2.rpush("src", *"abc")
    r2.rpush("dst", *"xy")
    assert r2.lmove("src", "dst", wherefrom, whereto) == moved
    assert "".join(r2.lrange("src", 0, -1)) == src
    assert "".join(r2.lrange("dst", 0, -1)) == dst


def test_lmove_same_key_rotates(r2):
    r2.rpush("l", *"abc")
    assert r2.lmove("l", "l", "LEFT", "RIGHT") == "a"
    assert r2.rpoplpush("l", "l") == "a"
    assert r2.lrange("l", 0, -1) == ["a", "b", "c"]
    r2.delete("l")
    r2.rpush("l", "only")
    assert r2.lmove("l", "l", "RIGHT", "LEFT") == "only"
    assert r2.lrange("l", 0, -1) == ["only"]


def test_lmove_creates_destination_and_deletes_emptied_source(r2):
    r2.rpush("src", "a")
    assert r2.rpoplpush("src", "dst") == "a"
    assert r2.exists("src") == 0
    assert r2.lrange("dst", 0, -1) == ["a"]


def test_lmove_errors(c, c3):
    c.cmd("RPUSH", "src", "a")
    assert c.cmd("LMOVE", "nope", "dst", "LEFT", "LEFT") == Frame("$", None)
    assert c3.cmd("LMOVE", "nope", "dst", "LEFT", "LEFT") == Frame("_", None)
    assert c.cmd("RPOPLPUSH", "nope", "str") == Frame("$", None)
    assert c.cmd("LMOVE", "src", "str", "LEFT", "LEFT") == err(WRONGTYPE)
    assert c.cmd("LMOVE", "str", "src", "LEFT", "LEFT") == err(WRONGTYPE)
    assert c.cmd("LMOVE", "src", "dst", "UP", "LEFT") == err(SYNTAX)
    assert c.cmd("LMOVE", "src", "dst", "LEFT", "DOWN") == err(SYNTAX)
    assert c.cmd("LMOVE", "nope", "dst", "UP", "LEFT") == err(SYNTAX)
    # Nothing moved on an error.
    assert c.cmd("LRANGE", "src", "0", "-1") == bulks("a")
    assert c.cmd("EXISTS", "dst") == Frame(":", 0)


# -- LMPOP ------------------------------------------------------------------------------


def test_lmpop(r2, r3):
    r2.rpush("b", *"abc")
    r2.rpush("c", "z")
    assert r2.lmpop(3, "a", "b", "c", direction="LEFT") == ["b", ["a"]]
    assert r2.lmpop(2, "b", "c", direction="RIGHT", count=5) == ["b", ["c", "b"]]
    assert r2.exists("b") == 0
    assert r3.lmpop(2, "a", "c", direction="LEFT", count=2) == ["c", ["z"]]
    assert r2.lmpop(2, "a", "c", direction="LEFT") is None


def test_lmpop_replies_per_protocol(c, c3):
    assert c.cmd("LMPOP", "1", "nope", "LEFT") == Frame("*", None)
    assert c3.cmd("LMPOP", "1", "nope", "LEFT") == Frame("_", None)
    c.cmd("RPUSH", "l", "a", "b")
    assert c3.cmd("LMPOP", "1", "l", "RIGHT") == Frame("*", [Frame("$", b"l"), bulks("b")])


def test_lmpop_errors(c):
    c.cmd("RPUSH", "l", "a")
    numkeys = err("ERR numkeys should be greater than 0")
    assert c.cmd("LMPOP", "0", "l", "LEFT") == numkeys
    assert c.cmd("LMPOP", "-1", "l", "LEFT") == numkeys
    assert c.cmd("LMPOP", "x", "l", "LEFT") == numkeys
    assert c.cmd("LMPOP", "2", "l", "LEFT") == err(SYNTAX)
    assert c.cmd("LMPOP", str(I64_MAX), "l", "LEFT") == err(SYNTAX)
    assert c.cmd("LMPOP", "1", "l", "UP") == err(SYNTAX)
    assert c.cmd("LMPOP", "1", "l", "LEFT", "COUNT", "0") == err("ERR count should be greater than 0")
    assert c.cmd("LMPOP", "1", "l", "LEFT", "COUNT", "x") == err("ERR count should be greater than 0")
    assert c.cmd("LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "1") == err(SYNTAX)
    assert c.cmd("LMPOP", "1", "l", "LEFT", "COUNT") == err(SYNTAX)
    assert c.cmd("LMPOP", "1", "l", "LEFT", "FOO") == err(SYNTAX)
    assert c.cmd("LMPOP", "1", "l") == err("ERR wrong number of arguments for 'lmpop' command")
    # A wrong type before a list stops the scan.
    assert c.cmd("LMPOP", "2", "str", "l", "LEFT") == err(WRONGTYPE)
    assert c.cmd("LMPOP", "2", "nope", "str", "LEFT") == err(WRONGTYPE)
    assert c.cmd("LMPOP", "2", "l", "str", "LEFT") == Frame("*", [Frame("$", b"l"), bulks("a")])


def test_lmpop_in_transaction(r2):
    r2.rpush("l1", "a")
    r2.rpush("l2", "b")
    p = r2.pipeline(transaction=True)
    p.lmpop(2, "l1", "l2", direction="LEFT")
    p.lmpop(2, "l1", "l2", direction="LEFT")
    p.lmpop(2, "l1", "l2", direction="LEFT")
    assert p.execute() == [["l1", ["a"]], ["l2", ["b"]], None]
