"""String commands: GET SET (and options) SETNX SETEX PSETEX MGET MSET MSETNX
GETSET GETDEL GETEX APPEND STRLEN GETRANGE SETRANGE SUBSTR INCR DECR INCRBY
DECRBY INCRBYFLOAT LCS."""

import time

import pytest
import redis

from rawresp import Frame, plain

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
OVERFLOW = "ERR increment or decrement would overflow"
I64_MAX = 9223372036854775807
I64_MIN = -9223372036854775808


def err(text):
    return Frame("-", text)


@pytest.fixture
def c(raw):
    """A raw RESP2 connection with a list key `list` for WRONGTYPE checks."""
    conn = raw()
    assert conn.cmd("RPUSH", "list", "a") == Frame(":", 1)
    return conn


# -- GET / SET -------------------------------------------------------------------


def test_get_missing_is_null_per_protocol(c, c3):
    assert c.cmd("GET", "nope") == Frame("$", None)
    assert c3.cmd("GET", "nope") == Frame("_", None)


def test_set_get_roundtrip_is_binary_safe(c):
    value = bytes(range(256)) + b"\r\n$-1\r\n"
    assert c.cmd("SET", b"k\x00ey", value) == Frame("+", "OK")
    assert c.cmd("GET", b"k\x00ey") == Frame("$", value)
    assert c.cmd("SET", "empty", "") == Frame("+", "OK")
    assert c.cmd("GET", "empty") == Frame("$", b"")


def test_set_large_value(r2):
    value = "x" * (1 << 20)
    assert r2.set("big", value)
    assert r2.get("big") == value
    assert r2.strlen("big") == 1 << 20


def test_set_overwrites_any_type(c):
    assert c.cmd("SET", "list", "now a string") == Frame("+", "OK")
    assert c.cmd("GET", "list") == Frame("$", b"now a string")


def test_set_nx_does_not_overwrite(c):
    assert c.cmd("SET", "k", "1", "NX") == Frame("+", "OK")
    assert c.cmd("SET", "k", "2", "NX") == Frame("$", None)
    assert c.cmd("GET", "k") == Frame("$", b"1")


def test_set_nx_null_is_resp3_null(c3):
    c3.cmd("SET", "k", "1")
    assert c3.cmd("SET", "k", "2", "NX") == Frame("_", None)


def test_set_xx_only_overwrites(c):
    assert c.cmd("SET", "k", "1", "XX") == Frame("$", None)
    assert c.cmd("EXISTS", "k") == Frame(":", 0)
    c.cmd("SET", "k", "1")
    assert c.cmd("SET", "k", "2", "xx") == Frame("+", "OK")
    assert c.cmd("GET", "k") == Frame("$", b"2")


def test_set_ex_px_set_ttl(c):
    c.cmd("SET", "a", "v", "EX", "100")
    assert 99 <= c.cmd("TTL", "a").value <= 100
    c.cmd("SET", "b", "v", "PX", "100000")
    assert 99000 <= c.cmd("PTTL", "b").value <= 100000


def test_set_exat_pxat_set_absolute_expiry(c):
    at = int(time.time()) + 1000
    c.cmd("SET", "a", "v", "EXAT", str(at))
    assert c.cmd("EXPIRETIME", "a") == Frame(":", at)
    c.cmd("SET", "b", "v", "PXAT", str(at * 1000 + 123))
    assert c.cmd("PEXPIRETIME", "b") == Frame(":", at * 1000 + 123)


def test_set_exat_in_the_past_deletes(c):
    c.cmd("SET", "a", "old")
    assert c.cmd("SET", "a", "v", "EXAT", "1") == Frame("+", "OK")
    assert c.cmd("EXISTS", "a") == Frame(":", 0)


def test_set_px_expires(c):
    c.cmd("SET", "a", "v", "PX", "50")
    time.sleep(0.15)
    assert c.cmd("GET", "a") == Frame("$", None)


def test_plain_set_clears_ttl_and_keepttl_keeps_it(c):
    c.cmd("SET", "a", "v", "EX", "100")
    c.cmd("SET", "a", "w", "KEEPTTL")
    assert c.cmd("TTL", "a").value > 0
    c.cmd("SET", "a", "x")
    assert c.cmd("TTL", "a") == Frame(":", -1)


def test_set_get_returns_old_value(c):
    assert c.cmd("SET", "k", "1", "GET") == Frame("$", None)
    assert c.cmd("SET", "k", "2", "GET") == Frame("$", b"1")
    assert c.cmd("GET", "k") == Frame("$", b"2")


