//! Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
//! BITFIELD_RO over string values, their error texts, the `setbit`/`set`
//! events and WATCH, in RESP2 and RESP3 (expectations checked against
//! redis-server with `HEARTH_IT_REFERENCE=1`).

mod common;

use common::{arr, bulk, cmd, err, int, ok, Frame, Raw, Server, NOT_INT, SYNTAX, WRONGTYPE};

const BAD_OFFSET: &str = "ERR bit offset is not an integer or out of range";
const BAD_BIT: &str = "ERR bit is not an integer or out of range";

fn setup() -> (Server, Raw) {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["RPUSH", "list", "a"]), int(1));
    (s, c)
}

#[test]
fn setbit_grows_the_string_and_returns_the_old_bit() {
    let (_s, mut c) = setup();
    assert_eq!(c.cmd(&["SETBIT", "k", "7", "1"]), int(0));
    assert_eq!(c.cmd(&["GET", "k"]), bulk(b"\x01"));
    assert_eq!(c.cmd(&["SETBIT", "k", "7", "1"]), int(1));
    assert_eq!(c.cmd(&["SETBIT", "k", "23", "1"]), int(0));
    assert_eq!(c.cmd(&["GET", "k"]), bulk(b"\x01\x00\x01"));
    assert_eq!(c.cmd(&["SETBIT", "k", "7", "0"]), int(1));
    assert_eq!(c.cmd(&["GETBIT", "k", "7"]), int(0));
    assert_eq!(c.cmd(&["GETBIT", "k", "23"]), int(1));
    assert_eq!(c.cmd(&["GETBIT", "k", "10000"]), int(0));
    assert_eq!(c.cmd(&["GETBIT", "missing", "0"]), int(0));
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "k"]), bulk("raw"));
}

#[test]
fn setbit_on_an_integer_string_edits_its_digits() {
    let (_s, mut c) = setup();
    assert_eq!(c.cmd(&["SET", "n", "1"]), ok());
    // '1' is 0x31: bit 6 turns it into '3' (0x33).
    assert_eq!(c.cmd(&["SETBIT", "n", "6", "1"]), int(0));
    assert_eq!(c.cmd(&["GET", "n"]), bulk("3"));
    assert_eq!(c.cmd(&["GETBIT", "n", "7"]), int(1));
}

#[test]
fn bit_offsets_and_values_are_validated_with_redis_texts() {
    let (_s, mut c) = setup();
    assert_eq!(c.cmd(&["SETBIT", "k", "-1", "1"]), err(BAD_OFFSET));
    assert_eq!(c.cmd(&["SETBIT", "k", "4294967296", "1"]), err(BAD_OFFSET));
    assert_eq!(c.cmd(&["SETBIT", "k", "abc", "1"]), err(BAD_OFFSET));
    assert_eq!(c.cmd(&["SETBIT", "k", "0", "2"]), err(BAD_BIT));
    assert_eq!(c.cmd(&["SETBIT", "k", "0", "x"]), err(BAD_BIT));
    assert_eq!(c.cmd(&["GETBIT", "k", "-1"]), err(BAD_OFFSET));
    assert_eq!(c.cmd(&["SETBIT", "list", "0", "1"]), err(WRONGTYPE));
    assert_eq!(c.cmd(&["GETBIT", "list", "0"]), err(WRONGTYPE));
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
}

#[test]
fn offsets_obey_a_lowered_proto_max_bulk_len() {
    let (_s, mut c) = setup();
    assert_eq!(c.cmd(&["CONFIG", "SET", "proto-max-bulk-len", "1048576"]), ok());
    assert_eq!(c.cmd(&["SETBIT", "k", "8388608", "1"]), err(BAD_OFFSET));
    assert_eq!(c.cmd(&["SETBIT", "k", "8388607", "1"]), int(0));
    assert_eq!(c.cmd(&["STRLEN", "k"]), int(1048576));
}

