"""The SORT / SORT_RO family of the differential test.

Own keys: the lists so0/so1, the set ss0 and the sorted set sz0 to sort,
weights under sw_<element> (strings) and sh_<element> (hashes, fields f
and g), the string sostr, the destination sd0, the missing sox. The
family's name sorts after the others so that their seeds do not move.
Elements and weights include non-numbers, so numeric sorts fail now and
then, as they should. Left out, because the order is unspecified:
a constant BY on the set without STORE (7.0 iterates small non-integer
sets in hash order) and ALPHA with a BY pattern together with LIMIT or
STORE (elements with equal weights tie and Redis's quicksort may put them
either way); ALPHA with BY alone is compared as a multiset.
"""

from __future__ import annotations

import random


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


FAMILIES = {
    "types-zz-sort": lambda rng: [(0, gen_sort(rng))],
}
