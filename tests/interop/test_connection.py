"""Connection commands: PING ECHO HELLO AUTH SELECT CLIENT RESET QUIT, and
the generic errors every command shares (unknown command, wrong arity)."""

import time

import pytest
import redis

from rawresp import Frame, RawConn, plain

HELLO_KEYS = ["server", "version", "proto", "id", "mode", "role", "modules"]
NO_PASSWORD = (
    "AUTH <password> called without any password configured for the default user. "
    "Are you sure your configuration is correct?"
)
WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled."


def client_fields(line: str) -> dict:
    """Parses one CLIENT LIST/INFO line into a dict."""
    fields = {}
    for part in line.strip().split(" "):
        k, _, v = part.partition("=")
        fields[k] = v
    return fields


# -- PING / ECHO ---------------------------------------------------------


@pytest.mark.parametrize("proto", [2, 3])
def test_ping_replies_pong_status_and_echoes_argument_as_bulk(raw, proto):
    c = raw()
    if proto == 3:
        c.cmd("HELLO", "3")
    assert c.cmd("PING") == Frame("+", "PONG")
    assert c.cmd("PING", "hello world") == Frame("$", b"hello world")
    assert c.cmd("PING", "") == Frame("$", b"")


def test_ping_with_two_arguments_is_an_arity_error(r2):
    with pytest.raises(redis.ResponseError, match=r"^wrong number of arguments for 'ping' command$"):
        r2.execute_command("PING", "a", "b")


def test_redis_py_ping_works_on_both_protocols(r2, r3):
    assert r2.ping() is True
    assert r3.ping() is True


def test_echo_returns_the_argument_as_bulk(raw):
    c = raw()
    assert c.cmd("ECHO", "hi\r\nthere") == Frame("$", b"hi\r\nthere")
    assert c.cmd("ECHO", b"\x00\xff") == Frame("$", b"\x00\xff")
    assert c.cmd("ECHO") == Frame("-", "ERR wrong number of arguments for 'echo' command")


# -- HELLO ---------------------------------------------------------------


def test_hello_3_returns_a_map_in_redis_order(raw, server):
    c = raw()
    reply = c.cmd("HELLO", "3")
    assert reply.kind == "%"
    keys = [plain(k) for k, _ in reply.value]
    assert keys[: len(HELLO_KEYS)] == HELLO_KEYS
    # Hearth adds its own version after Redis's fields (DESIGN.md section 9).
    assert keys[len(HELLO_KEYS):] == ([] if server.is_reference else ["hearth_version"])
    fields = {plain(k): v for k, v in reply.value}
    assert fields["server"] == Frame("$", b"redis")
    assert fields["proto"] == Frame(":", 3)
    assert fields["id"].kind == ":"
    assert fields["mode"] == Frame("$", b"standalone")
    assert fields["role"] == Frame("$", b"master")
    assert fields["modules"] == Frame("*", [])
    if not server.is_reference:
        assert fields["version"] == Frame("$", b"7.4.0")


def test_hello_2_returns_a_flat_array_in_redis_order(raw, server):
    c = raw()
    reply = c.cmd("HELLO", "2")
    assert reply.kind == "*"
    items = reply.value
    keys = [plain(f) for f in items[0::2]]
    assert keys[: len(HELLO_KEYS)] == HELLO_KEYS
    assert keys[len(HELLO_KEYS):] == ([] if server.is_reference else ["hearth_version"])
    values = dict(zip(HELLO_KEYS, items[1::2]))
    assert values["server"] == Frame("$", b"redis")
    assert values["proto"] == Frame(":", 2)
    assert values["modules"] == Frame("*", [])
    if not server.is_reference:
        assert values["version"] == Frame("$", b"7.4.0")


def test_hello_id_matches_client_id(raw):
    c = raw()
    hello = plain(c.cmd("HELLO", "3"))
    assert hello["id"] == c.call("CLIENT", "ID")


