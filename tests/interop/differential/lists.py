"""The list family of the differential test (LPUSH ... LMPOP).

Own keys (q0..q2, the string s0, the missing qx) so other families' streams
stay as they are. Few distinct elements so LREM/LINSERT/LPOS find matches;
occasional 5 KB and 9 KB elements cross the listpack limits (8 KB, plain
nodes), and long pushes make multi-node quicklists.
"""

from __future__ import annotations

import random


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


FAMILIES = {
    "lists": lambda rng: [(0, gen_list(rng))],
}
