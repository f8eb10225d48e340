"""Pub/sub: SUBSCRIBE PSUBSCRIBE SSUBSCRIBE and their UNSUBSCRIBEs, PUBLISH
SPUBLISH, PUBSUB introspection, RESP2 subscribed mode, RESP3 pushes."""

import time

import pytest
import redis

from rawresp import Frame, plain

SUBSCRIBED_ONLY = (
    "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
    "are allowed in this context"
)


def b(s):
    return Frame("$", s.encode() if isinstance(s, str) else s)


def arr(*items):
    return Frame("*", list(items))


def push(*items):
    return Frame(">", list(items))


def n(v):
    return Frame(":", v)


@pytest.fixture
def pub(raw):
    return raw()


@pytest.fixture
def sub(raw):
    return raw()


@pytest.fixture
def sub3(raw):
    c = raw()
    c.cmd("HELLO", "3")
    return c


# -- RESP2 -----------------------------------------------------------------------


def test_subscribe_confirms_each_channel_with_running_count(sub):
    sub.send_cmd("SUBSCRIBE", "ch1", "ch2")
    assert sub.read() == arr(b("subscribe"), b("ch1"), n(1))
    assert sub.read() == arr(b("subscribe"), b("ch2"), n(2))
    # Subscribing again does not add to the count.
    assert sub.cmd("SUBSCRIBE", "ch1") == arr(b("subscribe"), b("ch1"), n(2))


def test_publish_delivers_message_and_counts_receivers(sub, pub, raw):
    other = raw()
    sub.cmd("SUBSCRIBE", "news")
    other.cmd("SUBSCRIBE", "news")
    assert pub.cmd("PUBLISH", "news", "hello") == n(2)
    assert sub.read() == arr(b("message"), b("news"), b("hello"))
    assert other.read() == arr(b("message"), b("news"), b("hello"))
    assert pub.cmd("PUBLISH", "nobody", "x") == n(0)


def test_publish_is_binary_safe(sub, pub):
    sub.cmd("SUBSCRIBE", b"ch\x00")
    payload = b"\r\n\x00\xff*1\r\n"
    assert pub.cmd("PUBLISH", b"ch\x00", payload) == n(1)
    assert sub.read() == arr(b("message"), b(b"ch\x00"), b(payload))


def test_messages_arrive_in_publish_order(sub, pub):
    sub.cmd("SUBSCRIBE", "seq")
    for i in range(200):
        pub.send_cmd("PUBLISH", "seq", str(i))
    for _ in range(200):
        assert pub.read() == n(1)
    for i in range(200):
        assert sub.read() == arr(b("message"), b("seq"), b(str(i)))


def test_psubscribe_pmessage_and_counts(sub, pub):
    sub.cmd("SUBSCRIBE", "ch1")
    sub.send_cmd("PSUBSCRIBE", "c*", "d?")
    assert sub.read() == arr(b("psubscribe"), b("c*"), n(2))
    assert sub.read() == arr(b("psubscribe"), b("d?"), n(3))
    # One receiver per matching subscription.
    assert pub.cmd("PUBLISH", "ch1", "again") == n(2)
    assert sub.read() == arr(b("message"), b("ch1"), b("again"))
    assert sub.read() == arr(b("pmessage"), b("c*"), b("ch1"), b("again"))
    assert pub.cmd("PUBLISH", "dx", "p") == n(1)
    assert sub.read() == arr(b("pmessage"), b("d?"), b("dx"), b("p"))


@pytest.mark.parametrize("pattern,channel,matches", [
    ("news.*", "news.tech", True),
    ("news.*", "news", False),
    ("h?llo", "hello", True),
    ("h[ae]llo", "hallo", True),
    ("h[^e]llo", "hello", False),
    ("h\\*llo", "h*llo", True),
    ("h\\*llo", "hello", False),
])
def test_pattern_matching(sub, pub, pattern, channel, matches):
    sub.cmd("PSUBSCRIBE", pattern)
    assert pub.cmd("PUBLISH", channel, "m") == n(1 if matches else 0)


