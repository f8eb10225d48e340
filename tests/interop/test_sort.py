"""SORT and SORT_RO: numeric and ALPHA order, ASC/DESC, LIMIT, BY patterns
(keys, hash fields, constant BY = no sorting), GET patterns (`#`, keys,
hash fields), STORE (list result, empty result deletes the destination),
errors, key extraction and keyspace events; RESP2 and RESP3 reply shapes."""

from __future__ import annotations

import pytest

from rawresp import Frame, drain_keyevents, plain

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
NOT_DOUBLE = "ERR One or more scores can't be converted into double"


def err(text):
    return Frame("-", text)


def sort(c, *args):
    return plain(c.cmd("SORT", *args))


@pytest.fixture
def c(raw):
    return raw()


@pytest.fixture
def weights(c):
    """List `l` of ids 3 1 2, with weights w_<id> and hashes h_<id>."""
    c.cmd("RPUSH", "l", "3", "1", "2")
    for i, w in (("1", "30"), ("2", "10"), ("3", "20")):
        c.cmd("SET", f"w_{i}", w)
        c.cmd("HSET", f"h_{i}", "name", f"n{i}", "w", str(100 - int(w)))
    return c


def test_numeric_sort_of_list_set_and_zset(c):
    c.cmd("RPUSH", "l", "10", "2", "-1.5", "3e1", "2")
    assert sort(c, "l") == ["-1.5", "2", "2", "10", "3e1"]
    assert sort(c, "l", "DESC") == ["3e1", "10", "2", "2", "-1.5"]
    c.cmd("SADD", "s", "5", "1", "4")
    assert sort(c, "s") == ["1", "4", "5"]
    c.cmd("ZADD", "z", "1", "30", "2", "10", "3", "20")
    assert sort(c, "z") == ["10", "20", "30"]
    assert sort(c, "missing") == []


def test_equal_scores_tie_break_on_the_element_bytes(c):
    c.cmd("RPUSH", "l", "1.0", "01", "1", "b", "a")
    # Every weight is missing (0): the elements' bytes decide.
    assert sort(c, "l", "BY", "nokey_*") == ["01", "1", "1.0", "a", "b"]
    assert sort(c, "l", "BY", "nokey_*", "DESC") == ["b", "a", "1.0", "1", "01"]
    c.cmd("DEL", "l")
    c.cmd("RPUSH", "l", "1.0", "01", "1", "+1", "2")
    assert sort(c, "l") == ["+1", "01", "1", "1.0", "2"]


def test_numeric_sort_rejects_non_numbers(c):
    c.cmd("RPUSH", "l", "1", "x", "2")
    assert c.cmd("SORT", "l") == err(NOT_DOUBLE)
    assert c.cmd("SORT", "l", "STORE", "d") == err(NOT_DOUBLE)
    assert c.cmd("EXISTS", "d") == Frame(":", 0)
    c.cmd("DEL", "l")
    c.cmd("RPUSH", "l", " 7", "", "0x10", "inf", "-inf")
    assert sort(c, "l") == ["-inf", "", " 7", "0x10", "inf"]
    for bad in ("7 ", "nan", "1e400"):
        c.cmd("DEL", "l")
        c.cmd("RPUSH", "l", "1", bad)
        assert c.cmd("SORT", "l") == err(NOT_DOUBLE), bad


def test_alpha_sort(c):
    c.cmd("RPUSH", "l", "b", "a", "C", "10", "9")
    assert sort(c, "l", "ALPHA") == ["10", "9", "C", "a", "b"]
    assert sort(c, "l", "ALPHA", "DESC") == ["b", "a", "C", "9", "10"]
    assert sort(c, "l", "alpha", "desc", "asc") == ["10", "9", "C", "a", "b"]


def test_limit_window(c):
    c.cmd("RPUSH", "l", *[str(i) for i in range(10, 0, -1)])
    assert sort(c, "l", "LIMIT", "0", "3") == ["1", "2", "3"]
    assert sort(c, "l", "LIMIT", "8", "5") == ["9", "10"]
    assert sort(c, "l", "LIMIT", "-5", "2") == ["1", "2"]
    assert sort(c, "l", "LIMIT", "2", "-1") == [str(i) for i in range(3, 11)]
    assert sort(c, "l", "LIMIT", "10", "1") == []
    assert sort(c, "l", "LIMIT", "0", "0") == []
    assert sort(c, "l", "LIMIT", "1", "2", "DESC") == ["9", "8"]
    assert c.cmd("SORT", "l", "LIMIT", "x", "1") == err(NOT_INT)
    assert c.cmd("SORT", "l", "LIMIT", "1", "1.5") == err(NOT_INT)
    assert c.cmd("SORT", "l", "LIMIT", "1") == err(SYNTAX)


