//! Full RESP2 + RESP3 frame decoder, for clients and tests (the server reads
//! requests with [`crate::parse_command`] instead).
//!
//! Decodes every type of [`Frame`]: simple strings, errors (simple and blob
//! `!`), integers, bulk strings, RESP2 nulls (`$-1` -> [`Frame::Null`], `*-1`
//! -> [`Frame::NullArray`]), RESP3 null `_`, arrays, maps, sets, pushes,
//! doubles, booleans, big numbers, verbatim strings and attributes. A
//! top-level attribute is returned as its own [`Frame::Attribute`] (the
//! reply it annotates is the next frame); an attribute inside an aggregate is
//! skipped, as it does not count as an element. Streamed aggregates and
//! strings (`*?`, `$?`) are not supported.
//!
//! Decoding first checks that the whole frame has arrived without
//! allocating, then builds it, so waiting for a large reply in many small
//! reads costs little. Nesting is limited to [`MAX_DEPTH`] so that hostile
//! input cannot overflow the stack.

use bytes::Bytes;

use crate::error::ProtocolError;
use crate::frame::Frame;

/// Deepest nesting of aggregates [`decode_frame`] accepts.
pub const MAX_DEPTH: usize = 512;

/// Decodes one frame from the start of `buf`.
///
/// `Ok(None)` means the frame is not complete yet; `Ok(Some((frame,
/// consumed)))` gives the frame and the number of bytes it used.
///
/// ```
/// use hearth_resp::{decode_frame, Frame};
///
/// let (frame, used) = decode_frame(b"%1\r\n+a\r\n#t\r\n").unwrap().unwrap();
/// assert_eq!(frame, Frame::Map(vec![(Frame::simple("a"), Frame::Boolean(true))]));
/// assert_eq!(used, 12);
/// assert_eq!(decode_frame(b"*2\r\n:1\r\n").unwrap(), None);
/// ```
pub fn decode_frame(buf: &[u8]) -> Result<Option<(Frame, usize)>, ProtocolError> {
    if value::<false>(buf, 0, 0)?.is_none() {
        return Ok(None);
    }
    value::<true>(buf, 0, 0)
}

type Step = Result<Option<(Frame, usize)>, ProtocolError>;

/// Parses the value at `pos`. With `BUILD == false` it only finds where the
/// value ends (returning a placeholder frame), without allocating.
fn value<const BUILD: bool>(buf: &[u8], pos: usize, depth: usize) -> Step {
    let Some(&kind) = buf.get(pos) else {
        return Ok(None);
    };
    let Some((line, next)) = line(buf, pos + 1)? else {
        return Ok(None);
    };
    let frame = match kind {
        b'+' => Frame::Simple(bytes::<BUILD>(line)),
        b'-' => Frame::Error(bytes::<BUILD>(line)),
        b':' => Frame::Integer(integer(line).ok_or(ProtocolError::InvalidInteger)?),
        b'_' if line.is_empty() => Frame::Null,
        b'_' => return Err(ProtocolError::ExpectedCrlf),
        b'#' => match line {
            b"t" => Frame::Boolean(true),
            b"f" => Frame::Boolean(false),
            _ => return Err(ProtocolError::InvalidBoolean),
        },
        b',' => Frame::Double(double(line).ok_or(ProtocolError::InvalidDouble)?),
        b'(' => {
            if !is_big_number(line) {
                return Err(ProtocolError::InvalidBigNumber);
            }
            Frame::BigNumber(bytes::<BUILD>(line))
        }
        b'$' | b'!' | b'=' => return blob::<BUILD>(buf, kind, line, next),
        b'*' | b'~' | b'>' => return sequence::<BUILD>(buf, kind, line, next, depth),
        b'%' | b'|' => return pairs::<BUILD>(buf, kind, line, next, depth),
        other => return Err(ProtocolError::UnknownFrameType(other)),
    };
    Ok(Some((frame, next)))
}

/// `$`, `!` and `=`: a length line, the data, CRLF.
fn blob<const BUILD: bool>(buf: &[u8], kind: u8, len_line: &[u8], start: usize) -> Step {
    let len = match integer(len_line) {
        Some(-1) if kind == b'$' => return Ok(Some((Frame::Null, start))),
        Some(n) if n >= 0 => n as u64,
        _ => return Err(ProtocolError::InvalidBulkLength),
    };
    let Some(end) = usize::try_from(len).ok().and_then(|l| start.checked_add(l)) else {
        return Ok(None);
    };
    let Some(after) = buf.get(end..end.saturating_add(2)) else {
        return Ok(None);
    };
    if after.len() < 2 {
        return Ok(None);
    }
    if after != b"\r\n" {
        return Err(ProtocolError::ExpectedCrlf);
    }
    let data = &buf[start..end];
    let frame = match kind {
        b'$' => Frame::Bulk(bytes::<BUILD>(data)),
        b'!' => Frame::Error(bytes::<BUILD>(data)),
        _ => match data {
            [a, b, c, b':', text @ ..] => Frame::Verbatim { format: [*a, *b, *c], text: bytes::<BUILD>(text) },
            _ => return Err(ProtocolError::InvalidVerbatim),
        },
    };
    Ok(Some((frame, end + 2)))
}

