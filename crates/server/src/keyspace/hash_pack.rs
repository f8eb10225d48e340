//! [`PackHash`]: the compact encoding of small hashes (Redis's `listpack`,
//! and `listpackex` once a field expiration command has touched it).
//!
//! One exact-size `Vec<u8>` of entries `[varint flen][field][varint vlen]
//! [value]`; in the `ex` form each entry also ends with `[varint expire]`
//! (unix ms, 0 for none). Like Redis's listpackex, fields with a TTL come
//! first, ordered by expiry (a new one goes before the first entry whose
//! expiry is not smaller), and fields without one follow in insertion
//! order; so the next field to expire is always the first entry, and HGETALL
//! returns fields in the same order as Redis.

use super::alloc::{reserve_class, shrink_class};
use super::set_pack::{get_varint, put_varint};

/// A small hash packed in one buffer.
#[derive(Debug, Clone, Default)]
pub struct PackHash {
    buf: Vec<u8>,
    len: u32,
    ex: bool,
}

/// One entry as parsed from the buffer.
#[derive(Debug, Clone, Copy)]
pub struct PackEntry<'a> {
    start: usize,
    end: usize,
    /// The field.
    pub field: &'a [u8],
    /// The value.
    pub value: &'a [u8],
    /// The expire time (unix ms), if any.
    pub expire: Option<i64>,
}

impl PackHash {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether there is no field.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Allocated bytes.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Whether entries carry expire times (Redis's `listpackex`).
    pub fn is_ex(&self) -> bool {
        self.ex
    }

    /// Switches to the form with expire times (HEXPIRE on a listpack hash).
    pub fn enable_ttl(&mut self) {
        if self.ex {
            return;
        }
        let old = std::mem::take(&mut self.buf);
        let n = self.len;
        self.len = 0;
        self.ex = true;
        self.buf.reserve_exact(old.len() + n as usize);
        let mut off = 0;
        while off < old.len() {
            let (e, next) = Self::parse(&old, off, false);
            Self::encode(&mut self.buf, e.field, e.value, Some(0));
            self.len += 1;
            off = next;
        }
    }

    fn parse(buf: &[u8], start: usize, ex: bool) -> (PackEntry<'_>, usize) {
        let mut off = start;
        let (flen, n) = get_varint(&buf[off..]);
        off += n;
        let field = &buf[off..off + flen];
        off += flen;
        let (vlen, n) = get_varint(&buf[off..]);
        off += n;
        let value = &buf[off..off + vlen];
        off += vlen;
        let mut expire = None;
        if ex {
            let (at, n) = get_varint(&buf[off..]);
            off += n;
            expire = (at != 0).then_some(at as i64);
        }
        (PackEntry { start, end: off, field, value, expire }, off)
    }

    fn encode(buf: &mut Vec<u8>, field: &[u8], value: &[u8], expire: Option<i64>) {
        put_varint(buf, field.len());
        buf.extend_from_slice(field);
        put_varint(buf, value.len());
        buf.extend_from_slice(value);
        if let Some(at) = expire {
            put_varint(buf, at.max(0) as usize);
        }
    }

    fn entry_bytes(&self, field: &[u8], value: &[u8], expire: Option<i64>) -> Vec<u8> {
        let mut v = Vec::with_capacity(field.len() + value.len() + 12);
        Self::encode(&mut v, field, value, self.ex.then_some(expire.unwrap_or(0)));
        v
    }

    /// Entries in order.
    pub fn iter(&self) -> impl Iterator<Item = PackEntry<'_>> + '_ {
        let mut off = 0;
        std::iter::from_fn(move || {
            if off >= self.buf.len() {
                return None;
            }
            let (e, next) = Self::parse(&self.buf, off, self.ex);
            off = next;
            Some(e)
        })
    }

    /// The entry of `field`.
    pub fn find(&self, field: &[u8]) -> Option<PackEntry<'_>> {
        self.iter().find(|e| e.field == field)
    }

    fn splice(&mut self, start: usize, end: usize, bytes: &[u8]) {
        if bytes.len() > end - start {
            reserve_class(&mut self.buf, bytes.len() - (end - start));
        }
        self.buf.splice(start..end, bytes.iter().copied());
        // Sized like a listpack, to the allocator's size class.
        shrink_class(&mut self.buf);
    }

    /// Inserts a new entry where Redis puts it: at the end without a TTL,
    /// else before the first entry whose expiry is not smaller.
    fn add(&mut self, field: &[u8], value: &[u8], expire: Option<i64>) {
        let pos = match expire {
            Some(at) if self.ex => {
                self.iter().find(|e| e.expire.is_none_or(|x| x >= at)).map_or(self.buf.len(), |e| e.start)
            }
            _ => self.buf.len(),
        };
        let bytes = self.entry_bytes(field, value, expire);
        self.splice(pos, pos, &bytes);
        self.len += 1;
    }

