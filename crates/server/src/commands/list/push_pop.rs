//! Adding and removing at the ends: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP
//! LMPOP, and moving between lists: LMOVE RPOPLPUSH.

use hearth_resp::{Args, Frame};

use super::{
    after_removal, fill, list_len, modify_list, move_element, parse_end, pop_event, pop_many, pop_one, push_event,
    range_arg_msg, read_list, store_list,
};
use crate::commands::Ctx;
use crate::keyspace::list::{End, List};
use crate::notify::class;
use crate::reply::{err, wrong_arity, SYNTAX};

/// LPUSH/RPUSH/LPUSHX/RPUSHX (`pushGenericCommand`).
fn push(ctx: &mut Ctx<'_>, args: Args<'_>, end: End, only_existing: bool) -> Frame {
    let key = args.get(1);
    let fill = fill(ctx);
    let values = || args.iter().skip(2);
    let add_bytes: usize = values().map(<[u8]>::len).sum();
    let add_len = args.len() - 2;
    let fill_with = |l: &mut List| {
        l.prepare_grow(fill, add_bytes, add_len);
        for v in values() {
            l.push(end, v);
        }
        l.len()
    };
    let mut db = ctx.db();
    let len = match read_list(&mut db, key) {
        Err(e) => return e,
        Ok(None) if only_existing => return Frame::Integer(0),
        Ok(None) => {
            let mut list = List::new();
            let len = fill_with(&mut list);
            store_list(&mut db, key, list);
            len
        }
        Ok(Some(_)) => modify_list(&mut db, key, fill_with).unwrap_or(0),
    };
    ctx.notify(class::LIST, push_event(end), key);
    Frame::Integer(len as i64)
}

/// LPUSH key element [element ...]
pub fn lpush(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    push(ctx, args, End::Head, false)
}

/// RPUSH key element [element ...]
pub fn rpush(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    push(ctx, args, End::Tail, false)
}

/// LPUSHX key element [element ...]
pub fn lpushx(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    push(ctx, args, End::Head, true)
}

/// RPUSHX key element [element ...]
pub fn rpushx(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    push(ctx, args, End::Tail, true)
}

/// LPOP/RPOP key [count] (`popGenericCommand`).
fn pop(ctx: &mut Ctx<'_>, args: Args<'_>, end: End, name: &str) -> Frame {
    if args.len() > 3 {
        return wrong_arity(name);
    }
    let count = match args.try_get(2) {
        None => None,
        Some(a) => match range_arg_msg(a, 0, i64::MAX, "ERR value is out of range, must be positive") {
            Ok(n) => Some(n as usize),
            Err(e) => return e,
        },
    };
    let key = args.get(1);
    match read_list(&mut ctx.db(), key) {
        Err(e) => return e,
        Ok(None) if count.is_some() => return Frame::NullArray,
        Ok(None) => return Frame::Null,
        Ok(Some(_)) => {}
    }
    match count {
        Some(0) => Frame::Array(Vec::new()),
        Some(n) => pop_many(ctx, key, end, n),
        None => pop_one(ctx, key, end).map_or(Frame::Null, Frame::Bulk),
    }
}

/// LPOP key [count]
pub fn lpop(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    pop(ctx, args, End::Head, "lpop")
}

/// RPOP key [count]
pub fn rpop(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    pop(ctx, args, End::Tail, "rpop")
}

/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
/// (`lmpopGenericCommand` + `mpopGenericCommand`).
pub fn lmpop(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let numkeys = match range_arg_msg(args.get(1), 1, i64::MAX, "ERR numkeys should be greater than 0") {
        Ok(n) => n as usize,
        Err(e) => return e,
    };
    let where_idx = match numkeys.checked_add(2) {
        Some(i) if i < args.len() => i,
        _ => return err(SYNTAX),
    };
    let end = match parse_end(args.get(where_idx)) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let mut count = None;
    let mut j = where_idx + 1;
    while j < args.len() {
        let more = j + 1 < args.len();
        if count.is_none() && more && args.get(j).eq_ignore_ascii_case(b"count") {
            match range_arg_msg(args.get(j + 1), 1, i64::MAX, "ERR count should be greater than 0") {
                Ok(n) => count = Some(n as usize),
                Err(e) => return e,
            }
            j += 2;
        } else {
            return err(SYNTAX);
        }
    }
    let count = count.unwrap_or(1);
    let keys = 2..where_idx;
    let db_index = ctx.client.db;
    ctx.lock_keys(db_index, keys.clone().map(|i| args.get(i)));
    for i in keys {
        let key = args.get(i);
        match list_len(ctx, key) {
            Err(e) => return e,
            Ok(Some(n)) if n > 0 => {}
            Ok(_) => continue,
        }
        let popped = pop_many(ctx, key, end, count);
        return Frame::Array(vec![Frame::Bulk(bytes::Bytes::copy_from_slice(key)), popped]);
    }
    Frame::NullArray
}

/// LMOVE/RPOPLPUSH (`lmoveGenericCommand`): pops from `src`, pushes to
/// `dst` (the same key works), replies the element.
pub(super) fn lmove_generic(ctx: &mut Ctx<'_>, src: &[u8], dst: &[u8], from: End, to: End) -> Frame {
    let fill = fill(ctx);
    let mut db = ctx.db();
    match read_list(&mut db, src) {
        Err(e) => return e,
        Ok(None) => return Frame::Null,
        Ok(Some(l)) if l.is_empty() => return Frame::Null,
        Ok(Some(_)) => {}
    }
    let dst_exists = match read_list(&mut db, dst) {
        Err(e) => return e,
        Ok(d) => d.is_some(),
    };
    let (value, emptied) = if src == dst {
        let moved = modify_list(&mut db, src, |l| {
            let v = l.pop(from)?;
            l.prepare_grow(fill, v.len(), 1);
            l.push(to, &v);
            l.try_shrink(fill);
            Some(v)
        });
        (moved.flatten(), false)
    } else {
        let popped = modify_list(&mut db, src, |l| {
            let v = l.pop(from);
            l.try_shrink(fill);
            (v, l.is_empty())
        });
        let (v, emptied) = popped.unwrap_or_default();
        if let Some(v) = &v {
            if dst_exists {
                modify_list(&mut db, dst, |l| l.push_at(to, v, fill));
            } else {
                let mut l = List::new();
                l.push_at(to, v, fill);
                store_list(&mut db, dst, l);
            }
        }
        (v, emptied)
    };
    let Some(value) = value else { return Frame::Null };
    ctx.notify(class::LIST, push_event(to), dst);
    after_removal(ctx, src, pop_event(from), emptied);
    Frame::Bulk(value)
}

/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
pub fn lmove(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (from, to) = match (parse_end(args.get(3)), parse_end(args.get(4))) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    move_element(ctx, args.get(1), args.get(2), from, to)
}

/// RPOPLPUSH source destination
pub fn rpoplpush(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    move_element(ctx, args.get(1), args.get(2), End::Tail, End::Head)
}
