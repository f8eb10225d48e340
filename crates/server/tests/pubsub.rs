//! Pub/sub: SUBSCRIBE PSUBSCRIBE SSUBSCRIBE and their UNSUBSCRIBEs,
//! PUBLISH SPUBLISH, PUBSUB introspection; RESP2 subscribed mode (arrays,
//! restricted commands) against RESP3 (pushes, any command allowed); and
//! the `redis` crate's pub/sub APIs on both protocols.

mod common;

use std::time::Duration;

use common::{arr, bulk, cmd, err, eventually, int, ok, push, simple, Frame, Server};
use redis::{PushKind, Value};

fn subscribed_only(name: &str) -> Frame {
    err(&format!(
        "ERR Can't execute '{name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET \
         are allowed in this context"
    ))
}

fn msg(kind: &str, rest: &[&str]) -> Vec<Frame> {
    let mut items = vec![bulk(kind)];
    items.extend(rest.iter().map(bulk));
    items
}

fn confirm(kind: &str, name: &str, count: i64) -> Vec<Frame> {
    vec![bulk(kind), bulk(name), int(count)]
}

// -- RESP2 --------------------------------------------------------------------------

#[test]
fn subscribe_confirms_each_channel_with_a_running_count() {
    let s = Server::new();
    let mut sub = s.raw();
    sub.send_cmd(&["SUBSCRIBE", "ch1", "ch2"]);
    assert_eq!(sub.read(), arr(confirm("subscribe", "ch1", 1)));
    assert_eq!(sub.read(), arr(confirm("subscribe", "ch2", 2)));
    assert_eq!(
        sub.cmd(&["SUBSCRIBE", "ch1"]),
        arr(confirm("subscribe", "ch1", 2)),
        "subscribing again does not add to the count"
    );
}

#[test]
fn publish_delivers_to_every_subscriber_and_counts_them() {
    let s = Server::new();
    let (mut a, mut b, mut publisher) = (s.raw(), s.raw(), s.raw());
    a.cmd(&["SUBSCRIBE", "news"]);
    b.cmd(&["SUBSCRIBE", "news"]);
    assert_eq!(publisher.cmd(&["PUBLISH", "news", "hello"]), int(2));
    assert_eq!(a.read(), arr(msg("message", &["news", "hello"])));
    assert_eq!(b.read(), arr(msg("message", &["news", "hello"])));
    assert_eq!(publisher.cmd(&["PUBLISH", "nobody", "x"]), int(0));
}

#[test]
fn publish_is_binary_safe() {
    let s = Server::new();
    let (mut sub, mut publisher) = (s.raw(), s.raw());
    sub.cmd(&[&b"SUBSCRIBE"[..], b"ch\x00"]);
    let payload = b"\r\n\x00\xff*1\r\n";
    assert_eq!(publisher.cmd(&[&b"PUBLISH"[..], b"ch\x00", payload]), int(1));
    assert_eq!(sub.read(), arr(vec![bulk("message"), bulk(b"ch\x00"), bulk(payload)]));
}

#[test]
fn messages_arrive_in_publish_order() {
    let s = Server::new();
    let (mut sub, mut publisher) = (s.raw(), s.raw());
    sub.cmd(&["SUBSCRIBE", "seq"]);
    for i in 0..200 {
        publisher.send_cmd(&["PUBLISH", "seq", &i.to_string()]);
    }
    for _ in 0..200 {
        assert_eq!(publisher.read(), int(1));
    }
    for i in 0..200 {
        assert_eq!(sub.read(), arr(msg("message", &["seq", &i.to_string()])));
    }
}

