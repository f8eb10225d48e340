//! HyperLogLog values in Redis's exact byte format, so that `GET` of a key
//! written by `PFADD` is byte-identical to Redis's and `PFCOUNT` gives the
//! same numbers (see Redis's hyperloglog.c for the format's description).
//!
//! A value is a plain string: a 16-byte header (`HYLL`, encoding byte,
//! three reserved bytes, the cached cardinality in little endian whose top
//! bit marks it stale) followed by the registers, either *dense* (16384
//! six-bit registers packed LSB first, 12288 bytes) or *sparse* (run-length
//! opcodes ZERO, XZERO and VAL, in `sparse.rs`). Elements are hashed with
//! MurmurHash64A (seed `0xadc83b19`): the low 14 bits pick the register,
//! the run of zeros above them gives its value.
//!
//! This module only transforms bytes; the commands (`commands/hll.rs`)
//! read and store the strings through the keyspace's write path.

mod sparse;

pub use sparse::sparse_set;

/// Header size: magic, encoding, 3 reserved bytes, 8 cardinality bytes.
pub const HDR: usize = 16;
/// log2 of the number of registers.
const P: u32 = 14;
/// Hash bits left after the register index.
const Q: u32 = 64 - P;
/// Number of registers.
pub const REGISTERS: usize = 1 << P;
/// Bytes of the packed dense registers.
const DENSE_BYTES: usize = REGISTERS * 6 / 8;
/// Total length of a dense value.
pub const DENSE_SIZE: usize = HDR + DENSE_BYTES;
/// Encoding byte of a dense value.
pub const DENSE: u8 = 0;
/// Encoding byte of a sparse value.
pub const SPARSE: u8 = 1;
const REGISTER_MAX: u8 = 63;
/// 0.5 / ln(2), the estimator's alpha for an infinite number of registers.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

/// A value whose opcodes or registers do not add up: Redis's INVALIDOBJ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

/// The client-visible error for a corrupted value.
pub const INVALID_ERR: &str = "INVALIDOBJ Corrupted HLL object detected";
/// The client-visible error for a string that is not an HLL at all.
pub const NOT_HLL_ERR: &str = "WRONGTYPE Key is not a valid HyperLogLog string value.";

/// An empty HLL as PFADD creates it: sparse, one XZERO opcode covering
/// every register, cached cardinality 0 (valid).
pub fn new_sparse() -> Vec<u8> {
    let mut v = vec![0u8; HDR];
    v[..4].copy_from_slice(b"HYLL");
    v[4] = SPARSE;
    let mut left = REGISTERS;
    while left > 0 {
        let run = left.min(sparse::XZERO_MAX_LEN);
        v.extend_from_slice(&sparse::xzero_op(run));
        left -= run;
    }
    v
}

/// Whether a string's bytes pass Redis's HLL check (magic, a known
/// encoding, the exact dense length). Integer-encoded strings never do;
/// the caller checks that.
pub fn looks_valid(b: &[u8]) -> bool {
    b.len() >= HDR && &b[..4] == b"HYLL" && b[4] <= SPARSE && (b[4] != DENSE || b.len() == DENSE_SIZE)
}

/// The cached cardinality, if still valid.
pub fn cached_card(b: &[u8]) -> Option<u64> {
    let card = u64::from_le_bytes(b[8..16].try_into().expect("header is 16 bytes"));
    (b[15] & 0x80 == 0).then_some(card)
}

/// Stores a freshly computed cardinality in the header.
pub fn set_cached_card(b: &mut [u8], card: u64) {
    b[8..16].copy_from_slice(&card.to_le_bytes());
}

/// Marks the cached cardinality stale.
pub fn invalidate_cache(b: &mut [u8]) {
    b[15] |= 0x80;
}