def test_unsubscribe_specific_and_all(sub):
    sub.send_cmd("SUBSCRIBE", "a", "b", "c")
    for _ in range(3):
        sub.read()
    assert sub.cmd("UNSUBSCRIBE", "b") == arr(b("unsubscribe"), b("b"), n(2))
    assert sub.cmd("UNSUBSCRIBE", "nope") == arr(b("unsubscribe"), b("nope"), n(2))
    sub.send_cmd("UNSUBSCRIBE")
    replies = [sub.read(), sub.read()]
    assert sorted(plain(r)[1] for r in replies) == ["a", "c"]
    assert sorted(plain(r)[2] for r in replies) == [0, 1]
    # Back to normal mode.
    assert sub.cmd("GET", "x") == Frame("$", None)


def test_unsubscribe_when_not_subscribed(sub):
    assert sub.cmd("UNSUBSCRIBE") == arr(b("unsubscribe"), Frame("$", None), n(0))
    assert sub.cmd("PUNSUBSCRIBE") == arr(b("punsubscribe"), Frame("$", None), n(0))
    assert sub.cmd("SUNSUBSCRIBE") == arr(b("sunsubscribe"), Frame("$", None), n(0))


def test_punsubscribe(sub):
    sub.send_cmd("PSUBSCRIBE", "c*", "d?")
    sub.read(), sub.read()
    assert sub.cmd("PUNSUBSCRIBE", "d?") == arr(b("punsubscribe"), b("d?"), n(1))
    assert sub.cmd("PUNSUBSCRIBE") == arr(b("punsubscribe"), b("c*"), n(0))


def test_resp2_subscribed_mode_ping(sub):
    sub.cmd("SUBSCRIBE", "ch")
    sub.send(b"*1\r\n$4\r\nPING\r\n")
    assert sub.read_bytes(len(b"*2\r\n$4\r\npong\r\n$0\r\n\r\n")) == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    assert sub.cmd("PING", "x") == arr(b("pong"), b("x"))


@pytest.mark.parametrize("cmd,name", [
    (["GET", "x"], "get"),
    (["SET", "x", "1"], "set"),
    (["SELECT", "1"], "select"),
    (["PUBLISH", "a", "b"], "publish"),
    (["MULTI"], "multi"),
    (["CLIENT", "INFO"], "client|info"),
    (["PUBSUB", "NUMPAT"], "pubsub|numpat"),
])
def test_resp2_subscribed_mode_refuses_other_commands(sub, cmd, name):
    sub.cmd("SUBSCRIBE", "ch")
    assert sub.cmd(*cmd) == Frame("-", SUBSCRIBED_ONLY.format(name))
    # Still subscribed afterwards.
    assert sub.cmd("PING") == arr(b("pong"), b(""))


def test_resp2_psubscribe_alone_enters_subscribed_mode(sub):
    sub.cmd("PSUBSCRIBE", "x*")
    assert sub.cmd("GET", "x") == Frame("-", SUBSCRIBED_ONLY.format("get"))


def test_quit_and_reset_work_in_subscribed_mode(raw):
    a = raw()
    a.cmd("SUBSCRIBE", "x")
    assert a.cmd("RESET") == Frame("+", "RESET")
    assert a.cmd("GET", "x") == Frame("$", None)
    a.cmd("SUBSCRIBE", "x")
    assert a.cmd("QUIT") == Frame("+", "OK")
    assert a.is_closed()


# -- sharded pub/sub ------------------------------------------------------------------


def test_ssubscribe_spublish(sub, pub):
    assert sub.cmd("SSUBSCRIBE", "sh1") == arr(b("ssubscribe"), b("sh1"), n(1))
    assert pub.cmd("SPUBLISH", "sh1", "m") == n(1)
    assert sub.read() == arr(b("smessage"), b("sh1"), b("m"))
    # Shard channels and plain channels are separate namespaces.
    assert pub.cmd("PUBLISH", "sh1", "m") == n(0)
    assert pub.cmd("SPUBLISH", "other", "m") == n(0)
    assert sub.cmd("GET", "x") == Frame("-", SUBSCRIBED_ONLY.format("get"))
    assert sub.cmd("SUNSUBSCRIBE", "sh1") == arr(b("sunsubscribe"), b("sh1"), n(0))
    assert sub.cmd("GET", "x") == Frame("$", None)


