#!/usr/bin/env python3
"""Client tracking: invalidation delivery latency against redis-server, and
the GET/SET throughput cost of tracking clients, in one run.

1. Latency. For hearth-server and redis-server, each started fresh on a free
   port: a RESP3 connection with CLIENT TRACKING ON reads key `k` (GET), a
   second connection SETs it; the time from the writer receiving +OK to the
   reader receiving `>2 invalidate [k]` is taken for every write (one write
   in flight at a time, both sockets watched by one select loop, so a push
   that arrives before the +OK counts as a negative latency), and from
   sending the SET to the push. p50/p99 for both servers and their ratio.

2. Throughput (Hearth; redis-server for reference). 50 RESP3 clients run
   compare.sh's SET and GET tests (random keys out of 100,000
   pre-populated, 32-byte values) and a 50/50 GET/SET mix, with 16 commands
   in flight each, driven by 2 processes of this script; once with
   CLIENT TRACKING ON on every client (each also reads its invalidation
   pushes), once without. Rounds alternate the order; the median of the
   per-round ratios tracked/untracked is printed against the 0.9 goal,
   with the server's CPU time per operation (steadier on a shared machine).

    bench/tracking_latency.py                       # defaults below
    bench/tracking_latency.py --writes 20000 --seconds 2 --rounds 1   # quick look
    HEARTH_BIN=... REDIS_BIN=... bench/tracking_latency.py

Build the server first: cargo build --release -p hearth-server.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEARTH_BIN = os.environ.get("HEARTH_BIN", str(ROOT / "target" / "release" / "hearth-server"))
REDIS_BIN = os.environ.get("REDIS_BIN") or shutil.which("redis-server") or "/usr/bin/redis-server"
COMMON_ARGS = ["--save", "", "--appendonly", "no"]


# -- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A fresh server process; its output is kept for error messages."""

    def __init__(self, kind: str):
        self.kind = kind
        self.workdir = tempfile.mkdtemp(prefix=f"hearth-bench-{kind}-")
        if kind == "hearth":
            self.argv = [HEARTH_BIN, "--port", "0", *COMMON_ARGS]
            port = None
        else:
            port = free_port()
            self.argv = [REDIS_BIN, "--port", str(port), "--bind", "127.0.0.1", *COMMON_ARGS,
                         "--daemonize", "no", "--dir", self.workdir]
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     errors="replace", stdin=subprocess.DEVNULL)
        self.lines: list[str] = []
        ready = threading.Event()
        found: list[int] = []

        def drain():
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line)
                m = re.search(r"port=(\d+)", line)
                if m and int(m.group(1)) and not found:
                    found.append(int(m.group(1)))
                if "Ready to accept connections" in line:
                    ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(20) or self.proc.poll() is not None:
            self.stop()
            sys.exit(f"{' '.join(self.argv)} did not start:\n{''.join(self.lines)}")
        self.port = port or (found[0] if found else 0)
        if not self.port:
            self.stop()
            sys.exit(f"{self.argv[0]} printed no port=N:\n{''.join(self.lines)}")
        with Conn(self.port) as c:
            hello = c.call("HELLO", "3")
        self.version = hello.get("version", "?") if isinstance(hello, dict) else "?"

    def command_line(self) -> str:
        return " ".join(a if a else '""' for a in self.argv)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


# -- a small blocking RESP client for setup ---------------------------------------------------


