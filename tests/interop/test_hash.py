"""Hash commands: HSET HSETNX HGET HMGET HMSET HDEL HLEN HSTRLEN HEXISTS
HKEYS HVALS HGETALL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN, encodings
(listpack, hashtable), RESP2/RESP3 reply shapes and keyspace events; and
Redis 7.4 hash-field expiration (HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT HTTL
HPTTL HEXPIRETIME HPEXPIRETIME HPERSIST), marked redis74."""

from __future__ import annotations

import time

import pytest

from rawresp import Frame, plain

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
FIELDS_MISSING = "ERR Mandatory argument FIELDS is missing or not at the right position"
NUMFIELDS_MISMATCH = "ERR The `numfields` parameter must match the number of arguments"


def err(text):
    return Frame("-", text)


def n(value):
    return Frame(":", value)


def ints(*values):
    return Frame("*", [n(v) for v in values])


def bulk(s):
    return Frame("$", s.encode() if isinstance(s, str) else s)


NULL2 = Frame("$", None)
NULL3 = Frame("_", None)


@pytest.fixture
def c(raw):
    """RESP2 raw connection with a string key `str` for WRONGTYPE checks."""
    conn = raw()
    conn.cmd("SET", "str", "x")
    return conn


@pytest.fixture
def config(c):
    """Sets config values for one test and restores them after."""
    changed = {}

    def set_(name, value):
        if name not in changed:
            changed[name] = plain(c.cmd("CONFIG", "GET", name))[1]
        assert c.cmd("CONFIG", "SET", name, value) == Frame("+", "OK")

    yield set_
    for name, value in changed.items():
        c.cmd("CONFIG", "SET", name, value)


# -- HSET HMSET HSETNX HGET HMGET ------------------------------------------------------


def test_hset_counts_new_fields(c):
    assert c.cmd("HSET", "h", "a", "1", "b", "2", "a", "3") == n(2)
    assert c.cmd("HGET", "h", "a") == bulk("3")
    assert c.cmd("HSET", "h", "a", "4", "c", "5") == n(1)
    assert c.cmd("HMSET", "h", "d", "6") == Frame("+", "OK")
    assert c.cmd("HLEN", "h") == n(4)
    assert c.cmd("TYPE", "h") == Frame("+", "hash")
    assert c.cmd("HSET", "str", "a", "1") == err(WRONGTYPE)


def test_hset_needs_pairs(c):
    assert c.cmd("HSET", "h", "a") == err("ERR wrong number of arguments for 'hset' command")
    assert c.cmd("HSET", "h", "a", "1", "b") == err("ERR wrong number of arguments for 'hset' command")
    assert c.cmd("HMSET", "h", "a", "1", "b") == err("ERR wrong number of arguments for 'hmset' command")
    assert c.cmd("HSET", "str", "a") == err("ERR wrong number of arguments for 'hset' command")
    assert c.cmd("EXISTS", "h") == n(0)


def test_hsetnx(c):
    assert c.cmd("HSETNX", "h", "a", "1") == n(1)
    assert c.cmd("HSETNX", "h", "a", "2") == n(0)
    assert c.cmd("HGET", "h", "a") == bulk("1")
    assert c.cmd("HSETNX", "h", "b", "2") == n(1)
    assert c.cmd("HSETNX", "str", "a", "1") == err(WRONGTYPE)


def test_hget_and_hmget(c, c3):
    c.cmd("HSET", "h", "a", "1", "", "empty")
    assert c.cmd("HGET", "h", "") == bulk("empty")
    assert c.cmd("HGET", "h", "zz") == NULL2
    assert c3.cmd("HGET", "h", "zz") == NULL3
    assert c.cmd("HGET", "missing", "a") == NULL2
    assert c.cmd("HMGET", "h", "a", "zz", "") == Frame("*", [bulk("1"), NULL2, bulk("empty")])
    assert c3.cmd("HMGET", "h", "zz", "a") == Frame("*", [NULL3, bulk("1")])
    assert c.cmd("HMGET", "missing", "a", "b") == Frame("*", [NULL2, NULL2])
    assert c.cmd("HGET", "str", "a") == err(WRONGTYPE)
    assert c.cmd("HMGET", "str", "a") == err(WRONGTYPE)


