//! Active expiry of hash fields (Redis 7.4 HEXPIRE and friends).
//!
//! Lazy expiry is the commands' job: every hash command purges a hash's
//! expired fields before it reads it (`commands/hash.rs`). This module
//! reclaims fields of hashes nobody reads, like Redis's `hexpires` buckets:
//!
//! - a [`FieldExpiry`] registry per keyspace maps (db, key) to the earliest
//!   field expire time of that hash, kept in time order. Commands register a
//!   hash whenever they leave it with field TTLs ([`register`]); registering
//!   is a no-op when the hash is already registered at that time or earlier;
//! - [`active_expire_fields`], called from the keyspace's expiry tick
//!   (`expire.rs`), pops due entries, locks the key's shard, purges the
//!   hash's expired fields through the shard's write path (WATCH, memory
//!   accounting), publishes `hexpired` (and `del` when the hash empties, as
//!   Redis does) and registers the hash again at its next expire time.
//!
//! The registry is a leaf lock: it is taken with shard locks held (by
//! commands) but no shard lock is ever taken while it is held. An entry may
//! be stale (the key was deleted, overwritten or renamed): popping it just
//! finds nothing to do. A hash that changed name or database without a hash
//! command (RENAME, MOVE, COPY, SWAPDB) is found again by a slow sweep: once
//! any field TTL was ever set, each tick also walks a few hundred buckets of
//! the keyspace in SCAN order and registers the hashes with field TTLs it
//! meets, so every such hash is registered again within one full pass.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::{hash_key, shard_of, Keyspace, Object, ValueRef, SHARDS};
use crate::notify::{self, class};

/// Hashes visited per tick at most (Redis expires up to 1000 fields per
/// active cycle; one visit purges every due field of a hash).
const MAX_HASHES_PER_TICK: usize = 1000;

/// Keyspace buckets the sweep visits per tick.
const SWEEP_BUCKETS_PER_TICK: usize = 256;

/// Fields expired since start (lazily or actively): Redis's
/// `expired_subkeys` statistic.
pub static EXPIRED_FIELDS: AtomicU64 = AtomicU64::new(0);

/// Counts fields reclaimed by expiry.
pub fn count_expired(n: usize) {
    EXPIRED_FIELDS.fetch_add(n as u64, Ordering::Relaxed);
}

type DbKey = (u32, Box<[u8]>);

/// The hashes of one keyspace that have fields with a TTL, by earliest
/// field expire time.
#[derive(Default)]
struct FieldExpiry {
    due: BTreeSet<(i64, u32, Box<[u8]>)>,
    at: HashMap<DbKey, i64>,
    /// Whether a field TTL was ever registered (the sweep runs only then).
    used: bool,
    /// Where the sweep resumes: (db, shard, bucket cursor).
    sweep: (usize, usize, u64),
}

impl FieldExpiry {
    fn register(&mut self, db: u32, key: &[u8], at: i64) {
        self.used = true;
        let id: DbKey = (db, key.into());
        match self.at.get(&id) {
            Some(&t) if t <= at => return,
            Some(&t) => {
                self.due.remove(&(t, db, id.1.clone()));
            }
            None => {}
        }
        self.due.insert((at, db, id.1.clone()));
        self.at.insert(id, at);
    }

    /// Removes and returns up to `max` entries due before `now`.
    fn pop_due(&mut self, now: i64, max: usize) -> Vec<DbKey> {
        let mut out = Vec::new();
        while out.len() < max {
            match self.due.first() {
                Some((at, _, _)) if *at < now => {}
                _ => break,
            }
            let Some((_, db, key)) = self.due.pop_first() else { break };
            let id = (db, key);
            self.at.remove(&id);
            out.push(id);
        }
        out
    }
}

/// Registries by keyspace address (a process normally has one keyspace;
/// tests start several servers).
static REGISTRIES: Mutex<Vec<(usize, FieldExpiry)>> = Mutex::new(Vec::new());

fn with_registry<R>(ks: &Keyspace, f: impl FnOnce(&mut FieldExpiry) -> R) -> R {
    let id = ks as *const Keyspace as usize;
    let mut all = REGISTRIES.lock();
    let pos = match all.iter().position(|(k, _)| *k == id) {
        Some(p) => p,
        None => {
            all.push((id, FieldExpiry::default()));
            all.len() - 1
        }
    };
    f(&mut all[pos].1)
}

/// Notes that the hash at (db, key) has a field expiring at `at` (its
/// earliest). Cheap when it is already registered at that time or earlier.
pub fn register(ks: &Keyspace, db: usize, key: &[u8], at: i64) {
    with_registry(ks, |r| r.register(db as u32, key, at));
}

/// Purges the expired fields of hash (db, key) under its shard's lock;
/// returns the hash's next field expire time if it still has one.
fn expire_one(ks: &Keyspace, db: usize, key: &[u8], now: i64) -> Option<i64> {
    let h = hash_key(key);
    ks.with_shard(db, shard_of(h), |s| {
        let slot = s.find(h, key, now)?;
        match s.entry(slot).value() {
            ValueRef::Obj(Object::Hash(hv)) => match hv.min_expire() {
                Some(min) if min < now => {}
                other => return other,
            },
            _ => return None,
        }
        let (n, left, next) = s.update(slot, |e| match e.object_mut() {
            Some(Object::Hash(hv)) => (hv.purge_expired(now), hv.len(), hv.min_expire()),
            _ => (0, 1, None),
        });
        count_expired(n);
        notify::emit(db, class::HASH, "hexpired", key);
        if left == 0 {
            s.remove_slot(slot);
            notify::emit(db, class::GENERIC, "del", key);
            return None;
        }
        next
    })
}

