//! Caching patterns built on [`crate::Client`], so nobody hand-writes
//! stampede protection or a write-behind queue again.
//!
//! - [`CacheAside`]: `get_or_load` with single flight (one loader call per
//!   key across all tasks of the process), negative caching, TTL jitter,
//!   `get_or_refresh` for stale-while-revalidate; and
//!   `set_through` (write-through: the system of record first, then the
//!   cache, serialized per key with loads so the cache is never left newer
//!   than the record by this process).
//! - [`WriteBehind`]: the cache is written now, the system of record later,
//!   in batches, from a bounded queue with back-pressure, retries with
//!   backoff, `flush` and flush on shutdown; every acknowledged write is
//!   either written or reported failed.
//! - [`Invalidator`] / [`InvalidationListener`]: delete-and-publish, and a
//!   subscriber applying invalidations from a channel or from keyspace
//!   notifications.
//! - [`append_capped`]: the chat-history pattern (`RPUSH` + `LTRIM` +
//!   `PEXPIRE` in one round trip).
//!
//! The patterns use only the public client API; they own no connection.

mod cache_aside;
mod capped;
mod flight;
mod invalidation;
mod write_behind;

pub use cache_aside::{CacheAside, WriteThroughError};
pub use capped::{append_capped, recent};
pub use invalidation::{InvalidationListener, Invalidator};
pub use write_behind::{FailedWrite, FlushReport, WriteBehind, WriteBehindConfig, WriteBehindStats};