#[test]
fn bitcount_counts_bytes_or_bits_with_negative_indexes() {
    let (_s, mut c) = setup();
    assert_eq!(c.cmd(&["SET", "k", "foobar"]), ok());
    assert_eq!(c.cmd(&["BITCOUNT", "k"]), int(26));
    assert_eq!(c.cmd(&["BITCOUNT", "k", "0", "0"]), int(4));
    assert_eq!(c.cmd(&["BITCOUNT", "k", "1", "1"]), int(6));
    assert_eq!(c.cmd(&["BITCOUNT", "k", "1", "1", "BYTE"]), int(6));
    assert_eq!(c.cmd(&["BITCOUNT", "k", "5", "30", "BIT"]), int(17));
    assert_eq!(c.cmd(&["BITCOUNT", "k", "-2", "-1"]), int(7));
    assert_eq!(c.cmd(&["BITCOUNT", "k", "-1", "-2"]), int(0));
    assert_eq!(c.cmd(&["BITCOUNT", "k", "0", "1000"]), int(26));
    assert_eq!(c.cmd(&["BITCOUNT", "missing"]), int(0));
    assert_eq!(c.cmd(&["BITCOUNT", "k", "0"]), err(SYNTAX));
    assert_eq!(c.cmd(&["BITCOUNT", "k", "0", "1", "WORD"]), err(SYNTAX));
    assert_eq!(c.cmd(&["BITCOUNT", "k", "a", "1"]), err(NOT_INT));
    assert_eq!(c.cmd(&["BITCOUNT", "list"]), err(WRONGTYPE));
}

#[test]
fn bitcount_checks_its_arguments_before_the_key() {
    // Redis 7.4 parses the range first; 7.0 answered 0 for a missing key.
    let (s, mut c) = setup();
    if s.is_reference() {
        return;
    }
    assert_eq!(c.cmd(&["BITCOUNT", "missing", "0", "1", "WORD"]), err(SYNTAX));
    assert_eq!(c.cmd(&["BITPOS", "missing", "1", "x"]), err(NOT_INT));
}

#[test]
fn bitpos_finds_set_and_clear_bits() {
    let (_s, mut c) = setup();
    assert_eq!(c.cmd(&[&b"SET"[..], b"k", b"\xff\xf0\x00"]), ok());
    assert_eq!(c.cmd(&["BITPOS", "k", "0"]), int(12));
    assert_eq!(c.cmd(&["BITPOS", "k", "1", "2"]), int(-1));
    assert_eq!(c.cmd(&["BITPOS", "k", "1", "7", "15", "BIT"]), int(7));
    assert_eq!(c.cmd(&["BITPOS", "k", "0", "0", "0"]), int(-1));
    assert_eq!(c.cmd(&[&b"SET"[..], b"ones", b"\xff\xff"]), ok());
    // Without an end the string counts as padded with zeros.
    assert_eq!(c.cmd(&["BITPOS", "ones", "0"]), int(16));
    assert_eq!(c.cmd(&["BITPOS", "ones", "0", "0", "-1"]), int(-1));
    assert_eq!(c.cmd(&["BITPOS", "missing", "0"]), int(0));
    assert_eq!(c.cmd(&["BITPOS", "missing", "1"]), int(-1));
    assert_eq!(c.cmd(&["BITPOS", "k", "2"]), err("ERR The bit argument must be 1 or 0."));
    assert_eq!(c.cmd(&["BITPOS", "k", "1", "0", "1", "BIT", "x"]), err(SYNTAX));
    assert_eq!(c.cmd(&["BITPOS", "list", "1"]), err(WRONGTYPE));
}

