//! Hash reads: HGET, HMGET, HLEN, HSTRLEN, HEXISTS, HKEYS, HVALS, HGETALL.
//! A missing key reads as an empty hash.

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::read;
use super::write::try_frame;
use crate::commands::Ctx;

/// HGET key field
pub fn hget(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let field = &args[2];
    match try_frame!(read(ctx, &args[1], |h| h.get(field).map(Bytes::copy_from_slice))) {
        Some(Some(v)) => Frame::Bulk(v),
        _ => Frame::Null,
    }
}

/// HMGET key field [field ...]
pub fn hmget(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let fields = || args.iter().skip(2);
    let values = try_frame!(read(ctx, &args[1], |h| {
        fields().map(|f| h.get(f).map_or(Frame::Null, |v| Frame::Bulk(Bytes::copy_from_slice(v)))).collect()
    }));
    Frame::Array(values.unwrap_or_else(|| fields().map(|_| Frame::Null).collect()))
}

/// HLEN key
pub fn hlen(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    Frame::Integer(try_frame!(read(ctx, &args[1], |h| h.len() as i64)).unwrap_or(0))
}

/// HSTRLEN key field
pub fn hstrlen(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let field = &args[2];
    Frame::Integer(try_frame!(read(ctx, &args[1], |h| h.get(field).map_or(0, |v| v.len() as i64))).unwrap_or(0))
}

/// HEXISTS key field
pub fn hexists(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let field = &args[2];
    Frame::Integer(try_frame!(read(ctx, &args[1], |h| h.get(field).is_some() as i64)).unwrap_or(0))
}

/// HKEYS key
pub fn hkeys(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let keys = try_frame!(read(ctx, &args[1], |h| {
        let mut out = Vec::with_capacity(h.len());
        h.for_each(|f, _| out.push(Frame::Bulk(Bytes::copy_from_slice(f))));
        out
    }));
    Frame::Array(keys.unwrap_or_default())
}

/// HVALS key
pub fn hvals(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let vals = try_frame!(read(ctx, &args[1], |h| {
        let mut out = Vec::with_capacity(h.len());
        h.for_each(|_, v| out.push(Frame::Bulk(Bytes::copy_from_slice(v))));
        out
    }));
    Frame::Array(vals.unwrap_or_default())
}

/// HGETALL key (a map in RESP3, a flat array in RESP2)
pub fn hgetall(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let pairs = try_frame!(read(ctx, &args[1], |h| {
        h.pairs().into_iter().map(|(f, v)| (Frame::Bulk(f), Frame::Bulk(v))).collect()
    }));
    Frame::Map(pairs.unwrap_or_default())
}
