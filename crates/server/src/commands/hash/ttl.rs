//! Hash-field expiration (Redis 7.4): HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT
//! set TTLs, HTTL HPTTL HEXPIRETIME HPEXPIRETIME read them, HPERSIST clears
//! them. Every form takes `FIELDS numfields field...` and replies one code
//! per field: -2 no such field, and for the setters 0 (NX/XX/GT/LT not
//! met), 1 (set), 2 (deleted: the time is already past); -1 is "no TTL".

use hearth_resp::{Args, Frame};

use super::write::try_frame;
use super::{delete_if_empty, prepare, read, register_ttls, write_if};
use crate::commands::args::{int_arg, is, parse_canonical_i64};
use crate::commands::Ctx;
use crate::keyspace::hash::HashValue;
use crate::notify::class;
use crate::reply::{err, err_owned};

/// The largest accepted absolute expire time in ms (Redis's
/// `HFE_MAX_ABS_TIME_MSEC`, 2^46 - 1).
const MAX_ABS_MS: i64 = 0xFFFF_FFFF_FFFF >> 2;

const FIELDS_MISSING: &str = "ERR Mandatory argument FIELDS is missing or not at the right position";
const NUMFIELDS_MISMATCH: &str = "ERR The `numfields` parameter must match the number of arguments";

/// Checks `FIELDS numfields field...` starting at `at` (the FIELDS word);
/// `bad_count` is the error for a count that is not a positive integer.
fn fields<'a>(args: &'a Args<'_>, at: usize, bad_count: &'static str) -> Result<Vec<&'a [u8]>, Frame> {
    if !is(&args[at], "fields") {
        return Err(err(FIELDS_MISSING));
    }
    let n = match parse_canonical_i64(&args[at + 1]) {
        Some(n) if n >= 1 => n as u64,
        _ => return Err(err(bad_count)),
    };
    if n != (args.len() - at - 2) as u64 {
        return Err(err(NUMFIELDS_MISMATCH));
    }
    Ok(args.iter().skip(at + 2).collect())
}

#[derive(Clone, Copy, PartialEq)]
enum Cond {
    Always,
    Nx,
    Xx,
    Gt,
    Lt,
}

/// H(P)EXPIRE(AT): `base` is the command time for relative forms, 0 for
/// absolute ones; `secs` says the argument is in seconds.
fn hexpire_generic(ctx: &mut Ctx<'_>, args: Args<'_>, name: &str, relative: bool, secs: bool) -> Frame {
    let key = &args[1];
    let exists = try_frame!(prepare(ctx, key));
    let mut at = try_frame!(int_arg(&args[2]));
    if at < 0 {
        return err("ERR invalid expire time, must be >= 0");
    }
    let bad_time = || err_owned(format!("ERR invalid expire time in '{name}' command"));
    if secs {
        if at > MAX_ABS_MS / 1000 {
            return bad_time();
        }
        at *= 1000;
    }
    let (now, base) = (ctx.now, if relative { ctx.now } else { 0 });
    if at > MAX_ABS_MS - base {
        return bad_time();
    }
    at += base;
    let cond = match &args[3] {
        a if is(a, "nx") => Cond::Nx,
        a if is(a, "xx") => Cond::Xx,
        a if is(a, "gt") => Cond::Gt,
        a if is(a, "lt") => Cond::Lt,
        _ => Cond::Always,
    };
    let first = if cond == Cond::Always { 3 } else { 4 };
    let fields = try_frame!(fields(&args, first, "ERR Parameter `numFields` should be greater than 0"));
    if !exists {
        return Frame::Array(fields.iter().map(|_| Frame::Integer(-2)).collect());
    }
    let (codes, updated, deleted) = write_if(
        ctx,
        key,
        true,
        |h| {
            h.enable_ttl();
            let (mut updated, mut deleted) = (0, 0);
            let codes: Vec<Frame> = fields
                .iter()
                .map(|f| {
                    let code = match h.field_expire(f) {
                        None => -2,
                        Some(None) if matches!(cond, Cond::Xx | Cond::Gt) => 0,
                        Some(Some(prev))
                            if cond == Cond::Nx
                                || (cond == Cond::Gt && prev >= at)
                                || (cond == Cond::Lt && prev <= at) =>
                        {
                            0
                        }
                        Some(_) if at <= now => {
                            h.remove(f);
                            deleted += 1;
                            2
                        }
                        Some(_) => {
                            h.set_expire(f, Some(at));
                            updated += 1;
                            1
                        }
                    };
                    Frame::Integer(code)
                })
                .collect();
            (codes, updated, deleted)
        },
        |&(_, updated, deleted)| updated + deleted > 0,
    );
    if updated + deleted > 0 {
        let emptied = deleted > 0 && delete_if_empty(ctx, key);
        ctx.notify(class::HASH, if deleted > 0 { "hdel" } else { "hexpire" }, key);
        if emptied {
            ctx.notify(class::GENERIC, "del", key);
        } else {
            register_ttls(ctx, key);
        }
    }
    Frame::Array(codes)
}

