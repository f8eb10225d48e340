//! String commands: GET/SET and their option sets, multi-key MGET/MSET,
//! APPEND, ranges. Counters (INCR family) and LCS live in `counter.rs`
//! and `lcs.rs`.

use std::borrow::Cow;

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::args::{int_arg, is};
use super::Ctx;
use crate::keyspace::{Value, ValueRef};
use crate::notify::class::{GENERIC, STRING};
use crate::reply::{bulk_int, err, err_owned, SYNTAX, TOO_LARGE, WRONGTYPE};
use crate::server::stats::Stats;

/// The bytes of a string value, or WRONGTYPE.
pub fn string_bytes(v: ValueRef<'_>) -> Result<Cow<'_, [u8]>, Frame> {
    match v {
        ValueRef::Str(s) => Ok(Cow::Borrowed(s)),
        ValueRef::Int(i) => Ok(Cow::Owned(itoa::Buffer::new().format(i).as_bytes().to_vec())),
        ValueRef::Obj(_) => Err(err(WRONGTYPE)),
    }
}

/// A string value as a bulk reply (WRONGTYPE for collections).
pub fn value_bulk(v: ValueRef<'_>) -> Frame {
    match v {
        ValueRef::Str(s) => Frame::Bulk(Bytes::copy_from_slice(s)),
        ValueRef::Int(i) => bulk_int(i),
        ValueRef::Obj(_) => err(WRONGTYPE),
    }
}

/// Reads a key for a read command, counting keyspace hits and misses.
fn read_bulk(ctx: &mut Ctx<'_>, key: &[u8]) -> Frame {
    let stats = &ctx.shared.stats;
    match ctx.db().get(key) {
        Some(e) => {
            Stats::incr(&stats.keyspace_hits);
            value_bulk(e.value())
        }
        None => {
            Stats::incr(&stats.keyspace_misses);
            Frame::Null
        }
    }
}

/// GET key
pub fn get(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    read_bulk(ctx, &args[1])
}

/// SET's expire option.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExpireOpt {
    /// No change requested.
    None,
    /// Absolute unix ms.
    At(i64),
    /// KEEPTTL.
    Keep,
}

/// Converts `EX|PX|EXAT|PXAT n` into an absolute time, or Redis's error.
pub fn expire_at(unit: &[u8], n: &[u8], now: i64, cmd: &str) -> Result<i64, Frame> {
    let v = int_arg(n)?;
    let invalid = || err_owned(format!("ERR invalid expire time in '{cmd}' command"));
    if v <= 0 {
        return Err(invalid());
    }
    let ms = if is(unit, "ex") || is(unit, "exat") { v.checked_mul(1000).ok_or_else(invalid)? } else { v };
    if is(unit, "ex") || is(unit, "px") {
        ms.checked_add(now).ok_or_else(invalid)
    } else {
        Ok(ms)
    }
}

struct SetOpts {
    nx: bool,
    xx: bool,
    get: bool,
    expire: ExpireOpt,
}

/// Parses SET's options. Like Redis, every option is checked for syntax
/// first and the expire value is converted last, so `EX EXAT 10` is a
/// syntax error rather than a bad integer.
fn parse_set_opts(args: Args<'_>, now: i64) -> Result<SetOpts, Frame> {
    let mut o = SetOpts { nx: false, xx: false, get: false, expire: ExpireOpt::None };
    let mut timed: Option<(&[u8], &[u8])> = None;
    let mut i = 3;
    while i < args.len() {
        let a = &args[i];
        let unit = ["ex", "px", "exat", "pxat"].iter().any(|u| is(a, u));
        let no_expire_yet = o.expire == ExpireOpt::None && timed.is_none();
        if is(a, "nx") && !o.xx {
            o.nx = true;
        } else if is(a, "xx") && !o.nx {
            o.xx = true;
        } else if is(a, "get") {
            o.get = true;
        } else if is(a, "keepttl") && no_expire_yet {
            o.expire = ExpireOpt::Keep;
        } else if unit && no_expire_yet && i + 1 < args.len() {
            timed = Some((a, &args[i + 1]));
            i += 1;
        } else {
            return Err(err(SYNTAX));
        }
        i += 1;
    }
    if let Some((unit, n)) = timed {
        o.expire = ExpireOpt::At(expire_at(unit, n, now, "set")?);
    }
    Ok(o)
}

/// SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT n|KEEPTTL]
pub fn set(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let o = match parse_set_opts(args, ctx.now) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let (key, value) = (&args[1], &args[2]);
    let mut db = ctx.db();
    let old = match db.peek(key) {
        Some(e) => {
            if o.get {
                match e.value() {
                    ValueRef::Obj(_) => return err(WRONGTYPE),
                    v => Some((value_bulk(v), e.expire_at())),
                }
            } else {
                Some((Frame::Null, e.expire_at()))
            }
        }
        None => None,
    };
    let reply_old = |old: &Option<(Frame, Option<i64>)>| old.as_ref().map_or(Frame::Null, |(f, _)| f.clone());
    if (o.nx && old.is_some()) || (o.xx && old.is_none()) {
        return if o.get { reply_old(&old) } else { Frame::Null };
    }
    let ttl = match o.expire {
        ExpireOpt::At(at) => Some(at),
        ExpireOpt::Keep => old.as_ref().and_then(|(_, t)| *t),
        _ => None,
    };
    if ttl.is_some_and(|at| at <= db.now()) {
        // Already in the past (EXAT/PXAT): Redis deletes instead of storing.
        if db.delete(key) {
            ctx.notify(GENERIC, "del", key);
        }
    } else {
        db.put(key, Value::string(value), ttl);
        ctx.notify(STRING, "set", key);
        if matches!(o.expire, ExpireOpt::At(_)) {
            ctx.notify(GENERIC, "expire", key);
        }
    }
    if o.get {
        reply_old(&old)
    } else {
        Frame::ok()
    }
}

/// SETNX key value
pub fn setnx(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut db = ctx.db();
    if db.exists(&args[1]) {
        return Frame::Integer(0);
    }
    db.put(&args[1], Value::string(&args[2]), None);
    ctx.notify(STRING, "set", &args[1]);
    Frame::Integer(1)
}

fn set_with_ttl(ctx: &mut Ctx<'_>, args: Args<'_>, unit: &str, cmd: &str) -> Frame {
    let at = match expire_at(unit.as_bytes(), &args[2], ctx.now, cmd) {
        Ok(at) => at,
        Err(e) => return e,
    };
    ctx.db().put(&args[1], Value::string(&args[3]), Some(at));
    ctx.notify(STRING, "set", &args[1]);
    ctx.notify(GENERIC, "expire", &args[1]);
    Frame::ok()
}

/// SETEX key seconds value
pub fn setex(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    set_with_ttl(ctx, args, "ex", "setex")
}

/// PSETEX key milliseconds value
pub fn psetex(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    set_with_ttl(ctx, args, "px", "psetex")
}

/// MGET key [key ...]
pub fn mget(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut db = ctx.db();
    let items = args
        .iter()
        .skip(1)
        .map(|k| match db.get(k).map(|e| e.value()) {
            Some(v @ (ValueRef::Str(_) | ValueRef::Int(_))) => value_bulk(v),
            _ => Frame::Null,
        })
        .collect();
    Frame::Array(items)
}

fn pairs_ok(args: Args<'_>, name: &str) -> Result<(), Frame> {
    if args.len().is_multiple_of(2) {
        return Err(crate::reply::wrong_arity(name));
    }
    Ok(())
}

/// MSET key value [key value ...]
pub fn mset(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    if let Err(e) = pairs_ok(args, "mset") {
        return e;
    }
    let mut db = ctx.db();
    for i in (1..args.len()).step_by(2) {
        db.put(&args[i], Value::string(&args[i + 1]), None);
    }
    for i in (1..args.len()).step_by(2) {
        ctx.notify(STRING, "set", &args[i]);
    }
    Frame::ok()
}

