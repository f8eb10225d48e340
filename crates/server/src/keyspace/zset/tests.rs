//! Unit tests of the sorted-set encodings against a simple model.

use std::collections::{BTreeSet, HashMap};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;

const SMALL: Limits = Limits { max_entries: 128, max_value: 64 };

/// A score with a total order (test scores are never NaN).
#[derive(Clone, Copy, PartialEq)]
struct Score(f64);

impl Eq for Score {}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.partial_cmp(&other.0).expect("no NaN scores")
    }
}

/// The model: member -> score, and the same pairs in order.
#[derive(Default)]
struct Model {
    scores: HashMap<Vec<u8>, f64>,
    order: BTreeSet<(Score, Vec<u8>)>,
}

impl Model {
    fn insert(&mut self, m: Vec<u8>, s: f64) -> Option<f64> {
        let old = self.remove(&m);
        self.order.insert((Score(s), m.clone()));
        self.scores.insert(m, s);
        old
    }

    fn remove(&mut self, m: &[u8]) -> Option<f64> {
        let old = self.scores.remove(m)?;
        self.order.remove(&(Score(old), m.to_vec()));
        Some(old)
    }

    fn sorted(&self) -> Vec<(Vec<u8>, f64)> {
        self.order.iter().map(|(s, m)| (m.clone(), s.0)).collect()
    }
}

fn contents(z: &ZSet) -> Vec<(Vec<u8>, f64)> {
    z.walk(0, false).map(|(m, s)| (m.to_vec(), s)).collect()
}

fn check(z: &ZSet, model: &Model) {
    let want = model.sorted();
    assert_eq!(z.len(), want.len());
    assert_eq!(contents(z), want);
    let rev: Vec<(Vec<u8>, f64)> = z.walk(want.len().saturating_sub(1), true).map(|(m, s)| (m.to_vec(), s)).collect();
    let mut want_rev = want.clone();
    want_rev.reverse();
    if !want.is_empty() {
        assert_eq!(rev, want_rev);
    }
    for (rank, (m, s)) in want.iter().enumerate() {
        assert_eq!(z.rank(m), Some((rank, *s)));
        assert_eq!(z.score(m), Some(*s));
        assert_eq!(z.nth(rank).map(|(m, s)| (m.to_vec(), s)), Some((m.clone(), *s)));
    }
    if let ZSet::Big(b) = z {
        b.check();
    }
}

#[test]
fn small_sets_are_listpack_and_grow_into_skiplist() {
    let limits = Limits { max_entries: 4, max_value: 8 };
    let mut z = ZSet::with_hint(1, 1, limits);
    for i in 0..4 {
        z.insert(format!("m{i}").as_bytes(), i as f64, limits);
    }
    assert_eq!(z.encoding(), "listpack");
    z.insert(b"m4", 4.0, limits);
    assert_eq!(z.encoding(), "skiplist");
    // Removing never converts back.
    z.remove(b"m4");
    z.remove(b"m3");
    assert_eq!(z.encoding(), "skiplist");
    let mut z = ZSet::with_hint(1, 1, limits);
    z.insert(b"a-long-member", 1.0, limits);
    assert_eq!(z.encoding(), "skiplist", "a member longer than the value limit converts");
    assert_eq!(ZSet::with_hint(5, 1, limits).encoding(), "skiplist");
    assert_eq!(ZSet::with_hint(4, 9, limits).encoding(), "skiplist");
}

#[test]
fn from_members_picks_the_encoding_that_fits() {
    let limits = Limits { max_entries: 3, max_value: 4 };
    let z = ZSet::from_members(vec![(b"b".to_vec(), 2.0), (b"a".to_vec(), 2.0), (b"c".to_vec(), -1.0)], limits);
    assert_eq!(z.encoding(), "listpack");
    assert_eq!(contents(&z), vec![(b"c".to_vec(), -1.0), (b"a".to_vec(), 2.0), (b"b".to_vec(), 2.0)]);
    let z = ZSet::from_members((0..4).map(|i| (vec![b'a' + i], 0.0)).collect(), limits);
    assert_eq!(z.encoding(), "skiplist");
    let z = ZSet::from_members(vec![(b"toolong".to_vec(), 0.0)], limits);
    assert_eq!(z.encoding(), "skiplist");
}

