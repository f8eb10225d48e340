//! Unit tests of the sorted-set encodings against a simple model.

use std::collections::{BTreeSet, HashMap};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;

const SMALL: Limits = Limits { max_entries: 128, max_value: 64 };

/// The model: member -> score, ordered view built on demand.
#[derive(Default)]
struct Model(HashMap<Vec<u8>, f64>);

impl Model {
    fn sorted(&self) -> Vec<(Vec<u8>, f64)> {
        let mut v: Vec<(Vec<u8>, f64)> = self.0.iter().map(|(m, s)| (m.clone(), *s)).collect();
        v.sort_by(|a, b| key_cmp(a.1, &a.0, b.1, &b.0));
        v
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
    for (seed, limits, rounds) in [(1u64, SMALL, 3000), (2, Limits { max_entries: 0, max_value: 0 }, 20000)] {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut z = ZSet::with_hint(0, 0, limits);
        let mut model = Model::default();
        for round in 0..rounds {
            let member = format!("m{}", rng.gen_range(0..600)).into_bytes();
            let score = match rng.gen_range(0..10) {
                0 => f64::INFINITY,
                1 => f64::NEG_INFINITY,
                2..=4 => rng.gen_range(-3..3) as f64,
                _ => rng.gen_range(-1000.0..1000.0),
            };
            match rng.gen_range(0..10) {
                0..=5 => {
                    let old = z.insert(&member, score, limits);
                    let score = if z.is_pack() && score == 0.0 { 0.0 } else { score };
                    assert_eq!(old, model.0.insert(member, score));
                }
                6..=7 => assert_eq!(z.remove(&member), model.0.remove(&member)),
                8 => {
                    let n = z.len();
                    let (a, b) = (rng.gen_range(0..=n), rng.gen_range(0..=n));
                    let removed = z.remove_ranks(a, b);
                    let sorted = model.sorted();
                    let doomed: Vec<&(Vec<u8>, f64)> = sorted.iter().skip(a).take(b.saturating_sub(a)).collect();
                    assert_eq!(removed, doomed.len());
                    for (m, _) in doomed {
                        model.0.remove(m);
                    }
                }
                _ => {
                    let bound = rng.gen_range(-5.0..5.0);
                    let want = model.0.values().filter(|s| **s < bound).count();
                    assert_eq!(z.count_while(|s, _| s < bound), want);
                }
            }
            if round % 97 == 0 || z.len() < 3 {
                check(&z, &model);
            }
        }
        check(&z, &model);
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
