//! Chat history with capped lists: each room keeps its newest 50 messages
//! for a day, appended with one round trip.
//!
//! ```sh
//! cargo run -p hearth --example chat_history -- redis://127.0.0.1:6379
//! ```

use std::time::Duration;

use hearth::patterns::{append_capped, recent};
use hearth::Client;

const KEEP: usize = 50;
const RETENTION: Duration = Duration::from_secs(24 * 3600);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "redis://127.0.0.1:6379".into());
    let client = Client::open(&url).await?;
    let room = "chat:room:rust";
    client.del(room).await?;

    let speakers = ["ada", "grace", "linus"];
    for i in 0..120 {
        let who = speakers[i % speakers.len()];
        let len = append_capped(&client, room, format!("{who}: message {i}"), KEEP, RETENTION).await?;
        if i % 40 == 0 {
            println!("after message {i}: {len} kept");
        }
    }
    println!("the last five of {} kept:", client.llen(room).await?);
    for line in recent::<String>(&client, room, 5).await? {
        println!("  {line}");
    }
    println!("expires in {} s", client.ttl(room).await?);
    Ok(())
}
