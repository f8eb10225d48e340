//! ZRANGE in all its forms (BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), the
//! older ZREVRANGE/Z[REV]RANGEBYSCORE/Z[REV]RANGEBYLEX spellings, and
//! ZRANGESTORE: one parser and one selection, as Redis's
//! `zrangeGenericCommand`.
//!
//! Score and lex ranges become ascending rank intervals (`ranks()`), and
//! LIMIT's offset is applied the way each Redis encoding does it: a
//! negative offset selects nothing on a listpack but counts from the far
//! end of the range on a skiplist.

use hearth_resp::{Args, Frame};

use super::parse::{long_arg, LexRange, ScoreRange};
use super::{read_zset, resp3, scored_reply, store_zset, Ctx};
use crate::commands::args::is;
use crate::keyspace::zset::ZSet;
use crate::notify::class;
use crate::reply::{err, SYNTAX};

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Auto,
    Rank,
    Score,
    Lex,
}

/// A parsed range request.
struct Spec {
    kind: Kind,
    rev: bool,
    withscores: bool,
    offset: i64,
    limit: i64,
    min: usize,
    max: usize,
}

enum Range<'a> {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange<'a>),
}

/// Parses the options after `<src> <min> <max>` (`src` is the key's
/// position), then the range itself.
fn parse<'a>(
    args: &'a Args<'_>,
    src: usize,
    store: bool,
    kind: Kind,
    rev: Option<bool>,
) -> Result<(Spec, Range<'a>), Frame> {
    let mut s =
        Spec { kind, rev: rev.unwrap_or(false), withscores: false, offset: 0, limit: -1, min: src + 1, max: src + 2 };
    let dir_fixed = rev.is_some();
    let mut j = src + 3;
    while j < args.len() {
        let a = &args[j];
        let left = args.len() - j - 1;
        if !store && is(a, "withscores") {
            s.withscores = true;
        } else if is(a, "limit") && left >= 2 {
            s.offset = long_arg(&args[j + 1], None)?;
            s.limit = long_arg(&args[j + 2], None)?;
            j += 2;
        } else if !dir_fixed && !s.rev && is(a, "rev") {
            s.rev = true;
        } else if s.kind == Kind::Auto && is(a, "bylex") {
            s.kind = Kind::Lex;
        } else if s.kind == Kind::Auto && is(a, "byscore") {
            s.kind = Kind::Score;
        } else {
            return Err(err(SYNTAX));
        }
        j += 1;
    }
    if s.kind == Kind::Auto {
        s.kind = Kind::Rank;
    }
    if s.limit != -1 && s.kind == Kind::Rank {
        return Err(err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"));
    }
    if s.withscores && s.kind == Kind::Lex {
        return Err(err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
    }
    if s.rev && s.kind != Kind::Rank {
        // Reversed score and lex ranges are given as max, min.
        std::mem::swap(&mut s.min, &mut s.max);
    }
    let range = match s.kind {
        Kind::Score => Range::Score(ScoreRange::parse(&args[s.min], &args[s.max])?),
        Kind::Lex => Range::Lex(LexRange::parse(&args[s.min], &args[s.max])?),
        _ => Range::Rank(long_arg(&args[s.min], None)?, long_arg(&args[s.max], None)?),
    };
    Ok((s, range))
}

/// The selected members, in reply order.
fn select<'z>(z: &'z ZSet, s: &Spec, range: &Range<'_>) -> Vec<(&'z [u8], f64)> {
    let len = z.len() as i64;
    let (first, end) = match range {
        Range::Rank(start, stop) => {
            let mut start = if *start < 0 { len + start } else { *start };
            let stop = if *stop < 0 { len + stop } else { *stop };
            start = start.max(0);
            if start > stop || start >= len {
                return Vec::new();
            }
            let n = (stop.min(len - 1) - start + 1) as usize;
            let from = if s.rev { (len - 1 - start) as usize } else { start as usize };
            return z.walk(from, s.rev).take(n).collect();
        }
        Range::Score(r) => r.ranks(z),
        Range::Lex(r) => r.ranks(z),
    };
    if first >= end {
        return Vec::new();
    }
    let (first, end, offset) = (first as i128, end as i128, s.offset as i128);
    let start = match (s.rev, offset >= 0) {
        (false, true) => first + offset,
        (true, true) => end - 1 - offset,
        // A negative offset walks a listpack off its end.
        (_, false) if z.is_pack() => return Vec::new(),
        (false, false) => end + offset,
        (true, false) => first - offset - 1,
    };
    if start < first || start >= end {
        return Vec::new();
    }
    let room = if s.rev { start - first + 1 } else { end - start } as usize;
    let n = if s.limit < 0 { room } else { room.min(s.limit as usize) };
    z.walk(start as usize, s.rev).take(n).collect()
}

/// Replies to a client with the range of the key at `src`.
fn range_reply(ctx: &mut Ctx<'_>, args: Args<'_>, kind: Kind, rev: Option<bool>) -> Frame {
    let (spec, range) = match parse(&args, 1, false, kind, rev) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let resp3 = resp3(ctx);
    let shared = ctx.shared;
    let mut db = ctx.db();
    match read_zset(&mut db, &args[1], &shared.stats) {
        Ok(None) => Frame::Array(Vec::new()),
        Ok(Some(z)) => scored_reply(resp3, spec.withscores, select(z, &spec, &range).into_iter()),
        Err(e) => e,
    }
}

/// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
pub fn zrange(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    range_reply(ctx, args, Kind::Auto, None)
}

/// ZREVRANGE key start stop [WITHSCORES]
pub fn zrevrange(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    range_reply(ctx, args, Kind::Rank, Some(true))
}

/// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
pub fn zrangebyscore(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    range_reply(ctx, args, Kind::Score, Some(false))
}

/// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
pub fn zrevrangebyscore(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    range_reply(ctx, args, Kind::Score, Some(true))
}

/// ZRANGEBYLEX key min max [LIMIT offset count]
pub fn zrangebylex(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    range_reply(ctx, args, Kind::Lex, Some(false))
}

/// ZREVRANGEBYLEX key max min [LIMIT offset count]
pub fn zrevrangebylex(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    range_reply(ctx, args, Kind::Lex, Some(true))
}

/// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
pub fn zrangestore(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (spec, range) = match parse(&args, 2, true, Kind::Auto, None) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let lim = super::limits(ctx);
    let shared = ctx.shared;
    let dst = &args[1];
    let mut db = ctx.db();
    let members: Vec<(Vec<u8>, f64)> = match read_zset(&mut db, &args[2], &shared.stats) {
        Ok(None) => Vec::new(),
        Ok(Some(z)) => select(z, &spec, &range).into_iter().map(|(m, s)| (m.to_vec(), s)).collect(),
        Err(e) => return e,
    };
    let n = members.len() as i64;
    if members.is_empty() {
        let existed = db.delete(dst);
        if existed {
            ctx.notify(class::GENERIC, "del", dst);
        }
        return Frame::Integer(0);
    }
    store_zset(&mut db, dst, ZSet::from_members(members, lim));
    ctx.notify(class::ZSET, "zrangestore", dst);
    Frame::Integer(n)
}
