//! String commands that read or write whole values: GET SET (and its
//! options) SETNX SETEX PSETEX MGET MSET MSETNX GETSET GETDEL GETEX, and
//! WRONGTYPE on every string command. Substrings are in `strings_ranges.rs`,
//! counters in `strings_counters.rs`.

mod common;

use common::{
    arr, bulk, cmd, err, int, ok, query_err, server_with_list, Frame, Server, I64_MAX, NOT_INT, SYNTAX, WRONGTYPE,
};
use redis::Value;

// -- GET / SET -------------------------------------------------------------------

#[test]
fn get_missing_is_null_bulk_in_resp2_and_null_in_resp3() {
    let s = Server::new();
    assert_eq!(s.raw().cmd(&["GET", "nope"]), Frame::NullBulk);
    assert_eq!(s.raw3().cmd(&["GET", "nope"]), Frame::Null);
}

#[test]
fn set_get_roundtrip_is_binary_safe() {
    let (_s, mut c) = server_with_list();
    let mut value: Vec<u8> = (0..=255u8).collect();
    value.extend_from_slice(b"\r\n$-1\r\n");
    assert_eq!(c.cmd(&[&b"SET"[..], b"k\x00ey", &value]), ok());
    assert_eq!(c.cmd(&[&b"GET"[..], b"k\x00ey"]), bulk(&value));
    assert_eq!(c.cmd(&["SET", "empty", ""]), ok());
    assert_eq!(c.cmd(&["GET", "empty"]), bulk(""));
}

#[test]
fn set_and_get_a_one_megabyte_value_with_the_redis_crate() {
    let s = Server::new();
    let mut con = s.con2();
    let value = "x".repeat(1 << 20);
    let _: () = redis::cmd("SET").arg("big").arg(&value).query(&mut con).unwrap();
    let got: String = cmd(&["GET", "big"]).query(&mut con).unwrap();
    assert_eq!(got, value);
    let len: i64 = cmd(&["STRLEN", "big"]).query(&mut con).unwrap();
    assert_eq!(len, 1 << 20);
}

#[test]
fn set_overwrites_a_key_of_another_type() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["SET", "list", "now a string"]), ok());
    assert_eq!(c.cmd(&["GET", "list"]), bulk("now a string"));
}

#[test]
fn set_with_nx_does_not_overwrite() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["SET", "k", "1", "NX"]), ok());
    assert_eq!(c.cmd(&["SET", "k", "2", "NX"]), Frame::NullBulk);
    assert_eq!(c.cmd(&["GET", "k"]), bulk("1"));
}

#[test]
fn set_with_nx_failure_is_resp3_null() {
    let s = Server::new();
    let mut c = s.raw3();
    c.cmd(&["SET", "k", "1"]);
    assert_eq!(c.cmd(&["SET", "k", "2", "NX"]), Frame::Null);
}

#[test]
fn set_with_xx_only_overwrites_existing_keys() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["SET", "k", "1", "XX"]), Frame::NullBulk);
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
    c.cmd(&["SET", "k", "1"]);
    assert_eq!(c.cmd(&["SET", "k", "2", "xx"]), ok());
    assert_eq!(c.cmd(&["GET", "k"]), bulk("2"));
}

#[test]
fn set_with_ex_and_px_sets_a_ttl() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "a", "v", "EX", "100"]);
    assert!((99..=100).contains(&c.cmd(&["TTL", "a"]).int()));
    c.cmd(&["SET", "b", "v", "PX", "100000"]);
    assert!((99_000..=100_000).contains(&c.cmd(&["PTTL", "b"]).int()));
}

#[test]
fn set_with_exat_and_pxat_sets_absolute_expiry() {
    let (_s, mut c) = server_with_list();
    let at = common::unix_now() + 1000;
    c.cmd(&["SET", "a", "v", "EXAT", &at.to_string()]);
    assert_eq!(c.cmd(&["EXPIRETIME", "a"]), int(at));
    let pat = at * 1000 + 123;
    c.cmd(&["SET", "b", "v", "PXAT", &pat.to_string()]);
    assert_eq!(c.cmd(&["PEXPIRETIME", "b"]), int(pat));
}

