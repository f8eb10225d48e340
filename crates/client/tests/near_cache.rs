//! Near cache behaviour against a real Hearth and a real Redis: hits,
//! invalidation by other connections, flushes, single flight, races,
//! read-your-writes, TTLs, disconnects, BCAST.

mod common;

use std::sync::Arc;
use std::time::Duration;

use hearth::{cmd, Client, NearCacheConfig, NearCacheStats, TrackingMode};

async fn cached(server: &common::Server, config: NearCacheConfig) -> Client {
    Client::builder(&server.url())
        .response_timeout(Duration::from_secs(10))
        .reconnect_backoff(Duration::from_millis(5), Duration::from_millis(100))
        .near_cache(config)
        .connect()
        .await
        .expect("connect with near cache")
}

async fn plain(server: &common::Server) -> Client {
    Client::builder(&server.url()).response_timeout(Duration::from_secs(10)).connect().await.expect("connect")
}

fn stats(c: &Client) -> NearCacheStats {
    c.near_cache_stats().expect("near cache is on")
}

both!(second_read_is_a_local_hit, |server: common::Server| async move {
    let c = cached(&server, NearCacheConfig::default()).await;
    c.set("k", "v").await.unwrap();
    assert_eq!(c.get::<Option<String>>("k").await.unwrap().as_deref(), Some("v"));
    assert_eq!(c.get::<Option<String>>("k").await.unwrap().as_deref(), Some("v"));
    assert_eq!(c.get::<Option<String>>("absent").await.unwrap(), None);
    assert_eq!(c.get::<Option<String>>("absent").await.unwrap(), None);
    let s = stats(&c);
    assert_eq!((s.hits, s.misses, s.keys), (2, 2, 2), "{s:?}");
    assert!(s.bytes > 0);
});

both!(another_connections_write_invalidates, |server: common::Server| async move {
    let reader = cached(&server, NearCacheConfig::default()).await;
    let writer = plain(&server).await;
    writer.set("k", "v1").await.unwrap();
    assert_eq!(reader.get::<String>("k").await.unwrap(), "v1");
    assert_eq!(reader.get::<String>("k").await.unwrap(), "v1");
    writer.set("k", "v2").await.unwrap();
    // One round trip after the acknowledged write: its invalidation has arrived.
    reader.ping().await.unwrap();
    assert_eq!(reader.get::<String>("k").await.unwrap(), "v2");
    // A key created after a cached miss is invalidated as well.
    assert_eq!(reader.get::<Option<String>>("new").await.unwrap(), None);
    writer.set("new", "x").await.unwrap();
    reader.ping().await.unwrap();
    assert_eq!(reader.get::<Option<String>>("new").await.unwrap().as_deref(), Some("x"));
    // Deletion and expiry changes invalidate too.
    writer.del("k").await.unwrap();
    reader.ping().await.unwrap();
    assert_eq!(reader.get::<Option<String>>("k").await.unwrap(), None);
    assert!(stats(&reader).invalidations >= 3, "{:?}", stats(&reader));
});

both!(flushall_empties_the_cache, |server: common::Server| async move {
    let reader = cached(&server, NearCacheConfig::default()).await;
    let writer = plain(&server).await;
    writer.mset(&[("a", "1"), ("b", "2")]).await.unwrap();
    let _: Vec<Option<String>> = reader.mget(["a", "b"]).await.unwrap();
    assert_eq!(stats(&reader).keys, 2);
    writer.flushall().await.unwrap();
    reader.ping().await.unwrap();
    assert_eq!(stats(&reader).keys, 0);
    assert!(stats(&reader).flushes >= 1);
    let after: Vec<Option<String>> = reader.mget(["a", "b"]).await.unwrap();
    assert_eq!(after, vec![None, None]);
    // The client's own FLUSHDB drops its cache before returning.
    let _: Vec<Option<String>> = reader.mget(["a", "b"]).await.unwrap();
    reader.flushdb().await.unwrap();
    assert_eq!(stats(&reader).keys, 0);
});

both!(concurrent_readers_share_one_request, |server: common::Server| async move {
    let c = cached(&server, NearCacheConfig::default()).await;
    plain(&server).await.set("hot", "value").await.unwrap();
    let start = Arc::new(tokio::sync::Barrier::new(200));
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let c = c.clone();
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            c.get::<String>("hot").await.unwrap()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), "value");
    }
    let s = stats(&c);
    assert_eq!(s.misses, 1, "one request for 200 concurrent readers: {s:?}");
    assert_eq!(s.hits + s.coalesced, 199, "{s:?}");
});