#[test]
fn random_operations_match_the_model_in_both_encodings() {
    let big = Limits { max_entries: 0, max_value: 0 };
    // The last run keeps ~6000 members: three tree levels, with merges and
    // rebalancing at every level as members come and go.
    for (seed, limits, rounds, pool) in [(1u64, SMALL, 3000, 600), (2, big, 20000, 600), (3, big, 40000, 9000)] {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut z = ZSet::with_hint(0, 0, limits);
        let mut model = Model::default();
        for round in 0..rounds {
            let member = format!("m{}", rng.gen_range(0..pool)).into_bytes();
            let score = match rng.gen_range(0..10) {
                0 => f64::INFINITY,
                1 => f64::NEG_INFINITY,
                2..=4 => rng.gen_range(-3..3) as f64,
                _ => rng.gen_range(-1000.0..1000.0),
            };
            match rng.gen_range(0..10) {
                0..=5 => {
                    let old = z.insert(&member, score, limits);
                    assert_eq!(old, model.insert(member, score));
                }
                6..=7 => assert_eq!(z.remove(&member), model.remove(&member)),
                8 => {
                    let n = z.len();
                    let a = rng.gen_range(0..=n);
                    let b = (a + rng.gen_range(0..=3)).min(n);
                    let removed = z.remove_ranks(a, b);
                    let doomed: Vec<Vec<u8>> = model.order.iter().skip(a).take(b - a).map(|(_, m)| m.clone()).collect();
                    assert_eq!(removed, doomed.len());
                    for m in doomed {
                        model.remove(&m);
                    }
                }
                _ => {
                    let bound = rng.gen_range(-5.0..5.0);
                    let want = model.order.range(..(Score(bound), Vec::new())).count();
                    assert_eq!(z.count_while(|s, _| s < bound), want);
                }
            }
            if round % 997 == 0 || z.len() < 3 {
                check(&z, &model);
            }
        }
        check(&z, &model);
        if seed == 3 {
            assert!(z.len() > 4000, "the big run keeps a three-level tree ({} members)", z.len());
        }
    }
}

#[test]
fn sorted_loading_keeps_leaves_full() {
    let limits = Limits { max_entries: 0, max_value: 0 };
    let mut z = ZSet::with_hint(100_000, 0, limits);
    for i in 0..100_000 {
        z.insert(format!("{i:08}").as_bytes(), i as f64, limits);
    }
    let ZSet::Big(b) = &z else { panic!("big encoding") };
    b.check();
    // About 4 bytes of tree per member when leaves are full, plus the
    // arena item, index slot and member bytes.
    let per_member = z.mem_usage() / 100_000;
    assert!(per_member < 64, "{per_member} bytes per member");
    assert_eq!(z.rank(b"00054321"), Some((54321, 54321.0)));
    assert_eq!(z.count_while(|s, _| s < 500.5), 501);
}

#[test]
fn scan_returns_every_member_despite_changes_between_calls() {
    let limits = Limits { max_entries: 0, max_value: 0 };
    let mut z = ZSet::with_hint(0, 0, limits);
    for i in 0..2000 {
        z.insert(format!("m{i}").as_bytes(), i as f64, limits);
    }
    let mut seen = BTreeSet::new();
    let mut cursor = 0;
    let mut step = 0;
    loop {
        cursor = z.scan(cursor, 10, |m, _| {
            seen.insert(m.to_vec());
        });
        // Churn: remove and add members not in the stable half.
        step += 1;
        if step % 3 == 0 {
            for i in 0..50 {
                z.remove(format!("m{}", 1000 + (step * 7 + i) % 1000).as_bytes());
            }
        } else {
            for i in 0..50 {
                z.insert(format!("x{step}-{i}").as_bytes(), 0.0, limits);
            }
        }
        if cursor == 0 {
            break;
        }
    }
    for i in 0..1000 {
        assert!(seen.contains(format!("m{i}").as_bytes()), "m{i} missed");
    }
}

#[test]
fn pack_scan_returns_everything_at_once() {
    let mut z = ZSet::with_hint(1, 1, SMALL);
    z.insert(b"a", 1.0, SMALL);
    z.insert(b"b", 2.5, SMALL);
    let mut got = Vec::new();
    assert_eq!(z.scan(0, 1, |m, s| got.push((m.to_vec(), s))), 0);
    assert_eq!(got, vec![(b"a".to_vec(), 1.0), (b"b".to_vec(), 2.5)]);
}

#[test]
fn mem_usage_tracks_growth_and_shrinkage() {
    let limits = Limits { max_entries: 0, max_value: 0 };
    let mut z = ZSet::with_hint(0, 0, limits);
    assert_eq!(z.encoding(), "listpack", "an empty hint starts compact, as zsetTypeCreate(0, 0)");
    let empty = std::mem::size_of::<Big>();
    for i in 0..1000 {
        z.insert(format!("member-{i}").as_bytes(), i as f64, limits);
    }
    assert_eq!(z.encoding(), "skiplist");
    assert!(z.mem_usage() > empty + 10_000);
    for i in 0..1000 {
        z.remove(format!("member-{i}").as_bytes());
    }
    assert!(z.is_empty());
    assert!(z.mem_usage() <= empty + 64, "{} bytes left", z.mem_usage());
}
