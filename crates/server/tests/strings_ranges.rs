//! String commands on parts of a value: APPEND STRLEN GETRANGE SETRANGE
//! SUBSTR, and LCS (with LEN and IDX, RESP2 and RESP3 shapes).

mod common;

use common::{arr, bulk, cmd, err, int, server_with_list, Frame, Raw, Server, NOT_INT, SYNTAX};
use redis::Value;

// -- APPEND STRLEN GETRANGE SETRANGE SUBSTR ----------------------------------------------

#[test]
fn append_grows_the_string_and_keeps_integers_usable() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["APPEND", "k", "abc"]), int(3));
    assert_eq!(c.cmd(&["APPEND", "k", "de"]), int(5));
    assert_eq!(c.cmd(&["APPEND", "k", ""]), int(5));
    assert_eq!(c.cmd(&["GET", "k"]), bulk("abcde"));
    assert_eq!(c.cmd(&["STRLEN", "k"]), int(5));
    assert_eq!(c.cmd(&["STRLEN", "missing"]), int(0));
    c.cmd(&["SET", "n", "12345"]);
    assert_eq!(c.cmd(&["STRLEN", "n"]), int(5));
    assert_eq!(c.cmd(&["APPEND", "n", "6"]), int(6));
    assert_eq!(c.cmd(&["INCR", "n"]), int(123457));
}

#[test]
fn append_keeps_the_ttl() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "k", "a", "EX", "100"]);
    c.cmd(&["APPEND", "k", "b"]);
    assert!(c.cmd(&["TTL", "k"]).int() > 0);
}

#[test]
fn getrange_clamps_and_counts_from_the_end() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "s", "Hello World"]);
    for (start, end, expected) in [
        ("0", "4", "Hello"),
        ("-5", "-1", "World"),
        ("5", "3", ""),
        ("-100", "100", "Hello World"),
        ("100", "200", ""),
        ("-1", "-5", ""),
        ("0", "-1", "Hello World"),
        ("6", "6", "W"),
    ] {
        assert_eq!(c.cmd(&["GETRANGE", "s", start, end]), bulk(expected), "GETRANGE {start} {end}");
    }
    assert_eq!(c.cmd(&["SUBSTR", "s", "0", "2"]), bulk("Hel"));
    assert_eq!(c.cmd(&["GETRANGE", "missing", "0", "-1"]), bulk(""));
    c.cmd(&["SET", "n", "12345"]);
    assert_eq!(c.cmd(&["GETRANGE", "n", "1", "2"]), bulk("23"));
    assert_eq!(c.cmd(&["GETRANGE", "n", "0", "x"]), err(NOT_INT));
}

#[test]
fn setrange_overwrites_and_pads_with_zero_bytes() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "k", "Hello World"]);
    assert_eq!(c.cmd(&["SETRANGE", "k", "6", "Redis"]), int(11));
    assert_eq!(c.cmd(&["GET", "k"]), bulk("Hello Redis"));
    assert_eq!(c.cmd(&["SETRANGE", "k", "11", "!!"]), int(13));
    assert_eq!(c.cmd(&["SETRANGE", "pad", "3", "ab"]), int(5));
    assert_eq!(c.cmd(&["GET", "pad"]), bulk(b"\x00\x00\x00ab"));
    c.cmd(&["SET", "n", "12345"]);
    assert_eq!(c.cmd(&["SETRANGE", "n", "0", "9"]), int(5));
    assert_eq!(c.cmd(&["GET", "n"]), bulk("92345"));
}

#[test]
fn setrange_missing_key_with_empty_value_returns_0_and_creates_nothing() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["SETRANGE", "missing", "0", ""]), int(0));
    assert_eq!(c.cmd(&["SETRANGE", "missing", "100", ""]), int(0));
    assert_eq!(c.cmd(&["EXISTS", "missing"]), int(0));
    c.cmd(&["SET", "k", "abc"]);
    assert_eq!(c.cmd(&["SETRANGE", "k", "10", ""]), int(3));
    assert_eq!(c.cmd(&["GET", "k"]), bulk("abc"));
}

#[test]
fn setrange_errors() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["SETRANGE", "k", "-1", "x"]), err("ERR offset is out of range"));
    assert_eq!(
        c.cmd(&["SETRANGE", "k", "536870912", "x"]),
        err("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
    );
    assert_eq!(c.cmd(&["SETRANGE", "k", "x", "x"]), err(NOT_INT));
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
}

// -- LCS ---------------------------------------------------------------------------------------

fn lcs_setup() -> (Server, Raw) {
    let (s, mut c) = server_with_list();
    c.cmd(&["MSET", "key1", "ohmytext", "key2", "mynewtext"]);
    (s, c)
}

fn range(a: i64, b: i64) -> Frame {
    arr(vec![int(a), int(b)])
}

#[test]
fn lcs_returns_the_string_or_its_length() {
    let (_s, mut c) = lcs_setup();
    assert_eq!(c.cmd(&["LCS", "key1", "key2"]), bulk("mytext"));
    assert_eq!(c.cmd(&["LCS", "key1", "key2", "LEN"]), int(6));
    assert_eq!(c.cmd(&["LCS", "key1", "missing"]), bulk(""));
    assert_eq!(c.cmd(&["LCS", "missing", "missing2", "LEN"]), int(0));
}

#[test]
fn lcs_idx_is_a_flat_array_in_resp2() {
    let (_s, mut c) = lcs_setup();
    assert_eq!(
        c.cmd(&["LCS", "key1", "key2", "IDX"]),
        arr(vec![
            bulk("matches"),
            arr(vec![arr(vec![range(4, 7), range(5, 8)]), arr(vec![range(2, 3), range(0, 1)]),]),
            bulk("len"),
            int(6),
        ])
    );
    assert_eq!(
        c.cmd(&["LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"]),
        arr(vec![bulk("matches"), arr(vec![arr(vec![range(4, 7), range(5, 8), int(4)])]), bulk("len"), int(6),])
    );
}

#[test]
fn lcs_idx_is_a_map_in_resp3() {
    let s = Server::new();
    let mut c = s.raw3();
    c.cmd(&["MSET", "key1", "ohmytext", "key2", "mynewtext"]);
    assert_eq!(
        c.cmd(&["LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"]),
        Frame::Map(vec![
            (bulk("matches"), arr(vec![arr(vec![range(4, 7), range(5, 8), int(4)])])),
            (bulk("len"), int(6)),
        ])
    );
    assert_eq!(
        c.cmd(&["LCS", "a", "b", "IDX"]),
        Frame::Map(vec![(bulk("matches"), arr(vec![])), (bulk("len"), int(0))])
    );
    let mut con = s.con3();
    let v: Value = cmd(&["LCS", "key1", "key2", "IDX"]).query(&mut con).unwrap();
    let Value::Map(pairs) = v else { panic!("LCS IDX over RESP3 must be a map: {v:?}") };
    assert_eq!(pairs[1], (Value::BulkString(b"len".to_vec()), Value::Int(6)));
}

#[test]
fn lcs_errors() {
    let (_s, mut c) = lcs_setup();
    assert_eq!(
        c.cmd(&["LCS", "key1", "key2", "LEN", "IDX"]),
        err("ERR If you want both the length and indexes, please just use IDX.")
    );
    assert_eq!(c.cmd(&["LCS", "key1", "key2", "FOO"]), err(SYNTAX));
    assert_eq!(c.cmd(&["LCS", "key1", "key2", "MINMATCHLEN", "x"]), err(NOT_INT));
    assert_eq!(c.cmd(&["LCS", "key1", "list"]), err("ERR The specified keys must contain string values"));
}