#[test]
fn bitop_combines_strings_of_different_lengths() {
    let (_s, mut c) = setup();
    assert_eq!(c.cmd(&["SET", "a", "foobar"]), ok());
    assert_eq!(c.cmd(&["SET", "b", "abc"]), ok());
    assert_eq!(c.cmd(&["BITOP", "AND", "d", "a", "b"]), int(6));
    assert_eq!(c.cmd(&["GET", "d"]), bulk(b"`bc\x00\x00\x00"));
    assert_eq!(c.cmd(&["BITOP", "or", "d", "a", "b", "missing"]), int(6));
    assert_eq!(c.cmd(&["GET", "d"]), bulk(b"goobar"));
    assert_eq!(c.cmd(&["BITOP", "XOR", "d", "a", "b"]), int(6));
    assert_eq!(c.cmd(&["GET", "d"]), bulk(b"\x07\x0d\x0cbar"));
    assert_eq!(c.cmd(&["BITOP", "NOT", "d", "b"]), int(3));
    assert_eq!(c.cmd(&["GET", "d"]), bulk(b"\x9e\x9d\x9c"));
    assert_eq!(c.cmd(&["BITOP", "NOT", "d", "a", "b"]), err("ERR BITOP NOT must be called with a single source key."));
    assert_eq!(c.cmd(&["BITOP", "NAND", "d", "a"]), err(SYNTAX));
    assert_eq!(c.cmd(&["BITOP", "AND", "d", "a", "list"]), err(WRONGTYPE));
}

#[test]
fn bitop_of_only_empty_inputs_deletes_the_destination() {
    let (_s, mut c) = setup();
    assert_eq!(c.cmd(&["SET", "d", "x", "EX", "100"]), ok());
    assert_eq!(c.cmd(&["BITOP", "OR", "d", "missing", "other"]), int(0));
    assert_eq!(c.cmd(&["EXISTS", "d"]), int(0));
    assert_eq!(c.cmd(&["SET", "a", "x"]), ok());
    assert_eq!(c.cmd(&["SET", "d", "x", "EX", "100"]), ok());
    assert_eq!(c.cmd(&["BITOP", "OR", "d", "a"]), int(1));
    // The destination is replaced, TTL included.
    assert_eq!(c.cmd(&["TTL", "d"]), int(-1));
    assert_eq!(c.cmd(&["BITOP", "OR", "list", "a"]), int(1));
    assert_eq!(c.cmd(&["TYPE", "list"]), Frame::Simple("string".into()));
}

#[test]
fn bitfield_gets_sets_and_increments_fields() {
    let (_s, mut c) = setup();
    let reply = c.cmd(&["BITFIELD", "k", "SET", "i8", "0", "100", "GET", "i8", "0", "INCRBY", "u4", "#3", "5"]);
    assert_eq!(reply, arr(vec![int(0), int(100), int(5)]));
    assert_eq!(c.cmd(&["GET", "k"]), bulk(b"\x64\x05"));
    assert_eq!(c.cmd(&["BITFIELD", "k", "GET", "u4", "12", "GET", "i64", "0"]), arr(vec![int(5), int(0x6405 << 48)]));
    assert_eq!(c.cmd(&["BITFIELD_RO", "k", "GET", "i8", "0"]), arr(vec![int(100)]));
    assert_eq!(c.cmd(&["BITFIELD", "missing"]), arr(vec![]));
    assert_eq!(c.cmd(&["EXISTS", "missing"]), int(0));
}