/// MSETNX key value [key value ...]
pub fn msetnx(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    if let Err(e) = pairs_ok(args, "msetnx") {
        return e;
    }
    let mut db = ctx.db();
    if (1..args.len()).step_by(2).any(|i| db.exists(&args[i])) {
        return Frame::Integer(0);
    }
    for i in (1..args.len()).step_by(2) {
        db.put(&args[i], Value::string(&args[i + 1]), None);
    }
    for i in (1..args.len()).step_by(2) {
        ctx.notify(STRING, "set", &args[i]);
    }
    Frame::Integer(1)
}

/// GETSET key value
pub fn getset(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut db = ctx.db();
    let old = match db.get(&args[1]) {
        Some(e) => value_bulk(e.value()),
        None => Frame::Null,
    };
    if matches!(old, Frame::Error(_)) {
        return old;
    }
    db.put(&args[1], Value::string(&args[2]), None);
    ctx.notify(STRING, "set", &args[1]);
    old
}

/// GETDEL key
pub fn getdel(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut db = ctx.db();
    let old = match db.get(&args[1]) {
        Some(e) => value_bulk(e.value()),
        None => return Frame::Null,
    };
    if !matches!(old, Frame::Error(_)) {
        db.delete(&args[1]);
        ctx.notify(GENERIC, "del", &args[1]);
    }
    old
}

/// GETEX key [EX|PX|EXAT|PXAT n|PERSIST]
///
/// Options are checked for syntax first; like Redis, the expire value is
/// only converted once the key is known to hold a string.
pub fn getex(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut persist = false;
    let mut timed: Option<(&[u8], &[u8])> = None;
    let mut i = 2;
    while i < args.len() {
        let a = &args[i];
        let free = !persist && timed.is_none();
        if is(a, "persist") && free {
            persist = true;
        } else if ["ex", "px", "exat", "pxat"].iter().any(|u| is(a, u)) && free && i + 1 < args.len() {
            timed = Some((a, &args[i + 1]));
            i += 1;
        } else {
            return err(SYNTAX);
        }
        i += 1;
    }
    let now = ctx.now;
    let mut db = ctx.db();
    let reply = match db.get(&args[1]) {
        Some(e) => value_bulk(e.value()),
        None => return Frame::Null,
    };
    if matches!(reply, Frame::Error(_)) {
        return reply;
    }
    if let Some((unit, n)) = timed {
        match expire_at(unit, n, now, "getex") {
            Ok(at) if at <= now => {
                db.delete(&args[1]);
                ctx.notify(GENERIC, "del", &args[1]);
            }
            Ok(at) => {
                db.set_expire(&args[1], Some(at));
                ctx.notify(GENERIC, "expire", &args[1]);
            }
            Err(e) => return e,
        }
    } else if persist && db.peek(&args[1]).is_some_and(|e| e.expire_at().is_some()) {
        db.set_expire(&args[1], None);
        ctx.notify(GENERIC, "persist", &args[1]);
    }
    reply
}

/// APPEND key value
pub fn append(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let max = ctx.config(|c| c.proto_max_bulk_len) as usize;
    let (key, extra) = (&args[1], &args[2]);
    let mut db = ctx.db();
    let current = match db.peek(key) {
        None => {
            db.put(key, Value::string(extra), None);
            ctx.notify(STRING, "append", key);
            return Frame::Integer(extra.len() as i64);
        }
        Some(e) => match string_bytes(e.value()) {
            Ok(b) => b.len(),
            Err(e) => return e,
        },
    };
    if current + extra.len() > max {
        return err(TOO_LARGE);
    }
    // Growing in place needs the slack only a previous APPEND leaves (and
    // that entry is already `raw`, as Redis reports any appended string).
    if db.update(key, |e| e.is_raw() && e.append_in_place(extra)) == Some(true) {
        ctx.notify(STRING, "append", key);
        return Frame::Integer((current + extra.len()) as i64);
    }
    db.rebuild(key, |old| {
        let mut v = match old.value() {
            ValueRef::Str(s) => s.to_vec(),
            ValueRef::Int(i) => itoa::Buffer::new().format(i).as_bytes().to_vec(),
            ValueRef::Obj(_) => unreachable!("type checked above"),
        };
        v.extend_from_slice(extra);
        // Grow geometrically so repeated APPENDs stay amortised O(1).
        let slack = v.len().min(1 << 20);
        crate::keyspace::Entry::new(old.key(), Value::Raw(v), old.expire_at(), old.lru(), slack)
    });
    ctx.notify(STRING, "append", key);
    Frame::Integer((current + extra.len()) as i64)
}

