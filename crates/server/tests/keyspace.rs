//! Keyspace commands: DEL UNLINK EXISTS TYPE TOUCH, KEYS SCAN RANDOMKEY,
//! RENAME RENAMENX MOVE COPY, OBJECT, DBSIZE FLUSHDB FLUSHALL SWAPDB.
//! Expiry and TTLs live in `expiry.rs`.

mod common;

use std::collections::BTreeSet;

use common::{arr, bulk, cmd, err, int, ok, simple, Frame, Raw, Server, NOT_INT, SYNTAX};

const OUT_OF_RANGE: &str = "ERR DB index is out of range";
const SAME: &str = "ERR source and destination objects are the same";

fn setup() -> (Server, Raw) {
    let s = Server::new();
    let c = s.raw();
    (s, c)
}

// -- DEL UNLINK EXISTS TYPE TOUCH -------------------------------------------------------

#[test]
fn del_and_unlink_count_removed_keys_once() {
    let (_s, mut c) = setup();
    for name in ["DEL", "UNLINK"] {
        c.cmd(&["MSET", "a", "1", "b", "2"]);
        c.cmd(&["RPUSH", "l", "x"]);
        assert_eq!(c.cmd(&[name, "a", "l", "missing", "a"]), int(2), "{name}");
        assert_eq!(c.cmd(&["EXISTS", "a", "b", "l"]), int(1));
        assert_eq!(
            c.cmd(&[name]),
            err(&format!("ERR wrong number of arguments for '{}' command", name.to_lowercase()))
        );
    }
}

#[test]
fn exists_counts_repeated_keys() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "a", "1"]);
    assert_eq!(c.cmd(&["EXISTS", "a", "a", "a", "missing"]), int(3));
    assert_eq!(c.cmd(&["EXISTS", "missing"]), int(0));
}

#[test]
fn type_names_strings_lists_and_none() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "s", "v"]);
    c.cmd(&["SET", "i", "12"]);
    c.cmd(&["RPUSH", "l", "x"]);
    assert_eq!(c.cmd(&["TYPE", "s"]), simple("string"));
    assert_eq!(c.cmd(&["TYPE", "i"]), simple("string"));
    assert_eq!(c.cmd(&["TYPE", "l"]), simple("list"));
    assert_eq!(c.cmd(&["TYPE", "missing"]), simple("none"));
}

#[test]
fn touch_counts_existing_keys() {
    let (_s, mut c) = setup();
    c.cmd(&["MSET", "a", "1", "b", "2"]);
    assert_eq!(c.cmd(&["TOUCH", "a", "missing", "b", "a"]), int(3));
}

// -- KEYS ---------------------------------------------------------------------------------

const KEYS: [&str; 14] =
    ["hello", "hallo", "hxllo", "hllo", "heeello", "h*llo", "h?llo", "a[b", "h\\llo", "abc", "b", "c", "d", "h-llo"];

#[test]
fn keys_matches_redis_glob_patterns() {
    let s = Server::new();
    let mut con = s.con2();
    let mut mset = redis::cmd("MSET");
    for k in KEYS {
        mset.arg(k).arg("1");
    }
    let _: () = mset.query(&mut con).unwrap();
    let cases: [(&str, &[&str]); 16] = [
        ("h?llo", &["h*llo", "h-llo", "h?llo", "h\\llo", "hallo", "hello", "hxllo"]),
        ("h*llo", &["h*llo", "h-llo", "h?llo", "h\\llo", "hallo", "heeello", "hello", "hllo", "hxllo"]),
        ("h[ae]llo", &["hallo", "hello"]),
        ("h[^e]llo", &["h*llo", "h-llo", "h?llo", "h\\llo", "hallo", "hxllo"]),
        ("h[a-b]llo", &["hallo"]),
        ("[a-c]", &["b", "c"]),
        ("[c-a]", &["b", "c"]),
        ("[^a-c]", &["d"]),
        ("h\\*llo", &["h*llo"]),
        ("h\\?llo", &["h?llo"]),
        ("h\\\\llo", &["h\\llo"]),
        ("a\\[b", &["a[b"]),
        ("h[\\-]llo", &["h-llo"]),
        ("a[b", &[]),
        ("nomatch*", &[]),
        ("abc", &["abc"]),
    ];
    for (pattern, expected) in cases {
        let got: BTreeSet<String> = cmd(&["KEYS", pattern]).query(&mut con).unwrap();
        let expected: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(got, expected, "KEYS {pattern}");
    }
    let all: Vec<String> = cmd(&["KEYS", "*"]).query(&mut con).unwrap();
    assert_eq!(all.len(), KEYS.len());
}

