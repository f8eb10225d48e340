"""Transactions: MULTI EXEC DISCARD WATCH UNWATCH."""

import time

import pytest
import redis

from rawresp import Frame

OK = Frame("+", "OK")
QUEUED = Frame("+", "QUEUED")
PONG = Frame("+", "PONG")
EXECABORT = Frame("-", "EXECABORT Transaction discarded because of previous errors.")
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


@pytest.fixture
def a(raw):
    return raw()


@pytest.fixture
def b(raw):
    return raw()


def exec_ping(c):
    """Runs MULTI PING EXEC and returns EXEC's reply."""
    assert c.cmd("MULTI") == OK
    assert c.cmd("PING") == QUEUED
    return c.cmd("EXEC")


ABORTED2 = Frame("*", None)
DONE = Frame("*", [PONG])


# -- MULTI / EXEC / DISCARD ------------------------------------------------------------


def test_multi_exec_runs_queued_commands_in_order(a):
    assert a.cmd("MULTI") == OK
    assert a.cmd("SET", "a", "1") == QUEUED
    assert a.cmd("INCR", "a") == QUEUED
    assert a.cmd("GET", "a") == QUEUED
    assert a.cmd("GET", "missing") == QUEUED
    assert a.cmd("EXEC") == Frame("*", [OK, Frame(":", 2), Frame("$", b"2"), Frame("$", None)])


def test_queued_commands_are_not_visible_before_exec(a, b):
    a.cmd("MULTI")
    a.cmd("SET", "k", "v")
    assert b.cmd("EXISTS", "k") == Frame(":", 0)
    a.cmd("EXEC")
    assert b.cmd("EXISTS", "k") == Frame(":", 1)


def test_runtime_errors_are_returned_per_command(a):
    a.cmd("RPUSH", "list", "x")
    a.cmd("MULTI")
    assert a.cmd("SET", "a", "x") == QUEUED
    assert a.cmd("INCR", "a") == QUEUED
    assert a.cmd("GET", "list") == QUEUED
    assert a.cmd("SET", "b", "ok") == QUEUED
    assert a.cmd("EXEC") == Frame("*", [
        OK,
        Frame("-", "ERR value is not an integer or out of range"),
        Frame("-", WRONGTYPE),
        OK,
    ])
    assert a.cmd("GET", "b") == Frame("$", b"ok"), "commands after a runtime error still run"


def test_queue_time_errors_abort_exec(a):
    a.cmd("MULTI")
    assert a.cmd("SET", "a") == Frame("-", "ERR wrong number of arguments for 'set' command")
    assert a.cmd("SET", "b", "1") == QUEUED
    assert a.cmd("EXEC") == EXECABORT
    assert a.cmd("EXISTS", "b") == Frame(":", 0)
    # The connection has left MULTI.
    assert a.cmd("EXEC") == Frame("-", "ERR EXEC without MULTI")


def test_unknown_command_in_multi_aborts_exec(a):
    a.cmd("MULTI")
    assert a.cmd("NOSUCH", "x") == Frame("-", "ERR unknown command 'NOSUCH', with args beginning with: 'x' ")
    a.cmd("SET", "b", "1")
    assert a.cmd("EXEC") == EXECABORT
    assert a.cmd("EXISTS", "b") == Frame(":", 0)


def test_syntax_errors_detected_at_run_time_do_not_abort(a):
    # Option parsing happens when the command runs, not when it is queued.
    a.cmd("MULTI")
    assert a.cmd("SET", "a", "1", "NX", "XX") == QUEUED
    assert a.cmd("SET", "b", "1") == QUEUED
    assert a.cmd("EXEC") == Frame("*", [Frame("-", "ERR syntax error"), OK])


def test_exec_and_discard_without_multi(a):
    assert a.cmd("EXEC") == Frame("-", "ERR EXEC without MULTI")
    assert a.cmd("DISCARD") == Frame("-", "ERR DISCARD without MULTI")


def test_nested_multi_is_an_error_but_keeps_the_transaction(a):
    a.cmd("MULTI")
    assert a.cmd("MULTI") == Frame("-", "ERR MULTI calls can not be nested")
    a.cmd("SET", "k", "v")
    assert a.cmd("EXEC") == Frame("*", [OK])


def test_watch_inside_multi_is_an_error_but_keeps_the_transaction(a):
    a.cmd("MULTI")
    assert a.cmd("WATCH", "k") == Frame("-", "ERR WATCH inside MULTI is not allowed")
    a.cmd("SET", "k", "v")
    assert a.cmd("EXEC") == Frame("*", [OK])


def test_empty_transaction(a):
    a.cmd("MULTI")
    assert a.cmd("EXEC") == Frame("*", [])


