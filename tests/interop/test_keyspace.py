"""Keyspace commands: DEL UNLINK EXISTS TYPE TOUCH, the EXPIRE family and TTL
queries, KEYS SCAN RANDOMKEY, RENAME RENAMENX MOVE COPY, OBJECT, DBSIZE
FLUSHDB FLUSHALL SWAPDB.

Lists (RPUSH) are the only non-string type used, so these tests run against
a server that has strings and lists only."""

import time

import pytest

from rawresp import Frame, plain

NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
OUT_OF_RANGE = "ERR DB index is out of range"
SAME = "ERR source and destination objects are the same"


def err(text):
    return Frame("-", text)


def ok():
    return Frame("+", "OK")


def n(value):
    return Frame(":", value)


@pytest.fixture
def c(raw):
    return raw()


# -- DEL UNLINK EXISTS TYPE TOUCH ---------------------------------------------------


@pytest.mark.parametrize("cmd", ["DEL", "UNLINK"])
def test_del_counts_removed_keys(c, cmd):
    c.cmd("MSET", "a", "1", "b", "2")
    c.cmd("RPUSH", "l", "x")
    assert c.cmd(cmd, "a", "l", "missing", "a") == n(2)
    assert c.cmd("EXISTS", "a", "b", "l") == n(1)
    assert c.cmd(cmd) == err(f"ERR wrong number of arguments for '{cmd.lower()}' command")


def test_exists_counts_repeats(c):
    c.cmd("SET", "a", "1")
    assert c.cmd("EXISTS", "a", "a", "a", "missing") == n(3)
    assert c.cmd("EXISTS", "missing") == n(0)


def test_type(c):
    c.cmd("SET", "s", "v")
    c.cmd("SET", "i", "12")
    c.cmd("RPUSH", "l", "x")
    assert c.cmd("TYPE", "s") == Frame("+", "string")
    assert c.cmd("TYPE", "i") == Frame("+", "string")
    assert c.cmd("TYPE", "l") == Frame("+", "list")
    assert c.cmd("TYPE", "missing") == Frame("+", "none")


def test_touch_counts_existing_keys(c):
    c.cmd("MSET", "a", "1", "b", "2")
    assert c.cmd("TOUCH", "a", "missing", "b", "a") == n(3)


def test_touch_resets_idle_time(r2):
    r2.set("k", "some value")
    time.sleep(1.1)
    assert r2.object("idletime", "k") >= 1
    r2.touch("k")
    assert r2.object("idletime", "k") == 0


# -- EXPIRE family -------------------------------------------------------------------


@pytest.mark.parametrize("cmd,arg,ttl_cmd,lo,hi", [
    ("EXPIRE", "100", "TTL", 99, 100),
    ("PEXPIRE", "100000", "PTTL", 99000, 100000),
])
def test_relative_expire(c, cmd, arg, ttl_cmd, lo, hi):
    c.cmd("SET", "k", "v")
    assert c.cmd(cmd, "k", arg) == n(1)
    assert lo <= c.cmd(ttl_cmd, "k").value <= hi
    assert c.cmd(cmd, "missing", arg) == n(0)


def test_absolute_expire_and_expiretime(c):
    at = int(time.time()) + 1000
    c.cmd("SET", "k", "v")
    assert c.cmd("EXPIREAT", "k", str(at)) == n(1)
    assert c.cmd("EXPIRETIME", "k") == n(at)
    assert c.cmd("PEXPIRETIME", "k") == n(at * 1000)
    assert c.cmd("PEXPIREAT", "k", str(at * 1000 + 499)) == n(1)
    assert c.cmd("PEXPIRETIME", "k") == n(at * 1000 + 499)
    assert c.cmd("EXPIRETIME", "k") == n(at)  # rounded to the nearest second
    c.cmd("PEXPIREAT", "k", str(at * 1000 + 500))
    assert c.cmd("EXPIRETIME", "k") == n(at + 1)
    assert c.cmd("EXPIREAT", "missing", str(at)) == n(0)


def test_ttl_queries_for_missing_and_persistent_keys(c):
    c.cmd("SET", "k", "v")
    for cmd in ("TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"):
        assert c.cmd(cmd, "missing") == n(-2), cmd
        assert c.cmd(cmd, "k") == n(-1), cmd


