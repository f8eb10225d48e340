//! Server-wide counters for `INFO stats`, `INFO errorstats` and the slow log.
//! Per-command counters live in the command table itself.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use parking_lot::Mutex;

/// Monotonic counters, all relaxed.
#[derive(Default)]
#[allow(missing_docs)]
pub struct Stats {
    pub total_connections: AtomicU64,
    pub rejected_connections: AtomicU64,
    pub total_commands: AtomicU64,
    pub net_input_bytes: AtomicU64,
    pub net_output_bytes: AtomicU64,
    pub keyspace_hits: AtomicU64,
    pub keyspace_misses: AtomicU64,
    pub total_error_replies: AtomicU64,
    pub unexpected_error_replies: AtomicU64,
    pub pubsub_messages: AtomicU64,
    pub client_output_limit_disconnections: AtomicU64,
    pub client_query_limit_disconnections: AtomicU64,
    /// The highest used_memory seen (cron, every tick, and INFO); not
    /// reset by CONFIG RESETSTAT.
    pub peak_memory: AtomicU64,
    errors: Mutex<HashMap<String, u64>>,
}

impl Stats {
    /// Adds one to a counter.
    pub fn incr(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds `n` to a counter.
    pub fn incr_by(c: &AtomicU64, n: u64) {
        c.fetch_add(n, Ordering::Relaxed);
    }

    /// Records a used_memory reading; returns the peak so far.
    pub fn note_used_memory(&self, used: u64) -> u64 {
        self.peak_memory.fetch_max(used, Ordering::Relaxed).max(used)
    }

    /// Counts an error reply by its prefix (`ERR`, `WRONGTYPE`, ...).
    pub fn count_error(&self, text: &[u8]) {
        Self::incr(&self.total_error_replies);
        let prefix = text.split(|b| *b == b' ').next().unwrap_or_default();
        let prefix = String::from_utf8_lossy(prefix).into_owned();
        *self.errors.lock().entry(prefix).or_default() += 1;
    }

    /// Error counts by prefix, sorted.
    pub fn error_counts(&self) -> Vec<(String, u64)> {
        let mut v: Vec<_> = self.errors.lock().iter().map(|(k, v)| (k.clone(), *v)).collect();
        v.sort();
        v
    }

    /// CONFIG RESETSTAT.
    pub fn reset(&self) {
        for c in [
            &self.total_connections,
            &self.rejected_connections,
            &self.total_commands,
            &self.net_input_bytes,
            &self.net_output_bytes,
            &self.keyspace_hits,
            &self.keyspace_misses,
            &self.total_error_replies,
            &self.unexpected_error_replies,
            &self.pubsub_messages,
            &self.client_output_limit_disconnections,
            &self.client_query_limit_disconnections,
        ] {
            c.store(0, Ordering::Relaxed);
        }
        self.errors.lock().clear();
    }
}

/// Per-command counters (`INFO commandstats`).
#[derive(Default, Debug)]
#[allow(missing_docs)]
pub struct CommandStats {
    pub calls: AtomicU64,
    pub usec: AtomicU64,
    pub rejected: AtomicU64,
    pub failed: AtomicU64,
}

impl CommandStats {
    /// Zeroed counters (const, for the static command table).
    pub const fn new() -> Self {
        CommandStats {
            calls: AtomicU64::new(0),
            usec: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            failed: AtomicU64::new(0),
        }
    }

    /// Clears the counters.
    pub fn reset(&self) {
        for c in [&self.calls, &self.usec, &self.rejected, &self.failed] {
            c.store(0, Ordering::Relaxed);
        }
    }
}

/// One slow log record.
#[derive(Debug, Clone)]
pub struct SlowEntry {
    /// Unique, increasing id.
    pub id: u64,
    /// Unix seconds when the command ran.
    pub time: i64,
    /// Duration in microseconds.
    pub micros: u64,
    /// Arguments (at most 32, each at most 128 bytes, as Redis trims them).
    pub args: Vec<Bytes>,
    /// Client address.
    pub addr: String,
    /// Client name.
    pub name: Bytes,
}

/// The slow log.
#[derive(Default)]
pub struct SlowLog {
    entries: Mutex<VecDeque<SlowEntry>>,
    next_id: AtomicU64,
}

impl SlowLog {
    /// Records an entry, keeping at most `max` of them.
    pub fn push(&self, mut e: SlowEntry, max: usize) {
        e.id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut q = self.entries.lock();
        q.push_front(e);
        q.truncate(max);
    }

    /// Newest first, at most `count` (all when None).
    pub fn get(&self, count: Option<usize>) -> Vec<SlowEntry> {
        let q = self.entries.lock();
        q.iter().take(count.unwrap_or(q.len())).cloned().collect()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.lock().len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// SLOWLOG RESET.
    pub fn reset(&self) {
        self.entries.lock().clear();
    }
}
