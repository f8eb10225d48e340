//! Typed methods, raw commands, pipelines and transactions against a real
//! Hearth and a real Redis.

mod common;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use hearth::{cmd, Client, Error, Expiry, Frame, SetCondition, SetOptions};

async fn client(server: &common::Server) -> Client {
    Client::builder(&server.url()).response_timeout(Duration::from_secs(10)).connect().await.expect("connect")
}

both!(strings_round_trip, |server: common::Server| async move {
    let c = client(&server).await;
    c.set("k", "v").await.unwrap();
    assert_eq!(c.get::<Option<String>>("k").await.unwrap().as_deref(), Some("v"));
    assert_eq!(c.get::<Option<String>>("missing").await.unwrap(), None);
    assert_eq!(c.strlen("k").await.unwrap(), 1);
    assert_eq!(c.append("k", "w").await.unwrap(), 2);
    assert_eq!(c.getrange::<String>("k", 1, 1).await.unwrap(), "w");
    c.mset(&[("a", "1"), ("b", "2")]).await.unwrap();
    let all: Vec<Option<i64>> = c.mget(["a", "nope", "b"]).await.unwrap();
    assert_eq!(all, vec![Some(1), None, Some(2)]);
    assert_eq!(c.incr("n").await.unwrap(), 1);
    assert_eq!(c.incr_by("n", 10).await.unwrap(), 11);
    assert_eq!(c.decr("n").await.unwrap(), 10);
    assert_eq!(c.decr_by("n", 4).await.unwrap(), 6);
    assert_eq!(c.incr_by_float("f", 1.5).await.unwrap(), 1.5);
    assert!(c.set_nx("fresh", 1).await.unwrap());
    assert!(!c.set_nx("fresh", 2).await.unwrap());
    assert_eq!(c.getdel::<Option<String>>("fresh").await.unwrap().as_deref(), Some("1"));
    assert_eq!(c.exists("fresh").await.unwrap(), 0);
});

both!(set_options_follow_redis, |server: common::Server| async move {
    let c = client(&server).await;
    let nx = SetOptions::default().condition(SetCondition::Nx);
    assert!(c.set_with::<bool>("k", "1", nx).await.unwrap());
    assert!(!c.set_with::<bool>("k", "2", nx).await.unwrap());
    let xx_get = SetOptions::default().condition(SetCondition::Xx).get();
    assert_eq!(c.set_with::<Option<String>>("k", "3", xx_get).await.unwrap().as_deref(), Some("1"));
    let px = SetOptions::default().expiry(Expiry::Px(Duration::from_secs(100)));
    c.set_with::<()>("k", "4", px).await.unwrap();
    let ttl = c.pttl("k").await.unwrap();
    assert!(ttl > 90_000 && ttl <= 100_000, "{ttl}");
    c.set_with::<()>("k", "5", SetOptions::default().expiry(Expiry::KeepTtl)).await.unwrap();
    assert!(c.pttl("k").await.unwrap() > 90_000);
    c.set_ex("e", "x", Duration::from_secs(50)).await.unwrap();
    assert!((49..=50).contains(&c.ttl("e").await.unwrap()));
});

both!(keys_and_ttls, |server: common::Server| async move {
    let c = client(&server).await;
    c.mset(&[("a", "1"), ("b", "2"), ("c", "3")]).await.unwrap();
    assert_eq!(c.exists(["a", "b", "zz"]).await.unwrap(), 2);
    assert_eq!(c.del("a").await.unwrap(), 1);
    assert_eq!(c.del(["b", "c", "zz"]).await.unwrap(), 2);
    c.set("t", "v").await.unwrap();
    assert_eq!(c.ttl("t").await.unwrap(), -1);
    assert_eq!(c.ttl("none").await.unwrap(), -2);
    assert!(c.expire("t", Duration::from_secs(30)).await.unwrap());
    assert!((29..=30).contains(&c.ttl("t").await.unwrap()));
    assert!(c.persist("t").await.unwrap());
    assert_eq!(c.pttl("t").await.unwrap(), -1);
    assert_eq!(c.key_type("t").await.unwrap(), "string");
    c.rename("t", "u").await.unwrap();
    assert_eq!(c.key_type("t").await.unwrap(), "none");
    assert_eq!(c.unlink("u").await.unwrap(), 1);
    assert!(c.expire_at("gone", 1).await.is_ok());
    assert_eq!(c.dbsize().await.unwrap(), 0);
});

