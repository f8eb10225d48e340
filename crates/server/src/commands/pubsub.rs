//! Pub/sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH,
//! PUBSUB CHANNELS|NUMSUB|NUMPAT|SHARDCHANNELS|SHARDNUMSUB.
//!
//! Each (un)subscription is confirmed by its own reply, a push in RESP3;
//! the first is the command's return value, the rest are followups.

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::Ctx;
use crate::pubsub::Kind;
use crate::reply::bulk_static;

fn confirm(verb: &'static str, name: Option<Bytes>, count: usize) -> Frame {
    Frame::Push(vec![bulk_static(verb), name.map_or(Frame::Null, Frame::Bulk), Frame::Integer(count as i64)])
}

fn set_of<'c>(ctx: &'c mut Ctx<'_>, kind: Kind) -> &'c mut std::collections::HashSet<Bytes> {
    match kind {
        Kind::Channel => &mut ctx.client.channels,
        Kind::Pattern => &mut ctx.client.patterns,
        Kind::Shard => &mut ctx.client.shard_channels,
    }
}

fn count_for(ctx: &Ctx<'_>, kind: Kind) -> usize {
    // Shard channels are counted on their own; channels and patterns together.
    match kind {
        Kind::Shard => ctx.client.shard_channels.len(),
        _ => ctx.client.channels.len() + ctx.client.patterns.len(),
    }
}

fn publish_subs(ctx: &Ctx<'_>) {
    let subs = (ctx.client.channels.len(), ctx.client.patterns.len(), ctx.client.shard_channels.len());
    ctx.client.publish_info(|i| i.subs = subs);
}

fn emit(ctx: &mut Ctx<'_>, frames: Vec<Frame>) -> Frame {
    let mut it = frames.into_iter();
    let first = it.next().expect("at least one confirmation");
    ctx.followups.extend(it);
    first
}

fn subscribe_generic(ctx: &mut Ctx<'_>, args: Args<'_>, kind: Kind, verb: &'static str) -> Frame {
    let mut frames = Vec::new();
    for name in args.iter().skip(1) {
        let name = Bytes::copy_from_slice(name);
        if set_of(ctx, kind).insert(name.clone()) {
            ctx.shared.pubsub.subscribe(kind, &name, &ctx.client.handle);
        }
        frames.push(confirm(verb, Some(name), count_for(ctx, kind)));
    }
    publish_subs(ctx);
    emit(ctx, frames)
}

fn unsubscribe_generic(ctx: &mut Ctx<'_>, args: Args<'_>, kind: Kind, verb: &'static str) -> Frame {
    let names: Vec<Bytes> = if args.len() > 1 {
        args.iter().skip(1).map(Bytes::copy_from_slice).collect()
    } else {
        set_of(ctx, kind).iter().cloned().collect()
    };
    if names.is_empty() {
        return confirm(verb, None, count_for(ctx, kind));
    }
    let mut frames = Vec::new();
    for name in names {
        if set_of(ctx, kind).remove(&name) {
            ctx.shared.pubsub.unsubscribe(kind, &name, ctx.client.id());
        }
        frames.push(confirm(verb, Some(name), count_for(ctx, kind)));
    }
    publish_subs(ctx);
    emit(ctx, frames)
}

/// SUBSCRIBE channel [channel ...]
pub fn subscribe(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    subscribe_generic(ctx, args, Kind::Channel, "subscribe")
}

/// PSUBSCRIBE pattern [pattern ...]
pub fn psubscribe(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    subscribe_generic(ctx, args, Kind::Pattern, "psubscribe")
}

/// SSUBSCRIBE shardchannel [shardchannel ...]
pub fn ssubscribe(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    subscribe_generic(ctx, args, Kind::Shard, "ssubscribe")
}

/// UNSUBSCRIBE [channel ...]
pub fn unsubscribe(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    unsubscribe_generic(ctx, args, Kind::Channel, "unsubscribe")
}

/// PUNSUBSCRIBE [pattern ...]
pub fn punsubscribe(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    unsubscribe_generic(ctx, args, Kind::Pattern, "punsubscribe")
}

/// SUNSUBSCRIBE [shardchannel ...]
pub fn sunsubscribe(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    unsubscribe_generic(ctx, args, Kind::Shard, "sunsubscribe")
}

fn publish_generic(ctx: &mut Ctx<'_>, args: Args<'_>, kind: Kind) -> Frame {
    let limit = ctx.config(|c| c.output_limits.pubsub.hard);
    let (channel, msg) = (Bytes::copy_from_slice(&args[1]), Bytes::copy_from_slice(&args[2]));
    let n = ctx.shared.pubsub.publish(kind, &channel, &msg, limit);
    crate::server::stats::Stats::incr(&ctx.shared.stats.pubsub_messages);
    Frame::Integer(n as i64)
}

/// PUBLISH channel message
pub fn publish(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    publish_generic(ctx, args, Kind::Channel)
}

/// SPUBLISH shardchannel message
pub fn spublish(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    publish_generic(ctx, args, Kind::Shard)
}

fn channels_generic(ctx: &mut Ctx<'_>, args: Args<'_>, kind: Kind) -> Frame {
    let pattern = (args.len() > 2).then(|| &args[2]);
    if args.len() > 3 {
        return crate::reply::wrong_arity(if kind == Kind::Shard { "pubsub|shardchannels" } else { "pubsub|channels" });
    }
    Frame::Array(ctx.shared.pubsub.names(kind, pattern).into_iter().map(Frame::Bulk).collect())
}

/// PUBSUB CHANNELS [pattern]
pub fn channels(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    channels_generic(ctx, args, Kind::Channel)
}

/// PUBSUB SHARDCHANNELS [pattern]
pub fn shardchannels(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    channels_generic(ctx, args, Kind::Shard)
}

fn numsub_generic(ctx: &mut Ctx<'_>, args: Args<'_>, kind: Kind) -> Frame {
    let mut out = Vec::new();
    for name in args.iter().skip(2) {
        out.push(Frame::Bulk(Bytes::copy_from_slice(name)));
        out.push(Frame::Integer(ctx.shared.pubsub.count(kind, name) as i64));
    }
    Frame::Array(out)
}

/// PUBSUB NUMSUB [channel ...]
pub fn numsub(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    numsub_generic(ctx, args, Kind::Channel)
}

/// PUBSUB SHARDNUMSUB [shardchannel ...]
pub fn shardnumsub(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    numsub_generic(ctx, args, Kind::Shard)
}

/// PUBSUB NUMPAT
pub fn numpat(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    Frame::Integer(ctx.shared.pubsub.pattern_count() as i64)
}

/// Drops every subscription of a disconnecting or RESET client.
pub fn unsubscribe_all(shared: &crate::server::Shared, client: &mut crate::conn::client::ClientState) {
    for (kind, set) in [
        (Kind::Channel, std::mem::take(&mut client.channels)),
        (Kind::Pattern, std::mem::take(&mut client.patterns)),
        (Kind::Shard, std::mem::take(&mut client.shard_channels)),
    ] {
        for name in set {
            shared.pubsub.unsubscribe(kind, &name, client.id());
        }
    }
}
