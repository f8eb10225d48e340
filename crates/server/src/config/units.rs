//! Redis's value syntaxes: memory units (`1gb`, `100mb`, `1k`) and booleans.

/// Parses a memory value: a plain number of bytes or a number with a unit
/// (`k`/`m`/`g` are powers of 1000, `kb`/`mb`/`gb` powers of 1024), case-insensitive.
pub fn parse_memory(v: &str) -> Option<u64> {
    let lower = v.to_ascii_lowercase();
    let (digits, mul) = [
        ("gb", 1u64 << 30),
        ("mb", 1 << 20),
        ("kb", 1 << 10),
        ("g", 1_000_000_000),
        ("m", 1_000_000),
        ("k", 1000),
        ("b", 1),
    ]
    .iter()
    .find_map(|(suffix, mul)| lower.strip_suffix(suffix).map(|d| (d.to_string(), *mul)))
    .unwrap_or((lower.clone(), 1));
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(mul)
}

/// Formats bytes the way `CONFIG REWRITE` prints memory (largest exact unit).
pub fn format_memory(n: u64) -> String {
    for (unit, size) in [("gb", 1u64 << 30), ("mb", 1 << 20), ("kb", 1 << 10)] {
        if n != 0 && n.is_multiple_of(size) {
            return format!("{}{unit}", n / size);
        }
    }
    n.to_string()
}

/// Parses `yes`/`no` (case-insensitive).
pub fn parse_bool(v: &str) -> Option<bool> {
    if v.eq_ignore_ascii_case("yes") {
        Some(true)
    } else if v.eq_ignore_ascii_case("no") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_units_follow_redis() {
        assert_eq!(parse_memory("100"), Some(100));
        assert_eq!(parse_memory("1k"), Some(1000));
        assert_eq!(parse_memory("1KB"), Some(1024));
        assert_eq!(parse_memory("2gb"), Some(2 << 30));
        assert_eq!(parse_memory("1m"), Some(1_000_000));
        assert_eq!(parse_memory("-1"), None);
        assert_eq!(parse_memory("mb"), None);
        assert_eq!(parse_memory("1.5gb"), None);
    }

    #[test]
    fn memory_format_uses_largest_exact_unit() {
        assert_eq!(format_memory(1 << 30), "1gb");
        assert_eq!(format_memory(1536 * 1024), "1536kb");
        assert_eq!(format_memory(1000), "1000");
    }
}
