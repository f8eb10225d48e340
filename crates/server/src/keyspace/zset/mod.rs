//! Sorted-set values: members with scores, ordered by `(score, member)`.
//!
//! Two encodings, as in Redis:
//! - [`Pack`] (`listpack`): one packed byte vector, linear scans, used while
//!   the set has at most `zset-max-listpack-entries` members of at most
//!   `zset-max-listpack-value` bytes;
//! - [`Big`] (`skiplist`): an item arena, a member index and an
//!   order-statistic B+tree, O(log n) for rank, select and range bounds.
//!
//! Conversion follows Redis: a set grows into the large encoding when an
//! insert would cross a limit and never shrinks back on removal; results
//! built in one go (`ZUNIONSTORE`, `ZRANGESTORE`...) pick the encoding that
//! fits them ([`ZSet::from_sorted`]).
//!
//! Everything here is a pure data structure: no keyspace, no replies.

mod big;
mod index;
mod pack;
mod tree;

pub use big::Big;
pub use pack::{key_cmp, key_less, Pack};

/// The encoding thresholds (`zset-max-listpack-entries`/`-value`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most members of the compact encoding.
    pub max_entries: usize,
    /// Longest member of the compact encoding.
    pub max_value: usize,
}

impl Limits {
    /// Limits from the configuration values (negative counts as zero).
    pub fn new(entries: i64, value: i64) -> Limits {
        Limits { max_entries: entries.max(0) as usize, max_value: value.max(0) as usize }
    }
}

/// A sorted set.
#[derive(Debug, Clone)]
pub enum ZSet {
    /// The compact encoding.
    Pack(Pack),
    /// The large encoding.
    Big(Box<Big>),
}

/// Iterates members from a rank, in either direction.
pub enum Walk<'a> {
    /// Over the compact encoding (offsets collected up front).
    Pack(Box<dyn Iterator<Item = (&'a [u8], f64)> + 'a>),
    /// Over the large encoding.
    Big(Box<dyn Iterator<Item = (&'a [u8], f64)> + 'a>),
}

impl<'a> Iterator for Walk<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Walk::Pack(i) | Walk::Big(i) => i.next(),
        }
    }
}

impl ZSet {
    /// An empty set in the encoding Redis's `zsetTypeCreate` picks for
    /// `size_hint` members, the first of `value_len_hint` bytes.
    pub fn with_hint(size_hint: usize, value_len_hint: usize, limits: Limits) -> ZSet {
        if size_hint <= limits.max_entries && value_len_hint <= limits.max_value {
            ZSet::Pack(Pack::new())
        } else {
            ZSet::Big(Box::new(Big::with_capacity(size_hint)))
        }
    }

    /// A set holding `members` (distinct), in the encoding that fits them.
    pub fn from_members(members: Vec<(Vec<u8>, f64)>, limits: Limits) -> ZSet {
        let max_len = members.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
        if members.len() <= limits.max_entries && max_len <= limits.max_value {
            let mut sorted = members;
            sorted.sort_by(|a, b| key_cmp(a.1, &a.0, b.1, &b.0));
            let mut p = Pack::new();
            for (m, s) in &sorted {
                p.push(m, *s);
            }
            ZSet::Pack(p)
        } else {
            let mut b = Big::with_capacity(members.len());
            for (m, s) in &members {
                b.insert(m, *s);
            }
            ZSet::Big(Box::new(b))
        }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        match self {
            ZSet::Pack(p) => p.len(),
            ZSet::Big(b) => b.len(),
        }
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the compact encoding is in use.
    pub fn is_pack(&self) -> bool {
        matches!(self, ZSet::Pack(_))
    }

    /// Redis's name for the encoding.
    pub fn encoding(&self) -> &'static str {
        match self {
            ZSet::Pack(_) => "listpack",
            ZSet::Big(_) => "skiplist",
        }
    }

    /// Heap bytes held (O(1)).
    pub fn mem_usage(&self) -> usize {
        match self {
            ZSet::Pack(p) => p.mem_usage(),
            ZSet::Big(b) => std::mem::size_of::<Big>() + b.mem_usage(),
        }
    }

