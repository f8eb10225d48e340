//! Randomized concurrent check of the near cache's guarantees.
//!
//! Writers on other connections `SET` strictly increasing versions (per key,
//! under a lock, so the server's order is the version order); readers share
//! one near-cache client; a flusher runs `FLUSHALL` (then re-sets every
//! key) and a killer disconnects the readers' connection with `CLIENT KILL`.
//! Every read is checked against:
//!
//! - (a) once a write is acknowledged and the reader has completed one round
//!   trip begun after that (`PING`), it never again gets an older value;
//!   also after its own write, without any round trip (read-your-writes);
//! - (b) per key, a reader never gets a value older than one it already got;
//! - (c) nothing cached before a disconnect is served after it: once the
//!   reader has seen a connection error, it reads at least what had been
//!   acknowledged before that request was sent.
//!
//! A null read (the key between `FLUSHALL` and its re-set) is only allowed
//! when a flush began after the reference point. `HEARTH_MODEL_OPS` sets the
//! number of reads per server (default 100,000).

mod common;

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth::{cmd, Client, Error, NearCacheConfig, TrackingMode};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use tokio::sync::Mutex;

const KEYS: usize = 8;
const READERS: usize = 4;
const WRITERS: usize = 2;

struct World {
    version: AtomicI64,
    acked: Vec<AtomicI64>,
    locks: Vec<Mutex<()>>,
    /// Flushes begun and flushes finished (re-set included).
    flushes: AtomicU64,
    flushes_done: AtomicU64,
    stop: AtomicBool,
    ops: AtomicU64,
    errors: AtomicU64,
    kills: AtomicU64,
    violations: std::sync::Mutex<Vec<String>>,
}

fn key(i: usize) -> String {
    format!("model:{i}")
}

