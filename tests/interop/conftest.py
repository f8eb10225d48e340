"""Fixtures for the redis-py interop suite.

One server per session: `hearth-server --port 0` (the binary from
`$HEARTH_SERVER_BIN`, else `target/debug/hearth-server`), or a real
`redis-server` on a free port when `HEARTH_TEST_TARGET=redis`, which is how
the tests themselves are checked against the reference implementation.

Fixtures:
    server        the session's server (`.port`, `.kind`, `.version`, `.is_reference`)
    r2, r3        redis.Redis clients, RESP2 and RESP3, decode_responses=True
    client        factory: client(protocol=2, **kwargs) -> redis.Redis
    raw           factory: raw() -> rawresp.RawConn (exact frames)
    start_server  factory: start_server(*args) -> a separate server of the
                  same kind, stopped after the test (SHUTDOWN, requirepass...)
    reference     a redis-server for differential tests (skips if missing)

Every test starts with empty databases (FLUSHALL after each test).

Markers:
    redis74      behaviour new in Redis 7.2/7.4: skipped when the reference is
                 older (Debian ships 7.0.15)
    hearth_only  Hearth-specific behaviour (hearth_version, no EVAL yet):
                 skipped on the reference
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import redis

from redis.backoff import NoBackoff
from redis.retry import Retry

from rawresp import RawConn, drain_keyevents, plain

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0
TARGET = os.environ.get("HEARTH_TEST_TARGET", "hearth").strip().lower() or "hearth"
# Redis refuses DEBUG unless enabled; Hearth accepts the same option.
COMMON_ARGS = ["--enable-debug-command", "local"]


def pytest_configure(config):
    config.addinivalue_line("markers", "redis74: needs Redis >= 7.4 behaviour (skipped on older references)")
    config.addinivalue_line("markers", "hearth_only: Hearth-specific behaviour (skipped on the reference)")


def pytest_report_header(config):
    return f"interop target: {TARGET} (set HEARTH_TEST_TARGET=redis to run against redis-server)"


def hearth_bin() -> Path:
    env = os.environ.get("HEARTH_SERVER_BIN")
    return Path(env) if env else ROOT / "target" / "debug" / "hearth-server"


def redis_bin() -> str | None:
    env = os.environ.get("REDIS_SERVER_BIN")
    if env:
        return env if os.path.isfile(env) else None
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.isfile("/usr/bin/redis-server") else None
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT_RE = re.compile(r"port=(\d+)")


def _die_with_parent() -> None:
    """Runs in the child before exec: SIGTERM it when pytest dies, so a
    killed or timed-out run leaves no servers behind (Linux only)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class ServerProcess:
    """A server child process whose output is captured for diagnostics."""

    def __init__(self, kind: str, argv: list[str], port: int | None, workdir: str | None = None):
        self.kind = kind
        self.argv = argv
        self.workdir = workdir
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            argv,
            preexec_fn=_die_with_parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        events: queue.Queue = queue.Queue()
        threading.Thread(target=self._drain, args=(events,), daemon=True).start()
        self.port = self._wait_ready(events, port)
        self.version = self._version()

    @property
    def is_reference(self) -> bool:
        return self.kind == "redis"

    def _drain(self, events: queue.Queue) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            m = PORT_RE.search(line)
            if m and int(m.group(1)) != 0:
                events.put(("port", int(m.group(1))))
            if "Ready to accept connections" in line:
                events.put(("ready", None))
        events.put(("eof", None))

    def log(self) -> str:
        return "".join(self.lines)

    def _fail(self, why: str) -> None:
        self.kill()
        raise RuntimeError(f"{' '.join(self.argv)}: {why}\n--- its output ---\n{self.log()}")

    def _wait_ready(self, events: queue.Queue, port: int | None) -> int:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self._fail(f"not ready after {START_TIMEOUT:.0f}s")
            try:
                what, value = events.get(timeout=min(left, 0.1))
            except queue.Empty:
                continue
            if what == "port" and port is None:
                port = value
            elif what == "ready":
                if port is None:
                    self._fail("ready without printing port=N")
                return port
            elif what == "eof":
                self.proc.wait(timeout=5)
                self._fail(f"exited with {self.proc.returncode} before it was ready")

    def _version(self) -> tuple[int, ...]:
        """The version HELLO reports, (0,) if it cannot be read (auth)."""
        with RawConn(self.port) as c:
            hello = plain(c.cmd("HELLO", "2"))
        if not isinstance(hello, list):
            return (0,)
        pairs = dict(zip(hello[::2], hello[1::2]))
        try:
            return tuple(int(x) for x in str(pairs.get("version", "0")).split(".")[:3])
        except ValueError:
            return (0,)

    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> int | None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._cleanup()
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


