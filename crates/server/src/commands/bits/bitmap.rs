//! SETBIT GETBIT BITCOUNT BITPOS BITOP: single bits, population counts,
//! searches and whole-string bitwise operations.

use hearth_resp::{Args, Frame};

use super::{bit_offset, range_unit, read_bytes, try_frame};
use crate::commands::args::{int_arg, is};
use crate::commands::string::patch_string;
use crate::commands::Ctx;
use crate::keyspace::Value;
use crate::notify::class::{GENERIC, STRING};
use crate::reply::{err, NOT_INTEGER, SYNTAX};
use crate::strnum::parse_canonical_i64;

/// The mask of bit `offset` within its byte (bit 0 is the MSB).
fn mask(offset: u64) -> u8 {
    0x80 >> (offset & 7)
}

/// SETBIT key offset value
pub fn setbit(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let max = ctx.config(|c| c.proto_max_bulk_len);
    let offset = try_frame!(bit_offset(&args[2], None, max));
    let on = match parse_canonical_i64(&args[3]) {
        Some(v @ (0 | 1)) => v == 1,
        _ => return err("ERR bit is not an integer or out of range"),
    };
    let key = &args[1];
    let byte = (offset >> 3) as usize;
    let mut db = ctx.db();
    let (old, len) = match try_frame!(read_bytes(&mut db, key)) {
        Some(s) => (s.get(byte).copied(), s.len()),
        None => (None, 0),
    };
    let was_on = old.is_some_and(|b| b & mask(offset) != 0);
    // A missing key or a short string is a change even when the bit is 0.
    if old.is_none() || was_on != on {
        let b = old.unwrap_or(0);
        let b = if on { b | mask(offset) } else { b & !mask(offset) };
        patch_string(&mut db, key, len.max(byte + 1), &[(byte, b)]);
        ctx.notify(STRING, "setbit", key);
    }
    Frame::Integer(was_on as i64)
}

/// GETBIT key offset
pub fn getbit(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let max = ctx.config(|c| c.proto_max_bulk_len);
    let offset = try_frame!(bit_offset(&args[2], None, max));
    let mut db = ctx.db();
    let s = try_frame!(read_bytes(&mut db, &args[1]));
    let byte = s.and_then(|s| s.get((offset >> 3) as usize).copied()).unwrap_or(0);
    Frame::Integer((byte & mask(offset) != 0) as i64)
}

/// Resolves a `start end` range (negative counts from the end) over a
/// length of `total` units; `None` when it selects nothing.
fn clamp_range(mut start: i64, mut end: i64, total: i64) -> Option<(u64, u64)> {
    if start < 0 {
        start += total;
    }
    if end < 0 {
        end += total;
    }
    let (start, end) = (start.max(0), end.max(0).min(total - 1));
    (start <= end).then_some((start as u64, end as u64))
}

/// The bit range [first, last] a `start end [BYTE|BIT]` range selects.
fn bit_range(start: i64, end: i64, bits: bool, len: usize) -> Option<(u64, u64)> {
    if bits {
        clamp_range(start, end, len as i64 * 8)
    } else {
        clamp_range(start, end, len as i64).map(|(a, b)| (a * 8, b * 8 + 7))
    }
}

/// Set bits in the bit range [first, last] of `s`.
fn count_bits(s: &[u8], first: u64, last: u64) -> i64 {
    let (a, b) = ((first >> 3) as usize, (last >> 3) as usize);
    let head = !(0xffu8 >> (first & 7)); // bits before `first` in its byte
    let tail = (0xffu16 >> ((last & 7) + 1)) as u8; // bits after `last` in its byte
    let total: u64 = s[a..=b].iter().map(|b| b.count_ones() as u64).sum();
    (total - (s[a] & head).count_ones() as u64 - (s[b] & tail).count_ones() as u64) as i64
}

/// BITCOUNT key [start end [BYTE|BIT]]
pub fn bitcount(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let range = match args.len() {
        2 => None,
        4 | 5 => {
            let start = try_frame!(int_arg(&args[2]));
            let end = try_frame!(int_arg(&args[3]));
            let bits = try_frame!(range_unit(args.try_get(4)));
            Some((start, end, bits))
        }
        _ => return err(SYNTAX),
    };
    let mut db = ctx.db();
    let Some(s) = try_frame!(read_bytes(&mut db, &args[1])) else {
        return Frame::Integer(0);
    };
    let selected = match range {
        None => (!s.is_empty()).then(|| (0, s.len() as u64 * 8 - 1)),
        Some((start, end, _)) if start < 0 && end < 0 && start > end => None,
        Some((start, end, bits)) => bit_range(start, end, bits, s.len()),
    };
    Frame::Integer(selected.map_or(0, |(a, b)| count_bits(&s, a, b)))
}

