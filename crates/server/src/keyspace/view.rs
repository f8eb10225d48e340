//! `DbView`: the command-facing API over the locked shards of one database.
//!
//! It turns keys into (hash, shard), applies lazy expiry and LRU touches on
//! reads, and forwards every change to the shard write path. It never locks:
//! the dispatcher (or EXEC) locked what the command needs beforehand.

use super::entry::{Entry, EntryMut, EntryRef, Value};
use super::evict::Access;
use super::shard::Shard;
use super::{hash_key, Guards, SHARDS};

/// The locked part of one database, as seen by one command.
pub struct DbView<'g> {
    guards: &'g mut Guards,
    db: usize,
    now: i64,
    access: Option<Access>,
}

impl<'g> DbView<'g> {
    /// A view of database `db` at time `now` (unix ms). `access` is how
    /// reads stamp entries (LRU or LFU), or None for NO-TOUCH clients.
    pub fn new(guards: &'g mut Guards, db: usize, now: i64, access: Option<Access>) -> Self {
        DbView { guards, db, now, access }
    }

    /// The database index.
    pub fn index(&self) -> usize {
        self.db
    }

    /// The command's time (unix ms).
    pub fn now(&self) -> i64 {
        self.now
    }

    fn locate(&mut self, key: &[u8]) -> (&mut Shard, u64) {
        let h = hash_key(key);
        (self.guards.shard_for(self.db, h), h)
    }

    /// Reads a live key, stamping its access clock.
    pub fn get(&mut self, key: &[u8]) -> Option<EntryRef<'_>> {
        let (now, access) = (self.now, self.access);
        let (shard, h) = self.locate(key);
        let slot = shard.find(h, key, now)?;
        if let Some(a) = access {
            shard.touch_lru(slot, a);
        }
        Some(shard.entry(slot))
    }

    /// Reads a live key without touching its access clock.
    pub fn peek(&mut self, key: &[u8]) -> Option<EntryRef<'_>> {
        let now = self.now;
        let (shard, h) = self.locate(key);
        let slot = shard.find(h, key, now)?;
        Some(shard.entry(slot))
    }

    /// Whether a live key exists (no access-clock update, like Redis's EXISTS).
    pub fn exists(&mut self, key: &[u8]) -> bool {
        self.peek(key).is_some()
    }

    /// Stores `value` at `key` with the given expire time, replacing any
    /// previous value; returns the previous live entry.
    pub fn put(&mut self, key: &[u8], value: Value, expire_at: Option<i64>) -> Option<Entry> {
        let (now, db) = (self.now, self.db);
        let clock = self.access.map_or(0, |a| a.initial(db, hash_key(key)));
        let (shard, h) = self.locate(key);
        let old = shard.put(h, key, value, expire_at, clock);
        old.filter(|e| !e.is_expired(now))
    }

    /// Stores a prebuilt entry (RENAME, MOVE, COPY keep the block's metadata).
    pub fn put_entry(&mut self, entry: Entry) -> Option<Entry> {
        let now = self.now;
        let h = hash_key(entry.key());
        let shard = self.guards.shard_for(self.db, h);
        shard.put_entry(h, entry).filter(|e| !e.is_expired(now))
    }

    /// Stores `value` keeping the key's current TTL (SET KEEPTTL, SETRANGE...).
    pub fn put_keep_ttl(&mut self, key: &[u8], value: Value) -> Option<Entry> {
        let ttl = self.peek(key).and_then(|e| e.expire_at());
        self.put(key, value, ttl)
    }

    /// Removes a live key, returning its entry.
    pub fn take(&mut self, key: &[u8]) -> Option<Entry> {
        let now = self.now;
        let (shard, h) = self.locate(key);
        let slot = shard.find(h, key, now)?;
        Some(shard.remove_slot(slot))
    }

    /// Removes a live key; true if it existed.
    pub fn delete(&mut self, key: &[u8]) -> bool {
        self.take(key).is_some()
    }

    /// Changes a live key in place.
    pub fn update<R>(&mut self, key: &[u8], f: impl FnOnce(&mut EntryMut<'_>) -> R) -> Option<R> {
        self.update_if(key, |e| (f(e), true))
    }

    /// Changes a live key in place; `f` says whether it changed anything
    /// (see [`Shard::update_if`]).
    pub fn update_if<R>(&mut self, key: &[u8], f: impl FnOnce(&mut EntryMut<'_>) -> (R, bool)) -> Option<R> {
        let now = self.now;
        let (shard, h) = self.locate(key);
        let slot = shard.find(h, key, now)?;
        Some(shard.update_if(slot, f))
    }

    /// Replaces a live key's entry by one built from it.
    pub fn rebuild(&mut self, key: &[u8], f: impl FnOnce(Entry) -> Entry) -> bool {
        let now = self.now;
        let (shard, h) = self.locate(key);
        match shard.find(h, key, now) {
            Some(slot) => {
                shard.rebuild(slot, f);
                true
            }
            None => false,
        }
    }

    /// Sets or clears a live key's expire time; false if the key is missing.
    pub fn set_expire(&mut self, key: &[u8], at: Option<i64>) -> bool {
        let now = self.now;
        let (shard, h) = self.locate(key);
        let Some(slot) = shard.find(h, key, now) else {
            return false;
        };
        let in_place = at.is_some() && shard.entry(slot).expire_at().is_some();
        match at {
            Some(at) if in_place => shard.update(slot, |e| e.set_expire_in_place(at)),
            _ => {
                shard.rebuild(slot, |old| old.with_expire(at));
                true
            }
        }
    }

    /// Runs `f` on every shard of this database (they must all be locked).
    pub fn for_each_shard(&mut self, mut f: impl FnMut(&mut Shard)) {
        for idx in 0..SHARDS {
            f(self.guards.shard(self.db, idx));
        }
    }
}
