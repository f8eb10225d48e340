//! HyperLogLog commands: PFADD PFCOUNT PFMERGE, the stored format (the
//! bytes GET returns), the cached cardinality, sparse to dense promotion
//! under `hll-sparse-max-bytes`, and the errors for non-HLL and corrupted
//! values, in RESP2 and RESP3.

mod common;

use common::{bulk, cmd, err, int, ok, Frame, Raw, Server, WRONGTYPE};

const NOT_HLL: &str = "WRONGTYPE Key is not a valid HyperLogLog string value.";
const INVALID: &str = "INVALIDOBJ Corrupted HLL object detected";

fn get(c: &mut Raw, key: &str) -> Vec<u8> {
    match c.cmd(&["GET", key]) {
        Frame::Bulk(b) => b,
        other => panic!("GET {key}: {other:?}"),
    }
}

fn add_range(c: &mut Raw, key: &str, from: usize, to: usize) {
    let mut args: Vec<String> = vec!["PFADD".into(), key.into()];
    args.extend((from..to).map(|i| format!("item:{i}")));
    c.cmd(&args);
}

#[test]
fn an_empty_pfadd_creates_a_sparse_hll_with_a_stale_cache() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["PFADD", "h"]), int(1));
    assert_eq!(c.cmd(&["PFADD", "h"]), int(0));
    let hdr = b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80";
    assert_eq!(get(&mut c, "h"), [&hdr[..], b"\x7f\xff"].concat());
    assert_eq!(c.cmd(&["PFCOUNT", "h"]), int(0));
    // PFCOUNT stored the (valid) cardinality in the header.
    assert_eq!(get(&mut c, "h")[15], 0);
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "h"]), bulk("raw"));
    assert_eq!(c.cmd(&["TYPE", "h"]), Frame::Simple("string".into()));
}

#[test]
fn pfadd_reports_whether_the_estimate_changed() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["PFADD", "h", "a", "b", "c"]), int(1));
    assert_eq!(c.cmd(&["PFADD", "h", "a", "b"]), int(0));
    assert_eq!(c.cmd(&["PFCOUNT", "h"]), int(3));
    assert_eq!(c.cmd(&["PFCOUNT", "h"]), int(3));
    assert_eq!(c.cmd(&["PFCOUNT", "missing"]), int(0));
}

#[test]
fn counts_stay_within_the_standard_error_and_the_value_turns_dense() {
    let s = Server::new();
    let mut c = s.raw();
    for chunk in 0..50 {
        add_range(&mut c, "h", chunk * 200, chunk * 200 + 200);
    }
    let n = c.cmd(&["PFCOUNT", "h"]).int();
    assert!((n - 10_000).abs() < 10_000 * 3 / 100, "{n}");
    let v = get(&mut c, "h");
    assert_eq!(v.len(), 16 + 12288);
    assert_eq!(v[4], 0, "dense");
}

#[test]
fn hll_sparse_max_bytes_decides_when_to_promote() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(
        c.cmd(&["CONFIG", "GET", "hll-sparse-max-bytes"]),
        Frame::Array(vec![bulk("hll-sparse-max-bytes"), bulk("3000")])
    );
    assert_eq!(c.cmd(&["CONFIG", "SET", "hll-sparse-max-bytes", "30"]), ok());
    add_range(&mut c, "h", 0, 20);
    assert_eq!(get(&mut c, "h")[4], 0, "dense past 30 bytes");
    assert_eq!(c.cmd(&["CONFIG", "SET", "hll-sparse-max-bytes", "3000"]), ok());
    add_range(&mut c, "s", 0, 20);
    assert_eq!(get(&mut c, "s")[4], 1, "sparse below 3000 bytes");
    assert_eq!(c.cmd(&["PFCOUNT", "h"]), c.cmd(&["PFCOUNT", "s"]));
}

#[test]
fn pfcount_of_several_keys_counts_the_union() {
    let s = Server::new();
    let mut c = s.raw();
    add_range(&mut c, "a", 0, 100);
    add_range(&mut c, "b", 50, 150);
    let union = c.cmd(&["PFCOUNT", "a", "b", "missing"]).int();
    assert!((union - 150).abs() <= 3, "{union}");
    assert_eq!(c.cmd(&["PFMERGE", "m", "a", "b"]), ok());
    assert_eq!(c.cmd(&["PFCOUNT", "m"]), int(union));
    // The destination is also a source.
    assert_eq!(c.cmd(&["PFMERGE", "m", "missing"]), ok());
    assert_eq!(c.cmd(&["PFCOUNT", "m"]), int(union));
    assert_eq!(c.cmd(&["PFMERGE", "empty"]), ok());
    assert_eq!(c.cmd(&["PFCOUNT", "empty"]), int(0));
}

