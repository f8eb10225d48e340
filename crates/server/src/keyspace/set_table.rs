//! `RecordTable`: the open-addressing table behind the `hashtable` encoding
//! of sets and hashes.
//!
//! A record is one heap allocation (`Box<[u8]>`) that starts with its key: a
//! set member is the whole record; a hash record is the field followed by
//! its value (see `keyspace/hash.rs`). [`RecordKey`] says where the key is.
//! One allocation per element plus a 16-byte slot is what keeps big sets and
//! hashes at or below Redis's `dictEntry` + `sds` cost.
//!
//! Linear probing with backward-shift deletion (no tombstones), grown past
//! 80% load and shrunk below 10%, like the keyspace's own table. Beside
//! each slot sits a 16-bit tag from the key's hash: a probe compares tags
//! and dereferences a record only when its tag matches, so a lookup costs
//! about one record access however long the probe run (without tags, a
//! miss at 80% load read a dozen records). Slots and tags live behind one
//! box, which keeps the table three words wide inside the collection's
//! `Object` (small collections never build one). SSCAN and
//! HSCAN walk *home buckets* in Redis's reverse-binary cursor order, so an
//! element present for a whole scan is returned although resizes and
//! deletions move elements around (the argument is in `keyspace/table.rs`).
//!
//! This module knows nothing of commands, encodings or expiry.

use std::marker::PhantomData;

use rand::Rng;

const MIN_CAP: usize = 8;

/// Where a record's key is.
pub trait RecordKey {
    /// The key bytes of a record.
    fn key(rec: &[u8]) -> &[u8];
}

/// Records that are their own key (set members).
#[derive(Debug, Clone, Copy)]
pub struct WholeRecord;

impl RecordKey for WholeRecord {
    fn key(rec: &[u8]) -> &[u8] {
        rec
    }
}

/// A hash table of records keyed by [`RecordKey::key`].
pub struct RecordTable<K> {
    st: Box<Storage>,
    len: usize,
    /// Sum of record lengths (for O(1) memory accounting).
    bytes: usize,
    _key: PhantomData<K>,
}

/// The slot array and, index for index, the tags of occupied slots.
#[derive(Clone, Default)]
struct Storage {
    slots: Vec<Option<Box<[u8]>>>,
    tags: Vec<u16>,
}

impl<K> Clone for RecordTable<K> {
    fn clone(&self) -> Self {
        RecordTable { st: self.st.clone(), len: self.len, bytes: self.bytes, _key: PhantomData }
    }
}

impl<K> std::fmt::Debug for RecordTable<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordTable").field("len", &self.len).field("capacity", &self.st.slots.len()).finish()
    }
}

fn hash(key: &[u8]) -> usize {
    crate::keyspace::hash_key(key) as usize
}

/// The hash bits kept beside a slot: the top 16, far from the index bits.
fn tag(hash: usize) -> u16 {
    (hash as u64 >> 48) as u16
}

impl<K: RecordKey> RecordTable<K> {
    /// An empty table with room for `n` records before it grows.
    pub fn with_capacity(n: usize) -> Self {
        let mut t = RecordTable { st: Box::default(), len: 0, bytes: 0, _key: PhantomData };
        if n > 0 {
            t.resize(Self::cap_for(n));
        }
        t
    }

    fn cap_for(n: usize) -> usize {
        (n.saturating_mul(5) / 4 + 1).next_power_of_two().max(MIN_CAP)
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the table holds no record.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Heap bytes: the slot array plus each record (with a word of allocator
    /// overhead per record, as jemalloc's size classes cost about that).
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Storage>()
            + self.st.slots.capacity() * std::mem::size_of::<Option<Box<[u8]>>>()
            + self.st.tags.capacity() * std::mem::size_of::<u16>()
            + self.bytes
            + self.len * 8
    }

    fn mask(&self) -> usize {
        self.st.slots.len().wrapping_sub(1)
    }

    fn find(&self, key: &[u8]) -> Option<usize> {
        self.find_hashed(key, hash(key))
    }

    fn find_hashed(&self, key: &[u8], h: usize) -> Option<usize> {
        if self.len == 0 {
            return None;
        }
        let (mask, t) = (self.mask(), tag(h));
        let mut i = h & mask;
        loop {
            match &self.st.slots[i] {
                None => return None,
                Some(r) if self.st.tags[i] == t && K::key(r) == key => return Some(i),
                Some(_) => i = (i + 1) & mask,
            }
        }
    }

    /// The record with `key`.
    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        self.find(key).and_then(|i| self.st.slots[i].as_deref())
    }

    /// Whether a record with `key` exists.
    pub fn contains(&self, key: &[u8]) -> bool {
        self.find(key).is_some()
    }

    /// Inserts `rec`, replacing (and returning) the record with the same key.
    pub fn insert(&mut self, rec: Box<[u8]>) -> Option<Box<[u8]>> {
        let key = K::key(&rec);
        let h = hash(key);
        if let Some(i) = self.find_hashed(key, h) {
            self.bytes = self.bytes + rec.len() - self.st.slots[i].as_ref().map_or(0, |r| r.len());
            return self.st.slots[i].replace(rec);
        }
        if (self.len + 1) * 5 > self.st.slots.len() * 4 {
            self.resize((self.st.slots.len() * 2).max(MIN_CAP));
        }
        self.len += 1;
        self.bytes += rec.len();
        self.place(rec, h);
        None
    }