def test_ttl_rounds_to_nearest_second(c):
    c.cmd("SET", "k", "v", "PX", "2600")
    assert c.cmd("TTL", "k") == n(3)
    c.cmd("SET", "k", "v", "PX", "2400")
    assert c.cmd("TTL", "k") == n(2)


@pytest.mark.parametrize("cmd,arg", [
    ("EXPIRE", "-1"), ("EXPIRE", "0"), ("PEXPIRE", "-100"), ("EXPIREAT", "1"), ("PEXPIREAT", "1"),
])
def test_expire_in_the_past_deletes(c, cmd, arg):
    c.cmd("SET", "k", "v")
    assert c.cmd(cmd, "k", arg) == n(1)
    assert c.cmd("EXISTS", "k") == n(0)


def test_key_expires_and_disappears(c):
    c.cmd("SET", "k", "v")
    c.cmd("PEXPIRE", "k", "100")
    assert c.cmd("EXISTS", "k") == n(1)
    time.sleep(0.25)
    assert c.cmd("EXISTS", "k") == n(0)
    assert c.cmd("TTL", "k") == n(-2)
    assert c.cmd("DBSIZE") == n(0)


def test_expire_nx_xx(c):
    c.cmd("SET", "k", "v")
    assert c.cmd("EXPIRE", "k", "100", "XX") == n(0)
    assert c.cmd("TTL", "k") == n(-1)
    assert c.cmd("EXPIRE", "k", "100", "NX") == n(1)
    assert c.cmd("EXPIRE", "k", "200", "NX") == n(0)
    assert c.cmd("EXPIRE", "k", "300", "XX") == n(1)
    assert c.cmd("TTL", "k").value > 200
    # XX with a past time does not delete a key without TTL.
    c.cmd("SET", "p", "v")
    assert c.cmd("EXPIRE", "p", "0", "XX") == n(0)
    assert c.cmd("EXISTS", "p") == n(1)


def test_expire_gt_lt(c):
    c.cmd("SET", "k", "v")
    # No TTL counts as infinite: GT never applies, LT always does.
    assert c.cmd("EXPIRE", "k", "100", "GT") == n(0)
    assert c.cmd("TTL", "k") == n(-1)
    assert c.cmd("EXPIRE", "k", "100", "LT") == n(1)
    assert c.cmd("EXPIRE", "k", "50", "GT") == n(0)
    assert c.cmd("EXPIRE", "k", "200", "GT") == n(1)
    assert c.cmd("EXPIRE", "k", "300", "LT") == n(0)
    assert c.cmd("EXPIRE", "k", "150", "LT") == n(1)
    assert 149 <= c.cmd("TTL", "k").value <= 150
    assert c.cmd("PEXPIRE", "k", "10000", "XX", "LT") == n(1)


def test_expire_options_on_absolute_variants(c):
    at = int(time.time()) + 1000
    c.cmd("SET", "k", "v")
    assert c.cmd("EXPIREAT", "k", str(at), "XX") == n(0)
    assert c.cmd("EXPIREAT", "k", str(at), "NX") == n(1)
    assert c.cmd("EXPIREAT", "k", str(at - 10), "GT") == n(0)
    assert c.cmd("PEXPIREAT", "k", str(at * 1000 + 1), "GT") == n(1)


@pytest.mark.parametrize("opts,text", [
    (["NX", "XX"], "ERR NX and XX, GT or LT options at the same time are not compatible"),
    (["NX", "GT"], "ERR NX and XX, GT or LT options at the same time are not compatible"),
    (["NX", "LT"], "ERR NX and XX, GT or LT options at the same time are not compatible"),
    (["GT", "LT"], "ERR GT and LT options at the same time are not compatible"),
    (["FOO"], "ERR Unsupported option FOO"),
])
def test_expire_option_errors(c, opts, text):
    c.cmd("SET", "k", "v")
    assert c.cmd("EXPIRE", "k", "100", *opts) == err(text)


@pytest.mark.parametrize("cmd,arg", [
    ("EXPIRE", "9223372036854775807"),
    ("EXPIRE", "9223372036854775"),
    ("PEXPIRE", "9223372036854775807"),
    ("EXPIREAT", "9223372036854775807"),
])
def test_expire_overflow_is_invalid_expire_time(c, cmd, arg):
    c.cmd("SET", "k", "v")
    assert c.cmd(cmd, "k", arg) == err(f"ERR invalid expire time in '{cmd.lower()}' command")
    assert c.cmd("TTL", "k") == n(-1)