#[test]
fn psubscribe_delivers_pmessage_once_per_matching_subscription() {
    let s = Server::new();
    let (mut sub, mut publisher) = (s.raw(), s.raw());
    sub.cmd(&["SUBSCRIBE", "ch1"]);
    sub.send_cmd(&["PSUBSCRIBE", "c*", "d?"]);
    assert_eq!(sub.read(), arr(confirm("psubscribe", "c*", 2)));
    assert_eq!(sub.read(), arr(confirm("psubscribe", "d?", 3)));
    assert_eq!(publisher.cmd(&["PUBLISH", "ch1", "again"]), int(2));
    assert_eq!(sub.read(), arr(msg("message", &["ch1", "again"])));
    assert_eq!(sub.read(), arr(msg("pmessage", &["c*", "ch1", "again"])));
    assert_eq!(publisher.cmd(&["PUBLISH", "dx", "p"]), int(1));
    assert_eq!(sub.read(), arr(msg("pmessage", &["d?", "dx", "p"])));
}

#[test]
fn patterns_use_redis_glob_rules() {
    let s = Server::new();
    let mut publisher = s.raw();
    for (pattern, channel, matches) in [
        ("news.*", "news.tech", true),
        ("news.*", "news", false),
        ("h?llo", "hello", true),
        ("h[ae]llo", "hallo", true),
        ("h[^e]llo", "hello", false),
        ("h\\*llo", "h*llo", true),
        ("h\\*llo", "hello", false),
    ] {
        let mut sub = s.raw();
        sub.cmd(&["PSUBSCRIBE", pattern]);
        assert_eq!(publisher.cmd(&["PUBLISH", channel, "m"]), int(matches as i64), "{pattern} vs {channel}");
        if matches {
            assert_eq!(sub.read(), arr(msg("pmessage", &[pattern, channel, "m"])));
        }
        // Unsubscribe before the next case: a closed connection is
        // forgotten asynchronously and could still count as a receiver.
        assert_eq!(sub.cmd(&["PUNSUBSCRIBE", pattern]), arr(confirm("punsubscribe", pattern, 0)));
    }
}

#[test]
fn unsubscribe_one_or_all_then_back_to_normal_mode() {
    let s = Server::new();
    let mut sub = s.raw();
    sub.send_cmd(&["SUBSCRIBE", "a", "b", "c"]);
    for _ in 0..3 {
        sub.read();
    }
    assert_eq!(sub.cmd(&["UNSUBSCRIBE", "b"]), arr(confirm("unsubscribe", "b", 2)));
    assert_eq!(sub.cmd(&["UNSUBSCRIBE", "nope"]), arr(confirm("unsubscribe", "nope", 2)));
    sub.send_cmd(&["UNSUBSCRIBE"]);
    let mut rest = [sub.read(), sub.read()];
    rest.sort_by_key(|f| f.items()[2].int());
    let names: Vec<String> = rest.iter().map(|f| f.items()[1].text()).collect();
    assert_eq!(rest[0].items()[2], int(0));
    assert_eq!(rest[1].items()[2], int(1));
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, ["a", "c"]);
    assert_eq!(sub.cmd(&["GET", "x"]), Frame::NullBulk);
}

#[test]
fn unsubscribe_when_not_subscribed_names_no_channel() {
    let s = Server::new();
    let mut c = s.raw();
    for kind in ["unsubscribe", "punsubscribe", "sunsubscribe"] {
        assert_eq!(c.cmd(&[kind.to_uppercase().as_str()]), arr(vec![bulk(kind), Frame::NullBulk, int(0)]));
    }
}

#[test]
fn punsubscribe_one_then_all() {
    let s = Server::new();
    let mut sub = s.raw();
    sub.send_cmd(&["PSUBSCRIBE", "c*", "d?"]);
    sub.read();
    sub.read();
    assert_eq!(sub.cmd(&["PUNSUBSCRIBE", "d?"]), arr(confirm("punsubscribe", "d?", 1)));
    assert_eq!(sub.cmd(&["PUNSUBSCRIBE"]), arr(confirm("punsubscribe", "c*", 0)));
}