def test_set_nx_get_returns_old_value_without_setting(c):
    c.cmd("SET", "k", "old")
    assert c.cmd("SET", "k", "new", "NX", "GET") == Frame("$", b"old")
    assert c.cmd("GET", "k") == Frame("$", b"old")
    assert c.cmd("SET", "fresh", "v", "NX", "GET") == Frame("$", None)
    assert c.cmd("GET", "fresh") == Frame("$", b"v")


def test_set_xx_get(c):
    assert c.cmd("SET", "k", "v", "XX", "GET") == Frame("$", None)
    assert c.cmd("EXISTS", "k") == Frame(":", 0)
    c.cmd("SET", "k", "a")
    assert c.cmd("SET", "k", "b", "XX", "GET") == Frame("$", b"a")


def test_set_get_on_wrong_type_fails_and_keeps_value(c):
    assert c.cmd("SET", "list", "v", "GET") == err(WRONGTYPE)
    assert c.cmd("TYPE", "list") == Frame("+", "list")


@pytest.mark.parametrize(
    "opts",
    [
        ["NX", "XX"],
        ["EX", "10", "PX", "100"],
        ["EX", "10", "KEEPTTL"],
        ["PX", "10", "EXAT", "100"],
        ["EXAT", "10", "PXAT", "100"],
        ["KEEPTTL", "PXAT", "100"],
        ["EX"],
        ["FOO"],
        ["EX", "10", "EX", "20", "NX", "XX"],
        ["GET", "GET", "FOO"],
    ],
)
def test_set_invalid_option_combinations_are_syntax_errors(c, opts):
    assert c.cmd("SET", "k", "v", *opts) == err(SYNTAX)
    assert c.cmd("EXISTS", "k") == Frame(":", 0)


@pytest.mark.parametrize(
    "opts",
    [
        ["EX", "0"],
        ["EX", "-5"],
        ["PX", "0"],
        ["EXAT", "0"],
        ["PXAT", "-1"],
        ["EX", str(I64_MAX)],
        ["PX", str(I64_MAX)],
        ["EX", "9223372036854775"],
    ],
)
def test_set_bad_expire_time(c, opts):
    assert c.cmd("SET", "k", "v", *opts) == err("ERR invalid expire time in 'set' command")


def test_set_non_integer_expire(c):
    assert c.cmd("SET", "k", "v", "EX", "abc") == err(NOT_INT)
    assert c.cmd("SET", "k", "v", "PX", "1.5") == err(NOT_INT)


def test_set_options_are_case_insensitive(c):
    assert c.cmd("SET", "k", "v", "ex", "100", "nx") == Frame("+", "OK")
    assert c.cmd("TTL", "k").value > 0


def test_redis_py_set_options(r2, r3):
    for r in (r2, r3):
        r.flushall()
        assert r.set("a", "1", ex=100, nx=True) is True
        assert r.set("a", "2", nx=True) is None
        assert r.set("a", "3", xx=True, get=True, keepttl=True) == "1"
        assert r.ttl("a") > 0
        assert r.set("a", "4")
        assert r.ttl("a") == -1
        assert r.get("a") == "4"


# -- SETNX SETEX PSETEX ----------------------------------------------------------


def test_setnx(c):
    assert c.cmd("SETNX", "k", "a") == Frame(":", 1)
    assert c.cmd("SETNX", "k", "b") == Frame(":", 0)
    assert c.cmd("GET", "k") == Frame("$", b"a")
    assert c.cmd("SETNX", "list", "b") == Frame(":", 0)


def test_setex_psetex(c):
    assert c.cmd("SETEX", "a", "100", "v") == Frame("+", "OK")
    assert 99 <= c.cmd("TTL", "a").value <= 100
    assert c.cmd("PSETEX", "b", "100000", "v") == Frame("+", "OK")
    assert 99000 <= c.cmd("PTTL", "b").value <= 100000
    assert c.cmd("SETEX", "list", "100", "v") == Frame("+", "OK")  # overwrites any type


@pytest.mark.parametrize("cmd", ["SETEX", "PSETEX"])
def test_setex_errors(c, cmd):
    name = cmd.lower()
    assert c.cmd(cmd, "k", "0", "v") == err(f"ERR invalid expire time in '{name}' command")
    assert c.cmd(cmd, "k", "-1", "v") == err(f"ERR invalid expire time in '{name}' command")
    assert c.cmd(cmd, "k", "abc", "v") == err(NOT_INT)
    assert c.cmd(cmd, "k", "10") == err(f"ERR wrong number of arguments for '{name}' command")


