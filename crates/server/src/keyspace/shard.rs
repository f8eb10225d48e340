//! One shard of one database: its entries and the single write path.
//!
//! Every mutation of the keyspace goes through a `Shard` method, and each of
//! them ends in [`Shard::touched`], where the side effects of a write live
//! (WATCH dirtiness today; tracking invalidations and keyspace events plug
//! in at the same place). A command cannot change a value without passing
//! through here. Lazy expiry is also a write: an expired key found by a read
//! is deleted through the same path.
//!
//! The shard holds per-shard counters (`keys`, `expires`, `used` bytes) so
//! INFO and maxmemory never scan.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use hashbrown::HashMap;

use super::entry::{Entry, EntryMut, EntryRef, Value};
use super::evict::DATA_BYTES;
use super::table::Table;

/// A client's "a watched key changed" flag (Redis's CLIENT_DIRTY_CAS).
#[derive(Debug, Default)]
pub struct WatchFlag(AtomicBool);

impl WatchFlag {
    /// Marks the transaction as doomed.
    pub fn set(&self) {
        self.0.store(true, Ordering::Release);
    }
    /// Whether a watched key changed.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
    /// Clears the flag (after EXEC, DISCARD, UNWATCH).
    pub fn clear(&self) {
        self.0.store(false, Ordering::Release);
    }
}

/// The stored data of a shard: what SWAPDB exchanges between databases.
pub struct ShardData {
    pub(super) table: Table,
    pub(super) expires: usize,
    pub(super) used: usize,
}

/// One shard: data plus the bookkeeping that stays with the database index.
pub struct Shard {
    pub(super) data: ShardData,
    watchers: HashMap<Box<[u8]>, Vec<Arc<WatchFlag>>>,
    expire_hand: usize,
    expired_keys: u64,
    db: usize,
}

/// The outcome of a lookup that may have removed an expired key.
pub type Slot = usize;

impl Shard {
    pub(super) fn new(hash: fn(&[u8]) -> u64, db: usize) -> Shard {
        Shard {
            data: ShardData { table: Table::new(hash), expires: 0, used: 0 },
            watchers: HashMap::new(),
            expire_hand: 0,
            expired_keys: 0,
            db,
        }
    }

    /// Number of keys (including expired ones not yet reclaimed).
    pub fn len(&self) -> usize {
        self.data.table.len()
    }

    /// Whether the shard holds no keys.
    pub fn is_empty(&self) -> bool {
        self.data.table.is_empty()
    }

    /// Keys this shard has expired (lazily or actively) since start.
    pub fn expired_keys(&self) -> u64 {
        self.expired_keys
    }

    /// Number of keys with an expire time.
    pub fn expires(&self) -> usize {
        self.data.expires
    }

    /// Bytes used by entries and the table.
    pub fn used_memory(&self) -> usize {
        self.data.used + self.data.table.mem_usage()
    }

    /// The side effects of a write to `key`. Every mutating method calls it.
    fn touched(&self, key: &[u8]) {
        if !self.watchers.is_empty() {
            if let Some(flags) = self.watchers.get(key) {
                flags.iter().for_each(|f| f.set());
            }
        }
        crate::tracking::on_write(key);
        crate::blocking::on_write(self.db, key);
    }

    /// Finds a live key, deleting it first if it has expired (lazy expiry).
    pub fn find(&mut self, hash: u64, key: &[u8], now: i64) -> Option<Slot> {
        let slot = self.data.table.find(hash, key)?;
        if self.data.table.get(slot).is_expired(now) {
            self.expire_slot(slot);
            return None;
        }
        Some(slot)
    }

    /// Finds a key without expiring it (for EXEC's WATCH check and DEBUG).
    pub fn find_raw(&self, hash: u64, key: &[u8]) -> Option<Slot> {
        self.data.table.find(hash, key)
    }

    /// Finds a key by its hash alone (see [`super::table::Table::find_hash`]).
    pub fn find_hash(&self, hash: u64) -> Option<Slot> {
        self.data.table.find_hash(hash)
    }

