//! The list value: a `listpack` while small, a `quicklist` past
//! `list-max-listpack-size`, converting at the same moments as Redis 7.4
//! (t_list.c `listTypeTryConvertListpack` / `listTypeTryConvertQuicklist`):
//!
//! - before elements are added, a listpack whose size or length would
//!   exceed the limit becomes a quicklist (the listpack is its first node);
//! - after elements are removed, a quicklist reduced to one packed node
//!   within *half* the limit becomes a listpack again (the hysteresis keeps a
//!   list at the edge from converting back and forth).
//!
//! The limit is `fill` (the value of `list-max-listpack-size`): positive is a
//! maximum element count (with an 8 KB safety cap on bytes), negative a byte
//! limit (-1 = 4 KB ... -5 = 64 KB). Callers pass the current setting to
//! every method that may convert.
//!
//! The API is in two layers: raw operations (`push`, `pop`, `set`,
//! `insert`, `remove`, `delete_range`) that never convert, plus the two
//! conversion steps (`prepare_grow`, `try_shrink`), which commands call where
//! Redis does; and convenience calls (`push_front`/`push_back`,
//! `pop_front`/`pop_back`) that do both, for blocking pops and LMOVE-like
//! callers. Nothing here knows about keys, replies or notifications.

mod gapbuf;
mod listpack;
mod quicklist;

use bytes::Bytes;

pub use listpack::{Elem, Listpack};
pub use quicklist::Quicklist;

/// Which end of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The head (LEFT, index 0).
    Head,
    /// The tail (RIGHT, index -1).
    Tail,
}

/// `list-max-listpack-size` as Redis holds it (a C `int`).
fn clamp_fill(fill: i64) -> i64 {
    fill.clamp(i32::MIN as i64, i32::MAX as i64)
}

/// A list of byte strings.
#[derive(Debug, Clone)]
pub enum List {
    /// Small: one packed vector.
    Listpack(Listpack),
    /// Big: a deque of packed chunks.
    Quicklist(Box<Quicklist>),
}

impl Default for List {
    fn default() -> Self {
        List::new()
    }
}

