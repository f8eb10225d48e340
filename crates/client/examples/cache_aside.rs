//! Cache-aside in front of a slow function, with single flight.
//!
//! ```sh
//! cargo run -p hearth --example cache_aside -- redis://127.0.0.1:6379
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth::patterns::CacheAside;
use hearth::Client;

static CALLS: AtomicUsize = AtomicUsize::new(0);

/// The expensive thing being cached: a report that takes 300 ms to build.
async fn build_report(id: u32) -> Result<Option<String>, std::io::Error> {
    CALLS.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(Some(format!("report #{id}: 42 widgets sold")))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "redis://127.0.0.1:6379".into());
    let client = Client::open(&url).await?;
    client.del("report:7").await?;
    let reports = Arc::new(CacheAside::new(client).jitter(0.1).negative_ttl(Duration::from_secs(10)));

    // 100 requests arrive at once for a report nobody has cached yet.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let reports = reports.clone();
        tasks.push(tokio::spawn(async move {
            reports.get_or_load("report:7", Duration::from_secs(60), || build_report(7)).await
        }));
    }
    for t in tasks {
        t.await?.map_err(|e| e.to_string())?;
    }
    println!(
        "100 concurrent requests: {:?}, build_report called {} time(s)",
        started.elapsed(),
        CALLS.load(Ordering::SeqCst)
    );

    let started = Instant::now();
    let report = reports
        .get_or_load("report:7", Duration::from_secs(60), || build_report(7))
        .await
        .map_err(|e| e.to_string())?;
    println!("cached read: {:?} -> {}", started.elapsed(), report.unwrap_or_default());
    Ok(())
}