# -- MGET MSET MSETNX -------------------------------------------------------------


def test_mget_returns_null_for_missing_and_wrong_type(c, c3):
    c.cmd("SET", "a", "1")
    expected = [Frame("$", b"1"), Frame("$", None), Frame("$", None)]
    assert c.cmd("MGET", "a", "missing", "list") == Frame("*", expected)
    expected3 = [Frame("$", b"1"), Frame("_", None), Frame("_", None)]
    assert c3.cmd("MGET", "a", "missing", "list") == Frame("*", expected3)


def test_mset_sets_all_and_clears_ttl(c):
    c.cmd("SET", "a", "old", "EX", "100")
    assert c.cmd("MSET", "a", "1", "b", "2", "a", "3") == Frame("+", "OK")
    assert plain(c.cmd("MGET", "a", "b")) == ["3", "2"]
    assert c.cmd("TTL", "a") == Frame(":", -1)


def test_msetnx_is_all_or_nothing(c):
    assert c.cmd("MSETNX", "a", "1", "b", "2") == Frame(":", 1)
    assert c.cmd("MSETNX", "b", "x", "c", "3") == Frame(":", 0)
    assert c.cmd("EXISTS", "c") == Frame(":", 0)
    assert c.cmd("GET", "b") == Frame("$", b"2")
    assert c.cmd("MSETNX", "list", "x") == Frame(":", 0)
    assert c.cmd("MSETNX", "a") == err("ERR wrong number of arguments for 'msetnx' command")


# -- GETSET GETDEL GETEX -----------------------------------------------------------


def test_getset(c):
    assert c.cmd("GETSET", "k", "a") == Frame("$", None)
    c.cmd("EXPIRE", "k", "100")
    assert c.cmd("GETSET", "k", "b") == Frame("$", b"a")
    assert c.cmd("TTL", "k") == Frame(":", -1)
    assert c.cmd("GETSET", "list", "b") == err(WRONGTYPE)


def test_getdel(c):
    c.cmd("SET", "k", "v")
    assert c.cmd("GETDEL", "k") == Frame("$", b"v")
    assert c.cmd("GETDEL", "k") == Frame("$", None)
    assert c.cmd("EXISTS", "k") == Frame(":", 0)
    assert c.cmd("GETDEL", "list") == err(WRONGTYPE)


def test_getex_sets_and_removes_ttl(c):
    c.cmd("SET", "k", "v")
    assert c.cmd("GETEX", "k") == Frame("$", b"v")
    assert c.cmd("TTL", "k") == Frame(":", -1)
    assert c.cmd("GETEX", "k", "EX", "100") == Frame("$", b"v")
    assert 99 <= c.cmd("TTL", "k").value <= 100
    assert c.cmd("GETEX", "k", "PX", "200000") == Frame("$", b"v")
    assert c.cmd("PTTL", "k").value > 100000
    at = int(time.time()) + 500
    assert c.cmd("GETEX", "k", "EXAT", str(at)) == Frame("$", b"v")
    assert c.cmd("EXPIRETIME", "k") == Frame(":", at)
    assert c.cmd("GETEX", "k", "PXAT", str(at * 1000 + 7)) == Frame("$", b"v")
    assert c.cmd("PEXPIRETIME", "k") == Frame(":", at * 1000 + 7)
    assert c.cmd("GETEX", "k", "PERSIST") == Frame("$", b"v")
    assert c.cmd("TTL", "k") == Frame(":", -1)


def test_getex_in_the_past_deletes(c):
    c.cmd("SET", "k", "v")
    assert c.cmd("GETEX", "k", "EXAT", "1") == Frame("$", b"v")
    assert c.cmd("EXISTS", "k") == Frame(":", 0)


def test_getex_errors(c):
    c.cmd("SET", "k", "v")
    assert c.cmd("GETEX", "k", "EX", "100", "PX", "100") == err(SYNTAX)
    assert c.cmd("GETEX", "k", "EX", "10", "PERSIST") == err(SYNTAX)
    assert c.cmd("GETEX", "k", "FOO") == err(SYNTAX)
    assert c.cmd("GETEX", "k", "EX", "0") == err("ERR invalid expire time in 'getex' command")
    assert c.cmd("GETEX", "k", "EX", "-1") == err("ERR invalid expire time in 'getex' command")
    assert c.cmd("GETEX", "k", "EX", "x") == err(NOT_INT)
    assert c.cmd("GETEX", "missing", "EX", "10") == Frame("$", None)
    assert c.cmd("GETEX", "list") == err(WRONGTYPE)


