//! The set of clients that read one tracked key.
//!
//! Most keys have one or two readers, held inline. Connections opened
//! together (a pool) have neighbouring ids, so a key that many of them read
//! usually fits a 64-id window, also inline: a tracked read then costs no
//! access beyond the table slot. Other keys with many readers keep their
//! ids in a small open-addressing set (one cache line per lookup).

/// The clients tracking one key, deduplicated.
#[derive(Debug, Clone)]
pub enum Readers {
    /// One reader.
    One(u64),
    /// Two readers.
    Two(u64, u64),
    /// Three or more, every id in `base..base + 64`: bit i is `base + i`.
    Window { base: u64, bits: u64 },
    /// Three or more, spread further apart.
    Many(IdSet),
}

impl Readers {
    /// Adds an id; false if it was there.
    pub(super) fn insert(&mut self, id: u64) -> bool {
        match self {
            Readers::One(a) if *a == id => false,
            Readers::One(a) => {
                *self = Readers::Two(*a, id);
                true
            }
            Readers::Two(a, b) if *a == id || *b == id => false,
            Readers::Two(a, b) => {
                *self = Readers::from_ids(&[*a, *b, id]);
                true
            }
            Readers::Window { base, bits } if id >= *base && id - *base < 64 => {
                let bit = 1 << (id - *base);
                let added = *bits & bit == 0;
                *bits |= bit;
                added
            }
            // Below the window, and the window can slide down to it (a
            // pool's connections read a key in any order).
            Readers::Window { base, bits } if id < *base && *base + 63 - (bits.leading_zeros() as u64) - id < 64 => {
                *bits = (*bits << (*base - id)) | 1;
                *base = id;
                true
            }
            Readers::Window { .. } => {
                let mut ids = self.to_vec();
                ids.push(id);
                *self = Readers::from_ids(&ids);
                true
            }
            Readers::Many(set) => set.insert(id),
        }
    }

    /// Three or more distinct ids, in a window when they fit one.
    fn from_ids(ids: &[u64]) -> Readers {
        let (lo, hi) = ids.iter().fold((u64::MAX, 0), |(lo, hi), &id| (lo.min(id), hi.max(id)));
        if hi - lo < 64 {
            Readers::Window { base: lo, bits: ids.iter().fold(0, |bits, &id| bits | 1 << (id - lo)) }
        } else {
            Readers::Many(IdSet::from_ids(ids))
        }
    }

    /// Removes every id in `dead`; returns how many were there and whether
    /// no reader is left. Allocates only when a spread-out set shrinks.
    pub(super) fn remove_all(&mut self, dead: &[u64]) -> (usize, bool) {
        let is_dead = |id: &u64| dead.contains(id);
        let before = self.len();
        match *self {
            Readers::One(a) => return if is_dead(&a) { (1, true) } else { (0, false) },
            Readers::Two(a, b) => match (is_dead(&a), is_dead(&b)) {
                (false, false) => return (0, false),
                (true, true) => return (2, true),
                (true, false) => *self = Readers::One(b),
                (false, true) => *self = Readers::One(a),
            },
            Readers::Window { base, bits } => {
                let gone =
                    dead.iter().filter(|&&id| id >= base && id - base < 64).fold(0, |m, &id| m | 1 << (id - base));
                if bits & gone == 0 {
                    return (0, false);
                }
                let left = bits & !gone;
                if left.count_ones() < 3 {
                    let ids: Vec<u64> = window_ids(base, left).collect();
                    return self.replace_with(&ids, before);
                }
                *self = Readers::Window { base, bits: left };
            }
            Readers::Many(ref set) => {
                if !set.ids().any(|id| is_dead(&id)) {
                    return (0, false);
                }
                let ids: Vec<u64> = set.ids().filter(|id| !is_dead(id)).collect();
                return self.replace_with(&ids, before);
            }
        }
        (before - self.len(), false)
    }

    /// Becomes the reader set of `ids` (what is left after a removal).
    fn replace_with(&mut self, ids: &[u64], before: usize) -> (usize, bool) {
        match *ids {
            [] => return (before, true),
            [a] => *self = Readers::One(a),
            [a, b] => *self = Readers::Two(a, b),
            _ => *self = Readers::from_ids(ids),
        }
        (before - ids.len(), false)
    }

    /// The ids (in no particular order).
    pub fn to_vec(&self) -> Vec<u64> {
        match self {
            Readers::One(a) => vec![*a],
            Readers::Two(a, b) => vec![*a, *b],
            Readers::Window { base, bits } => window_ids(*base, *bits).collect(),
            Readers::Many(set) => set.ids().collect(),
        }
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        match self {
            Readers::One(_) => 1,
            Readers::Two(..) => 2,
            Readers::Window { bits, .. } => bits.count_ones() as usize,
            Readers::Many(set) => set.len,
        }
    }
}

