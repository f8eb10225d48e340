"""List encodings (Redis 7.2+): listpack and quicklist conversions, checked
here and against a Redis 7.4 reference when one is available.
"""

from __future__ import annotations

import random

import pytest
import redis

from list_support import c, small_lists  # noqa: F401 - c, small_lists: pytest fixtures
from rawresp import RawConn


# -- encodings ------------------------------------------------------------------------


@pytest.mark.redis74
def test_encoding_listpack_then_quicklist_then_back(r2, small_lists):
    r2.rpush("l", *["x" * 100] * 79)
    assert r2.object("encoding", "l") == "listpack"
    r2.rpush("l", "x" * 100)
    assert r2.object("encoding", "l") == "quicklist"
    r2.rpop("l", 40)
    # One node, but above half of 8 KB: no conversion yet.
    assert r2.object("encoding", "l") == "quicklist"
    r2.rpop("l")
    assert r2.object("encoding", "l") == "listpack"


@pytest.mark.redis74
def test_encoding_follows_a_count_limit(r2, small_lists):
    r2.config_set("list-max-listpack-size", 4)
    r2.rpush("l", 1, 2, 3, 4)
    assert r2.object("encoding", "l") == "listpack"
    r2.rpush("l", 5)
    assert r2.object("encoding", "l") == "quicklist"
    r2.lpop("l", 3)
    # Two nodes are left ([4, 5]): Redis converts back only from one node.
    assert r2.object("encoding", "l") == "quicklist"
    r2.rpop("l")
    assert r2.object("encoding", "l") == "listpack"
    r2.config_set("list-max-listpack-size", 0)
    r2.rpush("l", 6)
    assert r2.object("encoding", "l") == "quicklist"


@pytest.mark.redis74
def test_encoding_of_large_elements(r2, small_lists):
    r2.rpush("l", "x" * 9000)
    assert r2.object("encoding", "l") == "quicklist"
    r2.rpush("l", "a")
    r2.lpop("l")
    assert r2.object("encoding", "l") == "listpack"
    r2.lset("l", 0, "y" * 10000)
    assert r2.object("encoding", "l") == "quicklist"
    assert r2.lindex("l", 0) == "y" * 10000
    r2.lset("l", 0, "small")
    assert r2.object("encoding", "l") == "listpack"


@pytest.mark.redis74
def test_encoding_after_ltrim_and_lrem(r2, small_lists):
    r2.rpush("l", *[str(i) for i in range(3000)])
    assert r2.object("encoding", "l") == "quicklist"
    r2.ltrim("l", 0, 9)
    assert r2.object("encoding", "l") == "listpack"
    r2.rpush("l", *["y" * 200] * 60)
    assert r2.object("encoding", "l") == "quicklist"
    assert r2.lrem("l", 0, "y" * 200) == 60
    assert r2.object("encoding", "l") == "listpack"
    assert r2.lrange("l", 0, -1) == [str(i) for i in range(10)]


@pytest.mark.redis74
def test_failed_linsert_and_lset_still_convert(client, small_lists):
    # Redis checks "may grow" before looking for the pivot or the index: the
    # list is a quicklist afterwards although nothing was added, and the
    # failure is still not a write (WATCH holds).
    r, other = client(2), client(2)
    for name, fail in (
        ("linsert", lambda: other.linsert("l", "BEFORE", "zz", "y" * 9000)),
        ("lset", lambda: other.lset("l", 100, "y" * 9000)),
    ):
        r.delete("l")
        r.rpush("l", "a", "b")
        with r.pipeline() as p:
            p.watch("l")
            if name == "linsert":
                assert fail() == -1
            else:
                with pytest.raises(redis.ResponseError, match="index out of range"):
                    fail()
            assert r.object("encoding", "l") == "quicklist", name
            p.multi()
            p.lrange("l", 0, -1)
            assert p.execute() == [["a", "b"]], name
        r.rpop("l")
        assert r.object("encoding", "l") == "listpack", name