def test_binary_fields_and_values(c):
    f, v = b"f\x00\r\n", b"\xff\x00v"
    assert c.cmd("HSET", "h", f, v) == n(1)
    assert c.cmd("HGET", "h", f) == bulk(v)
    assert c.cmd("HGETALL", "h") == Frame("*", [bulk(f), bulk(v)])


# -- HDEL HLEN HSTRLEN HEXISTS ---------------------------------------------------------


def test_hdel_deletes_emptied_key(c):
    c.cmd("HSET", "h", "a", "1", "b", "2", "c", "3")
    assert c.cmd("HDEL", "h", "a", "zz", "a") == n(1)
    assert c.cmd("HDEL", "missing", "a") == n(0)
    assert c.cmd("HDEL", "h", "b", "c") == n(2)
    assert c.cmd("EXISTS", "h") == n(0)
    assert c.cmd("HDEL", "str", "a") == err(WRONGTYPE)


def test_hlen_hstrlen_hexists(c):
    c.cmd("HSET", "h", "a", "hello", "n", "12345", "e", "")
    assert c.cmd("HLEN", "h") == n(3)
    assert c.cmd("HLEN", "missing") == n(0)
    assert c.cmd("HSTRLEN", "h", "a") == n(5)
    assert c.cmd("HSTRLEN", "h", "n") == n(5)
    assert c.cmd("HSTRLEN", "h", "e") == n(0)
    assert c.cmd("HSTRLEN", "h", "zz") == n(0)
    assert c.cmd("HSTRLEN", "missing", "a") == n(0)
    assert c.cmd("HEXISTS", "h", "e") == n(1)
    assert c.cmd("HEXISTS", "h", "zz") == n(0)
    assert c.cmd("HEXISTS", "missing", "a") == n(0)
    for cmd in (["HLEN", "str"], ["HSTRLEN", "str", "a"], ["HEXISTS", "str", "a"]):
        assert c.cmd(*cmd) == err(WRONGTYPE)


# -- HKEYS HVALS HGETALL, encodings --------------------------------------------------------


def test_small_hash_keeps_insertion_order(c, c3):
    c.cmd("HSET", "h", "z", "1", "a", "2", "m", "3")
    c.cmd("HSET", "h", "a", "22")
    assert c.cmd("OBJECT", "ENCODING", "h") == bulk("listpack")
    assert plain(c.cmd("HKEYS", "h")) == ["z", "a", "m"]
    assert plain(c.cmd("HVALS", "h")) == ["1", "22", "3"]
    assert plain(c.cmd("HGETALL", "h")) == ["z", "1", "a", "22", "m", "3"]
    assert c3.cmd("HGETALL", "h") == Frame("%", [(bulk("z"), bulk("1")), (bulk("a"), bulk("22")), (bulk("m"), bulk("3"))])
    c.cmd("HDEL", "h", "z")
    c.cmd("HSET", "h", "z", "0")
    assert plain(c.cmd("HKEYS", "h")) == ["a", "m", "z"]


def test_empty_replies(c, c3):
    assert c.cmd("HGETALL", "missing") == Frame("*", [])
    assert c3.cmd("HGETALL", "missing") == Frame("%", [])
    assert c3.cmd("HKEYS", "missing") == Frame("*", [])
    assert c3.cmd("HVALS", "missing") == Frame("*", [])
    for cmd in ("HKEYS", "HVALS", "HGETALL"):
        assert c.cmd(cmd, "str") == err(WRONGTYPE)


def test_default_thresholds_are_redis_defaults(c):
    assert plain(c.cmd("CONFIG", "GET", "hash-max-listpack-entries")) == ["hash-max-listpack-entries", "512"]
    assert plain(c.cmd("CONFIG", "GET", "hash-max-listpack-value")) == ["hash-max-listpack-value", "64"]
    c.cmd("HSET", "h", *[x for i in range(512) for x in (f"f{i}", "v")])
    assert c.cmd("OBJECT", "ENCODING", "h") == bulk("listpack")
    c.cmd("HSET", "h", "one-more", "v")
    assert c.cmd("OBJECT", "ENCODING", "h") == bulk("hashtable")
    c.cmd("HSET", "v", "f", "x" * 64)
    assert c.cmd("OBJECT", "ENCODING", "v") == bulk("listpack")
    c.cmd("HSET", "v", "g", "x" * 65)
    assert c.cmd("OBJECT", "ENCODING", "v") == bulk("hashtable")


