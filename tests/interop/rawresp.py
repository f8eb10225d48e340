"""A raw RESP connection for tests that must see exact frames.

redis-py hides frame types (a RESP2 map is a list, an error may be raised or
returned, a status reply becomes True). Tests about the protocol itself --
inline commands, ignored empty frames, push messages, the exact error text of
a protocol error -- use this instead.

Frames are parsed into `Frame(kind, value)` where `kind` is the RESP type
byte as a one-character string:

    '+' simple string (str)      '-' error (str)          ':' integer (int)
    '$' bulk (bytes, or None for $-1)                     '*' array (list, or None for *-1)
    '_' null (None)   ',' double (str, as sent)           '#' boolean (bool)
    '(' big number (str)         '=' verbatim (bytes, without the `txt:` prefix)
    '%' map (list of (key, value) pairs, order kept)      '~' set (list)
    '>' push (list)              '|' attribute (pairs; the frame after it is returned)

`plain()` turns a frame into ordinary Python values for easy asserts.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Frame:
    """One RESP frame: its type byte and its decoded value."""

    kind: str
    value: Any

    def __repr__(self) -> str:  # compact, for assertion messages
        return f"{self.kind}{self.value!r}"


class ConnectionClosed(Exception):
    """The server closed the connection."""


def encode(*args: Any) -> bytes:
    """Encodes a command as a RESP multibulk request."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, bytes):
            b = arg
        elif isinstance(arg, str):
            b = arg.encode()
        else:
            b = str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def plain(frame: Frame) -> Any:
    """Converts a frame to plain Python: bulks to str (utf-8, lossy), maps to
    dicts, errors to `Frame('-', text)` (kept as frames so they stand out)."""
    kind, value = frame.kind, frame.value
    if kind == "-":
        return frame
    if kind in "$=" and value is not None:
        return value.decode("utf-8", "replace")
    if kind in "*~>" and value is not None:
        return [plain(f) for f in value]
    if kind == "%":
        return {plain(k): plain(v) for k, v in value}
    return value


class RawConn:
    """A blocking socket speaking raw RESP to a server."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self) -> "RawConn":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- sending -------------------------------------------------------

    def send(self, data: bytes) -> None:
        """Sends bytes exactly as given."""
        self.sock.sendall(data)

    def send_cmd(self, *args: Any) -> None:
        """Sends one command as a multibulk request without reading."""
        self.send(encode(*args))

    def cmd(self, *args: Any) -> Frame:
        """Sends a command and reads one reply frame."""
        self.send_cmd(*args)
        return self.read()

    def call(self, *args: Any) -> Any:
        """Sends a command and returns the reply as plain Python values."""
        return plain(self.cmd(*args))

    # -- receiving -----------------------------------------------------

    def _fill(self) -> None:
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError as e:
            raise ConnectionClosed("connection reset") from e
        if not chunk:
            raise ConnectionClosed("server closed the connection")
        self.buf += chunk

    def _line(self) -> bytes:
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2 :]
                return line
            self._fill()

    def _exact(self, n: int) -> bytes:
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2 :]
        return data

    def read_bytes(self, n: int) -> bytes:
        """Reads exactly `n` raw bytes (no parsing)."""
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read(self) -> Frame:
        """Reads and parses one frame (attributes are skipped)."""
        line = self._line()
        if not line:
            raise AssertionError("empty line where a frame was expected")
        kind, rest = chr(line[0]), line[1:].decode("utf-8", "replace")
        if kind in "+-(":
            return Frame(kind, rest)
        if kind == ":":
            return Frame(kind, int(rest))
        if kind == ",":
            return Frame(kind, rest)
        if kind == "#":
            return Frame(kind, rest == "t")
        if kind == "_":
            return Frame(kind, None)
        if kind in "$=!":
            n = int(rest)
            if n < 0:
                return Frame("$", None)
            data = self._exact(n)
            if kind == "=":
                return Frame("=", data[4:])
            if kind == "!":
                return Frame("-", data.decode("utf-8", "replace"))
            return Frame("$", data)
        if kind in "*~>":
            n = int(rest)
            if n < 0:
                return Frame(kind, None)
            return Frame(kind, [self.read() for _ in range(n)])
        if kind in "%|":
            n = int(rest)
            pairs = [(self.read(), self.read()) for _ in range(n)]
            if kind == "|":
                return self.read()
            return Frame("%", pairs)
        raise AssertionError(f"unknown RESP type byte in {line!r}")

    def read_all_available(self, wait: float = 0.2) -> bytes:
        """Returns whatever arrives within `wait` seconds (raw bytes)."""
        deadline = time.monotonic() + wait
        self.sock.settimeout(0.05)
        try:
            while time.monotonic() < deadline:
                try:
                    chunk = self.sock.recv(65536)
                except socket.timeout:
                    continue
                if not chunk:
                    break
                self.buf += chunk
        finally:
            self.sock.settimeout(10.0)
        data, self.buf = self.buf, b""
        return data

    def assert_no_reply(self, wait: float = 0.2) -> None:
        """Fails if any byte arrives within `wait` seconds."""
        data = self.read_all_available(wait)
        assert data == b"", f"expected no reply, got {data!r}"

    def is_closed(self, wait: float = 2.0) -> bool:
        """True if the server closes the connection within `wait` seconds
        (any bytes that arrive first are kept in the buffer)."""
        deadline = time.monotonic() + wait
        self.sock.settimeout(0.05)
        try:
            while time.monotonic() < deadline:
                try:
                    chunk = self.sock.recv(65536)
                except socket.timeout:
                    continue
                except ConnectionResetError:
                    return True
                if not chunk:
                    return True
                self.buf += chunk
            return False
        finally:
            self.sock.settimeout(10.0)


def read_or_none(conn: "RawConn", wait: float = 0.2):
    """The next frame on `conn`, or None when nothing arrives within `wait`
    seconds (subscribers waiting for notifications that may not come)."""
    conn.sock.settimeout(wait)
    try:
        return conn.read()
    except (TimeoutError, OSError):
        return None
    finally:
        conn.sock.settimeout(10.0)


def keyevents(conn: "RawConn", sub: "RawConn", classes: str, *commands) -> list:
    """Runs `commands` on `conn` with `notify-keyspace-events` set to
    `classes` and returns the (event, key) pairs `sub` receives on
    `__keyevent@0__:*`, in publication order."""
    conn.cmd("CONFIG", "SET", "notify-keyspace-events", classes)
    sub.cmd("PSUBSCRIBE", "__keyevent@0__:*")
    try:
        for args in commands:
            conn.cmd(*args)
        conn.cmd("PING")
    finally:
        conn.cmd("CONFIG", "SET", "notify-keyspace-events", "")
    return drain_keyevents(sub)


def drain_keyevents(sub: "RawConn") -> list:
    """The (event, key) pairs waiting on `sub`, subscribed to
    `__keyevent@0__:*`, in publication order."""
    got = []
    while (frame := read_or_none(sub)) is not None:
        msg = plain(frame)
        got.append((msg[2].split(":", 1)[1], msg[3]))
    return got


def keyspace_pairs(*events) -> list:
    """The (channel, message) pairs `notify-keyspace-events KEA` publishes
    for each (event, key) in db 0: the keyspace one, then the keyevent one."""
    out = []
    for event, key in events:
        out.append((f"__keyspace@0__:{key}", event))
        out.append((f"__keyevent@0__:{event}", key))
    return out
