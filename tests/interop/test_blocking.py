"""Blocking list commands: wake-ups, timeouts, FIFO order among blocked
clients, MULTI/EXEC, LMOVE chains, CLIENT UNBLOCK, disconnects."""

from __future__ import annotations

import time

import pytest

from rawresp import Frame, RawConn, plain


def blocked_clients(c) -> int:
    text = c.call("INFO", "clients")
    return int(dict(l.split(":", 1) for l in text.split("\r\n") if ":" in l)["blocked_clients"])


def wait_blocked(c, n, timeout=3.0):
    deadline = time.monotonic() + timeout
    while blocked_clients(c) != n and time.monotonic() < deadline:
        time.sleep(0.01)
    assert blocked_clients(c) == n


def test_blpop_returns_at_once_when_an_element_exists(raw):
    c = raw()
    c.cmd("RPUSH", "q", "a", "b")
    assert plain(c.cmd("BLPOP", "none", "q", "0")) == ["q", "a"]
    assert plain(c.cmd("BRPOP", "q", "0")) == ["q", "b"]
    assert c.cmd("EXISTS", "q") == Frame(":", 0)


def test_blpop_is_woken_by_a_push_from_another_client(raw):
    c, w = raw(), raw()
    c.send_cmd("BLPOP", "q", "5")
    wait_blocked(w, 1)
    assert w.cmd("RPUSH", "q", "hello") == Frame(":", 1)
    assert plain(c.read()) == ["q", "hello"]
    assert blocked_clients(w) == 0


def test_fractional_timeout_returns_null(raw):
    c = raw()
    started = time.monotonic()
    assert c.cmd("BLPOP", "q", "0.2") == Frame("*", None)
    assert 0.15 <= time.monotonic() - started < 2
    # Redis answers a timed-out BLMOVE with a null array too.
    assert c.cmd("BLMOVE", "q", "d", "LEFT", "RIGHT", "0.1") == Frame("*", None)


def test_blocked_clients_are_served_in_arrival_order(raw):
    first, second, w = raw(), raw(), raw()
    first.send_cmd("BLPOP", "q", "5")
    wait_blocked(w, 1)
    second.send_cmd("BLPOP", "q", "5")
    wait_blocked(w, 2)
    w.cmd("RPUSH", "q", "one", "two")
    assert plain(first.read()) == ["q", "one"]
    assert plain(second.read()) == ["q", "two"]


def test_exec_wakes_blocked_clients_after_the_transaction(raw):
    c, w = raw(), raw()
    c.send_cmd("BLPOP", "q", "5")
    wait_blocked(w, 1)
    w.cmd("MULTI")
    w.cmd("RPUSH", "q", "x")
    w.cmd("RPUSH", "q", "y")
    assert plain(w.cmd("EXEC")) == [1, 2]
    assert plain(c.read()) == ["q", "x"]
    assert plain(w.cmd("LRANGE", "q", "0", "-1")) == ["y"]


def test_blmove_chain_feeds_the_next_blocked_client(raw):
    a, b, w = raw(), raw(), raw()
    a.send_cmd("BLMOVE", "src", "mid", "LEFT", "RIGHT", "5")
    wait_blocked(w, 1)
    b.send_cmd("BLPOP", "mid", "5")
    wait_blocked(w, 2)
    w.cmd("LPUSH", "src", "v")
    assert a.read() == Frame("$", b"v")
    assert plain(b.read()) == ["mid", "v"]


def test_blocking_commands_do_not_block_inside_multi(raw):
    c = raw()
    c.cmd("MULTI")
    assert c.cmd("BLPOP", "q", "0") == Frame("+", "QUEUED")
    assert c.cmd("BRPOPLPUSH", "q", "d", "0") == Frame("+", "QUEUED")
    assert plain(c.cmd("EXEC")) == [None, None]


