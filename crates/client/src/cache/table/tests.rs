//! The pending/doomed state machine, without a server.

use super::*;
use crate::cache::clock::manual::ManualClock;

fn cache_with(config: NearCacheConfig) -> (Arc<NearCache>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    let cache = Arc::new(NearCache::new(&config, clock.clone()));
    cache.set_connected(true);
    (cache, clock)
}

fn cache() -> (Arc<NearCache>, Arc<ManualClock>) {
    cache_with(NearCacheConfig::default())
}

fn get(key: &str) -> Read {
    Read::new("GET", Bytes::copy_from_slice(key.as_bytes()))
}

fn hget(key: &str, field: &str) -> Read {
    Read::with("HGET", Bytes::copy_from_slice(key.as_bytes()), vec![Bytes::copy_from_slice(field.as_bytes())])
}

fn bulk(s: &str) -> Frame {
    Frame::Bulk(Bytes::copy_from_slice(s.as_bytes()))
}

fn lead(cache: &Arc<NearCache>, read: &Read) -> Lease {
    match cache.begin(read) {
        Begin::Lead(lease) => lease,
        Begin::Hit(_) => panic!("unexpected hit"),
        Begin::Wait(_) => panic!("unexpected wait"),
        Begin::Bypass => panic!("unexpected bypass"),
    }
}