/// Walks the next buckets of the keyspace and registers the hashes with
/// field TTLs found there (hashes renamed, moved or copied since they were
/// registered).
fn sweep(ks: &Keyspace) {
    let Some(mut pos) = with_registry(ks, |r| r.used.then_some(r.sweep)) else { return };
    let mut found: Vec<(usize, Vec<u8>, i64)> = Vec::new();
    for _ in 0..SWEEP_BUCKETS_PER_TICK {
        let (db, shard, cursor) = pos;
        let next = ks.with_shard(db, shard, |s| {
            s.scan_bucket(cursor, |e| {
                if let ValueRef::Obj(Object::Hash(h)) = e.value() {
                    if let Some(min) = h.min_expire() {
                        found.push((db, e.key().to_vec(), min));
                    }
                }
            })
        });
        pos = match next {
            0 if shard + 1 < SHARDS => (db, shard + 1, 0),
            0 => ((db + 1) % ks.databases(), 0, 0),
            c => (db, shard, c),
        };
    }
    with_registry(ks, |r| {
        r.sweep = pos;
        for (db, key, min) in found {
            r.register(db as u32, &key, min);
        }
    });
}

/// One tick of active field expiry at `now`, within `budget` (at least a
/// few hashes are always processed, so keys cannot starve fields). Returns
/// the number of hashes visited.
pub fn active_expire_fields(ks: &Keyspace, now: i64, budget: Duration) -> usize {
    sweep(ks);
    let start = Instant::now();
    let mut visited = 0;
    while visited < MAX_HASHES_PER_TICK {
        let batch = with_registry(ks, |r| r.pop_due(now, 20));
        if batch.is_empty() {
            break;
        }
        for (db, key) in batch {
            visited += 1;
            if let Some(next) = expire_one(ks, db as usize, &key, now) {
                register(ks, db as usize, &key, next);
            }
        }
        if start.elapsed() >= budget {
            break;
        }
    }
    visited
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::hash::{HashLimits, HashValue};
    use crate::keyspace::Value;

    fn put_hash(ks: &Keyspace, key: &str, ttls: &[Option<i64>]) {
        let lim = HashLimits { entries: 128, value: 64 };
        let mut hv = HashValue::default();
        for (i, at) in ttls.iter().enumerate() {
            let f = format!("f{i}");
            hv.set(f.as_bytes(), b"v", false, &lim);
            if at.is_some() {
                hv.set_expire(f.as_bytes(), *at);
            }
        }
        let min = hv.min_expire();
        let h = hash_key(key.as_bytes());
        ks.with_shard(0, shard_of(h), |s| s.put(h, key.as_bytes(), Value::Obj(Box::new(Object::Hash(hv))), None, 0));
        if let Some(min) = min {
            register(ks, 0, key.as_bytes(), min);
        }
    }

    fn fields_left(ks: &Keyspace, key: &str) -> Option<usize> {
        let h = hash_key(key.as_bytes());
        ks.with_shard(0, shard_of(h), |s| {
            let slot = s.find(h, key.as_bytes(), 0)?;
            match s.entry(slot).value() {
                ValueRef::Obj(Object::Hash(hv)) => Some(hv.len()),
                _ => None,
            }
        })
    }

    #[test]
    fn cycle_purges_due_fields_and_deletes_emptied_hashes() {
        let ks = Keyspace::new(1);
        put_hash(&ks, "partly", &[Some(100), None, Some(5_000)]);
        put_hash(&ks, "all", &[Some(100), Some(200)]);
        put_hash(&ks, "none", &[None]);
        assert_eq!(active_expire_fields(&ks, 50, Duration::from_millis(50)), 0, "nothing due yet");
        active_expire_fields(&ks, 1_000, Duration::from_millis(50));
        assert_eq!(fields_left(&ks, "partly"), Some(2));
        assert_eq!(fields_left(&ks, "all"), None, "an emptied hash is deleted");
        assert_eq!(fields_left(&ks, "none"), Some(1));
        // "partly" was registered again for its field expiring at 5000.
        active_expire_fields(&ks, 6_000, Duration::from_millis(50));
        assert_eq!(fields_left(&ks, "partly"), Some(1));
    }

    #[test]
    fn sweep_finds_hashes_that_were_never_registered_under_their_name() {
        let ks = Keyspace::new(2);
        put_hash(&ks, "registered", &[Some(100)]);
        // As after RENAME: the TTL is there, the registry does not know the name.
        let lim = HashLimits { entries: 128, value: 64 };
        let mut hv = HashValue::default();
        hv.set(b"f", b"v", false, &lim);
        hv.set_expire(b"f", Some(100));
        let h = hash_key(b"renamed");
        ks.with_shard(1, shard_of(h), |s| s.put(h, b"renamed", Value::Obj(Box::new(Object::Hash(hv))), None, 0));
        for _ in 0..(2 * SHARDS) {
            active_expire_fields(&ks, 1_000, Duration::from_millis(50));
        }
        let gone = ks.with_shard(1, shard_of(h), |s| s.find(h, b"renamed", 0).is_none());
        assert!(gone, "the sweep registered the hash and the cycle reclaimed it");
    }

    #[test]
    fn registering_keeps_the_earliest_time_only() {
        let mut r = FieldExpiry::default();
        r.register(0, b"k", 500);
        r.register(0, b"k", 700);
        r.register(0, b"k", 300);
        assert_eq!(r.due.len(), 1);
        assert!(r.pop_due(300, 10).is_empty());
        assert_eq!(r.pop_due(301, 10).len(), 1);
        assert!(r.at.is_empty());
    }
}
