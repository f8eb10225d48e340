//! Reply encoder: writes a [`Frame`] (or pieces of one, for hot paths)
//! straight into a `BytesMut`, in the wire form of the connection's
//! [`Protocol`].
//!
//! For RESP2 clients the RESP3-only types fall back exactly as Redis does
//! (`addReply*` in `networking.c`): map -> flat array of 2n, set and push ->
//! array, double -> bulk string of the same text, boolean -> integer 1/0, big
//! number -> bulk string, verbatim -> bulk string of the text only, null ->
//! `$-1` (or `*-1` for [`Frame::NullArray`]), attribute -> nothing at all.
//! Numbers are formatted with `itoa` and [`crate::format_double`], never
//! `format!`. This module does not parse.

use bytes::{BufMut, BytesMut};

use crate::double::{format_double_into, MAX_DOUBLE_LEN};
use crate::frame::{Frame, Protocol};

const CRLF: &[u8] = b"\r\n";

/// Encodes one frame for `proto`, appending to `out`.
///
/// ```
/// use bytes::BytesMut;
/// use hearth_resp::{encode, Frame, Protocol};
///
/// let mut out = BytesMut::new();
/// encode(&Frame::Boolean(true), Protocol::Resp2, &mut out);
/// encode(&Frame::Boolean(true), Protocol::Resp3, &mut out);
/// assert_eq!(&out[..], b":1\r\n#t\r\n");
/// ```
pub fn encode(frame: &Frame, proto: Protocol, out: &mut BytesMut) {
    match frame {
        Frame::Simple(s) => write_simple(out, s),
        Frame::Error(s) => write_error(out, s),
        Frame::Integer(v) => write_integer(out, *v),
        Frame::Bulk(b) => write_bulk(out, b),
        Frame::Null => write_null(out, proto),
        Frame::NullArray => write_null_array(out, proto),
        Frame::Array(items) => {
            write_array_header(out, items.len());
            encode_all(items, proto, out);
        }
        Frame::BulkArray(items) => {
            write_array_header(out, items.len());
            for item in items.iter() {
                write_bulk(out, item);
            }
        }
        Frame::Set(items) => {
            write_set_header(out, items.len(), proto);
            encode_all(items, proto, out);
        }
        Frame::Push(items) => {
            write_push_header(out, items.len(), proto);
            encode_all(items, proto, out);
        }
        Frame::Map(pairs) => {
            write_map_header(out, pairs.len(), proto);
            encode_pairs(pairs, proto, out);
        }
        Frame::Attribute(pairs) => {
            // Redis never sends attributes to RESP2 clients: drop the frame.
            if proto == Protocol::Resp3 {
                write_len_line(out, b'|', pairs.len());
                encode_pairs(pairs, proto, out);
            }
        }
        Frame::Double(v) => write_double(out, *v, proto),
        Frame::Boolean(b) => write_boolean(out, *b, proto),
        Frame::BigNumber(digits) => write_big_number(out, digits, proto),
        Frame::Verbatim { format, text } => write_verbatim(out, format, text, proto),
    }
}

fn encode_all(items: &[Frame], proto: Protocol, out: &mut BytesMut) {
    for item in items {
        encode(item, proto, out);
    }
}

fn encode_pairs(pairs: &[(Frame, Frame)], proto: Protocol, out: &mut BytesMut) {
    for (k, v) in pairs {
        encode(k, proto, out);
        encode(v, proto, out);
    }
}

/// `$<len>\r\n<data>\r\n`.
#[inline]
pub fn write_bulk(out: &mut BytesMut, data: &[u8]) {
    let mut itoa = itoa::Buffer::new();
    let len = itoa.format(data.len()).as_bytes();
    out.reserve(1 + len.len() + 2 + data.len() + 2);
    out.put_u8(b'$');
    out.extend_from_slice(len);
    out.extend_from_slice(CRLF);
    out.extend_from_slice(data);
    out.extend_from_slice(CRLF);
}

/// `:<v>\r\n`.
#[inline]
pub fn write_integer(out: &mut BytesMut, v: i64) {
    let mut itoa = itoa::Buffer::new();
    let digits = itoa.format(v).as_bytes();
    out.reserve(1 + digits.len() + 2);
    out.put_u8(b':');
    out.extend_from_slice(digits);
    out.extend_from_slice(CRLF);
}

/// `+<s>\r\n`. CR and LF inside `s` are written as spaces so a status line
/// can never break the framing.
#[inline]
pub fn write_simple(out: &mut BytesMut, s: &[u8]) {
    write_line(out, b'+', s);
}

