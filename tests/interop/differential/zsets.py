"""The sorted-set family of the differential test (ZADD ... ZSCAN).

Own keys: zs0..zs2 (scores vary), zl0 (every score 0, for the lex
commands), the set zss, the string zstr and the missing zx. Scores are
integers, halves and quarters so that 7.0's %.17g and 7.4's shortest
formatting print them alike; 7.2+/7.4-only forms stay out of the stream
(ZRANK WITHSCORE, negative LIMIT offsets, which a 7.4 skiplist counts from
the far end, and no-op ZADDs of more than 128 pairs, which 7.4 converts up
front). Long ZADDs of fresh members and a 70-byte member cross
zset-max-listpack-entries/value. ZRANDMEMBER is generated only in its
deterministic forms (a count covering the set: highest score first; a
negative count: compared by length; no count: null or not); full ZSCANs of a skiplist come in
hash order and are compared sorted.
"""

from __future__ import annotations

import random

from .sets_hashes import SCAN_BAD_OPTIONS


Z_KEYS = ["zs0", "zs1", "zs2"]
Z_MEMBERS = ["a", "b", "c", "d", "e", "1", "2", "10", "-5", "007", "", "x" * 70, "m1", "m2", "m3"]
Z_SCORES = ["0", "1", "-1", "2.5", "-3.25", "100", "0.5", "7", "inf", "-inf", "1e3", "0x10", "+4"]
Z_BAD_SCORES = ["abc", "nan", "1e400", " 1", "", "1x"]
Z_BOUNDS = ["-inf", "+inf", "(1", "2.5", "(2.5", "0", "100", "(inf", "-1", "(-3.25", "7", "x", "(", "((1"]
Z_LEX = ["-", "+", "[a", "(a", "[c", "(d", "[m1", "(zz", "[", "(", "a", "", "+x"]


def z_key(rng: random.Random) -> str:
    r = rng.random()
    return rng.choice(Z_KEYS) if r < 0.8 else rng.choice(["zss", "zstr", "zx"])


def z_lex_key(rng: random.Random) -> str:
    """Lex commands only on zl0, whose scores are all 0: on mixed scores
    their result is unspecified (and differs between Redis's encodings)."""
    return "zl0" if rng.random() < 0.9 else "zlx"


def z_score(rng: random.Random) -> str:
    return rng.choice(Z_SCORES) if rng.random() < 0.95 else rng.choice(Z_BAD_SCORES)


def z_member(rng: random.Random) -> str:
    return rng.choice(Z_MEMBERS) if rng.random() < 0.9 else f"n{rng.randint(0, 40)}"


