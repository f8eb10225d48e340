"""Client tracking: how invalidations are delivered: their order relative to
replies, NOLOOP, CLIENT REPLY OFF/SKIP, never inside a reply; RESP2 clients
and REDIRECT targets, including broken redirects (see tracking_support.py).
"""

from __future__ import annotations

import time

from rawresp import Frame, RawConn, plain
from tracking_support import (  # noqa: F401 - mode, t3, track, w: pytest fixtures
    Tracker, client_info, info_dict, invalidated_keys, mode, t3, track, w,
)


# -- delivery order and NOLOOP ------------------------------------------------------


def test_push_from_a_finished_write_precedes_the_next_reply(raw, w):
    t = Tracker(raw, "resp3")
    t.call("GET", "k")
    w.call("SET", "k", "v")
    t.conn.send_cmd("GET", "k")
    assert invalidated_keys(t.conn.read(), 3) == ["k"]
    assert t.conn.read() == Frame("$", b"v")


def test_own_write_push_follows_the_write_reply(t3):
    t3.call("CLIENT", "TRACKING", "ON")
    t3.send_cmd("GET", "k")
    t3.send_cmd("SET", "k", "v")
    assert t3.read() == Frame("_", None)
    assert t3.read() == Frame("+", "OK")
    assert invalidated_keys(t3.read(), 3) == ["k"]
    assert t3.cmd("PING") == Frame("+", "PONG")


def test_own_write_in_multi_push_follows_exec(t3):
    t3.call("CLIENT", "TRACKING", "ON")
    assert t3.call("GET", "k") is None
    for c in (("MULTI",), ("SET", "k", "1"), ("INCR", "k"), ("EXEC",)):
        t3.send_cmd(*c)
    assert t3.read() == Frame("+", "OK")
    assert t3.read() == Frame("+", "QUEUED")
    assert t3.read() == Frame("+", "QUEUED")
    assert plain(t3.read()) == ["OK", 2]
    assert invalidated_keys(t3.read(), 3) == ["k"]
    assert t3.cmd("PING") == Frame("+", "PONG")


def test_own_write_of_a_redirecting_client_reaches_the_target(raw):
    t = Tracker(raw, "resp2")
    t.call("GET", "k")
    t.call("SET", "k", "v")
    t.expect(["k"])


def test_noloop_suppresses_own_writes_only(track, w):
    t = track("NOLOOP")
    t.call("GET", "k")
    t.call("SET", "k", "mine")
    t.expect_none()
    # The own write still consumed the tracking of k (as in Redis).
    w.call("SET", "k", "theirs")
    t.expect_none()
    t.call("GET", "k")
    w.call("SET", "k", "theirs2")
    t.expect(["k"])


def wait_last_cmd(w: RawConn, cid: int, name: str) -> None:
    """Waits until client `cid` has run a command named `name` (CLIENT LIST
    cmd=): the only way to know a command without a reply was processed."""
    deadline = time.monotonic() + 5
    while f" cmd={name} " not in w.call("CLIENT", "LIST", "ID", cid):
        assert time.monotonic() < deadline, w.call("CLIENT", "LIST", "ID", cid)
        time.sleep(0.005)


def test_push_is_sent_with_client_reply_off_and_skip(t3, w):
    cid = t3.call("CLIENT", "ID")
    t3.call("CLIENT", "TRACKING", "ON")
    t3.call("GET", "k")
    t3.send_cmd("CLIENT", "REPLY", "OFF")
    wait_last_cmd(w, cid, "client|reply")
    w.call("SET", "k", "1")
    assert invalidated_keys(t3.read(), 3) == ["k"]
    t3.send_cmd("GET", "k")  # no reply, but tracked
    wait_last_cmd(w, cid, "get")
    w.call("SET", "k", "2")
    assert invalidated_keys(t3.read(), 3) == ["k"]
    assert t3.cmd("CLIENT", "REPLY", "ON") == Frame("+", "OK")
    t3.send_cmd("CLIENT", "REPLY", "SKIP")
    t3.send_cmd("GET", "k")  # its reply is skipped; k is tracked
    wait_last_cmd(w, cid, "get")
    w.call("SET", "k", "3")
    assert invalidated_keys(t3.read(), 3) == ["k"]
    assert t3.cmd("PING") == Frame("+", "PONG")


def test_push_is_never_inside_a_reply(raw, w):
    """Large replies (MGET of 500 keys) while another connection keeps
    writing those keys: every frame parses, pushes only between replies."""
    import threading

    t = Tracker(raw, "resp3")
    keys = [f"key:{i}" for i in range(500)]
    w.call("MSET", *[x for k in keys for x in (k, "v" * 20)])
    stop = threading.Event()

    def writer():
        i = 0
        while not stop.is_set():
            w.call("SET", keys[i % len(keys)], "w" * 20)
            i += 1

    th = threading.Thread(target=writer)
    th.start()
    try:
        pushes = 0
        for _ in range(100):
            t.conn.send_cmd("MGET", *keys)
            while True:
                frame = t.conn.read()
                if frame.kind == ">":
                    assert invalidated_keys(frame, 3) is not None
                    pushes += 1
                    continue
                assert frame.kind == "*" and len(frame.value) == len(keys), frame
                assert all(f.kind == "$" for f in frame.value)
                break
    finally:
        stop.set()
        th.join()
    assert pushes > 0


