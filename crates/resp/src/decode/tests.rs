//! Unit tests of the frame decoder: every frame type, partial input, errors.

use super::*;

fn full(buf: &[u8]) -> Frame {
    match decode_frame(buf) {
        Ok(Some((frame, used))) => {
            assert_eq!(used, buf.len(), "whole input used for {:?}", buf.escape_ascii().to_string());
            frame
        }
        other => panic!("{:?} decoded to {other:?}", buf.escape_ascii().to_string()),
    }
}

fn err(buf: &[u8]) -> ProtocolError {
    match decode_frame(buf) {
        Err(e) => e,
        other => panic!("{:?} decoded to {other:?}", buf.escape_ascii().to_string()),
    }
}

fn bulk(s: &'static str) -> Frame {
    Frame::Bulk(Bytes::from_static(s.as_bytes()))
}

#[test]
fn decodes_resp2_types() {
    assert_eq!(full(b"+OK\r\n"), Frame::ok());
    assert_eq!(full(b"-ERR x y\r\n"), Frame::error("ERR x y"));
    assert_eq!(full(b":-12\r\n"), Frame::Integer(-12));
    assert_eq!(full(b":+7\r\n"), Frame::Integer(7));
    assert_eq!(full(b":-9223372036854775808\r\n"), Frame::Integer(i64::MIN));
    assert_eq!(full(b"$3\r\na\r\n\r\n"), bulk("a\r\n"));
    assert_eq!(full(b"$0\r\n\r\n"), bulk(""));
    assert_eq!(full(b"*2\r\n$1\r\na\r\n:1\r\n"), Frame::Array(vec![bulk("a"), Frame::Integer(1)]));
    assert_eq!(full(b"*0\r\n"), Frame::Array(vec![]));
}

#[test]
fn resp2_nulls_decode_to_null_and_null_array() {
    assert_eq!(full(b"$-1\r\n"), Frame::Null);
    assert_eq!(full(b"*-1\r\n"), Frame::NullArray);
    assert_eq!(full(b"_\r\n"), Frame::Null);
}

#[test]
fn decodes_resp3_types() {
    assert_eq!(full(b"#t\r\n"), Frame::Boolean(true));
    assert_eq!(full(b"#f\r\n"), Frame::Boolean(false));
    assert_eq!(full(b",1.5\r\n"), Frame::Double(1.5));
    assert_eq!(full(b",1e+20\r\n"), Frame::Double(1e20));
    assert_eq!(full(b",-inf\r\n"), Frame::Double(f64::NEG_INFINITY));
    assert!(matches!(full(b",nan\r\n"), Frame::Double(v) if v.is_nan()));
    assert_eq!(full(b"(-123456789012345678901234\r\n"), Frame::BigNumber("-123456789012345678901234".into()));
    assert_eq!(full(b"!8\r\nERR a\r\nb\r\n"), Frame::error("ERR a\r\nb"));
    assert_eq!(full(b"=15\r\ntxt:Some string\r\n"), Frame::Verbatim { format: *b"txt", text: "Some string".into() });
    assert_eq!(full(b"%1\r\n+k\r\n:1\r\n"), Frame::Map(vec![(Frame::simple("k"), Frame::Integer(1))]));
    assert_eq!(full(b"~1\r\n:1\r\n"), Frame::Set(vec![Frame::Integer(1)]));
    assert_eq!(full(b">2\r\n+invalidate\r\n_\r\n"), Frame::Push(vec![Frame::simple("invalidate"), Frame::Null]));
}

#[test]
fn top_level_attribute_is_its_own_frame() {
    let buf = b"|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n";
    let (attr, used) = decode_frame(buf).unwrap().unwrap();
    assert_eq!(attr, Frame::Attribute(vec![(Frame::simple("ttl"), Frame::Integer(3))]));
    assert_eq!(full(&buf[used..]), bulk("v"));
}

#[test]
fn nested_attribute_is_skipped_and_not_counted() {
    assert_eq!(full(b"*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n"), Frame::Array(vec![Frame::Integer(1), Frame::Integer(2)]));
}

#[test]
fn every_proper_prefix_is_incomplete() {
    let buf = b"*3\r\n$1\r\na\r\n%1\r\n#t\r\n,2.5\r\n=8\r\ntxt:abcd\r\n";
    for end in 0..buf.len() {
        assert_eq!(decode_frame(&buf[..end]), Ok(None), "prefix {end}");
    }
    assert!(decode_frame(buf).unwrap().is_some());
}

#[test]
fn malformed_frames_are_errors() {
    assert_eq!(err(b"?\r\n"), ProtocolError::UnknownFrameType(b'?'));
    assert_eq!(err(b":12a\r\n"), ProtocolError::InvalidInteger);
    assert_eq!(err(b":\r\n"), ProtocolError::InvalidInteger);
    assert_eq!(err(b":9223372036854775808\r\n"), ProtocolError::InvalidInteger);
    assert_eq!(err(b"$-2\r\n"), ProtocolError::InvalidBulkLength);
    assert_eq!(err(b"$?\r\n"), ProtocolError::InvalidBulkLength);
    assert_eq!(err(b"!-1\r\n"), ProtocolError::InvalidBulkLength);
    assert_eq!(err(b"*-2\r\n"), ProtocolError::InvalidMultibulkLength);
    assert_eq!(err(b"%-1\r\n"), ProtocolError::InvalidMultibulkLength);
    assert_eq!(err(b"*?\r\n"), ProtocolError::InvalidMultibulkLength);
    assert_eq!(err(b"$1\r\nab\r\n"), ProtocolError::ExpectedCrlf);
    assert_eq!(err(b"+OK\rX"), ProtocolError::ExpectedCrlf);
    assert_eq!(err(b"_x\r\n"), ProtocolError::ExpectedCrlf);
    assert_eq!(err(b"#x\r\n"), ProtocolError::InvalidBoolean);
    assert_eq!(err(b",abc\r\n"), ProtocolError::InvalidDouble);
    assert_eq!(err(b"(12.5\r\n"), ProtocolError::InvalidBigNumber);
    assert_eq!(err(b"(\r\n"), ProtocolError::InvalidBigNumber);
    assert_eq!(err(b"=3\r\ntxt\r\n"), ProtocolError::InvalidVerbatim);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut buf = b"*1\r\n".repeat(100_000);
    buf.extend_from_slice(b":1\r\n");
    assert_eq!(decode_frame(&buf), Err(ProtocolError::NestingTooDeep));
    let mut ok = b"*1\r\n".repeat(MAX_DEPTH);
    ok.extend_from_slice(b":1\r\n");
    assert!(decode_frame(&ok).unwrap().is_some());
}

#[test]
fn huge_counts_wait_without_allocating() {
    assert_eq!(decode_frame(b"*9223372036854775807\r\n:1\r\n"), Ok(None));
    assert_eq!(decode_frame(b"%9223372036854775807\r\n:1\r\n"), Ok(None));
    assert_eq!(decode_frame(b"$9223372036854775807\r\nabc"), Ok(None));
}
