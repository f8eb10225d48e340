//! The hash value: field/value pairs with optional per-field expire times
//! (Redis 7.4 hash-field expiration).
//!
//! Two encodings, converted as Redis 7.4's `t_hash.c` converts them:
//!
//! - `listpack` / `listpackex` ([`PackHash`]) while the hash has at most
//!   `hash-max-listpack-entries` fields and no field or value is longer than
//!   `hash-max-listpack-value` bytes (`listpackex` once a field expiration
//!   command has touched it, as in Redis);
//! - `hashtable` ([`TableHash`]): one allocation per field
//!   (`[varint flen<<1|has_ttl][field][expire: i64 if has_ttl][value]`) in a
//!   [`RecordTable`], plus an expiry index (`BTreeSet` of (time, field)) that
//!   exists only while some field has a TTL.
//!
//! This module stores and orders; it does not decide when a field is
//! reclaimed. Commands call [`HashValue::purge_expired`] before they look
//! (see `commands/hash.rs`), and the active cycle in `hash_expire.rs` does
//! the same for hashes nobody reads. A field is expired once its time is
//! strictly before the command's time, as in Redis.

use std::collections::BTreeSet;

use bytes::Bytes;
use rand::Rng;

use super::hash_pack::PackHash;
use super::set_pack::{get_varint, put_varint};
use super::set_table::{RecordKey, RecordTable};

/// The size thresholds (from the `hash-max-listpack-*` settings).
#[derive(Debug, Clone, Copy)]
pub struct HashLimits {
    /// `hash-max-listpack-entries`.
    pub entries: usize,
    /// `hash-max-listpack-value`.
    pub value: usize,
}

impl HashLimits {
    /// Reads the thresholds from the configuration.
    pub fn from_config(c: &crate::config::Config) -> HashLimits {
        HashLimits {
            entries: c.hash_max_listpack_entries.clamp(0, i64::MAX) as usize,
            value: c.hash_max_listpack_value.clamp(0, i64::MAX) as usize,
        }
    }
}

/// Key extraction for hash records.
#[derive(Debug, Clone, Copy)]
pub struct FieldRecord;

impl RecordKey for FieldRecord {
    fn key(rec: &[u8]) -> &[u8] {
        let (v, n) = get_varint(rec);
        &rec[n..n + (v >> 1)]
    }
}

/// (field, expire time, value) of a record.
fn parts(rec: &[u8]) -> (&[u8], Option<i64>, &[u8]) {
    let (v, n) = get_varint(rec);
    let (flen, has_ttl) = (v >> 1, v & 1 == 1);
    let field = &rec[n..n + flen];
    let mut off = n + flen;
    let mut at = None;
    if has_ttl {
        at = Some(i64::from_le_bytes(rec[off..off + 8].try_into().expect("8-byte expire")));
        off += 8;
    }
    (field, at, &rec[off..])
}

fn record(field: &[u8], value: &[u8], at: Option<i64>) -> Box<[u8]> {
    let mut v = Vec::with_capacity(field.len() + value.len() + 3 + if at.is_some() { 8 } else { 0 });
    put_varint(&mut v, field.len() << 1 | at.is_some() as usize);
    v.extend_from_slice(field);
    if let Some(at) = at {
        v.extend_from_slice(&at.to_le_bytes());
    }
    v.extend_from_slice(value);
    v.into_boxed_slice()
}

/// Fields with a TTL, by expire time.
#[derive(Debug, Clone, Default)]
struct ExpiryIndex {
    order: BTreeSet<(i64, Box<[u8]>)>,
    bytes: usize,
}

impl ExpiryIndex {
    fn add(&mut self, at: i64, field: &[u8]) {
        if self.order.insert((at, field.into())) {
            self.bytes += field.len() + 48;
        }
    }

    fn remove(&mut self, at: i64, field: &[u8]) {
        if self.order.remove(&(at, Box::<[u8]>::from(field))) {
            self.bytes -= field.len() + 48;
        }
    }
}

/// A big hash.
#[derive(Debug, Clone)]
pub struct TableHash {
    table: RecordTable<FieldRecord>,
    expiry: Option<Box<ExpiryIndex>>,
}

impl TableHash {
    fn with_capacity(n: usize) -> TableHash {
        TableHash { table: RecordTable::with_capacity(n), expiry: None }
    }

