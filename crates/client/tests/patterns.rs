//! `hearth::patterns` against a real Hearth and a real Redis.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hearth::patterns::{
    append_capped, recent, CacheAside, InvalidationListener, Invalidator, WriteBehind, WriteBehindConfig,
    WriteThroughError,
};
use hearth::{Client, NearCacheConfig};

async fn client(server: &common::Server) -> Client {
    Client::builder(&server.url()).response_timeout(Duration::from_secs(10)).connect().await.expect("connect")
}

both!(single_flight_calls_the_loader_once_for_1000_concurrent_misses, |server: common::Server| async move {
    for near in [false, true] {
        let mut b = Client::builder(&server.url());
        if near {
            b = b.near_cache(NearCacheConfig::default());
        }
        let cache = Arc::new(CacheAside::new(b.connect().await.unwrap()));
        let key = format!("sf:{near}");
        let calls = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(tokio::sync::Barrier::new(1000));
        let mut tasks = Vec::new();
        for _ in 0..1000 {
            let (cache, calls, start, key) = (cache.clone(), calls.clone(), start.clone(), key.clone());
            tasks.push(tokio::spawn(async move {
                start.wait().await;
                cache
                    .get_or_load(&key, Duration::from_secs(60), || async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<_, std::io::Error>(Some("loaded".to_string()))
                    })
                    .await
                    .unwrap()
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().as_deref(), Some("loaded"));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1, "near cache: {near}");
        assert_eq!(cache.client().get::<Option<String>>(&key).await.unwrap().as_deref(), Some("loaded"));
    }
});

both!(loader_errors_are_shared_not_repeated, |server: common::Server| async move {
    let cache = Arc::new(CacheAside::new(client(&server).await));
    let calls = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let (cache, calls) = (cache.clone(), calls.clone());
        tasks.push(tokio::spawn(async move {
            cache
                .get_or_load::<String, _, _, _>("broken", Duration::from_secs(60), || async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Err(std::io::Error::other("database down"))
                })
                .await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap_err().to_string(), "database down");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(cache.client().exists("broken").await.unwrap(), 0, "errors are not cached");
});

both!(negative_caching_and_jitter, |server: common::Server| async move {
    let c = client(&server).await;
    let calls = AtomicUsize::new(0);
    let load = || async {
        calls.fetch_add(1, Ordering::SeqCst);
        Ok::<Option<String>, std::io::Error>(None)
    };
    let plain = CacheAside::new(c.clone());
    assert_eq!(plain.get_or_load("nothing", Duration::from_secs(60), load).await.unwrap(), None);
    assert_eq!(plain.get_or_load("nothing", Duration::from_secs(60), load).await.unwrap(), None);
    assert_eq!(calls.swap(0, Ordering::SeqCst), 2, "without negative caching every miss loads");
    let negative = CacheAside::new(c.clone()).negative_ttl(Duration::from_secs(30));
    assert_eq!(negative.get_or_load("nothing", Duration::from_secs(60), load).await.unwrap(), None);
    assert_eq!(negative.get_or_load("nothing", Duration::from_secs(60), load).await.unwrap(), None);
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the absence was cached");
    assert!(c.pttl("nothing").await.unwrap() <= 30_000);
    let jittered = CacheAside::new(c.clone()).jitter(0.5);
    for i in 0..20 {
        let key = format!("j{i}");
        jittered
            .get_or_load(&key, Duration::from_secs(100), || async { Ok::<_, std::io::Error>(Some(1)) })
            .await
            .unwrap();
        let ttl = c.pttl(&key).await.unwrap();
        assert!((49_000..=100_000).contains(&ttl), "{ttl}");
    }
});

both!(write_through_writes_the_record_first, |server: common::Server| async move {
    let cache = Arc::new(CacheAside::new(client(&server).await));
    let record = Arc::new(tokio::sync::Mutex::new(String::from("v0")));
    // A failing record write leaves the cache alone.
    cache
        .get_or_load("wt", Duration::from_secs(60), || async { Ok::<_, std::io::Error>(Some("v0".to_string())) })
        .await
        .unwrap();
    let err = cache
        .set_through("wt", "v1", Duration::from_secs(60), |_| async { Err::<(), _>(std::io::Error::other("refused")) })
        .await
        .unwrap_err();
    assert!(matches!(err, WriteThroughError::Record(_)));
    assert_eq!(cache.client().get::<String>("wt").await.unwrap(), "v0");
    // Loads racing writes never leave the cache older than the record.
    for round in 1..=100 {
        cache.client().del("wt").await.unwrap();
        let loader = {
            let (cache, record) = (cache.clone(), record.clone());
            tokio::spawn(async move {
                cache
                    .get_or_load("wt", Duration::from_secs(60), || async {
                        let v = record.lock().await.clone();
                        tokio::time::sleep(Duration::from_millis(1)).await;
                        Ok::<_, std::io::Error>(Some(v))
                    })
                    .await
                    .unwrap()
            })
        };
        let writer = {
            let (cache, record) = (cache.clone(), record.clone());
            tokio::spawn(async move {
                let value = format!("v{round}");
                cache
                    .set_through("wt", value, Duration::from_secs(60), |v: String| async move {
                        *record.lock().await = v;
                        Ok::<_, std::io::Error>(())
                    })
                    .await
                    .unwrap()
            })
        };
        loader.await.unwrap();
        writer.await.unwrap();
        let cached: String = cache.client().get("wt").await.unwrap();
        assert_eq!(cached, *record.lock().await, "round {round}");
    }
});

type Record = Arc<std::sync::Mutex<HashMap<Bytes, Bytes>>>;

fn recording_sink(
    record: Record,
    fail_every: usize,
) -> impl Fn(Vec<(Bytes, Bytes)>) -> std::future::Ready<Result<(), String>> {
    let calls = AtomicUsize::new(0);
    move |batch| {
        let n = calls.fetch_add(1, Ordering::SeqCst);
        if fail_every > 0 && n.is_multiple_of(fail_every) {
            return std::future::ready(Err("transient".to_string()));
        }
        record.lock().unwrap().extend(batch);
        std::future::ready(Ok(()))
    }
}

both!(write_behind_loses_nothing_across_flush_and_shutdown, |server: common::Server| async move {
    let c = client(&server).await;
    let record: Record = Default::default();
    let config = WriteBehindConfig {
        capacity: 64,
        batch_size: 50,
        retry_backoff: Duration::from_millis(1),
        ..Default::default()
    };
    // Every third sink call fails once: retries make up for it.
    let wb = WriteBehind::new(c.clone(), config.clone(), recording_sink(record.clone(), 3));
    for i in 0..2_000 {
        wb.write(format!("wb:{}", i % 500), i).await.unwrap();
    }
    let report = wb.flush().await;
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.written, 2_000);
    {
        let rec = record.lock().unwrap();
        assert_eq!(rec.len(), 500);
        for k in 0..500 {
            assert_eq!(rec[&Bytes::from(format!("wb:{k}"))], Bytes::from((1_500 + k).to_string()), "last write wins");
        }
    }
    assert_eq!(c.get::<i64>("wb:7").await.unwrap(), 1_507, "the cache was written at once");
    let s = wb.stats();
    assert_eq!((s.acknowledged, s.written, s.failed), (2_000, 2_000, 0));
    assert!(s.retries > 0);
    for i in 0..300 {
        wb.write(format!("late:{i}"), i).await.unwrap();
    }
    let report = wb.shutdown().await;
    assert_eq!(report.written, 300, "shutdown flushed");
    assert_eq!(record.lock().unwrap().len(), 800);
    // Dropping the handle drains too.
    let wb = WriteBehind::new(c.clone(), config, recording_sink(record.clone(), 0));
    for i in 0..100 {
        wb.write(format!("dropped:{i}"), i).await.unwrap();
    }
    drop(wb);
    for _ in 0..200 {
        if record.lock().unwrap().len() == 900 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(record.lock().unwrap().len(), 900);
});

both!(write_behind_reports_failures_and_applies_back_pressure, |server: common::Server| async move {
    let c = client(&server).await;
    let config = WriteBehindConfig {
        capacity: 10,
        batch_size: 5,
        max_retries: 2,
        retry_backoff: Duration::from_millis(1),
        ..Default::default()
    };
    let wb = WriteBehind::new(c.clone(), config, |_batch| async { Err::<(), _>("record unavailable") });
    for i in 0..40 {
        wb.write(format!("f:{i}"), i).await.unwrap();
    }
    let report = wb.flush().await;
    assert_eq!(report.written, 0);
    assert_eq!(report.failed.len(), 40, "every acknowledged write is reported");
    assert_eq!(report.failed[0].error, "record unavailable");
    assert_eq!(wb.stats().failed, 40);
    // Back-pressure: a slow sink holds writers to the queue's capacity.
    let in_sink = Arc::new(AtomicUsize::new(0));
    let seen = in_sink.clone();
    let config = WriteBehindConfig { capacity: 10, batch_size: 5, linger: Duration::ZERO, ..Default::default() };
    let slow = Arc::new(WriteBehind::new(c.clone(), config, move |batch| {
        let seen = seen.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            seen.fetch_add(batch.len(), Ordering::SeqCst);
            Ok::<(), String>(())
        }
    }));
    let writer = {
        let slow = slow.clone();
        tokio::spawn(async move {
            for i in 0..60 {
                slow.write(format!("bp:{i}"), i).await.unwrap();
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let s = slow.stats();
    assert!(s.acknowledged - in_sink.load(Ordering::SeqCst) as u64 <= 10 + 5 * 2, "bounded: {s:?}");
    assert!(s.acknowledged < 60, "the writer is held back: {s:?}");
    writer.await.unwrap();
    assert_eq!(slow.flush().await.written, 60);
});

both!(invalidator_deletes_then_announces, |server: common::Server| async move {
    let c = client(&server).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _listener = InvalidationListener::listen(&c, "inv", move |key| {
        let _ = tx.send(key);
    })
    .await
    .unwrap();
    c.mset(&[("a", "1"), ("b", "2")]).await.unwrap();
    let inv = Invalidator::new(c.clone(), "inv");
    assert_eq!(inv.invalidate(["a", "b", "c"]).await.unwrap(), 2);
    assert_eq!(c.exists(["a", "b"]).await.unwrap(), 0);
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(rx.recv().await.unwrap());
    }
    assert_eq!(got, [Bytes::from("a"), Bytes::from("b"), Bytes::from("c")]);
});

both!(keyspace_listener_sees_changes, |server: common::Server| async move {
    let c = client(&server).await;
    InvalidationListener::enable_keyspace_events(&c).await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _listener = InvalidationListener::listen_keyspace(&c, 0, "user:*", move |key| {
        let _ = tx.send(key);
    })
    .await
    .unwrap();
    c.set("order:1", "x").await.unwrap();
    c.set("user:1", "ada").await.unwrap();
    c.del("user:1").await.unwrap();
    assert_eq!(rx.recv().await.unwrap(), Bytes::from("user:1"));
    assert_eq!(rx.recv().await.unwrap(), Bytes::from("user:1"));
});

both!(capped_list_keeps_the_newest_items, |server: common::Server| async move {
    let c = client(&server).await;
    if !common::supports(&c, "ltrim").await {
        return;
    }
    for i in 0..150 {
        let len = append_capped(&c, "chat", format!("m{i}"), 100, Duration::from_secs(3600)).await.unwrap();
        assert_eq!(len, (i + 1).min(100));
    }
    assert_eq!(c.llen("chat").await.unwrap(), 100);
    let last: Vec<String> = recent(&c, "chat", 3).await.unwrap();
    assert_eq!(last, ["m147", "m148", "m149"]);
    let ttl = c.pttl("chat").await.unwrap();
    assert!(ttl > 3_500_000 && ttl <= 3_600_000, "{ttl}");
    assert!(append_capped(&c, "chat", "x", 0, Duration::from_secs(1)).await.is_err());
});

both!(stale_while_revalidate_serves_stale_and_refreshes_once, |server: common::Server| async move {
    let cache = Arc::new(CacheAside::new(client(&server).await).stale_while_revalidate(Duration::from_secs(5)));
    let calls = Arc::new(AtomicUsize::new(0));
    let load = |value: &'static str| {
        let calls = calls.clone();
        move || async move {
            calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
            Ok::<_, std::io::Error>(Some(value.to_string()))
        }
    };
    let ttl = Duration::from_millis(200);
    assert_eq!(cache.get_or_refresh("swr", ttl, load("v1")).await.unwrap().as_deref(), Some("v1"));
    assert_eq!(cache.get_or_refresh("swr", ttl, load("unused")).await.unwrap().as_deref(), Some("v1"), "fresh");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Past the TTL, inside the window: stale value at once, one refresh.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (cache, load) = (cache.clone(), load("v2"));
        tasks.push(tokio::spawn(async move { cache.get_or_refresh("swr", ttl, load).await.unwrap() }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().as_deref(), Some("v1"));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one background refresh for 20 stale reads");
    assert_eq!(cache.get_or_refresh("swr", ttl, load("unused")).await.unwrap().as_deref(), Some("v2"));
});