def test_expire_non_integer(c):
    c.cmd("SET", "k", "v")
    assert c.cmd("EXPIRE", "k", "abc") == err(NOT_INT)
    assert c.cmd("PEXPIREAT", "k", "1.5") == err(NOT_INT)


def test_persist(c):
    c.cmd("SET", "k", "v")
    assert c.cmd("PERSIST", "k") == n(0)
    c.cmd("EXPIRE", "k", "100")
    assert c.cmd("PERSIST", "k") == n(1)
    assert c.cmd("TTL", "k") == n(-1)
    assert c.cmd("PERSIST", "k") == n(0)
    assert c.cmd("PERSIST", "missing") == n(0)


def test_ttl_on_list_keys(c):
    c.cmd("RPUSH", "l", "a")
    assert c.cmd("EXPIRE", "l", "100") == n(1)
    assert c.cmd("TTL", "l").value > 0


# -- KEYS --------------------------------------------------------------------------------

KEYS = ["hello", "hallo", "hxllo", "hllo", "heeello", "h*llo", "h?llo", "a[b", "h\\llo",
        "abc", "b", "c", "d", "h-llo"]


@pytest.mark.parametrize("pattern,expected", [
    ("h?llo", ["h*llo", "h-llo", "h?llo", "h\\llo", "hallo", "hello", "hxllo"]),
    ("h*llo", ["h*llo", "h-llo", "h?llo", "h\\llo", "hallo", "heeello", "hello", "hllo", "hxllo"]),
    ("h[ae]llo", ["hallo", "hello"]),
    ("h[^e]llo", ["h*llo", "h-llo", "h?llo", "h\\llo", "hallo", "hxllo"]),
    ("h[a-b]llo", ["hallo"]),
    ("[a-c]", ["b", "c"]),
    ("[c-a]", ["b", "c"]),
    ("[^a-c]", ["d"]),
    ("h\\*llo", ["h*llo"]),
    ("h\\?llo", ["h?llo"]),
    ("h\\\\llo", ["h\\llo"]),
    ("a\\[b", ["a[b"]),
    ("h[\\-]llo", ["h-llo"]),
    ("a[b", []),
    ("*", sorted(KEYS)),
    ("nomatch*", []),
    ("abc", ["abc"]),
])
def test_keys_glob_patterns(r2, pattern, expected):
    r2.mset({k: "1" for k in KEYS})
    assert sorted(r2.keys(pattern)) == sorted(expected)


def test_keys_skips_expired_and_other_dbs(r2):
    r2.set("live", "1")
    r2.set("dying", "1", px=50)
    r2.execute_command("MOVE", "live", "1")
    r2.set("here", "1")
    time.sleep(0.15)
    assert r2.keys("*") == ["here"]


# -- SCAN -----------------------------------------------------------------------------------


def full_scan(c, *args):
    """Iterates SCAN to cursor 0; returns (keys seen as a list, iterations)."""
    cursor, seen, rounds = "0", [], 0
    while True:
        reply = c.cmd("SCAN", cursor, *args)
        assert reply.kind == "*" and len(reply.value) == 2, reply
        cur, keys = reply.value
        assert cur.kind == "$", f"SCAN cursor must be a bulk string: {cur}"
        assert keys.kind == "*"
        seen.extend(k.value.decode() for k in keys.value)
        cursor = cur.value.decode()
        rounds += 1
        assert rounds < 100000, "SCAN never returned cursor 0"
        if cursor == "0":
            return seen, rounds


def test_scan_returns_every_key(c):
    keys = {f"key:{i}" for i in range(1000)}
    for i in range(0, 1000, 100):
        c.cmd("MSET", *[x for k in sorted(keys)[i:i + 100] for x in (k, "v")])
    seen, rounds = full_scan(c)
    assert set(seen) == keys
    assert rounds > 1, "1000 keys with the default COUNT 10 take more than one call"


