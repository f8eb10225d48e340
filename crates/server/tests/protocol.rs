//! The wire protocol over raw TCP, where a client library would hide the
//! details: ignored empty frames, inline commands, protocol errors that
//! close the connection, request size limits, pipelining, fragmentation.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::resp::encode;
use common::{bulk, err, int, ok, simple, Frame, Raw, Server};

const PONG: &[u8] = b"+PONG\r\n";

/// Sends `data` on a fresh connection; returns everything received within
/// `wait` and whether the server closed the connection.
fn exchange(s: &Server, data: &[u8], wait: Duration) -> (Vec<u8>, bool) {
    let mut stream = TcpStream::connect(s.addr()).expect("connect");
    stream.write_all(data).expect("write");
    let deadline = Instant::now() + wait;
    let mut out = Vec::new();
    loop {
        let now = Instant::now();
        if now >= deadline {
            return (out, false);
        }
        stream.set_read_timeout(Some(deadline - now)).expect("non-zero timeout");
        let mut chunk = [0u8; 65536];
        match stream.read(&mut chunk) {
            Ok(0) => return (out, true),
            Ok(n) => out.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return (out, false)
            }
            Err(_) => return (out, true),
        }
    }
}

/// Asserts `data` ends in `-ERR Protocol error: <expected>` and a close.
fn assert_protocol_error(s: &Server, data: &[u8], expected: &str) -> Vec<u8> {
    let (out, closed) = exchange(s, data, Duration::from_secs(3));
    let tail = format!("-ERR Protocol error: {expected}\r\n");
    assert!(
        out.ends_with(tail.as_bytes()),
        "{:?}: got {:?}, want ...{tail:?}",
        String::from_utf8_lossy(data),
        String::from_utf8_lossy(&out)
    );
    assert!(closed, "the server must close the connection after a protocol error");
    out
}

fn quick(s: &Server, data: &[u8]) -> Vec<u8> {
    exchange(s, data, Duration::from_millis(300)).0
}

// -- empty and null frames ------------------------------------------------------------

#[test]
fn empty_and_null_multibulk_frames_are_ignored() {
    let s = Server::new();
    let (out, closed) = exchange(&s, b"*0\r\n*-1\r\n*-5\r\nPING\r\n", Duration::from_millis(300));
    assert_eq!(out, PONG);
    assert!(!closed);
}

#[test]
fn a_lone_empty_multibulk_gets_no_reply() {
    let s = Server::new();
    let mut c = s.raw();
    c.send(b"*0\r\n");
    c.assert_no_reply(Duration::from_millis(200));
    c.send(b"*-1\r\n");
    c.assert_no_reply(Duration::from_millis(200));
    assert_eq!(c.cmd(&["PING"]), simple("PONG"));
}

// -- inline commands ------------------------------------------------------------------------

#[test]
fn inline_commands_are_split_on_whitespace() {
    let s = Server::new();
    assert_eq!(quick(&s, b"PING\r\n"), PONG);
    assert_eq!(quick(&s, b"PING\n"), PONG);
    assert_eq!(quick(&s, b"  PING   hi  \r\n"), b"$2\r\nhi\r\n");
}

#[test]
fn inline_commands_honour_quotes_and_escapes() {
    let s = Server::new();
    assert_eq!(quick(&s, b"SET a \"b c\"\r\nGET a\r\n"), b"+OK\r\n$3\r\nb c\r\n");
    assert_eq!(quick(&s, b"SET b 'x y'\r\nGET b\r\n"), b"+OK\r\n$3\r\nx y\r\n");
    assert_eq!(quick(&s, b"SET c \"a\\x41\\n\\t\\\\\"\r\nGET c\r\n"), b"+OK\r\n$5\r\naA\n\t\\\r\n");
    assert_eq!(quick(&s, b"SET d \"\"\r\nSTRLEN d\r\n"), b"+OK\r\n:0\r\n");
}

#[test]
fn inline_blank_lines_are_ignored() {
    let s = Server::new();
    assert_eq!(quick(&s, b"\r\n\r\n\nPING\r\n"), PONG);
}

#[test]
fn inline_and_multibulk_requests_mix_in_one_stream() {
    let s = Server::new();
    let mut data = b"SET k 1\r\n".to_vec();
    data.extend(encode(&["INCR", "k"]));
    data.extend_from_slice(b"GET k\r\n");
    assert_eq!(quick(&s, &data), b"+OK\r\n:2\r\n$1\r\n2\r\n");
}