/// `*`, `~` and `>`: a count, then that many elements.
fn sequence<const BUILD: bool>(buf: &[u8], kind: u8, count_line: &[u8], mut pos: usize, depth: usize) -> Step {
    let count = match integer(count_line) {
        Some(-1) if kind == b'*' => return Ok(Some((Frame::NullArray, pos))),
        Some(n) if n >= 0 => n as u64,
        _ => return Err(ProtocolError::InvalidMultibulkLength),
    };
    if depth >= MAX_DEPTH {
        return Err(ProtocolError::NestingTooDeep);
    }
    let mut items = Vec::new();
    if BUILD {
        // The first pass saw every element, each at least 3 bytes long.
        items.reserve(usize::try_from(count).unwrap_or(0).min(buf.len() / 3));
    }
    for _ in 0..count {
        let Some((item, next)) = element::<BUILD>(buf, pos, depth + 1)? else {
            return Ok(None);
        };
        if BUILD {
            items.push(item);
        }
        pos = next;
    }
    let frame = match kind {
        b'*' => Frame::Array(items),
        b'~' => Frame::Set(items),
        _ => Frame::Push(items),
    };
    Ok(Some((frame, pos)))
}

/// `%` and `|`: a count, then that many key/value pairs.
fn pairs<const BUILD: bool>(buf: &[u8], kind: u8, count_line: &[u8], mut pos: usize, depth: usize) -> Step {
    let count = match integer(count_line) {
        Some(n) if n >= 0 => n as u64,
        _ => return Err(ProtocolError::InvalidMultibulkLength),
    };
    if depth >= MAX_DEPTH {
        return Err(ProtocolError::NestingTooDeep);
    }
    let mut entries = Vec::new();
    if BUILD {
        entries.reserve(usize::try_from(count).unwrap_or(0).min(buf.len() / 6));
    }
    for _ in 0..count {
        let Some((key, next)) = element::<BUILD>(buf, pos, depth + 1)? else {
            return Ok(None);
        };
        let Some((val, next)) = element::<BUILD>(buf, next, depth + 1)? else {
            return Ok(None);
        };
        if BUILD {
            entries.push((key, val));
        }
        pos = next;
    }
    let frame = if kind == b'%' { Frame::Map(entries) } else { Frame::Attribute(entries) };
    Ok(Some((frame, pos)))
}

/// An element of an aggregate: any attributes in front of it are skipped.
fn element<const BUILD: bool>(buf: &[u8], mut pos: usize, depth: usize) -> Step {
    while buf.get(pos) == Some(&b'|') {
        match value::<false>(buf, pos, depth)? {
            Some((_, next)) => pos = next,
            None => return Ok(None),
        }
    }
    value::<BUILD>(buf, pos, depth)
}

/// The line starting at `pos`, without its CRLF, and where the next one
/// starts.
fn line(buf: &[u8], pos: usize) -> Result<Option<(&[u8], usize)>, ProtocolError> {
    let rest = buf.get(pos..).unwrap_or_default();
    let Some(cr) = rest.iter().position(|&b| b == b'\r') else {
        return Ok(None);
    };
    match rest.get(cr + 1) {
        None => Ok(None),
        Some(b'\n') => Ok(Some((&rest[..cr], pos + cr + 2))),
        Some(_) => Err(ProtocolError::ExpectedCrlf),
    }
}

fn bytes<const BUILD: bool>(data: &[u8]) -> Bytes {
    if BUILD {
        Bytes::copy_from_slice(data)
    } else {
        Bytes::new()
    }
}

/// A RESP integer: optional sign, then digits, fitting an `i64`.
fn integer(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        // Accumulate negatively so that i64::MIN fits.
        v = v.checked_mul(10)?.checked_sub(i64::from(d))?;
    }
    if negative {
        Some(v)
    } else {
        v.checked_neg()
    }
}

fn double(s: &[u8]) -> Option<f64> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

fn is_big_number(s: &[u8]) -> bool {
    let digits = match s.split_first() {
        Some((b'-' | b'+', rest)) => rest,
        _ => s,
    };
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests;
