"""Client tracking (server-assisted client-side caching): CLIENT TRACKING in
default, BCAST, OPTIN/OPTOUT, NOLOOP and REDIRECT modes; CLIENT CACHING,
GETREDIR, TRACKINGINFO; what invalidates and when; validation errors; INFO;
tracking-table-max-keys; and redis-py's own client-side cache.

Most tests run twice, by the `mode` fixture:

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
"""

from __future__ import annotations

import os
import time

import pytest
import redis

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


# -- what invalidates ---------------------------------------------------------------

# (name, setup run by the writer, keys the tracker reads, the write, expected
# invalidations as a sorted list of key lists)
WRITES = [
    ("set", [("SET", "k", "v")], ["k"], ("SET", "k", "w"), [["k"]]),
    ("setnx-on-existing-key-changes-nothing", [("SET", "k", "v")], ["k"], ("SETNX", "k", "w"), []),
    ("append", [("SET", "k", "v")], ["k"], ("APPEND", "k", "w"), [["k"]]),
    ("incr", [("SET", "k", "1")], ["k"], ("INCR", "k"), [["k"]]),
    ("incrbyfloat", [("SET", "k", "1")], ["k"], ("INCRBYFLOAT", "k", "0.5"), [["k"]]),
    ("setrange", [("SET", "k", "v")], ["k"], ("SETRANGE", "k", "3", "x"), [["k"]]),
    ("getset", [("SET", "k", "v")], ["k"], ("GETSET", "k", "w"), [["k"]]),
    ("getdel", [("SET", "k", "v")], ["k"], ("GETDEL", "k"), [["k"]]),
    ("getex", [("SET", "k", "v")], ["k"], ("GETEX", "k", "EX", "100"), [["k"]]),
    ("del", [("SET", "k", "v")], ["k"], ("DEL", "k"), [["k"]]),
    ("unlink", [("SET", "k", "v")], ["k"], ("UNLINK", "k"), [["k"]]),
    ("expire", [("SET", "k", "v")], ["k"], ("EXPIRE", "k", "100"), [["k"]]),
    ("pexpire", [("SET", "k", "v")], ["k"], ("PEXPIRE", "k", "100000"), [["k"]]),
    ("expireat", [("SET", "k", "v")], ["k"], ("EXPIREAT", "k", "4000000000"), [["k"]]),
    ("expire-in-the-past-deletes", [("SET", "k", "v")], ["k"], ("EXPIRE", "k", "-1"), [["k"]]),
    ("persist", [("SET", "k", "v", "EX", "100")], ["k"], ("PERSIST", "k"), [["k"]]),
    ("mset", [], ["a", "b"], ("MSET", "a", "1", "b", "2"), [["a"], ["b"]]),
    ("msetnx", [], ["a", "b"], ("MSETNX", "a", "1", "b", "2"), [["a"], ["b"]]),
    ("rpush", [], ["l"], ("RPUSH", "l", "x"), [["l"]]),
    ("rename-both-keys", [("SET", "a", "1"), ("SET", "b", "2")], ["a", "b"], ("RENAME", "a", "b"), [["a"], ["b"]]),
    ("renamenx-both-keys", [("SET", "a", "1")], ["a", "c"], ("RENAMENX", "a", "c"), [["a"], ["c"]]),
    ("move", [("SET", "k", "v")], ["k"], ("MOVE", "k", "1"), [["k"]]),
    ("copy-destination-only", [("SET", "src", "v"), ("SET", "dst", "old")], ["src", "dst"],
     ("COPY", "src", "dst", "REPLACE"), [["dst"]]),
    ("copy-to-new-key", [("SET", "src", "v")], ["src", "dst"], ("COPY", "src", "dst"), [["dst"]]),
    ("set-same-value", [("SET", "k", "v")], ["k"], ("SET", "k", "v"), [["k"]]),
    ("incrby-zero", [("SET", "k", "1")], ["k"], ("INCRBY", "k", "0"), [["k"]]),
    ("append-empty", [("SET", "k", "v")], ["k"], ("APPEND", "k", ""), [["k"]]),
    ("del-several", [("MSET", "a", "1", "b", "2")], ["a", "b", "c"], ("DEL", "a", "b", "c"), [["a"], ["b"]]),
    ("hset", [("HSET", "h", "f", "v")], ["h"], ("HSET", "h", "f", "w"), [["h"]]),
    ("hincrby", [("HSET", "h", "n", "1")], ["h"], ("HINCRBY", "h", "n", "1"), [["h"]]),
    ("hdel-last-field", [("HSET", "h", "f", "v")], ["h"], ("HDEL", "h", "f"), [["h"]]),
    ("hdel-some-missing", [("HSET", "h", "f", "v", "g", "w")], ["h"], ("HDEL", "h", "f", "nope"), [["h"]]),
    pytest.param([("HSET", "h", "f", "v")], ["h"], ("HEXPIRE", "h", "100", "FIELDS", "1", "f"), [["h"]],
                 id="hexpire", marks=pytest.mark.redis74),
    ("sadd-new-member", [("SADD", "s", "a")], ["s"], ("SADD", "s", "b"), [["s"]]),
    ("srem", [("SADD", "s", "a", "b")], ["s"], ("SREM", "s", "a"), [["s"]]),
    ("smove-both-keys", [("SADD", "s", "a"), ("SADD", "d", "x")], ["s", "d"], ("SMOVE", "s", "d", "a"),
     [["d"], ["s"]]),
    ("sinterstore-destination", [("SADD", "s", "a"), ("SADD", "t", "a")], ["s", "t", "dst"],
     ("SINTERSTORE", "dst", "s", "t"), [["dst"]]),
    ("sdiffstore-destination", [("SADD", "s", "a")], ["s", "dst"], ("SDIFFSTORE", "dst", "s"), [["dst"]]),
    ("zadd-new-score", [("ZADD", "z", "1", "a")], ["z"], ("ZADD", "z", "2", "a"), [["z"]]),
    ("zincrby", [("ZADD", "z", "1", "a")], ["z"], ("ZINCRBY", "z", "1", "a"), [["z"]]),
    ("zunionstore-destination", [("ZADD", "z", "1", "a")], ["z", "dst"], ("ZUNIONSTORE", "dst", "1", "z"),
     [["dst"]]),
    ("zrangestore-destination", [("ZADD", "z", "1", "a")], ["z", "dst"], ("ZRANGESTORE", "dst", "z", "0", "-1"),
     [["dst"]]),
    ("lpush", [("RPUSH", "l", "a")], ["l"], ("LPUSH", "l", "b"), [["l"]]),
    ("lpop", [("RPUSH", "l", "a", "b")], ["l"], ("LPOP", "l"), [["l"]]),
    ("lset-same-value", [("RPUSH", "l", "a")], ["l"], ("LSET", "l", "0", "a"), [["l"]]),
    ("ltrim-keeping-all", [("RPUSH", "l", "a")], ["l"], ("LTRIM", "l", "0", "-1"), [["l"]]),
    ("lmove-both-keys", [("RPUSH", "l", "a"), ("RPUSH", "m", "x")], ["l", "m"], ("LMOVE", "l", "m", "LEFT", "RIGHT"),
     [["l"], ["m"]]),
    ("rpoplpush-same-list", [("RPUSH", "l", "a", "b")], ["l"], ("RPOPLPUSH", "l", "l"), [["l"]]),
    ("blpop-served-at-once", [("RPUSH", "l", "a")], ["l"], ("BLPOP", "l", "1"), [["l"]]),
]