def test_hello_without_version_reports_current_protocol(raw):
    c = raw()
    reply = c.cmd("HELLO")
    assert reply.kind == "*"
    assert plain(reply)[5] == 2
    c.cmd("HELLO", "3")
    reply = c.cmd("HELLO")
    assert reply.kind == "%"
    assert plain(reply)["proto"] == 3


def test_hello_rejects_unsupported_versions(raw):
    c = raw()
    assert c.cmd("HELLO", "4") == Frame("-", "NOPROTO unsupported protocol version")
    assert c.cmd("HELLO", "1") == Frame("-", "NOPROTO unsupported protocol version")
    assert c.cmd("HELLO", "foo") == Frame("-", "ERR Protocol version is not an integer or out of range")
    # The failed HELLO left the protocol alone.
    assert c.cmd("HELLO").kind == "*"


def test_hello_setname_names_the_connection(raw):
    c = raw()
    assert c.cmd("HELLO", "3", "SETNAME", "worker-1").kind == "%"
    assert c.cmd("CLIENT", "GETNAME") == Frame("$", b"worker-1")
    bad = c.cmd("HELLO", "3", "SETNAME", "a b")
    assert bad == Frame("-", "ERR Client names cannot contain spaces, newlines or special characters.")


def test_hello_auth_without_credentials_is_a_syntax_error(raw):
    c = raw()
    # The option is echoed as the client spelled it.
    assert c.cmd("HELLO", "3", "AUTH") == Frame("-", "ERR Syntax error in HELLO option 'AUTH'")
    assert c.cmd("HELLO", "3", "auth", "x") == Frame("-", "ERR Syntax error in HELLO option 'auth'")


def test_hello_auth_and_auth_with_requirepass(start_server):
    s = start_server("--requirepass", "s3cret")
    c = RawConn(s.port)
    try:
        assert c.cmd("GET", "a") == Frame("-", "NOAUTH Authentication required.")
        assert c.cmd("PING") == Frame("-", "NOAUTH Authentication required.")
        hello = c.cmd("HELLO", "3")
        assert hello.kind == "-" and hello.value.startswith("NOAUTH HELLO must be called with the client already authenticated")
        assert c.cmd("AUTH", "wrong") == Frame("-", WRONGPASS)
        assert c.cmd("HELLO", "3", "AUTH", "default", "wrong") == Frame("-", WRONGPASS)
        reply = c.cmd("HELLO", "3", "AUTH", "default", "s3cret")
        assert reply.kind == "%"
        assert plain(reply)["proto"] == 3
        assert c.cmd("GET", "a") == Frame("_", None)
    finally:
        c.close()
    c = RawConn(s.port)
    try:
        assert c.cmd("AUTH", "s3cret") == Frame("+", "OK")
        assert c.cmd("PING") == Frame("+", "PONG")
        assert c.cmd("AUTH", "default", "s3cret") == Frame("+", "OK")
    finally:
        c.close()


def test_redis_py_password_option_authenticates(start_server, client):
    s = start_server("--requirepass", "s3cret")
    assert client(3, port=s.port, password="s3cret").ping()
    with pytest.raises(redis.AuthenticationError):
        client(2, port=s.port, password="nope").ping()


# -- AUTH without a password -----------------------------------------------


def test_auth_without_configured_password_errors(raw):
    c = raw()
    assert c.cmd("AUTH", "x") == Frame("-", f"ERR {NO_PASSWORD}")
    assert c.cmd("AUTH", "someone", "x") == Frame("-", WRONGPASS)
    assert c.cmd("AUTH") == Frame("-", "ERR wrong number of arguments for 'auth' command")


def test_auth_default_user_with_any_password_succeeds_when_nopass(raw):
    # The default user has `nopass`: any password is accepted for it.
    c = raw()
    assert c.cmd("AUTH", "default", "whatever") == Frame("+", "OK")
    assert c.cmd("HELLO", "2", "AUTH", "default", "x").kind == "*"


# -- SELECT ------------------------------------------------------------------


