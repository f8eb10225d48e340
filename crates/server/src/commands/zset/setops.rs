//! ZUNION ZINTER ZDIFF, their STORE forms and ZINTERCARD (Redis's
//! `zunionInterDiffGenericCommand`). Inputs may be sorted sets or plain
//! sets (whose members score 1).
//!
//! The keyspace lends one value at a time, so the work goes source by
//! source: the intersection keeps the smallest input's members as
//! candidates and filters them through each other input in turn, which
//! aggregates every member's scores in the same order Redis does (inputs
//! sorted by size). Results are sorted by `(score, member)` as Redis's
//! temporary skiplist sorts them.

use std::collections::HashMap;

use hearth_resp::{Args, Frame};

use super::parse::{long_arg, positive_arg, score_arg};
use super::{limits, resp3, scored_reply, store_zset, Ctx};
use crate::commands::args::is;
use crate::keyspace::set::SetValue;
use crate::keyspace::zset::{key_cmp, ZSet};
use crate::keyspace::{DbView, Object, ValueRef};
use crate::notify::class;
use crate::reply::{err, err_owned, SYNTAX, WRONGTYPE};
use crate::server::stats::Stats;

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// An input value.
enum Source<'a> {
    Sorted(&'a ZSet),
    Plain(&'a SetValue),
}

impl Source<'_> {
    fn len(&self) -> usize {
        match self {
            Source::Sorted(z) => z.len(),
            Source::Plain(s) => s.len(),
        }
    }

    fn score(&self, m: &[u8]) -> Option<f64> {
        match self {
            Source::Sorted(z) => z.score(m),
            Source::Plain(s) => s.contains(m).then_some(1.0),
        }
    }

    /// Every member with its score; sorted sets from the highest score
    /// down, as Redis's iterator walks them.
    fn each(&self, mut f: impl FnMut(&[u8], f64)) {
        match self {
            Source::Sorted(z) if z.is_empty() => {}
            Source::Sorted(z) => z.walk(z.len() - 1, true).for_each(|(m, s)| f(m, s)),
            Source::Plain(s) => s.for_each(|m| m.with_bytes(|b| f(b, 1.0))),
        }
    }
}

/// The input at `key`, or WRONGTYPE for anything but a set or sorted set.
fn source<'a>(db: &'a mut DbView<'_>, key: &[u8], stats: Option<&Stats>) -> Result<Option<Source<'a>>, Frame> {
    let v = if stats.is_some() { db.get(key) } else { db.peek(key) };
    if let Some(st) = stats {
        Stats::incr(if v.is_some() { &st.keyspace_hits } else { &st.keyspace_misses });
    }
    match v.map(|e| e.value()) {
        None => Ok(None),
        Some(ValueRef::Obj(Object::ZSet(z))) => Ok(Some(Source::Sorted(z))),
        Some(ValueRef::Obj(Object::Set(s))) => Ok(Some(Source::Plain(s))),
        Some(_) => Err(err(WRONGTYPE)),
    }
}

fn aggregate(target: &mut f64, v: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += v;
            // inf + -inf: Redis's convention is 0.
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if v < *target {
                *target = v;
            }
        }
        Aggregate::Max => {
            if v > *target {
                *target = v;
            }
        }
    }
}

/// One input: its key and weight.
struct Input<'a> {
    key: &'a [u8],
    weight: f64,
    len: usize,
}

/// Runs `f` on the input at `key` (already type-checked; missing is None).
fn with_source<R>(db: &mut DbView<'_>, key: &[u8], f: impl FnOnce(Option<Source<'_>>) -> R) -> R {
    f(source(db, key, None).unwrap_or(None))
}

fn compute(db: &mut DbView<'_>, inputs: &[Input<'_>], op: Op, how: Aggregate) -> Vec<(Vec<u8>, f64)> {
    match op {
        Op::Inter => {
            if inputs[0].len == 0 {
                return Vec::new();
            }
            let mut cands: Vec<(Vec<u8>, f64)> = Vec::with_capacity(inputs[0].len);
            with_source(db, inputs[0].key, |s| {
                if let Some(s) = s {
                    s.each(|m, v| {
                        let w = inputs[0].weight * v;
                        cands.push((m.to_vec(), if w.is_nan() { 0.0 } else { w }));
                    });
                }
            });
            for input in &inputs[1..] {
                with_source(db, input.key, |s| {
                    let Some(s) = s else {
                        cands.clear();
                        return;
                    };
                    cands.retain_mut(|(m, score)| match s.score(m) {
                        Some(v) => {
                            aggregate(score, v * input.weight, how);
                            true
                        }
                        None => false,
                    });
                });
            }
            cands
        }
        Op::Union => {
            let mut acc: HashMap<Vec<u8>, f64> = HashMap::new();
            for input in inputs.iter().filter(|i| i.len > 0) {
                with_source(db, input.key, |s| {
                    if let Some(s) = s {
                        s.each(|m, v| {
                            let mut w = input.weight * v;
                            if w.is_nan() {
                                w = 0.0;
                            }
                            match acc.get_mut(m) {
                                Some(t) => aggregate(t, w, how),
                                None => {
                                    acc.insert(m.to_vec(), w);
                                }
                            }
                        });
                    }
                });
            }
            acc.into_iter().collect()
        }
        Op::Diff => {
            if inputs[0].len == 0 {
                return Vec::new();
            }
            let mut left: Vec<(Vec<u8>, f64)> = Vec::with_capacity(inputs[0].len);
            with_source(db, inputs[0].key, |s| {
                if let Some(s) = s {
                    s.each(|m, v| left.push((m.to_vec(), v)));
                }
            });
            for input in inputs[1..].iter().filter(|i| i.len > 0) {
                if left.is_empty() {
                    break;
                }
                with_source(db, input.key, |s| {
                    if let Some(s) = s {
                        left.retain(|(m, _)| s.score(m).is_none());
                    }
                });
            }
            left
        }
    }
}