both!(mget_caches_each_key_separately, |server: common::Server| async move {
    let c = cached(&server, NearCacheConfig::default()).await;
    c.mset(&[("a", "1"), ("b", "2"), ("c", "3")]).await.unwrap();
    let _: Option<String> = c.get("b").await.unwrap();
    let v: Vec<Option<i64>> = c.mget(["a", "b", "c", "d"]).await.unwrap();
    assert_eq!(v, vec![Some(1), Some(2), Some(3), None]);
    let s = stats(&c);
    assert_eq!((s.hits, s.misses), (1, 4), "{s:?}");
    assert_eq!(c.get::<i64>("c").await.unwrap(), 3);
    assert_eq!(stats(&c).hits, 2);
    let writer = plain(&server).await;
    writer.set("a", "10").await.unwrap();
    c.ping().await.unwrap();
    let v: Vec<Option<i64>> = c.mget(["a", "b"]).await.unwrap();
    assert_eq!(v, vec![Some(10), Some(2)]);
});

both!(own_writes_are_read_back_without_a_round_trip, |server: common::Server| async move {
    let c = cached(&server, NearCacheConfig::default()).await;
    for i in 0..300 {
        let _: Option<i64> = c.get("k").await.unwrap();
        match i % 5 {
            0 => c.set("k", i).await.unwrap(),
            1 => c.mset(&[("k", i)]).await.unwrap(),
            2 => c.pipeline().set("k", i).query::<((),)>().await.map(|_| ()).unwrap(),
            3 => c.multi().set("k", i).query::<((),)>().await.map(|_| ()).unwrap(),
            _ => c.cmd::<()>(cmd("SET").arg("k").arg(i)).await.unwrap(),
        }
        assert_eq!(c.get::<i64>("k").await.unwrap(), i, "iteration {i}");
    }
    assert!(stats(&c).local_invalidations >= 299, "{:?}", stats(&c));
});

both!(read_racing_a_write_never_caches_the_old_value, |server: common::Server| async move {
    let reader = cached(&server, NearCacheConfig::default()).await;
    let writer = plain(&server).await;
    writer.set("race", 0).await.unwrap();
    for i in 1..=500i64 {
        // Readers in flight while the write happens...
        let mut reads = Vec::new();
        for _ in 0..3 {
            let r = reader.clone();
            reads.push(tokio::spawn(async move { r.get::<i64>("race").await.unwrap() }));
        }
        writer.set("race", i).await.unwrap();
        for r in reads {
            let v = r.await.unwrap();
            assert!(v == i - 1 || v == i, "read {v} around write {i}");
        }
        // ...and once the write is acknowledged and one round trip has
        // completed, only the new value is served, cached or not.
        reader.ping().await.unwrap();
        assert_eq!(reader.get::<i64>("race").await.unwrap(), i, "iteration {i}");
        assert_eq!(reader.get::<i64>("race").await.unwrap(), i, "iteration {i}");
    }
});

both!(hash_fields_are_separate_entries_of_one_key, |server: common::Server| async move {
    let c = cached(&server, NearCacheConfig::default()).await;
    if !common::supports(&c, "hset").await {
        return;
    }
    let writer = plain(&server).await;
    writer.hset_multiple("h", &[("f1", "a"), ("f2", "b")]).await.unwrap();
    assert_eq!(c.hget::<String>("h", "f1").await.unwrap(), "a");
    assert_eq!(c.hget::<String>("h", "f2").await.unwrap(), "b");
    let all: std::collections::HashMap<String, String> = c.hgetall("h").await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(c.hget::<String>("h", "f1").await.unwrap(), "a");
    assert_eq!(c.hget::<String>("h", "f2").await.unwrap(), "b");
    let s = stats(&c);
    assert_eq!((s.misses, s.hits, s.keys), (3, 2, 1), "{s:?}");
    writer.hset("h", "f1", "A").await.unwrap();
    c.ping().await.unwrap();
    assert_eq!(stats(&c).keys, 0, "one invalidation dropped every entry of the key");
    assert_eq!(c.hget::<String>("h", "f1").await.unwrap(), "A");
    assert_eq!(c.hget::<String>("h", "f2").await.unwrap(), "b");
    if common::supports(&c, "sadd").await {
        writer.sadd("s", ["x", "y"]).await.unwrap();
        let m: std::collections::BTreeSet<String> = c.smembers("s").await.unwrap();
        assert_eq!(m.len(), 2);
        let _: std::collections::BTreeSet<String> = c.smembers("s").await.unwrap();
        writer.srem("s", "x").await.unwrap();
        c.ping().await.unwrap();
        let m: std::collections::BTreeSet<String> = c.smembers("s").await.unwrap();
        assert_eq!(m.into_iter().collect::<Vec<_>>(), ["y"]);
    }
});

