//! `Listpack`: a run of list elements packed into one byte vector, entry for
//! entry in Redis's listpack format (integer-looking strings stored as
//! 1..9-byte integers, strings with a 1/2/5-byte length, every entry followed
//! by its own length encoded backwards so the vector can be walked both ways).
//!
//! Using Redis's exact entry encoding is what lets the list switch between
//! `listpack` and `quicklist` at the same moments as Redis: its limits are
//! expressed in listpack bytes. The 6-byte header and the end marker are not
//! stored (the length lives in a field); [`Listpack::bytes`] adds their 7
//! bytes back when a size is compared with Redis's limits.
//!
//! Positions are byte offsets of entries; they are invalidated by any change.
//! This module knows nothing about lists as a whole (see `quicklist.rs` and
//! `mod.rs`).

use std::sync::atomic::{AtomicI32, Ordering};

use super::gapbuf::GapBuf;
use bytes::Bytes;

/// Bytes of Redis's listpack header (total bytes + element count) plus the
/// end marker, which every `lpBytes` figure includes.
pub const OVERHEAD: usize = 7;

/// One element as stored: a string, or an integer that was given as its
/// canonical decimal spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elem<'a> {
    /// A byte string.
    Str(&'a [u8]),
    /// An integer (the element is its decimal spelling).
    Int(i64),
}

impl Elem<'_> {
    /// The element's bytes as a reply value.
    pub fn to_bytes(self) -> Bytes {
        match self {
            Elem::Str(s) => Bytes::copy_from_slice(s),
            Elem::Int(i) => Bytes::copy_from_slice(itoa::Buffer::new().format(i).as_bytes()),
        }
    }

    /// Appends the element's bytes to `out`.
    pub fn write_to(self, out: &mut Vec<u8>) {
        match self {
            Elem::Str(s) => out.extend_from_slice(s),
            Elem::Int(i) => out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes()),
        }
    }

    /// The element's bytes, owned.
    pub fn to_vec(self) -> Vec<u8> {
        match self {
            Elem::Str(s) => s.to_vec(),
            Elem::Int(i) => itoa::Buffer::new().format(i).as_bytes().to_vec(),
        }
    }

    /// Whether the element equals `v` byte for byte (Redis's `lpCompare`).
    pub fn eq_bytes(self, v: &[u8]) -> bool {
        match self {
            Elem::Str(s) => s == v,
            Elem::Int(i) => string_to_i64(v) == Some(i),
        }
    }

    /// Whether the element is the empty string.
    pub fn is_empty(self) -> bool {
        self == Elem::Str(b"")
    }

    /// Length of the element's bytes.
    pub fn len(self) -> usize {
        match self {
            Elem::Str(s) => s.len(),
            Elem::Int(i) => itoa::Buffer::new().format(i).len(),
        }
    }
}

/// Redis's `lpStringToInt64`: the canonical decimal spelling of an i64
/// (no `+`, no leading zeros, no `-0`, no spaces).
pub fn string_to_i64(s: &[u8]) -> Option<i64> {
    crate::strnum::parse_canonical_i64(s)
}

/// Encoded size of an integer (without backlen), as `lpEncodeIntegerGetType`.
fn int_enc_len(v: i64) -> usize {
    match v {
        0..=127 => 1,
        -4096..=4095 => 2,
        -32768..=32767 => 3,
        -8388608..=8388607 => 4,
        -2147483648..=2147483647 => 5,
        _ => 9,
    }
}

