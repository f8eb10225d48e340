//! The open-addressing hash table of one shard.
//!
//! Slots are single `u64` words: an [`Entry`] block address in the low 48
//! bits and the top 16 bits of the key's hash as a tag, so most probes that
//! do not match never touch the entry. Linear probing with backward-shift
//! deletion (no tombstones); capacity is a power of two, grown past 80% load
//! and shrunk below 10%.
//!
//! Iteration for SCAN walks *home buckets* (hash & mask) in Redis's
//! reverse-binary cursor order. A key's home bucket never changes while the
//! table keeps its size, and across a doubling or halving home buckets map
//! exactly like Redis's chained buckets, so Redis's SCAN guarantee holds even
//! though entries physically move during deletions.
//!
//! This module knows nothing of expiry or side effects: the shard does.

use super::defrag::BlockMover;
use super::entry::{Entry, EntryMut, EntryRef};

const ADDR_MASK: u64 = (1 << 48) - 1;

/// Redis's reverse-binary SCAN cursor step for a table of `mask + 1`
/// buckets: increments the cursor's bits from the top, so buckets visited
/// before a doubling or halving are never visited again under the new size.
pub fn next_scan_cursor(cursor: u64, mask: u64) -> u64 {
    (cursor | !mask).reverse_bits().wrapping_add(1).reverse_bits()
}

/// Backward-shift deletion for linear probing: empties `slot` and moves
/// later members of its probe run back into the hole (no tombstones).
/// `home` gives a non-empty slot value's home bucket; `0` is the empty value.
pub fn backward_shift(slots: &mut [u64], slot: usize, home: impl Fn(u64) -> usize) {
    let mask = slots.len() - 1;
    let mut hole = slot;
    let mut i = (slot + 1) & mask;
    loop {
        let w = slots[i];
        if w == 0 {
            break;
        }
        // Move `w` into the hole unless its home lies cyclically in (hole, i].
        let dist_home = i.wrapping_sub(home(w) & mask) & mask;
        let dist_hole = i.wrapping_sub(hole) & mask;
        if dist_home >= dist_hole {
            slots[hole] = w;
            hole = i;
        }
        i = (i + 1) & mask;
    }
    slots[hole] = 0;
}
const MIN_CAP: usize = 8;

/// Hash table of entries keyed by their key bytes.
pub struct Table {
    slots: Vec<u64>,
    len: usize,
    hash: fn(&[u8]) -> u64,
}

impl Drop for Table {
    fn drop(&mut self) {
        self.clear();
    }
}

impl Table {
    /// An empty table that hashes keys with `hash` (needed to rehash on resize).
    pub fn new(hash: fn(&[u8]) -> u64) -> Table {
        Table { slots: Vec::new(), len: 0, hash }
    }

