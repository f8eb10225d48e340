//! Splitting an inline command line (`SET k "a b"\r\n`, what telnet users
//! type) into arguments, with the rules of Redis's `sdssplitargs`:
//!
//! - arguments are separated by runs of C whitespace (space, `\t`, `\n`,
//!   `\v`, `\f`, `\r`), but only space, `\t`, `\n` and `\r` end an unquoted
//!   argument (`a\vb` is one argument);
//! - `"..."` understands `\n \r \t \b \a`, `\xHH` and `\<any>` (the byte
//!   itself); `'...'` understands only `\'`;
//! - a quote may start mid-argument (`x"y"` is `xy`), and a closing quote must
//!   be followed by whitespace or the end of the line; an unterminated quote
//!   is an error.
//!
//! One deliberate difference: Redis stops at a NUL byte (C strings); we treat
//! NUL as an ordinary byte. Arguments are unescaped into a reused scratch
//! buffer; this module owns nothing else.

use crate::error::ProtocolError;

/// Splits `line` (without its line terminator) into arguments, written
/// unescaped to `scratch` with their ranges in `spans` (both cleared first).
pub(crate) fn split_args(
    line: &[u8],
    scratch: &mut Vec<u8>,
    spans: &mut Vec<(usize, usize)>,
) -> Result<(), ProtocolError> {
    scratch.clear();
    spans.clear();
    let mut p = 0;
    loop {
        while p < line.len() && is_c_space(line[p]) {
            p += 1;
        }
        if p == line.len() {
            return Ok(());
        }
        let start = scratch.len();
        p = read_arg(line, p, scratch)?;
        spans.push((start, scratch.len()));
    }
}

/// Reads one argument starting at the non-blank byte `p`; returns the
/// position after it (and after the separator that ended it, if any).
fn read_arg(line: &[u8], mut p: usize, out: &mut Vec<u8>) -> Result<usize, ProtocolError> {
    loop {
        let Some(&c) = line.get(p) else {
            return Ok(p);
        };
        match c {
            b' ' | b'\n' | b'\r' | b'\t' => return Ok(p + 1),
            b'"' => return double_quoted(line, p + 1, out),
            b'\'' => return single_quoted(line, p + 1, out),
            _ => {
                out.push(c);
                p += 1;
            }
        }
    }
}

/// Reads the inside of `"..."` from `p` (after the opening quote).
fn double_quoted(line: &[u8], mut p: usize, out: &mut Vec<u8>) -> Result<usize, ProtocolError> {
    loop {
        let Some(&c) = line.get(p) else {
            return Err(ProtocolError::UnbalancedQuotes);
        };
        match c {
            b'\\' => {
                if line.get(p + 1) == Some(&b'x') {
                    let hi = line.get(p + 2).copied().and_then(hex_value);
                    let lo = line.get(p + 3).copied().and_then(hex_value);
                    if let (Some(hi), Some(lo)) = (hi, lo) {
                        out.push(hi << 4 | lo);
                        p += 4;
                        continue;
                    }
                }
                match line.get(p + 1) {
                    Some(&escaped) => {
                        out.push(match escaped {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 0x08,
                            b'a' => 0x07,
                            other => other,
                        });
                        p += 2;
                    }
                    // A lone backslash at the end: kept, then the quote is
                    // unterminated.
                    None => return Err(ProtocolError::UnbalancedQuotes),
                }
            }
            b'"' => return closing_quote(line, p),
            _ => {
                out.push(c);
                p += 1;
            }
        }
    }
}

/// Reads the inside of `'...'` from `p` (after the opening quote).
fn single_quoted(line: &[u8], mut p: usize, out: &mut Vec<u8>) -> Result<usize, ProtocolError> {
    loop {
        let Some(&c) = line.get(p) else {
            return Err(ProtocolError::UnbalancedQuotes);
        };
        if c == b'\\' && line.get(p + 1) == Some(&b'\'') {
            out.push(b'\'');
            p += 2;
        } else if c == b'\'' {
            return closing_quote(line, p);
        } else {
            out.push(c);
            p += 1;
        }
    }
}

/// A closing quote at `p` must be followed by whitespace or the end.
fn closing_quote(line: &[u8], p: usize) -> Result<usize, ProtocolError> {
    match line.get(p + 1) {
        Some(&next) if !is_c_space(next) => Err(ProtocolError::UnbalancedQuotes),
        _ => Ok(p + 1),
    }
}

/// C's `isspace` in the "C" locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &[u8]) -> Result<Vec<Vec<u8>>, ProtocolError> {
        let mut scratch = Vec::new();
        let mut spans = Vec::new();
        split_args(line, &mut scratch, &mut spans)?;
        Ok(spans.iter().map(|&(s, e)| scratch[s..e].to_vec()).collect())
    }

    fn ok(line: &[u8], want: &[&[u8]]) {
        assert_eq!(split(line), Ok(want.iter().map(|a| a.to_vec()).collect()), "{:?}", line.escape_ascii().to_string());
    }

    #[test]
    fn splits_on_runs_of_whitespace() {
        ok(b"  SET  k\tv ", &[b"SET", b"k", b"v"]);
        ok(b"", &[]);
        ok(b" \t ", &[]);
    }

    #[test]
    fn carriage_return_separates_but_vertical_tab_only_skips_at_the_start() {
        ok(b"ECHO a\rb", &[b"ECHO", b"a", b"b"]);
        ok(b"ECHO \x0bab\x0bc", &[b"ECHO", b"ab\x0bc"]);
    }

    #[test]
    fn double_quotes_understand_c_escapes_and_hex() {
        ok(br#"SET "a b" "\x41\n\r\t\b\a\\\"\q""#, &[b"SET", b"a b", b"A\n\r\t\x08\x07\\\"q"]);
        ok(br#""\xZZ""#, &[b"xZZ"]);
        ok(br#""\x4""#, &[b"x4"]);
        ok(br#""""#, &[b""]);
    }

    #[test]
    fn single_quotes_understand_only_escaped_quote() {
        ok(br"ECHO 'a\'b\n'", &[b"ECHO", b"a'b\\n"]);
    }

    #[test]
    fn quote_may_start_mid_argument() {
        ok(br#"ECHO x"ab" y'c d'"#, &[b"ECHO", b"xab", b"yc d"]);
    }

    #[test]
    fn closing_quote_followed_by_a_letter_is_unbalanced() {
        assert_eq!(split(br#"ECHO "ab"x"#), Err(ProtocolError::UnbalancedQuotes));
        assert_eq!(split(br"ECHO 'ab'x"), Err(ProtocolError::UnbalancedQuotes));
        ok(b"ECHO \"ab\"\x0bx", &[b"ECHO", b"ab", b"x"]);
    }

    #[test]
    fn unterminated_quotes_are_unbalanced() {
        assert_eq!(split(br#"ECHO "ab"#), Err(ProtocolError::UnbalancedQuotes));
        assert_eq!(split(br#"ECHO "a\"#), Err(ProtocolError::UnbalancedQuotes));
        assert_eq!(split(br"ECHO 'ab"), Err(ProtocolError::UnbalancedQuotes));
    }

    #[test]
    fn nul_is_an_ordinary_byte() {
        ok(b"A\x00B \"\x00\"", &[b"A\x00B", b"\x00"]);
    }
}
