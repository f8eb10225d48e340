//! SORT and SORT_RO, following Redis 7.4's `sort.c`.
//!
//! The steps are Redis's: parse every option (options.rs), look the key up
//! (a list, a set or a sorted set; a missing key is an empty list), load
//! the elements, weigh them through the BY pattern (pattern.rs) unless a
//! constant BY pattern said not to sort, sort, cut the LIMIT window, then
//! reply (GET patterns per element) or STORE the result as a list.
//!
//! Locking: BY and GET patterns can name any key of the database, so a
//! call that uses them locks the whole database; other calls lock only the
//! sorted key and the destination. Both commands therefore carry
//! `ALL_SHARDS` and lock for themselves; their key positions (the sorted
//! key and STORE's destination) come from `dispatch::key_positions`.
//!
//! Deliberate difference: Redis converts a small sorted set to its
//! skiplist encoding when sorting it (`OBJECT ENCODING` changes after a
//! read); Hearth leaves the value untouched.

mod options;
mod pattern;

use std::cmp::Ordering;

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::flag::{ALL_SHARDS, READONLY};
use super::table::{cmd, ONE, W_OOM};
use super::{CommandSpec, Ctx};
use crate::keyspace::list::List;
use crate::keyspace::{DbView, Object, Value, ValueRef};
use crate::notify::class;
use crate::reply::{err, WRONGTYPE};
use crate::server::stats::CommandStats;
use options::{window, SortOptions};

/// The SORT family's commands.
#[rustfmt::skip]
pub static COMMANDS: [CommandSpec; 2] = [
    cmd!("sort", "sort", -2, W_OOM | ALL_SHARDS, ONE, sort, "generic", "1.0.0", "Sorts the elements in a list, a set, or a sorted set, optionally storing the result."),
    cmd!("sort_ro", "sort_ro", -2, READONLY | ALL_SHARDS, ONE, sort_ro, "generic", "7.0.0", "Returns the sorted elements of a list, a set, or a sorted set."),
];

/// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]
fn sort(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    sort_generic(ctx, args, false)
}

/// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
fn sort_ro(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    sort_generic(ctx, args, true)
}

/// One element being sorted, with what it is compared by.
struct Item {
    elem: Vec<u8>,
    /// Numeric weight (0 when the BY pattern finds nothing).
    score: f64,
    /// ALPHA with BY: the looked-up string (None sorts first).
    by_value: Option<Vec<u8>>,
}

impl Item {
    fn new(elem: Vec<u8>) -> Item {
        Item { elem, score: 0.0, by_value: None }
    }
}

/// The loaded elements and the output window over them (`end < start`:
/// nothing).
struct Loaded {
    items: Vec<Item>,
    start: i64,
    end: i64,
}

fn sort_generic(ctx: &mut Ctx<'_>, args: Args<'_>, readonly: bool) -> Frame {
    let mut o = match SortOptions::parse(args, readonly) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let key = args.get(1);
    let db_index = ctx.client.db;
    if o.reads_other_keys() {
        ctx.lock_dbs(&[db_index]);
    } else {
        ctx.lock_keys(db_index, std::iter::once(key).chain(o.store));
    }
    let fill = ctx.config(|c| c.list_max_listpack_size);
    let mut db = ctx.db();
    let mut loaded = match load(&mut db, key, &mut o) {
        Ok(l) => l,
        Err(e) => return e,
    };
    if !o.dont_sort && !weigh_and_sort(&mut db, &mut loaded.items, &o) {
        return err("ERR One or more scores can't be converted into double");
    }
    let picked: &[Item] =
        if loaded.end >= loaded.start { &loaded.items[loaded.start as usize..=loaded.end as usize] } else { &[] };
    let Some(dest) = o.store else {
        return Frame::Array(reply_rows(&mut db, picked, &o.gets));
    };
    let rows = store_rows(&mut db, picked, &o.gets);
    let stored = rows.len();
    if stored > 0 {
        let list = List::built_from(rows.iter().map(Vec::as_slice), fill);
        db.put(dest, Value::Obj(Box::new(Object::List(list))), None);
        ctx.notify(class::LIST, "sortstore", dest);
    } else if db.delete(dest) {
        ctx.notify(class::GENERIC, "del", dest);
    }
    Frame::Integer(stored as i64)
}