#[test]
fn set_with_exat_in_the_past_deletes_the_key() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "a", "old"]);
    assert_eq!(c.cmd(&["SET", "a", "v", "EXAT", "1"]), ok());
    assert_eq!(c.cmd(&["EXISTS", "a"]), int(0));
}

#[test]
fn plain_set_clears_the_ttl_and_keepttl_keeps_it() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "a", "v", "EX", "100"]);
    c.cmd(&["SET", "a", "w", "KEEPTTL"]);
    assert!(c.cmd(&["TTL", "a"]).int() > 0);
    c.cmd(&["SET", "a", "x"]);
    assert_eq!(c.cmd(&["TTL", "a"]), int(-1));
}

#[test]
fn set_with_get_returns_the_old_value() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["SET", "k", "1", "GET"]), Frame::NullBulk);
    assert_eq!(c.cmd(&["SET", "k", "2", "GET"]), bulk("1"));
    assert_eq!(c.cmd(&["GET", "k"]), bulk("2"));
}

#[test]
fn set_with_nx_get_returns_the_old_value_without_setting() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "k", "old"]);
    assert_eq!(c.cmd(&["SET", "k", "new", "NX", "GET"]), bulk("old"));
    assert_eq!(c.cmd(&["GET", "k"]), bulk("old"));
    assert_eq!(c.cmd(&["SET", "fresh", "v", "NX", "GET"]), Frame::NullBulk);
    assert_eq!(c.cmd(&["GET", "fresh"]), bulk("v"));
}

#[test]
fn set_with_get_on_a_list_fails_and_keeps_the_list() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["SET", "list", "v", "GET"]), err(WRONGTYPE));
    assert_eq!(c.cmd(&["TYPE", "list"]), common::simple("list"));
}

#[test]
fn set_with_conflicting_options_is_a_syntax_error() {
    let (_s, mut c) = server_with_list();
    let cases: [&[&str]; 10] = [
        &["NX", "XX"],
        &["EX", "10", "PX", "100"],
        &["EX", "10", "KEEPTTL"],
        &["PX", "10", "EXAT", "100"],
        &["EXAT", "10", "PXAT", "100"],
        &["KEEPTTL", "PXAT", "100"],
        &["EX"],
        &["FOO"],
        &["EX", "10", "EX", "20", "NX", "XX"],
        &["GET", "GET", "FOO"],
    ];
    for opts in cases {
        let mut args = vec!["SET", "k", "v"];
        args.extend_from_slice(opts);
        assert_eq!(c.cmd(&args), err(SYNTAX), "{opts:?}");
        assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
    }
}

#[test]
fn set_ex_i64_max_is_an_invalid_expire_time() {
    let (_s, mut c) = server_with_list();
    let invalid = err("ERR invalid expire time in 'set' command");
    for opts in [
        ["EX", I64_MAX],
        ["PX", I64_MAX],
        ["EX", "9223372036854775"],
        ["EX", "0"],
        ["EX", "-5"],
        ["PX", "0"],
        ["EXAT", "0"],
        ["PXAT", "-1"],
    ] {
        assert_eq!(c.cmd(&["SET", "k", "v", opts[0], opts[1]]), invalid, "{opts:?}");
    }
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
}

#[test]
fn set_with_a_non_integer_expire_is_not_an_integer() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["SET", "k", "v", "EX", "abc"]), err(NOT_INT));
    assert_eq!(c.cmd(&["SET", "k", "v", "PX", "1.5"]), err(NOT_INT));
}

#[test]
fn set_options_are_case_insensitive() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["SET", "k", "v", "ex", "100", "nx"]), ok());
    assert!(c.cmd(&["TTL", "k"]).int() > 0);
}

