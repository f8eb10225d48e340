//! `allkeys-s3fifo` / `volatile-s3fifo`: Hearth's own eviction policy, a
//! sampled approximation of S3-FIFO (Yang et al., SOSP 2023).
//!
//! S3-FIFO keeps a small FIFO for new keys, a main FIFO, and a ghost list of
//! keys recently evicted from the small one. Most keys are read once: they
//! leave the small queue quickly. A key read again moves to the main queue;
//! the main queue gives second chances (a 2-bit frequency, decremented
//! instead of evicting). A key that comes back while in the ghost list goes
//! straight to the main queue.
//!
//! Hearth has no queues (that would cost memory per key); it keeps the
//! state in the entry's 24-bit access field and evicts by sampling, like
//! Redis's LRU: `[insertion stamp: 21 bits][main: 1 bit][freq: 2 bits]`.
//! The stamp comes from a logical clock advanced by inserts, so sampled
//! keys can be ordered FIFO. Sampling a small key that was read promotes
//! it (main, freq 0, stamped now); sampling a main key with freq > 0
//! decrements it and stamps it now (its second chance). Candidates are
//! small one-hit keys first (oldest first), then main keys with freq 0.
//! The ghost list is a bounded set of key hashes.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

const FREQ_MASK: u32 = 0b11;
const MAIN: u32 = 0b100;
const STAMP_SHIFT: u32 = 3;
const STAMP_BITS: u32 = 21;
const STAMP_MASK: u32 = (1 << STAMP_BITS) - 1;
/// Inserts per stamp tick: 2^21 ticks * 8 = 16M inserts before stamps wrap.
const INSERTS_PER_TICK: u64 = 8;
/// Ghost entries remembered.
const GHOST_CAPACITY: usize = 1 << 17;

static CLOCK: AtomicU64 = AtomicU64::new(0);

struct Ghost {
    order: VecDeque<u64>,
    members: HashSet<u64>,
}

static GHOST: Mutex<Option<Ghost>> = Mutex::new(None);

fn stamp_now() -> u32 {
    ((CLOCK.load(Ordering::Relaxed) / INSERTS_PER_TICK) as u32) & STAMP_MASK
}

fn pack(stamp: u32, main: bool, freq: u32) -> u32 {
    (stamp << STAMP_SHIFT) | if main { MAIN } else { 0 } | freq.min(3)
}

/// The access field of a new key (`key_hash` decides the ghost check).
pub fn initial(key_hash: u64) -> u32 {
    CLOCK.fetch_add(1, Ordering::Relaxed);
    let in_ghost = GHOST.lock().as_ref().is_some_and(|g| g.members.contains(&key_hash));
    pack(stamp_now(), in_ghost, 0)
}

/// The field after a read: frequency + 1, at most 3.
pub fn touched(field: u32) -> u32 {
    (field & !FREQ_MASK) | ((field & FREQ_MASK) + 1).min(3)
}

/// What sampling a key decides.
#[derive(Debug, PartialEq, Eq)]
pub enum Examined {
    /// An eviction candidate; higher scores go first.
    Candidate(u64),
    /// Not a candidate now: store this field (promotion or second chance).
    Spared(u32),
}

/// Examines a sampled key.
pub fn examine(field: u32) -> Examined {
    let freq = field & FREQ_MASK;
    let main = field & MAIN != 0;
    let age = (stamp_now().wrapping_sub(field >> STAMP_SHIFT) & STAMP_MASK) as u64;
    match (main, freq) {
        (false, 0) => Examined::Candidate((1 << 40) + age),
        (false, _) => Examined::Spared(pack(stamp_now(), true, 0)),
        (true, 0) => Examined::Candidate(age),
        (true, f) => Examined::Spared(pack(stamp_now(), true, f - 1)),
    }
}

/// Records an eviction: keys evicted from the small queue enter the ghost list.
pub fn evicted(field: u32, key_hash: u64) {
    if field & MAIN != 0 {
        return;
    }
    let mut g = GHOST.lock();
    let g = g.get_or_insert_with(|| Ghost { order: VecDeque::new(), members: HashSet::new() });
    if g.members.insert(key_hash) {
        g.order.push_back(key_hash);
        if g.order.len() > GHOST_CAPACITY {
            if let Some(old) = g.order.pop_front() {
                g.members.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hit_keys_are_candidates_before_main_keys() {
        let small = initial(1);
        let Examined::Candidate(s) = examine(small) else { panic!("a new key is a candidate") };
        let main = pack(stamp_now(), true, 0);
        let Examined::Candidate(m) = examine(main) else { panic!("main freq 0 is a candidate") };
        assert!(s > m);
    }

    #[test]
    fn reads_earn_promotion_then_second_chances() {
        let f = touched(initial(2));
        let Examined::Spared(promoted) = examine(f) else { panic!("a read small key is promoted") };
        assert_ne!(promoted & MAIN, 0);
        let hot = touched(touched(promoted));
        let Examined::Spared(once) = examine(hot) else { panic!("second chance") };
        assert_eq!(once & FREQ_MASK, 1);
        assert_eq!(touched(touched(touched(touched(0)))) & FREQ_MASK, 3);
    }

    #[test]
    fn ghost_hits_start_in_main() {
        let f = initial(42);
        evicted(f, 42);
        assert_ne!(initial(42) & MAIN, 0);
        assert_eq!(initial(43) & MAIN, 0);
    }
}
