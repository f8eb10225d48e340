//! What an allocation really costs: jemalloc's size classes.
//!
//! The keyspace counts the bytes its entries hold so that maxmemory
//! decisions need not ask the allocator on every write. A block of `n`
//! bytes occupies the next size class (53 bytes take 64), so counting `n`
//! would undercount by up to a fifth, and between two calibrations of the
//! memory gauge the server would overshoot maxmemory by that much.

/// The size of the jemalloc size class an allocation of `n` bytes gets:
/// 8 and 16, then steps of 16 up to 128, then four classes per doubling.
pub fn size_class(n: usize) -> usize {
    match n {
        0..=8 => 8,
        9..=128 => n.div_ceil(16) * 16,
        _ => {
            // Four classes in (2^k, 2^(k+1)]: steps of 2^(k-2).
            let k = usize::BITS - 1 - (n - 1).leading_zeros();
            let step = 1usize << (k - 2);
            n.div_ceil(step) * step
        }
    }
}

/// Makes room for `extra` more bytes, growing to the whole size class the
/// allocator hands out anyway. A packed encoding that grows by a few bytes
/// per insert then reallocates once per class instead of on every insert
/// (Redis's listpacks call realloc every time; jemalloc stays in place
/// within a class, but the call itself was 8% of an LPUSH profile).
pub fn reserve_class(buf: &mut Vec<u8>, extra: usize) {
    let need = buf.len() + extra;
    if need > buf.capacity() {
        buf.reserve_exact(size_class(need) - buf.len());
    }
}

/// Gives back the capacity that a smaller size class would not need.
pub fn shrink_class(buf: &mut Vec<u8>) {
    let fit = size_class(buf.len());
    if buf.capacity() > fit {
        buf.shrink_to(fit);
    }
}

#[cfg(test)]
mod tests {
    use super::{reserve_class, shrink_class, size_class};

    #[test]
    fn sizes_round_up_to_jemallocs_classes() {
        let cases = [
            (1, 8),
            (8, 8),
            (9, 16),
            (17, 32),
            (53, 64),
            (128, 128),
            (129, 160),
            (161, 192),
            (257, 320),
            (513, 640),
            (560, 640),
            (1025, 1280),
            (4097, 5120),
            (20_000, 20_480),
        ];
        for (n, class) in cases {
            assert_eq!(size_class(n), class, "size_class({n})");
        }
    }

    #[test]
    fn matches_the_allocator_it_models() {
        use std::alloc::{GlobalAlloc, Layout};
        use tikv_jemallocator::Jemalloc;
        for n in (1..70_000).step_by(7) {
            let layout = Layout::from_size_align(n, 1).expect("valid layout");
            // SAFETY: a non-zero size; the block is freed right after with
            // the same layout and allocator.
            let real = unsafe {
                let p = Jemalloc.alloc(layout);
                assert!(!p.is_null());
                let real = tikv_jemallocator::usable_size(p);
                Jemalloc.dealloc(p, layout);
                real
            };
            assert_eq!(size_class(n), real, "size_class({n})");
        }
    }

    #[test]
    fn packed_buffers_grow_and_shrink_by_whole_size_classes() {
        let mut buf = Vec::new();
        for i in 0..3000 {
            reserve_class(&mut buf, 1);
            buf.push(i as u8);
            assert_eq!(buf.capacity(), size_class(buf.len()), "at {}", buf.len());
        }
        buf.truncate(100);
        shrink_class(&mut buf);
        assert_eq!(buf.capacity(), 112);
        shrink_class(&mut buf);
        assert_eq!(buf.capacity(), 112, "already fits its class");
    }
}
