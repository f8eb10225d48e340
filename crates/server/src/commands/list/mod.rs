//! The list commands the foundation needs (RPUSH, LPUSH, LRANGE, LLEN), so
//! that type errors and TYPE have a second type to work with. The full
//! list family and compact encodings come with the data-types work.

use std::collections::VecDeque;

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::args::int_arg;
use super::table::{cmd, ONE, RO_FAST, W_OOM_FAST};
use super::{flag, CommandSpec, Ctx};
use crate::keyspace::{Object, Value, ValueRef};
use crate::reply::{err, WRONGTYPE};
use crate::server::stats::CommandStats;

fn push(ctx: &mut Ctx<'_>, args: Args<'_>, left: bool) -> Frame {
    let key = &args[1];
    let mut db = ctx.db();
    match db.peek(key).map(|e| e.value()) {
        None => {
            let mut l = VecDeque::new();
            for v in args.iter().skip(2) {
                if left {
                    l.push_front(v.into());
                } else {
                    l.push_back(v.into());
                }
            }
            let n = l.len();
            db.put(key, Value::Obj(Box::new(Object::List(l))), None);
            Frame::Integer(n as i64)
        }
        Some(ValueRef::Obj(Object::List(_))) => {
            let n = db.update(key, |e| {
                let Some(Object::List(l)) = e.object_mut() else { unreachable!("type checked") };
                for v in args.iter().skip(2) {
                    if left {
                        l.push_front(v.into());
                    } else {
                        l.push_back(v.into());
                    }
                }
                l.len()
            });
            Frame::Integer(n.unwrap_or(0) as i64)
        }
        Some(_) => err(WRONGTYPE),
    }
}

/// RPUSH key element [element ...]
pub fn rpush(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    push(ctx, args, false)
}

/// LPUSH key element [element ...]
pub fn lpush(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    push(ctx, args, true)
}

/// LLEN key
pub fn llen(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match ctx.db().get(&args[1]).map(|e| e.value()) {
        None => Frame::Integer(0),
        Some(ValueRef::Obj(Object::List(l))) => Frame::Integer(l.len() as i64),
        Some(_) => err(WRONGTYPE),
    }
}

/// LRANGE key start stop
pub fn lrange(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (start, stop) = match (int_arg(&args[2]), int_arg(&args[3])) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let mut db = ctx.db();
    let l = match db.get(&args[1]).map(|e| e.value()) {
        None => return Frame::Array(Vec::new()),
        Some(ValueRef::Obj(Object::List(l))) => l,
        Some(_) => return err(WRONGTYPE),
    };
    let len = l.len() as i64;
    let a = if start < 0 { (len + start).max(0) } else { start };
    let b = if stop < 0 { len + stop } else { stop.min(len - 1) };
    if a > b || a >= len {
        return Frame::Array(Vec::new());
    }
    Frame::Array(l.range(a as usize..=b as usize).map(|v| Frame::Bulk(Bytes::copy_from_slice(v))).collect())
}

/// The list family's commands.
#[rustfmt::skip]
pub static COMMANDS: [CommandSpec; 4] = [
    cmd!("rpush", "rpush", -3, W_OOM_FAST, ONE, rpush, "list", "1.0.0", "Appends one or more elements to a list. Creates the key if it doesn't exist."),
    cmd!("lpush", "lpush", -3, W_OOM_FAST, ONE, lpush, "list", "1.0.0", "Prepends one or more elements to a list. Creates the key if it doesn't exist."),
    cmd!("lrange", "lrange", 4, flag::READONLY, ONE, lrange, "list", "1.0.0", "Returns a range of elements from a list."),
    cmd!("llen", "llen", 2, RO_FAST, ONE, llen, "list", "1.0.0", "Returns the length of a list."),
];