#[test]
fn resp2_subscribed_mode_ping_answers_pong_and_empty_string() {
    let s = Server::new();
    let mut sub = s.raw();
    sub.cmd(&["SUBSCRIBE", "ch"]);
    sub.send(b"*1\r\n$4\r\nPING\r\n");
    let expected = b"*2\r\n$4\r\npong\r\n$0\r\n\r\n";
    assert_eq!(sub.read_bytes(expected.len()), expected);
    assert_eq!(sub.cmd(&["PING", "x"]), arr(vec![bulk("pong"), bulk("x")]));
}

#[test]
fn resp2_subscribed_mode_refuses_other_commands() {
    let s = Server::new();
    let mut sub = s.raw();
    sub.cmd(&["SUBSCRIBE", "ch"]);
    let cases: [(&[&str], &str); 5] = [
        (&["GET", "x"], "get"),
        (&["SET", "x", "1"], "set"),
        (&["SELECT", "1"], "select"),
        (&["PUBLISH", "a", "b"], "publish"),
        (&["MULTI"], "multi"),
    ];
    for (args, name) in cases {
        assert_eq!(sub.cmd(args), subscribed_only(name), "{args:?}");
    }
    assert_eq!(sub.cmd(&["PING"]), arr(vec![bulk("pong"), bulk("")]), "still subscribed");
    assert_eq!(sub.cmd(&["GET", "x"]), subscribed_only("get"));
}

#[test]
fn resp2_subscribed_mode_refusal_names_the_subcommand() {
    let s = Server::new();
    let mut sub = s.raw();
    sub.cmd(&["SUBSCRIBE", "ch"]);
    assert_eq!(sub.cmd(&["CLIENT", "INFO"]), subscribed_only("client|info"));
    assert_eq!(sub.cmd(&["PUBSUB", "NUMPAT"]), subscribed_only("pubsub|numpat"));
}

#[test]
fn resp2_psubscribe_alone_enters_subscribed_mode() {
    let s = Server::new();
    let mut sub = s.raw();
    sub.cmd(&["PSUBSCRIBE", "x*"]);
    assert_eq!(sub.cmd(&["GET", "x"]), subscribed_only("get"));
}

#[test]
fn reset_and_quit_work_in_subscribed_mode() {
    let s = Server::new();
    let (mut a, mut observer) = (s.raw(), s.raw());
    a.cmd(&["SUBSCRIBE", "x"]);
    assert_eq!(a.cmd(&["RESET"]), simple("RESET"));
    assert_eq!(a.cmd(&["GET", "x"]), Frame::NullBulk);
    assert_eq!(observer.cmd(&["PUBSUB", "NUMSUB", "x"]), arr(vec![bulk("x"), int(0)]));
    a.cmd(&["SUBSCRIBE", "x"]);
    assert_eq!(a.cmd(&["QUIT"]), ok());
    assert!(a.wait_closed(Duration::from_secs(5)));
}

// -- sharded pub/sub ----------------------------------------------------------------------

#[test]
fn ssubscribe_and_spublish_use_their_own_namespace() {
    let s = Server::new();
    let (mut sub, mut publisher) = (s.raw(), s.raw());
    assert_eq!(sub.cmd(&["SSUBSCRIBE", "sh1"]), arr(confirm("ssubscribe", "sh1", 1)));
    assert_eq!(publisher.cmd(&["SPUBLISH", "sh1", "m"]), int(1));
    assert_eq!(sub.read(), arr(msg("smessage", &["sh1", "m"])));
    assert_eq!(publisher.cmd(&["PUBLISH", "sh1", "m"]), int(0));
    assert_eq!(publisher.cmd(&["SPUBLISH", "other", "m"]), int(0));
    assert_eq!(sub.cmd(&["GET", "x"]), subscribed_only("get"));
    assert_eq!(sub.cmd(&["SUNSUBSCRIBE", "sh1"]), arr(confirm("sunsubscribe", "sh1", 0)));
    assert_eq!(sub.cmd(&["GET", "x"]), Frame::NullBulk);
    let mut plain = s.raw();
    plain.cmd(&["SUBSCRIBE", "ch"]);
    assert_eq!(publisher.cmd(&["SPUBLISH", "ch", "m"]), int(0));
}

