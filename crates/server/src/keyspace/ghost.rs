//! S3-FIFO's ghost queue: which keys the small queue evicted recently.
//!
//! It must stay small next to the cache it serves (a ghost set of full
//! hashes cost megabytes and starved small caches), so it keeps 16-bit
//! fingerprints in buckets of eight: a key's bucket comes from its hash, a
//! new fingerprint enters at the front of its bucket and the oldest falls
//! off the back. That is a FIFO per bucket, which approximates one global
//! FIFO of `buckets * 8` keys at 2 bytes each; a false hit needs one of
//! eight fingerprints to match (about 1 in 8,000) and only admits a key
//! straight to the main queue. Sized to the number of cached keys, as the
//! paper sizes the ghost to the main queue.

const WAYS: usize = 8;
const MIN_BUCKETS: usize = 16;

/// Recently evicted keys' fingerprints (see the module doc).
#[derive(Default)]
pub struct Ghost {
    slots: Vec<u16>,
}

impl Ghost {
    /// An empty ghost list (sized on first use or by [`Ghost::fit`]).
    pub const fn new() -> Ghost {
        Ghost { slots: Vec::new() }
    }

    fn fingerprint(hash: u64) -> u16 {
        // 0 marks an empty way.
        ((hash >> 48) as u16).max(1)
    }

    fn bucket(&self, hash: u64) -> std::ops::Range<usize> {
        let buckets = self.slots.len() / WAYS;
        // Bits 8..40: independent of the fingerprint (48..64), of the
        // shard (40..46) and mixed enough for any power-of-two count.
        let b = ((hash >> 8) as usize) & (buckets - 1);
        b * WAYS..(b + 1) * WAYS
    }

    /// Resizes to remember about `keys` keys (a power-of-two number of
    /// buckets). Resizing forgets everything; it only happens when the
    /// cache's size changes by half or more.
    pub fn fit(&mut self, keys: usize) {
        let buckets = keys.div_ceil(WAYS).next_power_of_two().max(MIN_BUCKETS);
        let current = self.slots.len() / WAYS;
        if current == 0 || buckets > current * 2 || buckets * 2 < current {
            self.slots = vec![0; buckets * WAYS];
        }
    }

    /// Remembers an evicted key.
    pub fn insert(&mut self, hash: u64) {
        if self.slots.is_empty() {
            self.fit(0);
        }
        let fp = Ghost::fingerprint(hash);
        let range = self.bucket(hash);
        let bucket = &mut self.slots[range];
        if bucket.contains(&fp) {
            return;
        }
        bucket.copy_within(0..WAYS - 1, 1);
        bucket[0] = fp;
    }

    /// Whether the key was evicted recently; forgets it if so (it is back).
    pub fn take(&mut self, hash: u64) -> bool {
        if self.slots.is_empty() {
            return false;
        }
        let fp = Ghost::fingerprint(hash);
        let range = self.bucket(hash);
        match self.slots[range.clone()].iter().position(|&f| f == fp) {
            Some(i) => {
                self.slots[range.start + i] = 0;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(i: u64) -> u64 {
        i.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    #[test]
    fn remembers_recent_keys_and_forgets_a_key_once_taken() {
        let mut g = Ghost::default();
        g.fit(1000);
        g.insert(spread(1));
        assert!(g.take(spread(1)));
        assert!(!g.take(spread(1)), "a ghost hit removes the key");
        assert!(!g.take(spread(2)));
    }

    #[test]
    fn old_keys_fall_out_once_capacity_is_exceeded() {
        let mut g = Ghost::default();
        g.fit(1024);
        for i in 0..20_000 {
            g.insert(spread(i));
        }
        let old = (0..1000).filter(|i| g.take(spread(*i))).count();
        let recent = (19_500..20_000).filter(|i| g.take(spread(*i))).count();
        assert!(old < 10, "{old} of the oldest keys still remembered");
        assert!(recent > 450, "only {recent} of the 500 newest remembered");
        assert_eq!(g.slots.len(), 1024, "2 bytes per remembered key");
    }
}
