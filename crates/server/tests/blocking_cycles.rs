//! Blocking commands leave nothing behind.
//!
//! 10,000 block cycles over several connections at once, mixing BLPOP,
//! BZPOPMIN, BLMOVE and BLMPOP with every way a block ends: the timeout
//! expires, the client disconnects mid-block, CLIENT UNBLOCK releases it
//! (TIMEOUT or ERROR), a push from another client wakes it. Afterwards
//! INFO must show no blocked client and no blocking key, the client count
//! and `used_memory` must be back at their baseline, and a new blocking
//! pop must still be served. `HEARTH_IT_REFERENCE=1` runs the same cycles
//! against redis-server (which has no `total_blocking_keys` before 7.2).

mod common;

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::{arr, bulk, err, info_field, int, simple, Frame, Raw, Server};

/// Block/release cycles in all, split over [`WORKERS`].
const CYCLES: usize = 10_000;
/// Connections blocking at the same time.
const WORKERS: usize = 8;
/// Cycles each worker runs before the baseline is taken, so that tables
/// and buffers have reached their working size.
const WARMUP: usize = 32;
/// How far `used_memory` may end above its baseline.
const MEMORY_SLACK: i64 = 256 * 1024;

const UNBLOCKED: &str = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

/// The blocking commands exercised.
#[derive(Clone, Copy, Debug)]
enum Pop {
    Blpop,
    Bzpopmin,
    Blmove,
    Blmpop,
}

/// How a cycle's block ends.
#[derive(Clone, Copy, Debug)]
enum End {
    Timeout,
    Disconnect,
    Unblock,
    Push,
}

const POPS: [Pop; 4] = [Pop::Blpop, Pop::Bzpopmin, Pop::Blmove, Pop::Blmpop];
const ENDS: [End; 4] = [End::Timeout, End::Disconnect, End::Unblock, End::Push];

/// One worker's keys: a list, a sorted set and BLMOVE's destination.
struct Keys {
    list: String,
    zset: String,
    dest: String,
}

impl Keys {
    fn new(worker: usize) -> Keys {
        Keys { list: format!("bc:{worker}:list"), zset: format!("bc:{worker}:zset"), dest: format!("bc:{worker}:dest") }
    }

    /// The blocking command for `pop` with `timeout` (seconds).
    fn command(&self, pop: Pop, timeout: &str) -> Vec<String> {
        let parts: Vec<&str> = match pop {
            Pop::Blpop => vec!["BLPOP", &self.list, timeout],
            Pop::Bzpopmin => vec!["BZPOPMIN", &self.zset, timeout],
            Pop::Blmove => vec!["BLMOVE", &self.list, &self.dest, "LEFT", "RIGHT", timeout],
            Pop::Blmpop => vec!["BLMPOP", timeout, "1", &self.list, "LEFT"],
        };
        parts.into_iter().map(String::from).collect()
    }

    /// The push that serves `pop`, and the reply the woken client expects.
    fn push(&self, pop: Pop, value: &str) -> (Vec<String>, Frame) {
        let (cmd, reply) = match pop {
            Pop::Blpop => (vec!["RPUSH", &self.list, value], arr(vec![bulk(&self.list), bulk(value)])),
            Pop::Bzpopmin => {
                (vec!["ZADD", &self.zset, "1", value], arr(vec![bulk(&self.zset), bulk(value), bulk("1")]))
            }
            Pop::Blmove => (vec!["RPUSH", &self.list, value], bulk(value)),
            Pop::Blmpop => (vec!["RPUSH", &self.list, value], arr(vec![bulk(&self.list), arr(vec![bulk(value)])])),
        };
        (cmd.into_iter().map(String::from).collect(), reply)
    }
}

/// One worker's connections: `blocker` blocks, `control` pushes and
/// unblocks.
struct Worker {
    keys: Keys,
    blocker: Raw,
    blocker_id: i64,
    control: Raw,
}

impl Worker {
    fn new(server: &Server, index: usize) -> Worker {
        let mut blocker = server.raw();
        let blocker_id = blocker.cmd(&["CLIENT", "ID"]).int();
        Worker { keys: Keys::new(index), blocker, blocker_id, control: server.raw() }
    }

    /// Sends PING and `command` in one write and waits for the PONG: both
    /// arrive in one read, so once PONG is back the command has blocked.
    fn start_block(conn: &mut Raw, command: &[String]) {
        let mut bytes = common::resp::encode(&["PING"]);
        bytes.extend_from_slice(&common::resp::encode(command));
        conn.send(&bytes);
        assert_eq!(conn.read(), simple("PONG"));
    }

    fn cycle(&mut self, server: &Server, n: usize) {
        let pop = POPS[n % POPS.len()];
        let end = ENDS[(n / POPS.len()) % ENDS.len()];
        match end {
            End::Timeout => {
                let reply = self.blocker.cmd(&self.keys.command(pop, "0.01"));
                assert_eq!(reply, Frame::NullArray, "{pop:?} timing out");
            }
            End::Disconnect => {
                let mut conn = server.raw();
                Self::start_block(&mut conn, &self.keys.command(pop, "0"));
                conn.close();
            }
            End::Unblock => {
                Self::start_block(&mut self.blocker, &self.keys.command(pop, "0"));
                let (how, expected) =
                    if n.is_multiple_of(2) { ("TIMEOUT", Frame::NullArray) } else { ("ERROR", err(UNBLOCKED)) };
                let id = self.blocker_id.to_string();
                assert_eq!(self.control.cmd(&["CLIENT", "UNBLOCK", &id, how]), int(1), "{pop:?} unblocked");
                assert_eq!(self.blocker.read(), expected, "{pop:?} unblocked with {how}");
            }
            End::Push => {
                Self::start_block(&mut self.blocker, &self.keys.command(pop, "0"));
                let value = format!("v{n}");
                let (push, expected) = self.keys.push(pop, &value);
                assert_eq!(self.control.cmd(&push), int(1));
                assert_eq!(self.blocker.read(), expected, "{pop:?} woken by a push");
                if let Pop::Blmove = pop {
                    assert_eq!(self.control.cmd(&["DEL", &self.keys.dest]), int(1));
                }
            }
        }
    }
}

