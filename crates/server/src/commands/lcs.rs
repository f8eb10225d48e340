//! LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: longest common
//! subsequence by dynamic programming, with match ranges reported from the
//! end of the strings backwards, as Redis does.

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::args::{int_arg, is};
use super::Ctx;
use crate::keyspace::ValueRef;
use crate::reply::{bulk_static, err, SYNTAX};

fn string_or_empty(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<Vec<u8>, Frame> {
    match ctx.db().get(key).map(|e| e.value()) {
        None => Ok(Vec::new()),
        Some(ValueRef::Str(s)) => Ok(s.to_vec()),
        Some(ValueRef::Int(i)) => Ok(itoa::Buffer::new().format(i).as_bytes().to_vec()),
        Some(ValueRef::Obj(_)) => Err(err("ERR The specified keys must contain string values")),
    }
}

/// LCS
pub fn lcs(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    // Like Redis: type check first, then options.
    let (a, b) = match (string_or_empty(ctx, &args[1]), string_or_empty(ctx, &args[2])) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let (mut getlen, mut getidx, mut withlen, mut minlen) = (false, false, false, 0i64);
    let mut i = 3;
    while i < args.len() {
        let a = &args[i];
        if is(a, "len") {
            getlen = true;
        } else if is(a, "idx") {
            getidx = true;
        } else if is(a, "withmatchlen") {
            withlen = true;
        } else if is(a, "minmatchlen") && i + 1 < args.len() {
            minlen = match int_arg(&args[i + 1]) {
                Ok(n) => n.max(0),
                Err(e) => return e,
            };
            i += 1;
        } else {
            return err(SYNTAX);
        }
        i += 1;
    }
    if getlen && getidx {
        return err("ERR If you want both the length and indexes, please just use IDX.");
    }
    let (alen, blen) = (a.len(), b.len());
    let w = blen + 1;
    // The table holds (alen+1)*(blen+1) counters: two 20 KB strings already
    // need 1.6 GB. Redis refuses tables past proto-max-bulk-len.
    let max = ctx.config(|c| c.proto_max_bulk_len) as usize;
    let cells = (alen + 1).checked_mul(w).filter(|n| n.checked_mul(4).is_some_and(|bytes| bytes <= max));
    let Some(cells) = cells else {
        return err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    };
    let mut t = Vec::new();
    if t.try_reserve_exact(cells).is_err() {
        return err("ERR Insufficient memory, failed allocating transient memory for LCS");
    }
    t.resize(cells, 0u32);
    for i in 1..=alen {
        for j in 1..=blen {
            t[i * w + j] = if a[i - 1] == b[j - 1] {
                t[(i - 1) * w + j - 1] + 1
            } else {
                t[(i - 1) * w + j].max(t[i * w + j - 1])
            };
        }
    }
    let total = t[alen * w + blen] as usize;
    let mut result = vec![0u8; total];
    let mut matches = Vec::new();
    let (mut i, mut j, mut idx) = (alen, blen, total);
    let (mut a_start, mut a_end, mut b_start, mut b_end) = (alen, 0, 0, 0);
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            result[idx - 1] = a[i - 1];
            if a_start == alen {
                (a_start, a_end, b_start, b_end) = (i - 1, i - 1, j - 1, j - 1);
            } else if a_start == i && b_start == j {
                a_start -= 1;
                b_start -= 1;
            } else {
                emit = true;
            }
            if a_start == 0 || b_start == 0 {
                emit = true;
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if t[(i - 1) * w + j] > t[i * w + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            if a_start != alen {
                emit = true;
            }
        }
        if emit {
            let len = (a_end - a_start + 1) as i64;
            if minlen == 0 || len >= minlen {
                let range = |s: usize, e: usize| Frame::Array(vec![Frame::Integer(s as i64), Frame::Integer(e as i64)]);
                let mut m = vec![range(a_start, a_end), range(b_start, b_end)];
                if withlen {
                    m.push(Frame::Integer(len));
                }
                matches.push(Frame::Array(m));
            }
            a_start = alen;
        }
    }
    if getidx {
        Frame::Map(vec![
            (bulk_static("matches"), Frame::Array(matches)),
            (bulk_static("len"), Frame::Integer(total as i64)),
        ])
    } else if getlen {
        Frame::Integer(total as i64)
    } else {
        Frame::Bulk(Bytes::from(result))
    }
}
