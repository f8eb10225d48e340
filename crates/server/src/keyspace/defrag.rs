//! Active defragmentation of the keyspace: a pass walks every shard's
//! slots, asks a [`BlockMover`] which entry blocks sit in slabs worth
//! emptying, and moves those blocks (allocate, copy, swap the address in
//! the slot, free) under the shard's lock.
//!
//! Only table slots hold block addresses: eviction's pool and S3-FIFO queue
//! keep keys and hashes, the ghost list fingerprints, SCAN a bucket cursor,
//! the expire cycle a slot index. So a move rewrites one slot and nothing
//! else can notice. The pass is resumable: a [`DefragCursor`] keeps its
//! place between cron ticks, and the shard lock is taken per batch of
//! slots, so a command waits for at most one batch. Entries that shift
//! within a table between batches may be visited twice or missed by a
//! pass, which costs precision, not correctness.
//!
//! When to run and for how long is the server's business (`server/defrag.rs`);
//! collections' inner allocations (list nodes, hash tables) are not moved.

use std::alloc::Layout;
use std::ptr::NonNull;
use std::time::Instant;

use super::{Keyspace, SHARDS};

/// Where blocks move to: the allocator side of active defrag.
pub trait BlockMover {
    /// For each block address, whether moving it would help; appends one
    /// answer per block to `out`.
    fn worth_moving(&mut self, blocks: &[usize], out: &mut Vec<bool>);
    /// A new block for `layout`, placed where `old`'s allocator would want
    /// it (`None`: leave the block where it is).
    fn alloc_near(&mut self, old: NonNull<u8>, layout: Layout) -> Option<NonNull<u8>>;
    /// Frees a block that has been copied out of.
    fn free(&mut self, block: NonNull<u8>, layout: Layout);
}

impl BlockMover for crate::allocator::slabs::Bins {
    fn worth_moving(&mut self, blocks: &[usize], out: &mut Vec<bool>) {
        crate::allocator::slabs::Bins::worth_moving(self, blocks, out)
    }
    fn alloc_near(&mut self, old: NonNull<u8>, layout: Layout) -> Option<NonNull<u8>> {
        crate::allocator::slabs::Bins::alloc_near(self, old, layout)
    }
    fn free(&mut self, block: NonNull<u8>, layout: Layout) {
        crate::allocator::slabs::Bins::free(self, block, layout)
    }
}

/// Where a pass has got to: database, shard, slot.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DefragCursor {
    db: usize,
    shard: usize,
    slot: usize,
}

impl DefragCursor {
    /// Whether the cursor is at the start of a pass.
    pub fn at_start(&self) -> bool {
        *self == DefragCursor::default()
    }
}

/// What a pass did: blocks moved (Redis's `active_defrag_hits`) and blocks
/// looked at and left where they were (`active_defrag_misses`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DefragCounts {
    /// Blocks moved.
    pub hits: u64,
    /// Blocks left in place.
    pub misses: u64,
}

/// Slots looked at per lock: one batch query to the allocator.
const BATCH: usize = 64;