/// One `INFO` field as a number.
fn info_number(conn: &mut Raw, section: &str, name: &str) -> Option<i64> {
    let text = conn.cmd(&["INFO", section]).text();
    info_field(&text, name).map(|v| v.parse().unwrap_or_else(|e| panic!("{name}:{v}: {e}")))
}

/// Polls until `name` reads `want` (disconnects are noticed asynchronously).
fn settle(conn: &mut Raw, section: &str, name: &str, want: i64) -> Option<i64> {
    let mut last = None;
    common::eventually(Duration::from_secs(5), || {
        last = info_number(conn, section, name);
        last.is_none_or(|v| v == want)
    });
    last
}

#[test]
fn ten_thousand_block_cycles_leave_no_clients_keys_or_memory_behind() {
    let server = Arc::new(Server::new());
    let mut admin = server.raw();
    let mut workers: Vec<Worker> = (0..WORKERS).map(|index| Worker::new(&server, index)).collect();
    for worker in &mut workers {
        for n in 0..WARMUP {
            worker.cycle(&server, n);
        }
    }
    assert_eq!(settle(&mut admin, "clients", "blocked_clients", 0), Some(0));
    let clients = settle(&mut admin, "clients", "connected_clients", WORKERS as i64 * 2 + 1);
    let memory = info_number(&mut admin, "memory", "used_memory").expect("used_memory");

    let handles: Vec<_> = workers
        .into_iter()
        .map(|mut worker| {
            let server = server.clone();
            thread::spawn(move || {
                for n in 0..CYCLES / WORKERS {
                    worker.cycle(&server, n);
                }
                // Kept open until the end: the baseline counts them.
                worker
            })
        })
        .collect();
    let workers: Vec<Worker> = handles.into_iter().map(|h| h.join().expect("worker thread")).collect();

    assert_eq!(settle(&mut admin, "clients", "blocked_clients", 0), Some(0));
    assert_eq!(settle(&mut admin, "clients", "connected_clients", clients.expect("connected_clients")), clients);
    let blocking_keys = settle(&mut admin, "clients", "total_blocking_keys", 0);
    if !server.is_reference() {
        assert_eq!(blocking_keys, Some(0), "Hearth reports total_blocking_keys");
    }
    assert_eq!(admin.cmd(&["DBSIZE"]), int(0), "every pushed element was popped");
    let mut grown = 0;
    let settled = common::eventually(Duration::from_secs(5), || {
        grown = info_number(&mut admin, "memory", "used_memory").expect("used_memory") - memory;
        grown <= MEMORY_SLACK
    });
    assert!(settled, "used_memory grew by {grown} bytes over {CYCLES} block cycles");

    // Still serves a blocking pop, woken by a push.
    let mut fresh = server.raw();
    Worker::start_block(&mut fresh, &["BLPOP".into(), "bc:after".into(), "5".into()]);
    assert_eq!(admin.cmd(&["RPUSH", "bc:after", "x"]), int(1));
    assert_eq!(fresh.read(), arr(vec![bulk("bc:after"), bulk("x")]));
    drop(workers);
}

#[test]
fn info_counts_blocked_clients_and_the_keys_they_wait_on() {
    let server = Server::new();
    let mut admin = server.raw();
    let mut first = server.raw();
    let mut second = server.raw();
    Worker::start_block(&mut first, &["BLPOP", "ik:a", "ik:b", "ik:c", "0"].map(String::from));
    Worker::start_block(&mut second, &["BZPOPMIN", "ik:b", "ik:z", "0"].map(String::from));
    assert_eq!(info_number(&mut admin, "clients", "blocked_clients"), Some(2));
    if !server.is_reference() {
        assert_eq!(info_number(&mut admin, "clients", "total_blocking_keys"), Some(4));
    }
    assert_eq!(admin.cmd(&["RPUSH", "ik:c", "v"]), int(1));
    assert_eq!(first.read(), arr(vec![bulk("ik:c"), bulk("v")]));
    assert_eq!(info_number(&mut admin, "clients", "blocked_clients"), Some(1));
    if !server.is_reference() {
        assert_eq!(info_number(&mut admin, "clients", "total_blocking_keys"), Some(2));
    }
    assert_eq!(info_number(&mut admin, "clients", "clients_in_timeout_table"), Some(0), "no timeouts yet");
    let mut timed = server.raw();
    Worker::start_block(&mut timed, &["BLPOP", "ik:t", "30"].map(String::from));
    assert_eq!(info_number(&mut admin, "clients", "clients_in_timeout_table"), Some(1));
    second.close();
    timed.close();
    assert_eq!(settle(&mut admin, "clients", "blocked_clients", 0), Some(0));
    assert_eq!(settle(&mut admin, "clients", "clients_in_timeout_table", 0), Some(0));
    assert_eq!(settle(&mut admin, "clients", "total_blocking_keys", 0).unwrap_or(0), 0);
}