/// The first bit equal to `bit` in the bit range [first, last] of `s`.
fn find_bit(s: &[u8], bit: bool, first: u64, last: u64) -> Option<u64> {
    let skip = if bit { 0x00 } else { 0xff };
    let mut pos = first;
    while pos <= last {
        let byte = s[(pos >> 3) as usize];
        if pos & 7 == 0 && last - pos >= 7 && byte == skip {
            pos += 8;
            continue;
        }
        if (byte & mask(pos) != 0) == bit {
            return Some(pos);
        }
        pos += 1;
    }
    None
}

/// BITPOS key bit [start [end [BYTE|BIT]]]
pub fn bitpos(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let bit = match parse_canonical_i64(&args[2]) {
        Some(b @ (0 | 1)) => b == 1,
        Some(_) => return err("ERR The bit argument must be 1 or 0."),
        None => return err(NOT_INTEGER),
    };
    let (start, end, bits) = match args.len() {
        3 => (0, None, false),
        4..=6 => {
            let start = try_frame!(int_arg(&args[3]));
            let bits = try_frame!(range_unit(args.try_get(5)));
            let end = match args.try_get(4) {
                Some(e) => Some(try_frame!(int_arg(e))),
                None => None,
            };
            (start, end, bits)
        }
        _ => return err(SYNTAX),
    };
    let mut db = ctx.db();
    let Some(s) = try_frame!(read_bytes(&mut db, &args[1])) else {
        // A missing key is an endless run of zero bits.
        return Frame::Integer(if bit { -1 } else { 0 });
    };
    let Some((first, last)) = bit_range(start, end.unwrap_or(-1), bits, s.len()) else {
        return Frame::Integer(-1);
    };
    match find_bit(&s, bit, first, last) {
        Some(p) => Frame::Integer(p as i64),
        // Looking for a clear bit without an explicit end: the string
        // counts as padded with zeros on the right.
        None if !bit && end.is_none() => Frame::Integer(last as i64 + 1),
        None => Frame::Integer(-1),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

/// BITOP AND|OR|XOR|NOT destkey key [key ...]
pub fn bitop(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let op = match &args[1] {
        a if is(a, "and") => BitOp::And,
        a if is(a, "or") => BitOp::Or,
        a if is(a, "xor") => BitOp::Xor,
        a if is(a, "not") => BitOp::Not,
        _ => return err(SYNTAX),
    };
    if op == BitOp::Not && args.len() != 4 {
        return err("ERR BITOP NOT must be called with a single source key.");
    }
    let dest = &args[2];
    let mut db = ctx.db();
    let mut sources: Vec<Vec<u8>> = Vec::with_capacity(args.len() - 3);
    for key in args.iter().skip(3) {
        let s = try_frame!(read_bytes(&mut db, key));
        sources.push(s.map(|s| s.into_owned()).unwrap_or_default());
    }
    let maxlen = sources.iter().map(Vec::len).max().unwrap_or(0);
    if maxlen == 0 {
        if db.delete(dest) {
            ctx.notify(GENERIC, "del", dest);
        }
        return Frame::Integer(0);
    }
    let mut out = sources[0].clone();
    out.resize(maxlen, 0);
    match op {
        BitOp::Not => out.iter_mut().for_each(|b| *b = !*b),
        _ => {
            for src in &sources[1..] {
                for (i, o) in out.iter_mut().enumerate() {
                    let b = src.get(i).copied().unwrap_or(0);
                    match op {
                        BitOp::And => *o &= b,
                        BitOp::Or => *o |= b,
                        _ => *o ^= b,
                    }
                }
            }
        }
    }
    db.put(dest, Value::Raw(out), None);
    ctx.notify(STRING, "set", dest);
    Frame::Integer(maxlen as i64)
}

#[cfg(test)]
mod tests {
    use super::{count_bits, find_bit};

    #[test]
    fn bit_counts_respect_partial_first_and_last_bytes() {
        let s = [0xffu8, 0xff, 0xff];
        assert_eq!(count_bits(&s, 0, 23), 24);
        assert_eq!(count_bits(&s, 3, 5), 3);
        assert_eq!(count_bits(&s, 5, 17), 13);
    }

    #[test]
    fn bit_search_finds_the_first_match_in_range() {
        let s = [0x00u8, 0x00, 0x10];
        assert_eq!(find_bit(&s, true, 0, 23), Some(19));
        assert_eq!(find_bit(&s, true, 0, 18), None);
        assert_eq!(find_bit(&s, false, 3, 23), Some(3));
        assert_eq!(find_bit(&[0xff], false, 0, 7), None);
    }
}
