//! Counters on string values: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT.
//! The value keeps its TTL; a missing key counts from 0.

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::args::{int_arg, parse_canonical_i64, parse_f64};
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

/// Formats a float result the way INCRBYFLOAT prints it: fixed notation,
/// no exponent, no trailing zeros. Hearth computes in f64 and prints the
/// shortest representation that round-trips (Redis uses long double).
pub fn format_human(v: f64) -> String {
    let s = format!("{v}");
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// INCRBYFLOAT key increment
pub fn incrbyfloat(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let Some(delta) = parse_f64(&args[2]) else {
        return err(NOT_FLOAT);
    };
    let key = &args[1];
    let mut db = ctx.db();
    let current = match db.peek(key) {
        None => 0.0,
        Some(e) => match string_bytes(e.value()) {
            Ok(b) => match parse_f64(&b) {
                Some(f) => f,
                None => return err(NOT_FLOAT),
            },
            Err(e) => return e,
        },
    };
    let next = current + delta;
    if !next.is_finite() {
        return err("ERR increment would produce NaN or Infinity");
    }
    let text = format_human(next);
    db.put_keep_ttl(key, Value::string(text.as_bytes()));
    Frame::Bulk(Bytes::from(text))
}

#[cfg(test)]
mod tests {
    use super::format_human;

    #[test]
    fn float_results_print_without_exponent_or_trailing_zeros() {
        assert_eq!(format_human(10.5), "10.5");
        assert_eq!(format_human(3.0), "3");
        assert_eq!(format_human(1e20), "100000000000000000000");
        assert_eq!(format_human(-0.0), "0");
    }
}
