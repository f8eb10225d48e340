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

use hashbrown::HashTable;

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

/// The clients tracking one key, deduplicated; most keys have one or two.
#[derive(Debug, Clone)]
pub enum Readers {
    /// One reader.
    One(u64),
    /// Two readers.
    Two(u64, u64),
    /// Three or more.
    Many(Vec<u64>),
}

impl Readers {
    /// Adds an id; false if it was there.
    fn insert(&mut self, id: u64) -> bool {
        match self {
            Readers::One(a) if *a == id => false,
            Readers::One(a) => {
                *self = Readers::Two(*a, id);
                true
            }
            Readers::Two(a, b) if *a == id || *b == id => false,
            Readers::Two(a, b) => {
                *self = Readers::Many(vec![*a, *b, id]);
                true
            }
            Readers::Many(v) if v.contains(&id) => false,
            Readers::Many(v) => {
                v.push(id);
                true
            }
        }
    }

    /// Removes every id in `dead`; returns how many were there and whether
    /// no reader is left.
    fn remove_all(&mut self, dead: &[u64]) -> (usize, bool) {
        let mut ids = self.to_vec();
        let before = ids.len();
        ids.retain(|id| !dead.contains(id));
        let removed = before - ids.len();
        match ids[..] {
            [] => return (removed, true),
            [a] => *self = Readers::One(a),
            [a, b] => *self = Readers::Two(a, b),
            _ => *self = Readers::Many(ids),
        }
        (removed, false)
    }

    /// The ids.
    pub fn to_vec(&self) -> Vec<u64> {
        match self {
            Readers::One(a) => vec![*a],
            Readers::Two(a, b) => vec![*a, *b],
            Readers::Many(v) => v.clone(),
        }
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        match self {
            Readers::One(_) => 1,
            Readers::Two(..) => 2,
            Readers::Many(v) => v.len(),
        }
    }
}

struct Slot {
    hash: u64,
    key: KeyName,
    readers: Readers,
}

/// What [`TrackedKeys::remember`] added.
#[derive(Debug, PartialEq, Eq)]
pub struct Added {
    /// The key was not tracked before.
    pub key: bool,
    /// The client was not among its readers before.
    pub reader: bool,
}

/// One shard's tracked keys.
#[derive(Default)]
pub struct TrackedKeys {
    slots: HashTable<Slot>,
}

impl TrackedKeys {
    /// Records that `client` read `key` (whose keyspace hash is `hash`).
    pub fn remember(&mut self, hash: u64, key: &[u8], client: u64) -> Added {
        let eq = |s: &Slot| s.hash == hash && s.key.as_bytes() == key;
        match self.slots.find_mut(hash, eq) {
            Some(slot) => Added { key: false, reader: slot.readers.insert(client) },
            None => {
                let slot = Slot { hash, key: KeyName::new(key), readers: Readers::One(client) };
                self.slots.insert_unique(hash, slot, |s| s.hash);
                Added { key: true, reader: true }
            }
        }
    }

    /// Stops tracking `key`, returning its readers.
    pub fn remove(&mut self, hash: u64, key: &[u8]) -> Option<Readers> {
        let eq = |s: &Slot| s.hash == hash && s.key.as_bytes() == key;
        let entry = self.slots.find_entry(hash, eq).ok()?;
        Some(entry.remove().0.readers)
    }

    /// Some tracked key and its hash (for trimming to the limit).
    pub fn any(&self) -> Option<(u64, Vec<u8>)> {
        self.slots.iter().next().map(|s| (s.hash, s.key.as_bytes().to_vec()))
    }

    /// Removes the ids in `dead` from every key, dropping keys left without
    /// readers. Returns (keys dropped, ids removed).
    pub fn remove_readers(&mut self, dead: &[u64]) -> (usize, usize) {
        let (mut keys, mut items) = (0, 0);
        self.slots.retain(|s| {
            let (removed, empty) = s.readers.remove_all(dead);
            items += removed;
            keys += empty as usize;
            !empty
        });
        (keys, items)
    }

    /// Forgets everything; returns (keys, ids) dropped.
    pub fn clear(&mut self) -> (usize, usize) {
        let items = self.slots.iter().map(|s| s.readers.len()).sum();
        let keys = self.slots.len();
        self.slots.clear();
        (keys, items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembering_twice_adds_the_reader_once() {
        let mut t = TrackedKeys::default();
        assert_eq!(t.remember(7, b"k", 1), Added { key: true, reader: true });
        assert_eq!(t.remember(7, b"k", 1), Added { key: false, reader: false });
        assert_eq!(t.remember(7, b"k", 2), Added { key: false, reader: true });
        assert_eq!(t.remember(7, b"k", 3), Added { key: false, reader: true });
        assert_eq!(t.remember(7, b"k", 2), Added { key: false, reader: false });
        assert_eq!(t.remove(7, b"k").map(|r| r.to_vec()), Some(vec![1, 2, 3]));
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
    fn dead_readers_are_removed_and_empty_keys_dropped() {
        let mut t = TrackedKeys::default();
        for (key, id) in [(&b"a"[..], 1), (b"a", 2), (b"a", 3), (b"b", 2)] {
            t.remember(key[0] as u64, key, id);
        }
        assert_eq!(t.remove_readers(&[2, 3]), (1, 3));
        assert_eq!(t.any().map(|(_, k)| k), Some(b"a".to_vec()));
        assert_eq!(t.clear(), (1, 1));
        assert!(t.any().is_none());
    }
}
