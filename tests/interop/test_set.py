"""Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP
SRANDMEMBER SMOVE SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF
SDIFFSTORE SSCAN; encodings (intset, listpack, hashtable), RESP2/RESP3
reply types and keyspace events.

Small non-integer sets are `listpack` only since Redis 7.2 (7.0 makes them
hashtables, iterated in no particular order), so tests that depend on it are
marked redis74; the others compare members as sets."""

from __future__ import annotations

import pytest

from rawresp import Frame, plain

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
POSITIVE = "ERR value is out of range, must be positive"


def err(text):
    return Frame("-", text)


def n(value):
    return Frame(":", value)


def bulk(s):
    return Frame("$", s.encode() if isinstance(s, str) else s)


def members(frame):
    """The sorted member strings of an array or set frame."""
    assert frame.kind in "*~", frame
    return sorted(plain(frame))


@pytest.fixture
def c(raw):
    """RESP2 raw connection with a string key `str` for WRONGTYPE checks."""
    conn = raw()
    conn.cmd("SET", "str", "x")
    return conn


@pytest.fixture
def c3(raw):
    conn = raw()
    conn.cmd("HELLO", "3")
    conn.cmd("SET", "str", "x")
    return conn


@pytest.fixture
def config(c):
    """Sets config values for one test and restores the defaults after."""
    changed = {}

    def set_(name, value):
        if name not in changed:
            changed[name] = plain(c.cmd("CONFIG", "GET", name))[1]
        assert c.cmd("CONFIG", "SET", name, value) == Frame("+", "OK")

    yield set_
    for name, value in changed.items():
        c.cmd("CONFIG", "SET", name, value)


# -- SADD SREM SCARD SISMEMBER SMISMEMBER ------------------------------------------


def test_sadd_counts_new_members_only(c):
    assert c.cmd("SADD", "s", "a", "b", "a") == n(2)
    assert c.cmd("SADD", "s", "b", "c") == n(1)
    assert c.cmd("SCARD", "s") == n(3)
    assert c.cmd("TYPE", "s") == Frame("+", "set")
    assert c.cmd("SADD", "str", "a") == err(WRONGTYPE)


def test_srem_deletes_emptied_key(c):
    c.cmd("SADD", "s", "a", "b", "1")
    assert c.cmd("SREM", "s", "a", "zz", "a") == n(1)
    assert c.cmd("SREM", "missing", "a") == n(0)
    assert c.cmd("SREM", "s", "b", "1", "x") == n(2)
    assert c.cmd("EXISTS", "s") == n(0)
    assert c.cmd("SREM", "str", "a") == err(WRONGTYPE)


def test_membership_queries(c, c3):
    c.cmd("SADD", "s", "a", "10", "")
    assert c.cmd("SISMEMBER", "s", "a") == n(1)
    assert c.cmd("SISMEMBER", "s", "") == n(1)
    assert c.cmd("SISMEMBER", "s", "010") == n(0)
    assert c.cmd("SISMEMBER", "missing", "a") == n(0)
    assert c.cmd("SMISMEMBER", "s", "a", "b", "10") == Frame("*", [n(1), n(0), n(1)])
    assert c.cmd("SMISMEMBER", "missing", "a", "b") == Frame("*", [n(0), n(0)])
    assert c3.cmd("SMISMEMBER", "s", "a") == Frame("*", [n(1)])
    assert c.cmd("SCARD", "missing") == n(0)
    for cmd in (["SISMEMBER", "str", "a"], ["SMISMEMBER", "str", "a"], ["SCARD", "str"]):
        assert c.cmd(*cmd) == err(WRONGTYPE)


def test_arity_errors(c):
    assert c.cmd("SADD", "s") == err("ERR wrong number of arguments for 'sadd' command")
    assert c.cmd("SMISMEMBER", "s") == err("ERR wrong number of arguments for 'smismember' command")
    assert c.cmd("SPOP", "s", "1", "2") == err(SYNTAX)
    assert c.cmd("SRANDMEMBER", "s", "1", "2") == err(SYNTAX)


