"""Sorted sets: ZPOPMIN ZPOPMAX ZMPOP and ZRANDMEMBER, their RESP2/RESP3
reply shapes and errors.
"""

from __future__ import annotations

from rawresp import Frame
from zset_support import (  # noqa: F401 - c: pytest fixtures
    NOT_INT, SYNTAX, WRONGTYPE, arr, bulk, c, dbl, err, n,
)


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
