//! COMMAND INFO metadata (ACL categories, `movablekeys`, legacy key
//! ranges) and the `*-ziplist-*` config aliases, through the `redis` crate
//! in RESP2 and RESP3. Expectations come from redis-server
//! (`HEARTH_IT_REFERENCE=1` checks them there).

mod common;

use common::{cmd, err_text, Server};
use redis::{Connection, Value};

/// (flags, first key, last key, step, categories) of one command.
fn info(con: &mut Connection, name: &str) -> (Vec<String>, i64, i64, i64, Vec<String>) {
    let Value::Array(mut all) = cmd(&["COMMAND", "INFO", name]).query::<Value>(con).unwrap() else {
        panic!("COMMAND INFO reply is an array");
    };
    let Value::Array(entry) = all.remove(0) else { panic!("{name} is known") };
    let strings = |v: &Value| -> Vec<String> { redis::from_redis_value(v.clone()).unwrap() };
    let int = |v: &Value| -> i64 { redis::from_redis_value(v.clone()).unwrap() };
    (strings(&entry[2]), int(&entry[3]), int(&entry[4]), int(&entry[5]), strings(&entry[6]))
}

#[test]
fn categories_have_redis_names_and_order() {
    let s = Server::new();
    for mut con in [s.con2(), s.con3()] {
        let cats = |con: &mut Connection, name| info(con, name).4;
        assert_eq!(cats(&mut con, "zadd"), ["@write", "@sortedset", "@fast"]);
        assert_eq!(cats(&mut con, "sort"), ["@write", "@set", "@sortedset", "@list", "@slow", "@dangerous"]);
        assert_eq!(cats(&mut con, "keys"), ["@keyspace", "@read", "@slow", "@dangerous"]);
        assert_eq!(cats(&mut con, "bzpopmin"), ["@write", "@sortedset", "@fast", "@blocking"]);
        assert_eq!(cats(&mut con, "multi"), ["@fast", "@transaction"]);
        assert_eq!(cats(&mut con, "dbsize"), ["@keyspace", "@read", "@fast"]);
    }
}

#[test]
fn movable_key_commands_say_so() {
    let s = Server::new();
    for mut con in [s.con2(), s.con3()] {
        let (flags, first, last, step, _) = info(&mut con, "sort");
        assert_eq!(flags, ["write", "denyoom", "movablekeys"]);
        assert_eq!((first, last, step), (1, 1, 1));
        assert_eq!(info(&mut con, "zunionstore").0.last().map(String::as_str), Some("movablekeys"));
        assert_eq!(info(&mut con, "zunionstore").1, 1);
        let (flags, first, ..) = info(&mut con, "sintercard");
        assert_eq!((flags.last().map(String::as_str), first), (Some("movablekeys"), 0));
        assert!(!info(&mut con, "zrangestore").0.iter().any(|f| f == "movablekeys"));
    }
}

#[test]
fn ziplist_config_names_are_aliases() {
    let s = Server::new();
    let mut con = s.con2();
    let _: () =
        cmd(&["CONFIG", "SET", "list-max-ziplist-size", "5", "hash-max-ziplist-entries", "9"]).query(&mut con).unwrap();
    let got: Vec<String> = cmd(&["CONFIG", "GET", "list-max-listpack-size"]).query(&mut con).unwrap();
    assert_eq!(got, ["list-max-listpack-size", "5"]);
    let got: Vec<String> = cmd(&["CONFIG", "GET", "hash-max-ziplist-entries"]).query(&mut con).unwrap();
    assert_eq!(got, ["hash-max-ziplist-entries", "9"]);
    let e = cmd(&["CONFIG", "SET", "list-max-listpack-size", "99999999999"]).query::<()>(&mut con).unwrap_err();
    assert_eq!(
        err_text(&e),
        "ERR CONFIG SET failed (possibly related to argument 'list-max-listpack-size') - argument must be between -2147483648 and 2147483647 inclusive"
    );
}