both!(hashes, |server: common::Server| async move {
    let c = client(&server).await;
    if !common::supports(&c, "hset").await {
        return;
    }
    assert_eq!(c.hset("h", "a", "1").await.unwrap(), 1);
    assert_eq!(c.hset_multiple("h", &[("b", "2"), ("c", "3")]).await.unwrap(), 2);
    assert_eq!(c.hget::<Option<i64>>("h", "b").await.unwrap(), Some(2));
    assert_eq!(c.hget::<Option<i64>>("h", "zz").await.unwrap(), None);
    let all: HashMap<String, i64> = c.hgetall("h").await.unwrap();
    assert_eq!(all, HashMap::from([("a".into(), 1), ("b".into(), 2), ("c".into(), 3)]));
    let some: Vec<Option<String>> = c.hmget("h", ["a", "x"]).await.unwrap();
    assert_eq!(some, vec![Some("1".into()), None]);
    assert!(c.hexists("h", "a").await.unwrap());
    assert_eq!(c.hlen("h").await.unwrap(), 3);
    assert_eq!(c.hincr_by("h", "a", 5).await.unwrap(), 6);
    let mut keys: Vec<String> = c.hkeys("h").await.unwrap();
    keys.sort();
    assert_eq!(keys, ["a", "b", "c"]);
    assert_eq!(c.hvals::<Vec<String>>("h").await.unwrap().len(), 3);
    assert_eq!(c.hdel("h", ["a", "b"]).await.unwrap(), 2);
    assert_eq!(c.hlen("h").await.unwrap(), 1);
});

both!(lists, |server: common::Server| async move {
    let c = client(&server).await;
    assert_eq!(c.rpush("l", ["a", "b"]).await.unwrap(), 2);
    assert_eq!(c.lpush("l", "z").await.unwrap(), 3);
    assert_eq!(c.lrange::<Vec<String>>("l", 0, -1).await.unwrap(), ["z", "a", "b"]);
    assert_eq!(c.llen("l").await.unwrap(), 3);
    if !common::supports(&c, "ltrim").await || !common::supports(&c, "lpop").await {
        return;
    }
    assert_eq!(c.lindex::<Option<String>>("l", 1).await.unwrap().as_deref(), Some("a"));
    assert_eq!(c.lpop::<Option<String>>("l").await.unwrap().as_deref(), Some("z"));
    assert_eq!(c.rpop::<Option<String>>("l").await.unwrap().as_deref(), Some("b"));
    c.rpush("l", ["c", "d", "e"]).await.unwrap();
    c.ltrim("l", -2, -1).await.unwrap();
    assert_eq!(c.lrange::<Vec<String>>("l", 0, -1).await.unwrap(), ["d", "e"]);
});

both!(sets, |server: common::Server| async move {
    let c = client(&server).await;
    if !common::supports(&c, "sadd").await {
        return;
    }
    assert_eq!(c.sadd("s", ["a", "b", "a"]).await.unwrap(), 2);
    let m: HashSet<String> = c.smembers("s").await.unwrap();
    assert_eq!(m, HashSet::from(["a".to_string(), "b".to_string()]));
    assert!(c.sismember("s", "a").await.unwrap());
    assert!(!c.sismember("s", "z").await.unwrap());
    assert_eq!(c.scard("s").await.unwrap(), 2);
    assert_eq!(c.srem("s", "a").await.unwrap(), 1);
    assert_eq!(c.scard("s").await.unwrap(), 1);
});

both!(sorted_sets, |server: common::Server| async move {
    let c = client(&server).await;
    if !common::supports(&c, "zadd").await {
        return;
    }
    assert_eq!(c.zadd("z", "a", 1.0).await.unwrap(), 1);
    assert_eq!(c.zadd_multiple("z", &[("b", 2.0), ("c", 3.5)]).await.unwrap(), 2);
    assert_eq!(c.zscore("z", "c").await.unwrap(), Some(3.5));
    assert_eq!(c.zscore("z", "nope").await.unwrap(), None);
    assert_eq!(c.zrank("z", "b").await.unwrap(), Some(1));
    assert_eq!(c.zcard("z").await.unwrap(), 3);
    assert_eq!(c.zrange::<Vec<String>>("z", 0, -1).await.unwrap(), ["a", "b", "c"]);
    let scored: Vec<(String, f64)> = c.zrange_with_scores("z", 0, 1).await.unwrap();
    assert_eq!(scored, vec![("a".to_string(), 1.0), ("b".to_string(), 2.0)]);
    assert_eq!(c.zincr_by("z", "a", 10.0).await.unwrap(), 11.0);
    assert_eq!(c.zrem("z", ["a", "b"]).await.unwrap(), 2);
    assert_eq!(c.zcard("z").await.unwrap(), 1);
});

