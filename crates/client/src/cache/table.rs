//! [`NearCache`]: cached replies plus the table of reads in flight.
//!
//! Cached replies live in a `quick_cache` store keyed by the *Redis key*;
//! each store entry holds every cached reply of that key (`GET k`,
//! `HGET k f1`, `HGET k f2`, ...), so one invalidation or one eviction drops
//! them together and no separate key index can drift out of date.
//!
//! Reads in flight are [`Lease`]s in the pending table. The state machine of
//! one read is:
//!
//! ```text
//!   begin ──> Pending ──complete──> cached (or not, if the key has no TTL left)
//!                │ invalidate/flush
//!                v
//!             Doomed ──complete──> reply returned, nothing cached
//! ```
//!
//! A second reader of the same command and key joins a live pending read
//! (single flight) but never a doomed one: a doomed reply may predate the
//! write that doomed it, so a reader that started after the invalidation
//! sends its own request. Every change to the store happens under the table
//! lock, so an invalidation can never slip between "still pending?" and
//! "insert". The hit path takes no lock of ours.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hashbrown::HashMap;
use hearth_resp::Frame;
use parking_lot::Mutex;
use quick_cache::sync::Cache;
use quick_cache::{DefaultHashBuilder, Lifecycle, OptionsBuilder, Weighter};
use tokio::sync::{broadcast, oneshot};

use super::{Clock, NearCacheConfig, NearCacheEvent, NearCacheStats, TrackingMode};
use crate::cmd::Cmd;
use crate::error::{Error, Result};

/// Bookkeeping bytes charged per cached reply and per key, so that many tiny
/// replies cannot hide behind `max_bytes`.
const READ_OVERHEAD: u64 = 48;
const KEY_OVERHEAD: u64 = 64;

/// Events kept for a slow [`NearCache::subscribe`] receiver before it lags.
const EVENT_BUFFER: usize = 1024;

/// One cacheable read: a command whose only key is `key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Read {
    pub(crate) name: &'static str,
    pub(crate) key: Bytes,
    pub(crate) extra: Vec<Bytes>,
}

impl Read {
    pub(crate) fn new(name: &'static str, key: Bytes) -> Read {
        Read { name, key, extra: Vec::new() }
    }

    pub(crate) fn with(name: &'static str, key: Bytes, extra: Vec<Bytes>) -> Read {
        Read { name, key, extra }
    }

    /// The command as sent to the server.
    pub(crate) fn to_cmd(&self) -> Cmd {
        let mut c = Cmd::new(self.name);
        c.push(self.key.clone());
        for a in &self.extra {
            c.push(a.clone());
        }
        c
    }

    fn is(&self, name: &str, extra: &[Bytes]) -> bool {
        self.name == name && self.extra == extra
    }
}

#[derive(Clone)]
struct Cached {
    name: &'static str,
    extra: Vec<Bytes>,
    value: Frame,
    expires_at: Instant,
    bytes: u64,
}

/// All cached replies of one Redis key.
struct KeyEntry {
    reads: Vec<Cached>,
    bytes: u64,
}

/// Weight = bytes, but at least `floor` per reply, so `max_bytes` also
/// bounds the number of replies at `max_entries`.
#[derive(Clone)]
struct EntryWeight {
    floor: u64,
}

impl Weighter<Bytes, Arc<KeyEntry>> for EntryWeight {
    fn weight(&self, _key: &Bytes, entry: &Arc<KeyEntry>) -> u64 {
        entry.bytes.max(self.floor * entry.reads.len() as u64).max(1)
    }
}

/// Collects what an insert evicted, to be accounted for after it.
#[derive(Clone, Default)]
struct CollectEvicted;

impl Lifecycle<Bytes, Arc<KeyEntry>> for CollectEvicted {
    type RequestState = Vec<Arc<KeyEntry>>;

    fn begin_request(&self) -> Self::RequestState {
        Vec::new()
    }

    fn on_evict(&self, state: &mut Self::RequestState, _key: Bytes, entry: Arc<KeyEntry>) {
        state.push(entry);
    }
}

type Store = Cache<Bytes, Arc<KeyEntry>, EntryWeight, DefaultHashBuilder, CollectEvicted>;
type Waiter = oneshot::Sender<Result<Frame>>;

struct Pending {
    id: u64,
    name: &'static str,
    extra: Vec<Bytes>,
    doomed: bool,
    waiters: Vec<Waiter>,
}

#[derive(Default)]
struct Table {
    pending: HashMap<Bytes, Vec<Pending>>,
    next_id: u64,
    bytes: u64,
}

