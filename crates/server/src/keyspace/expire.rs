//! The active expiry cycle.
//!
//! Lazy expiry removes a key when it is accessed; this cycle reclaims keys
//! nobody reads. Like Redis's `activeExpireCycle` it samples keys with a TTL
//! shard by shard, keeps working on a shard while more than 10% of its
//! sample was expired, and stops when its time budget (25% of a 100 ms tick
//! at `hz 10`) is spent, resuming where it stopped on the next tick.

use std::time::{Duration, Instant};

use super::{Keyspace, SHARDS};

/// Keys sampled per step (Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP).
const SAMPLE: usize = 20;

/// Position of the cycle across ticks.
#[derive(Debug, Default)]
pub struct ExpireCycle {
    next: usize,
}

impl ExpireCycle {
    /// Runs one tick at time `now` (unix ms) within `budget`; returns the
    /// number of keys expired.
    pub fn run(&mut self, ks: &Keyspace, now: i64, budget: Duration) -> usize {
        let start = Instant::now();
        let total = ks.databases() * SHARDS;
        let mut expired = 0;
        for _ in 0..total {
            let (db, idx) = (self.next / SHARDS, self.next % SHARDS);
            self.next = (self.next + 1) % total;
            loop {
                let (checked, n) = ks.with_shard(db, idx, |s| s.expire_step(now, SAMPLE));
                expired += n;
                if checked == 0 || n * 10 <= checked || start.elapsed() >= budget {
                    break;
                }
            }
            if start.elapsed() >= budget {
                break;
            }
        }
        // Hook: hash fields with a TTL (HEXPIRE) are reclaimed by their own
        // step, on the same tick and within what is left of the budget; see
        // keyspace/hash_expire.rs. Its count (hashes visited) is not keys.
        super::hash_expire::active_expire_fields(ks, now, budget.saturating_sub(start.elapsed()));
        expired
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::{hash_key, shard_of, Value};

    #[test]
    fn cycle_reclaims_expired_keys_and_keeps_live_ones() {
        let ks = Keyspace::new(2);
        for i in 0..2000 {
            let key = format!("k{i}");
            let h = hash_key(key.as_bytes());
            let exp = if i % 2 == 0 { Some(100) } else { Some(10_000) };
            ks.with_shard(1, shard_of(h), |s| s.put(h, key.as_bytes(), Value::Int(i), exp, 0));
        }
        let mut cycle = ExpireCycle::default();
        let mut expired = 0;
        for _ in 0..50 {
            expired += cycle.run(&ks, 5_000, Duration::from_millis(50));
        }
        assert_eq!(expired, 1000);
        assert_eq!(ks.sum_db(1, |s| s.len()), 1000);
    }
}
