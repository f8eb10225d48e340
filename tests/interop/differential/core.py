"""The first command families of the differential test: strings, keyspace
and transactions (MULTI/EXEC with WATCH dirtied by the second client), over
five string keys, two list keys and a missing key, in databases 0 and 1.
Relative TTLs are always long (>= 100 s) so nothing expires by itself during
a run, except in the explicit "expire soon" step.
"""

from __future__ import annotations

import random
import time

STR_KEYS = ["k0", "k1", "k2", "k3", "k4"]
LIST_KEYS = ["l0", "l1"]
ALL_KEYS = STR_KEYS + LIST_KEYS + ["nokey"]
VALUES = [
    "", "0", "1", "-1", "42", "100", "007", " 1", "1 ", "+5", "3.14", "-2.5e3", "1e3", "0x10",
    "9223372036854775807", "-9223372036854775808", "9223372036854775808", "hello", "hello world",
    "x" * 44, "x" * 45, "a\x00b", "inf", "nan", "10.5", "-0", "1.0", "1005.75", "abc",
]
INCRS = ["1", "-1", "0", "100", "-100", "9223372036854775807", "-9223372036854775808", "abc", "1.5", ""]
FLOAT_INCRS = ["0.1", "-0.1", "1.5", "1e3", "2.5e-3", "0", "abc", "inf", "-inf", "3", "0.01", "1e400", "-5.0e3", ""]
PATTERNS = ["*", "k*", "k[0-2]", "?0", "l*", "*[^0]", "k\\*", "nokey", "[a-l]?", "x*"]
# Absolute times far in the future, identical for both servers.
T0 = int(time.time()) + 1_000_000


