//! The hash family: HSET HSETNX HMSET HDEL HINCRBY HINCRBYFLOAT (write.rs),
//! HGET HMGET HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL (read.rs),
//! HRANDFIELD HSCAN (random.rs) and the Redis 7.4 field expiration commands
//! HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT HTTL HPTTL HEXPIRETIME
//! HPEXPIRETIME HPERSIST (ttl.rs).
//!
//! Handlers follow t_hash.c: arguments are parsed and the key looked up in
//! Redis's order (which decides the error a bad call gets) and conversions
//! happen where Redis converts, so `OBJECT ENCODING` and the order of small
//! replies match. The value type lives in `keyspace::hash`.
//!
//! Expired fields are never seen: every handler first calls [`prepare`],
//! which purges the hash's expired fields (publishing `hexpired`, and `del`
//! when that empties the hash) and registers hashes with field TTLs for the
//! active cycle (`keyspace::hash_expire`). Redis 7.4 purges one field at a
//! time as it is touched and leaves the rest to its active cycle; purging
//! them all at once is the same end state, reached sooner.

mod random;
mod read;
pub(crate) mod scan;
mod ttl;
mod write;

use hearth_resp::Frame;

use super::table::{cmd, ONE, RO_FAST, W_OOM_FAST};
use super::{flag, CommandSpec, Ctx};
use crate::keyspace::hash::{HashLimits, HashValue};
use crate::keyspace::hash_expire;
use crate::keyspace::{Object, Value, ValueRef};
use crate::notify::class;
use crate::reply::{err, WRONGTYPE};
use crate::server::stats::CommandStats;

/// The `hash-max-listpack-*` thresholds, read once per command.
fn limits(ctx: &Ctx<'_>) -> HashLimits {
    ctx.config(HashLimits::from_config)
}