/// The shared implementation; `dst` is the destination's position for the
/// STORE forms, `card` selects ZINTERCARD.
fn generic(ctx: &mut Ctx<'_>, args: Args<'_>, dst: Option<usize>, op: Op, card: bool, name: &str) -> Frame {
    let nk_idx = if dst.is_some() { 2 } else { 1 };
    let numkeys = match long_arg(&args[nk_idx], None) {
        Ok(n) => n,
        Err(e) => return e,
    };
    if numkeys < 1 {
        return err_owned(format!("ERR at least 1 input key is needed for '{name}' command"));
    }
    if numkeys as u64 > (args.len() - nk_idx - 1) as u64 {
        return err(SYNTAX);
    }
    let numkeys = numkeys as usize;
    let first = nk_idx + 1;
    let db_index = ctx.client.db;
    ctx.lock_keys(db_index, dst.into_iter().chain(first..first + numkeys).map(|i| args.get(i)));
    let shared = ctx.shared;
    let mut inputs: Vec<Input<'_>> = Vec::with_capacity(numkeys);
    {
        let mut db = ctx.db();
        for i in first..first + numkeys {
            match source(&mut db, &args[i], Some(&shared.stats)) {
                Ok(s) => inputs.push(Input { key: args.get(i), weight: 1.0, len: s.map_or(0, |s| s.len()) }),
                Err(e) => return e,
            }
        }
    }
    let (mut how, mut withscores, mut limit) = (Aggregate::Sum, false, 0usize);
    let mut j = first + numkeys;
    while j < args.len() {
        let remaining = args.len() - j;
        let a = &args[j];
        if op != Op::Diff && !card && remaining > numkeys && is(a, "weights") {
            for (k, input) in inputs.iter_mut().enumerate() {
                match score_arg(&args[j + 1 + k], "ERR weight value is not a float") {
                    Ok(w) => input.weight = w,
                    Err(e) => return e,
                }
            }
            j += 1 + numkeys;
        } else if op != Op::Diff && !card && remaining >= 2 && is(a, "aggregate") {
            let v = &args[j + 1];
            how = if is(v, "sum") {
                Aggregate::Sum
            } else if is(v, "min") {
                Aggregate::Min
            } else if is(v, "max") {
                Aggregate::Max
            } else {
                return err(SYNTAX);
            };
            j += 2;
        } else if dst.is_none() && !card && is(a, "withscores") {
            withscores = true;
            j += 1;
        } else if card && remaining >= 2 && is(a, "limit") {
            match positive_arg(&args[j + 1]).map_err(|_| err("ERR LIMIT can't be negative")) {
                Ok(l) => limit = l as usize,
                Err(e) => return e,
            }
            j += 2;
        } else {
            return err(SYNTAX);
        }
    }
    if op != Op::Diff {
        inputs.sort_by_key(|i| i.len);
    }
    let lim = limits(ctx);
    let resp3 = resp3(ctx);
    let mut db = ctx.db();
    let mut result = compute(&mut db, &inputs, op, how);
    if card {
        let n = if limit > 0 { result.len().min(limit) } else { result.len() };
        return Frame::Integer(n as i64);
    }
    if let Some(d) = dst {
        let key = args.get(d);
        let n = result.len() as i64;
        if result.is_empty() {
            let existed = db.delete(key);
            if existed {
                ctx.notify(class::GENERIC, "del", key);
            }
            return Frame::Integer(0);
        }
        store_zset(&mut db, key, ZSet::from_members(result, lim));
        let event = match op {
            Op::Union => "zunionstore",
            Op::Inter => "zinterstore",
            Op::Diff => "zdiffstore",
        };
        ctx.notify(class::ZSET, event, key);
        return Frame::Integer(n);
    }
    result.sort_by(|a, b| key_cmp(a.1, &a.0, b.1, &b.0));
    scored_reply(resp3, withscores, result.iter().map(|(m, s)| (&m[..], *s)))
}

/// ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
pub fn zunion(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    generic(ctx, args, None, Op::Union, false, "zunion")
}

/// ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
pub fn zinter(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    generic(ctx, args, None, Op::Inter, false, "zinter")
}

/// ZDIFF numkeys key [key ...] [WITHSCORES]
pub fn zdiff(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    generic(ctx, args, None, Op::Diff, false, "zdiff")
}

/// ZINTERCARD numkeys key [key ...] [LIMIT limit]
pub fn zintercard(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    generic(ctx, args, None, Op::Inter, true, "zintercard")
}

/// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]
pub fn zunionstore(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    generic(ctx, args, Some(1), Op::Union, false, "zunionstore")
}

/// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]
pub fn zinterstore(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    generic(ctx, args, Some(1), Op::Inter, false, "zinterstore")
}

/// ZDIFFSTORE destination numkeys key [key ...]
pub fn zdiffstore(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    generic(ctx, args, Some(1), Op::Diff, false, "zdiffstore")
}