def _case_id(case) -> str:
    return case.id if hasattr(case, "id") else case[0]


def _case_params(case):
    return case if hasattr(case, "id") else pytest.param(*case[1:], id=case[0])


@pytest.mark.parametrize("setup,reads,write,expected", [_case_params(c) for c in WRITES])
def test_write_invalidates(track, w, setup, reads, write, expected):
    t = track()
    for c in setup:
        w.call(*c)
    for key in reads:
        t.call("EXISTS", key)
    reply = w.cmd(*write)
    assert reply.kind != "-", reply
    got = sorted(t.expect_pushes(len(expected)))
    assert got == expected
    t.expect_none()


# Writes that change nothing send nothing (Redis signals a key only when
# the command modified it).
NOOPS = [
    ("rename-to-itself", [("SET", "k", "v")], ("RENAME", "k", "k")),
    ("expire-nx-with-ttl", [("SET", "k", "v", "EX", "100")], ("EXPIRE", "k", "50", "NX")),
    ("getex-without-options", [("SET", "k", "v")], ("GETEX", "k")),
    ("getex-persist-without-ttl", [("SET", "k", "v")], ("GETEX", "k", "PERSIST")),
    ("setrange-empty", [("SET", "k", "v")], ("SETRANGE", "k", "0", "")),
    ("touch", [("SET", "k", "v")], ("TOUCH", "k")),
    ("zadd-same-score", [("ZADD", "k", "1", "a")], ("ZADD", "k", "1", "a")),
    ("zadd-nx-existing", [("ZADD", "k", "1", "a")], ("ZADD", "k", "NX", "5", "a")),
    ("zrem-missing-member", [("ZADD", "k", "1", "a")], ("ZREM", "k", "nope")),
    ("zremrangebyscore-none", [("ZADD", "k", "1", "a")], ("ZREMRANGEBYSCORE", "k", "5", "6")),
    ("hsetnx-existing-field", [("HSET", "k", "f", "v")], ("HSETNX", "k", "f", "x")),
    ("smove-missing-member", [("SADD", "k", "a")], ("SMOVE", "k", "other", "nope")),
    ("lrem-nothing", [("RPUSH", "k", "a")], ("LREM", "k", "0", "nope")),
    ("linsert-missing-pivot", [("RPUSH", "k", "a")], ("LINSERT", "k", "BEFORE", "nope", "x")),
    ("lpushx-missing-key", [], ("LPUSHX", "k", "x")),
    ("spop-missing-key", [], ("SPOP", "k")),
    ("sadd-existing-member", [("SADD", "k", "a")], ("SADD", "k", "a")),
    ("srem-missing-member", [("SADD", "k", "a")], ("SREM", "k", "nope")),
    ("hdel-missing-field", [("HSET", "k", "f", "v")], ("HDEL", "k", "nope")),
    ("smove-member-already-in-destination", [("SADD", "src", "a"), ("SADD", "k", "a")], ("SMOVE", "src", "k", "a")),
    pytest.param([("HSET", "k", "f", "v")], ("HPERSIST", "k", "FIELDS", "1", "f"), id="hpersist-without-ttl",
                 marks=pytest.mark.redis74),
    pytest.param([("HSET", "k", "f", "v")], ("HEXPIRE", "k", "100", "GT", "FIELDS", "1", "f"), id="hexpire-gt-unmet",
                 marks=pytest.mark.redis74),
    pytest.param([("HSET", "k", "f", "v")], ("HEXPIRE", "k", "100", "FIELDS", "1", "nope"),
                 id="hexpire-missing-field", marks=pytest.mark.redis74),
]