def test_by_key_and_hash_field_patterns(weights):
    c = weights
    assert sort(c, "l", "BY", "w_*") == ["2", "3", "1"]
    assert sort(c, "l", "BY", "w_*", "DESC") == ["1", "3", "2"]
    assert sort(c, "l", "BY", "h_*->w") == ["1", "3", "2"]
    assert sort(c, "l", "BY", "h_*->name", "ALPHA", "DESC") == ["3", "2", "1"]
    # A missing weight counts as 0 (numeric) or sorts first (ALPHA).
    c.cmd("DEL", "w_3")
    assert sort(c, "l", "BY", "w_*") == ["3", "2", "1"]
    assert sort(c, "l", "BY", "w_*", "ALPHA") == ["3", "2", "1"]
    # A key of the wrong type finds nothing, as does a field of a string.
    assert sort(c, "l", "BY", "h_*") == ["1", "2", "3"]
    assert sort(c, "l", "BY", "w_*->x") == ["1", "2", "3"]
    c.cmd("SET", "w_3", "heavy")
    assert c.cmd("SORT", "l", "BY", "w_*") == err(NOT_DOUBLE)


def test_constant_by_keeps_native_order(c):
    c.cmd("RPUSH", "l", "3", "1", "2", "5", "4")
    assert sort(c, "l", "BY", "nosort") == ["3", "1", "2", "5", "4"]
    assert sort(c, "l", "BY", "nosort", "DESC") == ["4", "5", "2", "1", "3"]
    assert sort(c, "l", "BY", "nosort", "LIMIT", "1", "2") == ["1", "2"]
    assert sort(c, "l", "BY", "nosort", "LIMIT", "1", "2", "DESC") == ["5", "2"]
    assert sort(c, "l", "BY", "nosort", "LIMIT", "9", "2") == []
    # Once a constant BY was seen, a later pattern does not sort either.
    assert sort(c, "l", "BY", "nosort", "BY", "w_*") == ["3", "1", "2", "5", "4"]
    # Not even non-numbers are checked.
    c.cmd("RPUSH", "l", "x")
    assert sort(c, "l", "BY", "nosort", "LIMIT", "4", "9") == ["4", "x"]


def test_sorted_set_with_nosort_keeps_score_order(c):
    c.cmd("ZADD", "z", "1", "c", "2", "a", "3", "d", "4", "b")
    assert sort(c, "z", "BY", "nosort") == ["c", "a", "d", "b"]
    assert sort(c, "z", "BY", "nosort", "DESC") == ["b", "d", "a", "c"]
    assert sort(c, "z", "BY", "nosort", "LIMIT", "1", "2") == ["a", "d"]
    assert sort(c, "z", "BY", "nosort", "LIMIT", "1", "2", "DESC") == ["d", "a"]
    assert sort(c, "z", "BY", "nosort", "LIMIT", "3", "5", "DESC") == ["c"]
    assert sort(c, "z", "ALPHA") == ["a", "b", "c", "d"]
    c.cmd("ZADD", "big", *[x for i in range(200) for x in (str(i), f"m{i:03}")])
    assert sort(c, "big", "BY", "nosort", "LIMIT", "150", "3") == ["m150", "m151", "m152"]
    assert sort(c, "big", "BY", "nosort", "LIMIT", "150", "3", "DESC") == ["m049", "m048", "m047"]


def test_get_patterns(weights):
    c = weights
    assert sort(c, "l", "GET", "#") == ["1", "2", "3"]
    assert sort(c, "l", "BY", "w_*", "GET", "#", "GET", "w_*", "GET", "h_*->name") == [
        "2", "10", "n2", "3", "20", "n3", "1", "30", "n1",
    ]
    assert sort(c, "l", "GET", "nostar", "GET", "h_*->nofield", "GET", "h_*->") == [None] * 9
    assert sort(c, "l", "LIMIT", "0", "1", "GET", "w_*", "GET", "missing_*") == ["30", None]


def test_resp3_reply_shapes(weights, c3):
    assert c3.cmd("SORT", "l", "GET", "missing_*", "LIMIT", "0", "1") == Frame("*", [Frame("_", None)])
    assert c3.cmd("SORT", "l", "STORE", "d") == Frame(":", 3)
    assert c3.cmd("SORT_RO", "l") == Frame("*", [Frame("$", b"1"), Frame("$", b"2"), Frame("$", b"3")])


def test_store_writes_a_list_and_returns_its_length(weights):
    c = weights
    c.cmd("SET", "d", "old")
    c.cmd("EXPIRE", "d", "100")
    assert c.cmd("SORT", "l", "BY", "w_*", "GET", "#", "GET", "nokey_*", "STORE", "d") == Frame(":", 6)
    assert plain(c.cmd("LRANGE", "d", "0", "-1")) == ["2", "", "3", "", "1", ""]
    assert c.cmd("TTL", "d") == Frame(":", -1)
    assert c.cmd("SORT", "l", "LIMIT", "5", "1", "STORE", "d") == Frame(":", 0)
    assert c.cmd("EXISTS", "d") == Frame(":", 0)
    assert c.cmd("SORT", "missing", "STORE", "d") == Frame(":", 0)


