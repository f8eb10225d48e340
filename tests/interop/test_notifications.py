"""Keyspace notifications for string and generic commands: classes,
channel names, event names and their order, as Redis emits them."""

from __future__ import annotations

import time

import pytest

from rawresp import Frame, keyspace_pairs as pairs, plain, read_or_none


@pytest.fixture
def c(raw):
    return raw()


@pytest.fixture
def restore_config(c):
    yield
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "")


@pytest.fixture
def events(raw, c):
    """A subscriber to every keyspace and keyevent channel of db 0; returns
    a function that runs a command and collects the (channel, message)
    pairs it caused."""
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
    sub = raw()
    assert plain(sub.cmd("PSUBSCRIBE", "__key*@0__:*"))[0] == "psubscribe"

    def run(*cmd):
        c.cmd(*cmd)
        c.cmd("PING")  # the events of `cmd` are published before this reply
        got = []
        while True:
            frame = read_or_none(sub)
            if frame is None:
                return got
            msg = plain(frame)
            got.append((msg[2], msg[3]))

    yield run
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "")


def test_config_spelling_is_canonical(c, restore_config):
    assert c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA") == Frame("+", "OK")
    assert plain(c.cmd("CONFIG", "GET", "notify-keyspace-events")) == ["notify-keyspace-events", "AKE"]
    reply = c.cmd("CONFIG", "SET", "notify-keyspace-events", "Kq")
    assert reply.kind == "-"


def test_set_with_expire_emits_set_then_expire(events):
    assert events("SET", "k", "v", "EX", "10") == pairs(("set", "k"), ("expire", "k"))


def test_string_commands_name_their_events(events):
    assert events("SET", "n", "1") == pairs(("set", "n"))
    assert events("INCRBY", "n", "5") == pairs(("incrby", "n"))
    assert events("INCRBYFLOAT", "n", "0.5") == pairs(("incrbyfloat", "n"))
    assert events("APPEND", "n", "x") == pairs(("append", "n"))
    assert events("SETRANGE", "n", "0", "y") == pairs(("setrange", "n"))
    assert events("MSET", "a", "1", "b", "2") == pairs(("set", "a"), ("set", "b"))


def test_generic_commands_name_their_events(events):
    events("SET", "k", "v")
    assert events("EXPIRE", "k", "100") == pairs(("expire", "k"))
    assert events("PERSIST", "k") == pairs(("persist", "k"))
    assert events("RENAME", "k", "k2") == pairs(("rename_from", "k"), ("rename_to", "k2"))
    assert events("DEL", "k2", "missing") == pairs(("del", "k2"))
    events("SET", "k", "v")
    assert events("EXPIRE", "k", "-1") == pairs(("del", "k"))


def test_expired_keys_emit_expired(events):
    # The collection window of each call is 0.2 s: the key outlives the
    # first one, so `expired` can only show up afterwards.
    assert events("SET", "k", "v", "PX", "400") == pairs(("set", "k"), ("expire", "k"))
    time.sleep(0.3)
    got = events("GET", "k")
    # Lazy or active expiry, the event is the same.
    deadline = time.monotonic() + 2
    while not got and time.monotonic() < deadline:
        got = events("PING")
    assert got == pairs(("expired", "k"))


def test_disabled_classes_publish_nothing(raw, c, restore_config):
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "Kl")
    sub = raw()
    sub.cmd("PSUBSCRIBE", "__key*@0__:*")
    c.cmd("SET", "k", "v")
    sub.assert_no_reply()
