//! Reply building blocks shared by command families: Redis's standard
//! error texts and small constructors. Texts here are client-visible and
//! must match Redis byte for byte.

use bytes::Bytes;
use hearth_resp::Frame;

/// `-WRONGTYPE` for an operation on the wrong kind of value.
pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
/// Generic syntax error.
pub const SYNTAX: &str = "ERR syntax error";
/// Not an integer, or out of the i64 range.
pub const NOT_INTEGER: &str = "ERR value is not an integer or out of range";
/// Not a valid float.
pub const NOT_FLOAT: &str = "ERR value is not a valid float";
/// INCR family overflow.
pub const OVERFLOW: &str = "ERR increment or decrement would overflow";
/// Missing key for commands that need one.
pub const NO_SUCH_KEY: &str = "ERR no such key";
/// SELECT/MOVE with a bad index.
pub const DB_RANGE: &str = "ERR DB index is out of range";
/// Values above proto-max-bulk-len.
pub const TOO_LARGE: &str = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/// A bulk string from a static text, without allocating.
pub fn bulk_static(s: &'static str) -> Frame {
    Frame::Bulk(Bytes::from_static(s.as_bytes()))
}

/// An error frame from a static text.
pub fn err(s: &'static str) -> Frame {
    Frame::Error(Bytes::from_static(s.as_bytes()))
}

/// An error frame from a formatted text.
pub fn err_owned(s: String) -> Frame {
    Frame::Error(Bytes::from(s))
}

/// A bulk string holding an integer in decimal.
pub fn bulk_int(i: i64) -> Frame {
    Frame::Bulk(Bytes::copy_from_slice(itoa::Buffer::new().format(i).as_bytes()))
}

/// `ERR wrong number of arguments for '<name>' command`.
pub fn wrong_arity(name: &str) -> Frame {
    err_owned(format!("ERR wrong number of arguments for '{name}' command"))
}

/// An array of bulk strings.
pub fn bulk_array<I, B>(items: I) -> Frame
where
    I: IntoIterator<Item = B>,
    B: Into<Bytes>,
{
    Frame::Array(items.into_iter().map(|b| Frame::Bulk(b.into())).collect())
}

/// A HELP reply: one simple string per line.
pub fn help(lines: &[&'static str]) -> Frame {
    Frame::Array(lines.iter().map(|l| Frame::simple(l)).collect())
}