def test_discard_drops_the_queue(a):
    a.cmd("MULTI")
    a.cmd("SET", "y", "1")
    assert a.cmd("DISCARD") == OK
    assert a.cmd("EXISTS", "y") == Frame(":", 0)
    assert a.cmd("EXEC") == Frame("-", "ERR EXEC without MULTI")


def test_multi_arity(a):
    assert a.cmd("MULTI", "x") == Frame("-", "ERR wrong number of arguments for 'multi' command")
    assert a.cmd("WATCH") == Frame("-", "ERR wrong number of arguments for 'watch' command")


def test_select_inside_multi_changes_db(a):
    a.cmd("MULTI")
    assert a.cmd("SELECT", "1") == QUEUED
    assert a.cmd("SET", "q", "1") == QUEUED
    assert a.cmd("EXEC") == Frame("*", [OK, OK])
    assert a.cmd("EXISTS", "q") == Frame(":", 1)
    a.cmd("SELECT", "0")
    assert a.cmd("EXISTS", "q") == Frame(":", 0)


def test_flushall_and_unwatch_can_be_queued(a):
    a.cmd("SET", "k", "v")
    a.cmd("MULTI")
    assert a.cmd("UNWATCH") == QUEUED
    assert a.cmd("FLUSHALL") == QUEUED
    assert a.cmd("EXEC") == Frame("*", [OK, OK])
    assert a.cmd("DBSIZE") == Frame(":", 0)


def test_resp3_exec_reply_types(raw):
    c = raw()
    c.cmd("HELLO", "3")
    c.cmd("SET", "s", "x")
    c.cmd("MULTI")
    assert c.cmd("GET", "s") == QUEUED
    c.cmd("INCR", "s")
    c.cmd("GET", "missing")
    assert c.cmd("EXEC") == Frame("*", [
        Frame("$", b"x"),
        Frame("-", "ERR value is not an integer or out of range"),
        Frame("_", None),
    ])


def test_large_transaction(a):
    a.cmd("MULTI")
    for i in range(1000):
        a.send_cmd("INCR", "counter")
    for _ in range(1000):
        assert a.read() == QUEUED
    reply = a.cmd("EXEC")
    assert [f.value for f in reply.value] == list(range(1, 1001))


# -- WATCH -------------------------------------------------------------------------------


def test_watch_unmodified_key_executes(a):
    a.cmd("SET", "w", "1")
    assert a.cmd("WATCH", "w") == OK
    assert exec_ping(a) == DONE


def test_watch_dirtied_by_another_client(a, b):
    a.cmd("SET", "w", "1")
    a.cmd("WATCH", "w")
    b.cmd("SET", "w", "2")
    a.cmd("MULTI")
    a.cmd("SET", "w", "3")
    assert a.cmd("EXEC") == ABORTED2
    assert a.cmd("GET", "w") == Frame("$", b"2")


def test_watch_dirtied_reply_is_resp3_null(raw):
    a, b = raw(), raw()
    a.cmd("HELLO", "3")
    a.cmd("WATCH", "w")
    b.cmd("SET", "w", "2")
    assert exec_ping(a) == Frame("_", None)


def test_watch_dirtied_by_own_write(a):
    a.cmd("SET", "s", "1")
    a.cmd("WATCH", "s")
    a.cmd("SET", "s", "2")
    assert exec_ping(a) == ABORTED2


def test_watch_dirtied_by_writing_the_same_value(a, b):
    a.cmd("SET", "s", "4")
    a.cmd("WATCH", "s")
    b.cmd("SET", "s", "4")
    assert exec_ping(a) == ABORTED2


def test_watch_missing_key_dirtied_by_create(a, b):
    a.cmd("WATCH", "nope")
    b.cmd("SET", "nope", "1")
    b.cmd("DEL", "nope")
    assert exec_ping(a) == ABORTED2


@pytest.mark.parametrize("write", [
    ["EXPIRE", "s", "100"],
    ["DEL", "s"],
    ["INCR", "s"],
    ["APPEND", "s", "x"],
    ["SET", "s", "v", "XX", "GET"],
    ["GETDEL", "s"],
    ["RENAME", "s", "s2"],
    ["RENAME", "other", "s"],
    ["MOVE", "s", "1"],
    ["SETRANGE", "s", "0", "x"],
])
def test_watch_dirtied_by_writes(a, b, write):
    a.cmd("SET", "s", "1")
    a.cmd("SET", "other", "2")
    a.cmd("WATCH", "s")
    reply = b.cmd(*write)
    assert reply.kind != "-", reply
    assert exec_ping(a) == ABORTED2


@pytest.mark.parametrize("noop", [
    ["GET", "s"],
    ["SETNX", "s", "9"],
    ["SET", "s", "9", "NX"],
    ["EXPIRE", "missing", "10"],
    ["DEL", "missing"],
    ["PERSIST", "s"],
    ["EXISTS", "s"],
    ["SET", "unrelated", "1"],
])
def test_watch_not_dirtied_by_reads_and_noops(a, b, noop):
    a.cmd("SET", "s", "1")
    a.cmd("WATCH", "s")
    b.cmd(*noop)
    assert exec_ping(a) == DONE


