//! Set algebra: SMEMBERS, SINTER, SINTERCARD, SINTERSTORE, SUNION,
//! SUNIONSTORE, SDIFF, SDIFFSTORE.
//!
//! A `DbView` lends one value at a time, so where Redis walks the first set
//! and probes the others member by member, these functions copy the
//! candidates of the first (smallest) set once and then filter them one
//! input set at a time: same result, same order, same complexity. Results
//! are built with Redis's encoding steps (t_set.c's `sinterGenericCommand`
//! and `sunionDiffGenericCommand`).

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::{limits, read_set, store_set, try_frame};
use crate::commands::args::parse_canonical_i64;
use crate::commands::Ctx;
use crate::keyspace::set::{SetLimits, SetValue};
use crate::keyspace::DbView;
use crate::notify::class;
use crate::reply::{err, SYNTAX};

/// Type-checks every key in order; the size of each set (None: missing).
fn sizes(db: &mut DbView<'_>, keys: &[&[u8]]) -> Result<Vec<Option<usize>>, Frame> {
    keys.iter().map(|k| read_set(db, k).map(|s| s.map(SetValue::len))).collect()
}

/// Members of the set at `key` as owned bytes, in its order.
fn members_of(db: &mut DbView<'_>, key: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if let Ok(Some(s)) = read_set(db, key) {
        out.reserve(s.len());
        s.for_each(|m| out.push(m.to_vec()));
    }
    out
}

/// Keeps the candidates that are (or, with `keep_members == false`, are
/// not) members of the set at `key`.
fn filter_by(db: &mut DbView<'_>, key: &[u8], candidates: &mut Vec<Vec<u8>>, keep_members: bool) {
    if let Ok(Some(s)) = read_set(db, key) {
        candidates.retain(|m| s.contains(m) == keep_members);
    }
}

/// Members in order, with the encoding name of the set they came from.
type Found = (Vec<Vec<u8>>, &'static str);

/// The intersection, in the smallest set's order, and that set's encoding
/// name; None when some key is missing (the intersection is empty).
fn intersection(db: &mut DbView<'_>, keys: &[&[u8]]) -> Result<Option<Found>, Frame> {
    let sizes = sizes(db, keys)?;
    if sizes.iter().any(Option::is_none) {
        return Ok(None);
    }
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&i| sizes[i]);
    let first = keys[order[0]];
    let encoding = read_set(db, first)?.map_or("listpack", SetValue::encoding);
    let mut candidates = members_of(db, first);
    for &i in &order[1..] {
        if candidates.is_empty() {
            break;
        }
        if keys[i] != first {
            filter_by(db, keys[i], &mut candidates, true);
        }
    }
    Ok(Some((candidates, encoding)))
}

/// The union of the sets at `keys`, built like Redis (from an intset).
pub(super) fn union_of(db: &mut DbView<'_>, keys: &[&[u8]], lim: &SetLimits) -> Result<SetValue, Frame> {
    sizes(db, keys)?;
    let mut dst = SetValue::new_intset();
    for key in keys {
        if let Some(s) = read_set(db, key)? {
            s.for_each(|m| {
                m.with_bytes(|b| dst.add(b, lim));
            });
        }
    }
    Ok(dst)
}

/// The difference of the first set and the others, with the algorithm
/// Redis would pick (it decides the result's encoding).
fn difference_of(db: &mut DbView<'_>, keys: &[&[u8]], lim: &SetLimits) -> Result<SetValue, Frame> {
    let sizes = sizes(db, keys)?;
    let mut dst = SetValue::new_intset();
    let Some(first) = sizes[0] else { return Ok(dst) };
    if keys[1..].contains(&keys[0]) {
        return Ok(dst);
    }
    let present = || sizes.iter().flatten();
    let algo_one = present().count() * first / 2;
    let algo_two: usize = present().sum();
    if algo_one <= algo_two {
        let mut candidates = members_of(db, keys[0]);
        let mut others: Vec<usize> = (1..keys.len()).filter(|&j| sizes[j].is_some()).collect();
        others.sort_by_key(|&j| std::cmp::Reverse(sizes[j]));
        for j in others {
            if candidates.is_empty() {
                break;
            }
            filter_by(db, keys[j], &mut candidates, false);
        }
        candidates.iter().for_each(|m| {
            dst.add(m, lim);
        });
    } else {
        members_of(db, keys[0]).iter().for_each(|m| {
            dst.add(m, lim);
        });
        for key in &keys[1..] {
            if dst.is_empty() {
                break;
            }
            for m in members_of(db, key) {
                dst.remove(&m);
            }
        }
    }
    Ok(dst)
}