#[test]
fn bitfield_overflow_modes() {
    let (_s, mut c) = setup();
    let wrap =
        c.cmd(&["BITFIELD", "k", "SET", "u8", "0", "250", "INCRBY", "u8", "0", "10", "INCRBY", "i8", "8", "-129"]);
    assert_eq!(wrap, arr(vec![int(0), int(4), int(127)]));
    let sat = c.cmd(&["BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "300", "INCRBY", "i8", "8", "-300"]);
    assert_eq!(sat, arr(vec![int(255), int(-128)]));
    let fail = c.cmd(&["BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1", "SET", "i8", "8", "1"]);
    assert_eq!(fail, arr(vec![Frame::NullBulk, int(-128)]));
    assert_eq!(c.cmd(&["GET", "k"]), bulk(b"\xff\x01"));
}

#[test]
fn bitfield_fail_in_resp3_is_a_null_inside_the_array() {
    let s = Server::new();
    let mut c = s.raw3();
    let reply = c.cmd(&["BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "u2", "0", "9", "SET", "u2", "2", "1"]);
    assert_eq!(reply, arr(vec![Frame::Null, int(0)]));
}

#[test]
fn bitfield_errors_use_redis_texts() {
    let (_s, mut c) = setup();
    let bad_type = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
    assert_eq!(c.cmd(&["BITFIELD", "k", "GET", "u64", "0"]), err(bad_type));
    assert_eq!(c.cmd(&["BITFIELD", "k", "GET", "x8", "0"]), err(bad_type));
    assert_eq!(c.cmd(&["BITFIELD", "k", "GET", "i8", "#x"]), err(BAD_OFFSET));
    assert_eq!(c.cmd(&["BITFIELD", "k", "OVERFLOW", "MAYBE"]), err("ERR Invalid OVERFLOW type specified"));
    assert_eq!(c.cmd(&["BITFIELD", "k", "SET", "i8", "0"]), err(SYNTAX));
    assert_eq!(c.cmd(&["BITFIELD", "k", "INCRBY", "i8", "0", "x"]), err(NOT_INT));
    assert_eq!(
        c.cmd(&["BITFIELD_RO", "k", "SET", "i8", "0", "1"]),
        err("ERR BITFIELD_RO only supports the GET subcommand")
    );
    assert_eq!(c.cmd(&["BITFIELD", "list", "GET", "i8", "0"]), err(WRONGTYPE));
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
}

#[test]
fn bit_writes_publish_events_only_on_change() {
    let (s, mut c) = setup();
    assert_eq!(c.cmd(&["CONFIG", "SET", "notify-keyspace-events", "KEA"]), ok());
    let mut sub = s.raw();
    sub.cmd(&["PSUBSCRIBE", "__keyevent@0__:*"]);
    c.cmd(&["SETBIT", "k", "1", "1"]);
    c.cmd(&["SETBIT", "k", "1", "1"]); // no change: no event
    c.cmd(&["BITFIELD", "k", "SET", "u8", "8", "1"]);
    c.cmd(&["BITOP", "NOT", "d", "k"]);
    c.cmd(&["BITOP", "AND", "d", "missing"]);
    // `new` is not part of `A`; BITOP of only missing keys deletes `d`.
    let want = ["setbit", "setbit", "set", "del"];
    for event in want {
        match sub.read() {
            Frame::Array(items) => assert_eq!(items[2].text(), format!("__keyevent@0__:{event}")),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(c.cmd(&["SETBIT", "k", "1", "0"]), int(1));
    assert_eq!(sub.read().items()[2].text(), "__keyevent@0__:setbit");
}

#[test]
fn an_unchanged_bit_leaves_a_watch_intact() {
    let (s, mut c) = setup();
    assert_eq!(c.cmd(&["SETBIT", "k", "3", "1"]), int(0));
    assert_eq!(c.cmd(&["WATCH", "k"]), ok());
    let mut other = s.raw();
    assert_eq!(other.cmd(&["SETBIT", "k", "3", "1"]), int(1));
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["GETBIT", "k", "3"]);
    assert_eq!(c.cmd(&["EXEC"]), arr(vec![int(1)]));
    assert_eq!(c.cmd(&["WATCH", "k"]), ok());
    assert_eq!(other.cmd(&["SETBIT", "k", "3", "0"]), int(1));
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["GETBIT", "k", "3"]);
    assert_eq!(c.cmd(&["EXEC"]), Frame::NullArray);
}

#[test]
fn the_redis_crate_reads_bitmap_replies_in_both_protocols() {
    let s = Server::new();
    for mut con in [s.con2(), s.con3()] {
        let _: () = cmd(&["DEL", "b"]).query(&mut con).unwrap();
        let old: i64 = cmd(&["SETBIT", "b", "100", "1"]).query(&mut con).unwrap();
        assert_eq!(old, 0);
        let n: i64 = cmd(&["BITCOUNT", "b"]).query(&mut con).unwrap();
        assert_eq!(n, 1);
        let pos: i64 = cmd(&["BITPOS", "b", "1"]).query(&mut con).unwrap();
        assert_eq!(pos, 100);
        let fields: Vec<Option<i64>> =
            cmd(&["BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "u1", "100", "1", "GET", "u4", "100"])
                .query(&mut con)
                .unwrap();
        assert_eq!(fields, vec![None, Some(8)]);
    }
}