both!(errors_keep_redis_text, |server: common::Server| async move {
    let c = client(&server).await;
    c.rpush("list", "x").await.unwrap();
    let err = c.get::<Option<String>>("list").await.unwrap_err();
    assert_eq!(err.to_string(), "WRONGTYPE Operation against a key holding the wrong kind of value");
    assert_eq!(err.server_error().unwrap().code(), "WRONGTYPE");
    let err = c.incr("list").await.unwrap_err();
    assert_eq!(err.server_error().unwrap().code(), "WRONGTYPE");
    c.set("s", "abc").await.unwrap();
    let err = c.incr("s").await.unwrap_err();
    assert_eq!(err.to_string(), "ERR value is not an integer or out of range");
    let err = c.cmd::<()>(cmd("NOSUCHCOMMAND")).await.unwrap_err();
    assert!(err.to_string().starts_with("ERR unknown command 'NOSUCHCOMMAND'"), "{err}");
    // The connection is still usable after errors.
    c.ping().await.unwrap();
});

both!(raw_commands_and_refusals, |server: common::Server| async move {
    let c = client(&server).await;
    let pong: String = c.cmd(cmd("PING")).await.unwrap();
    assert_eq!(pong, "PONG");
    let echoed: String = c.echo("hi").await.unwrap();
    assert_eq!(echoed, "hi");
    c.cmd::<()>(cmd("SET").arg("k").arg(5)).await.unwrap();
    assert_eq!(c.cmd::<i64>(cmd("GET").arg("k")).await.unwrap(), 5);
    for refused in [cmd("MULTI"), cmd("SUBSCRIBE").arg("x"), cmd("SELECT").arg(1)] {
        assert!(matches!(c.cmd::<Frame>(refused).await, Err(Error::InvalidUse(_))));
    }
    assert!(c.client_id().await.unwrap() > 0);
});

both!(pipelines_keep_order_and_errors_in_place, |server: common::Server| async move {
    let c = client(&server).await;
    let (a, b, n): ((), Option<String>, i64) = c.pipeline().set("p", "1").get("p").incr("p").query().await.unwrap();
    assert_eq!((a, b.as_deref(), n), ((), Some("1"), 2));
    let frames = c.pipeline().rpush("lst", "x").incr("lst").get("p").execute().await.unwrap();
    assert_eq!(frames.len(), 3);
    assert!(matches!(frames[1], Frame::Error(_)));
    let err = c.pipeline().rpush("lst", "x").incr("lst").query::<(i64, i64)>().await.unwrap_err();
    assert_eq!(err.server_error().unwrap().code(), "WRONGTYPE");
    let mut many = c.pipeline();
    for i in 0..1000 {
        many.push(cmd("SET").arg(format!("k{i}")).arg(i));
    }
    assert_eq!(many.execute().await.unwrap().len(), 1000);
    assert_eq!(c.dbsize().await.unwrap(), 1002);
});

both!(transactions_are_atomic_and_report_aborts, |server: common::Server| async move {
    let c = client(&server).await;
    let (x, y): (i64, i64) = c.multi().incr("ctr").incr("ctr").query().await.unwrap();
    assert_eq!((x, y), (1, 2));
    // A runtime error stays in place; the rest of the transaction runs.
    c.set("str", "abc").await.unwrap();
    let frames = c.multi().incr("str").incr("ctr").execute().await.unwrap();
    assert!(matches!(frames[0], Frame::Error(_)));
    assert_eq!(frames[1], Frame::Integer(3));
    // A command refused at queue time aborts all of it.
    let err = c.multi().incr("ctr").cmd(cmd("SET").arg("only-key")).execute().await.unwrap_err();
    assert_eq!(err.server_error().unwrap().code(), "EXECABORT");
    assert_eq!(c.get::<i64>("ctr").await.unwrap(), 3);
    // Transactions from many tasks never interleave on the shared connection.
    let mut tasks = Vec::new();
    for t in 0..20 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..20 {
                let key = format!("t{t}");
                let (_, v): ((), i64) = c.multi().set(&key, i).get(&key).query().await.unwrap();
                assert_eq!(v, i);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
});

both!(many_tasks_share_one_connection, |server: common::Server| async move {
    let c = client(&server).await;
    let id = c.client_id().await.unwrap();
    let mut tasks = Vec::new();
    for t in 0..50 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..100 {
                let key = format!("task{t}");
                c.set(&key, i).await.unwrap();
                assert_eq!(c.get::<i64>(&key).await.unwrap(), i);
            }
            c.client_id().await.unwrap()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), id, "every task used the same connection");
    }
});

