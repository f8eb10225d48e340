//! The list family: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LMPOP LMOVE
//! RPOPLPUSH (push_pop.rs), LLEN LRANGE LINDEX LPOS (read.rs), LSET
//! LINSERT LREM LTRIM (edit.rs).
//!
//! Handlers follow t_list.c step by step: the order in which arguments are
//! parsed and the key is looked up decides which error a bad call gets, and
//! the conversion checks (`List::prepare_grow` before adding,
//! `List::try_shrink` after removing) sit where Redis has them, so `OBJECT
//! ENCODING` changes at the same moments. The value type lives in
//! `keyspace::list`; this module only parses, replies and notifies.
//!
//! Blocking variants (BLPOP...) are not here: they build on `List`'s
//! `pop_front`/`pop_back`/`push_front`/`push_back`.

mod edit;
mod push_pop;
mod read;

use bytes::Bytes;
use hearth_resp::{BulkArray, Frame};

use super::args::parse_canonical_i64;
use super::flag::{ALL_SHARDS, READONLY, WRITE};
use super::table::{cmd, NONE, ONE, RO_FAST, TWO, W_OOM, W_OOM_FAST};
use super::{CommandSpec, Ctx};
use crate::keyspace::list::{End, List};
use crate::keyspace::{DbView, Object, Value, ValueRef};
use crate::reply::{err, err_owned, NOT_INTEGER, WRONGTYPE};
use crate::server::stats::CommandStats;

/// `list-max-listpack-size`, read once per command.
fn fill(ctx: &Ctx<'_>) -> i64 {
    ctx.config(|c| c.list_max_listpack_size)
}

/// The list at `key`: `Ok(None)` when missing, WRONGTYPE for another type.
fn read_list<'a>(db: &'a mut DbView<'_>, key: &[u8]) -> Result<Option<&'a List>, Frame> {
    match db.get(key).map(|e| e.value()) {
        None => Ok(None),
        Some(ValueRef::Obj(Object::List(l))) => Ok(Some(l)),
        Some(_) => Err(err(WRONGTYPE)),
    }
}

/// Changes the list at `key` (already known to be a live list) in place.
fn modify_list<R>(db: &mut DbView<'_>, key: &[u8], f: impl FnOnce(&mut List) -> R) -> Option<R> {
    db.update(key, |e| match e.object_mut() {
        Some(Object::List(l)) => Some(f(l)),
        _ => None,
    })
    .flatten()
}

/// Stores a new list at `key`.
fn store_list(db: &mut DbView<'_>, key: &[u8], list: List) {
    db.put(key, Value::Obj(Box::new(Object::List(list))), None);
}

/// Parses LEFT/RIGHT.
fn parse_end(arg: &[u8]) -> Result<End, Frame> {
    if arg.eq_ignore_ascii_case(b"left") {
        Ok(End::Head)
    } else if arg.eq_ignore_ascii_case(b"right") {
        Ok(End::Tail)
    } else {
        Err(err(crate::reply::SYNTAX))
    }
}

/// The pop event name for an end.
fn pop_event(end: End) -> &'static str {
    match end {
        End::Head => "lpop",
        End::Tail => "rpop",
    }
}

/// The push event name for an end.
fn push_event(end: End) -> &'static str {
    match end {
        End::Head => "lpush",
        End::Tail => "rpush",
    }
}

/// An i64 argument (Redis's `getLongFromObjectOrReply`).
fn long_arg(arg: &[u8]) -> Result<i64, Frame> {
    parse_canonical_i64(arg).ok_or_else(|| err(NOT_INTEGER))
}

/// Redis's `getRangeLongFromObjectOrReply` with its default messages.
fn range_arg(arg: &[u8], min: i64, max: i64) -> Result<i64, Frame> {
    let v = long_arg(arg)?;
    if v < min || v > max {
        return Err(err_owned(format!("ERR value is out of range, value must between {min} and {max}")));
    }
    Ok(v)
}

/// Redis's range check with a custom message used for every failure
/// (`getRangeLongFromObjectOrReply(..., msg)`).
fn range_arg_msg(arg: &[u8], min: i64, max: i64, msg: &'static str) -> Result<i64, Frame> {
    match parse_canonical_i64(arg) {
        Some(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(err(msg)),
    }
}

/// Normalizes a LRANGE-style inclusive range against `len`: `(start,
/// count)`, or None when it is empty (Redis's `addListRangeReply`).
fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let llen = len as i64;
    let mut start = if start < 0 { llen.saturating_add(start) } else { start };
    let mut end = if end < 0 { llen.saturating_add(end) } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        return None;
    }
    if end >= llen {
        end = llen - 1;
    }
    Some((start as usize, (end - start + 1) as usize))
}

/// `count` elements starting at `from`, going towards the head if
/// `reverse`, copied into one buffer (one allocation per reply instead of
/// one per element).
fn elements(list: &List, from: usize, count: usize, reverse: bool) -> BulkArray {
    let mut out = BulkArray::with_capacity(count.min(list.len()));
    for e in list.iter_at(from, reverse).take(count) {
        out.push_with(|buf| e.write_to(buf));
    }
    out
}

// -- Shared with blocking commands (BLPOP, BLMPOP, BLMOVE...) -----------------------------
//
// These run a pop or a move with every side effect of the non-blocking
// command: keyspace events, deleting an emptied key (with `del`), converting
// back to a listpack. The caller has locked the keys' shards.