def test_select_every_db_and_dbs_are_isolated(r2):
    for db in range(16):
        assert r2.execute_command("SELECT", db) is True
        r2.set("k", f"v{db}")
    for db in range(16):
        r2.execute_command("SELECT", db)
        assert r2.get("k") == f"v{db}"
        assert r2.dbsize() == 1


@pytest.mark.parametrize("index", ["16", "-1", "100000"])
def test_select_out_of_range(raw, index):
    assert raw().cmd("SELECT", index) == Frame("-", "ERR DB index is out of range")


@pytest.mark.parametrize("index", ["x", "1.5", ""])
def test_select_not_an_integer(raw, index):
    assert raw().cmd("SELECT", index) == Frame("-", "ERR value is not an integer or out of range")


# -- CLIENT --------------------------------------------------------------------


def test_client_id_is_an_integer_distinct_per_connection(raw):
    a, b = raw(), raw()
    ida, idb = a.cmd("CLIENT", "ID"), b.cmd("CLIENT", "ID")
    assert ida.kind == ":" and idb.kind == ":"
    assert idb.value > ida.value
    assert a.cmd("CLIENT", "ID") == ida
    assert a.cmd("CLIENT", "ID", "x") == Frame("-", "ERR wrong number of arguments for 'client|id' command")


def test_client_setname_getname(raw):
    c = raw()
    assert c.cmd("CLIENT", "GETNAME") == Frame("$", None)
    assert c.cmd("CLIENT", "SETNAME", "conn-1") == Frame("+", "OK")
    assert c.cmd("CLIENT", "GETNAME") == Frame("$", b"conn-1")
    err = Frame("-", "ERR Client names cannot contain spaces, newlines or special characters.")
    assert c.cmd("CLIENT", "SETNAME", "a b") == err
    assert c.cmd("CLIENT", "SETNAME", "a\nb") == err
    assert c.cmd("CLIENT", "GETNAME") == Frame("$", b"conn-1")
    assert c.cmd("CLIENT", "SETNAME", "") == Frame("+", "OK")
    assert c.cmd("CLIENT", "GETNAME") == Frame("$", None)


def test_client_getname_resp3_null(raw):
    c = raw()
    c.cmd("HELLO", "3")
    assert c.cmd("CLIENT", "GETNAME") == Frame("_", None)


def test_client_info_fields(raw):
    c = raw()
    cid = c.call("CLIENT", "ID")
    c.cmd("CLIENT", "SETNAME", "me")
    c.cmd("SELECT", "3")
    reply = c.cmd("CLIENT", "INFO")
    assert reply.kind == "$"
    text = reply.value.decode()
    assert text.endswith("\n") and text.count("\n") == 1
    f = client_fields(text)
    for key in ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub",
                "ssub", "multi", "qbuf", "omem", "tot-mem", "events", "cmd", "user", "redir", "resp"]:
        assert key in f, f"CLIENT INFO lacks {key}=: {text!r}"
    assert f["id"] == str(cid)
    assert f["name"] == "me"
    assert f["db"] == "3"
    assert f["flags"] == "N"
    assert f["multi"] == "-1"
    assert f["cmd"] == "client|info"
    assert f["user"] == "default"
    assert f["resp"] == "2"
    assert f["laddr"].endswith(f":{c.sock.getpeername()[1]}")
    assert f["addr"] == "%s:%d" % c.sock.getsockname()


def test_client_info_is_verbatim_in_resp3(raw):
    c = raw()
    c.cmd("HELLO", "3")
    reply = c.cmd("CLIENT", "INFO")
    assert reply.kind == "="
    assert client_fields(reply.value.decode())["resp"] == "3"


