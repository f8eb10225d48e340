//! The sparse HLL encoding: a run-length list of opcodes after the header.
//!
//! - ZERO `00xxxxxx`: 1..=64 registers at 0.
//! - XZERO `01xxxxxx yyyyyyyy`: 1..=16384 registers at 0.
//! - VAL `1vvvvvxx`: 1..=4 registers at value 1..=32.
//!
//! Updates follow Redis's algorithm step for step (split the opcode that
//! covers the register, then merge equal neighbouring VALs), because the
//! resulting bytes are visible to clients through `GET`. Past
//! `hll-sparse-max-bytes`, or for a value above 32, the value turns dense.

use super::{dense_set, invalidate_cache, to_dense, Corrupt, HDR, REGISTERS};

/// Longest run of one ZERO opcode.
const ZERO_MAX_LEN: usize = 64;
/// Longest run of one XZERO opcode.
pub(super) const XZERO_MAX_LEN: usize = 16384;
/// Largest value a VAL opcode holds.
const VAL_MAX_VALUE: u8 = 32;
/// Longest run of one VAL opcode.
const VAL_MAX_LEN: usize = 4;

fn is_zero(op: u8) -> bool {
    op & 0xc0 == 0
}

fn is_xzero(op: u8) -> bool {
    op & 0xc0 == 0x40
}

fn val_value(op: u8) -> u8 {
    ((op >> 2) & 0x1f) + 1
}

fn val_len(op: u8) -> usize {
    (op & 3) as usize + 1
}

fn val_op(value: u8, len: usize) -> u8 {
    ((value - 1) << 2) | (len as u8 - 1) | 0x80
}

/// The two bytes of an XZERO opcode for `len` registers.
pub(super) fn xzero_op(len: usize) -> [u8; 2] {
    let l = len - 1;
    [(l >> 8) as u8 | 0x40, (l & 0xff) as u8]
}

/// The opcode bytes for a run of `len` zero registers.
fn zero_run(len: usize, out: &mut Vec<u8>) {
    if len > ZERO_MAX_LEN {
        out.extend_from_slice(&xzero_op(len));
    } else {
        out.push(len as u8 - 1);
    }
}

/// Registers covered by the opcode at `p`, and its length in bytes. A
/// truncated XZERO reads a zero second byte, as Redis reads the string's
/// terminator.
fn op_at(ops: &[u8], p: usize) -> (usize, usize) {
    let op = ops[p];
    if is_zero(op) {
        ((op & 0x3f) as usize + 1, 1)
    } else if is_xzero(op) {
        let low = ops.get(p + 1).copied().unwrap_or(0) as usize;
        ((((op & 0x3f) as usize) << 8 | low) + 1, 2)
    } else {
        (val_len(op), 1)
    }
}

/// Calls `f(first_register, run, value)` for every opcode of `ops` (the
/// bytes after the header); fails unless the runs cover exactly every
/// register.
pub(super) fn for_each_run(ops: &[u8], mut f: impl FnMut(usize, usize, u8)) -> Result<(), Corrupt> {
    let (mut p, mut idx) = (0, 0usize);
    while p < ops.len() {
        let (run, oplen) = op_at(ops, p);
        let val = if ops[p] & 0x80 != 0 { val_value(ops[p]) } else { 0 };
        if val > 0 && idx + run > REGISTERS {
            return Err(Corrupt);
        }
        f(idx, run, val);
        idx += run;
        p += oplen;
    }
    if idx == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

/// Adds the register values of sparse opcodes to a histogram.
pub(super) fn histogram(ops: &[u8], histo: &mut [u64; 64]) -> Result<(), Corrupt> {
    for_each_run(ops, |_, run, val| histo[val as usize] += run as u64)
}

/// Raises register `index` to `count` in a sparse value (Redis's
/// `hllSparseSet`); true if it changed. Turns the value dense when the
/// count does not fit a VAL opcode or the value would outgrow `max_bytes`.
pub fn sparse_set(hll: &mut Vec<u8>, index: usize, count: u8, max_bytes: usize) -> Result<bool, Corrupt> {
    if count > VAL_MAX_VALUE {
        return promote(hll, index, count);
    }
    // Step 1: find the opcode covering `index`, and the one before it.
    let end = hll.len();
    let (mut p, mut first, mut span, mut prev) = (HDR, 0usize, 0usize, None);
    while p < end {
        let (run, oplen) = op_at(&hll[HDR..], p - HDR);
        span = run;
        if index < first + span {
            break;
        }
        prev = Some(p);
        p += oplen;
        first += span;
    }
    if span == 0 || p >= end {
        return Err(Corrupt);
    }
    let op = hll[p];
    let run = span;
    // Step 2: the cases that rewrite the opcode in place.
    let in_place = if op & 0x80 != 0 {
        if val_value(op) >= count {
            return Ok(false);
        }
        run == 1
    } else {
        is_zero(op) && run == 1
    };
    if in_place {
        hll[p] = val_op(count, 1);
    } else {
        // Step 3: split the run into up to three opcodes.
        let last = first + span - 1;
        let mut seq = Vec::with_capacity(5);
        if op & 0x80 != 0 {
            let cur = val_value(op);
            if index != first {
                seq.push(val_op(cur, index - first));
            }
            seq.push(val_op(count, 1));
            if index != last {
                seq.push(val_op(cur, last - index));
            }
        } else {
            if index != first {
                zero_run(index - first, &mut seq);
            }
            seq.push(val_op(count, 1));
            if index != last {
                zero_run(last - index, &mut seq);
            }
        }
        let oldlen = if is_xzero(op) { 2 } else { 1 };
        if seq.len() > oldlen && hll.len() + seq.len() - oldlen > max_bytes {
            return promote(hll, index, count);
        }
        let old_end = (p + oldlen).min(hll.len());
        hll.splice(p..old_end, seq);
    }
    merge_neighbours(hll, prev.unwrap_or(HDR));
    invalidate_cache(hll);
    Ok(true)
}

/// Step 4: joins adjacent VAL opcodes of equal value, scanning at most
/// five opcodes from `p` (the opcode before the one just changed).
fn merge_neighbours(hll: &mut Vec<u8>, mut p: usize) {
    let mut scan = 5;
    while p < hll.len() && scan > 0 {
        scan -= 1;
        let op = hll[p];
        if is_xzero(op) {
            p += 2;
            continue;
        }
        if is_zero(op) {
            p += 1;
            continue;
        }
        if let Some(&next) = hll.get(p + 1) {
            if next & 0x80 != 0 && val_value(op) == val_value(next) {
                let len = val_len(op) + val_len(next);
                if len <= VAL_MAX_LEN {
                    hll[p + 1] = val_op(val_value(op), len);
                    hll.remove(p);
                    continue;
                }
            }
        }
        p += 1;
    }
}

fn promote(hll: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    to_dense(hll)?;
    Ok(dense_set(&mut hll[HDR..], index, count))
}