/// HEXPIRE key seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
pub fn hexpire(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    hexpire_generic(ctx, args, "hexpire", true, true)
}

/// HPEXPIRE key milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
pub fn hpexpire(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    hexpire_generic(ctx, args, "hpexpire", true, false)
}

/// HEXPIREAT key unix-time-seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
pub fn hexpireat(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    hexpire_generic(ctx, args, "hexpireat", false, true)
}

/// HPEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
pub fn hpexpireat(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    hexpire_generic(ctx, args, "hpexpireat", false, false)
}

const NUMFIELDS_POSITIVE: &str = "ERR Number of fields must be a positive integer";

/// HTTL-like reads: -2 no field, -1 no TTL, else the remaining time or the
/// absolute time (`relative`), in seconds (rounded up) or ms.
fn httl_generic(ctx: &mut Ctx<'_>, args: Args<'_>, relative: bool, secs: bool) -> Frame {
    let key = &args[1];
    let exists = try_frame!(prepare(ctx, key));
    let fields = try_frame!(fields(&args, 2, NUMFIELDS_POSITIVE));
    let base = if relative { ctx.now } else { 0 };
    let expires: Vec<Option<Option<i64>>> = if exists {
        try_frame!(read(ctx, key, |h| fields.iter().map(|f| h.field_expire(f)).collect())).unwrap_or_default()
    } else {
        fields.iter().map(|_| None).collect()
    };
    Frame::Array(
        expires
            .into_iter()
            .map(|e| {
                Frame::Integer(match e {
                    None => -2,
                    Some(None) => -1,
                    Some(Some(at)) if secs => (at + 999 - base) / 1000,
                    Some(Some(at)) => at - base,
                })
            })
            .collect(),
    )
}

/// HTTL key FIELDS numfields field [field ...]
pub fn httl(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    httl_generic(ctx, args, true, true)
}

/// HPTTL key FIELDS numfields field [field ...]
pub fn hpttl(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    httl_generic(ctx, args, true, false)
}

/// HEXPIRETIME key FIELDS numfields field [field ...]
pub fn hexpiretime(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    httl_generic(ctx, args, false, true)
}

/// HPEXPIRETIME key FIELDS numfields field [field ...]
pub fn hpexpiretime(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    httl_generic(ctx, args, false, false)
}

/// HPERSIST key FIELDS numfields field [field ...]
pub fn hpersist(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let key = &args[1];
    let exists = try_frame!(prepare(ctx, key));
    let fields = try_frame!(fields(&args, 2, NUMFIELDS_POSITIVE));
    if !exists {
        return Frame::Array(fields.iter().map(|_| Frame::Integer(-2)).collect());
    }
    let persist = |h: &mut HashValue| -> Vec<i64> {
        fields
            .iter()
            .map(|f| match h.field_expire(f) {
                None => -2,
                Some(None) => -1,
                Some(Some(_)) => {
                    h.set_expire(f, None);
                    1
                }
            })
            .collect()
    };
    let codes = write_if(ctx, key, true, persist, |codes| codes.contains(&1));
    if codes.contains(&1) {
        ctx.notify(class::HASH, "hpersist", key);
    }
    Frame::Array(codes.into_iter().map(Frame::Integer).collect())
}
