//! Unit tests of string and integer entries (collections: `entry_obj_tests.rs`).

use super::*;

#[test]
fn string_entry_round_trips_key_value_and_expire() {
    let e = Entry::new(b"key:0000000001", Value::Str(vec![b'x'; 32]), Some(1234), 7, 0);
    assert_eq!(e.key(), b"key:0000000001");
    assert!(matches!(e.value(), ValueRef::Str(v) if v == [b'x'; 32]));
    assert_eq!(e.expire_at(), Some(1234));
    assert_eq!(e.lru(), 7);
    assert!(e.block_size() <= 64, "small key must fit a 64-byte class");
}

#[test]
fn int_entry_and_in_place_expire_update() {
    let mut e = Entry::new(b"n", Value::Int(-42), Some(5), 0, 0);
    assert!(matches!(e.value(), ValueRef::Int(-42)));
    assert!(e.set_expire_in_place(99));
    assert_eq!(e.expire_at(), Some(99));
    let mut e2 = Entry::new(b"n", Value::Int(1), None, 0, 0);
    assert!(!e2.set_expire_in_place(99));
}

#[test]
fn large_values_use_multibyte_varints() {
    let big = vec![7u8; 100_000];
    let key = vec![b'k'; 300];
    let e = Entry::new(&key, Value::Str(big.clone()), None, 0, 0);
    assert_eq!(e.key(), &key[..]);
    assert!(matches!(e.value(), ValueRef::Str(v) if v == &big[..]));
}

#[test]
fn append_in_place_uses_slack_then_refuses() {
    let mut e = Entry::new(b"k", Value::Str(b"ab".to_vec()), None, 0, 4);
    assert!(e.append_in_place(b"cd"));
    assert!(matches!(e.value(), ValueRef::Str(b"abcd")));
    assert!(!e.append_in_place(b"efghijk"));
}

#[test]
fn lru_keeps_24_bits() {
    let mut e = Entry::new(b"k", Value::Int(1), None, 0, 0);
    e.set_lru(0x1234_5678);
    assert_eq!(e.lru(), 0x34_5678);
}