    /// The score of `member`.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match self {
            ZSet::Pack(p) => p.find(member).map(|(_, e)| e.score),
            ZSet::Big(b) => b.score(member),
        }
    }

    /// The 0-based ascending rank and the score of `member`.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        match self {
            ZSet::Pack(p) => p.find(member).map(|(r, e)| (r, e.score)),
            ZSet::Big(b) => b.rank(member),
        }
    }

    /// Converts to the large encoding.
    fn convert_to_big(&mut self, extra: usize) {
        if let ZSet::Pack(p) = self {
            let mut b = Big::with_capacity(p.len() + extra);
            for e in p.iter_fwd() {
                b.insert(e.member, e.score);
            }
            *self = ZSet::Big(Box::new(b));
        }
    }

    /// Redis's `zsetTypeMaybeConvert`: about to add up to `size_hint`
    /// members, convert now if that many cannot stay compact.
    pub fn reserve(&mut self, size_hint: usize, limits: Limits) {
        if self.is_pack() && size_hint > limits.max_entries {
            self.convert_to_big(size_hint);
        }
    }

    /// Sets `member`'s score (adding the member if absent), converting to
    /// the large encoding first when the compact one would cross a limit.
    /// Returns the previous score.
    pub fn insert(&mut self, member: &[u8], score: f64, limits: Limits) -> Option<f64> {
        if let ZSet::Pack(p) = self {
            if let Some((_, e)) = p.find(member) {
                let (old, start, end) = (e.score, e.start, e.end);
                p.remove_span(start, end);
                p.insert(member, score);
                return Some(old);
            }
            if p.len() < limits.max_entries && member.len() <= limits.max_value {
                p.insert(member, score);
                return None;
            }
            self.convert_to_big(1);
        }
        match self {
            ZSet::Big(b) => b.insert(member, score),
            ZSet::Pack(_) => unreachable!("converted above"),
        }
    }

    /// Removes `member`; returns its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        match self {
            ZSet::Pack(p) => {
                let (_, e) = p.find(member)?;
                let (score, start, end) = (e.score, e.start, e.end);
                p.remove_span(start, end);
                Some(score)
            }
            ZSet::Big(b) => b.remove(member),
        }
    }

    /// Number of leading members (in ascending order) for which
    /// `pred(score, member)` holds. `pred` must be monotone over the order;
    /// the compact encoding scans until the first failure, as Redis does.
    pub fn count_while(&self, pred: impl FnMut(f64, &[u8]) -> bool) -> usize {
        match self {
            ZSet::Pack(p) => p.count_while(pred),
            ZSet::Big(b) => b.count_while(pred),
        }
    }

    /// Members from rank `start` (ascending ranks) on, going up, or down
    /// when `rev`.
    pub fn walk(&self, start: usize, rev: bool) -> Walk<'_> {
        match self {
            ZSet::Pack(p) => {
                if rev {
                    let n = p.len();
                    let skip = n.saturating_sub(start + 1);
                    let take = if start < n { start + 1 } else { 0 };
                    Walk::Pack(Box::new(p.iter().rev().skip(skip).take(take).map(|e| (e.member, e.score))))
                } else {
                    Walk::Pack(Box::new(p.iter_fwd().skip(start).map(|e| (e.member, e.score))))
                }
            }
            ZSet::Big(b) => Walk::Big(Box::new(b.walk(start, rev))),
        }
    }

    /// The member at ascending rank `rank`.
    pub fn nth(&self, rank: usize) -> Option<(&[u8], f64)> {
        match self {
            ZSet::Pack(p) => p.nth(rank).map(|e| (e.member, e.score)),
            ZSet::Big(b) => b.walk(rank, false).next(),
        }
    }

    /// Removes the members of ascending ranks `start..end`; returns how many.
    pub fn remove_ranks(&mut self, start: usize, end: usize) -> usize {
        let end = end.min(self.len());
        if start >= end {
            return 0;
        }
        match self {
            ZSet::Pack(p) => p.remove_ranks(start, end),
            ZSet::Big(b) if start == 0 && end == b.len() => **b = Big::default(),
            ZSet::Big(b) => {
                let doomed: Vec<Vec<u8>> = b.walk(start, false).take(end - start).map(|(m, _)| m.to_vec()).collect();
                for m in &doomed {
                    b.remove(m);
                }
            }
        }
        end - start
    }

    /// One ZSCAN step: calls `visit` for the members the cursor covers and
    /// returns the next cursor. The compact encoding is returned whole, with
    /// cursor 0, as Redis does; the large one `count` buckets' worth at most
    /// `count * 10` buckets.
    pub fn scan(&self, cursor: u64, count: usize, mut visit: impl FnMut(&[u8], f64)) -> u64 {
        match self {
            ZSet::Pack(p) => {
                p.iter_fwd().for_each(|e| visit(e.member, e.score));
                0
            }
            ZSet::Big(b) => {
                let mut cursor = cursor;
                let mut sampled = 0;
                let mut budget = count.saturating_mul(10);
                loop {
                    cursor = b.scan(cursor, |m, s| {
                        sampled += 1;
                        visit(m, s)
                    });
                    if cursor == 0 || budget == 0 || sampled >= count {
                        return cursor;
                    }
                    budget -= 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