# -- APPEND STRLEN GETRANGE SETRANGE SUBSTR -------------------------------------------


def test_append_and_strlen(c):
    assert c.cmd("APPEND", "k", "abc") == Frame(":", 3)
    assert c.cmd("APPEND", "k", "de") == Frame(":", 5)
    assert c.cmd("APPEND", "k", "") == Frame(":", 5)
    assert c.cmd("GET", "k") == Frame("$", b"abcde")
    assert c.cmd("STRLEN", "k") == Frame(":", 5)
    assert c.cmd("STRLEN", "missing") == Frame(":", 0)
    c.cmd("SET", "n", "12345")
    assert c.cmd("STRLEN", "n") == Frame(":", 5)
    assert c.cmd("APPEND", "n", "6") == Frame(":", 6)
    assert c.cmd("INCR", "n") == Frame(":", 123457)
    assert c.cmd("APPEND", "list", "x") == err(WRONGTYPE)
    assert c.cmd("STRLEN", "list") == err(WRONGTYPE)


def test_append_keeps_ttl(c):
    c.cmd("SET", "k", "a", "EX", "100")
    c.cmd("APPEND", "k", "b")
    assert c.cmd("TTL", "k").value > 0


@pytest.mark.parametrize(
    "start,end,expected",
    [
        ("0", "4", b"Hello"),
        ("-5", "-1", b"World"),
        ("5", "3", b""),
        ("-100", "100", b"Hello World"),
        ("100", "200", b""),
        ("-1", "-5", b""),
        ("0", "-1", b"Hello World"),
        ("6", "6", b"W"),
    ],
)
def test_getrange(c, start, end, expected):
    c.cmd("SET", "s", "Hello World")
    assert c.cmd("GETRANGE", "s", start, end) == Frame("$", expected)


def test_getrange_edge_cases(c):
    assert c.cmd("GETRANGE", "missing", "0", "-1") == Frame("$", b"")
    c.cmd("SET", "e", "")
    assert c.cmd("GETRANGE", "e", "0", "-1") == Frame("$", b"")
    c.cmd("SET", "n", "12345")
    assert c.cmd("GETRANGE", "n", "1", "2") == Frame("$", b"23")
    assert c.cmd("GETRANGE", "n", "0", "x") == err(NOT_INT)
    assert c.cmd("GETRANGE", "list", "0", "1") == err(WRONGTYPE)


def test_substr_is_getrange(c):
    c.cmd("SET", "s", "Hello World")
    assert c.cmd("SUBSTR", "s", "0", "2") == Frame("$", b"Hel")
    assert c.cmd("SUBSTR", "s", "-3", "-1") == Frame("$", b"rld")


def test_setrange(c):
    c.cmd("SET", "k", "Hello World")
    assert c.cmd("SETRANGE", "k", "6", "Redis") == Frame(":", 11)
    assert c.cmd("GET", "k") == Frame("$", b"Hello Redis")
    assert c.cmd("SETRANGE", "k", "11", "!!") == Frame(":", 13)
    assert c.cmd("SETRANGE", "pad", "3", "ab") == Frame(":", 5)
    assert c.cmd("GET", "pad") == Frame("$", b"\x00\x00\x00ab")
    c.cmd("SET", "n", "12345")
    assert c.cmd("SETRANGE", "n", "0", "9") == Frame(":", 5)
    assert c.cmd("GET", "n") == Frame("$", b"92345")


def test_setrange_empty_value_creates_nothing(c):
    assert c.cmd("SETRANGE", "missing", "0", "") == Frame(":", 0)
    assert c.cmd("SETRANGE", "missing", "100", "") == Frame(":", 0)
    assert c.cmd("EXISTS", "missing") == Frame(":", 0)
    c.cmd("SET", "k", "abc")
    assert c.cmd("SETRANGE", "k", "10", "") == Frame(":", 3)


