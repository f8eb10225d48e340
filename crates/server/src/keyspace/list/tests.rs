//! Unit tests for the list value: contents against a model, and encoding
//! conversions and node layouts at Redis 7.4's thresholds (the expected
//! layouts were read from a real 7.4 server with `DEBUG OBJECT`).

use std::collections::VecDeque;

use super::*;

fn contents(l: &List) -> Vec<Vec<u8>> {
    l.iter_at(0, false).map(|e| e.to_vec()).collect()
}

fn layout(l: &List) -> Vec<(bool, usize)> {
    match l {
        List::Listpack(_) => Vec::new(),
        List::Quicklist(ql) => ql.layout(),
    }
}

fn x(n: usize) -> Vec<u8> {
    vec![b'x'; n]
}

#[test]
fn default_fill_converts_past_8kb_and_back_under_4kb() {
    // A 100-byte string takes 103 bytes in a listpack: 79 fit in 8 KB.
    let mut l = List::new();
    for _ in 0..79 {
        l.push_back(&x(100), -2);
    }
    assert_eq!(l.encoding(), "listpack");
    l.push_back(&x(100), -2);
    assert_eq!(l.encoding(), "quicklist");
    assert_eq!(layout(&l), [(false, 79), (false, 1)]);
    for _ in 0..40 {
        l.pop_back(-2);
    }
    // One node of 40 elements is 4127 bytes: above half the limit.
    assert_eq!(l.encoding(), "quicklist");
    l.pop_back(-2);
    assert_eq!(l.encoding(), "listpack");
    assert_eq!(l.len(), 39);
}

#[test]
fn count_fill_converts_past_the_count_and_back_at_half() {
    let mut l = List::new();
    for i in 0..5 {
        l.push_back(format!("{i}").as_bytes(), 5);
    }
    assert_eq!(l.encoding(), "listpack");
    l.push_back(b"5", 5);
    assert_eq!(layout(&l), [(false, 5), (false, 1)]);
    l.pop_back(5);
    assert_eq!((l.encoding(), l.len()), ("quicklist", 5), "one node, but more than half of 5");
    l.pop_front(5);
    l.pop_front(5);
    assert_eq!(l.encoding(), "quicklist");
    l.pop_front(5);
    assert_eq!((l.encoding(), contents(&l)), ("listpack", vec![b"3".to_vec(), b"4".to_vec()]));
}

#[test]
fn a_noted_conversion_shows_at_once_and_happens_at_the_next_change() {
    let mut l = List::new();
    for _ in 0..79 {
        l.push_back(&x(100), -2);
    }
    l.note_grow(-2, 40, 1);
    assert_eq!(l.encoding(), "listpack", "still fits");
    l.note_grow(-2, 200, 1);
    assert_eq!(l.encoding(), "quicklist");
    assert!(matches!(l, List::Listpack(_)), "nothing converted yet");
    let copy = l.clone();
    assert_eq!(copy.encoding(), "quicklist");
    assert_eq!(l.get(-1).map(|e| e.len()), Some(100));
    l.push_back(b"a", -2);
    assert_eq!(layout(&l), [(false, 80)], "converted, then pushed into the single node");
    assert_eq!(l.pop_back(-2).as_deref(), Some(&b"a"[..]));
    assert_eq!(l.encoding(), "quicklist", "79 elements are above half the limit");
}

#[test]
fn large_elements_get_plain_nodes() {
    let mut l = List::new();
    l.push_back(b"a", -2);
    l.push_back(&x(9000), -2);
    assert_eq!(l.encoding(), "quicklist");
    l.push_back(b"b", -2);
    assert_eq!(layout(&l), [(false, 1), (true, 1), (false, 1)]);
    assert_eq!(l.get(1).map(|e| e.len()), Some(9000));
    // Replacing the plain element by a small one goes back into a packed node.
    assert!(l.set(1, b"c"));
    assert_eq!(contents(&l), [b"a".to_vec(), b"c".to_vec(), b"b".to_vec()]);
    assert_eq!(layout(&l), [(false, 1), (false, 2)], "c went to the head of the next node");
    assert_eq!(l.pop_back(-2).as_deref(), Some(&b"b"[..]));
    assert_eq!(l.encoding(), "quicklist", "still two nodes");
    assert_eq!(l.pop_back(-2).as_deref(), Some(&b"c"[..]));
    assert_eq!(l.encoding(), "listpack");
}