@pytest.mark.parametrize("setup,write", [_case_params(c) for c in NOOPS])
def test_write_that_changes_nothing_sends_nothing(track, w, setup, write):
    t = track()
    for c in setup:
        w.call(*c)
    t.call("EXISTS", "k")
    reply = w.cmd(*write)
    assert reply.kind != "-", reply
    t.expect_none()


def test_persist_of_a_key_without_ttl_changes_nothing(track, w):
    t = track()
    w.call("SET", "k", "v")
    t.call("GET", "k")
    assert w.call("PERSIST", "k") == 0
    t.expect_none()


def test_del_of_a_missing_key_sends_nothing(track, w):
    t = track()
    assert t.call("GET", "k") is None
    assert w.call("DEL", "k") == 0
    t.expect_none()
    # Still tracked: the next real change is reported.
    w.call("SET", "k", "v")
    t.expect(["k"])


def test_lazy_expiry_invalidates(track, w, no_active_expire):
    t = track()
    w.call("SET", "k", "v", "PX", "50")
    assert t.call("GET", "k") == "v"
    time.sleep(0.2)
    t.expect_none()  # active expiry is off: nothing happened yet
    assert w.call("GET", "k") is None  # the writer's read deletes it
    t.expect(["k"])


def test_active_expiry_invalidates_without_any_command(track, w):
    t = track()
    w.call("SET", "k", "v", "PX", "50")
    assert t.call("GET", "k") == "v"
    t.expect(["k"])  # arrives by itself (active expiry cycle)


