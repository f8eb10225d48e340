//! The set value and its three encodings, converted the way Redis 7.4's
//! `t_set.c` converts them so that `OBJECT ENCODING` and the order of small
//! replies match:
//!
//! - `intset` ([`IntSet`]): every member a canonical integer, at most
//!   `set-max-intset-entries` of them; iterated in ascending order;
//! - `listpack` ([`PackList`]): small sets (at most `set-max-listpack-entries`
//!   members of at most `set-max-listpack-value` bytes); insertion order;
//! - `hashtable` ([`RecordTable`]): everything else; never converted back.
//!
//! The value keeps no running byte count of its own: each encoding knows
//! its allocation in O(1), which is what `Object::mem_usage` needs.

use bytes::Bytes;
use rand::Rng;

use super::set_pack::{IntSet, PackList};
use super::set_table::{RecordTable, WholeRecord};
use crate::commands::args::parse_canonical_i64;

/// The size thresholds (from the `set-max-*` settings).
#[derive(Debug, Clone, Copy)]
pub struct SetLimits {
    /// `set-max-intset-entries`.
    pub intset_entries: usize,
    /// `set-max-listpack-entries`.
    pub listpack_entries: usize,
    /// `set-max-listpack-value`.
    pub listpack_value: usize,
}

impl SetLimits {
    /// Reads the thresholds from the configuration.
    pub fn from_config(c: &crate::config::Config) -> SetLimits {
        let clamp = |v: i64| v.clamp(0, i64::MAX) as usize;
        SetLimits {
            intset_entries: clamp(c.set_max_intset_entries),
            listpack_entries: clamp(c.set_max_listpack_entries),
            listpack_value: clamp(c.set_max_listpack_value),
        }
    }

    /// Redis caps intsets at 2^30 members whatever the setting says.
    fn intset_cap(&self) -> usize {
        self.intset_entries.min(1 << 30)
    }
}

/// A set of byte strings.
#[derive(Debug, Clone)]
pub enum SetValue {
    /// Sorted integers.
    Ints(IntSet),
    /// Small sets in insertion order.
    Pack(PackList),
    /// Everything else.
    Table(RecordTable<WholeRecord>),
}

/// One member as an encoding yields it: integers from an intset are not
/// turned into text unless the caller needs the text.
#[derive(Debug, Clone, Copy)]
pub enum Member<'a> {
    /// An intset member.
    Int(i64),
    /// A member stored as bytes.
    Bytes(&'a [u8]),
}

impl Member<'_> {
    /// Calls `f` with the member's bytes (integers formatted on the stack).
    pub fn with_bytes<R>(self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Member::Bytes(b) => f(b),
            Member::Int(i) => f(itoa::Buffer::new().format(i).as_bytes()),
        }
    }

    /// The member as an owned reply string.
    pub fn to_bytes(self) -> Bytes {
        self.with_bytes(Bytes::copy_from_slice)
    }

    /// The member as an owned vector.
    pub fn to_vec(self) -> Vec<u8> {
        self.with_bytes(<[u8]>::to_vec)
    }
}

/// Decimal digits of `v`, counting a minus sign (Redis's `sdigits10`).
fn sdigits10(v: i64) -> usize {
    itoa::Buffer::new().format(v).len()
}

impl SetValue {
    /// An empty set of the encoding Redis would create for a first member
    /// `first` when about `hint` members are coming (`setTypeCreate`).
    pub fn new_for(first: &[u8], hint: usize, lim: &SetLimits) -> SetValue {
        if parse_canonical_i64(first).is_some() && hint <= lim.intset_entries {
            SetValue::Ints(IntSet::default())
        } else if hint <= lim.listpack_entries {
            SetValue::Pack(PackList::default())
        } else {
            SetValue::Table(RecordTable::with_capacity(hint))
        }
    }