/// Checks that `key` is a hash or missing and purges its expired fields.
/// Returns whether the hash exists afterwards.
fn prepare(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<bool, Frame> {
    let now = ctx.now;
    let db_index = ctx.client.db;
    let keyspace = &ctx.shared.keyspace;
    let mut db = ctx.db();
    let min = match db.peek(key).map(|e| e.value()) {
        None => return Ok(false),
        Some(ValueRef::Obj(Object::Hash(h))) => h.min_expire(),
        Some(_) => return Err(err(WRONGTYPE)),
    };
    let Some(min) = min else { return Ok(true) };
    if min >= now {
        hash_expire::register(keyspace, db_index, key, min);
        return Ok(true);
    }
    let (n, left, next) =
        modify(&mut db, key, |h| (h.purge_expired(now), h.len(), h.min_expire())).unwrap_or((0, 1, None));
    hash_expire::count_expired(n);
    if left == 0 {
        db.delete(key);
    }
    if let Some(next) = next {
        hash_expire::register(keyspace, db_index, key, next);
    }
    if n > 0 {
        ctx.notify(class::HASH, "hexpired", key);
    }
    if left == 0 {
        ctx.notify(class::GENERIC, "del", key);
        return Ok(false);
    }
    Ok(true)
}

/// Registers the hash at `key` for active field expiry if it has field TTLs
/// (after a command that may have set one).
fn register_ttls(ctx: &mut Ctx<'_>, key: &[u8]) {
    let db_index = ctx.client.db;
    let keyspace = &ctx.shared.keyspace;
    let min = match ctx.db().peek(key).map(|e| e.value()) {
        Some(ValueRef::Obj(Object::Hash(h))) => h.min_expire(),
        _ => None,
    };
    if let Some(min) = min {
        hash_expire::register(keyspace, db_index, key, min);
    }
}

/// Runs `f` on the hash at `key` (after [`prepare`]); `None` when missing.
fn read<R>(ctx: &mut Ctx<'_>, key: &[u8], f: impl FnOnce(&HashValue) -> R) -> Result<Option<R>, Frame> {
    if !prepare(ctx, key)? {
        return Ok(None);
    }
    match ctx.db().get(key).map(|e| e.value()) {
        Some(ValueRef::Obj(Object::Hash(h))) => Ok(Some(f(h))),
        _ => Ok(None),
    }
}

/// Changes the hash at `key` (known to exist) in place.
fn modify<R>(db: &mut crate::keyspace::DbView<'_>, key: &[u8], f: impl FnOnce(&mut HashValue) -> R) -> Option<R> {
    modify_if(db, key, f, |_| true)
}

/// Like [`modify`]; `changed` tells from `f`'s result whether the hash
/// changed, and only a change is a write (WATCH, tracking), as in Redis.
fn modify_if<R>(
    db: &mut crate::keyspace::DbView<'_>,
    key: &[u8],
    f: impl FnOnce(&mut HashValue) -> R,
    changed: impl FnOnce(&R) -> bool,
) -> Option<R> {
    db.update_if(key, |e| match e.object_mut() {
        Some(Object::Hash(h)) => {
            let r = f(h);
            let c = changed(&r);
            (Some(r), c)
        }
        _ => (None, false),
    })
    .flatten()
}

/// Changes the hash at `key`, creating it first when `exists` is false.
/// A new hash is stored only if `f` leaves it non-empty.
fn write<R>(ctx: &mut Ctx<'_>, key: &[u8], exists: bool, f: impl FnOnce(&mut HashValue) -> R) -> R {
    write_if(ctx, key, exists, f, |_| true)
}

/// Like [`write`], for an existing hash that `f` may leave unchanged
/// (HDEL of missing fields, HPERSIST of fields without TTL).
fn write_if<R>(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    exists: bool,
    f: impl FnOnce(&mut HashValue) -> R,
    changed: impl FnOnce(&R) -> bool,
) -> R {
    let mut db = ctx.db();
    if exists {
        if let Some(r) = modify_if(&mut db, key, f, changed) {
            return r;
        }
        unreachable!("prepare() found the hash and the shard is locked");
    }
    let mut h = HashValue::default();
    let r = f(&mut h);
    if !h.is_empty() {
        db.put(key, Value::Obj(Box::new(Object::Hash(h))), None);
    }
    r
}

/// Deletes `key` if its hash is empty, publishing `del`; true if deleted.
fn delete_if_empty(ctx: &mut Ctx<'_>, key: &[u8]) -> bool {
    let empty = matches!(ctx.db().peek(key).map(|e| e.value()), Some(ValueRef::Obj(Object::Hash(h))) if h.is_empty());
    if empty {
        ctx.db().delete(key);
    }
    empty
}

const RO: u32 = flag::READONLY;

/// The hash family's commands (arity, flags and key positions as in Redis 7.4).
#[rustfmt::skip]
pub static COMMANDS: [CommandSpec; 25] = [
    cmd!("hset", "hset", -4, W_OOM_FAST, ONE, write::hset, "hash", "2.0.0", "Creates or modifies the value of a field in a hash."),
    cmd!("hsetnx", "hsetnx", 4, W_OOM_FAST, ONE, write::hsetnx, "hash", "2.0.0", "Sets the value of a field in a hash only when the field doesn't exist."),
    cmd!("hmset", "hmset", -4, W_OOM_FAST, ONE, write::hset, "hash", "2.0.0", "Sets the values of multiple fields."),
    cmd!("hdel", "hdel", -3, flag::WRITE | flag::FAST, ONE, write::hdel, "hash", "2.0.0", "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain."),
    cmd!("hincrby", "hincrby", 4, W_OOM_FAST, ONE, write::hincrby, "hash", "2.0.0", "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist."),
    cmd!("hincrbyfloat", "hincrbyfloat", 4, W_OOM_FAST, ONE, write::hincrbyfloat, "hash", "2.6.0", "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist."),
    cmd!("hget", "hget", 3, RO_FAST, ONE, read::hget, "hash", "2.0.0", "Returns the value of a field in a hash."),
    cmd!("hmget", "hmget", -3, RO_FAST, ONE, read::hmget, "hash", "2.0.0", "Returns the values of all fields in a hash."),
    cmd!("hlen", "hlen", 2, RO_FAST, ONE, read::hlen, "hash", "2.0.0", "Returns the number of fields in a hash."),
    cmd!("hstrlen", "hstrlen", 3, RO_FAST, ONE, read::hstrlen, "hash", "3.2.0", "Returns the length of the value of a field."),
    cmd!("hexists", "hexists", 3, RO_FAST, ONE, read::hexists, "hash", "2.0.0", "Determines whether a field exists in a hash."),
    cmd!("hkeys", "hkeys", 2, RO, ONE, read::hkeys, "hash", "2.0.0", "Returns all fields in a hash."),
    cmd!("hvals", "hvals", 2, RO, ONE, read::hvals, "hash", "2.0.0", "Returns all values in a hash."),
    cmd!("hgetall", "hgetall", 2, RO, ONE, read::hgetall, "hash", "2.0.0", "Returns all fields and values in a hash."),
    cmd!("hrandfield", "hrandfield", -2, RO, ONE, random::hrandfield, "hash", "6.2.0", "Returns one or more random fields from a hash."),
    cmd!("hscan", "hscan", -3, RO, ONE, random::hscan, "hash", "2.8.0", "Iterates over fields and values of a hash."),
    cmd!("hexpire", "hexpire", -6, W_OOM_FAST, ONE, ttl::hexpire, "hash", "7.4.0", "Set expiry for hash field using relative time to expire (seconds)"),
    cmd!("hpexpire", "hpexpire", -6, W_OOM_FAST, ONE, ttl::hpexpire, "hash", "7.4.0", "Set expiry for hash field using relative time to expire (milliseconds)"),
    cmd!("hexpireat", "hexpireat", -6, W_OOM_FAST, ONE, ttl::hexpireat, "hash", "7.4.0", "Set expiry for hash field using an absolute Unix timestamp (seconds)"),
    cmd!("hpexpireat", "hpexpireat", -6, W_OOM_FAST, ONE, ttl::hpexpireat, "hash", "7.4.0", "Set expiry for hash field using an absolute Unix timestamp (milliseconds)"),
    cmd!("httl", "httl", -5, RO_FAST, ONE, ttl::httl, "hash", "7.4.0", "Returns the TTL in seconds of a hash field."),
    cmd!("hpttl", "hpttl", -5, RO_FAST, ONE, ttl::hpttl, "hash", "7.4.0", "Returns the TTL in milliseconds of a hash field."),
    cmd!("hexpiretime", "hexpiretime", -5, RO_FAST, ONE, ttl::hexpiretime, "hash", "7.4.0", "Returns the expiration time of a hash field as a Unix timestamp, in seconds."),
    cmd!("hpexpiretime", "hpexpiretime", -5, RO_FAST, ONE, ttl::hpexpiretime, "hash", "7.4.0", "Returns the expiration time of a hash field as a Unix timestamp, in msec."),
    cmd!("hpersist", "hpersist", -5, flag::WRITE | flag::FAST, ONE, ttl::hpersist, "hash", "7.4.0", "Removes the expiration time for each specified field"),
];