impl Table {
    fn take(&mut self, key: &[u8], id: u64) -> Option<Pending> {
        let list = self.pending.get_mut(key)?;
        let i = list.iter().position(|p| p.id == id)?;
        let p = list.swap_remove(i);
        if list.is_empty() {
            self.pending.remove(key);
        }
        Some(p)
    }
}

#[derive(Default)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    coalesced: AtomicU64,
    invalidations: AtomicU64,
    local_invalidations: AtomicU64,
    doomed: AtomicU64,
    evictions: AtomicU64,
    flushes: AtomicU64,
    stale_hits: AtomicU64,
}

fn bump(c: &AtomicU64, n: u64) {
    c.fetch_add(n, Ordering::Relaxed);
}

/// What a reader should do after [`NearCache::begin`].
pub(crate) enum Begin {
    /// Served locally.
    Hit(Frame),
    /// Another task's identical request is in flight: wait for its reply.
    Wait(oneshot::Receiver<Result<Frame>>),
    /// Send the request, then hand the reply to [`NearCache::complete`].
    Lead(Lease),
    /// Not cacheable now (disconnected, or outside the BCAST prefixes):
    /// send a plain request.
    Bypass,
}

/// The right (and duty) to complete one pending read. Dropping it without
/// completing (the request never got a reply) releases the waiters with an
/// error.
pub(crate) struct Lease {
    cache: Arc<NearCache>,
    key: Bytes,
    id: u64,
    name: &'static str,
    extra: Vec<Bytes>,
    done: bool,
    /// When the read began: its TTL counts from here, never from the
    /// reply's arrival, so the entry cannot outlive the key on the server.
    started: Instant,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if !self.done {
            let pending = self.cache.table.lock().take(&self.key, self.id);
            let err = Error::Disconnected("the connection closed before the reply".into());
            for w in pending.map(|p| p.waiters).unwrap_or_default() {
                let _ = w.send(Err(err.clone()));
            }
        }
    }
}

/// One client's near cache.
pub(crate) struct NearCache {
    store: Store,
    table: Mutex<Table>,
    connected: AtomicBool,
    /// Opt-in: how long replies cached before a disconnect may still be
    /// served while it lasts.
    stale_window: Option<Duration>,
    /// When the current disconnect began (stale mode only).
    disconnected_at: Mutex<Option<Instant>>,
    max_ttl: Duration,
    prefixes: Option<Vec<Bytes>>,
    clock: Arc<dyn Clock>,
    counters: Counters,
    events: broadcast::Sender<NearCacheEvent>,
}

impl NearCache {
    pub(crate) fn new(config: &NearCacheConfig, clock: Arc<dyn Clock>) -> NearCache {
        let max_entries = config.max_entries.max(1) as u64;
        let max_bytes = config.max_bytes.max(1);
        let options = OptionsBuilder::new()
            .estimated_items_capacity(max_entries as usize)
            .weight_capacity(max_bytes)
            .build()
            .expect("capacities are set");
        let weigher = EntryWeight { floor: (max_bytes / max_entries).max(1) };
        let prefixes = match &config.mode {
            TrackingMode::Default => None,
            TrackingMode::Bcast { prefixes } => Some(prefixes.iter().map(|p| Bytes::from(p.clone())).collect()),
        };
        NearCache {
            store: Cache::with_options(options, weigher, DefaultHashBuilder::default(), CollectEvicted),
            table: Mutex::new(Table::default()),
            connected: AtomicBool::new(false),
            stale_window: None,
            disconnected_at: Mutex::new(None),
            max_ttl: config.max_ttl,
            prefixes,
            clock,
            counters: Counters::default(),
            events: broadcast::channel(EVENT_BUFFER).0,
        }
    }

    fn cacheable(&self, key: &[u8]) -> bool {
        match &self.prefixes {
            None => true,
            Some(p) => p.is_empty() || p.iter().any(|p| key.starts_with(p)),
        }
    }

    fn lookup(&self, name: &str, key: &[u8], extra: &[Bytes]) -> Option<Frame> {
        let entry = self.store.get(key)?;
        let cached = entry.reads.iter().find(|c| c.name == name && c.extra == extra)?;
        if self.clock.now_upper_bound() >= cached.expires_at {
            return None;
        }
        Some(cached.value.clone())
    }

    /// The hit path: a cached, unexpired reply, or `None`. Takes no lock of
    /// ours; counts hits only.
    #[inline]
    pub(crate) fn get(&self, read: &Read) -> Option<Frame> {
        self.get_parts(read.name, &read.key, &read.extra)
    }

