//! Unit tests of the HyperLogLog representation: encodings, the cache, corruption.

use super::*;

fn filled(n: usize, sparse_max: usize) -> Vec<u8> {
    let mut h = new_sparse();
    for i in 0..n {
        add(&mut h, format!("ele:{i}").as_bytes(), sparse_max).expect("valid hll");
    }
    h
}

#[test]
fn empty_hll_is_one_xzero_opcode_with_a_valid_zero_cache() {
    let h = new_sparse();
    assert_eq!(h.len(), 18);
    assert_eq!(&h[..5], b"HYLL\x01");
    assert_eq!(&h[16..], &[0x7f, 0xff]);
    assert_eq!(cached_card(&h), Some(0));
    assert_eq!(count(&h), Ok(0));
}

#[test]
fn adding_invalidates_the_cache_and_counts_close_to_the_truth() {
    let h = filled(1000, 3000);
    assert_eq!(cached_card(&h), None);
    let c = count(&h).expect("valid") as f64;
    assert!((c - 1000.0).abs() < 1000.0 * 0.05, "{c}");
}

#[test]
fn sparse_turns_dense_past_the_byte_limit_with_the_same_registers() {
    let sparse = filled(300, 100_000);
    assert_eq!(sparse[4], SPARSE);
    let dense = filled(300, 200);
    assert_eq!(dense[4], DENSE);
    assert_eq!(dense.len(), DENSE_SIZE);
    assert_eq!(count(&sparse), count(&dense));
    let mut a = vec![0u8; REGISTERS];
    let mut b = vec![0u8; REGISTERS];
    merge_into(&mut a, &sparse).expect("valid");
    merge_into(&mut b, &dense).expect("valid");
    assert_eq!(a, b);
    assert_eq!(count_registers(&a), count(&dense).expect("valid"));
}

#[test]
fn a_count_above_32_forces_dense() {
    let mut h = new_sparse();
    assert_eq!(set_register(&mut h, 5, 40, 3000), Ok(true));
    assert_eq!(h[4], DENSE);
    assert_eq!(dense_get(&h[HDR..], 5), 40);
    assert_eq!(set_register(&mut h, REGISTERS - 1, 63, 3000), Ok(true));
    assert_eq!(dense_get(&h[HDR..], REGISTERS - 1), 63);
    assert_eq!(dense_get(&h[HDR..], REGISTERS - 2), 0);
}

#[test]
fn equal_neighbour_values_share_one_opcode() {
    let mut h = new_sparse();
    for i in 0..4 {
        sparse_set(&mut h, 100 + i, 3, 3000).expect("valid");
    }
    // ZERO(100) VAL(3, len 4) XZERO(rest)
    assert_eq!(&h[HDR..], &[0x40, 99, 0x80 | (2 << 2) | 3, 0x7f, 0xff - 104]);
}

#[test]
fn corrupted_opcodes_are_reported_not_panicked_on() {
    let mut h = new_sparse();
    h.truncate(17);
    assert_eq!(count(&h), Err(Corrupt));
    assert!(add(&mut h, b"x", 3000).is_err() || count(&h).is_err());
    let mut short = new_sparse();
    short[16] = 0x00; // one ZERO of 1 then a stray byte: too few registers
    assert_eq!(count(&short), Err(Corrupt));
    assert_eq!(to_dense(&mut short), Err(Corrupt));
}

#[test]
fn murmur_mixes_every_byte_of_short_and_long_inputs() {
    // Byte-for-byte agreement with Redis is checked by the interop tests
    // (GET of a PFADDed key equals Redis's bytes).
    assert_eq!(murmur64a(b"", 0), 0);
    assert_ne!(murmur64a(b"a", 0xadc8_3b19), murmur64a(b"b", 0xadc8_3b19));
    assert_ne!(murmur64a(b"abcdefgh1", 0xadc8_3b19), murmur64a(b"abcdefgh2", 0xadc8_3b19));
}
