//! Unit tests of the request parser: multibulk, inline, limits and errors.

use super::*;

fn limits() -> ParseLimits {
    ParseLimits::default()
}

/// Parses every request in `buf`, returning each one's arguments.
fn parse_all(buf: &[u8]) -> Result<Vec<Vec<Vec<u8>>>, ProtocolError> {
    let mut req = Request::new();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        match parse_command(&buf[pos..], &limits(), &mut req)? {
            Some(n) => {
                out.push(req.args(&buf[pos..]).iter().map(<[u8]>::to_vec).collect());
                pos += n;
            }
            None => break,
        }
    }
    Ok(out)
}

fn one(buf: &[u8]) -> Result<Option<Vec<Vec<u8>>>, ProtocolError> {
    let mut req = Request::new();
    Ok(parse_command(buf, &limits(), &mut req)?.map(|_| req.args(buf).iter().map(<[u8]>::to_vec).collect()))
}

fn err(buf: &[u8]) -> ProtocolError {
    let mut req = Request::new();
    match parse_command(buf, &limits(), &mut req) {
        Err(e) => e,
        other => panic!("expected an error for {:?}, got {other:?}", buf.escape_ascii().to_string()),
    }
}

fn args(list: &[&str]) -> Vec<Vec<u8>> {
    list.iter().map(|a| a.as_bytes().to_vec()).collect()
}

#[test]
fn multibulk_arguments_point_into_the_buffer() {
    let buf = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n";
    let mut req = Request::new();
    assert_eq!(parse_command(buf, &limits(), &mut req), Ok(Some(buf.len())));
    let a = req.args(buf);
    assert_eq!(a.len(), 3);
    assert_eq!(a.get(0).as_ptr(), buf[8..].as_ptr(), "zero copy");
    assert_eq!(a.get(2), b"");
}

#[test]
fn pipelined_requests_parse_one_at_a_time() {
    let buf = b"*1\r\n$4\r\nPING\r\nECHO hi\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
    assert_eq!(parse_all(buf), Ok(vec![args(&["PING"]), args(&["ECHO", "hi"]), args(&["GET", "k"])]));
}

#[test]
fn binary_data_with_crlf_inside_a_bulk_is_kept() {
    assert_eq!(
        one(b"*2\r\n$4\r\nECHO\r\n$4\r\n\r\n\0\xff\r\n"),
        Ok(Some(vec![b"ECHO".to_vec(), b"\r\n\0\xff".to_vec()]))
    );
}

#[test]
fn zero_and_negative_multibulk_counts_are_empty_requests() {
    for buf in [&b"*0\r\n"[..], b"*-1\r\n", b"*-5\r\n"] {
        let mut req = Request::new();
        assert_eq!(parse_command(buf, &limits(), &mut req), Ok(Some(buf.len())));
        assert!(req.is_empty());
    }
}

#[test]
fn blank_inline_lines_are_empty_requests() {
    for buf in [&b"\r\n"[..], b"\n", b"   \r\n"] {
        let mut req = Request::new();
        assert_eq!(parse_command(buf, &limits(), &mut req), Ok(Some(buf.len())));
        assert!(req.is_empty());
    }
}

#[test]
fn incomplete_requests_need_more_bytes() {
    for buf in [
        &b""[..],
        b"*",
        b"*1",
        b"*1\r",
        b"*1\r\n",
        b"*1\r\n$",
        b"*1\r\n$4\r",
        b"*1\r\n$4\r\nPI",
        b"*1\r\n$4\r\nPING",
        b"*1\r\n$4\r\nPING\r",
        b"*1\r\nX",
        b"PING",
        b"PING\r",
    ] {
        assert_eq!(one(buf), Ok(None), "{:?}", buf.escape_ascii().to_string());
    }
}

#[test]
fn inline_line_may_end_with_a_lone_newline() {
    assert_eq!(parse_all(b"PING\nECHO a\r\n"), Ok(vec![args(&["PING"]), args(&["ECHO", "a"])]));
}

#[test]
fn inline_quotes_are_unescaped() {
    assert_eq!(one(b"SET \"a b\" '\\'x' \"\\x41\"\r\n"), Ok(Some(args(&["SET", "a b", "'x", "A"]))));
}

