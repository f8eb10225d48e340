//! Expiry: the EXPIRE family and its options, TTL queries, keys that
//! vanish on time (lazily and through the active cycle), and the events a
//! deletion by expiry emits. Sleeps are kept to a few hundred milliseconds.

mod common;

use std::thread::sleep;
use std::time::Duration;

use common::{arr, bulk, err, eventually, info_field, int, ok, Frame, Raw, Server, NOT_INT};

fn setup() -> (Server, Raw) {
    let s = Server::new();
    let c = s.raw();
    (s, c)
}

/// A RESP2 connection subscribed to every keyevent of db 0.
fn keyevent_listener(s: &Server) -> Raw {
    let mut admin = s.raw();
    assert_eq!(admin.cmd(&["CONFIG", "SET", "notify-keyspace-events", "KEA"]), ok());
    let mut sub = s.raw();
    assert_eq!(
        sub.cmd(&["PSUBSCRIBE", "__keyevent@0__:*"]),
        arr(vec![bulk("psubscribe"), bulk("__keyevent@0__:*"), int(1)])
    );
    sub
}

/// The event name of the next keyevent pmessage, checking the key.
fn next_event(sub: &mut Raw, key: &str) -> String {
    let msg = sub.read();
    let items = msg.items();
    assert_eq!(items.len(), 4, "{msg:?}");
    assert_eq!(items[0], bulk("pmessage"));
    assert_eq!(items[3], bulk(key), "{msg:?}");
    let channel = items[2].text();
    channel.strip_prefix("__keyevent@0__:").unwrap_or_else(|| panic!("not a keyevent channel: {channel}")).to_string()
}

// -- setting and reading TTLs ---------------------------------------------------------

#[test]
fn expire_and_pexpire_set_a_relative_ttl() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["EXPIRE", "k", "100"]), int(1));
    assert!((99..=100).contains(&c.cmd(&["TTL", "k"]).int()));
    assert_eq!(c.cmd(&["PEXPIRE", "k", "100000"]), int(1));
    assert!((99_000..=100_000).contains(&c.cmd(&["PTTL", "k"]).int()));
    assert_eq!(c.cmd(&["EXPIRE", "missing", "100"]), int(0));
    assert_eq!(c.cmd(&["PEXPIRE", "missing", "100"]), int(0));
}

#[test]
fn expireat_and_expiretime_round_to_the_nearest_second() {
    let (_s, mut c) = setup();
    let at = common::unix_now() + 1000;
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["EXPIREAT", "k", &at.to_string()]), int(1));
    assert_eq!(c.cmd(&["EXPIRETIME", "k"]), int(at));
    assert_eq!(c.cmd(&["PEXPIRETIME", "k"]), int(at * 1000));
    let pat = at * 1000 + 499;
    assert_eq!(c.cmd(&["PEXPIREAT", "k", &pat.to_string()]), int(1));
    assert_eq!(c.cmd(&["PEXPIRETIME", "k"]), int(pat));
    assert_eq!(c.cmd(&["EXPIRETIME", "k"]), int(at));
    c.cmd(&["PEXPIREAT", "k", &(at * 1000 + 500).to_string()]);
    assert_eq!(c.cmd(&["EXPIRETIME", "k"]), int(at + 1));
    assert_eq!(c.cmd(&["EXPIREAT", "missing", &at.to_string()]), int(0));
}

#[test]
fn ttl_queries_answer_minus_2_for_missing_and_minus_1_for_persistent() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v"]);
    for name in ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"] {
        assert_eq!(c.cmd(&[name, "missing"]), int(-2), "{name}");
        assert_eq!(c.cmd(&[name, "k"]), int(-1), "{name}");
    }
}

#[test]
fn ttl_rounds_to_the_nearest_second() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v", "PX", "2600"]);
    assert_eq!(c.cmd(&["TTL", "k"]), int(3));
    c.cmd(&["SET", "k", "v", "PX", "2400"]);
    assert_eq!(c.cmd(&["TTL", "k"]), int(2));
}

#[test]
fn expire_works_on_list_keys() {
    let (_s, mut c) = setup();
    c.cmd(&["RPUSH", "l", "a"]);
    assert_eq!(c.cmd(&["EXPIRE", "l", "100"]), int(1));
    assert!(c.cmd(&["TTL", "l"]).int() > 0);
}

#[test]
fn persist_removes_the_ttl_once() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["PERSIST", "k"]), int(0));
    c.cmd(&["EXPIRE", "k", "100"]);
    assert_eq!(c.cmd(&["PERSIST", "k"]), int(1));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
    assert_eq!(c.cmd(&["PERSIST", "k"]), int(0));
    assert_eq!(c.cmd(&["PERSIST", "missing"]), int(0));
}