def test_flushall_and_flushdb_send_null_to_every_tracking_client(track, w):
    t = track()  # tracking but has read nothing
    assert w.call("FLUSHALL") == "OK"
    t.expect(None)
    assert w.call("FLUSHDB") == "OK"
    t.expect(None)
    t.expect_none()


def test_flushall_forgets_tracked_keys(track, w):
    t = track()
    t.call("GET", "k")
    w.call("FLUSHALL")
    t.expect(None)
    # The client dropped everything; k is no longer tracked.
    w.call("SET", "k", "v")
    t.expect_none()


def test_flush_of_another_db_also_sends_null(track, w):
    t = track()
    w.call("SELECT", "3")
    w.call("FLUSHDB")
    t.expect(None)


@pytest.mark.redis74
@pytest.mark.parametrize("flush", ["FLUSHALL", "FLUSHDB"])
def test_flushers_own_null_push_comes_before_its_ok(t3, flush):
    t3.call("CLIENT", "TRACKING", "ON")
    t3.send_cmd(flush)
    first, second = t3.read(), t3.read()
    assert invalidated_keys(first, 3) is None
    assert second == Frame("+", "OK")


def test_flush_by_a_redirecting_client_reaches_its_target(raw):
    t = Tracker(raw, "resp2")
    assert t.call("FLUSHALL") == "OK"
    t.expect(None)


@pytest.mark.hearth_only
def test_swapdb_sends_null_to_tracking_clients(track, w):
    t = track()
    t.call("GET", "k")
    assert w.call("SWAPDB", "0", "1") == "OK"
    t.expect(None)


def test_write_in_another_db_invalidates_a_reader_of_db0(track, w):
    # Redis tracks key names, not (db, key).
    t = track()
    t.call("GET", "k")
    w.call("SELECT", "2")
    w.call("SET", "k", "v")
    t.expect(["k"])


def test_read_in_another_db_is_invalidated_by_a_write_in_db0(track, w):
    t = track()
    t.call("SELECT", "5")
    t.call("GET", "k")
    w.call("SET", "k", "v")  # db 0
    t.expect(["k"])


def test_flushall_async_sends_null(track, w):
    t = track()
    assert w.call("FLUSHALL", "ASYNC") == "OK"
    t.expect(None)


def test_binary_key_names_come_back_exactly(track, w):
    t = track()
    key = b"a\x00b\r\n\xff"
    t.call("GET", key)
    w.call("SET", key, "v")
    frame = t.sink.read()
    keys = frame.value[1] if frame.kind == ">" else frame.value[2]
    assert keys == Frame("*", [Frame("$", key)])


def test_reads_inside_exec_are_tracked(track, w):
    t = track()
    t.call("MULTI")
    t.call("GET", "a")
    t.call("MGET", "b", "c")
    t.call("EXEC")
    w.call("MSET", "a", "1", "b", "2", "c", "3", "d", "4")
    assert t.expect_pushes(3) == [["a"], ["b"], ["c"]]
    t.expect_none()


def test_writes_of_other_types_are_seen_by_readers_of_the_key(track, w):
    t = track()
    t.call("HGET", "h", "f")
    t.call("SMEMBERS", "s")
    t.call("LRANGE", "l", "0", "-1")
    t.call("ZRANGE", "z", "0", "-1")
    w.call("HSET", "h", "f", "v")
    w.call("SADD", "s", "m")
    w.call("RPUSH", "l", "x")
    w.call("ZADD", "z", "1", "m")
    assert t.expect_pushes(4) == [["h"], ["s"], ["l"], ["z"]]


