//! The HyperLogLog family: PFADD PFCOUNT PFMERGE over string values in
//! Redis's HLL format (`crate::hll`). The representation is Redis's byte
//! for byte, so values move freely between Hearth and Redis (GET/SET,
//! DUMP-free copies) and counts agree.
//!
//! PFCOUNT of one key is flagged read-only but stores the cardinality it
//! computed in the header, as Redis does: that write goes through the
//! write path (WATCH, tracking) without a keyspace event. PFDEBUG and
//! PFSELFTEST are not implemented (`unknown command`).

use hearth_resp::{Args, Frame};

use super::flag::READONLY;
use super::string::patch_string;
use super::table::{cmd, ALL, ONE, W_OOM, W_OOM_FAST};
use super::{CommandSpec, Ctx};
use crate::hll::{self, INVALID_ERR, NOT_HLL_ERR};
use crate::keyspace::{DbView, Value, ValueRef};
use crate::notify::class::STRING;
use crate::reply::{err, WRONGTYPE};
use crate::server::stats::CommandStats;

/// The bytes of an HLL value, or the error Redis gives for anything else.
fn hll_bytes(v: ValueRef<'_>) -> Result<&[u8], Frame> {
    match v {
        ValueRef::Str(s) if hll::looks_valid(s) => Ok(s),
        ValueRef::Obj(_) => Err(err(WRONGTYPE)),
        _ => Err(err(NOT_HLL_ERR)),
    }
}

/// A copy of the HLL at `key` (`None` if missing).
fn read_hll(db: &mut DbView<'_>, key: &[u8]) -> Result<Option<Vec<u8>>, Frame> {
    match db.get(key) {
        None => Ok(None),
        Some(e) => hll_bytes(e.value()).map(|b| Some(b.to_vec())),
    }
}

/// Stores an HLL value as a raw string, in place when the length allows.
fn store(db: &mut DbView<'_>, key: &[u8], bytes: Vec<u8>) {
    let same_len = db.peek(key).is_some_and(|e| matches!(e.value(), ValueRef::Str(s) if s.len() == bytes.len()));
    if same_len {
        let patches: Vec<(usize, u8)> = bytes.iter().copied().enumerate().collect();
        patch_string(db, key, bytes.len(), &patches);
    } else {
        db.put_keep_ttl(key, Value::Raw(bytes));
    }
}

fn sparse_max(ctx: &Ctx<'_>) -> usize {
    ctx.config(|c| c.hll_sparse_max_bytes).min(usize::MAX as u64) as usize
}

/// PFADD key [element ...]
pub fn pfadd(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let limit = sparse_max(ctx);
    let key = &args[1];
    let mut db = ctx.db();
    let (mut value, mut updated) = match read_hll(&mut db, key) {
        Ok(Some(v)) => (v, false),
        // A new key counts as an update even without elements.
        Ok(None) => (hll::new_sparse(), true),
        Err(e) => return e,
    };
    for ele in args.iter().skip(2) {
        match hll::add(&mut value, ele, limit) {
            Ok(changed) => updated |= changed,
            Err(_) => {
                // Redis edits the value in place: the elements added before
                // the corruption was found stay added (without an event).
                if updated {
                    store(&mut db, key, value);
                }
                return err(INVALID_ERR);
            }
        }
    }
    if updated {
        hll::invalidate_cache(&mut value);
        store(&mut db, key, value);
        ctx.notify(STRING, "pfadd", key);
    }
    Frame::Integer(updated as i64)
}

/// PFCOUNT key [key ...]
pub fn pfcount(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut db = ctx.db();
    if args.len() > 2 {
        let mut max = vec![0u8; hll::REGISTERS];
        for key in args.iter().skip(1) {
            let Some(e) = db.get(key) else { continue };
            let merged = hll_bytes(e.value()).and_then(|b| hll::merge_into(&mut max, b).map_err(|_| err(INVALID_ERR)));
            if let Err(e) = merged {
                return e;
            }
        }
        return Frame::Integer(hll::count_registers(&max) as i64);
    }
    let key = &args[1];
    let card = match db.get(key) {
        None => return Frame::Integer(0),
        Some(e) => match hll_bytes(e.value()) {
            Err(e) => return e,
            Ok(b) => match hll::cached_card(b) {
                Some(card) => return Frame::Integer(card as i64),
                None => match hll::count(b) {
                    Ok(card) => card,
                    Err(_) => return err(INVALID_ERR),
                },
            },
        },
    };
    let mut header = [0u8; hll::HDR];
    hll::set_cached_card(&mut header, card);
    let patches: Vec<(usize, u8)> = (8..hll::HDR).map(|i| (i, header[i])).collect();
    patch_string(&mut db, key, hll::HDR, &patches);
    Frame::Integer(card as i64)
}

/// PFMERGE destkey [sourcekey ...]
pub fn pfmerge(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let limit = sparse_max(ctx);
    let mut db = ctx.db();
    let mut max = vec![0u8; hll::REGISTERS];
    let mut dense = false;
    // The destination is read as a source too.
    for key in args.iter().skip(1) {
        let Some(e) = db.get(key) else { continue };
        let merged = hll_bytes(e.value()).and_then(|b| {
            dense |= b[4] == hll::DENSE;
            hll::merge_into(&mut max, b).map_err(|_| err(INVALID_ERR))
        });
        if let Err(e) = merged {
            return e;
        }
    }
    let dest = &args[1];
    let mut value = match read_hll(&mut db, dest) {
        Ok(v) => v.unwrap_or_else(hll::new_sparse),
        Err(e) => return e,
    };
    if dense && hll::to_dense(&mut value).is_err() {
        return err(INVALID_ERR);
    }
    for (i, &m) in max.iter().enumerate().filter(|(_, &m)| m > 0) {
        // Like Redis, a corrupted destination is not reported here.
        let _ = hll::set_register(&mut value, i, m, limit);
    }
    hll::invalidate_cache(&mut value);
    store(&mut db, dest, value);
    ctx.notify(STRING, "pfadd", dest);
    Frame::ok()
}

/// The HyperLogLog family's commands (arity, flags and keys as in Redis 7.4).
#[rustfmt::skip]
pub static COMMANDS: [CommandSpec; 3] = [
    cmd!("pfadd", "pfadd", -2, W_OOM_FAST, ONE, pfadd, "hyperloglog", "2.8.9", "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist."),
    cmd!("pfcount", "pfcount", -2, READONLY, ALL, pfcount, "hyperloglog", "2.8.9", "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s)."),
    cmd!("pfmerge", "pfmerge", -2, W_OOM, ALL, pfmerge, "hyperloglog", "2.8.9", "Merges one or more HyperLogLog values into a single key."),
];
