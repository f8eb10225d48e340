//! Reading lists: LLEN LRANGE LINDEX LPOS.

use hearth_resp::{Args, Frame};

use super::{clamp_range, elements, long_arg, range_arg, range_arg_msg, read_list};
use crate::commands::args::is;
use crate::commands::Ctx;
use crate::reply::{err, SYNTAX};

/// LLEN key
pub fn llen(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match read_list(&mut ctx.db(), args.get(1)) {
        Err(e) => e,
        Ok(l) => Frame::Integer(l.map_or(0, |l| l.len() as i64)),
    }
}

/// LRANGE key start stop: the indexes are parsed before the key is read.
pub fn lrange(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (start, end) = match (long_arg(args.get(2)), long_arg(args.get(3))) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    match read_list(&mut ctx.db(), args.get(1)) {
        Err(e) => e,
        Ok(None) => Frame::Array(Vec::new()),
        Ok(Some(l)) => match clamp_range(start, end, l.len()) {
            None => Frame::Array(Vec::new()),
            Some((from, count)) => Frame::BulkArray(Box::new(elements(l, from, count, false))),
        },
    }
}

/// LINDEX key index: the key is read before the index is parsed.
pub fn lindex(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match read_list(&mut ctx.db(), args.get(1)) {
        Err(e) => e,
        Ok(None) => Frame::Null,
        Ok(Some(l)) => match long_arg(args.get(2)) {
            Err(e) => e,
            Ok(i) => l.get(i).map_or(Frame::Null, |e| Frame::Bulk(e.to_bytes())),
        },
    }
}

/// LPOS options, as parsed by `lposCommand`.
struct LposOpts {
    rank: i64,
    /// None: COUNT not given (single reply); Some(0): all matches.
    count: Option<usize>,
    maxlen: usize,
}

fn parse_lpos(args: &Args<'_>) -> Result<LposOpts, Frame> {
    let mut o = LposOpts { rank: 1, count: None, maxlen: 0 };
    let mut j = 3;
    while j < args.len() {
        let opt = args.get(j);
        let more = j + 1 < args.len();
        if is(opt, "rank") && more {
            o.rank = range_arg(args.get(j + 1), -i64::MAX, i64::MAX)?;
            if o.rank == 0 {
                return Err(err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"));
            }
        } else if is(opt, "count") && more {
            o.count = Some(range_arg_msg(args.get(j + 1), 0, i64::MAX, "ERR COUNT can't be negative")? as usize);
        } else if is(opt, "maxlen") && more {
            o.maxlen = range_arg_msg(args.get(j + 1), 0, i64::MAX, "ERR MAXLEN can't be negative")? as usize;
        } else {
            return Err(err(SYNTAX));
        }
        j += 2;
    }
    Ok(o)
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
pub fn lpos(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let o = match parse_lpos(&args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let ele = args.get(2);
    let mut db = ctx.db();
    let list = match read_list(&mut db, args.get(1)) {
        Err(e) => return e,
        Ok(None) if o.count.is_some() => return Frame::Array(Vec::new()),
        Ok(None) => return Frame::Null,
        Ok(Some(l)) => l,
    };
    let reverse = o.rank < 0;
    let rank = o.rank.unsigned_abs();
    let len = list.len();
    let start = if reverse { len.saturating_sub(1) } else { 0 };
    let mut found = Vec::new();
    let mut matches = 0u64;
    for (scanned, e) in list.iter_at(start, reverse).enumerate() {
        if o.maxlen != 0 && scanned >= o.maxlen {
            break;
        }
        if !e.eq_bytes(ele) {
            continue;
        }
        matches += 1;
        if matches < rank {
            continue;
        }
        let index = if reverse { len - scanned - 1 } else { scanned };
        match o.count {
            None => return Frame::Integer(index as i64),
            Some(count) => {
                found.push(Frame::Integer(index as i64));
                if count != 0 && found.len() >= count {
                    break;
                }
            }
        }
    }
    match o.count {
        None => Frame::Null,
        Some(_) => Frame::Array(found),
    }
}
