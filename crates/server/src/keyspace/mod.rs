//! The keyspace: databases split into shards, and the locking that lets
//! commands on different threads run side by side.
//!
//! A key's shard is chosen from its hash. A command locks the shards it
//! needs in one [`Guards`] set, always in (db, shard) order, so there is no
//! deadlock and single-key commands contend only with commands on the same
//! shard. MULTI/EXEC locks the union of its commands' shards once.
//!
//! [`DbView`] is the command-facing API over the locked shards of one
//! database; it adds lazy expiry, LRU updates and Redis's value semantics on
//! top of the [`Shard`] write path.

pub(crate) mod alloc;
pub mod defrag;
mod entry;
pub mod evict;
pub mod expire;
mod gauge;
mod ghost;
pub mod hash;
pub mod hash_expire;
mod hash_pack;
pub mod list;
mod object;
pub mod s3fifo;
pub mod set;
mod set_pack;
mod set_table;
mod shard;
mod table;
mod view;
pub mod zset;

use std::sync::OnceLock;

use parking_lot::{Mutex, MutexGuard};

pub use entry::{Entry, EntryMut, EntryRef, Value, ValueRef};
pub use object::Object;
pub use shard::{Shard, ShardData, Slot, WatchFlag};
pub use view::DbView;

/// Shards per database (a power of two).
pub const SHARDS: usize = 64;

static HASHER: OnceLock<hashbrown::DefaultHashBuilder> = OnceLock::new();

/// The keyspace hash of a key (seeded once per process).
pub fn hash_key(key: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    HASHER.get_or_init(Default::default).hash_one(key)
}

/// The shard a hash belongs to. Uses bits below the table's 16-bit tag and
/// far above the bits a table indexes with, so the two stay independent.
pub fn shard_of(hash: u64) -> usize {
    (hash >> 40) as usize & (SHARDS - 1)
}

/// All databases.
pub struct Keyspace {
    dbs: Box<[Box<[Mutex<Shard>]>]>,
}

impl Keyspace {
    /// A keyspace with `databases` empty databases.
    pub fn new(databases: usize) -> Keyspace {
        let dbs =
            (0..databases).map(|db| (0..SHARDS).map(|_| Mutex::new(Shard::new(hash_key, db))).collect()).collect();
        Keyspace { dbs }
    }

    /// Number of databases.
    pub fn databases(&self) -> usize {
        self.dbs.len()
    }

    fn shard(&self, db: usize, idx: usize) -> &Mutex<Shard> {
        &self.dbs[db][idx]
    }

    /// Sums a per-shard figure over one database, locking shards one by one
    /// (for INFO and DBSIZE-like statistics that need no atomicity).
    pub fn sum_db(&self, db: usize, f: impl Fn(&Shard) -> usize) -> usize {
        self.dbs[db].iter().map(|s| f(&s.lock())).sum()
    }

    /// Bytes used by all entries and tables.
    pub fn used_memory(&self) -> usize {
        (0..self.dbs.len()).map(|db| self.sum_db(db, Shard::used_memory)).sum()
    }

    /// Starts fetching into cache what looking up these keys (by hash)
    /// will touch: the table slots, then the entries they point to. A
    /// pipelined batch thus pays its cache misses together, not one per
    /// command. Shards another thread holds are skipped: this is a hint.
    ///
    /// Each shard is locked once for both stages (`try_lock`, so a shard
    /// busy elsewhere is skipped and nothing waits): locking per key and
    /// stage cost four atomic read-modify-writes per key, about 5% of a
    /// pipelined GET.
    pub fn prefetch(&self, db: usize, hashes: &[u64]) {
        const CHUNK: usize = 16;
        let Some(shards) = self.dbs.get(db) else { return };
        for chunk in hashes.chunks(CHUNK) {
            // Per key: the position in the chunk of the key holding its shard.
            let mut owner = [0usize; CHUNK];
            let mut held: [Option<MutexGuard<'_, Shard>>; CHUNK] = Default::default();
            for (i, &h) in chunk.iter().enumerate() {
                let idx = shard_of(h);
                owner[i] = (0..i).find(|&j| shard_of(chunk[j]) == idx).unwrap_or(i);
                if owner[i] == i {
                    held[i] = shards[idx].try_lock();
                }
                if let Some(s) = &held[owner[i]] {
                    s.data.table.prefetch_slot(h);
                }
            }
            for (i, &h) in chunk.iter().enumerate() {
                if let Some(s) = &held[owner[i]] {
                    s.data.table.prefetch_entry(h);
                }
            }
        }
    }

    /// Runs `f` on one shard under its lock (background jobs: active expiry).
    pub fn with_shard<R>(&self, db: usize, idx: usize, f: impl FnOnce(&mut Shard) -> R) -> R {
        f(&mut self.shard(db, idx).lock())
    }
}

/// A set of locked shards, ordered by (db, shard).
#[derive(Default)]
pub struct Guards {
    held: Vec<(u32, u32, MutexGuard<'static, Shard>)>,
    scratch: Vec<(usize, usize)>,
    command_hashes: Vec<u64>,
}

impl Guards {
    /// Whether nothing is locked.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Releases every lock.
    pub fn release(&mut self) {
        self.held.clear();
    }