impl World {
    fn new() -> World {
        World {
            version: AtomicI64::new(0),
            acked: (0..KEYS).map(|_| AtomicI64::new(0)).collect(),
            locks: (0..KEYS).map(|_| Mutex::new(())).collect(),
            flushes: AtomicU64::new(0),
            flushes_done: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            ops: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            kills: AtomicU64::new(0),
            violations: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Writes the next version of key `k` through `client`; returns it once
    /// acknowledged.
    async fn write(&self, client: &Client, k: usize) -> Option<i64> {
        let _guard = self.locks[k].lock().await;
        let v = self.version.fetch_add(1, Ordering::SeqCst) + 1;
        match client.set(key(k), v).await {
            Ok(()) => {
                self.acked[k].fetch_max(v, Ordering::SeqCst);
                Some(v)
            }
            Err(_) => None,
        }
    }

    fn violation(&self, text: String) {
        let mut v = self.violations.lock().expect("not poisoned");
        if v.len() < 20 {
            v.push(text);
        } else {
            v.push(String::new());
        }
    }
}

/// One reader's view: the floor each key must respect.
struct Reader {
    /// (a)/(c): minimum version, and how many flushes had finished when it
    /// was set.
    floor: Vec<(i64, u64)>,
    /// Why each floor was last raised (for the failure message).
    why: Vec<&'static str>,
    /// (b): last value read (-1 for null), and how many flushes had finished
    /// when that read began.
    last: Vec<(i64, u64)>,
}

impl Reader {
    fn check(&mut self, world: &World, k: usize, value: Option<i64>, flushes_before: u64, what: &str) {
        // A null is legal only if a flush unfinished at the reference point
        // had begun by the end of this read.
        let flushes_after = world.flushes.load(Ordering::SeqCst);
        let (floor, floor_flushes) = self.floor[k];
        let (last, last_flushes) = self.last[k];
        match value {
            Some(v) => {
                if v < floor {
                    let why = self.why[k];
                    world.violation(format!("(a/c) {what} {}: read {v} below floor {floor} (from {why})", key(k)));
                }
                if v < last {
                    world.violation(format!("(b) {what} {}: read {v} after {last}", key(k)));
                }
                self.last[k] = (v, flushes_before);
            }
            None => {
                if floor > 0 && flushes_after <= floor_flushes {
                    world.violation(format!("(a/c) {what} {}: null with floor {floor} and no flush since", key(k)));
                }
                if last > 0 && flushes_after <= last_flushes {
                    world.violation(format!("(b) {what} {}: null after {last} and no flush since", key(k)));
                }
                self.last[k] = (-1, flushes_before);
            }
        }
    }

    fn raise(&mut self, k: usize, v: i64, flushes: u64, why: &'static str) {
        if v > self.floor[k].0 {
            self.floor[k] = (v, flushes);
            self.why[k] = why;
        }
    }
}

fn snapshot(world: &World) -> (Vec<i64>, u64) {
    let flushes = world.flushes_done.load(Ordering::SeqCst);
    (world.acked.iter().map(|a| a.load(Ordering::SeqCst)).collect(), flushes)
}

async fn read_loop(world: Arc<World>, client: Client, seed: u64, target: u64) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut me = Reader { floor: vec![(0, 0); KEYS], why: vec![""; KEYS], last: vec![(0, 0); KEYS] };
    while world.ops.load(Ordering::Relaxed) < target {
        let k = rng.gen_range(0..KEYS);
        let roll = rng.gen_range(0..100);
        if roll < 10 {
            // Barrier: a round trip begun after these acknowledgements.
            let (snap, flushes) = snapshot(&world);
            match client.ping().await {
                Ok(()) => snap.iter().enumerate().for_each(|(k, &v)| me.raise(k, v, flushes, "a PING")),
                // (c): the client has seen its connection die; the cache is
                // gone, so what was acknowledged before is the floor too.
                Err(e @ (Error::Disconnected(_) | Error::Io(_))) => {
                    let _ = e;
                    world.errors.fetch_add(1, Ordering::Relaxed);
                    snap.iter().enumerate().for_each(|(k, &v)| me.raise(k, v, flushes, "a failed PING"));
                }
                Err(_) => {
                    world.errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            continue;
        }
        if roll < 15 {
            let flushes = world.flushes_done.load(Ordering::SeqCst);
            if let Some(v) = world.write(&client, k).await {
                me.raise(k, v, flushes, "its own write");
            }
            continue;
        }
        let flushes_before = world.flushes_done.load(Ordering::SeqCst);
        if roll < 20 {
            let ks: Vec<usize> = (0..3).map(|_| rng.gen_range(0..KEYS)).collect();
            match client.mget::<Option<i64>>(ks.iter().map(|&k| key(k)).collect::<Vec<_>>()).await {
                Ok(values) => {
                    for (&k, v) in ks.iter().zip(values) {
                        me.check(&world, k, v, flushes_before, "MGET");
                    }
                }
                Err(_) => {
                    world.errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        } else {
            match client.get::<Option<i64>>(key(k)).await {
                Ok(v) => me.check(&world, k, v, flushes_before, "GET"),
                Err(_) => {
                    world.errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        world.ops.fetch_add(1, Ordering::Relaxed);
    }
}

async fn write_loop(world: Arc<World>, client: Client, seed: u64) {
    let mut rng = SmallRng::seed_from_u64(seed);
    while !world.stop.load(Ordering::Relaxed) {
        let k = rng.gen_range(0..KEYS);
        world.write(&client, k).await;
        tokio::time::sleep(Duration::from_micros(rng.gen_range(0..1500))).await;
    }
}

async fn flush_loop(world: Arc<World>, client: Client) {
    while !world.stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let mut guards = Vec::new();
        for l in &world.locks {
            guards.push(l.lock().await);
        }
        world.flushes.fetch_add(1, Ordering::SeqCst);
        if client.flushall().await.is_err() {
            world.flushes_done.fetch_add(1, Ordering::SeqCst);
            continue;
        }
        for (k, acked) in world.acked.iter().enumerate() {
            let v = world.version.fetch_add(1, Ordering::SeqCst) + 1;
            if client.set(key(k), v).await.is_ok() {
                acked.fetch_max(v, Ordering::SeqCst);
            }
        }
        world.flushes_done.fetch_add(1, Ordering::SeqCst);
    }
}

async fn kill_loop(world: Arc<World>, admin: Client, victim: Client) {
    while !world.stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(170)).await;
        if let Ok(id) = victim.client_id().await {
            if admin.cmd::<i64>(cmd("CLIENT").arg("KILL").arg("ID").arg(id)).await.unwrap_or(0) == 1 {
                world.kills.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

async fn run_model(server: common::Server, mode: TrackingMode) {
    let target: u64 = std::env::var("HEARTH_MODEL_OPS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let connect = |near: bool| {
        let mut b = Client::builder(&server.url())
            .response_timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .reconnect_backoff(Duration::from_millis(2), Duration::from_millis(50));
        if near {
            b = b.near_cache(NearCacheConfig {
                max_ttl: Duration::from_secs(60),
                mode: mode.clone(),
                ..Default::default()
            });
        }
        b.connect()
    };
    let world = Arc::new(World::new());
    let readers = connect(true).await.expect("reader client");
    let setup = connect(false).await.expect("setup client");
    for k in 0..KEYS {
        world.write(&setup, k).await.expect("initial write");
    }
    let mut background = Vec::new();
    for w in 0..WRITERS {
        background.push(tokio::spawn(write_loop(world.clone(), connect(false).await.unwrap(), 100 + w as u64)));
    }
    background.push(tokio::spawn(flush_loop(world.clone(), connect(false).await.unwrap())));
    background.push(tokio::spawn(kill_loop(world.clone(), connect(false).await.unwrap(), readers.clone())));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for r in 0..READERS {
        tasks.push(tokio::spawn(read_loop(world.clone(), readers.clone(), r as u64, target)));
    }
    for t in tasks {
        t.await.expect("reader task");
    }
    world.stop.store(true, Ordering::Relaxed);
    for t in background {
        t.await.expect("background task");
    }
    let stats = readers.near_cache_stats().expect("near cache on");
    eprintln!(
        "{:?} {mode:?}: {} reads in {:?}, {} writes, {} flushes, {} kills, {} request errors; {stats:?}",
        server.kind,
        world.ops.load(Ordering::Relaxed),
        started.elapsed(),
        world.version.load(Ordering::Relaxed),
        world.flushes.load(Ordering::Relaxed),
        world.kills.load(Ordering::Relaxed),
        world.errors.load(Ordering::Relaxed),
    );
    let violations = world.violations.lock().expect("not poisoned");
    assert!(violations.is_empty(), "{} violations, first ones:\n{}", violations.len(), violations.join("\n"));
    assert!(stats.hits > 0 && stats.invalidations > 0 && stats.flushes > 0, "the run exercised the cache: {stats:?}");
}

both!(near_cache_never_serves_stale_values, |server: common::Server| async move {
    run_model(server, TrackingMode::Default).await;
});

both!(bcast_near_cache_never_serves_stale_values, |server: common::Server| async move {
    run_model(server, TrackingMode::Bcast { prefixes: vec!["model:".into()] }).await;
});