#[test]
fn inline_unknown_command_error_has_a_trailing_space_and_keeps_the_connection() {
    let s = Server::new();
    let (out, closed) = exchange(&s, b"NOPE a b\r\n", Duration::from_millis(300));
    assert_eq!(out, b"-ERR unknown command 'NOPE', with args beginning with: 'a' 'b' \r\n");
    assert!(!closed);
}

#[test]
fn inline_unbalanced_quotes_are_a_protocol_error() {
    let s = Server::new();
    for line in [&b"SET a \"b c\r\n"[..], b"SET a \"b\"c\r\n", b"SET a 'b\r\n"] {
        assert_protocol_error(&s, line, "unbalanced quotes in request");
    }
}

#[test]
fn inline_request_over_64k_is_a_protocol_error() {
    let s = Server::new();
    assert_protocol_error(&s, &vec![b'x'; 70_000], "too big inline request");
}

// -- malformed multibulk -------------------------------------------------------------------

#[test]
fn malformed_frames_get_a_protocol_error_and_the_connection_is_closed() {
    let s = Server::new();
    for (data, expected) in [
        (&b"*abc\r\n"[..], "invalid multibulk length"),
        (b"*1\r\n+foo\r\n", "expected '$', got '+'"),
        (b"*1\r\n:1\r\n", "expected '$', got ':'"),
        (b"*1\r\n$abc\r\n", "invalid bulk length"),
        (b"*1\r\n$-1\r\n", "invalid bulk length"),
        (b"*1\r\n$536870913\r\n", "invalid bulk length"),
    ] {
        assert_protocol_error(&s, data, expected);
    }
}

#[test]
fn replies_before_a_protocol_error_are_still_sent() {
    let s = Server::new();
    let mut data = b"PING\r\n".to_vec();
    data.extend(encode(&["PING"]));
    data.extend_from_slice(b"*x\r\n");
    let out = assert_protocol_error(&s, &data, "invalid multibulk length");
    assert!(out.starts_with(b"+PONG\r\n+PONG\r\n"), "{out:?}");
}

#[test]
fn server_keeps_serving_after_protocol_errors() {
    let s = Server::new();
    for _ in 0..20 {
        exchange(&s, b"*1\r\n$x\r\n", Duration::from_millis(50));
    }
    assert_eq!(s.raw().cmd(&["PING"]), simple("PONG"));
}

#[test]
fn client_closing_mid_command_leaves_no_trace() {
    let s = Server::new();
    let mut half = TcpStream::connect(s.addr()).unwrap();
    half.write_all(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nabc").unwrap();
    drop(half);
    let mut c = s.raw();
    assert_eq!(c.cmd(&["PING"]), simple("PONG"));
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
}

// -- size limits ----------------------------------------------------------------------------

#[test]
fn proto_max_bulk_len_set_at_runtime_limits_bulk_arguments() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["CONFIG", "SET", "proto-max-bulk-len", "1mb"]), ok());
    assert_eq!(
        c.cmd(&["CONFIG", "GET", "proto-max-bulk-len"]),
        common::arr(vec![bulk("proto-max-bulk-len"), bulk("1048576")])
    );
    let value = vec![b'x'; 1 << 20];
    assert_eq!(c.cmd(&[&b"SET"[..], b"big", &value]), ok());
    assert_protocol_error(&s, b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$1048577\r\n", "invalid bulk length");
    assert_eq!(c.cmd(&["STRLEN", "big"]), int(1 << 20));
}

#[test]
fn client_query_buffer_limit_disconnects_a_client_with_a_bigger_request() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["CONFIG", "SET", "client-query-buffer-limit", "1mb"]), ok());
    let mut greedy = s.raw();
    // A 2 MB argument has to sit in the query buffer before the command runs.
    let value = vec![b'x'; 2 << 20];
    let mut data = encode(&[&b"SET"[..], b"big", &value]);
    data.extend(encode(&["PING"]));
    // The server may close while we are still writing; that is the point.
    let _ = greedy.try_send(&data);
    assert!(greedy.wait_closed(Duration::from_secs(5)), "the connection must be closed");
    let got = greedy.take_buffered();
    assert!(got.is_empty(), "no reply expected, got {:?}", String::from_utf8_lossy(&got));
    assert_eq!(c.cmd(&["EXISTS", "big"]), int(0));
    assert_eq!(c.cmd(&["PING"]), simple("PONG"));
}