#[test]
fn keys_lists_only_the_selected_db() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "live", "1"]);
    c.cmd(&["MOVE", "live", "1"]);
    c.cmd(&["SET", "here", "1"]);
    assert_eq!(c.cmd(&["KEYS", "*"]), arr(vec![bulk("here")]));
}

// -- SCAN ---------------------------------------------------------------------------------

/// Iterates SCAN to cursor 0; returns every key seen and the call count.
fn full_scan(c: &mut Raw, extra: &[&str]) -> (Vec<String>, usize) {
    let mut cursor = "0".to_string();
    let mut seen = Vec::new();
    let mut rounds = 0;
    loop {
        let mut args = vec!["SCAN", cursor.as_str()];
        args.extend_from_slice(extra);
        let reply = c.cmd(&args);
        let items = reply.items();
        assert_eq!(items.len(), 2, "{reply:?}");
        assert!(matches!(items[0], Frame::Bulk(_)), "cursor must be a bulk string: {reply:?}");
        seen.extend(items[1].items().iter().map(Frame::text));
        cursor = items[0].text();
        rounds += 1;
        assert!(rounds < 100_000, "SCAN never returned cursor 0");
        if cursor == "0" {
            return (seen, rounds);
        }
    }
}

#[test]
fn scan_returns_every_key_over_several_calls() {
    let (_s, mut c) = setup();
    let keys: Vec<String> = (0..1000).map(|i| format!("key:{i}")).collect();
    for chunk in keys.chunks(100) {
        let mut args = vec!["MSET"];
        for k in chunk {
            args.push(k);
            args.push("v");
        }
        assert_eq!(c.cmd(&args), ok());
    }
    let (seen, rounds) = full_scan(&mut c, &[]);
    let seen: BTreeSet<String> = seen.into_iter().collect();
    assert_eq!(seen, keys.into_iter().collect());
    assert!(rounds > 1, "1000 keys at COUNT 10 take more than one call");
}

#[test]
fn scan_filters_by_match_and_type() {
    let (_s, mut c) = setup();
    for i in 0..300 {
        c.cmd(&["SET", &format!("s:{i}"), "v"]);
    }
    for i in 0..50 {
        c.cmd(&["RPUSH", &format!("l:{i}"), "v"]);
    }
    let (seen, rounds) = full_scan(&mut c, &["COUNT", "1000"]);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 350);
    assert!(rounds <= 3, "{rounds}");
    let (seen, _) = full_scan(&mut c, &["MATCH", "s:1*"]);
    let expected: BTreeSet<String> = (0..300).map(|i| format!("s:{i}")).filter(|k| k.starts_with("s:1")).collect();
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), expected);
    let (seen, _) = full_scan(&mut c, &["TYPE", "list"]);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 50);
    assert!(seen.iter().all(|k| k.starts_with("l:")));
    let (seen, _) = full_scan(&mut c, &["MATCH", "l:1*", "TYPE", "string", "COUNT", "7"]);
    assert!(seen.is_empty(), "{seen:?}");
}

#[test]
fn scan_on_an_empty_db_and_its_errors() {
    let (s, mut c) = setup();
    let empty = arr(vec![bulk("0"), arr(vec![])]);
    assert_eq!(c.cmd(&["SCAN", "0"]), empty);
    assert_eq!(s.raw3().cmd(&["SCAN", "0"]), empty);
    assert_eq!(c.cmd(&["SCAN", "x"]), err("ERR invalid cursor"));
    assert_eq!(c.cmd(&["SCAN", "0", "COUNT", "0"]), err(SYNTAX));
    assert_eq!(c.cmd(&["SCAN", "0", "COUNT", "x"]), err(NOT_INT));
    assert_eq!(c.cmd(&["SCAN", "0", "FOO"]), err(SYNTAX));
    assert_eq!(c.cmd(&["SCAN", "0", "MATCH"]), err(SYNTAX));
}

