//! Redis's text form of a double (`d2string` in Redis 7.2+ `util.c`), used
//! for RESP3 `,` frames and for the RESP2 bulk string that replaces them.
//!
//! The rules, in order:
//! - NaN is `nan` (whatever its sign), infinities are `inf` and `-inf`;
//! - zero is `0`, negative zero `-0`;
//! - an integral value with magnitude at most 2^62 is printed as an integer
//!   (`3`, `100000000000000000`);
//! - anything else gets the Grisu2 digits (see `grisu.rs`) laid out as
//!   * a plain integer with trailing zeros when the decimal exponent `K` of
//!     the last digit is >= 0 and the exponent of the first digit is below
//!     `ndigits + 7`,
//!   * a plain decimal (`0.00001`, `123456789.125`) when `K` is in -6..=-1,
//!     or the first digit's exponent magnitude is below 4,
//!   * otherwise scientific, `d.ddde+XX`, with the exponent's sign always
//!     written and no zero padding (`1e+20`, `1.5e-7`, `1e+300`).
//!
//! This module owns only the text; where it goes is the encoder's business.

use crate::grisu::grisu2;

/// Longest text [`format_double`] can produce (`-0.000000` and 17 digits).
pub const MAX_DOUBLE_LEN: usize = 32;

/// Appends Redis 7.2+'s text for `v` to `out`: the shortest digits Redis's
/// Grisu2 produces that read back as the same double.
///
/// ```
/// let mut out = Vec::new();
/// hearth_resp::format_double(0.1, &mut out);
/// assert_eq!(out, b"0.1");
/// out.clear();
/// hearth_resp::format_double(1e20, &mut out);
/// assert_eq!(out, b"1e+20");
/// ```
pub fn format_double(v: f64, out: &mut Vec<u8>) {
    let mut buf = [0u8; MAX_DOUBLE_LEN];
    let len = format_double_into(v, &mut buf);
    out.extend_from_slice(&buf[..len]);
}

/// Writes Redis's text for `v` at the start of `buf` and returns its length.
pub(crate) fn format_double_into(v: f64, buf: &mut [u8; MAX_DOUBLE_LEN]) -> usize {
    if v.is_nan() {
        return put(buf, 0, b"nan");
    }
    if v.is_infinite() {
        return put(buf, 0, if v < 0.0 { &b"-inf"[..] } else { &b"inf"[..] });
    }
    if v == 0.0 {
        return put(buf, 0, if v.is_sign_negative() { &b"-0"[..] } else { &b"0"[..] });
    }
    // Redis prints integral values up to 2^62 with its integer formatter;
    // the bound is `LLONG_MAX / 2` converted to a double.
    const LIMIT: f64 = 4_611_686_018_427_387_904.0;
    if (-LIMIT..=LIMIT).contains(&v) {
        let i = v as i64;
        if i as f64 == v {
            let mut itoa = itoa::Buffer::new();
            return put(buf, 0, itoa.format(i).as_bytes());
        }
    }
    let mut len = 0;
    let negative = v.is_sign_negative();
    if negative {
        len = put(buf, 0, b"-");
    }
    let digits = grisu2(v);
    len + layout(digits.as_slice(), digits.k, negative, &mut buf[len..])
}

/// Copies `s` into `buf` at `at` and returns the new end.
fn put(buf: &mut [u8], at: usize, s: &[u8]) -> usize {
    let end = at + s.len();
    buf[at..end].copy_from_slice(s);
    end
}