def test_plain_subscriber_does_not_get_spublish(sub, pub):
    sub.cmd("SUBSCRIBE", "ch")
    assert pub.cmd("SPUBLISH", "ch", "m") == n(0)


def test_sunsubscribe_all(sub):
    sub.send_cmd("SSUBSCRIBE", "s1", "s2")
    assert sub.read() == arr(b("ssubscribe"), b("s1"), n(1))
    assert sub.read() == arr(b("ssubscribe"), b("s2"), n(2))
    sub.send_cmd("SUNSUBSCRIBE")
    replies = sorted([plain(sub.read()), plain(sub.read())], key=lambda r: r[2])
    assert [r[2] for r in replies] == [0, 1]
    assert {r[1] for r in replies} == {"s1", "s2"}


# -- PUBSUB introspection -----------------------------------------------------------------


def test_pubsub_channels_numsub_numpat(sub, pub, raw):
    other = raw()
    sub.send_cmd("SUBSCRIBE", "ch1", "ch2")
    sub.read(), sub.read()
    other.cmd("SUBSCRIBE", "ch1")
    sub.send_cmd("PSUBSCRIBE", "p*", "q*")
    sub.read(), sub.read()
    other.cmd("PSUBSCRIBE", "p*")
    assert sorted(plain(pub.cmd("PUBSUB", "CHANNELS"))) == ["ch1", "ch2"]
    assert plain(pub.cmd("PUBSUB", "CHANNELS", "*1")) == ["ch1"]
    assert plain(pub.cmd("PUBSUB", "CHANNELS", "zz*")) == []
    assert pub.cmd("PUBSUB", "NUMSUB", "ch1", "ch2", "nope") == arr(
        b("ch1"), n(2), b("ch2"), n(1), b("nope"), n(0)
    )
    assert pub.cmd("PUBSUB", "NUMSUB") == arr()
    # NUMPAT counts distinct patterns, not subscriptions.
    assert pub.cmd("PUBSUB", "NUMPAT") == n(2)


def test_pubsub_numsub_is_flat_array_in_resp3(sub, sub3):
    sub.cmd("SUBSCRIBE", "ch1")
    # Redis builds it as a flat array, not a map, in both protocols.
    assert sub3.cmd("PUBSUB", "NUMSUB", "ch1") == arr(b("ch1"), n(1))
    assert sub3.cmd("PUBSUB", "SHARDNUMSUB", "s") == arr(b("s"), n(0))


