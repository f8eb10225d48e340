"""The set and hash families of the differential test (SADD ... SSCAN,
HSET ... HSCAN).

Own keys (sa0..sa2 and ha0..ha1, the strings xs and xh, the usually missing sax and
hax, the never written sx-none and hx-none for random replies) so the
other families' streams stay as they are; the family names sort after the
existing ones so their seeds do not move either. Occasional big SADD/HSET
calls cross set-max-intset-entries (512), set-max-listpack-entries (128)
and hash-max-listpack-entries (512). Only deterministic forms of the random
commands are generated (SPOP of the whole set, SRANDMEMBER/HRANDFIELD with a
count covering the whole collection, negative counts compared by length);
hash-field expiration and HSCAN NOVALUES are 7.4-only and stay out of a
stream compared with the 7.0 reference.

What legitimately differs, and only that, is normalized in compare.py:
members of set replies and of hash-table-encoded hashes come in an
unspecified order (compared sorted; listpack order is checked by
test_hash.py/test_set.py), and 7.0 encodes small non-integer sets as
hashtable where 7.2+ says listpack.
"""

from __future__ import annotations

import random


SET_KEYS = ["sa0", "sa1", "sa2"]
SET_MEMBERS = ["a", "b", "c", "1", "2", "10", "-5", "007", "", "x" * 70, "9223372036854775807", "3.5"]
HASH_KEYS = ["ha0", "ha1"]
HASH_FIELDS = ["f1", "f2", "f3", "n", "fl", "", "k" * 70]
HASH_VALUES = ["v", "1", "-3", "1.5", "abc", "9223372036854775807", "", "y" * 70, "1e3", "007"]
# Refused options (partial scans are not generated: their cursors are the
# servers' own business).
SCAN_BAD_OPTIONS = [["COUNT"], ["MATCH"], ["FOO"], ["COUNT", "0"], ["COUNT", "x"], ["TYPE", "set"]]


def set_key(rng: random.Random) -> str:
    r = rng.random()
    return rng.choice(SET_KEYS) if r < 0.85 else ("xs" if r < 0.93 else "sax")


def set_member(rng: random.Random) -> str:
    return rng.choice(SET_MEMBERS) if rng.random() < 0.85 else str(rng.randint(-1000, 1000))


def gen_sets(rng: random.Random) -> list[str]:
    k = set_key(rng)
    choice = rng.randrange(32)
    if choice < 6:
        if rng.random() < 0.05:
            big = rng.choice([130, 520])
            pool = [str(i) for i in range(big)] if rng.random() < 0.5 else [f"m{i}" for i in range(big)]
            return ["SADD", k] + pool
        return ["SADD", k] + [set_member(rng) for _ in range(rng.randint(1, 4))]
    keys = lambda: [set_key(rng) for _ in range(rng.randint(1, 3))]  # noqa: E731
    return [
        lambda: ["SREM", k] + [set_member(rng) for _ in range(rng.randint(1, 3))],
        lambda: ["SMEMBERS", k],
        lambda: ["SISMEMBER", k, set_member(rng)],
        lambda: ["SMISMEMBER", k] + [set_member(rng) for _ in range(rng.randint(1, 3))],
        lambda: ["SCARD", k],
        lambda: ["SMOVE", k, set_key(rng), set_member(rng)],
        lambda: [rng.choice(["SINTER", "SUNION", "SDIFF"])] + keys(),
        lambda: [rng.choice(["SINTER", "SUNION", "SDIFF"])] + keys(),
        lambda: [rng.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), rng.choice(SET_KEYS)] + keys(),
        lambda: [rng.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), rng.choice(SET_KEYS)] + keys(),
        lambda: ["SINTERCARD", "2", k, set_key(rng)] + rng.choice([[], ["LIMIT", rng.choice(["0", "1", "2", "-1", "x"])]]),
        lambda: ["SINTERCARD", rng.choice(["0", "3", "x", "1"]), k] + rng.choice([[], ["LIMIT"], ["FOO", "1"]]),
        lambda: ["SPOP", k, rng.choice(["100000", "0", "-1", "abc"])],
        lambda: ["SPOP", "sx-none"] if rng.random() < 0.5 else ["SPOP", k, "1", "2"],
        lambda: ["SRANDMEMBER", k, rng.choice(["100000", "-3", "0", "x", "-9223372036854775808"])],
        lambda: ["SRANDMEMBER", "sx-none"],
        lambda: ["SSCAN", k, "0", "COUNT", "100000"] + rng.choice([[], ["MATCH", rng.choice(["*", "a*", "1?", "[a-c]", "*0"])]]),
        lambda: ["SSCAN", k, "x"] if rng.random() < 0.2 else ["SSCAN", k, "0"] + rng.choice(SCAN_BAD_OPTIONS),
        lambda: ["OBJECT", "ENCODING", k],
        lambda: ["TYPE", k],
        lambda: ["SET", "xs", set_member(rng)] if rng.random() < 0.5 else ["DEL", k],
        lambda: ["EXPIRE", k, "100000"],
        lambda: ["TTL", k],
        lambda: ["EXISTS", k],
        lambda: ["SADD", k],
        lambda: ["SMEMBERS", k],
    ][choice - 6]()


