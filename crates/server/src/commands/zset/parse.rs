//! Argument parsing for the sorted-set commands, with Redis's exact
//! acceptance rules: scores through C `strtod` (hex floats, `inf`,
//! out-of-range refusal as in `string2d`), score ranges with `(` for
//! exclusive bounds, lex ranges (`[a`, `(a`, `-`, `+`), ZSCAN cursors as
//! `string2ull` reads them.

use std::ffi::c_char;

use hearth_resp::Frame;

use super::super::args::parse_canonical_i64;
use crate::keyspace::zset::ZSet;
use crate::reply::{err, err_owned, NOT_INTEGER};
use crate::strnum::{c_space, strtod};

/// A score, weight or increment as Redis's `string2d` accepts it: the
/// whole argument must be a C float (no leading space, no trailing bytes,
/// no NaN, no overflow to infinity or underflow to zero).
pub fn parse_score(b: &[u8]) -> Option<f64> {
    if b.is_empty() || c_space(b[0]) {
        return None;
    }
    let (v, used, erange) = strtod(b);
    if used != b.len() || v.is_nan() || (erange && (v.is_infinite() || v == 0.0)) {
        return None;
    }
    Some(v)
}

/// A score argument, or `ERR <msg>` (`value is not a valid float` by default).
pub fn score_arg(b: &[u8], msg: &'static str) -> Result<f64, Frame> {
    parse_score(b).ok_or_else(|| err(msg))
}

/// Redis's "not a valid float" error.
pub const NOT_FLOAT: &str = "ERR value is not a valid float";

/// One end of a score range.
#[derive(Debug, Clone, Copy)]
pub struct ScoreBound {
    /// The value.
    pub value: f64,
    /// Whether the bound is exclusive (`(`).
    pub ex: bool,
}

/// A score range, `min` to `max`.
#[derive(Debug, Clone, Copy)]
pub struct ScoreRange {
    /// Lower end.
    pub min: ScoreBound,
    /// Upper end.
    pub max: ScoreBound,
}

fn score_bound(b: &[u8]) -> Option<ScoreBound> {
    // Redis reads the argument as a C string: strtod must stop at its end
    // (the first NUL), and an empty remainder reads as 0.
    let (ex, rest) = match b.first() {
        Some(b'(') => (true, &b[1..]),
        _ => (false, b),
    };
    let c_str = &rest[..rest.iter().position(|&c| c == 0).unwrap_or(rest.len())];
    let (value, used, _) = strtod(c_str);
    (used == c_str.len() && !value.is_nan()).then_some(ScoreBound { value, ex })
}

impl ScoreRange {
    /// Parses `min max`, or Redis's `min or max is not a float`.
    pub fn parse(min: &[u8], max: &[u8]) -> Result<ScoreRange, Frame> {
        match (score_bound(min), score_bound(max)) {
            (Some(min), Some(max)) => Ok(ScoreRange { min, max }),
            _ => Err(err("ERR min or max is not a float")),
        }
    }

    /// Whether `v` is at or above the lower end.
    pub fn gte_min(&self, v: f64) -> bool {
        if self.min.ex {
            v > self.min.value
        } else {
            v >= self.min.value
        }
    }

    /// Whether `v` is at or below the upper end.
    pub fn lte_max(&self, v: f64) -> bool {
        if self.max.ex {
            v < self.max.value
        } else {
            v <= self.max.value
        }
    }

    /// Ascending ranks `first..end` of the members in range.
    pub fn ranks(&self, z: &ZSet) -> (usize, usize) {
        (z.count_while(|s, _| !self.gte_min(s)), z.count_while(|s, _| self.lte_max(s)))
    }
}

/// One end of a lex range.
#[derive(Debug, Clone, Copy)]
pub enum LexBound<'a> {
    /// `-`: below every string.
    Min,
    /// `+`: above every string.
    Max,
    /// `[x`.
    Incl(&'a [u8]),
    /// `(x`.
    Excl(&'a [u8]),
}

/// A lex range.
#[derive(Debug, Clone, Copy)]
pub struct LexRange<'a> {
    /// Lower end.
    pub min: LexBound<'a>,
    /// Upper end.
    pub max: LexBound<'a>,
}

fn lex_bound(b: &[u8]) -> Option<LexBound<'_>> {
    // `+` and `-` must be the whole C string.
    let alone = b.len() == 1 || b.get(1) == Some(&0);
    match b.first()? {
        b'+' if alone => Some(LexBound::Max),
        b'-' if alone => Some(LexBound::Min),
        b'(' => Some(LexBound::Excl(&b[1..])),
        b'[' => Some(LexBound::Incl(&b[1..])),
        _ => None,
    }
}

/// Redis's `sdscmplex`: `-` and `+` are below and above every string.
fn cmp_lex(v: &[u8], bound: LexBound<'_>) -> std::cmp::Ordering {
    use std::cmp::Ordering::{Greater, Less};
    match bound {
        LexBound::Min => Greater,
        LexBound::Max => Less,
        LexBound::Incl(b) | LexBound::Excl(b) => v.cmp(b),
    }
}

