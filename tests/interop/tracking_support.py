"""Shared helpers and fixtures of the client tracking tests (test_tracking_*.py):
server-assisted client-side caching, CLIENT TRACKING and friends.

Most tracking tests run twice, by the `mode` fixture:

    resp3   a HELLO 3 connection tracks and receives `>invalidate [keys]`
            pushes on itself;
    resp2   a RESP2 connection tracks with REDIRECT to a RESP2 connection
            subscribed to `__redis__:invalidate`, which receives
            `["message", "__redis__:invalidate", [keys]]`.

A flush is an invalidation with a null key list (`_` in RESP3, `$-1` in a
RESP2 message). "No push" is checked with a round trip on the connection the
pushes arrive on: a push queued before it would arrive before its reply.

Redis semantics are pinned against redis-server (HEARTH_TEST_TARGET=redis):
`redis74` marks 7.4-only behaviour (Debian ships 7.0.15), `hearth_only`
Hearth's deliberate improvements (SWAPDB invalidates). Tests marked
`@hearth_bug(...)` document known Hearth bugs: strict xfail on Hearth (so a
fix shows up as XPASS and the mark must go), plain tests on redis-server.

The test modules import the fixtures they use from here (`mode`, `track`,
`w`, `t3`, `no_active_expire`), which is how pytest finds them.
"""

from __future__ import annotations

import os

import pytest

from rawresp import Frame, RawConn, plain

CHANNEL = "__redis__:invalidate"
ON_REFERENCE = os.environ.get("HEARTH_TEST_TARGET", "hearth").strip().lower() == "redis"


def hearth_bug(reason: str):
    """A known Hearth bug: the test must fail on Hearth (strict) and pass on
    redis-server."""
    return pytest.mark.xfail(not ON_REFERENCE, strict=True, reason=f"server bug: {reason}")


ERR_REDIRECT_MISSING = "ERR The client ID you want redirect to does not exist"
ERR_REDIRECT_TWICE = "ERR A client can only redirect to a single other client"
ERR_NOT_INT = "ERR value is not an integer or out of range"
ERR_PREFIX_NO_BCAST = "ERR PREFIX option requires BCAST mode to be enabled"
ERR_OPTIN_OPTOUT = "ERR You can't specify both OPTIN mode and OPTOUT mode"
ERR_OPT_BCAST = "ERR OPTIN and OPTOUT are not compatible with BCAST"
ERR_SWITCH_BCAST = (
    "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
    "and then re-enabling it with a different mode."
)
ERR_SWITCH_OPT = (
    "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
    "and then re-enabling it with a different mode."
)
ERR_CACHING_MODE = (
    "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"
)
ERR_CACHING_YES = "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."
ERR_CACHING_NO = "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."
SYNTAX = "ERR syntax error"


def overlap_existing(new: str, old: str) -> str:
    return f"ERR Prefix '{new}' overlaps with an existing prefix '{old}'. Prefixes for a single client must not overlap."


def overlap_provided(a: str, b: str) -> str:
    return f"ERR Prefix '{a}' overlaps with another provided prefix '{b}'. Prefixes for a single client must not overlap."


def error(text: str) -> Frame:
    return Frame("-", text)


def is_push(frame: Frame) -> bool:
    return frame.kind == ">"


def invalidated_keys(frame: Frame, resp: int):
    """The key list (list of str, or None for a flush) of an invalidation
    frame as a `resp` connection receives it; fails on anything else."""
    if resp == 3:
        assert frame.kind == ">" and len(frame.value) == 2, f"not an invalidate push: {frame!r}"
        name, keys = frame.value
        assert name == Frame("$", b"invalidate"), f"not an invalidate push: {frame!r}"
        if keys.kind == "_":
            return None
    else:
        assert frame.kind == "*" and len(frame.value) == 3, f"not a pub/sub message: {frame!r}"
        kind, channel, keys = frame.value
        assert (kind, channel) == (Frame("$", b"message"), Frame("$", CHANNEL.encode())), f"{frame!r}"
        if keys.kind == "$" and keys.value is None:
            return None
    assert keys.kind == "*", f"key list must be an array (or null): {frame!r}"
    return [plain(k) for k in keys.value]


