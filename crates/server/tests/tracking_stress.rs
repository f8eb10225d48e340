//! Client tracking under concurrency: several writers and several
//! tracking readers on a small key space, on a server with two worker
//! threads, checking the two promises a client-side cache relies on.
//!
//! Every key holds a number that only grows: writer `w` owns the keys
//! `i % WRITERS == w` and writes 1, 2, 3... to each, publishing a value in
//! `acked[k]` once its SET has returned. A reader keeps a local cache the
//! way the protocol says (drop a key on its invalidation, everything on a
//! null one, read again on a miss) and before each round trip takes a
//! snapshot of `acked`. Then:
//!
//! 1. after a round trip's reply, no cached value is older than the
//!    snapshot: the invalidation of every write acknowledged before the
//!    round trip started arrived before its reply;
//! 2. a value served from the cache is never older than the snapshot of
//!    the last round trip (nor a value read from the server older than the
//!    snapshot taken just before the read).
//!
//! Readers come in four kinds: RESP3 (pushes on the same connection) and
//! RESP2 with REDIRECT to a connection subscribed to `__redis__:invalidate`
//! (the round trip is a PING on that connection), each in default and BCAST
//! mode. A second test interleaves FLUSHALL with the writes.
//!
//! Threads use blocking `std::net::TcpStream`s and the small RESP reader
//! below. Set `HEARTH_IT_REFERENCE=1` to run against redis-server (started
//! without io-threads: Redis's spin-waiting I/O threads only slow a shared
//! 2-core machine down, and its ordering does not depend on them).

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::Server;

const NKEYS: usize = 16;
const WRITERS: usize = 3;
const TARGET_OPS: u64 = 120_000;
const TIME_LIMIT: Duration = Duration::from_secs(45);
const CHANNEL: &str = "__redis__:invalidate";

// -- a tiny RESP client ---------------------------------------------------------------

/// The frames this test meets.
#[derive(Debug, Clone, PartialEq)]
enum F {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<F>>),
    Push(Vec<F>),
    Null,
    /// Maps, sets and the rest: only HELLO's reply, which is skipped.
    Other,
}

struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn connect(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).expect("connect to the server");
        stream.set_nodelay(true).expect("nodelay");
        stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
        Conn { reader: BufReader::with_capacity(1 << 16, stream.try_clone().expect("clone socket")), writer: stream }
    }

    fn send(&mut self, args: &[&[u8]]) {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        self.writer.write_all(&out).expect("write to the server");
    }

    fn line(&mut self) -> Vec<u8> {
        let mut line = Vec::new();
        self.reader.read_until(b'\n', &mut line).expect("read from the server");
        assert!(line.ends_with(b"\r\n"), "connection closed or bad line: {:?}", String::from_utf8_lossy(&line));
        line.truncate(line.len() - 2);
        line
    }

    fn read(&mut self) -> F {
        let line = self.line();
        let rest = String::from_utf8_lossy(&line[1..]).into_owned();
        let n = || rest.parse::<i64>().expect("a length");
        match line[0] {
            b'+' => F::Simple(rest),
            b'-' => F::Error(rest),
            b':' => F::Int(n()),
            b'_' => F::Null,
            b'$' => {
                if n() < 0 {
                    return F::Bulk(None);
                }
                let mut data = vec![0u8; n() as usize + 2];
                std::io::Read::read_exact(&mut self.reader, &mut data).expect("bulk payload");
                data.truncate(n() as usize);
                F::Bulk(Some(data))
            }
            b'*' | b'>' => {
                if n() < 0 {
                    return F::Array(None);
                }
                let items: Vec<F> = (0..n()).map(|_| self.read()).collect();
                if line[0] == b'>' {
                    F::Push(items)
                } else {
                    F::Array(Some(items))
                }
            }
            b'%' | b'~' => {
                let count = if line[0] == b'%' { 2 * n() } else { n() };
                for _ in 0..count {
                    self.read();
                }
                F::Other
            }
            other => panic!("unexpected RESP type {:?}", other as char),
        }
    }

    fn cmd(&mut self, args: &[&str]) -> F {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        self.send(&args);
        self.read()
    }

    /// Whether bytes are already readable, without waiting.
    fn has_pending(&mut self) -> bool {
        if !self.reader.buffer().is_empty() {
            return true;
        }
        self.writer.set_nonblocking(true).expect("nonblocking");
        let pending = match self.reader.fill_buf() {
            Ok(buf) => !buf.is_empty(),
            Err(e) if e.kind() == ErrorKind::WouldBlock => false,
            Err(e) => panic!("read: {e}"),
        };
        self.writer.set_nonblocking(false).expect("blocking");
        pending
    }
}