#[test]
fn replacing_with_a_large_element_splits_the_node() {
    let mut l = List::new();
    for v in ["a", "b", "c", "d"] {
        l.push_back(v.as_bytes(), -2);
    }
    l.prepare_grow(-2, 10_000, 1);
    assert!(l.set(1, &x(10_000)));
    assert_eq!(layout(&l), [(false, 1), (true, 1), (false, 2)]);
    assert_eq!(l.get(1).map(|e| e.len()), Some(10_000));
    assert_eq!(l.get(2).map(|e| e.to_vec()), Some(b"c".to_vec()));
}

#[test]
fn insert_into_a_full_node_splits_and_merges() {
    // fill 4: nodes of at most 4 elements.
    let mut l = List::new();
    for i in 0..12 {
        l.push_back(format!("{i}").as_bytes(), 4);
    }
    assert_eq!(layout(&l), [(false, 4), (false, 4), (false, 4)]);
    l.prepare_grow(4, 1, 1);
    assert!(l.insert(b"5", b"new", true));
    let want: Vec<Vec<u8>> = ["0", "1", "2", "3", "4", "5", "new", "6", "7", "8", "9", "10", "11"]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    assert_eq!(contents(&l), want);
    assert_eq!(layout(&l), [(false, 4), (false, 2), (false, 3), (false, 4)]);
    // At the head of a node, a non-full previous node takes the element.
    assert!(l.insert(b"6", b"n2", false));
    assert_eq!(layout(&l), [(false, 4), (false, 2), (false, 4), (false, 4)]);
}

#[test]
fn trim_and_remove_keep_order_and_counts() {
    let mut l = List::new();
    for i in 0..300 {
        l.push_back(format!("{}", i % 7).as_bytes(), 16);
    }
    assert_eq!(l.remove(b"3", 0), 43);
    assert_eq!(l.remove(b"4", -2), 2);
    assert_eq!(l.remove(b"5", 3), 3);
    l.delete_range(0, 10);
    let n = l.len();
    l.delete_range(n - 20, 20);
    let List::Quicklist(ql) = &l else { panic!("still big") };
    ql.check_invariants();
    assert_eq!(l.len(), 300 - 43 - 2 - 3 - 30);
    assert!(contents(&l).iter().all(|v| v != b"3"));
}

/// A tiny deterministic generator, so the test needs no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_value(rng: &mut Rng) -> Vec<u8> {
    match rng.below(10) {
        0..=2 => format!("{}", rng.next() as i64 >> rng.below(64)).into_bytes(),
        3..=6 => vec![b'a' + rng.below(3) as u8; rng.below(3)],
        7 | 8 => x(rng.below(400)),
        _ => x(rng.below(12_000)),
    }
}

