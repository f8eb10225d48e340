//! Transactions: MULTI EXEC DISCARD WATCH UNWATCH. What aborts a
//! transaction (queue-time errors, dirtied watched keys) and what does not
//! (runtime errors, reads, no-op writes).

mod common;

use std::thread::sleep;
use std::time::Duration;

use common::{arr, bulk, cmd, err, int, ok, simple, Frame, Raw, Server, NOT_INT, WRONGTYPE};
use redis::Value;

const EXECABORT: &str = "EXECABORT Transaction discarded because of previous errors.";

fn queued() -> Frame {
    simple("QUEUED")
}

/// MULTI PING EXEC; returns EXEC's reply.
fn exec_ping(c: &mut Raw) -> Frame {
    assert_eq!(c.cmd(&["MULTI"]), ok());
    assert_eq!(c.cmd(&["PING"]), queued());
    c.cmd(&["EXEC"])
}

fn done() -> Frame {
    arr(vec![simple("PONG")])
}

fn two(s: &Server) -> (Raw, Raw) {
    (s.raw(), s.raw())
}

// -- MULTI / EXEC / DISCARD -------------------------------------------------------------

#[test]
fn exec_runs_queued_commands_in_order() {
    let s = Server::new();
    let mut a = s.raw();
    assert_eq!(a.cmd(&["MULTI"]), ok());
    assert_eq!(a.cmd(&["SET", "a", "1"]), queued());
    assert_eq!(a.cmd(&["INCR", "a"]), queued());
    assert_eq!(a.cmd(&["GET", "a"]), queued());
    assert_eq!(a.cmd(&["GET", "missing"]), queued());
    assert_eq!(a.cmd(&["EXEC"]), arr(vec![ok(), int(2), bulk("2"), Frame::NullBulk]));
}

#[test]
fn queued_commands_are_invisible_before_exec() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    a.cmd(&["MULTI"]);
    a.cmd(&["SET", "k", "v"]);
    assert_eq!(b.cmd(&["EXISTS", "k"]), int(0));
    a.cmd(&["EXEC"]);
    assert_eq!(b.cmd(&["EXISTS", "k"]), int(1));
}

#[test]
fn runtime_errors_inside_exec_are_returned_per_command() {
    let s = Server::new();
    let mut a = s.raw();
    a.cmd(&["RPUSH", "list", "x"]);
    a.cmd(&["MULTI"]);
    assert_eq!(a.cmd(&["SET", "a", "x"]), queued());
    assert_eq!(a.cmd(&["INCR", "a"]), queued());
    assert_eq!(a.cmd(&["GET", "list"]), queued());
    assert_eq!(a.cmd(&["SET", "a", "1", "NX", "XX"]), queued());
    assert_eq!(a.cmd(&["SET", "b", "ok"]), queued());
    assert_eq!(a.cmd(&["EXEC"]), arr(vec![ok(), err(NOT_INT), err(WRONGTYPE), err("ERR syntax error"), ok()]));
    assert_eq!(a.cmd(&["GET", "b"]), bulk("ok"), "later commands still ran");
}

#[test]
fn redis_crate_sees_runtime_errors_inside_exec_as_server_errors() {
    let s = Server::new();
    let mut con = s.con3();
    let _: () = cmd(&["RPUSH", "list", "x"]).query(&mut con).unwrap();
    let _: () = cmd(&["MULTI"]).query(&mut con).unwrap();
    let q: String = cmd(&["SET", "a", "1"]).query(&mut con).unwrap();
    assert_eq!(q, "QUEUED");
    let _: String = cmd(&["GET", "list"]).query(&mut con).unwrap();
    // The raw reply keeps the error in its slot of the array.
    con.send_packed_command(&cmd(&["EXEC"]).get_packed_command()).unwrap();
    let v = con.recv_response().unwrap();
    let Value::Array(items) = v else { panic!("EXEC must be an array: {v:?}") };
    assert_eq!(items[0], Value::Okay);
    let Value::ServerError(e) = &items[1] else { panic!("GET on a list inside EXEC must be an error: {:?}", items[1]) };
    assert_eq!(e.code(), "WRONGTYPE");
    let a: String = cmd(&["GET", "a"]).query(&mut con).unwrap();
    assert_eq!(a, "1");
}