/// `-<s>\r\n`, where `s` is the full error text (`ERR ...`). CR and LF inside
/// `s` are written as spaces, as Redis's `addReplyErrorFormat` does.
#[inline]
pub fn write_error(out: &mut BytesMut, s: &[u8]) {
    write_line(out, b'-', s);
}

fn write_line(out: &mut BytesMut, prefix: u8, s: &[u8]) {
    out.reserve(1 + s.len() + 2);
    out.put_u8(prefix);
    if s.iter().any(|&b| b == b'\r' || b == b'\n') {
        out.extend(s.iter().map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }));
    } else {
        out.extend_from_slice(s);
    }
    out.extend_from_slice(CRLF);
}

/// A null bulk string: RESP2 `$-1\r\n`, RESP3 `_\r\n`.
#[inline]
pub fn write_null(out: &mut BytesMut, proto: Protocol) {
    out.extend_from_slice(match proto {
        Protocol::Resp2 => b"$-1\r\n",
        Protocol::Resp3 => b"_\r\n",
    });
}

/// A null array: RESP2 `*-1\r\n`, RESP3 `_\r\n`.
#[inline]
pub fn write_null_array(out: &mut BytesMut, proto: Protocol) {
    out.extend_from_slice(match proto {
        Protocol::Resp2 => b"*-1\r\n",
        Protocol::Resp3 => b"_\r\n",
    });
}

/// `*<len>\r\n`; the caller then encodes `len` frames.
#[inline]
pub fn write_array_header(out: &mut BytesMut, len: usize) {
    write_len_line(out, b'*', len);
}

/// Header of a map of `len` key/value pairs: RESP3 `%<len>`, RESP2
/// `*<2 * len>`; the caller then encodes `2 * len` frames, key first.
#[inline]
pub fn write_map_header(out: &mut BytesMut, len: usize, proto: Protocol) {
    match proto {
        Protocol::Resp2 => write_len_line(out, b'*', len.saturating_mul(2)),
        Protocol::Resp3 => write_len_line(out, b'%', len),
    }
}

/// Header of a set: RESP3 `~<len>`, RESP2 `*<len>`.
#[inline]
pub fn write_set_header(out: &mut BytesMut, len: usize, proto: Protocol) {
    match proto {
        Protocol::Resp2 => write_len_line(out, b'*', len),
        Protocol::Resp3 => write_len_line(out, b'~', len),
    }
}

/// Header of a push message: RESP3 `><len>`, RESP2 `*<len>` (how pub/sub
/// messages reach RESP2 clients).
#[inline]
pub fn write_push_header(out: &mut BytesMut, len: usize, proto: Protocol) {
    match proto {
        Protocol::Resp2 => write_len_line(out, b'*', len),
        Protocol::Resp3 => write_len_line(out, b'>', len),
    }
}

/// A double: RESP3 `,<text>\r\n`, RESP2 a bulk string of the same text
/// (see [`crate::format_double`]).
#[inline]
pub fn write_double(out: &mut BytesMut, v: f64, proto: Protocol) {
    let mut buf = [0u8; MAX_DOUBLE_LEN];
    let len = format_double_into(v, &mut buf);
    let text = &buf[..len];
    match proto {
        Protocol::Resp2 => write_bulk(out, text),
        Protocol::Resp3 => {
            out.reserve(1 + len + 2);
            out.put_u8(b',');
            out.extend_from_slice(text);
            out.extend_from_slice(CRLF);
        }
    }
}

/// A boolean: RESP3 `#t`/`#f`, RESP2 `:1`/`:0`.
#[inline]
pub fn write_boolean(out: &mut BytesMut, v: bool, proto: Protocol) {
    out.extend_from_slice(match (proto, v) {
        (Protocol::Resp2, true) => b":1\r\n",
        (Protocol::Resp2, false) => b":0\r\n",
        (Protocol::Resp3, true) => b"#t\r\n",
        (Protocol::Resp3, false) => b"#f\r\n",
    });
}

/// A big number given as its decimal digits: RESP3 `(<digits>\r\n`, RESP2 a
/// bulk string of the digits.
#[inline]
pub fn write_big_number(out: &mut BytesMut, digits: &[u8], proto: Protocol) {
    match proto {
        Protocol::Resp2 => write_bulk(out, digits),
        Protocol::Resp3 => write_line(out, b'(', digits),
    }
}