    /// The hash function the table rehashes with.
    pub fn hash_fn(&self) -> fn(&[u8]) -> u64 {
        self.hash
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of slots (0 or a power of two).
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Heap bytes used by the slot array.
    pub fn mem_usage(&self) -> usize {
        self.slots.capacity() * 8
    }

    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// Finds the slot holding `key`.
    pub fn find(&self, hash: u64, key: &[u8]) -> Option<usize> {
        self.probe(hash, |e| e.key() == key)
    }

    /// Finds the slot of the key whose full hash is `hash`, without the key
    /// bytes (S3-FIFO's queue remembers hashes only; 64-bit collisions are
    /// negligible and would only misplace an eviction hint).
    pub fn find_hash(&self, hash: u64) -> Option<usize> {
        self.probe(hash, |e| (self.hash)(e.key()) == hash)
    }

    /// Walks `hash`'s probe run to the first entry with its tag that `is_it`.
    fn probe(&self, hash: u64, is_it: impl Fn(EntryRef<'_>) -> bool) -> Option<usize> {
        if self.len == 0 {
            return None;
        }
        let mask = self.mask();
        let tag = hash & !ADDR_MASK;
        let mut i = hash as usize & mask;
        loop {
            let word = self.slots[i];
            if word == 0 {
                return None;
            }
            if word & !ADDR_MASK == tag && is_it(self.get(i)) {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// Asks the CPU to fetch `hash`'s home slot (first stage of a batch
    /// prefetch; see [`super::Keyspace::prefetch`]).
    pub fn prefetch_slot(&self, hash: u64) {
        if let Some(word) = self.slots.get(hash as usize & self.mask()) {
            crate::prefetch::cache_line(word as *const u64 as *const u8);
        }
    }

    /// Asks the CPU to fetch the first entry of `hash`'s probe run whose
    /// tag matches (second stage, once the slots are in cache). A run
    /// rarely leaves the home slot's cache line.
    pub fn prefetch_entry(&self, hash: u64) {
        if self.len == 0 {
            return;
        }
        let (mask, tag) = (self.mask(), hash & !ADDR_MASK);
        let mut i = hash as usize & mask;
        for _ in 0..8 {
            let word = self.slots[i];
            if word == 0 {
                return;
            }
            if word & !ADDR_MASK == tag {
                crate::prefetch::cache_line((word & ADDR_MASK) as *const u8);
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// The entry in an occupied slot.
    pub fn get(&self, slot: usize) -> EntryRef<'_> {
        let addr = self.slots[slot] & ADDR_MASK;
        // SAFETY: occupied slots hold live blocks owned by this table, which
        // is borrowed shared for the view's lifetime.
        unsafe { Entry::view(addr) }
    }

    /// Mutable access to the entry in an occupied slot.
    pub fn get_mut(&mut self, slot: usize) -> EntryMut<'_> {
        let addr = self.slots[slot] & ADDR_MASK;
        // SAFETY: as in `get`, and the table is borrowed exclusively.
        unsafe { Entry::view_mut(addr) }
    }

    /// Whether a slot is occupied.
    pub fn is_occupied(&self, slot: usize) -> bool {
        self.slots.get(slot).is_some_and(|w| *w != 0)
    }

    /// Inserts an entry whose key is known to be absent; returns its slot.
    pub fn insert_new(&mut self, hash: u64, entry: Entry) -> usize {
        if (self.len + 1) * 5 > self.slots.len() * 4 {
            self.resize((self.slots.len() * 2).max(MIN_CAP));
        }
        self.len += 1;
        self.place(hash, entry.into_addr())
    }

    fn place(&mut self, hash: u64, addr: u64) -> usize {
        let mask = self.mask();
        let mut i = hash as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = addr | (hash & !ADDR_MASK);
        i
    }

    /// Replaces the entry in an occupied slot (same key), returning the old one.
    pub fn replace(&mut self, slot: usize, entry: Entry) -> Entry {
        let word = self.slots[slot];
        self.slots[slot] = entry.into_addr() | (word & !ADDR_MASK);
        // SAFETY: the old address was owned by this slot and is now released.
        unsafe { Entry::from_addr(word & ADDR_MASK) }
    }

    /// The block address in an occupied slot (active defrag asks the
    /// allocator about it).
    pub fn block_addr(&self, slot: usize) -> usize {
        (self.slots[slot] & ADDR_MASK) as usize
    }

    /// Moves the entry in an occupied slot to another block (active
    /// defrag); the slot keeps its place and tag.
    pub fn relocate(&mut self, slot: usize, mover: &mut dyn BlockMover) {
        let word = self.slots[slot];
        // SAFETY: the slot owns this address; it gets the moved entry's
        // address back before anything else can read the slot.
        let entry = unsafe { Entry::from_addr(word & ADDR_MASK) };
        self.slots[slot] = entry.relocate(mover).into_addr() | (word & !ADDR_MASK);
    }

    /// Removes the entry in an occupied slot, shifting later members of its
    /// probe run back so that lookups never need tombstones.
    pub fn remove(&mut self, slot: usize) -> Entry {
        let word = self.slots[slot];
        // SAFETY: the slot owned this address; ownership moves to the caller.
        let removed = unsafe { Entry::from_addr(word & ADDR_MASK) };
        let hash = self.hash;
        // SAFETY: every non-empty slot holds a live block owned by the table.
        backward_shift(&mut self.slots, slot, |w| hash(unsafe { Entry::view(w & ADDR_MASK) }.key()) as usize);
        self.len -= 1;
        if self.slots.len() > MIN_CAP && self.len * 10 < self.slots.len() {
            self.resize((self.slots.len() / 2).max(MIN_CAP));
        }
        removed
    }

    fn home_of(&self, slot: usize) -> usize {
        (self.hash)(self.get(slot).key()) as usize & self.mask()
    }

    fn resize(&mut self, cap: usize) {
        let old = std::mem::replace(&mut self.slots, vec![0; cap]);
        for word in old.into_iter().filter(|w| *w != 0) {
            // SAFETY: `word` is a live block moving from the old array.
            let key = unsafe { Entry::view(word & ADDR_MASK) }.key();
            let h = (self.hash)(key);
            self.place(h, word & ADDR_MASK);
        }
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        for word in std::mem::take(&mut self.slots) {
            if word != 0 {
                // SAFETY: each occupied slot owns its block exactly once.
                drop(unsafe { Entry::from_addr(word & ADDR_MASK) });
            }
        }
        self.len = 0;
    }

    /// Iterates over all entries in slot order.
    pub fn iter(&self) -> impl Iterator<Item = EntryRef<'_>> + '_ {
        (0..self.slots.len()).filter(|i| self.slots[*i] != 0).map(|i| self.get(i))
    }

    /// The first occupied slot at or after `start`, wrapping around.
    pub fn occupied_from(&self, start: usize) -> Option<usize> {
        if self.len == 0 {
            return None;
        }
        let mask = self.mask();
        (0..self.slots.len()).map(|d| (start + d) & mask).find(|i| self.slots[*i] != 0)
    }

    /// Visits the entries whose home bucket is the one `cursor` names and
    /// returns the next cursor (0 when the table has been covered), following
    /// Redis's reverse-binary increment so resizes never skip a key.
    pub fn scan_bucket(&self, cursor: u64, mut visit: impl FnMut(EntryRef<'_>)) -> u64 {
        if self.slots.is_empty() {
            return 0;
        }
        let mask = self.mask() as u64;
        let bucket = (cursor & mask) as usize;
        let mut i = bucket;
        while self.slots[i] != 0 {
            if self.home_of(i) == bucket {
                visit(self.get(i));
            }
            i = (i + 1) & mask as usize;
            if i == bucket {
                break;
            }
        }
        next_scan_cursor(cursor, mask)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::entry::Value;
    use std::collections::HashSet;

    fn h(k: &[u8]) -> u64 {
        // A deliberately weak hash so probe runs and wrap-around are exercised.
        k.iter().fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(*b as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    fn entry(k: &str) -> Entry {
        Entry::new(k.as_bytes(), Value::Int(1), None, 0, 0)
    }

    #[test]
    fn insert_find_remove_many_keys() {
        let mut t = Table::new(h);
        for i in 0..5000 {
            let k = format!("k{i}");
            t.insert_new(h(k.as_bytes()), entry(&k));
        }
        assert_eq!(t.len(), 5000);
        for i in (0..5000).step_by(2) {
            let k = format!("k{i}");
            let s = t.find(h(k.as_bytes()), k.as_bytes()).expect("present");
            assert_eq!(t.remove(s).key(), k.as_bytes());
        }
        for i in 0..5000 {
            let k = format!("k{i}");
            assert_eq!(t.find(h(k.as_bytes()), k.as_bytes()).is_some(), i % 2 == 1, "{k}");
        }
    }

    #[test]
    fn table_shrinks_when_mostly_empty() {
        let mut t = Table::new(h);
        for i in 0..1000 {
            let k = format!("k{i}");
            t.insert_new(h(k.as_bytes()), entry(&k));
        }
        let big = t.capacity();
        for i in 0..990 {
            let k = format!("k{i}");
            let s = t.find(h(k.as_bytes()), k.as_bytes()).expect("present");
            t.remove(s);
        }
        assert!(t.capacity() < big);
        assert_eq!(t.iter().count(), 10);
    }

    fn scan_all(t: &Table) -> Vec<String> {
        let mut out = Vec::new();
        let mut c = 0;
        loop {
            c = t.scan_bucket(c, |e| out.push(String::from_utf8(e.key().to_vec()).expect("utf8")));
            if c == 0 {
                return out;
            }
        }
    }

    #[test]
    fn scan_returns_every_key_once_without_changes() {
        let mut t = Table::new(h);
        for i in 0..777 {
            let k = format!("k{i}");
            t.insert_new(h(k.as_bytes()), entry(&k));
        }
        let keys = scan_all(&t);
        assert_eq!(keys.len(), 777);
        assert_eq!(keys.iter().collect::<HashSet<_>>().len(), 777);
    }

    #[test]
    fn scan_covers_stable_keys_across_growth_and_deletes() {
        let mut t = Table::new(h);
        for i in 0..300 {
            let k = format!("stable{i}");
            t.insert_new(h(k.as_bytes()), entry(&k));
        }
        let mut seen = HashSet::new();
        let mut c = 0;
        let mut step = 0;
        loop {
            c = t.scan_bucket(c, |e| {
                seen.insert(String::from_utf8(e.key().to_vec()).expect("utf8"));
            });
            // Churn between calls: a burst of inserts that makes the table
            // grow, later their removal that makes it shrink, and small
            // insert/delete pairs that shift probe runs all along.
            let tmp = |j: usize| format!("tmp{j}");
            if step == 5 {
                for j in 0..3000 {
                    t.insert_new(h(tmp(j).as_bytes()), entry(&tmp(j)));
                }
            }
            if step == 40 {
                for j in 0..3000 {
                    let s = t.find(h(tmp(j).as_bytes()), tmp(j).as_bytes()).expect("present");
                    t.remove(s);
                }
            }
            let k = format!("churn{step}");
            t.insert_new(h(k.as_bytes()), entry(&k));
            let s = t.find(h(k.as_bytes()), k.as_bytes()).expect("present");
            t.remove(s);
            step += 1;
            if c == 0 {
                break;
            }
        }
        for i in 0..300 {
            assert!(seen.contains(&format!("stable{i}")), "stable{i} missed");
        }
    }
}