    fn mem_usage(&self) -> usize {
        std::mem::size_of::<TableHash>()
            + self.table.mem_usage()
            + self.expiry.as_ref().map_or(0, |e| e.bytes + std::mem::size_of::<ExpiryIndex>())
    }

    fn insert(&mut self, field: &[u8], value: &[u8], at: Option<i64>) -> Option<Box<[u8]>> {
        if let Some(at) = at {
            self.expiry.get_or_insert_with(Default::default).add(at, field);
        }
        let old = self.table.insert(record(field, value, at));
        if let Some((_, Some(old_at), _)) = old.as_deref().map(parts) {
            if Some(old_at) != at {
                self.unindex(old_at, field);
            }
        }
        old
    }

    fn unindex(&mut self, at: i64, field: &[u8]) {
        if let Some(e) = self.expiry.as_mut() {
            e.remove(at, field);
            if e.order.is_empty() {
                self.expiry = None;
            }
        }
    }

    fn remove(&mut self, field: &[u8]) -> bool {
        match self.table.remove(field) {
            Some(rec) => {
                if let (_, Some(at), _) = parts(&rec) {
                    self.unindex(at, field);
                }
                true
            }
            None => false,
        }
    }
}

/// A hash.
#[derive(Debug, Clone)]
pub enum HashValue {
    /// Small hashes (`listpack`, `listpackex`).
    Pack(PackHash),
    /// Big hashes (`hashtable`).
    Table(Box<TableHash>),
}

impl Default for HashValue {
    fn default() -> Self {
        HashValue::Pack(PackHash::default())
    }
}

impl HashValue {
    /// Number of fields (expired ones not yet purged included).
    pub fn len(&self) -> usize {
        match self {
            HashValue::Pack(p) => p.len(),
            HashValue::Table(t) => t.table.len(),
        }
    }

