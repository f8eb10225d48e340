//! The sorted-set family, following Redis 7.4's `t_zset.c`:
//! ZADD ZINCRBY ZREM ZREMRANGEBY{RANK,SCORE,LEX} (write.rs), ZCARD ZSCORE
//! ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT ZRANDMEMBER ZSCAN (read.rs), the
//! ZRANGE family and ZRANGESTORE (range.rs), ZPOPMIN ZPOPMAX ZMPOP (pop.rs),
//! ZUNION ZINTER ZDIFF, their STORE forms and ZINTERCARD (setops.rs);
//! argument parsing (scores, ranges, cursors) in parse.rs.
//!
//! Handlers parse and check in Redis's order (which error a bad call gets
//! depends on it), then read or change the value through `keyspace::zset`.
//! A change is applied only when something actually changes, because every
//! `DbView::update` counts as a write for WATCH. Commands whose keys follow
//! a `numkeys` argument have no static key positions: they lock their keys
//! themselves before touching the keyspace, and carry `ALL_SHARDS` so that
//! EXEC locks everything up front for them.
//!
//! Blocking variants (BZPOPMIN, BZPOPMAX, BZMPOP) are not here.

mod parse;
mod pop;
mod range;
mod read;
mod setops;
mod write;

use bytes::Bytes;
use hearth_resp::{Frame, Protocol};

use super::flag::{ALL_SHARDS, DENYOOM, FAST, READONLY, WRITE};
use super::table::{cmd, NONE, ONE, RO_FAST, TWO, W_OOM, W_OOM_FAST};
use super::{CommandSpec, Ctx};
use crate::keyspace::zset::{Limits, ZSet};
use crate::keyspace::{DbView, Object, Value, ValueRef};
use crate::reply::{err, WRONGTYPE};
use crate::server::stats::{CommandStats, Stats};

/// The encoding thresholds, read once per command.
fn limits(ctx: &Ctx<'_>) -> Limits {
    ctx.config(|c| Limits::new(c.zset_max_listpack_entries, c.zset_max_listpack_value))
}

/// Whether the client speaks RESP3.
fn resp3(ctx: &Ctx<'_>) -> bool {
    ctx.client.protocol == Protocol::Resp3
}

/// The sorted set at `key` for a read command (counting keyspace hits and
/// misses, as Redis's `lookupKeyRead` does): `Ok(None)` when missing.
fn read_zset<'a>(db: &'a mut DbView<'_>, key: &[u8], stats: &Stats) -> Result<Option<&'a ZSet>, Frame> {
    match db.get(key).map(|e| e.value()) {
        None => {
            Stats::incr(&stats.keyspace_misses);
            Ok(None)
        }
        Some(v) => {
            Stats::incr(&stats.keyspace_hits);
            match v {
                ValueRef::Obj(Object::ZSet(z)) => Ok(Some(z)),
                _ => Err(err(WRONGTYPE)),
            }
        }
    }
}

/// The sorted set at `key` for a write command (no hit/miss counting).
fn peek_zset<'a>(db: &'a mut DbView<'_>, key: &[u8]) -> Result<Option<&'a ZSet>, Frame> {
    match db.peek(key).map(|e| e.value()) {
        None => Ok(None),
        Some(ValueRef::Obj(Object::ZSet(z))) => Ok(Some(z)),
        Some(_) => Err(err(WRONGTYPE)),
    }
}

/// Changes the sorted set at `key` (known to exist) in place; deletes the
/// key when it ends up empty. Returns `f`'s result and whether the key
/// was deleted.
fn modify_zset<R>(db: &mut DbView<'_>, key: &[u8], f: impl FnOnce(&mut ZSet) -> R) -> (Option<R>, bool) {
    let (r, empty) = db
        .update(key, |e| match e.object_mut() {
            Some(Object::ZSet(z)) => {
                let r = f(z);
                (Some(r), z.is_empty())
            }
            _ => (None, false),
        })
        .unwrap_or((None, false));
    if empty {
        db.delete(key);
    }
    (r, empty)
}

/// Stores a new sorted set at `key`, replacing any value and its TTL.
fn store_zset(db: &mut DbView<'_>, key: &[u8], z: ZSet) {
    db.put(key, Value::Obj(Box::new(Object::ZSet(z))), None);
}

/// A member as a bulk reply.
fn bulk(m: &[u8]) -> Frame {
    Frame::Bulk(Bytes::copy_from_slice(m))
}

/// Members with optional scores, shaped as Redis replies them: a flat array
/// in RESP2 (`member, score, ...`), `[member, score]` pairs in RESP3.
fn scored_reply<'a>(resp3: bool, withscores: bool, items: impl Iterator<Item = (&'a [u8], f64)>) -> Frame {
    let mut out = Vec::with_capacity(items.size_hint().0 * if withscores && !resp3 { 2 } else { 1 });
    for (m, s) in items {
        if !withscores {
            out.push(bulk(m));
        } else if resp3 {
            out.push(Frame::Array(vec![bulk(m), Frame::Double(s)]));
        } else {
            out.push(bulk(m));
            out.push(Frame::Double(s));
        }
    }
    Frame::Array(out)
}