#[test]
fn values_copied_with_get_and_set_stay_hlls() {
    let s = Server::new();
    let mut c = s.raw();
    add_range(&mut c, "a", 0, 500);
    let bytes = get(&mut c, "a");
    assert_eq!(c.cmd(&[&b"SET"[..], b"copy", &bytes]), ok());
    assert_eq!(c.cmd(&["PFCOUNT", "copy"]), c.cmd(&["PFCOUNT", "a"]));
    assert_eq!(c.cmd(&["PFADD", "copy", "item:1"]), int(0));
}

#[test]
fn non_hll_values_are_refused() {
    let s = Server::new();
    let mut c = s.raw();
    c.cmd(&["SET", "str", "hello"]);
    c.cmd(&["SET", "num", "12345"]);
    c.cmd(&["RPUSH", "list", "a"]);
    assert_eq!(c.cmd(&["PFADD", "str", "x"]), err(NOT_HLL));
    assert_eq!(c.cmd(&["PFCOUNT", "num"]), err(NOT_HLL));
    assert_eq!(c.cmd(&["PFCOUNT", "missing", "str"]), err(NOT_HLL));
    assert_eq!(c.cmd(&["PFMERGE", "d", "str"]), err(NOT_HLL));
    assert_eq!(c.cmd(&["PFADD", "list", "x"]), err(WRONGTYPE));
    assert_eq!(c.cmd(&["PFCOUNT", "list"]), err(WRONGTYPE));
    assert_eq!(c.cmd(&["EXISTS", "d"]), int(0));
    // A dense header on a value of the wrong length is not an HLL either.
    assert_eq!(c.cmd(&["SET", "short", "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"]), ok());
    assert_eq!(c.cmd(&["PFCOUNT", "short"]), err(NOT_HLL));
}

#[test]
fn corrupted_sparse_values_are_invalidobj() {
    let s = Server::new();
    let mut c = s.raw();
    // A sparse value whose opcodes cover one register, with a stale cache.
    let bad = b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00";
    assert_eq!(c.cmd(&[&b"SET"[..], b"bad", bad]), ok());
    assert_eq!(c.cmd(&["PFCOUNT", "bad"]), err(INVALID));
    assert_eq!(c.cmd(&["PFCOUNT", "bad", "missing"]), err(INVALID));
    assert_eq!(c.cmd(&["PFMERGE", "d", "bad"]), err(INVALID));
    assert_eq!(c.cmd(&["PFADD", "bad", "a", "b", "c", "d"]), err(INVALID));
}

#[test]
fn pfadd_and_pfmerge_publish_pfadd_and_pfcount_publishes_nothing() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["CONFIG", "SET", "notify-keyspace-events", "E$"]), ok());
    let mut sub = s.raw();
    sub.cmd(&["PSUBSCRIBE", "__keyevent@0__:*"]);
    c.cmd(&["PFADD", "h", "a"]);
    c.cmd(&["PFADD", "h", "a"]); // unchanged
    c.cmd(&["PFCOUNT", "h"]);
    c.cmd(&["PFMERGE", "m", "h"]);
    c.cmd(&["SET", "done", "1"]);
    for (event, key) in [("pfadd", "h"), ("pfadd", "m"), ("set", "done")] {
        let f = sub.read();
        assert_eq!(f.items()[2].text(), format!("__keyevent@0__:{event}"));
        assert_eq!(f.items()[3].text(), key);
    }
}

#[test]
fn pfcount_caching_the_cardinality_dirties_a_watch() {
    let s = Server::new();
    let mut c = s.raw();
    c.cmd(&["PFADD", "h", "a"]);
    assert_eq!(c.cmd(&["WATCH", "h"]), ok());
    let mut other = s.raw();
    assert_eq!(other.cmd(&["PFCOUNT", "h"]), int(1));
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["PFCOUNT", "h"]);
    assert_eq!(c.cmd(&["EXEC"]), Frame::NullArray);
    // Now cached: a second PFCOUNT writes nothing.
    assert_eq!(c.cmd(&["WATCH", "h"]), ok());
    assert_eq!(other.cmd(&["PFCOUNT", "h"]), int(1));
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["PFCOUNT", "h"]);
    assert_eq!(c.cmd(&["EXEC"]), Frame::Array(vec![int(1)]));
}

#[test]
fn the_redis_crate_reads_hll_replies_in_both_protocols() {
    let s = Server::new();
    for mut con in [s.con2(), s.con3()] {
        let _: () = cmd(&["DEL", "h", "g"]).query(&mut con).unwrap();
        let added: i64 = cmd(&["PFADD", "h", "x", "y", "z"]).query(&mut con).unwrap();
        assert_eq!(added, 1);
        let merged: String = cmd(&["PFMERGE", "g", "h"]).query(&mut con).unwrap();
        assert_eq!(merged, "OK");
        let n: i64 = cmd(&["PFCOUNT", "g", "h"]).query(&mut con).unwrap();
        assert_eq!(n, 3);
    }
}
