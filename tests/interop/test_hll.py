"""HyperLogLog commands through redis-py: PFADD PFCOUNT PFMERGE, in RESP2
and RESP3. The stored string is Redis's exact format, so the bytes GET
returns are pinned here (and compared with a real redis-server in
test_differential.py): the sparse encoding, the cached cardinality that
PFCOUNT writes, and the dense encoding past hll-sparse-max-bytes."""

from __future__ import annotations

import pytest
import redis

from rawresp import keyevents, plain

NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value."
INVALID = "INVALIDOBJ Corrupted HLL object detected"
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
HEADER = b"HYLL\x01\x00\x00\x00"


@pytest.fixture(params=[2, 3], ids=["resp2", "resp3"])
def r(request, client):
    return client(request.param, decode_responses=False)


def error_text(r, *args):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command(*args)
    return str(e.value)


def test_pfadd_and_pfcount(r):
    assert r.pfadd("h", "a", "b", "c") == 1
    assert r.pfadd("h", "a") == 0
    assert r.pfcount("h") == 3
    assert r.pfcount("missing") == 0


def test_exact_bytes_of_a_small_hll(r):
    assert r.pfadd("h") == 1
    assert r.get("h") == HEADER + b"\x00" * 7 + b"\x80" + b"\x7f\xff"
    assert r.pfadd("h", "a") == 1
    stale = r.get("h")
    assert stale[:16] == HEADER + b"\x00" * 7 + b"\x80"
    assert r.pfcount("h") == 1
    # PFCOUNT cached the cardinality (1, little endian, valid) in place.
    assert r.get("h") == HEADER + b"\x01" + b"\x00" * 7 + stale[16:]


def test_many_elements_turn_dense_with_a_close_estimate(r):
    for start in range(0, 5000, 500):
        r.pfadd("h", *[f"e{i}" for i in range(start, start + 500)])
    value = r.get("h")
    assert len(value) == 16 + 12288 and value[4] == 0
    assert abs(r.pfcount("h") - 5000) < 5000 * 0.03


def test_sparse_limit_is_configurable(r, client):
    admin = client(2)
    assert admin.config_get("hll-sparse-max-bytes") == {"hll-sparse-max-bytes": "3000"}
    try:
        admin.config_set("hll-sparse-max-bytes", "40")
        r.pfadd("dense", *[f"x{i}" for i in range(30)])
        assert r.get("dense")[4] == 0
    finally:
        admin.config_set("hll-sparse-max-bytes", "3000")
    r.pfadd("sparse", *[f"x{i}" for i in range(30)])
    assert r.get("sparse")[4] == 1
    assert r.pfcount("dense") == r.pfcount("sparse")


def test_union_count_and_merge(r):
    r.pfadd("a", *[f"e{i}" for i in range(100)])
    r.pfadd("b", *[f"e{i}" for i in range(50, 150)])
    union = r.pfcount("a", "b", "missing")
    assert abs(union - 150) <= 3
    assert r.pfmerge("m", "a", "b") is True
    assert r.pfcount("m") == union
    assert r.pfmerge("m") is True
    assert r.pfcount("m") == union


def test_non_hll_and_corrupted_values(r):
    r.set("s", "not an hll")
    r.set("n", "123")
    r.rpush("l", "a")
    assert error_text(r, "PFADD", "s", "x") == NOT_HLL
    assert error_text(r, "PFCOUNT", "n") == NOT_HLL
    assert error_text(r, "PFMERGE", "d", "s") == NOT_HLL
    assert error_text(r, "PFCOUNT", "l") == WRONGTYPE
    r.set("bad", HEADER + b"\x00" * 7 + b"\x80" + b"\x00")
    assert error_text(r, "PFCOUNT", "bad") == INVALID
    assert error_text(r, "PFCOUNT", "bad", "missing") == INVALID
    assert error_text(r, "PFADD", "bad", "a", "b", "c", "d") == INVALID


def test_object_encoding_is_raw(r):
    r.pfadd("h", "a")
    assert r.object("encoding", "h") in (b"raw", "raw")


def test_pf_events(raw):
    got = keyevents(raw(), raw(), "E$", ("PFADD", "h", "a"), ("PFADD", "h", "a"), ("PFCOUNT", "h"),
                    ("PFMERGE", "m", "h"), ("SET", "end", "1"))
    assert got == [("pfadd", "h"), ("pfadd", "m"), ("set", "end")]


@pytest.mark.parametrize("name,arity,flags,keys", [
    ("pfadd", -2, ["write", "denyoom", "fast"], [1, 1, 1]),
    # Redis hides PFCOUNT's may_replicate flag on purpose.
    ("pfcount", -2, ["readonly"], [1, -1, 1]),
    ("pfmerge", -2, ["write", "denyoom"], [1, -1, 1]),
])
def test_command_info(raw, name, arity, flags, keys):
    assert plain(raw().cmd("COMMAND", "INFO", name))[0][:6] == [name, arity, flags] + keys