def test_client_unblock_timeout_and_error(raw):
    c, w = raw(), raw()
    cid = c.call("CLIENT", "ID")
    c.send_cmd("BLPOP", "q", "0")
    wait_blocked(w, 1)
    assert w.cmd("CLIENT", "UNBLOCK", str(cid), "TIMEOUT") == Frame(":", 1)
    assert c.read() == Frame("*", None)
    c.send_cmd("BLPOP", "q", "0")
    wait_blocked(w, 1)
    assert w.cmd("CLIENT", "UNBLOCK", str(cid), "ERROR") == Frame(":", 1)
    assert c.read() == Frame("-", "UNBLOCKED client unblocked via CLIENT UNBLOCK")
    assert w.cmd("CLIENT", "UNBLOCK", str(cid)) == Frame(":", 0)


def test_a_disconnecting_blocked_client_leaves_nothing_behind(raw):
    c, w = raw(), raw()
    c.send_cmd("BLPOP", "q", "0")
    wait_blocked(w, 1)
    c.close()
    wait_blocked(w, 0)
    w.cmd("RPUSH", "q", "kept")
    assert plain(w.cmd("LRANGE", "q", "0", "-1")) == ["kept"]


def test_errors(raw):
    c = raw()
    c.cmd("SET", "s", "x")
    assert c.cmd("BLPOP", "s", "0").kind == "-"
    assert c.cmd("BLPOP", "q", "-1") == Frame("-", "ERR timeout is negative")
    assert c.cmd("BLPOP", "q", "abc") == Frame("-", "ERR timeout is not a float or out of range")


def test_blmpop_pops_from_the_first_non_empty_list(raw):
    c, w = raw(), raw()
    c.send_cmd("BLMPOP", "5", "2", "a", "b", "LEFT", "COUNT", "2")
    wait_blocked(w, 1)
    w.cmd("RPUSH", "b", "1", "2", "3")
    assert plain(c.read()) == ["b", ["1", "2"]]


def test_bzpopmin_and_bzpopmax_wait_for_members(raw):
    c, w = raw(), raw()
    w.cmd("ZADD", "z", "1", "a", "2", "b")
    assert plain(c.cmd("BZPOPMIN", "none", "z", "0")) == ["z", "a", "1"]
    assert plain(c.cmd("BZPOPMAX", "z", "0")) == ["z", "b", "2"]
    c.send_cmd("BZPOPMIN", "z", "5")
    wait_blocked(w, 1)
    w.cmd("ZADD", "z", "3", "c")
    assert plain(c.read()) == ["z", "c", "3"]
    assert c.cmd("BZPOPMIN", "z", "0.1") == Frame("*", None)


def test_bzmpop_pops_by_score(raw):
    c, w = raw(), raw()
    c.send_cmd("BZMPOP", "5", "1", "z", "MAX", "COUNT", "2")
    wait_blocked(w, 1)
    w.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c")
    assert plain(c.read()) == ["z", [["c", "3"], ["b", "2"]]]


def test_commands_pipelined_behind_a_block_run_when_it_ends(raw):
    c, w = raw(), raw()
    c.send(b"BLPOP q 0.05\r\nPING\r\n")
    assert c.read() == Frame("*", None)
    assert c.read() == Frame("+", "PONG")
    c.send(b"BLPOP q 5\r\nLLEN q\r\n")
    wait_blocked(w, 1)
    w.cmd("RPUSH", "q", "a", "b")
    assert plain(c.read()) == ["q", "a"]
    assert c.read() == Frame(":", 1)


@pytest.mark.redis74
@pytest.mark.parametrize(
    "timeout, text",
    [
        ("inf", "ERR timeout is out of range"),
        ("1e400", "ERR timeout is out of range"),
        ("9223372036854775808", "ERR timeout is out of range"),
        # In range as milliseconds, but now + timeout overflows.
        ("9223372036854775", "ERR timeout is out of range"),
        ("-inf", "ERR timeout is negative"),
        ("nan", "ERR timeout is not a float or out of range"),
    ],
)
def test_timeouts_past_the_clock_are_refused(raw, timeout, text):
    c = raw()
    assert c.cmd("BLPOP", "q", timeout) == Frame("-", text)
    assert c.cmd("BLMPOP", timeout, "1", "q", "LEFT") == Frame("-", text)
