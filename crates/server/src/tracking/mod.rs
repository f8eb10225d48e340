//! Server-assisted client-side caching (CLIENT TRACKING), Redis semantics.
//!
//! Two tables, both keyed by key *name* only (Redis tracks names across
//! databases: a write to `k` in db 2 invalidates readers of `k` in db 0):
//!
//! - the default-mode table, sharded like the keyspace (`shard_of`): key ->
//!   ids of clients that read it. A read registers under its data shard
//!   lock (dispatch calls [`Tracking::remember`] before releasing the
//!   command's locks) and a write invalidates under its data shard lock
//!   (the shard write path calls [`on_write`]), so a read and a write of
//!   the same key are ordered by the same lock; lock order is always data
//!   shard -> tracking shard -> inbox.
//! - the BCAST prefix table: prefix -> clients. Keys written by one command
//!   are collected per thread and sent as one push per client when the
//!   command ends ([`flush_broadcasts`]).
//!
//! Invalidations are posted to the tracking client's inbox (or its
//! REDIRECT target's), never written to a socket here; the receiving
//! connection appends them between commands, which gives the ordering
//! guarantees described in ARCHITECTURE.md.

mod deliver;
mod lock;
mod readers;
mod state;
mod table;

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::OnceLock;

use bytes::Bytes;
use parking_lot::Mutex;

use crate::conn::registry::ClientRegistry;
use crate::keyspace::{hash_key, shard_of, SHARDS};

pub use deliver::Delivery;
use lock::SpinMutex;
pub use state::{TrackingMode, TrackingState};
use table::TrackedKeys;

/// A BCAST registration: prefix -> clients.
#[derive(Default)]
struct Prefixes {
    by_prefix: Vec<(Bytes, Vec<u64>)>,
}

/// Where one shard's slots are ([`TrackedKeys::layout`]), published on
/// every change so that [`Tracking::prefetch`] needs no lock: two atomic
/// operations per key of a batch, for a hint, measured as a third of the
/// cost of tracking a read.
#[derive(Default)]
struct Layout {
    first: AtomicPtr<u8>,
    mask: AtomicUsize,
}

impl Layout {
    fn publish(&self, shard: &TrackedKeys) {
        let (first, mask) = shard.layout();
        self.mask.store(mask, Ordering::Relaxed);
        self.first.store(first.cast_mut(), Ordering::Relaxed);
    }
}

/// All tracking state of the server.
pub struct Tracking {
    shards: Box<[SpinMutex<TrackedKeys>]>,
    layouts: Box<[Layout]>,
    prefixes: Mutex<Prefixes>,
    keys: AtomicUsize,
    bcast_clients: AtomicUsize,
    /// Clients with tracking on (INFO `tracking_clients`).
    pub clients: AtomicUsize,
    max_keys: AtomicUsize,
    dead: Mutex<HashSet<u64>>,
    delivery: Delivery,
}

static TRACKING: OnceLock<&'static Tracking> = OnceLock::new();

thread_local! {
    /// The client whose command is running on this thread (for NOLOOP).
    static CURRENT: Cell<u64> = const { Cell::new(0) };
    /// Keys written by the running command (and the writer), for BCAST clients.
    static WRITTEN: RefCell<Vec<(Bytes, u64)>> = const { RefCell::new(Vec::new()) };
}

