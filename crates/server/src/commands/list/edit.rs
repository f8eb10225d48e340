//! Changing lists in the middle: LSET LINSERT LREM LTRIM.
//!
//! Redis runs its "may grow" conversion check before LSET and LINSERT even
//! when they then fail (index out of range, pivot missing), without
//! counting a write of the key. Such a failure only records the conversion
//! (`List::note_grow`, through a shared reference) so that WATCH and client
//! tracking see no write while `OBJECT ENCODING` reports what Redis does.

use hearth_resp::{Args, Frame};

use super::{after_removal, clamp_range, fill, long_arg, modify_list, range_arg, read_list};
use crate::commands::args::is;
use crate::commands::Ctx;
use crate::notify::class;
use crate::reply::{err, NO_SUCH_KEY, SYNTAX};

/// LSET key index element
pub fn lset(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (key, value) = (args.get(1), args.get(3));
    let fill = fill(ctx);
    let mut db = ctx.db();
    let list = match read_list(&mut db, key) {
        Err(e) => return e,
        Ok(None) => return err(NO_SUCH_KEY),
        Ok(Some(l)) => l,
    };
    // Redis 7.2+ passes the index to listTypeReplaceAtIndex as a C `int`:
    // 4294967296 addresses element 0 and 9223372036854775807 the last one.
    let index = match long_arg(args.get(2)) {
        Ok(i) => i as i32 as i64,
        Err(e) => return e,
    };
    let len = list.len() as i64;
    if index >= len || index < -len {
        list.note_grow(fill, value.len(), 1);
        return err("ERR index out of range");
    }
    modify_list(&mut db, key, |l| {
        l.prepare_grow(fill, value.len(), 1);
        l.set(index, value);
        l.try_shrink(fill);
    });
    ctx.notify(class::LIST, "lset", key);
    Frame::ok()
}

/// LINSERT key BEFORE|AFTER pivot element
pub fn linsert(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let after = match args.get(2) {
        a if is(a, "after") => true,
        a if is(a, "before") => false,
        _ => return err(SYNTAX),
    };
    let (key, pivot, value) = (args.get(1), args.get(3), args.get(4));
    let fill = fill(ctx);
    let mut db = ctx.db();
    match read_list(&mut db, key) {
        Err(e) => return e,
        Ok(None) => return Frame::Integer(0),
        Ok(Some(l)) if !l.iter_at(0, false).any(|e| e.eq_bytes(pivot)) => {
            l.note_grow(fill, value.len(), 1);
            return Frame::Integer(-1);
        }
        Ok(Some(_)) => {}
    }
    let len = modify_list(&mut db, key, |l| {
        l.prepare_grow(fill, value.len(), 1);
        l.insert(pivot, value, after);
        l.len()
    });
    ctx.notify(class::LIST, "linsert", key);
    Frame::Integer(len.unwrap_or(0) as i64)
}

/// LREM key count element
pub fn lrem(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let count = match range_arg(args.get(2), -i64::MAX, i64::MAX) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let (key, value) = (args.get(1), args.get(3));
    let fill = fill(ctx);
    let mut db = ctx.db();
    match read_list(&mut db, key) {
        Err(e) => return e,
        Ok(Some(l)) if l.iter_at(0, false).any(|e| e.eq_bytes(value)) => {}
        Ok(_) => return Frame::Integer(0),
    }
    let (removed, emptied) = modify_list(&mut db, key, |l| {
        let removed = l.remove(value, count);
        l.try_shrink(fill);
        (removed, l.is_empty())
    })
    .unwrap_or_default();
    after_removal(ctx, key, "lrem", emptied);
    Frame::Integer(removed as i64)
}

/// LTRIM key start stop
pub fn ltrim(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (start, end) = match (long_arg(args.get(2)), long_arg(args.get(3))) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let key = args.get(1);
    let fill = fill(ctx);
    let mut db = ctx.db();
    let len = match read_list(&mut db, key) {
        Err(e) => return e,
        Ok(None) => return Frame::ok(),
        Ok(Some(l)) => l.len(),
    };
    let (ltrim, rtrim) = match clamp_range(start, end, len) {
        Some((from, count)) => (from, len - from - count),
        None => (len, 0),
    };
    let emptied = modify_list(&mut db, key, |l| {
        l.delete_range(0, ltrim);
        let rest = l.len();
        l.delete_range(rest - rtrim, rtrim);
        l.try_shrink(fill);
        l.is_empty()
    })
    .unwrap_or(false);
    // Redis notifies `ltrim` (and counts a write) even when nothing was cut.
    after_removal(ctx, key, "ltrim", emptied);
    Frame::ok()
}
