//! The request parser: turns the bytes a client sent into the arguments of
//! one command, without copying them (multibulk) and without allocating per
//! argument.
//!
//! It follows Redis 7.4's `processMultibulkBuffer` / `processInlineBuffer`:
//! a request starting with `*` is multibulk (`*<n>\r\n` then `n` times
//! `$<len>\r\n<bytes>\r\n`), anything else is an inline line. The quirks kept
//! on purpose, because clients and tests observe them:
//!
//! - counts and lengths are strict integers (`string2ll`: no `+`, no leading
//!   zeros, no spaces; `-0` is invalid); `*<n>` with `n <= 0` is an empty
//!   request (no reply); `$-1` in a request is an invalid bulk length;
//! - a count line ends at the first `\r`, and the byte after it is not
//!   checked; neither are the two bytes after an argument's data (Redis skips
//!   them), so `$4\r\nPINGxx` is accepted;
//! - a line whose first byte is not `$` is only reported once its `\r` and
//!   the byte after it have arrived;
//! - an inline line ends at `\n`, with an optional `\r` before it.
//!
//! Deliberate differences: Redis looks for line ends with C string
//! functions, so a NUL byte in a count or inline line makes it wait for more
//! input; we treat NUL as data (an invalid length, or part of an inline
//! argument). And line-length limits are checked on the line itself, not on
//! whatever happened to be read so far, so the outcome does not depend on how
//! the bytes were split across reads: a count line longer than
//! `max_inline_len` bytes is "too big" even if its `\r` is already buffered.

use crate::args::Args;
use crate::error::ProtocolError;
use crate::inline::split_args;

/// Parser limits, Redis's settings and constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseLimits {
    /// Largest argument (`proto-max-bulk-len`, 512 MB by default).
    pub max_bulk_len: usize,
    /// Largest number of arguments; Redis allows up to `INT_MAX`.
    pub max_multibulk_len: usize,
    /// Longest inline request line, and longest `*<n>`/`$<len>` line
    /// (`PROTO_INLINE_MAX_SIZE`, 64 KB).
    pub max_inline_len: usize,
}

impl ParseLimits {
    /// Redis's default `proto-max-bulk-len`: 512 MB.
    pub const DEFAULT_MAX_BULK_LEN: usize = 512 * 1024 * 1024;
    /// Redis's limit on a request's argument count: `INT_MAX`.
    pub const DEFAULT_MAX_MULTIBULK_LEN: usize = i32::MAX as usize;
    /// Redis's `PROTO_INLINE_MAX_SIZE`: 64 KB.
    pub const DEFAULT_MAX_INLINE_LEN: usize = 64 * 1024;
    /// Most arguments accepted before a client has authenticated.
    pub const UNAUTHENTICATED_MAX_MULTIBULK_LEN: usize = 10;
    /// Longest argument accepted before a client has authenticated.
    pub const UNAUTHENTICATED_MAX_BULK_LEN: usize = 16384;
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_bulk_len: Self::DEFAULT_MAX_BULK_LEN,
            max_multibulk_len: Self::DEFAULT_MAX_MULTIBULK_LEN,
            max_inline_len: Self::DEFAULT_MAX_INLINE_LEN,
        }
    }
}

/// One parsed request, reused from command to command.
///
/// Holds the ranges of the arguments (into the caller's buffer for
/// multibulk requests, into an internal scratch buffer for inline ones) and
/// the progress of a request that has not fully arrived yet, so that
/// re-parsing after more bytes arrive resumes instead of starting over.
#[derive(Debug, Default, Clone)]
pub struct Request {
    spans: Vec<(usize, usize)>,
    scratch: Vec<u8>,
    /// The spans point into `scratch` (inline request).
    inline: bool,
    /// Arguments still to read of a partially arrived multibulk request;
    /// zero when no request is in progress.
    pending: usize,
    /// Where parsing resumes (start of the next argument's `$` line).
    resume: usize,
}

impl Request {
    /// An empty request.
    pub fn new() -> Self {
        Self::default()
    }

    /// The arguments. `buf` must be the buffer last passed to
    /// [`parse_command`] (it is ignored for inline requests, whose arguments
    /// live in the request itself).
    #[inline]
    pub fn args<'a>(&'a self, buf: &'a [u8]) -> Args<'a> {
        if self.inline {
            Args::new(&self.scratch, &self.spans)
        } else {
            Args::new(buf, &self.spans)
        }
    }