@pytest.mark.parametrize("setup,noop", [
    (["SADD", "c", "m"], ["SADD", "c", "m"]),
    (["SADD", "c", "m"], ["SREM", "c", "nope"]),
    (["HSET", "c", "f", "v"], ["HDEL", "c", "nope"]),
    (["ZADD", "c", "1", "m"], ["ZREM", "c", "nope"]),
    (["RPUSH", "c", "m"], ["LREM", "c", "0", "nope"]),
])
def test_watch_not_dirtied_by_collection_writes_that_change_nothing(a, b, setup, noop):
    a.cmd(*setup)
    a.cmd("WATCH", "c")
    reply = b.cmd(*noop)
    assert reply.kind != "-", reply
    assert exec_ping(a) == DONE


def test_watch_dirtied_by_expiry(a):
    a.cmd("SET", "e", "1", "PX", "50")
    a.cmd("WATCH", "e")
    time.sleep(0.15)
    assert exec_ping(a) == ABORTED2


def test_watch_dirtied_by_lazy_expiry_seen_by_another_client(a, b):
    a.cmd("SET", "e", "1", "PX", "50")
    a.cmd("WATCH", "e")
    time.sleep(0.15)
    assert b.cmd("GET", "e") == Frame("$", None)
    assert exec_ping(a) == ABORTED2


def test_watch_dirtied_by_flushall(a, b):
    a.cmd("SET", "f", "1")
    a.cmd("WATCH", "f")
    b.cmd("FLUSHALL")
    assert exec_ping(a) == ABORTED2


def test_watch_dirtied_by_flushdb_of_its_db_only(a, b):
    a.cmd("SET", "f", "1")
    a.cmd("WATCH", "f")
    b.cmd("SELECT", "1")
    b.cmd("FLUSHDB")
    assert exec_ping(a) == DONE
    a.cmd("WATCH", "f")
    b.cmd("SELECT", "0")
    b.cmd("FLUSHDB")
    assert exec_ping(a) == ABORTED2


def test_watch_missing_key_not_dirtied_by_flushall(a, b):
    a.cmd("WATCH", "missing")
    b.cmd("FLUSHALL")
    assert exec_ping(a) == DONE


def test_watch_dirtied_by_swapdb(a, b):
    a.cmd("SET", "s", "1")
    a.cmd("WATCH", "s")
    b.cmd("SWAPDB", "0", "1")
    assert exec_ping(a) == ABORTED2


def test_watch_is_per_db(a, b):
    a.cmd("SELECT", "2")
    a.cmd("WATCH", "s")
    a.cmd("SELECT", "0")
    b.cmd("SET", "s", "4")
    assert exec_ping(a) == DONE


def test_unwatch_forgets_keys(a, b):
    a.cmd("WATCH", "s")
    b.cmd("SET", "s", "3")
    assert a.cmd("UNWATCH") == OK
    assert exec_ping(a) == DONE


def test_exec_and_discard_unwatch(a, b):
    a.cmd("WATCH", "s")
    a.cmd("MULTI")
    a.cmd("DISCARD")
    b.cmd("SET", "s", "z")
    assert exec_ping(a) == DONE
    a.cmd("WATCH", "s")
    assert exec_ping(a) == DONE
    b.cmd("SET", "s", "w")
    assert exec_ping(a) == DONE


def test_aborted_exec_unwatches(a, b):
    a.cmd("WATCH", "s")
    b.cmd("SET", "s", "1")
    assert exec_ping(a) == ABORTED2
    b.cmd("SET", "s", "2")
    assert exec_ping(a) == DONE


def test_watch_several_keys(a, b):
    a.cmd("WATCH", "x", "y", "z")
    b.cmd("SET", "z", "1")
    assert exec_ping(a) == ABORTED2


def test_redis_py_pipeline_transaction_and_watch(client):
    r = client(2)
    other = client(3)
    r.set("balance", 10)
    with r.pipeline() as pipe:
        pipe.watch("balance")
        value = int(pipe.get("balance"))
        pipe.multi()
        pipe.set("balance", value - 3)
        pipe.get("balance")
        assert pipe.execute() == [True, "7"]
    with r.pipeline() as pipe:
        pipe.watch("balance")
        other.set("balance", 100)
        pipe.multi()
        pipe.set("balance", 0)
        with pytest.raises(redis.WatchError):
            pipe.execute()
    assert r.get("balance") == "100"


def test_redis_py_transaction_raises_first_runtime_error(client):
    r = client(3)
    r.rpush("l", "x")
    pipe = r.pipeline()
    pipe.set("a", 1).get("l").set("b", 2)
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        pipe.execute()
    assert r.get("b") == "2"