@pytest.mark.redis74
def test_stored_list_is_listpack_when_it_fits_one_node(c):
    c.cmd("RPUSH", "l", "3", "1", "2")
    assert c.cmd("SORT", "l", "STORE", "d") == Frame(":", 3)
    assert c.cmd("OBJECT", "ENCODING", "d") == Frame("$", b"listpack")
    c.cmd("RPUSH", "big", *[str(i) for i in range(300)])
    assert c.cmd("SORT", "big", "STORE", "d2") == Frame(":", 300)
    assert c.cmd("OBJECT", "ENCODING", "d2") == Frame("$", b"listpack")
    c.cmd("RPUSH", "long", *[f"{i:05}" + "x" * 60 for i in range(200)])
    assert c.cmd("SORT", "long", "ALPHA", "STORE", "d3") == Frame(":", 200)
    assert c.cmd("OBJECT", "ENCODING", "d3") == Frame("$", b"quicklist")


def test_store_of_a_set_with_nosort_is_sorted(c):
    c.cmd("SADD", "s", "b", "c", "a", "10")
    assert c.cmd("SORT", "s", "BY", "nosort", "STORE", "d") == Frame(":", 4)
    assert plain(c.cmd("LRANGE", "d", "0", "-1")) == ["10", "a", "b", "c"]
    assert c.cmd("SORT", "s", "BY", "nosort", "DESC", "LIMIT", "0", "2", "STORE", "d") == Frame(":", 2)
    assert plain(c.cmd("LRANGE", "d", "0", "-1")) == ["c", "b"]


def test_store_onto_the_source_key(c):
    c.cmd("RPUSH", "l", "3", "1", "2")
    assert c.cmd("SORT", "l", "STORE", "l") == Frame(":", 3)
    assert plain(c.cmd("LRANGE", "l", "0", "-1")) == ["1", "2", "3"]


def test_errors(c):
    c.cmd("SET", "str", "x")
    c.cmd("HSET", "h", "f", "v")
    assert c.cmd("SORT", "str") == err(WRONGTYPE)
    assert c.cmd("SORT", "h") == err(WRONGTYPE)
    assert c.cmd("SORT_RO", "str") == err(WRONGTYPE)
    # Options are parsed before the key is looked up.
    assert c.cmd("SORT", "str", "LIMIT", "a", "1") == err(NOT_INT)
    assert c.cmd("SORT", "str", "BOGUS") == err(SYNTAX)
    assert c.cmd("SORT", "l", "BY") == err(SYNTAX)
    assert c.cmd("SORT", "l", "GET") == err(SYNTAX)
    assert c.cmd("SORT", "l", "STORE") == err(SYNTAX)
    assert c.cmd("SORT_RO", "l", "STORE", "d") == err(SYNTAX)
    assert c.cmd("SORT") == err("ERR wrong number of arguments for 'sort' command")
    assert c.cmd("SORT_RO") == err("ERR wrong number of arguments for 'sort_ro' command")


def test_sort_ro_reads_like_sort(weights):
    c = weights
    assert plain(c.cmd("SORT_RO", "l", "BY", "w_*", "GET", "h_*->name", "DESC")) == ["n1", "n3", "n2"]
    assert plain(c.cmd("SORT_RO", "l", "LIMIT", "0", "2", "ALPHA")) == ["1", "2"]


def test_getkeys_sees_the_destination(c):
    def keys(*args):
        return plain(c.cmd("COMMAND", "GETKEYS", *args))

    assert keys("SORT", "k") == ["k"]
    assert keys("SORT", "k", "STORE", "d") == ["k", "d"]
    assert keys("SORT", "k", "BY", "store", "GET", "store", "LIMIT", "0", "1", "STORE", "d1", "STORE", "d2") == [
        "k", "d2",
    ]
    assert keys("SORT_RO", "k", "GET", "#") == ["k"]


def test_watch_is_dirtied_by_store(c, raw):
    other = raw()
    c.cmd("RPUSH", "l", "2", "1")
    c.cmd("WATCH", "d")
    other.cmd("SORT", "l", "STORE", "d")
    c.cmd("MULTI")
    c.cmd("GET", "x")
    assert c.cmd("EXEC") == Frame("*", None)


def test_sort_inside_multi(c):
    c.cmd("RPUSH", "l", "2", "1")
    c.cmd("SET", "w_1", "5")
    c.cmd("MULTI")
    c.cmd("SORT", "l", "BY", "w_*", "STORE", "d")
    c.cmd("LRANGE", "d", "0", "-1")
    assert plain(c.cmd("EXEC")) == [2, ["2", "1"]]


def test_keyspace_events(c, raw):
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
    sub = raw()
    sub.cmd("PSUBSCRIBE", "__keyevent@0__:*")
    try:
        c.cmd("RPUSH", "l", "1")
        c.cmd("SORT", "l", "STORE", "d")
        c.cmd("SORT", "l", "LIMIT", "5", "1", "STORE", "d")
        c.cmd("SORT", "l", "LIMIT", "5", "1", "STORE", "d")
        c.cmd("PING")
        assert drain_keyevents(sub) == [("rpush", "l"), ("sortstore", "d"), ("del", "d")]
    finally:
        c.cmd("CONFIG", "SET", "notify-keyspace-events", "")
