//! Zipf(0.99) read-mostly workload, with and without the near cache, in one
//! run; prints throughput, the ratio, and the fraction of reads served from
//! local memory.
//!
//! ```sh
//! cargo bench -p hearth --bench zipf
//! HEARTH_BENCH_URL=redis://127.0.0.1:6379 HEARTH_ZIPF_SECS=10 cargo bench -p hearth --bench zipf
//! ```
//!
//! 10,000 keys of 64 bytes, 32 tasks on one client, 95% `GET` through the
//! measured client and 5% `SET` through a second client (another instance
//! of the application, so the near cache sees real invalidations). The
//! server is `HEARTH_BENCH_URL`, else `redis-server` if installed, else the
//! workspace's `hearth-server`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hearth::{Client, NearCacheConfig};
use hearth_testkit::{ReferenceServer, TestServer};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const KEYS: usize = 10_000;
const THETA: f64 = 0.99;
const TASKS: usize = 32;
const WRITE_PERCENT: u32 = 5;

/// Cumulative distribution of Zipf(THETA) over ranks 1..=KEYS.
fn zipf_cdf() -> Vec<f64> {
    let weights: Vec<f64> = (1..=KEYS).map(|r| 1.0 / (r as f64).powf(THETA)).collect();
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    weights
        .iter()
        .map(|w| {
            acc += w / total;
            acc
        })
        .collect()
}

fn sample(cdf: &[f64], rng: &mut SmallRng) -> usize {
    let u: f64 = rng.gen();
    cdf.partition_point(|&c| c < u).min(KEYS - 1)
}

struct Outcome {
    reads: u64,
    writes: u64,
    elapsed: Duration,
    local_fraction: f64,
}

async fn run(reader: Client, writer: Client, cdf: Arc<Vec<f64>>, secs: u64) -> Outcome {
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let writes = Arc::new(AtomicU64::new(0));
    let before = reader.near_cache_stats();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let (reader, writer, cdf) = (reader.clone(), writer.clone(), cdf.clone());
        let (stop, reads, writes) = (stop.clone(), reads.clone(), writes.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = SmallRng::seed_from_u64(t as u64);
            let value = Bytes::from(vec![b'v'; 64]);
            while !stop.load(Ordering::Relaxed) {
                let key = format!("zipf:{}", sample(&cdf, &mut rng));
                if rng.gen_range(0..100) < WRITE_PERCENT {
                    writer.set(key, value.clone()).await.expect("SET");
                    writes.fetch_add(1, Ordering::Relaxed);
                } else {
                    reader.get::<Option<Bytes>>(key).await.expect("GET");
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.expect("task");
    }
    let elapsed = started.elapsed();
    let reads = reads.load(Ordering::Relaxed);
    let local_fraction = match (before, reader.near_cache_stats()) {
        (Some(b), Some(a)) if reads > 0 => (a.hits - b.hits) as f64 / reads as f64,
        _ => 0.0,
    };
    Outcome { reads, writes: writes.load(Ordering::Relaxed), elapsed, local_fraction }
}

fn main() {
    let secs: u64 = std::env::var("HEARTH_ZIPF_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let (_keep, url, name): (Option<Box<dyn std::any::Any>>, String, &str) = match std::env::var("HEARTH_BENCH_URL") {
        Ok(url) => (None, url, "HEARTH_BENCH_URL"),
        Err(_) => match ReferenceServer::start() {
            Some(s) => {
                let url = s.url();
                (Some(Box::new(s)), url, "redis-server")
            }
            None => {
                let s = TestServer::start();
                let url = s.url();
                (Some(Box::new(s)), url, "hearth-server")
            }
        },
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let setup = Client::open(&url).await.expect("connect");
        let mut pipe = setup.pipeline();
        for k in 0..KEYS {
            pipe.push(hearth::cmd("SET").arg(format!("zipf:{k}")).arg(vec![b'v'; 64]));
        }
        pipe.execute().await.expect("load keys");
        let cdf = Arc::new(zipf_cdf());
        let plain = run(setup.clone(), setup.clone(), cdf.clone(), secs).await;
        let near = Client::builder(&url).near_cache(NearCacheConfig::default()).connect().await.expect("connect");
        let cached = run(near, setup.clone(), cdf, secs).await;
        let rate = |o: &Outcome| o.reads as f64 / o.elapsed.as_secs_f64();
        println!(
            "Zipf({THETA}) over {KEYS} keys, {TASKS} tasks, {WRITE_PERCENT}% writes, {secs}s each, server: {name}"
        );
        println!("  without near cache: {:>10.0} reads/s ({} writes)", rate(&plain), plain.writes);
        println!(
            "  with near cache:    {:>10.0} reads/s ({} writes), {:.1}% of reads served locally",
            rate(&cached),
            cached.writes,
            cached.local_fraction * 100.0
        );
        println!("  near/plain read throughput: {:.1}x", rate(&cached) / rate(&plain));
    });
}
