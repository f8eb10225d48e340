//! BY and GET patterns (Redis's `lookupKeyByPattern`): `#` is the element
//! itself; otherwise the first `*` is replaced by the element to name a
//! key, whose string value is the result, or with `->field` after the `*`
//! the value of that hash field. Anything else (no `*`, a missing key, a
//! key of the wrong type, a missing or expired field) finds nothing.

use crate::keyspace::{DbView, Object, ValueRef};
use crate::strnum::strtod;

/// Looks `pattern` up for `element`.
pub(super) fn lookup(db: &mut DbView<'_>, pattern: &[u8], element: &[u8]) -> Option<Vec<u8>> {
    if pattern == b"#" {
        return Some(element.to_vec());
    }
    let star = pattern.iter().position(|&c| c == b'*')?;
    let after = &pattern[star + 1..];
    // `->` only counts when a field name follows it.
    let (postfix, field) = match after.windows(2).position(|w| w == b"->") {
        Some(at) if at + 2 < after.len() => (&after[..at], Some(&after[at + 2..])),
        _ => (after, None),
    };
    let mut key = Vec::with_capacity(star + element.len() + postfix.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(element);
    key.extend_from_slice(postfix);
    let now = db.now();
    let entry = db.get(&key)?;
    match (entry.value(), field) {
        (ValueRef::Str(s), None) => Some(s.to_vec()),
        (ValueRef::Int(i), None) => Some(itoa::Buffer::new().format(i).as_bytes().to_vec()),
        (ValueRef::Obj(Object::Hash(h)), Some(field)) => match h.field_expire(field)? {
            Some(at) if at < now => None,
            _ => h.get(field).map(<[u8]>::to_vec),
        },
        _ => None,
    }
}

/// A sort weight the way Redis reads it with C `strtod`: the whole string
/// (up to a NUL byte) must be a number; leading spaces are allowed, the
/// empty string is 0, NaN and out-of-range values (ERANGE) are refused.
pub(super) fn weight(b: &[u8]) -> Option<f64> {
    let (v, used, erange) = strtod(b);
    let rest_ok = b.get(used).is_none_or(|&c| c == 0);
    (rest_ok && !erange && !v.is_nan()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::weight;

    #[test]
    fn weights_follow_strtod() {
        assert_eq!(weight(b"12"), Some(12.0));
        assert_eq!(weight(b" 12"), Some(12.0));
        assert_eq!(weight(b""), Some(0.0));
        assert_eq!(weight(b"0x10"), Some(16.0));
        assert_eq!(weight(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(weight(b"1.5\0junk"), Some(1.5));
        assert_eq!(weight(b"12 "), None);
        assert_eq!(weight(b"abc"), None);
        assert_eq!(weight(b"nan"), None);
        assert_eq!(weight(b"1e400"), None);
        assert_eq!(weight(b"1e-310"), None);
    }
}