# -- RESP2 and redirect targets -----------------------------------------------------


def test_resp2_tracking_without_redirect_is_accepted_and_gets_nothing(raw, w):
    c = raw()
    assert c.call("CLIENT", "TRACKING", "ON") == "OK"
    assert c.call("CLIENT", "GETREDIR") == 0
    c.call("GET", "k")
    w.call("SET", "k", "v")
    assert c.cmd("PING") == Frame("+", "PONG")
    c.assert_no_reply(0.2)


def test_resp2_tracking_client_that_switches_to_resp3_gets_pushes(raw, w):
    c = raw()
    assert c.call("CLIENT", "TRACKING", "ON") == "OK"
    c.call("GET", "k")
    assert plain(c.cmd("HELLO", "3"))["proto"] == 3
    w.call("SET", "k", "v")
    assert invalidated_keys(c.read(), 3) == ["k"]


def test_redirect_to_a_resp3_target_sends_pushes(raw, w):
    target = raw()
    target.cmd("HELLO", "3")
    tid = target.call("CLIENT", "ID")
    c = raw()
    assert c.call("CLIENT", "TRACKING", "ON", "REDIRECT", tid) == "OK"
    c.call("GET", "k")
    w.call("SET", "k", "v")
    assert invalidated_keys(target.read(), 3) == ["k"]
    assert target.cmd("PING") == Frame("+", "PONG")


def test_redirect_to_an_unsubscribed_resp2_target_sends_nothing(raw, w):
    target = raw()
    tid = target.call("CLIENT", "ID")
    c = raw()
    assert c.call("CLIENT", "TRACKING", "ON", "REDIRECT", tid) == "OK"
    c.call("GET", "k")
    w.call("SET", "k", "v")
    assert target.cmd("PING") == Frame("+", "PONG")
    target.assert_no_reply(0.2)


def test_broken_redirect_reported_lazily_at_first_invalidation(raw, t3, w):
    target = raw()
    tid = target.call("CLIENT", "ID")
    assert t3.call("CLIENT", "TRACKING", "ON", "REDIRECT", tid) == "OK"
    t3.call("GET", "k")
    target.close()
    deadline = time.monotonic() + 5
    while f"id={tid} " in w.call("CLIENT", "LIST") and time.monotonic() < deadline:
        time.sleep(0.01)
    # Nothing is sent when the target goes away...
    assert t3.cmd("PING") == Frame("+", "PONG")
    # ...but at the first invalidation.
    w.call("SET", "k", "v")
    assert t3.read() == Frame(">", [Frame("$", b"tracking-redir-broken"), Frame(":", tid)])
    info = info_dict(t3)
    assert info["flags"] == ["on", "broken_redirect"]
    assert info["redirect"] == tid
    ci = client_info(t3)
    assert ci["flags"] == "tR"
    assert ci["redir"] == str(tid)
    assert t3.call("CLIENT", "GETREDIR") == tid


def test_broken_redirect_is_reported_at_every_invalidation(raw, t3, w):
    target = raw()
    tid = target.call("CLIENT", "ID")
    t3.call("CLIENT", "TRACKING", "ON", "REDIRECT", tid)
    target.close()
    deadline = time.monotonic() + 5
    while f"id={tid} " in w.call("CLIENT", "LIST") and time.monotonic() < deadline:
        time.sleep(0.01)
    broken = Frame(">", [Frame("$", b"tracking-redir-broken"), Frame(":", tid)])
    t3.call("GET", "k")
    w.call("SET", "k", "1")
    assert t3.read() == broken
    t3.call("GET", "k")
    w.call("SET", "k", "2")
    assert t3.cmd("PING") == broken


def test_broken_redirect_of_a_resp2_client_shows_in_trackinginfo(raw, w):
    target = raw()
    tid = target.call("CLIENT", "ID")
    c = raw()
    c.call("CLIENT", "TRACKING", "ON", "REDIRECT", tid)
    c.call("GET", "k")
    target.close()
    deadline = time.monotonic() + 5
    while f"id={tid} " in w.call("CLIENT", "LIST") and time.monotonic() < deadline:
        time.sleep(0.01)
    w.call("SET", "k", "v")
    # RESP2 cannot receive the push; the flag is still set.
    assert c.cmd("PING") == Frame("+", "PONG")
    info = info_dict(c)
    assert info["flags"] == ["on", "broken_redirect"]
    assert info["redirect"] == tid