    fn position(&self, db: usize, idx: usize) -> Result<usize, usize> {
        self.held.binary_search_by(|(d, s, _)| (*d as usize, *s as usize).cmp(&(db, idx)))
    }

    /// Makes sure every wanted (db, shard) is locked. Locks are only ever
    /// taken in order: when some are held already and more are needed (which
    /// EXEC's pre-locking avoids), everything is released and the union is
    /// locked again in order.
    pub fn ensure(&mut self, ks: &'static Keyspace, wanted: &mut Vec<(usize, usize)>) {
        wanted.retain(|(d, s)| self.position(*d, *s).is_err());
        if wanted.is_empty() {
            return;
        }
        debug_assert!(self.held.is_empty(), "shards must be locked up front, in order");
        wanted.extend(self.held.iter().map(|(d, s, _)| (*d as usize, *s as usize)));
        self.held.clear();
        wanted.sort_unstable();
        wanted.dedup();
        for &(d, s) in wanted.iter() {
            self.held.push((d as u32, s as u32, ks.shard(d, s).lock()));
        }
    }

    /// Locks the shards of `keys` in database `db`.
    pub fn ensure_keys<'k>(&mut self, ks: &'static Keyspace, db: usize, keys: impl Iterator<Item = &'k [u8]>) {
        self.ensure_hashed(ks, db, keys.map(hash_key));
    }

    /// [`Guards::ensure_keys`] for a command's own keys (from its key
    /// specs), keeping their hashes for [`Guards::command_hashes`].
    pub fn ensure_command_keys<'k>(&mut self, ks: &'static Keyspace, db: usize, keys: impl Iterator<Item = &'k [u8]>) {
        let mut hashes = std::mem::take(&mut self.command_hashes);
        hashes.clear();
        hashes.extend(keys.map(hash_key));
        self.ensure_hashed(ks, db, hashes.iter().copied());
        self.command_hashes = hashes;
    }

    /// Locks the shards of keys with these hashes in database `db`.
    fn ensure_hashed(&mut self, ks: &'static Keyspace, db: usize, hashes: impl Iterator<Item = u64>) {
        let mut wanted = std::mem::take(&mut self.scratch);
        wanted.clear();
        wanted.extend(hashes.map(|h| (db, shard_of(h))));
        self.ensure(ks, &mut wanted);
        self.scratch = wanted;
    }

    /// The hashes of the keys of the last [`Guards::ensure_command_keys`],
    /// in order (a tracked read registers them without hashing again).
    pub fn command_hashes(&self) -> &[u64] {
        &self.command_hashes
    }

    /// Locks every shard of the given databases.
    pub fn ensure_dbs(&mut self, ks: &'static Keyspace, dbs: &[usize]) {
        let mut wanted: Vec<(usize, usize)> = dbs.iter().flat_map(|d| (0..SHARDS).map(move |s| (*d, s))).collect();
        self.ensure(ks, &mut wanted);
    }

    /// The locked shard (db, idx). Panics if it was not locked: that is a
    /// bug in the command's key specification, not a runtime condition.
    pub fn shard(&mut self, db: usize, idx: usize) -> &mut Shard {
        let pos = self.position(db, idx).expect("command touched a shard it did not lock");
        &mut self.held[pos].2
    }

    /// The locked shard of a key.
    pub fn shard_for(&mut self, db: usize, hash: u64) -> &mut Shard {
        self.shard(db, shard_of(hash))
    }
}
