"""Lists and the rest of the server: keyspace events, WATCH, and the
chat-history pattern (RPUSH + LTRIM + EXPIRE in one pipeline).
"""

from __future__ import annotations

import time

import pytest
import redis

from list_support import c  # noqa: F401 - c: pytest fixtures
from rawresp import keyspace_pairs as pairs, plain, read_or_none


# -- keyspace events -------------------------------------------------------------------


@pytest.fixture
def events(raw):
    """Runs a command and returns the (keyspace channel, event) pairs and
    (keyevent channel, key) pairs it published, in order."""
    c = raw()
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
    sub = raw()
    assert plain(sub.cmd("PSUBSCRIBE", "__key*@0__:*"))[0] == "psubscribe"

    def run(*cmd):
        c.cmd(*cmd)
        c.cmd("PING")
        got = []
        while (frame := read_or_none(sub)) is not None:
            msg = plain(frame)
            got.append((msg[2], msg[3]))
        return got

    yield run
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "")


def test_push_and_pop_events(events):
    assert events("RPUSH", "l", "a", "b", "c") == pairs(("rpush", "l"))
    assert events("LPUSH", "l", "z") == pairs(("lpush", "l"))
    assert events("LPUSHX", "nope", "z") == []
    assert events("LPOP", "l") == pairs(("lpop", "l"))
    assert events("RPOP", "l", "2") == pairs(("rpop", "l"))
    assert events("LPOP", "l", "0") == []
    assert events("RPOP", "l") == pairs(("rpop", "l"), ("del", "l"))
    assert events("RPOP", "l") == []


def test_edit_events(events):
    events("RPUSH", "l", "a", "b", "c", "a")
    assert events("LSET", "l", "0", "x") == pairs(("lset", "l"))
    assert events("LSET", "l", "9", "x") == []
    assert events("LINSERT", "l", "BEFORE", "b", "y") == pairs(("linsert", "l"))
    assert events("LINSERT", "l", "BEFORE", "zz", "y") == []
    assert events("LREM", "l", "0", "a") == pairs(("lrem", "l"))
    assert events("LREM", "l", "0", "zz") == []
    # LTRIM notifies even when it cuts nothing.
    assert events("LTRIM", "l", "0", "-1") == pairs(("ltrim", "l"))
    assert events("LTRIM", "l", "1", "0") == pairs(("ltrim", "l"), ("del", "l"))
    assert events("LTRIM", "l", "0", "-1") == []


def test_move_events(events):
    events("RPUSH", "src", "a", "b")
    assert events("LMOVE", "src", "dst", "LEFT", "RIGHT") == pairs(("rpush", "dst"), ("lpop", "src"))
    assert events("RPOPLPUSH", "src", "dst") == pairs(("lpush", "dst"), ("rpop", "src"), ("del", "src"))
    assert events("LMOVE", "dst", "dst", "LEFT", "RIGHT") == pairs(("rpush", "dst"), ("lpop", "dst"))
    assert events("LMPOP", "2", "nope", "dst", "RIGHT", "COUNT", "5") == pairs(("rpop", "dst"), ("del", "dst"))
    assert events("LMPOP", "1", "dst", "RIGHT") == []


# -- WATCH ------------------------------------------------------------------------------


def test_failed_writes_do_not_dirty_watch(client):
    r, other = client(2), client(2)
    r.rpush("l", "a", "b")
    for failing in (
        lambda: other.linsert("l", "BEFORE", "zz", "x"),
        lambda: other.lrem("l", 0, "zz"),
        lambda: other.lpushx("nope", "x"),
    ):
        with r.pipeline() as p:
            p.watch("l")
            failing()
            p.multi()
            p.llen("l")
            assert p.execute() == [2]


def test_writes_dirty_watch(client):
    r, other = client(2), client(2)
    r.rpush("l", "a", "b")
    for write in (lambda: other.ltrim("l", 0, -1), lambda: other.lset("l", 0, "a"), lambda: other.rpush("l", "c")):
        with r.pipeline() as p:
            p.watch("l")
            write()
            p.multi()
            p.llen("l")
            with pytest.raises(redis.WatchError):
                p.execute()


# -- chat history -------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", [2, 3])
@pytest.mark.parametrize("transaction", [True, False])
def test_chat_history_pipeline_keeps_last_messages_and_expires(client, protocol, transaction):
    r = client(protocol)
    keep = 5
    for i in range(12):
        p = r.pipeline(transaction=transaction)
        p.rpush("chat:42", f"message {i}")
        p.ltrim("chat:42", -keep, -1)
        p.expire("chat:42", 100)
        assert p.execute() == [min(i, keep) + 1, True, True]
        assert r.llen("chat:42") == min(i + 1, keep)
    assert r.lrange("chat:42", 0, -1) == [f"message {i}" for i in range(7, 12)]
    assert 0 < r.ttl("chat:42") <= 100
    # The last pipeline sets a short TTL: the conversation goes away.
    p = r.pipeline(transaction=transaction)
    p.rpush("chat:42", "bye")
    p.ltrim("chat:42", -keep, -1)
    p.pexpire("chat:42", 150)
    assert p.execute() == [keep + 1, True, True]
    assert r.lrange("chat:42", 0, -1) == [f"message {i}" for i in range(8, 12)] + ["bye"]
    deadline = time.monotonic() + 3
    while r.exists("chat:42") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert r.exists("chat:42") == 0
    assert r.lrange("chat:42", 0, -1) == []
