//! ZPOPMIN, ZPOPMAX and ZMPOP (Redis's `genericZpopCommand`). The reply
//! shapes differ: ZPOPMIN/ZPOPMAX are flat (`member, score, ...`) except
//! with a count in RESP3, where they are `[member, score]` pairs; ZMPOP is
//! always `[key, [[member, score], ...]]`, or a null array.

use hearth_resp::{Args, Frame};

use super::parse::{positive_arg, range_arg};
use super::{bulk, modify_zset, peek_zset, resp3, Ctx};
use crate::commands::args::is;
use crate::notify::class;
use crate::reply::{err, SYNTAX};

/// Pops up to `count` members from one end of the sorted set at `key`
/// (known to exist), notifying; returns them in pop order.
fn pop_from(ctx: &mut Ctx<'_>, key: &[u8], count: usize, max: bool) -> Vec<(Vec<u8>, f64)> {
    let mut db = ctx.db();
    let (popped, key_removed) = modify_zset(&mut db, key, |z| {
        let len = z.len();
        let n = count.min(len);
        let start = if max { len - 1 } else { 0 };
        let popped: Vec<(Vec<u8>, f64)> = z.walk(start, max).take(n).map(|(m, s)| (m.to_vec(), s)).collect();
        if max {
            z.remove_ranks(len - n, len);
        } else {
            z.remove_ranks(0, n);
        }
        popped
    });
    ctx.notify(class::ZSET, if max { "zpopmax" } else { "zpopmin" }, key);
    if key_removed {
        ctx.notify(class::GENERIC, "del", key);
    }
    popped.unwrap_or_default()
}

fn pop_reply(items: Vec<(Vec<u8>, f64)>, nested: bool) -> Frame {
    let mut out = Vec::with_capacity(items.len() * 2);
    for (m, s) in items {
        if nested {
            out.push(Frame::Array(vec![bulk(&m), Frame::Double(s)]));
        } else {
            out.push(bulk(&m));
            out.push(Frame::Double(s));
        }
    }
    Frame::Array(out)
}

fn zpop(ctx: &mut Ctx<'_>, args: Args<'_>, max: bool) -> Frame {
    if args.len() > 3 {
        return err(SYNTAX);
    }
    let count = if args.len() == 3 {
        match positive_arg(&args[2]) {
            Ok(c) => Some(c as usize),
            Err(e) => return e,
        }
    } else {
        None
    };
    let key = &args[1];
    match peek_zset(&mut ctx.db(), key) {
        Ok(None) => return Frame::Array(Vec::new()),
        Err(e) => return e,
        Ok(Some(_)) => {}
    }
    if count == Some(0) {
        return Frame::Array(Vec::new());
    }
    let nested = count.is_some() && resp3(ctx);
    let items = pop_from(ctx, key, count.unwrap_or(1), max);
    pop_reply(items, nested)
}

/// ZPOPMIN key [count]
pub fn zpopmin(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    zpop(ctx, args, false)
}

/// ZPOPMAX key [count]
pub fn zpopmax(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    zpop(ctx, args, true)
}

/// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
pub fn zmpop(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let numkeys = match range_arg(&args[1], 1, i64::MAX, Some("ERR numkeys should be greater than 0")) {
        Ok(n) => n as usize,
        Err(e) => return e,
    };
    let where_idx = match numkeys.checked_add(2) {
        Some(i) if i < args.len() => i,
        _ => return err(SYNTAX),
    };
    let max = if is(&args[where_idx], "min") {
        false
    } else if is(&args[where_idx], "max") {
        true
    } else {
        return err(SYNTAX);
    };
    let mut count = None;
    let mut j = where_idx + 1;
    while j < args.len() {
        if count.is_none() && is(&args[j], "count") && j + 1 < args.len() {
            match range_arg(&args[j + 1], 1, i64::MAX, Some("ERR count should be greater than 0")) {
                Ok(c) => count = Some(c as usize),
                Err(e) => return e,
            }
            j += 2;
        } else {
            return err(SYNTAX);
        }
    }
    let keys = 2..where_idx;
    let db_index = ctx.client.db;
    ctx.lock_keys(db_index, keys.clone().map(|i| args.get(i)));
    let mut found = None;
    {
        let mut db = ctx.db();
        for i in keys {
            match peek_zset(&mut db, &args[i]) {
                Ok(None) => continue,
                Ok(Some(_)) => {
                    found = Some(i);
                    break;
                }
                Err(e) => return e,
            }
        }
    }
    let Some(i) = found else {
        return Frame::NullArray;
    };
    let key = args.get(i);
    let items = pop_from(ctx, key, count.unwrap_or(1), max);
    Frame::Array(vec![bulk(key), pop_reply(items, true)])
}