def test_scan_count_match_type(c):
    for i in range(300):
        c.cmd("SET", f"s:{i}", "v")
    for i in range(50):
        c.cmd("RPUSH", f"l:{i}", "v")
    seen, rounds = full_scan(c, "COUNT", "1000")
    assert len(set(seen)) == 350
    assert rounds <= 3
    seen, _ = full_scan(c, "MATCH", "s:1*")
    assert set(seen) == {f"s:{i}" for i in range(300) if str(i).startswith("1")}
    seen, _ = full_scan(c, "TYPE", "list")
    assert set(seen) == {f"l:{i}" for i in range(50)}
    seen, _ = full_scan(c, "MATCH", "l:1*", "TYPE", "string", "COUNT", "7")
    assert seen == []
    seen, _ = full_scan(c, "TYPE", "STRING")
    assert len(set(seen)) == 300


def test_scan_with_the_largest_count_returns_everything_at_once(c):
    for i in range(100):
        c.cmd("SET", f"k:{i}", "v")
    cursor, keys = plain(c.cmd("SCAN", "0", "COUNT", "9223372036854775807"))
    assert cursor == "0"
    assert set(keys) == {f"k:{i}" for i in range(100)}


def test_scan_guarantee_under_writes(c):
    # Keys present for the whole scan are returned, even while others are added.
    for i in range(500):
        c.cmd("SET", f"stay:{i}", "v")
    cursor, seen, i = "0", set(), 0
    while True:
        cur, keys = plain(c.cmd("SCAN", cursor, "COUNT", "20"))
        seen.update(keys)
        for _ in range(30):
            c.cmd("SET", f"new:{i}", "v")
            i += 1
        cursor = cur
        if cursor == "0":
            break
    assert {f"stay:{i}" for i in range(500)} <= seen


def test_scan_empty_db_and_errors(c, raw):
    assert c.cmd("SCAN", "0") == Frame("*", [Frame("$", b"0"), Frame("*", [])])
    assert c.cmd("SCAN", "x") == err("ERR invalid cursor")
    assert c.cmd("SCAN", "0", "COUNT", "0") == err(SYNTAX)
    assert c.cmd("SCAN", "0", "COUNT", "x") == err(NOT_INT)
    assert c.cmd("SCAN", "0", "FOO") == err(SYNTAX)
    assert c.cmd("SCAN", "0", "MATCH") == err(SYNTAX)
    c3 = raw()
    c3.cmd("HELLO", "3")
    assert c3.cmd("SCAN", "0") == Frame("*", [Frame("$", b"0"), Frame("*", [])])


def test_redis_py_scan_iter(r3):
    r3.mset({f"k{i}": i for i in range(100)})
    assert set(r3.scan_iter(match="k1*", count=5)) == {"k1"} | {f"k1{i}" for i in range(10)}


# -- RANDOMKEY ----------------------------------------------------------------------------


def test_randomkey(c, raw):
    assert c.cmd("RANDOMKEY") == Frame("$", None)
    c3 = raw()
    c3.cmd("HELLO", "3")
    assert c3.cmd("RANDOMKEY") == Frame("_", None)
    keys = {f"k{i}" for i in range(20)}
    c.cmd("MSET", *[x for k in keys for x in (k, "v")])
    got = {c.cmd("RANDOMKEY").value.decode() for _ in range(200)}
    assert got <= keys
    assert len(got) > 5, "RANDOMKEY should not always return the same few keys"


def test_randomkey_skips_expired(c):
    c.cmd("SET", "dead", "v", "PX", "20")
    c.cmd("SET", "alive", "v")
    time.sleep(0.1)
    for _ in range(20):
        assert c.cmd("RANDOMKEY") == Frame("$", b"alive")


# -- RENAME RENAMENX MOVE COPY -----------------------------------------------------------


def test_rename(c):
    c.cmd("SET", "a", "1", "EX", "100")
    c.cmd("SET", "b", "2")
    assert c.cmd("RENAME", "a", "b") == ok()
    assert c.cmd("GET", "b") == Frame("$", b"1")
    assert c.cmd("TTL", "b").value > 0, "RENAME carries the TTL"
    assert c.cmd("EXISTS", "a") == n(0)
    assert c.cmd("RENAME", "missing", "x") == err("ERR no such key")
    assert c.cmd("RENAME", "b", "b") == ok()
    assert c.cmd("GET", "b") == Frame("$", b"1")
    c.cmd("RPUSH", "l", "x")
    assert c.cmd("RENAME", "l", "b") == ok()
    assert c.cmd("TYPE", "b") == Frame("+", "list")


