//! The large sorted-set encoding (what `OBJECT ENCODING` calls `skiplist`):
//! an arena of items, a member index for O(1) score lookups and an
//! order-statistic B+tree for ranks and ranges in O(log n).
//!
//! Each member's bytes are stored once, in its arena item; the index and
//! the tree refer to items by `u32` id. Freed ids are reused.

use super::index::{member_hash, Index};
use super::tree::{Cursor, Item, Tree};

/// The large encoding.
#[derive(Debug, Clone, Default)]
pub struct Big {
    items: Vec<Item>,
    free: Vec<u32>,
    index: Index,
    tree: Tree,
    member_bytes: usize,
}

impl Big {
    /// An empty set with room for `cap` members.
    pub fn with_capacity(cap: usize) -> Big {
        Big { items: Vec::with_capacity(cap.min(1 << 20)), ..Big::default() }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.tree.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Heap bytes held (O(1): sizes are tracked as the set changes).
    pub fn mem_usage(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<Item>()
            + self.free.capacity() * 4
            + self.index.mem_usage()
            + self.tree.mem_usage()
            + self.member_bytes
    }

    /// The score of `member`.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.index.find(&self.items, member_hash(member), member).map(|(_, id)| self.items[id as usize].score)
    }

    /// Sets `member`'s score, adding it if needed; returns the old score.
    pub fn insert(&mut self, member: &[u8], score: f64) -> Option<f64> {
        let hash = member_hash(member);
        if let Some((_, id)) = self.index.find(&self.items, hash, member) {
            let old = self.items[id as usize].score;
            if old != score || old.is_sign_negative() != score.is_sign_negative() {
                self.tree.remove(&self.items, old, member);
                self.items[id as usize].score = score;
                self.tree.insert(&self.items, id);
            }
            return Some(old);
        }
        let item = Item { member: member.into(), score };
        self.member_bytes += member.len();
        let id = match self.free.pop() {
            Some(id) => {
                self.items[id as usize] = item;
                id
            }
            None => {
                // Grow by an eighth rather than doubling: the arena is the
                // largest part of a big set, and a doubled vector would
                // leave up to half of it unused.
                if self.items.len() == self.items.capacity() {
                    self.items.reserve_exact((self.items.len() / 8).max(16));
                }
                self.items.push(item);
                (self.items.len() - 1) as u32
            }
        };
        self.index.insert(hash, id);
        self.tree.insert(&self.items, id);
        None
    }

    /// Removes `member`; returns its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let (pos, id) = self.index.find(&self.items, member_hash(member), member)?;
        let score = self.items[id as usize].score;
        self.tree.remove(&self.items, score, member);
        self.index.remove_at(pos);
        self.member_bytes -= member.len();
        self.items[id as usize].member = Box::default();
        self.free.push(id);
        if self.tree.len() == 0 {
            *self = Big::default();
        }
        Some(score)
    }

    /// The 0-based rank and score of `member`.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        let score = self.score(member)?;
        let items = &self.items;
        let rank = self.tree.count_while(|id| {
            let it = &items[id as usize];
            super::pack::key_less(it.score, &it.member, score, member)
        });
        Some((rank, score))
    }

    /// Number of leading members for which `pred(score, member)` holds
    /// (it must hold for a prefix of the order).
    pub fn count_while(&self, mut pred: impl FnMut(f64, &[u8]) -> bool) -> usize {
        let items = &self.items;
        self.tree.count_while(|id| {
            let it = &items[id as usize];
            pred(it.score, &it.member)
        })
    }

    fn item(&self, c: Cursor) -> (&[u8], f64) {
        let it = &self.items[self.tree.id_at(c) as usize];
        (&it.member, it.score)
    }

    /// Members from rank `start` on, ascending (or descending when `rev`).
    pub fn walk(&self, start: usize, rev: bool) -> impl Iterator<Item = (&[u8], f64)> + '_ {
        let mut cur = self.tree.seek(start);
        std::iter::from_fn(move || {
            let c = cur?;
            cur = if rev { self.tree.prev(c) } else { self.tree.next(c) };
            Some(self.item(c))
        })
    }

    /// Calls `visit` with the members whose index home bucket is the
    /// cursor's; returns the next cursor.
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(&[u8], f64)) -> u64 {
        self.index.scan(cursor, |id| {
            let it = &self.items[id as usize];
            visit(&it.member, it.score)
        })
    }

    /// Checks the tree's invariants (tests).
    #[cfg(test)]
    pub fn check(&self) {
        self.tree.check(&self.items);
    }
}