/// Hearth with two worker threads (connections are spread round robin, so
/// readers and writers run on different threads), or redis-server.
fn start_server() -> Server {
    let reference = std::env::var_os("HEARTH_IT_REFERENCE").is_some_and(|v| !v.is_empty() && v != "0");
    Server::start(if reference { &[] } else { &["--io-threads", "2"] })
}

fn ok(f: F) {
    assert_eq!(f, F::Simple("OK".into()));
}

fn key(i: usize) -> String {
    format!("key:{i}")
}

fn key_index(name: &[u8]) -> usize {
    std::str::from_utf8(name)
        .ok()
        .and_then(|s| s.strip_prefix("key:"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected key {:?}", String::from_utf8_lossy(name)))
}

/// A tiny xorshift generator: no dependency, reproducible per thread.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

// -- the invalidation side of a reader --------------------------------------------------

/// What an invalidation says: these keys, or everything (a flush).
enum Invalidation {
    Keys(Vec<usize>),
    All,
}

/// Decodes an invalidation frame (RESP3 push or RESP2 message), or None
/// when `f` is something else.
fn invalidation(f: &F) -> Option<Invalidation> {
    let keys = match f {
        F::Push(items) if items.len() == 2 && items[0] == F::Bulk(Some(b"invalidate".to_vec())) => &items[1],
        F::Array(Some(items))
            if items.len() == 3
                && items[0] == F::Bulk(Some(b"message".to_vec()))
                && items[1] == F::Bulk(Some(CHANNEL.as_bytes().to_vec())) =>
        {
            &items[2]
        }
        _ => return None,
    };
    match keys {
        F::Null | F::Bulk(None) | F::Array(None) => Some(Invalidation::All),
        F::Array(Some(ks)) => Some(Invalidation::Keys(
            ks.iter()
                .map(|k| match k {
                    F::Bulk(Some(name)) => key_index(name),
                    other => panic!("bad key in an invalidation: {other:?}"),
                })
                .collect(),
        )),
        other => panic!("bad key list in an invalidation: {other:?}"),
    }
}

fn is_pong(f: &F) -> bool {
    match f {
        F::Simple(s) => s == "PONG",
        // RESP2 subscribed mode answers PING with ["pong", ""].
        F::Array(Some(items)) => items.first() == Some(&F::Bulk(Some(b"pong".to_vec()))),
        _ => false,
    }
}

fn number(f: &F) -> u64 {
    match f {
        F::Bulk(None) | F::Null => 0,
        F::Bulk(Some(b)) => std::str::from_utf8(b).ok().and_then(|s| s.parse().ok()).expect("a number"),
        other => panic!("GET answered {other:?}"),
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Resp3,
    Resp3Bcast,
    Redirect,
    RedirectBcast,
}

impl Kind {
    fn redirect(self) -> bool {
        matches!(self, Kind::Redirect | Kind::RedirectBcast)
    }
    fn bcast(self) -> bool {
        matches!(self, Kind::Resp3Bcast | Kind::RedirectBcast)
    }
}

/// Violations found by one reader (with a few examples).
#[derive(Default, Debug)]
struct Findings {
    round_trips: u64,
    reads: u64,
    cache_hits: u64,
    invalidations: u64,
    /// Invariant 1: a cached value older than the snapshot after a round trip.
    late_push: u64,
    /// Invariant 2: a value served from the cache older than the last round trip's snapshot.
    stale_served: u64,
    /// The server answered a GET with a value older than one acknowledged before it.
    stale_read: u64,
    /// Redirect only: after a round trip on the data connection, the push
    /// for a write acknowledged before it was not yet readable on the target.
    cross_lag: u64,
    examples: Vec<String>,
}

impl Findings {
    fn note(&mut self, what: String) {
        if self.examples.len() < 5 {
            self.examples.push(what);
        }
    }
}

struct Reader {
    kind: Kind,
    data: Conn,
    sink: Option<Conn>,
    cache: HashMap<usize, u64>,
    /// `acked` as seen before the last round trip.
    snapshot: Vec<u64>,
    found: Findings,
}

impl Reader {
    fn new(addr: SocketAddr, kind: Kind) -> Reader {
        let mut data = Conn::connect(addr);
        let mut args: Vec<String> = vec!["CLIENT".into(), "TRACKING".into(), "ON".into()];
        let sink = if kind.redirect() {
            let mut sink = Conn::connect(addr);
            let F::Int(id) = sink.cmd(&["CLIENT", "ID"]) else { panic!("CLIENT ID") };
            assert!(matches!(sink.cmd(&["SUBSCRIBE", CHANNEL]), F::Array(Some(_))));
            args.extend(["REDIRECT".into(), id.to_string()]);
            Some(sink)
        } else {
            assert_eq!(data.cmd(&["HELLO", "3"]), F::Other);
            None
        };
        if kind.bcast() {
            args.extend(["BCAST".into(), "PREFIX".into(), "key:".into()]);
        }
        ok(data.cmd(&args.iter().map(String::as_str).collect::<Vec<_>>()));
        Reader { kind, data, sink, cache: HashMap::new(), snapshot: vec![0; NKEYS], found: Findings::default() }
    }

    fn apply(&mut self, inv: Invalidation) {
        self.found.invalidations += 1;
        match inv {
            Invalidation::Keys(ks) => ks.iter().for_each(|k| {
                self.cache.remove(k);
            }),
            Invalidation::All => self.cache.clear(),
        }
    }

    fn take_snapshot(&mut self, acked: &[AtomicU64]) {
        for (s, a) in self.snapshot.iter_mut().zip(acked) {
            *s = a.load(Ordering::SeqCst);
        }
    }

    /// Invariant 1, right after a round trip.
    fn check_cache(&mut self, what: &str) -> bool {
        let mut stale = false;
        for (k, v) in &self.cache {
            if *v < self.snapshot[*k] {
                stale = true;
                self.found.late_push += 1;
                let note = format!(
                    "{:?}: after {what}, key:{k} cached {v} but {} was acknowledged before it",
                    self.kind, self.snapshot[*k]
                );
                self.found.note(note);
            }
        }
        stale
    }

    /// PING on the connection invalidations arrive on; applies every
    /// invalidation that precedes the PONG.
    fn round_trip(&mut self, acked: &[AtomicU64]) {
        if self.sink.is_some() {
            // First the data connection: is every due push already readable
            // on the target when its reply arrives? (Redis writes the push
            // before it even reads the next command.)
            self.take_snapshot(acked);
            let due = self.cache.iter().any(|(k, v)| *v < self.snapshot[*k]);
            assert!(is_pong(&self.data.cmd(&["PING"])));
            let sink = self.sink.as_mut().expect("redirect reader has a target");
            if due && !sink.has_pending() {
                self.found.cross_lag += 1;
            }
        }
        self.take_snapshot(acked);
        let conn = self.sink.as_mut().unwrap_or(&mut self.data);
        conn.send(&[b"PING"]);
        let mut invs = Vec::new();
        loop {
            let f = conn.read();
            if is_pong(&f) {
                break;
            }
            invs.push(invalidation(&f).unwrap_or_else(|| panic!("{:?}: unexpected frame {f:?}", self.kind)));
        }
        invs.into_iter().for_each(|i| self.apply(i));
        self.found.round_trips += 1;
        self.check_cache("a PING round trip");
    }

    /// Serves `k` from the cache, or reads it from the server on a miss
    /// (then true).
    fn get(&mut self, k: usize, acked: &[AtomicU64]) -> bool {
        if let Some(v) = self.cache.get(&k).copied() {
            self.found.cache_hits += 1;
            if v < self.snapshot[k] {
                self.found.stale_served += 1;
                let note = format!(
                    "{:?}: served key:{k}={v} from the cache; {} was acknowledged",
                    self.kind, self.snapshot[k]
                );
                self.found.note(note);
            }
            return false;
        }
        // In RESP3 the GET is itself a round trip for the pushes; in the
        // redirect case it says nothing about the target connection.
        let before = acked[k].load(Ordering::SeqCst);
        if self.sink.is_none() {
            self.take_snapshot(acked);
        }
        let name = key(k);
        self.data.send(&[b"GET", name.as_bytes()]);
        let value = loop {
            let f = self.data.read();
            match invalidation(&f) {
                Some(inv) if self.sink.is_none() => self.apply(inv),
                _ => break number(&f),
            }
        };
        self.found.reads += 1;
        if value < before {
            self.found.stale_read += 1;
            self.found.note(format!("{:?}: GET key:{k} answered {value} after {before} was acknowledged", self.kind));
        }
        self.cache.insert(k, value);
        if self.sink.is_none() {
            self.check_cache("a GET round trip");
        }
        true
    }
}

struct Shared {
    acked: Vec<AtomicU64>,
    ops: AtomicU64,
    stop: AtomicBool,
}

fn writer_loop(addr: SocketAddr, w: usize, shared: &Shared) {
    let mut c = Conn::connect(addr);
    let owned: Vec<usize> = (0..NKEYS).filter(|k| k % WRITERS == w).collect();
    let mut next = [0u64; NKEYS];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (w as u64 + 1));
    while !shared.stop.load(Ordering::Relaxed) {
        let k = owned[rng.below(owned.len())];
        next[k] += 1;
        let value = next[k].to_string();
        let name = key(k);
        c.send(&[b"SET", name.as_bytes(), value.as_bytes()]);
        ok(c.read());
        shared.acked[k].store(next[k], Ordering::SeqCst);
        if shared.ops.fetch_add(1, Ordering::Relaxed) + 1 >= TARGET_OPS {
            shared.stop.store(true, Ordering::Relaxed);
        }
    }
}

fn reader_loop(addr: SocketAddr, kind: Kind, seed: u64, shared: &Shared) -> Findings {
    let mut r = Reader::new(addr, kind);
    let mut rng = Rng(seed);
    while !shared.stop.load(Ordering::Relaxed) {
        r.round_trip(&shared.acked);
        // Server operations: the PING(s), then the GETs that missed.
        let mut done = 1 + r.sink.is_some() as u64;
        for _ in 0..4 {
            let k = rng.below(NKEYS);
            done += r.get(k, &shared.acked) as u64;
        }
        if shared.ops.fetch_add(done, Ordering::Relaxed) + done >= TARGET_OPS {
            shared.stop.store(true, Ordering::Relaxed);
        }
    }
    r.found
}

fn report(name: &str, all: &[(Kind, Findings)], ops: u64, elapsed: Duration) {
    eprintln!("{name}: {ops} operations in {elapsed:.1?}");
    for (kind, f) in all {
        eprintln!(
            "  {kind:?}: round trips {}, server reads {}, cache hits {}, invalidations {}, late pushes {}, \
             stale served {}, stale reads {}, cross-connection lag {}",
            f.round_trips,
            f.reads,
            f.cache_hits,
            f.invalidations,
            f.late_push,
            f.stale_served,
            f.stale_read,
            f.cross_lag
        );
        for e in &f.examples {
            eprintln!("    {e}");
        }
    }
}

#[test]
fn tracking_readers_never_see_a_late_push_or_serve_a_stale_value() {
    let s = start_server();
    let addr = s.addr();
    let shared = Arc::new(Shared {
        acked: (0..NKEYS).map(|_| AtomicU64::new(0)).collect(),
        ops: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    });
    let kinds = [Kind::Resp3, Kind::Redirect, Kind::Resp3Bcast, Kind::RedirectBcast];
    let start = Instant::now();
    let readers: Vec<_> = kinds
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            let shared = shared.clone();
            thread::spawn(move || (kind, reader_loop(addr, kind, 0xDEAD_BEEF + i as u64, &shared)))
        })
        .collect();
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let shared = shared.clone();
            thread::spawn(move || writer_loop(addr, w, &shared))
        })
        .collect();
    let watchdog = {
        let shared = shared.clone();
        thread::spawn(move || {
            while !shared.stop.load(Ordering::Relaxed) && start.elapsed() < TIME_LIMIT {
                thread::sleep(Duration::from_millis(20));
            }
            shared.stop.store(true, Ordering::Relaxed);
        })
    };
    writers.into_iter().for_each(|h| h.join().expect("writer thread"));
    let found: Vec<(Kind, Findings)> = readers.into_iter().map(|h| h.join().expect("reader thread")).collect();
    watchdog.join().expect("watchdog");
    let ops = shared.ops.load(Ordering::Relaxed);
    report("tracking stress", &found, ops, start.elapsed());
    assert!(ops >= 100_000, "only {ops} operations within {TIME_LIMIT:?}");
    for (kind, f) in &found {
        assert!(f.invalidations > 0 && f.cache_hits > 0, "{kind:?} did not exercise the cache: {f:?}");
        assert_eq!((f.late_push, f.stale_served, f.stale_read), (0, 0, 0), "{kind:?}: {f:?}");
    }
}

