//! Whole-database commands: KEYS, SCAN, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB.
//! They lock every shard of the databases they touch, so each sees one
//! consistent state; expired keys are never listed or counted.

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::args::{int_arg, is};
use super::keys::type_name;
use super::Ctx;
use crate::glob::glob_match;
use crate::keyspace::{Shard, ShardData, SHARDS};
use crate::reply::{err, DB_RANGE, SYNTAX};

/// Live keys of a shard (exact: expired keys not yet reclaimed are excluded).
pub fn live_len(shard: &Shard, now: i64) -> usize {
    if shard.expires() == 0 {
        shard.len()
    } else {
        shard.live_entries(now).count()
    }
}

/// KEYS pattern
pub fn keys(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let db = ctx.client.db;
    ctx.lock_dbs(&[db]);
    let (now, pattern) = (ctx.now, &args[1]);
    let all = pattern == b"*";
    let mut out = Vec::new();
    ctx.db().for_each_shard(|s| {
        for e in s.live_entries(now) {
            if all || glob_match(pattern, e.key(), false) {
                out.push(Frame::Bulk(Bytes::copy_from_slice(e.key())));
            }
        }
    });
    Frame::Array(out)
}

/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
///
/// The cursor is `bucket_cursor * SHARDS + shard`: shards are walked in
/// order, each with the table's reverse-binary home-bucket cursor.
pub fn scan(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let Some(cursor) = std::str::from_utf8(&args[1]).ok().and_then(|s| s.parse::<u64>().ok()) else {
        return err("ERR invalid cursor");
    };
    let (mut pattern, mut count, mut type_filter): (Option<&[u8]>, usize, Option<&[u8]>) = (None, 10, None);
    let mut i = 2;
    while i < args.len() {
        if i + 1 >= args.len() {
            return err(SYNTAX);
        }
        let v = &args[i + 1];
        if is(&args[i], "match") {
            pattern = Some(v).filter(|p| *p != b"*");
        } else if is(&args[i], "count") {
            count = match int_arg(v) {
                Ok(n) if n >= 1 => n as usize,
                Ok(_) => return err(SYNTAX),
                Err(e) => return e,
            };
        } else if is(&args[i], "type") {
            type_filter = Some(v);
        } else {
            return err(SYNTAX);
        }
        i += 2;
    }
    let db = ctx.client.db;
    ctx.lock_dbs(&[db]);
    let now = ctx.now;
    let (mut shard, mut bucket) = ((cursor % SHARDS as u64) as usize, cursor / SHARDS as u64);
    let mut out = Vec::new();
    let mut visited = 0;
    while shard < SHARDS && out.len() < count && visited < count.saturating_mul(10) {
        let s = ctx.guards.shard(db, shard);
        bucket = s.scan_bucket(bucket, |e| {
            if e.is_expired(now)
                || pattern.is_some_and(|p| !glob_match(p, e.key(), false))
                || type_filter.is_some_and(|t| !t.eq_ignore_ascii_case(type_name(e.value()).as_bytes()))
            {
                return;
            }
            out.push(Frame::Bulk(Bytes::copy_from_slice(e.key())));
        });
        visited += 1;
        if bucket == 0 {
            shard += 1;
        }
    }
    let next = if shard >= SHARDS { 0 } else { bucket * SHARDS as u64 + shard as u64 };
    Frame::Array(vec![Frame::Bulk(Bytes::from(next.to_string())), Frame::Array(out)])
}

/// DBSIZE
pub fn dbsize(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    let db = ctx.client.db;
    ctx.lock_dbs(&[db]);
    let now = ctx.now;
    let mut n = 0;
    ctx.db().for_each_shard(|s| n += live_len(s, now));
    Frame::Integer(n as i64)
}

fn flush_mode(args: Args<'_>) -> Result<bool, Frame> {
    match args.len() {
        1 => Ok(false),
        2 if is(&args[1], "async") => Ok(true),
        2 if is(&args[1], "sync") => Ok(false),
        _ => Err(err(SYNTAX)),
    }
}

/// Every tracking client must drop everything it cached (a null
/// invalidation); the flusher's own push precedes its reply, as in Redis 7.4.
fn invalidate_everything(ctx: &mut Ctx<'_>) {
    if let Some(push) = crate::tracking::get().and_then(|t| t.flush_all(ctx.client.id())) {
        ctx.client.pushes_before_reply.push(push);
    }
}

fn flush(ctx: &mut Ctx<'_>, dbs: &[usize], lazy: bool) {
    ctx.lock_dbs(dbs);
    let mut old: Vec<ShardData> = Vec::new();
    for &db in dbs {
        ctx.db_at(db).for_each_shard(|s| old.push(s.flush()));
    }
    // Under the locks: a read of the old data cannot re-register between
    // the invalidation and the flush.
    invalidate_everything(ctx);
    if lazy {
        // Free the memory off the command path (FLUSH ... ASYNC).
        std::thread::spawn(move || drop(old));
    }
}

/// FLUSHDB [ASYNC|SYNC]
pub fn flushdb(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match flush_mode(args) {
        Ok(lazy) => {
            let db = ctx.client.db;
            flush(ctx, &[db], lazy);
            Frame::ok()
        }
        Err(e) => e,
    }
}

/// FLUSHALL [ASYNC|SYNC]
pub fn flushall(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match flush_mode(args) {
        Ok(lazy) => {
            let dbs: Vec<usize> = (0..ctx.shared.keyspace.databases()).collect();
            flush(ctx, &dbs, lazy);
            Frame::ok()
        }
        Err(e) => e,
    }
}

/// SWAPDB index1 index2
pub fn swapdb(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let parse = |a: &[u8], which: &'static str| -> Result<usize, Frame> {
        let n = int_arg(a).map_err(|_| err(which))?;
        if n < 0 || n as usize >= ctx.shared.keyspace.databases() {
            return Err(err(DB_RANGE));
        }
        Ok(n as usize)
    };
    let (a, b) = match (parse(&args[1], "ERR invalid first DB index"), parse(&args[2], "ERR invalid second DB index")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if a == b {
        return Frame::ok();
    }
    ctx.lock_dbs(&[a, b]);
    for idx in 0..SHARDS {
        let a_data = ctx.guards.shard(a, idx).flush();
        let b_data = ctx.guards.shard(b, idx).swap_data(a_data);
        ctx.guards.shard(a, idx).swap_data(b_data);
    }
    // Redis 7.x sends nothing here and leaves swapped-in caches stale;
    // Hearth invalidates like a flush (REDIS-NOTES.md), under the locks.
    invalidate_everything(ctx);
    Frame::ok()
}
