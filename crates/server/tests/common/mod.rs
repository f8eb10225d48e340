//! Shared setup for the integration tests: start a server, connect to it
//! with the `redis` crate or with a raw RESP socket ([`resp::Raw`]).
//!
//! Every test file starts its own `hearth-server` on port 0, built by cargo
//! for this crate. Set `HEARTH_IT_REFERENCE=1` to run the same tests against
//! Debian's `redis-server` instead: that is how the expectations here were
//! checked against real Redis. Assertions on behaviour Redis 7.0 does not
//! share with 7.4 are guarded by [`Server::is_reference`].

#![allow(dead_code)]

pub mod resp;
pub mod stress;

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitStatus;
use std::thread;
use std::time::{Duration, Instant};

use hearth_testkit::{ReferenceServer, TestServer};
use redis::{Connection, RedisError};

// Not every test file uses every helper.
#[allow(unused_imports)]
pub use resp::{arr, bulk, err, int, ok, push, simple, Frame, Raw};

/// The common error texts, as Redis spells them.
pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
pub const NOT_INT: &str = "ERR value is not an integer or out of range";
pub const SYNTAX: &str = "ERR syntax error";

/// The i64 limits as command arguments.
pub const I64_MAX: &str = "9223372036854775807";
pub const I64_MIN: &str = "-9223372036854775808";

/// A server for one test: Hearth, or redis-server in reference mode.
pub enum Server {
    Hearth(TestServer),
    Reference(ReferenceServer),
}

impl Server {
    /// Starts a server with `args` (Redis-style `--name value` options).
    pub fn start(args: &[&str]) -> Server {
        if reference_mode() {
            let server = ReferenceServer::start_with(args)
                .expect("HEARTH_IT_REFERENCE is set but redis-server is not installed");
            return Server::Reference(server);
        }
        Server::Hearth(TestServer::start_bin(env!("CARGO_BIN_EXE_hearth-server"), args))
    }

    /// A server with default options.
    pub fn new() -> Server {
        Server::start(&[])
    }

    /// Whether this is the reference redis-server rather than Hearth.
    pub fn is_reference(&self) -> bool {
        matches!(self, Server::Reference(_))
    }

    pub fn port(&self) -> u16 {
        match self {
            Server::Hearth(s) => s.port(),
            Server::Reference(s) => s.port(),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port()))
    }

    pub fn pid(&self) -> u32 {
        match self {
            Server::Hearth(s) => s.pid(),
            Server::Reference(s) => s.pid(),
        }
    }

    pub fn log(&self) -> String {
        match self {
            Server::Hearth(s) => s.log(),
            Server::Reference(s) => s.log(),
        }
    }

    /// `redis://127.0.0.1:port`, RESP2.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port())
    }

    /// `redis://127.0.0.1:port/?protocol=resp3`.
    pub fn url3(&self) -> String {
        format!("redis://127.0.0.1:{}/?protocol=resp3", self.port())
    }

    /// A raw RESP connection.
    pub fn raw(&self) -> Raw {
        Raw::connect(self.addr())
    }

    /// A raw connection already switched to RESP3.
    pub fn raw3(&self) -> Raw {
        let mut c = self.raw();
        c.hello3();
        c
    }

    /// A `redis` crate connection speaking RESP2.
    pub fn con2(&self) -> Connection {
        open(&self.url())
    }

    /// A `redis` crate connection speaking RESP3.
    pub fn con3(&self) -> Connection {
        open(&self.url3())
    }

    /// Waits up to `timeout` for the process to exit by itself.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        match self {
            Server::Hearth(s) => s.wait_exit(timeout),
            Server::Reference(s) => {
                let pid = s.pid();
                let deadline = Instant::now() + timeout;
                while !exited(pid) {
                    if Instant::now() >= deadline {
                        return None;
                    }
                    thread::sleep(Duration::from_millis(10));
                }
                s.stop().ok()
            }
        }
    }

    /// SIGTERM, then up to 10 s for the process to exit.
    pub fn stop(&mut self) -> ExitStatus {
        match self {
            Server::Hearth(s) => s.stop(),
            Server::Reference(s) => s.stop(),
        }
        .expect("stop the server")
    }
}

fn reference_mode() -> bool {
    std::env::var_os("HEARTH_IT_REFERENCE").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Whether process `pid` has exited (gone, or a zombie waiting to be reaped).
fn exited(pid: u32) -> bool {
    let stat = Path::new("/proc").join(pid.to_string()).join("stat");
    match std::fs::read_to_string(stat) {
        // Format: `pid (comm) S ...`; comm may hold spaces, so look after `)`.
        Ok(text) => text.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => true,
    }
}

/// A server and a RESP2 raw connection with a list under `list` (for
/// WRONGTYPE checks).
pub fn server_with_list() -> (Server, Raw) {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["RPUSH", "list", "a"]), int(1));
    (s, c)
}

/// Opens a `redis` crate connection to `url` with a 10 s read timeout.
pub fn open(url: &str) -> Connection {
    let client = redis::Client::open(url).unwrap_or_else(|e| panic!("client for {url}: {e}"));
    let con =
        client.get_connection_with_timeout(Duration::from_secs(10)).unwrap_or_else(|e| panic!("connect to {url}: {e}"));
    con.set_read_timeout(Some(Duration::from_secs(10))).expect("non-zero timeout");
    con
}

/// The full error line as the server sent it, without the leading `-`
/// (`ERR syntax error`, `WRONGTYPE Operation ...`).
pub fn err_text(e: &RedisError) -> String {
    match (e.code(), e.detail()) {
        (Some(code), Some(detail)) => format!("{code} {detail}"),
        (Some(code), None) => code.to_string(),
        _ => e.to_string(),
    }
}

/// Runs `cmd`, which must fail, and returns the error line.
pub fn query_err(cmd: &redis::Cmd, con: &mut Connection) -> String {
    match cmd.query::<redis::Value>(con) {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => err_text(&e),
    }
}

/// The error CONFIG SET gives for a bad `name`, with Redis's reason `why`.
pub fn config_set_failed(name: &str, why: &str) -> Frame {
    err(&format!("ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"))
}

/// Builds a `redis::Cmd` from string arguments.
pub fn cmd(args: &[&str]) -> redis::Cmd {
    let mut c = redis::cmd(args[0]);
    for a in &args[1..] {
        c.arg(*a);
    }
    c
}

/// Polls `cond` every 10 ms for up to `timeout`; true once it holds.
pub fn eventually(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970").as_secs() as i64
}

/// Splits a `CLIENT INFO`/`CLIENT LIST` line into `(field, value)` pairs.
pub fn client_fields(line: &str) -> Vec<(String, String)> {
    line.split_whitespace()
        .map(|part| match part.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (part.to_string(), String::new()),
        })
        .collect()
}

/// One field of a `CLIENT INFO` line.
pub fn client_field(line: &str, name: &str) -> String {
    client_fields(line)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {name}= in {line:?}"))
}

/// One `field:value` line of an INFO reply.
pub fn info_field(info: &str, name: &str) -> Option<String> {
    info.split("\r\n").find_map(|line| line.split_once(':').filter(|(k, _)| *k == name).map(|(_, v)| v.to_string()))
}
