"""Server commands: INFO CONFIG COMMAND TIME DEBUG LASTSAVE SLOWLOG FUNCTION
DBSIZE SHUTDOWN, and EVAL being absent (Hearth has no scripting yet)."""

import re
import time

import pytest

from rawresp import Frame, RawConn, plain


def info_fields(text: str) -> dict:
    fields = {}
    for line in text.split("\r\n"):
        if line and not line.startswith("#") and ":" in line:
            k, _, v = line.partition(":")
            fields[k] = v
    return fields


def info_sections(text: str) -> list:
    return [line[2:] for line in text.split("\r\n") if line.startswith("# ")]


@pytest.fixture
def c(raw):
    return raw()


@pytest.fixture
def restore_config(c):
    """Remembers config values a test changes and restores them."""
    saved = {}

    def remember(*names):
        for name in names:
            saved[name] = plain(c.cmd("CONFIG", "GET", name))[1]

    yield remember
    for name, value in saved.items():
        c.cmd("CONFIG", "SET", name, value)


# -- INFO -------------------------------------------------------------------------------


def test_info_default_sections(c, server):
    reply = c.cmd("INFO")
    assert reply.kind == "$"
    text = reply.value.decode()
    sections = info_sections(text)
    for name in ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Keyspace"]:
        assert name in sections, f"INFO lacks # {name}: {sections}"
    f = info_fields(text)
    assert f["redis_mode"] == "standalone"
    assert f["role"] == "master"
    assert f["tcp_port"] == str(server.port)
    assert int(f["process_id"]) == server.proc.pid
    assert int(f["connected_clients"]) >= 1
    assert int(f["used_memory"]) > 0
    assert "total_commands_processed" in f
    assert "uptime_in_seconds" in f
    assert text.endswith("\r\n")


def test_info_server_version(c, server):
    f = info_fields(c.call("INFO", "server"))
    if server.is_reference:
        assert re.fullmatch(r"\d+\.\d+\.\d+", f["redis_version"])
        assert "hearth_version" not in f
    else:
        assert f["redis_version"] == "7.4.0"
        assert re.fullmatch(r"\d+\.\d+\.\d+.*", f["hearth_version"]), f


def test_info_single_and_multiple_sections(c):
    assert info_sections(c.call("INFO", "server")) == ["Server"]
    assert info_sections(c.call("INFO", "SERVER", "clients")) == ["Server", "Clients"]
    assert c.call("INFO", "nosuchsection") == ""


def test_info_all_includes_commandstats(c):
    c.cmd("SET", "a", "1")
    text = c.call("INFO", "all")
    assert "Commandstats" in info_sections(text)
    assert re.search(r"^cmdstat_set:calls=\d+,usec=\d+,usec_per_call=[\d.]+", text, re.M)


def test_commandstats_count_every_pipelined_command_exactly(client):
    """Counts are gathered per batch: a pipeline's commands are counted by
    the INFO at its end, and by another connection once the replies came."""
    r, other = client(), client()
    other.ping()  # connected (redis-py's CLIENT SETINFO) before the reset
    r.config_resetstat()
    pipe = r.pipeline(transaction=False)
    for i in range(5):
        pipe.get(f"k{i}")
    pipe.set("k", "v")
    pipe.info("commandstats")
    *_, stats = pipe.execute()
    assert stats["cmdstat_get"]["calls"] == 5
    assert stats["cmdstat_set"]["calls"] == 1
    assert stats["cmdstat_config|resetstat"]["calls"] == 1
    seen = other.info("commandstats")
    assert seen["cmdstat_get"]["calls"] == 5
    assert seen["cmdstat_info"]["calls"] == 1
    total = int(other.info("stats")["total_commands_processed"])
    # resetstat, 5 GETs, SET, the pipeline's INFO, this connection's INFO.
    assert total == 9


def test_info_keyspace_line_format(c, server):
    assert c.call("INFO", "keyspace") == "# Keyspace\r\n\r\n" or c.call("INFO", "keyspace").startswith("# Keyspace\r\n")
    c.cmd("SET", "a", "1")
    c.cmd("SET", "b", "2", "EX", "1000")
    c.cmd("SELECT", "3")
    c.cmd("SET", "c", "1")
    lines = [l for l in c.call("INFO", "keyspace").split("\r\n") if l.startswith("db")]
    if server.is_reference and server.version < (7, 4):
        pattern = r"db(\d+):keys=(\d+),expires=(\d+),avg_ttl=(\d+)"
    else:
        pattern = r"db(\d+):keys=(\d+),expires=(\d+),avg_ttl=(\d+),subexpiry=0"
    parsed = [re.fullmatch(pattern, l) for l in lines]
    assert all(parsed), lines
    by_db = {m.group(1): m for m in parsed}
    assert sorted(by_db) == ["0", "3"]
    assert by_db["0"].group(2, 3) == ("2", "1")
    assert by_db["3"].group(2, 3, 4) == ("1", "0", "0")