def z_index(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.9:
        return str(rng.randint(-8, 8))
    return rng.choice(["9223372036854775807", "-9223372036854775808", "x", "1.5"])


def z_limit(rng: random.Random) -> list[str]:
    r = rng.random()
    if r < 0.6:
        return []
    if r < 0.95:
        return ["LIMIT", str(rng.randint(0, 5)), rng.choice(["0", "1", "2", "3", "-1", "100"])]
    return rng.choice([["LIMIT", "x", "1"], ["LIMIT", "0"], ["LIMIT", "1", "y"]])


def z_keys(rng: random.Random) -> list[str]:
    keys = [rng.choice(Z_KEYS + ["zl0", "zss", "zx"]) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.05:
        keys.append("zstr")
    return keys


def z_setop_opts(rng: random.Random, nkeys: int, store: bool, diff: bool) -> list[str]:
    opts: list[list[str]] = []
    if not diff and rng.random() < 0.4:
        opts.append(["WEIGHTS"] + [rng.choice(["1", "2", "0", "-1", "0.5", "x"]) for _ in range(nkeys)])
    if not diff and rng.random() < 0.4:
        opts.append(["AGGREGATE", rng.choice(["SUM", "MIN", "MAX", "max", "AVG"])])
    if not store and rng.random() < 0.5:
        opts.append(["WITHSCORES"])
    if rng.random() < 0.03:
        opts.append(rng.choice([["WEIGHTS"], ["FOO"], ["AGGREGATE"]]))
    rng.shuffle(opts)
    return [x for o in opts for x in o]


def gen_zadd(rng: random.Random, k: str) -> list[str]:
    if rng.random() < 0.03:
        start = rng.randint(0, 1000)
        return ["ZADD", k] + [x for i in range(rng.randint(130, 180)) for x in (str(rng.randint(-50, 50)), f"big{start + i}")]
    opts = [o for o in ["NX", "XX", "GT", "LT", "CH", "INCR"] if rng.random() < 0.12]
    rng.shuffle(opts)
    pairs = [x for _ in range(1 if "INCR" in opts and rng.random() < 0.9 else rng.randint(1, 4))
             for x in (z_score(rng), z_member(rng))]
    if rng.random() < 0.03:
        pairs = pairs[:-1]
    return ["ZADD", k] + opts + pairs


def gen_zsets(rng: random.Random) -> list[str]:
    k = z_key(rng)
    choice = rng.randrange(51)
    if choice < 12:
        return gen_zadd(rng, k)
    by = lambda: rng.choice([["BYSCORE"], ["BYLEX"], []])  # noqa: E731
    return [
        lambda: ["ZADD", "zl0"] + [x for _ in range(rng.randint(1, 6)) for x in ("0", z_member(rng))],
        lambda: ["ZADD", "zl0"] + [x for _ in range(rng.randint(1, 6)) for x in ("0", z_member(rng))],
        lambda: ["ZINCRBY", k, z_score(rng), z_member(rng)],
        lambda: ["ZREM", k] + [z_member(rng) for _ in range(rng.randint(1, 3))],
        lambda: ["ZCARD", k],
        lambda: ["ZSCORE", k, z_member(rng)],
        lambda: ["ZMSCORE", k] + [z_member(rng) for _ in range(rng.randint(1, 3))],
        lambda: [rng.choice(["ZRANK", "ZREVRANK"]), k, z_member(rng)],
        lambda: ["ZCOUNT", k, rng.choice(Z_BOUNDS), rng.choice(Z_BOUNDS)],
        lambda: ["ZLEXCOUNT", z_lex_key(rng), rng.choice(Z_LEX), rng.choice(Z_LEX)],
        lambda: ["ZRANGE", k, z_index(rng), z_index(rng)] + rng.choice([[], ["REV"], ["WITHSCORES"], ["REV", "WITHSCORES"]]),
        lambda: ["ZRANGE", k, rng.choice(Z_BOUNDS), rng.choice(Z_BOUNDS), "BYSCORE"]
        + rng.choice([[], ["REV"]]) + rng.choice([[], ["WITHSCORES"]]) + z_limit(rng),
        lambda: ["ZRANGE", z_lex_key(rng), rng.choice(Z_LEX), rng.choice(Z_LEX), "BYLEX"] + rng.choice([[], ["REV"]])
        + z_limit(rng),
        lambda: (lambda b: ["ZRANGE", z_lex_key(rng) if b == ["BYLEX"] else k, "0", "-1"] + b
                 + rng.choice([[], ["LIMIT", "0", "1"], ["WITHSCORES"], ["FOO"], ["REV", "REV"]]))(by()),
        lambda: ["ZREVRANGE", k, z_index(rng), z_index(rng)] + rng.choice([[], ["WITHSCORES"]]),
        lambda: [rng.choice(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]), k, rng.choice(Z_BOUNDS), rng.choice(Z_BOUNDS)]
        + rng.choice([[], ["WITHSCORES"]]) + z_limit(rng),
        lambda: [rng.choice(["ZRANGEBYLEX", "ZREVRANGEBYLEX"]), z_lex_key(rng), rng.choice(Z_LEX), rng.choice(Z_LEX)]
        + z_limit(rng),
        lambda: ["ZRANGESTORE", rng.choice(Z_KEYS + ["zx"]), k, z_index(rng), z_index(rng)] + rng.choice([[], ["REV"]]),
        lambda: ["ZRANGESTORE", rng.choice(Z_KEYS), k, rng.choice(Z_BOUNDS), rng.choice(Z_BOUNDS), "BYSCORE"] + z_limit(rng),
        lambda: ["ZREMRANGEBYRANK", k, z_index(rng), z_index(rng)],
        lambda: ["ZREMRANGEBYSCORE", k, rng.choice(Z_BOUNDS), rng.choice(Z_BOUNDS)],
        lambda: ["ZREMRANGEBYLEX", z_lex_key(rng), rng.choice(Z_LEX), rng.choice(Z_LEX)],
        lambda: [rng.choice(["ZPOPMIN", "ZPOPMAX"]), k] + rng.choice([[], ["1"], ["2"], ["0"], ["100"], ["-1"], ["x"]]),
        lambda: (lambda ks: ["ZMPOP", str(len(ks))] + ks + [rng.choice(["MIN", "MAX", "max"])]
                 + rng.choice([[], ["COUNT", rng.choice(["1", "2", "10", "0", "x"])]]))(z_keys(rng)),
        lambda: ["ZMPOP", rng.choice(["0", "x", "4"]), k, "MIN"],
        lambda: ["ZRANDMEMBER", k, rng.choice(["100000", "-3", "0", "x"])] + rng.choice([[], ["WITHSCORES"]]),
        lambda: ["ZRANDMEMBER", "zx"] if rng.random() < 0.5 else ["ZRANDMEMBER", k, "1", "FOO"],
        lambda: (lambda ks, op: [op, str(len(ks))] + ks + z_setop_opts(rng, len(ks), False, op == "ZDIFF"))(
            z_keys(rng), rng.choice(["ZUNION", "ZINTER", "ZDIFF"])),
        lambda: (lambda ks, op: [op, rng.choice(Z_KEYS + ["zx"]), str(len(ks))] + ks
                 + z_setop_opts(rng, len(ks), True, op == "ZDIFFSTORE"))(
            z_keys(rng), rng.choice(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"])),
        lambda: (lambda ks: ["ZINTERCARD", str(len(ks))] + ks + rng.choice([[], ["LIMIT", rng.choice(["0", "1", "-1"])]]))(
            z_keys(rng)),
        lambda: [rng.choice(["ZUNION", "ZINTERCARD", "ZUNIONSTORE"]), rng.choice(["0", "x", "5"]), k],
        lambda: ["ZSCAN", k, "0", "COUNT", "100000"] + rng.choice([[], ["MATCH", rng.choice(["*", "a*", "1?", "big1*"])]]),
        lambda: ["ZSCAN", k, "x"] if rng.random() < 0.2 else ["ZSCAN", k, "0"] + rng.choice(SCAN_BAD_OPTIONS),
        lambda: ["SADD", "zss"] + [z_member(rng) for _ in range(rng.randint(1, 3))],
        # Not zss: 7.0 has no listpack sets.
        lambda: ["OBJECT", "ENCODING", rng.choice(Z_KEYS + ["zl0"])],
        lambda: ["TYPE", k],
        lambda: ["SET", "zstr", "v"] if rng.random() < 0.3 else ["DEL", k],
        lambda: ["EXPIRE", k, "100000"],
        lambda: ["ZRANGE", k, "0", "-1", "WITHSCORES"],
        lambda: [rng.choice(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]), k, "-inf", "+inf", "WITHSCORES"] + z_limit(rng),
        lambda: ["ZRANGE", z_lex_key(rng), "-", "+", "BYLEX"] + z_limit(rng),
    ][choice - 12]()


FAMILIES = {
    "types-zsets": lambda rng: [(0, gen_zsets(rng))],
}