// -- PUBSUB introspection ----------------------------------------------------------------

#[test]
fn pubsub_channels_numsub_and_numpat() {
    let s = Server::new();
    let (mut sub, mut other, mut c) = (s.raw(), s.raw(), s.raw());
    sub.send_cmd(&["SUBSCRIBE", "ch1", "ch2"]);
    sub.read();
    sub.read();
    other.cmd(&["SUBSCRIBE", "ch1"]);
    sub.send_cmd(&["PSUBSCRIBE", "p*", "q*"]);
    sub.read();
    sub.read();
    other.cmd(&["PSUBSCRIBE", "p*"]);
    let mut channels: Vec<String> = c.cmd(&["PUBSUB", "CHANNELS"]).items().iter().map(Frame::text).collect();
    channels.sort();
    assert_eq!(channels, ["ch1", "ch2"]);
    assert_eq!(c.cmd(&["PUBSUB", "CHANNELS", "*1"]), arr(vec![bulk("ch1")]));
    assert_eq!(c.cmd(&["PUBSUB", "CHANNELS", "zz*"]), arr(vec![]));
    assert_eq!(
        c.cmd(&["PUBSUB", "NUMSUB", "ch1", "ch2", "nope"]),
        arr(vec![bulk("ch1"), int(2), bulk("ch2"), int(1), bulk("nope"), int(0)])
    );
    assert_eq!(c.cmd(&["PUBSUB", "NUMSUB"]), arr(vec![]));
    // NUMPAT counts distinct patterns, not subscriptions.
    assert_eq!(c.cmd(&["PUBSUB", "NUMPAT"]), int(2));
}

#[test]
fn pubsub_numsub_is_a_flat_array_in_resp3_too() {
    let s = Server::new();
    let (mut sub, mut c3) = (s.raw(), s.raw3());
    sub.cmd(&["SUBSCRIBE", "ch1"]);
    assert_eq!(c3.cmd(&["PUBSUB", "NUMSUB", "ch1"]), arr(vec![bulk("ch1"), int(1)]));
    assert_eq!(c3.cmd(&["PUBSUB", "SHARDNUMSUB", "s"]), arr(vec![bulk("s"), int(0)]));
}

#[test]
fn pubsub_channels_forgets_closed_subscribers() {
    let s = Server::new();
    let (mut sub, mut c) = (s.raw(), s.raw());
    sub.cmd(&["SUBSCRIBE", "gone"]);
    assert_eq!(c.cmd(&["PUBSUB", "CHANNELS"]), arr(vec![bulk("gone")]));
    sub.close();
    let forgotten = eventually(Duration::from_secs(2), || c.cmd(&["PUBSUB", "CHANNELS"]) == arr(vec![]));
    assert!(forgotten, "{:?}", c.cmd(&["PUBSUB", "CHANNELS"]));
    assert_eq!(c.cmd(&["PUBLISH", "gone", "x"]), int(0));
}

#[test]
fn pubsub_shardchannels_and_shardnumsub() {
    let s = Server::new();
    let (mut sub, mut c) = (s.raw(), s.raw());
    sub.send_cmd(&["SSUBSCRIBE", "s1", "s2"]);
    sub.read();
    sub.read();
    let mut names: Vec<String> = c.cmd(&["PUBSUB", "SHARDCHANNELS"]).items().iter().map(Frame::text).collect();
    names.sort();
    assert_eq!(names, ["s1", "s2"]);
    assert_eq!(c.cmd(&["PUBSUB", "SHARDCHANNELS", "*2"]), arr(vec![bulk("s2")]));
    assert_eq!(c.cmd(&["PUBSUB", "SHARDNUMSUB", "s1", "x"]), arr(vec![bulk("s1"), int(1), bulk("x"), int(0)]));
    assert_eq!(c.cmd(&["PUBSUB", "CHANNELS"]), arr(vec![]));
}

