//! SPOP and SRANDMEMBER, with Redis's strategies where they decide what is
//! observable: SPOP of the whole set replies like SUNION and deletes the key;
//! popping most of a set keeps the remainder in a freshly built set
//! (`listpack` when the source was a hash table, as in Redis); listpack
//! samples come back in listpack order.

use bytes::Bytes;
use hearth_resp::{Args, Frame};
use rand::Rng;

use super::algebra::union_of;
use super::{limits, modify_set, read_set, try_frame};
use crate::commands::args::{int_arg, parse_canonical_i64};
use crate::commands::hash::scan::{COUNT_RANGE, MAX_RANDOM_REPLY};
use crate::commands::Ctx;
use crate::keyspace::set::{SetLimits, SetValue};
use crate::notify::class;
use crate::reply::{err, SYNTAX};

/// SPOP_MOVE_STRATEGY_MUL in t_set.c.
const MOVE_STRATEGY_MUL: usize = 5;

fn bulks(items: Vec<Bytes>) -> Vec<Frame> {
    items.into_iter().map(Frame::Bulk).collect()
}

/// SPOP key [count]
pub fn spop(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    if args.len() == 3 {
        return spop_count(ctx, args);
    }
    if args.len() > 3 {
        return err(SYNTAX);
    }
    let key = &args[1];
    let mut db = ctx.db();
    if try_frame!(read_set(&mut db, key)).is_none() {
        return Frame::Null;
    }
    let (popped, empty) =
        modify_set(&mut db, key, |s| (s.pop_random(&mut rand::thread_rng()), s.is_empty())).unwrap_or((None, false));
    if empty {
        db.delete(key);
    }
    ctx.notify(class::SET, "spop", key);
    if empty {
        ctx.notify(class::GENERIC, "del", key);
    }
    popped.map_or(Frame::Null, Frame::Bulk)
}

/// Takes `count` members out of `s` (`0 < count < len`) and returns them.
fn pop_some(s: &mut SetValue, count: usize, lim: &SetLimits) -> Vec<Bytes> {
    let mut rng = rand::thread_rng();
    let remaining = s.len() - count;
    if remaining * MOVE_STRATEGY_MUL > count {
        if let SetValue::Pack(p) = s {
            // One pass over the listpack: the popped members come out in order.
            let picked = rand::seq::index::sample(&mut rng, p.len(), count);
            let mut take = vec![false; p.len()];
            picked.iter().for_each(|i| take[i] = true);
            let out = p.iter().enumerate().filter(|(i, _)| take[*i]).map(|(_, m)| Bytes::copy_from_slice(m)).collect();
            p.retain_positions(|i| !take[i]);
            return out;
        }
        return (0..count).filter_map(|_| s.pop_random(&mut rng)).collect();
    }
    // Most of the set goes: build the remainder as a new set and return the
    // rest of the old one in its order.
    let mut keep = match s {
        SetValue::Ints(_) => SetValue::new_intset(),
        _ => SetValue::new_pack(),
    };
    if let SetValue::Pack(_) = s {
        for m in s.sample_in_order(remaining, &mut rng) {
            keep.add(&m, lim);
            s.remove(&m);
        }
    } else {
        for _ in 0..remaining {
            if let Some(m) = s.pop_random(&mut rng) {
                keep.add(&m, lim);
            }
        }
    }
    let out = s.members();
    *s = keep;
    out
}

/// SPOP key count (a set reply)
fn spop_count(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let key = &args[1];
    let count = match parse_canonical_i64(&args[2]) {
        Some(n) if n >= 0 => n as u64,
        // Redis passes its range message for non-integers too.
        _ => return err("ERR value is out of range, must be positive"),
    };
    let lim = limits(ctx);
    let mut db = ctx.db();
    let Some(size) = try_frame!(read_set(&mut db, key)).map(|s| s.len() as u64) else {
        return Frame::Set(Vec::new());
    };
    if count == 0 {
        return Frame::Set(Vec::new());
    }
    if count >= size {
        let all = try_frame!(union_of(&mut db, &[key], &lim));
        db.delete(key);
        ctx.notify(class::SET, "spop", key);
        ctx.notify(class::GENERIC, "del", key);
        return Frame::Set(bulks(all.members()));
    }
    let popped = modify_set(&mut db, key, |s| pop_some(s, count as usize, &lim)).unwrap_or_default();
    ctx.notify(class::SET, "spop", key);
    Frame::Set(bulks(popped))
}

/// SRANDMEMBER key [count] (an array reply with a count)
pub fn srandmember(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    if args.len() > 3 {
        return err(SYNTAX);
    }
    let key = &args[1];
    if args.len() == 2 {
        let mut db = ctx.db();
        let set = try_frame!(read_set(&mut db, key));
        return set.and_then(|s| s.random(&mut rand::thread_rng())).map_or(Frame::Null, Frame::Bulk);
    }
    let l = try_frame!(int_arg(&args[2]));
    if l == i64::MIN {
        return err(COUNT_RANGE);
    }
    let (count, uniq) = (l.unsigned_abs(), l >= 0);
    if !uniq && count > MAX_RANDOM_REPLY {
        return err("ERR value is out of range");
    }
    let mut db = ctx.db();
    let Some(set) = try_frame!(read_set(&mut db, key)) else {
        return Frame::Array(Vec::new());
    };
    let mut rng = rand::thread_rng();
    let picked = if count == 0 {
        Vec::new()
    } else if !uniq || count == 1 {
        set.random_many(count as usize, &mut rng)
    } else if count >= set.len() as u64 {
        set.members()
    } else {
        let mut picked = set.sample_in_order(count as usize, &mut rng);
        if !matches!(set, SetValue::Pack(_)) {
            // Redis collects these through a temporary dict: no particular order.
            shuffle(&mut picked, &mut rng);
        }
        picked
    };
    Frame::Array(bulks(picked))
}

fn shuffle(v: &mut [Bytes], rng: &mut impl Rng) {
    use rand::seq::SliceRandom;
    v.shuffle(rng);
}