/// Loads the elements of the value at `key` (Redis's vector loading): a
/// list or sorted set that is not sorted yields just the window, in
/// DESC order if asked; everything else yields every element.
fn load(db: &mut DbView<'_>, key: &[u8], o: &mut SortOptions<'_>) -> Result<Loaded, Frame> {
    let (items, start, end) = match db.get(key).map(|e| e.value()) {
        None => (Vec::new(), -1, -2),
        Some(ValueRef::Obj(Object::List(l))) => {
            if o.dont_sort {
                return Ok(in_native_order(l.len(), o, |from, rev| l.iter_at(from, rev).map(|e| e.to_vec())));
            }
            let (start, end) = window(o.offset, o.count, l.len());
            (l.iter_at(0, false).map(|e| Item::new(e.to_vec())).collect(), start, end)
        }
        Some(ValueRef::Obj(Object::ZSet(z))) => {
            if o.dont_sort {
                return Ok(in_native_order(z.len(), o, |from, rev| z.walk(from, rev).map(|(m, _)| m.to_vec())));
            }
            let (start, end) = window(o.offset, o.count, z.len());
            (z.walk(0, false).map(|(m, _)| Item::new(m.to_vec())).collect(), start, end)
        }
        Some(ValueRef::Obj(Object::Set(s))) => {
            // A set has no order of its own: stored results are sorted
            // (ALPHA) even under BY nosort, so replicas agree.
            if o.dont_sort && o.store.is_some() {
                o.dont_sort = false;
                o.alpha = true;
                o.by = None;
            }
            let (start, end) = window(o.offset, o.count, s.len());
            let mut items = Vec::with_capacity(s.len());
            s.for_each(|m| items.push(Item::new(m.with_bytes(<[u8]>::to_vec))));
            (items, start, end)
        }
        Some(_) => return Err(err(WRONGTYPE)),
    };
    Ok(Loaded { items, start, end })
}

/// The LIMIT window of a list or sorted set kept in its own order (read
/// from the tail for DESC): only the window is loaded.
fn in_native_order<I>(len: usize, o: &SortOptions<'_>, walk: impl FnOnce(usize, bool) -> I) -> Loaded
where
    I: Iterator<Item = Vec<u8>>,
{
    let (start, end) = window(o.offset, o.count, len);
    if end < start {
        return Loaded { items: Vec::new(), start: 0, end: -1 };
    }
    let n = (end - start + 1) as usize;
    let from = if o.desc { len - 1 - start as usize } else { start as usize };
    let items: Vec<Item> = walk(from, o.desc).take(n).map(Item::new).collect();
    let end = items.len() as i64 - 1;
    Loaded { items, start: 0, end }
}

/// Computes each element's weight (through BY, or the element itself) and
/// sorts. False when some numeric weight is not a number.
fn weigh_and_sort(db: &mut DbView<'_>, items: &mut [Item], o: &SortOptions<'_>) -> bool {
    let mut numbers_ok = true;
    for item in items.iter_mut() {
        let by_value = match o.by {
            Some(by) => match pattern::lookup(db, by, &item.elem) {
                Some(v) => Some(v),
                None => continue,
            },
            None => None,
        };
        if o.alpha {
            item.by_value = by_value;
        } else {
            match pattern::weight(by_value.as_deref().unwrap_or(&item.elem)) {
                Some(w) => item.score = w,
                None => numbers_ok = false,
            }
        }
    }
    let by_pattern = o.by.is_some();
    items.sort_by(|a, b| {
        let cmp = if !o.alpha {
            a.score.partial_cmp(&b.score).unwrap_or(Ordering::Equal).then_with(|| a.elem.cmp(&b.elem))
        } else if by_pattern {
            a.by_value.cmp(&b.by_value)
        } else {
            a.elem.cmp(&b.elem)
        };
        if o.desc {
            cmp.reverse()
        } else {
            cmp
        }
    });
    numbers_ok
}

/// The reply rows: each element, or one value per GET pattern (nil when
/// the pattern finds nothing).
fn reply_rows(db: &mut DbView<'_>, picked: &[Item], gets: &[&[u8]]) -> Vec<Frame> {
    if gets.is_empty() {
        return picked.iter().map(|i| Frame::Bulk(Bytes::copy_from_slice(&i.elem))).collect();
    }
    let mut out = Vec::with_capacity(picked.len() * gets.len());
    for item in picked {
        for g in gets {
            out.push(pattern::lookup(db, g, &item.elem).map_or(Frame::Null, |v| Frame::Bulk(Bytes::from(v))));
        }
    }
    out
}

/// The stored rows: like [`reply_rows`], with an empty string for nil.
fn store_rows(db: &mut DbView<'_>, picked: &[Item], gets: &[&[u8]]) -> Vec<Vec<u8>> {
    if gets.is_empty() {
        return picked.iter().map(|i| i.elem.clone()).collect();
    }
    let mut out = Vec::with_capacity(picked.len() * gets.len());
    for item in picked {
        for g in gets {
            out.push(pattern::lookup(db, g, &item.elem).unwrap_or_default());
        }
    }
    out
}
