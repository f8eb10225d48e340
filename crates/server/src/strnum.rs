//! Conversions between strings and numbers with Redis's exact rules,
//! shared by the keyspace (integer encoding) and the commands (arguments).

use std::ffi::c_char;

/// C `isspace` in the C locale.
pub fn c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Runs C `strtod` on `b` (read as a C string: it stops at a NUL byte).
/// Returns the value, the bytes consumed and whether errno was ERANGE.
pub fn strtod(b: &[u8]) -> (f64, usize, bool) {
    let mut small = [0u8; 64];
    let mut big = Vec::new();
    let buf: &[u8] = if b.len() < small.len() {
        small[..b.len()].copy_from_slice(b);
        &small[..=b.len()]
    } else {
        big.extend_from_slice(b);
        big.push(0);
        &big
    };
    let mut end: *mut c_char = std::ptr::null_mut();
    // SAFETY: `buf` is NUL-terminated and outlives the call; errno is
    // thread-local.
    unsafe {
        *libc::__errno_location() = 0;
        let v = libc::strtod(buf.as_ptr().cast(), &mut end);
        let erange = *libc::__errno_location() == libc::ERANGE;
        (v, end.cast_const().offset_from(buf.as_ptr().cast()) as usize, erange)
    }
}

/// Parses a canonical decimal i64 the way Redis's `string2ll` does: no
/// sign other than a leading `-`, no leading zeros (`007`), no spaces, no
/// `-0`, at most 20 bytes.
pub fn parse_canonical_i64(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    if b == b"0" {
        return Some(0);
    }
    let (neg, digits) = match b[0] {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || !(b'1'..=b'9').contains(&digits[0]) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((d - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            return None;
        }
        Some((v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::parse_canonical_i64;

    #[test]
    fn only_canonical_spellings_are_integers() {
        assert_eq!(parse_canonical_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_canonical_i64(b"9223372036854775807"), Some(i64::MAX));
        for bad in [&b"007"[..], b"-0", b"+1", b" 1", b"", b"9223372036854775808"] {
            assert_eq!(parse_canonical_i64(bad), None);
        }
    }
}
