"""Starting and stopping server processes, and finding the policies they take.

Every process is started here on a free 127.0.0.1 port with persistence off
(``--save "" --appendonly no``), recorded, and killed by its pid when the
run ends. hearth-server picks its own port (``--port 0``) and prints it.
"""

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from .resp import Connection, Error

_STARTED = []

# The policies Redis has; a server's error message usually lists what it
# takes, and a few names of non-Redis policies are tried as well so that a
# Hearth-own policy shows up as soon as CONFIG SET accepts it.
REDIS_POLICIES = [
    "allkeys-lru", "allkeys-lfu", "allkeys-random",
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "noeviction",
]
OWN_POLICY_GUESSES = [
    f"{scope}-{name}"
    for name in ("s3fifo", "sieve", "tinylfu", "wtinylfu", "w-tinylfu", "arc", "2q", "lirs", "clock")
    for scope in ("allkeys", "volatile")
]


def _cleanup():
    for proc in _STARTED:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


atexit.register(_cleanup)


def _terminated(signum, _frame):
    raise SystemExit(128 + signum)  # runs _cleanup through atexit


signal.signal(signal.SIGTERM, _terminated)


def ensure_redis():
    """Path of redis-server; installs redis-server and redis-tools (Debian) when missing."""
    path = os.environ.get("REDIS_BIN") or shutil.which("redis-server") or "/usr/bin/redis-server"
    if os.access(path, os.X_OK) and shutil.which("redis-benchmark"):
        return path
    if not shutil.which("apt-get"):
        raise SystemExit("redis-server missing and no apt-get to install it")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.check_call(sudo + ["apt-get", "update", "-qq"], env=env)
    subprocess.check_call(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                                  "redis-server", "redis-tools"], env=env)
    return shutil.which("redis-server") or "/usr/bin/redis-server"


def ensure_hearth(root):
    """Path of hearth-server; builds it unless SKIP_BUILD=1 (as bench/lib.sh)."""
    path = os.environ.get("HEARTH_BIN") or os.path.join(root, "target/release/hearth-server")
    if os.environ.get("SKIP_BUILD", "0") != "1":
        print("+ cargo build --release -p hearth-server", flush=True)
        subprocess.check_call(["cargo", "build", "--release", "-p", "hearth-server"], cwd=root)
    if not os.access(path, os.X_OK):
        raise SystemExit(f"hearth-server not found at {path}: build it or set HEARTH_BIN")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One running server process: ``kind`` is "hearth" or "redis".

    ``malloc_conf`` goes to hearth-server's jemalloc (``_RJEM_MALLOC_CONF``)."""

    def __init__(self, kind, binary, extra_args=(), malloc_conf=""):
        self.kind = kind
        self.dir = tempfile.mkdtemp(prefix=f"hitratio-{kind}.")
        self.log_path = os.path.join(self.dir, "server.log")
        args = ["--save", "", "--appendonly", "no", *extra_args]
        if kind == "hearth":
            cmd = [binary, "--port", "0", *args]
            port = None
        else:
            port = free_port()
            cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", *args,
                   "--daemonize", "no", "--dir", self.dir]
        env = dict(os.environ)
        if kind == "hearth" and malloc_conf:
            env["_RJEM_MALLOC_CONF"] = malloc_conf
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.dir, env=env)
        _STARTED.append(self.proc)
        deadline = time.time() + 20
        while True:
            text = open(self.log_path).read()
            if "Ready to accept connections" in text:
                break
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"{kind} did not start ({' '.join(cmd)}); its log:\n{text}")
            time.sleep(0.02)
        if port is None:
            m = re.search(r"port=(\d+)", text)
            if not m:
                raise RuntimeError(f"{kind} printed no port=N; its log:\n{text}")
            port = int(m.group(1))
        self.port = port
        self.control = Connection(port)

    def alive(self):
        return self.proc.poll() is None

    def log_tail(self, lines=20):
        return "".join(open(self.log_path).readlines()[-lines:])

    def stop(self):
        try:
            self.control.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def accepted_policies(conn):
    """The ``maxmemory-policy`` values CONFIG SET accepts, in a stable order:
    those the error message lists, Redis's, and known non-Redis names."""
    original = conn.command("CONFIG", "GET", "maxmemory-policy")
    original = original[1].decode() if isinstance(original, list) and len(original) == 2 else "noeviction"
    err = conn.command("CONFIG", "SET", "maxmemory-policy", "hitratio-no-such-policy")
    listed = []
    if isinstance(err, Error):
        m = re.search(r"one of the following:\s*(.*)$", err)
        if m:
            listed = [p.strip() for p in m.group(1).split(",") if p.strip()]
    accepted = []
    for p in dict.fromkeys(listed + REDIS_POLICIES + OWN_POLICY_GUESSES):
        if conn.command("CONFIG", "SET", "maxmemory-policy", p) == b"OK":
            accepted.append(p)
    conn.command("CONFIG", "SET", "maxmemory-policy", original)
    return accepted
