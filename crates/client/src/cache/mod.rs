//! The near cache: replies to reads kept in the client's memory, dropped the
//! moment the server says the key changed (DESIGN.md section 8).
//!
//! This module owns the configuration ([`NearCacheConfig`]), the statistics
//! ([`NearCacheStats`]) and the state machine of one cache ([`NearCache`] in
//! `table.rs`). It does no I/O: the connection layer feeds it invalidation
//! pushes, disconnects and replies, in the order they came off the socket.
//!
//! Correctness rests on three rules:
//!
//! - a miss registers a *pending* read **before** its request is queued, so
//!   an invalidation that arrives before the reply marks it *doomed*: the
//!   reply still goes to the callers but is not cached;
//! - replies are applied by the connection's reader task, in socket order
//!   with the invalidation pushes, never later by the calling task;
//! - anything that makes the invalidation stream incomplete (disconnect,
//!   protocol error, a null invalidation) drops the whole cache first.

mod clock;
mod table;

use std::time::Duration;

pub(crate) use clock::{Clock, SystemClock};
pub(crate) use table::{Begin, NearCache, Read};

/// How the server tells the client what changed (`CLIENT TRACKING` modes).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum TrackingMode {
    /// The server remembers which keys this connection read and invalidates
    /// exactly those (`CLIENT TRACKING on`). Costs server memory per key.
    #[default]
    Default,
    /// The server invalidates every key starting with one of `prefixes`,
    /// read or not (`CLIENT TRACKING on BCAST PREFIX ...`). No server memory
    /// per key; only keys under the prefixes are cached. An empty list means
    /// every key.
    Bcast {
        /// Key prefixes to cache and be told about.
        prefixes: Vec<String>,
    },
}

/// Near cache settings, given to [`crate::ClientBuilder::near_cache`].
///
/// ```
/// use std::time::Duration;
/// use hearth::{NearCacheConfig, TrackingMode};
///
/// let config = NearCacheConfig {
///     max_bytes: 16 << 20,
///     max_entries: 50_000,
///     max_ttl: Duration::from_secs(30),
///     mode: TrackingMode::Bcast { prefixes: vec!["user:".into()] },
/// };
/// assert!(config.max_entries > 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearCacheConfig {
    /// Upper bound on the bytes of cached replies (keys and values, with a
    /// small per-entry overhead). Default 64 MiB.
    pub max_bytes: u64,
    /// Upper bound on the number of cached replies. Default 100,000.
    pub max_entries: usize,
    /// No reply is kept longer than this, even if the key has no TTL on the
    /// server; a key's own TTL is honoured when shorter. Default 60 s.
    pub max_ttl: Duration,
    /// Tracking mode. Default [`TrackingMode::Default`].
    pub mode: TrackingMode,
}

impl Default for NearCacheConfig {
    fn default() -> Self {
        NearCacheConfig {
            max_bytes: 64 << 20,
            max_entries: 100_000,
            max_ttl: Duration::from_secs(60),
            mode: TrackingMode::Default,
        }
    }
}

/// Something that dropped cached replies, from
/// [`crate::Client::near_cache_events`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NearCacheEvent {
    /// The server said these keys changed (`local: false`), or this client
    /// wrote them (`local: true`). Keys never cached are included: the
    /// server may not know what this client still holds.
    Invalidated {
        /// The keys.
        keys: Vec<bytes::Bytes>,
        /// Whether the write was this client's own.
        local: bool,
    },
    /// Everything was dropped: a flush on the server, a disconnect, a
    /// protocol error, or [`crate::Client::clear_near_cache`].
    Flushed,
}

/// Counters of one near cache, from [`crate::Client::near_cache_stats`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NearCacheStats {
    /// Reads answered from local memory.
    pub hits: u64,
    /// Reads that went to the server (each sent one request).
    pub misses: u64,
    /// Reads that waited for another task's identical in-flight request
    /// instead of sending their own (single flight).
    pub coalesced: u64,
    /// Cached replies dropped because the server said their key changed.
    pub invalidations: u64,
    /// Cached replies dropped by this client's own writes (read-your-writes).
    pub local_invalidations: u64,
    /// Replies not cached because an invalidation overtook them.
    pub doomed: u64,
    /// Cached replies dropped by the size bounds.
    pub evictions: u64,
    /// Times the whole cache was dropped (disconnect, flush, protocol error).
    pub flushes: u64,
    /// Reads served while disconnected, in the opt-in stale mode
    /// ([`crate::ClientBuilder::near_cache_serve_stale`]).
    pub stale_hits: u64,
    /// Bytes currently held.
    pub bytes: u64,
    /// Keys currently holding at least one cached reply.
    pub keys: u64,
}
