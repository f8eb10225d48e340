//! One shard of the default-mode tracking table: key name -> ids of the
//! clients that read it.
//!
//! A tracked read must cost little next to the read itself, and the read
//! has just paid a cache miss for the key's entry; so this table is laid
//! out to touch one more cache line in the common case: each slot holds
//! the key's 64-bit keyspace hash (compared before any key bytes), the
//! name inline when it is short, and up to two reader ids inline. Longer
//! names and more readers spill to the heap. It knows nothing of
//! delivery or counters: [`super::Tracking`] owns those.

/// A key name, inline up to [`KeyName::INLINE`] bytes.
#[derive(Debug, Clone)]
enum KeyName {
    Inline { len: u8, bytes: [u8; KeyName::INLINE] },
    Heap(Box<[u8]>),
}

impl KeyName {
    const INLINE: usize = 22;

    fn new(key: &[u8]) -> KeyName {
        if key.len() <= Self::INLINE {
            let mut bytes = [0; Self::INLINE];
            bytes[..key.len()].copy_from_slice(key);
            KeyName::Inline { len: key.len() as u8, bytes }
        } else {
            KeyName::Heap(key.into())
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            KeyName::Inline { len, bytes } => &bytes[..*len as usize],
            KeyName::Heap(b) => b,
        }
    }
}

pub use super::readers::Readers;

struct Slot {
    hash: u64,
    key: KeyName,
    readers: Readers,
}

impl Slot {
    fn is(&self, hash: u64, key: &[u8]) -> bool {
        self.hash == hash
            && match &self.key {
                KeyName::Inline { len, bytes } => *len as usize == key.len() && short_eq(&bytes[..key.len()], key),
                KeyName::Heap(name) => **name == *key,
            }
    }
}

/// `a == b` for slices of one length up to 24 bytes, as a few overlapping
/// word compares: a call into `memcmp` per tracked read measured as ~10%
/// of a tracked GET, and copying the key into a padded buffer first
/// stalled on store forwarding.
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    debug_assert!(n == b.len() && n <= 24);
    let w4 = |s: &[u8], at: usize| u32::from_ne_bytes([s[at], s[at + 1], s[at + 2], s[at + 3]]);
    let w8 = |s: &[u8], at: usize| u64::from_ne_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4),
        8..=16 => w8(a, 0) == w8(b, 0) && w8(a, n - 8) == w8(b, n - 8),
        _ => w8(a, 0) == w8(b, 0) && w8(a, 8) == w8(b, 8) && w8(a, n - 8) == w8(b, n - 8),
    }
}

/// What [`TrackedKeys::remember`] added.
#[derive(Debug, PartialEq, Eq)]
pub struct Added {
    /// The key was not tracked before.
    pub key: bool,
    /// The client was not among its readers before.
    pub reader: bool,
}

/// One shard's tracked keys: linear probing over slots that carry the
/// hash, so a lookup usually reads one cache line (a separate control
/// array, as in hashbrown, costs a second miss on every tracked read).
/// Deletion shifts later members back; there are no tombstones.
#[derive(Default)]
pub struct TrackedKeys {
    slots: Vec<Option<Slot>>,
    len: usize,
    /// (key, reader) pairs: kept here under the shard lock rather than in a
    /// shared counter, which cost an atomic add on every tracked read.
    items: usize,
    /// Where [`TrackedKeys::any`] looks first, so trimming does not rescan
    /// the same empty stretch.
    cursor: usize,
}

const MIN_SLOTS: usize = 16;

/// The address of `hash`'s home slot in a table laid out as `layout` (from
/// [`TrackedKeys::layout`]), for prefetching without the shard lock: the
/// layout may be stale by then, and prefetching a stale address is only a
/// wasted fetch (the address is computed, never dereferenced).
pub fn slot_address((first, mask): (*const u8, usize), hash: u64) -> *const u8 {
    first.wrapping_add(home(hash, mask) * SLOT_BYTES)
}

/// The size of a slot (a cache line).
pub const SLOT_BYTES: usize = std::mem::size_of::<Option<Slot>>();