    /// [`NearCache::get`] for a read given by parts (a borrowed key: no
    /// copy of it on a hit).
    #[inline]
    pub(crate) fn get_parts(&self, name: &str, key: &[u8], extra: &[Bytes]) -> Option<Frame> {
        if !self.connected.load(Ordering::Acquire) {
            return self.get_stale(name, key, extra);
        }
        let value = self.lookup(name, key, extra)?;
        bump(&self.counters.hits, 1);
        Some(value)
    }

    /// While disconnected, in stale mode only: a reply cached before the
    /// disconnect, for at most the stale window.
    #[cold]
    fn get_stale(&self, name: &str, key: &[u8], extra: &[Bytes]) -> Option<Frame> {
        let window = self.stale_window?;
        let since = (*self.disconnected_at.lock())?;
        if self.clock.now() >= since + window {
            return None;
        }
        let value = self.lookup(name, key, extra)?;
        bump(&self.counters.stale_hits, 1);
        Some(value)
    }

    /// Opt-in "serve stale while disconnected": replies cached before a
    /// disconnect stay readable for `window` after it (counted as
    /// `stale_hits`); the cache is dropped when the connection comes back.
    pub(crate) fn serve_stale_for(mut self, window: Duration) -> NearCache {
        self.stale_window = Some(window);
        self
    }

    /// Starts a read that [`NearCache::get`] could not serve.
    pub(crate) fn begin(self: &Arc<Self>, read: &Read) -> Begin {
        if !self.cacheable(&read.key) {
            return Begin::Bypass;
        }
        let mut table = self.table.lock();
        // Checked under the lock: the tracking stream is complete only while
        // connected, and a disconnect flushes under this same lock.
        if !self.connected.load(Ordering::Acquire) {
            return Begin::Bypass;
        }
        if let Some(value) = self.lookup(read.name, &read.key, &read.extra) {
            bump(&self.counters.hits, 1);
            return Begin::Hit(value);
        }
        let live = table
            .pending
            .get_mut(&read.key[..])
            .and_then(|list| list.iter_mut().find(|p| !p.doomed && read.is(p.name, &p.extra)));
        if let Some(p) = live {
            let (tx, rx) = oneshot::channel();
            p.waiters.push(tx);
            bump(&self.counters.coalesced, 1);
            return Begin::Wait(rx);
        }
        let id = table.next_id;
        table.next_id += 1;
        let pending = Pending { id, name: read.name, extra: read.extra.clone(), doomed: false, waiters: Vec::new() };
        table.pending.entry(read.key.clone()).or_default().push(pending);
        bump(&self.counters.misses, 1);
        Begin::Lead(Lease {
            cache: Arc::clone(self),
            key: read.key.clone(),
            id,
            name: read.name,
            extra: read.extra.clone(),
            done: false,
            started: self.clock.now(),
        })
    }

    /// Applies the reply of a leased read: `Ok((value, pttl))` with the key's
    /// `PTTL` read atomically with the value. Caches it unless the read was
    /// doomed, hands it to every waiter, and returns it for the leader.
    pub(crate) fn complete(&self, mut lease: Lease, reply: Result<(Frame, i64)>) -> Result<Frame> {
        lease.done = true;
        let waiters = {
            let mut table = self.table.lock();
            match table.take(&lease.key, lease.id) {
                None => Vec::new(),
                Some(p) => {
                    if let Ok((value, pttl)) = &reply {
                        if p.doomed {
                            bump(&self.counters.doomed, 1);
                        } else if let Some(ttl) = self.ttl(*pttl) {
                            let extra = std::mem::take(&mut lease.extra);
                            let expires_at = lease.started + ttl;
                            self.insert(&mut table, lease.key.clone(), lease.name, extra, value.clone(), expires_at);
                        }
                    }
                    p.waiters
                }
            }
        };
        let out = reply.map(|(value, _)| value);
        for w in waiters {
            let _ = w.send(out.clone());
        }
        out
    }

    fn ttl(&self, pttl: i64) -> Option<Duration> {
        match pttl {
            // No TTL (-1), or no key (-2: the null/empty reply is cached too;
            // the key is tracked all the same, so its creation invalidates).
            -1 | -2 => Some(self.max_ttl),
            n if n > 0 => Some(Duration::from_millis(n as u64).min(self.max_ttl)),
            _ => None,
        }
        .filter(|ttl| !ttl.is_zero())
    }

