//! Client tracking races with the rest of the server, each under
//! concurrency on a server with two worker threads: FLUSHALL interleaved
//! with writes must never leave a stale cached value behind, and CLIENT
//! TRACKING OFF then ON while the cron sweeps the tracking table must keep
//! the reads made after ON tracked. Set `HEARTH_IT_REFERENCE=1` to run
//! against redis-server.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::stress::{invalidation, is_pong, key, number, ok, start_server, Conn, Invalidation, Rng, F, TIME_LIMIT};

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