/// The cross-connection promise of REDIRECT as Redis keeps it: once a
/// write is acknowledged, its invalidation is already on the target's
/// socket, so a client that round-trips on its data connection and then
/// peeks at the target sees it. Reported by the main stress test as
/// "cross-connection lag"; asserted here on its own. (Hearth posts the push
/// to the target's inbox before the write's reply; the data connection holds
/// its next reply until the target's task has written it.)
#[test]
fn redirect_push_is_on_the_target_socket_before_the_data_connection_round_trip() {
    let s = start_server();
    let addr = s.addr();
    let shared = Arc::new(Shared {
        acked: (0..NKEYS).map(|_| AtomicU64::new(0)).collect(),
        ops: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    });
    let start = Instant::now();
    let readers: Vec<_> = (0..2)
        .map(|i| {
            let shared = shared.clone();
            thread::spawn(move || (Kind::Redirect, reader_loop(addr, Kind::Redirect, 0x5EED + i, &shared)))
        })
        .collect();
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let shared = shared.clone();
            thread::spawn(move || writer_loop(addr, w, &shared))
        })
        .collect();
    writers.into_iter().for_each(|h| h.join().expect("writer thread"));
    let found: Vec<(Kind, Findings)> = readers.into_iter().map(|h| h.join().expect("reader thread")).collect();
    report("redirect cross-connection", &found, shared.ops.load(Ordering::Relaxed), start.elapsed());
    for (_, f) in &found {
        assert_eq!(f.cross_lag, 0, "{f:?}");
    }
}