/// The ids of a window: bit i of `bits` is `base + i`.
fn window_ids(base: u64, bits: u64) -> impl Iterator<Item = u64> {
    (0..64).filter(move |i| bits & 1 << i != 0).map(move |i| base + i)
}

/// Client ids start at 1; 0 marks a free slot.
const EMPTY: u64 = 0;

/// A set of client ids: linear probing over a power-of-two array kept at
/// most half full.
#[derive(Debug, Clone)]
pub struct IdSet {
    slots: Box<[u64]>,
    len: usize,
}

impl IdSet {
    /// The ids, in slot order.
    fn ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.slots.iter().copied().filter(|&id| id != EMPTY)
    }

    fn from_ids(ids: &[u64]) -> IdSet {
        let cap = (ids.len() * 2).next_power_of_two().max(8);
        let mut set = IdSet { slots: vec![EMPTY; cap].into_boxed_slice(), len: 0 };
        for &id in ids {
            set.insert(id);
        }
        set
    }

    fn insert(&mut self, id: u64) -> bool {
        debug_assert_ne!(id, EMPTY, "client ids start at 1");
        if (self.len + 1) * 2 > self.slots.len() {
            let ids: Vec<u64> = self.ids().collect();
            *self = IdSet::from_ids(&ids);
        }
        let mask = self.slots.len() - 1;
        // Ids are sequential: a multiplicative mix spreads neighbours apart.
        let mut i = (id.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) as usize & mask;
        loop {
            match self.slots[i] {
                x if x == id => return false,
                EMPTY => {
                    self.slots[i] = id;
                    self.len += 1;
                    return true;
                }
                _ => i = (i + 1) & mask,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(r: &Readers) -> Vec<u64> {
        let mut v = r.to_vec();
        v.sort_unstable();
        v
    }

    #[test]
    fn neighbouring_ids_stay_in_a_window_until_one_falls_outside() {
        let mut r = Readers::One(100);
        for id in [130, 70, 133, 70, 100] {
            r.insert(id);
        }
        assert!(matches!(r, Readers::Window { base: 70, .. }), "{r:?}");
        assert_eq!(sorted(&r), vec![70, 100, 130, 133]);
        assert!(!r.insert(133));
        assert!(r.insert(134), "outside the window");
        assert!(matches!(r, Readers::Many(_)));
        assert_eq!(sorted(&r), vec![70, 100, 130, 133, 134]);
        assert_eq!(r.remove_all(&[70]), (1, false));
        assert!(matches!(r, Readers::Window { base: 100, .. }), "back in one window: {r:?}");
    }

    #[test]
    fn the_window_slides_down_to_a_lower_id_while_the_highest_still_fits() {
        let mut r = Readers::One(40);
        for id in [50, 45, 20, 20] {
            r.insert(id);
        }
        assert!(matches!(r, Readers::Window { base: 20, .. }), "{r:?}");
        assert_eq!(sorted(&r), vec![20, 40, 45, 50]);
        assert!(r.insert(0), "the lowest id there can be");
        assert!(matches!(r, Readers::Window { base: 0, .. }), "{r:?}");
        assert!(!r.insert(50) && !r.insert(0));
        assert!(r.insert(63));
        assert!(matches!(r, Readers::Window { base: 0, .. }), "63 - 0 < 64: {r:?}");
        let mut far = Readers::One(100);
        for id in [163, 130, 99] {
            far.insert(id);
        }
        assert!(matches!(far, Readers::Many(_)), "163 - 99 >= 64: {far:?}");
        assert_eq!(sorted(&far), vec![99, 100, 130, 163]);
    }

    #[test]
    fn many_readers_are_deduplicated_through_growth() {
        let mut r = Readers::One(1);
        for id in (2..=200u64).map(|i| i * 1000) {
            assert!(r.insert(id), "{id} is new");
        }
        let ids: Vec<u64> = std::iter::once(1).chain((2..=200u64).map(|i| i * 1000)).collect();
        for &id in &ids {
            assert!(!r.insert(id), "{id} is there");
        }
        assert!(matches!(r, Readers::Many(_)));
        assert_eq!(r.len(), 200);
        assert_eq!(sorted(&r), ids);
    }

    #[test]
    fn removing_shrinks_back_to_the_inline_forms() {
        let mut r = Readers::One(5);
        for id in [6, 7, 8] {
            r.insert(id);
        }
        assert!(matches!(r, Readers::Window { .. }));
        assert_eq!(r.remove_all(&[6]), (1, false));
        assert_eq!(sorted(&r), vec![5, 7, 8]);
        assert_eq!(r.remove_all(&[5, 9]), (1, false));
        assert!(matches!(r, Readers::Two(..)));
        assert_eq!(r.remove_all(&[7]), (1, false));
        assert!(matches!(r, Readers::One(8)));
        assert_eq!(r.remove_all(&[8]), (1, true));
    }
}
