//! Read-only point and count queries: ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK
//! ZCOUNT ZLEXCOUNT, plus ZRANDMEMBER and ZSCAN.

use bytes::Bytes;
use hearth_resp::{Args, Frame};
use rand::Rng;

use super::parse::{range_arg, scan_cursor, LexRange, ScoreRange};
use super::{bulk, read_zset, resp3, scored_reply, Ctx};
use crate::commands::args::{int_arg, is};
use crate::glob::glob_match;
use crate::keyspace::zset::ZSet;
use crate::reply::{err, wrong_arity, SYNTAX};

/// Runs `f` on the sorted set at `key` (None when missing), or replies
/// WRONGTYPE.
fn with_zset(ctx: &mut Ctx<'_>, key: &[u8], f: impl FnOnce(Option<&ZSet>) -> Frame) -> Frame {
    let shared = ctx.shared;
    let mut db = ctx.db();
    match read_zset(&mut db, key, &shared.stats) {
        Ok(z) => f(z),
        Err(e) => e,
    }
}

/// ZCARD key
pub fn zcard(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    with_zset(ctx, &args[1], |z| Frame::Integer(z.map_or(0, |z| z.len() as i64)))
}

/// ZSCORE key member
pub fn zscore(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    with_zset(ctx, &args[1], |z| z.and_then(|z| z.score(&args[2])).map_or(Frame::Null, Frame::Double))
}

/// ZMSCORE key member [member ...]
pub fn zmscore(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    with_zset(ctx, &args[1], |z| {
        Frame::Array(
            args.iter().skip(2).map(|m| z.and_then(|z| z.score(m)).map_or(Frame::Null, Frame::Double)).collect(),
        )
    })
}

fn rank_generic(ctx: &mut Ctx<'_>, args: Args<'_>, rev: bool) -> Frame {
    if args.len() > 4 {
        return wrong_arity(if rev { "zrevrank" } else { "zrank" });
    }
    let withscore = args.len() == 4;
    if withscore && !is(&args[3], "withscore") {
        return err(SYNTAX);
    }
    with_zset(ctx, &args[1], |z| match z.and_then(|z| z.rank(&args[2]).map(|r| (r, z.len()))) {
        Some(((rank, score), len)) => {
            let rank = if rev { len - 1 - rank } else { rank } as i64;
            if withscore {
                Frame::Array(vec![Frame::Integer(rank), Frame::Double(score)])
            } else {
                Frame::Integer(rank)
            }
        }
        None if withscore => Frame::NullArray,
        None => Frame::Null,
    })
}

/// ZRANK key member [WITHSCORE]
pub fn zrank(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    rank_generic(ctx, args, false)
}

/// ZREVRANK key member [WITHSCORE]
pub fn zrevrank(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    rank_generic(ctx, args, true)
}

/// ZCOUNT key min max
pub fn zcount(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match ScoreRange::parse(&args[2], &args[3]) {
        Ok(range) => count_between(ctx, &args[1], |z| range.ranks(z)),
        Err(e) => e,
    }
}

/// ZLEXCOUNT key min max
pub fn zlexcount(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match LexRange::parse(&args[2], &args[3]) {
        Ok(range) => count_between(ctx, &args[1], |z| range.ranks(z)),
        Err(e) => e,
    }
}

/// The number of members between the ranks `ranks` gives (0 for a missing key).
fn count_between(ctx: &mut Ctx<'_>, key: &[u8], ranks: impl FnOnce(&ZSet) -> (usize, usize)) -> Frame {
    with_zset(ctx, key, |z| {
        Frame::Integer(z.map_or(0, |z| {
            let (first, end) = ranks(z);
            end.saturating_sub(first) as i64
        }))
    })
}

/// ZRANDMEMBER key [count [WITHSCORES]]
pub fn zrandmember(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    if args.len() < 3 {
        return with_zset(ctx, &args[1], |z| match z {
            None => Frame::Null,
            Some(z) => {
                let r = rand::thread_rng().gen_range(0..z.len());
                z.nth(r).map_or(Frame::Null, |(m, _)| bulk(m))
            }
        });
    }
    let count = match range_arg(&args[2], -i64::MAX, i64::MAX, None) {
        Ok(c) => c,
        Err(e) => return e,
    };
    if args.len() > 4 || (args.len() == 4 && !is(&args[3], "withscores")) {
        return err(SYNTAX);
    }
    let withscores = args.len() == 4;
    if withscores && !(-i64::MAX / 2..=i64::MAX / 2).contains(&count) {
        return err("ERR value is out of range");
    }
    let resp3 = resp3(ctx);
    with_zset(ctx, &args[1], |z| match z {
        None => Frame::Array(Vec::new()),
        Some(z) => random_members(z, count, withscores, resp3),
    })
}

fn random_members(z: &ZSet, count: i64, withscores: bool, resp3: bool) -> Frame {
    let mut rng = rand::thread_rng();
    let size = z.len();
    if count == 0 {
        return Frame::Array(Vec::new());
    }
    if count < 0 || count == 1 {
        // With repetitions: independent picks.
        let picks = count.unsigned_abs() as usize;
        let items = (0..picks).filter_map(|_| z.nth(rng.gen_range(0..size)));
        return scored_reply(resp3, withscores, items);
    }
    let count = count as usize;
    if count >= size {
        // Everything, in the order Redis's set-operation iterator walks a
        // sorted set: from the highest score down.
        return scored_reply(resp3, withscores, z.walk(size - 1, true));
    }
    let mut ranks = rand::seq::index::sample(&mut rng, size, count).into_vec();
    if z.is_pack() {
        // Redis's listpack sampling keeps the listpack order.
        ranks.sort_unstable();
    }
    scored_reply(resp3, withscores, ranks.into_iter().filter_map(|r| z.nth(r)))
}

/// ZSCAN key cursor [MATCH pattern] [COUNT count]
pub fn zscan(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let cursor = match scan_cursor(&args[2]) {
        Ok(c) => c,
        Err(e) => return e,
    };
    with_zset(ctx, &args[1], |z| {
        let Some(z) = z else {
            return Frame::Array(vec![Frame::Bulk(Bytes::from_static(b"0")), Frame::Array(Vec::new())]);
        };
        let (mut count, mut pattern) = (10usize, None);
        let mut i = 3;
        while i < args.len() {
            let more = args.len() - i >= 2;
            if is(&args[i], "count") && more {
                match int_arg(&args[i + 1]) {
                    Ok(n) if n >= 1 => count = n as usize,
                    Ok(_) => return err(SYNTAX),
                    Err(e) => return e,
                }
                i += 2;
            } else if is(&args[i], "match") && more {
                pattern = Some(&args[i + 1]).filter(|p| *p != b"*");
                i += 2;
            } else if is(&args[i], "novalues") {
                return err("ERR NOVALUES option can only be used in HSCAN");
            } else {
                return err(SYNTAX);
            }
        }
        let mut out = Vec::new();
        let next = z.scan(cursor, count, |m, s| {
            if pattern.is_some_and(|p| !glob_match(p, m, false)) {
                return;
            }
            out.push(bulk(m));
            let mut text = Vec::with_capacity(24);
            hearth_resp::format_double(s, &mut text);
            out.push(Frame::Bulk(Bytes::from(text)));
        });
        Frame::Array(vec![Frame::Bulk(Bytes::from(next.to_string())), Frame::Array(out)])
    })
}
