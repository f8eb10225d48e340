//! TTL commands: EXPIRE family with NX/XX/GT/LT, TTL/PTTL,
//! EXPIRETIME/PEXPIRETIME, PERSIST.

use hearth_resp::{Args, Frame};

use super::args::{int_arg, is};
use super::Ctx;
use crate::notify::class::GENERIC;
use crate::reply::err_owned;

#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Seconds,
    Millis,
}

fn expire_generic(ctx: &mut Ctx<'_>, args: Args<'_>, unit: Unit, absolute: bool, name: &str) -> Frame {
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for a in args.iter().skip(3) {
        match () {
            _ if is(a, "nx") => nx = true,
            _ if is(a, "xx") => xx = true,
            _ if is(a, "gt") => gt = true,
            _ if is(a, "lt") => lt = true,
            _ => return err_owned(format!("ERR Unsupported option {}", String::from_utf8_lossy(a))),
        }
    }
    if nx && (xx || gt || lt) {
        return err_owned("ERR NX and XX, GT or LT options at the same time are not compatible".into());
    }
    if gt && lt {
        return err_owned("ERR GT and LT options at the same time are not compatible".into());
    }
    let n = match int_arg(&args[2]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let invalid = || err_owned(format!("ERR invalid expire time in '{name}' command"));
    let Some(ms) = (if unit == Unit::Seconds { n.checked_mul(1000) } else { Some(n) }) else {
        return invalid();
    };
    let Some(when) = (if absolute { Some(ms) } else { ms.checked_add(ctx.now) }) else {
        return invalid();
    };
    let mut db = ctx.db();
    let Some(current) = db.peek(&args[1]).map(|e| e.expire_at()) else {
        return Frame::Integer(0);
    };
    let refused = (nx && current.is_some())
        || (xx && current.is_none())
        || (gt && current.is_none_or(|c| when <= c))
        || (lt && current.is_some_and(|c| when >= c));
    if refused {
        return Frame::Integer(0);
    }
    if when <= db.now() {
        db.delete(&args[1]);
        ctx.notify(GENERIC, "del", &args[1]);
    } else {
        db.set_expire(&args[1], Some(when));
        ctx.notify(GENERIC, "expire", &args[1]);
    }
    Frame::Integer(1)
}

/// EXPIRE key seconds [NX|XX|GT|LT]
pub fn expire(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    expire_generic(ctx, args, Unit::Seconds, false, "expire")
}

/// PEXPIRE key milliseconds [NX|XX|GT|LT]
pub fn pexpire(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    expire_generic(ctx, args, Unit::Millis, false, "pexpire")
}

/// EXPIREAT key unix-seconds [NX|XX|GT|LT]
pub fn expireat(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    expire_generic(ctx, args, Unit::Seconds, true, "expireat")
}

/// PEXPIREAT key unix-ms [NX|XX|GT|LT]
pub fn pexpireat(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    expire_generic(ctx, args, Unit::Millis, true, "pexpireat")
}

/// Reads a key's expire time: Err(-2) missing, Err(-1) no TTL.
fn expire_of(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<i64, i64> {
    match ctx.db().peek(key) {
        None => Err(-2),
        Some(e) => e.expire_at().ok_or(-1),
    }
}

/// TTL key
pub fn ttl(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let now = ctx.now;
    Frame::Integer(expire_of(ctx, &args[1]).map_or_else(|c| c, |at| ((at - now).max(0) + 500) / 1000))
}

/// PTTL key
pub fn pttl(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let now = ctx.now;
    Frame::Integer(expire_of(ctx, &args[1]).map_or_else(|c| c, |at| (at - now).max(0)))
}

/// EXPIRETIME key
pub fn expiretime(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    Frame::Integer(expire_of(ctx, &args[1]).map_or_else(|c| c, |at| (at + 500) / 1000))
}

/// PEXPIRETIME key
pub fn pexpiretime(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    Frame::Integer(expire_of(ctx, &args[1]).unwrap_or_else(|c| c))
}

/// PERSIST key
pub fn persist(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut db = ctx.db();
    match db.peek(&args[1]).map(|e| e.expire_at()) {
        Some(Some(_)) => {
            db.set_expire(&args[1], None);
            ctx.notify(GENERIC, "persist", &args[1]);
            Frame::Integer(1)
        }
        _ => Frame::Integer(0),
    }
}