#[test]
fn random_operations_match_a_model() {
    for (seed, fill) in [(1, -2), (2, -1), (3, 3), (4, 1), (5, 0), (6, 64), (7, -5)] {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
        let mut l = List::new();
        let mut model: VecDeque<Vec<u8>> = VecDeque::new();
        for step in 0..4000 {
            let len = model.len();
            match rng.below(9) {
                0 | 1 => {
                    let v = random_value(&mut rng);
                    if rng.below(2) == 0 {
                        l.push_front(&v, fill);
                        model.push_front(v);
                    } else {
                        l.push_back(&v, fill);
                        model.push_back(v);
                    }
                }
                2 => {
                    let front = rng.below(2) == 0;
                    let got = if front { l.pop_front(fill) } else { l.pop_back(fill) };
                    let want = if front { model.pop_front() } else { model.pop_back() };
                    assert_eq!(got.map(|b| b.to_vec()), want, "seed {seed} step {step}");
                }
                3 if len > 0 => {
                    let i = rng.below(len);
                    let v = random_value(&mut rng);
                    l.prepare_grow(fill, v.len(), 1);
                    assert!(l.set(i as i64 - len as i64, &v));
                    l.try_shrink(fill);
                    model[i] = v;
                }
                4 if len > 0 => {
                    let pivot = model[rng.below(len)].clone();
                    let v = random_value(&mut rng);
                    let after = rng.below(2) == 0;
                    l.prepare_grow(fill, v.len(), 1);
                    assert!(l.insert(&pivot, &v, after));
                    let at = model.iter().position(|e| *e == pivot).expect("pivot exists");
                    model.insert(at + after as usize, v);
                }
                5 if len > 0 => {
                    let target = model[rng.below(len)].clone();
                    let count = rng.below(5) as i64 - 2;
                    let removed = l.remove(&target, count);
                    let mut want = 0;
                    let limit = if count == 0 { usize::MAX } else { count.unsigned_abs() as usize };
                    if count < 0 {
                        let mut i = model.len();
                        while i > 0 && want < limit {
                            i -= 1;
                            if model[i] == target {
                                model.remove(i);
                                want += 1;
                            }
                        }
                    } else {
                        let mut i = 0;
                        while i < model.len() && want < limit {
                            if model[i] == target {
                                model.remove(i);
                                want += 1;
                            } else {
                                i += 1;
                            }
                        }
                    }
                    assert_eq!(removed, want, "seed {seed} step {step}");
                    l.try_shrink(fill);
                }
                6 if len > 0 => {
                    let start = rng.below(len);
                    let count = rng.below(len - start + 1);
                    l.delete_range(start, count);
                    model.drain(start..start + count);
                    l.try_shrink(fill);
                }
                _ => {
                    let v = random_value(&mut rng);
                    l.push_back(&v, fill);
                    model.push_back(v);
                }
            }
            assert_eq!(l.len(), model.len(), "seed {seed} step {step}");
            if let List::Quicklist(ql) = &l {
                ql.check_invariants();
            }
            if step % 97 == 0 {
                assert_eq!(contents(&l), Vec::from(model.clone()), "seed {seed} step {step}");
                let back: Vec<Vec<u8>> = l.iter_at(l.len().saturating_sub(1), true).map(|e| e.to_vec()).collect();
                assert_eq!(back, model.iter().rev().cloned().collect::<Vec<_>>());
            }
        }
    }
}

#[test]
fn mem_usage_follows_content() {
    let mut l = List::new();
    let empty = l.mem_usage();
    for _ in 0..1000 {
        l.push_back(&x(50), -2);
    }
    assert_eq!(l.encoding(), "quicklist");
    assert!(l.mem_usage() > empty + 50_000);
    while l.len() > 1 {
        l.pop_front(-2);
    }
    assert_eq!(l.encoding(), "listpack");
    assert!(l.mem_usage() < 100);
}

#[test]
fn copies_account_for_their_own_buffers() {
    let mut l = List::new();
    for i in 0..5000 {
        l.push_back(format!("element {i}").as_bytes(), -2);
    }
    let copy = l.clone();
    let (List::Quicklist(a), List::Quicklist(b)) = (&l, &copy) else { panic!("big lists") };
    b.check_invariants();
    assert_eq!(a.len(), b.len());
    assert_eq!(contents(&l), contents(&copy));
}

/// The packed format itself, entry by entry.
mod listpack_format {
    use super::super::listpack::{entry_size, Listpack, OVERHEAD};

    fn items(lp: &Listpack) -> Vec<Vec<u8>> {
        lp.iter_from(lp.first(), false).map(|e| e.to_vec()).collect()
    }

