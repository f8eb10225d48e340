//! SCAN-family helpers shared by HSCAN and SSCAN (cursor and option
//! parsing in Redis's `scanGenericCommand` order) and the limits of the
//! random-element commands (HRANDFIELD, SRANDMEMBER).

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use crate::commands::args::{int_arg, is, parse_canonical_i64};
use crate::glob::glob_match;
use crate::reply::{err, SYNTAX};

/// Random replies larger than this are refused (`ERR value is out of
/// range`) instead of being built: Redis streams them until the client's
/// output buffer limit kills it, Hearth builds replies in memory first.
pub(crate) const MAX_RANDOM_REPLY: u64 = 1 << 24;

/// The error for counts Redis's `getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)` refuses.
pub(crate) const COUNT_RANGE: &str =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

/// Parses a SCAN cursor like Redis's `string2ull`: a canonical non-negative
/// integer, or what `strtoull` accepts in full (leading spaces, a sign).
pub(crate) fn parse_cursor(b: &[u8]) -> Result<u64, Frame> {
    let invalid = || err("ERR invalid cursor");
    if let Some(v) = parse_canonical_i64(b) {
        return u64::try_from(v).map_err(|_| invalid());
    }
    let s = b.iter().position(|c| !c.is_ascii_whitespace()).map_or(&b[b.len()..], |i| &b[i..]);
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(invalid());
    }
    let mut v: u64 = 0;
    for d in digits {
        v = v.checked_mul(10).and_then(|v| v.checked_add((d - b'0') as u64)).ok_or_else(invalid)?;
    }
    Ok(if neg { v.wrapping_neg() } else { v })
}

/// Options of SSCAN/HSCAN.
pub(crate) struct ScanOptions<'a> {
    /// COUNT (default 10).
    pub count: usize,
    /// MATCH, unless it is `*`.
    pub pattern: Option<&'a [u8]>,
    /// NOVALUES (HSCAN only).
    pub novalues: bool,
}

impl ScanOptions<'_> {
    /// Whether an element passes MATCH.
    pub fn matches(&self, s: &[u8]) -> bool {
        self.pattern.is_none_or(|p| glob_match(p, s, false))
    }
}

/// Parses the options after `key cursor`, in Redis's `scanGenericCommand` order.
pub(crate) fn parse_scan_options<'a>(args: &'a Args<'_>, hash: bool) -> Result<ScanOptions<'a>, Frame> {
    let mut o = ScanOptions { count: 10, pattern: None, novalues: false };
    let mut i = 3;
    while i < args.len() {
        let more = args.len() - i;
        if is(&args[i], "count") && more >= 2 {
            let n = int_arg(&args[i + 1])?;
            if n < 1 {
                return Err(err(SYNTAX));
            }
            o.count = n as usize;
            i += 2;
        } else if is(&args[i], "match") && more >= 2 {
            o.pattern = Some(&args[i + 1]).filter(|p| *p != b"*");
            i += 2;
        } else if is(&args[i], "novalues") {
            if !hash {
                return Err(err("ERR NOVALUES option can only be used in HSCAN"));
            }
            o.novalues = true;
            i += 1;
        } else {
            return Err(err(SYNTAX));
        }
    }
    Ok(o)
}

/// The `[cursor, [elements]]` reply.
pub(crate) fn scan_reply(cursor: u64, items: Vec<Frame>) -> Frame {
    Frame::Array(vec![Frame::Bulk(Bytes::from(cursor.to_string())), Frame::Array(items)])
}

#[cfg(test)]
mod tests {
    use super::parse_cursor;

    #[test]
    fn cursors_parse_like_string2ull() {
        assert_eq!(parse_cursor(b"0").ok(), Some(0));
        assert_eq!(parse_cursor(b"18446744073709551615").ok(), Some(u64::MAX));
        assert_eq!(parse_cursor(b" 5").ok(), Some(5));
        assert!(parse_cursor(b"-1").is_err());
        assert!(parse_cursor(b"x").is_err());
        assert!(parse_cursor(b"").is_err());
        assert!(parse_cursor(b"18446744073709551616").is_err());
    }
}
