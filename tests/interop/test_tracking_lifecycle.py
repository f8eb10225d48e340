"""Client tracking lifecycle and bounded memory: TRACKING OFF and RESET,
INFO tracking counters, what a disconnect frees, and tracking-table-max-keys
(see tracking_support.py for the resp3/resp2 `mode`).
"""

from __future__ import annotations

import time

import pytest

from rawresp import Frame
from tracking_support import (  # noqa: F401 - mode, t3, track, w: pytest fixtures
    Tracker, info_fields, invalidated_keys, is_push, mode, t3, track, w,
)


# -- lifecycle, bounded memory, INFO --------------------------------------------------


def test_tracking_off_then_on_keeps_new_reads_tracked(track, w):
    t = track()
    t.call("GET", "k")
    t.call("CLIENT", "TRACKING", "OFF")
    opts = ("REDIRECT", t.redirect) if t.mode == "resp2" else ()
    t.call("CLIENT", "TRACKING", "ON", *opts)
    t.call("GET", "k")
    time.sleep(0.5)  # several cron ticks (hz 10)
    w.call("SET", "k", "v")
    assert t.round_trip() == [["k"]]


def test_tracking_off_stops_pushes(track, w):
    t = track()
    t.call("GET", "k")
    t.call("CLIENT", "TRACKING", "OFF")
    w.call("SET", "k", "v")
    w.call("FLUSHALL")
    t.expect_none()


def test_reset_turns_tracking_off(t3, w):
    t3.call("CLIENT", "TRACKING", "ON")
    t3.call("GET", "k")
    assert t3.call("RESET") == "RESET"
    assert t3.call("CLIENT", "GETREDIR") == -1
    w.call("SET", "k", "v")
    assert t3.cmd("PING") == Frame("+", "PONG")


def test_info_tracking_counters(start_server, raw):
    s = start_server()
    w = raw(s.port)

    def stats():
        f = {**info_fields(w, "clients"), **info_fields(w, "stats")}
        return tuple(int(f[n]) for n in
                     ("tracking_clients", "tracking_total_keys", "tracking_total_items", "tracking_total_prefixes"))

    assert stats() == (0, 0, 0, 0)
    one, two, bc = raw(s.port), raw(s.port), raw(s.port)
    for c in (one, two, bc):
        c.cmd("HELLO", "3")
    one.call("CLIENT", "TRACKING", "ON")
    two.call("CLIENT", "TRACKING", "ON")
    one.call("MGET", "a", "b")
    two.call("GET", "a")
    assert stats() == (2, 2, 3, 0)
    bc.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "x", "PREFIX", "y")
    assert stats() == (3, 2, 3, 2)
    w.call("SET", "a", "1")
    assert invalidated_keys(one.read(), 3) == ["a"]
    assert invalidated_keys(two.read(), 3) == ["a"]
    assert stats() == (3, 1, 1, 2)
    bc.call("CLIENT", "TRACKING", "OFF")
    assert stats()[0] == 2 and stats()[3] == 0
    two.close()
    deadline = time.monotonic() + 5
    while stats()[0] != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stats()[0] == 1
    one.call("CLIENT", "TRACKING", "OFF")
    assert stats()[0] == 0


def _eventually(cond, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_disconnect_removes_the_client_from_tracking(start_server, raw):
    s = start_server()
    w = raw(s.port)
    reader, bcast = raw(s.port), raw(s.port)
    reader.call("CLIENT", "TRACKING", "ON")
    reader.call("MGET", "a", "b", "c")
    bcast.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p:", "PREFIX", "q:")
    reader.close()
    bcast.close()

    def field(section, name):
        return int(info_fields(w, section)[name])

    assert _eventually(lambda: field("clients", "tracking_clients") == 0)
    assert field("stats", "tracking_total_prefixes") == 0


@pytest.mark.hearth_only  # Redis keeps a closed client's keys until they are written
def test_disconnect_frees_the_clients_tracked_keys(start_server, raw):
    s = start_server()
    w = raw(s.port)
    reader, other = raw(s.port), raw(s.port)
    reader.call("CLIENT", "TRACKING", "ON")
    other.call("CLIENT", "TRACKING", "ON")
    reader.call("MGET", "a", "b", "c")
    other.call("GET", "a")
    reader.close()

    def keys_items():
        f = info_fields(w, "stats")
        return int(f["tracking_total_keys"]), int(f["tracking_total_items"])

    assert _eventually(lambda: keys_items() == (1, 1)), keys_items()


def test_tracking_table_max_keys_invalidates_the_excess(start_server, raw, mode):
    s = start_server()
    w = raw(s.port)
    assert w.call("CONFIG", "SET", "tracking-table-max-keys", "2") == "OK"
    assert w.call("CONFIG", "GET", "tracking-table-max-keys") == ["tracking-table-max-keys", "2"]
    t = Tracker(lambda: raw(s.port), mode)
    keys = [f"k{i}" for i in range(1, 6)]
    evicted = []
    for k in keys:
        t.conn.send_cmd("GET", k)
        frame = t.conn.read()
        while is_push(frame):  # RESP3: evictions may come before a reply
            evicted.append(invalidated_keys(frame, 3))
            frame = t.conn.read()
    evicted += t.round_trip()
    assert all(ks is not None and len(ks) == 1 for ks in evicted), evicted
    evicted = {ks[0] for ks in evicted}
    assert evicted <= set(keys) and len(evicted) >= 3, evicted
    assert int(info_fields(w, "stats")["tracking_total_keys"]) <= 2
    # The keys still tracked are exactly the others.
    w.call("MSET", *[x for k in keys for x in (k, "v")])
    later = {ks[0] for ks in t.round_trip()}
    assert later == set(keys) - evicted


def test_lowering_tracking_table_max_keys_trims_at_the_next_command(start_server, raw):
    s = start_server()
    w = raw(s.port)
    t = Tracker(lambda: raw(s.port), "resp3")
    for i in range(5):
        t.call("GET", f"k{i}")
    assert w.call("CONFIG", "SET", "tracking-table-max-keys", "2") == "OK"
    assert w.call("PING") == "PONG"  # any command, no new read
    assert len(t.round_trip()) == 3
    assert int(info_fields(w, "stats")["tracking_total_keys"]) == 2