impl Tracking {
    /// Builds the tables and installs them as the process's tracking state
    /// (the keyspace's write path reaches them through [`on_write`]).
    pub fn install(registry: &'static ClientRegistry, max_keys: usize) -> &'static Tracking {
        let t: &'static Tracking = Box::leak(Box::new(Tracking {
            shards: (0..SHARDS).map(|_| SpinMutex::new(TrackedKeys::default())).collect(),
            layouts: (0..SHARDS).map(|_| Layout::default()).collect(),
            prefixes: Mutex::new(Prefixes::default()),
            keys: AtomicUsize::new(0),
            bcast_clients: AtomicUsize::new(0),
            clients: AtomicUsize::new(0),
            max_keys: AtomicUsize::new(max_keys),
            dead: Mutex::new(HashSet::new()),
            delivery: Delivery::new(registry),
        }));
        let _ = TRACKING.set(t);
        TRACKING.get().copied().unwrap_or(t)
    }

    /// Sets `tracking-table-max-keys` (0 = unlimited). A lower limit takes
    /// effect at once: the excess keys are dropped and invalidated before
    /// the next command, as Redis trims the table before every command.
    pub fn set_max_keys(&self, n: usize) {
        self.max_keys.store(n, Ordering::Relaxed);
        if n == 0 {
            return;
        }
        self.trim(n, 0, true);
    }

    /// (tracking_total_keys, tracking_total_items, tracking_total_prefixes).
    pub fn totals(&self) -> (usize, usize, usize) {
        let items = self.shards.iter().map(|s| s.lock().items()).sum();
        (self.keys.load(Ordering::Relaxed), items, self.prefixes.lock().by_prefix.len())
    }

    /// Starts fetching the table slots of keys about to be read (a
    /// pipelined batch, see [`crate::prefetch`]).
    pub fn prefetch(&self, hashes: &[u64]) {
        for &h in hashes {
            let layout = &self.layouts[shard_of(h)];
            let first = layout.first.load(Ordering::Relaxed);
            if !first.is_null() {
                let at = table::slot_address((first, layout.mask.load(Ordering::Relaxed)), h);
                // For write: the read adds itself to the slot's readers.
                crate::prefetch::cache_line_for_write(at);
                // And the next slot: a key not tracked yet is looked for
                // along its whole probe run, about two slots at this load.
                crate::prefetch::cache_line(at.wrapping_add(table::SLOT_BYTES));
            }
        }
    }

    /// Remembers that `client` read `keys`, given with their [`hash_key`]
    /// hashes (default mode). Called while the command still holds the
    /// keys' data shard locks.
    pub fn remember<'k>(&self, client: u64, keys: impl Iterator<Item = (&'k [u8], u64)>) {
        for (key, h) in keys {
            debug_assert_eq!(h, hash_key(key));
            let added = {
                let mut shard = self.shards[shard_of(h)].lock();
                let added = shard.remember(h, key, client);
                if added.key {
                    self.layouts[shard_of(h)].publish(&shard);
                }
                added
            };
            if added.key {
                self.keys.fetch_add(1, Ordering::Relaxed);
                self.enforce_limit(h);
            }
        }
    }

    /// `tracking-table-max-keys`: past the limit, drops tracked keys (from
    /// the shard just written, then its neighbours) and invalidates them,
    /// as Redis's trackingLimitUsedSlots does with random keys.
    fn enforce_limit(&self, near: u64) {
        let max = self.max_keys.load(Ordering::Relaxed);
        if max == 0 || self.keys.load(Ordering::Relaxed) <= max {
            return;
        }
        self.trim(max, shard_of(near), false);
    }

    /// Drops and invalidates tracked keys until at most `max` remain, shard
    /// by shard from `start`: with `drain`, every key of a shard before the
    /// next and as many as it takes; without, one key per shard in a single
    /// pass (the bounded work a read may add).
    fn trim(&self, max: usize, start: usize, drain: bool) {
        let (mut idx, mut empty_in_a_row) = (start, 0);
        // All shards empty in a row: the counter lags a concurrent removal.
        while self.keys.load(Ordering::Relaxed) > max && empty_in_a_row < SHARDS {
            let victim = self.shards[idx % SHARDS].lock().any();
            let found = victim.is_some();
            if let Some((h, k)) = victim {
                self.invalidate_hashed(h, &k, 0);
            }
            empty_in_a_row = if found { 0 } else { empty_in_a_row + 1 };
            if !(drain && found) {
                idx += 1;
            }
            if !drain && idx - start >= SHARDS {
                return;
            }
        }
    }

    /// Invalidates one key for its default-mode readers (not BCAST).
    fn invalidate_key(&self, key: &[u8], writer: u64) {
        self.invalidate_hashed(hash_key(key), key, writer);
    }

    fn invalidate_hashed(&self, hash: u64, key: &[u8], writer: u64) {
        let Some(readers) = self.shards[shard_of(hash)].lock().remove(hash, key) else {
            return;
        };
        self.keys.fetch_sub(1, Ordering::Relaxed);
        let keys = [Bytes::copy_from_slice(key)];
        for id in readers.to_vec() {
            self.delivery.invalidate(id, writer, Some(&keys));
        }
    }

    /// A client turned tracking on again: its reads from now on must not be
    /// swept with the entries of its previous session.
    pub fn revive(&self, client: u64) {
        self.dead.lock().remove(&client);
    }

    /// Registers BCAST prefixes for a client (`more`: it already had some).
    pub fn add_prefixes(&self, client: u64, prefixes: &[Bytes], more: bool) {
        let mut p = self.prefixes.lock();
        for prefix in prefixes {
            match p.by_prefix.iter_mut().find(|(q, _)| q == prefix) {
                Some((_, ids)) => ids.push(client),
                None => p.by_prefix.push((prefix.clone(), vec![client])),
            }
        }
        if !more {
            self.bcast_clients.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Forgets a client: BCAST prefixes now; its default-mode entries are
    /// swept from every shard by [`Tracking::sweep_dead`].
    pub fn forget(&self, client: u64, state: &TrackingState) {
        if state.mode == TrackingMode::Bcast {
            let mut p = self.prefixes.lock();
            for (_, ids) in p.by_prefix.iter_mut() {
                ids.retain(|i| *i != client);
            }
            p.by_prefix.retain(|(_, ids)| !ids.is_empty());
            self.bcast_clients.fetch_sub(1, Ordering::Relaxed);
        } else {
            self.dead.lock().insert(client);
        }
    }

    /// Removes forgotten clients from every default-mode shard (cron). A
    /// client that turned tracking on again is checked under each shard's
    /// lock, so its new reads (registered under that lock) are kept.
    pub fn sweep_dead(&self) {
        let dead = std::mem::take(&mut *self.dead.lock());
        if dead.is_empty() {
            return;
        }
        for shard in self.shards.iter() {
            let mut s = shard.lock();
            let dead: Vec<u64> = dead.iter().copied().filter(|id| !self.delivery.is_tracking(*id)).collect();
            if dead.is_empty() {
                continue;
            }
            let (keys, _) = s.remove_readers(&dead);
            self.keys.fetch_sub(keys, Ordering::Relaxed);
        }
    }

    /// A flush (FLUSHDB, FLUSHALL, SWAPDB): every tracking client gets the
    /// null invalidation and the default-mode table is emptied. Returns the
    /// push for the flushing client itself, which Redis 7.4 sends before
    /// the command's reply.
    pub fn flush_all(&self, flusher: u64) -> Option<hearth_resp::Frame> {
        for (shard, layout) in self.shards.iter().zip(self.layouts.iter()) {
            let mut s = shard.lock();
            // Exact counts: reads of other databases may register meanwhile.
            let keys = s.clear();
            layout.publish(&s);
            self.keys.fetch_sub(keys, Ordering::Relaxed);
        }
        self.delivery.invalidate_all(flusher)
    }

    /// One push per (prefix, client), keys sorted and unique as Redis's
    /// per-prefix rax yields them; NOLOOP clients skip keys they wrote.
    fn broadcast(&self, written: &[(Bytes, u64)]) {
        let mut sends: Vec<(u64, Vec<Bytes>)> = Vec::new();
        {
            let p = self.prefixes.lock();
            for (prefix, ids) in &p.by_prefix {
                let mut keys: Vec<&(Bytes, u64)> = written.iter().filter(|(k, _)| k.starts_with(prefix)).collect();
                if keys.is_empty() {
                    continue;
                }
                keys.sort_by(|a, b| a.0.cmp(&b.0));
                keys.dedup_by(|a, b| a.0 == b.0);
                let keys: Vec<Bytes> = keys.iter().map(|(k, _)| k.clone()).collect();
                sends.extend(ids.iter().map(|id| (*id, keys.clone())));
            }
        }
        for (id, keys) in sends {
            let own: Vec<Bytes> = written.iter().filter(|(_, w)| *w == id).map(|(k, _)| k.clone()).collect();
            self.delivery.invalidate_bcast(id, &keys, &own);
        }
    }
}

/// The write path's hook: `key` was changed by the running command (or by
/// expiry/eviction). Invalidates default-mode readers now and queues the key
/// for BCAST clients.
pub fn on_write(key: &[u8]) {
    let Some(t) = TRACKING.get() else { return };
    let writer = CURRENT.with(Cell::get);
    if t.keys.load(Ordering::Relaxed) > 0 {
        t.invalidate_key(key, writer);
    }
    if t.bcast_clients.load(Ordering::Relaxed) > 0 {
        WRITTEN.with(|w| w.borrow_mut().push((Bytes::copy_from_slice(key), writer)));
    }
}

/// Marks the client running commands on this thread (0 = none: cron).
pub fn set_current_client(id: u64) {
    CURRENT.with(|c| c.set(id));
}

/// Sends BCAST invalidations for the keys the finished command wrote, one
/// push per client.
pub fn flush_broadcasts() {
    let keys = WRITTEN.with(|w| std::mem::take(&mut *w.borrow_mut()));
    if keys.is_empty() {
        return;
    }
    if let Some(t) = TRACKING.get() {
        t.broadcast(&keys);
    }
}

/// The process's tracking state, once the server has installed it.
pub fn get() -> Option<&'static Tracking> {
    TRACKING.get().copied()
}
