//! Counters on string values: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT.
//! The value keeps its TTL; a missing key counts from 0.

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::args::{int_arg, parse_canonical_i64};
use super::string::string_bytes;
use super::Ctx;
use crate::keyspace::{Value, ValueRef};
use crate::reply::{err, NOT_FLOAT, NOT_INTEGER, OVERFLOW};

fn incr_by(ctx: &mut Ctx<'_>, key: &[u8], delta: i64) -> Frame {
    let mut db = ctx.db();
    let current = match db.peek(key).map(|e| e.value()) {
        None => 0,
        Some(ValueRef::Int(i)) => i,
        Some(ValueRef::Str(s)) => match parse_canonical_i64(s) {
            Some(i) => i,
            None => return err(NOT_INTEGER),
        },
        Some(ValueRef::Obj(_)) => return err(crate::reply::WRONGTYPE),
    };
    let Some(next) = current.checked_add(delta) else {
        return err(OVERFLOW);
    };
    db.put_keep_ttl(key, Value::Int(next));
    ctx.notify(crate::notify::class::STRING, "incrby", key);
    Frame::Integer(next)
}

/// INCR key
pub fn incr(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    incr_by(ctx, &args[1], 1)
}

/// DECR key
pub fn decr(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    incr_by(ctx, &args[1], -1)
}

/// INCRBY key increment
pub fn incrby(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match int_arg(&args[2]) {
        Ok(d) => incr_by(ctx, &args[1], d),
        Err(e) => e,
    }
}

/// DECRBY key decrement
pub fn decrby(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match int_arg(&args[2]) {
        Ok(i64::MIN) => err("ERR decrement would overflow"),
        Ok(d) => incr_by(ctx, &args[1], -d),
        Err(e) => e,
    }
}

mod ffi {
    use std::ffi::{c_char, c_int, c_long};
    extern "C" {
        /// See csrc/longdouble.c.
        pub fn hearth_ld_incr(
            cur: *const c_char,
            cur_len: usize,
            cur_missing: c_int,
            incr: *const c_char,
            incr_len: usize,
            out: *mut c_char,
            out_len: usize,
        ) -> c_long;
    }
}

/// Adds `incr` to `current` in long double precision, as Redis does, and
/// returns the result printed like Redis (`%.17Lf`, trailing zeros removed).
/// Errors are the client-visible replies.
pub fn incr_float_text(current: Option<&[u8]>, incr: &[u8]) -> Result<Vec<u8>, Frame> {
    let mut out = vec![0u8; 5 * 1024 + 64];
    let cur = current.unwrap_or_default();
    // SAFETY: every pointer/length pair describes a live buffer; the C side
    // writes at most `out.len()` bytes into `out`.
    let n = unsafe {
        ffi::hearth_ld_incr(
            cur.as_ptr().cast(),
            cur.len(),
            current.is_none() as i32,
            incr.as_ptr().cast(),
            incr.len(),
            out.as_mut_ptr().cast(),
            out.len(),
        )
    };
    match n {
        -3 => Err(err("ERR increment would produce NaN or Infinity")),
        n if n < 0 => Err(err(NOT_FLOAT)),
        n => {
            out.truncate(n as usize);
            Ok(out)
        }
    }
}

/// INCRBYFLOAT key increment
pub fn incrbyfloat(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let key = &args[1];
    let mut db = ctx.db();
    let current = match db.peek(key) {
        None => None,
        Some(e) => match string_bytes(e.value()) {
            Ok(b) => Some(b.into_owned()),
            Err(e) => return e,
        },
    };
    match incr_float_text(current.as_deref(), &args[2]) {
        Ok(text) => {
            // Redis stores the printed float as a string (embstr), never as an int.
            db.put_keep_ttl(key, Value::Str(text.clone()));
            ctx.notify(crate::notify::class::STRING, "incrbyfloat", key);
            Frame::Bulk(Bytes::from(text))
        }
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::incr_float_text;

    fn incr(cur: Option<&str>, by: &str) -> String {
        String::from_utf8(incr_float_text(cur.map(str::as_bytes), by.as_bytes()).expect("valid")).expect("utf8")
    }

    #[test]
    fn long_double_results_match_redis() {
        assert_eq!(incr(Some("1005.75"), "0.01"), "1005.76000000000000001");
        assert_eq!(incr(Some("10.5"), "0.1"), "10.6");
        assert_eq!(incr(None, "3"), "3");
        assert_eq!(incr(Some("1"), "-1"), "0");
        assert!(incr(None, "1e400").len() > 400);
    }

    #[test]
    fn invalid_inputs_and_infinite_results_are_refused() {
        assert!(incr_float_text(Some(b"abc"), b"1").is_err());
        assert!(incr_float_text(None, b" 1").is_err());
        assert!(incr_float_text(None, b"nan").is_err());
        assert!(incr_float_text(Some(b"1e4932"), b"1e4932").is_err());
    }
}