/// STRLEN key
pub fn strlen(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match ctx.db().get(&args[1]) {
        None => Frame::Integer(0),
        Some(e) => match string_bytes(e.value()) {
            Ok(b) => Frame::Integer(b.len() as i64),
            Err(e) => e,
        },
    }
}

/// GETRANGE key start end (and SUBSTR)
pub fn getrange(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (start, end) = match (int_arg(&args[2]), int_arg(&args[3])) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let mut db = ctx.db();
    let Some(e) = db.get(&args[1]) else {
        return Frame::Bulk(Bytes::new());
    };
    let s = match string_bytes(e.value()) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        return Frame::Bulk(Bytes::new());
    }
    let mut a = if start < 0 { len + start } else { start };
    let mut b = if end < 0 { len + end } else { end };
    a = a.max(0);
    b = b.max(0);
    if b >= len {
        b = len - 1;
    }
    if a > b || len == 0 {
        return Frame::Bulk(Bytes::new());
    }
    Frame::Bulk(Bytes::copy_from_slice(&s[a as usize..=b as usize]))
}

/// SETRANGE key offset value
pub fn setrange(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let offset = match int_arg(&args[2]) {
        Ok(o) if o >= 0 => o as usize,
        Ok(_) => return err("ERR offset is out of range"),
        Err(e) => return e,
    };
    let max = ctx.config(|c| c.proto_max_bulk_len) as usize;
    let (key, patch) = (&args[1], &args[3]);
    let mut db = ctx.db();
    let current: Option<Vec<u8>> = match db.peek(key) {
        None => None,
        Some(e) => match string_bytes(e.value()) {
            Ok(b) => Some(b.into_owned()),
            Err(e) => return e,
        },
    };
    if patch.is_empty() {
        return Frame::Integer(current.map_or(0, |c| c.len() as i64));
    }
    if offset + patch.len() > max {
        return err(TOO_LARGE);
    }
    let mut v = current.unwrap_or_default();
    if v.len() < offset + patch.len() {
        v.resize(offset + patch.len(), 0);
    }
    v[offset..offset + patch.len()].copy_from_slice(patch);
    let len = v.len() as i64;
    db.put_keep_ttl(key, Value::Raw(v));
    ctx.notify(STRING, "setrange", key);
    Frame::Integer(len)
}

/// Writes `patches` (byte index, new byte) into the string at `key`,
/// first growing it with zero bytes to at least `len`; creates the key if
/// missing. The result is a `raw` string, as Redis leaves any string a
/// bit command or PF command modified. The caller checked the type.
pub fn patch_string(db: &mut crate::keyspace::DbView<'_>, key: &[u8], len: usize, patches: &[(usize, u8)]) {
    // Redis reports strings over 44 bytes as raw anyway.
    let in_place = db
        .peek(key)
        .is_some_and(|e| matches!(e.value(), ValueRef::Str(s) if s.len() >= len && (e.is_raw() || s.len() > 44)));
    if in_place {
        db.update(key, |e| {
            if let Some(b) = e.str_bytes_mut() {
                patches.iter().for_each(|&(i, v)| b[i] = v);
            }
        });
        return;
    }
    let mut v = match db.peek(key) {
        Some(e) => string_bytes(e.value()).map(Cow::into_owned).unwrap_or_default(),
        None => Vec::new(),
    };
    if v.len() < len {
        v.resize(len, 0);
    }
    patches.iter().for_each(|&(i, b)| v[i] = b);
    db.put_keep_ttl(key, Value::Raw(v));
}