/// The sorted-set family's commands.
#[rustfmt::skip]
pub static COMMANDS: [CommandSpec; 32] = [
    cmd!("zadd", "zadd", -4, W_OOM_FAST, ONE, write::zadd, "sorted-set", "1.2.0", "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist."),
    cmd!("zincrby", "zincrby", 4, W_OOM_FAST, ONE, write::zincrby, "sorted-set", "1.2.0", "Increments the score of a member in a sorted set."),
    cmd!("zrem", "zrem", -3, WRITE | FAST, ONE, write::zrem, "sorted-set", "1.2.0", "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed."),
    cmd!("zremrangebyrank", "zremrangebyrank", 4, WRITE, ONE, write::zremrangebyrank, "sorted-set", "2.0.0", "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed."),
    cmd!("zremrangebyscore", "zremrangebyscore", 4, WRITE, ONE, write::zremrangebyscore, "sorted-set", "1.2.0", "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed."),
    cmd!("zremrangebylex", "zremrangebylex", 4, WRITE, ONE, write::zremrangebylex, "sorted-set", "2.8.9", "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed."),
    cmd!("zcard", "zcard", 2, RO_FAST, ONE, read::zcard, "sorted-set", "1.2.0", "Returns the number of members in a sorted set."),
    cmd!("zscore", "zscore", 3, RO_FAST, ONE, read::zscore, "sorted-set", "1.2.0", "Returns the score of a member in a sorted set."),
    cmd!("zmscore", "zmscore", -3, RO_FAST, ONE, read::zmscore, "sorted-set", "6.2.0", "Returns the score of one or more members in a sorted set."),
    cmd!("zrank", "zrank", -3, RO_FAST, ONE, read::zrank, "sorted-set", "2.0.0", "Returns the index of a member in a sorted set ordered by ascending scores."),
    cmd!("zrevrank", "zrevrank", -3, RO_FAST, ONE, read::zrevrank, "sorted-set", "2.0.0", "Returns the index of a member in a sorted set ordered by descending scores."),
    cmd!("zcount", "zcount", 4, RO_FAST, ONE, read::zcount, "sorted-set", "2.0.0", "Returns the count of members in a sorted set that have scores within a range."),
    cmd!("zlexcount", "zlexcount", 4, RO_FAST, ONE, read::zlexcount, "sorted-set", "2.8.9", "Returns the number of members in a sorted set within a lexicographical range."),
    cmd!("zrandmember", "zrandmember", -2, READONLY, ONE, read::zrandmember, "sorted-set", "6.2.0", "Returns one or more random members from a sorted set."),
    cmd!("zscan", "zscan", -3, READONLY, ONE, read::zscan, "sorted-set", "2.8.0", "Iterates over members and scores of a sorted set."),
    cmd!("zrange", "zrange", -4, READONLY, ONE, range::zrange, "sorted-set", "1.2.0", "Returns members in a sorted set within a range of indexes."),
    cmd!("zrangestore", "zrangestore", -5, W_OOM, TWO, range::zrangestore, "sorted-set", "6.2.0", "Stores a range of members from sorted set in a key."),
    cmd!("zrevrange", "zrevrange", -4, READONLY, ONE, range::zrevrange, "sorted-set", "1.2.0", "Returns members in a sorted set within a range of indexes in reverse order."),
    cmd!("zrangebyscore", "zrangebyscore", -4, READONLY, ONE, range::zrangebyscore, "sorted-set", "1.0.5", "Returns members in a sorted set within a range of scores."),
    cmd!("zrevrangebyscore", "zrevrangebyscore", -4, READONLY, ONE, range::zrevrangebyscore, "sorted-set", "2.2.0", "Returns members in a sorted set within a range of scores in reverse order."),
    cmd!("zrangebylex", "zrangebylex", -4, READONLY, ONE, range::zrangebylex, "sorted-set", "2.8.9", "Returns members in a sorted set within a lexicographical range."),
    cmd!("zrevrangebylex", "zrevrangebylex", -4, READONLY, ONE, range::zrevrangebylex, "sorted-set", "2.8.9", "Returns members in a sorted set within a lexicographical range in reverse order."),
    cmd!("zpopmin", "zpopmin", -2, WRITE | FAST, ONE, pop::zpopmin, "sorted-set", "5.0.0", "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."),
    cmd!("zpopmax", "zpopmax", -2, WRITE | FAST, ONE, pop::zpopmax, "sorted-set", "5.0.0", "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."),
    // Keys after a numkeys argument: the handlers lock them (see the module doc).
    cmd!("zmpop", "zmpop", -4, WRITE | ALL_SHARDS, NONE, pop::zmpop, "sorted-set", "7.0.0", "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped."),
    cmd!("zunion", "zunion", -3, READONLY | ALL_SHARDS, NONE, setops::zunion, "sorted-set", "6.2.0", "Returns the union of multiple sorted sets."),
    cmd!("zinter", "zinter", -3, READONLY | ALL_SHARDS, NONE, setops::zinter, "sorted-set", "6.2.0", "Returns the intersect of multiple sorted sets."),
    cmd!("zdiff", "zdiff", -3, READONLY | ALL_SHARDS, NONE, setops::zdiff, "sorted-set", "6.2.0", "Returns the difference between multiple sorted sets."),
    cmd!("zintercard", "zintercard", -3, READONLY | ALL_SHARDS, NONE, setops::zintercard, "sorted-set", "7.0.0", "Returns the number of members of the intersect of multiple sorted sets."),
    cmd!("zunionstore", "zunionstore", -4, WRITE | DENYOOM | ALL_SHARDS, ONE, setops::zunionstore, "sorted-set", "2.0.0", "Stores the union of multiple sorted sets in a key."),
    cmd!("zinterstore", "zinterstore", -4, WRITE | DENYOOM | ALL_SHARDS, ONE, setops::zinterstore, "sorted-set", "2.0.0", "Stores the intersect of multiple sorted sets in a key."),
    cmd!("zdiffstore", "zdiffstore", -4, WRITE | DENYOOM | ALL_SHARDS, ONE, setops::zdiffstore, "sorted-set", "6.2.0", "Stores the difference of multiple sorted sets in a key."),
];
