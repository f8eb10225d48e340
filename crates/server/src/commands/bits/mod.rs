//! The bitmap family: SETBIT GETBIT BITCOUNT BITPOS BITOP (bitmap.rs) and
//! BITFIELD BITFIELD_RO (bitfield.rs), over ordinary string values.
//!
//! Bits are numbered from the most significant bit of the first byte, as
//! in Redis's bitops.c. Writers grow the string with zero bytes as needed
//! (up to `proto-max-bulk-len`), store it through the keyspace's write
//! path as a `raw` string, and report a change only when a bit actually
//! changed or the string grew (that is when Redis signals the key and
//! publishes `setbit`).

mod bitfield;
mod bitmap;

use std::borrow::Cow;

use hearth_resp::Frame;

use super::flag::READONLY;
use super::string::string_bytes;
use super::table::{cmd, ONE, RO_FAST, W_OOM};
use super::{CommandSpec, KeySpec};
use crate::keyspace::DbView;
use crate::reply::err;
use crate::server::stats::CommandStats;
use crate::strnum::parse_canonical_i64;

/// Redis's error for a bad or too large bit offset.
const BAD_OFFSET: &str = "ERR bit offset is not an integer or out of range";

/// Parses a bit offset. With `hash_bits`, `#N` means `N * bits` (BITFIELD's
/// field-index form). Offsets whose byte lies past `max_bulk` are refused.
fn bit_offset(arg: &[u8], hash_bits: Option<u32>, max_bulk: u64) -> Result<u64, Frame> {
    let (digits, mul) = match (arg.first(), hash_bits) {
        (Some(b'#'), Some(bits)) => (&arg[1..], bits as i64),
        _ => (arg, 1),
    };
    let v = parse_canonical_i64(digits).ok_or_else(|| err(BAD_OFFSET))?;
    // Redis multiplies in C without an overflow check; wrapping matches it.
    let v = v.wrapping_mul(mul);
    if v < 0 || (v as u64 >> 3) >= max_bulk {
        return Err(err(BAD_OFFSET));
    }
    Ok(v as u64)
}

/// The bytes of the string at `key` (`None` if missing), or WRONGTYPE.
fn read_bytes<'a>(db: &'a mut DbView<'_>, key: &[u8]) -> Result<Option<Cow<'a, [u8]>>, Frame> {
    match db.get(key) {
        None => Ok(None),
        Some(e) => string_bytes(e.value()).map(Some),
    }
}

/// Parses a `start end [BYTE|BIT]` range argument; `Ok(true)` for BIT.
fn range_unit(arg: Option<&[u8]>) -> Result<bool, Frame> {
    match arg {
        None => Ok(false),
        Some(a) if super::args::is(a, "bit") => Ok(true),
        Some(a) if super::args::is(a, "byte") => Ok(false),
        Some(_) => Err(err(crate::reply::SYNTAX)),
    }
}

use super::args::try_frame;

/// BITOP's keys: the destination, then the sources.
const BITOP_KEYS: KeySpec = KeySpec { first: 2, last: -1, step: 1 };

/// The bitmap family's commands (arity, flags and keys as in Redis 7.4).
#[rustfmt::skip]
pub static COMMANDS: [CommandSpec; 7] = [
    cmd!("setbit", "setbit", 4, W_OOM, ONE, bitmap::setbit, "bitmap", "2.2.0", "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist."),
    cmd!("getbit", "getbit", 3, RO_FAST, ONE, bitmap::getbit, "bitmap", "2.2.0", "Returns a bit value by offset."),
    cmd!("bitcount", "bitcount", -2, READONLY, ONE, bitmap::bitcount, "bitmap", "2.6.0", "Counts the number of set bits (population counting) in a string."),
    cmd!("bitpos", "bitpos", -3, READONLY, ONE, bitmap::bitpos, "bitmap", "2.8.7", "Finds the first set (1) or clear (0) bit in a string."),
    cmd!("bitop", "bitop", -4, W_OOM, BITOP_KEYS, bitmap::bitop, "bitmap", "2.6.0", "Performs bitwise operations on multiple strings, and stores the result."),
    cmd!("bitfield", "bitfield", -2, W_OOM, ONE, bitfield::bitfield, "bitmap", "3.2.0", "Performs arbitrary bitfield integer operations on strings."),
    cmd!("bitfield_ro", "bitfield_ro", -2, RO_FAST, ONE, bitfield::bitfield_ro, "bitmap", "6.0.0", "Performs arbitrary read-only bitfield integer operations on strings."),
];

#[cfg(test)]
mod tests {
    use super::bit_offset;

    #[test]
    fn offsets_are_checked_against_the_bulk_limit() {
        let max = 512 * 1024 * 1024;
        assert_eq!(bit_offset(b"4294967295", None, max).ok(), Some(4294967295));
        assert!(bit_offset(b"4294967296", None, max).is_err());
        assert!(bit_offset(b"-1", None, max).is_err());
        assert!(bit_offset(b"#3", None, max).is_err());
        assert_eq!(bit_offset(b"#3", Some(8), max).ok(), Some(24));
        assert!(bit_offset(b"#", Some(8), max).is_err());
        assert!(bit_offset(b"", Some(8), max).is_err());
    }
}