impl Keyspace {
    /// Continues a defrag pass from `cursor` until `deadline` (at least one
    /// batch is done); true when the pass has covered the whole keyspace,
    /// the cursor being back at the start.
    pub fn defrag_step(
        &self,
        cursor: &mut DefragCursor,
        mover: &mut dyn BlockMover,
        deadline: Instant,
        counts: &mut DefragCounts,
    ) -> bool {
        let (mut slots, mut blocks, mut verdicts) =
            (Vec::with_capacity(BATCH), Vec::with_capacity(BATCH), Vec::with_capacity(BATCH));
        while cursor.db < self.databases() {
            let shard_done = self.with_shard(cursor.db, cursor.shard, |s| {
                let table = &mut s.data.table;
                slots.clear();
                blocks.clear();
                verdicts.clear();
                while cursor.slot < table.capacity() && slots.len() < BATCH {
                    if table.is_occupied(cursor.slot) {
                        slots.push(cursor.slot);
                        blocks.push(table.block_addr(cursor.slot));
                    }
                    cursor.slot += 1;
                }
                if !slots.is_empty() {
                    mover.worth_moving(&blocks, &mut verdicts);
                }
                for (&slot, &move_it) in slots.iter().zip(&verdicts) {
                    if move_it {
                        table.relocate(slot, mover);
                        counts.hits += 1;
                    } else {
                        counts.misses += 1;
                    }
                }
                cursor.slot >= table.capacity()
            });
            if shard_done {
                cursor.slot = 0;
                cursor.shard += 1;
                if cursor.shard == SHARDS {
                    (cursor.shard, cursor.db) = (0, cursor.db + 1);
                }
            }
            if Instant::now() >= deadline && cursor.db < self.databases() {
                return false;
            }
        }
        *cursor = DefragCursor::default();
        true
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::keyspace::{hash_key, shard_of, Object, Value, ValueRef};

    /// Moves every block through the global allocator and remembers where
    /// each went (Valkey's DEBUG_FORCE_DEFRAG in spirit).
    #[derive(Default)]
    struct MoveAll {
        moved_to: Vec<usize>,
        freed: usize,
    }

    impl BlockMover for MoveAll {
        fn worth_moving(&mut self, blocks: &[usize], out: &mut Vec<bool>) {
            out.extend(blocks.iter().map(|_| true));
        }
        fn alloc_near(&mut self, _old: NonNull<u8>, layout: Layout) -> Option<NonNull<u8>> {
            // SAFETY: entry layouts are never zero-sized.
            let p = NonNull::new(unsafe { std::alloc::alloc(layout) })?;
            self.moved_to.push(p.as_ptr() as usize);
            Some(p)
        }
        fn free(&mut self, block: NonNull<u8>, layout: Layout) {
            self.freed += 1;
            // SAFETY: entry blocks come from the global allocator with this layout.
            unsafe { std::alloc::dealloc(block.as_ptr(), layout) };
        }
    }

    fn put(ks: &Keyspace, db: usize, key: &str, value: Value, expire: Option<i64>) {
        let h = hash_key(key.as_bytes());
        ks.with_shard(db, shard_of(h), |s| s.put(h, key.as_bytes(), value, expire, 7));
    }

    /// Every key as (db, key) -> (value text, expire, block address).
    type Snapshot = HashMap<(usize, Vec<u8>), (String, Option<i64>, usize)>;

    fn snapshot(ks: &Keyspace) -> Snapshot {
        let mut all = HashMap::new();
        for db in 0..ks.databases() {
            for idx in 0..SHARDS {
                ks.with_shard(db, idx, |s| {
                    let t = &s.data.table;
                    for slot in (0..t.capacity()).filter(|i| t.is_occupied(*i)) {
                        let e = t.get(slot);
                        let value = match e.value() {
                            ValueRef::Str(v) => String::from_utf8_lossy(v).into_owned(),
                            ValueRef::Int(i) => i.to_string(),
                            ValueRef::Obj(o) => format!("{}:{}", o.type_name(), o.mem_usage()),
                        };
                        assert_eq!(e.lru(), 7);
                        all.insert((db, e.key().to_vec()), (value, e.expire_at(), t.block_addr(slot)));
                    }
                });
            }
        }
        all
    }

    fn filled() -> Keyspace {
        let ks = Keyspace::new(3);
        for i in 0..2000 {
            let expire = (i % 3 == 0).then_some(1_700_000_000_000 + i as i64);
            let value = match i % 4 {
                0 => Value::Int(i as i64 - 1000),
                1 => Value::Str(vec![b'a' + (i % 26) as u8; i % 300]),
                2 => Value::Str(format!("value-{i}").into_bytes()),
                _ => Value::Str(vec![b'z'; 2000 + i]),
            };
            put(&ks, i % 3, &format!("key:{i}"), value, expire);
        }
        let mut list = crate::keyspace::list::List::default();
        list.push_back(b"x", -2);
        put(&ks, 2, "a-list", Value::Obj(Box::new(Object::List(list))), Some(5));
        ks
    }

    #[test]
    fn a_pass_moves_every_block_and_keeps_keys_values_and_ttls() {
        let ks = filled();
        let before = snapshot(&ks);
        let mut mover = MoveAll::default();
        let mut counts = DefragCounts::default();
        let mut cursor = DefragCursor::default();
        let far = Instant::now() + std::time::Duration::from_secs(3600);
        assert!(ks.defrag_step(&mut cursor, &mut mover, far, &mut counts));
        assert!(cursor.at_start());
        assert_eq!(counts, DefragCounts { hits: before.len() as u64, misses: 0 });
        assert_eq!(mover.freed, before.len());
        let after = snapshot(&ks);
        assert_eq!(after.len(), before.len());
        for (key, (value, expire, addr)) in &before {
            let (v2, e2, a2) = after.get(key).unwrap_or_else(|| panic!("{key:?} lost"));
            assert_eq!((v2, e2), (value, expire), "{key:?}");
            assert_ne!(a2, addr, "{key:?} did not move");
            assert!(mover.moved_to.contains(a2));
        }
        // Lookups still find every key at its new address.
        for (db, key) in before.keys() {
            let h = hash_key(key);
            assert!(ks.with_shard(*db, shard_of(h), |s| s.find_raw(h, key).is_some()));
        }
    }

    #[test]
    fn a_pass_resumes_where_its_deadline_stopped_it() {
        let ks = filled();
        let total = snapshot(&ks).len() as u64;
        let (mut mover, mut counts, mut cursor) =
            (MoveAll::default(), DefragCounts::default(), DefragCursor::default());
        let mut steps = 0;
        // An expired deadline still does one batch per call.
        while !ks.defrag_step(&mut cursor, &mut mover, Instant::now(), &mut counts) {
            steps += 1;
            assert!(counts.hits < total * 2, "the pass does not end");
        }
        assert!(steps > 10, "{steps} steps for {total} keys");
        assert_eq!(counts.hits, total, "every key moved exactly once in an unchanged keyspace");
    }

    #[test]
    fn blocks_the_mover_declines_stay_put() {
        struct Never;
        impl BlockMover for Never {
            fn worth_moving(&mut self, blocks: &[usize], out: &mut Vec<bool>) {
                out.extend(blocks.iter().map(|_| false));
            }
            fn alloc_near(&mut self, _: NonNull<u8>, _: Layout) -> Option<NonNull<u8>> {
                unreachable!("nothing is worth moving")
            }
            fn free(&mut self, _: NonNull<u8>, _: Layout) {
                unreachable!("nothing moved")
            }
        }
        let ks = filled();
        let before = snapshot(&ks);
        let mut counts = DefragCounts::default();
        let far = Instant::now() + std::time::Duration::from_secs(3600);
        assert!(ks.defrag_step(&mut DefragCursor::default(), &mut Never, far, &mut counts));
        assert_eq!(counts, DefragCounts { hits: 0, misses: before.len() as u64 });
        assert_eq!(snapshot(&ks), before);
    }
}