// -- FLUSHALL interleaved with writes -----------------------------------------------------

/// One writer alternates SETs with FLUSHALL; `changed[k]` is the sequence
/// number of the last acknowledged operation that changed `k` (its SET, or
/// a FLUSHALL). Values are sequence numbers, so a cached value `v` is
/// stale once `changed[k] > v`. Readers (RESP3, default mode) cache only
/// non-nil values.
///
/// Hearth sends the null invalidation and empties the tracking table
/// *before* it locks and empties the databases (`commands/db.rs`
/// `flush`): a GET running in between returns the old value, registers the
/// key again and is never invalidated by the flush that then deletes it.
#[test]
fn flushall_never_leaves_a_stale_cached_value() {
    const KEYS: usize = 4;
    const OPS: u64 = 15_000;
    let s = start_server();
    let addr = s.addr();
    let changed: Arc<Vec<AtomicU64>> = Arc::new((0..KEYS).map(|_| AtomicU64::new(0)).collect());
    let stop = Arc::new(AtomicBool::new(false));
    // (key, cached value, acknowledged change, what): one per event.
    let failures = Arc::new(Mutex::new(Vec::<(usize, u64, u64, &str)>::new()));
    let start = Instant::now();
    let readers: Vec<_> = (0..3u64)
        .map(|i| {
            let (changed, stop, failures) = (changed.clone(), stop.clone(), failures.clone());
            thread::spawn(move || {
                let mut c = Conn::connect(addr);
                assert_eq!(c.cmd(&["HELLO", "3"]), F::Other);
                ok(c.cmd(&["CLIENT", "TRACKING", "ON"]));
                let mut cache: HashMap<usize, u64> = HashMap::new();
                let mut rng = Rng(0xF1A5 + i);
                let mut snapshot = [0u64; KEYS];
                let mut round_trips = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let k = rng.below(KEYS);
                    if let Some(v) = cache.get(&k) {
                        if *v < snapshot[k] {
                            failures.lock().unwrap().push((k, *v, snapshot[k], "served from the cache"));
                        }
                        // Serve twice, then round-trip.
                        if rng.below(2) == 0 {
                            continue;
                        }
                    }
                    for (s, a) in snapshot.iter_mut().zip(changed.iter()) {
                        *s = a.load(Ordering::SeqCst);
                    }
                    let name = key(k);
                    c.send(&[b"GET", name.as_bytes()]);
                    let value = loop {
                        let f = c.read();
                        match invalidation(&f) {
                            Some(Invalidation::All) => cache.clear(),
                            Some(Invalidation::Keys(ks)) => ks.iter().for_each(|k| {
                                cache.remove(k);
                            }),
                            None => break f,
                        }
                    };
                    round_trips += 1;
                    match value {
                        F::Null => {
                            cache.remove(&k);
                        }
                        f => {
                            cache.insert(k, number(&f));
                        }
                    }
                    for (k, v) in &cache {
                        if *v < snapshot[*k] {
                            failures.lock().unwrap().push((*k, *v, snapshot[*k], "still cached after a round trip"));
                        }
                    }
                }
                round_trips
            })
        })
        .collect();
    let mut w = Conn::connect(addr);
    let mut flushes = 0;
    for seq in 1..=OPS {
        if start.elapsed() > TIME_LIMIT {
            break;
        }
        if seq % 3 == 0 {
            ok(w.cmd(&["FLUSHALL"]));
            flushes += 1;
            changed.iter().for_each(|c| c.store(seq, Ordering::SeqCst));
        } else {
            let k = (seq as usize) % KEYS;
            ok(w.cmd(&["SET", &key(k), &seq.to_string()]));
            changed[k].store(seq, Ordering::SeqCst);
        }
    }
    stop.store(true, Ordering::Relaxed);
    let round_trips: Vec<u64> = readers.into_iter().map(|h| h.join().expect("reader thread")).collect();
    // The readers are gone: once the server has cleaned up, no key is
    // tracked any more. (A counter zeroed by FLUSHALL while a read added an
    // entry shows up here as a leftover or a wrapped-around count.)
    let mut counters = || {
        let F::Bulk(Some(info)) = w.cmd(&["INFO", "stats"]) else { panic!("INFO") };
        let info = String::from_utf8_lossy(&info).into_owned();
        let field = |name: &str| common::info_field(&info, name).unwrap_or_default();
        (field("tracking_total_keys"), field("tracking_total_items"))
    };
    let settled = common::eventually(Duration::from_secs(5), || counters() == ("0".into(), "0".into()));
    let left = counters();
    let failures = failures.lock().unwrap();
    let distinct: std::collections::BTreeSet<(usize, u64, u64)> = failures.iter().map(|f| (f.0, f.1, f.2)).collect();
    eprintln!(
        "flush stress: {flushes} flushes, reader round trips {round_trips:?}, {} violations ({} distinct stale \
         entries) in {:.1?}; tracking_total_keys/items after the readers left: {left:?}",
        failures.len(),
        distinct.len(),
        start.elapsed()
    );
    let examples: Vec<String> = failures
        .iter()
        .take(3)
        .map(|(k, v, change, what)| format!("key:{k}={v} {what}, but change {change} was acknowledged before"))
        .collect();
    assert!(failures.is_empty(), "{} stale cached values, e.g. {examples:?}", failures.len());
    assert!(settled, "tracking_total_keys/items after every reader left: {left:?}");
}