def test_big_hash_is_a_hashtable(r2, r3):
    mapping = {f"f{i}": f"v{i}" for i in range(600)}
    r2.hset("h", mapping=mapping)
    assert r2.object("encoding", "h") == "hashtable"
    assert r2.hlen("h") == 600
    assert r2.hgetall("h") == mapping
    assert r3.hgetall("h") == mapping
    assert sorted(r2.hkeys("h")) == sorted(mapping)
    assert sorted(r2.hvals("h")) == sorted(mapping.values())
    assert r2.hdel("h", *[f"f{i}" for i in range(250)]) == 250
    assert r2.hget("h", "f300") == "v300" and r2.hget("h", "f10") is None
    assert r2.hlen("h") == 350


def test_encoding_thresholds(c, config):
    config("hash-max-listpack-entries", "3")
    config("hash-max-listpack-value", "5")
    c.cmd("HSET", "h", "a", "1", "b", "2", "c", "3")
    assert c.cmd("OBJECT", "ENCODING", "h") == bulk("listpack")
    c.cmd("HSET", "h", "d", "4")
    assert c.cmd("OBJECT", "ENCODING", "h") == bulk("hashtable")
    c.cmd("HSET", "v", "a", "123456")
    assert c.cmd("OBJECT", "ENCODING", "v") == bulk("hashtable")
    c.cmd("HSET", "f", "abcdef", "1")
    assert c.cmd("OBJECT", "ENCODING", "f") == bulk("hashtable")
    # HINCRBY growing a value past the limit converts too.
    c.cmd("HSET", "i", "n", "99999")
    c.cmd("HINCRBY", "i", "n", "1")
    assert c.cmd("OBJECT", "ENCODING", "i") == bulk("hashtable")
    # Hashtables do not convert back.
    c.cmd("HDEL", "h", "a", "b", "c")
    assert c.cmd("OBJECT", "ENCODING", "h") == bulk("hashtable")


@pytest.mark.redis74
def test_many_pairs_convert_up_front(c, config):
    config("hash-max-listpack-entries", "3")
    # Four pairs in one HSET convert before adding, duplicates or not (7.4).
    c.cmd("HSET", "d", "a", "1", "a", "1", "a", "1", "a", "1")
    assert c.cmd("OBJECT", "ENCODING", "d") == bulk("hashtable")
    assert c.cmd("HLEN", "d") == n(1)


# -- HINCRBY HINCRBYFLOAT --------------------------------------------------------------


def test_hincrby(c):
    assert c.cmd("HINCRBY", "h", "n", "5") == n(5)
    assert c.cmd("HINCRBY", "h", "n", "-7") == n(-2)
    c.cmd("HSET", "h", "s", "abc", "big", "9223372036854775807", "pad", " 1")
    assert c.cmd("HINCRBY", "h", "s", "1") == err("ERR hash value is not an integer")
    assert c.cmd("HINCRBY", "h", "pad", "1") == err("ERR hash value is not an integer")
    assert c.cmd("HINCRBY", "h", "big", "1") == err("ERR increment or decrement would overflow")
    assert c.cmd("HINCRBY", "h", "n", "x") == err(NOT_INT)
    assert c.cmd("HINCRBY", "h", "n", "1.5") == err(NOT_INT)
    assert c.cmd("HINCRBY", "str", "n", "1") == err(WRONGTYPE)
    assert c.cmd("HGET", "h", "n") == bulk("-2")


def test_hincrbyfloat_uses_long_double(c, c3):
    c.cmd("HSET", "h", "f", "1005.75")
    assert c.cmd("HINCRBYFLOAT", "h", "f", "0.01") == bulk("1005.76000000000000001")
    assert c3.cmd("HINCRBYFLOAT", "h", "g", "10.5") == bulk("10.5"), "a bulk string, not a double"
    assert c.cmd("HINCRBYFLOAT", "h", "g", "-10.5") == bulk("0")
    assert c.cmd("HINCRBYFLOAT", "h", "g", "1e3") == bulk("1000")
    assert c.cmd("HGET", "h", "g") == bulk("1000")