def start_hearth(*args: str) -> ServerProcess:
    bin_path = hearth_bin()
    if not bin_path.exists():
        pytest.exit(
            f"hearth-server not found at {bin_path}: run `cargo build -p hearth-server` "
            "or set HEARTH_SERVER_BIN (HEARTH_TEST_TARGET=redis runs against redis-server)",
            returncode=1,
        )
    return ServerProcess("hearth", [str(bin_path), "--port", "0", *COMMON_ARGS, *args], None)


def start_redis(*args: str) -> ServerProcess | None:
    bin_path = redis_bin()
    if bin_path is None:
        return None
    last_error = None
    for _ in range(5):
        port = free_port()
        workdir = tempfile.mkdtemp(prefix="hearth-interop-redis-")
        argv = [
            bin_path, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--daemonize", "no", "--dir", workdir,
            *COMMON_ARGS, *args,
        ]
        try:
            return ServerProcess("redis", argv, port, workdir)
        except RuntimeError as e:  # port taken meanwhile: try another
            shutil.rmtree(workdir, ignore_errors=True)
            last_error = e
            if "Address already in use" not in str(e):
                raise
    raise last_error  # type: ignore[misc]


def start_target(*args: str) -> ServerProcess:
    if TARGET == "redis":
        server = start_redis(*args)
        if server is None:
            pytest.exit("HEARTH_TEST_TARGET=redis but redis-server is not installed", returncode=1)
        return server
    if TARGET != "hearth":
        pytest.exit(f"HEARTH_TEST_TARGET must be 'hearth' or 'redis', not {TARGET!r}", returncode=1)
    return start_hearth(*args)


@pytest.fixture(scope="session")
def server():
    s = start_target()
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def _skip_by_marker(request, server):
    if request.node.get_closest_marker("redis74") and server.is_reference and server.version < (7, 4):
        pytest.skip(f"needs Redis 7.4 behaviour; reference is {'.'.join(map(str, server.version))}")
    if request.node.get_closest_marker("hearth_only") and server.is_reference:
        pytest.skip("Hearth-specific behaviour")


@pytest.fixture(autouse=True)
def _flush_after(server):
    yield
    if not server.running():
        raise RuntimeError(f"the session's {server.kind} server died during the test:\n{server.log()[-4000:]}")
    with RawConn(server.port) as c:
        reply = c.cmd("FLUSHALL")
    assert reply.kind == "+", f"FLUSHALL after the test failed: {reply}"


@pytest.fixture
def client(server):
    made: list[redis.Redis] = []

    def make(protocol: int = 2, port: int | None = None, **kwargs) -> redis.Redis:
        kwargs.setdefault("decode_responses", True)
        kwargs.setdefault("socket_timeout", 10)
        # Fail at once: retries with backoff only hide server bugs and slow the run.
        kwargs.setdefault("retry", Retry(NoBackoff(), 0))
        c = redis.Redis(host="127.0.0.1", port=port or server.port, protocol=protocol, **kwargs)
        made.append(c)
        return c

    yield make
    for c in made:
        try:
            c.close()
        except Exception:
            pass


@pytest.fixture
def r2(client):
    return client(2)


@pytest.fixture
def r3(client):
    return client(3)


@pytest.fixture
def raw(server):
    made: list[RawConn] = []

    def make(port: int | None = None) -> RawConn:
        conn = RawConn(port or server.port)
        made.append(conn)
        return conn

    yield make
    for conn in made:
        conn.close()


@pytest.fixture
def start_server():
    made: list[ServerProcess] = []

    def make(*args: str) -> ServerProcess:
        s = start_target(*args)
        made.append(s)
        return s

    yield make
    for s in made:
        s.stop()


@pytest.fixture(scope="session")
def reference():
    s = start_redis()
    if s is None:
        pytest.skip("redis-server is not installed: install Debian's redis-server for differential tests")
    yield s
    s.stop()


@pytest.fixture
def c3(raw):
    """A raw RESP3 connection (HELLO 3 sent)."""
    conn = raw()
    conn.cmd("HELLO", "3")
    return conn


@pytest.fixture
def events(raw, c):
    """Runs a command on `c`, the requesting module's own client fixture,
    and returns (reply, [(event, key), ...]) with the keyevent
    notifications it caused, in publication order. With no command it
    only collects what arrived meanwhile (expiry)."""
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
    sub = raw()
    assert plain(sub.cmd("PSUBSCRIBE", "__keyevent@0__:*"))[0] == "psubscribe"

    def run(*cmd):
        reply = c.cmd(*cmd) if cmd else None
        c.cmd("PING")
        return reply, drain_keyevents(sub)

    yield run
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "")
