//! BITFIELD and BITFIELD_RO: signed and unsigned integers of 1..=64 bits
//! (unsigned up to 63) at arbitrary bit offsets, with WRAP, SAT or FAIL
//! overflow handling.
//!
//! Operations run against an overlay of changed bytes on top of the
//! stored string, so nothing is copied or written unless a field really
//! changed (or the string has to grow), which is when Redis signals the
//! key. The overflow arithmetic reproduces Redis's, wrapping included,
//! because its results are client-visible.

use std::collections::BTreeMap;

use hearth_resp::{Args, Frame};

use super::{bit_offset, read_bytes, try_frame};
use crate::commands::args::{int_arg, is};
use crate::commands::string::patch_string;
use crate::commands::Ctx;
use crate::notify::class::STRING;
use crate::reply::{err, SYNTAX};
use crate::strnum::parse_canonical_i64;

const BAD_TYPE: &str =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

#[derive(Clone, Copy, PartialEq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy, PartialEq)]
enum OpKind {
    Get,
    Set,
    Incrby,
}

struct Op {
    kind: OpKind,
    offset: u64,
    value: i64,
    overflow: Overflow,
    bits: u32,
    signed: bool,
}

/// `i<bits>` or `u<bits>`. Like Redis, the width is read up to a NUL byte.
fn field_type(arg: &[u8]) -> Result<(bool, u32), Frame> {
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(err(BAD_TYPE)),
    };
    let digits = arg[1..].split(|&b| b == 0).next().unwrap_or_default();
    match parse_canonical_i64(digits) {
        Some(n) if n >= 1 && n <= if signed { 64 } else { 63 } => Ok((signed, n as u32)),
        _ => Err(err(BAD_TYPE)),
    }
}

/// Parses the operations; also returns the highest bit any write touches.
fn parse_ops(args: Args<'_>, max_bulk: u64) -> Result<(Vec<Op>, Option<u64>), Frame> {
    let (mut ops, mut overflow, mut highest) = (Vec::new(), Overflow::Wrap, None::<u64>);
    let mut j = 2;
    while j < args.len() {
        let (sub, rest) = (&args[j], args.len() - j - 1);
        let kind = if is(sub, "get") && rest >= 2 {
            OpKind::Get
        } else if is(sub, "set") && rest >= 3 {
            OpKind::Set
        } else if is(sub, "incrby") && rest >= 3 {
            OpKind::Incrby
        } else if is(sub, "overflow") && rest >= 1 {
            let o = &args[j + 1];
            overflow = if is(o, "wrap") {
                Overflow::Wrap
            } else if is(o, "sat") {
                Overflow::Sat
            } else if is(o, "fail") {
                Overflow::Fail
            } else {
                return Err(err("ERR Invalid OVERFLOW type specified"));
            };
            j += 2;
            continue;
        } else {
            return Err(err(SYNTAX));
        };
        let (signed, bits) = field_type(&args[j + 1])?;
        let offset = bit_offset(&args[j + 2], Some(bits), max_bulk)?;
        let mut value = 0;
        if kind != OpKind::Get {
            let top = offset + bits as u64 - 1;
            highest = Some(highest.map_or(top, |h| h.max(top)));
            value = int_arg(&args[j + 3])?;
        }
        ops.push(Op { kind, offset, value, overflow, bits, signed });
        j += if kind == OpKind::Get { 3 } else { 4 };
    }
    Ok((ops, highest))
}

/// The stored string plus the bytes changed so far.
struct Overlay<'a> {
    base: &'a [u8],
    patch: BTreeMap<usize, u8>,
}

