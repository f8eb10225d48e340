//! The policy's intent, on a real keyspace: one-hit keys go before keys
//! that were read, a scan does not flush the hot set, evicted keys that
//! come back are admitted to main, a loop larger than the cache keeps a
//! stable part of it. The policy's clock counts inserts, so these tests
//! control time completely; only sampling is random, and each assertion
//! leaves it a wide margin.

use super::*;
use crate::keyspace::evict::{Access, EvictParams, Evictor, Policy};
use crate::keyspace::{hash_key, shard_of, Keyspace, Value};

/// A cache of `cap` keys replayed as GET, then SET on a miss.
struct Cache {
    ks: Keyspace,
    ev: Evictor,
    cap: usize,
    _serial: parking_lot::MutexGuard<'static, ()>,
}

impl Cache {
    fn new(cap: usize) -> Cache {
        let serial = TEST_LOCK.lock();
        reset();
        Cache { ks: Keyspace::new(1), ev: Evictor::default(), cap, _serial: serial }
    }

    fn len(&self) -> usize {
        self.ks.sum_db(0, |s| s.len())
    }

    fn has(&self, key: &str) -> bool {
        let h = hash_key(key.as_bytes());
        self.ks.with_shard(0, shard_of(h), |s| s.find_raw(h, key.as_bytes()).is_some())
    }

    /// Returns whether the access hit.
    fn access(&self, key: &str) -> bool {
        let h = hash_key(key.as_bytes());
        let hit = self.ks.with_shard(0, shard_of(h), |s| match s.find_raw(h, key.as_bytes()) {
            Some(slot) => {
                s.touch_lru(slot, Access::S3Fifo);
                true
            }
            None => {
                s.put(h, key.as_bytes(), Value::Int(1), None, Access::S3Fifo.initial(0, h));
                false
            }
        });
        let p = EvictParams { policy: Policy::AllKeysS3Fifo, samples: 5, now: 0, lfu_decay: 1 };
        while self.len() > self.cap {
            assert!(self.ev.evict_one(&self.ks, &p), "a full cache can always evict");
        }
        hit
    }
}

#[test]
fn reads_count_up_to_three_and_main_keys_spend_them_as_second_chances() {
    let f = touched(touched(touched(touched(pack(0, true, 0)))));
    assert_eq!(f & FREQ_MASK, 3);
    let Examined::Spared(once) = examine(f) else { panic!("a read main key gets a second chance") };
    assert_eq!(once & FREQ_MASK, 2);
    assert!(matches!(examine(pack(stamp_now(), true, 0)), Examined::Candidate(_)));
}

#[test]
fn one_hit_keys_are_evicted_before_keys_that_were_read() {
    let c = Cache::new(100);
    for i in 0..50 {
        c.access(&format!("hot{i}"));
    }
    for i in 0..50 {
        assert!(c.access(&format!("hot{i}")));
    }
    for i in 0..2_000 {
        c.access(&format!("once{i}"));
    }
    let hot = (0..50).filter(|i| c.has(&format!("hot{i}"))).count();
    assert!(hot >= 45, "only {hot} of 50 read keys survived 2,000 one-hit keys");
    assert_eq!(c.len(), 100);
}

#[test]
fn a_scan_does_not_flush_the_hot_set() {
    let c = Cache::new(200);
    let hot: Vec<String> = (0..100).map(|i| format!("hot{i}")).collect();
    for _ in 0..3 {
        for k in &hot {
            c.access(k);
        }
    }
    // A scan of 10x the cache, with the hot set still read between pages.
    for page in 0..20 {
        for i in 0..100 {
            c.access(&format!("scan{page}:{i}"));
        }
        for k in &hot {
            c.access(k);
        }
    }
    let hits = hot.iter().filter(|k| c.access(k)).count();
    assert!(hits >= 95, "{hits} of 100 hot keys hit after the scan");
}

#[test]
fn a_key_evicted_from_the_small_queue_comes_back_into_main() {
    let c = Cache::new(50);
    for i in 0..50 {
        c.access(&format!("k{i}"));
    }
    // Fill main with read keys, so later one-hit keys leave via the ghost list.
    for i in 0..50 {
        c.access(&format!("k{i}"));
    }
    c.access("returning");
    for i in 0..20 {
        c.access(&format!("once{i}"));
    }
    assert!(!c.has("returning"), "an unread new key leaves the small queue");
    let h = hash_key(b"returning");
    let field = initial(0, h);
    assert!(is_main(field), "a ghost hit is admitted to main");
    assert!(!is_main(initial(0, hash_key(b"never-seen"))));
}

#[test]
fn a_loop_larger_than_the_cache_keeps_hitting_part_of_it() {
    // LRU and plain FIFO miss every access of a loop over 5x the cache.
    let c = Cache::new(100);
    let mut hits = 0;
    for round in 0..10 {
        for i in 0..500 {
            if c.access(&format!("loop{i}")) && round > 0 {
                hits += 1;
            }
        }
    }
    // Belady keeps 99 of 500 per round: 891 hits over rounds 1..9.
    assert!(hits >= 500, "{hits} hits in 9 rounds of a 500-key loop");
}
