//! Hash writes: HSET, HMSET, HSETNX, HDEL, HINCRBY, HINCRBYFLOAT.

use hearth_resp::{Args, Frame};

use super::{delete_if_empty, limits, prepare, read, write, write_if};
use crate::commands::args::{int_arg, is, parse_canonical_i64};
use crate::commands::counter::incr_float_text;
use crate::commands::Ctx;
use crate::notify::class;
use crate::reply::{err, wrong_arity, NOT_FLOAT, OVERFLOW};

macro_rules! try_frame {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return e,
        }
    };
}
pub(super) use try_frame;

/// HSET key field value [field value ...] (and HMSET, which replies OK)
pub fn hset(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let hmset = is(&args[0], "hmset");
    if args.len() % 2 == 1 {
        return wrong_arity(if hmset { "hmset" } else { "hset" });
    }
    let key = &args[1];
    let exists = try_frame!(prepare(ctx, key));
    let lim = limits(ctx);
    let created = write(ctx, key, exists, |h| {
        h.prepare_write((args.len() - 2) / 2, args.iter().skip(2).map(|a| a.len()), &lim);
        (2..args.len()).step_by(2).filter(|&i| h.set(&args[i], &args[i + 1], false, &lim)).count()
    });
    ctx.notify(class::HASH, "hset", key);
    if hmset {
        Frame::ok()
    } else {
        Frame::Integer(created as i64)
    }
}

/// HSETNX key field value
pub fn hsetnx(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (key, field, value) = (&args[1], &args[2], &args[3]);
    let present = try_frame!(read(ctx, key, |h| h.get(field).is_some()));
    if present == Some(true) {
        return Frame::Integer(0);
    }
    let lim = limits(ctx);
    write(ctx, key, present.is_some(), |h| {
        h.prepare_write(1, [field.len(), value.len()].into_iter(), &lim);
        h.set(field, value, false, &lim)
    });
    ctx.notify(class::HASH, "hset", key);
    Frame::Integer(1)
}

/// HDEL key field [field ...]
pub fn hdel(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let key = &args[1];
    if !try_frame!(prepare(ctx, key)) {
        return Frame::Integer(0);
    }
    let deleted = write_if(ctx, key, true, |h| args.iter().skip(2).filter(|f| h.remove(f)).count(), |&n| n > 0);
    if deleted > 0 {
        let emptied = delete_if_empty(ctx, key);
        ctx.notify(class::HASH, "hdel", key);
        if emptied {
            ctx.notify(class::GENERIC, "del", key);
        }
    }
    Frame::Integer(deleted as i64)
}

/// HINCRBY key field increment
pub fn hincrby(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (key, field) = (&args[1], &args[2]);
    let incr = try_frame!(int_arg(&args[3]));
    let current = try_frame!(read(ctx, key, |h| h.get(field).map(parse_canonical_i64)));
    let old = match current {
        None | Some(None) => 0,
        Some(Some(Some(v))) => v,
        Some(Some(None)) => return err("ERR hash value is not an integer"),
    };
    let Some(new) = old.checked_add(incr) else {
        return err(OVERFLOW);
    };
    let lim = limits(ctx);
    let text = itoa::Buffer::new().format(new).as_bytes().to_vec();
    write(ctx, key, current.is_some(), |h| h.set(field, &text, true, &lim));
    ctx.notify(class::HASH, "hincrby", key);
    Frame::Integer(new)
}

const NAN_OR_INF: &str = "ERR increment would produce NaN or Infinity";

/// HINCRBYFLOAT key field increment (long double arithmetic, like INCRBYFLOAT)
pub fn hincrbyfloat(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (key, field, incr) = (&args[1], &args[2], &args[3]);
    // Redis parses the increment first and refuses an infinite one with its
    // own message; adding it to nothing tells the two cases apart.
    if let Err(e) = incr_float_text(None, incr) {
        return if e == err(NAN_OR_INF) { err("ERR value is NaN or Infinity") } else { err(NOT_FLOAT) };
    }
    let current = try_frame!(read(ctx, key, |h| h.get(field).map(<[u8]>::to_vec)));
    let text = match incr_float_text(current.as_ref().and_then(|c| c.as_deref()), incr) {
        Ok(t) => t,
        Err(e) if e == err(NOT_FLOAT) => return err("ERR hash value is not a float"),
        Err(e) => return e,
    };
    let lim = limits(ctx);
    write(ctx, key, current.is_some(), |h| h.set(field, &text, true, &lim));
    ctx.notify(class::HASH, "hincrbyfloat", key);
    Frame::Bulk(text.into())
}
