"""Limits that protect the server from misbehaving clients: a subscriber
that stops reading is disconnected once its pending output passes the
pubsub hard limit, and the server's memory stays bounded meanwhile."""

from __future__ import annotations

import socket
import time

import pytest

from rawresp import Frame, RawConn


def rss_of(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


@pytest.mark.hearth_only
def test_slow_subscriber_is_disconnected_and_memory_stays_bounded(start_server):
    srv = start_server("--client-output-buffer-limit", "pubsub 1mb 512kb 60")
    sub = socket.create_connection(("127.0.0.1", srv.port))
    sub.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sub.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n")
    time.sleep(0.2)
    pub = RawConn(srv.port)
    payload = "x" * 65536
    receivers = []
    # 200 MB published to a client that never reads.
    for _ in range(3200):
        receivers.append(pub.cmd("PUBLISH", "ch", payload).value)
        if receivers[-1] == 0:
            break
    assert receivers[0] == 1
    assert receivers[-1] == 0, "the slow subscriber was never disconnected"
    assert pub.cmd("PUBSUB", "NUMSUB", "ch") == Frame("*", [Frame("$", b"ch"), Frame(":", 0)])
    assert rss_of(srv.proc.pid) < 150 * 1024 * 1024
    info = pub.call("INFO", "stats")
    assert "client_output_buffer_limit_disconnections" in info
    sub.close()
