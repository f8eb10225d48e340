//! Write-behind: scores land in the cache at once and reach the "database"
//! (a slow, occasionally failing map) later, in batches.
//!
//! ```sh
//! cargo run -p hearth --example write_behind -- redis://127.0.0.1:6379
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use hearth::patterns::{WriteBehind, WriteBehindConfig};
use hearth::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "redis://127.0.0.1:6379".into());
    let client = Client::open(&url).await?;
    let database: Arc<Mutex<HashMap<Bytes, Bytes>>> = Default::default();
    let calls = Arc::new(AtomicUsize::new(0));

    let db = database.clone();
    let sink_calls = calls.clone();
    let config = WriteBehindConfig { batch_size: 200, retry_backoff: Duration::from_millis(5), ..Default::default() };
    let queue = WriteBehind::new(client.clone(), config, move |batch: Vec<(Bytes, Bytes)>| {
        let db = db.clone();
        let n = sink_calls.fetch_add(1, Ordering::SeqCst);
        async move {
            tokio::time::sleep(Duration::from_millis(20)).await; // a slow UPSERT
            if n % 4 == 1 {
                return Err("deadlock detected, retry");
            }
            db.lock().expect("not poisoned").extend(batch);
            Ok(())
        }
    });

    for i in 0..5_000u32 {
        queue.write(format!("score:{}", i % 1_000), i).await?;
    }
    println!("5000 writes acknowledged; score:999 in the cache = {:?}", client.get::<Option<u32>>("score:999").await?);
    let report = queue.flush().await;
    println!(
        "flushed: {} written, {} failed, {} sink calls, {:?}; database rows: {}",
        report.written,
        report.failed.len(),
        calls.load(Ordering::SeqCst),
        queue.stats(),
        database.lock().expect("not poisoned").len()
    );
    let report = queue.shutdown().await;
    println!("shutdown: {} more written", report.written);
    Ok(())
}