def test_hincrbyfloat_errors(c):
    c.cmd("HSET", "h", "s", "abc", "f", "1.5", "huge", "1e4932")
    assert c.cmd("HINCRBYFLOAT", "h", "f", "abc") == err("ERR value is not a valid float")
    assert c.cmd("HINCRBYFLOAT", "h", "f", "inf") == err("ERR value is NaN or Infinity")
    assert c.cmd("HINCRBYFLOAT", "h", "f", "nan") == err("ERR value is not a valid float")
    assert c.cmd("HINCRBYFLOAT", "h", "s", "1") == err("ERR hash value is not a float")
    assert c.cmd("HINCRBYFLOAT", "h", "huge", "1e4932") == err("ERR increment would produce NaN or Infinity")
    assert c.cmd("HINCRBYFLOAT", "str", "f", "1") == err(WRONGTYPE)
    assert c.cmd("HINCRBYFLOAT", "missing", "f", "abc") == err("ERR value is not a valid float")
    assert c.cmd("EXISTS", "missing") == n(0)


# -- HRANDFIELD ----------------------------------------------------------------------------


def test_hrandfield_without_count(c, c3):
    c.cmd("HSET", "h", "a", "1", "b", "2")
    assert c.cmd("HRANDFIELD", "h").value in (b"a", b"b")
    assert c.cmd("HRANDFIELD", "missing") == NULL2
    assert c3.cmd("HRANDFIELD", "missing") == NULL3
    assert c.cmd("HRANDFIELD", "str") == err(WRONGTYPE)


def test_hrandfield_with_count(c, c3):
    c.cmd("HSET", "h", "a", "1", "b", "2", "c", "3")
    two = plain(c.cmd("HRANDFIELD", "h", "2"))
    assert len(set(two)) == 2 and set(two) <= {"a", "b", "c"}
    assert plain(c.cmd("HRANDFIELD", "h", "10")) == ["a", "b", "c"], "the whole (listpack) hash, in order"
    assert plain(c.cmd("HRANDFIELD", "h", "3", "WITHVALUES")) == ["a", "1", "b", "2", "c", "3"]
    assert c3.cmd("HRANDFIELD", "h", "3", "withvalues") == Frame(
        "*", [Frame("*", [bulk("a"), bulk("1")]), Frame("*", [bulk("b"), bulk("2")]), Frame("*", [bulk("c"), bulk("3")])])
    many = plain(c.cmd("HRANDFIELD", "h", "-7"))
    assert len(many) == 7 and set(many) <= {"a", "b", "c"}
    pairs = plain(c.cmd("HRANDFIELD", "h", "-4", "WITHVALUES"))
    assert len(pairs) == 8
    assert all({"a": "1", "b": "2", "c": "3"}[f] == v for f, v in zip(pairs[::2], pairs[1::2]))
    nested = c3.cmd("HRANDFIELD", "h", "-2", "WITHVALUES")
    assert nested.kind == "*" and all(p.kind == "*" and len(p.value) == 2 for p in nested.value)
    assert c.cmd("HRANDFIELD", "h", "0") == Frame("*", [])
    assert c.cmd("HRANDFIELD", "missing", "3") == Frame("*", [])
    assert c3.cmd("HRANDFIELD", "missing", "3", "WITHVALUES") == Frame("*", [])


def test_hrandfield_distinct_from_big_hash(r2):
    r2.hset("h", mapping={f"f{i}": i for i in range(300)})
    for count in (5, 150, 290):
        got = r2.hrandfield("h", count)
        assert len(got) == len(set(got)) == count
    got = r2.hrandfield("h", 20, withvalues=True)
    assert all(f == f"f{v}" for f, v in zip(got[::2], got[1::2]))