@pytest.mark.redis74
def test_hash_field_expiry_invalidates_the_hash(track, w):
    t = track()
    w.call("HSET", "h", "f", "v", "g", "w")
    t.call("HGET", "h", "g")
    assert w.call("HPEXPIRE", "h", "50", "FIELDS", "1", "f") == [1]
    t.expect(["h"])  # setting the TTL
    t.call("HGET", "h", "g")
    t.expect(["h"])  # the field's active expiry, with no command
    assert w.call("HGETALL", "h") == ["g", "w"]


@pytest.mark.redis74
def test_lazy_hash_field_expiry_invalidates_the_hash(track, w, no_active_expire):
    t = track()
    w.call("HSET", "h", "f", "v", "g", "w")
    w.call("HPEXPIRE", "h", "50", "FIELDS", "1", "f")
    t.call("HGET", "h", "g")
    time.sleep(0.2)
    t.expect_none()
    assert w.call("HGET", "h", "f") is None
    t.expect(["h"])


def test_eviction_invalidates_every_evicted_tracked_key(start_server, raw, mode):
    s = start_server()
    w = raw(s.port)
    t = Tracker(lambda: raw(s.port), mode)
    keys = [f"k{i}" for i in range(200)]
    for k in keys:
        w.call("SET", k, "x" * 1000)
    for k in keys:
        t.call("GET", k)
    used = int(info_fields(w, "memory")["used_memory"])
    assert w.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random") == "OK"
    assert w.call("CONFIG", "SET", "maxmemory", str(used - 100_000)) == "OK"
    w.call("SET", "trigger", "y")

    def evicted():
        return int(info_fields(w, "stats")["evicted_keys"])

    # Wait until eviction settles (Hearth may spread it over commands).
    last, deadline = -1, time.monotonic() + 10
    while evicted() != last and time.monotonic() < deadline:
        last = evicted()
        time.sleep(0.2)
    assert last > 0
    pushed = {k for ks in t.round_trip() for k in ks}
    gone = {k for k in keys if w.call("EXISTS", k) == 0}
    pushed |= {k for ks in t.round_trip() for k in ks}
    gone_after = {k for k in keys if w.call("EXISTS", k) == 0}
    assert gone, "nothing evicted"
    assert gone <= pushed, f"evicted without invalidation: {sorted(gone - pushed)}"
    assert pushed <= gone_after, f"invalidated but still there: {sorted(pushed - gone_after)}"


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


# -- CLIENT GETREDIR / TRACKINGINFO / LIST --------------------------------------------


def test_getredir_is_minus_one_off_zero_on_else_the_id(raw):
    c = raw()
    target = raw()
    tid = target.call("CLIENT", "ID")
    assert c.call("CLIENT", "GETREDIR") == -1
    c.call("CLIENT", "TRACKING", "ON")
    assert c.call("CLIENT", "GETREDIR") == 0
    c.call("CLIENT", "TRACKING", "OFF")
    assert c.call("CLIENT", "GETREDIR") == -1
    c.call("CLIENT", "TRACKING", "ON", "REDIRECT", tid)
    assert c.call("CLIENT", "GETREDIR") == tid


@pytest.mark.parametrize(
    "opts,flags",
    [
        ((), ["on"]),
        (("BCAST",), ["on", "bcast"]),
        (("OPTIN",), ["on", "optin"]),
        (("OPTOUT",), ["on", "optout"]),
        (("NOLOOP",), ["on", "noloop"]),
        (("BCAST", "NOLOOP"), ["on", "bcast", "noloop"]),
        (("OPTIN", "NOLOOP"), ["on", "optin", "noloop"]),
    ],
)
def test_trackinginfo_flags(t3, opts, flags):
    assert info_dict(t3) == {"flags": ["off"], "redirect": -1, "prefixes": []}
    t3.call("CLIENT", "TRACKING", "ON", *opts)
    info = info_dict(t3)
    assert info["flags"] == flags
    assert info["redirect"] == 0
    assert info["prefixes"] == ([""] if "BCAST" in opts else [])
    t3.call("CLIENT", "TRACKING", "OFF")
    assert info_dict(t3) == {"flags": ["off"], "redirect": -1, "prefixes": []}