both!(pubsub_stream, |server: common::Server| async move {
    use futures_core::Stream;
    use std::pin::Pin;
    use std::task::Poll;

    let c = client(&server).await;
    let mut sub = c.subscribe(["news", "sport"]).await.unwrap();
    assert_eq!(c.publish("news", "n1").await.unwrap(), 1);
    assert_eq!(c.publish("sport", "s1").await.unwrap(), 1);
    let m = sub.next_message().await.unwrap();
    assert_eq!((m.channel_str().as_str(), m.payload_str().as_str()), ("news", "n1"));
    // Through the Stream trait.
    let m = std::future::poll_fn(|cx| match Pin::new(&mut sub).poll_next(cx) {
        Poll::Ready(m) => Poll::Ready(m),
        Poll::Pending => Poll::Pending,
    })
    .await
    .unwrap();
    assert_eq!(m.payload_str(), "s1");
    sub.unsubscribe("news").await.unwrap();
    assert_eq!(c.publish("news", "lost").await.unwrap(), 0);
    sub.psubscribe("w*").await.unwrap();
    c.publish("weather", "rain").await.unwrap();
    let m = sub.next_message().await.unwrap();
    assert_eq!(m.pattern.as_deref(), Some(&b"w*"[..]));
    assert_eq!(m.channel_str(), "weather");
    // The shared connection kept working meanwhile.
    c.ping().await.unwrap();
});

both!(resp2_when_asked, |server: common::Server| async move {
    let c = Client::builder(&server.url()).protocol(hearth::ProtocolChoice::Resp2).connect().await.unwrap();
    assert_eq!(c.protocol().await.unwrap(), hearth::Protocol::Resp2);
    c.set("k", "v").await.unwrap();
    assert_eq!(c.get::<String>("k").await.unwrap(), "v");
    let (a,): (i64,) = c.multi().incr("n").query().await.unwrap();
    assert_eq!(a, 1);
    let mut sub = c.subscribe("ch").await.unwrap();
    c.publish("ch", "m").await.unwrap();
    assert_eq!(sub.next_message().await.unwrap().payload_str(), "m");
    let near = Client::builder(&server.url())
        .protocol(hearth::ProtocolChoice::Resp2)
        .near_cache(Default::default())
        .connect()
        .await;
    assert!(matches!(near, Err(Error::InvalidUse(_))));
});

both!(password_db_and_client_name, &["--requirepass", "s3cret"], |server: common::Server| async move {
    let url = server.url().replace("redis://", "redis://:s3cret@") + "/3";
    let c = Client::builder(&url).client_name("hearth-test").connect().await.unwrap();
    c.set("k", "in-db-3").await.unwrap();
    let name: String = c.cmd(cmd("CLIENT").arg("GETNAME")).await.unwrap();
    assert_eq!(name, "hearth-test");
    let db0 = Client::open(&server.url().replace("redis://", "redis://:s3cret@")).await.unwrap();
    assert_eq!(db0.get::<Option<String>>("k").await.unwrap(), None);
    let bad = Client::open(&server.url().replace("redis://", "redis://:wrong@")).await.unwrap_err();
    assert!(bad.server_error().is_some(), "{bad}");
    let err = Client::open(&server.url()).await.unwrap_err();
    assert_eq!(err.server_error().unwrap().code(), "NOAUTH", "{err}");
});

