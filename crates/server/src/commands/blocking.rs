//! Blocking commands (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN
//! BZPOPMAX BZMPOP) and CLIENT UNBLOCK.
//!
//! Each tries its non-blocking twin (LPOP, LMOVE, LMPOP... run through the
//! command table, so events and encodings are theirs); when there is
//! nothing to pop it asks the connection to block (see `crate::blocking`).
//! Inside MULTI/EXEC they never block: they answer as if the timeout had
//! expired, as Redis does.

use std::time::{Duration, Instant};

use bytes::Bytes;
use hearth_resp::{Args, Frame, OwnedArgs};

use super::args::{is, parse_canonical_i64, parse_f64};
use super::flag::{ALL_SHARDS, BLOCKING, DENYOOM, FAST, NOSCRIPT, WRITE};
use super::table::{cmd, NONE, TWO};
use super::{CommandSpec, Ctx, KeySpec};
use crate::blocking::{BlockRequest, Unblock};
use crate::keyspace::{Object, ValueRef};
use crate::reply::{err, NOT_INTEGER, WRONGTYPE};
use crate::server::stats::CommandStats;

/// Redis's getTimeoutFromObjectOrReply: seconds, fractions allowed,
/// rounded up to whole milliseconds; `inf` and anything whose deadline
/// would overflow a 64-bit millisecond clock is out of range, and a tiny
/// negative value that rounds to 0 means "forever" as in Redis 7.4.
fn timeout(arg: &[u8], now_ms: i64) -> Result<Option<Instant>, Frame> {
    let secs = parse_f64(arg).ok_or_else(|| err("ERR timeout is not a float or out of range"))?;
    let ms = secs * 1000.0;
    if ms >= i64::MAX as f64 {
        return Err(err("ERR timeout is out of range"));
    }
    let ms = ms.ceil();
    if ms < 0.0 {
        return Err(err("ERR timeout is negative"));
    }
    if ms == 0.0 {
        return Ok(None);
    }
    let ms = ms as i64;
    if ms > i64::MAX - now_ms.max(0) {
        return Err(err("ERR timeout is out of range"));
    }
    // Past what an Instant can hold the wait is forever in practice.
    Ok(Instant::now().checked_add(Duration::from_millis(ms as u64)))
}

/// Runs a command of the table on the already locked keys.
fn run(ctx: &mut Ctx<'_>, parts: &[&[u8]]) -> Frame {
    let owned = OwnedArgs::from_slices(parts.iter().copied());
    let spec = super::lookup(parts[0]).expect("blocking commands wrap commands of the table");
    (spec.handler)(ctx, owned.as_args())
}

/// Asks the connection to block, or answers the timeout reply inside EXEC.
fn block(ctx: &mut Ctx<'_>, keys: Vec<Bytes>, deadline: Option<Instant>, timeout_reply: Frame) -> Frame {
    if ctx.in_exec {
        return timeout_reply;
    }
    ctx.client.block = Some(BlockRequest { db: ctx.client.db, keys, deadline, timeout_reply });
    Frame::Null
}

/// The collection kinds blocking pops wait on.
#[derive(Clone, Copy)]
enum Kind {
    List,
    ZSet,
}

/// BLPOP/BRPOP/BZPOPMIN/BZPOPMAX: the first non-empty key's pop, prefixed
/// with the key name.
fn bpop(ctx: &mut Ctx<'_>, args: Args<'_>, pop: &[u8], kind: Kind) -> Frame {
    let deadline = match timeout(&args[args.len() - 1], ctx.now) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let keys: Vec<&[u8]> = args.iter().skip(1).take(args.len() - 2).collect();
    for key in &keys {
        let ready = match (ctx.db().peek(key).map(|e| e.value()), kind) {
            (None, _) => false,
            (Some(ValueRef::Obj(Object::List(l))), Kind::List) => !l.is_empty(),
            (Some(ValueRef::Obj(Object::ZSet(z))), Kind::ZSet) => !z.is_empty(),
            (Some(_), _) => return err(WRONGTYPE),
        };
        if ready {
            let mut reply = vec![Frame::Bulk(Bytes::copy_from_slice(key))];
            match run(ctx, &[pop, key]) {
                // ZPOPMIN without a count answers a flat [member, score].
                Frame::Array(items) => reply.extend(items),
                value => reply.push(value),
            }
            return Frame::Array(reply);
        }
    }
    block(ctx, keys.iter().map(|k| Bytes::copy_from_slice(k)).collect(), deadline, Frame::NullArray)
}

/// BLPOP key [key ...] timeout
pub fn blpop(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    bpop(ctx, args, b"LPOP", Kind::List)
}

/// BRPOP key [key ...] timeout
pub fn brpop(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    bpop(ctx, args, b"RPOP", Kind::List)
}

fn bmove(ctx: &mut Ctx<'_>, src: &[u8], dst: &[u8], from: &[u8], to: &[u8], t: &[u8]) -> Frame {
    let deadline = match timeout(t, ctx.now) {
        Ok(d) => d,
        Err(e) => return e,
    };
    match run(ctx, &[b"LMOVE", src, dst, from, to]) {
        // Like Redis, a timed-out BLMOVE answers a null array, not a null bulk.
        Frame::Null => block(ctx, vec![Bytes::copy_from_slice(src)], deadline, Frame::NullArray),
        reply => reply,
    }
}

/// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
pub fn blmove(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    bmove(ctx, &args[1], &args[2], &args[3], &args[4], &args[5])
}

/// BRPOPLPUSH source destination timeout
pub fn brpoplpush(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    bmove(ctx, &args[1], &args[2], b"RIGHT", b"LEFT", &args[3])
}

/// BZPOPMIN key [key ...] timeout
pub fn bzpopmin(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    bpop(ctx, args, b"ZPOPMIN", Kind::ZSet)
}

/// BZPOPMAX key [key ...] timeout
pub fn bzpopmax(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    bpop(ctx, args, b"ZPOPMAX", Kind::ZSet)
}

/// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
pub fn blmpop(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    bmpop(ctx, args, b"LMPOP")
}

/// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
pub fn bzmpop(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    bmpop(ctx, args, b"ZMPOP")
}

/// BLMPOP/BZMPOP: the non-blocking twin, or block on all its keys.
fn bmpop(ctx: &mut Ctx<'_>, args: Args<'_>, twin: &'static [u8]) -> Frame {
    let deadline = match timeout(&args[1], ctx.now) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let mut parts: Vec<&[u8]> = vec![twin];
    parts.extend(args.iter().skip(2));
    match run(ctx, &parts) {
        Frame::NullArray | Frame::Null => {
            // The twin validated numkeys and the keys; wait on all of them.
            let n = parse_canonical_i64(&args[2]).unwrap_or(0).max(0) as usize;
            let keys = args.iter().skip(3).take(n).map(Bytes::copy_from_slice).collect();
            block(ctx, keys, deadline, Frame::NullArray)
        }
        reply => reply,
    }
}

/// The blocking list commands.
#[rustfmt::skip]
pub static COMMANDS: [CommandSpec; 8] = [
    cmd!("blpop", "blpop", -3, WRITE | NOSCRIPT | BLOCKING, BLOCK_KEYS, blpop, "list", "2.0.0", "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."),
    cmd!("brpop", "brpop", -3, WRITE | NOSCRIPT | BLOCKING, BLOCK_KEYS, brpop, "list", "2.0.0", "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."),
    cmd!("blmove", "blmove", 6, WRITE | DENYOOM | NOSCRIPT | BLOCKING, TWO, blmove, "list", "6.2.0", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved."),
    cmd!("brpoplpush", "brpoplpush", 4, WRITE | DENYOOM | NOSCRIPT | BLOCKING, TWO, brpoplpush, "list", "2.2.0", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped."),
    cmd!("bzpopmin", "bzpopmin", -3, WRITE | NOSCRIPT | FAST | BLOCKING, BLOCK_KEYS, bzpopmin, "sorted-set", "5.0.0", "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped."),
    cmd!("bzpopmax", "bzpopmax", -3, WRITE | NOSCRIPT | FAST | BLOCKING, BLOCK_KEYS, bzpopmax, "sorted-set", "5.0.0", "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped."),
    cmd!("bzmpop", "bzmpop", -5, WRITE | BLOCKING | ALL_SHARDS, NONE, bzmpop, "sorted-set", "7.0.0", "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped."),
    cmd!("blmpop", "blmpop", -5, WRITE | BLOCKING | ALL_SHARDS, NONE, blmpop, "list", "7.0.0", "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped."),
];

const BLOCK_KEYS: KeySpec = KeySpec { first: 1, last: -2, step: 1 };

/// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]
pub fn client_unblock(_ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let Some(id) = parse_canonical_i64(&args[2]) else {
        return err(NOT_INTEGER);
    };
    let how = match args.len() {
        3 => Unblock::Timeout,
        4 if is(&args[3], "timeout") => Unblock::Timeout,
        4 if is(&args[3], "error") => Unblock::Error,
        _ => return err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"),
    };
    Frame::Integer(crate::blocking::get().unblock(id.max(0) as u64, how) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(arg: &str) -> Frame {
        timeout(arg.as_bytes(), 1_700_000_000_000).expect_err("refused")
    }

    #[test]
    fn timeouts_past_the_millisecond_clock_are_out_of_range() {
        for arg in ["inf", "+inf", "1e400", "9223372036854775808", "9223372036854775"] {
            assert_eq!(error(arg), err("ERR timeout is out of range"), "{arg}");
        }
        assert_eq!(error("-inf"), err("ERR timeout is negative"));
        assert_eq!(error("-1"), err("ERR timeout is negative"));
        assert_eq!(error("nan"), err("ERR timeout is not a float or out of range"));
    }

    #[test]
    fn timeouts_round_up_to_whole_milliseconds() {
        assert_eq!(timeout(b"0", 0), Ok(None));
        // -0.1 ms rounds up to 0: forever, as in Redis.
        assert_eq!(timeout(b"-0.0001", 0), Ok(None));
        let before = Instant::now();
        let soon = timeout(b"0.0001", 0).expect("valid").expect("a deadline");
        let one_ms = Duration::from_millis(1);
        assert!(soon >= before + one_ms && soon <= Instant::now() + one_ms);
    }
}