def test_trackinginfo_reply_types(t3):
    t3.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p")
    reply = t3.cmd("CLIENT", "TRACKINGINFO")
    assert reply.kind == "%"
    kinds = {plain(k): v.kind for k, v in reply.value}
    assert kinds == {"flags": "~", "redirect": ":", "prefixes": "*"}


def test_trackinginfo_caching_flags(t3):
    t3.call("CLIENT", "TRACKING", "ON", "OPTIN")
    t3.call("CLIENT", "CACHING", "YES")
    assert info_dict(t3)["flags"] == ["on", "optin", "caching-yes"]
    t3.call("PING")
    assert info_dict(t3)["flags"] == ["on", "optin"]
    t3.call("CLIENT", "TRACKING", "OFF")
    t3.call("CLIENT", "TRACKING", "ON", "OPTOUT")
    t3.call("CLIENT", "CACHING", "NO")
    assert info_dict(t3)["flags"] == ["on", "optout", "caching-no"]


def test_trackinginfo_redirect_and_resp2_shape(raw):
    target = raw()
    tid = target.call("CLIENT", "ID")
    c = raw()
    c.call("CLIENT", "TRACKING", "ON", "REDIRECT", tid, "BCAST", "PREFIX", "a")
    assert c.call("CLIENT", "TRACKINGINFO") == ["flags", ["on", "bcast"], "redirect", tid, "prefixes", ["a"]]


def test_trackinginfo_prefixes_are_sorted(t3):
    t3.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "b", "PREFIX", "a", "PREFIX", "c")
    assert info_dict(t3)["prefixes"] == ["a", "b", "c"]


def test_client_list_flags_and_redir(raw, w):
    c = raw()
    target = raw()
    tid = target.call("CLIENT", "ID")
    ci = client_info(c)
    assert (ci["flags"], ci["redir"]) == ("N", "-1")
    c.call("CLIENT", "TRACKING", "ON")
    ci = client_info(c)
    assert (ci["flags"], ci["redir"]) == ("t", "0")
    c.call("CLIENT", "TRACKING", "OFF")
    c.call("CLIENT", "TRACKING", "ON", "BCAST", "REDIRECT", tid)
    ci = client_info(c)
    assert (ci["flags"], ci["redir"]) == ("tB", str(tid))
    cid = c.call("CLIENT", "ID")
    line = w.call("CLIENT", "LIST", "ID", cid)
    assert " flags=tB " in line and f" redir={tid} " in line


def test_client_list_flag_order_with_broken_bcast_redirect(raw, t3, w):
    target = raw()
    tid = target.call("CLIENT", "ID")
    t3.call("CLIENT", "TRACKING", "ON", "BCAST", "REDIRECT", tid)
    target.close()
    deadline = time.monotonic() + 5
    while f"id={tid} " in w.call("CLIENT", "LIST") and time.monotonic() < deadline:
        time.sleep(0.01)
    w.call("SET", "k", "v")
    assert t3.read() == Frame(">", [Frame("$", b"tracking-redir-broken"), Frame(":", tid)])
    assert client_info(t3)["flags"] == "tRB"


# -- validation ---------------------------------------------------------------------


