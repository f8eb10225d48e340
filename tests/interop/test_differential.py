"""Differential test: the same random command stream sent to the server under
test and to a real redis-server must get the same replies.

Streams are generated from a seed over a small key space (five string keys,
two list keys, a missing key, databases 0 and 1) so commands collide often:
overwrites, WRONGTYPE, expiry options against existing TTLs, RENAME onto
existing keys, MOVE/COPY across databases, transactions with WATCH dirtied
by a second client. Replies are compared as exact RESP frames (type and
value), over raw sockets, in RESP2 and RESP3.

What legitimately differs is normalized, and nothing else:
- TTL/PTTL/EXPIRETIME/PEXPIRETIME: the two servers run the command a few
  microseconds apart, so non-negative values may differ by 1 s / 1000 ms;
- RANDOMKEY: only null versus non-null is compared;
- KEYS and SCAN: order is unspecified, so the sets are compared (SCAN is
  iterated to cursor 0 on each server);
- HELLO is not compared (version and client id differ);
- OBJECT ENCODING of a list: 7.0 says quicklist where 7.2+ says listpack.
Relative TTLs are always long (>= 100 s) so nothing expires by itself during
a run, except in the explicit "expire soon" step, which waits until both
servers have expired the key. The reference is Debian's Redis 7.0; the 7.0
vs 7.4 differences listed in REDIS-NOTES.md concern score formatting and
encodings of types this stream does not use.

Environment: HEARTH_DIFF_SEED (default 20240607) and HEARTH_DIFF_OPS
(operations per stream, default 1500) reproduce or lengthen a run.
"""

from __future__ import annotations

import os
import random
import time

import pytest

from rawresp import Frame, RawConn

SEED = int(os.environ.get("HEARTH_DIFF_SEED", "20240607"))
OPS = int(os.environ.get("HEARTH_DIFF_OPS", "1500"))

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

TTL_TOLERANCE = {"TTL": 1, "EXPIRETIME": 1, "PTTL": 1000, "PEXPIRETIME": 1000}


# -- generators ------------------------------------------------------------------------


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


# -- lists (LPUSH ... LMPOP) ---------------------------------------------------------------
# Own keys (q0..q2, the string s0, the missing qx) so other families' streams
# stay as they are. Few distinct elements so LREM/LINSERT/LPOS find matches;
# occasional 5 KB and 9 KB elements cross the listpack limits (8 KB, plain
# nodes), and long pushes make multi-node quicklists.

LST_KEYS = ["q0", "q1", "q2"]
LST_VALUES = ["a", "b", "c", "1", "-1", "007", "", "42", "9223372036854775807", "x" * 60, "y" * 300]


def lst_key(rng: random.Random) -> str:
    r = rng.random()
    return rng.choice(LST_KEYS) if r < 0.85 else ("s0" if r < 0.93 else "qx")


