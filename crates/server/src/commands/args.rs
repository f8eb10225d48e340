//! Argument parsing shared by all command families: integers and floats
//! with Redis's exact acceptance rules, and quoting for MONITOR/CLIENT LIST.

use hearth_resp::Frame;

use crate::reply::{err, NOT_FLOAT, NOT_INTEGER};
pub use crate::strnum::parse_canonical_i64;

/// An integer argument, or Redis's "not an integer" error.
pub fn int_arg(b: &[u8]) -> Result<i64, Frame> {
    parse_canonical_i64(b).ok_or_else(|| err(NOT_INTEGER))
}

/// A float the way Redis's `string2ld`/`strtold` accepts it: no leading
/// space, no trailing garbage, `inf`/`-inf` allowed, NaN refused.
pub fn parse_f64(b: &[u8]) -> Option<f64> {
    if b.is_empty() || b[0].is_ascii_whitespace() || b.last().is_some_and(|c| c.is_ascii_whitespace()) {
        return None;
    }
    let s = std::str::from_utf8(b).ok()?;
    let lower = s.to_ascii_lowercase();
    let v = match lower.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        _ => {
            // Rust accepts "inf"/"nan" spellings we handled above; refuse the rest.
            if lower.contains("nan") || lower.contains("inf") {
                return None;
            }
            s.parse::<f64>().ok()?
        }
    };
    (!v.is_nan()).then_some(v)
}

/// A float argument, or Redis's "not a valid float" error.
pub fn float_arg(b: &[u8]) -> Result<f64, Frame> {
    parse_f64(b).ok_or_else(|| err(NOT_FLOAT))
}

/// Unwraps a `Result<_, Frame>` or returns the error frame from the handler.
macro_rules! try_frame {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return e,
        }
    };
}
pub(crate) use try_frame;

/// Whether `arg` equals `word`, ignoring ASCII case.
pub fn is(arg: &[u8], word: &str) -> bool {
    arg.eq_ignore_ascii_case(word.as_bytes())
}

/// Quotes bytes like Redis's `sdscatrepr` ("..." with \n, \r, \t, \a, \b,
/// \\, \" and \xHH escapes).
pub fn repr(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() + 2);
    s.push('"');
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            7 => s.push_str("\\a"),
            8 => s.push_str("\\b"),
            c if c.is_ascii_graphic() || c == b' ' => s.push(c as char),
            c => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_integers_only() {
        assert_eq!(parse_canonical_i64(b"123"), Some(123));
        assert_eq!(parse_canonical_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_canonical_i64(b"9223372036854775808"), None);
        for bad in [&b"007"[..], b" 1", b"1 ", b"-0", b"+1", b"", b"1a", b"-"] {
            assert_eq!(parse_canonical_i64(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn floats_follow_strtold_rules() {
        assert_eq!(parse_f64(b"1.5"), Some(1.5));
        assert_eq!(parse_f64(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64(b"1e3"), Some(1000.0));
        assert_eq!(parse_f64(b"nan"), None);
        assert_eq!(parse_f64(b" 1"), None);
        assert_eq!(parse_f64(b"1x"), None);
    }

    #[test]
    fn repr_escapes_like_redis() {
        assert_eq!(repr(b"a\"b\n\x01"), "\"a\\\"b\\n\\x01\"");
    }
}