impl List {
    /// An empty list (listpack encoded).
    pub fn new() -> List {
        List::Listpack(Listpack::new())
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            List::Listpack(lp) => lp.len(),
            List::Quicklist(ql) => ql.len(),
        }
    }

    /// Whether the list has no elements (Redis deletes such keys).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        match self {
            List::Listpack(lp) if lp.pending_conversion().is_none() => "listpack",
            _ => "quicklist",
        }
    }

    /// Heap bytes held (O(1)).
    pub fn mem_usage(&self) -> usize {
        match self {
            List::Listpack(lp) => lp.heap(),
            List::Quicklist(ql) => ql.heap(),
        }
    }

    /// Converts a listpack that would exceed the limit once `add_len`
    /// elements of `add_bytes` total bytes are added (Redis's
    /// `listTypeTryConversionAppend`); call before adding.
    pub fn prepare_grow(&mut self, fill: i64, add_bytes: usize, add_len: usize) {
        self.settle();
        let fill = clamp_fill(fill);
        if let List::Listpack(lp) = self {
            if quicklist::exceeds_limit(fill, lp.bytes() + add_bytes, lp.len() + add_len) {
                let lp = std::mem::take(lp);
                *self = List::Quicklist(Box::new(Quicklist::from_listpack(lp, fill)));
            }
        }
    }

    /// [`List::prepare_grow`] for a command that then adds nothing (LINSERT
    /// without its pivot, LSET out of range): Redis converts anyway. Done
    /// through a shared reference, so that such a command is not a write of
    /// the key (WATCH, tracking); the conversion is only recorded, reported
    /// by [`List::encoding`] and carried out by the next change.
    pub fn note_grow(&self, fill: i64, add_bytes: usize, add_len: usize) {
        let fill = clamp_fill(fill);
        if let List::Listpack(lp) = self {
            if lp.pending_conversion().is_none()
                && quicklist::exceeds_limit(fill, lp.bytes() + add_bytes, lp.len() + add_len)
            {
                lp.set_pending_conversion(fill);
            }
        }
    }

    /// Carries out a conversion recorded by [`List::note_grow`].
    fn settle(&mut self) {
        if let List::Listpack(lp) = self {
            if let Some(fill) = lp.pending_conversion() {
                let mut lp = std::mem::take(lp);
                lp.clear_pending_conversion();
                *self = List::Quicklist(Box::new(Quicklist::from_listpack(lp, fill)));
            }
        }
    }

    /// Converts a quicklist back to a listpack when it is one packed node
    /// within half the limit (Redis's `LIST_CONV_SHRINKING`); call after
    /// removing elements.
    pub fn try_shrink(&mut self, fill: i64) {
        self.settle();
        self.unpack_single_node(fill, 2);
    }

    /// A list of `items` encoded as Redis encodes a list it builds in one
    /// go (SORT ... STORE: a quicklist, then `LIST_CONV_AUTO`): a listpack
    /// when everything fits in one node.
    pub fn built_from<'a>(items: impl Iterator<Item = &'a [u8]>, fill: i64) -> List {
        let mut ql = Quicklist::new(fill);
        for v in items {
            ql.push_tail(v);
        }
        let mut list = List::Quicklist(Box::new(ql));
        list.unpack_single_node(fill, 1);
        list
    }

    /// Turns a quicklist of one packed node into a listpack when the node
    /// is within the limits divided by `divisor`.
    fn unpack_single_node(&mut self, fill: i64, divisor: usize) {
        let List::Quicklist(ql) = self else { return };
        let Some(lp) = ql.single_listpack() else { return };
        let (sz_limit, count_limit) = quicklist::node_limit(clamp_fill(fill));
        if lp.bytes() > sz_limit / divisor || ql.len() > count_limit / divisor {
            return;
        }
        let ql = std::mem::replace(ql, Box::new(Quicklist::new(fill)));
        *self = List::Listpack(ql.into_listpack());
    }

    /// Adds one element at `end` without any conversion check.
    pub fn push(&mut self, end: End, v: &[u8]) {
        self.settle();
        match (self, end) {
            (List::Listpack(lp), End::Head) => lp.push_front(v),
            (List::Listpack(lp), End::Tail) => lp.push_back(v),
            (List::Quicklist(ql), End::Head) => ql.push_head(v),
            (List::Quicklist(ql), End::Tail) => ql.push_tail(v),
        }
    }

    /// Removes one element from `end` without any conversion check.
    pub fn pop(&mut self, end: End) -> Option<Bytes> {
        self.settle();
        match (self, end) {
            (List::Listpack(lp), End::Head) => lp.pop_front(),
            (List::Listpack(lp), End::Tail) => lp.pop_back(),
            (List::Quicklist(ql), end) => ql.pop(end == End::Tail),
        }
    }

    /// Adds `v` at `end`, converting first if needed.
    pub fn push_at(&mut self, end: End, v: &[u8], fill: i64) {
        self.prepare_grow(fill, v.len(), 1);
        self.push(end, v);
    }

    /// Prepends `v`, converting first if needed.
    pub fn push_front(&mut self, v: &[u8], fill: i64) {
        self.push_at(End::Head, v, fill);
    }

    /// Appends `v`, converting first if needed.
    pub fn push_back(&mut self, v: &[u8], fill: i64) {
        self.push_at(End::Tail, v, fill);
    }

    /// Removes the first element, converting back afterwards if the list
    /// got small enough. The caller deletes the key when the list is empty.
    pub fn pop_front(&mut self, fill: i64) -> Option<Bytes> {
        let v = self.pop(End::Head);
        self.try_shrink(fill);
        v
    }

    /// Removes the last element (see [`List::pop_front`]).
    pub fn pop_back(&mut self, fill: i64) -> Option<Bytes> {
        let v = self.pop(End::Tail);
        self.try_shrink(fill);
        v
    }

    /// Elements from index `from` (non-negative) towards the tail, or the
    /// head if `reverse`.
    pub fn iter_at(&self, from: usize, reverse: bool) -> Iter<'_> {
        match self {
            List::Listpack(lp) => Iter::Listpack(lp.iter_from(lp.seek(from as i64), reverse)),
            List::Quicklist(ql) => Iter::Quicklist(ql.iter_at(from, reverse)),
        }
    }

    /// The element at `index` (negative: from the tail).
    pub fn get(&self, index: i64) -> Option<Elem<'_>> {
        let i = self.normalize(index)?;
        self.iter_at(i, false).next()
    }

    /// A non-negative in-range index for `index`, if there is one.
    fn normalize(&self, index: i64) -> Option<usize> {
        let len = self.len() as i64;
        let i = if index < 0 { len.checked_add(index)? } else { index };
        (0..len).contains(&i).then_some(i as usize)
    }

    /// Replaces the element at `index` (negative: from the tail); false if
    /// out of range. No conversion check (LSET does both around it).
    pub fn set(&mut self, index: i64, v: &[u8]) -> bool {
        self.settle();
        let Some(i) = self.normalize(index) else { return false };
        match self {
            List::Listpack(lp) => {
                let p = lp.seek(i as i64).expect("index in range");
                lp.replace(p, v);
                true
            }
            List::Quicklist(ql) => ql.replace(i, v),
        }
    }

    /// Inserts `v` before (or after) the first element equal to `pivot`,
    /// scanning from the head; false if there is none.
    pub fn insert(&mut self, pivot: &[u8], v: &[u8], after: bool) -> bool {
        self.settle();
        match self {
            List::Listpack(lp) => {
                let mut p = lp.first();
                while let Some(q) = p {
                    if lp.get(q).eq_bytes(pivot) {
                        let at = if after { lp.next(q).unwrap_or(lp.end()) } else { q };
                        lp.insert(at, v);
                        return true;
                    }
                    p = lp.next(q);
                }
                false
            }
            List::Quicklist(ql) => ql.insert_at_pivot(pivot, v, after),
        }
    }

    /// Removes elements equal to `v` (LREM semantics: `count` > 0 from the
    /// head, < 0 from the tail, 0 all); returns how many were removed.
    pub fn remove(&mut self, v: &[u8], count: i64) -> usize {
        self.settle();
        let limit = count.unsigned_abs().try_into().unwrap_or(usize::MAX);
        let from_tail = count < 0;
        match self {
            List::Listpack(lp) => lp.remove(v, if limit == 0 { usize::MAX } else { limit }, from_tail),
            List::Quicklist(ql) => ql.remove(v, limit, from_tail),
        }
    }

    /// Removes `count` elements from index `start` (non-negative).
    pub fn delete_range(&mut self, start: usize, count: usize) {
        self.settle();
        match self {
            List::Listpack(lp) => lp.delete_range(start, count),
            List::Quicklist(ql) => ql.delete_range(start, count),
        }
    }
}

/// Iterator over a list's elements in one direction.
pub enum Iter<'a> {
    /// Over a listpack.
    Listpack(listpack::Iter<'a>),
    /// Over a quicklist.
    Quicklist(quicklist::Iter<'a>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        match self {
            Iter::Listpack(it) => it.next(),
            Iter::Quicklist(it) => it.next(),
        }
    }
}

#[cfg(test)]
mod tests;