// -- pipelining and fragmentation -----------------------------------------------------------

#[test]
fn a_ten_thousand_command_pipeline_is_answered_in_order() {
    let s = Server::new();
    let mut c = s.raw();
    let n = 10_000;
    let mut batch = Vec::new();
    for _ in 0..n {
        batch.extend(encode(&["INCR", "counter"]));
    }
    batch.extend(encode(&["GET", "counter"]));
    c.send(&batch);
    for i in 1..=n {
        assert_eq!(c.read(), int(i));
    }
    assert_eq!(c.read(), bulk(n.to_string()));
}

#[test]
fn a_pipeline_with_errors_keeps_every_reply_in_its_place() {
    let s = Server::new();
    let mut c = s.raw();
    let mut batch = Vec::new();
    for i in 0..2000 {
        batch.extend(encode(&["SET", &format!("k{i}"), &format!("v{i}")]));
        batch.extend(encode(&["GET", &format!("k{i}")]));
        if i % 100 == 0 {
            batch.extend(encode(&["NOSUCH"]));
        } else {
            batch.extend(encode(&["EXISTS", &format!("k{i}")]));
        }
    }
    c.send(&batch);
    for i in 0..2000 {
        assert_eq!(c.read(), ok());
        assert_eq!(c.read(), bulk(format!("v{i}")));
        let third = c.read();
        if i % 100 == 0 {
            assert_eq!(third, err("ERR unknown command 'NOSUCH', with args beginning with: "));
        } else {
            assert_eq!(third, int(1));
        }
    }
}

#[test]
fn a_command_sent_byte_by_byte_is_understood() {
    let s = Server::new();
    let mut c = s.raw();
    for byte in encode(&["SET", "frag", "mented value"]) {
        c.send(&[byte]);
    }
    assert_eq!(c.read(), ok());
    for byte in b"GET frag\r\n" {
        c.send(&[*byte]);
    }
    assert_eq!(c.read(), bulk("mented value"));
}

#[test]
fn commands_split_at_every_offset_are_understood() {
    let s = Server::new();
    let mut c = s.raw();
    let mut data = encode(&["SET", "a", "1"]);
    data.extend(encode(&["INCRBY", "a", "41"]));
    data.extend_from_slice(b"GET a\r\n");
    for cut in 1..data.len() {
        c.send(&data[..cut]);
        std::thread::sleep(Duration::from_millis(1));
        c.send(&data[cut..]);
        assert_eq!(c.read(), ok(), "cut at {cut}");
        assert_eq!(c.read(), int(42), "cut at {cut}");
        assert_eq!(c.read(), bulk("42"), "cut at {cut}");
    }
}

#[test]
fn a_four_megabyte_value_round_trips() {
    let s = Server::new();
    let mut c = s.raw();
    let value: Vec<u8> = (0..=255u8).cycle().take(4 << 20).collect();
    assert_eq!(c.cmd(&[&b"SET"[..], b"big", &value]), ok());
    assert_eq!(c.cmd(&["GET", "big"]), Frame::Bulk(value));
}

#[test]
fn two_hundred_connections_are_served_at_once() {
    let s = Server::new();
    let mut conns: Vec<Raw> = (0..200).map(|_| s.raw()).collect();
    for (i, c) in conns.iter_mut().enumerate() {
        c.send_cmd(&["SET", &format!("c{i}"), &i.to_string()]);
    }
    for c in conns.iter_mut() {
        assert_eq!(c.read(), ok());
    }
    for (i, c) in conns.iter_mut().enumerate() {
        assert_eq!(c.cmd(&["GET", &format!("c{i}")]), bulk(i.to_string()));
    }
}

#[test]
fn resp3_replies_use_resp3_types_on_the_wire() {
    let s = Server::new();
    let (out, _) = exchange(&s, b"HELLO 3\r\nGET missing\r\nPING\r\n", Duration::from_millis(300));
    assert!(out.starts_with(b"%"), "{:?}", String::from_utf8_lossy(&out));
    assert!(out.ends_with(b"_\r\n+PONG\r\n"), "{:?}", String::from_utf8_lossy(&out));
}