impl Overlay<'_> {
    fn byte(&self, i: usize) -> u8 {
        self.patch.get(&i).or_else(|| self.base.get(i)).copied().unwrap_or(0)
    }

    fn get_unsigned(&self, offset: u64, bits: u32) -> u64 {
        (offset..offset + bits as u64)
            .fold(0, |v, o| (v << 1) | ((self.byte((o >> 3) as usize) >> (7 - (o & 7))) & 1) as u64)
    }

    fn get_signed(&self, offset: u64, bits: u32) -> i64 {
        let u = self.get_unsigned(offset, bits);
        if bits < 64 && u & (1 << (bits - 1)) != 0 {
            (u | (u64::MAX << bits)) as i64
        } else {
            u as i64
        }
    }

    fn set(&mut self, offset: u64, bits: u32, value: u64) {
        for j in 0..bits as u64 {
            let on = value & (1 << (bits as u64 - 1 - j)) != 0;
            let o = offset + j;
            let (i, m) = ((o >> 3) as usize, 0x80u8 >> (o & 7));
            let b = self.byte(i);
            self.patch.insert(i, if on { b | m } else { b & !m });
        }
    }
}

/// Redis's unsigned overflow check: `None` if `value + incr` fits in
/// `bits`, else the wrapped or saturated result.
fn unsigned_overflow(value: u64, incr: i64, bits: u32, ow: Overflow) -> Option<u64> {
    let max = (1u64 << bits) - 1;
    let max_incr = max.wrapping_sub(value) as i64;
    let min_incr = (value as i64).wrapping_neg();
    let wrapped = value.wrapping_add(incr as u64) & max;
    if value > max || (incr > 0 && incr > max_incr) {
        Some(if ow == Overflow::Sat { max } else { wrapped })
    } else if incr < 0 && incr < min_incr {
        Some(if ow == Overflow::Sat { 0 } else { wrapped })
    } else {
        None
    }
}

/// Redis's signed overflow check (its wrapping intermediate values
/// included), as for [`unsigned_overflow`].
fn signed_overflow(value: i64, incr: i64, bits: u32, ow: Overflow) -> Option<i64> {
    let max = if bits == 64 { i64::MAX } else { (1i64 << (bits - 1)) - 1 };
    let min = -max - 1;
    let max_incr = (max as u64).wrapping_sub(value as u64) as i64;
    let min_incr = min.wrapping_sub(value);
    let wrapped = || {
        let mut c = (value as u64).wrapping_add(incr as u64);
        if bits < 64 {
            let high = u64::MAX << bits;
            c = if c & (1 << (bits - 1)) != 0 { c | high } else { c & !high };
        }
        c as i64
    };
    let wide = bits != 64;
    if value > max || (wide && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr) {
        Some(if ow == Overflow::Sat { max } else { wrapped() })
    } else if value < min || (wide && incr < min_incr) || (value < 0 && incr < 0 && incr < min_incr) {
        Some(if ow == Overflow::Sat { min } else { wrapped() })
    } else {
        None
    }
}

/// Runs one write operation: its reply, and whether the field changed.
fn write_op(bits: &mut Overlay<'_>, op: &Op) -> (Frame, bool) {
    let incr = op.kind == OpKind::Incrby;
    let (old, new, reply, failed) = if op.signed {
        let old = bits.get_signed(op.offset, op.bits);
        let (base, delta) = if incr { (old, op.value) } else { (op.value, 0) };
        let over = signed_overflow(base, delta, op.bits, op.overflow);
        let new = over.unwrap_or(base.wrapping_add(delta));
        (old as u64, new as u64, if incr { new } else { old }, over.is_some())
    } else {
        let old = bits.get_unsigned(op.offset, op.bits);
        let (base, delta) = if incr { (old, op.value) } else { (op.value as u64, 0) };
        let over = unsigned_overflow(base, delta, op.bits, op.overflow);
        let new = over.unwrap_or(base.wrapping_add(delta as u64));
        (old, new, if incr { new as i64 } else { old as i64 }, over.is_some())
    };
    if failed && op.overflow == Overflow::Fail {
        return (Frame::Null, false);
    }
    bits.set(op.offset, op.bits, new);
    // Compare the stored field, not the full-width numbers.
    let mask = if op.bits == 64 { u64::MAX } else { (1u64 << op.bits) - 1 };
    (Frame::Integer(reply), old & mask != new & mask)
}

