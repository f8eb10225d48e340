"""A minimal pipelined RESP2 connection: send many commands, read many replies.

Replies come back as Python values: bytes (bulk and simple strings), int,
None (nil), list (arrays) or ``Error`` (error replies, not raised, so a
pipeline of SETs can count its OOM answers). No redis-py: the replay sends
hundreds of thousands of commands and a plain byte parser is several times
faster.
"""

import socket


class Error(str):
    """An error reply (`-ERR ...`)."""


def encode(*args):
    """One command as RESP bytes."""
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        if not isinstance(a, bytes):
            a = str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(parts)


class Connection:
    """One TCP connection to 127.0.0.1:port."""

    def __init__(self, port, timeout=60.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.pos = 0

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def command(self, *args):
        """Sends one command, returns its reply (errors returned, not raised)."""
        self.send(encode(*args))
        return self.read(1)[0]

    def _fill(self):
        if self.pos > 1 << 20:
            del self.buf[: self.pos]
            self.pos = 0
        chunk = self.sock.recv(1 << 18)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def read(self, n):
        """The next ``n`` replies."""
        out = []
        while len(out) < n:
            value = self._parse()
            if value is _INCOMPLETE:
                self._fill()
            else:
                out.append(value)
        return out

    def read_kinds(self, n):
        """The next ``n`` replies reduced to what a replay needs: None for a
        nil bulk string, True for any other bulk or simple string, ``Error``
        for an error. Arrays and integers are not expected here."""
        out = []
        append = out.append
        while len(out) < n:
            buf, pos, size = self.buf, self.pos, len(self.buf)
            while len(out) < n and pos < size:
                nl = buf.find(b"\r\n", pos)
                if nl < 0:
                    break
                kind = buf[pos]
                if kind == 36:  # $
                    if buf[pos + 1] == 45:  # $-1
                        append(None)
                        pos = nl + 2
                        continue
                    end = nl + 4 + int(buf[pos + 1 : nl])
                    if end > size:
                        break
                    append(True)
                    pos = end
                elif kind == 43:  # +
                    append(True)
                    pos = nl + 2
                elif kind == 45:  # -
                    append(Error(buf[pos + 1 : nl].decode(errors="replace")))
                    pos = nl + 2
                else:
                    raise ConnectionError(f"unexpected reply byte {chr(kind)!r} in a replay")
            self.pos = pos
            if len(out) < n:
                self._fill()
        return out

    def _parse(self):
        """One reply from the buffer, or _INCOMPLETE (position unchanged)."""
        buf, pos = self.buf, self.pos
        nl = buf.find(b"\r\n", pos)
        if nl < 0:
            return _INCOMPLETE
        kind = buf[pos]
        if kind == 36:  # $
            length = int(buf[pos + 1 : nl])
            if length < 0:
                self.pos = nl + 2
                return None
            end = nl + 2 + length
            if end + 2 > len(buf):
                return _INCOMPLETE
            self.pos = end + 2
            return bytes(buf[nl + 2 : end])
        if kind == 43:  # +
            self.pos = nl + 2
            return bytes(buf[pos + 1 : nl])
        if kind == 45:  # -
            self.pos = nl + 2
            return Error(buf[pos + 1 : nl].decode(errors="replace"))
        if kind == 58:  # :
            self.pos = nl + 2
            return int(buf[pos + 1 : nl])
        if kind == 42:  # *
            count = int(buf[pos + 1 : nl])
            self.pos = nl + 2
            if count < 0:
                return None
            items = []
            for _ in range(count):
                item = self._parse()
                if item is _INCOMPLETE:
                    self.pos = pos
                    return _INCOMPLETE
                items.append(item)
            return items
        raise ConnectionError(f"unexpected reply byte {chr(kind)!r}")


_INCOMPLETE = object()


def info(conn, section):
    """INFO ``section`` as a dict of strings."""
    reply = conn.command("INFO", section)
    if isinstance(reply, Error):
        raise RuntimeError(f"INFO {section}: {reply}")
    fields = {}
    for line in reply.decode().splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            fields[k] = v
    return fields


def ok(reply, what):
    """Raises unless ``reply`` is +OK."""
    if reply != b"OK":
        raise RuntimeError(f"{what}: {reply!r}")