def lst_value(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.9:
        return rng.choice(LST_VALUES)
    if r < 0.97:
        return str(rng.randint(-100_000, 100_000))
    return rng.choice(["z" * 5000, "w" * 9000])


def lst_index(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.85:
        return str(rng.randint(-30, 30))
    return rng.choice(["9223372036854775807", "-9223372036854775808", "x", "1.5", ""])


def gen_list(rng: random.Random) -> list[str]:
    k = lst_key(rng)
    choice = rng.randrange(30)
    if choice < 6:
        n = rng.randint(1, 3) if rng.random() < 0.8 else rng.randint(20, 120)
        return [rng.choice(["RPUSH", "LPUSH"]), k] + [lst_value(rng) for _ in range(n)]
    return [
        lambda: [rng.choice(["RPUSHX", "LPUSHX"]), k, lst_value(rng)],
        lambda: [rng.choice(["LPOP", "RPOP"]), k],
        lambda: [rng.choice(["LPOP", "RPOP"]), k, rng.choice(["0", "1", "2", "5", "50", "-1", "x"])],
        lambda: ["LLEN", k],
        lambda: ["LRANGE", k, lst_index(rng), lst_index(rng)],
        lambda: ["LRANGE", k, "0", "-1"],
        lambda: ["LINDEX", k, lst_index(rng)],
        # Not lst_index: 7.2+ truncates LSET's index to a C int (7.0 does not).
        lambda: ["LSET", k, rng.choice([str(rng.randint(-30, 30)), "x", ""]), lst_value(rng)],
        lambda: ["LINSERT", k, rng.choice(["BEFORE", "AFTER", "before", "MIDDLE"]), lst_value(rng), lst_value(rng)],
        lambda: ["LREM", k, rng.choice(["0", "1", "2", "-1", "-2", "x"]), lst_value(rng)],
        lambda: ["LTRIM", k, lst_index(rng), lst_index(rng)],
        lambda: ["LPOS", k, lst_value(rng)] + rng.choice([
            [], ["RANK", rng.choice(["1", "2", "-1", "-2", "0", "x"])], ["COUNT", rng.choice(["0", "1", "2", "-1"])],
            ["MAXLEN", rng.choice(["0", "3", "10", "-1"])], ["RANK", "-1", "COUNT", "0", "MAXLEN", "5"], ["RANK"],
        ]),
        lambda: ["LMOVE", k, lst_key(rng), rng.choice(["LEFT", "RIGHT"]), rng.choice(["LEFT", "RIGHT", "UP"])],
        lambda: ["RPOPLPUSH", k, lst_key(rng)],
        lambda: ["LMPOP", str(rng.randint(1, 3))] + [lst_key(rng) for _ in range(rng.randint(1, 3))]
        + [rng.choice(["LEFT", "RIGHT", "left"])] + rng.choice([[], ["COUNT", rng.choice(["1", "3", "100", "0"])]]),
        lambda: ["LMPOP", rng.choice(["0", "x", "5"]), k, "LEFT"],
        lambda: ["OBJECT", "ENCODING", k],
        lambda: ["TYPE", k],
        lambda: ["SET", "s0", lst_value(rng)] if rng.random() < 0.5 else ["DEL", k],
        lambda: ["EXISTS", k],
        lambda: ["RPUSH", k] + [rng.choice(["a", "b"]) for _ in range(rng.randint(50, 200))],
        lambda: ["LRANGE", k, str(rng.randint(0, 100)), str(rng.randint(100, 250))],
        lambda: ["LTRIM", k, str(rng.randint(-60, 0)), "-1"],
        lambda: ["EXPIRE", k, "1000"],
    ][choice - 6]()


FAMILIES["lists"] = lambda rng: [(0, gen_list(rng))]

# -- comparison ----------------------------------------------------------------------------


def same(args: list[str], a: Frame, b: Frame, queued: list[list[str]] | None) -> bool:
    cmd = args[0].upper()
    if cmd in TTL_TOLERANCE and a.kind == b.kind == ":":
        if a.value < 0 or b.value < 0:
            return a.value == b.value
        return abs(a.value - b.value) <= TTL_TOLERANCE[cmd]
    if cmd == "RANDOMKEY":
        return a.kind == b.kind and (a.value is None) == (b.value is None)
    if cmd == "OBJECT" and a.kind == b.kind == "$" and b.value in (b"quicklist", b"ziplist"):
        # Redis 7.2+ (what Hearth matches) reports small lists as listpack;
        # the 7.0 reference says quicklist (REDIS-NOTES.md, "Types").
        return a.value in (b"listpack", b"quicklist")
    if cmd == "KEYS" and a.kind == b.kind == "*":
        return sorted(f.value for f in a.value) == sorted(f.value for f in b.value)
    if cmd == "EXEC" and queued is not None and a.kind == b.kind == "*" \
            and a.value is not None and b.value is not None:
        return len(a.value) == len(b.value) == len(queued) and all(
            same(q, x, y, None) for q, x, y in zip(queued, a.value, b.value)
        )
    return a == b


class Client:
    """One logical client, connected to both servers."""

    def __init__(self, port_a: int, port_b: int, protocol: int):
        self.a = RawConn(port_a)
        self.b = RawConn(port_b)
        self.queued: list[list[str]] | None = None
        if protocol == 3:
            self.a.cmd("HELLO", "3")
            self.b.cmd("HELLO", "3")

    def close(self) -> None:
        self.a.close()
        self.b.close()

    def track(self, args: list[str], reply: Frame) -> list[list[str]] | None:
        """Follows MULTI state from the reference's replies; returns the queue
        an EXEC reply must be matched against."""
        cmd = args[0].upper()
        if self.queued is None:
            if cmd == "MULTI" and reply == Frame("+", "OK"):
                self.queued = []
            return None
        if cmd in ("EXEC", "DISCARD"):
            queued, self.queued = self.queued, None
            return queued
        if reply == Frame("+", "QUEUED"):
            self.queued.append(args)
        return None


def full_scan(conn: RawConn, opts: list[str]) -> tuple[str, set[bytes]]:
    cursor, seen = "0", set()
    for _ in range(10_000):
        reply = conn.cmd("SCAN", cursor, *opts)
        if reply.kind != "*" or len(reply.value) != 2 or reply.value[0].kind != "$":
            return f"bad SCAN reply {reply!r}", seen
        seen.update(f.value for f in reply.value[1].value)
        cursor = reply.value[0].value.decode()
        if cursor == "0":
            return "ok", seen
    return "SCAN did not finish", seen


def run_stream(server_port: int, reference_port: int, family: str, protocol: int, seed: int, ops: int) -> int:
    for port in (server_port, reference_port):
        with RawConn(port) as c:
            c.cmd("FLUSHALL")
    rng = random.Random(seed)
    clients = [Client(server_port, reference_port, protocol) for _ in range(2)]
    history: list[str] = []
    sent = 0

    def fail(step: int, who: int, args: list[str], got: object, want: object) -> None:
        context = "\n".join(history[-15:])
        pytest.fail(
            f"{family}/RESP{protocol} seed={seed} op {step}: replies differ for client {who} "
            f"{' '.join(map(repr, args))}\n  server:    {got!r}\n  reference: {want!r}\n"
            f"last commands (client: command -> reference reply):\n{context}\n"
            f"reproduce: HEARTH_DIFF_SEED={SEED} pytest tests/interop/test_differential.py -k '{family} and resp{protocol}'",
            pytrace=False,
        )

    try:
        for step in range(ops):
            for who, args in FAMILIES[family](rng):
                c = clients[who]
                if args[0] == "SCAN*":
                    opts: list[str] = []
                    if rng.random() < 0.5:
                        opts += ["MATCH", rng.choice(PATTERNS)]
                    if rng.random() < 0.5:
                        opts += ["COUNT", str(rng.randint(1, 20))]
                    if rng.random() < 0.3:
                        opts += ["TYPE", rng.choice(["string", "list"])]
                    got, want = full_scan(c.a, opts), full_scan(c.b, opts)
                    history.append(f"  {who}: SCAN(full) {' '.join(opts)} -> {sorted(want[1])}")
                    if got[0] != "ok" or want[0] != "ok" or got[1] != want[1]:
                        fail(step, who, ["SCAN", *opts], got, want)
                    sent += 1
                    continue
                if args[0] == "EXPIRE-SOON*":
                    key = args[1]
                    for conn in (c.a, c.b):
                        conn.cmd("SET", key, "soon", "PX", "1")
                    time.sleep(0.01)
                    # Touch it so both have deleted it, whatever their
                    # active expiry cycle did meanwhile (DBSIZE counts
                    # expired keys not yet reclaimed).
                    got, want = c.a.cmd("EXISTS", key), c.b.cmd("EXISTS", key)
                    history.append(f"  {who}: SET {key} soon PX 1; (slept 10 ms); EXISTS {key} -> {want!r}")
                    if got != want:
                        fail(step, who, ["EXISTS", key], got, want)
                    sent += 1
                    continue
                got, want = c.a.cmd(*args), c.b.cmd(*args)
                sent += 1
                if args[0].upper() == "HELLO":
                    continue
                queued = c.track(args, want)
                history.append(f"  {who}: {' '.join(map(repr, args))} -> {want!r}")
                if not same(args, got, want, queued):
                    fail(step, who, args, got, want)
    finally:
        for c in clients:
            c.close()
    return sent


# -- sets and hashes (SADD ... SSCAN, HSET ... HSCAN) -----------------------------------------
# Own keys (sa0..sa2 and ha0..ha1, the strings xs and xh, the usually missing sax and
# hax, the never written sx-none and hx-none for random replies) so the
# other families' streams stay as they are; the family names sort after the
# existing ones so their seeds do not move either. Occasional big SADD/HSET
# calls cross set-max-intset-entries (512), set-max-listpack-entries (128)
# and hash-max-listpack-entries (512). Only deterministic forms of the random
# commands are generated (SPOP of the whole set, SRANDMEMBER/HRANDFIELD with a
# count covering the whole collection, negative counts compared by length);
# hash-field expiration and HSCAN NOVALUES are 7.4-only and stay out of a
# stream compared with the 7.0 reference.
#
# What legitimately differs, and only that, is normalized in `same` below:
# members of set replies and of hash-table-encoded hashes come in an
# unspecified order (compared sorted; listpack order is checked by
# test_hash.py/test_set.py), and 7.0 encodes small non-integer sets as
# hashtable where 7.2+ says listpack.

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


FAMILIES["types-sets"] = lambda rng: [(0, gen_sets(rng))]
FAMILIES["types-hashes"] = lambda rng: [(0, gen_hashes(rng))]

_UNORDERED = {"SMEMBERS", "SINTER", "SUNION", "SDIFF", "SPOP", "SRANDMEMBER", "HKEYS", "HVALS"}
_same_before_sets_and_hashes = same


def _sorted_items(frame: Frame, pairs: bool) -> list:
    items = list(frame.value)
    if frame.kind == "%":
        items = [(k, v) for k, v in items]
    elif pairs and items and items[0].kind != "*":
        items = list(zip(items[::2], items[1::2]))
    return sorted(items, key=repr)


def same(args: list[str], a: Frame, b: Frame, queued: list[list[str]] | None) -> bool:  # noqa: F811
    cmd = args[0].upper()
    collection = a.kind == b.kind and a.kind in "*~%" and a.value is not None and b.value is not None
    if collection and cmd in ("SRANDMEMBER", "HRANDFIELD") and len(args) > 2 and args[2].startswith("-"):
        return len(a.value) == len(b.value)  # random draws with repetition
    if collection and (cmd in _UNORDERED or cmd in ("HGETALL", "HRANDFIELD")):
        withvalues = cmd == "HGETALL" or (cmd == "HRANDFIELD" and len(args) > 3)
        return _sorted_items(a, withvalues) == _sorted_items(b, withvalues)
    if cmd in ("SSCAN", "HSCAN") and a.kind == b.kind == "*" and len(a.value) == len(b.value) == 2:
        return a.value[0] == b.value[0] and _sorted_items(a.value[1], cmd == "HSCAN") == _sorted_items(
            b.value[1], cmd == "HSCAN")
    if cmd == "OBJECT" and args[-1] in SET_KEYS + ["sax", "xs"] and b.value == b"hashtable" and a.value == b"listpack":
        return True  # 7.0 has no listpack sets
    return _same_before_sets_and_hashes(args, a, b, queued)


# -- sorted sets (ZADD ... ZSCAN) ------------------------------------------------------------
# Own keys: zs0..zs2 (scores vary), zl0 (every score 0, for the lex
# commands), the set zss, the string zstr and the missing zx. Scores are
# integers, halves and quarters so that 7.0's %.17g and 7.4's shortest
# formatting print them alike; 7.2+/7.4-only forms stay out of the stream
# (ZRANK WITHSCORE, negative LIMIT offsets, which a 7.4 skiplist counts from
# the far end, and no-op ZADDs of more than 128 pairs, which 7.4 converts up
# front). Long ZADDs of fresh members and a 70-byte member cross
# zset-max-listpack-entries/value. ZRANDMEMBER is generated only in its
# deterministic forms (a count covering the set: highest score first; a
# negative count: compared by length; no count: null or not); full ZSCANs of a skiplist come in
# hash order and are compared sorted.

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


FAMILIES["types-zsets"] = lambda rng: [(0, gen_zsets(rng))]
_same_before_zsets = same


def same(args: list[str], a: Frame, b: Frame, queued: list[list[str]] | None) -> bool:  # noqa: F811
    cmd = args[0].upper()
    collection = a.kind == b.kind == "*" and a.value is not None and b.value is not None
    if cmd == "ZRANDMEMBER" and len(args) == 2:
        return a.kind == b.kind and (a.value is None) == (b.value is None)
    if collection and cmd == "ZRANDMEMBER" and len(args) > 2 and args[2].startswith("-"):
        return len(a.value) == len(b.value)  # random draws with repetition
    if cmd == "ZSCAN" and collection and len(a.value) == len(b.value) == 2:
        return a.value[0] == b.value[0] and _sorted_items(a.value[1], True) == _sorted_items(b.value[1], True)
    return _same_before_zsets(args, a, b, queued)


# -- bitmaps and HyperLogLogs (SETBIT ... BITFIELD, PFADD PFCOUNT PFMERGE) ----------------------
# Own keys (bm0..bm2, hl0..hl2, the plain string bs, the list bl and the
# usually missing bmx/hlx); family names sort after the existing ones so their
# seeds stay put. Replies are compared exactly, including GET of every HLL:
# its bytes (sparse opcodes, dense registers, the cached cardinality PFCOUNT
# writes) must be Redis's. Occasional big PFADDs cross the sparse limit
# (hll-sparse-max-bytes 3000). BITCOUNT/BITPOS get well-formed ranges only:
# with bad arguments Redis 7.0 (the reference) answers for a missing key
# before parsing them, 7.4 (what Hearth matches) parses first; test_bitmap.py
# covers those errors.

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


FAMILIES["values-bitmaps"] = lambda rng: [(0, gen_bitmaps(rng))]
FAMILIES["values-hll"] = lambda rng: [(0, gen_hlls(rng))]


# -- SORT / SORT_RO -------------------------------------------------------------------------
# Own keys: the lists so0/so1, the set ss0 and the sorted set sz0 to sort,
# weights under sw_<element> (strings) and sh_<element> (hashes, fields f
# and g), the string sostr, the destination sd0, the missing sox. The
# family's name sorts after the others so that their seeds do not move.
# Elements and weights include non-numbers, so numeric sorts fail now and
# then, as they should. Left out, because the order is unspecified:
# a constant BY on the set without STORE (7.0 iterates small non-integer
# sets in hash order) and ALPHA with a BY pattern together with LIMIT or
# STORE (elements with equal weights tie and Redis's quicksort may put them
# either way); ALPHA with BY alone is compared as a multiset.

SORT_SOURCES = ["so0", "so1", "ss0", "sz0"]
SORT_ELEMENTS = ["1", "2", "3", "10", "-1", "2.5", "a", "b", "07", ""]
SORT_WEIGHTS = ["1", "5", "-3", "2.5", "10", "1e3", "x", "", " 4", "inf"]
SORT_BY = ["sw_*", "sh_*->f", "sh_*->g", "nosort", "sw_*->f", "sh_*", "so*x"]
SORT_GETS = ["#", "sw_*", "sh_*->f", "nostar", "sh_*->", "sw_*->f"]


def sort_options(rng: random.Random, source: str, store: bool) -> list[str]:
    opts: list[list[str]] = []
    alpha = rng.random() < 0.4
    by = rng.choice(SORT_BY) if rng.random() < 0.5 else None
    limit = rng.random() < 0.4
    if alpha and by and "*" in by:
        limit = store = False
    if source == "ss0" and not store and by and "*" not in by:
        by = None
    if alpha:
        opts.append(["ALPHA"])
    if by:
        opts.append(["BY", by])
    if limit:
        opts.append(["LIMIT", str(rng.randint(-2, 6)), str(rng.randint(-1, 5))])
    for _ in range(rng.choice([0, 0, 1, 2])):
        opts.append(["GET", rng.choice(SORT_GETS)])
    if rng.random() < 0.5:
        opts.append([rng.choice(["ASC", "DESC"])])
    if store:
        opts.append(["STORE", rng.choice(["sd0", "sd0", "so1", "sostr"])])
    rng.shuffle(opts)
    return [a for opt in opts for a in opt]


def gen_sort(rng: random.Random) -> list[str]:
    choice = rng.randrange(20)
    e = rng.choice(SORT_ELEMENTS)
    if choice < 2:
        return ["RPUSH", rng.choice(["so0", "so1"])] + rng.sample(SORT_ELEMENTS, rng.randint(1, 4))
    if choice == 2:
        return ["SADD", "ss0"] + rng.sample(SORT_ELEMENTS, rng.randint(1, 3))
    if choice == 3:
        return ["ZADD", "sz0", str(rng.randint(-3, 3)), e]
    if choice == 4:
        return ["SET", f"sw_{e}", rng.choice(SORT_WEIGHTS)]
    if choice == 5:
        return ["HSET", f"sh_{e}", rng.choice(["f", "g"]), rng.choice(SORT_WEIGHTS)]
    if choice == 6:
        r = rng.random()
        return ["SET", "sostr", "v"] if r < 0.2 else [rng.choice(["DEL", "LPOP"]), rng.choice(SORT_SOURCES + ["sd0"])]
    if choice == 7:
        return ["LRANGE", "sd0", "0", "-1"]
    if choice == 8:
        return [rng.choice(["TYPE", "EXISTS"]), rng.choice(["sd0", "so1", "sostr"])]
    if choice == 9:
        return ["SORT", rng.choice(SORT_SOURCES + ["sostr", "sox"]), rng.choice(["LIMIT", "BY", "FOO", "STORE"])]
    if choice == 10:
        return ["SORT_RO", rng.choice(SORT_SOURCES), "STORE", "sd0"]
    source = rng.choice(SORT_SOURCES + ["sostr", "sox"])
    store = choice >= 16
    return ["SORT" if store or rng.random() < 0.5 else "SORT_RO", source] + sort_options(rng, source, store)


FAMILIES["types-zz-sort"] = lambda rng: [(0, gen_sort(rng))]
_same_before_sort = same


def same(args: list[str], a: Frame, b: Frame, queued: list[list[str]] | None) -> bool:  # noqa: F811
    upper = [x.upper() for x in args]
    if upper[0] in ("SORT", "SORT_RO") and "ALPHA" in upper and "BY" in upper and a.kind == b.kind == "*" \
            and a.value is not None and b.value is not None:
        return _sorted_items(a, False) == _sorted_items(b, False)
    return _same_before_sort(args, a, b, queued)


@pytest.mark.parametrize("protocol", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_random_commands_match_reference(server, reference, family, protocol):
    seed = SEED + 1000 * sorted(FAMILIES).index(family) + protocol
    sent = run_stream(server.port, reference.port, family, protocol, seed, OPS)
    assert sent >= OPS
    print(f"{family}/RESP{protocol}: {sent} commands, identical replies")


def test_generators_are_deterministic():
    for family, gen in FAMILIES.items():
        rng_a, rng_b = random.Random(7), random.Random(7)
        a = [gen(rng_a) for _ in range(200)]
        b = [gen(rng_b) for _ in range(200)]
        assert a == b, family
