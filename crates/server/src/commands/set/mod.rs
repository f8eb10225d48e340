//! The set family: SADD SREM SISMEMBER SMISMEMBER SCARD SMOVE SSCAN
//! (basic.rs), SPOP SRANDMEMBER (random.rs), SMEMBERS SINTER SINTERCARD
//! SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE (algebra.rs).
//!
//! Handlers follow t_set.c: argument parsing and key lookups happen in
//! Redis's order (which decides the error a bad call gets), and results are
//! built with the same encoding steps (SUNION starts from an intset,
//! SINTERSTORE from the smallest input's encoding, SDIFF picks Redis's
//! algorithm), so `OBJECT ENCODING` and the order of small replies match.
//! The value type lives in `keyspace::set`.

mod algebra;
mod basic;
mod random;

use hearth_resp::Frame;

use super::flag::{ALL_SHARDS, READONLY, WRITE};
use super::table::{cmd, ALL, NONE, ONE, RO_FAST, TWO, W_OOM, W_OOM_FAST};
use super::{flag, CommandSpec, Ctx};
use crate::keyspace::set::{SetLimits, SetValue};
use crate::keyspace::{DbView, Object, Value, ValueRef};
use crate::reply::{err, WRONGTYPE};
use crate::server::stats::CommandStats;

/// The `set-max-*` thresholds, read once per command.
fn limits(ctx: &Ctx<'_>) -> SetLimits {
    ctx.config(SetLimits::from_config)
}

/// The set at `key`: `Ok(None)` when missing, WRONGTYPE for another type.
fn read_set<'a>(db: &'a mut DbView<'_>, key: &[u8]) -> Result<Option<&'a SetValue>, Frame> {
    match db.get(key).map(|e| e.value()) {
        None => Ok(None),
        Some(ValueRef::Obj(Object::Set(s))) => Ok(Some(s)),
        Some(_) => Err(err(WRONGTYPE)),
    }
}

/// Changes the set at `key` (known to be a live set) in place.
fn modify_set<R>(db: &mut DbView<'_>, key: &[u8], f: impl FnOnce(&mut SetValue) -> R) -> Option<R> {
    modify_set_if(db, key, |s| (f(s), true))
}

/// Like [`modify_set`] for changes that may do nothing (SADD of present
/// members): `f` says whether it changed the set; only then is it a write.
fn modify_set_if<R>(db: &mut DbView<'_>, key: &[u8], f: impl FnOnce(&mut SetValue) -> (R, bool)) -> Option<R> {
    db.update_if(key, |e| match e.object_mut() {
        Some(Object::Set(s)) => {
            let (r, changed) = f(s);
            (Some(r), changed)
        }
        _ => (None, false),
    })
    .flatten()
}

/// Stores a new set at `key` (replacing any value, without TTL).
fn store_set(db: &mut DbView<'_>, key: &[u8], set: SetValue) {
    db.put(key, Value::Obj(Box::new(Object::Set(set))), None);
}

/// Unwraps a `Result<_, Frame>` or returns the error frame.
macro_rules! try_frame {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return e,
        }
    };
}
use try_frame;

const RO: u32 = READONLY;
const W_FAST: u32 = WRITE | flag::FAST;

/// The set family's commands (arity, flags and key positions as in Redis 7.4).
#[rustfmt::skip]
pub static COMMANDS: [CommandSpec; 17] = [
    cmd!("sadd", "sadd", -3, W_OOM_FAST, ONE, basic::sadd, "set", "1.0.0", "Adds one or more members to a set. Creates the key if it doesn't exist."),
    cmd!("srem", "srem", -3, W_FAST, ONE, basic::srem, "set", "1.0.0", "Removes one or more members from a set. Deletes the set if the last member was removed."),
    cmd!("smembers", "smembers", 2, RO, ONE, algebra::smembers, "set", "1.0.0", "Returns all members of a set."),
    cmd!("sismember", "sismember", 3, RO_FAST, ONE, basic::sismember, "set", "1.0.0", "Determines whether a member belongs to a set."),
    cmd!("smismember", "smismember", -3, RO_FAST, ONE, basic::smismember, "set", "6.2.0", "Determines whether multiple members belong to a set."),
    cmd!("scard", "scard", 2, RO_FAST, ONE, basic::scard, "set", "1.0.0", "Returns the number of members in a set."),
    cmd!("spop", "spop", -2, W_FAST, ONE, random::spop, "set", "1.0.0", "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped."),
    cmd!("srandmember", "srandmember", -2, RO, ONE, random::srandmember, "set", "1.0.0", "Get one or multiple random members from a set"),
    cmd!("smove", "smove", 4, W_FAST, TWO, basic::smove, "set", "1.0.0", "Moves a member from one set to another."),
    cmd!("sinter", "sinter", -2, RO, ALL, algebra::sinter, "set", "1.0.0", "Returns the intersect of multiple sets."),
    cmd!("sintercard", "sintercard", -3, RO | ALL_SHARDS, NONE, algebra::sintercard, "set", "7.0.0", "Returns the number of members of the intersect of multiple sets."),
    cmd!("sinterstore", "sinterstore", -3, W_OOM, ALL, algebra::sinterstore, "set", "1.0.0", "Stores the intersect of multiple sets in a key."),
    cmd!("sunion", "sunion", -2, RO, ALL, algebra::sunion, "set", "1.0.0", "Returns the union of multiple sets."),
    cmd!("sunionstore", "sunionstore", -3, W_OOM, ALL, algebra::sunionstore, "set", "1.0.0", "Stores the union of multiple sets in a key."),
    cmd!("sdiff", "sdiff", -2, RO, ALL, algebra::sdiff, "set", "1.0.0", "Returns the difference of multiple sets."),
    cmd!("sdiffstore", "sdiffstore", -3, W_OOM, ALL, algebra::sdiffstore, "set", "1.0.0", "Stores the difference of multiple sets in a key."),
    cmd!("sscan", "sscan", -3, RO, ONE, basic::sscan, "set", "2.8.0", "Iterates over members of a set."),
];
