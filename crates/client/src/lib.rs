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
//!   `GET`, `MGET` (per key), `HGET`, `HMGET`, `HGETALL`, `SMEMBERS`,
//!   `LRANGE`, `ZRANGE`, `ZSCORE`, ... in memory, invalidated by the
//!   server's `CLIENT TRACKING` pushes on the same connection. What it
//!   guarantees (checked by a randomized test against Hearth and Redis):
//!   - once a write is acknowledged and this client has completed one
//!     round trip begun after it (any uncached command, e.g.
//!     [`Client::ping`]), it never serves the older value; its own writes
//!     are visible to it at once (read-your-writes);
//!   - per key, a task never reads a value older than one it already read;
//!   - nothing cached before a disconnect, a protocol error or a flush is
//!     served after it (unless [`ClientBuilder::near_cache_serve_stale`]
//!     is asked for).
//!
//!   How: a miss registers a *pending* read before its request is queued;
//!   replies are applied by the connection's reader task in socket order
//!   with the pushes, and an invalidation that overtakes a reply *dooms* it
//!   (returned, not cached); concurrent readers of one key share one request;
//!   the key's TTL comes in the same `MULTI`/`EXEC` as the value, capped by
//!   `max_ttl`; the whole cache goes on disconnect, protocol error or a null
//!   invalidation. Bounded by bytes and entries (`quick_cache`), with
//!   [`NearCacheStats`] and [`Client::near_cache_events`].
//! - Blocking commands ([`Client::blocking`], [`Client::blpop`]) run on a
//!   small pool of dedicated connections, never stalling the shared one.
//!   [`Client::dedicated`] opens a connection of one's own for `WATCH` and
//!   other connection state.
//! - [`patterns`]: cache-aside with single flight and stale-while-revalidate,
//!   write-through, write-behind, event-based invalidation, capped lists.
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
mod dedicated;
mod error;
pub mod patterns;
mod pipeline;
mod pubsub;
mod supervisor;
mod value;

pub use cache::{NearCacheConfig, NearCacheEvent, NearCacheStats, TrackingMode};
pub use client::{Client, NearCacheEvents};
pub use cmd::{cmd, Cmd};
pub use commands::{Expiry, SetCondition, SetOptions, ToArgs};
pub use config::{ClientBuilder, Config, ConnectionInfo, ProtocolChoice};
pub use dedicated::Dedicated;
pub use error::{Error, Result, ServerError};
pub use hearth_resp::{Frame, Protocol};
pub use pipeline::{Pipeline, Transaction};
pub use pubsub::{Message, Subscription};
pub use value::{FromFrame, ToArg};
