//! What jemalloc reports about the process's heap, for INFO memory and the
//! maxmemory gauge's calibration.
//!
//! The figures nest: `allocated` (live allocations) <= `active` (pages of
//! slabs and large extents in use, so `active - allocated` is the space
//! inside partly used slabs) <= `resident` (also dirty pages freed but not
//! yet returned to the kernel, and metadata). RSS adds what is not jemalloc's
//! (binary, stacks, libc). This module only reads (and purges on request);
//! it must not change allocator settings. [`slabs`] has the per-bin view
//! and the calls active defrag makes.

use std::ptr;
use std::sync::OnceLock;

use tikv_jemalloc_ctl::{epoch, raw, stats};

pub mod slabs;

/// One reading of jemalloc's statistics, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllocatorStats {
    /// Bytes in allocations, as jemalloc counts them: freed blocks waiting
    /// in thread caches included (see [`AllocatorStats::used`]).
    pub allocated: usize,
    /// Bytes of freed blocks waiting in thread caches.
    pub tcache: usize,
    /// Bytes in active pages (slabs with at least one live region, large
    /// allocations).
    pub active: usize,
    /// Bytes in resident pages jemalloc maps (active, dirty, metadata).
    pub resident: usize,
    /// Bytes in mapped extents.
    pub mapped: usize,
    /// Bytes of virtual memory kept for reuse after purging (not resident).
    pub retained: usize,
    /// Bytes of jemalloc's own metadata.
    pub metadata: usize,
    /// Bytes of dirty pages: freed, still resident, not yet purged.
    pub dirty: usize,
    /// Bytes of muzzy pages: purged lazily (MADV_FREE), resident until the
    /// kernel needs them.
    pub muzzy: usize,
}

impl AllocatorStats {
    /// Reads the current figures (advances jemalloc's stats epoch first).
    pub fn read() -> AllocatorStats {
        let _ = epoch::advance();
        // MALLCTL_ARENAS_ALL (4096): the sum over arenas.
        // SAFETY: the names are NUL-terminated and each value is a size_t,
        // as jemalloc documents for these stats.
        let arenas = |name: &[u8]| unsafe { raw::read::<usize>(name) }.unwrap_or(0);
        let page = arenas(b"arenas.page\0").max(1);
        let tcache = arenas(b"stats.arenas.4096.tcache_bytes\0");
        AllocatorStats {
            allocated: stats::allocated::read().unwrap_or(0),
            tcache,
            active: stats::active::read().unwrap_or(0),
            resident: stats::resident::read().unwrap_or(0),
            mapped: stats::mapped::read().unwrap_or(0),
            retained: stats::retained::read().unwrap_or(0),
            metadata: stats::metadata::read().unwrap_or(0),
            dirty: arenas(b"stats.arenas.4096.pdirty\0") * page,
            muzzy: arenas(b"stats.arenas.4096.pmuzzy\0") * page,
        }
    }

    /// The used_memory figure: live allocations.
    ///
    /// jemalloc counts freed blocks that wait in its per-thread caches as
    /// allocated; Redis's used_memory (its own count of live allocations)
    /// does not, and with a worker per core the caches can hold megabytes,
    /// which would make a small maxmemory hold far fewer keys than Redis
    /// does. So the cached bytes are taken out.
    pub fn used(&self) -> usize {
        self.allocated.saturating_sub(self.tcache)
    }

    /// Space inside partly used slabs: Redis's `allocator_frag_bytes`.
    pub fn frag_bytes(&self) -> usize {
        self.active.saturating_sub(self.allocated)
    }
}

/// Returns every arena's dirty and muzzy pages to the kernel (MEMORY PURGE).
pub fn purge() {
    // SAFETY: `arena.<i>.purge` reads and writes nothing, so every pointer
    // is null (jemalloc refuses a non-null one); 4096 is MALLCTL_ARENAS_ALL.
    unsafe {
        tikv_jemalloc_sys::mallctl(c"arena.4096.purge".as_ptr(), ptr::null_mut(), ptr::null_mut(), ptr::null_mut(), 0);
    }
}

/// Whether jemalloc is the process's global allocator (the binary installs
/// it; a program embedding the library may not): a 1 MB allocation made
/// through `std::alloc` must show in jemalloc's `allocated`.
pub fn is_global_allocator() -> bool {
    static ANSWER: OnceLock<bool> = OnceLock::new();
    *ANSWER.get_or_init(|| {
        const PROBE: usize = 1 << 20;
        let before = AllocatorStats::read().allocated;
        let probe = std::hint::black_box(vec![1u8; PROBE]);
        let during = AllocatorStats::read().allocated;
        drop(probe);
        during >= before + PROBE / 2
    })
}

/// Resident set size of this process, from /proc.
pub fn rss_bytes() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<usize>().ok()))
        .map_or(0, |pages| pages * 4096)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_nest_and_follow_a_large_allocation() {
        // Unit tests run on jemalloc (lib.rs). Other tests allocate
        // meanwhile: the margins are far larger than they could move.
        let before = AllocatorStats::read();
        let block = vec![1u8; 64 << 20];
        let during = AllocatorStats::read();
        assert!(during.allocated >= before.allocated + (32 << 20), "{before:?} -> {during:?}");
        assert!(during.allocated <= during.active && during.active <= during.resident, "{during:?}");
        assert!(during.resident <= during.mapped + during.metadata, "{during:?}");
        assert_eq!(during.used(), during.allocated - during.tcache);
        drop(block);
        assert!(AllocatorStats::read().allocated + (32 << 20) <= during.allocated);
        assert!(is_global_allocator());
    }
}
