"""COMMAND INFO metadata clients and proxies rely on: ACL categories with
Redis's names (`@sortedset`, `@keyspace`, ...) in Redis's order, the
`movablekeys` flag of commands whose keys depend on their arguments, and
the legacy (first, last, step) key range. Expectations were taken from
redis-server (`HEARTH_TEST_TARGET=redis` checks them there)."""

from __future__ import annotations

import pytest

from rawresp import plain

# (command or container|subcommand, categories in Redis's order)
CATEGORIES = [
    ("get", ["read", "string", "fast"]),
    ("set", ["write", "string", "slow"]),
    ("keys", ["keyspace", "read", "slow", "dangerous"]),
    ("flushall", ["keyspace", "write", "slow", "dangerous"]),
    ("dbsize", ["keyspace", "read", "fast"]),
    ("sort", ["write", "set", "sortedset", "list", "slow", "dangerous"]),
    ("sort_ro", ["read", "set", "sortedset", "list", "slow", "dangerous"]),
    ("zadd", ["write", "sortedset", "fast"]),
    ("zunionstore", ["write", "sortedset", "slow"]),
    ("zrangestore", ["write", "sortedset", "slow"]),
    ("sadd", ["write", "set", "fast"]),
    ("sintercard", ["read", "set", "slow"]),
    ("hset", ["write", "hash", "fast"]),
    ("lpush", ["write", "list", "fast"]),
    ("blpop", ["write", "list", "slow", "blocking"]),
    ("blmpop", ["write", "list", "slow", "blocking"]),
    ("bzpopmin", ["write", "sortedset", "fast", "blocking"]),
    ("lmpop", ["write", "list", "slow"]),
    ("zmpop", ["write", "sortedset", "slow"]),
    ("subscribe", ["pubsub", "slow"]),
    ("publish", ["pubsub", "fast"]),
    ("multi", ["fast", "transaction"]),
    ("exec", ["slow", "transaction"]),
    ("info", ["slow", "dangerous"]),
    ("config|get", ["admin", "slow", "dangerous"]),
    ("client|kill", ["admin", "slow", "dangerous", "connection"]),
    ("client|id", ["slow", "connection"]),
    ("command|info", ["slow", "connection"]),
    ("ping", ["fast", "connection"]),
    ("select", ["fast", "connection"]),
    ("quit", ["fast", "connection"]),
    ("object|encoding", ["keyspace", "read", "slow"]),
    ("lastsave", ["admin", "fast", "dangerous"]),
    ("swapdb", ["keyspace", "write", "fast", "dangerous"]),
    ("smove", ["write", "set", "fast"]),
    ("incrbyfloat", ["write", "string", "fast"]),
    ("expire", ["keyspace", "write", "fast"]),
]

MOVABLE = ["sort", "sort_ro", "zunionstore", "zinterstore", "zdiffstore", "zunion", "zinter", "zdiff",
           "zintercard", "sintercard", "lmpop", "blmpop", "zmpop", "bzmpop"]
NOT_MOVABLE = ["get", "mget", "zrangestore", "sinterstore", "blpop", "smove", "lmove"]


def info(c, name):
    parts = name.split("|")
    entry = plain(c.cmd("COMMAND", "INFO", parts[0]))[0]
    if len(parts) > 1:
        entry = next(s for s in entry[9] if s[0] == name)
    return entry


@pytest.fixture
def c(raw):
    return raw()


@pytest.mark.parametrize("name,expected", CATEGORIES, ids=[n for n, _ in CATEGORIES])
def test_acl_categories_use_redis_names_and_order(c, name, expected):
    assert info(c, name)[6] == ["@" + e for e in expected]


def test_movablekeys_flag_comes_last(c):
    for name in MOVABLE:
        assert info(c, name)[2][-1] == "movablekeys", name
    for name in NOT_MOVABLE:
        assert "movablekeys" not in info(c, name)[2], name


def test_legacy_key_ranges_of_movable_commands(c):
    for name in ("sort", "sort_ro", "zunionstore", "zinterstore", "zdiffstore"):
        assert info(c, name)[3:6] == [1, 1, 1], name
    for name in ("sintercard", "zunion", "lmpop", "blmpop"):
        assert info(c, name)[3:6] == [0, 0, 0], name


def test_command_list_filters_by_redis_category_names(c):
    names = plain(c.cmd("COMMAND", "LIST", "FILTERBY", "ACLCAT", "sortedset"))
    assert "zadd" in names and "sort" in names and "get" not in names
    assert plain(c.cmd("COMMAND", "LIST", "FILTERBY", "ACLCAT", "sorted-set")) == []
