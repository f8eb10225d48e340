"""redis-py's own client-side cache (`cache_config=`) against the server:
reads served locally, invalidated by other clients' writes and by FLUSHALL.
"""

from __future__ import annotations

import time

import pytest
import redis


# -- redis-py's client-side cache ---------------------------------------------------


@pytest.mark.redis74  # redis-py refuses client-side caching below Redis 7.4
def test_redis_py_client_side_cache(server, r2):
    from redis.cache import CacheConfig

    cached = redis.Redis(host="127.0.0.1", port=server.port, protocol=3, cache_config=CacheConfig(),
                         decode_responses=True, socket_timeout=10)
    try:
        def get_calls() -> int:
            return int(r2.info("commandstats").get("cmdstat_get", {}).get("calls", 0))

        def eventually(expect, key="foo"):
            deadline = time.monotonic() + 5
            while True:
                got = cached.get(key)
                if got == expect or time.monotonic() > deadline:
                    return got

        r2.set("foo", "bar")
        base = get_calls()
        assert cached.get("foo") == "bar"
        assert get_calls() == base + 1
        # Served from the local cache: no GET reaches the server.
        for _ in range(5):
            assert cached.get("foo") == "bar"
        assert get_calls() == base + 1
        assert cached.get_cache().size == 1
        # Another connection's write invalidates it.
        r2.set("foo", "baz")
        assert eventually("baz") == "baz"
        after_write = get_calls()
        assert after_write > base + 1
        assert cached.get("foo") == "baz"
        assert get_calls() == after_write
        # FLUSHALL empties it.
        r2.set("two", "2")
        assert cached.get("two") == "2"
        assert cached.get_cache().size == 2
        r2.flushall()
        assert eventually(None) is None
        assert cached.get("two") is None
        assert cached.get_cache().size == 0
    finally:
        cached.close()
