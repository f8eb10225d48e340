//! Client tracking end to end: the `redis` crate's RESP3 push sender (sync
//! and async) and RESP2 pub/sub receiving invalidations through REDIRECT,
//! plus raw RESP where the exact frames and their order matter.
//!
//! The full semantics (every write that invalidates, OPTIN/OPTOUT, BCAST
//! prefixes, validation texts, INFO, limits) live in
//! `tests/interop/test_tracking.py`; the concurrency guarantees in
//! `tracking_stress.rs`. Run against redis-server with
//! `HEARTH_IT_REFERENCE=1`.

mod common;

use std::time::Duration;

use common::{arr, bulk, cmd, int, ok, push, simple, Frame, Raw, Server};
use redis::{PushInfo, PushKind, Value};

const CHANNEL: &str = "__redis__:invalidate";

fn invalidate(keys: &[&str]) -> Frame {
    push(vec![bulk("invalidate"), arr(keys.iter().map(bulk).collect())])
}

fn invalidate_all() -> Frame {
    push(vec![bulk("invalidate"), Frame::Null])
}

fn message(keys: &[&str]) -> Frame {
    arr(vec![bulk("message"), bulk(CHANNEL), arr(keys.iter().map(bulk).collect())])
}

fn client_id(c: &mut Raw) -> i64 {
    c.cmd(&["CLIENT", "ID"]).int()
}

/// A RESP2 connection subscribed to the invalidation channel; returns it and its id.
fn redirect_target(s: &Server) -> (Raw, i64) {
    let mut t = s.raw();
    let id = client_id(&mut t);
    assert_eq!(t.cmd(&["SUBSCRIBE", CHANNEL]), arr(vec![bulk("subscribe"), bulk(CHANNEL), int(1)]));
    (t, id)
}

fn keys_of(p: &PushInfo) -> Value {
    assert_eq!(p.kind, PushKind::Invalidate, "{p:?}");
    assert_eq!(p.data.len(), 1, "{p:?}");
    p.data[0].clone()
}

fn key_list(keys: &[&str]) -> Value {
    Value::Array(keys.iter().map(|k| Value::BulkString(k.as_bytes().to_vec())).collect())
}

// -- the redis crate ----------------------------------------------------------------