#[test]
fn queued_error_makes_exec_abort_with_execabort() {
    let s = Server::new();
    let mut a = s.raw();
    a.cmd(&["MULTI"]);
    assert_eq!(a.cmd(&["SET", "a"]), err("ERR wrong number of arguments for 'set' command"));
    assert_eq!(a.cmd(&["SET", "b", "1"]), queued());
    assert_eq!(a.cmd(&["EXEC"]), err(EXECABORT));
    assert_eq!(a.cmd(&["EXISTS", "b"]), int(0));
    assert_eq!(a.cmd(&["EXEC"]), err("ERR EXEC without MULTI"));
}

#[test]
fn unknown_command_in_multi_aborts_exec() {
    let s = Server::new();
    let mut a = s.raw();
    a.cmd(&["MULTI"]);
    assert_eq!(a.cmd(&["NOSUCH", "x"]), err("ERR unknown command 'NOSUCH', with args beginning with: 'x' "));
    a.cmd(&["SET", "b", "1"]);
    assert_eq!(a.cmd(&["EXEC"]), err(EXECABORT));
    assert_eq!(a.cmd(&["EXISTS", "b"]), int(0));
}

#[test]
fn exec_and_discard_without_multi_are_errors() {
    let s = Server::new();
    let mut a = s.raw();
    assert_eq!(a.cmd(&["EXEC"]), err("ERR EXEC without MULTI"));
    assert_eq!(a.cmd(&["DISCARD"]), err("ERR DISCARD without MULTI"));
}

#[test]
fn nested_multi_and_watch_inside_multi_are_errors_that_keep_the_transaction() {
    let s = Server::new();
    let mut a = s.raw();
    a.cmd(&["MULTI"]);
    assert_eq!(a.cmd(&["MULTI"]), err("ERR MULTI calls can not be nested"));
    assert_eq!(a.cmd(&["WATCH", "k"]), err("ERR WATCH inside MULTI is not allowed"));
    a.cmd(&["SET", "k", "v"]);
    assert_eq!(a.cmd(&["EXEC"]), arr(vec![ok()]));
}

#[test]
fn empty_transaction_returns_an_empty_array() {
    let s = Server::new();
    let mut a = s.raw();
    a.cmd(&["MULTI"]);
    assert_eq!(a.cmd(&["EXEC"]), arr(vec![]));
}

#[test]
fn discard_drops_the_queue() {
    let s = Server::new();
    let mut a = s.raw();
    a.cmd(&["MULTI"]);
    a.cmd(&["SET", "y", "1"]);
    assert_eq!(a.cmd(&["DISCARD"]), ok());
    assert_eq!(a.cmd(&["EXISTS", "y"]), int(0));
    assert_eq!(a.cmd(&["EXEC"]), err("ERR EXEC without MULTI"));
}

#[test]
fn select_inside_multi_changes_the_db_for_later_commands() {
    let s = Server::new();
    let mut a = s.raw();
    a.cmd(&["MULTI"]);
    assert_eq!(a.cmd(&["SELECT", "1"]), queued());
    assert_eq!(a.cmd(&["SET", "q", "1"]), queued());
    assert_eq!(a.cmd(&["EXEC"]), arr(vec![ok(), ok()]));
    assert_eq!(a.cmd(&["EXISTS", "q"]), int(1));
    a.cmd(&["SELECT", "0"]);
    assert_eq!(a.cmd(&["EXISTS", "q"]), int(0));
}

#[test]
fn resp3_exec_keeps_each_reply_type() {
    let s = Server::new();
    let mut c = s.raw3();
    c.cmd(&["SET", "s", "x"]);
    c.cmd(&["MULTI"]);
    c.cmd(&["GET", "s"]);
    c.cmd(&["INCR", "s"]);
    c.cmd(&["GET", "missing"]);
    assert_eq!(c.cmd(&["EXEC"]), arr(vec![bulk("x"), err(NOT_INT), Frame::Null]));
}

#[test]
fn a_thousand_queued_commands_run_in_order() {
    let s = Server::new();
    let mut a = s.raw();
    a.cmd(&["MULTI"]);
    for _ in 0..1000 {
        a.send_cmd(&["INCR", "counter"]);
    }
    for _ in 0..1000 {
        assert_eq!(a.read(), queued());
    }
    let reply = a.cmd(&["EXEC"]);
    let expected: Vec<Frame> = (1..=1000).map(int).collect();
    assert_eq!(reply, arr(expected));
}

// -- WATCH ---------------------------------------------------------------------------------

