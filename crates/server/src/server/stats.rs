//! Server-wide counters for `INFO stats`, `INFO errorstats` and the slow log.
//! Per-command counters live in the command table itself.

use std::cell::RefCell;
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

/// Command counts not yet added to the shared counters. Counting a command
/// (`calls`, `usec`, `total_commands`) cost three atomic read-modify-writes,
/// about 5% of a pipelined GET; each thread now sums them and adds them once
/// per batch ([`flush_calls`]: the connection calls it after running a batch
/// and before writing its replies, so every command whose reply a client has
/// seen is counted; INFO and CONFIG RESETSTAT call it before reading or
/// clearing the counters).
struct PendingCalls {
    server: Option<&'static Stats>,
    total: u64,
    /// (command, calls, microseconds), a few distinct commands per batch.
    by_command: Vec<(&'static CommandStats, u64, u64)>,
}

/// Distinct commands held before a flush.
const PENDING_COMMANDS: usize = 16;

thread_local! {
    static PENDING: RefCell<PendingCalls> =
        const { RefCell::new(PendingCalls { server: None, total: 0, by_command: Vec::new() }) };
}

impl PendingCalls {
    fn flush(&mut self) {
        if let Some(server) = self.server.take() {
            Stats::incr_by(&server.total_commands, std::mem::take(&mut self.total));
        }
        for (command, calls, usec) in self.by_command.drain(..) {
            Stats::incr_by(&command.calls, calls);
            Stats::incr_by(&command.usec, usec);
        }
    }
}

/// Counts one call of a command that took `micros` (see [`PendingCalls`]).
pub fn record_call(server: &'static Stats, command: &'static CommandStats, micros: u64) {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        let mut at = p.by_command.iter().position(|e| std::ptr::eq(e.0, command));
        let other_server = p.server.is_some_and(|s| !std::ptr::eq(s, server));
        if other_server || (at.is_none() && p.by_command.len() == PENDING_COMMANDS) {
            p.flush();
            at = None;
        }
        p.server = Some(server);
        p.total += 1;
        match at {
            Some(i) => {
                p.by_command[i].1 += 1;
                p.by_command[i].2 += micros;
            }
            None => p.by_command.push((command, 1, micros)),
        }
    });
}

/// Adds this thread's pending command counts to the shared counters.
pub fn flush_calls() {
    PENDING.with(|p| {
        if let Ok(mut p) = p.try_borrow_mut() {
            p.flush();
        }
    });
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

#[cfg(test)]
mod tests {
    use super::*;

    fn leaked<T: Default>() -> &'static T {
        Box::leak(Box::default())
    }

    #[test]
    fn pending_calls_reach_the_counters_on_flush_and_when_full() {
        let server: &'static Stats = leaked();
        let get: &'static CommandStats = leaked();
        record_call(server, get, 3);
        record_call(server, get, 4);
        assert_eq!(get.calls.load(Ordering::Relaxed), 0, "held until the batch ends");
        flush_calls();
        assert_eq!((get.calls.load(Ordering::Relaxed), get.usec.load(Ordering::Relaxed)), (2, 7));
        assert_eq!(server.total_commands.load(Ordering::Relaxed), 2);
        // More distinct commands than are held: the oldest are flushed, none lost.
        let many: Vec<&'static CommandStats> = (0..PENDING_COMMANDS * 2 + 1).map(|_| leaked()).collect();
        for c in &many {
            record_call(server, c, 1);
        }
        flush_calls();
        assert!(many.iter().all(|c| c.calls.load(Ordering::Relaxed) == 1));
        assert_eq!(server.total_commands.load(Ordering::Relaxed), 2 + many.len() as u64);
        // Another server's calls are not added to the first one's total.
        let other: &'static Stats = leaked();
        record_call(server, get, 1);
        record_call(other, get, 1);
        flush_calls();
        assert_eq!(server.total_commands.load(Ordering::Relaxed), 3 + many.len() as u64);
        assert_eq!(other.total_commands.load(Ordering::Relaxed), 1);
        assert_eq!(get.calls.load(Ordering::Relaxed), 4);
    }
}