def test_info_is_verbatim_in_resp3(raw):
    c3 = raw()
    c3.cmd("HELLO", "3")
    reply = c3.cmd("INFO", "server")
    assert reply.kind == "="
    assert reply.value.decode().startswith("# Server\r\n")


def test_info_stats_count_keyspace_hits(c):
    c.cmd("CONFIG", "RESETSTAT")
    c.cmd("SET", "a", "1")
    c.cmd("GET", "a")
    c.cmd("GET", "a")
    c.cmd("GET", "missing")
    f = info_fields(c.call("INFO", "stats"))
    assert f["keyspace_hits"] == "2"
    assert f["keyspace_misses"] == "1"


def test_redis_py_info(r2, r3):
    assert r2.info("server")["redis_mode"] == "standalone"
    assert "connected_clients" in r3.info()


# -- CONFIG -------------------------------------------------------------------------------


def test_config_get_glob(c, raw):
    pairs = plain(c.cmd("CONFIG", "GET", "maxmemory*"))
    got = dict(zip(pairs[::2], pairs[1::2]))
    assert {"maxmemory", "maxmemory-policy", "maxmemory-samples"} <= set(got)
    assert got["maxmemory"] == "0"
    assert got["maxmemory-policy"] == "noeviction"
    assert all(k.startswith("maxmemory") for k in got)
    assert plain(c.cmd("CONFIG", "GET", "nope")) == []
    pairs = plain(c.cmd("CONFIG", "GET", "maxmemory", "timeout"))
    assert dict(zip(pairs[::2], pairs[1::2])) == {"maxmemory": "0", "timeout": "0"}
    c3 = raw()
    c3.cmd("HELLO", "3")
    reply = c3.cmd("CONFIG", "GET", "maxmemory")
    assert reply == Frame("%", [(Frame("$", b"maxmemory"), Frame("$", b"0"))])


def test_config_get_port_and_databases(c, server):
    assert plain(c.cmd("CONFIG", "GET", "port")) == ["port", str(server.port)]
    assert plain(c.cmd("CONFIG", "GET", "databases")) == ["databases", "16"]


def test_config_set_several_pairs(c, restore_config):
    restore_config("maxmemory", "timeout")
    assert c.cmd("CONFIG", "SET", "maxmemory", "10mb", "timeout", "5") == Frame("+", "OK")
    assert plain(c.cmd("CONFIG", "GET", "maxmemory")) == ["maxmemory", "10485760"]
    assert plain(c.cmd("CONFIG", "GET", "timeout")) == ["timeout", "5"]


def test_config_set_is_atomic(c, restore_config):
    restore_config("maxmemory", "timeout")
    reply = c.cmd("CONFIG", "SET", "maxmemory", "1mb", "timeout", "-1")
    assert reply.kind == "-"
    assert plain(c.cmd("CONFIG", "GET", "maxmemory")) == ["maxmemory", "0"]


@pytest.mark.parametrize("args,text", [
    (["maxmemory", "abc"],
     "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"),
    (["timeout", "-1"],
     "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive"),
    (["maxmemory-policy", "foo"],
     "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: "
     "volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"),
    (["databases", "4"],
     "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"),
    (["maxmemory", "1", "maxmemory", "2"],
     "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter"),
    (["nope", "1"], "ERR Unknown option or number of arguments for CONFIG SET - 'nope'"),
])
def test_config_set_errors(c, args, text):
    assert c.cmd("CONFIG", "SET", *args) == Frame("-", text)


def test_config_errors(c):
    assert c.cmd("CONFIG", "FOO") == Frame("-", "ERR unknown subcommand 'FOO'. Try CONFIG HELP.")
    assert c.cmd("CONFIG", "GET") == Frame("-", "ERR wrong number of arguments for 'config|get' command")
    assert c.cmd("CONFIG", "SET", "maxmemory") == Frame("-", "ERR wrong number of arguments for 'config|set' command")


def test_config_set_memory_units(c, restore_config):
    restore_config("maxmemory")
    for value, expected in [("1gb", "1073741824"), ("100mb", "104857600"), ("1k", "1000"), ("1kb", "1024"), ("0", "0")]:
        assert c.cmd("CONFIG", "SET", "maxmemory", value) == Frame("+", "OK")
        assert plain(c.cmd("CONFIG", "GET", "maxmemory"))[1] == expected


