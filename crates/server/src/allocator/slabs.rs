//! jemalloc's small-size bins as active defrag sees them: how much of their
//! slabs is unused (the fragmentation a defrag pass can give back), whether
//! a block sits in a slab less used than its bin's average (so moving it
//! helps that slab empty), and the allocation calls one move makes.
//!
//! Everything here uses stock jemalloc 5.3 (no patched hint function):
//! per-bin `curregs`/`curslabs`/`nonfull_slabs` summed over arenas, and
//! `experimental.utilization.batch_query` for blocks, as Valkey 8.1 does.
//! It must only be used when jemalloc is the global allocator
//! ([`Bins::new`] checks): the query looks addresses up in jemalloc's map.

use std::alloc::Layout;
use std::ffi::{c_void, CStr};
use std::ptr::{self, NonNull};

use tikv_jemalloc_sys::{mallctlbymib, mallctlnametomib, mallocx, sdallocx, MALLOCX_ALIGN, MALLOCX_TCACHE_NONE};

/// A mallctl name translated once (jemalloc's "MIB").
#[derive(Clone, Copy)]
struct Mib {
    key: [usize; 6],
    len: usize,
}

impl Mib {
    fn new(name: &CStr) -> Option<Mib> {
        let mut mib = Mib { key: [0; 6], len: 6 };
        // SAFETY: `name` is NUL-terminated and `key` has room for `len` parts.
        let rc = unsafe { mallctlnametomib(name.as_ptr(), mib.key.as_mut_ptr(), &mut mib.len) };
        (rc == 0).then_some(mib)
    }

    /// Reads a value of type `T` (which must be the ctl's type).
    fn read<T: Copy + Default>(&self) -> Option<T> {
        let mut value = T::default();
        let mut len = std::mem::size_of::<T>();
        // SAFETY: `value` has `len` writable bytes, the size jemalloc checks
        // against the ctl's type; nothing is written to jemalloc.
        let rc = unsafe {
            mallctlbymib(self.key.as_ptr(), self.len, (&mut value as *mut T).cast(), &mut len, ptr::null_mut(), 0)
        };
        (rc == 0).then_some(value)
    }
}

fn read_named<T: Copy + Default>(name: &str) -> Option<T> {
    Mib::new(&std::ffi::CString::new(name).ok()?)?.read()
}

/// One small size class.
struct Bin {
    /// Region size in bytes.
    size: usize,
    /// Regions per slab.
    nregs: usize,
    regs: Mib,
    slabs: Mib,
    nonfull: Mib,
    /// Last refreshed: live regions, slabs, slabs with a free region.
    usage: (usize, usize, usize),
}

/// The small bins, with the usage figures of the last [`Bins::refresh`].
pub struct Bins {
    bins: Vec<Bin>,
    batch_query: Mib,
    arena_lookup: Mib,
}

/// A move is worth it when the block's slab holds at most this share
/// (in eighths) of the average live regions of the bin's non-full slabs:
/// up to 12.5% above average, as jemalloc's old defrag hint that Redis
/// used, so that a bin of evenly used slabs still compacts.
const ABOVE_AVERAGE_EIGHTHS: usize = 9;

impl Bins {
    /// The bins of the running jemalloc; `None` when jemalloc is not the
    /// global allocator or lacks the statistics and queries defrag needs.
    pub fn new() -> Option<Bins> {
        if !super::is_global_allocator() {
            return None;
        }
        let nbins: u32 = read_named("arenas.nbins")?;
        let mut bins = Vec::with_capacity(nbins as usize);
        for j in 0..nbins {
            let stat =
                |name: &str| Mib::new(&std::ffi::CString::new(format!("stats.arenas.4096.bins.{j}.{name}")).ok()?);
            bins.push(Bin {
                size: read_named(&format!("arenas.bin.{j}.size"))?,
                nregs: read_named::<u32>(&format!("arenas.bin.{j}.nregs"))? as usize,
                regs: stat("curregs")?,
                slabs: stat("curslabs")?,
                nonfull: stat("nonfull_slabs")?,
                usage: (0, 0, 0),
            });
        }
        Some(Bins {
            bins,
            batch_query: Mib::new(c"experimental.utilization.batch_query")?,
            arena_lookup: Mib::new(c"arenas.lookup")?,
        })
    }

    /// Re-reads every bin's usage (the caller advances jemalloc's stats
    /// epoch first) and returns the bytes of free regions inside the bins'
    /// slabs: the fragmentation a defrag pass can act on.
    pub fn refresh(&mut self) -> usize {
        let mut free = 0;
        for b in &mut self.bins {
            let read = |m: &Mib| m.read::<usize>().unwrap_or(0);
            b.usage = (read(&b.regs), read(&b.slabs), read(&b.nonfull));
            free += (b.usage.1 * b.nregs).saturating_sub(b.usage.0) * b.size;
        }
        free
    }

    /// For each block address, whether moving the block would help its
    /// slab empty; appends one answer per block to `out`.
    pub fn worth_moving(&self, blocks: &[usize], out: &mut Vec<bool>) {
        let mut util = vec![0usize; blocks.len() * 3];
        let mut len = util.len() * std::mem::size_of::<usize>();
        // SAFETY: jemalloc writes 3 size_t per address into `util`, whose
        // byte length it checks against `len`; the addresses are live blocks
        // of the global allocator (jemalloc, checked in `new`), which the
        // caller keeps from being freed meanwhile (it holds their shard).
        let rc = unsafe {
            mallctlbymib(
                self.batch_query.key.as_ptr(),
                self.batch_query.len,
                util.as_mut_ptr().cast(),
                &mut len,
                blocks.as_ptr() as *mut c_void,
                std::mem::size_of_val(blocks),
            )
        };
        if rc != 0 {
            out.extend(blocks.iter().map(|_| false));
            return;
        }
        out.extend(util.chunks_exact(3).map(|u| self.slab_worth_emptying(u[0], u[1], u[2])));
    }

