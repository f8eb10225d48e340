"""The differential test's run: two logical clients, each connected to both
servers, send a family's stream and compare every reply (compare.py says
what may differ); `reference_test` makes a family group's test function.

A family's seed is HEARTH_DIFF_SEED plus 1000 times its position among all
the families' sorted names (plus the protocol), so adding a family whose name
sorts last leaves the others' streams as they are.
"""

from __future__ import annotations

import os
import random
import time

import pytest

from rawresp import Frame, RawConn

from . import core, lists, sets_hashes, sort, values, zsets
from .compare import same

SEED = int(os.environ.get("HEARTH_DIFF_SEED", "20240607"))
OPS = int(os.environ.get("HEARTH_DIFF_OPS", "1500"))

# Every family, by name: a generator rng -> [(client 0 or 1, command), ...].
FAMILIES = {
    name: gen
    for module in (core, lists, sets_hashes, zsets, values, sort)
    for name, gen in module.FAMILIES.items()
}


class Client:
    """One logical client, connected to both servers."""

    def __init__(self, port_a: int, port_b: int, protocol: int):
        self.a = RawConn(port_a)
        self.b = RawConn(port_b)
        self.queued: list[list[str]] | None = None
        if protocol == 3:
            self.a.cmd("HELLO", "3")
            self.b.cmd("HELLO", "3")

    def close(self) -> None:
        self.a.close()
        self.b.close()

    def track(self, args: list[str], reply: Frame) -> list[list[str]] | None:
        """Follows MULTI state from the reference's replies; returns the queue
        an EXEC reply must be matched against."""
        cmd = args[0].upper()
        if self.queued is None:
            if cmd == "MULTI" and reply == Frame("+", "OK"):
                self.queued = []
            return None
        if cmd in ("EXEC", "DISCARD"):
            queued, self.queued = self.queued, None
            return queued
        if reply == Frame("+", "QUEUED"):
            self.queued.append(args)
        return None


def full_scan(conn: RawConn, opts: list[str]) -> tuple[str, set[bytes]]:
    cursor, seen = "0", set()
    for _ in range(10_000):
        reply = conn.cmd("SCAN", cursor, *opts)
        if reply.kind != "*" or len(reply.value) != 2 or reply.value[0].kind != "$":
            return f"bad SCAN reply {reply!r}", seen
        seen.update(f.value for f in reply.value[1].value)
        cursor = reply.value[0].value.decode()
        if cursor == "0":
            return "ok", seen
    return "SCAN did not finish", seen


def run_stream(server_port: int, reference_port: int, family: str, protocol: int, seed: int, ops: int) -> int:
    for port in (server_port, reference_port):
        with RawConn(port) as c:
            c.cmd("FLUSHALL")
    rng = random.Random(seed)
    clients = [Client(server_port, reference_port, protocol) for _ in range(2)]
    history: list[str] = []
    sent = 0

    def fail(step: int, who: int, args: list[str], got: object, want: object) -> None:
        context = "\n".join(history[-15:])
        pytest.fail(
            f"{family}/RESP{protocol} seed={seed} op {step}: replies differ for client {who} "
            f"{' '.join(map(repr, args))}\n  server:    {got!r}\n  reference: {want!r}\n"
            f"last commands (client: command -> reference reply):\n{context}\n"
            f"reproduce: HEARTH_DIFF_SEED={SEED} pytest tests/interop/test_differential_*.py -k '{family} and resp{protocol}'",
            pytrace=False,
        )

    try:
        for step in range(ops):
            for who, args in FAMILIES[family](rng):
                c = clients[who]
                if args[0] == "SCAN*":
                    opts: list[str] = []
                    if rng.random() < 0.5:
                        opts += ["MATCH", rng.choice(core.PATTERNS)]
                    if rng.random() < 0.5:
                        opts += ["COUNT", str(rng.randint(1, 20))]
                    if rng.random() < 0.3:
                        opts += ["TYPE", rng.choice(["string", "list"])]
                    got, want = full_scan(c.a, opts), full_scan(c.b, opts)
                    history.append(f"  {who}: SCAN(full) {' '.join(opts)} -> {sorted(want[1])}")
                    if got[0] != "ok" or want[0] != "ok" or got[1] != want[1]:
                        fail(step, who, ["SCAN", *opts], got, want)
                    sent += 1
                    continue
                if args[0] == "EXPIRE-SOON*":
                    key = args[1]
                    for conn in (c.a, c.b):
                        conn.cmd("SET", key, "soon", "PX", "1")
                    time.sleep(0.01)
                    # Touch it so both have deleted it, whatever their
                    # active expiry cycle did meanwhile (DBSIZE counts
                    # expired keys not yet reclaimed).
                    got, want = c.a.cmd("EXISTS", key), c.b.cmd("EXISTS", key)
                    history.append(f"  {who}: SET {key} soon PX 1; (slept 10 ms); EXISTS {key} -> {want!r}")
                    if got != want:
                        fail(step, who, ["EXISTS", key], got, want)
                    sent += 1
                    continue
                got, want = c.a.cmd(*args), c.b.cmd(*args)
                sent += 1
                if args[0].upper() == "HELLO":
                    continue
                queued = c.track(args, want)
                history.append(f"  {who}: {' '.join(map(repr, args))} -> {want!r}")
                if not same(args, got, want, queued):
                    fail(step, who, args, got, want)
    finally:
        for c in clients:
            c.close()
    return sent


def reference_test(families: dict):
    """The test of `families` (a family module's FAMILIES), to be bound to
    `test_random_commands_match_reference` in a test module."""

    @pytest.mark.parametrize("protocol", [2, 3], ids=["resp2", "resp3"])
    @pytest.mark.parametrize("family", sorted(families))
    def test_random_commands_match_reference(server, reference, family, protocol):
        seed = SEED + 1000 * sorted(FAMILIES).index(family) + protocol
        sent = run_stream(server.port, reference.port, family, protocol, seed, OPS)
        assert sent >= OPS
        print(f"{family}/RESP{protocol}: {sent} commands, identical replies")

    return test_random_commands_match_reference
