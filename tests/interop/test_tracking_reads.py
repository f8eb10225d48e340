"""Client tracking, default mode: which reads track which keys, and that a
tracked key is invalidated once by another client's write (see
tracking_support.py for the resp3/resp2 `mode` every test runs in).
"""

from __future__ import annotations

import time

import pytest

from tracking_support import Tracker, mode, track, w  # noqa: F401 - mode, track, w: pytest fixtures


# -- default mode -------------------------------------------------------------------


def test_read_then_another_clients_write_sends_one_push(track, w):
    t = track()
    w.call("SET", "k", "v1")
    assert t.call("GET", "k") == "v1"
    assert w.call("SET", "k", "v2") == "OK"
    t.expect(["k"])
    t.expect_none()


def test_key_not_read_is_not_invalidated(track, w):
    t = track()
    assert t.call("GET", "other") is None
    w.call("SET", "k", "v")
    t.expect_none()


def test_invalidated_key_is_untracked_until_read_again(track, w):
    t = track()
    t.call("GET", "k")
    w.call("SET", "k", "1")
    t.expect(["k"])
    w.call("SET", "k", "2")
    t.expect_none()
    assert t.call("GET", "k") == "2"
    w.call("SET", "k", "3")
    t.expect(["k"])


def test_read_of_a_missing_key_is_tracked(track, w):
    t = track()
    assert t.call("GET", "nokey") is None
    w.call("SET", "nokey", "now")
    t.expect(["nokey"])


def test_pexpire_then_expiry_sends_one_push_not_two(track, w):
    t = track()
    w.call("SET", "k", "v")
    t.call("GET", "k")
    assert w.call("PEXPIRE", "k", "50") == 1
    t.expect(["k"])
    time.sleep(0.3)
    assert w.call("EXISTS", "k") == 0
    t.expect_none()


def test_keys_of_every_read_only_command_are_tracked(track, w):
    t = track()
    w.call("MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5")
    t.call("MGET", "a", "b")
    t.call("STRLEN", "c")
    t.call("EXISTS", "d")
    t.call("TYPE", "e")
    w.call("MSET", "a", "x", "b", "x", "c", "x", "d", "x", "e", "x")
    # Default mode: one push per key, in write order.
    assert t.expect_pushes(5) == [["a"], ["b"], ["c"], ["d"], ["e"]]
    t.expect_none()


# (read command, the keys it reads)
READS = [
    (("MGET", "a", "b"), ["a", "b"]),
    (("EXISTS", "a", "b"), ["a", "b"]),
    (("GETRANGE", "a", "0", "1"), ["a"]),
    (("TTL", "a"), ["a"]),
    (("PTTL", "a"), ["a"]),
    (("TYPE", "a"), ["a"]),
    (("OBJECT", "ENCODING", "a"), ["a"]),
    (("LCS", "a", "b"), ["a", "b"]),
    (("HMGET", "a", "f"), ["a"]),
    (("HSTRLEN", "a", "f"), ["a"]),
    (("HRANDFIELD", "a"), ["a"]),
    (("LINDEX", "a", "0"), ["a"]),
    (("LPOS", "a", "x"), ["a"]),
    (("SINTER", "a", "b"), ["a", "b"]),
    (("SUNION", "a", "b"), ["a", "b"]),
    (("SDIFF", "a", "b"), ["a", "b"]),
    (("SMISMEMBER", "a", "x"), ["a"]),
    (("SRANDMEMBER", "a"), ["a"]),
    (("ZRANGE", "a", "0", "-1"), ["a"]),
    (("ZMSCORE", "a", "x"), ["a"]),
    (("ZRANDMEMBER", "a"), ["a"]),
    pytest.param(("SINTERCARD", "2", "a", "b"), ["a", "b"], id="SINTERCARD"),
    pytest.param(("ZUNION", "2", "a", "b"), ["a", "b"], id="ZUNION"),
    pytest.param(("ZINTER", "2", "a", "b"), ["a", "b"], id="ZINTER"),
    pytest.param(("ZINTERCARD", "2", "a", "b"), ["a", "b"], id="ZINTERCARD"),
    pytest.param(("ZDIFF", "2", "a", "b"), ["a", "b"], id="ZDIFF"),
]


@pytest.mark.parametrize("read,keys", [c if hasattr(c, "id") else pytest.param(*c, id=c[0][0] if c[0][0] != "OBJECT"
                                                                                  else "OBJECT-ENCODING")
                                       for c in READS])
def test_keys_of_a_read_command_are_tracked(track, w, read, keys):
    t = track()
    reply = t.cmd(*read)
    assert reply.kind != "-", reply
    for k in keys:
        w.call("SET", k, "v")
    # Every write was acknowledged: its push precedes the round trip's reply.
    assert sorted(t.round_trip()) == [[k] for k in keys]


def test_reads_of_several_clients_each_get_the_push(raw, mode, w):
    one, two = Tracker(raw, mode), Tracker(raw, mode)
    one.call("GET", "k")
    two.call("GET", "k")
    w.call("SET", "k", "v")
    one.expect(["k"])
    two.expect(["k"])