# -- SMEMBERS, reply types, encodings ------------------------------------------------


def test_smembers_is_a_set_in_resp3_and_array_in_resp2(c, c3):
    c.cmd("SADD", "s", "3", "1", "2")
    assert c.cmd("SMEMBERS", "s") == Frame("*", [bulk("1"), bulk("2"), bulk("3")])
    assert c3.cmd("SMEMBERS", "s") == Frame("~", [bulk("1"), bulk("2"), bulk("3")])
    assert c.cmd("SMEMBERS", "missing") == Frame("*", [])
    assert c3.cmd("SMEMBERS", "missing") == Frame("~", [])
    assert c.cmd("SMEMBERS", "str") == err(WRONGTYPE)


def test_integer_sets_are_intsets_sorted(c):
    c.cmd("SADD", "s", "5", "-3", "100000000000", "0")
    assert c.cmd("OBJECT", "ENCODING", "s") == bulk("intset")
    assert plain(c.cmd("SMEMBERS", "s")) == ["-3", "0", "5", "100000000000"]
    # Not canonical integers: stored as strings.
    c.cmd("SADD", "t", "007")
    assert c.cmd("OBJECT", "ENCODING", "t") != bulk("intset")


@pytest.mark.redis74
def test_small_string_sets_are_listpacks_in_insertion_order(c):
    c.cmd("SADD", "s", "b", "a", "c")
    assert c.cmd("OBJECT", "ENCODING", "s") == bulk("listpack")
    assert plain(c.cmd("SMEMBERS", "s")) == ["b", "a", "c"]
    c.cmd("SREM", "s", "a")
    c.cmd("SADD", "s", "a")
    assert plain(c.cmd("SMEMBERS", "s")) == ["b", "c", "a"]
    # An intset that gets a string becomes a listpack, integers first in order.
    c.cmd("SADD", "i", "2", "1")
    c.cmd("SADD", "i", "x")
    assert c.cmd("OBJECT", "ENCODING", "i") == bulk("listpack")
    assert plain(c.cmd("SMEMBERS", "i")) == ["1", "2", "x"]


@pytest.mark.redis74
def test_encoding_conversions_follow_thresholds(c, config):
    config("set-max-intset-entries", "4")
    config("set-max-listpack-entries", "3")
    config("set-max-listpack-value", "5")
    c.cmd("SADD", "ints", "1", "2", "3", "4")
    assert c.cmd("OBJECT", "ENCODING", "ints") == bulk("intset")
    c.cmd("SADD", "ints", "5")
    assert c.cmd("OBJECT", "ENCODING", "ints") == bulk("hashtable")
    # Four integers then a string: more than set-max-listpack-entries, so a hashtable.
    c.cmd("SADD", "mixed", "1", "2", "3", "4")
    c.cmd("SADD", "mixed", "x")
    assert c.cmd("OBJECT", "ENCODING", "mixed") == bulk("hashtable")
    c.cmd("SADD", "lp", "a", "b", "c")
    assert c.cmd("OBJECT", "ENCODING", "lp") == bulk("listpack")
    c.cmd("SADD", "lp", "d")
    assert c.cmd("OBJECT", "ENCODING", "lp") == bulk("hashtable")
    c.cmd("SADD", "long", "abcdef")
    assert c.cmd("OBJECT", "ENCODING", "long") == bulk("hashtable")
    # Hashtables never convert back.
    c.cmd("SREM", "lp", "a", "b", "c")
    assert c.cmd("OBJECT", "ENCODING", "lp") == bulk("hashtable")
    # SADD with many arguments converts before adding, duplicates or not.
    c.cmd("SADD", "many", "a", "a", "a", "a")
    assert c.cmd("OBJECT", "ENCODING", "many") == bulk("hashtable")
    assert c.cmd("SCARD", "many") == n(1)


