//! Cache prefetching for pipelined batches.
//!
//! A command's keyspace lookup usually misses the CPU cache twice (the
//! table slot, then the entry), and a tracked read once more (the tracking
//! slot). Executed one after another, a batch of 16 commands waits for
//! those misses one at a time. Before running a batch, [`batch`] reads
//! ahead, hashes each command's first key argument and asks the CPU to
//! start fetching, so the misses overlap (Valkey 8 does the same for its
//! batches). Prefetching is only a hint: a wrong guess (an argument that is
//! not a key) costs a wasted fetch, never a wrong result.

use hearth_resp::{parse_command, ParseLimits, Request};

use crate::keyspace::{hash_key, Keyspace};

/// At most this many commands of a batch are looked ahead at.
const MAX_AHEAD: usize = 32;

/// Asks the CPU to load the cache line at `p` (any address: prefetching
/// never faults).
#[inline]
pub fn cache_line(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint with no architectural effect; it never
    // dereferences `p` in a way that can fault.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Scratch space reused across batches.
#[derive(Default)]
pub struct Lookahead {
    req: Request,
    hashes: Vec<u64>,
}

/// Prefetches the keys of the complete commands at the start of `buf`
/// (nothing for a single command: there is nothing to overlap with).
/// With `tracking`, also the tracking-table slots the reads will record.
pub fn batch(ks: &Keyspace, db: usize, buf: &[u8], limits: &ParseLimits, tracking: bool, scratch: &mut Lookahead) {
    scratch.hashes.clear();
    let mut pos = 0;
    let mut commands = 0;
    while commands < MAX_AHEAD {
        match parse_command(&buf[pos..], limits, &mut scratch.req) {
            Ok(Some(n)) => {
                let args = scratch.req.args(&buf[pos..]);
                if args.len() >= 2 {
                    scratch.hashes.push(hash_key(&args[1]));
                }
                pos += n;
                commands += 1;
            }
            _ => break,
        }
    }
    // An incomplete command leaves parsing state behind.
    scratch.req.reset();
    if commands < 2 {
        return;
    }
    ks.prefetch(db, &scratch.hashes);
    if tracking {
        if let Some(t) = crate::tracking::get() {
            t.prefetch(&scratch.hashes);
        }
    }
}
