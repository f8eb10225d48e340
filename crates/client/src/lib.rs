//! `hearth`: an async Rust client for Hearth and Redis, with a near cache
//! that is never stale and the caching patterns done right.
//!
//! - [`Client`] holds **one** multiplexed, pipelined connection (RESP3, or
//!   RESP2 when the server refuses `HELLO 3`) shared by every task and
//!   clone; replies are matched first-in, first-out, RESP3 pushes are routed
//!   to the near cache. It reconnects by itself with backoff.
//! - Typed methods for strings, keys, hashes, lists, sets and sorted sets,
//!   [`Client::cmd`] for anything else, [`Client::pipeline`],
//!   [`Client::multi`] and [`Client::subscribe`] (a [`Subscription`] stream on
//!   its own connection).
//! - The **near cache** ([`ClientBuilder::near_cache`]) keeps replies of
//!   `GET`, `MGET` (per key), `HGET`, `HGETALL`, `SMEMBERS`, ... in memory,
//!   invalidated by the server's `CLIENT TRACKING` pushes on the same
//!   connection; see the `cache` module docs for why it cannot serve a value
//!   older than a write it has been told about.
//! - [`patterns`]: cache-aside with single flight, write-through,
//!   write-behind, event-based invalidation, capped lists.
//!
//! Layers, from the socket up: `conn` (reader/writer tasks, handshake) ->
//! `client` (supervisor, request paths) -> `commands` (typed methods) ->
//! `patterns`. The codec is `hearth-resp`; this crate never depends on the
//! server.
//!
//! ```no_run
//! # async fn demo() -> hearth::Result<()> {
//! use hearth::{Client, NearCacheConfig};
//!
//! let client = Client::builder("redis://127.0.0.1:6379")
//!     .near_cache(NearCacheConfig::default())
//!     .connect()
//!     .await?;
//! client.set("user:1:name", "Ada").await?;
//! let name: Option<String> = client.get("user:1:name").await?; // from the server
//! let again: Option<String> = client.get("user:1:name").await?; // from memory
//! assert_eq!(name, again);
//! println!("{:?}", client.near_cache_stats());
//! # Ok(()) }
//! ```

mod blocking;
mod cache;
mod client;
mod cmd;
mod commands;
mod config;
mod conn;
mod error;
pub mod patterns;
mod pipeline;
mod pubsub;
mod value;

pub use cache::{NearCacheConfig, NearCacheEvent, NearCacheStats, TrackingMode};
pub use client::{Client, NearCacheEvents};
pub use cmd::{cmd, Cmd};
pub use commands::{Expiry, SetCondition, SetOptions, ToArgs};
pub use config::{ClientBuilder, Config, ConnectionInfo, ProtocolChoice};
pub use error::{Error, Result, ServerError};
pub use hearth_resp::{Frame, Protocol};
pub use pipeline::{Pipeline, Transaction};
pub use pubsub::{Message, Subscription};
pub use value::{FromFrame, ToArg};