// -- times in the past -------------------------------------------------------------------

#[test]
fn expire_minus_1_deletes_the_key() {
    let (_s, mut c) = setup();
    let cases: [[&str; 2]; 5] =
        [["EXPIRE", "-1"], ["EXPIRE", "0"], ["PEXPIRE", "-100"], ["EXPIREAT", "1"], ["PEXPIREAT", "1"]];
    for [name, when] in cases {
        c.cmd(&["SET", "k", "v"]);
        assert_eq!(c.cmd(&[name, "k", when]), int(1), "{name} {when}");
        assert_eq!(c.cmd(&["EXISTS", "k"]), int(0), "{name} {when}");
    }
}

#[test]
fn expire_in_the_past_emits_del_not_expired() {
    let s = Server::new();
    let mut sub = keyevent_listener(&s);
    let mut c = s.raw();
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(next_event(&mut sub, "k"), "set");
    assert_eq!(c.cmd(&["EXPIRE", "k", "-1"]), int(1));
    assert_eq!(next_event(&mut sub, "k"), "del");
    c.cmd(&["SET", "k2", "v"]);
    assert_eq!(next_event(&mut sub, "k2"), "set");
    assert_eq!(c.cmd(&["PEXPIREAT", "k2", "1"]), int(1));
    assert_eq!(next_event(&mut sub, "k2"), "del");
}

#[test]
fn set_with_ex_emits_set_then_expire_and_expiry_emits_expired() {
    let s = Server::new();
    let mut sub = keyevent_listener(&s);
    let mut c = s.raw();
    c.cmd(&["SET", "k", "v", "PX", "50"]);
    assert_eq!(next_event(&mut sub, "k"), "set");
    assert_eq!(next_event(&mut sub, "k"), "expire");
    // Deleted by the active cycle or by this read, either way `expired`.
    sleep(Duration::from_millis(100));
    assert_eq!(c.cmd(&["GET", "k"]), Frame::NullBulk);
    assert_eq!(next_event(&mut sub, "k"), "expired");
}

#[test]
fn expire_xx_in_the_past_does_not_delete_a_key_without_ttl() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "p", "v"]);
    assert_eq!(c.cmd(&["EXPIRE", "p", "0", "XX"]), int(0));
    assert_eq!(c.cmd(&["EXISTS", "p"]), int(1));
}

// -- NX XX GT LT --------------------------------------------------------------------------

#[test]
fn expire_nx_and_xx_depend_on_an_existing_ttl() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["EXPIRE", "k", "100", "XX"]), int(0));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
    assert_eq!(c.cmd(&["EXPIRE", "k", "100", "NX"]), int(1));
    assert_eq!(c.cmd(&["EXPIRE", "k", "200", "NX"]), int(0));
    assert_eq!(c.cmd(&["EXPIRE", "k", "300", "XX"]), int(1));
    assert!(c.cmd(&["TTL", "k"]).int() > 200);
}

#[test]
fn expire_lt_on_key_without_ttl_succeeds_and_gt_fails() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v"]);
    // No TTL counts as infinite: GT never applies, LT always does.
    assert_eq!(c.cmd(&["EXPIRE", "k", "100", "GT"]), int(0));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
    assert_eq!(c.cmd(&["EXPIRE", "k", "100", "LT"]), int(1));
    assert!((99..=100).contains(&c.cmd(&["TTL", "k"]).int()));
}

#[test]
fn expire_gt_and_lt_compare_with_the_current_ttl() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v", "EX", "100"]);
    assert_eq!(c.cmd(&["EXPIRE", "k", "50", "GT"]), int(0));
    assert_eq!(c.cmd(&["EXPIRE", "k", "200", "GT"]), int(1));
    assert_eq!(c.cmd(&["EXPIRE", "k", "300", "LT"]), int(0));
    assert_eq!(c.cmd(&["EXPIRE", "k", "150", "LT"]), int(1));
    assert!((149..=150).contains(&c.cmd(&["TTL", "k"]).int()));
    assert_eq!(c.cmd(&["PEXPIRE", "k", "10000", "XX", "LT"]), int(1));
    assert!(c.cmd(&["PTTL", "k"]).int() <= 10_000);
}

#[test]
fn expire_options_apply_to_the_absolute_variants() {
    let (_s, mut c) = setup();
    let at = common::unix_now() + 1000;
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["EXPIREAT", "k", &at.to_string(), "XX"]), int(0));
    assert_eq!(c.cmd(&["EXPIREAT", "k", &at.to_string(), "NX"]), int(1));
    assert_eq!(c.cmd(&["EXPIREAT", "k", &(at - 10).to_string(), "GT"]), int(0));
    assert_eq!(c.cmd(&["PEXPIREAT", "k", &(at * 1000 + 1).to_string(), "GT"]), int(1));
    assert_eq!(c.cmd(&["PEXPIRETIME", "k"]), int(at * 1000 + 1));
}