fn key(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

#[test]
fn completed_read_is_served_locally() {
    let (cache, _) = cache();
    assert_eq!(cache.get(&get("k")), None);
    let lease = lead(&cache, &get("k"));
    assert_eq!(cache.complete(lease, Ok((bulk("v1"), -1))).unwrap(), bulk("v1"));
    assert_eq!(cache.get(&get("k")), Some(bulk("v1")));
    let s = cache.stats();
    assert_eq!((s.hits, s.misses, s.keys), (1, 1, 1));
    assert!(s.bytes > 0);
}

#[test]
fn invalidation_while_pending_dooms_the_reply() {
    let (cache, _) = cache();
    let lease = lead(&cache, &get("k"));
    cache.invalidate(&[key("k")], false);
    // The caller still gets the reply...
    assert_eq!(cache.complete(lease, Ok((bulk("old"), -1))).unwrap(), bulk("old"));
    // ...but it is not cached.
    assert_eq!(cache.get(&get("k")), None);
    assert_eq!(cache.stats().doomed, 1);
}

#[test]
fn concurrent_readers_share_one_pending_read() {
    let (cache, _) = cache();
    let lease = lead(&cache, &get("k"));
    let waiters: Vec<_> = (0..3)
        .map(|_| match cache.begin(&get("k")) {
            Begin::Wait(rx) => rx,
            _ => panic!("second reader must wait"),
        })
        .collect();
    cache.complete(lease, Ok((bulk("v"), -1))).unwrap();
    for mut rx in waiters {
        assert_eq!(rx.try_recv().expect("completed").unwrap(), bulk("v"));
    }
    let s = cache.stats();
    assert_eq!((s.misses, s.coalesced), (1, 3));
}

#[test]
fn waiters_of_a_doomed_read_get_its_reply_but_new_readers_do_not_join_it() {
    let (cache, _) = cache();
    let first = lead(&cache, &get("k"));
    let mut early = match cache.begin(&get("k")) {
        Begin::Wait(rx) => rx,
        _ => panic!("must wait"),
    };
    cache.invalidate(&[key("k")], false);
    // A reader arriving after the invalidation sends its own request.
    let second = lead(&cache, &get("k"));
    cache.complete(first, Ok((bulk("old"), -1))).unwrap();
    assert_eq!(early.try_recv().unwrap().unwrap(), bulk("old"));
    assert_eq!(cache.get(&get("k")), None);
    cache.complete(second, Ok((bulk("new"), -1))).unwrap();
    assert_eq!(cache.get(&get("k")), Some(bulk("new")));
}

#[test]
fn one_invalidation_drops_every_command_of_the_key() {
    let (cache, _) = cache();
    for f in ["f1", "f2"] {
        let lease = lead(&cache, &hget("h", f));
        cache.complete(lease, Ok((bulk(f), -1))).unwrap();
    }
    let lease = lead(&cache, &get("other"));
    cache.complete(lease, Ok((bulk("o"), -1))).unwrap();
    assert_eq!(cache.get(&hget("h", "f1")), Some(bulk("f1")));
    assert_eq!(cache.get(&hget("h", "f2")), Some(bulk("f2")));
    cache.invalidate(&[key("h")], false);
    assert_eq!(cache.get(&hget("h", "f1")), None);
    assert_eq!(cache.get(&hget("h", "f2")), None);
    assert_eq!(cache.get(&get("other")), Some(bulk("o")));
    assert_eq!(cache.stats().invalidations, 2);
}

#[test]
fn local_invalidation_is_counted_apart() {
    let (cache, _) = cache();
    let lease = lead(&cache, &get("k"));
    cache.complete(lease, Ok((bulk("v"), -1))).unwrap();
    cache.invalidate(&[key("k")], true);
    assert_eq!(cache.get(&get("k")), None);
    let s = cache.stats();
    assert_eq!((s.invalidations, s.local_invalidations), (0, 1));
}

#[test]
fn flush_drops_everything_and_dooms_pending_reads() {
    let (cache, _) = cache();
    let lease = lead(&cache, &get("a"));
    cache.complete(lease, Ok((bulk("1"), -1))).unwrap();
    let pending = lead(&cache, &get("b"));
    cache.flush();
    assert_eq!(cache.get(&get("a")), None);
    cache.complete(pending, Ok((bulk("2"), -1))).unwrap();
    assert_eq!(cache.get(&get("b")), None);
    let s = cache.stats();
    assert_eq!((s.flushes, s.bytes, s.keys), (1, 0, 0));
}

#[test]
fn disconnected_cache_serves_nothing_and_caches_nothing() {
    let (cache, _) = cache();
    let lease = lead(&cache, &get("a"));
    cache.complete(lease, Ok((bulk("1"), -1))).unwrap();
    let pending = lead(&cache, &get("b"));
    cache.set_connected(false);
    assert_eq!(cache.get(&get("a")), None);
    assert!(matches!(cache.begin(&get("a")), Begin::Bypass));
    cache.complete(pending, Ok((bulk("2"), -1))).unwrap();
    cache.set_connected(true);
    assert_eq!(cache.get(&get("a")), None);
    assert_eq!(cache.get(&get("b")), None);
}

#[test]
fn dropped_lease_releases_its_waiters_with_an_error() {
    let (cache, _) = cache();
    let lease = lead(&cache, &get("k"));
    let mut rx = match cache.begin(&get("k")) {
        Begin::Wait(rx) => rx,
        _ => panic!("must wait"),
    };
    drop(lease);
    assert!(matches!(rx.try_recv().unwrap(), Err(Error::Disconnected(_))));
    // The key is free again.
    let _lease = lead(&cache, &get("k"));
}

#[test]
fn failed_read_is_not_cached_and_reaches_the_waiters() {
    let (cache, _) = cache();
    let lease = lead(&cache, &get("k"));
    let mut rx = match cache.begin(&get("k")) {
        Begin::Wait(rx) => rx,
        _ => panic!("must wait"),
    };
    let err = Error::server(Bytes::from_static(b"WRONGTYPE x"));
    assert!(cache.complete(lease, Err(err)).is_err());
    assert!(rx.try_recv().unwrap().is_err());
    assert_eq!(cache.get(&get("k")), None);
}

#[test]
fn server_ttl_bounds_the_entry_and_max_ttl_caps_it() {
    let (cache, clock) = cache_with(NearCacheConfig { max_ttl: Duration::from_secs(10), ..Default::default() });
    let lease = lead(&cache, &get("short"));
    cache.complete(lease, Ok((bulk("s"), 2_000))).unwrap();
    let lease = lead(&cache, &get("forever"));
    cache.complete(lease, Ok((bulk("f"), -1))).unwrap();
    let lease = lead(&cache, &get("long"));
    cache.complete(lease, Ok((bulk("l"), 3_600_000))).unwrap();
    clock.advance(Duration::from_millis(1_999));
    assert!(cache.get(&get("short")).is_some());
    clock.advance(Duration::from_millis(1));
    assert_eq!(cache.get(&get("short")), None);
    clock.advance(Duration::from_millis(7_999));
    assert!(cache.get(&get("forever")).is_some());
    assert!(cache.get(&get("long")).is_some());
    clock.advance(Duration::from_millis(1));
    assert_eq!(cache.get(&get("forever")), None);
    assert_eq!(cache.get(&get("long")), None);
}

#[test]
fn missing_key_is_cached_but_zero_ttl_is_not() {
    let (cache, _) = cache();
    let lease = lead(&cache, &get("absent"));
    cache.complete(lease, Ok((Frame::Null, -2))).unwrap();
    assert_eq!(cache.get(&get("absent")), Some(Frame::Null));
    let lease = lead(&cache, &get("expiring"));
    cache.complete(lease, Ok((bulk("x"), 0))).unwrap();
    assert_eq!(cache.get(&get("expiring")), None);
}

#[test]
fn entry_bound_evicts_and_counts() {
    let config = NearCacheConfig { max_entries: 100, max_bytes: 1 << 30, ..Default::default() };
    let (cache, _) = cache_with(config);
    for i in 0..1_000 {
        let lease = lead(&cache, &get(&format!("k{i}")));
        cache.complete(lease, Ok((bulk("v"), -1))).unwrap();
    }
    let s = cache.stats();
    assert!(s.keys <= 100, "{s:?}");
    assert!(s.evictions >= 900, "{s:?}");
    assert!(s.bytes <= 100 * (KEY_OVERHEAD + READ_OVERHEAD + 64), "{s:?}");
}

#[test]
fn byte_bound_evicts() {
    let config = NearCacheConfig { max_entries: 1_000_000, max_bytes: 64 << 10, ..Default::default() };
    let (cache, _) = cache_with(config);
    let big = "x".repeat(1_000);
    for i in 0..1_000 {
        let lease = lead(&cache, &get(&format!("k{i}")));
        cache.complete(lease, Ok((bulk(&big), -1))).unwrap();
    }
    let s = cache.stats();
    assert!(s.bytes <= 64 << 10, "{s:?}");
    assert!(s.evictions > 900, "{s:?}");
}

#[test]
fn bcast_caches_only_keys_under_its_prefixes() {
    let mode = TrackingMode::Bcast { prefixes: vec!["user:".into()] };
    let (cache, _) = cache_with(NearCacheConfig { mode, ..Default::default() });
    assert!(matches!(cache.begin(&get("order:1")), Begin::Bypass));
    let _lease = lead(&cache, &get("user:1"));
}

#[test]
fn rereading_a_key_replaces_only_that_command() {
    let (cache, _) = cache();
    let lease = lead(&cache, &hget("h", "a"));
    cache.complete(lease, Ok((bulk("1"), -1))).unwrap();
    let lease = lead(&cache, &hget("h", "b"));
    cache.complete(lease, Ok((bulk("2"), -1))).unwrap();
    let before = cache.stats().bytes;
    cache.invalidate(&[], false);
    assert_eq!(cache.stats().bytes, before);
    assert_eq!(cache.get(&hget("h", "a")), Some(bulk("1")));
    assert_eq!(cache.get(&hget("h", "b")), Some(bulk("2")));
    assert_eq!(cache.stats().keys, 1);
}

#[test]
fn stale_mode_serves_old_replies_for_a_bounded_time_then_drops_them_on_reconnect() {
    let clock = Arc::new(ManualClock::new());
    let cache =
        Arc::new(NearCache::new(&NearCacheConfig::default(), clock.clone()).serve_stale_for(Duration::from_secs(5)));
    cache.set_connected(true);
    let lease = lead(&cache, &get("k"));
    cache.complete(lease, Ok((bulk("v"), -1))).unwrap();
    let pending = lead(&cache, &get("p"));
    cache.set_connected(false);
    assert_eq!(cache.get(&get("k")), Some(bulk("v")), "served stale while down");
    cache.complete(pending, Ok((bulk("x"), -1))).unwrap();
    assert_eq!(cache.get(&get("p")), None, "nothing is cached while down");
    clock.advance(Duration::from_secs(5));
    assert_eq!(cache.get(&get("k")), None, "bounded by the window");
    let s = cache.stats();
    assert_eq!((s.stale_hits, s.hits, s.flushes), (1, 0, 0));
    cache.set_connected(true);
    assert_eq!(cache.get(&get("k")), None, "dropped on reconnect");
    assert_eq!(cache.stats().flushes, 1);
}

#[test]
fn ttl_counts_from_when_the_read_began() {
    let (cache, clock) = cache();
    let lease = lead(&cache, &get("k"));
    // The reply takes a second to arrive; the key had 1.5 s left when read.
    clock.advance(Duration::from_secs(1));
    cache.complete(lease, Ok((bulk("v"), 1_500))).unwrap();
    clock.advance(Duration::from_millis(499));
    assert!(cache.get(&get("k")).is_some());
    clock.advance(Duration::from_millis(1));
    assert_eq!(cache.get(&get("k")), None, "never outlives the key on the server");
}