/// The slot a hash starts probing at. The shard index already uses bits
/// 40..46 of the hash, so the slot index is taken from a mix of all bits.
fn home(hash: u64, mask: usize) -> usize {
    (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & mask
}

impl TrackedKeys {
    /// Records that `client` read `key` (whose keyspace hash is `hash`).
    pub fn remember(&mut self, hash: u64, key: &[u8], client: u64) -> Added {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = home(hash, mask);
        loop {
            match &mut self.slots[i] {
                Some(slot) if slot.is(hash, key) => {
                    let reader = slot.readers.insert(client);
                    self.items += reader as usize;
                    return Added { key: false, reader };
                }
                Some(_) => i = (i + 1) & mask,
                empty => {
                    *empty = Some(Slot { hash, key: KeyName::new(key), readers: Readers::One(client) });
                    self.len += 1;
                    self.items += 1;
                    return Added { key: true, reader: true };
                }
            }
        }
    }

    /// Where the slots are, for [`slot_address`]: (first slot, mask), or
    /// null when there are none. Changes only when the table grows or is
    /// cleared.
    pub fn layout(&self) -> (*const u8, usize) {
        match self.slots.len() {
            0 => (std::ptr::null(), 0),
            n => (self.slots.as_ptr() as *const u8, n - 1),
        }
    }

    /// The number of (key, reader) pairs.
    pub fn items(&self) -> usize {
        self.items
    }

    fn find(&self, hash: u64, key: &[u8]) -> Option<usize> {
        if self.len == 0 {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = home(hash, mask);
        loop {
            match &self.slots[i] {
                Some(slot) if slot.is(hash, key) => return Some(i),
                Some(_) => i = (i + 1) & mask,
                None => return None,
            }
        }
    }

    /// Stops tracking `key`, returning its readers.
    pub fn remove(&mut self, hash: u64, key: &[u8]) -> Option<Readers> {
        let at = self.find(hash, key)?;
        let slot = self.slots[at].take().expect("found");
        self.len -= 1;
        self.items -= slot.readers.len();
        self.close_gap(at);
        Some(slot.readers)
    }

    /// Backward-shift deletion: moves later members of the probe run into
    /// the hole at `hole` unless that would put them before their home.
    fn close_gap(&mut self, mut hole: usize) {
        let mask = self.slots.len() - 1;
        let mut i = (hole + 1) & mask;
        while let Some(slot) = &self.slots[i] {
            let dist_home = i.wrapping_sub(home(slot.hash, mask)) & mask;
            let dist_hole = i.wrapping_sub(hole) & mask;
            if dist_home >= dist_hole {
                self.slots[hole] = self.slots[i].take();
                hole = i;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let cap = (self.slots.len() * 2).max(MIN_SLOTS);
        let old = std::mem::replace(&mut self.slots, (0..cap).map(|_| None).collect());
        self.len = 0;
        for slot in old.into_iter().flatten() {
            self.place(slot);
        }
    }

    /// Puts a slot known to be absent in its probe run.
    fn place(&mut self, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut i = home(slot.hash, mask);
        while self.slots[i].is_some() {
            i = (i + 1) & mask;
        }
        self.slots[i] = Some(slot);
        self.len += 1;
    }

    /// Some tracked key and its hash (for trimming to the limit).
    pub fn any(&mut self) -> Option<(u64, Vec<u8>)> {
        if self.len == 0 {
            return None;
        }
        let n = self.slots.len();
        let at = (0..n).map(|i| (self.cursor + i) % n).find(|&i| self.slots[i].is_some())?;
        self.cursor = at;
        self.slots[at].as_ref().map(|s| (s.hash, s.key.as_bytes().to_vec()))
    }

    /// Removes the ids in `dead` from every key, dropping keys left without
    /// readers. Returns (keys dropped, ids removed). In place: a dropped
    /// key's hole is closed at once and its slot looked at again, since
    /// closing a hole only moves later members back to it (members of a
    /// run that wrapped around may be visited twice, which changes nothing).
    pub fn remove_readers(&mut self, dead: &[u64]) -> (usize, usize) {
        let (mut keys, mut items) = (0, 0);
        let mut i = 0;
        while i < self.slots.len() {
            let Some(slot) = &mut self.slots[i] else {
                i += 1;
                continue;
            };
            let (removed, empty) = slot.readers.remove_all(dead);
            items += removed;
            self.items -= removed;
            if empty {
                keys += 1;
                self.slots[i] = None;
                self.len -= 1;
                self.close_gap(i);
            } else {
                i += 1;
            }
        }
        (keys, items)
    }

    /// Forgets everything; returns how many keys were dropped.
    pub fn clear(&mut self) -> usize {
        let keys = self.len;
        *self = TrackedKeys::default();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survives_growth_and_deletion_in_long_probe_runs() {
        let mut t = TrackedKeys::default();
        // Few distinct hashes: long runs that wrap around the table.
        let key = |i: u64| format!("key:{i}").into_bytes();
        for i in 0..2_000u64 {
            assert!(t.remember(i % 7, &key(i), i).key);
        }
        for i in (0..2_000u64).step_by(3) {
            assert_eq!(t.remove(i % 7, &key(i)).map(|r| r.to_vec()), Some(vec![i]), "key {i}");
        }
        for i in 0..2_000u64 {
            let found = t.find(i % 7, &key(i)).is_some();
            assert_eq!(found, i % 3 != 0, "key {i}");
        }
        assert_eq!(t.len, 2_000 - 667);
    }

    #[test]
    fn short_eq_compares_every_byte_of_every_length() {
        for n in 0..=24usize {
            let a: Vec<u8> = (0..n as u8).map(|i| i.wrapping_mul(37)).collect();
            assert!(short_eq(&a, &a.clone()), "len {n}");
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x80;
                assert!(!short_eq(&a, &b), "len {n}, byte {at} differs");
            }
        }
    }

    #[test]
    fn remembering_twice_adds_the_reader_once() {
        let mut t = TrackedKeys::default();
        assert_eq!(t.remember(7, b"k", 1), Added { key: true, reader: true });
        assert_eq!(t.remember(7, b"k", 1), Added { key: false, reader: false });
        assert_eq!(t.remember(7, b"k", 2), Added { key: false, reader: true });
        assert_eq!(t.remember(7, b"k", 3), Added { key: false, reader: true });
        assert_eq!(t.remember(7, b"k", 2), Added { key: false, reader: false });
        assert_eq!(
            t.remove(7, b"k").map(|r| {
                let mut v = r.to_vec();
                v.sort_unstable();
                v
            }),
            Some(vec![1, 2, 3])
        );
        assert!(t.remove(7, b"k").is_none());
    }

    #[test]
    fn keys_with_the_same_hash_stay_apart() {
        let mut t = TrackedKeys::default();
        let long = [b'x'; 40];
        t.remember(5, b"a", 1);
        t.remember(5, &long, 2);
        assert_eq!(t.remove(5, &long).map(|r| r.to_vec()), Some(vec![2]));
        assert_eq!(t.remove(5, b"a").map(|r| r.to_vec()), Some(vec![1]));
    }

    #[test]
    fn removing_readers_in_place_keeps_every_survivor_findable() {
        let mut t = TrackedKeys::default();
        let key = |i: u64| format!("key:{i}").into_bytes();
        // Few distinct hashes, near the table's end: runs wrap around.
        let hash = |i: u64| u64::MAX - i % 5;
        for i in 0..3_000u64 {
            t.remember(hash(i), &key(i), 1 + i % 4);
            t.remember(hash(i), &key(i), 10 + i % 3);
        }
        let (keys, items) = t.remove_readers(&[2, 10]);
        // Keys read by 2 and 10 only: i % 4 == 1 and i % 3 == 0.
        let both = (0..3_000u64).filter(|i| i % 4 == 1 && i % 3 == 0).count();
        assert_eq!(keys, both);
        assert_eq!(items, 750 + 1_000);
        for i in 0..3_000u64 {
            let gone = i % 4 == 1 && i % 3 == 0;
            assert_eq!(t.find(hash(i), &key(i)).is_none(), gone, "key {i}");
        }
        assert_eq!(t.len, 3_000 - both);
    }

    #[test]
    fn dead_readers_are_removed_and_empty_keys_dropped() {
        let mut t = TrackedKeys::default();
        for (key, id) in [(&b"a"[..], 1), (b"a", 2), (b"a", 3), (b"b", 2)] {
            t.remember(key[0] as u64, key, id);
        }
        assert_eq!(t.remove_readers(&[2, 3]), (1, 3));
        assert_eq!(t.any().map(|(_, k)| k), Some(b"a".to_vec()));
        assert_eq!(t.items(), 1);
        assert_eq!(t.clear(), 1);
        assert_eq!(t.items(), 0);
        assert!(t.any().is_none());
    }
}
