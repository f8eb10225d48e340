"""CONFIG GET/SET of the encoding thresholds: `list-max-listpack-size` is a
C int in Redis, and the `*-ziplist-*` names Redis 7 keeps are aliases that
GET answers under the name asked and patterns match on their own."""

from __future__ import annotations

import pytest

from rawresp import Frame, plain

ALIASES = {
    "list-max-ziplist-size": "list-max-listpack-size",
    "hash-max-ziplist-entries": "hash-max-listpack-entries",
    "hash-max-ziplist-value": "hash-max-listpack-value",
    "zset-max-ziplist-entries": "zset-max-listpack-entries",
    "zset-max-ziplist-value": "zset-max-listpack-value",
}
OK = Frame("+", "OK")


def config_get(c, *names):
    flat = plain(c.cmd("CONFIG", "GET", *names))
    return dict(zip(flat[::2], flat[1::2])) if isinstance(flat, list) else flat


@pytest.fixture
def c(raw):
    conn = raw()
    before = config_get(conn, *ALIASES.values())
    yield conn
    for name, value in before.items():
        conn.cmd("CONFIG", "SET", name, value)


def test_list_max_listpack_size_is_an_int(c):
    for name in ("list-max-listpack-size", "list-max-ziplist-size"):
        for value in ("99999999999", "2147483648", "-2147483649"):
            assert c.cmd("CONFIG", "SET", name, value) == Frame(
                "-", f"ERR CONFIG SET failed (possibly related to argument '{name}') - "
                     "argument must be between -2147483648 and 2147483647 inclusive")
    assert c.cmd("CONFIG", "SET", "list-max-listpack-size", "2147483647") == OK
    assert c.cmd("CONFIG", "SET", "list-max-listpack-size", "-2147483648") == OK
    assert c.cmd("CONFIG", "SET", "list-max-ziplist-size", "x") == Frame(
        "-", "ERR CONFIG SET failed (possibly related to argument 'list-max-ziplist-size') - "
             "argument couldn't be parsed into an integer")


@pytest.mark.parametrize("alias,name", ALIASES.items())
def test_ziplist_names_are_aliases(c, alias, name):
    assert c.cmd("CONFIG", "SET", alias, "7") == OK
    assert config_get(c, name) == {name: "7"}
    assert config_get(c, alias) == {alias: "7"}
    assert c.cmd("CONFIG", "SET", name, "9") == OK
    assert config_get(c, alias, name) == {alias: "9", name: "9"}


def test_patterns_match_aliases_under_their_own_names(c):
    assert set(config_get(c, "*ziplist*")) == set(ALIASES)
    both = config_get(c, "zset-max-*-entries")
    assert set(both) == {"zset-max-ziplist-entries", "zset-max-listpack-entries"}


def test_a_name_and_its_alias_may_be_set_together(c):
    assert c.cmd("CONFIG", "SET", "zset-max-ziplist-entries", "7", "zset-max-listpack-entries", "8") == OK
    assert config_get(c, "zset-max-listpack-entries") == {"zset-max-listpack-entries": "8"}
    assert c.cmd("CONFIG", "SET", "zset-max-ziplist-entries", "7", "zset-max-ziplist-entries", "8") == Frame(
        "-", "ERR CONFIG SET failed (possibly related to argument 'zset-max-ziplist-entries') - duplicate parameter")
