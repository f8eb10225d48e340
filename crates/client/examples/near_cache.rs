//! The near cache at work: reads served from memory, invalidations printed
//! as the server sends them.
//!
//! ```sh
//! cargo run -p hearth --example near_cache -- redis://127.0.0.1:6379
//! ```

use std::time::{Duration, Instant};

use hearth::{Client, NearCacheConfig, NearCacheEvent};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "redis://127.0.0.1:6379".into());
    let cached = Client::builder(&url).near_cache(NearCacheConfig::default()).connect().await?;
    let other = Client::open(&url).await?; // another application instance

    let mut events = cached.near_cache_events().expect("near cache is on");
    tokio::spawn(async move {
        while let Some(event) = events.next().await {
            match event {
                NearCacheEvent::Invalidated { keys, local } => {
                    let keys: Vec<_> = keys.iter().map(|k| String::from_utf8_lossy(k).into_owned()).collect();
                    println!("  [invalidated {keys:?}{}]", if local { " by our own write" } else { "" });
                }
                NearCacheEvent::Flushed => println!("  [near cache flushed]"),
                _ => println!("  [{event:?}]"),
            }
        }
    });

    other.set("price:apple", "1.20").await?;
    for round in 0..3 {
        let t = Instant::now();
        let price: String = cached.get("price:apple").await?;
        println!("read {round}: {price} in {:?}", t.elapsed());
    }

    println!("another instance changes the price...");
    other.set("price:apple", "1.35").await?;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let price: String = cached.get("price:apple").await?;
    println!("read after the change: {price}");

    println!("our own write...");
    cached.set("price:apple", "1.40").await?;
    println!("read your write: {}", cached.get::<String>("price:apple").await?);

    println!("someone flushes the database...");
    other.flushall().await?;
    tokio::time::sleep(Duration::from_millis(50)).await;
    println!("after the flush: {:?}", cached.get::<Option<String>>("price:apple").await?);
    println!("{:?}", cached.near_cache_stats().expect("on"));
    Ok(())
}
