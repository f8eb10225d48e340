//! The compact encodings of small sets: [`IntSet`] (Redis's `intset`) and
//! [`PackList`] (Redis's `listpack`, 7.2+ for small non-integer sets).
//!
//! Both are one `Vec<u8>`. An intset is a sorted array of little-endian
//! integers whose width (2, 4 or 8 bytes) grows with the widest member, as
//! in Redis; a packlist is a run of `[varint len][bytes]` entries kept in
//! insertion order (Redis appends to its listpack and deletes in place, so
//! SMEMBERS order matches). Lookups are linear in a packlist and binary in
//! an intset; the thresholds that bound their size live in `set.rs`.

use super::alloc::{reserve_class, shrink_class};

/// Bytes a varint needs for `v`.
#[cfg(test)]
pub(crate) fn varint_len(mut v: usize) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

/// Appends `v` as a varint.
pub(crate) fn put_varint(buf: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

/// Reads a varint at the start of `buf`: (value, bytes used).
pub(crate) fn get_varint(buf: &[u8]) -> (usize, usize) {
    let (mut v, mut shift) = (0usize, 0);
    for (i, &b) in buf.iter().enumerate() {
        v |= ((b & 0x7f) as usize) << shift;
        if b < 0x80 {
            return (v, i + 1);
        }
        shift += 7;
    }
    unreachable!("varints in packed encodings are written by this crate and always terminated")
}

/// A sorted set of integers in 2, 4 or 8 bytes each.
#[derive(Debug, Clone)]
pub struct IntSet {
    width: u8,
    buf: Vec<u8>,
}

impl Default for IntSet {
    fn default() -> Self {
        IntSet { width: 2, buf: Vec::new() }
    }
}

fn width_for(v: i64) -> u8 {
    if i16::try_from(v).is_ok() {
        2
    } else if i32::try_from(v).is_ok() {
        4
    } else {
        8
    }
}

impl IntSet {
    /// Number of members.
    pub fn len(&self) -> usize {
        self.buf.len() / self.width as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Allocated bytes.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// The `i`-th smallest member.
    pub fn get(&self, i: usize) -> i64 {
        let w = self.width as usize;
        let b = &self.buf[i * w..i * w + w];
        match w {
            2 => i16::from_le_bytes([b[0], b[1]]) as i64,
            4 => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64,
            _ => i64::from_le_bytes(b.try_into().expect("8-byte slot")),
        }
    }

    fn search(&self, v: i64) -> Result<usize, usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid).cmp(&v) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    /// Whether `v` is a member.
    pub fn contains(&self, v: i64) -> bool {
        width_for(v) <= self.width && self.search(v).is_ok()
    }

    fn encode(&self, v: i64) -> [u8; 8] {
        let mut out = [0u8; 8];
        match self.width {
            2 => out[..2].copy_from_slice(&(v as i16).to_le_bytes()),
            4 => out[..4].copy_from_slice(&(v as i32).to_le_bytes()),
            _ => out = v.to_le_bytes(),
        }
        out
    }

    /// Adds `v`; false if it was present.
    pub fn insert(&mut self, v: i64) -> bool {
        let need = width_for(v);
        if need > self.width {
            let old: Vec<i64> = self.iter().collect();
            self.width = need;
            self.buf = Vec::with_capacity((old.len() + 1) * need as usize);
            for x in old {
                let e = self.encode(x);
                self.buf.extend_from_slice(&e[..need as usize]);
            }
        }
        match self.search(v) {
            Ok(_) => false,
            Err(pos) => {
                let w = self.width as usize;
                let e = self.encode(v);
                reserve_class(&mut self.buf, w);
                self.buf.splice(pos * w..pos * w, e[..w].iter().copied());
                true
            }
        }
    }

    /// Removes `v`; false if it was absent.
    pub fn remove(&mut self, v: i64) -> bool {
        if width_for(v) > self.width {
            return false;
        }
        match self.search(v) {
            Ok(pos) => {
                let w = self.width as usize;
                self.buf.drain(pos * w..pos * w + w);
                shrink_class(&mut self.buf);
                true
            }
            Err(_) => false,
        }
    }

    /// Members in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// Members as `[varint len][bytes]` entries, in insertion order.
#[derive(Debug, Clone, Default)]
pub struct PackList {
    buf: Vec<u8>,
    len: usize,
}

impl PackList {
    /// An empty packlist with room for about `bytes` bytes.
    pub fn with_capacity(bytes: usize) -> Self {
        PackList { buf: Vec::with_capacity(bytes), len: 0 }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Allocated bytes.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Members with their byte range `(start, end, member)`.
    fn entries(&self) -> impl Iterator<Item = (usize, usize, &[u8])> + '_ {
        let mut off = 0;
        std::iter::from_fn(move || {
            if off >= self.buf.len() {
                return None;
            }
            let (len, n) = get_varint(&self.buf[off..]);
            let start = off;
            off += n + len;
            Some((start, off, &self.buf[start + n..off]))
        })
    }

    /// Members in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.entries().map(|(_, _, m)| m)
    }

    /// Whether `m` is a member.
    pub fn contains(&self, m: &[u8]) -> bool {
        self.iter().any(|x| x == m)
    }

    /// Appends `m` (the caller checked it is absent).
    pub fn push(&mut self, m: &[u8]) {
        reserve_class(&mut self.buf, m.len() + 2);
        put_varint(&mut self.buf, m.len());
        self.buf.extend_from_slice(m);
        self.len += 1;
    }

    /// Removes `m`; false if absent.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        let found = self.entries().find(|(_, _, x)| *x == m).map(|(s, e, _)| (s, e));
        match found {
            Some((s, e)) => {
                self.buf.drain(s..e);
                self.len -= 1;
                shrink_class(&mut self.buf);
                true
            }
            None => false,
        }
    }

    /// Releases unused capacity.
    pub fn shrink_to_fit(&mut self) {
        self.buf.shrink_to_fit();
    }

    /// The member at position `i`.
    pub fn nth(&self, i: usize) -> Option<&[u8]> {
        self.iter().nth(i)
    }

    /// Keeps only the members whose position `keep` accepts, in order.
    pub fn retain_positions(&mut self, mut keep: impl FnMut(usize) -> bool) {
        let mut out = PackList::with_capacity(self.buf.len());
        for (i, m) in self.iter().enumerate() {
            if keep(i) {
                out.push(m);
            }
        }
        out.buf.shrink_to_fit();
        *self = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intset_keeps_order_and_widens() {
        let mut s = IntSet::default();
        for v in [5, -3, 100, 7, 5] {
            s.insert(v);
        }
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![-3, 5, 7, 100]);
        assert_eq!(s.width, 2);
        assert!(s.insert(1 << 40));
        assert!(s.insert(-70_000));
        assert_eq!(s.width, 8);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![-70_000, -3, 5, 7, 100, 1 << 40]);
        assert!(s.contains(1 << 40) && !s.contains(6));
        assert!(s.remove(7) && !s.remove(7));
        assert!(!IntSet::default().contains(i64::MAX));
        assert_eq!(s.len(), 5);
    }

    #[test]
    fn packlist_keeps_insertion_order() {
        let mut p = PackList::default();
        for m in ["b", "a", "", "c"] {
            p.push(m.as_bytes());
        }
        assert!(p.remove(b"a"));
        assert!(!p.remove(b"zz"));
        assert_eq!(p.iter().collect::<Vec<_>>(), vec![&b"b"[..], b"", b"c"]);
        assert!(p.contains(b""));
        assert_eq!(p.nth(2), Some(&b"c"[..]));
        p.retain_positions(|i| i != 0);
        assert_eq!(p.iter().collect::<Vec<_>>(), vec![&b""[..], b"c"]);
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn varints_round_trip() {
        for v in [0usize, 1, 127, 128, 300, 1 << 20] {
            let mut b = Vec::new();
            put_varint(&mut b, v);
            assert_eq!(b.len(), varint_len(v));
            assert_eq!(get_varint(&b), (v, b.len()));
        }
    }
}