both!(server_ttl_and_max_ttl_bound_entries, |server: common::Server| async move {
    let config = NearCacheConfig { max_ttl: Duration::from_millis(1500), ..Default::default() };
    let c = cached(&server, config).await;
    let writer = plain(&server).await;
    writer.set_ex("short", "s", Duration::from_millis(600)).await.unwrap();
    writer.set("forever", "f").await.unwrap();
    assert_eq!(c.get::<Option<String>>("short").await.unwrap().as_deref(), Some("s"));
    assert_eq!(c.get::<Option<String>>("forever").await.unwrap().as_deref(), Some("f"));
    tokio::time::sleep(Duration::from_millis(800)).await;
    // Expired on the server: never served from memory, invalidation or not.
    assert_eq!(c.get::<Option<String>>("short").await.unwrap(), None);
    assert_eq!(c.get::<Option<String>>("forever").await.unwrap().as_deref(), Some("f"));
    let misses = stats(&c).misses;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(c.get::<Option<String>>("forever").await.unwrap().as_deref(), Some("f"));
    assert_eq!(stats(&c).misses, misses + 1, "max_ttl expired the entry");
});

both!(disconnect_drops_the_cache, |server: common::Server| async move {
    let c = cached(&server, NearCacheConfig::default()).await;
    let admin = plain(&server).await;
    admin.set("k", "before").await.unwrap();
    assert_eq!(c.get::<String>("k").await.unwrap(), "before");
    let id = c.client_id().await.unwrap();
    let killed: i64 = admin.cmd(cmd("CLIENT").arg("KILL").arg("ID").arg(id)).await.unwrap();
    assert_eq!(killed, 1);
    // Written while the reader is disconnected: no invalidation can reach it.
    admin.set("k", "after").await.unwrap();
    // Once the client has seen the disconnect (a failed or re-routed round
    // trip), nothing cached before it is served. (Hearth may still answer a
    // request or two on a killed connection before closing it, so requests
    // failing with a connection error are retried.)
    let _ = c.ping().await;
    let mut tries = 0;
    let v = loop {
        match c.get::<String>("k").await {
            Ok(v) => break v,
            Err(e) if e.is_connection_error() && tries < 5 => tries += 1,
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(v, "after");
    assert!(stats(&c).flushes >= 1);
    assert_ne!(c.client_id().await.unwrap(), id, "reconnected");
});

both!(server_restart_drops_the_cache, |mut server: common::Server| async move {
    let c = cached(&server, NearCacheConfig::default()).await;
    c.set("k", "v").await.unwrap();
    assert_eq!(c.get::<Option<String>>("k").await.unwrap().as_deref(), Some("v"));
    server.restart();
    let _ = c.ping().await;
    assert_eq!(c.get::<Option<String>>("k").await.unwrap(), None, "restarted server is empty");
});

both!(bcast_caches_only_its_prefixes, |server: common::Server| async move {
    let mode = TrackingMode::Bcast { prefixes: vec!["user:".into()] };
    let c = cached(&server, NearCacheConfig { mode, ..Default::default() }).await;
    let writer = plain(&server).await;
    writer.mset(&[("user:1", "ada"), ("order:1", "book")]).await.unwrap();
    // In BCAST mode that write is pushed to us too; let it arrive first, or
    // it would (rightly) doom the first read below.
    c.ping().await.unwrap();
    for _ in 0..2 {
        assert_eq!(c.get::<String>("user:1").await.unwrap(), "ada");
        assert_eq!(c.get::<String>("order:1").await.unwrap(), "book");
    }
    let s = stats(&c);
    assert_eq!((s.hits, s.misses, s.keys), (1, 1, 1), "{s:?}");
    writer.set("user:1", "grace").await.unwrap();
    c.ping().await.unwrap();
    assert_eq!(c.get::<String>("user:1").await.unwrap(), "grace");
    // An invalidation for a key never cached is harmless.
    writer.set("user:2", "x").await.unwrap();
    c.ping().await.unwrap();
    assert_eq!(c.get::<String>("user:1").await.unwrap(), "grace");
});

both!(bounded_by_entries, |server: common::Server| async move {
    let c = cached(&server, NearCacheConfig { max_entries: 50, ..Default::default() }).await;
    let keys: Vec<String> = (0..500).map(|i| format!("k{i}")).collect();
    let _: Vec<Option<String>> = c.mget(keys.clone()).await.unwrap();
    let s = stats(&c);
    assert!(s.keys <= 50, "{s:?}");
    assert!(s.evictions >= 450, "{s:?}");
});

both!(bcast_invalidation_precedes_the_next_reply, |server: common::Server| async move {
    let mode = TrackingMode::Bcast { prefixes: vec![] };
    let c = cached(&server, NearCacheConfig { mode, ..Default::default() }).await;
    let writer = plain(&server).await;
    let mut stale = Vec::new();
    for i in 0..2_000i64 {
        writer.set("k", i).await.unwrap();
        c.ping().await.unwrap();
        let v = c.get::<i64>("k").await.unwrap();
        if v != i {
            stale.push((i, v));
        }
    }
    assert!(
        stale.is_empty(),
        "{} stale reads after write+ping, first: {:?}",
        stale.len(),
        &stale[..stale.len().min(5)]
    );
});

both!(events_report_invalidations_and_flushes, |server: common::Server| async move {
    use hearth::NearCacheEvent;
    let c = cached(&server, NearCacheConfig::default()).await;
    let mut events = c.near_cache_events().unwrap();
    let writer = plain(&server).await;
    writer.set("k", "1").await.unwrap();
    let _: String = c.get("k").await.unwrap();
    writer.set("k", "2").await.unwrap();
    let e = tokio::time::timeout(Duration::from_secs(5), events.next()).await.unwrap().unwrap();
    assert_eq!(e, NearCacheEvent::Invalidated { keys: vec!["k".into()], local: false });
    c.set("mine", "x").await.unwrap();
    let e = tokio::time::timeout(Duration::from_secs(5), events.next()).await.unwrap().unwrap();
    assert_eq!(e, NearCacheEvent::Invalidated { keys: vec!["mine".into()], local: true });
    writer.flushall().await.unwrap();
    let e = tokio::time::timeout(Duration::from_secs(5), events.next()).await.unwrap().unwrap();
    assert_eq!(e, NearCacheEvent::Flushed);
});

both!(blocking_pops_drop_local_copies, |server: common::Server| async move {
    let c = cached(&server, NearCacheConfig::default()).await;
    if !common::supports(&c, "blpop").await {
        return;
    }
    c.rpush("q", ["a", "b"]).await.unwrap();
    assert_eq!(c.lrange::<Vec<String>>("q", 0, -1).await.unwrap(), ["a", "b"]);
    assert_eq!(c.lrange::<Vec<String>>("q", 0, -1).await.unwrap(), ["a", "b"]);
    let popped = c.blpop::<_, String>(&["q"], Duration::from_secs(1)).await.unwrap();
    assert_eq!(popped, Some(("q".to_string(), "a".to_string())));
    assert_eq!(c.lrange::<Vec<String>>("q", 0, -1).await.unwrap(), ["b"], "read-your-writes after a blocking pop");
});

both!(opt_in_stale_mode_serves_while_disconnected, |mut server: common::Server| async move {
    let c = Client::builder(&server.url())
        .near_cache(NearCacheConfig::default())
        .near_cache_serve_stale(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(1))
        .reconnect_backoff(Duration::from_millis(5), Duration::from_millis(50))
        .connect()
        .await
        .unwrap();
    c.set("k", "v").await.unwrap();
    assert_eq!(c.get::<String>("k").await.unwrap(), "v");
    server.stop();
    assert!(c.ping().await.is_err(), "the client has seen the disconnect");
    assert_eq!(c.get::<String>("k").await.unwrap(), "v", "served from memory while down");
    assert_eq!(stats(&c).stale_hits, 1);
    server.restart();
    c.ping().await.unwrap();
    assert_eq!(c.get::<Option<String>>("k").await.unwrap(), None, "dropped once reconnected");
});

both!(clear_near_cache_drops_local_copies_only, |server: common::Server| async move {
    let c = cached(&server, NearCacheConfig::default()).await;
    c.set("k", "v").await.unwrap();
    let _: String = c.get("k").await.unwrap();
    assert_eq!(stats(&c).keys, 1);
    c.clear_near_cache();
    assert_eq!(stats(&c).keys, 0);
    assert_eq!(c.get::<String>("k").await.unwrap(), "v");
    assert_eq!(stats(&c).misses, 2);
});

both!(
    server_tracking_table_limit_is_harmless,
    &["--tracking-table-max-keys", "10"],
    |server: common::Server| async move {
        let c = cached(&server, NearCacheConfig::default()).await;
        let writer = plain(&server).await;
        let keys: Vec<String> = (0..100).map(|i| format!("t{i}")).collect();
        let pairs: Vec<(String, i64)> = keys.iter().map(|k| (k.clone(), 1)).collect();
        writer.mset(&pairs).await.unwrap();
        for k in &keys {
            assert_eq!(c.get::<i64>(k).await.unwrap(), 1);
        }
        // The server evicted most keys from its tracking table, invalidating them
        // for us: whatever stayed cached is still invalidated by the next write.
        let pairs: Vec<(String, i64)> = keys.iter().map(|k| (k.clone(), 2)).collect();
        writer.mset(&pairs).await.unwrap();
        c.ping().await.unwrap();
        for k in &keys {
            assert_eq!(c.get::<i64>(k).await.unwrap(), 2, "{k}");
        }
        assert!(stats(&c).invalidations >= 90, "{:?}", stats(&c));
    }
);
