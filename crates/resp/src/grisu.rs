//! Grisu2 digit generation (Florian Loitsch, "Printing Floating-Point Numbers
//! Quickly and Accurately with Integers", PLDI 2010), tuned to give the very
//! digits Redis 7.2+ gets from its bundled `fpconv_dtoa`.
//!
//! Grisu2 yields digits that always round-trip and are the shortest possible
//! for the vast majority of doubles, but not all of them: in rare cases it
//! emits one digit more than Ryu would. Redis replies with exactly these
//! digits, so we cannot use `ryu` here; every choice below that affects the
//! output (the cached power table and how an entry is picked, the rounding
//! of the 64x64-bit product, the narrowing of the boundaries by one unit and
//! the final digit weeding) follows the paper's Grisu2 the way `fpconv` set it
//! up. This module owns only the digits and their decimal exponent; the text
//! layout lives in `double.rs`.

/// `f * 2^e`, the paper's "do-it-yourself floating point".
#[derive(Clone, Copy, Debug)]
struct DiyFp {
    f: u64,
    e: i32,
}

const FRACTION_MASK: u64 = 0x000F_FFFF_FFFF_FFFF;
const EXPONENT_MASK: u64 = 0x7FF0_0000_0000_0000;
const HIDDEN_BIT: u64 = 0x0010_0000_0000_0000;
const EXPONENT_BIAS: i32 = 1023 + 52;

/// Decimal digits of a double and their position: the value is
/// `0.d1d2...dn * 10^(n + k)`, i.e. `digits * 10^k`.
pub(crate) struct Digits {
    /// ASCII digits, most significant first (`len` of them are valid).
    pub buf: [u8; 32],
    /// Number of digits.
    pub len: usize,
    /// Decimal exponent of the last digit.
    pub k: i32,
}