    #[test]
    fn integers_use_redis_sizes() {
        // lpBytes of a listpack holding one element, as Redis reports.
        for (v, size) in [
            (&b"1"[..], 2),
            (b"127", 2),
            (b"128", 3),
            (b"-1", 3),
            (b"-4096", 3),
            (b"4096", 4),
            (b"-32768", 4),
            (b"32768", 5),
            (b"8388608", 6),
            (b"2147483648", 10),
            (b"-9223372036854775808", 10),
            (b"9223372036854775807", 10),
        ] {
            assert_eq!(entry_size(v), size, "{}", String::from_utf8_lossy(v));
        }
        assert_eq!(entry_size(b"007"), 5, "not canonical: a string");
        assert_eq!(entry_size(b"-0"), 4);
        assert_eq!(entry_size(b"9223372036854775808"), 21);
        assert_eq!(entry_size(&[b'x'; 63]), 65);
        assert_eq!(entry_size(&[b'x'; 64]), 67);
        assert_eq!(entry_size(&[b'x'; 125]), 128);
        assert_eq!(entry_size(&[b'x'; 126]), 130, "backlen grows to 2 bytes past 127");
        assert_eq!(entry_size(&[b'x'; 4096]), 4096 + 5 + 2);
    }

    #[test]
    fn values_round_trip_both_ways() {
        let vals: Vec<Vec<u8>> = [
            "0",
            "1",
            "-1",
            "127",
            "128",
            "-4096",
            "4095",
            "4096",
            "-32768",
            "32767",
            "40000",
            "-8388608",
            "8388607",
            "2147483647",
            "-2147483648",
            "9223372036854775807",
            "-9223372036854775808",
            "007",
            "-0",
            "",
            "hello",
            "1 ",
            "+1",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .chain([vec![b'a'; 63], vec![b'b'; 64], vec![b'c'; 4095], vec![b'd'; 4096], vec![b'e'; 20000]])
        .collect();
        let mut lp = Listpack::new();
        for v in &vals {
            lp.push_back(v);
        }
        assert_eq!(items(&lp), vals);
        let back: Vec<Vec<u8>> = lp.iter_from(lp.last(), true).map(|e| e.to_vec()).collect();
        assert_eq!(back, vals.iter().rev().cloned().collect::<Vec<_>>());
        for (i, v) in vals.iter().enumerate() {
            assert!(lp.get(lp.seek(i as i64).expect("in range")).eq_bytes(v));
            assert!(lp.get(lp.seek(i as i64 - vals.len() as i64).expect("in range")).eq_bytes(v));
        }
        assert_eq!(lp.bytes(), OVERHEAD + vals.iter().map(|v| entry_size(v)).sum::<usize>());
    }

    #[test]
    fn insert_replace_delete_keep_order() {
        let mut lp = Listpack::new();
        for v in ["a", "b", "c", "d"] {
            lp.push_back(v.as_bytes());
        }
        lp.push_front(b"z");
        let p = lp.seek(2).expect("b");
        lp.insert(p, b"12345");
        assert_eq!(items(&lp), [&b"z"[..], b"a", b"12345", b"b", b"c", b"d"]);
        let p = lp.seek(1).expect("a");
        lp.replace(p, &[b'y'; 300]);
        lp.replace(lp.seek(2).expect("int"), b"s");
        assert_eq!(items(&lp)[1], vec![b'y'; 300]);
        assert_eq!(items(&lp)[2], b"s");
        lp.delete_range(1, 2);
        assert_eq!(items(&lp), [&b"z"[..], b"b", b"c", b"d"]);
        lp.delete_range(2, 10);
        assert_eq!(items(&lp), [&b"z"[..], b"b"]);
        let tail = lp.split_off(1);
        assert_eq!(items(&lp), [&b"z"[..]]);
        assert_eq!(items(&tail), [&b"b"[..]]);
        lp.append(tail);
        assert_eq!(lp.pop_back().as_deref(), Some(&b"b"[..]));
        assert_eq!(lp.pop_front().as_deref(), Some(&b"z"[..]));
        assert!(lp.is_empty());
        assert_eq!(lp.bytes(), OVERHEAD);
    }
}