#[test]
fn redis_crate_scan_iter_sees_matching_keys() {
    let s = Server::new();
    let mut con = s.con3();
    for i in 0..100 {
        let _: () = cmd(&["SET", &format!("k{i}"), "v"]).query(&mut con).unwrap();
    }
    let got: BTreeSet<String> = redis::cmd("SCAN")
        .cursor_arg(0)
        .arg("MATCH")
        .arg("k1*")
        .arg("COUNT")
        .arg(5)
        .clone()
        .iter::<String>(&mut con)
        .unwrap()
        .map(|k| k.unwrap())
        .collect();
    let mut expected: BTreeSet<String> = (0..10).map(|i| format!("k1{i}")).collect();
    expected.insert("k1".into());
    assert_eq!(got, expected);
}

// -- RANDOMKEY ------------------------------------------------------------------------------

#[test]
fn randomkey_on_an_empty_db_is_null_per_protocol() {
    let (s, mut c) = setup();
    assert_eq!(c.cmd(&["RANDOMKEY"]), Frame::NullBulk);
    assert_eq!(s.raw3().cmd(&["RANDOMKEY"]), Frame::Null);
}

#[test]
fn randomkey_returns_varied_existing_keys() {
    let (_s, mut c) = setup();
    let keys: BTreeSet<String> = (0..20).map(|i| format!("k{i}")).collect();
    for k in &keys {
        c.cmd(&["SET", k, "v"]);
    }
    let got: BTreeSet<String> = (0..200).map(|_| c.cmd(&["RANDOMKEY"]).text()).collect();
    assert!(got.is_subset(&keys), "{got:?}");
    assert!(got.len() > 5, "RANDOMKEY keeps returning {got:?}");
}

// -- RENAME RENAMENX MOVE COPY ----------------------------------------------------------------

#[test]
fn rename_moves_value_and_ttl_and_replaces_the_target() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "a", "1", "EX", "100"]);
    c.cmd(&["SET", "b", "2"]);
    assert_eq!(c.cmd(&["RENAME", "a", "b"]), ok());
    assert_eq!(c.cmd(&["GET", "b"]), bulk("1"));
    assert!(c.cmd(&["TTL", "b"]).int() > 0, "RENAME carries the TTL");
    assert_eq!(c.cmd(&["EXISTS", "a"]), int(0));
    assert_eq!(c.cmd(&["RENAME", "missing", "x"]), err("ERR no such key"));
    assert_eq!(c.cmd(&["RENAME", "b", "b"]), ok());
    assert_eq!(c.cmd(&["GET", "b"]), bulk("1"));
    c.cmd(&["RPUSH", "l", "x"]);
    assert_eq!(c.cmd(&["RENAME", "l", "b"]), ok());
    assert_eq!(c.cmd(&["TYPE", "b"]), simple("list"));
}

#[test]
fn renamenx_does_not_replace_an_existing_target() {
    let (_s, mut c) = setup();
    c.cmd(&["MSET", "a", "1", "b", "2"]);
    assert_eq!(c.cmd(&["RENAMENX", "a", "b"]), int(0));
    assert_eq!(c.cmd(&["RENAMENX", "a", "c"]), int(1));
    assert_eq!(c.cmd(&["GET", "c"]), bulk("1"));
    assert_eq!(c.cmd(&["RENAMENX", "c", "c"]), int(0));
    assert_eq!(c.cmd(&["RENAMENX", "missing", "x"]), err("ERR no such key"));
}

#[test]
fn move_transfers_key_and_ttl_to_another_db() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v", "EX", "100"]);
    assert_eq!(c.cmd(&["MOVE", "k", "1"]), int(1));
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
    c.cmd(&["SET", "k", "other"]);
    assert_eq!(c.cmd(&["MOVE", "k", "1"]), int(0), "target exists");
    assert_eq!(c.cmd(&["GET", "k"]), bulk("other"));
    c.cmd(&["SELECT", "1"]);
    assert_eq!(c.cmd(&["GET", "k"]), bulk("v"));
    assert!(c.cmd(&["TTL", "k"]).int() > 0, "MOVE carries the TTL");
    assert_eq!(c.cmd(&["MOVE", "missing", "0"]), int(0));
    assert_eq!(c.cmd(&["MOVE", "k", "1"]), err(SAME));
    assert_eq!(c.cmd(&["MOVE", "k", "16"]), err(OUT_OF_RANGE));
    assert_eq!(c.cmd(&["MOVE", "k", "x"]), err(NOT_INT));
}