@pytest.mark.redis74
def test_client_info_has_lib_and_watch_fields(raw):
    c = raw()
    assert c.cmd("CLIENT", "SETINFO", "LIB-NAME", "mylib") == Frame("+", "OK")
    assert c.cmd("CLIENT", "SETINFO", "lib-ver", "1.2.3") == Frame("+", "OK")
    c.cmd("WATCH", "a", "b")
    f = client_fields(c.call("CLIENT", "INFO"))
    assert f["lib-name"] == "mylib"
    assert f["lib-ver"] == "1.2.3"
    assert f["watch"] == "2"


@pytest.mark.redis74
def test_client_setinfo_errors(raw):
    c = raw()
    assert c.cmd("CLIENT", "SETINFO", "foo", "x") == Frame("-", "ERR Unrecognized option 'foo'")
    assert c.cmd("CLIENT", "SETINFO", "lib-name", "a b") == Frame(
        "-", "ERR lib-name cannot contain spaces, newlines or special characters."
    )
    assert c.cmd("CLIENT", "SETINFO", "lib-name") == Frame(
        "-", "ERR wrong number of arguments for 'client|setinfo' command"
    )


def test_client_list_shows_every_connection(raw):
    a, b = raw(), raw()
    a.cmd("CLIENT", "SETNAME", "alpha")
    b.cmd("CLIENT", "SETNAME", "beta")
    b.cmd("HELLO", "3")
    text = a.call("CLIENT", "LIST")
    lines = [client_fields(l) for l in text.strip().split("\n")]
    by_name = {f["name"]: f for f in lines}
    assert by_name["alpha"]["id"] == str(a.call("CLIENT", "ID"))
    assert by_name["alpha"]["cmd"] == "client|list"
    assert by_name["beta"]["resp"] == "3"
    assert by_name["beta"]["cmd"] == "hello"


def test_client_list_filters(raw):
    a, b = raw(), raw()
    ida, idb = a.call("CLIENT", "ID"), b.call("CLIENT", "ID")
    only_b = a.call("CLIENT", "LIST", "ID", str(idb))
    assert [client_fields(l)["id"] for l in only_b.strip().split("\n")] == [str(idb)]
    both = a.call("CLIENT", "LIST", "ID", str(ida), str(idb), "999999")
    assert sorted(client_fields(l)["id"] for l in both.strip().split("\n")) == sorted([str(ida), str(idb)])
    assert a.call("CLIENT", "LIST", "ID", "999999") == ""
    normal = a.call("CLIENT", "LIST", "TYPE", "normal")
    assert str(ida) in [client_fields(l)["id"] for l in normal.strip().split("\n")]
    assert a.call("CLIENT", "LIST", "TYPE", "pubsub") == ""
    assert a.cmd("CLIENT", "LIST", "TYPE", "foo") == Frame("-", "ERR Unknown client type 'foo'")


def test_client_list_shows_pubsub_and_multi_state(raw):
    a, b, c = raw(), raw(), raw()
    b.cmd("SUBSCRIBE", "ch1", "ch2")
    b.read()  # the second confirmation
    b.cmd("PSUBSCRIBE", "p*")
    lines = [client_fields(l) for l in a.call("CLIENT", "LIST", "TYPE", "pubsub").strip().split("\n")]
    assert len(lines) == 1
    assert lines[0]["sub"] == "2" and lines[0]["psub"] == "1"
    assert "P" in lines[0]["flags"]
    idc = c.call("CLIENT", "ID")
    c.cmd("MULTI")
    c.cmd("PING")
    c.cmd("PING")
    f = client_fields(a.call("CLIENT", "LIST", "ID", str(idc)))
    assert f["multi"] == "2"
    assert "x" in f["flags"]
    c.cmd("EXEC")
    assert client_fields(a.call("CLIENT", "LIST", "ID", str(idc)))["multi"] == "-1"


def test_client_kill_by_id_closes_the_connection(raw):
    a, b = raw(), raw()
    idb = b.call("CLIENT", "ID")
    assert a.cmd("CLIENT", "KILL", "ID", str(idb)) == Frame(":", 1)
    assert b.is_closed()
    assert a.cmd("CLIENT", "KILL", "ID", str(idb)) == Frame(":", 0)
    assert a.cmd("CLIENT", "KILL", "ID", "abc") == Frame("-", "ERR client-id should be greater than 0")