#[test]
fn bytes_after_bulk_data_are_skipped_unchecked_like_redis() {
    assert_eq!(parse_all(b"*1\r\n$4\r\nPINGXY*1\r\n$4\r\nPING\r\n"), Ok(vec![args(&["PING"]), args(&["PING"])]));
    assert_eq!(one(b"*1\rX$4\r\nPING\r\n"), Ok(Some(args(&["PING"]))));
}

#[test]
fn non_numeric_or_non_strict_multibulk_count_is_invalid() {
    for buf in [
        &b"*abc\r\n"[..],
        b"*\r\n",
        b"*01\r\n",
        b"*+1\r\n",
        b"*-0\r\n",
        b"* 1\r\n",
        b"*1 \r\n",
        b"*2147483648\r\n",
        b"*99999999999999999999\r\n",
        b"*1\0\r\n",
    ] {
        assert_eq!(err(buf), ProtocolError::InvalidMultibulkLength, "{:?}", buf.escape_ascii().to_string());
    }
}

#[test]
fn multibulk_count_up_to_int_max_waits_for_arguments() {
    assert_eq!(one(b"*2147483647\r\n"), Ok(None));
}

#[test]
fn negative_or_non_strict_bulk_length_is_invalid() {
    for buf in [
        &b"*1\r\n$-1\r\n"[..],
        b"*1\r\n$-0\r\n",
        b"*1\r\n$\r\n",
        b"*1\r\n$01\r\nx\r\n",
        b"*2\r\n$4\r\nPING\r\n$1x\r\n",
        b"*1\r\n$ 1\r\nx\r\n",
        b"*1\r\n$536870913\r\n",
    ] {
        assert_eq!(err(buf), ProtocolError::InvalidBulkLength, "{:?}", buf.escape_ascii().to_string());
    }
}

#[test]
fn bulk_length_up_to_proto_max_bulk_len_waits_for_data() {
    assert_eq!(one(b"*1\r\n$536870912\r\n"), Ok(None));
}

#[test]
fn argument_not_starting_with_dollar_is_reported_once_its_line_is_complete() {
    assert_eq!(one(b"*1\r\n+foo"), Ok(None));
    assert_eq!(err(b"*1\r\n+foo\r\n"), ProtocolError::ExpectedDollar(b'+'));
    assert_eq!(err(b"*1\r\n\r\r\n"), ProtocolError::ExpectedDollar(b'\r'));
    assert_eq!(err(b"*1\r\n\xe9\r\n"), ProtocolError::ExpectedDollar(0xe9));
}

#[test]
fn inline_line_longer_than_the_limit_is_too_big() {
    let mut long = vec![b'a'; ParseLimits::DEFAULT_MAX_INLINE_LEN];
    assert_eq!(one(&long), Ok(None), "exactly the limit still waits");
    long.push(b'a');
    assert_eq!(err(&long), ProtocolError::TooBigInlineRequest);
    long.extend_from_slice(b"\r\n");
    assert_eq!(err(&long), ProtocolError::TooBigInlineRequest, "even once the newline is in");
    let mut fits = vec![b'a'; ParseLimits::DEFAULT_MAX_INLINE_LEN];
    fits.push(b'\n');
    assert_eq!(one(&fits).map(|a| a.map(|a| a.len())), Ok(Some(1)));
}

#[test]
fn count_lines_longer_than_the_limit_are_too_big() {
    let mut mbulk = b"*".to_vec();
    mbulk.resize(ParseLimits::DEFAULT_MAX_INLINE_LEN, b'1');
    assert_eq!(one(&mbulk), Ok(None));
    mbulk.push(b'1');
    assert_eq!(err(&mbulk), ProtocolError::TooBigMultibulkCount);

    let mut bulk = b"*1\r\n$".to_vec();
    bulk.resize(4 + ParseLimits::DEFAULT_MAX_INLINE_LEN, b'1');
    assert_eq!(one(&bulk), Ok(None));
    bulk.push(b'1');
    assert_eq!(err(&bulk), ProtocolError::TooBigBulkCount);
}