def encode(*args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


class Conn:
    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def _line(self) -> bytes:
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _fill(self) -> None:
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind in (b"+", b"-"):
            if kind == b"-":
                raise RuntimeError(rest.decode())
            return rest.decode()
        if kind in (b":",):
            return int(rest)
        if kind == b"_":
            return None
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data.decode("utf-8", "replace")
        if kind in (b"*", b">", b"~"):
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        if kind == b"%":
            return {self.read(): self.read() for _ in range(int(rest))}
        raise RuntimeError(f"unexpected reply {line!r}")

    def call(self, *args):
        self.sock.sendall(encode(*args))
        return self.read()


# -- 1. latency ----------------------------------------------------------------------------------


def measure_latency(port: int, writes: int) -> tuple[list[int], list[int]]:
    """Per write, nanoseconds from +OK at the writer to the push at the
    reader (negative when the push came first), and from sending the SET to
    the push."""
    reader, writer = Conn(port), Conn(port)
    assert isinstance(reader.call("HELLO", "3"), dict)
    assert reader.call("CLIENT", "TRACKING", "ON") == "OK"
    assert writer.call("SET", "k", "0") == "OK"
    rs, ws = reader.sock, writer.sock
    ok = b"+OK\r\n"
    push = b">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n"
    ack_to_push, send_to_push = [], []
    clock = time.perf_counter_ns
    for i in range(writes):
        # The reader reads k (so it is tracked) and gets its current value.
        old = str(i).encode()
        expect = b"$%d\r\n%s\r\n" % (len(old), old)
        rs.sendall(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
        got = b""
        while len(got) < len(expect):
            got += rs.recv(4096)
        assert got == expect, (got, expect)
        new = str(i + 1).encode()
        t_sent = clock()
        ws.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n%s\r\n" % (len(new), new))
        rbuf = wbuf = b""
        t_ack = t_push = 0
        # Alternate which socket is read first when both are ready, so the
        # order of the two recv calls does not bias the sign.
        watch = [rs, ws] if i % 2 else [ws, rs]
        while not (t_ack and t_push):
            readable, _, _ = select.select(watch, [], [], 10)
            if not readable:
                raise TimeoutError(f"write {i}: ack={bool(t_ack)} push={bool(t_push)}")
            for s in readable:
                chunk = s.recv(4096)
                now = clock()
                if s is ws:
                    wbuf += chunk
                    if len(wbuf) >= len(ok):
                        assert wbuf == ok, wbuf
                        t_ack = now
                else:
                    rbuf += chunk
                    if len(rbuf) >= len(push):
                        assert rbuf == push, rbuf
                        t_push = now
        ack_to_push.append(t_push - t_ack)
        send_to_push.append(t_push - t_sent)
    reader.sock.close()
    writer.sock.close()
    return ack_to_push, send_to_push


def percentile(sorted_values: list[int], p: float) -> float:
    if not sorted_values:
        return float("nan")
    i = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[i]


# -- 2. throughput -------------------------------------------------------------------------------

VALUE = b"v" * 32
KEY_FMT = "key:%06d"
REPLY_OK = 5  # +OK\r\n
REPLY_GET = 5 + len(VALUE) + 2  # $32\r\n<32>\r\n
REPLY_PUSH = len(b">2\r\n$10\r\ninvalidate\r\n*1\r\n$10\r\nkey:000000\r\n")


def populate(port: int, keyspace: int) -> None:
    with Conn(port) as c:
        batch = []
        for i in range(keyspace):
            batch.append(encode("SET", KEY_FMT % i, VALUE))
            if len(batch) == 1000 or i == keyspace - 1:
                c.sock.sendall(b"".join(batch))
                for _ in batch:
                    assert c.read() == "OK"
                batch = []


# Per-client command batches, made once in the parent and inherited by the
# forked load workers: every client has its own random key stream (like
# redis-benchmark -r), so clients do not all read the same few keys.
POOLS: list[list[bytes]] = []
# The share of GETs per test: compare.sh's separate SET and GET tests, and
# a 50/50 mix where tracked reads are invalidated by writes all along.
TESTS = {"set": 0.0, "get": 1.0, "mix": 0.5}


def make_batches(keyspace: int, pipeline: int, seed: int, gets: float, count: int = 512) -> list[bytes]:
    rng = random.Random(seed)
    batches = []
    for _ in range(count):
        cmds = []
        for _ in range(pipeline):
            key = KEY_FMT % rng.randrange(keyspace)
            cmds.append(encode("GET", key) if rng.random() < gets else encode("SET", key, VALUE))
        batches.append(b"".join(cmds))
    return batches


def load_worker(port, first, nconns, tracking, pipeline, start_at, end_at, results):
    """Drives clients first..first+nconns until `end_at`; reports the
    replies (not pushes) completed in [start_at, end_at] and the pushes seen."""
    conns = []
    for _ in range(nconns):
        c = Conn(port)
        assert isinstance(c.call("HELLO", "3"), dict)
        if tracking:
            assert c.call("CLIENT", "TRACKING", "ON") == "OK"
        c.sock.setblocking(False)
        conns.append(c)
    state = {}  # fd -> [conn, buffer, replies still due, batch index, batches]
    poller = select.epoll()
    for i, c in enumerate(conns):
        state[c.sock.fileno()] = [c, b"", 0, 0, POOLS[first + i]]
        poller.register(c.sock.fileno(), select.EPOLLIN)
    while time.time() < start_at:
        time.sleep(0.001)
    done = pushes = 0
    for st in state.values():
        st[0].sock.sendall(st[4][0])
        st[2] = pipeline
    while True:
        now = time.time()
        if now >= end_at:
            break
        for fd, _ in poller.poll(0.05):
            st = state[fd]
            try:
                chunk = st[0].sock.recv(1 << 16)
            except BlockingIOError:
                continue
            if not chunk:
                raise ConnectionError("server closed a benchmark connection")
            buf = st[1] + chunk
            pos, n = 0, len(buf)
            due = st[2]
            while pos < n:
                c = buf[pos]
                if c == 43:  # '+'
                    size = REPLY_OK
                elif c == 36:  # '$'
                    size = REPLY_GET
                elif c == 62:  # '>'
                    size = REPLY_PUSH
                else:
                    raise RuntimeError(f"unexpected reply {buf[pos:pos + 60]!r}")
                if pos + size > n:
                    break
                pos += size
                if c == 62:
                    pushes += 1
                else:
                    due -= 1
                    done += 1
            st[1] = buf[pos:]
            if due == 0:
                st[3] = (st[3] + 1) % len(st[4])
                st[0].sock.sendall(st[4][st[3]])
                due = pipeline
            st[2] = due
    results.put((done, pushes))
    for c in conns:
        c.sock.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_load(port, clients, workers, tracking, pipeline, seconds) -> tuple[float, int]:
    ctx = mp.get_context("fork")
    results = ctx.Queue()
    start_at = time.time() + 1.0  # time to connect
    end_at = start_at + seconds
    per = [clients // workers + (1 if i < clients % workers else 0) for i in range(workers)]
    firsts = [sum(per[:i]) for i in range(workers)]
    procs = [ctx.Process(target=load_worker, args=(port, first, n, tracking, pipeline, start_at, end_at, results))
             for first, n in zip(firsts, per)]
    for p in procs:
        p.start()
    got = [results.get(timeout=seconds + 60) for _ in procs]
    for p in procs:
        p.join()
        if p.exitcode != 0:
            sys.exit(f"a load worker failed (exit {p.exitcode})")
    ops = sum(g[0] for g in got)
    return ops / seconds, sum(g[1] for g in got)


# -- main ------------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--writes", type=int, default=100_000, help="latency samples per server (100000)")
    ap.add_argument("--clients", type=int, default=50, help="throughput clients (50)")
    ap.add_argument("--workers", type=int, default=2, help="load generator processes (2)")
    ap.add_argument("--pipeline", type=int, default=16, help="commands in flight per client (16)")
    ap.add_argument("--keyspace", type=int, default=100_000, help="keys (100000)")
    ap.add_argument("--seconds", type=float, default=3.0, help="seconds per throughput run (3)")
    ap.add_argument("--tests", default="set,get,mix", help="throughput tests: set,get,mix (all)")
    ap.add_argument("--rounds", type=int, default=3, help="throughput rounds, each tracked and untracked (3)")
    ap.add_argument("--servers", default="hearth,redis", help="latency: which servers (hearth,redis)")
    ap.add_argument("--throughput", default="hearth,redis",
                    help="throughput: which servers (hearth,redis; redis for reference)")
    args = ap.parse_args()

    for path, what in ((HEARTH_BIN, "HEARTH_BIN (cargo build --release -p hearth-server)"), (REDIS_BIN, "REDIS_BIN")):
        if not os.access(path, os.X_OK):
            sys.exit(f"{path} is not executable: set {what}")
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    print(f"machine: {os.cpu_count()} cores; load generator: this script ({args.workers} processes)")

    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    summary = {}
    print(f"\n== invalidation latency: write acknowledged -> push received, {args.writes} writes per server")
    print("   (RESP3 reader: GET k with CLIENT TRACKING ON; writer: SET k; one write in flight)")
    for kind in servers:
        srv = Server(kind)
        try:
            print(f"+ {srv.command_line()}   # {kind} {srv.version}, port {srv.port}")
            t0 = time.monotonic()
            ack, sent = measure_latency(srv.port, args.writes)
            took = time.monotonic() - t0
        finally:
            srv.stop()
        ack.sort()
        sent.sort()
        row = [percentile(ack, 50) / 1000, percentile(ack, 99) / 1000, percentile(sent, 50) / 1000,
               percentile(sent, 99) / 1000]
        early = sum(1 for x in ack if x <= 0) / len(ack) * 100
        summary[kind] = row
        print(f"   {kind:7s} ack->push p50 {row[0]:7.1f} us  p99 {row[1]:7.1f} us  |  SET sent->push p50 "
              f"{row[2]:7.1f} us  p99 {row[3]:7.1f} us  |  push not after +OK {early:5.1f}%  "
              f"({len(ack)} writes, {took:.1f}s)")
    if "hearth" in summary and "redis" in summary:
        h, r = summary["hearth"], summary["redis"]

        def ratio(a, b):
            return f"{a / b:.2f}" if a > 0 and b > 0 else "n/a"

        print(f"   hearth/redis: ack->push p50 {ratio(h[0], r[0])} p99 {ratio(h[1], r[1])}  |  "
              f"SET sent->push p50 {ratio(h[2], r[2])} p99 {ratio(h[3], r[3])}")
        print("   (ack->push is signed: <= 0 means the push was already there when +OK was read)")

    for kind in [s.strip() for s in args.throughput.split(",") if s.strip()]:
        throughput(kind, args)


def throughput(kind: str, args) -> None:
    tests = [t.strip() for t in args.tests.split(",") if t.strip()]
    print(f"\n== throughput ({kind}): {args.clients} clients, {args.keyspace} keys, {len(VALUE)}-byte values, "
          f"pipeline {args.pipeline}, {args.seconds:g}s per run, {args.rounds} rounds, tests {','.join(tests)}")
    srv = Server(kind)
    try:
        print(f"+ {srv.command_line()}   # {kind} {srv.version}, port {srv.port}")
        populate(srv.port, args.keyspace)
        results = {t: {"ratio": [], "cpu": [], "u": [], "t": []} for t in tests}
        for rnd in range(1, args.rounds + 1):
            for test in tests:
                POOLS[:] = [make_batches(args.keyspace, args.pipeline, seed=rnd * 1000 + i, gets=TESTS[test])
                            for i in range(args.clients)]
                order = [False, True] if rnd % 2 else [True, False]
                got = {}
                for tracking in order:
                    cpu0 = cpu_seconds(srv.proc.pid)
                    rate, pushes = run_load(srv.port, args.clients, args.workers, tracking, args.pipeline,
                                            args.seconds)
                    # Server CPU per operation: steadier than ops/s on a shared
                    # machine (it includes the ~1 s of connecting, for both).
                    cpu = cpu_seconds(srv.proc.pid) - cpu0
                    got[tracking] = (rate, pushes, cpu / (rate * args.seconds) * 1e6)
                (u, _, ucpu), (t, pushes, tcpu) = got[False], got[True]
                r = results[test]
                r["ratio"].append(t / u)
                r["cpu"].append(tcpu / ucpu)
                r["u"].append(u)
                r["t"].append(t)
                print(f"   round {rnd} {test:3s}: untracked {u:10,.0f} ops/s ({ucpu:.2f} us CPU/op)   tracked "
                      f"{t:10,.0f} ops/s ({tcpu:.2f} us CPU/op, {pushes:,} pushes)   ratio {t / u:.3f}")
        for test in tests:
            r = results[test]
            med = statistics.median(r["ratio"])
            verdict = "meets" if med >= 0.9 else "BELOW"
            print(f"   {kind} {test}: median untracked {statistics.median(r['u']):,.0f} ops/s, tracked "
                  f"{statistics.median(r['t']):,.0f} ops/s, ratio tracked/untracked {med:.3f} ({verdict} the 0.9 "
                  f"goal); server CPU per op tracked/untracked {statistics.median(r['cpu']):.3f}")
    finally:
        srv.stop()

if __name__ == "__main__":
    main()