both!(reconnects_after_server_restart, |mut server: common::Server| async move {
    let c = Client::builder(&server.url())
        .connect_timeout(Duration::from_secs(10))
        .reconnect_backoff(Duration::from_millis(10), Duration::from_millis(200))
        .connect()
        .await
        .unwrap();
    c.set("before", "1").await.unwrap();
    server.stop();
    // Requests fail (or wait) while the server is down...
    let down = Client::builder(&server.url()).connect_timeout(Duration::from_millis(300)).connect().await;
    assert!(down.is_err());
    server.restart();
    // ...and succeed once it is back, on a new connection.
    c.set("after", "2").await.unwrap();
    assert_eq!(c.get::<Option<String>>("after").await.unwrap().as_deref(), Some("2"));
    assert_eq!(c.get::<Option<String>>("before").await.unwrap(), None, "the restarted server starts empty");
});

both!(blocking_commands_use_pooled_connections, |server: common::Server| async move {
    let c = Client::builder(&server.url()).blocking_pool_size(2).connect().await.unwrap();
    if !common::supports(&c, "blpop").await {
        return;
    }
    let waiter = {
        let c = c.clone();
        tokio::spawn(async move { c.blpop::<_, String>(&["jobs"], Duration::from_secs(5)).await })
    };
    // The shared connection is not stalled behind the blocked BLPOP.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let t = std::time::Instant::now();
    c.ping().await.unwrap();
    assert!(t.elapsed() < Duration::from_secs(1));
    c.rpush("jobs", "job-1").await.unwrap();
    assert_eq!(waiter.await.unwrap().unwrap(), Some(("jobs".to_string(), "job-1".to_string())));
    // Timing out yields None; the connection is reused.
    let none = c.brpop::<_, String>(&["empty"], Duration::from_millis(200)).await.unwrap();
    assert_eq!(none, None);
    let popped: Option<(String, String)> =
        c.blocking(cmd("BLPOP").arg("jobs").arg("empty").arg("0.1"), Duration::from_millis(100)).await.unwrap();
    assert_eq!(popped, None);
});

both!(subscriptions_resubscribe_after_a_restart, |mut server: common::Server| async move {
    let c = Client::builder(&server.url())
        .reconnect_backoff(Duration::from_millis(10), Duration::from_millis(100))
        .connect()
        .await
        .unwrap();
    let mut sub = c.psubscribe("ev:*").await.unwrap();
    c.publish("ev:1", "before").await.unwrap();
    assert_eq!(sub.next_message().await.unwrap().payload_str(), "before");
    server.restart();
    // Publish until the resubscribed connection hears it.
    let got = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let _ = c.publish("ev:2", "after").await;
            if let Ok(Some(m)) = tokio::time::timeout(Duration::from_millis(100), sub.next_message()).await {
                return m;
            }
        }
    })
    .await
    .expect("resubscribed after the restart");
    assert_eq!((got.channel_str().as_str(), got.payload_str().as_str()), ("ev:2", "after"));
    sub.punsubscribe("ev:*").await.unwrap();
    assert_eq!(c.publish("ev:3", "nobody").await.unwrap(), 0);
});

both!(dedicated_connections_support_watch, |server: common::Server| async move {
    let c = Client::builder(&server.url()).near_cache(Default::default()).connect().await.unwrap();
    let other = client(&server).await;
    let conn = c.dedicated().await.unwrap();
    c.set("w", 1).await.unwrap();
    assert_eq!(c.get::<i64>("w").await.unwrap(), 1);
    // A watched key written by someone else aborts the transaction.
    conn.watch("w").await.unwrap();
    other.set("w", 5).await.unwrap();
    let err = conn.multi().incr("w").execute().await.unwrap_err();
    assert!(matches!(err, Error::TransactionAborted), "{err}");
    // Retried without interference, it runs.
    conn.watch("w").await.unwrap();
    let v: i64 = conn.cmd(cmd("GET").arg("w")).await.unwrap();
    let (n,): (i64,) = conn
        .multi()
        .cmd(cmd("SET").arg("w").arg(v * 10))
        .incr("w")
        .query()
        .await
        .map(|(_, n): ((), i64)| (n,))
        .unwrap();
    assert_eq!(n, 51);
    // Its writes drop the near cache's copy at once.
    assert_eq!(c.get::<i64>("w").await.unwrap(), 51);
    // Connection state stays on it.
    conn.cmd::<()>(cmd("SELECT").arg(1)).await.unwrap();
    conn.cmd::<()>(cmd("SET").arg("w").arg("db1")).await.unwrap();
    assert_eq!(c.get::<i64>("w").await.unwrap(), 51);
    assert!(matches!(conn.cmd::<()>(cmd("SUBSCRIBE").arg("x")).await, Err(Error::InvalidUse(_))));
});
