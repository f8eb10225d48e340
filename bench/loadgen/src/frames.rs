//! Finds where one RESP2/RESP3 frame ends in a buffer, without building it:
//! the load generator only counts replies and pushes.

/// What a complete frame was.
#[derive(Debug, PartialEq, Eq)]
pub enum Kind {
    /// A reply to a command.
    Reply,
    /// An out-of-band push (`>`), e.g. an invalidation.
    Push,
    /// An error reply (`-` or `!`).
    Error,
}

/// The length and kind of the complete frame at the start of `buf`, or
/// `None` if more bytes are needed.
pub fn next(buf: &[u8]) -> Option<(usize, Kind)> {
    let end = skip(buf, 0)?;
    let kind = match buf[0] {
        b'>' => Kind::Push,
        b'-' | b'!' => Kind::Error,
        _ => Kind::Reply,
    };
    Some((end, kind))
}

/// The end of the line starting at `at` (just past its CRLF) and the line.
fn line(buf: &[u8], at: usize) -> Option<(usize, &[u8])> {
    let rel = buf.get(at..)?.windows(2).position(|w| w == b"\r\n")?;
    Some((at + rel + 2, &buf[at + 1..at + rel]))
}

fn number(text: &[u8]) -> i64 {
    std::str::from_utf8(text).ok().and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// The offset just past the frame starting at `at`.
fn skip(buf: &[u8], at: usize) -> Option<usize> {
    let kind = *buf.get(at)?;
    let (after, head) = line(buf, at)?;
    match kind {
        b'$' | b'=' | b'!' => {
            let n = number(head);
            if n < 0 {
                return Some(after);
            }
            let end = after + n as usize + 2;
            (buf.len() >= end).then_some(end)
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let n = number(head);
            let items = if matches!(kind, b'%' | b'|') { n * 2 } else { n };
            let mut pos = after;
            for _ in 0..items.max(0) {
                pos = skip(buf, pos)?;
            }
            Some(pos)
        }
        _ => Some(after),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bulk_reply_needs_its_whole_payload() {
        assert_eq!(next(b"$3\r\nab"), None);
        assert_eq!(next(b"$3\r\nabc\r\n+OK\r\n"), Some((9, Kind::Reply)));
        assert_eq!(next(b"$-1\r\n"), Some((5, Kind::Reply)));
    }

    #[test]
    fn an_invalidation_is_a_push() {
        let push = b">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n";
        assert_eq!(next(push), Some((push.len(), Kind::Push)));
        assert_eq!(next(&push[..push.len() - 1]), None);
        assert_eq!(next(b">2\r\n$10\r\ninvalidate\r\n_\r\n"), Some((24, Kind::Push)));
    }

    #[test]
    fn errors_and_maps_are_recognised() {
        assert_eq!(next(b"-ERR x\r\n"), Some((8, Kind::Error)));
        assert_eq!(next(b"%1\r\n+a\r\n:1\r\n"), Some((12, Kind::Reply)));
    }
}
