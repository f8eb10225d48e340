"""Cache simulators in keys: exact LRU and Belady's offline optimum.

Both count a miss for every access whose key is not cached, first accesses
included, and then insert the key (GET, then SET on a miss), evicting down
to ``capacity`` keys. ``batches`` is the one place that decides how the
replay groups accesses, so the batched LRU simulation sees exactly the
grouping the servers see.
"""

import heapq
from collections import OrderedDict


def batches(keys, size):
    """(start, end) of consecutive runs of at most ``size`` distinct keys.

    A run ends before a key repeats, so within one run the SETs that follow
    the GETs never hide a hit a strictly sequential replay would have had.
    """
    i, n = 0, len(keys)
    while i < n:
        seen = set()
        j = i
        while j < n and j - i < size and keys[j] not in seen:
            seen.add(keys[j])
            j += 1
        yield i, j
        i = j


def lru_misses(keys, capacity, batch=1):
    """Misses of an exact LRU cache of ``capacity`` keys.

    With ``batch`` > 1, accesses are grouped as the replay groups them: the
    GETs of a run (hits move to the front), then the SETs of its misses in
    order, each evicting the least recently used key when full.
    """
    cache = OrderedDict()
    misses = 0
    if batch <= 1:
        for k in keys:
            if k in cache:
                cache.move_to_end(k)
            else:
                misses += 1
                cache[k] = None
                if len(cache) > capacity:
                    cache.popitem(last=False)
        return misses
    for i, j in batches(keys, batch):
        missed = []
        for k in keys[i:j]:
            if k in cache:
                cache.move_to_end(k)
            else:
                missed.append(k)
        misses += len(missed)
        for k in missed:
            cache[k] = None
            if len(cache) > capacity:
                cache.popitem(last=False)
    return misses


def belady_misses(keys, capacity):
    """Misses of Belady's MIN: on a miss when full, evict the cached key whose
    next access is farthest in the future (the missed key is always stored,
    as the replay's SET stores it)."""
    n = len(keys)
    next_use = [0] * n
    last = {}
    for i in range(n - 1, -1, -1):
        k = keys[i]
        next_use[i] = last.get(k, n)
        last[k] = i
    cache = {}
    heap = []
    misses = 0
    for i, k in enumerate(keys):
        nu = next_use[i]
        if k not in cache:
            misses += 1
            if len(cache) >= capacity:
                while True:
                    neg, victim = heapq.heappop(heap)
                    if cache.get(victim) == -neg:
                        del cache[victim]
                        break
        cache[k] = nu
        heapq.heappush(heap, (-nu, k))
    return misses


def _self_test():
    keys = [1, 2, 3, 1, 2, 4, 1, 2, 3, 4]
    assert lru_misses(keys, 3) == 6, lru_misses(keys, 3)
    assert belady_misses(keys, 3) == 5, belady_misses(keys, 3)
    assert belady_misses(keys, 10) == 4 == lru_misses(keys, 10)
    assert list(batches([1, 2, 1, 3], 8)) == [(0, 2), (2, 4)]
    assert lru_misses(keys, 3, batch=1) == lru_misses(keys, 3)


_self_test()
