"""The wire protocol itself, over raw sockets: empty and null multibulks,
inline commands, protocol errors, bulk length limits, pipelining and
fragmented input."""

import socket
import time

import pytest

from rawresp import Frame, RawConn, encode, plain

PONG = b"+PONG\r\n"


def exchange(port, data: bytes, wait: float = 0.3):
    """Sends `data`, returns (everything received within `wait`, closed?)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    try:
        s.sendall(data)
        out, closed = b"", False
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            out += chunk
        return out, closed
    finally:
        s.close()


def protocol_error(port, data: bytes, expected: str):
    out, closed = exchange(port, data, wait=2.0)
    assert out.endswith(f"-ERR Protocol error: {expected}\r\n".encode()), out
    assert closed, "the server must close the connection after a protocol error"
    return out


# -- empty and null frames ------------------------------------------------------------


def test_empty_and_null_multibulk_are_ignored(server):
    out, closed = exchange(server.port, b"*0\r\n*-1\r\n*-5\r\nPING\r\n")
    assert out == PONG
    assert not closed


def test_empty_multibulk_alone_gets_no_reply(raw):
    c = raw()
    c.send(b"*0\r\n")
    c.assert_no_reply()
    c.send(b"*-1\r\n")
    c.assert_no_reply()
    assert c.cmd("PING") == Frame("+", "PONG")


# -- inline commands --------------------------------------------------------------------------


def test_inline_ping(server):
    assert exchange(server.port, b"PING\r\n")[0] == PONG
    assert exchange(server.port, b"PING\n")[0] == PONG
    assert exchange(server.port, b"  PING   hi  \r\n")[0] == b"$2\r\nhi\r\n"


def test_inline_quoting(server):
    out, _ = exchange(server.port, b'SET a "b c"\r\nGET a\r\n')
    assert out == b"+OK\r\n$3\r\nb c\r\n"
    out, _ = exchange(server.port, b"SET b 'x y'\r\nGET b\r\n")
    assert out == b"+OK\r\n$3\r\nx y\r\n"
    out, _ = exchange(server.port, b'SET c "a\\x41\\n\\t\\\\"\r\nGET c\r\n')
    assert out == b"+OK\r\n$5\r\naA\n\t\\\r\n"
    out, _ = exchange(server.port, b'SET d ""\r\nSTRLEN d\r\n')
    assert out == b"+OK\r\n:0\r\n"


def test_inline_blank_lines_are_ignored(server):
    assert exchange(server.port, b"\r\n\r\n\nPING\r\n")[0] == PONG


def test_inline_and_multibulk_can_be_mixed(server):
    data = b"SET k 1\r\n" + encode("INCR", "k") + b"GET k\r\n"
    assert exchange(server.port, data)[0] == b"+OK\r\n:2\r\n$1\r\n2\r\n"


def test_inline_unknown_command(server):
    out, closed = exchange(server.port, b"NOPE a b\r\n")
    assert out == b"-ERR unknown command 'NOPE', with args beginning with: 'a' 'b' \r\n"
    assert not closed


@pytest.mark.parametrize("line", [b'SET a "b c\r\n', b'SET a "b"c\r\n', b"SET a 'b\r\n"])
def test_inline_unbalanced_quotes(server, line):
    protocol_error(server.port, line, "unbalanced quotes in request")


def test_inline_too_big(server):
    protocol_error(server.port, b"x" * 70000, "too big inline request")


# -- malformed multibulk ---------------------------------------------------------------------


@pytest.mark.parametrize("data,expected", [
    (b"*abc\r\n", "invalid multibulk length"),
    (b"*1\r\n+foo\r\n", "expected '$', got '+'"),
    (b"*1\r\n:1\r\n", "expected '$', got ':'"),
    (b"*1\r\n$abc\r\n", "invalid bulk length"),
    (b"*1\r\n$-1\r\n", "invalid bulk length"),
    (b"*1\r\n$536870913\r\n", "invalid bulk length"),
])
def test_malformed_frames_get_protocol_error_and_close(server, data, expected):
    protocol_error(server.port, data, expected)


def test_replies_before_a_protocol_error_are_sent(server):
    out = protocol_error(server.port, b"PING\r\n" + encode("PING") + b"*x\r\n", "invalid multibulk length")
    assert out.startswith(PONG + PONG)


def test_server_survives_protocol_errors(server, raw):
    for _ in range(20):
        exchange(server.port, b"*1\r\n$x\r\n", wait=0.05)
    assert raw().cmd("PING") == Frame("+", "PONG")


def test_oversized_bulk_after_lowering_proto_max_bulk_len(raw, server):
    c = raw()
    old = plain(c.cmd("CONFIG", "GET", "proto-max-bulk-len"))[1]
    try:
        assert c.cmd("CONFIG", "SET", "proto-max-bulk-len", "1mb") == Frame("+", "OK")
        assert plain(c.cmd("CONFIG", "GET", "proto-max-bulk-len")) == ["proto-max-bulk-len", "1048576"]
        ok = raw()
        assert ok.cmd("SET", "big", b"x" * 1048576) == Frame("+", "OK")
        protocol_error(server.port, b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$1048577\r\n", "invalid bulk length")
        assert ok.cmd("STRLEN", "big") == Frame(":", 1048576)
    finally:
        c.cmd("CONFIG", "SET", "proto-max-bulk-len", old)


def test_client_closing_mid_command_does_not_hurt_the_server(server, raw):
    s = socket.create_connection(("127.0.0.1", server.port))
    s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nabc")
    s.close()
    c = raw()
    assert c.cmd("PING") == Frame("+", "PONG")
    assert c.cmd("EXISTS", "k") == Frame(":", 0)


# -- pipelining and fragmentation ---------------------------------------------------------------


def test_large_pipeline_answers_every_command_in_order(raw):
    c = raw()
    n = 10_000
    batch = b"".join(encode("INCR", "counter") for _ in range(n)) + encode("GET", "counter")
    c.send(batch)
    for i in range(1, n + 1):
        assert c.read() == Frame(":", i)
    assert c.read() == Frame("$", str(n).encode())


def test_pipeline_of_mixed_commands(raw):
    c = raw()
    cmds = []
    for i in range(2000):
        cmds.append(("SET", f"k{i}", f"v{i}"))
        cmds.append(("GET", f"k{i}"))
        cmds.append(("NOSUCH",) if i % 100 == 0 else ("EXISTS", f"k{i}"))
    c.send(b"".join(encode(*cmd) for cmd in cmds))
    for i in range(2000):
        assert c.read() == Frame("+", "OK")
        assert c.read() == Frame("$", f"v{i}".encode())
        third = c.read()
        if i % 100 == 0:
            assert third.kind == "-"
        else:
            assert third == Frame(":", 1)


def test_command_sent_byte_by_byte(raw):
    c = raw()
    for byte in encode("SET", "frag", "mented value"):
        c.send(bytes([byte]))
    assert c.read() == Frame("+", "OK")
    for byte in b"GET frag\r\n":
        c.send(bytes([byte]))
    assert c.read() == Frame("$", b"mented value")


def test_commands_split_at_every_offset(raw):
    c = raw()
    data = encode("SET", "a", "1") + encode("INCRBY", "a", "41") + b"GET a\r\n"
    for cut in range(1, len(data)):
        c.send(data[:cut])
        time.sleep(0.001)
        c.send(data[cut:])
        assert c.read() == Frame("+", "OK")
        assert c.read() == Frame(":", 42)
        assert c.read() == Frame("$", b"42")


def test_large_value_roundtrip(raw):
    c = raw()
    value = bytes(range(256)) * (40 * 1024)  # 10 MiB
    assert c.cmd("SET", "big", value) == Frame("+", "OK")
    assert c.cmd("GET", "big") == Frame("$", value)


def test_many_connections(server):
    conns = [RawConn(server.port) for _ in range(200)]
    try:
        for i, c in enumerate(conns):
            c.send_cmd("SET", f"c{i}", str(i))
        for c in conns:
            assert c.read() == Frame("+", "OK")
        for i, c in enumerate(conns):
            assert c.cmd("GET", f"c{i}") == Frame("$", str(i).encode())
    finally:
        for c in conns:
            c.close()