def test_big_set_is_a_hashtable_with_all_members(r2):
    r2.sadd("big", *[f"m{i}" for i in range(1000)])
    assert r2.object("encoding", "big") == "hashtable"
    assert r2.scard("big") == 1000
    assert r2.smembers("big") == {f"m{i}" for i in range(1000)}
    assert r2.srem("big", *[f"m{i}" for i in range(0, 1000, 2)]) == 500
    assert r2.smembers("big") == {f"m{i}" for i in range(1, 1000, 2)}
    ints = [str(i) for i in range(600)]
    r2.sadd("bigints", *ints)
    assert r2.object("encoding", "bigints") == "hashtable"
    assert r2.sismember("bigints", "599")


def test_binary_members(c):
    m = b"a\x00b\r\n\xff"
    assert c.cmd("SADD", "s", m, b"") == n(2)
    assert c.cmd("SISMEMBER", "s", m) == n(1)
    assert sorted(f.value for f in c.cmd("SMEMBERS", "s").value) == [b"", m]


# -- SPOP ----------------------------------------------------------------------------


def test_spop_single(c, c3):
    c.cmd("SADD", "s", "a", "b")
    got = c.cmd("SPOP", "s")
    assert got.kind == "$" and got.value in (b"a", b"b")
    assert c.cmd("SCARD", "s") == n(1)
    c.cmd("SPOP", "s")
    assert c.cmd("EXISTS", "s") == n(0)
    assert c.cmd("SPOP", "s") == Frame("$", None)
    assert c3.cmd("SPOP", "s") == Frame("_", None)
    assert c.cmd("SPOP", "str") == err(WRONGTYPE)


def test_spop_with_count_replies_a_set(c, c3):
    c.cmd("SADD", "s", *[str(i) for i in range(10)])
    got = c3.cmd("SPOP", "s", "3")
    assert got.kind == "~" and len(got.value) == 3
    popped = set(plain(got))
    assert len(popped) == 3
    left = set(plain(c.cmd("SMEMBERS", "s")))
    assert len(left) == 7 and not (left & popped)
    assert c.cmd("SPOP", "s", "0") == Frame("*", [])
    assert c3.cmd("SPOP", "s", "0") == Frame("~", [])
    assert c3.cmd("SPOP", "missing", "2") == Frame("~", [])
    assert c.cmd("SPOP", "missing", "2") == Frame("*", [])


@pytest.mark.parametrize("values", [["1", "2", "3", "4", "5", "6"], ["a", "b", "c", "d", "e", "f"],
                                    [f"m{i}" for i in range(300)]])
def test_spop_most_of_a_set_keeps_the_rest(c, values):
    c.cmd("SADD", "s", *values)
    popped = plain(c.cmd("SPOP", "s", str(len(values) - 2)))
    left = plain(c.cmd("SMEMBERS", "s"))
    assert len(popped) == len(values) - 2 and len(left) == 2
    assert sorted(popped + left) == sorted(values)
    popped = plain(c.cmd("SPOP", "s", "1"))
    assert len(popped) == 1


def test_spop_whole_set_deletes_key(c):
    c.cmd("SADD", "s", "a", "b", "c")
    assert members(c.cmd("SPOP", "s", "10")) == ["a", "b", "c"]
    assert c.cmd("EXISTS", "s") == n(0)
    c.cmd("SADD", "t", "3", "1", "2")
    assert plain(c.cmd("SPOP", "t", "3")) == ["1", "2", "3"]


def test_spop_count_errors(c):
    c.cmd("SADD", "s", "a")
    assert c.cmd("SPOP", "s", "-1") == err(POSITIVE)
    assert c.cmd("SPOP", "s", "abc") == err(POSITIVE)
    assert c.cmd("SPOP", "str", "1") == err(WRONGTYPE)


# -- SRANDMEMBER -----------------------------------------------------------------------