class Tracker:
    """A tracking client: `conn` runs commands; invalidations arrive on
    `sink` (the same connection in RESP3, the redirect target in RESP2)."""

    def __init__(self, raw, mode: str, *opts):
        self.mode = mode
        self.conn: RawConn = raw()
        if mode == "resp3":
            assert plain(self.conn.cmd("HELLO", "3"))["proto"] == 3
            self.sink = self.conn
            self.sink_resp = 3
            self.redirect = 0
        else:
            self.sink = raw()
            self.sink_resp = 2
            self.redirect = self.sink.call("CLIENT", "ID")
            assert self.sink.call("SUBSCRIBE", CHANNEL) == ["subscribe", CHANNEL, 1]
            opts = ("REDIRECT", self.redirect, *opts)
        self.id = self.conn.call("CLIENT", "ID")
        reply = self.conn.cmd("CLIENT", "TRACKING", "ON", *opts)
        assert reply == Frame("+", "OK"), reply

    def call(self, *args):
        """A command on the tracking connection; fails if a push comes
        before its reply (tests always consume expected pushes first)."""
        frame = self.conn.cmd(*args)
        assert not is_push(frame), f"unexpected push {frame!r} before the reply to {args}"
        return plain(frame)

    def cmd(self, *args) -> Frame:
        frame = self.conn.cmd(*args)
        assert not is_push(frame), f"unexpected push {frame!r} before the reply to {args}"
        return frame

    def next_invalidation(self):
        return invalidated_keys(self.sink.read(), self.sink_resp)

    def expect(self, keys):
        """The next frame on the sink is an invalidation of exactly `keys`
        (in order; None = flush)."""
        assert self.next_invalidation() == keys

    def expect_pushes(self, n: int) -> list:
        """Reads `n` invalidations; returns their key lists."""
        return [self.next_invalidation() for _ in range(n)]

    def round_trip(self) -> list:
        """PING on the sink; returns the invalidations that arrived before
        the PONG."""
        self.sink.send_cmd("PING")
        got = []
        while True:
            frame = self.sink.read()
            if self.sink_resp == 3 and frame == Frame("+", "PONG"):
                return got
            if self.sink_resp == 2 and plain(frame) == ["pong", ""]:
                return got
            got.append(invalidated_keys(frame, self.sink_resp))

    def expect_none(self):
        got = self.round_trip()
        assert got == [], f"expected no invalidation, got {got}"


def info_dict(conn: RawConn):
    """TRACKINGINFO as a dict, from a RESP2 (flat list) or RESP3 (map) reply."""
    reply = conn.call("CLIENT", "TRACKINGINFO")
    if isinstance(reply, list):
        reply = dict(zip(reply[::2], reply[1::2]))
    return reply


def client_info(conn: RawConn) -> dict:
    line = plain(conn.cmd("CLIENT", "INFO")).strip()
    return dict(part.split("=", 1) for part in line.split(" "))


def info_fields(conn: RawConn, section: str) -> dict:
    text = plain(conn.cmd("INFO", section))
    return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line and not line.startswith("#"))


@pytest.fixture(params=["resp3", "resp2"])
def mode(request):
    return request.param


@pytest.fixture
def track(raw, mode):
    def make(*opts) -> Tracker:
        return Tracker(raw, mode, *opts)

    return make


@pytest.fixture
def w(raw):
    """A plain RESP2 writer connection."""
    return raw()


@pytest.fixture
def t3(raw):
    """A RESP3 connection (not tracking yet)."""
    c = raw()
    c.cmd("HELLO", "3")
    return c


@pytest.fixture
def no_active_expire(w):
    assert w.call("DEBUG", "SET-ACTIVE-EXPIRE", "0") == "OK"
    yield
    assert w.call("DEBUG", "SET-ACTIVE-EXPIRE", "1") == "OK"