def test_setrange_errors(c):
    assert c.cmd("SETRANGE", "k", "-1", "x") == err("ERR offset is out of range")
    assert c.cmd("SETRANGE", "k", "536870912", "x") == err(
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    )
    assert c.cmd("SETRANGE", "k", "x", "x") == err(NOT_INT)
    assert c.cmd("SETRANGE", "list", "0", "x") == err(WRONGTYPE)


# -- INCR family -------------------------------------------------------------------------


def test_incr_decr_family(c):
    assert c.cmd("INCR", "n") == Frame(":", 1)
    assert c.cmd("INCRBY", "n", "10") == Frame(":", 11)
    assert c.cmd("DECR", "n") == Frame(":", 10)
    assert c.cmd("DECRBY", "n", "20") == Frame(":", -10)
    assert c.cmd("INCRBY", "n", "-5") == Frame(":", -15)
    assert c.cmd("GET", "n") == Frame("$", b"-15")
    assert c.cmd("DECR", "fresh") == Frame(":", -1)


def test_incr_keeps_ttl(c):
    c.cmd("SET", "n", "1", "EX", "100")
    c.cmd("INCR", "n")
    assert c.cmd("TTL", "n").value > 0


@pytest.mark.parametrize("value", ["abc", "007", " 1", "1 ", "1.5", "+1", "-0", "", "1e3",
                                    "9223372036854775808", "0x10"])
def test_incr_rejects_non_canonical_integers(c, value):
    c.cmd("SET", "n", value)
    assert c.cmd("INCR", "n") == err(NOT_INT)
    assert c.cmd("GET", "n") == Frame("$", value.encode())


def test_incrby_bad_increment(c):
    assert c.cmd("INCRBY", "n", "abc") == err(NOT_INT)
    assert c.cmd("INCRBY", "n", "1.0") == err(NOT_INT)
    assert c.cmd("DECRBY", "n", "9223372036854775808") == err(NOT_INT)


def test_incr_overflow(c):
    c.cmd("SET", "n", str(I64_MAX))
    assert c.cmd("INCR", "n") == err(OVERFLOW)
    assert c.cmd("INCRBY", "n", "1") == err(OVERFLOW)
    c.cmd("SET", "n", str(I64_MIN))
    assert c.cmd("DECR", "n") == err(OVERFLOW)
    assert c.cmd("DECRBY", "n", "1") == err(OVERFLOW)
    assert c.cmd("INCRBY", "n", "-1") == err(OVERFLOW)
    assert c.cmd("GET", "n") == Frame("$", str(I64_MIN).encode())


def test_decrby_min_has_its_own_error(c):
    c.cmd("SET", "n", "1")
    assert c.cmd("DECRBY", "n", str(I64_MIN)) == err("ERR decrement would overflow")
    assert c.cmd("INCRBY", "n", str(I64_MIN)) == Frame(":", I64_MIN + 1)


def test_incr_on_wrong_type(c):
    for cmd in (["INCR", "list"], ["DECR", "list"], ["INCRBY", "list", "2"], ["DECRBY", "list", "2"],
                ["INCRBYFLOAT", "list", "1.5"]):
        assert c.cmd(*cmd) == err(WRONGTYPE)


@pytest.mark.parametrize(
    "start,incr,expected",
    [
        ("1005.75", "0.01", b"1005.76000000000000001"),
        ("10.5", "0.1", b"10.6"),
        ("5.0e3", "2.0e2", b"5200"),
        (None, "3", b"3"),
        (None, "1e-5", b"0.00001"),
        (None, "-0", b"0"),
        ("10", "-10", b"0"),
        ("3", "1.5", b"4.5"),
        ("-1.5", "0.25", b"-1.25"),
        ("17179869184", "1.5", b"17179869185.5"),
    ],
)
def test_incrbyfloat_formatting(c, start, incr, expected):
    if start is not None:
        c.cmd("SET", "f", start)
    assert c.cmd("INCRBYFLOAT", "f", incr) == Frame("$", expected)
    assert c.cmd("GET", "f") == Frame("$", expected)


def test_incrbyfloat_huge_increment_prints_all_digits(c):
    c.cmd("SET", "f", "5200")
    reply = c.cmd("INCRBYFLOAT", "f", "1e400")
    assert reply.kind == "$"
    assert len(reply.value) == 401
    assert reply.value.startswith(b"1000000000000000000028188068394758651458")


def test_incrbyfloat_is_bulk_in_resp3(c3):
    assert c3.cmd("INCRBYFLOAT", "f", "2.5") == Frame("$", b"2.5")