def test_pubsub_channels_forgets_closed_subscribers(raw, pub):
    s = raw()
    s.cmd("SUBSCRIBE", "gone")
    assert plain(pub.cmd("PUBSUB", "CHANNELS")) == ["gone"]
    s.close()
    deadline = time.monotonic() + 2
    while plain(pub.cmd("PUBSUB", "CHANNELS")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert plain(pub.cmd("PUBSUB", "CHANNELS")) == []
    assert pub.cmd("PUBLISH", "gone", "x") == n(0)


def test_pubsub_shardchannels_shardnumsub(sub, pub):
    sub.send_cmd("SSUBSCRIBE", "s1", "s2")
    sub.read(), sub.read()
    assert sorted(plain(pub.cmd("PUBSUB", "SHARDCHANNELS"))) == ["s1", "s2"]
    assert plain(pub.cmd("PUBSUB", "SHARDCHANNELS", "*2")) == ["s2"]
    assert pub.cmd("PUBSUB", "SHARDNUMSUB", "s1", "x") == arr(b("s1"), n(1), b("x"), n(0))
    assert plain(pub.cmd("PUBSUB", "CHANNELS")) == []


def test_pubsub_errors(pub):
    assert pub.cmd("PUBSUB", "FOO") == Frame("-", "ERR unknown subcommand 'FOO'. Try PUBSUB HELP.")
    assert pub.cmd("PUBSUB", "NUMPAT", "x") == Frame(
        "-", "ERR wrong number of arguments for 'pubsub|numpat' command"
    )
    assert pub.cmd("PUBLISH", "x") == Frame("-", "ERR wrong number of arguments for 'publish' command")
    assert pub.cmd("SUBSCRIBE") == Frame("-", "ERR wrong number of arguments for 'subscribe' command")
    assert pub.cmd("SSUBSCRIBE") == Frame("-", "ERR wrong number of arguments for 'ssubscribe' command")


# -- RESP3 --------------------------------------------------------------------------------


def test_resp3_subscribe_replies_are_pushes(sub3, pub):
    assert sub3.cmd("SUBSCRIBE", "ch1") == push(b("subscribe"), b("ch1"), n(1))
    assert pub.cmd("PUBLISH", "ch1", "yo") == n(1)
    assert sub3.read() == push(b("message"), b("ch1"), b("yo"))
    assert sub3.cmd("PSUBSCRIBE", "c*") == push(b("psubscribe"), b("c*"), n(2))
    pub.cmd("PUBLISH", "ch1", "yo2")
    assert sub3.read() == push(b("message"), b("ch1"), b("yo2"))
    assert sub3.read() == push(b("pmessage"), b("c*"), b("ch1"), b("yo2"))
    assert sub3.cmd("SSUBSCRIBE", "s1") == push(b("ssubscribe"), b("s1"), n(1))
    pub.cmd("SPUBLISH", "s1", "z")
    assert sub3.read() == push(b("smessage"), b("s1"), b("z"))


def test_resp3_subscribed_client_can_run_any_command(sub3):
    sub3.cmd("SUBSCRIBE", "ch1")
    assert sub3.cmd("GET", "x") == Frame("_", None)
    assert sub3.cmd("SET", "x", "1") == Frame("+", "OK")
    assert sub3.cmd("PING") == Frame("+", "PONG")
    assert sub3.cmd("SELECT", "1") == Frame("+", "OK")


def test_resp3_push_interleaves_with_replies(sub3, pub):
    sub3.cmd("SUBSCRIBE", "ch")
    pub.cmd("PUBLISH", "ch", "m1")
    # The push was sent before the GET reply, so it is read first.
    time.sleep(0.05)
    sub3.send_cmd("GET", "x")
    assert sub3.read() == push(b("message"), b("ch"), b("m1"))
    assert sub3.read() == Frame("_", None)


def test_resp3_unsubscribe_replies(sub3):
    sub3.cmd("SUBSCRIBE", "ch1")
    assert sub3.cmd("UNSUBSCRIBE", "nope") == push(b("unsubscribe"), b("nope"), n(1))
    assert sub3.cmd("UNSUBSCRIBE") == push(b("unsubscribe"), b("ch1"), n(0))
    assert sub3.cmd("PUNSUBSCRIBE") == push(b("punsubscribe"), Frame("_", None), n(0))
    assert sub3.cmd("SUNSUBSCRIBE") == push(b("sunsubscribe"), Frame("_", None), n(0))


# -- redis-py PubSub API ------------------------------------------------------------------


def next_message(p, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = p.get_message(timeout=0.1)
        if m is not None:
            return m
    raise AssertionError("no pub/sub message within timeout")


@pytest.mark.parametrize("protocol", [2, 3])
def test_redis_py_pubsub(client, protocol):
    r = client(protocol)
    p = r.pubsub()
    p.subscribe("chan")
    assert next_message(p) == {"type": "subscribe", "pattern": None, "channel": "chan", "data": 1}
    p.psubscribe("ch*")
    assert next_message(p)["type"] == "psubscribe"
    assert client(2).publish("chan", "hi") == 2
    got = [next_message(p), next_message(p)]
    assert {"type": "message", "pattern": None, "channel": "chan", "data": "hi"} in got
    assert {"type": "pmessage", "pattern": "ch*", "channel": "chan", "data": "hi"} in got
    assert r.pubsub_numsub("chan") == [("chan", 1)]
    assert r.pubsub_numpat() == 1
    p.unsubscribe()
    p.punsubscribe()
    p.close()


def test_redis_py_sharded_pubsub(client):
    r = client(3)
    p = r.pubsub()
    p.ssubscribe("shard")
    assert next_message(p)["type"] == "ssubscribe"
    assert client(2).spublish("shard", "x") == 1
    m = next_message(p)
    assert m["type"] == "smessage" and m["data"] == "x"
    p.close()