def test_hrandfield_errors(c):
    c.cmd("HSET", "h", "a", "1")
    assert c.cmd("HRANDFIELD", "h", "x") == err(NOT_INT)
    assert c.cmd("HRANDFIELD", "h", "1", "foo") == err(SYNTAX)
    assert c.cmd("HRANDFIELD", "h", "1", "WITHVALUES", "x") == err(SYNTAX)
    assert c.cmd("HRANDFIELD", "h", "4611686018427387904", "WITHVALUES") == err("ERR value is out of range")
    assert c.cmd("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES") == err("ERR value is out of range")
    assert c.cmd("HRANDFIELD", "h", "-9223372036854775808") == err(
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
    assert c.cmd("HRANDFIELD", "str", "1") == err(WRONGTYPE)


# -- HSCAN ---------------------------------------------------------------------------------


def full_hscan(c, key, *opts):
    cursor, seen, calls = "0", [], 0
    while True:
        cursor, batch = plain(c.cmd("HSCAN", key, cursor, *opts))
        seen.extend(batch)
        calls += 1
        if cursor == "0":
            return seen, calls


def test_hscan_small_hash_in_one_call(c):
    c.cmd("HSET", "h", "a", "1", "b", "2", "ab", "3")
    assert plain(c.cmd("HSCAN", "h", "0")) == ["0", ["a", "1", "b", "2", "ab", "3"]]
    assert plain(c.cmd("HSCAN", "h", "0", "MATCH", "a*")) == ["0", ["a", "1", "ab", "3"]]
    assert plain(c.cmd("HSCAN", "missing", "0")) == ["0", []]


def test_hscan_big_hash(c):
    c.cmd("HSET", "h", *[x for i in range(600) for x in (f"f{i}", f"v{i}")])
    seen, calls = full_hscan(c, "h", "COUNT", "25")
    assert calls > 5
    got = dict(zip(seen[::2], seen[1::2]))
    assert got == {f"f{i}": f"v{i}" for i in range(600)}
    seen, _ = full_hscan(c, "h", "MATCH", "f1?", "COUNT", "100")
    assert sorted(set(seen[::2])) == sorted(f"f{i}" for i in range(10, 20))


def test_hscan_errors(c):
    c.cmd("HSET", "h", "a", "1")
    assert c.cmd("HSCAN", "h", "abc") == err("ERR invalid cursor")
    assert c.cmd("HSCAN", "h", "0", "COUNT", "0") == err(SYNTAX)
    assert c.cmd("HSCAN", "h", "0", "COUNT", "x") == err(NOT_INT)
    assert c.cmd("HSCAN", "h", "0", "MATCH") == err(SYNTAX)
    assert c.cmd("HSCAN", "h", "0", "TYPE", "hash") == err(SYNTAX)
    assert c.cmd("HSCAN", "str", "0") == err(WRONGTYPE)


@pytest.mark.redis74
def test_hscan_novalues(c):
    c.cmd("HSET", "h", "a", "1", "b", "2")
    assert plain(c.cmd("HSCAN", "h", "0", "NOVALUES")) == ["0", ["a", "b"]]
    c.cmd("HSET", "big", *[x for i in range(600) for x in (f"f{i}", "v")])
    seen, _ = full_hscan(c, "big", "NOVALUES")
    assert sorted(set(seen)) == sorted(f"f{i}" for i in range(600))


# -- keyspace events -----------------------------------------------------------------------


def test_hash_events(events):
    assert events("HSET", "h", "a", "1", "b", "2") == (n(2), [("hset", "h")])
    assert events("HSETNX", "h", "a", "9") == (n(0), [])
    assert events("HSETNX", "h", "c", "3") == (n(1), [("hset", "h")])
    assert events("HINCRBY", "h", "n", "1") == (n(1), [("hincrby", "h")])
    assert events("HINCRBYFLOAT", "h", "f", "1.5") == (bulk("1.5"), [("hincrbyfloat", "h")])
    assert events("HDEL", "h", "zz") == (n(0), [])
    assert events("HDEL", "h", "a", "b") == (n(2), [("hdel", "h")])
    assert events("HDEL", "h", "c", "n", "f") == (n(3), [("hdel", "h"), ("del", "h")])
    assert events("HMSET", "h", "a", "1")[1] == [("hset", "h")]


# -- hash-field expiration (Redis 7.4) -------------------------------------------------------


@pytest.mark.redis74
def test_hexpire_sets_ttls_and_httl_reads_them(c, c3):
    c.cmd("HSET", "h", "a", "1", "b", "2", "c", "3")
    assert c.cmd("HEXPIRE", "h", "100", "FIELDS", "2", "a", "zz") == ints(1, -2)
    assert c.cmd("HTTL", "h", "FIELDS", "3", "a", "b", "zz") == ints(100, -1, -2)
    pttl = plain(c.cmd("HPTTL", "h", "FIELDS", "1", "a"))[0]
    assert 99_000 < pttl <= 100_000
    now_ms = int(time.time() * 1000)
    at = plain(c.cmd("HPEXPIRETIME", "h", "FIELDS", "1", "a"))[0]
    assert abs(at - (now_ms + 100_000)) < 5_000
    assert plain(c.cmd("HEXPIRETIME", "h", "FIELDS", "1", "a"))[0] in (at // 1000, at // 1000 + 1)
    assert c.cmd("HEXPIRETIME", "h", "FIELDS", "2", "b", "zz") == ints(-1, -2)
    assert c.cmd("HTTL", "missing", "FIELDS", "2", "a", "b") == ints(-2, -2)
    assert c3.cmd("HTTL", "h", "FIELDS", "1", "a") == ints(100)
    assert c.cmd("OBJECT", "ENCODING", "h") == bulk("listpackex")
    assert c.cmd("HEXPIRE", "missing", "100", "FIELDS", "1", "a") == ints(-2)
    assert c.cmd("EXISTS", "missing") == n(0)


@pytest.mark.redis74
def test_hexpire_absolute_forms(c):
    c.cmd("HSET", "h", "a", "1", "b", "2")
    at = int(time.time()) + 1000
    assert c.cmd("HEXPIREAT", "h", str(at), "FIELDS", "1", "a") == ints(1)
    assert c.cmd("HEXPIRETIME", "h", "FIELDS", "1", "a") == ints(at)
    assert c.cmd("HPEXPIREAT", "h", str(at * 1000 + 5), "FIELDS", "1", "b") == ints(1)
    assert c.cmd("HPEXPIRETIME", "h", "FIELDS", "1", "b") == ints(at * 1000 + 5)
    assert c.cmd("HPEXPIRE", "h", "50000", "FIELDS", "1", "a") == ints(1)
    assert 49 <= plain(c.cmd("HTTL", "h", "FIELDS", "1", "a"))[0] <= 50


@pytest.mark.redis74
def test_hexpire_conditions(c):
    c.cmd("HSET", "h", "nottl", "1", "ttl", "2")
    c.cmd("HEXPIRE", "h", "100", "FIELDS", "1", "ttl")
    # No TTL counts as infinite: LT and NX succeed, GT and XX fail.
    assert c.cmd("HEXPIRE", "h", "50", "XX", "FIELDS", "1", "nottl") == ints(0)
    assert c.cmd("HEXPIRE", "h", "50", "GT", "FIELDS", "1", "nottl") == ints(0)
    assert c.cmd("HEXPIRE", "h", "50", "LT", "FIELDS", "1", "nottl") == ints(1)
    c.cmd("HPERSIST", "h", "FIELDS", "1", "nottl")
    assert c.cmd("HEXPIRE", "h", "50", "NX", "FIELDS", "2", "nottl", "ttl") == ints(1, 0)
    assert c.cmd("HEXPIRE", "h", "200", "XX", "FIELDS", "1", "ttl") == ints(1)
    assert c.cmd("HEXPIRE", "h", "150", "GT", "FIELDS", "1", "ttl") == ints(0)
    assert c.cmd("HEXPIRE", "h", "300", "gt", "FIELDS", "1", "ttl") == ints(1)
    assert c.cmd("HEXPIRE", "h", "400", "LT", "FIELDS", "1", "ttl") == ints(0)
    assert c.cmd("HEXPIRE", "h", "20", "lt", "FIELDS", "2", "ttl", "missing") == ints(1, -2)
    assert c.cmd("HTTL", "h", "FIELDS", "2", "nottl", "ttl") == ints(50, 20)


@pytest.mark.redis74
def test_hexpire_in_the_past_deletes_fields(c):
    c.cmd("HSET", "h", "a", "1", "b", "2")
    assert c.cmd("HPEXPIRE", "h", "0", "FIELDS", "1", "a") == ints(2)
    assert c.cmd("HEXISTS", "h", "a") == n(0)
    assert c.cmd("HEXPIREAT", "h", "1", "FIELDS", "2", "b", "b") == ints(2, -2)
    assert c.cmd("EXISTS", "h") == n(0), "deleting the last field deletes the hash"


@pytest.mark.redis74
def test_hexpire_argument_errors(c):
    c.cmd("HSET", "h", "a", "1")
    assert c.cmd("HEXPIRE", "h", "10", "FIELDS", "2", "a") == err(NUMFIELDS_MISMATCH)
    assert c.cmd("HEXPIRE", "h", "10", "FIELDS", "0", "a") == err("ERR Parameter `numFields` should be greater than 0")
    assert c.cmd("HEXPIRE", "h", "10", "FIELDS", "x", "a") == err("ERR Parameter `numFields` should be greater than 0")
    assert c.cmd("HEXPIRE", "h", "10", "NX", "1", "a") == err(FIELDS_MISSING)
    assert c.cmd("HEXPIRE", "h", "10", "FOO", "1", "a") == err(FIELDS_MISSING)
    assert c.cmd("HEXPIRE", "h", "10", "NX", "XX", "FIELDS", "1", "a") == err(FIELDS_MISSING)
    assert c.cmd("HEXPIRE", "h", "-1", "FIELDS", "1", "a") == err("ERR invalid expire time, must be >= 0")
    assert c.cmd("HEXPIRE", "h", "x", "FIELDS", "1", "a") == err(NOT_INT)
    assert c.cmd("HEXPIRE", "h", "70368744177664", "FIELDS", "1", "a") == err(
        "ERR invalid expire time in 'hexpire' command")
    assert c.cmd("HPEXPIREAT", "h", "70368744177664", "FIELDS", "1", "a") == err(
        "ERR invalid expire time in 'hpexpireat' command")
    assert c.cmd("HEXPIRE", "h", "10", "FIELDS", "1") == err("ERR wrong number of arguments for 'hexpire' command")
    assert c.cmd("HEXPIRE", "str", "10", "FIELDS", "1", "a") == err(WRONGTYPE)
    assert c.cmd("HTTL", "h", "FIELDS", "0", "a") == err("ERR Number of fields must be a positive integer")
    assert c.cmd("HTTL", "h", "FIELDS", "2", "a") == err(NUMFIELDS_MISMATCH)
    assert c.cmd("HTTL", "h", "FOO", "1", "a") == err(FIELDS_MISSING)
    assert c.cmd("HTTL", "str", "FIELDS", "1", "a") == err(WRONGTYPE)
    assert c.cmd("HPERSIST", "h", "FIELDS", "-1", "a") == err("ERR Number of fields must be a positive integer")
    assert c.cmd("HPERSIST", "str", "FIELDS", "1", "a") == err(WRONGTYPE)


@pytest.mark.redis74
def test_hpersist(c):
    c.cmd("HSET", "h", "a", "1", "b", "2")
    c.cmd("HEXPIRE", "h", "100", "FIELDS", "1", "a")
    assert c.cmd("HPERSIST", "h", "FIELDS", "3", "a", "b", "zz") == ints(1, -1, -2)
    assert c.cmd("HTTL", "h", "FIELDS", "1", "a") == ints(-1)
    assert c.cmd("HPERSIST", "missing", "FIELDS", "1", "a") == ints(-2)


@pytest.mark.redis74
def test_writes_and_ttls(c):
    c.cmd("HSET", "h", "a", "1", "n", "5")
    c.cmd("HEXPIRE", "h", "100", "FIELDS", "2", "a", "n")
    c.cmd("HINCRBY", "h", "n", "1")
    assert c.cmd("HTTL", "h", "FIELDS", "1", "n") == ints(100), "HINCRBY keeps the TTL"
    c.cmd("HINCRBYFLOAT", "h", "n", "1.5")
    assert c.cmd("HTTL", "h", "FIELDS", "1", "n") == ints(100)
    c.cmd("HSET", "h", "a", "2")
    assert c.cmd("HTTL", "h", "FIELDS", "1", "a") == ints(-1), "HSET drops it"
    assert c.cmd("HSETNX", "h", "n", "x") == n(0)


@pytest.mark.redis74
def test_listpackex_order_follows_expiry(c):
    c.cmd("HSET", "h", "a", "1", "b", "2", "c", "3")
    c.cmd("HEXPIRE", "h", "300", "FIELDS", "1", "c")
    c.cmd("HEXPIRE", "h", "100", "FIELDS", "1", "b")
    assert plain(c.cmd("HKEYS", "h")) == ["b", "c", "a"]
    c.cmd("HPERSIST", "h", "FIELDS", "1", "b")
    assert plain(c.cmd("HKEYS", "h")) == ["c", "a", "b"]


@pytest.mark.redis74
def test_ttls_survive_conversion_to_hashtable(c, config):
    config("hash-max-listpack-entries", "2")
    c.cmd("HSET", "h", "a", "1")
    c.cmd("HEXPIRE", "h", "100", "FIELDS", "1", "a")
    c.cmd("HSET", "h", "b", "2", "c", "3")
    assert c.cmd("OBJECT", "ENCODING", "h") == bulk("hashtable")
    assert c.cmd("HTTL", "h", "FIELDS", "2", "a", "b") == ints(100, -1)
    assert c.cmd("HPEXPIRE", "h", "0", "FIELDS", "1", "c") == ints(2)
    assert c.cmd("HLEN", "h") == n(2)


@pytest.mark.redis74
@pytest.mark.parametrize("size", [3, 600])
def test_expired_fields_are_never_returned(c, size):
    c.cmd("HSET", "h", *[x for i in range(size) for x in (f"f{i}", f"v{i}")])
    c.cmd("HPEXPIRE", "h", "50", "FIELDS", "2", "f0", "f1")
    time.sleep(0.12)
    assert c.cmd("HGET", "h", "f0") == NULL2
    assert c.cmd("HMGET", "h", "f1", "f2") == Frame("*", [NULL2, bulk("v2")])
    assert c.cmd("HEXISTS", "h", "f1") == n(0)
    got = plain(c.cmd("HGETALL", "h"))
    assert "f0" not in got[::2] and "f1" not in got[::2] and len(got) == 2 * (size - 2)
    assert c.cmd("HLEN", "h") == n(size - 2)
    assert c.cmd("HTTL", "h", "FIELDS", "1", "f0") == ints(-2)
    seen = plain(c.cmd("HSCAN", "h", "0", "COUNT", "1000"))[1]
    assert "f0" not in seen[::2]
    assert "f0" not in plain(c.cmd("HRANDFIELD", "h", str(size)))


@pytest.mark.redis74
def test_hash_of_expired_fields_disappears_by_itself(c):
    c.cmd("HSET", "h", "a", "1", "b", "2")
    c.cmd("HPEXPIRE", "h", "50", "FIELDS", "2", "a", "b")
    deadline = time.monotonic() + 3
    while c.cmd("EXISTS", "h") == n(1) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert c.cmd("EXISTS", "h") == n(0), "active expiry did not reclaim the hash"


@pytest.mark.redis74
@pytest.mark.parametrize("move", [["RENAME", "h", "moved"], ["MOVE", "h", "1"], ["COPY", "h", "moved"]])
def test_active_expiry_follows_renamed_and_moved_hashes(c, move):
    c.cmd("HSET", "h", "a", "1", "b", "2")
    c.cmd("HPEXPIRE", "h", "200", "FIELDS", "2", "a", "b")
    assert c.cmd(*move) == (Frame("+", "OK") if move[0] == "RENAME" else n(1))
    target, db = ("h", "1") if move[0] == "MOVE" else ("moved", "0")
    c.cmd("SELECT", db)
    deadline = time.monotonic() + 5
    while c.cmd("EXISTS", target) == n(1) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert c.cmd("EXISTS", target) == n(0), "the fields of the renamed/moved hash were never reclaimed"
    c.cmd("SELECT", "0")


@pytest.mark.redis74
def test_field_expiration_events(events):
    events("HSET", "h", "a", "1", "b", "2", "c", "3")
    assert events("HEXPIRE", "h", "100", "FIELDS", "1", "a") == (ints(1), [("hexpire", "h")])
    assert events("HEXPIRE", "h", "100", "NX", "FIELDS", "1", "a") == (ints(0), [])
    assert events("HPERSIST", "h", "FIELDS", "1", "a") == (ints(1), [("hpersist", "h")])
    assert events("HPERSIST", "h", "FIELDS", "1", "a") == (ints(-1), [])
    assert events("HPEXPIRE", "h", "0", "FIELDS", "1", "a") == (ints(2), [("hdel", "h")])
    # The active cycle may reclaim the fields while the events of HPEXPIRE
    # itself are still being collected: gather everything until `del`.
    _, got = events("HPEXPIRE", "h", "50", "FIELDS", "2", "b", "c")
    deadline = time.monotonic() + 3
    while ("del", "h") not in got and time.monotonic() < deadline:
        got += events()[1]
    assert got == [("hexpire", "h"), ("hexpired", "h"), ("del", "h")]


@pytest.mark.redis74
def test_hexpire_deleting_the_last_field_emits_del(events):
    events("HSET", "h", "a", "1")
    assert events("HPEXPIRE", "h", "0", "FIELDS", "1", "a") == (ints(2), [("hdel", "h"), ("del", "h")])