/// Bytes of the backwards length field for an entry of `l` bytes.
fn backlen_len(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

/// How a value will be stored: its encoding length and total entry size.
fn plan(v: &[u8]) -> (Option<i64>, usize) {
    let int = string_to_i64(v);
    let enc = match int {
        Some(i) => int_enc_len(i),
        None if v.len() < 64 => 1 + v.len(),
        None if v.len() < 4096 => 2 + v.len(),
        None => 5 + v.len(),
    };
    (int, enc + backlen_len(enc))
}

/// The bytes an element takes inside a listpack (entry plus backlen).
#[cfg(test)]
pub fn entry_size(v: &[u8]) -> usize {
    plan(v).1
}

/// Writes the entry for `v` into `out` (exactly `entry_size(v)` bytes).
fn write_entry(out: &mut [u8], v: &[u8], int: Option<i64>) {
    let enc = match int {
        Some(i) => {
            let n = int_enc_len(i);
            match n {
                1 => out[0] = i as u8,
                2 => {
                    let u = if i < 0 { (1i64 << 13) + i } else { i } as u16;
                    out[0] = (u >> 8) as u8 | 0xC0;
                    out[1] = u as u8;
                }
                _ => {
                    out[0] = match n {
                        3 => 0xF1,
                        4 => 0xF2,
                        5 => 0xF3,
                        _ => 0xF4,
                    };
                    out[1..n].copy_from_slice(&i.to_le_bytes()[..n - 1]);
                }
            }
            n
        }
        None => {
            let len = v.len();
            let hdr = if len < 64 {
                out[0] = len as u8 | 0x80;
                1
            } else if len < 4096 {
                out[0] = (len >> 8) as u8 | 0xE0;
                out[1] = len as u8;
                2
            } else {
                out[0] = 0xF0;
                out[1..5].copy_from_slice(&(len as u32).to_le_bytes());
                5
            };
            out[hdr..hdr + len].copy_from_slice(v);
            hdr + len
        }
    };
    // lpEncodeBacklen: most significant 7-bit group first; every byte but
    // the first carries the continuation bit, so it can be read backwards.
    let n = backlen_len(enc);
    for k in 0..n {
        let shift = 7 * (n - 1 - k);
        let mut b = ((enc >> shift) & 127) as u8;
        if k > 0 {
            b |= 128;
        }
        out[enc + k] = b;
    }
}

/// Length of the encoded entry at `p` (without its backlen).
fn enc_len(b: &[u8]) -> usize {
    let c = b[0];
    if c & 0x80 == 0 {
        1
    } else if c & 0xC0 == 0x80 {
        1 + (c & 0x3F) as usize
    } else if c & 0xE0 == 0xC0 {
        2
    } else if c & 0xF0 == 0xE0 {
        2 + (((c & 0x0F) as usize) << 8 | b[1] as usize)
    } else {
        match c {
            0xF1 => 3,
            0xF2 => 4,
            0xF3 => 5,
            0xF4 => 9,
            _ => 5 + u32::from_le_bytes([b[1], b[2], b[3], b[4]]) as usize,
        }
    }
}

fn sign_extend(v: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((v << shift) as i64) >> shift
}

fn decode(b: &[u8]) -> Elem<'_> {
    let c = b[0];
    if c & 0x80 == 0 {
        Elem::Int(c as i64)
    } else if c & 0xC0 == 0x80 {
        Elem::Str(&b[1..1 + (c & 0x3F) as usize])
    } else if c & 0xE0 == 0xC0 {
        Elem::Int(sign_extend(((c & 0x1F) as u64) << 8 | b[1] as u64, 13))
    } else if c & 0xF0 == 0xE0 {
        let len = ((c & 0x0F) as usize) << 8 | b[1] as usize;
        Elem::Str(&b[2..2 + len])
    } else if c == 0xF0 {
        let len = u32::from_le_bytes([b[1], b[2], b[3], b[4]]) as usize;
        Elem::Str(&b[5..5 + len])
    } else {
        let n = match c {
            0xF1 => 2,
            0xF2 => 3,
            0xF3 => 4,
            _ => 8,
        };
        let mut raw = [0u8; 8];
        raw[..n].copy_from_slice(&b[1..1 + n]);
        Elem::Int(sign_extend(u64::from_le_bytes(raw), 8 * n as u32))
    }
}

/// No conversion pending (see [`Listpack::pending_conversion`]).
const NO_CONVERSION: i32 = i32::MIN;

/// A packed run of elements (Redis listpack entries, without the header).
#[derive(Debug)]
pub struct Listpack {
    buf: GapBuf,
    len: u32,
    /// A conversion to quicklist that Redis would already have made, with
    /// the fill to use, recorded by a command that changed nothing else
    /// (see `List::note_grow`). Atomic only so that it can be set through a
    /// shared reference; it sits in what would be padding.
    pending: AtomicI32,
}

impl Default for Listpack {
    fn default() -> Self {
        Listpack { buf: GapBuf::default(), len: 0, pending: AtomicI32::new(NO_CONVERSION) }
    }
}

impl Clone for Listpack {
    fn clone(&self) -> Self {
        let pending = AtomicI32::new(self.pending.load(Ordering::Relaxed));
        Listpack { buf: self.buf.clone(), len: self.len, pending }
    }
}