#[test]
fn redis_crate_set_options_in_both_protocols() {
    let s = Server::new();
    for mut con in [s.con2(), s.con3()] {
        let _: () = cmd(&["FLUSHALL"]).query(&mut con).unwrap();
        let first: Option<String> = cmd(&["SET", "a", "1", "EX", "100", "NX"]).query(&mut con).unwrap();
        assert_eq!(first.as_deref(), Some("OK"));
        let second: Option<String> = cmd(&["SET", "a", "2", "NX"]).query(&mut con).unwrap();
        assert_eq!(second, None);
        let old: Option<String> = cmd(&["SET", "a", "3", "XX", "GET", "KEEPTTL"]).query(&mut con).unwrap();
        assert_eq!(old.as_deref(), Some("1"));
        let ttl: i64 = cmd(&["TTL", "a"]).query(&mut con).unwrap();
        assert!(ttl > 0);
    }
}

// -- SETNX SETEX PSETEX --------------------------------------------------------------

#[test]
fn setnx_sets_only_missing_keys() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["SETNX", "k", "a"]), int(1));
    assert_eq!(c.cmd(&["SETNX", "k", "b"]), int(0));
    assert_eq!(c.cmd(&["GET", "k"]), bulk("a"));
    assert_eq!(c.cmd(&["SETNX", "list", "b"]), int(0));
}

#[test]
fn setex_and_psetex_set_value_and_ttl() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["SETEX", "a", "100", "v"]), ok());
    assert!((99..=100).contains(&c.cmd(&["TTL", "a"]).int()));
    assert_eq!(c.cmd(&["PSETEX", "b", "100000", "v"]), ok());
    assert!((99_000..=100_000).contains(&c.cmd(&["PTTL", "b"]).int()));
    assert_eq!(c.cmd(&["SETEX", "list", "100", "v"]), ok());
}

#[test]
fn setex_rejects_non_positive_and_non_integer_times() {
    let (_s, mut c) = server_with_list();
    for name in ["setex", "psetex"] {
        let invalid = err(&format!("ERR invalid expire time in '{name}' command"));
        assert_eq!(c.cmd(&[name, "k", "0", "v"]), invalid);
        assert_eq!(c.cmd(&[name, "k", "-1", "v"]), invalid);
        assert_eq!(c.cmd(&[name, "k", "abc", "v"]), err(NOT_INT));
    }
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
}

// -- MGET MSET MSETNX ------------------------------------------------------------------

#[test]
fn mget_returns_null_for_missing_and_wrong_type_keys() {
    let (s, mut c) = server_with_list();
    c.cmd(&["SET", "a", "1"]);
    assert_eq!(c.cmd(&["MGET", "a", "missing", "list"]), arr(vec![bulk("1"), Frame::NullBulk, Frame::NullBulk]));
    assert_eq!(s.raw3().cmd(&["MGET", "a", "missing", "list"]), arr(vec![bulk("1"), Frame::Null, Frame::Null]));
}

#[test]
fn mset_sets_every_pair_last_one_wins_and_clears_ttl() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "a", "old", "EX", "100"]);
    assert_eq!(c.cmd(&["MSET", "a", "1", "b", "2", "a", "3"]), ok());
    assert_eq!(c.cmd(&["MGET", "a", "b"]), arr(vec![bulk("3"), bulk("2")]));
    assert_eq!(c.cmd(&["TTL", "a"]), int(-1));
}

#[test]
fn msetnx_is_all_or_nothing() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["MSETNX", "a", "1", "b", "2"]), int(1));
    assert_eq!(c.cmd(&["MSETNX", "b", "x", "c", "3"]), int(0));
    assert_eq!(c.cmd(&["EXISTS", "c"]), int(0));
    assert_eq!(c.cmd(&["GET", "b"]), bulk("2"));
    assert_eq!(c.cmd(&["MSETNX", "list", "x"]), int(0));
    assert_eq!(c.cmd(&["MSETNX", "a"]), err("ERR wrong number of arguments for 'msetnx' command"));
}

// -- GETSET GETDEL GETEX ---------------------------------------------------------------