#[test]
fn pubsub_errors() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["PUBSUB", "FOO"]), err("ERR unknown subcommand 'FOO'. Try PUBSUB HELP."));
    for (args, name) in [
        (&["PUBSUB", "NUMPAT", "x"][..], "pubsub|numpat"),
        (&["PUBLISH", "x"], "publish"),
        (&["SUBSCRIBE"], "subscribe"),
        (&["SSUBSCRIBE"], "ssubscribe"),
    ] {
        assert_eq!(c.cmd(args), err(&format!("ERR wrong number of arguments for '{name}' command")));
    }
}

// -- RESP3 --------------------------------------------------------------------------------

#[test]
fn resp3_subscribe_confirmations_and_messages_are_pushes() {
    let s = Server::new();
    let (mut sub, mut publisher) = (s.raw3(), s.raw());
    assert_eq!(sub.cmd(&["SUBSCRIBE", "ch1"]), push(confirm("subscribe", "ch1", 1)));
    assert_eq!(publisher.cmd(&["PUBLISH", "ch1", "yo"]), int(1));
    assert_eq!(sub.read(), push(msg("message", &["ch1", "yo"])));
    assert_eq!(sub.cmd(&["PSUBSCRIBE", "c*"]), push(confirm("psubscribe", "c*", 2)));
    publisher.cmd(&["PUBLISH", "ch1", "yo2"]);
    assert_eq!(sub.read(), push(msg("message", &["ch1", "yo2"])));
    assert_eq!(sub.read(), push(msg("pmessage", &["c*", "ch1", "yo2"])));
    assert_eq!(sub.cmd(&["SSUBSCRIBE", "s1"]), push(confirm("ssubscribe", "s1", 1)));
    publisher.cmd(&["SPUBLISH", "s1", "z"]);
    assert_eq!(sub.read(), push(msg("smessage", &["s1", "z"])));
}

#[test]
fn resp3_subscribed_client_can_run_any_command() {
    let s = Server::new();
    let mut sub = s.raw3();
    sub.cmd(&["SUBSCRIBE", "ch1"]);
    assert_eq!(sub.cmd(&["GET", "x"]), Frame::Null);
    assert_eq!(sub.cmd(&["SET", "x", "1"]), ok());
    assert_eq!(sub.cmd(&["PING"]), simple("PONG"));
    assert_eq!(sub.cmd(&["SELECT", "1"]), ok());
}

#[test]
fn resp3_push_sent_before_a_reply_is_read_first() {
    let s = Server::new();
    let (mut sub, mut publisher) = (s.raw3(), s.raw());
    sub.cmd(&["SUBSCRIBE", "ch"]);
    assert_eq!(publisher.cmd(&["PUBLISH", "ch", "m1"]), int(1));
    std::thread::sleep(Duration::from_millis(50));
    sub.send_cmd(&["GET", "x"]);
    assert_eq!(sub.read(), push(msg("message", &["ch", "m1"])));
    assert_eq!(sub.read(), Frame::Null);
}

#[test]
fn resp3_unsubscribe_replies_are_pushes_with_null_for_no_channel() {
    let s = Server::new();
    let mut sub = s.raw3();
    sub.cmd(&["SUBSCRIBE", "ch1"]);
    assert_eq!(sub.cmd(&["UNSUBSCRIBE", "nope"]), push(confirm("unsubscribe", "nope", 1)));
    assert_eq!(sub.cmd(&["UNSUBSCRIBE"]), push(confirm("unsubscribe", "ch1", 0)));
    for kind in ["punsubscribe", "sunsubscribe"] {
        assert_eq!(sub.cmd(&[kind.to_uppercase().as_str()]), push(vec![bulk(kind), Frame::Null, int(0)]));
    }
}

// -- the redis crate -------------------------------------------------------------------------