def test_renamenx(c):
    c.cmd("MSET", "a", "1", "b", "2")
    assert c.cmd("RENAMENX", "a", "b") == n(0)
    assert c.cmd("RENAMENX", "a", "c") == n(1)
    assert c.cmd("GET", "c") == Frame("$", b"1")
    assert c.cmd("RENAMENX", "c", "c") == n(0)
    assert c.cmd("RENAMENX", "missing", "x") == err("ERR no such key")


def test_move(c):
    c.cmd("SET", "k", "v", "EX", "100")
    assert c.cmd("MOVE", "k", "1") == n(1)
    assert c.cmd("EXISTS", "k") == n(0)
    c.cmd("SET", "k", "other")
    assert c.cmd("MOVE", "k", "1") == n(0), "target exists"
    assert c.cmd("GET", "k") == Frame("$", b"other")
    c.cmd("SELECT", "1")
    assert c.cmd("GET", "k") == Frame("$", b"v")
    assert c.cmd("TTL", "k").value > 0, "MOVE carries the TTL"
    assert c.cmd("MOVE", "missing", "0") == n(0)
    assert c.cmd("MOVE", "k", "1") == err(SAME)
    assert c.cmd("MOVE", "k", "16") == err(OUT_OF_RANGE)
    assert c.cmd("MOVE", "k", "x") == err(NOT_INT)


def test_copy(c):
    c.cmd("SET", "a", "1", "EX", "100")
    assert c.cmd("COPY", "a", "b") == n(1)
    assert c.cmd("GET", "b") == Frame("$", b"1")
    assert c.cmd("TTL", "b").value > 0, "COPY carries the TTL"
    c.cmd("SET", "a", "2")
    assert c.cmd("GET", "b") == Frame("$", b"1"), "a copy, not a reference"
    assert c.cmd("COPY", "a", "b") == n(0)
    assert c.cmd("COPY", "a", "b", "REPLACE") == n(1)
    assert c.cmd("GET", "b") == Frame("$", b"2")
    assert c.cmd("COPY", "missing", "x") == n(0)
    assert c.cmd("COPY", "a", "a") == err(SAME)


def test_copy_lists_deeply(c):
    c.cmd("RPUSH", "l", "a", "b")
    assert c.cmd("COPY", "l", "l2") == n(1)
    c.cmd("RPUSH", "l", "c")
    assert plain(c.cmd("LRANGE", "l2", "0", "-1")) == ["a", "b"]


def test_copy_to_another_db(c):
    c.cmd("SET", "a", "1")
    assert c.cmd("COPY", "a", "a", "DB", "1") == n(1)
    assert c.cmd("COPY", "a", "a", "DB", "1") == n(0)
    assert c.cmd("COPY", "a", "a", "DB", "1", "REPLACE") == n(1)
    c.cmd("SELECT", "1")
    assert c.cmd("GET", "a") == Frame("$", b"1")
    assert c.cmd("COPY", "a", "b", "DB", "16") == err(OUT_OF_RANGE)
    assert c.cmd("COPY", "a", "b", "DB", "x") == err(NOT_INT)
    assert c.cmd("COPY", "a", "b", "FOO") == err(SYNTAX)


# -- OBJECT -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value,encoding", [
    ("123", "int"),
    ("-9223372036854775808", "int"),
    ("9223372036854775807", "int"),
    ("9223372036854775808", "embstr"),
    ("007", "embstr"),
    ("hello", "embstr"),
    ("x" * 44, "embstr"),
    ("x" * 45, "raw"),
    ("", "embstr"),
])
def test_object_encoding_of_set_values(c, value, encoding):
    c.cmd("SET", "k", value)
    assert c.cmd("OBJECT", "ENCODING", "k") == Frame("$", encoding.encode())


def test_object_encoding_after_modifications(c):
    c.cmd("SET", "k", "hello")
    c.cmd("APPEND", "k", "x")
    assert c.call("OBJECT", "ENCODING", "k") == "raw"
    c.cmd("SET", "i", "12")
    c.cmd("INCR", "i")
    assert c.call("OBJECT", "ENCODING", "i") == "int"
    c.cmd("SETRANGE", "i", "0", "9")
    assert c.call("OBJECT", "ENCODING", "i") == "raw"
    c.cmd("INCRBYFLOAT", "f", "1.5")
    assert c.call("OBJECT", "ENCODING", "f") == "embstr"


