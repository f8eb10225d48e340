"""Bitmap commands through redis-py: SETBIT GETBIT BITCOUNT BITPOS BITOP
BITFIELD BITFIELD_RO, in RESP2 and RESP3, with Redis's error texts and
keyspace events.

Redis 7.4 parses BITCOUNT/BITPOS ranges before looking the key up (7.0
answered 0 for a missing key whatever the arguments): those tests are
marked redis74."""

from __future__ import annotations

import pytest
import redis

from rawresp import Frame, keyevents, plain

BAD_OFFSET = "bit offset is not an integer or out of range"
BAD_BIT = "bit is not an integer or out of range"
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def error_text(r, *args):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command(*args)
    return str(e.value)


@pytest.fixture(params=[2, 3], ids=["resp2", "resp3"])
def r(request, client):
    return client(request.param)


def test_setbit_and_getbit(r):
    assert r.setbit("k", 7, 1) == 0
    assert r.setbit("k", 7, 1) == 1
    assert r.get("k") == "\x01"
    assert r.getbit("k", 7) == 1
    assert r.getbit("k", 100) == 0
    assert r.getbit("missing", 0) == 0
    assert r.setbit("k", 20, 1) == 0
    assert r.strlen("k") == 3
    assert r.object("encoding", "k") == "raw"


def test_bit_argument_errors(r):
    r.rpush("list", "a")
    assert error_text(r, "SETBIT", "k", "-1", "1") == BAD_OFFSET
    assert error_text(r, "SETBIT", "k", "4294967296", "1") == BAD_OFFSET
    assert error_text(r, "SETBIT", "k", "0", "2") == BAD_BIT
    assert error_text(r, "GETBIT", "k", "x") == BAD_OFFSET
    assert error_text(r, "SETBIT", "list", "0", "1") == WRONGTYPE
    assert error_text(r, "BITPOS", "k", "3") == "The bit argument must be 1 or 0."
    assert error_text(r, "BITOP", "NOT", "d", "a", "b") == "BITOP NOT must be called with a single source key."
    assert r.exists("k") == 0


def test_bitcount_ranges(r):
    r.set("k", "foobar")
    assert r.bitcount("k") == 26
    assert r.bitcount("k", 1, 1) == 6
    assert r.bitcount("k", -2, -1) == 7
    assert r.bitcount("k", 5, 30, "BIT") == 17
    assert r.bitcount("k", 0, 0, "BYTE") == 4
    assert r.bitcount("missing") == 0


@pytest.mark.redis74
def test_bitcount_and_bitpos_check_arguments_before_the_key(r):
    assert error_text(r, "BITCOUNT", "missing", "0", "1", "WORD") == "syntax error"
    assert error_text(r, "BITPOS", "missing", "1", "0", "x") == "value is not an integer or out of range"


def test_bitpos(r):
    r.set("k", b"\xff\xf0\x00")
    assert r.bitpos("k", 0) == 12
    assert r.bitpos("k", 1, 2) == -1
    assert r.bitpos("k", 1, 7, 15, "BIT") == 7
    r.set("ones", b"\xff\xff")
    assert r.bitpos("ones", 0) == 16
    assert r.bitpos("ones", 0, 0, -1) == -1
    assert r.bitpos("missing", 0) == 0
    assert r.bitpos("missing", 1) == -1


def test_bitop(client):
    r = client(2, decode_responses=False)
    r.set("a", "foobar")
    r.set("b", "abc")
    assert r.bitop("AND", "d", "a", "b") == 6
    assert r.get("d") == b"`bc\x00\x00\x00"
    assert r.bitop("OR", "d", "a", "b") == 6
    assert r.get("d") == b"goobar"
    assert r.bitop("XOR", "d", "a", "b", "missing") == 6
    assert r.get("d") == b"\x07\x0d\x0cbar"
    assert r.bitop("NOT", "d", "b") == 3
    assert r.get("d") == b"\x9e\x9d\x9c"
    assert r.bitop("OR", "d", "missing") == 0
    assert r.exists("d") == 0


def test_bitfield_with_the_redis_py_builder(r):
    bf = r.bitfield("k")
    got = bf.set("i8", 0, 100).get("i8", 0).incrby("u4", "#3", 5).execute()
    assert got == [0, 100, 5]
    got = r.bitfield("k", default_overflow="FAIL").incrby("u4", "#3", 20).get("u4", 12).execute()
    assert got == [None, 5]
    got = r.bitfield("k").overflow("SAT").incrby("i8", 0, 100).overflow("WRAP").incrby("i8", 0, 1).execute()
    assert got == [127, -128]
    assert r.bitfield_ro("k", "u8", 0, items=[("u4", 12)]) == [128, 5]


def test_bitfield_errors(r):
    bad_type = "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
    assert error_text(r, "BITFIELD", "k", "GET", "u64", "0") == bad_type
    assert error_text(r, "BITFIELD", "k", "OVERFLOW", "NOPE") == "Invalid OVERFLOW type specified"
    assert error_text(r, "BITFIELD", "k", "SET", "i8", "0") == "syntax error"
    assert error_text(r, "BITFIELD_RO", "k", "INCRBY", "i8", "0", "1") == "BITFIELD_RO only supports the GET subcommand"


def test_bitfield_fail_is_null_in_both_protocols(raw):
    for proto in ("2", "3"):
        c = raw()
        c.cmd("HELLO", proto)
        reply = c.cmd("BITFIELD", "f" + proto, "OVERFLOW", "FAIL", "SET", "u2", "0", "9", "GET", "u2", "0")
        null = Frame("$", None) if proto == "2" else Frame("_", None)
        assert reply == Frame("*", [null, Frame(":", 0)])


def test_bit_events(raw):
    got = keyevents(raw(), raw(), "KEA", ("SETBIT", "k", "1", "1"), ("SETBIT", "k", "1", "1"),
                    ("BITFIELD", "k", "SET", "u8", "8", "3"), ("BITFIELD", "k", "GET", "u8", "8"),
                    ("BITOP", "NOT", "d", "k"), ("BITOP", "OR", "d", "none"))
    assert got == [("setbit", "k"), ("setbit", "k"), ("set", "d"), ("del", "d")]


@pytest.mark.parametrize("name,arity,flags,keys", [
    ("setbit", 4, ["write", "denyoom"], [1, 1, 1]),
    ("getbit", 3, ["readonly", "fast"], [1, 1, 1]),
    ("bitcount", -2, ["readonly"], [1, 1, 1]),
    ("bitpos", -3, ["readonly"], [1, 1, 1]),
    ("bitop", -4, ["write", "denyoom"], [2, -1, 1]),
    ("bitfield", -2, ["write", "denyoom"], [1, 1, 1]),
    ("bitfield_ro", -2, ["readonly", "fast"], [1, 1, 1]),
])
def test_command_info(raw, name, arity, flags, keys):
    info = plain(raw().cmd("COMMAND", "INFO", name))[0]
    assert info[:6] == [name, arity, flags] + keys
    docs = plain(raw().cmd("COMMAND", "DOCS", name))
    assert docs[0] == name
    fields = dict(zip(docs[1][::2], docs[1][1::2]))
    assert fields["group"] == "bitmap"