    /// Whether the hash has no field.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Redis's encoding name.
    pub fn encoding(&self) -> &'static str {
        match self {
            HashValue::Pack(p) if p.is_ex() => "listpackex",
            HashValue::Pack(_) => "listpack",
            HashValue::Table(_) => "hashtable",
        }
    }

    /// Heap bytes, in O(1).
    pub fn mem_usage(&self) -> usize {
        match self {
            HashValue::Pack(p) => p.capacity(),
            HashValue::Table(t) => t.mem_usage(),
        }
    }

    /// The value of `field`.
    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match self {
            HashValue::Pack(p) => p.find(field).map(|e| e.value),
            HashValue::Table(t) => t.table.get(field).map(|r| parts(r).2),
        }
    }

    /// `None` if the field is absent, else its expire time.
    pub fn field_expire(&self, field: &[u8]) -> Option<Option<i64>> {
        match self {
            HashValue::Pack(p) => p.find(field).map(|e| e.expire),
            HashValue::Table(t) => t.table.get(field).map(|r| parts(r).1),
        }
    }

    /// Visits every (field, value) in the encoding's order.
    pub fn for_each(&self, mut f: impl FnMut(&[u8], &[u8])) {
        match self {
            HashValue::Pack(p) => p.iter().for_each(|e| f(e.field, e.value)),
            HashValue::Table(t) => t.table.iter().for_each(|r| {
                let (field, _, value) = parts(r);
                f(field, value)
            }),
        }
    }

    /// All pairs as reply strings, in the encoding's order.
    pub fn pairs(&self) -> Vec<(Bytes, Bytes)> {
        let mut out = Vec::with_capacity(self.len());
        self.for_each(|f, v| out.push((Bytes::copy_from_slice(f), Bytes::copy_from_slice(v))));
        out
    }

    fn convert_to_table(&mut self, cap: usize) {
        if let HashValue::Pack(p) = self {
            let mut t = TableHash::with_capacity(cap.max(p.len()));
            for e in p.iter() {
                t.insert(e.field, e.value, e.expire);
            }
            *self = HashValue::Table(Box::new(t));
        }
    }

    /// Converts ahead of a write of `pairs` pairs whose arguments have the
    /// given lengths (`hashTypeTryConversion`).
    pub fn prepare_write(&mut self, pairs: usize, lens: impl Iterator<Item = usize>, lim: &HashLimits) {
        if !matches!(self, HashValue::Pack(_)) {
            return;
        }
        if pairs > lim.entries {
            self.convert_to_table(pairs);
        } else if lens.into_iter().any(|l| l > lim.value) {
            self.convert_to_table(0);
        }
    }

    /// Sets a field; true if it is new. `keep_ttl` keeps an existing field's
    /// expire time (HINCRBY, HINCRBYFLOAT); otherwise a write clears it.
    pub fn set(&mut self, field: &[u8], value: &[u8], keep_ttl: bool, lim: &HashLimits) -> bool {
        if matches!(self, HashValue::Pack(_)) && (field.len() > lim.value || value.len() > lim.value) {
            self.convert_to_table(0);
        }
        match self {
            HashValue::Pack(p) => {
                let new = p.set(field, value, keep_ttl);
                if p.len() > lim.entries {
                    self.convert_to_table(0);
                }
                new
            }
            HashValue::Table(t) => {
                let at = if keep_ttl { t.table.get(field).and_then(|r| parts(r).1) } else { None };
                t.insert(field, value, at).is_none()
            }
        }
    }

    /// Removes a field; false if absent.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            HashValue::Pack(p) => p.remove(field),
            HashValue::Table(t) => t.remove(field),
        }
    }

    /// Switches a listpack to `listpackex` (what any H*EXPIRE does to an
    /// existing small hash in Redis).
    pub fn enable_ttl(&mut self) {
        if let HashValue::Pack(p) = self {
            p.enable_ttl();
        }
    }

    /// Sets (`Some`) or removes (`None`) a field's expire time; false if the
    /// field is absent.
    pub fn set_expire(&mut self, field: &[u8], at: Option<i64>) -> bool {
        match self {
            HashValue::Pack(p) => p.set_expire(field, at),
            HashValue::Table(t) => {
                let Some(value) = t.table.get(field).map(|r| parts(r).2.to_vec()) else {
                    return false;
                };
                t.insert(field, &value, at);
                true
            }
        }
    }

    /// Whether some field has an expire time.
    pub fn has_ttl(&self) -> bool {
        self.min_expire().is_some()
    }

    /// The earliest field expire time.
    pub fn min_expire(&self) -> Option<i64> {
        match self {
            HashValue::Pack(p) => p.min_expire(),
            HashValue::Table(t) => t.expiry.as_ref().and_then(|e| e.order.first()).map(|(at, _)| *at),
        }
    }

    /// Removes every field whose expire time is before `now`; returns how many.
    pub fn purge_expired(&mut self, now: i64) -> usize {
        match self {
            HashValue::Pack(p) => p.purge_expired(now),
            HashValue::Table(t) => {
                let mut n = 0;
                while let Some((at, field)) = t.expiry.as_ref().and_then(|e| e.order.first()).cloned() {
                    if at >= now {
                        break;
                    }
                    t.remove(&field);
                    n += 1;
                }
                n
            }
        }
    }

    /// A random (field, value).
    pub fn random(&self, rng: &mut impl Rng) -> Option<(Bytes, Bytes)> {
        if self.is_empty() {
            return None;
        }
        let copy = |f: &[u8], v: &[u8]| (Bytes::copy_from_slice(f), Bytes::copy_from_slice(v));
        match self {
            HashValue::Pack(p) => p.iter().nth(rng.gen_range(0..p.len())).map(|e| copy(e.field, e.value)),
            HashValue::Table(t) => t.table.random(rng).map(|r| {
                let (f, _, v) = parts(r);
                copy(f, v)
            }),
        }
    }

    /// `count` random pairs drawn with repetition (negative HRANDFIELD
    /// counts): a small hash is unpacked once instead of once per draw.
    pub fn random_many(&self, count: usize, rng: &mut impl Rng) -> Vec<(Bytes, Bytes)> {
        if self.is_empty() {
            return Vec::new();
        }
        if self.is_compact() && count > 1 {
            let all = self.pairs();
            return (0..count).map(|_| all[rng.gen_range(0..all.len())].clone()).collect();
        }
        (0..count).filter_map(|_| self.random(rng)).collect()
    }

    /// `count` distinct random pairs (`count < len`): in listpack order for
    /// small hashes (Redis's `lpRandomPairsUnique`), any order otherwise.
    pub fn sample(&self, count: usize, rng: &mut impl Rng) -> Vec<(Bytes, Bytes)> {
        let picked = rand::seq::index::sample(rng, self.len(), count);
        let mut keep = vec![false; self.len()];
        picked.iter().for_each(|i| keep[i] = true);
        let mut out = Vec::with_capacity(count);
        let mut i = 0;
        self.for_each(|f, v| {
            if keep[i] {
                out.push((Bytes::copy_from_slice(f), Bytes::copy_from_slice(v)));
            }
            i += 1;
        });
        out
    }

    /// One HSCAN step: a listpack is returned whole with cursor 0; a table
    /// visits one home bucket and returns the next cursor.
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(&[u8], &[u8])) -> u64 {
        match self {
            HashValue::Pack(p) => {
                p.iter().for_each(|e| visit(e.field, e.value));
                0
            }
            HashValue::Table(t) => t.table.scan(cursor, |r| {
                let (f, _, v) = parts(r);
                visit(f, v)
            }),
        }
    }

    /// Whether this is the small encoding (scans return it whole).
    pub fn is_compact(&self) -> bool {
        matches!(self, HashValue::Pack(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIM: HashLimits = HashLimits { entries: 3, value: 8 };

    #[test]
    fn listpack_converts_past_entries_or_value_size() {
        let mut h = HashValue::default();
        for f in ["a", "b", "c"] {
            assert!(h.set(f.as_bytes(), b"v", false, &LIM));
        }
        assert_eq!(h.encoding(), "listpack");
        assert!(h.set(b"d", b"v", false, &LIM));
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), 4);
        let mut g = HashValue::default();
        g.set(b"a", b"123456789", false, &LIM);
        assert_eq!(g.encoding(), "hashtable");
        let mut p = HashValue::default();
        p.prepare_write(4, [1usize; 8].into_iter(), &LIM);
        assert_eq!(p.encoding(), "hashtable");
    }

    #[test]
    fn table_ttls_survive_updates_and_purge() {
        let mut h = HashValue::default();
        for i in 0..10 {
            h.set(format!("f{i}").as_bytes(), b"v", false, &LIM);
        }
        assert!(h.set_expire(b"f1", Some(100)));
        assert!(h.set_expire(b"f2", Some(50)));
        assert!(!h.set_expire(b"nope", Some(1)));
        assert_eq!(h.min_expire(), Some(50));
        assert!(!h.set(b"f2", b"w", true, &LIM));
        assert_eq!(h.field_expire(b"f2"), Some(Some(50)));
        assert!(!h.set(b"f2", b"x", false, &LIM));
        assert_eq!(h.field_expire(b"f2"), Some(None));
        assert_eq!(h.min_expire(), Some(100));
        assert_eq!(h.purge_expired(100), 0);
        assert_eq!(h.purge_expired(101), 1);
        assert_eq!(h.get(b"f1"), None);
        assert!(!h.has_ttl());
        assert_eq!(h.len(), 9);
    }

    #[test]
    fn pack_ttls_move_to_table_on_conversion() {
        let mut h = HashValue::default();
        h.set(b"a", b"1", false, &LIM);
        h.enable_ttl();
        assert_eq!(h.encoding(), "listpackex");
        h.set_expire(b"a", Some(7));
        h.set(b"long-value-field", b"x", false, &LIM);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.field_expire(b"a"), Some(Some(7)));
        assert_eq!(h.min_expire(), Some(7));
        assert!(h.set_expire(b"a", None));
        assert_eq!(h.min_expire(), None);
        assert!(h.remove(b"a") && !h.remove(b"a"));
    }

    #[test]
    fn memory_accounting_tracks_the_encoding() {
        let mut h = HashValue::default();
        let empty = h.mem_usage();
        for i in 0..50 {
            h.set(format!("f{i}").as_bytes(), b"value", false, &HashLimits { entries: 10, value: 64 });
        }
        assert!(h.mem_usage() > empty + 50 * 6);
        let before = h.mem_usage();
        h.set_expire(b"f3", Some(1));
        assert!(h.mem_usage() > before);
        h.purge_expired(10);
        assert_eq!(h.len(), 49);
    }
}