    fn place(&mut self, rec: Box<[u8]>, h: usize) {
        let mask = self.mask();
        let mut i = h & mask;
        while self.st.slots[i].is_some() {
            i = (i + 1) & mask;
        }
        self.st.slots[i] = Some(rec);
        self.st.tags[i] = tag(h);
    }

    /// Removes the record with `key`.
    pub fn remove(&mut self, key: &[u8]) -> Option<Box<[u8]>> {
        let slot = self.find(key)?;
        let removed = self.st.slots[slot].take();
        let mask = self.mask();
        let mut hole = slot;
        let mut i = (slot + 1) & mask;
        loop {
            let home = match &self.st.slots[i] {
                None => break,
                Some(r) => hash(K::key(r)) & mask,
            };
            // Move the record into the hole unless its home lies cyclically in (hole, i].
            if (i.wrapping_sub(home) & mask) >= (i.wrapping_sub(hole) & mask) {
                self.st.slots[hole] = self.st.slots[i].take();
                self.st.tags[hole] = self.st.tags[i];
                hole = i;
            }
            i = (i + 1) & mask;
        }
        self.len -= 1;
        self.bytes -= removed.as_ref().map_or(0, |r| r.len());
        if self.st.slots.len() > MIN_CAP && self.len * 10 < self.st.slots.len() {
            self.resize((self.st.slots.len() / 2).max(MIN_CAP));
        }
        removed
    }

    fn resize(&mut self, cap: usize) {
        let old = std::mem::replace(&mut self.st.slots, (0..cap).map(|_| None).collect());
        self.st.tags = vec![0; cap];
        for rec in old.into_iter().flatten() {
            let h = hash(K::key(&rec));
            self.place(rec, h);
        }
    }

    /// Iterates over the records in slot order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.st.slots.iter().filter_map(|s| s.as_deref())
    }

    /// A uniformly random record (the load factor is kept at or above 10%,
    /// so this probes about ten slots at worst on average).
    pub fn random(&self, rng: &mut impl Rng) -> Option<&[u8]> {
        if self.len == 0 {
            return None;
        }
        loop {
            if let Some(r) = self.st.slots[rng.gen_range(0..self.st.slots.len())].as_deref() {
                return Some(r);
            }
        }
    }

    /// Visits the records whose home bucket `cursor` names and returns the
    /// next cursor (0 once the table has been covered), with Redis's
    /// reverse-binary increment.
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(&[u8])) -> u64 {
        if self.st.slots.is_empty() {
            return 0;
        }
        let mask = self.mask();
        let bucket = cursor as usize & mask;
        let mut i = bucket;
        while let Some(r) = &self.st.slots[i] {
            if hash(K::key(r)) & mask == bucket {
                visit(r);
            }
            i = (i + 1) & mask;
            if i == bucket {
                break;
            }
        }
        crate::keyspace::table::next_scan_cursor(cursor, mask as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn rec(s: &str) -> Box<[u8]> {
        s.as_bytes().into()
    }

    #[test]
    fn insert_replace_remove_and_shrink() {
        let mut t: RecordTable<WholeRecord> = RecordTable::with_capacity(0);
        for i in 0..3000 {
            assert!(t.insert(rec(&format!("m{i}"))).is_none());
        }
        assert!(t.insert(rec("m7")).is_some(), "same key replaces");
        assert_eq!(t.len(), 3000);
        let big = t.st.slots.len();
        for i in 0..2990 {
            assert!(t.remove(format!("m{i}").as_bytes()).is_some());
        }
        assert!(t.remove(b"m0").is_none());
        assert!(t.st.slots.len() < big);
        assert_eq!(t.iter().count(), 10);
        for i in 2990..3000 {
            assert!(t.contains(format!("m{i}").as_bytes()));
        }
        assert_eq!(t.bytes, t.iter().map(|r| r.len()).sum::<usize>());
    }

    #[test]
    fn scan_covers_stable_records_across_resizes() {
        let mut t: RecordTable<WholeRecord> = RecordTable::with_capacity(0);
        for i in 0..200 {
            t.insert(rec(&format!("stable{i}")));
        }
        let (mut seen, mut cursor, mut step) = (HashSet::new(), 0, 0);
        loop {
            cursor = t.scan(cursor, |r| {
                seen.insert(r.to_vec());
            });
            if step == 3 {
                for j in 0..2000 {
                    t.insert(rec(&format!("tmp{j}")));
                }
            }
            if step == 30 {
                for j in 0..2000 {
                    t.remove(format!("tmp{j}").as_bytes());
                }
            }
            step += 1;
            if cursor == 0 {
                break;
            }
        }
        for i in 0..200 {
            assert!(seen.contains(format!("stable{i}").as_bytes()), "stable{i} missed");
        }
    }

    #[test]
    fn random_returns_members() {
        let mut t: RecordTable<WholeRecord> = RecordTable::with_capacity(100);
        let mut rng = rand::thread_rng();
        assert!(t.random(&mut rng).is_none());
        t.insert(rec("a"));
        t.insert(rec("b"));
        let picks: HashSet<Vec<u8>> = (0..200).filter_map(|_| t.random(&mut rng).map(|r| r.to_vec())).collect();
        assert_eq!(picks.len(), 2);
    }
}