#[test]
fn watch_on_an_untouched_key_lets_exec_run() {
    let s = Server::new();
    let mut a = s.raw();
    a.cmd(&["SET", "w", "1"]);
    assert_eq!(a.cmd(&["WATCH", "w"]), ok());
    assert_eq!(exec_ping(&mut a), done());
}

#[test]
fn watch_dirtied_by_another_client_aborts_exec() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    a.cmd(&["SET", "w", "1"]);
    a.cmd(&["WATCH", "w"]);
    b.cmd(&["SET", "w", "2"]);
    a.cmd(&["MULTI"]);
    a.cmd(&["SET", "w", "3"]);
    assert_eq!(a.cmd(&["EXEC"]), Frame::NullArray);
    assert_eq!(a.cmd(&["GET", "w"]), bulk("2"));
}

#[test]
fn aborted_exec_is_null_in_resp3() {
    let s = Server::new();
    let (mut a, mut b) = (s.raw3(), s.raw());
    a.cmd(&["WATCH", "w"]);
    b.cmd(&["SET", "w", "2"]);
    assert_eq!(exec_ping(&mut a), Frame::Null);
}

#[test]
fn watch_is_dirtied_by_the_watchers_own_write_and_by_an_equal_value() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    a.cmd(&["SET", "s", "1"]);
    a.cmd(&["WATCH", "s"]);
    a.cmd(&["SET", "s", "2"]);
    assert_eq!(exec_ping(&mut a), Frame::NullArray);
    a.cmd(&["WATCH", "s"]);
    b.cmd(&["SET", "s", "2"]);
    assert_eq!(exec_ping(&mut a), Frame::NullArray);
}

#[test]
fn watch_on_a_missing_key_is_dirtied_by_create_then_delete() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    a.cmd(&["WATCH", "nope"]);
    b.cmd(&["SET", "nope", "1"]);
    b.cmd(&["DEL", "nope"]);
    assert_eq!(exec_ping(&mut a), Frame::NullArray);
}

#[test]
fn watch_is_dirtied_by_every_kind_of_write() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    let writes: [&[&str]; 10] = [
        &["EXPIRE", "s", "100"],
        &["DEL", "s"],
        &["INCR", "s"],
        &["APPEND", "s", "x"],
        &["SET", "s", "v", "XX", "GET"],
        &["GETDEL", "s"],
        &["RENAME", "s", "s2"],
        &["RENAME", "other", "s"],
        &["MOVE", "s", "1"],
        &["SETRANGE", "s", "0", "x"],
    ];
    for write in writes {
        a.cmd(&["FLUSHALL"]);
        a.cmd(&["SET", "s", "1"]);
        a.cmd(&["SET", "other", "2"]);
        a.cmd(&["WATCH", "s"]);
        let reply = b.cmd(write);
        assert!(!matches!(reply, Frame::Error(_)), "{write:?}: {reply:?}");
        assert_eq!(exec_ping(&mut a), Frame::NullArray, "{write:?}");
    }
}

#[test]
fn watch_is_not_dirtied_by_reads_and_no_op_writes() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    let noops: [&[&str]; 8] = [
        &["GET", "s"],
        &["SETNX", "s", "9"],
        &["SET", "s", "9", "NX"],
        &["EXPIRE", "missing", "10"],
        &["DEL", "missing"],
        &["PERSIST", "s"],
        &["EXISTS", "s"],
        &["SET", "unrelated", "1"],
    ];
    a.cmd(&["SET", "s", "1"]);
    for noop in noops {
        a.cmd(&["WATCH", "s"]);
        b.cmd(noop);
        assert_eq!(exec_ping(&mut a), done(), "{noop:?}");
    }
}

#[test]
fn watch_is_dirtied_by_expiry() {
    let s = Server::new();
    let mut a = s.raw();
    a.cmd(&["SET", "e", "1", "PX", "50"]);
    a.cmd(&["WATCH", "e"]);
    sleep(Duration::from_millis(150));
    assert_eq!(exec_ping(&mut a), Frame::NullArray);
}

#[test]
fn watch_is_dirtied_by_expiry_noticed_by_another_client() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    a.cmd(&["SET", "e", "1", "PX", "50"]);
    a.cmd(&["WATCH", "e"]);
    sleep(Duration::from_millis(150));
    assert_eq!(b.cmd(&["GET", "e"]), Frame::NullBulk);
    assert_eq!(exec_ping(&mut a), Frame::NullArray);
}

#[test]
fn watch_is_dirtied_by_flushall() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    a.cmd(&["SET", "f", "1"]);
    a.cmd(&["WATCH", "f"]);
    b.cmd(&["FLUSHALL"]);
    assert_eq!(exec_ping(&mut a), Frame::NullArray);
}