/// A verbatim string: RESP3 `=<len>\r\n<fmt>:<text>\r\n`, RESP2 a bulk string
/// of `text` alone.
#[inline]
pub fn write_verbatim(out: &mut BytesMut, format: &[u8; 3], text: &[u8], proto: Protocol) {
    match proto {
        Protocol::Resp2 => write_bulk(out, text),
        Protocol::Resp3 => {
            let mut itoa = itoa::Buffer::new();
            let len = itoa.format(text.len() + 4).as_bytes();
            out.reserve(1 + len.len() + 2 + 4 + text.len() + 2);
            out.put_u8(b'=');
            out.extend_from_slice(len);
            out.extend_from_slice(CRLF);
            out.extend_from_slice(format);
            out.put_u8(b':');
            out.extend_from_slice(text);
            out.extend_from_slice(CRLF);
        }
    }
}

/// Header of an attribute of `len` pairs, RESP3 only: `|<len>`. For RESP2
/// nothing is written, and the caller must not write the pairs either.
#[inline]
pub fn write_attribute_header(out: &mut BytesMut, len: usize, proto: Protocol) {
    if proto == Protocol::Resp3 {
        write_len_line(out, b'|', len);
    }
}

#[inline]
fn write_len_line(out: &mut BytesMut, prefix: u8, len: usize) {
    let mut itoa = itoa::Buffer::new();
    let digits = itoa.format(len).as_bytes();
    out.reserve(1 + digits.len() + 2);
    out.put_u8(prefix);
    out.extend_from_slice(digits);
    out.extend_from_slice(CRLF);
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn wire(frame: &Frame, proto: Protocol) -> Vec<u8> {
        let mut out = BytesMut::new();
        encode(frame, proto, &mut out);
        out.to_vec()
    }

    fn both(frame: Frame, resp2: &[u8], resp3: &[u8]) {
        assert_eq!(
            wire(&frame, Protocol::Resp2),
            resp2,
            "RESP2 of {frame:?}: {:?}",
            String::from_utf8_lossy(&wire(&frame, Protocol::Resp2))
        );
        assert_eq!(
            wire(&frame, Protocol::Resp3),
            resp3,
            "RESP3 of {frame:?}: {:?}",
            String::from_utf8_lossy(&wire(&frame, Protocol::Resp3))
        );
    }

    fn bulk(s: &'static str) -> Frame {
        Frame::Bulk(Bytes::from_static(s.as_bytes()))
    }

    #[test]
    fn resp2_types_are_the_same_in_both_protocols() {
        both(Frame::ok(), b"+OK\r\n", b"+OK\r\n");
        both(Frame::error("ERR bad"), b"-ERR bad\r\n", b"-ERR bad\r\n");
        both(Frame::Integer(-7), b":-7\r\n", b":-7\r\n");
        both(Frame::Integer(i64::MIN), b":-9223372036854775808\r\n", b":-9223372036854775808\r\n");
        both(bulk("foo"), b"$3\r\nfoo\r\n", b"$3\r\nfoo\r\n");
        both(bulk(""), b"$0\r\n\r\n", b"$0\r\n\r\n");
        both(Frame::Array(vec![bulk("a"), Frame::Integer(1)]), b"*2\r\n$1\r\na\r\n:1\r\n", b"*2\r\n$1\r\na\r\n:1\r\n");
        both(Frame::Array(vec![]), b"*0\r\n", b"*0\r\n");
        let mut bulks = crate::BulkArray::with_capacity(2);
        bulks.push_with(|b| b.extend_from_slice(b"a"));
        bulks.push_with(|b| b.extend_from_slice(b"bc"));
        let as_array = b"*2\r\n$1\r\na\r\n$2\r\nbc\r\n";
        both(Frame::BulkArray(Box::new(bulks)), as_array, as_array);
        both(Frame::BulkArray(Box::default()), b"*0\r\n", b"*0\r\n");
    }

    #[test]
    fn nulls_are_dollar_or_star_minus_one_in_resp2_and_underscore_in_resp3() {
        both(Frame::Null, b"$-1\r\n", b"_\r\n");
        both(Frame::NullArray, b"*-1\r\n", b"_\r\n");
    }

    #[test]
    fn map_is_a_flat_array_of_pairs_in_resp2() {
        both(
            Frame::Map(vec![(bulk("k1"), Frame::Integer(1)), (bulk("k2"), Frame::Null)]),
            b"*4\r\n$2\r\nk1\r\n:1\r\n$2\r\nk2\r\n$-1\r\n",
            b"%2\r\n$2\r\nk1\r\n:1\r\n$2\r\nk2\r\n_\r\n",
        );
    }

    #[test]
    fn set_and_push_are_arrays_in_resp2() {
        both(Frame::Set(vec![bulk("a")]), b"*1\r\n$1\r\na\r\n", b"~1\r\n$1\r\na\r\n");
        both(
            Frame::Push(vec![bulk("invalidate"), Frame::NullArray]),
            b"*2\r\n$10\r\ninvalidate\r\n*-1\r\n",
            b">2\r\n$10\r\ninvalidate\r\n_\r\n",
        );
    }

    #[test]
    fn double_is_a_bulk_string_of_redis_text_in_resp2() {
        both(Frame::Double(1.5), b"$3\r\n1.5\r\n", b",1.5\r\n");
        both(Frame::Double(3.0), b"$1\r\n3\r\n", b",3\r\n");
        both(Frame::Double(1e20), b"$5\r\n1e+20\r\n", b",1e+20\r\n");
        both(Frame::Double(f64::INFINITY), b"$3\r\ninf\r\n", b",inf\r\n");
        both(Frame::Double(f64::NEG_INFINITY), b"$4\r\n-inf\r\n", b",-inf\r\n");
        both(Frame::Double(f64::NAN), b"$3\r\nnan\r\n", b",nan\r\n");
    }

    #[test]
    fn boolean_is_integer_one_or_zero_in_resp2() {
        both(Frame::Boolean(true), b":1\r\n", b"#t\r\n");
        both(Frame::Boolean(false), b":0\r\n", b"#f\r\n");
    }

    #[test]
    fn big_number_is_a_bulk_string_in_resp2() {
        both(
            Frame::BigNumber("-1234567890123456789012".into()),
            b"$23\r\n-1234567890123456789012\r\n",
            b"(-1234567890123456789012\r\n",
        );
    }

    #[test]
    fn verbatim_is_a_bulk_string_of_the_text_only_in_resp2() {
        both(
            Frame::Verbatim { format: *b"txt", text: "Some string".into() },
            b"$11\r\nSome string\r\n",
            b"=15\r\ntxt:Some string\r\n",
        );
    }

    #[test]
    fn attribute_is_dropped_in_resp2() {
        both(Frame::Attribute(vec![(Frame::simple("key"), Frame::Integer(1))]), b"", b"|1\r\n+key\r\n:1\r\n");
    }

    #[test]
    fn cr_and_lf_in_status_and_error_lines_become_spaces() {
        both(Frame::error("ERR a\r\nb"), b"-ERR a  b\r\n", b"-ERR a  b\r\n");
        both(Frame::simple("x\ny"), b"+x y\r\n", b"+x y\r\n");
    }

    #[test]
    fn matches_redis_debug_protocol_replies() {
        // Byte for byte what `DEBUG PROTOCOL map|attrib|verbatim` sends.
        both(
            Frame::Map(vec![
                (Frame::Integer(0), Frame::Boolean(false)),
                (Frame::Integer(1), Frame::Boolean(true)),
                (Frame::Integer(2), Frame::Boolean(false)),
            ]),
            b"*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n",
            b"%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n",
        );
        let mut resp2 = BytesMut::new();
        let mut resp3 = BytesMut::new();
        let attribute =
            Frame::Attribute(vec![(bulk("key-popularity"), Frame::Array(vec![bulk("key:123"), Frame::Integer(90)]))]);
        let reply = bulk("Some real reply following the attribute");
        for (proto, out) in [(Protocol::Resp2, &mut resp2), (Protocol::Resp3, &mut resp3)] {
            encode(&attribute, proto, out);
            encode(&reply, proto, out);
        }
        assert_eq!(&resp2[..], &b"$39\r\nSome real reply following the attribute\r\n"[..]);
        assert_eq!(
            &resp3[..],
            &b"|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n\
               $39\r\nSome real reply following the attribute\r\n"[..]
        );
        both(
            Frame::Verbatim { format: *b"txt", text: "This is a verbatim\nstring".into() },
            b"$25\r\nThis is a verbatim\nstring\r\n",
            b"=29\r\ntxt:This is a verbatim\nstring\r\n",
        );
    }

    #[test]
    fn low_level_writers_match_encode() {
        let mut out = BytesMut::new();
        write_array_header(&mut out, 3);
        write_bulk(&mut out, b"v");
        write_integer(&mut out, 12);
        write_null(&mut out, Protocol::Resp2);
        write_simple(&mut out, b"OK");
        write_error(&mut out, b"ERR x");
        write_map_header(&mut out, 2, Protocol::Resp2);
        write_map_header(&mut out, 2, Protocol::Resp3);
        write_set_header(&mut out, 1, Protocol::Resp3);
        write_push_header(&mut out, 1, Protocol::Resp3);
        write_attribute_header(&mut out, 1, Protocol::Resp2);
        write_null_array(&mut out, Protocol::Resp2);
        assert_eq!(&out[..], &b"*3\r\n$1\r\nv\r\n:12\r\n$-1\r\n+OK\r\n-ERR x\r\n*4\r\n%2\r\n~1\r\n>1\r\n*-1\r\n"[..]);
    }
}