def test_config_resetstat(c):
    c.cmd("GET", "missing")
    assert c.cmd("CONFIG", "RESETSTAT") == Frame("+", "OK")
    f = info_fields(c.call("INFO", "stats"))
    assert f["keyspace_misses"] == "0"
    assert f["keyspace_hits"] == "0"


# -- COMMAND ------------------------------------------------------------------------------


def test_command_count_matches_list_and_table(c):
    count = c.cmd("COMMAND", "COUNT")
    assert count.kind == ":" and count.value > 50
    names = plain(c.cmd("COMMAND", "LIST"))
    assert len(set(names)) == len(names)
    # COMMAND LIST also names subcommands (`config|get`); COUNT does not.
    assert len([n for n in names if "|" not in n]) == count.value
    assert all(n.split("|")[0] in names for n in names)
    for name in ["get", "set", "del", "multi", "exec", "subscribe", "publish", "command", "config", "client"]:
        assert name in names
    table = c.cmd("COMMAND")
    assert len(table.value) == count.value


def test_command_list_filterby_pattern(c):
    names = plain(c.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "get*"))
    assert {"get", "getset", "getdel", "getex", "getrange"} <= set(names)
    assert all(n.startswith("get") for n in names)


def test_command_info(c):
    reply = plain(c.cmd("COMMAND", "INFO", "get", "set", "nope"))
    assert len(reply) == 3
    get, set_, nope = reply
    assert get[:2] == ["get", 2]
    assert "readonly" in get[2] and "fast" in get[2]
    assert get[3:6] == [1, 1, 1]
    assert set_[:2] == ["set", -3]
    assert "write" in set_[2]
    assert set_[3:6] == [1, 1, 1]
    assert nope is None


def test_command_info_mset_key_positions(c):
    mset = plain(c.cmd("COMMAND", "INFO", "mset"))[0]
    assert mset[:2] == ["mset", -3]
    assert mset[3:6] == [1, -1, 2]


def test_command_docs(c, raw):
    reply = plain(c.cmd("COMMAND", "DOCS", "get"))
    assert reply[0] == "get"
    doc = dict(zip(reply[1][::2], reply[1][1::2]))
    assert doc["group"] == "string"
    assert doc["summary"]
    c3 = raw()
    c3.cmd("HELLO", "3")
    reply = c3.cmd("COMMAND", "DOCS", "get")
    assert reply.kind == "%"
    assert plain(reply)["get"]["group"] == "string"


def test_command_getkeys(c):
    assert plain(c.cmd("COMMAND", "GETKEYS", "set", "a", "b")) == ["a"]
    assert plain(c.cmd("COMMAND", "GETKEYS", "mset", "a", "1", "b", "2")) == ["a", "b"]
    assert plain(c.cmd("COMMAND", "GETKEYS", "del", "x", "y", "z")) == ["x", "y", "z"]
    assert c.cmd("COMMAND", "GETKEYS", "nope", "a") == Frame("-", "ERR Invalid command specified")


def test_redis_py_command_helpers(r2):
    assert r2.command_count() > 50
    assert "get" in r2.command_list()


# -- TIME DEBUG LASTSAVE --------------------------------------------------------------------


def test_time(c):
    reply = c.cmd("TIME")
    assert reply.kind == "*" and [f.kind for f in reply.value] == ["$", "$"]
    secs, micros = (int(f.value) for f in reply.value)
    assert abs(secs - time.time()) < 5
    assert 0 <= micros < 1_000_000


def test_debug_sleep_zero(c):
    assert c.cmd("DEBUG", "SLEEP", "0") == Frame("+", "OK")
    started = time.monotonic()
    assert c.cmd("DEBUG", "SLEEP", "0.2") == Frame("+", "OK")
    assert time.monotonic() - started >= 0.19


@pytest.mark.hearth_only  # Redis's conversion of these is undefined behaviour
@pytest.mark.parametrize("secs", ["inf", "1e400", "1e20"])
def test_debug_sleep_past_what_a_clock_holds_is_refused(c, secs):
    assert c.cmd("DEBUG", "SLEEP", secs) == Frame("-", "ERR value is out of range")
    assert c.cmd("PING") == Frame("+", "PONG")