fn read_op(bits: &Overlay<'_>, op: &Op) -> Frame {
    if op.signed {
        Frame::Integer(bits.get_signed(op.offset, op.bits))
    } else {
        Frame::Integer(bits.get_unsigned(op.offset, op.bits) as i64)
    }
}

fn run(ctx: &mut Ctx<'_>, args: Args<'_>, read_only_cmd: bool) -> Frame {
    let max = ctx.config(|c| c.proto_max_bulk_len);
    let (ops, highest) = try_frame!(parse_ops(args, max));
    if highest.is_some() && read_only_cmd {
        return err("ERR BITFIELD_RO only supports the GET subcommand");
    }
    let key = &args[1];
    let mut db = ctx.db();
    let (replies, patch, grow) = {
        let stored = try_frame!(read_bytes(&mut db, key));
        let (exists, len) = (stored.is_some(), stored.as_ref().map_or(0, |s| s.len()));
        let mut bits = Overlay { base: stored.as_deref().unwrap_or_default(), patch: BTreeMap::new() };
        // The string grows to the highest written bit before any operation.
        let grow = highest.map(|h| len.max((h >> 3) as usize + 1)).filter(|&n| !exists || n > len);
        let mut changed = false;
        let replies: Vec<Frame> = ops
            .iter()
            .map(|op| match op.kind {
                OpKind::Get => read_op(&bits, op),
                _ => {
                    let (reply, ch) = write_op(&mut bits, op);
                    changed |= ch || (grow.is_some() && reply != Frame::Null);
                    reply
                }
            })
            .collect();
        let patch: Vec<(usize, u8)> = if changed { bits.patch.into_iter().collect() } else { Vec::new() };
        (replies, changed.then_some(patch), grow)
    };
    match (patch, grow) {
        (Some(p), g) => {
            let len = g.unwrap_or(0);
            patch_string(&mut db, key, len, &p);
            ctx.notify(STRING, "setbit", key);
        }
        // Every write failed, yet Redis has already created or grown the string.
        (None, Some(len)) => patch_string(&mut db, key, len, &[]),
        (None, None) => {}
    }
    Frame::Array(replies)
}

/// BITFIELD key [GET type offset | [OVERFLOW WRAP|SAT|FAIL] SET type offset value | INCRBY type offset increment ...]
pub fn bitfield(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    run(ctx, args, false)
}

/// BITFIELD_RO key [GET type offset ...]
pub fn bitfield_ro(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    run(ctx, args, true)
}

#[cfg(test)]
mod tests {
    use super::{field_type, signed_overflow, unsigned_overflow, Overflow};

    #[test]
    fn types_follow_redis_limits() {
        assert_eq!(field_type(b"i64").ok(), Some((true, 64)));
        assert_eq!(field_type(b"u63").ok(), Some((false, 63)));
        assert!(field_type(b"u64").is_err());
        assert!(field_type(b"i0").is_err());
        assert!(field_type(b"x8").is_err());
        assert!(field_type(b"").is_err());
    }

    #[test]
    fn overflow_wraps_saturates_or_fails() {
        assert_eq!(unsigned_overflow(250, 10, 8, Overflow::Wrap), Some(4));
        assert_eq!(unsigned_overflow(250, 10, 8, Overflow::Sat), Some(255));
        assert_eq!(unsigned_overflow(5, -10, 8, Overflow::Sat), Some(0));
        assert_eq!(unsigned_overflow(5, 10, 8, Overflow::Fail), None);
        assert_eq!(signed_overflow(120, 10, 8, Overflow::Wrap), Some(-126));
        assert_eq!(signed_overflow(-120, -10, 8, Overflow::Sat), Some(-128));
        assert_eq!(signed_overflow(i64::MAX, 1, 64, Overflow::Wrap), Some(i64::MIN));
        assert_eq!(signed_overflow(1, 1, 64, Overflow::Wrap), None);
    }
}
