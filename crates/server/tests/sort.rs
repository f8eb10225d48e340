//! SORT and SORT_RO through the `redis` crate in RESP2 and RESP3: numeric
//! and ALPHA order, BY/GET patterns, LIMIT, STORE, errors, and the key
//! positions (COMMAND GETKEYS) that tracking and WATCH rely on.

mod common;

use common::{arr, bulk, cmd, err_text, push, Server, NOT_INT, SYNTAX, WRONGTYPE};
use redis::{Connection, Value};

const NOT_DOUBLE: &str = "ERR One or more scores can't be converted into double";

/// Both protocols' connections to one server.
fn both(s: &Server) -> [Connection; 2] {
    [s.con2(), s.con3()]
}

fn strings(con: &mut Connection, args: &[&str]) -> Vec<String> {
    cmd(args).query(con).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn error(con: &mut Connection, args: &[&str]) -> String {
    let e = cmd(args).query::<Value>(con).expect_err("an error reply");
    err_text(&e)
}

/// List `l` of ids 3 1 2 with string weights `w_<id>` and hashes `h_<id>`.
fn with_weights(con: &mut Connection) {
    let _: () = cmd(&["RPUSH", "l", "3", "1", "2"]).query(con).unwrap();
    let _: () = cmd(&["MSET", "w_1", "30", "w_2", "10", "w_3", "20"]).query(con).unwrap();
    for (id, name) in [("1", "one"), ("2", "two"), ("3", "three")] {
        let _: () = cmd(&["HSET", &format!("h_{id}"), "name", name]).query(con).unwrap();
    }
}

#[test]
fn sorts_lists_sets_and_sorted_sets_numerically_and_alphabetically() {
    let s = Server::new();
    for mut con in both(&s) {
        let _: () = cmd(&["FLUSHALL"]).query(&mut con).unwrap();
        let _: () = cmd(&["RPUSH", "l", "10", "9", "-2.5", "1e1"]).query(&mut con).unwrap();
        assert_eq!(strings(&mut con, &["SORT", "l"]), ["-2.5", "9", "10", "1e1"]);
        assert_eq!(strings(&mut con, &["SORT", "l", "DESC"]), ["1e1", "10", "9", "-2.5"]);
        assert_eq!(strings(&mut con, &["SORT", "l", "ALPHA"]), ["-2.5", "10", "1e1", "9"]);
        let _: () = cmd(&["SADD", "s", "b", "a", "c"]).query(&mut con).unwrap();
        assert_eq!(strings(&mut con, &["SORT_RO", "s", "ALPHA", "DESC"]), ["c", "b", "a"]);
        let _: () = cmd(&["ZADD", "z", "1", "b", "2", "c", "3", "a"]).query(&mut con).unwrap();
        assert_eq!(strings(&mut con, &["SORT", "z", "BY", "nosort"]), ["b", "c", "a"]);
        assert_eq!(strings(&mut con, &["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "0", "2"]), ["a", "c"]);
        assert_eq!(strings(&mut con, &["SORT", "z", "ALPHA", "LIMIT", "1", "5"]), ["b", "c"]);
        assert!(strings(&mut con, &["SORT", "missing"]).is_empty());
    }
}

#[test]
fn by_and_get_patterns_follow_keys_and_hash_fields() {
    let s = Server::new();
    let mut con = s.con2();
    with_weights(&mut con);
    assert_eq!(strings(&mut con, &["SORT", "l", "BY", "w_*"]), ["2", "3", "1"]);
    assert_eq!(strings(&mut con, &["SORT", "l", "BY", "h_*->name", "ALPHA"]), ["1", "3", "2"]);
    assert_eq!(
        strings(&mut con, &["SORT", "l", "BY", "w_*", "GET", "#", "GET", "h_*->name"]),
        ["2", "two", "3", "three", "1", "one"]
    );
    // A GET that finds nothing is nil: a null bulk in RESP2, null in RESP3.
    for mut con in both(&s) {
        let got: Vec<Value> =
            cmd(&["SORT", "l", "LIMIT", "0", "1", "GET", "nokey_*", "GET", "w_*"]).query(&mut con).unwrap();
        assert_eq!(got, [Value::Nil, Value::BulkString(b"30".to_vec())]);
    }
}

#[test]
fn numeric_sort_of_a_non_number_is_an_error() {
    let s = Server::new();
    for mut con in both(&s) {
        let _: () = cmd(&["DEL", "l"]).query(&mut con).unwrap();
        let _: () = cmd(&["RPUSH", "l", "1", "one"]).query(&mut con).unwrap();
        assert_eq!(error(&mut con, &["SORT", "l"]), NOT_DOUBLE);
        assert_eq!(strings(&mut con, &["SORT", "l", "ALPHA"]), ["1", "one"]);
        assert_eq!(strings(&mut con, &["SORT", "l", "BY", "nosort"]), ["1", "one"]);
    }
}

#[test]
fn store_writes_a_list_and_an_empty_result_deletes_the_destination() {
    let s = Server::new();
    for mut con in both(&s) {
        let _: () = cmd(&["FLUSHALL"]).query(&mut con).unwrap();
        with_weights(&mut con);
        let n: i64 = cmd(&["SORT", "l", "BY", "w_*", "GET", "h_*->name", "GET", "nokey", "STORE", "dst"])
            .query(&mut con)
            .unwrap();
        assert_eq!(n, 6);
        assert_eq!(strings(&mut con, &["LRANGE", "dst", "0", "-1"]), ["two", "", "three", "", "one", ""]);
        let n: i64 = cmd(&["SORT", "l", "LIMIT", "3", "1", "STORE", "dst"]).query(&mut con).unwrap();
        assert_eq!(n, 0);
        let exists: i64 = cmd(&["EXISTS", "dst"]).query(&mut con).unwrap();
        assert_eq!(exists, 0);
    }
}

#[test]
fn errors_match_redis() {
    let s = Server::new();
    let mut con = s.con2();
    let _: () = cmd(&["SET", "str", "x"]).query(&mut con).unwrap();
    assert_eq!(error(&mut con, &["SORT", "str"]), WRONGTYPE);
    assert_eq!(error(&mut con, &["SORT_RO", "str"]), WRONGTYPE);
    assert_eq!(error(&mut con, &["SORT", "str", "LIMIT", "0", "x"]), NOT_INT);
    assert_eq!(error(&mut con, &["SORT", "l", "LIMIT", "0"]), SYNTAX);
    assert_eq!(error(&mut con, &["SORT", "l", "ASCENDING"]), SYNTAX);
    assert_eq!(error(&mut con, &["SORT_RO", "l", "STORE", "d"]), SYNTAX);
}

#[test]
fn getkeys_reports_the_store_destination() {
    let s = Server::new();
    let mut con = s.con2();
    assert_eq!(strings(&mut con, &["COMMAND", "GETKEYS", "SORT", "k", "STORE", "d"]), ["k", "d"]);
    assert_eq!(strings(&mut con, &["COMMAND", "GETKEYS", "SORT", "k", "GET", "store", "BY", "x"]), ["k"]);
    assert_eq!(strings(&mut con, &["COMMAND", "GETKEYS", "SORT_RO", "k", "GET", "#"]), ["k"]);
}

#[test]
fn a_store_dirties_watch_and_invalidates_trackers_of_the_destination() {
    let s = Server::new();
    let mut watcher = s.con2();
    let mut writer = s.con2();
    let _: () = cmd(&["RPUSH", "l", "b", "a"]).query(&mut writer).unwrap();
    let _: () = cmd(&["WATCH", "dst"]).query(&mut watcher).unwrap();
    let _: i64 = cmd(&["SORT", "l", "ALPHA", "STORE", "dst"]).query(&mut writer).unwrap();
    let got: Value = redis::pipe().atomic().cmd("GET").arg("x").query(&mut watcher).unwrap();
    assert_eq!(got, Value::Nil, "EXEC must abort");

    let mut reader = s.raw3();
    reader.cmd(&["CLIENT", "TRACKING", "ON"]);
    reader.cmd(&["LRANGE", "dst", "0", "-1"]);
    let _: i64 = cmd(&["SORT", "l", "ALPHA", "DESC", "STORE", "dst"]).query(&mut writer).unwrap();
    assert_eq!(reader.read(), push(vec![bulk("invalidate"), arr(vec![bulk("dst")])]));
    // SORT_RO is a read of the sorted key.
    reader.cmd(&["SORT_RO", "l", "ALPHA"]);
    let _: () = cmd(&["RPUSH", "l", "c"]).query(&mut writer).unwrap();
    assert_eq!(reader.read(), push(vec![bulk("invalidate"), arr(vec![bulk("l")])]));
}