#[test]
fn expire_option_conflicts_are_reported() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v"]);
    let nx = "ERR NX and XX, GT or LT options at the same time are not compatible";
    for (a, b, text) in [
        ("NX", "XX", nx),
        ("NX", "GT", nx),
        ("NX", "LT", nx),
        ("GT", "LT", "ERR GT and LT options at the same time are not compatible"),
    ] {
        assert_eq!(c.cmd(&["EXPIRE", "k", "100", a, b]), err(text), "{a} {b}");
    }
    assert_eq!(c.cmd(&["EXPIRE", "k", "100", "FOO"]), err("ERR Unsupported option FOO"));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
}

#[test]
fn expire_overflow_is_an_invalid_expire_time() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v"]);
    for (name, when) in [
        ("EXPIRE", "9223372036854775807"),
        ("EXPIRE", "9223372036854775"),
        ("PEXPIRE", "9223372036854775807"),
        ("EXPIREAT", "9223372036854775807"),
    ] {
        assert_eq!(
            c.cmd(&[name, "k", when]),
            err(&format!("ERR invalid expire time in '{}' command", name.to_lowercase())),
            "{name} {when}"
        );
    }
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
}

#[test]
fn expire_with_a_non_integer_time_is_refused() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["EXPIRE", "k", "abc"]), err(NOT_INT));
    assert_eq!(c.cmd(&["PEXPIREAT", "k", "1.5"]), err(NOT_INT));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
}

// -- keys that run out ------------------------------------------------------------------

#[test]
fn key_with_px_50_is_gone_after_it_expires() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v", "PX", "50"]);
    c.cmd(&["SET", "stay", "v"]);
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(1));
    sleep(Duration::from_millis(150));
    assert_eq!(c.cmd(&["GET", "k"]), Frame::NullBulk);
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-2));
    assert_eq!(c.cmd(&["KEYS", "*"]), arr(vec![bulk("stay")]));
    assert_eq!(c.cmd(&["DBSIZE"]), int(1));
    for _ in 0..20 {
        assert_eq!(c.cmd(&["RANDOMKEY"]), bulk("stay"));
    }
}

#[test]
fn pexpire_on_an_existing_key_makes_it_vanish() {
    let (_s, mut c) = setup();
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["PEXPIRE", "k", "50"]), int(1));
    sleep(Duration::from_millis(150));
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
    assert_eq!(c.cmd(&["SETNX", "k", "new"]), int(1));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1), "a re-created key has no TTL");
}

#[test]
fn active_expiry_removes_keys_nobody_touches() {
    let (_s, mut c) = setup();
    for i in 0..50 {
        c.cmd(&["SET", &format!("k{i}"), "v", "PX", "50"]);
    }
    c.cmd(&["SET", "stay", "v"]);
    // INFO reads no keys, so only the active cycle can count them expired.
    let reclaimed = eventually(Duration::from_secs(3), || expired_keys(&mut c) >= 50);
    assert!(reclaimed, "expired_keys:{}", expired_keys(&mut c));
    let keyspace = c.cmd(&["INFO", "keyspace"]).text();
    assert!(keyspace.contains("db0:keys=1,expires=0,"), "{keyspace}");
    assert_eq!(c.cmd(&["DBSIZE"]), int(1));
}

/// `expired_keys` from INFO stats (INFO touches no keys).
fn expired_keys(c: &mut Raw) -> i64 {
    let info = c.cmd(&["INFO", "stats"]).text();
    info_field(&info, "expired_keys").expect("INFO stats has expired_keys").parse().expect("a number")
}

#[test]
fn without_active_expiry_a_key_lingers_until_touched() {
    let s = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = s.raw();
    assert_eq!(c.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]), ok());
    c.cmd(&["SET", "k", "v", "PX", "50"]);
    sleep(Duration::from_millis(200));
    assert_eq!(expired_keys(&mut c), 0, "no active cycle to reclaim it");
    // Redis counts the lingering key; Hearth never counts an expired key
    // (ARCHITECTURE.md, "Deviations").
    let counted = if s.is_reference() { 1 } else { 0 };
    assert_eq!(c.cmd(&["DBSIZE"]), int(counted));
    assert_eq!(c.cmd(&["GET", "k"]), Frame::NullBulk);
    assert_eq!(expired_keys(&mut c), 1, "the read reclaimed it");
    assert_eq!(c.cmd(&["DBSIZE"]), int(0));
    assert_eq!(c.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "1"]), ok());
}