def test_srandmember_variants(c, c3):
    c.cmd("SADD", "s", "a", "b", "c")
    assert c.cmd("SRANDMEMBER", "s").value in (b"a", b"b", b"c")
    assert c.cmd("SRANDMEMBER", "missing") == Frame("$", None)
    assert c3.cmd("SRANDMEMBER", "missing") == Frame("_", None)
    two = c3.cmd("SRANDMEMBER", "s", "2")
    assert two.kind == "*" and len(set(plain(two))) == 2
    assert members(c.cmd("SRANDMEMBER", "s", "5")) == ["a", "b", "c"]
    many = plain(c.cmd("SRANDMEMBER", "s", "-20"))
    assert len(many) == 20 and set(many) <= {"a", "b", "c"}
    assert c.cmd("SRANDMEMBER", "s", "0") == Frame("*", [])
    assert c3.cmd("SRANDMEMBER", "missing", "3") == Frame("*", [])
    assert c.cmd("SCARD", "s") == n(3), "SRANDMEMBER does not remove"
    assert c.cmd("SRANDMEMBER", "s", "x") == err(NOT_INT)
    assert c.cmd("SRANDMEMBER", "s", "-9223372036854775808") == err(
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
    assert c.cmd("SRANDMEMBER", "str", "1") == err(WRONGTYPE)


def test_srandmember_distinct_from_big_sets(c):
    c.cmd("SADD", "ints", *[str(i) for i in range(100)])
    c.cmd("SADD", "strs", *[f"m{i}" for i in range(1000)])
    for key, size in (("ints", 100), ("strs", 1000)):
        for count in (5, 40, 90):
            got = plain(c.cmd("SRANDMEMBER", key, str(count)))
            assert len(got) == len(set(got)) == count
        assert len(plain(c.cmd("SRANDMEMBER", key, "-500"))) == 500
        assert c.cmd("SCARD", key) == n(size)


# -- SMOVE -----------------------------------------------------------------------------


def test_smove(c):
    c.cmd("SADD", "src", "a", "b")
    c.cmd("SADD", "dst", "x")
    assert c.cmd("SMOVE", "src", "dst", "a") == n(1)
    assert members(c.cmd("SMEMBERS", "dst")) == ["a", "x"]
    assert c.cmd("SMOVE", "src", "dst", "zz") == n(0)
    assert c.cmd("SMOVE", "src", "new", "b") == n(1)
    assert c.cmd("EXISTS", "src") == n(0)
    assert plain(c.cmd("SMEMBERS", "new")) == ["b"]
    # Already in the destination: removed from the source only.
    c.cmd("SADD", "src", "x")
    assert c.cmd("SMOVE", "src", "dst", "x") == n(1)
    assert c.cmd("EXISTS", "src") == n(0)
    assert members(c.cmd("SMEMBERS", "dst")) == ["a", "x"]


def test_smove_types_and_same_key(c):
    assert c.cmd("SMOVE", "missing", "str", "a") == n(0), "a missing source wins over a bad destination"
    c.cmd("SADD", "s", "a")
    assert c.cmd("SMOVE", "s", "str", "a") == err(WRONGTYPE)
    assert c.cmd("SMOVE", "s", "str", "nope") == err(WRONGTYPE)
    assert c.cmd("SMOVE", "str", "s", "a") == err(WRONGTYPE)
    assert c.cmd("SMOVE", "s", "s", "a") == n(1)
    assert c.cmd("SMOVE", "s", "s", "b") == n(0)
    assert c.cmd("SCARD", "s") == n(1)


def test_smove_intset_destination_takes_a_string(c):
    c.cmd("SADD", "src", "hello")
    c.cmd("SADD", "dst", "1", "2")
    assert c.cmd("SMOVE", "src", "dst", "hello") == n(1)
    assert members(c.cmd("SMEMBERS", "dst")) == ["1", "2", "hello"]
    assert c.cmd("OBJECT", "ENCODING", "dst") != bulk("intset")


# -- SINTER SUNION SDIFF and the STORE variants -------------------------------------------


@pytest.fixture
def abc(c):
    c.cmd("SADD", "a", "1", "2", "3", "x")
    c.cmd("SADD", "b", "2", "3", "4", "x", "y")
    c.cmd("SADD", "c", "3", "x", "z")
    return c


def test_sinter(abc, c3):
    c = abc
    assert members(c.cmd("SINTER", "a", "b")) == ["2", "3", "x"]
    assert members(c.cmd("SINTER", "a", "b", "c")) == ["3", "x"]
    assert c3.cmd("SINTER", "a", "missing") == Frame("~", [])
    assert c.cmd("SINTER", "a", "missing") == Frame("*", [])
    assert c3.cmd("SINTER", "a", "b").kind == "~"
    assert c.cmd("SINTER", "a", "str") == err(WRONGTYPE)
    assert c.cmd("SINTER", "missing", "str") == err(WRONGTYPE), "every key is type-checked"


def test_sinter_follows_the_smallest_set_order(c):
    c.cmd("SADD", "big", *[str(i) for i in range(20)])
    c.cmd("SADD", "small", "15", "3", "7")
    assert plain(c.cmd("SINTER", "big", "small")) == ["3", "7", "15"]


def test_sunion_and_sdiff(abc, c3):
    c = abc
    assert members(c.cmd("SUNION", "a", "b", "c", "missing")) == ["1", "2", "3", "4", "x", "y", "z"]
    assert members(c.cmd("SDIFF", "a", "b")) == ["1"]
    assert members(c.cmd("SDIFF", "b", "a", "c")) == ["4", "y"]
    assert members(c.cmd("SDIFF", "a", "missing")) == ["1", "2", "3", "x"]
    assert c.cmd("SDIFF", "missing", "a") == Frame("*", [])
    assert c.cmd("SDIFF", "a", "a") == Frame("*", [])
    assert c3.cmd("SUNION", "missing") == Frame("~", [])
    assert c3.cmd("SDIFF", "a", "b").kind == "~"
    assert c.cmd("SUNION", "a", "str") == err(WRONGTYPE)
    assert c.cmd("SDIFF", "missing", "str") == err(WRONGTYPE)


def test_integer_union_is_sorted(c):
    c.cmd("SADD", "p", "5", "1")
    c.cmd("SADD", "q", "3", "-2")
    assert plain(c.cmd("SUNION", "p", "q")) == ["-2", "1", "3", "5"]
    assert plain(c.cmd("SDIFF", "p", "q")) == ["1", "5"]


def test_store_variants(abc):
    c = abc
    assert c.cmd("SINTERSTORE", "dst", "a", "b") == n(3)
    assert members(c.cmd("SMEMBERS", "dst")) == ["2", "3", "x"]
    assert c.cmd("SUNIONSTORE", "dst", "a", "c") == n(5)
    assert members(c.cmd("SMEMBERS", "dst")) == ["1", "2", "3", "x", "z"]
    assert c.cmd("SDIFFSTORE", "dst", "a", "b") == n(1)
    assert plain(c.cmd("SMEMBERS", "dst")) == ["1"]
    # A destination of another type is overwritten; its TTL is dropped.
    c.cmd("EXPIRE", "str", "100")
    assert c.cmd("SUNIONSTORE", "str", "a") == n(4)
    assert c.cmd("TYPE", "str") == Frame("+", "set")
    assert c.cmd("TTL", "str") == n(-1)
    # Empty results delete the destination.
    assert c.cmd("SINTERSTORE", "dst", "a", "missing") == n(0)
    assert c.cmd("EXISTS", "dst") == n(0)
    c.cmd("SADD", "dst", "q")
    assert c.cmd("SDIFFSTORE", "dst", "a", "a") == n(0)
    assert c.cmd("EXISTS", "dst") == n(0)
    c.cmd("SADD", "dst", "q")
    assert c.cmd("SUNIONSTORE", "dst", "missing") == n(0)
    assert c.cmd("EXISTS", "dst") == n(0)
    # The destination may be a source.
    assert c.cmd("SINTERSTORE", "a", "a", "b") == n(3)
    assert members(c.cmd("SMEMBERS", "a")) == ["2", "3", "x"]
    assert c.cmd("SUNIONSTORE", "dst", "a", "str2") == n(3)
    assert c.cmd("SINTERSTORE", "dst", "a", "str") == n(3), "str holds a set now"
    c.cmd("SET", "s2", "v")
    assert c.cmd("SINTERSTORE", "dst", "a", "s2") == err(WRONGTYPE)
    assert c.cmd("SDIFFSTORE", "dst", "s2") == err(WRONGTYPE)


def test_stored_integer_results_are_intsets(c):
    c.cmd("SADD", "a", "1", "2", "3", "x")
    c.cmd("SADD", "b", "2", "3", "y")
    c.cmd("SINTERSTORE", "dst", "a", "b")
    assert c.cmd("OBJECT", "ENCODING", "dst") == bulk("intset")
    assert plain(c.cmd("SMEMBERS", "dst")) == ["2", "3"]
    c.cmd("SADD", "i", "9", "8")
    c.cmd("SUNIONSTORE", "dst", "i", "i")
    assert c.cmd("OBJECT", "ENCODING", "dst") == bulk("intset")


def test_sintercard(abc):
    c = abc
    assert c.cmd("SINTERCARD", "2", "a", "b") == n(3)
    assert c.cmd("SINTERCARD", "3", "a", "b", "c") == n(2)
    assert c.cmd("SINTERCARD", "2", "a", "b", "LIMIT", "2") == n(2)
    assert c.cmd("SINTERCARD", "2", "a", "b", "limit", "0") == n(3)
    assert c.cmd("SINTERCARD", "2", "a", "missing") == n(0)
    assert c.cmd("SINTERCARD", "1", "a") == n(4)
    assert c.cmd("SINTERCARD", "0", "a") == err("ERR numkeys should be greater than 0")
    assert c.cmd("SINTERCARD", "x", "a") == err("ERR numkeys should be greater than 0")
    assert c.cmd("SINTERCARD", "3", "a", "b") == err("ERR Number of keys can't be greater than number of args")
    assert c.cmd("SINTERCARD", "1", "a", "LIMIT", "-1") == err("ERR LIMIT can't be negative")
    assert c.cmd("SINTERCARD", "1", "a", "LIMIT", "x") == err("ERR LIMIT can't be negative")
    assert c.cmd("SINTERCARD", "1", "a", "LIMIT") == err(SYNTAX)
    assert c.cmd("SINTERCARD", "1", "a", "b") == err(SYNTAX)
    assert c.cmd("SINTERCARD", "2", "a", "str") == err(WRONGTYPE)


def test_multi_key_commands_inside_multi(abc):
    c = abc
    assert c.cmd("MULTI") == Frame("+", "OK")
    for cmd in (["SINTERCARD", "2", "a", "b"], ["SMOVE", "a", "b", "1"], ["SUNIONSTORE", "d", "a", "c"]):
        assert c.cmd(*cmd) == Frame("+", "QUEUED")
    assert c.cmd("EXEC") == Frame("*", [n(3), n(1), n(4)])


# -- SSCAN -------------------------------------------------------------------------------


def full_sscan(c, key, *opts):
    cursor, seen, calls = "0", [], 0
    while True:
        reply = plain(c.cmd("SSCAN", key, cursor, *opts))
        cursor, batch = reply
        seen.extend(batch)
        calls += 1
        if cursor == "0":
            return seen, calls


def test_sscan_small_set_in_one_call(c):
    c.cmd("SADD", "s", "a", "b", "c")
    seen, calls = full_sscan(c, "s")
    assert sorted(seen) == ["a", "b", "c"] and calls == 1
    assert plain(c.cmd("SSCAN", "s", "0", "MATCH", "b*")) == ["0", ["b"]]
    assert plain(c.cmd("SSCAN", "missing", "0")) == ["0", []]
    assert plain(c.cmd("SSCAN", "missing", "0", "COUNT", "0")) == ["0", []], "options are read after the lookup"
    c.cmd("SADD", "i", "1", "22", "3")
    assert plain(c.cmd("SSCAN", "i", "0", "MATCH", "2*")) == ["0", ["22"]]


def test_sscan_big_set_iterates_everything(c):
    c.cmd("SADD", "s", *[f"m{i}" for i in range(500)])
    seen, calls = full_sscan(c, "s", "COUNT", "20")
    assert calls > 5
    assert set(seen) == {f"m{i}" for i in range(500)}
    seen, _ = full_sscan(c, "s", "MATCH", "m1?", "COUNT", "50")
    assert sorted(set(seen)) == sorted(f"m{i}" for i in range(10, 20))


def test_sscan_errors(c):
    c.cmd("SADD", "s", "a")
    assert c.cmd("SSCAN", "s", "x") == err("ERR invalid cursor")
    assert c.cmd("SSCAN", "s", "0", "COUNT", "0") == err(SYNTAX)
    assert c.cmd("SSCAN", "s", "0", "COUNT", "x") == err(NOT_INT)
    assert c.cmd("SSCAN", "s", "0", "COUNT") == err(SYNTAX)
    assert c.cmd("SSCAN", "s", "0", "TYPE", "set") == err(SYNTAX)
    assert c.cmd("SSCAN", "s", "0", "FOO") == err(SYNTAX)
    assert c.cmd("SSCAN", "str", "0") == err(WRONGTYPE)
    assert c.cmd("SSCAN", "str", "x") == err("ERR invalid cursor"), "the cursor is parsed first"


@pytest.mark.redis74
def test_sscan_refuses_novalues(c):
    c.cmd("SADD", "s", "a")
    assert c.cmd("SSCAN", "s", "0", "NOVALUES") == err("ERR NOVALUES option can only be used in HSCAN")
    # 7.4 parses cursors with string2ull: negative ones are refused.
    assert c.cmd("SSCAN", "s", "-1") == err("ERR invalid cursor")


# -- keyspace events -----------------------------------------------------------------------


def test_set_events(events):
    assert events("SADD", "s", "a", "b", "c") == (n(3), [("sadd", "s")])
    assert events("SADD", "s", "a") == (n(0), [])
    assert events("SREM", "s", "zz") == (n(0), [])
    assert events("SREM", "s", "a") == (n(1), [("srem", "s")])
    assert events("SMOVE", "s", "t", "b") == (n(1), [("srem", "s"), ("sadd", "t")])
    assert events("SMOVE", "s", "t", "c") == (n(1), [("srem", "s"), ("del", "s"), ("sadd", "t")])
    reply, got = events("SPOP", "t")
    assert got == [("spop", "t")]
    reply, got = events("SPOP", "t", "5")
    assert got == [("spop", "t"), ("del", "t")]
    events("SADD", "u", "x", "y")
    reply, got = events("SPOP", "u", "1")
    assert got == [("spop", "u")]
    assert events("SREM", "u", "x", "y") == (n(1), [("srem", "u"), ("del", "u")])


def test_store_events(events):
    events("SADD", "a", "1", "2")
    events("SADD", "b", "2", "3")
    assert events("SINTERSTORE", "d", "a", "b")[1] == [("sinterstore", "d")]
    assert events("SUNIONSTORE", "d", "a", "b")[1] == [("sunionstore", "d")]
    assert events("SDIFFSTORE", "d", "a", "b")[1] == [("sdiffstore", "d")]
    assert events("SDIFFSTORE", "d", "a", "a")[1] == [("del", "d")]
    assert events("SINTERSTORE", "d", "a", "missing")[1] == []