#[test]
fn copy_duplicates_value_and_ttl_and_honours_replace() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "a", "1", "EX", "100"]);
    assert_eq!(c.cmd(&["COPY", "a", "b"]), int(1));
    assert_eq!(c.cmd(&["GET", "b"]), bulk("1"));
    assert!(c.cmd(&["TTL", "b"]).int() > 0, "COPY carries the TTL");
    c.cmd(&["SET", "a", "2"]);
    assert_eq!(c.cmd(&["GET", "b"]), bulk("1"), "a copy, not a reference");
    assert_eq!(c.cmd(&["COPY", "a", "b"]), int(0));
    assert_eq!(c.cmd(&["COPY", "a", "b", "REPLACE"]), int(1));
    assert_eq!(c.cmd(&["GET", "b"]), bulk("2"));
    assert_eq!(c.cmd(&["COPY", "missing", "x"]), int(0));
    assert_eq!(c.cmd(&["COPY", "a", "a"]), err(SAME));
}

#[test]
fn copy_of_a_list_is_deep() {
    let (_s, mut c) = setup();
    c.cmd(&["RPUSH", "l", "a", "b"]);
    assert_eq!(c.cmd(&["COPY", "l", "l2"]), int(1));
    c.cmd(&["RPUSH", "l", "c"]);
    assert_eq!(c.cmd(&["LRANGE", "l2", "0", "-1"]), arr(vec![bulk("a"), bulk("b")]));
}

#[test]
fn copy_to_another_db() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "a", "1"]);
    assert_eq!(c.cmd(&["COPY", "a", "a", "DB", "1"]), int(1));
    assert_eq!(c.cmd(&["COPY", "a", "a", "DB", "1"]), int(0));
    assert_eq!(c.cmd(&["COPY", "a", "a", "DB", "1", "REPLACE"]), int(1));
    assert_eq!(c.cmd(&["COPY", "a", "b", "DB", "16"]), err(OUT_OF_RANGE));
    assert_eq!(c.cmd(&["COPY", "a", "b", "DB", "x"]), err(NOT_INT));
    assert_eq!(c.cmd(&["COPY", "a", "b", "FOO"]), err(SYNTAX));
    c.cmd(&["SELECT", "1"]);
    assert_eq!(c.cmd(&["GET", "a"]), bulk("1"));
}

// -- OBJECT ------------------------------------------------------------------------------------

#[test]
fn object_encoding_of_string_values() {
    let (_s, mut c) = setup();
    let long44 = "x".repeat(44);
    let long45 = "x".repeat(45);
    for (value, encoding) in [
        ("123", "int"),
        ("-9223372036854775808", "int"),
        ("9223372036854775807", "int"),
        ("9223372036854775808", "embstr"),
        ("007", "embstr"),
        ("hello", "embstr"),
        (long44.as_str(), "embstr"),
        (long45.as_str(), "raw"),
        ("", "embstr"),
    ] {
        c.cmd(&["SET", "k", value]);
        assert_eq!(c.cmd(&["OBJECT", "ENCODING", "k"]), bulk(encoding), "{value:?}");
    }
}

#[test]
fn object_encoding_after_append_is_raw() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "hello"]);
    c.cmd(&["APPEND", "k", "x"]);
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "k"]), bulk("raw"));
    // APPEND to a missing key stores the argument as SET would.
    c.cmd(&["APPEND", "fresh", "x"]);
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "fresh"]), bulk("embstr"));
}

#[test]
fn object_encoding_after_incr_setrange_and_incrbyfloat() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "i", "12"]);
    c.cmd(&["INCR", "i"]);
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "i"]), bulk("int"));
    c.cmd(&["SETRANGE", "i", "0", "9"]);
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "i"]), bulk("raw"));
    c.cmd(&["INCRBYFLOAT", "f", "1.5"]);
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "f"]), bulk("embstr"));
}

#[test]
fn object_on_a_missing_key_is_null_per_protocol() {
    let (s, mut c) = setup();
    for sub in ["ENCODING", "IDLETIME", "REFCOUNT", "FREQ"] {
        assert_eq!(c.cmd(&["OBJECT", sub, "missing"]), Frame::NullBulk, "{sub}");
    }
    assert_eq!(s.raw3().cmd(&["OBJECT", "ENCODING", "missing"]), Frame::Null);
}

