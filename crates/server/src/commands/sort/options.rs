//! SORT's SQL-like options, read left to right as Redis's
//! `sortCommandGeneric` reads them: the first bad option decides the error,
//! and every error comes before the key is looked up.

use hearth_resp::{Args, Frame};

use crate::commands::args::{int_arg, is};
use crate::reply::{err, SYNTAX};

/// What a SORT call asks for.
pub(super) struct SortOptions<'a> {
    /// DESC given (the last of ASC/DESC wins).
    pub desc: bool,
    /// ALPHA given: compare as strings, not as numbers.
    pub alpha: bool,
    /// LIMIT offset (0 without LIMIT).
    pub offset: i64,
    /// LIMIT count (-1 without LIMIT: everything).
    pub count: i64,
    /// STORE destination (never set for SORT_RO).
    pub store: Option<&'a [u8]>,
    /// The last BY pattern.
    pub by: Option<&'a [u8]>,
    /// Whether some BY pattern had no `*`: the elements keep their order.
    /// Sticky, as in Redis: a later BY with a `*` does not turn it off.
    pub dont_sort: bool,
    /// GET patterns, in order.
    pub gets: Vec<&'a [u8]>,
}

impl<'a> SortOptions<'a> {
    /// Parses `args[2..]`. `readonly` (SORT_RO) makes STORE a syntax error.
    pub fn parse(args: Args<'a>, readonly: bool) -> Result<SortOptions<'a>, Frame> {
        let mut o = SortOptions {
            desc: false,
            alpha: false,
            offset: 0,
            count: -1,
            store: None,
            by: None,
            dont_sort: false,
            gets: Vec::new(),
        };
        let mut j = 2;
        while j < args.len() {
            let arg = args.get(j);
            let left = args.len() - j - 1;
            if is(arg, "asc") {
                o.desc = false;
            } else if is(arg, "desc") {
                o.desc = true;
            } else if is(arg, "alpha") {
                o.alpha = true;
            } else if is(arg, "limit") && left >= 2 {
                o.offset = int_arg(args.get(j + 1))?;
                o.count = int_arg(args.get(j + 2))?;
                j += 2;
            } else if !readonly && is(arg, "store") && left >= 1 {
                o.store = Some(args.get(j + 1));
                j += 1;
            } else if is(arg, "by") && left >= 1 {
                let pattern = args.get(j + 1);
                o.by = Some(pattern);
                if !pattern.contains(&b'*') {
                    o.dont_sort = true;
                }
                j += 1;
            } else if is(arg, "get") && left >= 1 {
                o.gets.push(args.get(j + 1));
                j += 1;
            } else {
                return Err(err(SYNTAX));
            }
            j += 1;
        }
        Ok(o)
    }

    /// Whether some pattern can name keys other than the sorted one and
    /// the destination (so the whole database must be locked).
    pub fn reads_other_keys(&self) -> bool {
        let names_keys = |p: &&[u8]| p.contains(&b'*');
        self.by.as_ref().is_some_and(names_keys) || self.gets.iter().filter(|g| **g != b"#").any(names_keys)
    }
}

/// The `(first, last)` positions of the output window in a vector of
/// `len` elements (empty when `last < first`), with Redis's clamping of
/// LIMIT's offset and count.
pub(super) fn window(offset: i64, count: i64, len: usize) -> (i64, i64) {
    let len = len as i64;
    let mut start = offset.clamp(0, len);
    let count = count.clamp(-1, len);
    let mut end = if count < 0 { len - 1 } else { start + count - 1 };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn window_clamps_like_redis() {
        assert_eq!(window(0, -1, 5), (0, 4));
        assert_eq!(window(1, 2, 5), (1, 2));
        assert_eq!(window(-3, 2, 5), (0, 1));
        assert_eq!(window(4, 10, 5), (4, 4));
        assert_eq!(window(5, 1, 5), (4, 3));
        assert_eq!(window(0, 0, 5), (0, -1));
        assert_eq!(window(0, -1, 0), (-1, -2));
        assert_eq!(window(i64::MAX, i64::MAX, 3), (2, 1));
    }
}
