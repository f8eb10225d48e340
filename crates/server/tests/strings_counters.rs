//! String counters: INCR DECR INCRBY DECRBY INCRBYFLOAT, their integer and
//! float parsing, overflow errors and reply types.

mod common;

use common::{bulk, cmd, err, int, server_with_list, Frame, Server, I64_MAX, I64_MIN, NOT_INT};
use redis::Value;

const OVERFLOW: &str = "ERR increment or decrement would overflow";

// -- INCR family ---------------------------------------------------------------------------

#[test]
fn incr_decr_family_counts() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["INCR", "n"]), int(1));
    assert_eq!(c.cmd(&["INCRBY", "n", "10"]), int(11));
    assert_eq!(c.cmd(&["DECR", "n"]), int(10));
    assert_eq!(c.cmd(&["DECRBY", "n", "20"]), int(-10));
    assert_eq!(c.cmd(&["INCRBY", "n", "-5"]), int(-15));
    assert_eq!(c.cmd(&["GET", "n"]), bulk("-15"));
    assert_eq!(c.cmd(&["DECR", "fresh"]), int(-1));
}

#[test]
fn incr_keeps_the_ttl() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "n", "1", "EX", "100"]);
    c.cmd(&["INCR", "n"]);
    assert!(c.cmd(&["TTL", "n"]).int() > 0);
}

#[test]
fn incr_rejects_values_that_are_not_canonical_integers() {
    let (_s, mut c) = server_with_list();
    for value in ["abc", "007", " 1", "1 ", "1.5", "+1", "-0", "", "1e3", "9223372036854775808", "0x10"] {
        c.cmd(&["SET", "n", value]);
        assert_eq!(c.cmd(&["INCR", "n"]), err(NOT_INT), "{value:?}");
        assert_eq!(c.cmd(&["GET", "n"]), bulk(value));
    }
}

#[test]
fn incrby_rejects_a_bad_increment() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["INCRBY", "n", "abc"]), err(NOT_INT));
    assert_eq!(c.cmd(&["INCRBY", "n", "1.0"]), err(NOT_INT));
    assert_eq!(c.cmd(&["INCRBY", "n", "007"]), err(NOT_INT));
    assert_eq!(c.cmd(&["DECRBY", "n", "9223372036854775808"]), err(NOT_INT));
    assert_eq!(c.cmd(&["EXISTS", "n"]), int(0));
}

#[test]
fn incr_overflow_is_refused_and_keeps_the_value() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "n", I64_MAX]);
    assert_eq!(c.cmd(&["INCR", "n"]), err(OVERFLOW));
    assert_eq!(c.cmd(&["INCRBY", "n", "1"]), err(OVERFLOW));
    c.cmd(&["SET", "n", I64_MIN]);
    assert_eq!(c.cmd(&["DECR", "n"]), err(OVERFLOW));
    assert_eq!(c.cmd(&["DECRBY", "n", "1"]), err(OVERFLOW));
    assert_eq!(c.cmd(&["INCRBY", "n", "-1"]), err(OVERFLOW));
    assert_eq!(c.cmd(&["GET", "n"]), bulk(I64_MIN));
}

#[test]
fn decrby_i64_min_has_its_own_error_text() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "n", "1"]);
    assert_eq!(c.cmd(&["DECRBY", "n", I64_MIN]), err("ERR decrement would overflow"));
    assert_eq!(c.cmd(&["GET", "n"]), bulk("1"));
    assert_eq!(c.cmd(&["INCRBY", "n", I64_MIN]), int(i64::MIN + 1));
}

#[test]
fn incrbyfloat_prints_long_double_results_like_redis() {
    let (_s, mut c) = server_with_list();
    for (start, incr, expected) in [
        (Some("1005.75"), "0.01", "1005.76000000000000001"),
        (Some("10.5"), "0.1", "10.6"),
        (Some("5.0e3"), "2.0e2", "5200"),
        (None, "3", "3"),
        (None, "1e-5", "0.00001"),
        (None, "-0", "0"),
        (Some("10"), "-10", "0"),
        (Some("3"), "1.5", "4.5"),
        (Some("-1.5"), "0.25", "-1.25"),
        (Some("17179869184"), "1.5", "17179869185.5"),
    ] {
        c.cmd(&["DEL", "f"]);
        if let Some(start) = start {
            c.cmd(&["SET", "f", start]);
        }
        assert_eq!(c.cmd(&["INCRBYFLOAT", "f", incr]), bulk(expected), "{start:?} + {incr}");
        assert_eq!(c.cmd(&["GET", "f"]), bulk(expected));
    }
}

#[test]
fn incrbyfloat_accepts_1e400_and_prints_every_digit() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "f", "5200"]);
    let reply = c.cmd(&["INCRBYFLOAT", "f", "1e400"]);
    let Frame::Bulk(digits) = reply else { panic!("{reply:?}") };
    assert_eq!(digits.len(), 401);
    assert!(digits.starts_with(b"1000000000000000000028188068394758651458"));
}

#[test]
fn incrbyfloat_is_a_bulk_string_in_resp3_not_a_double() {
    let s = Server::new();
    assert_eq!(s.raw3().cmd(&["INCRBYFLOAT", "f", "2.5"]), bulk("2.5"));
    let mut con = s.con3();
    let v: Value = cmd(&["INCRBYFLOAT", "f", "1"]).query(&mut con).unwrap();
    assert_eq!(v, Value::BulkString(b"3.5".to_vec()));
}

#[test]
fn incrbyfloat_refuses_nan_and_infinity() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "f", "1"]);
    let nan_inf = err("ERR increment would produce NaN or Infinity");
    assert_eq!(c.cmd(&["INCRBYFLOAT", "f", "inf"]), nan_inf);
    assert_eq!(c.cmd(&["INCRBYFLOAT", "f", "-inf"]), nan_inf);
    let not_float = err("ERR value is not a valid float");
    assert_eq!(c.cmd(&["INCRBYFLOAT", "f", "nan"]), not_float);
    assert_eq!(c.cmd(&["INCRBYFLOAT", "f", "abc"]), not_float);
    c.cmd(&["SET", "s", "abc"]);
    assert_eq!(c.cmd(&["INCRBYFLOAT", "s", "1"]), not_float);
    assert_eq!(c.cmd(&["GET", "f"]), bulk("1"));
}
