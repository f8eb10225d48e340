//! ZADD and ZINCRBY (one implementation, as in Redis), ZREM and the three
//! ZREMRANGEBY commands.
//!
//! ZADD decides every element against the current scores first, without
//! writing, and only then applies the changes: a ZADD that changes nothing
//! (NX on existing members, GT with a lower score...) must not count as a
//! write for WATCH, exactly as Redis does not signal the key.

use std::collections::HashMap;

use hearth_resp::{Args, Frame};

use super::parse::{long_arg, score_arg, LexRange, ScoreRange, NOT_FLOAT};
use super::{limits, modify_zset, peek_zset, store_zset, Ctx};
use crate::commands::args::is;
use crate::keyspace::zset::ZSet;
use crate::notify::class;
use crate::reply::{err, SYNTAX};

#[derive(Default, Clone, Copy)]
struct AddFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

/// What one score-member pair does.
enum Outcome {
    /// Nothing (NX/XX/GT/LT refused it).
    Nop,
    /// Processed, score unchanged.
    Same(f64),
    /// New member.
    Added(f64),
    /// Existing member, new score.
    Updated(f64),
    /// The increment produced NaN.
    Nan,
}

/// Redis's `zsetAdd` decision for one pair against the current score.
fn decide(cur: Option<f64>, score: f64, f: AddFlags) -> Outcome {
    match cur {
        Some(cur) => {
            if f.nx {
                return Outcome::Nop;
            }
            let mut s = score;
            if f.incr {
                s += cur;
                if s.is_nan() {
                    return Outcome::Nan;
                }
            }
            if (f.lt && s >= cur) || (f.gt && s <= cur) {
                Outcome::Nop
            } else if s != cur {
                Outcome::Updated(s)
            } else {
                Outcome::Same(s)
            }
        }
        None if f.xx => Outcome::Nop,
        None => Outcome::Added(score),
    }
}

/// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
pub fn zadd(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    add_generic(ctx, args, AddFlags::default())
}

/// ZINCRBY key increment member
pub fn zincrby(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    add_generic(ctx, args, AddFlags { incr: true, ..AddFlags::default() })
}

