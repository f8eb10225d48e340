"""The string-value families of the differential test: bitmaps (SETBIT ...
BITFIELD) and HyperLogLogs (PFADD PFCOUNT PFMERGE).

Own keys (bm0..bm2, hl0..hl2, the plain string bs, the list bl and the
usually missing bmx/hlx); family names sort after the existing ones so their
seeds stay put. Replies are compared exactly, including GET of every HLL:
its bytes (sparse opcodes, dense registers, the cached cardinality PFCOUNT
writes) must be Redis's. Occasional big PFADDs cross the sparse limit
(hll-sparse-max-bytes 3000). BITCOUNT/BITPOS get well-formed ranges only:
with bad arguments Redis 7.0 (the reference) answers for a missing key
before parsing them, 7.4 (what Hearth matches) parses first; test_bitmap.py
covers those errors.
"""

from __future__ import annotations

import random


BIT_KEYS = ["bm0", "bm1", "bm2"]
HLL_KEYS = ["hl0", "hl1", "hl2"]
BIT_INTS = ["0", "1", "-1", "2", "-2", "7", "8", "-9", "63", "100", "-100",
            "9223372036854775807", "-9223372036854775808"]
BIT_VALUES = ["", "abc", "foobar", "123", b"\xff\xf0\x00", b"\x00\x00\x01", "x" * 50]
BIT_TYPES = ["i1", "u1", "i5", "u7", "i8", "u8", "i16", "u31", "i32", "u63", "i64", "u64", "x8", "i0"]
HLL_CORRUPT = b"HYLL\x01\x00\x00\x00" + b"\x00" * 8 + b"\x00\x7f\xff"  # one register too many, cache valid


def bit_key(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.8:
        return rng.choice(BIT_KEYS)
    return rng.choice(["bs", "bl", "bmx", rng.choice(HLL_KEYS)])


def bit_offset(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.85:
        return str(rng.randrange(120))
    return rng.choice(["-1", "abc", "4294967296", "#2", ""])


def bit_range(rng: random.Random, first: str) -> list[str]:
    args = [first, rng.choice(BIT_INTS)]
    if rng.random() < 0.5:
        args.append(rng.choice(["BIT", "BYTE", "bit"]))
    return args


def gen_bitfield(rng: random.Random) -> list[str]:
    cmd = "BITFIELD_RO" if rng.random() < 0.15 else "BITFIELD"
    args = [cmd, bit_key(rng)]
    for _ in range(rng.randint(0, 4)):
        t = rng.choice(BIT_TYPES)
        off = str(rng.randrange(80)) if rng.random() < 0.7 else "#" + str(rng.randrange(8))
        op = rng.randrange(6)
        if op == 0 or (cmd == "BITFIELD_RO" and rng.random() < 0.9):
            args += ["GET", t, off]
        elif op in (1, 2):
            args += ["SET", t, off, rng.choice(BIT_INTS)]
        elif op in (3, 4):
            args += ["INCRBY", t, off, rng.choice(BIT_INTS)]
        else:
            args += ["OVERFLOW", rng.choice(["WRAP", "SAT", "FAIL", "fail", "NOPE"])]
    return args


def gen_bitmaps(rng: random.Random) -> list[str]:
    k = bit_key(rng)
    choice = rng.randrange(20)
    if choice < 4:
        return ["SETBIT", k, bit_offset(rng), rng.choice(["0", "1", "1", "2", "-1", "x"])]
    if choice < 6:
        return ["GETBIT", k, bit_offset(rng)]
    if choice < 8:
        return ["BITCOUNT", k] + (bit_range(rng, rng.choice(BIT_INTS)) if rng.random() < 0.7 else [])
    if choice < 10:
        extra = bit_range(rng, rng.choice(BIT_INTS)) if rng.random() < 0.7 else []
        return ["BITPOS", k, rng.choice(["0", "1", "1", "0", "2"])] + extra
    if choice < 14:
        return gen_bitfield(rng)
    return [
        lambda: ["BITOP", rng.choice(["AND", "OR", "XOR", "NOT", "not", "NAND"]), bit_key(rng)]
        + [bit_key(rng) for _ in range(rng.choice([1, 1, 2, 3]))],
        lambda: ["GET", k],
        lambda: ["SET", k, rng.choice(BIT_VALUES)],
        lambda: ["STRLEN", k],
        lambda: ["DEL", k] if rng.random() < 0.5 else ["RPUSH", "bl", "x"],
        lambda: ["APPEND", k, rng.choice(BIT_VALUES)],
    ][choice - 14]()


def hll_key(rng: random.Random) -> str:
    r = rng.random()
    return rng.choice(HLL_KEYS) if r < 0.85 else rng.choice(["hlx", "bs", "bl", "bm0"])


def hll_elements(rng: random.Random) -> list[str]:
    if rng.random() < 0.04:
        start = rng.randrange(5000)
        return [f"e{i}" for i in range(start, start + rng.choice([300, 1500]))]
    return [f"e{rng.randrange(3000)}" for _ in range(rng.randint(0, 5))]


def gen_hlls(rng: random.Random) -> list[str]:
    k = hll_key(rng)
    choice = rng.randrange(16)
    if choice < 6:
        return ["PFADD", k] + hll_elements(rng)
    if choice < 9:
        return ["PFCOUNT", k] + [hll_key(rng) for _ in range(rng.choice([0, 0, 1, 2]))]
    if choice < 13:
        return ["GET", rng.choice(HLL_KEYS)]
    return [
        lambda: ["PFMERGE", k] + [hll_key(rng) for _ in range(rng.randint(0, 3))],
        lambda: ["SET", k, rng.choice(["not an hll", "7", HLL_CORRUPT])] if rng.random() < 0.3 else ["DEL", k],
        lambda: ["SETBIT", rng.choice(HLL_KEYS), str(rng.randrange(160)), "1"],
    ][choice - 13]()


FAMILIES = {
    "values-bitmaps": lambda rng: [(0, gen_bitmaps(rng))],
    "values-hll": lambda rng: [(0, gen_hlls(rng))],
}