#[test]
fn redis_crate_resp2_pubsub_receives_messages_and_pmessages() {
    let s = Server::new();
    let mut con = s.con2();
    let mut publisher = s.con2();
    let mut ps = con.as_pubsub();
    ps.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    ps.subscribe("chan").unwrap();
    ps.psubscribe("ch*").unwrap();
    let receivers: i64 = cmd(&["PUBLISH", "chan", "hi"]).query(&mut publisher).unwrap();
    assert_eq!(receivers, 2);
    let first = ps.get_message().unwrap();
    assert_eq!(first.get_channel_name(), "chan");
    assert_eq!(first.get_payload::<String>().unwrap(), "hi");
    assert!(!first.from_pattern());
    let second = ps.get_message().unwrap();
    assert!(second.from_pattern());
    assert_eq!(second.get_pattern::<String>().unwrap(), "ch*");
    assert_eq!(second.get_payload::<String>().unwrap(), "hi");
}

#[test]
fn redis_crate_resp3_sync_connection_routes_pushes_to_the_push_sender() {
    let s = Server::new();
    let mut con = s.con3();
    let mut publisher = s.con2();
    let (tx, rx) = std::sync::mpsc::channel();
    con.set_push_sender(tx);
    con.subscribe_resp3("news").unwrap();
    // subscribe_resp3 does not wait for its confirmation; a PING does.
    let pong: String = cmd(&["PING"]).query(&mut con).unwrap();
    assert_eq!(pong, "PONG");
    let receivers: i64 = cmd(&["PUBLISH", "news", "hello"]).query(&mut publisher).unwrap();
    assert_eq!(receivers, 1);
    // A sync connection reads pushes while it waits for a reply.
    let pong: String = cmd(&["PING"]).query(&mut con).unwrap();
    assert_eq!(pong, "PONG");
    let pushes: Vec<redis::PushInfo> = rx.try_iter().collect();
    assert_eq!(pushes[0].kind, PushKind::Subscribe, "{pushes:?}");
    let message =
        pushes.iter().find(|p| p.kind == PushKind::Message).unwrap_or_else(|| panic!("no message push in {pushes:?}"));
    assert_eq!(message.data, vec![Value::BulkString(b"news".to_vec()), Value::BulkString(b"hello".to_vec())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn redis_crate_resp3_async_subscribe_delivers_push_messages() {
    let s = Server::new();
    let client = redis::Client::open(s.url3()).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let config = redis::AsyncConnectionConfig::new().set_push_sender(tx);
    let mut con = client.get_multiplexed_async_connection_with_config(&config).await.unwrap();
    con.subscribe("news").await.unwrap();
    con.psubscribe("n*").await.unwrap();
    let mut publisher = client.get_multiplexed_async_connection().await.unwrap();
    let receivers: i64 = cmd(&["PUBLISH", "news", "hello"]).query_async(&mut publisher).await.unwrap();
    assert_eq!(receivers, 2);
    let mut kinds = Vec::new();
    while kinds.len() < 4 {
        let push = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("a push within 10 s")
            .expect("channel open");
        match push.kind {
            PushKind::Message => {
                assert_eq!(push.data, vec![Value::BulkString(b"news".to_vec()), Value::BulkString(b"hello".to_vec())])
            }
            PushKind::PMessage => assert_eq!(
                push.data,
                vec![
                    Value::BulkString(b"n*".to_vec()),
                    Value::BulkString(b"news".to_vec()),
                    Value::BulkString(b"hello".to_vec())
                ]
            ),
            _ => {}
        }
        kinds.push(push.kind);
    }
    assert_eq!(kinds, [PushKind::Subscribe, PushKind::PSubscribe, PushKind::Message, PushKind::PMessage]);
    // The connection still answers ordinary commands while subscribed.
    let v: Value = cmd(&["GET", "x"]).query_async(&mut con).await.unwrap();
    assert_eq!(v, Value::Nil);
}