impl Listpack {
    /// An empty listpack.
    pub fn new() -> Listpack {
        Listpack::default()
    }

    /// The fill of a conversion to quicklist recorded by
    /// [`Listpack::set_pending_conversion`], if any.
    pub fn pending_conversion(&self) -> Option<i64> {
        let fill = self.pending.load(Ordering::Relaxed);
        (fill != NO_CONVERSION).then_some(fill as i64)
    }

    /// Forgets a recorded conversion (it is being carried out).
    pub fn clear_pending_conversion(&mut self) {
        *self.pending.get_mut() = NO_CONVERSION;
    }

    /// Records that this listpack is logically a quicklist with `fill`
    /// (clamped to a C int by the caller).
    pub fn set_pending_conversion(&self, fill: i64) {
        self.pending.store(fill.clamp(NO_CONVERSION as i64 + 1, i32::MAX as i64) as i32, Ordering::Relaxed);
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Size as Redis's `lpBytes` counts it (header and end marker included).
    pub fn bytes(&self) -> usize {
        self.buf.len() + OVERHEAD
    }

    /// Heap bytes held.
    pub fn heap(&self) -> usize {
        self.buf.capacity()
    }

    /// Position of the first element.
    pub fn first(&self) -> Option<usize> {
        (self.len > 0).then_some(0)
    }

    /// Position of the last element.
    pub fn last(&self) -> Option<usize> {
        self.prev(self.buf.len())
    }

    /// Position just past the last element (for appending with `insert`).
    pub fn end(&self) -> usize {
        self.buf.len()
    }

    /// Total size (entry plus backlen) of the entry at `p`.
    fn entry_len(&self, p: usize) -> usize {
        let e = enc_len(&self.buf[p..]);
        e + backlen_len(e)
    }

    /// The element after the one at `p`.
    pub fn next(&self, p: usize) -> Option<usize> {
        let n = p + self.entry_len(p);
        (n < self.buf.len()).then_some(n)
    }

    /// The element before the one at `p` (`p` may be [`Listpack::end`]).
    pub fn prev(&self, p: usize) -> Option<usize> {
        if p == 0 {
            return None;
        }
        // lpDecodeBacklen: read 7-bit groups backwards while the
        // continuation bit is set.
        let (mut val, mut shift, mut q) = (0usize, 0, p - 1);
        loop {
            let b = self.buf[q];
            val |= ((b & 127) as usize) << shift;
            if b & 128 == 0 {
                break;
            }
            shift += 7;
            q -= 1;
        }
        Some(p - val - backlen_len(val))
    }

    /// The element at position `p`.
    pub fn get(&self, p: usize) -> Elem<'_> {
        decode(&self.buf[p..])
    }

    /// Position of the element at `index` (negative: from the end), walking
    /// from the nearer end.
    pub fn seek(&self, index: i64) -> Option<usize> {
        let n = self.len as i64;
        let i = if index < 0 { n + index } else { index };
        if i < 0 || i >= n {
            return None;
        }
        if i > n / 2 {
            let mut p = self.last()?;
            for _ in 0..(n - 1 - i) {
                p = self.prev(p)?;
            }
            Some(p)
        } else {
            let mut p = self.first()?;
            for _ in 0..i {
                p = self.next(p)?;
            }
            Some(p)
        }
    }

    /// Inserts `v` before the element at `p` (at the end when `p` is
    /// [`Listpack::end`]).
    pub fn insert(&mut self, p: usize, v: &[u8]) {
        let (int, size) = plan(v);
        if p == 0 && !self.buf.is_empty() {
            self.buf.grow_front(size);
        } else {
            let old = self.buf.len();
            self.buf.grow_back(size);
            self.buf.copy_within(p..old, p + size);
        }
        write_entry(&mut self.buf[p..p + size], v, int);
        self.len += 1;
    }

    /// Prepends `v`.
    pub fn push_front(&mut self, v: &[u8]) {
        self.insert(0, v);
    }

    /// Appends `v`.
    pub fn push_back(&mut self, v: &[u8]) {
        let end = self.buf.len();
        self.insert(end, v);
    }