/// The length of the list at `key`: `Ok(None)` when missing, WRONGTYPE for
/// another type.
pub(crate) fn list_len(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<Option<usize>, Frame> {
    read_list(&mut ctx.db(), key).map(|l| l.map(List::len))
}

/// Pops one element from `end` of the list at `key`, as LPOP/RPOP do;
/// None if there is no list there.
pub(crate) fn pop_one(ctx: &mut Ctx<'_>, key: &[u8], end: End) -> Option<Bytes> {
    let fill = fill(ctx);
    let popped = modify_list(&mut ctx.db(), key, |l| {
        let v = l.pop(end);
        l.try_shrink(fill);
        (v, l.is_empty())
    });
    let (v, emptied) = popped?;
    v.as_ref()?;
    after_removal(ctx, key, pop_event(end), emptied);
    v
}

/// Pops up to `count` elements from `end` of the list at `key` (as
/// LPOP/RPOP with a count and LMPOP do); returns them in pop order, empty
/// if there is no list there.
pub(crate) fn pop_many(ctx: &mut Ctx<'_>, key: &[u8], end: End, count: usize) -> Frame {
    let fill = fill(ctx);
    let popped = modify_list(&mut ctx.db(), key, |l| {
        let n = count.min(l.len());
        let (from, reverse) = match end {
            End::Head => (0, false),
            End::Tail => (l.len() - n, true),
        };
        let out = elements(l, if reverse { l.len().saturating_sub(1) } else { 0 }, n, reverse);
        l.delete_range(from, n);
        l.try_shrink(fill);
        (out, l.is_empty())
    });
    let Some((out, emptied)) = popped.filter(|(out, _)| !out.is_empty()) else {
        return Frame::Array(Vec::new());
    };
    after_removal(ctx, key, pop_event(end), emptied);
    Frame::BulkArray(Box::new(out))
}

/// Moves one element from `src` to `dst` as LMOVE does (`dst` may be
/// `src`); replies the element, null if `src` has no list, WRONGTYPE if
/// either key holds another type.
pub(crate) fn move_element(ctx: &mut Ctx<'_>, src: &[u8], dst: &[u8], from: End, to: End) -> Frame {
    push_pop::lmove_generic(ctx, src, dst, from, to)
}

/// Emits `event` for `key`, then deletes the key with a `del` event when
/// the removal emptied it (Redis's `listElementsRemoved`).
fn after_removal(ctx: &mut Ctx<'_>, key: &[u8], event: &'static str, emptied: bool) {
    ctx.notify(crate::notify::class::LIST, event, key);
    if emptied {
        ctx.db().delete(key);
        ctx.notify(crate::notify::class::GENERIC, "del", key);
    }
}

/// The list family's commands.
#[rustfmt::skip]
pub static COMMANDS: [CommandSpec; 17] = [
    cmd!("lpush", "lpush", -3, W_OOM_FAST, ONE, push_pop::lpush, "list", "1.0.0", "Prepends one or more elements to a list. Creates the key if it doesn't exist."),
    cmd!("rpush", "rpush", -3, W_OOM_FAST, ONE, push_pop::rpush, "list", "1.0.0", "Appends one or more elements to a list. Creates the key if it doesn't exist."),
    cmd!("lpushx", "lpushx", -3, W_OOM_FAST, ONE, push_pop::lpushx, "list", "2.2.0", "Prepends one or more elements to a list only when the list exists."),
    cmd!("rpushx", "rpushx", -3, W_OOM_FAST, ONE, push_pop::rpushx, "list", "2.2.0", "Appends an element to a list only when the list exists."),
    cmd!("lpop", "lpop", -2, WRITE | super::flag::FAST, ONE, push_pop::lpop, "list", "1.0.0", "Returns the first elements in a list after removing it. Deletes the list if the last element was popped."),
    cmd!("rpop", "rpop", -2, WRITE | super::flag::FAST, ONE, push_pop::rpop, "list", "1.0.0", "Returns and removes the last elements of a list. Deletes the list if the last element was popped."),
    cmd!("lmpop", "lmpop", -4, WRITE | ALL_SHARDS, NONE, push_pop::lmpop, "list", "7.0.0", "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped."),
    cmd!("lmove", "lmove", 5, W_OOM, TWO, push_pop::lmove, "list", "6.2.0", "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved."),
    cmd!("rpoplpush", "rpoplpush", 3, W_OOM, TWO, push_pop::rpoplpush, "list", "1.2.0", "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped."),
    cmd!("llen", "llen", 2, RO_FAST, ONE, read::llen, "list", "1.0.0", "Returns the length of a list."),
    cmd!("lrange", "lrange", 4, READONLY, ONE, read::lrange, "list", "1.0.0", "Returns a range of elements from a list."),
    cmd!("lindex", "lindex", 3, READONLY, ONE, read::lindex, "list", "1.0.0", "Returns an element from a list by its index."),
    cmd!("lpos", "lpos", -3, READONLY, ONE, read::lpos, "list", "6.0.6", "Returns the index of matching elements in a list."),
    cmd!("lset", "lset", 4, W_OOM, ONE, edit::lset, "list", "1.0.0", "Sets the value of an element in a list by its index."),
    cmd!("linsert", "linsert", 5, W_OOM, ONE, edit::linsert, "list", "2.2.0", "Inserts an element before or after another element in a list."),
    cmd!("lrem", "lrem", 4, WRITE, ONE, edit::lrem, "list", "1.0.0", "Removes elements from a list. Deletes the list if the last element was removed."),
    cmd!("ltrim", "ltrim", 4, WRITE, ONE, edit::ltrim, "list", "1.0.0", "Removes elements from both ends a list. Deletes the list if all elements were trimmed."),
];