#[test]
fn redis_crate_resp3_sync_connection_gets_invalidate_pushes() {
    let s = Server::new();
    let mut reader = s.con3();
    let mut writer = s.con2();
    let (tx, rx) = std::sync::mpsc::channel();
    reader.set_push_sender(tx);
    let _: () = cmd(&["CLIENT", "TRACKING", "ON"]).query(&mut reader).unwrap();
    let _: () = cmd(&["SET", "k", "v1"]).query(&mut writer).unwrap();
    let v: String = cmd(&["GET", "k"]).query(&mut reader).unwrap();
    assert_eq!(v, "v1");
    let _: () = cmd(&["SET", "k", "v2"]).query(&mut writer).unwrap();
    // A sync connection hands over pushes while it reads a reply.
    let pong: String = cmd(&["PING"]).query(&mut reader).unwrap();
    assert_eq!(pong, "PONG");
    let pushes: Vec<PushInfo> = rx.try_iter().collect();
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    assert_eq!(keys_of(&pushes[0]), key_list(&["k"]));
    // A flush: one push with a null key list.
    let _: () = cmd(&["FLUSHALL"]).query(&mut writer).unwrap();
    let _: String = cmd(&["PING"]).query(&mut reader).unwrap();
    let pushes: Vec<PushInfo> = rx.try_iter().collect();
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    assert_eq!(keys_of(&pushes[0]), Value::Nil);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn redis_crate_resp3_async_connection_gets_pushes_without_polling() {
    let s = Server::start(&["--io-threads", "2"]);
    let client = redis::Client::open(s.url3()).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let config = redis::AsyncConnectionConfig::new().set_push_sender(tx);
    let mut reader = client.get_multiplexed_async_connection_with_config(&config).await.unwrap();
    let mut writer = redis::Client::open(s.url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let _: () = cmd(&["CLIENT", "TRACKING", "ON"]).query_async(&mut reader).await.unwrap();
    let _: Value = cmd(&["MGET", "a", "b"]).query_async(&mut reader).await.unwrap();
    let _: () = cmd(&["MSET", "a", "1", "b", "2", "c", "3"]).query_async(&mut writer).await.unwrap();
    let mut got = Vec::new();
    while got.len() < 2 {
        let p = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("a push within 10 s, with the reader idle")
            .expect("channel open");
        got.push(keys_of(&p));
    }
    // Default mode: one push per key, in write order; c was never read.
    assert_eq!(got, vec![key_list(&["a"]), key_list(&["b"])]);
    let _: String = cmd(&["PING"]).query_async(&mut reader).await.unwrap();
    assert!(rx.try_recv().is_err(), "nothing for c");
}

#[test]
fn redis_crate_resp2_pubsub_receives_redirected_invalidations() {
    let s = Server::new();
    let mut target = s.con2();
    let target_id: i64 = cmd(&["CLIENT", "ID"]).query(&mut target).unwrap();
    let mut ps = target.as_pubsub();
    ps.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    ps.subscribe(CHANNEL).unwrap();
    let mut reader = s.con2();
    let mut writer = s.con2();
    let _: () = cmd(&["CLIENT", "TRACKING", "ON", "REDIRECT", &target_id.to_string()]).query(&mut reader).unwrap();
    let redir: i64 = cmd(&["CLIENT", "GETREDIR"]).query(&mut reader).unwrap();
    assert_eq!(redir, target_id);
    let _: Option<String> = cmd(&["GET", "k"]).query(&mut reader).unwrap();
    let _: () = cmd(&["SET", "k", "v"]).query(&mut writer).unwrap();
    let msg = ps.get_message().unwrap();
    assert_eq!(msg.get_channel_name(), CHANNEL);
    assert_eq!(msg.get_payload::<Vec<String>>().unwrap(), vec!["k".to_string()]);
    let _: () = cmd(&["FLUSHDB"]).query(&mut writer).unwrap();
    let msg = ps.get_message().unwrap();
    assert_eq!(msg.get_payload::<Value>().unwrap(), Value::Nil, "a flush is a null key list");
}

#[test]
fn redis_crate_bcast_push_batches_the_keys_of_one_command() {
    let s = Server::new();
    let mut reader = s.con3();
    let mut writer = s.con2();
    let (tx, rx) = std::sync::mpsc::channel();
    reader.set_push_sender(tx);
    let _: () = cmd(&["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:"]).query(&mut reader).unwrap();
    let _: () = cmd(&["MSET", "user:1", "a", "other", "b", "user:2", "c"]).query(&mut writer).unwrap();
    let _: String = cmd(&["PING"]).query(&mut reader).unwrap();
    let pushes: Vec<PushInfo> = rx.try_iter().collect();
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    let Value::Array(keys) = keys_of(&pushes[0]) else { panic!("{pushes:?}") };
    let mut keys: Vec<String> = keys.iter().map(|k| redis::from_redis_value_ref(k).unwrap()).collect();
    keys.sort();
    assert_eq!(keys, ["user:1", "user:2"]);
}

// -- raw RESP: exact frames and order -------------------------------------------------

#[test]
fn resp3_push_of_a_finished_write_precedes_the_next_reply() {
    let s = Server::start(&["--io-threads", "2"]);
    let mut reader = s.raw3();
    let mut writer = s.raw();
    assert_eq!(reader.cmd(&["CLIENT", "TRACKING", "ON"]), ok());
    // Reader and writer sit on different worker threads (round robin).
    for i in 0..500 {
        assert_eq!(reader.cmd(&["GET", "k"]), if i == 0 { Frame::Null } else { bulk((i - 1).to_string()) });
        assert_eq!(writer.cmd(&["SET", "k", &i.to_string()]), ok());
        reader.send_cmd(&["PING"]);
        assert_eq!(reader.read(), invalidate(&["k"]), "iteration {i}");
        assert_eq!(reader.read(), simple("PONG"), "iteration {i}");
    }
}

#[test]
fn resp3_own_write_push_follows_its_reply_and_exec() {
    let s = Server::new();
    let mut c = s.raw3();
    c.cmd(&["CLIENT", "TRACKING", "ON"]);
    c.send_cmd(&["GET", "k"]);
    c.send_cmd(&["SET", "k", "v"]);
    assert_eq!(c.read(), Frame::Null);
    assert_eq!(c.read(), ok());
    assert_eq!(c.read(), invalidate(&["k"]));
    c.cmd(&["GET", "k"]);
    for args in [&["MULTI"][..], &["SET", "k", "1"], &["INCR", "k"], &["EXEC"]] {
        c.send_cmd(args);
    }
    assert_eq!(c.read(), ok());
    assert_eq!(c.read(), simple("QUEUED"));
    assert_eq!(c.read(), simple("QUEUED"));
    assert_eq!(c.read(), arr(vec![ok(), int(2)]));
    assert_eq!(c.read(), invalidate(&["k"]));
    assert_eq!(c.cmd(&["PING"]), simple("PONG"));
}

#[test]
fn resp3_noloop_suppresses_own_invalidations() {
    let s = Server::new();
    let mut c = s.raw3();
    let mut writer = s.raw();
    c.cmd(&["CLIENT", "TRACKING", "ON", "NOLOOP"]);
    c.cmd(&["GET", "k"]);
    assert_eq!(c.cmd(&["SET", "k", "mine"]), ok());
    assert_eq!(c.cmd(&["GET", "k"]), bulk("mine"));
    writer.cmd(&["SET", "k", "theirs"]);
    assert_eq!(c.cmd(&["PING"]), invalidate(&["k"]));
    assert_eq!(c.read(), simple("PONG"));
}

#[test]
fn resp2_redirect_message_frames_and_flush() {
    let s = Server::new();
    let (mut target, tid) = redirect_target(&s);
    let mut c = s.raw();
    let mut writer = s.raw();
    assert_eq!(c.cmd(&["CLIENT", "TRACKING", "ON", "REDIRECT", &tid.to_string()]), ok());
    c.cmd(&["MGET", "a", "b"]);
    writer.cmd(&["MSET", "a", "1", "b", "2"]);
    assert_eq!(target.read(), message(&["a"]));
    assert_eq!(target.read(), message(&["b"]));
    writer.cmd(&["FLUSHALL"]);
    assert_eq!(target.read(), arr(vec![bulk("message"), bulk(CHANNEL), Frame::NullBulk]));
    // Nothing else queued: a subscribed-mode PING answers next.
    assert_eq!(target.cmd(&["PING"]), arr(vec![bulk("pong"), bulk("")]));
    // The tracking connection itself never sees an invalidation.
    assert_eq!(c.cmd(&["PING"]), simple("PONG"));
}

#[test]
fn resp3_flush_sends_null_to_every_tracking_client() {
    let s = Server::new();
    let mut a = s.raw3();
    let (mut target, tid) = redirect_target(&s);
    let mut b = s.raw();
    let mut writer = s.raw();
    a.cmd(&["CLIENT", "TRACKING", "ON"]);
    b.cmd(&["CLIENT", "TRACKING", "ON", "BCAST", "REDIRECT", &tid.to_string()]);
    writer.cmd(&["SELECT", "5"]);
    assert_eq!(writer.cmd(&["FLUSHDB"]), ok());
    assert_eq!(a.read(), invalidate_all());
    assert_eq!(target.read(), arr(vec![bulk("message"), bulk(CHANNEL), Frame::NullBulk]));
}

#[test]
fn broken_redirect_is_reported_at_the_first_invalidation() {
    let s = Server::new();
    let mut c = s.raw3();
    let mut writer = s.raw();
    let mut target = s.raw();
    let tid = client_id(&mut target);
    c.cmd(&["CLIENT", "TRACKING", "ON", "REDIRECT", &tid.to_string()]);
    c.cmd(&["GET", "k"]);
    target.close();
    assert!(
        common::eventually(Duration::from_secs(5), || {
            !writer.cmd(&["CLIENT", "LIST"]).text().contains(&format!("id={tid} "))
        }),
        "the target disconnected"
    );
    assert_eq!(c.cmd(&["PING"]), simple("PONG"), "nothing is sent at the disconnection itself");
    writer.cmd(&["SET", "k", "v"]);
    assert_eq!(c.read(), push(vec![bulk("tracking-redir-broken"), int(tid)]));
    let info = c.cmd(&["CLIENT", "TRACKINGINFO"]);
    let Frame::Map(pairs) = info else { panic!("{info:?}") };
    assert_eq!(pairs[0], (bulk("flags"), Frame::Set(vec![bulk("on"), bulk("broken_redirect")])));
    assert_eq!(pairs[1], (bulk("redirect"), int(tid)));
}

#[test]
fn validation_errors_have_redis_texts() {
    let s = Server::new();
    let mut c = s.raw();
    let cases: &[(&[&str], &str)] = &[
        (&["REDIRECT", "123456"], "ERR The client ID you want redirect to does not exist"),
        (&["PREFIX", "a"], "ERR PREFIX option requires BCAST mode to be enabled"),
        (&["BCAST", "OPTIN"], "ERR OPTIN and OPTOUT are not compatible with BCAST"),
        (
            &["BCAST", "PREFIX", "a", "PREFIX", "ab"],
            "ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client must not overlap.",
        ),
    ];
    for (opts, text) in cases {
        let mut args = vec!["CLIENT", "TRACKING", "ON"];
        args.extend_from_slice(opts);
        assert_eq!(c.cmd(&args), Frame::Error(text.to_string()), "{opts:?}");
    }
    assert_eq!(
        c.cmd(&["CLIENT", "CACHING", "YES"]),
        Frame::Error(
            "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode \
             enabled"
                .into()
        )
    );
    c.cmd(&["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:"]);
    assert_eq!(
        c.cmd(&["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:1"]),
        Frame::Error(
            "ERR Prefix 'user:1' overlaps with an existing prefix 'user:'. Prefixes for a single client must not \
             overlap."
                .into()
        )
    );
    assert_eq!(
        c.cmd(&["CLIENT", "TRACKING", "ON"]),
        Frame::Error(
            "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling \
             it with a different mode."
                .into()
        )
    );
}

/// After OFF then ON, keys read under the new ON must stay tracked (the
/// cron sweep of the entries of the OFF session once removed them too).
#[test]
fn tracking_off_then_on_keeps_new_reads_tracked() {
    let s = Server::new();
    let mut c = s.raw3();
    let mut writer = s.raw();
    c.cmd(&["CLIENT", "TRACKING", "ON"]);
    c.cmd(&["CLIENT", "TRACKING", "OFF"]);
    c.cmd(&["CLIENT", "TRACKING", "ON"]);
    c.cmd(&["GET", "k"]);
    std::thread::sleep(Duration::from_millis(400)); // a few cron ticks
    writer.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["PING"]), invalidate(&["k"]), "the write of k must be reported");
}