    /// The decision for one block whose slab has `nfree` of `nregs`
    /// regions free and is `slab_bytes` long.
    fn slab_worth_emptying(&self, nfree: usize, nregs: usize, slab_bytes: usize) -> bool {
        if nregs <= 1 || nfree == 0 {
            // A large allocation (its own extent), or a full slab.
            return false;
        }
        let size = slab_bytes / nregs;
        let Ok(j) = self.bins.binary_search_by_key(&size, |b| b.size) else { return false };
        let bin = &self.bins[j];
        let (regs, slabs, nonfull) = bin.usage;
        // Live regions in non-full slabs, and their average per slab.
        let in_nonfull = regs.saturating_sub((slabs.saturating_sub(nonfull)) * bin.nregs);
        let live = nregs - nfree;
        nonfull >= 2 && live * nonfull * 8 <= in_nonfull * ABOVE_AVERAGE_EIGHTHS
    }

    /// A block for `layout` in the arena that holds `old`, bypassing the
    /// thread cache so that it comes from the bin's current slab (jemalloc
    /// fills its oldest non-full slabs first) rather than from a cached
    /// region, which may well be in the slab being emptied.
    pub fn alloc_near(&self, old: NonNull<u8>, layout: Layout) -> Option<NonNull<u8>> {
        let mut arena: u32 = 0;
        let mut len = std::mem::size_of::<u32>();
        let mut addr = old.as_ptr() as *mut c_void;
        // SAFETY: `arenas.lookup` reads a pointer (a live block of the global
        // allocator, jemalloc) and writes an unsigned int.
        let rc = unsafe {
            mallctlbymib(
                self.arena_lookup.key.as_ptr(),
                self.arena_lookup.len,
                (&mut arena as *mut u32).cast(),
                &mut len,
                (&mut addr as *mut *mut c_void).cast(),
                std::mem::size_of::<*mut c_void>(),
            )
        };
        if rc != 0 {
            return None;
        }
        let flags = MALLOCX_TCACHE_NONE | tikv_jemalloc_sys::MALLOCX_ARENA(arena as usize) | align_flags(layout);
        // SAFETY: the size is non-zero (blocks hold at least a header).
        NonNull::new(unsafe { mallocx(layout.size(), flags) }.cast())
    }

    /// Frees a block a move has copied out of, straight to its slab (not
    /// into the thread cache, which would keep the slab from emptying).
    pub fn free(&self, block: NonNull<u8>, layout: Layout) {
        // SAFETY: `block` was allocated by jemalloc (the global allocator)
        // with `layout`, and the move owns it.
        unsafe { sdallocx(block.as_ptr().cast(), layout.size(), MALLOCX_TCACHE_NONE | align_flags(layout)) };
    }
}

/// The alignment flag tikv-jemallocator gives a layout (none when jemalloc's
/// size classes align it anyway), so blocks moved here are freed alike.
fn align_flags(layout: Layout) -> i32 {
    if layout.align() <= 16 && layout.align() <= layout.size() {
        0
    } else {
        MALLOCX_ALIGN(layout.align())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bins() -> Bins {
        Bins::new().expect("unit tests run on jemalloc (lib.rs)")
    }

    #[test]
    fn sparse_slabs_are_worth_emptying_and_full_or_large_ones_are_not() {
        let mut b = bins();
        let j = b.bins.iter().position(|x| x.size == 128).expect("a 128-byte class");
        let nregs = b.bins[j].nregs;
        // 10 slabs, 4 of them non-full holding 2 * nregs live regions in all
        // (an average of nregs / 2 each).
        b.bins[j].usage = (6 * nregs + 2 * nregs, 10, 4);
        let slab = 128 * nregs;
        assert!(b.slab_worth_emptying(nregs - 1, nregs, slab), "one live region of {nregs}");
        assert!(b.slab_worth_emptying(nregs / 2, nregs, slab), "at the average");
        assert!(!b.slab_worth_emptying(nregs / 4, nregs, slab), "three quarters used");
        assert!(!b.slab_worth_emptying(0, nregs, slab), "full");
        assert!(!b.slab_worth_emptying(0, 1, 229_376), "a large allocation");
        b.bins[j].usage = (6 * nregs + 1, 7, 1);
        assert!(!b.slab_worth_emptying(nregs - 1, nregs, slab), "no other non-full slab to move to");
    }

    #[test]
    fn blocks_in_a_sparse_slab_move_and_the_copy_is_freed_alike() {
        let b = bins();
        let layout = Layout::from_size_align(100, 1).expect("layout");
        let block = NonNull::new(unsafe { std::alloc::alloc(layout) }).expect("alloc");
        let mut out = Vec::new();
        b.worth_moving(&[block.as_ptr() as usize], &mut out);
        assert_eq!(out.len(), 1);
        let moved = b.alloc_near(block, layout).expect("a block in the same arena");
        assert_ne!(moved, block);
        b.free(block, layout);
        // SAFETY: allocated above with this layout; freed by the global allocator.
        unsafe { std::alloc::dealloc(moved.as_ptr(), layout) };
    }
}
