//! The protocol-neutral reply value, [`Frame`], and the [`Protocol`] a
//! connection speaks.
//!
//! A command handler builds a `Frame` without knowing whether its client
//! speaks RESP2 or RESP3; the connection picks the wire form when it encodes
//! (see [`crate::encode`]). This module owns only the data types and their
//! cheap constructors: no parsing, no encoding.

use bytes::Bytes;

/// The RESP version a connection speaks (`HELLO 2` / `HELLO 3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Protocol {
    /// RESP2, the default for new connections.
    #[default]
    Resp2,
    /// RESP3, selected with `HELLO 3`.
    Resp3,
}

/// One RESP value, covering every RESP2 and RESP3 type.
///
/// The comments give the RESP3 wire form and, where it differs, what Redis
/// sends to a RESP2 client instead.
#[derive(Clone, Debug, PartialEq)]
pub enum Frame {
    /// `+OK`: a status line. Must not contain CR or LF (the encoder turns
    /// them into spaces).
    Simple(Bytes),
    /// `-ERR ...`: the full text without the leading `-`, e.g.
    /// `ERR unknown command ...` or `WRONGTYPE ...`.
    Error(Bytes),
    /// `:42`.
    Integer(i64),
    /// `$3\r\nfoo`: a binary-safe string.
    Bulk(Bytes),
    /// RESP3 `_`; RESP2 null bulk `$-1`.
    Null,
    /// RESP3 `_`; RESP2 null array `*-1`.
    NullArray,
    /// `*2 ...`.
    Array(Vec<Frame>),
    /// An array of bulk strings stored back to back in one buffer; encodes
    /// exactly as an [`Frame::Array`] of [`Frame::Bulk`]s.
    BulkArray(Box<BulkArray>),
    /// RESP3 `%n` with n key/value pairs; RESP2 a flat array of 2n.
    Map(Vec<(Frame, Frame)>),
    /// RESP3 `~n`; RESP2 an array.
    Set(Vec<Frame>),
    /// RESP3 `>n` out-of-band push; RESP2 an array.
    Push(Vec<Frame>),
    /// RESP3 `,` with Redis's formatting ([`crate::format_double`]); RESP2 a
    /// bulk string of the same text.
    Double(f64),
    /// RESP3 `#t`/`#f`; RESP2 the integer 1 or 0.
    Boolean(bool),
    /// RESP3 `(` followed by the digits; RESP2 a bulk string of the digits.
    BigNumber(Bytes),
    /// RESP3 `=` verbatim string `txt:...`; RESP2 a bulk string of `text`
    /// only.
    Verbatim {
        /// The three-byte format, e.g. `*b"txt"` or `*b"mkd"`.
        format: [u8; 3],
        /// The text without the format prefix.
        text: Bytes,
    },
    /// RESP3 `|n` attribute: metadata about the frame that follows it. It is
    /// its own top-level frame (the reply it annotates is the next frame);
    /// RESP2 clients get nothing.
    Attribute(Vec<(Frame, Frame)>),
}

impl Frame {
    /// `+OK`.
    #[inline]
    pub fn ok() -> Frame {
        Frame::Simple(Bytes::from_static(b"OK"))
    }

    /// A status reply from a static string, without allocating.
    #[inline]
    pub fn simple(s: &'static str) -> Frame {
        Frame::Simple(Bytes::from_static(s.as_bytes()))
    }

    /// An error reply; `msg` is the full text without the leading `-`
    /// (`"ERR syntax error"`).
    #[inline]
    pub fn error(msg: impl Into<Bytes>) -> Frame {
        Frame::Error(msg.into())
    }

    /// A bulk string taking ownership of `b` (no copy for `Bytes`, `Vec<u8>`
    /// or `&'static [u8]`).
    #[inline]
    pub fn bulk(b: impl Into<Bytes>) -> Frame {
        Frame::Bulk(b.into())
    }

    /// A bulk string copied from a borrowed slice.
    #[inline]
    pub fn bulk_from_slice(b: &[u8]) -> Frame {
        Frame::Bulk(Bytes::copy_from_slice(b))
    }
}

/// Many bulk strings in one allocation: a reply of many elements (LRANGE,
/// 100 elements in a benchmark) then costs no allocation, frame or
/// reference count per element.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct BulkArray {
    data: Vec<u8>,
    /// Where each element ends in `data`.
    ends: Vec<usize>,
}

impl BulkArray {
    /// An empty array with room for `n` elements.
    pub fn with_capacity(n: usize) -> BulkArray {
        BulkArray { data: Vec::new(), ends: Vec::with_capacity(n) }
    }

    /// Appends one element, which `write` appends to the buffer it gets.
    pub fn push_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        write(&mut self.data);
        self.ends.push(self.data.len());
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The elements, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(self.ends.iter().copied()).map(|(start, end)| &self.data[start..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_is_simple_ok() {
        assert_eq!(Frame::ok(), Frame::Simple(Bytes::from_static(b"OK")));
    }

    #[test]
    fn constructors_build_the_expected_variants() {
        assert_eq!(Frame::simple("PONG"), Frame::Simple("PONG".into()));
        assert_eq!(Frame::error("ERR syntax error"), Frame::Error("ERR syntax error".into()));
        assert_eq!(Frame::bulk(b"v".to_vec()), Frame::Bulk("v".into()));
        assert_eq!(Frame::bulk_from_slice(b"v"), Frame::Bulk("v".into()));
    }

    #[test]
    fn default_protocol_is_resp2() {
        assert_eq!(Protocol::default(), Protocol::Resp2);
    }

    #[test]
    fn a_bulk_array_holds_its_elements_in_order() {
        let mut a = BulkArray::with_capacity(3);
        for e in [&b"one"[..], b"", b"three"] {
            a.push_with(|buf| buf.extend_from_slice(e));
        }
        assert_eq!(a.len(), 3);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![&b"one"[..], b"", b"three"]);
    }
}