impl Digits {
    /// The digits as a slice.
    pub fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Digits of a finite, non-zero `v` (the sign is ignored).
pub(crate) fn grisu2(v: f64) -> Digits {
    let w = decompose(v);
    let (lower, upper) = boundaries(w);
    let w = normalize(w);
    let (cached, k) = cached_power(upper.e);
    let w = multiply(w, cached);
    let mut upper = multiply(upper, cached);
    let mut lower = multiply(lower, cached);
    // Stay one unit inside the rounding interval: the products above may be
    // off by up to one unit each way.
    lower.f = lower.f.wrapping_add(1);
    upper.f = upper.f.wrapping_sub(1);
    let mut digits = Digits { buf: [0; 32], len: 0, k: -k };
    generate_digits(w, upper, lower, &mut digits);
    digits
}

fn decompose(v: f64) -> DiyFp {
    let bits = v.to_bits();
    let fraction = bits & FRACTION_MASK;
    let biased = ((bits & EXPONENT_MASK) >> 52) as i32;
    if biased == 0 {
        // Subnormal: no hidden bit, smallest exponent.
        DiyFp { f: fraction, e: 1 - EXPONENT_BIAS }
    } else {
        DiyFp { f: fraction + HIDDEN_BIT, e: biased - EXPONENT_BIAS }
    }
}

/// Shifts `w` left until its top bit is set (`w.f` must not be zero).
fn normalize(mut w: DiyFp) -> DiyFp {
    while w.f & HIDDEN_BIT == 0 {
        w.f <<= 1;
        w.e -= 1;
    }
    w.f <<= 11;
    w.e -= 11;
    w
}

/// The midpoints between `w` and its neighbours, normalised to a common
/// exponent with the top bit of the upper one set.
fn boundaries(w: DiyFp) -> (DiyFp, DiyFp) {
    let mut upper = DiyFp { f: (w.f << 1) + 1, e: w.e - 1 };
    while upper.f & (HIDDEN_BIT << 1) == 0 {
        upper.f <<= 1;
        upper.e -= 1;
    }
    upper.f <<= 10;
    upper.e -= 10;

    // At a power of two the next smaller double is twice as close.
    let lower_shift = if w.f == HIDDEN_BIT { 2 } else { 1 };
    let lower_e = w.e - lower_shift;
    let lower = DiyFp { f: ((w.f << lower_shift) - 1) << (lower_e - upper.e), e: upper.e };
    (lower, upper)
}

/// The 64 high bits of the 128-bit product, rounded half up.
fn multiply(a: DiyFp, b: DiyFp) -> DiyFp {
    let product = u128::from(a.f) * u128::from(b.f) + (1u128 << 63);
    DiyFp { f: (product >> 64) as u64, e: a.e + b.e + 64 }
}

/// Smallest and largest binary exponent the scaled value may have, so that
/// its integer part fits in 32 bits and its fraction in at most 60.
const MIN_TARGET_EXP: i32 = -60;
const MAX_TARGET_EXP: i32 = -32;
const FIRST_POWER: i32 = -348;
const POWER_STEP: i32 = 8;

/// A cached power of ten `c = 10^k` such that `e + c.e + 64` lies in the
/// target range. The starting guess (including its odd offset of 87, the
/// table size) decides which of two valid neighbours is used when both fit,
/// which changes the digits in rare cases; it is kept as `fpconv` has it.
fn cached_power(e: i32) -> (DiyFp, i32) {
    let approx = (f64::from(-(e + POWERS.len() as i32)) * 0.301_029_995_663_981_14) as i32;
    let last = POWERS.len() as i32 - 1;
    let mut idx = ((approx - FIRST_POWER) / POWER_STEP).clamp(0, last);
    // The search moves at most a couple of steps; the bound only guards
    // against an infinite loop on impossible input.
    for _ in 0..POWERS.len() {
        let (_, pe) = POWERS[idx as usize];
        let scaled = e + pe + 64;
        if scaled < MIN_TARGET_EXP && idx < last {
            idx += 1;
        } else if scaled > MAX_TARGET_EXP && idx > 0 {
            idx -= 1;
        } else {
            break;
        }
    }
    let (f, pe) = POWERS[idx as usize];
    (DiyFp { f, e: pe }, FIRST_POWER + idx * POWER_STEP)
}

/// Generates digits of `upper` until the rest falls inside the interval
/// `[lower, upper]`, then weeds the last digit towards `w`.
fn generate_digits(w: DiyFp, upper: DiyFp, lower: DiyFp, out: &mut Digits) {
    let wfrac = upper.f.wrapping_sub(w.f);
    let mut delta = upper.f.wrapping_sub(lower.f);
    // `upper.e` is in [-60, -32]: split into a 32-bit integer part and a
    // fraction of `shift` bits.
    let shift = (-upper.e) as u32;
    let one = 1u64 << shift;
    let mut integral = upper.f >> shift;
    let mut fraction = upper.f & (one - 1);

    let mut kappa: i32 = 10;
    let mut divisor: u64 = 1_000_000_000;
    while kappa > 0 {
        let digit = integral / divisor;
        push_digit(out, digit);
        integral -= digit * divisor;
        kappa -= 1;
        let rest = (integral << shift) + fraction;
        if rest <= delta {
            out.k += kappa;
            weed(out, delta, rest, divisor << shift, wfrac);
            return;
        }
        divisor /= 10;
    }

    let mut unit: u64 = 10;
    loop {
        fraction = fraction.wrapping_mul(10);
        delta = delta.wrapping_mul(10);
        kappa -= 1;
        let digit = fraction >> shift;
        push_digit(out, digit);
        fraction &= one - 1;
        if fraction < delta {
            out.k += kappa;
            weed(out, delta, fraction, one, wfrac.wrapping_mul(unit));
            return;
        }
        if out.len == out.buf.len() {
            // Cannot happen for a double (at most 17 significant digits);
            // stop rather than loop on impossible input.
            return;
        }
        unit = unit.wrapping_mul(10);
    }
}

/// Appends a digit, skipping leading zeros.
fn push_digit(out: &mut Digits, digit: u64) {
    if (digit != 0 || out.len != 0) && out.len < out.buf.len() {
        out.buf[out.len] = b'0' + digit as u8;
        out.len += 1;
    }
}

/// Lowers the last digit while that brings the number closer to `w`
/// (distance `frac` below `upper`) and keeps it inside the interval.
fn weed(out: &mut Digits, delta: u64, mut rest: u64, ten_kappa: u64, frac: u64) {
    let Some(last) = out.len.checked_sub(1) else {
        return;
    };
    while rest < frac
        && delta.wrapping_sub(rest) >= ten_kappa
        && (rest.wrapping_add(ten_kappa) < frac
            || frac.wrapping_sub(rest) > rest.wrapping_add(ten_kappa).wrapping_sub(frac))
    {
        out.buf[last] = out.buf[last].wrapping_sub(1);
        rest = rest.wrapping_add(ten_kappa);
    }
}

/// `10^k` for `k = -348, -340, ..., 340`, as 64-bit significands rounded to
/// nearest with their binary exponents (`10^k ≈ f * 2^e`). Generated with
/// exact rational arithmetic (Python `fractions`).
#[rustfmt::skip]
static POWERS: [(u64, i32); 87] = [
    (0xfa8fd5a0081c0288, -1220), // 1e-348
    (0xbaaee17fa23ebf76, -1193), // 1e-340
    (0x8b16fb203055ac76, -1166), // 1e-332
    (0xcf42894a5dce35ea, -1140), // 1e-324
    (0x9a6bb0aa55653b2d, -1113), // 1e-316
    (0xe61acf033d1a45df, -1087), // 1e-308
    (0xab70fe17c79ac6ca, -1060), // 1e-300
    (0xff77b1fcbebcdc4f, -1034), // 1e-292
    (0xbe5691ef416bd60c, -1007), // 1e-284
    (0x8dd01fad907ffc3c, -980), // 1e-276
    (0xd3515c2831559a83, -954), // 1e-268
    (0x9d71ac8fada6c9b5, -927), // 1e-260
    (0xea9c227723ee8bcb, -901), // 1e-252
    (0xaecc49914078536d, -874), // 1e-244
    (0x823c12795db6ce57, -847), // 1e-236
    (0xc21094364dfb5637, -821), // 1e-228
    (0x9096ea6f3848984f, -794), // 1e-220
    (0xd77485cb25823ac7, -768), // 1e-212
    (0xa086cfcd97bf97f4, -741), // 1e-204
    (0xef340a98172aace5, -715), // 1e-196
    (0xb23867fb2a35b28e, -688), // 1e-188
    (0x84c8d4dfd2c63f3b, -661), // 1e-180
    (0xc5dd44271ad3cdba, -635), // 1e-172
    (0x936b9fcebb25c996, -608), // 1e-164
    (0xdbac6c247d62a584, -582), // 1e-156
    (0xa3ab66580d5fdaf6, -555), // 1e-148
    (0xf3e2f893dec3f126, -529), // 1e-140
    (0xb5b5ada8aaff80b8, -502), // 1e-132
    (0x87625f056c7c4a8b, -475), // 1e-124
    (0xc9bcff6034c13053, -449), // 1e-116
    (0x964e858c91ba2655, -422), // 1e-108
    (0xdff9772470297ebd, -396), // 1e-100
    (0xa6dfbd9fb8e5b88f, -369), // 1e-92
    (0xf8a95fcf88747d94, -343), // 1e-84
    (0xb94470938fa89bcf, -316), // 1e-76
    (0x8a08f0f8bf0f156b, -289), // 1e-68
    (0xcdb02555653131b6, -263), // 1e-60
    (0x993fe2c6d07b7fac, -236), // 1e-52
    (0xe45c10c42a2b3b06, -210), // 1e-44
    (0xaa242499697392d3, -183), // 1e-36
    (0xfd87b5f28300ca0e, -157), // 1e-28
    (0xbce5086492111aeb, -130), // 1e-20
    (0x8cbccc096f5088cc, -103), // 1e-12
    (0xd1b71758e219652c, -77), // 1e-4
    (0x9c40000000000000, -50), // 1e4
    (0xe8d4a51000000000, -24), // 1e12
    (0xad78ebc5ac620000, 3), // 1e20
    (0x813f3978f8940984, 30), // 1e28
    (0xc097ce7bc90715b3, 56), // 1e36
    (0x8f7e32ce7bea5c70, 83), // 1e44
    (0xd5d238a4abe98068, 109), // 1e52
    (0x9f4f2726179a2245, 136), // 1e60
    (0xed63a231d4c4fb27, 162), // 1e68
    (0xb0de65388cc8ada8, 189), // 1e76
    (0x83c7088e1aab65db, 216), // 1e84
    (0xc45d1df942711d9a, 242), // 1e92
    (0x924d692ca61be758, 269), // 1e100
    (0xda01ee641a708dea, 295), // 1e108
    (0xa26da3999aef774a, 322), // 1e116
    (0xf209787bb47d6b85, 348), // 1e124
    (0xb454e4a179dd1877, 375), // 1e132
    (0x865b86925b9bc5c2, 402), // 1e140
    (0xc83553c5c8965d3d, 428), // 1e148
    (0x952ab45cfa97a0b3, 455), // 1e156
    (0xde469fbd99a05fe3, 481), // 1e164
    (0xa59bc234db398c25, 508), // 1e172
    (0xf6c69a72a3989f5c, 534), // 1e180
    (0xb7dcbf5354e9bece, 561), // 1e188
    (0x88fcf317f22241e2, 588), // 1e196
    (0xcc20ce9bd35c78a5, 614), // 1e204
    (0x98165af37b2153df, 641), // 1e212
    (0xe2a0b5dc971f303a, 667), // 1e220
    (0xa8d9d1535ce3b396, 694), // 1e228
    (0xfb9b7cd9a4a7443c, 720), // 1e236
    (0xbb764c4ca7a44410, 747), // 1e244
    (0x8bab8eefb6409c1a, 774), // 1e252
    (0xd01fef10a657842c, 800), // 1e260
    (0x9b10a4e5e9913129, 827), // 1e268
    (0xe7109bfba19c0c9d, 853), // 1e276
    (0xac2820d9623bf429, 880), // 1e284
    (0x80444b5e7aa7cf85, 907), // 1e292
    (0xbf21e44003acdd2d, 933), // 1e300
    (0x8e679c2f5e44ff8f, 960), // 1e308
    (0xd433179d9c8cb841, 986), // 1e316
    (0x9e19db92b4e31ba9, 1013), // 1e324
    (0xeb96bf6ebadf77d9, 1039), // 1e332
    (0xaf87023b9bf0ee6b, 1066), // 1e340
];