def test_client_kill_by_address(raw):
    a, b = raw(), raw()
    # A connection exists for the server once it has been accepted; a
    # round trip guarantees that (the kernel may complete the handshake
    # before the server's accept loop runs).
    assert b.cmd("PING") == Frame("+", "PONG")
    addr = "%s:%d" % b.sock.getsockname()
    assert a.cmd("CLIENT", "KILL", addr) == Frame("+", "OK")
    assert b.is_closed()
    assert a.cmd("CLIENT", "KILL", addr) == Frame("-", "ERR No such client")
    c = raw()
    assert c.cmd("PING") == Frame("+", "PONG")
    addr = "%s:%d" % c.sock.getsockname()
    assert a.cmd("CLIENT", "KILL", "ADDR", addr) == Frame(":", 1)
    assert c.is_closed()


def test_client_kill_skipme(raw):
    a, b = raw(), raw()
    ida = a.call("CLIENT", "ID")
    # Filters combine with AND; SKIPME defaults to yes.
    assert a.cmd("CLIENT", "KILL", "ID", str(ida)) == Frame(":", 0)
    assert a.cmd("CLIENT", "KILL", "ID", str(ida), "SKIPME", "no") == Frame(":", 1)
    assert a.is_closed()
    assert b.cmd("PING") == Frame("+", "PONG")


def test_client_kill_syntax_errors(raw):
    c = raw()
    assert c.cmd("CLIENT", "KILL") == Frame("-", "ERR wrong number of arguments for 'client|kill' command")
    assert c.cmd("CLIENT", "KILL", "ID", "1", "FOO", "bar") == Frame("-", "ERR syntax error")
    assert c.cmd("CLIENT", "KILL", "ID", "1", "SKIPME", "maybe") == Frame("-", "ERR syntax error")


def test_client_reply_off_on_skip(raw):
    c = raw()
    c.send_cmd("CLIENT", "REPLY", "OFF")
    c.send_cmd("SET", "a", "1")
    c.send_cmd("INCR", "a")
    c.assert_no_reply()
    assert c.cmd("CLIENT", "REPLY", "ON") == Frame("+", "OK")
    assert c.cmd("GET", "a") == Frame("$", b"2")
    c.send_cmd("CLIENT", "REPLY", "SKIP")
    c.send_cmd("INCR", "a")
    assert c.cmd("GET", "a") == Frame("$", b"3")
    assert c.cmd("CLIENT", "REPLY", "maybe") == Frame("-", "ERR syntax error")


def test_client_no_evict(raw):
    c = raw()
    assert c.cmd("CLIENT", "NO-EVICT", "on") == Frame("+", "OK")
    assert "e" in client_fields(c.call("CLIENT", "INFO"))["flags"]
    assert c.cmd("CLIENT", "NO-EVICT", "OFF") == Frame("+", "OK")
    assert client_fields(c.call("CLIENT", "INFO"))["flags"] == "N"
    assert c.cmd("CLIENT", "NO-EVICT", "maybe") == Frame("-", "ERR syntax error")


@pytest.mark.redis74
def test_client_no_touch(raw):
    c = raw()
    assert c.cmd("CLIENT", "NO-TOUCH", "on") == Frame("+", "OK")
    assert "T" in client_fields(c.call("CLIENT", "INFO"))["flags"]
    assert c.cmd("CLIENT", "NO-TOUCH", "off") == Frame("+", "OK")
    assert c.cmd("CLIENT", "NO-TOUCH", "maybe") == Frame("-", "ERR syntax error")


@pytest.mark.redis74
def test_client_no_touch_keeps_idle_time(r2, client):
    # Redis 7.2+: a NO-TOUCH client's reads do not reset the LRU clock.
    r2.set("k", "v")
    watcher = client(2)
    watcher.execute_command("CLIENT", "NO-TOUCH", "on")
    time.sleep(1.1)
    watcher.get("k")
    assert r2.object("idletime", "k") >= 1
    r2.get("k")
    assert r2.object("idletime", "k") == 0