    /// Number of arguments.
    #[inline]
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when the parsed request has no arguments (`*0`, `*-1` or a blank
    /// inline line): there is no command to run and nothing to reply.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Whether part of a multibulk request has been parsed and the rest
    /// is awaited (parsing resumes where it stopped).
    pub fn in_progress(&self) -> bool {
        self.pending > 0
    }

    /// Forgets any partially parsed request. Needed only when the next
    /// [`parse_command`] gets a buffer that does not start with the bytes
    /// the previous, incomplete call saw.
    pub fn reset(&mut self) {
        self.spans.clear();
        self.inline = false;
        self.pending = 0;
        self.resume = 0;
    }
}

/// Parses one request from the start of `buf` into `req`.
///
/// Returns `Ok(None)` when `buf` holds no complete request yet: call again
/// once more bytes are appended, with a buffer that still starts with the
/// same bytes (the parser resumes where it stopped). Returns
/// `Ok(Some(consumed))` when a request was parsed (possibly empty, see
/// [`Request::is_empty`]); its arguments are `req.args(buf)`. An error means
/// the stream is broken: reply `-ERR {error}` and close the connection.
///
/// ```
/// use hearth_resp::{parse_command, ParseLimits, Request};
///
/// let buf = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n";
/// let mut req = Request::new();
/// let n = parse_command(buf, &ParseLimits::default(), &mut req).unwrap().unwrap();
/// assert_eq!(req.args(buf).iter().collect::<Vec<_>>(), [&b"GET"[..], b"k"]);
/// let m = parse_command(&buf[n..], &ParseLimits::default(), &mut req).unwrap().unwrap();
/// assert_eq!(req.args(&buf[n..]).get(0), b"PING");
/// assert_eq!(n + m, buf.len());
/// ```
#[inline]
pub fn parse_command(buf: &[u8], limits: &ParseLimits, req: &mut Request) -> Result<Option<usize>, ProtocolError> {
    parse(buf, limits, false, req)
}

/// [`parse_command`] for a client that has not authenticated yet while the
/// server requires it: like Redis, at most 10 arguments of at most 16384
/// bytes each (`Protocol error: unauthenticated multibulk length` /
/// `unauthenticated bulk length`).
#[inline]
pub fn parse_command_unauthenticated(
    buf: &[u8],
    limits: &ParseLimits,
    req: &mut Request,
) -> Result<Option<usize>, ProtocolError> {
    parse(buf, limits, true, req)
}

fn parse(
    buf: &[u8],
    limits: &ParseLimits,
    auth_required: bool,
    req: &mut Request,
) -> Result<Option<usize>, ProtocolError> {
    if req.pending > 0 && req.resume <= buf.len() {
        return parse_args(buf, limits, auth_required, req);
    }
    req.reset();
    match buf.first() {
        None => Ok(None),
        Some(b'*') => parse_multibulk(buf, limits, auth_required, req),
        Some(_) => parse_inline(buf, limits, req),
    }
}

fn parse_multibulk(
    buf: &[u8],
    limits: &ParseLimits,
    auth_required: bool,
    req: &mut Request,
) -> Result<Option<usize>, ProtocolError> {
    let cr = match find_line_end(buf, 0, limits.max_inline_len) {
        LineEnd::At(cr) => cr,
        LineEnd::Incomplete => return Ok(None),
        LineEnd::TooLong => return Err(ProtocolError::TooBigMultibulkCount),
    };
    let count = match parse_strict_i64(&buf[1..cr]) {
        Some(n) if n <= 0 => {
            // `*0` and `*-1`: an empty request.
            return Ok(Some(cr + 2));
        }
        Some(n) if n as u64 <= limits.max_multibulk_len as u64 => n as usize,
        _ => return Err(ProtocolError::InvalidMultibulkLength),
    };
    if auth_required && count > ParseLimits::UNAUTHENTICATED_MAX_MULTIBULK_LEN {
        return Err(ProtocolError::UnauthenticatedMultibulkLength);
    }
    req.pending = count;
    req.resume = cr + 2;
    parse_args(buf, limits, auth_required, req)
}

/// Reads the remaining `$<len>\r\n<data>\r\n` arguments of a multibulk
/// request.
fn parse_args(
    buf: &[u8],
    limits: &ParseLimits,
    auth_required: bool,
    req: &mut Request,
) -> Result<Option<usize>, ProtocolError> {
    let max_len = if auth_required {
        limits.max_bulk_len.min(ParseLimits::UNAUTHENTICATED_MAX_BULK_LEN)
    } else {
        limits.max_bulk_len
    };
    let mut pos = req.resume;
    while req.pending > 0 {
        if let Some((len, start)) = fast_bulk_header(buf, pos, max_len, limits.max_inline_len) {
            let end = start + len;
            if buf.len() < end.saturating_add(2) {
                break;
            }
            req.spans.push((start, end));
            req.pending -= 1;
            pos = end + 2;
            continue;
        }
        let cr = match find_line_end(buf, pos, limits.max_inline_len) {
            LineEnd::At(cr) => cr,
            LineEnd::Incomplete => break,
            LineEnd::TooLong => return fail(req, ProtocolError::TooBigBulkCount),
        };
        if buf[pos] != b'$' {
            return fail(req, ProtocolError::ExpectedDollar(buf[pos]));
        }
        let len = match parse_strict_i64(&buf[pos + 1..cr]) {
            Some(n) if n >= 0 && n as u64 <= limits.max_bulk_len as u64 => n as usize,
            _ => return fail(req, ProtocolError::InvalidBulkLength),
        };
        if auth_required && len > ParseLimits::UNAUTHENTICATED_MAX_BULK_LEN {
            return fail(req, ProtocolError::UnauthenticatedBulkLength);
        }
        let start = cr + 2;
        let end = start.saturating_add(len);
        // The two bytes after the data must be there, but like Redis we do
        // not look at them.
        if buf.len() < end.saturating_add(2) {
            break;
        }
        req.spans.push((start, end));
        req.pending -= 1;
        pos = end + 2;
    }
    req.resume = pos;
    if req.pending > 0 {
        Ok(None)
    } else {
        Ok(Some(pos))
    }
}

/// The common case of a `$<len>\r` line, read in one pass: canonical
/// digits up to `max_len`, the `\r` (within `max_line` bytes) and the byte
/// after it present.
/// Returns the length and where the data starts; `None` sends the caller to
/// the general path, which also produces the errors.
#[inline]
fn fast_bulk_header(buf: &[u8], pos: usize, max_len: usize, max_line: usize) -> Option<(usize, usize)> {
    let line = buf.get(pos..)?;
    if line.first() != Some(&b'$') {
        return None;
    }
    let mut len: u64 = 0;
    let mut i = 1;
    // At most 18 digits: no overflow, and far below any sane limit check.
    while i <= 18 {
        let d = line.get(i)?.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        len = len * 10 + u64::from(d);
        i += 1;
    }
    let canonical = i == 2 || (i > 2 && line[1] != b'0');
    if !canonical || line.get(i) != Some(&b'\r') || i + 1 >= line.len() || i > max_line || len > max_len as u64 {
        return None;
    }
    Some((len as usize, pos + i + 2))
}

fn fail(req: &mut Request, err: ProtocolError) -> Result<Option<usize>, ProtocolError> {
    req.reset();
    Err(err)
}

fn parse_inline(buf: &[u8], limits: &ParseLimits, req: &mut Request) -> Result<Option<usize>, ProtocolError> {
    let window = &buf[..buf.len().min(limits.max_inline_len.saturating_add(1))];
    let Some(newline) = window.iter().position(|&b| b == b'\n') else {
        return if buf.len() > limits.max_inline_len { Err(ProtocolError::TooBigInlineRequest) } else { Ok(None) };
    };
    let line_end = if newline > 0 && buf[newline - 1] == b'\r' { newline - 1 } else { newline };
    req.inline = true;
    if let Err(err) = split_args(&buf[..line_end], &mut req.scratch, &mut req.spans) {
        req.reset();
        return Err(err);
    }
    Ok(Some(newline + 1))
}

/// Where a `*<n>` or `$<len>` line starting at `start` ends.
enum LineEnd {
    /// The line's `\r` is at this index and the byte after it has arrived.
    At(usize),
    /// Not all of the line has arrived yet.
    Incomplete,
    /// No `\r` within `max_len + 1` bytes.
    TooLong,
}

#[inline]
fn find_line_end(buf: &[u8], start: usize, max_len: usize) -> LineEnd {
    let rest = buf.get(start..).unwrap_or_default();
    let window = &rest[..rest.len().min(max_len.saturating_add(1))];
    match window.iter().position(|&b| b == b'\r') {
        Some(i) if start + i + 1 < buf.len() => LineEnd::At(start + i),
        Some(_) => LineEnd::Incomplete,
        None if rest.len() > max_len => LineEnd::TooLong,
        None => LineEnd::Incomplete,
    }
}

/// Redis's `string2ll`: an optional `-`, then digits without leading zeros
/// (except `0` itself), fitting an `i64`, at most 20 bytes; nothing else.
#[inline]
pub(crate) fn parse_strict_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut v: u64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    if negative {
        if v > i64::MIN.unsigned_abs() {
            return None;
        }
        Some((v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

#[cfg(test)]
mod tests;