// -- CLIENT TRACKING OFF/ON while the cron sweeps the tracking table -----------------------

/// OFF queues the client for the cron's sweep of the default-mode table;
/// ON takes it off the queue. But a sweep that has already taken the queue
/// keeps removing the client's entries shard by shard, including keys it
/// read after ON: their writes are then never reported. A client tracking
/// many keys makes each sweep long enough to hit this reliably.
#[test]
fn tracking_off_then_on_during_a_sweep_keeps_new_reads_tracked() {
    let s = start_server();
    let addr = s.addr();
    let mut big = Conn::connect(addr);
    assert_eq!(big.cmd(&["HELLO", "3"]), F::Other);
    ok(big.cmd(&["CLIENT", "TRACKING", "ON"]));
    for chunk in 0..300 {
        let names: Vec<String> = (0..1000).map(|i| format!("filler:{}", chunk * 1000 + i)).collect();
        let mut args: Vec<&str> = vec!["MGET"];
        args.extend(names.iter().map(String::as_str));
        assert!(matches!(big.cmd(&args), F::Array(Some(_))));
    }
    let mut c = Conn::connect(addr);
    assert_eq!(c.cmd(&["HELLO", "3"]), F::Other);
    let mut w = Conn::connect(addr);
    let mut rng = Rng(0xC0FFEE);
    let (mut rounds, mut missed) = (0, 0);
    let start = Instant::now();
    while rounds < 200 && start.elapsed() < Duration::from_secs(20) {
        rounds += 1;
        ok(c.cmd(&["CLIENT", "TRACKING", "OFF"]));
        // Off for a random part of a cron tick (hz 10), so that some sweeps
        // start while this client is queued.
        thread::sleep(Duration::from_millis(rng.below(100) as u64));
        ok(c.cmd(&["CLIENT", "TRACKING", "ON"]));
        c.cmd(&["GET", "key:0"]);
        thread::sleep(Duration::from_millis(30)); // let a running sweep finish
        ok(w.cmd(&["SET", "key:0", &rounds.to_string()]));
        c.send(&[b"PING"]);
        let mut pushed = false;
        loop {
            let f = c.read();
            if is_pong(&f) {
                break;
            }
            pushed |= matches!(invalidation(&f), Some(Invalidation::Keys(ref ks)) if ks == &[0]);
        }
        missed += !pushed as u32;
    }
    eprintln!("off/on during sweeps: {missed} of {rounds} writes after a re-enable were not invalidated");
    assert_eq!(missed, 0, "{missed} of {rounds} writes of a key read after ON sent no invalidation");
}
