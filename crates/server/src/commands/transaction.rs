//! MULTI, EXEC, DISCARD, WATCH, UNWATCH with Redis's semantics.
//!
//! EXEC locks the union of the shards its queued commands touch (every
//! shard when a queued command works on whole databases), checks WATCH
//! under those locks, then runs the queue: the transaction is atomic with
//! respect to every other client.

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::dispatch::call;
use super::{flag, lookup, Ctx};
use crate::conn::client::ClientState;
use crate::keyspace::{hash_key, shard_of};
use crate::reply::err;
use crate::server::Shared;

/// MULTI
pub fn multi(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    if ctx.client.multi.is_some() {
        return err("ERR MULTI calls can not be nested");
    }
    ctx.client.multi = Some(Vec::new());
    ctx.client.multi_error = false;
    ctx.client.publish_info(|i| i.multi = 0);
    Frame::ok()
}

/// DISCARD
pub fn discard(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    if ctx.client.multi.take().is_none() {
        return err("ERR DISCARD without MULTI");
    }
    ctx.client.publish_info(|i| i.multi = -1);
    ctx.client.multi_error = false;
    unwatch_all(ctx.shared, ctx.client);
    Frame::ok()
}

/// WATCH key [key ...]
pub fn watch(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    if ctx.client.multi.is_some() {
        return err("ERR WATCH inside MULTI is not allowed");
    }
    let db = ctx.client.db;
    let flag = ctx.client.watch_flag.clone();
    for key in args.iter().skip(1) {
        if ctx.client.watched.iter().any(|(d, k)| *d == db && k.as_ref() == key) {
            continue;
        }
        let h = hash_key(key);
        let shard = ctx.guards.shard_for(db, h);
        shard.watch(key, &flag);
        if shard.find_raw(h, key).is_some_and(|s| shard.entry(s).is_expired(ctx.now)) {
            ctx.client.watched_expired.insert((db, Bytes::copy_from_slice(key)));
        }
        ctx.client.watched.push((db, Bytes::copy_from_slice(key)));
    }
    let n = ctx.client.watched.len();
    ctx.client.publish_info(|i| i.watch = n);
    Frame::ok()
}

/// UNWATCH
pub fn unwatch(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    unwatch_all(ctx.shared, ctx.client);
    Frame::ok()
}

/// Drops every WATCH of a client. Must be called with no shard locked.
pub fn unwatch_all(shared: &'static Shared, client: &mut ClientState) {
    for (db, key) in client.watched.drain(..) {
        let idx = shard_of(hash_key(&key));
        shared.keyspace.with_shard(db, idx, |s| s.unwatch(&key, &client.watch_flag));
    }
    client.watched_expired.clear();
    client.watch_flag.clear();
    client.publish_info(|i| i.watch = 0);
}

/// Whether a WATCHed key changed, checked under EXEC's locks: the dirty
/// flag, or a key that has logically expired since WATCH.
fn watch_failed(ctx: &mut Ctx<'_>) -> bool {
    if ctx.client.watch_flag.is_set() {
        return true;
    }
    let now = ctx.now;
    for (db, key) in &ctx.client.watched {
        let h = hash_key(key);
        let shard = ctx.guards.shard_for(*db, h);
        let expired = shard.find_raw(h, key).is_some_and(|s| shard.entry(s).is_expired(now));
        if expired && !ctx.client.watched_expired.contains(&(*db, key.clone())) {
            return true;
        }
    }
    false
}

/// EXEC
pub fn exec(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    let Some(queue) = ctx.client.multi.take() else {
        return err("ERR EXEC without MULTI");
    };
    ctx.client.publish_info(|i| i.multi = -1);
    if std::mem::take(&mut ctx.client.multi_error) {
        unwatch_all(ctx.shared, ctx.client);
        return err("EXECABORT Transaction discarded because of previous errors.");
    }
    // Lock everything the transaction and its WATCHes touch, once, in order.
    let everything = queue.iter().any(|q| {
        let a = q.as_args();
        lookup(&a[0]).is_none_or(|s| s.has(flag::ALL_SHARDS) || s.name == "select" || !s.subcommands.is_empty())
    });
    let dbs: Vec<usize> = (0..ctx.shared.keyspace.databases()).collect();
    if everything {
        ctx.lock_dbs(&dbs);
    } else {
        let db = ctx.client.db;
        let mut wanted: Vec<(usize, usize)> =
            ctx.client.watched.iter().map(|(d, k)| (*d, shard_of(hash_key(k)))).collect();
        for q in &queue {
            let a = q.as_args();
            if let Some(spec) = lookup(&a[0]) {
                wanted.extend(spec.key_positions(a.len()).map(|i| (db, shard_of(hash_key(&a[i])))));
            }
        }
        ctx.guards.ensure(&ctx.shared.keyspace, &mut wanted);
    }
    if !ctx.client.watched.is_empty() && watch_failed(ctx) {
        ctx.guards.release();
        unwatch_all(ctx.shared, ctx.client);
        return Frame::NullArray;
    }
    let mut replies = Vec::with_capacity(queue.len());
    for q in &queue {
        let a = q.as_args();
        let mut followups = Vec::new();
        let reply = match super::dispatch::resolve_spec(a) {
            Ok(spec) => call(ctx.shared, ctx.client, ctx.guards, spec, a, &mut followups, true),
            Err(e) => e,
        };
        replies.push(reply);
        replies.extend(followups);
    }
    ctx.guards.release();
    unwatch_all(ctx.shared, ctx.client);
    Frame::Array(replies)
}