/// MurmurHash2, 64-bit version, reading words little endian (as Redis
/// does on every architecture).
pub fn murmur64a(data: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (data.len() as u64).wrapping_mul(M);
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        let mut k = u64::from_le_bytes(w.try_into().expect("chunks of 8"));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= (b as u64) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// The register an element goes to and the length of its `0...01`
/// pattern (at least 1, at most Q + 1).
pub fn pattern(ele: &[u8]) -> (usize, u8) {
    let hash = murmur64a(ele, 0xadc8_3b19);
    let index = (hash as usize) & (REGISTERS - 1);
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

/// Reads dense register `i` from the packed register bytes.
pub fn dense_get(regs: &[u8], i: usize) -> u8 {
    let byte = i * 6 / 8;
    let fb = (i * 6) & 7;
    let b0 = regs[byte] as u32;
    let b1 = regs.get(byte + 1).copied().unwrap_or(0) as u32;
    (((b0 >> fb) | (b1 << (8 - fb))) & REGISTER_MAX as u32) as u8
}

fn dense_put(regs: &mut [u8], i: usize, val: u8) {
    let byte = i * 6 / 8;
    let fb = (i * 6) & 7;
    let v = val as u32;
    regs[byte] &= !((REGISTER_MAX as u32) << fb) as u8;
    regs[byte] |= (v << fb) as u8;
    if let Some(b1) = regs.get_mut(byte + 1) {
        *b1 &= !((REGISTER_MAX as u32) >> (8 - fb)) as u8;
        *b1 |= (v >> (8 - fb)) as u8;
    }
}

/// Raises dense register `i` to `count`; true if it grew.
pub fn dense_set(regs: &mut [u8], i: usize, count: u8) -> bool {
    if count > dense_get(regs, i) {
        dense_put(regs, i, count);
        true
    } else {
        false
    }
}

/// Adds one element; true if a register changed (the estimate may have).
/// A sparse value may turn dense past `sparse_max` bytes.
pub fn add(hll: &mut Vec<u8>, ele: &[u8], sparse_max: usize) -> Result<bool, Corrupt> {
    let (index, count) = pattern(ele);
    match hll[4] {
        DENSE => Ok(dense_set(&mut hll[HDR..], index, count)),
        SPARSE => sparse_set(hll, index, count, sparse_max),
        _ => Err(Corrupt),
    }
}

/// Raises register `index` to `count` in either encoding.
pub fn set_register(hll: &mut Vec<u8>, index: usize, count: u8, sparse_max: usize) -> Result<bool, Corrupt> {
    if hll[4] == DENSE {
        Ok(dense_set(&mut hll[HDR..], index, count))
    } else {
        sparse_set(hll, index, count, sparse_max)
    }
}

/// Converts a sparse value to dense, keeping the header (cached
/// cardinality included). A dense value is left alone.
pub fn to_dense(hll: &mut Vec<u8>) -> Result<(), Corrupt> {
    if hll[4] == DENSE {
        return Ok(());
    }
    let mut dense = vec![0u8; DENSE_SIZE];
    dense[..HDR].copy_from_slice(&hll[..HDR]);
    dense[4] = DENSE;
    let regs = &mut dense[HDR..];
    sparse::for_each_run(&hll[HDR..], |idx, run, val| {
        if val > 0 {
            (idx..idx + run).for_each(|i| dense_put(regs, i, val));
        }
    })?;
    *hll = dense;
    Ok(())
}

/// Merges an HLL into `max` (one byte per register, the maximum seen).
pub fn merge_into(max: &mut [u8], hll: &[u8]) -> Result<(), Corrupt> {
    if hll[4] == DENSE {
        let regs = &hll[HDR..];
        for (i, m) in max.iter_mut().enumerate().take(REGISTERS) {
            *m = (*m).max(dense_get(regs, i));
        }
        return Ok(());
    }
    sparse::for_each_run(&hll[HDR..], |idx, run, val| {
        if val > 0 {
            max[idx..idx + run].iter_mut().for_each(|m| *m = (*m).max(val));
        }
    })
}

/// The estimated cardinality of one HLL value.
pub fn count(hll: &[u8]) -> Result<u64, Corrupt> {
    let mut histo = [0u64; 64];
    if hll[4] == DENSE {
        let regs = &hll[HDR..];
        (0..REGISTERS).for_each(|i| histo[dense_get(regs, i) as usize] += 1);
    } else {
        sparse::histogram(&hll[HDR..], &mut histo)?;
    }
    Ok(estimate(&histo))
}

/// The estimated cardinality of registers held one per byte (the union
/// PFCOUNT builds for several keys).
pub fn count_registers(regs: &[u8]) -> u64 {
    let mut histo = [0u64; 64];
    regs.iter().for_each(|&r| histo[(r & 63) as usize] += 1);
    estimate(&histo)
}

fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let (mut y, mut z) = (1.0, x);
    loop {
        x *= x;
        let prev = z;
        z += x * y;
        y += y;
        if prev == z {
            return z;
        }
    }
}

fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let (mut y, mut z) = (1.0, 1.0 - x);
    loop {
        x = x.sqrt();
        let prev = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
        if prev == z {
            return z / 3.0;
        }
    }
}

/// Ertl's improved estimator over the register histogram, computed in
/// the same order as Redis so the rounded result is identical.
fn estimate(histo: &[u64; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - histo[Q as usize + 1] as f64) / m);
    for j in (1..=Q as usize).rev() {
        z += histo[j] as f64;
        z *= 0.5;
    }
    z += m * sigma(histo[0] as f64 / m);
    (ALPHA_INF * m * m / z).round() as u64
}

#[cfg(test)]
mod tests;