def test_object_on_missing_key_is_null(c, raw):
    for sub in ("ENCODING", "IDLETIME", "REFCOUNT", "FREQ"):
        assert c.cmd("OBJECT", sub, "missing") == Frame("$", None), sub
    c3 = raw()
    c3.cmd("HELLO", "3")
    assert c3.cmd("OBJECT", "ENCODING", "missing") == Frame("_", None)


def test_object_refcount_and_idletime(c):
    c.cmd("SET", "k", "some string")
    assert c.cmd("OBJECT", "REFCOUNT", "k") == n(1)
    assert c.cmd("OBJECT", "IDLETIME", "k") == n(0)


def test_object_freq_needs_lfu_policy(c):
    c.cmd("SET", "k", "some string")
    reply = c.cmd("OBJECT", "FREQ", "k")
    assert reply.kind == "-" and reply.value.startswith("ERR An LFU maxmemory policy is not selected")
    old = plain(c.cmd("CONFIG", "GET", "maxmemory-policy"))[1]
    try:
        assert c.cmd("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu") == ok()
        for _ in range(10):
            c.cmd("GET", "k")
        assert c.cmd("OBJECT", "FREQ", "k").kind == ":"
        reply = c.cmd("OBJECT", "IDLETIME", "k")
        assert reply.kind == "-" and reply.value.startswith("ERR An LFU maxmemory policy is selected, idle time not tracked.")
    finally:
        c.cmd("CONFIG", "SET", "maxmemory-policy", old)


def test_object_errors(c):
    assert c.cmd("OBJECT", "FOO", "k") == err("ERR unknown subcommand 'FOO'. Try OBJECT HELP.")
    assert c.cmd("OBJECT", "ENCODING") == err("ERR wrong number of arguments for 'object|encoding' command")
    assert plain(c.cmd("OBJECT", "HELP"))[0].startswith("OBJECT <subcommand>")


# -- DBSIZE FLUSHDB FLUSHALL SWAPDB ------------------------------------------------------------


def test_dbsize_per_db(c):
    c.cmd("MSET", "a", "1", "b", "2")
    assert c.cmd("DBSIZE") == n(2)
    c.cmd("SELECT", "1")
    assert c.cmd("DBSIZE") == n(0)


@pytest.mark.parametrize("mode", [[], ["SYNC"], ["ASYNC"]])
def test_flushdb_only_current_db(c, mode):
    c.cmd("SET", "a", "1")
    c.cmd("SELECT", "1")
    c.cmd("SET", "b", "1")
    assert c.cmd("FLUSHDB", *mode) == ok()
    assert c.cmd("DBSIZE") == n(0)
    c.cmd("SELECT", "0")
    assert c.cmd("DBSIZE") == n(1)


@pytest.mark.parametrize("mode", [[], ["SYNC"], ["ASYNC"]])
def test_flushall_every_db(c, mode):
    for db in range(16):
        c.cmd("SELECT", str(db))
        c.cmd("SET", "k", "v")
    assert c.cmd("FLUSHALL", *mode) == ok()
    for db in range(16):
        c.cmd("SELECT", str(db))
        assert c.cmd("DBSIZE") == n(0)


def test_flush_syntax_errors(c):
    assert c.cmd("FLUSHDB", "FOO") == err(SYNTAX)
    assert c.cmd("FLUSHALL", "FOO") == err(SYNTAX)


def test_swapdb(c, raw):
    other = raw()
    other.cmd("SELECT", "1")
    c.cmd("SET", "a", "in0", "EX", "100")
    other.cmd("SET", "b", "in1")
    assert c.cmd("SWAPDB", "0", "1") == ok()
    # Connections stay on their index and see the other data.
    assert c.cmd("GET", "b") == Frame("$", b"in1")
    assert c.cmd("EXISTS", "a") == n(0)
    assert other.cmd("GET", "a") == Frame("$", b"in0")
    assert other.cmd("TTL", "a").value > 0
    assert c.cmd("SWAPDB", "0", "0") == ok()
    assert c.cmd("SWAPDB", "0", "16") == err(OUT_OF_RANGE)
    assert c.cmd("SWAPDB", "x", "1") == err("ERR invalid first DB index")
    assert c.cmd("SWAPDB", "0", "x") == err("ERR invalid second DB index")