    /// Sets `field` to `value`; true if the field is new. An existing TTL is
    /// kept only with `keep_ttl` (HINCRBY); otherwise the field moves to the
    /// end without one, as in Redis.
    pub fn set(&mut self, field: &[u8], value: &[u8], keep_ttl: bool) -> bool {
        let Some(e) = self.find(field).map(|e| (e.start, e.end, e.expire)) else {
            self.add(field, value, None);
            return true;
        };
        let (start, end, expire) = e;
        if expire.is_some() && !keep_ttl {
            self.splice(start, end, &[]);
            self.len -= 1;
            self.add(field, value, None);
        } else {
            let bytes = self.entry_bytes(field, value, expire);
            self.splice(start, end, &bytes);
        }
        false
    }

    /// Removes `field`; false if absent.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self.find(field).map(|e| (e.start, e.end)) {
            Some((s, e)) => {
                self.splice(s, e, &[]);
                self.len -= 1;
                true
            }
            None => false,
        }
    }

    /// Sets (`Some`) or clears (`None`) the expire time of an existing field,
    /// moving it to its place in expiry order; false if the field is absent.
    pub fn set_expire(&mut self, field: &[u8], at: Option<i64>) -> bool {
        if self.find(field).is_none() {
            return false;
        }
        self.enable_ttl();
        let Some((start, end, value)) = self.find(field).map(|e| (e.start, e.end, e.value.to_vec())) else {
            return false;
        };
        self.splice(start, end, &[]);
        self.len -= 1;
        self.add(field, &value, at);
        true
    }

    /// The earliest expire time.
    pub fn min_expire(&self) -> Option<i64> {
        if !self.ex {
            return None;
        }
        self.iter().next().and_then(|e| e.expire)
    }

    /// Removes the fields whose expire time is before `now` (a prefix, by
    /// the ordering); returns how many.
    pub fn purge_expired(&mut self, now: i64) -> usize {
        if !self.ex {
            return 0;
        }
        let (mut end, mut n) = (0, 0);
        for e in self.iter() {
            match e.expire {
                Some(at) if at < now => {
                    end = e.end;
                    n += 1;
                }
                _ => break,
            }
        }
        if n > 0 {
            self.splice(0, end, &[]);
            self.len -= n as u32;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(p: &PackHash) -> Vec<String> {
        p.iter().map(|e| String::from_utf8(e.field.to_vec()).expect("utf8")).collect()
    }

    #[test]
    fn set_get_remove_keep_insertion_order() {
        let mut p = PackHash::default();
        assert!(p.set(b"a", b"1", false));
        assert!(p.set(b"b", b"2", false));
        assert!(!p.set(b"a", b"one", false));
        assert_eq!(fields(&p), ["a", "b"]);
        assert_eq!(p.find(b"a").map(|e| e.value), Some(&b"one"[..]));
        assert!(p.remove(b"a") && !p.remove(b"a"));
        assert_eq!(p.len(), 1);
        assert_eq!(p.capacity(), crate::keyspace::alloc::size_class(p.buf.len()), "buffer stays one size class");
    }

    #[test]
    fn ttl_fields_are_ordered_by_expiry_first() {
        let mut p = PackHash::default();
        for f in ["a", "b", "c", "d"] {
            p.set(f.as_bytes(), b"v", false);
        }
        assert!(p.set_expire(b"c", Some(300)));
        assert!(p.is_ex());
        assert!(p.set_expire(b"a", Some(100)));
        assert!(p.set_expire(b"d", Some(300)));
        assert_eq!(fields(&p), ["a", "d", "c", "b"], "equal expiry goes first, like Redis");
        assert_eq!(p.min_expire(), Some(100));
        assert!(!p.set_expire(b"zz", Some(1)));
        // HSET without KEEPTTL drops the TTL and moves the field to the end.
        assert!(!p.set(b"a", b"new", false));
        assert_eq!(fields(&p), ["d", "c", "b", "a"]);
        assert_eq!(p.find(b"a").and_then(|e| e.expire), None);
        // HINCRBY keeps it in place.
        assert!(!p.set(b"d", b"7", true));
        assert_eq!(p.find(b"d").and_then(|e| e.expire), Some(300));
        assert!(p.set_expire(b"c", None));
        assert_eq!(fields(&p), ["d", "b", "a", "c"]);
    }

    #[test]
    fn purge_removes_only_expired_prefix() {
        let mut p = PackHash::default();
        p.set(b"x", b"1", false);
        p.set(b"y", b"2", false);
        p.set(b"z", b"3", false);
        p.set_expire(b"x", Some(10));
        p.set_expire(b"y", Some(20));
        assert_eq!(p.purge_expired(10), 0, "a field expires after its time");
        assert_eq!(p.purge_expired(15), 1);
        assert_eq!(fields(&p), ["y", "z"]);
        assert_eq!(p.purge_expired(1000), 1);
        assert_eq!(p.min_expire(), None);
        assert_eq!(p.len(), 1);
    }
}