def test_debug_set_active_expire(c, server):
    assert c.cmd("DEBUG", "SET-ACTIVE-EXPIRE", "0") == Frame("+", "OK")
    try:
        c.cmd("SET", "k", "v", "PX", "50")
        time.sleep(0.3)
        # Without the active cycle the key lingers in memory until touched:
        # Redis still counts it in DBSIZE; Hearth never counts an expired key.
        before = int(info_fields(c.call("INFO", "stats"))["expired_keys"])
        lingering = 0 if server.kind == "hearth" else 1
        assert c.cmd("DBSIZE") == Frame(":", lingering)
        assert int(info_fields(c.call("INFO", "stats"))["expired_keys"]) == before
        assert c.cmd("GET", "k") == Frame("$", None)
        assert c.cmd("DBSIZE") == Frame(":", 0)
        assert int(info_fields(c.call("INFO", "stats"))["expired_keys"]) == before + 1
    finally:
        assert c.cmd("DEBUG", "SET-ACTIVE-EXPIRE", "1") == Frame("+", "OK")


def test_active_expiry_removes_untouched_keys(c):
    before = int(info_fields(c.call("INFO", "stats"))["expired_keys"])
    for i in range(50):
        c.cmd("SET", f"k{i}", "v", "PX", "50")
    c.cmd("SET", "stay", "v")
    deadline = time.monotonic() + 3
    while int(info_fields(c.call("INFO", "stats"))["expired_keys"]) < before + 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert c.cmd("DBSIZE") == Frame(":", 1)
    assert int(info_fields(c.call("INFO", "stats"))["expired_keys"]) >= before + 50


def test_lastsave(c):
    reply = c.cmd("LASTSAVE")
    assert reply.kind == ":"
    assert reply.value <= time.time() + 1


# -- SLOWLOG ------------------------------------------------------------------------------


def test_slowlog(c, restore_config):
    restore_config("slowlog-log-slower-than")
    assert c.cmd("SLOWLOG", "RESET") == Frame("+", "OK")
    assert c.cmd("SLOWLOG", "LEN") == Frame(":", 0)
    assert c.cmd("SLOWLOG", "GET") == Frame("*", [])
    c.cmd("CONFIG", "SET", "slowlog-log-slower-than", "0")
    c.cmd("CLIENT", "SETNAME", "slowpoke")
    c.cmd("SET", "a", "1")
    c.cmd("CONFIG", "SET", "slowlog-log-slower-than", "-1")
    assert c.cmd("SLOWLOG", "LEN").value >= 2
    entries = plain(c.cmd("SLOWLOG", "GET", "10"))
    newest = [e for e in entries if e[3][0].lower() == "set"][0]
    assert len(newest) == 6
    entry_id, when, micros, args, addr, name = newest
    assert isinstance(entry_id, int) and isinstance(micros, int)
    assert abs(when - time.time()) < 10
    assert args == ["SET", "a", "1"]
    assert addr == "%s:%d" % c.sock.getsockname()
    assert name == "slowpoke"
    assert len(plain(c.cmd("SLOWLOG", "GET", "1"))) == 1
    assert c.cmd("SLOWLOG", "RESET") == Frame("+", "OK")
    assert c.cmd("SLOWLOG", "LEN") == Frame(":", 0)
    assert c.cmd("SLOWLOG", "FOO") == Frame("-", "ERR unknown subcommand 'FOO'. Try SLOWLOG HELP.")


# -- FUNCTION / EVAL --------------------------------------------------------------------------


def test_function_list_is_empty(c):
    assert c.cmd("FUNCTION", "LIST") == Frame("*", [])


@pytest.mark.hearth_only
def test_eval_is_an_unknown_command(c):
    assert c.cmd("EVAL", "return 1", "0") == Frame(
        "-", "ERR unknown command 'EVAL', with args beginning with: 'return 1' '0' "
    )


# -- DBSIZE / SHUTDOWN ----------------------------------------------------------------------


def test_dbsize(c):
    assert c.cmd("DBSIZE") == Frame(":", 0)
    c.cmd("MSET", "a", "1", "b", "2")
    assert c.cmd("DBSIZE") == Frame(":", 2)


@pytest.mark.parametrize("args", [[], ["NOSAVE"]])
def test_shutdown_stops_the_server(start_server, args):
    s = start_server()
    c = RawConn(s.port)
    c.cmd("SET", "k", "v")
    c.send_cmd("SHUTDOWN", *args)
    assert c.is_closed(wait=10), "SHUTDOWN must close the connection"
    assert c.buf == b"", f"SHUTDOWN sends no reply on success, got {c.buf!r}"
    s.proc.wait(timeout=10)
    assert s.proc.returncode == 0
    with pytest.raises(ConnectionRefusedError):
        RawConn(s.port)


def test_shutdown_abort_without_shutdown_in_progress(c):
    assert c.cmd("SHUTDOWN", "ABORT") == Frame("-", "ERR No shutdown in progress.")


def test_sigterm_stops_the_server_cleanly(start_server):
    s = start_server()
    assert s.stop() == 0
    assert "ready to exit" in s.log().lower() or "bye" in s.log().lower(), s.log()[-2000:]