#[test]
fn unbalanced_inline_quotes_are_an_error() {
    assert_eq!(err(b"PING \"a\"b\r\n"), ProtocolError::UnbalancedQuotes);
    assert_eq!(err(b"ECHO \"ab\r\n"), ProtocolError::UnbalancedQuotes);
}

#[test]
fn configured_limits_are_enforced() {
    let small = ParseLimits { max_bulk_len: 3, max_multibulk_len: 2, max_inline_len: 8 };
    let mut req = Request::new();
    let mut run = |buf: &[u8]| parse_command(buf, &small, &mut req);
    assert_eq!(run(b"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"), Ok(Some(22)));
    assert_eq!(run(b"*3\r\n"), Err(ProtocolError::InvalidMultibulkLength));
    assert_eq!(run(b"*1\r\n$4\r\n"), Err(ProtocolError::InvalidBulkLength));
    // Like Redis, the limit counts the bytes before the `\n`, `\r` included.
    assert_eq!(run(b"PING 123\r\n"), Err(ProtocolError::TooBigInlineRequest));
    assert_eq!(run(b"PING 12\r\n"), Ok(Some(9)));
}

#[test]
fn unauthenticated_clients_get_small_limits() {
    let mut req = Request::new();
    let eleven = b"*11\r\n";
    assert_eq!(
        parse_command_unauthenticated(eleven, &limits(), &mut req),
        Err(ProtocolError::UnauthenticatedMultibulkLength)
    );
    assert_eq!(parse_command_unauthenticated(b"*10\r\n", &limits(), &mut req), Ok(None));
    req.reset();
    assert_eq!(
        parse_command_unauthenticated(b"*1\r\n$16385\r\n", &limits(), &mut req),
        Err(ProtocolError::UnauthenticatedBulkLength)
    );
    assert_eq!(parse_command_unauthenticated(b"*1\r\n$16384\r\n", &limits(), &mut req), Ok(None));
    req.reset();
    assert_eq!(
        parse_command_unauthenticated(b"*2147483648\r\n", &limits(), &mut req),
        Err(ProtocolError::InvalidMultibulkLength),
        "invalid is checked before unauthenticated"
    );
    assert_eq!(parse_command(eleven, &limits(), &mut req), Ok(None));
}

#[test]
fn resuming_after_need_more_gives_the_same_request() {
    let buf = b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
    let mut req = Request::new();
    for end in 0..buf.len() {
        assert_eq!(parse_command(&buf[..end], &limits(), &mut req), Ok(None), "prefix {end}");
    }
    assert_eq!(parse_command(buf, &limits(), &mut req), Ok(Some(buf.len())));
    assert_eq!(req.args(buf).iter().collect::<Vec<_>>(), [&b"SET"[..], b"key", b"value"]);
}

#[test]
fn a_shorter_buffer_after_need_more_restarts_instead_of_panicking() {
    let mut req = Request::new();
    assert_eq!(parse_command(b"*2\r\n$3\r\nGET\r\n", &limits(), &mut req), Ok(None));
    assert_eq!(parse_command(b"PING\r\n", &limits(), &mut req), Ok(Some(6)));
    assert_eq!(req.args(b"PING\r\n").get(0), b"PING");
}

#[test]
fn errors_leave_the_request_reusable() {
    let mut req = Request::new();
    assert!(parse_command(b"*1\r\n$x\r\n", &limits(), &mut req).is_err());
    assert_eq!(parse_command(b"*0\r\n", &limits(), &mut req), Ok(Some(4)));
    assert!(req.is_empty());
}

#[test]
fn strict_integers_follow_string2ll() {
    assert_eq!(parse_strict_i64(b"0"), Some(0));
    assert_eq!(parse_strict_i64(b"-1"), Some(-1));
    assert_eq!(parse_strict_i64(b"9223372036854775807"), Some(i64::MAX));
    assert_eq!(parse_strict_i64(b"-9223372036854775808"), Some(i64::MIN));
    for bad in [
        &b""[..],
        b"-",
        b"-0",
        b"00",
        b"01",
        b"+1",
        b" 1",
        b"1 ",
        b"9223372036854775808",
        b"-9223372036854775809",
        b"18446744073709551616",
        b"1a",
    ] {
        assert_eq!(parse_strict_i64(bad), None, "{:?}", bad.escape_ascii().to_string());
    }
}