fn set_frame(members: Vec<Bytes>) -> Frame {
    Frame::Set(members.into_iter().map(Frame::Bulk).collect())
}

/// Stores `result` at `dst` (or deletes `dst` when it is empty) and replies
/// the result's size, with Redis's events.
fn store(ctx: &mut Ctx<'_>, dst: &[u8], result: SetValue, event: &str) -> Frame {
    let n = result.len();
    let mut db = ctx.db();
    if n > 0 {
        store_set(&mut db, dst, result);
        ctx.notify(class::SET, event, dst);
    } else if db.delete(dst) {
        ctx.notify(class::GENERIC, "del", dst);
    }
    Frame::Integer(n as i64)
}

fn keys_from<'a>(args: &'a Args<'_>, start: usize) -> Vec<&'a [u8]> {
    args.iter().skip(start).collect()
}

/// SMEMBERS key (SINTER of one set, as in Redis)
pub fn smembers(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    sinter(ctx, args)
}

/// SINTER key [key ...]
pub fn sinter(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let keys = keys_from(&args, 1);
    let mut db = ctx.db();
    match try_frame!(intersection(&mut db, &keys)) {
        Some((members, _)) => set_frame(members.into_iter().map(Bytes::from).collect()),
        None => Frame::Set(Vec::new()),
    }
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit]
pub fn sintercard(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let numkeys = match parse_canonical_i64(&args[1]) {
        Some(n) if n >= 1 => n as usize,
        _ => return err("ERR numkeys should be greater than 0"),
    };
    if numkeys > args.len() - 2 {
        return err("ERR Number of keys can't be greater than number of args");
    }
    let mut limit = 0usize;
    let mut j = 2 + numkeys;
    while j < args.len() {
        if args[j].eq_ignore_ascii_case(b"limit") && j + 1 < args.len() {
            limit = match parse_canonical_i64(&args[j + 1]) {
                Some(n) if n >= 0 => n as usize,
                _ => return err("ERR LIMIT can't be negative"),
            };
            j += 2;
        } else {
            return err(SYNTAX);
        }
    }
    let keys: Vec<&[u8]> = args.iter().skip(2).take(numkeys).collect();
    let db_index = ctx.client.db;
    ctx.lock_keys(db_index, keys.iter().copied());
    let mut db = ctx.db();
    let n = try_frame!(intersection(&mut db, &keys)).map_or(0, |(m, _)| m.len());
    Frame::Integer(if limit > 0 { n.min(limit) } else { n } as i64)
}

/// SINTERSTORE destination key [key ...]
pub fn sinterstore(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let keys = keys_from(&args, 2);
    let lim = limits(ctx);
    let mut db = ctx.db();
    let result = match try_frame!(intersection(&mut db, &keys)) {
        None => SetValue::new_intset(),
        Some((members, encoding)) => {
            let mut dst = if encoding == "intset" { SetValue::new_intset() } else { SetValue::new_pack() };
            let only_integers = members.iter().all(|m| parse_canonical_i64(m).is_some());
            members.iter().for_each(|m| {
                dst.add(m, &lim);
            });
            if only_integers {
                dst.maybe_to_intset(&lim);
            }
            dst
        }
    };
    store(ctx, &args[1], result, "sinterstore")
}

/// SUNION key [key ...]
pub fn sunion(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let lim = limits(ctx);
    let mut db = ctx.db();
    set_frame(try_frame!(union_of(&mut db, &keys_from(&args, 1), &lim)).members())
}

/// SUNIONSTORE destination key [key ...]
pub fn sunionstore(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let lim = limits(ctx);
    let mut db = ctx.db();
    let result = try_frame!(union_of(&mut db, &keys_from(&args, 2), &lim));
    store(ctx, &args[1], result, "sunionstore")
}

/// SDIFF key [key ...]
pub fn sdiff(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let lim = limits(ctx);
    let mut db = ctx.db();
    set_frame(try_frame!(difference_of(&mut db, &keys_from(&args, 1), &lim)).members())
}

/// SDIFFSTORE destination key [key ...]
pub fn sdiffstore(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let lim = limits(ctx);
    let mut db = ctx.db();
    let result = try_frame!(difference_of(&mut db, &keys_from(&args, 2), &lim));
    store(ctx, &args[1], result, "sdiffstore")
}
