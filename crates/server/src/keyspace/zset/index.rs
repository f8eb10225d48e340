//! The member -> item index of the large sorted-set encoding: an
//! open-addressing table of `u64` slots (low 32 bits of the member's hash,
//! item id + 1), linear probing, backward-shift deletion.
//!
//! ZSCAN walks *home buckets* (`hash & mask`) in Redis's reverse-binary
//! cursor order, like the keyspace table: a member's home bucket maps across
//! doubling and halving exactly as Redis's chained buckets do, so every
//! member present for a whole scan is returned although entries move when
//! others are deleted.

use super::tree::Item;
use crate::keyspace::hash_key;

const MIN_CAP: usize = 8;

/// The index (slot 0 means empty).
#[derive(Debug, Clone, Default)]
pub struct Index {
    slots: Vec<u64>,
    len: usize,
}

/// The 32 hash bits the index keeps per member.
pub fn member_hash(member: &[u8]) -> u32 {
    hash_key(member) as u32
}

fn slot_hash(s: u64) -> u32 {
    (s >> 32) as u32
}

fn slot_id(s: u64) -> u32 {
    (s as u32).wrapping_sub(1)
}

impl Index {
    /// Heap bytes held.
    pub fn mem_usage(&self) -> usize {
        self.slots.capacity() * 8
    }

    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// The slot position and item id of `member`.
    pub fn find(&self, items: &[Item], hash: u32, member: &[u8]) -> Option<(usize, u32)> {
        if self.len == 0 {
            return None;
        }
        let mask = self.mask();
        let mut i = hash as usize & mask;
        loop {
            let s = self.slots[i];
            if s == 0 {
                return None;
            }
            if slot_hash(s) == hash && &items[slot_id(s) as usize].member[..] == member {
                return Some((i, slot_id(s)));
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds an item id (its member must not be present).
    pub fn insert(&mut self, hash: u32, id: u32) {
        if (self.len + 1) * 5 > self.slots.len() * 4 {
            self.resize((self.slots.len() * 2).max(MIN_CAP));
        }
        self.place(((hash as u64) << 32) | (id as u64 + 1));
        self.len += 1;
    }

    fn place(&mut self, s: u64) {
        let mask = self.mask();
        let mut i = slot_hash(s) as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = s;
    }

    fn resize(&mut self, cap: usize) {
        let old = std::mem::replace(&mut self.slots, vec![0; cap]);
        for s in old.into_iter().filter(|&s| s != 0) {
            self.place(s);
        }
    }

    /// Removes the entry at slot `pos` (backward-shift deletion).
    pub fn remove_at(&mut self, pos: usize) {
        crate::keyspace::table::backward_shift(&mut self.slots, pos, |s| slot_hash(s) as usize);
        self.len -= 1;
        if self.slots.len() > MIN_CAP && self.len * 10 < self.slots.len() {
            self.resize((self.slots.len() / 2).max(MIN_CAP));
        }
    }

    /// Calls `visit` with every item id whose home bucket is `cursor &
    /// mask`, and returns the next cursor (0 when the scan is complete).
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(u32)) -> u64 {
        if self.slots.is_empty() {
            return 0;
        }
        let mask = self.mask() as u64;
        let bucket = (cursor & mask) as usize;
        let mut i = bucket;
        loop {
            let s = self.slots[i];
            if s == 0 {
                break;
            }
            if slot_hash(s) as usize & mask as usize == bucket {
                visit(slot_id(s));
            }
            i = (i + 1) & mask as usize;
            if i == bucket {
                break;
            }
        }
        crate::keyspace::table::next_scan_cursor(cursor, mask)
    }
}