#[test]
fn getset_returns_old_value_and_clears_ttl() {
    let (_s, mut c) = server_with_list();
    assert_eq!(c.cmd(&["GETSET", "k", "a"]), Frame::NullBulk);
    c.cmd(&["EXPIRE", "k", "100"]);
    assert_eq!(c.cmd(&["GETSET", "k", "b"]), bulk("a"));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
    assert_eq!(c.cmd(&["GETSET", "list", "b"]), err(WRONGTYPE));
}

#[test]
fn getdel_returns_and_removes() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["GETDEL", "k"]), bulk("v"));
    assert_eq!(c.cmd(&["GETDEL", "k"]), Frame::NullBulk);
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
    assert_eq!(c.cmd(&["GETDEL", "list"]), err(WRONGTYPE));
}

#[test]
fn getex_sets_changes_and_removes_the_ttl() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["GETEX", "k"]), bulk("v"));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
    assert_eq!(c.cmd(&["GETEX", "k", "EX", "100"]), bulk("v"));
    assert!((99..=100).contains(&c.cmd(&["TTL", "k"]).int()));
    let at = common::unix_now() + 500;
    assert_eq!(c.cmd(&["GETEX", "k", "EXAT", &at.to_string()]), bulk("v"));
    assert_eq!(c.cmd(&["EXPIRETIME", "k"]), int(at));
    let pat = (at * 1000 + 7).to_string();
    assert_eq!(c.cmd(&["GETEX", "k", "PXAT", &pat]), bulk("v"));
    assert_eq!(c.cmd(&["PEXPIRETIME", "k"]), int(at * 1000 + 7));
    assert_eq!(c.cmd(&["GETEX", "k", "PERSIST"]), bulk("v"));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
    assert_eq!(c.cmd(&["GETEX", "k", "EXAT", "1"]), bulk("v"));
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
}

#[test]
fn getex_option_errors() {
    let (_s, mut c) = server_with_list();
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["GETEX", "k", "EX", "100", "PX", "100"]), err(SYNTAX));
    assert_eq!(c.cmd(&["GETEX", "k", "EX", "10", "PERSIST"]), err(SYNTAX));
    assert_eq!(c.cmd(&["GETEX", "k", "FOO"]), err(SYNTAX));
    let invalid = err("ERR invalid expire time in 'getex' command");
    assert_eq!(c.cmd(&["GETEX", "k", "EX", "0"]), invalid);
    assert_eq!(c.cmd(&["GETEX", "k", "EX", "-1"]), invalid);
    assert_eq!(c.cmd(&["GETEX", "k", "EX", "x"]), err(NOT_INT));
    assert_eq!(c.cmd(&["GETEX", "missing", "EX", "10"]), Frame::NullBulk);
    assert_eq!(c.cmd(&["GETEX", "list"]), err(WRONGTYPE));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
}

// -- WRONGTYPE -----------------------------------------------------------------------------------

#[test]
fn string_commands_on_a_list_are_wrongtype() {
    let (s, mut c) = server_with_list();
    let cases: [&[&str]; 14] = [
        &["GET", "list"],
        &["GETRANGE", "list", "0", "1"],
        &["SUBSTR", "list", "0", "1"],
        &["GETDEL", "list"],
        &["GETEX", "list"],
        &["GETSET", "list", "v"],
        &["APPEND", "list", "v"],
        &["STRLEN", "list"],
        &["SETRANGE", "list", "0", "v"],
        &["INCR", "list"],
        &["DECR", "list"],
        &["INCRBY", "list", "2"],
        &["DECRBY", "list", "2"],
        &["INCRBYFLOAT", "list", "1.5"],
    ];
    for args in cases {
        assert_eq!(c.cmd(args), err(WRONGTYPE), "{args:?}");
    }
    let mut con = s.con2();
    let e = cmd(&["GET", "list"]).query::<Value>(&mut con).unwrap_err();
    assert_eq!(e.code(), Some("WRONGTYPE"));
    assert_eq!(query_err(&cmd(&["INCR", "list"]), &mut con), WRONGTYPE);
    assert_eq!(c.cmd(&["LRANGE", "list", "0", "-1"]), arr(vec![bulk("a")]));
}
