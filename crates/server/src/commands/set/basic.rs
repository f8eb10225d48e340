//! SADD, SREM, SISMEMBER, SMISMEMBER, SCARD, SMOVE, SSCAN.

use hearth_resp::{Args, Frame};

use super::{limits, modify_set, modify_set_if, read_set, store_set, try_frame};
use crate::commands::hash::scan::{parse_cursor, parse_scan_options, scan_reply};
use crate::commands::Ctx;
use crate::keyspace::set::SetValue;
use crate::notify::class;

/// SADD key member [member ...]
pub fn sadd(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let key = &args[1];
    let lim = limits(ctx);
    let members = || args.iter().skip(2);
    let mut db = ctx.db();
    let exists = try_frame!(read_set(&mut db, key)).is_some();
    let added = if exists {
        modify_set_if(&mut db, key, |s| {
            s.reserve(args.len() - 2, &lim);
            let n = members().filter(|m| s.add(m, &lim)).count();
            (n, n > 0)
        })
        .unwrap_or(0)
    } else {
        let mut s = SetValue::new_for(&args[2], args.len() - 2, &lim);
        let n = members().filter(|m| s.add(m, &lim)).count();
        store_set(&mut db, key, s);
        n
    };
    if added > 0 {
        ctx.notify(class::SET, "sadd", key);
    }
    Frame::Integer(added as i64)
}

/// SREM key member [member ...]
pub fn srem(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let key = &args[1];
    let mut db = ctx.db();
    if try_frame!(read_set(&mut db, key)).is_none() {
        return Frame::Integer(0);
    }
    let (removed, empty) = modify_set_if(&mut db, key, |s| {
        // Redis stops at the member that empties the set.
        let mut n = 0;
        for m in args.iter().skip(2) {
            if s.remove(m) {
                n += 1;
                if s.is_empty() {
                    break;
                }
            }
        }
        ((n, s.is_empty()), n > 0)
    })
    .unwrap_or((0, false));
    if empty {
        db.delete(key);
    }
    if removed > 0 {
        ctx.notify(class::SET, "srem", key);
        if empty {
            ctx.notify(class::GENERIC, "del", key);
        }
    }
    Frame::Integer(removed)
}

/// SISMEMBER key member
pub fn sismember(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut db = ctx.db();
    let set = try_frame!(read_set(&mut db, &args[1]));
    Frame::Integer(set.is_some_and(|s| s.contains(&args[2])) as i64)
}

/// SMISMEMBER key member [member ...]
pub fn smismember(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut db = ctx.db();
    let set = try_frame!(read_set(&mut db, &args[1]));
    Frame::Array(args.iter().skip(2).map(|m| Frame::Integer(set.is_some_and(|s| s.contains(m)) as i64)).collect())
}

/// SCARD key
pub fn scard(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut db = ctx.db();
    Frame::Integer(try_frame!(read_set(&mut db, &args[1])).map_or(0, |s| s.len() as i64))
}

/// SMOVE source destination member
pub fn smove(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (src, dst, member) = (&args[1], &args[2], &args[3]);
    let lim = limits(ctx);
    let mut db = ctx.db();
    // Redis answers 0 for a missing source before looking at types.
    let Some(src_has) = read_set(&mut db, src).map(|s| s.map(|s| s.contains(member))).transpose() else {
        return Frame::Integer(0);
    };
    let src_has = try_frame!(src_has);
    let dst_exists = try_frame!(read_set(&mut db, dst)).is_some();
    if src == dst {
        return Frame::Integer(src_has as i64);
    }
    if !src_has {
        return Frame::Integer(0);
    }
    let src_empty = modify_set(&mut db, src, |s| {
        s.remove(member);
        s.is_empty()
    })
    .unwrap_or(false);
    if src_empty {
        db.delete(src);
    }
    let added = if dst_exists {
        modify_set_if(&mut db, dst, |s| {
            let added = s.add(member, &lim);
            (added, added)
        })
        .unwrap_or(false)
    } else {
        let mut s = SetValue::new_for(member, 1, &lim);
        s.add(member, &lim);
        store_set(&mut db, dst, s);
        true
    };
    ctx.notify(class::SET, "srem", src);
    if src_empty {
        ctx.notify(class::GENERIC, "del", src);
    }
    if added {
        ctx.notify(class::SET, "sadd", dst);
    }
    Frame::Integer(1)
}

/// SSCAN key cursor [MATCH pattern] [COUNT count]
pub fn sscan(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let cursor = try_frame!(parse_cursor(&args[2]));
    let mut db = ctx.db();
    let Some(set) = try_frame!(read_set(&mut db, &args[1])) else {
        return scan_reply(0, Vec::new());
    };
    let opts = try_frame!(parse_scan_options(&args, false));
    let mut items = Vec::new();
    let mut push = |m: crate::keyspace::set::Member<'_>| {
        m.with_bytes(|b| {
            if opts.matches(b) {
                items.push(Frame::Bulk(bytes::Bytes::copy_from_slice(b)));
            }
        })
    };
    if set.is_compact() {
        set.scan(0, &mut push);
        return scan_reply(0, items);
    }
    // Like Redis's dictScan loop: stop after COUNT elements were visited or
    // ten times COUNT buckets, whichever comes first.
    let (mut next, mut visited, mut budget) = (cursor, 0usize, opts.count.saturating_mul(10));
    loop {
        next = set.scan(next, |m| {
            visited += 1;
            push(m)
        });
        budget -= 1;
        if next == 0 || budget == 0 || visited >= opts.count {
            break;
        }
    }
    scan_reply(next, items)
}
