//! The compact sorted-set encoding (what `OBJECT ENCODING` calls
//! `listpack`): one byte vector of `(member, score)` entries kept in
//! `(score, member)` order.
//!
//! An entry is `[varint (member_len << 2 | kind)][member][score]`, the score
//! stored in the smallest of three forms:
//! - `INT`: a zigzag varint, for integers Redis's `double2ll` accepts (so
//!   `-0` is stored as `0`, exactly as Redis's listpack does);
//! - `DECIMAL`: a zigzag varint `m` and one byte `e`, for doubles that are
//!   exactly `m / 10^e` with `m < 2^53` and `e <= 15` (`1.5` takes two
//!   bytes). Decoding divides two exactly representable numbers once, which
//!   rounds to the nearest double: the stored one, as the encoder checks;
//! - `RAW`: the eight little-endian bytes of the double.
//!
//! Lookups are linear scans, like Redis's listpack: the encoding is only
//! used while the set is small.
//!
//! This module owns the byte layout only; choosing between encodings is
//! the parent module's job.

use crate::keyspace::alloc::reserve_class;

/// Integral doubles up to this magnitude are stored as integers
/// (`LLONG_MAX / 2`, the bound of Redis's `double2ll`).
const INT_LIMIT: f64 = 4_611_686_018_427_387_904.0;
/// Largest integer below which every integer is an exact double.
const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

const INT: u64 = 0;
const RAW: u64 = 1;
const DECIMAL: u64 = 2;

/// A packed, sorted run of `(member, score)` entries.
#[derive(Debug, Clone, Default)]
pub struct Pack {
    buf: Vec<u8>,
    len: usize,
}

/// One decoded entry: member bytes, score, and its byte span in the pack.
#[derive(Debug, Clone, Copy)]
pub struct PackEntry<'a> {
    /// The member.
    pub member: &'a [u8],
    /// The score.
    pub score: f64,
    /// First byte of the entry.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(buf: &[u8], mut at: usize) -> (u64, usize) {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let b = buf[at];
        at += 1;
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return (v, at);
        }
        shift += 7;
    }
}

/// Exact powers of ten (all below 2^53).
const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// `(m, e)` with `m / 10^e == score` exactly, for the smallest such `e`.
fn as_decimal(score: f64) -> Option<(i64, u8)> {
    (1..POW10.len()).find_map(|e| {
        let m = (score * POW10[e]).round();
        (m.abs() < EXACT_LIMIT && m / POW10[e] == score).then_some((m as i64, e as u8))
    })
}

/// The integer Redis's listpack would store for `score`, if any.
fn as_int(score: f64) -> Option<i64> {
    if (-INT_LIMIT..=INT_LIMIT).contains(&score) {
        let i = score as i64;
        (i as f64 == score).then_some(i)
    } else {
        None
    }
}

/// Whether `(s1, m1)` sorts before `(s2, m2)`.
pub fn key_less(s1: f64, m1: &[u8], s2: f64, m2: &[u8]) -> bool {
    s1 < s2 || (s1 == s2 && m1 < m2)
}

/// The order of two `(score, member)` keys (scores are never NaN).
pub fn key_cmp(s1: f64, m1: &[u8], s2: f64, m2: &[u8]) -> std::cmp::Ordering {
    s1.partial_cmp(&s2).unwrap_or(std::cmp::Ordering::Equal).then_with(|| m1.cmp(m2))
}

impl Pack {
    /// An empty pack.
    pub fn new() -> Pack {
        Pack::default()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Heap bytes held.
    pub fn mem_usage(&self) -> usize {
        self.buf.capacity()
    }

    /// Decodes the entry starting at byte `at`.
    fn entry_at(&self, at: usize) -> PackEntry<'_> {
        let (hdr, p) = get_varint(&self.buf, at);
        let mlen = (hdr >> 2) as usize;
        let member = &self.buf[p..p + mlen];
        let p = p + mlen;
        let (score, end) = match hdr & 3 {
            RAW => {
                let mut b = [0u8; 8];
                b.copy_from_slice(&self.buf[p..p + 8]);
                (f64::from_le_bytes(b), p + 8)
            }
            kind => {
                let (z, end) = get_varint(&self.buf, p);
                let m = ((z >> 1) as i64 ^ -((z & 1) as i64)) as f64;
                if kind == DECIMAL {
                    (m / POW10[self.buf[end] as usize], end + 1)
                } else {
                    (m, end)
                }
            }
        };
        PackEntry { member, score, start: at, end }
    }

