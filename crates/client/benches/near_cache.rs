//! Near cache hit vs uncached `GET` over loopback, in the same run.
//!
//! ```sh
//! cargo bench -p hearth --bench near_cache
//! ```
//!
//! The server is `redis-server` when installed (a release build, so the
//! uncached baseline is not slowed by a debug server), else the workspace's
//! `hearth-server`; `HEARTH_BENCH_URL` points at any other. Targets (issue
//! 6): a hit <= 200 ns and >= 100x faster than an uncached `GET`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use hearth::{Client, NearCacheConfig};
use hearth_testkit::{ReferenceServer, TestServer};

enum Server {
    Redis(ReferenceServer),
    Hearth(TestServer),
    External(String),
}

impl Server {
    fn start() -> Server {
        if let Ok(url) = std::env::var("HEARTH_BENCH_URL") {
            return Server::External(url);
        }
        match ReferenceServer::start() {
            Some(s) => Server::Redis(s),
            None => Server::Hearth(TestServer::start()),
        }
    }

    fn url(&self) -> String {
        match self {
            Server::Redis(s) => s.url(),
            Server::Hearth(s) => s.url(),
            Server::External(u) => u.clone(),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Server::Redis(_) => "redis-server",
            Server::Hearth(_) => "hearth-server",
            Server::External(_) => "HEARTH_BENCH_URL",
        }
    }
}

/// Time `iters` sequential `GET`s on one task.
async fn gets(client: &Client, iters: u64) -> Duration {
    let t = Instant::now();
    for _ in 0..iters {
        black_box(client.get::<Option<Bytes>>("bench:key").await.expect("GET"));
    }
    t.elapsed()
}

fn bench(c: &mut Criterion) {
    let server = Server::start();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let (plain, cached) = rt.block_on(async {
        let plain = Client::open(&server.url()).await.expect("connect");
        plain.set("bench:key", "x".repeat(64)).await.expect("SET");
        let cached =
            Client::builder(&server.url()).near_cache(NearCacheConfig::default()).connect().await.expect("connect");
        cached.get::<Option<Bytes>>("bench:key").await.expect("warm the cache");
        (plain, cached)
    });
    let mut group = c.benchmark_group(format!("get_64b_{}", server.name()));
    group.bench_function("near_cache_hit", |b| b.iter_custom(|iters| rt.block_on(gets(&cached, iters))));
    group.bench_function("uncached_loopback", |b| b.iter_custom(|iters| rt.block_on(gets(&plain, iters))));
    group.finish();

    // One direct comparison for the log, from the same run.
    let (hit, miss) =
        rt.block_on(async { (gets(&cached, 200_000).await / 200_000, gets(&plain, 5_000).await / 5_000) });
    let stats = cached.near_cache_stats().expect("on");
    println!(
        "near cache hit {hit:?}, uncached GET {miss:?} ({}): {:.0}x; hits {} misses {}",
        server.name(),
        miss.as_secs_f64() / hit.as_secs_f64(),
        stats.hits,
        stats.misses
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