fn add_generic(ctx: &mut Ctx<'_>, args: Args<'_>, mut f: AddFlags) -> Frame {
    let mut idx = 2;
    while idx < args.len() {
        let a = &args[idx];
        if is(a, "nx") {
            f.nx = true;
        } else if is(a, "xx") {
            f.xx = true;
        } else if is(a, "ch") {
            f.ch = true;
        } else if is(a, "incr") {
            f.incr = true;
        } else if is(a, "gt") {
            f.gt = true;
        } else if is(a, "lt") {
            f.lt = true;
        } else {
            break;
        }
        idx += 1;
    }
    let rest = args.len() - idx;
    if rest % 2 == 1 || rest == 0 {
        return err(SYNTAX);
    }
    let elements = rest / 2;
    if f.nx && f.xx {
        return err("ERR XX and NX options at the same time are not compatible");
    }
    if (f.nx && (f.gt || f.lt)) || (f.gt && f.lt) {
        return err("ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if f.incr && elements > 1 {
        return err("ERR INCR option supports a single increment-element pair");
    }
    let mut pairs = Vec::with_capacity(elements);
    for j in 0..elements {
        match score_arg(&args[idx + 2 * j], NOT_FLOAT) {
            Ok(s) => pairs.push((s, &args[idx + 2 * j + 1])),
            Err(e) => return e,
        }
    }
    let lim = limits(ctx);
    let key = &args[1];
    let mut db = ctx.db();
    let z = match peek_zset(&mut db, key) {
        Ok(z) => z,
        Err(e) => return e,
    };
    let exists = z.is_some();
    // Decide every pair first; later pairs see earlier ones' effect.
    let (mut added, mut updated, mut processed, mut last) = (0i64, 0i64, 0, 0.0);
    let mut changes: Vec<(&[u8], f64)> = Vec::new();
    let mut seen: HashMap<&[u8], f64> = HashMap::new();
    for &(score, member) in &pairs {
        let cur = match seen.get(member) {
            Some(s) => Some(*s),
            None => z.and_then(|z| z.score(member)),
        };
        match decide(cur, score, f) {
            Outcome::Nan => {
                return err("ERR resulting score is not a number (NaN)");
            }
            Outcome::Nop => continue,
            Outcome::Same(s) => last = s,
            Outcome::Added(s) | Outcome::Updated(s) => {
                if cur.is_some() {
                    updated += 1;
                } else {
                    added += 1;
                }
                last = s;
                changes.push((member, s));
                if elements > 1 {
                    seen.insert(member, s);
                }
            }
        }
        processed += 1;
    }
    if !changes.is_empty() {
        if exists {
            modify_zset(&mut db, key, |z| {
                z.reserve(elements, lim);
                for &(m, s) in &changes {
                    z.insert(m, s, lim);
                }
            });
        } else {
            let mut z = ZSet::with_hint(elements, pairs[0].1.len(), lim);
            for &(m, s) in &changes {
                z.insert(m, s, lim);
            }
            store_zset(&mut db, key, z);
        }
    }
    if added + updated > 0 {
        ctx.notify(class::ZSET, if f.incr { "zincr" } else { "zadd" }, key);
    }
    if f.incr {
        if processed > 0 {
            Frame::Double(last)
        } else {
            Frame::Null
        }
    } else {
        Frame::Integer(if f.ch { added + updated } else { added })
    }
}

/// ZREM key member [member ...]
pub fn zrem(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let key = &args[1];
    let mut db = ctx.db();
    let present = match peek_zset(&mut db, key) {
        Ok(None) => return Frame::Integer(0),
        Ok(Some(z)) => args.iter().skip(2).any(|m| z.score(m).is_some()),
        Err(e) => return e,
    };
    if !present {
        return Frame::Integer(0);
    }
    let (deleted, key_removed) =
        modify_zset(&mut db, key, |z| args.iter().skip(2).filter(|m| z.remove(m).is_some()).count());
    ctx.notify(class::ZSET, "zrem", key);
    if key_removed {
        ctx.notify(class::GENERIC, "del", key);
    }
    Frame::Integer(deleted.unwrap_or(0) as i64)
}

/// Which ZREMRANGEBY command.
enum RemRange<'a> {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange<'a>),
}

fn remrange(ctx: &mut Ctx<'_>, args: Args<'_>, range: Result<RemRange<'_>, Frame>, event: &str) -> Frame {
    let range = match range {
        Ok(r) => r,
        Err(e) => return e,
    };
    let key = &args[1];
    let mut db = ctx.db();
    let (start, end) = match peek_zset(&mut db, key) {
        Ok(None) => return Frame::Integer(0),
        Err(e) => return e,
        Ok(Some(z)) => match &range {
            RemRange::Rank(start, end) => {
                let len = z.len() as i64;
                let mut start = if *start < 0 { len + start } else { *start };
                let end = if *end < 0 { len + end } else { *end };
                start = start.max(0);
                if start > end || start >= len {
                    return Frame::Integer(0);
                }
                (start as usize, end.min(len - 1) as usize + 1)
            }
            RemRange::Score(r) => r.ranks(z),
            RemRange::Lex(r) => r.ranks(z),
        },
    };
    if start >= end {
        return Frame::Integer(0);
    }
    let (_, key_removed) = modify_zset(&mut db, key, |z| z.remove_ranks(start, end));
    ctx.notify(class::ZSET, event, key);
    if key_removed {
        ctx.notify(class::GENERIC, "del", key);
    }
    Frame::Integer((end - start) as i64)
}

/// ZREMRANGEBYRANK key start stop
pub fn zremrangebyrank(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let range = long_arg(&args[2], None).and_then(|a| Ok(RemRange::Rank(a, long_arg(&args[3], None)?)));
    remrange(ctx, args, range, "zremrangebyrank")
}

/// ZREMRANGEBYSCORE key min max
pub fn zremrangebyscore(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let range = ScoreRange::parse(&args[2], &args[3]).map(RemRange::Score);
    remrange(ctx, args, range, "zremrangebyscore")
}

/// ZREMRANGEBYLEX key min max
pub fn zremrangebylex(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let range = LexRange::parse(&args[2], &args[3]).map(RemRange::Lex);
    remrange(ctx, args, range, "zremrangebylex")
}