#[test]
fn object_refcount_idletime_and_freq_policy_check() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "some string"]);
    assert_eq!(c.cmd(&["OBJECT", "REFCOUNT", "k"]), int(1));
    assert_eq!(c.cmd(&["OBJECT", "IDLETIME", "k"]), int(0));
    let Frame::Error(text) = c.cmd(&["OBJECT", "FREQ", "k"]) else { panic!("FREQ without an LFU policy must fail") };
    assert!(text.starts_with("ERR An LFU maxmemory policy is not selected"), "{text}");
    assert_eq!(c.cmd(&["OBJECT", "FOO", "k"]), err("ERR unknown subcommand 'FOO'. Try OBJECT HELP."));
    assert_eq!(c.cmd(&["OBJECT", "ENCODING"]), err("ERR wrong number of arguments for 'object|encoding' command"));
}

// -- DBSIZE FLUSHDB FLUSHALL SWAPDB ---------------------------------------------------------------

#[test]
fn dbsize_counts_keys_of_the_selected_db() {
    let (_s, mut c) = setup();
    assert_eq!(c.cmd(&["DBSIZE"]), int(0));
    c.cmd(&["MSET", "a", "1", "b", "2"]);
    assert_eq!(c.cmd(&["DBSIZE"]), int(2));
    c.cmd(&["SELECT", "1"]);
    assert_eq!(c.cmd(&["DBSIZE"]), int(0));
}

#[test]
fn flushdb_empties_only_the_selected_db() {
    let (_s, mut c) = setup();
    for mode in [&[][..], &["SYNC"], &["ASYNC"]] {
        c.cmd(&["SELECT", "0"]);
        c.cmd(&["SET", "a", "1"]);
        c.cmd(&["SELECT", "1"]);
        c.cmd(&["SET", "b", "1"]);
        let mut args = vec!["FLUSHDB"];
        args.extend_from_slice(mode);
        assert_eq!(c.cmd(&args), ok(), "{mode:?}");
        assert_eq!(c.cmd(&["DBSIZE"]), int(0));
        c.cmd(&["SELECT", "0"]);
        assert_eq!(c.cmd(&["DBSIZE"]), int(1));
    }
    assert_eq!(c.cmd(&["FLUSHDB", "FOO"]), err(SYNTAX));
}

#[test]
fn flushall_empties_every_db() {
    let (_s, mut c) = setup();
    for mode in [&[][..], &["SYNC"], &["ASYNC"]] {
        for db in 0..16 {
            c.cmd(&["SELECT", &db.to_string()]);
            c.cmd(&["SET", "k", "v"]);
        }
        let mut args = vec!["FLUSHALL"];
        args.extend_from_slice(mode);
        assert_eq!(c.cmd(&args), ok(), "{mode:?}");
        for db in 0..16 {
            c.cmd(&["SELECT", &db.to_string()]);
            assert_eq!(c.cmd(&["DBSIZE"]), int(0), "db {db} after {mode:?}");
        }
    }
    assert_eq!(c.cmd(&["FLUSHALL", "FOO"]), err(SYNTAX));
}

#[test]
fn swapdb_swaps_data_under_connected_clients() {
    let (s, mut c) = setup();
    let mut other = s.raw();
    other.cmd(&["SELECT", "1"]);
    c.cmd(&["SET", "a", "in0", "EX", "100"]);
    other.cmd(&["SET", "b", "in1"]);
    assert_eq!(c.cmd(&["SWAPDB", "0", "1"]), ok());
    assert_eq!(c.cmd(&["GET", "b"]), bulk("in1"));
    assert_eq!(c.cmd(&["EXISTS", "a"]), int(0));
    assert_eq!(other.cmd(&["GET", "a"]), bulk("in0"));
    assert!(other.cmd(&["TTL", "a"]).int() > 0);
    assert_eq!(c.cmd(&["SWAPDB", "0", "0"]), ok());
    assert_eq!(c.cmd(&["SWAPDB", "0", "16"]), err(OUT_OF_RANGE));
    assert_eq!(c.cmd(&["SWAPDB", "x", "1"]), err("ERR invalid first DB index"));
    assert_eq!(c.cmd(&["SWAPDB", "0", "x"]), err("ERR invalid second DB index"));
}