def test_big_lists_keep_order(r2):
    n = 20000
    r2.rpush("l", *range(n))
    r2.lpush("l", *[f"h{i}" for i in range(100)])
    assert r2.llen("l") == n + 100
    assert r2.lindex("l", 0) == "h99"
    assert r2.lindex("l", 100 + n // 2) == str(n // 2)
    assert r2.lrange("l", -3, -1) == [str(n - 3), str(n - 2), str(n - 1)]
    assert r2.linsert("l", "AFTER", str(n // 2), "mid") == n + 101
    assert r2.lindex("l", 101 + n // 2) == "mid"
    assert r2.lset("l", -1, "last") is True
    assert r2.lpos("l", "last") == n + 100
    assert r2.lrem("l", 0, "mid") == 1
    assert r2.ltrim("l", 100, -2) is True
    assert r2.lrange("l", 0, -1) == [str(i) for i in range(n - 1)]


# -- encodings against a 7.4 reference -------------------------------------------------------------


def _encoding_stream(rng):
    """Random list commands over two keys, with list-max-listpack-size
    changes, sized to cross every conversion rule (plain nodes included)."""
    def val():
        r = rng.random()
        if r < 0.5:
            return rng.choice(["x", "y", "1", "v" * 10, "v" * 200, "w" * 3000])
        if r < 0.7:
            return str(rng.randint(-200000, 200000))
        if r < 0.95:
            return "v" * rng.randint(0, 300)
        return "L" * rng.randint(8000, 20000)

    def idx():
        return str(rng.randint(-60, 60))

    keys = ["a", "b"]
    k = rng.choice(keys)
    c = rng.randrange(20)
    if c < 7:
        return [rng.choice(["RPUSH", "LPUSH"]), k] + [val() for _ in range(rng.randint(1, 8))]
    return [
        lambda: [rng.choice(["LPOP", "RPOP"]), k, str(rng.randint(1, 40))],
        lambda: [rng.choice(["LPOP", "RPOP"]), k],
        lambda: ["LSET", k, idx(), val()],
        lambda: ["LINSERT", k, rng.choice(["BEFORE", "AFTER"]), rng.choice(["x", "1", "y", "v" * 10]), val()],
        lambda: ["LREM", k, str(rng.randint(-3, 3)), rng.choice(["x", "y", "1", "v" * 200])],
        lambda: ["LTRIM", k, idx(), idx()],
        lambda: ["LMOVE", k, rng.choice(keys), rng.choice(["LEFT", "RIGHT"]), rng.choice(["LEFT", "RIGHT"])],
        lambda: ["LMPOP", "2", k, rng.choice(keys), rng.choice(["LEFT", "RIGHT"]), "COUNT", str(rng.randint(1, 30))],
        lambda: ["LRANGE", k, idx(), idx()],
        lambda: ["LPOS", k, "x", "RANK", "-1", "COUNT", "0"],
        lambda: ["CONFIG", "SET", "list-max-listpack-size",
                 rng.choice(["-1", "-2", "-3", "-5", "-7", "0", "1", "2", "5", "16", "128"])],
        lambda: ["OBJECT", "ENCODING", k],
        lambda: ["LLEN", k],
    ][c - 7]()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_encodings_match_a_74_reference(server, reference, seed):
    """Replies and OBJECT ENCODING after every command, against a Redis 7.4
    reference (REDIS_SERVER_BIN=...); Debian's 7.0 reports every list as a
    quicklist, so the test skips there."""
    if reference.version < (7, 4):
        pytest.skip("needs a Redis 7.4 reference (set REDIS_SERVER_BIN)")
    rng = random.Random(seed)
    with RawConn(server.port) as a, RawConn(reference.port) as b:
        for conn in (a, b):
            conn.cmd("FLUSHALL")
            conn.cmd("CONFIG", "SET", "list-max-listpack-size", "-2")
        try:
            for step in range(2000):
                args = _encoding_stream(rng)
                got, want = a.cmd(*args), b.cmd(*args)
                assert got == want, f"seed {seed} step {step}: {[x[:20] for x in args]}"
                for key in ("a", "b"):
                    ga, gb = a.cmd("OBJECT", "ENCODING", key), b.cmd("OBJECT", "ENCODING", key)
                    assert ga == gb, f"seed {seed} step {step} after {[x[:20] for x in args]}: encoding of {key}"
        finally:
            for conn in (a, b):
                conn.cmd("CONFIG", "SET", "list-max-listpack-size", "-2")
                conn.cmd("FLUSHALL")