    /// An empty intset (the start of SUNION/SDIFF results).
    pub fn new_intset() -> SetValue {
        SetValue::Ints(IntSet::default())
    }

    /// An empty listpack.
    pub fn new_pack() -> SetValue {
        SetValue::Pack(PackList::default())
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        match self {
            SetValue::Ints(s) => s.len(),
            SetValue::Pack(p) => p.len(),
            SetValue::Table(t) => t.len(),
        }
    }

    /// Whether the set has no member.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Redis's encoding name.
    pub fn encoding(&self) -> &'static str {
        match self {
            SetValue::Ints(_) => "intset",
            SetValue::Pack(_) => "listpack",
            SetValue::Table(_) => "hashtable",
        }
    }

    /// Heap bytes, in O(1).
    pub fn mem_usage(&self) -> usize {
        match self {
            SetValue::Ints(s) => s.capacity(),
            SetValue::Pack(p) => p.capacity(),
            SetValue::Table(t) => t.mem_usage(),
        }
    }

    /// Converts to a hash table ahead of an insert of about `hint` members
    /// (`setTypeMaybeConvert`, used by SADD).
    pub fn reserve(&mut self, hint: usize, lim: &SetLimits) {
        let convert = match self {
            SetValue::Pack(_) => hint > lim.listpack_entries,
            SetValue::Ints(_) => hint > lim.intset_entries,
            SetValue::Table(_) => false,
        };
        if convert {
            self.convert_to_table(hint);
        }
    }

    fn convert_to_table(&mut self, cap: usize) {
        let mut t = RecordTable::with_capacity(cap.max(self.len()));
        self.for_each(|m| {
            t.insert(m.to_vec().into_boxed_slice());
        });
        *self = SetValue::Table(t);
    }

    /// Members in the encoding's order.
    pub fn for_each(&self, mut f: impl FnMut(Member<'_>)) {
        match self {
            SetValue::Ints(s) => s.iter().for_each(|i| f(Member::Int(i))),
            SetValue::Pack(p) => p.iter().for_each(|b| f(Member::Bytes(b))),
            SetValue::Table(t) => t.iter().for_each(|b| f(Member::Bytes(b))),
        }
    }

    /// All members as reply strings, in the encoding's order.
    pub fn members(&self) -> Vec<Bytes> {
        let mut out = Vec::with_capacity(self.len());
        self.for_each(|m| out.push(m.to_bytes()));
        out
    }

    /// Whether `m` is a member.
    pub fn contains(&self, m: &[u8]) -> bool {
        match self {
            SetValue::Ints(s) => parse_canonical_i64(m).is_some_and(|v| s.contains(v)),
            SetValue::Pack(p) => p.contains(m),
            SetValue::Table(t) => t.contains(m),
        }
    }

    /// Whether a member as yielded by another set is in this one.
    pub fn contains_member(&self, m: Member<'_>) -> bool {
        match (self, m) {
            (SetValue::Ints(s), Member::Int(i)) => s.contains(i),
            _ => m.with_bytes(|b| self.contains(b)),
        }
    }

    /// Adds `m` (`setTypeAddAux`); false if it was already a member.
    pub fn add(&mut self, m: &[u8], lim: &SetLimits) -> bool {
        match self {
            SetValue::Ints(s) => {
                if let Some(v) = parse_canonical_i64(m) {
                    if !s.insert(v) {
                        return false;
                    }
                    if s.len() > lim.intset_cap() {
                        self.convert_to_table(0);
                    }
                    return true;
                }
                let n = s.len();
                let widest = if n == 0 { 0 } else { sdigits10(s.get(0)).max(sdigits10(s.get(n - 1))) };
                if n < lim.listpack_entries && m.len() <= lim.listpack_value && widest <= lim.listpack_value {
                    let mut p = PackList::with_capacity((n + 1) * (widest + 1) + m.len() + 1);
                    s.iter().for_each(|i| p.push(itoa::Buffer::new().format(i).as_bytes()));
                    p.push(m);
                    p.shrink_to_fit();
                    *self = SetValue::Pack(p);
                } else {
                    self.convert_to_table(n + 1);
                    self.add(m, lim);
                }
                true
            }
            SetValue::Pack(p) => {
                if p.contains(m) {
                    return false;
                }
                if p.len() < lim.listpack_entries && m.len() <= lim.listpack_value {
                    p.push(m);
                } else {
                    let n = p.len();
                    self.convert_to_table(n + 1);
                    self.add(m, lim);
                }
                true
            }
            SetValue::Table(t) => {
                if t.contains(m) {
                    return false;
                }
                t.insert(m.into());
                true
            }
        }
    }

    /// Removes `m`; false if it was not a member.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            SetValue::Ints(s) => parse_canonical_i64(m).is_some_and(|v| s.remove(v)),
            SetValue::Pack(p) => p.remove(m),
            SetValue::Table(t) => t.remove(m).is_some(),
        }
    }

    /// A random member (None when empty).
    pub fn random(&self, rng: &mut impl Rng) -> Option<Bytes> {
        if self.is_empty() {
            return None;
        }
        match self {
            SetValue::Ints(s) => Some(Member::Int(s.get(rng.gen_range(0..s.len()))).to_bytes()),
            SetValue::Pack(p) => p.nth(rng.gen_range(0..p.len())).map(Bytes::copy_from_slice),
            SetValue::Table(t) => t.random(rng).map(Bytes::copy_from_slice),
        }
    }

    /// `count` random members drawn with repetition (negative SRANDMEMBER
    /// counts): a compact set is unpacked once instead of once per draw.
    pub fn random_many(&self, count: usize, rng: &mut impl Rng) -> Vec<Bytes> {
        if self.is_empty() {
            return Vec::new();
        }
        if !matches!(self, SetValue::Table(_)) && count > 1 {
            let all = self.members();
            return (0..count).map(|_| all[rng.gen_range(0..all.len())].clone()).collect();
        }
        (0..count).filter_map(|_| self.random(rng)).collect()
    }

    /// Removes and returns a random member.
    pub fn pop_random(&mut self, rng: &mut impl Rng) -> Option<Bytes> {
        let m = self.random(rng)?;
        self.remove(&m);
        Some(m)
    }

    /// `count` distinct random members in the encoding's order (a listpack
    /// sample as Redis's `lpRandomPairsUnique` gives it); `count < len`.
    pub fn sample_in_order(&self, count: usize, rng: &mut impl Rng) -> Vec<Bytes> {
        let picked = rand::seq::index::sample(rng, self.len(), count);
        let mut keep = vec![false; self.len()];
        picked.iter().for_each(|i| keep[i] = true);
        let mut out = Vec::with_capacity(count);
        let mut i = 0;
        self.for_each(|m| {
            if keep[i] {
                out.push(m.to_bytes());
            }
            i += 1;
        });
        out
    }

    /// Whether this is a compact encoding (scans return it whole).
    pub fn is_compact(&self) -> bool {
        !matches!(self, SetValue::Table(_))
    }

    /// One SSCAN step over a hash table: visits one home bucket and returns
    /// the next cursor. Compact encodings are visited whole (cursor 0).
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(Member<'_>)) -> u64 {
        match self {
            SetValue::Table(t) => t.scan(cursor, |b| visit(Member::Bytes(b))),
            _ => {
                self.for_each(visit);
                0
            }
        }
    }

    /// Converts to an intset when every member is an integer and the set
    /// is small enough (`maybeConvertToIntset`, used by SINTERSTORE).
    pub fn maybe_to_intset(&mut self, lim: &SetLimits) {
        if matches!(self, SetValue::Ints(_)) || self.len() > lim.intset_cap() {
            return;
        }
        let mut s = IntSet::default();
        let mut all_ints = true;
        self.for_each(|m| match m {
            Member::Int(i) => {
                s.insert(i);
            }
            Member::Bytes(b) => match parse_canonical_i64(b) {
                Some(i) => {
                    s.insert(i);
                }
                None => all_ints = false,
            },
        });
        if all_ints {
            *self = SetValue::Ints(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIM: SetLimits = SetLimits { intset_entries: 4, listpack_entries: 3, listpack_value: 5 };

    fn names(s: &SetValue) -> Vec<String> {
        s.members().iter().map(|b| String::from_utf8(b.to_vec()).expect("utf8")).collect()
    }

    #[test]
    fn intset_grows_into_hashtable_past_its_limit() {
        let mut s = SetValue::new_for(b"1", 1, &LIM);
        for m in ["3", "1", "2", "4"] {
            s.add(m.as_bytes(), &LIM);
        }
        assert_eq!(s.encoding(), "intset");
        assert_eq!(names(&s), ["1", "2", "3", "4"]);
        assert!(s.add(b"5", &LIM));
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 5);
    }

    #[test]
    fn intset_becomes_listpack_for_a_short_string() {
        let mut s = SetValue::new_for(b"9", 1, &LIM);
        s.add(b"9", &LIM);
        s.add(b"-1", &LIM);
        assert!(s.add(b"abc", &LIM));
        assert_eq!(s.encoding(), "listpack");
        assert_eq!(names(&s), ["-1", "9", "abc"]);
        assert!(!s.add(b"9", &LIM));
        assert!(s.add(b"d", &LIM), "fourth member passes set-max-listpack-entries");
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains(b"-1") && s.contains(b"d"));
    }

    #[test]
    fn long_members_and_big_hints_go_to_hashtable() {
        let mut s = SetValue::new_for(b"x", 1, &LIM);
        assert_eq!(s.encoding(), "listpack");
        s.add(b"toolong", &LIM);
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(SetValue::new_for(b"1", 9, &LIM).encoding(), "hashtable");
        let mut p = SetValue::new_for(b"a", 1, &LIM);
        p.reserve(4, &LIM);
        assert_eq!(p.encoding(), "hashtable");
    }

    #[test]
    fn remove_and_membership_across_encodings() {
        let mut s = SetValue::new_intset();
        s.add(b"10", &LIM);
        assert!(!s.contains(b"010") && !s.remove(b"010"));
        assert!(s.contains_member(Member::Int(10)));
        assert!(s.remove(b"10") && s.is_empty());
    }

    #[test]
    fn maybe_to_intset_only_for_integers() {
        let big = SetLimits { intset_entries: 100, listpack_entries: 100, listpack_value: 64 };
        let mut s = SetValue::new_pack();
        s.add(b"2", &big);
        s.add(b"1", &big);
        s.maybe_to_intset(&big);
        assert_eq!(s.encoding(), "intset");
        assert_eq!(names(&s), ["1", "2"]);
        let mut t = SetValue::new_pack();
        t.add(b"x", &big);
        t.maybe_to_intset(&big);
        assert_eq!(t.encoding(), "listpack");
    }

    #[test]
    fn sampling_keeps_order_and_distinctness() {
        let big = SetLimits { intset_entries: 100, listpack_entries: 100, listpack_value: 64 };
        let mut s = SetValue::new_intset();
        for i in 0..20 {
            s.add(i.to_string().as_bytes(), &big);
        }
        let got = s.sample_in_order(5, &mut rand::thread_rng());
        let nums: Vec<i64> = got.iter().map(|b| std::str::from_utf8(b).expect("utf8").parse().expect("int")).collect();
        assert_eq!(nums.len(), 5);
        assert!(nums.windows(2).all(|w| w[0] < w[1]));
        let mut popped = 0;
        while s.pop_random(&mut rand::thread_rng()).is_some() {
            popped += 1;
        }
        assert_eq!(popped, 20);
    }
}
