//! Cache prefetching.
//!
//! A command's keyspace lookup usually misses the CPU cache twice (the
//! table slot, then the entry), and a tracked read once more (the tracking
//! slot). Executed one after another, a batch of 16 commands waits for
//! those misses one at a time; `conn::lookahead` reads a batch ahead and
//! asks the CPU to start fetching for all of its keys, so the misses
//! overlap (Valkey 8 does the same for its batches). A prefetch is only a
//! hint: a wrong guess costs a wasted fetch, never a wrong result.

/// Asks the CPU to load the cache line at `p` (any address: prefetching
/// never faults).
#[inline]
pub fn cache_line(p: *const u8) {
    fetch::<false>(p);
}

/// Like [`cache_line`], for a line about to be written: PREFETCHW fetches
/// it exclusive, which spares the later write asking other cores to give
/// the line up. A build for a target without the `prfchw` feature (the
/// default x86-64 one) emits a plain prefetch instead.
#[inline]
pub fn cache_line_for_write(p: *const u8) {
    fetch::<true>(p);
}

#[inline]
fn fetch<const WRITE: bool>(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint with no architectural effect; it never
    // dereferences `p` in a way that can fault.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_ET0, _MM_HINT_T0};
        if WRITE {
            _mm_prefetch::<_MM_HINT_ET0>(p as *const i8);
        } else {
            _mm_prefetch::<_MM_HINT_T0>(p as *const i8);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