def pick_key(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.8:
        return rng.choice(STR_KEYS)
    if r < 0.93:
        return rng.choice(LIST_KEYS)
    return "nokey"


def any_key(rng: random.Random) -> str:
    return rng.choice(ALL_KEYS)


def value(rng: random.Random) -> str:
    return rng.choice(VALUES)


def rel_seconds(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.8:
        return str(rng.randint(100, 100_000))
    if r < 0.9:
        return rng.choice(["0", "-1", "-100"])
    return rng.choice(["abc", "9223372036854775807", "1.5", ""])


def expire_spec(rng: random.Random) -> list[str]:
    """An expire option for SET/GETEX."""
    kind = rng.choice(["EX", "PX", "EXAT", "PXAT"])
    r = rng.random()
    if r < 0.85:
        secs = rng.randint(100, 100_000)
        amount = {"EX": secs, "PX": secs * 1000, "EXAT": T0 + secs, "PXAT": (T0 + secs) * 1000 + rng.randint(0, 999)}[kind]
        return [kind, str(amount)]
    if r < 0.92:
        # Invalid, or already in the past (never a short TTL that could
        # expire at different moments on the two servers).
        return [kind, rng.choice(["0", "-5", "1"] if kind.endswith("AT") else ["0", "-5"])]
    return [kind, rng.choice(["abc", "9223372036854775807", "9223372036854775"])]


def gen_set(rng: random.Random) -> list[str]:
    args = ["SET", pick_key(rng), value(rng)]
    opts: list[list[str]] = []
    if rng.random() < 0.3:
        opts.append([rng.choice(["NX", "XX"])])
    r = rng.random()
    if r < 0.35:
        opts.append(expire_spec(rng))
    elif r < 0.45:
        opts.append(["KEEPTTL"])
    if rng.random() < 0.25:
        opts.append(["GET"])
    if rng.random() < 0.06:  # something invalid
        opts.append(rng.choice([["NX", "XX"], ["EX", "10", "PX", "10"], ["KEEPTTL", "EX", "10"], ["FOO"], ["EX"]]))
    rng.shuffle(opts)
    for o in opts:
        args.extend(o)
    if rng.random() < 0.1:
        args = [a.lower() if a.isupper() else a for a in args]
    return args


def gen_string(rng: random.Random) -> list[str]:
    k = pick_key(rng)
    choice = rng.randrange(30)
    if choice < 5:
        return gen_set(rng)
    if choice < 8:
        return ["GET", k]
    return [
        lambda: ["SETNX", k, value(rng)],
        lambda: ["SETEX", k, rel_seconds(rng), value(rng)],
        lambda: ["PSETEX", k, rng.choice([str(rng.randint(100_000, 10_000_000)), "0", "-1", "x"]), value(rng)],
        lambda: ["MGET"] + [pick_key(rng) for _ in range(rng.randint(1, 4))],
        lambda: ["MSET"] + [x for _ in range(rng.randint(1, 3)) for x in (pick_key(rng), value(rng))],
        lambda: ["MSETNX"] + [x for _ in range(rng.randint(1, 3)) for x in (pick_key(rng), value(rng))],
        lambda: ["GETSET", k, value(rng)],
        lambda: ["GETDEL", k],
        lambda: ["GETEX", k] + rng.choice([[], ["PERSIST"], expire_spec(rng), ["EX", "10", "PERSIST"], ["FOO"]]),
        lambda: ["APPEND", k, rng.choice(["", "x", "123", "abc"])],
        lambda: ["STRLEN", k],
        lambda: [rng.choice(["GETRANGE", "SUBSTR"]), k, str(rng.randint(-8, 12)), str(rng.randint(-8, 30))],
        lambda: ["SETRANGE", k, rng.choice([str(rng.randint(0, 20)), "-1", "x"]), rng.choice(["", "Z", "xyz", "12"])],
        lambda: [rng.choice(["INCR", "DECR"]), k],
        lambda: [rng.choice(["INCRBY", "DECRBY"]), k, rng.choice(INCRS)],
        lambda: ["INCRBYFLOAT", k, rng.choice(FLOAT_INCRS)],
        lambda: ["LCS", pick_key(rng), pick_key(rng)] + rng.choice(
            [[], ["LEN"], ["IDX"], ["IDX", "WITHMATCHLEN"], ["IDX", "MINMATCHLEN", str(rng.randint(0, 3))], ["LEN", "IDX"]]
        ),
        lambda: ["RPUSH", rng.choice(LIST_KEYS), value(rng)],
        lambda: ["OBJECT", "ENCODING", k],
        lambda: ["DEL", k],
        lambda: ["TYPE", k],
        lambda: ["SET", k, str(rng.randint(-1000, 1000))],
    ][choice - 8]()


def gen_expire(rng: random.Random) -> list[str]:
    cmd = rng.choice(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
    r = rng.random()
    if r < 0.8:
        secs = rng.randint(100, 100_000)
        amount = {"EXPIRE": secs, "PEXPIRE": secs * 1000, "EXPIREAT": T0 + secs, "PEXPIREAT": (T0 + secs) * 1000}[cmd]
    elif r < 0.92:
        amount = rng.choice([0, -1, 1] if cmd.endswith("AT") else [0, -1, -1000])
    else:
        amount = rng.choice(["abc", "9223372036854775807", "1.5"])
    args = [cmd, any_key(rng), str(amount)]
    r = rng.random()
    if r < 0.45:
        args.append(rng.choice(["NX", "XX", "GT", "LT"]))
    elif r < 0.5:
        args.extend(rng.choice([["NX", "XX"], ["GT", "LT"], ["NX", "GT"], ["XX", "GT"], ["FOO"]]))
    return args


def gen_keyspace(rng: random.Random) -> list[str]:
    k = any_key(rng)
    choice = rng.randrange(32)
    if choice < 6:
        return gen_string(rng)
    if choice < 11:
        return gen_expire(rng)
    return [
        lambda: [rng.choice(["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]), k],
        lambda: [rng.choice(["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]), k],
        lambda: ["PERSIST", k],
        lambda: [rng.choice(["DEL", "UNLINK"])] + [any_key(rng) for _ in range(rng.randint(1, 3))],
        lambda: ["EXISTS"] + [any_key(rng) for _ in range(rng.randint(1, 4))],
        lambda: ["TOUCH"] + [any_key(rng) for _ in range(rng.randint(1, 3))],
        lambda: ["TYPE", k],
        lambda: ["KEYS", rng.choice(PATTERNS)],
        lambda: ["RANDOMKEY"],
        lambda: [rng.choice(["RENAME", "RENAMENX"]), k, any_key(rng)],
        lambda: ["MOVE", k, rng.choice(["0", "1", "1", "16", "x"])],
        lambda: ["COPY", k, any_key(rng)] + rng.choice([[], ["REPLACE"], ["DB", "1"], ["DB", "1", "REPLACE"], ["DB", "0"], ["DB", "99"]]),
        lambda: ["OBJECT", "ENCODING", k],
        lambda: ["DBSIZE"],
        lambda: ["SELECT", rng.choice(["0", "0", "1"])],
        lambda: ["SWAPDB", "0", "1"] if rng.random() < 0.3 else ["DBSIZE"],
        lambda: ["FLUSHDB"] if rng.random() < 0.15 else ["EXISTS", k],
        lambda: ["SET", k, value(rng), "EX", str(rng.randint(100, 1000))],
        lambda: ["RPUSH", rng.choice(LIST_KEYS), value(rng)],
        lambda: ["SCAN*"],  # expanded by the runner: a full SCAN iteration
        lambda: ["EXPIRE-SOON*", rng.choice(STR_KEYS)],  # expanded by the runner
    ][choice - 11]()


def gen_write(rng: random.Random) -> list[str]:
    """A write by the second client, to dirty WATCHed keys."""
    k = pick_key(rng)
    return rng.choice([
        lambda: ["SET", k, value(rng)],
        lambda: ["DEL", k],
        lambda: ["EXPIRE", k, "1000"],
        lambda: ["INCR", k],
        lambda: ["SETNX", k, "x"],
        lambda: ["GET", k],
        lambda: ["PERSIST", k],
        lambda: ["FLUSHALL"] if rng.random() < 0.1 else ["GET", k],
    ])()


def gen_transaction(rng: random.Random) -> list[tuple[int, list[str]]]:
    """A block of steps (client index, command) around MULTI/EXEC."""
    r = rng.random()
    if r < 0.05:
        return [(0, [rng.choice(["EXEC", "DISCARD", "UNWATCH"])])]
    if r < 0.35:
        return [(0, gen_keyspace(rng))]
    steps: list[tuple[int, list[str]]] = []
    if rng.random() < 0.5:
        steps.append((0, ["WATCH"] + [pick_key(rng) for _ in range(rng.randint(1, 3))]))
        if rng.random() < 0.5:
            steps.append((1, gen_write(rng)))
    steps.append((0, ["MULTI"]))
    for _ in range(rng.randint(0, 5)):
        r = rng.random()
        if r < 0.04:
            steps.append((0, ["GET"]))
        elif r < 0.07:
            steps.append((0, ["NOSUCHCMD", "x"]))
        elif r < 0.09:
            steps.append((0, ["MULTI"]))
        elif r < 0.11:
            steps.append((0, ["WATCH", pick_key(rng)]))
        elif r < 0.6:
            steps.append((0, gen_string(rng)))
        else:
            cmd = gen_keyspace(rng)
            if cmd[0].endswith("*"):
                cmd = ["DBSIZE"]
            steps.append((0, cmd))
        if rng.random() < 0.15:
            steps.append((1, gen_write(rng)))
    steps.append((0, ["DISCARD"] if rng.random() < 0.15 else ["EXEC"]))
    return steps


FAMILIES = {
    "strings": lambda rng: [(0, gen_string(rng))],
    "keyspace": lambda rng: [(0, gen_keyspace(rng))],
    "transactions": gen_transaction,
}