    /// Entries in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = PackEntry<'_>> + ExactSizeIterator + '_ {
        // Entries are variable-length, so walking backwards needs their
        // offsets; the pack is small, so collecting them is cheap.
        let mut offsets = Vec::with_capacity(self.len);
        let mut at = 0;
        while at < self.buf.len() {
            offsets.push(at);
            at = self.entry_at(at).end;
        }
        offsets.into_iter().map(move |o| self.entry_at(o))
    }

    /// Forward iteration without collecting offsets.
    pub fn iter_fwd(&self) -> impl Iterator<Item = PackEntry<'_>> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            (at < self.buf.len()).then(|| {
                let e = self.entry_at(at);
                at = e.end;
                e
            })
        })
    }

    /// The entry holding `member`, with its rank.
    pub fn find(&self, member: &[u8]) -> Option<(usize, PackEntry<'_>)> {
        self.iter_fwd().enumerate().find(|(_, e)| e.member == member)
    }

    /// Inserts a member that is not present, keeping the order.
    pub fn insert(&mut self, member: &[u8], score: f64) {
        let at =
            self.iter_fwd().find(|e| key_less(score, member, e.score, e.member)).map_or(self.buf.len(), |e| e.start);
        self.insert_at(at, member, score);
    }

    /// Appends a member that sorts after every present one.
    pub fn push(&mut self, member: &[u8], score: f64) {
        self.insert_at(self.buf.len(), member, score);
    }

    fn insert_at(&mut self, at: usize, member: &[u8], score: f64) {
        let mut enc = Vec::with_capacity(member.len() + 12);
        let zigzag = |i: i64| ((i << 1) ^ (i >> 63)) as u64;
        let (kind, int, dec) = match as_int(score) {
            Some(i) => (INT, i, None),
            None => match as_decimal(score) {
                Some((m, e)) => (DECIMAL, m, Some(e)),
                None => (RAW, 0, None),
            },
        };
        put_varint(&mut enc, ((member.len() as u64) << 2) | kind);
        enc.extend_from_slice(member);
        match kind {
            RAW => enc.extend_from_slice(&score.to_le_bytes()),
            _ => put_varint(&mut enc, zigzag(int)),
        }
        if let Some(e) = dec {
            enc.push(e);
        }
        reserve_class(&mut self.buf, enc.len());
        self.buf.splice(at..at, enc);
        self.len += 1;
    }

    /// Removes the entry spanning `start..end`.
    pub fn remove_span(&mut self, start: usize, end: usize) {
        self.buf.drain(start..end);
        self.len -= 1;
        self.shrink();
    }

    /// Removes the entries of ranks `start..end`.
    pub fn remove_ranks(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        let mut spans = self.iter_fwd().skip(start).take(end - start).map(|e| (e.start, e.end));
        let Some((from, mut to)) = spans.next() else { return };
        for (_, e) in spans {
            to = e;
        }
        self.buf.drain(from..to);
        self.len -= end - start;
        self.shrink();
    }

    fn shrink(&mut self) {
        if self.buf.capacity() > self.buf.len() * 2 + 16 {
            self.buf.shrink_to_fit();
        }
    }

    /// The entry of rank `rank`.
    pub fn nth(&self, rank: usize) -> Option<PackEntry<'_>> {
        self.iter_fwd().nth(rank)
    }

    /// Number of leading entries for which `pred` holds (stops at the first
    /// that fails, like Redis's listpack range scans).
    pub fn count_while(&self, mut pred: impl FnMut(f64, &[u8]) -> bool) -> usize {
        self.iter_fwd().take_while(|e| pred(e.score, e.member)).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_stay_sorted_by_score_then_member() {
        let mut p = Pack::new();
        for (m, s) in [(&b"b"[..], 2.0), (b"a", 2.0), (b"z", -1.5), (b"big", 1e300), (b"neg", f64::NEG_INFINITY)] {
            p.insert(m, s);
        }
        let got: Vec<(Vec<u8>, f64)> = p.iter().map(|e| (e.member.to_vec(), e.score)).collect();
        assert_eq!(
            got,
            vec![
                (b"neg".to_vec(), f64::NEG_INFINITY),
                (b"z".to_vec(), -1.5),
                (b"a".to_vec(), 2.0),
                (b"b".to_vec(), 2.0),
                (b"big".to_vec(), 1e300)
            ]
        );
        let rev: Vec<&[u8]> = p.iter().rev().map(|e| e.member).collect();
        assert_eq!(rev, vec![&b"big"[..], b"b", b"a", b"z", b"neg"]);
    }

    #[test]
    fn integers_are_varints_and_negative_zero_becomes_zero() {
        let mut p = Pack::new();
        p.insert(b"m", 1.0);
        assert_eq!(p.buf.len(), 3, "header, member, one-byte score");
        p.insert(b"n", -0.0);
        let e = p.find(b"n").expect("present").1;
        assert!(e.score == 0.0 && e.score.is_sign_positive());
        p.insert(b"x", -9.0e18);
        assert_eq!(p.find(b"x").expect("present").1.score, -9.0e18);
    }

    #[test]
    fn decimal_scores_are_compact_and_exact() {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut samples =
            vec![1.5, -0.25, 0.1, 0.3, 123456789.125, 1e-7, 2.5e-300, f64::MAX, f64::MIN_POSITIVE, 5e-324];
        samples.extend((0..2000).map(|_| f64::from_bits(next()) % 1e6));
        samples.extend((0..2000).map(|_| (next() % 100_000) as f64 / 1000.0));
        samples.retain(|v| !v.is_nan());
        for v in samples {
            let mut p = Pack::new();
            p.insert(b"m", v);
            let got = p.nth(0).expect("one entry").score;
            assert_eq!(got.to_bits(), if v == 0.0 { 0 } else { v.to_bits() }, "{v:e}");
        }
        let mut p = Pack::new();
        p.insert(b"m", 1.5);
        assert_eq!(p.buf.len(), 4, "header, member, m = 15, e = 1");
        p.insert(b"n", 0.1);
        assert_eq!(p.find(b"n").expect("present").1.score, 0.1);
    }

    #[test]
    fn removing_spans_and_rank_ranges() {
        let mut p = Pack::new();
        for i in 0..10 {
            p.insert(format!("m{i}").as_bytes(), i as f64);
        }
        let (rank, e) = p.find(b"m3").expect("present");
        assert_eq!(rank, 3);
        p.remove_span(e.start, e.end);
        assert_eq!(p.len(), 9);
        p.remove_ranks(2, 5);
        let left: Vec<&[u8]> = p.iter().map(|e| e.member).collect();
        assert_eq!(left, vec![&b"m0"[..], b"m1", b"m6", b"m7", b"m8", b"m9"]);
        assert_eq!(p.count_while(|s, _| s < 7.0), 3);
    }
}