def test_incrbyfloat_errors(c):
    c.cmd("SET", "f", "1")
    assert c.cmd("INCRBYFLOAT", "f", "inf") == err("ERR increment would produce NaN or Infinity")
    assert c.cmd("INCRBYFLOAT", "f", "-inf") == err("ERR increment would produce NaN or Infinity")
    assert c.cmd("INCRBYFLOAT", "f", "nan") == err("ERR value is not a valid float")
    assert c.cmd("INCRBYFLOAT", "f", "abc") == err("ERR value is not a valid float")
    c.cmd("SET", "s", "abc")
    assert c.cmd("INCRBYFLOAT", "s", "1") == err("ERR value is not a valid float")
    assert c.cmd("GET", "f") == Frame("$", b"1")


def test_redis_py_incrbyfloat(r2, r3):
    assert r2.incrbyfloat("f", 1.5) == 1.5
    assert r3.incrbyfloat("f", 1) == 2.5


# -- LCS -------------------------------------------------------------------------------------


@pytest.fixture
def lcs(c):
    c.cmd("MSET", "key1", "ohmytext", "key2", "mynewtext")
    return c


def test_lcs_string_and_len(lcs):
    assert lcs.cmd("LCS", "key1", "key2") == Frame("$", b"mytext")
    assert lcs.cmd("LCS", "key1", "key2", "LEN") == Frame(":", 6)
    assert lcs.cmd("LCS", "key1", "missing") == Frame("$", b"")
    assert lcs.cmd("LCS", "missing", "missing2", "LEN") == Frame(":", 0)


def test_lcs_idx_resp2(lcs):
    assert plain(lcs.cmd("LCS", "key1", "key2", "IDX")) == [
        "matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], "len", 6,
    ]
    assert plain(lcs.cmd("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4")) == [
        "matches", [[[4, 7], [5, 8]]], "len", 6,
    ]
    assert plain(lcs.cmd("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")) == [
        "matches", [[[4, 7], [5, 8], 4]], "len", 6,
    ]
    assert plain(lcs.cmd("LCS", "key1", "key2", "IDX", "WITHMATCHLEN")) == [
        "matches", [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], "len", 6,
    ]


def test_lcs_idx_is_a_map_in_resp3(raw):
    c = raw()
    c.cmd("HELLO", "3")
    c.cmd("MSET", "key1", "ohmytext", "key2", "mynewtext")
    reply = c.cmd("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")
    assert reply.kind == "%"
    assert plain(reply) == {"matches": [[[4, 7], [5, 8], 4]], "len": 6}
    assert plain(c.cmd("LCS", "a", "b", "IDX")) == {"matches": [], "len": 0}


def test_lcs_errors(lcs):
    assert lcs.cmd("LCS", "key1", "key2", "LEN", "IDX") == err(
        "ERR If you want both the length and indexes, please just use IDX."
    )
    assert lcs.cmd("LCS", "key1", "key2", "FOO") == err(SYNTAX)
    assert lcs.cmd("LCS", "key1", "key2", "MINMATCHLEN", "x") == err(NOT_INT)
    assert lcs.cmd("LCS", "key1", "list") == err("ERR The specified keys must contain string values")


def test_lcs_refuses_a_table_past_proto_max_bulk_len(c):
    # 20001 * 20001 four-byte counters: 1.6 GB, over the 512 MB default.
    c.cmd("MSET", "a", "x" * 20_000, "b", "y" * 20_000)
    assert c.cmd("LCS", "a", "b", "LEN") == err(
        "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"
    )
    assert c.cmd("PING") == Frame("+", "PONG")


# -- WRONGTYPE, all string commands ------------------------------------------------------------


@pytest.mark.parametrize(
    "cmd",
    [
        ["GET", "list"],
        ["GETRANGE", "list", "0", "1"],
        ["SUBSTR", "list", "0", "1"],
        ["GETDEL", "list"],
        ["GETEX", "list"],
        ["GETSET", "list", "v"],
        ["APPEND", "list", "v"],
        ["STRLEN", "list"],
        ["SETRANGE", "list", "0", "v"],
        ["INCR", "list"],
    ],
)
def test_string_commands_on_a_list_are_wrongtype(c, cmd):
    assert c.cmd(*cmd) == err(WRONGTYPE)


def test_redis_py_wrongtype_error_class(r2):
    r2.rpush("l", "a")
    with pytest.raises(redis.ResponseError, match="^WRONGTYPE"):
        r2.get("l")