    /// Replaces the element at `p` by `v`.
    pub fn replace(&mut self, p: usize, v: &[u8]) {
        let (int, size) = plan(v);
        let old_size = self.entry_len(p);
        let old = self.buf.len();
        if size > old_size {
            self.buf.grow_back(size - old_size);
            self.buf.copy_within(p + old_size..old, p + size);
        } else if size < old_size {
            self.buf.copy_within(p + old_size..old, p + size);
            self.buf.truncate(old - (old_size - size));
            self.shrink();
        }
        write_entry(&mut self.buf[p..p + size], v, int);
    }

    /// Removes `num` elements starting at position `p` (fewer if the end
    /// comes first); returns how many were removed.
    pub fn delete_at(&mut self, p: usize, num: usize) -> usize {
        let mut q = p;
        let mut removed = 0;
        while removed < num && q < self.buf.len() {
            q += self.entry_len(q);
            removed += 1;
        }
        self.buf.remove(p, q);
        self.len -= removed as u32;
        self.shrink();
        removed
    }

    /// Removes `num` elements starting at index `start` (Redis's
    /// `lpDeleteRange`, with a non-negative start).
    pub fn delete_range(&mut self, start: usize, num: usize) {
        if num == 0 {
            return;
        }
        if let Some(p) = self.seek(start as i64) {
            if self.len() - start <= num {
                self.buf.truncate(p);
                self.len = start as u32;
                self.shrink();
            } else {
                self.delete_at(p, num);
            }
        }
    }

    /// Removes and returns the first element.
    pub fn pop_front(&mut self) -> Option<Bytes> {
        let p = self.first()?;
        let v = self.get(p).to_bytes();
        self.delete_at(p, 1);
        Some(v)
    }

    /// Removes and returns the last element.
    pub fn pop_back(&mut self) -> Option<Bytes> {
        let p = self.last()?;
        let v = self.get(p).to_bytes();
        self.delete_at(p, 1);
        Some(v)
    }

    /// Appends every element of `other` (Redis's `lpMerge`).
    pub fn append(&mut self, other: Listpack) {
        if self.buf.is_empty() {
            *self = other;
            return;
        }
        self.buf.extend_from_slice(&other.buf);
        self.len += other.len;
    }

    /// Splits off the elements from index `at` on into a new listpack.
    pub fn split_off(&mut self, at: usize) -> Listpack {
        let Some(p) = self.seek(at as i64) else {
            return Listpack::new();
        };
        let tail = Listpack {
            buf: GapBuf::from_vec(self.buf[p..].to_vec()),
            len: self.len - at as u32,
            ..Listpack::default()
        };
        self.buf.truncate(p);
        self.buf.shrink_to_fit();
        self.len = at as u32;
        tail
    }

    /// Removes up to `limit` elements equal to `v`, scanning from the head
    /// or the tail; returns how many were removed.
    pub fn remove(&mut self, v: &[u8], limit: usize, from_tail: bool) -> usize {
        let mut removed = 0;
        let mut p = if from_tail { self.last() } else { self.first() };
        while let Some(q) = p {
            if removed == limit {
                break;
            }
            if self.get(q).eq_bytes(v) {
                let prev = self.prev(q);
                self.delete_at(q, 1);
                removed += 1;
                // Forward, the next element now starts where this one did.
                p = if from_tail { prev } else { (q < self.end()).then_some(q) };
            } else {
                p = if from_tail { self.prev(q) } else { self.next(q) };
            }
        }
        removed
    }

    /// Gives back the room kept in front for pushes at the head (the
    /// listpack no longer takes them).
    pub fn release_front_room(&mut self) {
        self.buf.shrink_front();
    }

    /// Releases spare capacity after a deletion, as `lpShrinkToFit` does
    /// (down to the allocator's size class, which it would keep anyway).
    fn shrink(&mut self) {
        self.buf.shrink();
    }

    /// Iterates over the elements from the one at `p` towards the tail or,
    /// if `reverse`, towards the head.
    pub fn iter_from(&self, p: Option<usize>, reverse: bool) -> Iter<'_> {
        Iter { lp: self, pos: p, reverse }
    }
}

/// Iterator over a listpack's elements in one direction.
pub struct Iter<'a> {
    lp: &'a Listpack,
    pos: Option<usize>,
    reverse: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        let p = self.pos?;
        self.pos = if self.reverse { self.lp.prev(p) } else { self.lp.next(p) };
        Some(self.lp.get(p))
    }
}