def hash_key(rng: random.Random) -> str:
    r = rng.random()
    return rng.choice(HASH_KEYS) if r < 0.85 else ("xh" if r < 0.93 else "hax")


def hash_field(rng: random.Random) -> str:
    return rng.choice(HASH_FIELDS) if rng.random() < 0.9 else f"g{rng.randint(0, 50)}"


def hash_value(rng: random.Random) -> str:
    return rng.choice(HASH_VALUES) if rng.random() < 0.9 else str(rng.randint(-1000, 1000))


def gen_hashes(rng: random.Random) -> list[str]:
    k = hash_key(rng)
    choice = rng.randrange(32)
    if choice < 6:
        if rng.random() < 0.04:
            return ["HSET", k] + [x for i in range(rng.choice([100, 520])) for x in (f"b{i}", "v")]
        pairs = [x for _ in range(rng.randint(1, 3)) for x in (hash_field(rng), hash_value(rng))]
        if rng.random() < 0.05:
            pairs = pairs[:-1]
        return [rng.choice(["HSET", "HSET", "HMSET"]), k] + pairs
    fields = lambda: [hash_field(rng) for _ in range(rng.randint(1, 3))]  # noqa: E731
    return [
        lambda: ["HSETNX", k, hash_field(rng), hash_value(rng)],
        lambda: ["HGET", k, hash_field(rng)],
        lambda: ["HMGET", k] + fields(),
        lambda: ["HDEL", k] + fields(),
        lambda: ["HLEN", k],
        lambda: ["HSTRLEN", k, hash_field(rng)],
        lambda: ["HEXISTS", k, hash_field(rng)],
        lambda: [rng.choice(["HKEYS", "HVALS", "HGETALL"]), k],
        lambda: [rng.choice(["HKEYS", "HVALS", "HGETALL"]), k],
        lambda: ["HINCRBY", k, hash_field(rng), rng.choice(["1", "-1", "100", "9223372036854775807", "x", "1.5"])],
        lambda: ["HINCRBYFLOAT", k, hash_field(rng), rng.choice(["0.1", "-1.5", "1e3", "inf", "abc", "3", "0.01"])],
        lambda: ["HRANDFIELD", k, rng.choice(["100000", "-3", "0", "x"])] + rng.choice([[], ["WITHVALUES"]]),
        lambda: ["HRANDFIELD", k, "1", "FOO"] if rng.random() < 0.5 else ["HRANDFIELD", "hx-none"],
        lambda: ["HRANDFIELD", k, rng.choice(["4611686018427387904", "-9223372036854775808"]), "WITHVALUES"],
        lambda: ["HSCAN", k, "0", "COUNT", "100000"] + rng.choice([[], ["MATCH", rng.choice(["*", "f*", "?", "b1*"])]]),
        lambda: ["HSCAN", k, "x"] if rng.random() < 0.2 else ["HSCAN", k, "0"] + rng.choice(SCAN_BAD_OPTIONS),
        lambda: ["OBJECT", "ENCODING", k],
        lambda: ["TYPE", k],
        lambda: ["SET", "xh", hash_value(rng)] if rng.random() < 0.5 else ["DEL", k],
        lambda: ["EXPIRE", k, "100000"],
        lambda: ["EXISTS", k],
        lambda: ["HGETALL", k],
        lambda: ["HSET", k, hash_field(rng), hash_value(rng)],
        lambda: ["HDEL", k, hash_field(rng)],
        lambda: ["HLEN", k],
        lambda: ["HGET", k, hash_field(rng)],
    ][choice - 6]()


FAMILIES = {
    "types-sets": lambda rng: [(0, gen_sets(rng))],
    "types-hashes": lambda rng: [(0, gen_hashes(rng))],
}