def test_redirect_to_missing_or_bad_ids(raw):
    c = raw()
    me = c.call("CLIENT", "ID")
    assert c.cmd("CLIENT", "TRACKING", "ON", "REDIRECT", "999999") == error(ERR_REDIRECT_MISSING)
    assert c.cmd("CLIENT", "TRACKING", "ON", "REDIRECT", "0") == error(ERR_REDIRECT_MISSING)
    assert c.cmd("CLIENT", "TRACKING", "ON", "REDIRECT", "-5") == error(ERR_REDIRECT_MISSING)
    assert c.cmd("CLIENT", "TRACKING", "ON", "REDIRECT", "abc") == error(ERR_NOT_INT)
    assert c.cmd("CLIENT", "TRACKING", "ON", "REDIRECT", me, "REDIRECT", me) == error(ERR_REDIRECT_TWICE)
    # Failed attempts leave tracking off.
    assert c.call("CLIENT", "GETREDIR") == -1


@pytest.mark.parametrize(
    "opts,text",
    [
        (("PREFIX", "a"), ERR_PREFIX_NO_BCAST),
        (("BCAST", "OPTIN"), ERR_OPT_BCAST),
        (("BCAST", "OPTOUT"), ERR_OPT_BCAST),
        (("BCAST", "PREFIX", "a", "PREFIX", "ab"), overlap_provided("a", "ab")),
        (("BCAST", "PREFIX", "ab", "PREFIX", "a"), overlap_provided("ab", "a")),
        (("BCAST", "PREFIX", "x", "PREFIX", "x"), overlap_provided("x", "x")),
        (("BCAST", "PREFIX", "", "PREFIX", "a"), overlap_provided("", "a")),
        (("NOSUCHOPTION",), SYNTAX),
        (("REDIRECT",), SYNTAX),
        (("BCAST", "PREFIX"), SYNTAX),
    ],
    ids=[
        "prefix-without-bcast", "optin-with-bcast", "optout-with-bcast",
        "overlap-short-first", "overlap-long-first", "same-prefix-twice", "empty-prefix-overlaps",
        "unknown-option", "redirect-without-id", "prefix-without-value",
    ],
)
def test_tracking_on_option_errors(raw, opts, text):
    c = raw()
    assert c.cmd("CLIENT", "TRACKING", "ON", *opts) == error(text)
    assert c.call("CLIENT", "GETREDIR") == -1


def test_optin_with_optout_error_text(raw):
    c = raw()
    assert c.cmd("CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT") == error(ERR_OPTIN_OPTOUT)
    assert c.call("CLIENT", "GETREDIR") == -1


def test_bcast_with_optin_and_optout_reports_bcast_first(raw):
    c = raw()
    assert c.cmd("CLIENT", "TRACKING", "ON", "BCAST", "OPTIN", "OPTOUT") == error(ERR_OPT_BCAST)


def test_tracking_on_off_argument_errors(raw):
    c = raw()
    assert c.cmd("CLIENT", "TRACKING", "MAYBE") == error(SYNTAX)
    assert c.cmd("CLIENT", "TRACKING").kind == "-"


def test_overlapping_prefix_across_calls(raw):
    c = raw()
    assert c.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:") == "OK"
    assert c.cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:1") == error(overlap_existing("user:1", "user:"))
    assert c.cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "us") == error(overlap_existing("us", "user:"))
    assert c.cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:") == error(overlap_existing("user:", "user:"))
    assert info_dict(c)["prefixes"] == ["user:"]


def test_switching_bcast_while_on_is_refused(raw):
    c = raw()
    c.call("CLIENT", "TRACKING", "ON")
    assert c.cmd("CLIENT", "TRACKING", "ON", "BCAST") == error(ERR_SWITCH_BCAST)
    c.call("CLIENT", "TRACKING", "OFF")
    c.call("CLIENT", "TRACKING", "ON", "BCAST")
    assert c.cmd("CLIENT", "TRACKING", "ON") == error(ERR_SWITCH_BCAST)
    # OFF, then any mode.
    assert c.call("CLIENT", "TRACKING", "OFF") == "OK"
    assert c.call("CLIENT", "TRACKING", "ON", "OPTIN") == "OK"