#[test]
fn watch_is_dirtied_by_flushdb_of_its_own_db_only() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    a.cmd(&["SET", "f", "1"]);
    a.cmd(&["WATCH", "f"]);
    b.cmd(&["SELECT", "1"]);
    b.cmd(&["FLUSHDB"]);
    assert_eq!(exec_ping(&mut a), done());
    a.cmd(&["WATCH", "f"]);
    b.cmd(&["SELECT", "0"]);
    b.cmd(&["FLUSHDB"]);
    assert_eq!(exec_ping(&mut a), Frame::NullArray);
}

#[test]
fn watch_on_a_missing_key_survives_flushall() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    a.cmd(&["WATCH", "missing"]);
    b.cmd(&["FLUSHALL"]);
    assert_eq!(exec_ping(&mut a), done());
}

#[test]
fn watch_is_dirtied_by_swapdb() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    a.cmd(&["SET", "s", "1"]);
    a.cmd(&["WATCH", "s"]);
    b.cmd(&["SWAPDB", "0", "1"]);
    assert_eq!(exec_ping(&mut a), Frame::NullArray);
}

#[test]
fn watch_is_per_db() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    a.cmd(&["SELECT", "2"]);
    a.cmd(&["WATCH", "s"]);
    a.cmd(&["SELECT", "0"]);
    b.cmd(&["SET", "s", "4"]);
    assert_eq!(exec_ping(&mut a), done());
}

#[test]
fn unwatch_exec_discard_and_abort_all_forget_watched_keys() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    a.cmd(&["WATCH", "s"]);
    b.cmd(&["SET", "s", "1"]);
    assert_eq!(a.cmd(&["UNWATCH"]), ok());
    assert_eq!(exec_ping(&mut a), done(), "after UNWATCH");

    a.cmd(&["WATCH", "s"]);
    a.cmd(&["MULTI"]);
    a.cmd(&["DISCARD"]);
    b.cmd(&["SET", "s", "2"]);
    assert_eq!(exec_ping(&mut a), done(), "after DISCARD");

    a.cmd(&["WATCH", "s"]);
    assert_eq!(exec_ping(&mut a), done());
    b.cmd(&["SET", "s", "3"]);
    assert_eq!(exec_ping(&mut a), done(), "after EXEC");

    a.cmd(&["WATCH", "s"]);
    b.cmd(&["SET", "s", "4"]);
    assert_eq!(exec_ping(&mut a), Frame::NullArray);
    b.cmd(&["SET", "s", "5"]);
    assert_eq!(exec_ping(&mut a), done(), "after an aborted EXEC");
}

#[test]
fn watch_of_several_keys_aborts_when_any_changes() {
    let s = Server::new();
    let (mut a, mut b) = two(&s);
    a.cmd(&["WATCH", "x", "y", "z"]);
    b.cmd(&["SET", "z", "1"]);
    assert_eq!(exec_ping(&mut a), Frame::NullArray);
}

#[test]
fn redis_crate_transaction_retries_after_a_concurrent_write() {
    let s = Server::new();
    let mut con = s.con2();
    let mut other = s.con3();
    let _: () = cmd(&["SET", "balance", "10"]).query(&mut con).unwrap();
    let mut attempts = 0;
    let (new,): (i64,) = redis::transaction(&mut con, &["balance"], |con, pipe| {
        attempts += 1;
        let value: i64 = cmd(&["GET", "balance"]).query(con)?;
        if attempts == 1 {
            // Another client writes between WATCH and EXEC: the first try aborts.
            let _: () = cmd(&["SET", "balance", "100"]).query(&mut other)?;
        }
        pipe.set("balance", value - 3).ignore().get("balance").query(con)
    })
    .unwrap();
    assert_eq!(attempts, 2);
    assert_eq!(new, 97);
}

#[test]
fn redis_crate_atomic_pipeline_wraps_in_multi_exec() {
    let s = Server::new();
    let mut con = s.con3();
    let (a, b): (i64, String) = redis::pipe()
        .atomic()
        .cmd("INCRBY")
        .arg("n")
        .arg(5)
        .cmd("SET")
        .arg("k")
        .arg("v")
        .ignore()
        .cmd("GET")
        .arg("k")
        .query(&mut con)
        .unwrap();
    assert_eq!((a, b.as_str()), (5, "v"));
}