def test_client_unknown_subcommand(raw):
    assert raw().cmd("CLIENT", "FOO") == Frame("-", "ERR unknown subcommand 'FOO'. Try CLIENT HELP.")


def test_client_help_lists_subcommands(r2):
    lines = r2.execute_command("CLIENT", "HELP")
    assert isinstance(lines, list) and len(lines) > 5
    assert lines[0].startswith("CLIENT <subcommand>")


# -- RESET / QUIT --------------------------------------------------------------


def test_reset_restores_connection_defaults(raw):
    c = raw()
    c.cmd("HELLO", "3")
    c.cmd("SELECT", "5")
    c.cmd("CLIENT", "SETNAME", "temp")
    c.cmd("MULTI")
    assert c.cmd("SET", "x", "1") == Frame("+", "QUEUED")
    assert c.cmd("RESET") == Frame("+", "RESET")
    f = client_fields(c.call("CLIENT", "INFO"))
    assert f["db"] == "0"
    assert f["name"] == ""
    assert f["resp"] == "2"
    assert f["multi"] == "-1"
    # The queued SET was discarded, not executed.
    assert c.cmd("EXISTS", "x") == Frame(":", 0)
    c.cmd("SELECT", "5")
    assert c.cmd("EXISTS", "x") == Frame(":", 0)


def test_reset_leaves_subscribed_mode(raw):
    c = raw()
    c.cmd("SUBSCRIBE", "ch")
    assert c.cmd("RESET") == Frame("+", "RESET")
    assert c.cmd("GET", "a") == Frame("$", None)
    assert plain(c.cmd("PUBSUB", "NUMSUB", "ch")) == ["ch", 0]


def test_reset_clears_watch(raw):
    a, b = raw(), raw()
    a.cmd("WATCH", "k")
    a.cmd("RESET")
    b.cmd("SET", "k", "changed")
    a.cmd("MULTI")
    a.cmd("SET", "k", "mine")
    assert a.cmd("EXEC") == Frame("*", [Frame("+", "OK")])


def test_quit_replies_ok_and_closes(raw):
    c = raw()
    assert c.cmd("QUIT") == Frame("+", "OK")
    assert c.is_closed()


# -- errors shared by all commands ----------------------------------------------


def test_unknown_command_error_has_trailing_space(raw):
    c = raw()
    assert c.cmd("FOO", "a", "b") == Frame(
        "-", "ERR unknown command 'FOO', with args beginning with: 'a' 'b' "
    )
    assert c.cmd("foo") == Frame("-", "ERR unknown command 'foo', with args beginning with: ")


def test_unknown_command_error_via_redis_py(r2):
    with pytest.raises(redis.ResponseError) as e:
        r2.execute_command("NOSUCHCMD", "x")
    assert str(e.value) == "unknown command 'NOSUCHCMD', with args beginning with: 'x' "


@pytest.mark.parametrize(
    "args,name",
    [
        (["GET"], "get"),
        (["GET", "a", "b"], "get"),
        (["GeT"], "get"),
        (["SET", "a"], "set"),
        (["MGET"], "mget"),
        (["MSET", "a"], "mset"),
        (["MSET", "a", "1", "b"], "mset"),
        (["EXPIRE", "a"], "expire"),
        (["SELECT"], "select"),
        (["INCRBY", "a"], "incrby"),
    ],
)
def test_wrong_arity_error_names_the_command_in_lowercase(raw, args, name):
    assert raw().cmd(*args) == Frame("-", f"ERR wrong number of arguments for '{name}' command")


def test_connection_survives_errors(raw):
    c = raw()
    c.cmd("NOSUCHCMD")
    c.cmd("GET")
    assert c.cmd("PING") == Frame("+", "PONG")
