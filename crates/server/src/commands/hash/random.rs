//! HRANDFIELD and HSCAN.

use bytes::Bytes;
use hearth_resp::{Args, Frame, Protocol};

use super::read;
use super::scan::{parse_cursor, parse_scan_options, scan_reply, COUNT_RANGE, MAX_RANDOM_REPLY};
use super::write::try_frame;
use crate::commands::args::{int_arg, is};
use crate::commands::Ctx;
use crate::reply::{err, SYNTAX};

/// HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]
pub fn hscan(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let cursor = try_frame!(parse_cursor(&args[2]));
    if !try_frame!(super::prepare(ctx, &args[1])) {
        return scan_reply(0, Vec::new());
    }
    let opts = try_frame!(parse_scan_options(&args, true));
    let scanned = try_frame!(read(ctx, &args[1], |h| {
        let mut items = Vec::new();
        let mut push = |f: &[u8], v: &[u8]| {
            if opts.matches(f) {
                items.push(Frame::Bulk(Bytes::copy_from_slice(f)));
                if !opts.novalues {
                    items.push(Frame::Bulk(Bytes::copy_from_slice(v)));
                }
            }
        };
        if h.is_compact() {
            h.scan(0, &mut push);
            return (0, items);
        }
        // Like Redis's dictScan loop: stop after COUNT elements were visited
        // or ten times COUNT buckets, whichever comes first.
        let (mut next, mut visited, mut budget) = (cursor, 0usize, opts.count.saturating_mul(10));
        loop {
            next = h.scan(next, |f, v| {
                visited += 1;
                push(f, v)
            });
            budget -= 1;
            if next == 0 || budget == 0 || visited >= opts.count {
                break;
            }
        }
        (next, items)
    }));
    let (next, items) = scanned.unwrap_or_default();
    scan_reply(next, items)
}

/// HRANDFIELD key [count [WITHVALUES]]
pub fn hrandfield(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let key = &args[1];
    if args.len() < 3 {
        let pick = try_frame!(read(ctx, key, |h| h.random(&mut rand::thread_rng()).map(|(f, _)| f)));
        return pick.flatten().map_or(Frame::Null, Frame::Bulk);
    }
    let l = try_frame!(int_arg(&args[2]));
    if l == i64::MIN {
        return err(COUNT_RANGE);
    }
    if args.len() > 4 || (args.len() == 4 && !is(&args[3], "withvalues")) {
        return err(SYNTAX);
    }
    let withvalues = args.len() == 4;
    if withvalues && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
        return err("ERR value is out of range");
    }
    let (count, uniq) = (l.unsigned_abs(), l >= 0);
    if !uniq && count > MAX_RANDOM_REPLY {
        return err("ERR value is out of range");
    }
    let resp3 = ctx.client.protocol == Protocol::Resp3;
    let pairs = try_frame!(read(ctx, key, |h| {
        let mut rng = rand::thread_rng();
        if count == 0 {
            Vec::new()
        } else if !uniq || count == 1 {
            h.random_many(count as usize, &mut rng)
        } else if count >= h.len() as u64 {
            h.pairs()
        } else {
            h.sample(count as usize, &mut rng)
        }
    }));
    let pairs = pairs.unwrap_or_default();
    let mut out = Vec::with_capacity(pairs.len() * if withvalues && !resp3 { 2 } else { 1 });
    for (f, v) in pairs {
        match (withvalues, resp3) {
            (false, _) => out.push(Frame::Bulk(f)),
            (true, true) => out.push(Frame::Array(vec![Frame::Bulk(f), Frame::Bulk(v)])),
            (true, false) => {
                out.push(Frame::Bulk(f));
                out.push(Frame::Bulk(v));
            }
        }
    }
    Frame::Array(out)
}