impl<'a> LexRange<'a> {
    /// Parses `min max`, or Redis's `min or max not valid string range item`.
    pub fn parse(min: &'a [u8], max: &'a [u8]) -> Result<LexRange<'a>, Frame> {
        match (lex_bound(min), lex_bound(max)) {
            (Some(min), Some(max)) => Ok(LexRange { min, max }),
            _ => Err(err("ERR min or max not valid string range item")),
        }
    }

    /// Whether `v` is at or above the lower end.
    pub fn gte_min(&self, v: &[u8]) -> bool {
        let c = cmp_lex(v, self.min);
        match self.min {
            LexBound::Incl(_) => c.is_ge(),
            _ => c.is_gt(),
        }
    }

    /// Whether `v` is at or below the upper end.
    pub fn lte_max(&self, v: &[u8]) -> bool {
        let c = cmp_lex(v, self.max);
        match self.max {
            LexBound::Incl(_) => c.is_le(),
            _ => c.is_lt(),
        }
    }

    /// Ascending ranks `first..end` of the members in range (members are
    /// compared as if all scores were equal, as Redis documents).
    pub fn ranks(&self, z: &ZSet) -> (usize, usize) {
        (z.count_while(|_, m| !self.gte_min(m)), z.count_while(|_, m| self.lte_max(m)))
    }
}

/// An integer argument (Redis's `getLongFromObjectOrReply`), with Redis's
/// default error or a command-specific one.
pub fn long_arg(b: &[u8], msg: Option<&'static str>) -> Result<i64, Frame> {
    parse_canonical_i64(b).ok_or_else(|| err(msg.unwrap_or(NOT_INTEGER)))
}

/// Redis's `getRangeLongFromObjectOrReply`: an integer in `min..=max`.
pub fn range_arg(b: &[u8], min: i64, max: i64, msg: Option<&'static str>) -> Result<i64, Frame> {
    let v = long_arg(b, msg)?;
    if v < min || v > max {
        return Err(match msg {
            Some(m) => err(m),
            None => err_owned(format!("ERR value is out of range, value must between {min} and {max}")),
        });
    }
    Ok(v)
}

/// Redis's `getPositiveLongFromObjectOrReply` with its default message.
pub fn positive_arg(b: &[u8]) -> Result<i64, Frame> {
    range_arg(b, 0, i64::MAX, Some("ERR value is out of range, must be positive"))
}

/// A SCAN cursor as Redis's `string2ull` reads it (canonical integers, or
/// anything C `strtoull` converts completely, such as `007` or `+7`).
pub fn scan_cursor(b: &[u8]) -> Result<u64, Frame> {
    let invalid = || err("ERR invalid cursor");
    if let Some(v) = parse_canonical_i64(b) {
        return u64::try_from(v).map_err(|_| invalid());
    }
    let c_str = &b[..b.iter().position(|&c| c == 0).unwrap_or(b.len())];
    if c_str.is_empty() {
        return Err(invalid());
    }
    let mut buf = c_str.to_vec();
    buf.push(0);
    let mut end: *mut c_char = std::ptr::null_mut();
    // SAFETY: `buf` is NUL-terminated and outlives the call.
    let (v, used, errno) = unsafe {
        *libc::__errno_location() = 0;
        let v = libc::strtoull(buf.as_ptr().cast(), &mut end, 10);
        (v, end.cast_const().offset_from(buf.as_ptr().cast()) as usize, *libc::__errno_location())
    };
    if errno == libc::EINVAL || errno == libc::ERANGE || used != c_str.len() {
        return Err(invalid());
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_follow_string2d() {
        assert_eq!(parse_score(b"1.5"), Some(1.5));
        assert_eq!(parse_score(b"0x10"), Some(16.0));
        assert_eq!(parse_score(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"+Infinity"), Some(f64::INFINITY));
        assert_eq!(parse_score(b"1e400"), None);
        assert_eq!(parse_score(b"1e-400"), None);
        assert_eq!(parse_score(b"nan"), None);
        assert_eq!(parse_score(b" 1"), None);
        assert_eq!(parse_score(b"1 "), None);
        assert_eq!(parse_score(b""), None);
        assert_eq!(parse_score(b"1\x002"), None);
        assert!(parse_score(b"4.9e-324").is_some(), "denormals are accepted");
    }

    #[test]
    fn score_ranges_read_c_strings() {
        let r = ScoreRange::parse(b"(1", b"+inf").expect("valid");
        assert!(r.min.ex && !r.max.ex && r.max.value == f64::INFINITY);
        let r = ScoreRange::parse(b"", b"(").expect("empty reads as 0");
        assert!(r.min.value == 0.0 && r.max.ex);
        assert!(ScoreRange::parse(b" 5", b"1\x00junk").is_ok());
        assert!(ScoreRange::parse(b"1 ", b"2").is_err());
        assert!(ScoreRange::parse(b"nan", b"2").is_err());
        assert!(ScoreRange::parse(b"((1", b"2").is_err());
    }

    #[test]
    fn lex_ranges() {
        let r = LexRange::parse(b"[b", b"(d").expect("valid");
        assert!(r.gte_min(b"b") && !r.gte_min(b"a") && r.lte_max(b"c") && !r.lte_max(b"d"));
        let r = LexRange::parse(b"-", b"+").expect("valid");
        assert!(r.gte_min(b"") && r.lte_max(b"\xff\xff"));
        assert!(LexRange::parse(b"a", b"+").is_err());
        assert!(LexRange::parse(b"-x", b"+").is_err());
        assert!(LexRange::parse(b"", b"+").is_err());
    }

    #[test]
    fn cursors_follow_string2ull() {
        assert_eq!(scan_cursor(b"0").ok(), Some(0));
        assert_eq!(scan_cursor(b"007").ok(), Some(7));
        assert_eq!(scan_cursor(b"18446744073709551615").ok(), Some(u64::MAX));
        assert!(scan_cursor(b"-1").is_err());
        assert!(scan_cursor(b"18446744073709551616").is_err());
        assert!(scan_cursor(b"x").is_err());
        assert!(scan_cursor(b"").is_err());
    }
}