def test_switching_optin_optout_while_on_is_refused(raw):
    c = raw()
    c.call("CLIENT", "TRACKING", "ON", "OPTIN")
    assert c.cmd("CLIENT", "TRACKING", "ON", "OPTOUT") == error(ERR_SWITCH_OPT)
    c.call("CLIENT", "TRACKING", "OFF")
    c.call("CLIENT", "TRACKING", "ON", "OPTOUT")
    assert c.cmd("CLIENT", "TRACKING", "ON", "OPTIN") == error(ERR_SWITCH_OPT)


def test_tracking_on_again_without_optin_drops_optin(raw):
    c = raw()
    c.call("CLIENT", "TRACKING", "ON", "OPTIN")
    assert c.call("CLIENT", "TRACKING", "ON") == "OK"
    assert info_dict(c)["flags"] == ["on"]


def test_tracking_on_again_replaces_redirect_and_noloop(raw):
    c = raw()
    target = raw()
    tid = target.call("CLIENT", "ID")
    c.call("CLIENT", "TRACKING", "ON", "NOLOOP", "REDIRECT", tid)
    assert c.call("CLIENT", "TRACKING", "ON") == "OK"
    info = info_dict(c)
    assert (info["flags"], info["redirect"]) == (["on"], 0)


def test_prefix_without_bcast_on_a_bcast_client(raw):
    c = raw()
    c.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a")
    assert c.cmd("CLIENT", "TRACKING", "ON", "PREFIX", "b") == error(ERR_PREFIX_NO_BCAST)


def test_client_caching_outside_optin_optout(raw):
    c = raw()
    assert c.cmd("CLIENT", "CACHING", "YES") == error(ERR_CACHING_MODE)
    assert c.cmd("CLIENT", "CACHING", "NO") == error(ERR_CACHING_MODE)
    c.call("CLIENT", "TRACKING", "ON", "OPTIN")
    assert c.cmd("CLIENT", "CACHING", "NO") == error(ERR_CACHING_NO)
    assert c.cmd("CLIENT", "CACHING", "MAYBE") == error(SYNTAX)
    c.call("CLIENT", "TRACKING", "OFF")
    c.call("CLIENT", "TRACKING", "ON", "OPTOUT")
    assert c.cmd("CLIENT", "CACHING", "YES") == error(ERR_CACHING_YES)


def test_client_caching_in_default_tracking_mode(raw):
    c = raw()
    c.call("CLIENT", "TRACKING", "ON")
    assert c.cmd("CLIENT", "CACHING", "YES") == error(ERR_CACHING_YES)
    assert c.cmd("CLIENT", "CACHING", "NO") == error(ERR_CACHING_NO)


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


# -- redis-py's client-side cache ---------------------------------------------------


@pytest.mark.redis74  # redis-py refuses client-side caching below Redis 7.4
def test_redis_py_client_side_cache(server, r2):
    from redis.cache import CacheConfig

    cached = redis.Redis(host="127.0.0.1", port=server.port, protocol=3, cache_config=CacheConfig(),
                         decode_responses=True, socket_timeout=10)
    try:
        def get_calls() -> int:
            return int(r2.info("commandstats").get("cmdstat_get", {}).get("calls", 0))

        def eventually(expect, key="foo"):
            deadline = time.monotonic() + 5
            while True:
                got = cached.get(key)
                if got == expect or time.monotonic() > deadline:
                    return got

        r2.set("foo", "bar")
        base = get_calls()
        assert cached.get("foo") == "bar"
        assert get_calls() == base + 1
        # Served from the local cache: no GET reaches the server.
        for _ in range(5):
            assert cached.get("foo") == "bar"
        assert get_calls() == base + 1
        assert cached.get_cache().size == 1
        # Another connection's write invalidates it.
        r2.set("foo", "baz")
        assert eventually("baz") == "baz"
        after_write = get_calls()
        assert after_write > base + 1
        assert cached.get("foo") == "baz"
        assert get_calls() == after_write
        # FLUSHALL empties it.
        r2.set("two", "2")
        assert cached.get("two") == "2"
        assert cached.get_cache().size == 2
        r2.flushall()
        assert eventually(None) is None
        assert cached.get("two") is None
        assert cached.get_cache().size == 0
    finally:
        cached.close()
