"""Client tracking modes other than the default: BCAST (with and without
prefixes), OPTIN/OPTOUT and CLIENT CACHING (see tracking_support.py for the
resp3/resp2 `mode` every test runs in).
"""

from __future__ import annotations

from rawresp import Frame
from tracking_support import info_dict, mode, t3, track, w  # noqa: F401 - mode, t3, track, w: pytest fixtures


# -- BCAST ---------------------------------------------------------------------------


def test_bcast_without_prefix_reports_every_write_one_push_per_command(track, w):
    t = track("BCAST")
    w.call("SET", "x", "1")
    t.expect(["x"])
    w.call("MSET", "a", "1", "b", "2", "c", "3")
    assert sorted(t.next_invalidation()) == ["a", "b", "c"]
    t.expect_none()
    assert info_dict(t.conn)["prefixes"] == [""]
    assert info_dict(t.conn)["flags"] == ["on", "bcast"]


def test_bcast_push_lists_each_key_once(track, w):
    t = track("BCAST")
    w.call("MSET", "a", "1", "b", "2", "a", "3")
    assert sorted(t.next_invalidation()) == ["a", "b"]


def test_bcast_with_prefixes_reports_matching_keys_only(track, w):
    t = track("BCAST", "PREFIX", "user:", "PREFIX", "obj:")
    w.call("SET", "user:1", "x")
    t.expect(["user:1"])
    w.call("SET", "other", "x")
    t.expect_none()
    w.call("MSET", "obj:1", "x", "other", "y", "obj:2", "z")
    assert sorted(t.next_invalidation()) == ["obj:1", "obj:2"]
    t.expect_none()


def test_bcast_needs_no_reads_and_reports_repeatedly(track, w):
    t = track("BCAST")
    for i in range(3):
        w.call("SET", "k", str(i))
        t.expect(["k"])


def test_bcast_del_of_missing_key_sends_nothing(track, w):
    t = track("BCAST")
    assert w.call("DEL", "nothere") == 0
    t.expect_none()


def test_bcast_noloop_skips_own_writes(track, w):
    t = track("BCAST", "NOLOOP")
    t.call("SET", "k", "1")
    t.expect_none()
    w.call("SET", "k", "2")
    t.expect(["k"])


def test_bcast_prefixes_accumulate_across_calls(track, w):
    t = track("BCAST", "PREFIX", "a:")
    # Every ON call restates REDIRECT (Redis resets it to "none" otherwise).
    again = ("REDIRECT", t.redirect) if t.mode == "resp2" else ()
    assert t.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "b:", *again) == "OK"
    assert sorted(info_dict(t.conn)["prefixes"]) == ["a:", "b:"]
    w.call("SET", "b:1", "x")
    t.expect(["b:1"])
    w.call("SET", "a:1", "x")
    t.expect(["a:1"])


def test_bcast_expiry_is_reported(track, w):
    t = track("BCAST")
    w.call("SET", "k", "v", "PX", "30")
    t.expect(["k"])  # the SET itself
    t.expect(["k"])  # the expiry


# -- OPTIN / OPTOUT and CLIENT CACHING ------------------------------------------------


def test_optin_tracks_only_after_caching_yes(track, w):
    t = track("OPTIN")
    t.call("GET", "a")
    assert t.call("CLIENT", "CACHING", "YES") == "OK"
    t.call("GET", "b")
    w.call("MSET", "a", "1", "b", "2")
    t.expect(["b"])
    t.expect_none()


def test_optin_caching_applies_to_the_next_command_only(track, w):
    t = track("OPTIN")
    t.call("CLIENT", "CACHING", "YES")
    t.call("PING")
    t.call("GET", "a")
    t.call("CLIENT", "CACHING", "YES")
    t.call("GET", "b")
    t.call("GET", "c")
    w.call("MSET", "a", "1", "b", "2", "c", "3")
    t.expect(["b"])
    t.expect_none()


def test_optin_caching_survives_other_client_subcommands(track, w):
    t = track("OPTIN")
    t.call("CLIENT", "CACHING", "YES")
    t.call("CLIENT", "SETNAME", "cache")
    t.call("CLIENT", "GETNAME")
    t.call("CLIENT", "ID")
    assert "caching-yes" in info_dict(t.conn)["flags"]
    t.call("GET", "k")
    assert "caching-yes" not in info_dict(t.conn)["flags"]
    w.call("SET", "k", "v")
    t.expect(["k"])


def test_optin_caching_covers_a_whole_multi_block(track, w):
    t = track("OPTIN")
    t.call("CLIENT", "CACHING", "YES")
    assert t.call("MULTI") == "OK"
    assert t.call("GET", "a") == "QUEUED"
    assert t.call("GET", "b") == "QUEUED"
    assert t.call("EXEC") == [None, None]
    t.call("GET", "c")
    w.call("MSET", "a", "1", "b", "2", "c", "3")
    assert t.expect_pushes(2) == [["a"], ["b"]]
    t.expect_none()


def test_optout_caching_no_skips_the_next_command_only(track, w):
    t = track("OPTOUT")
    t.call("GET", "a")
    assert t.call("CLIENT", "CACHING", "NO") == "OK"
    t.call("GET", "b")
    t.call("GET", "c")
    w.call("MSET", "a", "1", "b", "2", "c", "3")
    assert t.expect_pushes(2) == [["a"], ["c"]]
    t.expect_none()


def test_optout_caching_no_covers_a_whole_multi_block(track, w):
    t = track("OPTOUT")
    t.call("CLIENT", "CACHING", "NO")
    t.call("MULTI")
    t.call("GET", "a")
    t.call("GET", "b")
    t.call("EXEC")
    t.call("GET", "c")
    w.call("MSET", "a", "1", "b", "2", "c", "3")
    t.expect(["c"])
    t.expect_none()


def test_caching_yes_is_used_up_by_a_rejected_command(t3, w):
    t3.call("CLIENT", "TRACKING", "ON", "OPTIN")
    t3.call("CLIENT", "CACHING", "YES")
    assert t3.cmd("GET").kind == "-"
    t3.call("GET", "a")
    t3.call("CLIENT", "CACHING", "YES")
    assert t3.cmd("NOSUCHCOMMAND").kind == "-"
    t3.call("GET", "b")
    w.call("MSET", "a", "1", "b", "2")
    assert t3.cmd("PING") == Frame("+", "PONG")