    /// Reads the entry in a slot returned by [`Shard::find`].
    pub fn entry(&self, slot: Slot) -> EntryRef<'_> {
        self.data.table.get(slot)
    }

    /// Records an access for LRU/LFU (not a write: no side effects).
    pub fn touch_lru(&mut self, slot: Slot, access: super::evict::Access) {
        let mut e = self.data.table.get_mut(slot);
        let field = access.touched(e.lru());
        e.set_lru(field);
    }

    /// Stores an entry's access field (eviction bookkeeping, not a write).
    pub fn set_access_field(&mut self, slot: Slot, field: u32) {
        self.data.table.get_mut(slot).set_lru(field);
    }

    /// Inserts or replaces `key`, returning the previous entry.
    pub fn put(&mut self, hash: u64, key: &[u8], value: Value, expire_at: Option<i64>, lru: u32) -> Option<Entry> {
        let entry = Entry::new(key, value, expire_at, lru, 0);
        self.put_entry(hash, entry)
    }

    /// Inserts or replaces with a prebuilt entry.
    pub fn put_entry(&mut self, hash: u64, entry: Entry) -> Option<Entry> {
        self.touched(entry.key());
        self.account_in(&entry);
        match self.data.table.find(hash, entry.key()) {
            Some(slot) => {
                let old = self.data.table.replace(slot, entry);
                self.account_out(&old);
                Some(old)
            }
            None => {
                let table_before = self.data.table.mem_usage();
                let slot = self.data.table.insert_new(hash, entry);
                self.table_resized(table_before);
                crate::notify::emit(self.db, crate::notify::class::NEW, "new", self.data.table.get(slot).key());
                None
            }
        }
    }

    /// Removes the entry in a slot.
    pub fn remove_slot(&mut self, slot: Slot) -> Entry {
        let table_before = self.data.table.mem_usage();
        let old = self.data.table.remove(slot);
        self.table_resized(table_before);
        self.touched(old.key());
        self.account_out(&old);
        old
    }

    /// Removes an entry whose TTL has passed: counted, and notified as
    /// `expired` like any other write's event.
    fn expire_slot(&mut self, slot: Slot) {
        let old = self.remove_slot(slot);
        self.expired_keys += 1;
        crate::notify::emit(self.db, crate::notify::class::EXPIRED, "expired", old.key());
    }

    /// Changes an entry in place through `f`, keeping the accounting right.
    pub fn update<R>(&mut self, slot: Slot, f: impl FnOnce(&mut EntryMut<'_>) -> R) -> R {
        self.update_if(slot, |e| (f(e), true))
    }

    /// Like [`Shard::update`], for commands that may turn out to change
    /// nothing (SADD of present members, HDEL of missing fields): `f` says
    /// whether it changed the value, and only a change is a write that
    /// dirties WATCH and invalidates trackers, as in Redis.
    pub fn update_if<R>(&mut self, slot: Slot, f: impl FnOnce(&mut EntryMut<'_>) -> (R, bool)) -> R {
        let mut e = self.data.table.get_mut(slot);
        let before = e.mem_usage();
        let (r, changed) = f(&mut e);
        let after = e.mem_usage();
        self.data.used = self.data.used + after - before;
        DATA_BYTES.fetch_add(after as i64 - before as i64, Ordering::Relaxed);
        if changed {
            self.touched(self.data.table.get(slot).key());
        }
        r
    }

    /// Replaces the entry in a slot by one built from it (for changes that
    /// need a new block: adding or removing the expire field, growing a string).
    pub fn rebuild(&mut self, slot: Slot, f: impl FnOnce(Entry) -> Entry) {
        let old = self.data.table.get(slot);
        let (had_exp, old_mem) = (old.expire_at().is_some(), old.mem_usage());
        let placeholder = Entry::new(b"", Value::Int(0), None, 0, 0);
        let old = self.data.table.replace(slot, placeholder);
        let new = f(old);
        let (has_exp, new_mem) = (new.expire_at().is_some(), new.mem_usage());
        drop(self.data.table.replace(slot, new));
        self.data.used = self.data.used + new_mem - old_mem;
        DATA_BYTES.fetch_add(new_mem as i64 - old_mem as i64, Ordering::Relaxed);
        self.data.expires = self.data.expires + has_exp as usize - had_exp as usize;
        self.touched(self.data.table.get(slot).key());
    }

    /// The maxmemory gauge counts the slot array live too: on a small
    /// cache its growth is a fair share of what the keys cost.
    fn table_resized(&self, before: usize) {
        let after = self.data.table.mem_usage();
        if after != before {
            DATA_BYTES.fetch_add(after as i64 - before as i64, Ordering::Relaxed);
        }
    }

    fn account_in(&mut self, e: &Entry) {
        let n = e.mem_usage();
        self.data.used += n;
        DATA_BYTES.fetch_add(n as i64, Ordering::Relaxed);
        self.data.expires += e.expire_at().is_some() as usize;
    }

    fn account_out(&mut self, e: &Entry) {
        let n = e.mem_usage();
        self.data.used -= n;
        DATA_BYTES.fetch_sub(n as i64, Ordering::Relaxed);
        self.data.expires -= e.expire_at().is_some() as usize;
    }

    /// Empties the shard's data, dirtying WATCHes of keys that existed.
    pub fn flush(&mut self) -> ShardData {
        let replaced = ShardData { table: Table::new(self.hash_fn()), expires: 0, used: 0 };
        self.swap_data(replaced)
    }

    pub(super) fn hash_fn(&self) -> fn(&[u8]) -> u64 {
        self.data.table.hash_fn()
    }

    /// Installs `data` and returns the old data, dirtying watchers of keys
    /// present in either (Redis's touchAllWatchedKeysInDb).
    pub fn swap_data(&mut self, data: ShardData) -> ShardData {
        let old = std::mem::replace(&mut self.data, data);
        let bytes = |d: &ShardData| (d.used + d.table.mem_usage()) as i64;
        DATA_BYTES.fetch_add(bytes(&self.data) - bytes(&old), Ordering::Relaxed);
        for (key, flags) in &self.watchers {
            let h = (self.data.table.hash_fn())(key);
            if old.table.find(h, key).is_some() || self.data.table.find(h, key).is_some() {
                flags.iter().for_each(|f| f.set());
            }
        }
        old
    }

    /// Registers a WATCH on `key` for a client's flag.
    pub fn watch(&mut self, key: &[u8], flag: &Arc<WatchFlag>) {
        let list = self.watchers.entry_ref(key).or_default();
        if !list.iter().any(|f| Arc::ptr_eq(f, flag)) {
            list.push(flag.clone());
        }
    }

    /// Removes a client's WATCH on `key`.
    pub fn unwatch(&mut self, key: &[u8], flag: &Arc<WatchFlag>) {
        if let Some(list) = self.watchers.get_mut(key) {
            list.retain(|f| !Arc::ptr_eq(f, flag));
            if list.is_empty() {
                self.watchers.remove(key);
            }
        }
    }

    /// Number of watched keys in this shard (for INFO `watching_clients`-style stats).
    pub fn watched_keys(&self) -> usize {
        self.watchers.len()
    }

    /// One step of the active expiry cycle: looks at up to `sample` keys
    /// with a TTL (visiting at most `sample * 20` slots) from where the last
    /// step stopped, deletes the expired ones, and returns (checked, expired).
    pub fn expire_step(&mut self, now: i64, sample: usize) -> (usize, usize) {
        let cap = self.data.table.capacity();
        if self.data.expires == 0 || cap == 0 {
            return (0, 0);
        }
        let (mut checked, mut expired, mut visited) = (0, 0, 0);
        let mut i = self.expire_hand % cap;
        while checked < sample && visited < sample * 20 && visited < cap {
            visited += 1;
            if self.data.table.is_occupied(i) {
                let e = self.data.table.get(i);
                if let Some(at) = e.expire_at() {
                    checked += 1;
                    if at <= now {
                        self.expire_slot(i);
                        expired += 1;
                        // Backward shift may have moved an entry into `i`.
                        if self.data.table.capacity() != cap {
                            break;
                        }
                        continue;
                    }
                }
            }
            i = (i + 1) % cap;
        }
        self.expire_hand = i;
        (checked, expired)
    }

    /// Iterates over live entries (for KEYS and DEBUG), skipping expired ones.
    pub fn live_entries(&self, now: i64) -> impl Iterator<Item = EntryRef<'_>> + '_ {
        self.data.table.iter().filter(move |e| !e.is_expired(now))
    }

    /// Visits one home bucket for SCAN; see [`Table::scan_bucket`].
    pub fn scan_bucket(&self, cursor: u64, visit: impl FnMut(EntryRef<'_>)) -> u64 {
        self.data.table.scan_bucket(cursor, visit)
    }

    /// A random occupied slot, or None when empty.
    pub fn random_slot(&self, r: usize) -> Option<Slot> {
        self.data.table.occupied_from(r)
    }
}