    fn insert(
        &self,
        table: &mut Table,
        key: Bytes,
        name: &'static str,
        extra: Vec<Bytes>,
        value: Frame,
        expires_at: Instant,
    ) {
        let now = self.clock.now();
        let bytes = READ_OVERHEAD + frame_size(&value) + extra.iter().map(|a| a.len() as u64).sum::<u64>();
        let mut reads = Vec::with_capacity(1);
        if let Some((_, old)) = self.store.remove(&key[..]) {
            table.bytes -= old.bytes;
            reads.extend(
                old.reads.iter().filter(|c| c.expires_at > now && !(c.name == name && c.extra == extra)).cloned(),
            );
        }
        reads.push(Cached { name, extra, value, expires_at, bytes });
        let total = KEY_OVERHEAD + key.len() as u64 + reads.iter().map(|c| c.bytes).sum::<u64>();
        table.bytes += total;
        let evicted = self.store.insert_with_lifecycle(key, Arc::new(KeyEntry { reads, bytes: total }));
        for e in evicted {
            table.bytes -= e.bytes;
            bump(&self.counters.evictions, e.reads.len() as u64);
        }
    }

    /// Drops every cached reply of `keys` and dooms their pending reads.
    /// `local` says the write was this client's own (read-your-writes).
    pub(crate) fn invalidate(&self, keys: &[Bytes], local: bool) {
        let counter = if local { &self.counters.local_invalidations } else { &self.counters.invalidations };
        let mut table = self.table.lock();
        for key in keys {
            if let Some((_, e)) = self.store.remove(&key[..]) {
                table.bytes -= e.bytes;
                bump(counter, e.reads.len() as u64);
            }
            if let Some(list) = table.pending.get_mut(&key[..]) {
                list.iter_mut().for_each(|p| p.doomed = true);
            }
        }
        drop(table);
        self.emit(|| NearCacheEvent::Invalidated { keys: keys.to_vec(), local });
    }

    /// Events from now on (invalidations and flushes), for observability.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<NearCacheEvent> {
        self.events.subscribe()
    }

    fn emit(&self, event: impl FnOnce() -> NearCacheEvent) {
        // No receiver, no allocation.
        if self.events.receiver_count() > 0 {
            let _ = self.events.send(event());
        }
    }

    /// Drops everything and dooms every pending read.
    pub(crate) fn flush(&self) {
        let mut table = self.table.lock();
        self.flush_locked(&mut table);
    }

    fn flush_locked(&self, table: &mut Table) {
        self.store.clear();
        table.bytes = 0;
        table.pending.values_mut().flatten().for_each(|p| p.doomed = true);
        bump(&self.counters.flushes, 1);
        self.emit(|| NearCacheEvent::Flushed);
    }

    /// Connection state: going down flushes (under the table lock, so no
    /// reply can be cached between the flush and the flag).
    pub(crate) fn set_connected(&self, up: bool) {
        let mut table = self.table.lock();
        if !up {
            self.connected.store(false, Ordering::Release);
            if self.stale_window.is_some() {
                // Keep the replies for stale reads; nothing may be cached
                // from now on, so doom what is in flight.
                self.disconnected_at.lock().get_or_insert_with(|| self.clock.now());
                table.pending.values_mut().flatten().for_each(|p| p.doomed = true);
            } else {
                self.flush_locked(&mut table);
            }
        } else {
            // Invalidations were missed while down: stale replies go now.
            if self.disconnected_at.lock().take().is_some() {
                self.flush_locked(&mut table);
            }
            self.connected.store(true, Ordering::Release);
        }
    }

    pub(crate) fn stats(&self) -> NearCacheStats {
        let c = &self.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        NearCacheStats {
            hits: get(&c.hits),
            misses: get(&c.misses),
            coalesced: get(&c.coalesced),
            invalidations: get(&c.invalidations),
            local_invalidations: get(&c.local_invalidations),
            doomed: get(&c.doomed),
            evictions: get(&c.evictions),
            flushes: get(&c.flushes),
            stale_hits: get(&c.stale_hits),
            bytes: self.table.lock().bytes,
            keys: self.store.len() as u64,
        }
    }
}

/// Approximate heap bytes of a reply.
fn frame_size(frame: &Frame) -> u64 {
    const FRAME: u64 = 32;
    FRAME
        + match frame {
            Frame::Simple(b) | Frame::Error(b) | Frame::Bulk(b) | Frame::BigNumber(b) => b.len() as u64,
            Frame::Verbatim { text, .. } => text.len() as u64,
            Frame::Array(v) | Frame::Set(v) | Frame::Push(v) => v.iter().map(frame_size).sum(),
            Frame::Map(p) | Frame::Attribute(p) => p.iter().map(|(k, v)| frame_size(k) + frame_size(v)).sum(),
            _ => 0,
        }
}

#[cfg(test)]
mod tests;