/// Lays out `digits * 10^k` as plain integer, plain decimal or scientific
/// text into `out`; returns the length written.
fn layout(digits: &[u8], k: i32, negative: bool, out: &mut [u8]) -> usize {
    let n = digits.len() as i32;
    let exp = (k + n - 1).abs();

    if k >= 0 && exp < n + 7 {
        let len = put(out, 0, digits);
        let end = len + k as usize;
        out[len..end].fill(b'0');
        return end;
    }

    if k < 0 && (k > -7 || exp < 4) {
        let int_digits = n + k;
        if int_digits <= 0 {
            let zeros = (-int_digits) as usize;
            let at = put(out, 0, b"0.");
            out[at..at + zeros].fill(b'0');
            return put(out, at + zeros, digits);
        }
        let (int_part, frac_part) = digits.split_at(int_digits as usize);
        let at = put(out, 0, int_part);
        let at = put(out, at, b".");
        return put(out, at, frac_part);
    }

    // Scientific. Redis caps the digits at 18 (17 when negative); Grisu2
    // never produces more than 17, so this only mirrors its layout.
    let shown = digits.len().min(if negative { 17 } else { 18 });
    let mut at = put(out, 0, &digits[..1]);
    if shown > 1 {
        at = put(out, at, b".");
        at = put(out, at, &digits[1..shown]);
    }
    let sign: &[u8] = if k + shown as i32 - 1 < 0 { b"e-" } else { b"e+" };
    at = put(out, at, sign);
    let mut itoa = itoa::Buffer::new();
    put(out, at, itoa.format(exp).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: f64) -> String {
        let mut out = Vec::new();
        format_double(v, &mut out);
        String::from_utf8(out).expect("double text is ASCII")
    }

    #[test]
    fn specials_use_redis_spelling() {
        assert_eq!(text(f64::NAN), "nan");
        assert_eq!(text(-f64::NAN), "nan");
        assert_eq!(text(f64::INFINITY), "inf");
        assert_eq!(text(f64::NEG_INFINITY), "-inf");
        assert_eq!(text(0.0), "0");
        assert_eq!(text(-0.0), "-0");
    }

    #[test]
    fn integral_values_up_to_two_pow_62_print_as_integers() {
        assert_eq!(text(3.0), "3");
        assert_eq!(text(-42.0), "-42");
        assert_eq!(text(1e16), "10000000000000000");
        assert_eq!(text(1e17), "100000000000000000");
        assert_eq!(text(4_611_686_018_427_387_904.0), "4611686018427387904");
        assert_eq!(text(-4_611_686_018_427_387_904.0), "-4611686018427387904");
    }

    #[test]
    fn large_values_beyond_two_pow_62_use_grisu_layout() {
        assert_eq!(text(1e20), "1e+20");
        assert_eq!(text(-1e20), "-1e+20");
        assert_eq!(text(5e18), "5e+18");
        assert_eq!(text(1.2345e19), "1.2345e+19");
        // 2^62 + 2^10: the shortest digits padded with zeros, as Redis does.
        assert_eq!(text(4_611_686_018_427_388_928.0), "4611686018427389000");
        assert_eq!(text(f64::MAX), "1.7976931348623157e+308");
        assert_eq!(text(1e300), "1e+300");
        assert_eq!(text(1e100), "1e+100");
    }

    #[test]
    fn fractions_use_shortest_round_trip_digits() {
        assert_eq!(text(0.1), "0.1");
        assert_eq!(text(0.00001), "0.00001");
        assert_eq!(text(0.000001), "0.000001");
        assert_eq!(text(123456789.125), "123456789.125");
        assert_eq!(text(1.5), "1.5");
        assert_eq!(text(-2.25), "-2.25");
        assert_eq!(text(0.30000000000000004), "0.30000000000000004");
    }

    #[test]
    fn small_values_switch_to_unpadded_scientific() {
        assert_eq!(text(1e-7), "1e-7");
        assert_eq!(text(1.5e-7), "1.5e-7");
        assert_eq!(text(1e-10), "1e-10");
        assert_eq!(text(f64::MIN_POSITIVE), "2.2250738585072014e-308");
        assert_eq!(text(5e-324), "5e-324");
    }

    #[test]
    fn many_digits_below_ten_thousand_stay_decimal() {
        assert_eq!(text(12.345678901), "12.345678901");
        assert_eq!(text(1234.5678901234), "1234.5678901234");
    }

    #[test]
    fn keeps_redis_grisu_digits_where_a_shorter_form_exists() {
        // Checked against Redis 7.4.1's fpconv_dtoa: Grisu2 gives one digit
        // more than the shortest round-trip form (Ryu) for these.
        let cases: [(u64, &str); 6] = [
            (0xc7c6_6e6a_318e_fcd3, "-5.9632644847114895e+37"),
            (0x3e91_7085_3aeb_3823, "2.5986929134698163e-7"),
            (0x9abd_fb7a_adb6_192e, "-7.2255038398018684e-180"),
            (0xc214_3c64_dc44_192b, "-21728147217.024578"),
            (0xc42c_194b_fa7d_b6fc, "-259165829977958380000"),
            (0x5d5d_19db_7220_68c5, "5.5448009838943703e+141"),
        ];
        for (bits, want) in cases {
            assert_eq!(text(f64::from_bits(bits)), want);
        }
    }

    #[test]
    fn every_output_parses_back_to_the_same_value() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            // xorshift: deterministic bit patterns over the whole range.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = f64::from_bits(x);
            if !v.is_finite() {
                continue;
            }
            let t = text(v);
            let back: f64 = t.parse().expect("Redis double text parses");
            assert_eq!(back.to_bits(), v.to_bits(), "{v:e} printed as {t}");
            assert!(t.len() <= MAX_DOUBLE_LEN);
        }
    }
}
