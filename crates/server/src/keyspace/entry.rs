//! One keyspace entry in one allocation.
//!
//! An [`Entry`] is a thin pointer (8 bytes) to a single heap block that holds
//! a small header, the key bytes and the value: strings inline, integers as
//! an `i64`, collections as the [`Object`] itself. This is what keeps a small
//! key under ~64 bytes of heap (DESIGN.md section 5), and a small collection
//! at one block plus its packed buffer (no separate box for the `Object`,
//! which would cost a 48-byte jemalloc class per key).
//!
//! Layout of the block (all multi-byte fields unaligned, except the object):
//!
//! ```text
//! [kind|flags: u8][lru: 3 bytes][cap: varint][key_len: varint][expire: i64 if HAS_EXPIRE]
//! [key bytes][payload]
//! payload: Str -> [len: varint][bytes][slack]   Int -> [i64]
//!          Obj -> [padding to 8][Object]
//! ```
//!
//! `cap` counts the bytes up to the payload of an `Obj` block (everything
//! before the padding) and the whole block otherwise; an `Obj` block is
//! allocated 8-aligned with the `Object` at the first multiple of 8 from
//! `cap` (see [`obj_offset`]), so every byte slice taken of a block covers
//! initialised bytes only.
//!
//! This module owns the unsafe code of the keyspace; it must stay small and
//! every access must go through the safe accessors below. It knows nothing of
//! shards, expiry policy or side effects.

use std::alloc::{alloc, dealloc, Layout};
use std::marker::PhantomData;
use std::ptr::NonNull;

use super::defrag::BlockMover;
use super::object::Object;

const KIND_STR: u8 = 0;
const KIND_INT: u8 = 1;
const KIND_OBJ: u8 = 2;
const KIND_MASK: u8 = 0b11;
const HAS_EXPIRE: u8 = 0b100;
/// A string whose encoding Redis would report as `raw` even when short
/// (the result of APPEND or SETRANGE).
const RAW: u8 = 0b1000;

/// A borrowed view of an entry's value.
#[derive(Debug, Clone, Copy)]
pub enum ValueRef<'a> {
    /// A string stored as bytes.
    Str(&'a [u8]),
    /// A string that holds a canonical integer.
    Int(i64),
    /// A collection.
    Obj(&'a Object),
}

/// An owned value to store.
#[derive(Debug)]
pub enum Value {
    /// A string.
    Str(Vec<u8>),
    /// A string that Redis would encode `raw` whatever its length.
    Raw(Vec<u8>),
    /// An integer string.
    Int(i64),
    /// A collection.
    Obj(Box<Object>),
}

impl Value {
    /// A string value from bytes, stored as an integer when that is lossless
    /// (Redis's `OBJ_ENCODING_INT` rule: canonical decimal, at most 20 bytes).
    pub fn string(bytes: &[u8]) -> Value {
        match crate::strnum::parse_canonical_i64(bytes) {
            Some(i) => Value::Int(i),
            None => Value::Str(bytes.to_vec()),
        }
    }
}

fn varint_len(mut v: usize) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

fn write_varint(buf: &mut [u8], mut v: usize) -> usize {
    let mut i = 0;
    while v >= 0x80 {
        buf[i] = (v as u8) | 0x80;
        v >>= 7;
        i += 1;
    }
    buf[i] = v as u8;
    i + 1
}

fn read_varint(buf: &[u8]) -> (usize, usize) {
    let mut v = 0usize;
    let mut shift = 0;
    for (i, &b) in buf.iter().enumerate() {
        v |= ((b & 0x7f) as usize) << shift;
        if b < 0x80 {
            return (v, i + 1);
        }
        shift += 7;
    }
    unreachable!("entry varints are written by this module and always terminated")
}

/// Size of the `Object` stored at the end of a collection's block.
const OBJ_SIZE: usize = std::mem::size_of::<Object>();
/// Alignment of a collection's block (that of its `Object`).
const OBJ_ALIGN: usize = std::mem::align_of::<Object>();

/// Offset of the `Object` in a collection block whose prefix is `cap` bytes.
fn obj_offset(cap: usize) -> usize {
    cap.next_multiple_of(OBJ_ALIGN)
}

/// The allocation layout of a block of kind `flags` and `cap` prefix bytes.
fn block_layout(flags: u8, cap: usize) -> Layout {
    let layout = if flags & KIND_MASK == KIND_OBJ {
        Layout::from_size_align(obj_offset(cap) + OBJ_SIZE, OBJ_ALIGN)
    } else {
        Layout::from_size_align(cap, 1)
    };
    layout.expect("entry size fits in isize")
}

/// Parsed offsets of an entry header.
struct Header {
    flags: u8,
    cap: usize,
    key_off: usize,
    key_len: usize,
}

/// The address of a live entry block. All reads and writes of a block go
/// through this type; the safe wrappers ([`Entry`], [`EntryRef`],
/// [`EntryMut`]) give it an owner or a lifetime.
#[derive(Clone, Copy)]
struct Raw(NonNull<u8>);

impl Raw {
    fn header(self) -> Header {
        let p = self.0.as_ptr();
        // SAFETY: every block starts with 4 fixed bytes and the cap varint;
        // a cap needing more than one byte means the block is >= 128 bytes.
        let flags = unsafe { *p };
        let first = unsafe { *p.add(4) };
        let (cap, n1) = if first < 0x80 {
            (first as usize, 1)
        } else {
            read_varint(unsafe { std::slice::from_raw_parts(p.add(4), 10) })
        };
        let bytes = self.bytes(cap);
        let (key_len, n2) = read_varint(&bytes[4 + n1..]);
        let mut key_off = 4 + n1 + n2;
        if flags & HAS_EXPIRE != 0 {
            key_off += 8;
        }
        Header { flags, cap, key_off, key_len }
    }

    fn bytes<'a>(self, cap: usize) -> &'a [u8] {
        // SAFETY: the block is exactly `cap` initialised bytes; the caller's
        // wrapper ties the lifetime to the owner.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr(), cap) }
    }

    #[allow(clippy::mut_from_ref)]
    fn bytes_mut<'a>(self, cap: usize) -> &'a mut [u8] {
        // SAFETY: as above; only called through EntryMut/Entry with exclusive access.
        unsafe { std::slice::from_raw_parts_mut(self.0.as_ptr(), cap) }
    }

    fn key<'a>(self) -> &'a [u8] {
        let h = self.header();
        &self.bytes(h.cap)[h.key_off..h.key_off + h.key_len]
    }

    fn expire_at(self) -> Option<i64> {
        let h = self.header();
        if h.flags & HAS_EXPIRE == 0 {
            return None;
        }
        let b = &self.bytes(h.cap)[h.key_off - 8..h.key_off];
        Some(i64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    fn lru(self) -> u32 {
        let b = self.bytes(4);
        u32::from_le_bytes([b[1], b[2], b[3], 0])
    }

    fn obj_ptr(self, h: &Header) -> *mut Object {
        // SAFETY: an Obj block is allocated `obj_offset(cap) + OBJ_SIZE` bytes.
        unsafe { self.0.as_ptr().add(obj_offset(h.cap)).cast::<Object>() }
    }

    /// Frees the block without dropping its object (already moved or dropped).
    fn dealloc(self, h: &Header) {
        // SAFETY: allocated in `Entry::new` with this layout (same flags kind, same cap).
        unsafe { dealloc(self.0.as_ptr(), block_layout(h.flags, h.cap)) };
    }

    fn value<'a>(self) -> ValueRef<'a> {
        let h = self.header();
        let bytes = self.bytes(h.cap);
        let off = h.key_off + h.key_len;
        match h.flags & KIND_MASK {
            KIND_STR => {
                let (len, n) = read_varint(&bytes[off..]);
                ValueRef::Str(&bytes[off + n..off + n + len])
            }
            KIND_INT => ValueRef::Int(i64::from_le_bytes(bytes[off..off + 8].try_into().expect("8 bytes"))),
            // SAFETY: written by `Entry::new`, aligned, owned by the block.
            _ => ValueRef::Obj(unsafe { &*self.obj_ptr(&h) }),
        }
    }

    fn mem_usage(self) -> usize {
        let h = self.header();
        super::alloc::size_class(block_layout(h.flags, h.cap).size())
            + match self.value() {
                ValueRef::Obj(o) => o.mem_usage(),
                _ => 0,
            }
    }

    fn set_expire_in_place(self, at: i64) -> bool {
        let h = self.header();
        if h.flags & HAS_EXPIRE == 0 {
            return false;
        }
        self.bytes_mut(h.cap)[h.key_off - 8..h.key_off].copy_from_slice(&at.to_le_bytes());
        true
    }

    fn set_lru(self, v: u32) {
        self.bytes_mut(4)[1..4].copy_from_slice(&v.to_le_bytes()[..3]);
    }

    fn object_mut<'a>(self) -> Option<&'a mut Object> {
        let h = self.header();
        if h.flags & KIND_MASK != KIND_OBJ {
            return None;
        }
        // SAFETY: owned by the block; callers hold exclusive access.
        Some(unsafe { &mut *self.obj_ptr(&h) })
    }

    fn str_layout(self) -> Option<(Header, usize, usize, usize)> {
        let h = self.header();
        if h.flags & KIND_MASK != KIND_STR {
            return None;
        }
        let off = h.key_off + h.key_len;
        let (len, n) = read_varint(&self.bytes(h.cap)[off..]);
        Some((h, off, n, len))
    }

    fn append_in_place(self, extra: &[u8]) -> bool {
        let Some((h, off, n, len)) = self.str_layout() else {
            return false;
        };
        let new_len = len + extra.len();
        if varint_len(new_len) != n || off + n + new_len > h.cap {
            return false;
        }
        let buf = self.bytes_mut(h.cap);
        buf[off + n + len..off + n + new_len].copy_from_slice(extra);
        write_varint(&mut buf[off..], new_len);
        true
    }

    fn str_bytes_mut<'a>(self) -> Option<&'a mut [u8]> {
        let (h, off, n, len) = self.str_layout()?;
        Some(&mut self.bytes_mut(h.cap)[off + n..off + n + len])
    }
}

/// Read accessors shared by every view of an entry.
macro_rules! entry_readers {
    ($lt:lifetime) => {
        /// The key bytes.
        pub fn key(&self) -> &$lt [u8] {
            self.raw().key()
        }
        /// Absolute expire time in unix milliseconds, if any.
        pub fn expire_at(&self) -> Option<i64> {
            self.raw().expire_at()
        }
        /// Whether the entry has an expire time at or before `now`.
        pub fn is_expired(&self, now: i64) -> bool {
            self.raw().expire_at().is_some_and(|at| at <= now)
        }
        /// The LRU/LFU clock field (24 bits).
        pub fn lru(&self) -> u32 {
            self.raw().lru()
        }
        /// Whether a string value has Redis's `raw` encoding whatever its size.
        pub fn is_raw(&self) -> bool {
            self.raw().header().flags & RAW != 0
        }
        /// The value.
        pub fn value(&self) -> ValueRef<$lt> {
            self.raw().value()
        }
        /// Heap bytes this entry accounts for (block plus any collection).
        pub fn mem_usage(&self) -> usize {
            self.raw().mem_usage()
        }
        /// A deep copy under another key (COPY).
        pub fn copy_as(&self, key: &[u8]) -> Entry {
            let value = match self.value() {
                ValueRef::Str(s) => Value::Str(s.to_vec()),
                ValueRef::Int(i) => Value::Int(i),
                ValueRef::Obj(o) => Value::Obj(Box::new(o.clone())),
            };
            Entry::new(key, value, self.expire_at(), self.lru(), 0)
        }
    };
}

/// Write accessors shared by the owning and the mutable views.
macro_rules! entry_writers {
    () => {
        /// Sets the expire time in place when the entry already has the
        /// field; false means the entry must be rebuilt.
        pub fn set_expire_in_place(&mut self, at: i64) -> bool {
            self.raw().set_expire_in_place(at)
        }
        /// Updates the LRU/LFU clock field (low 24 bits are kept).
        pub fn set_lru(&mut self, v: u32) {
            self.raw().set_lru(v)
        }
        /// Mutable access to the collection, if the value is one.
        pub fn object_mut(&mut self) -> Option<&mut Object> {
            self.raw().object_mut()
        }
        /// Appends to a string value in place if its slack allows; false
        /// means the caller must rebuild the entry.
        pub fn append_in_place(&mut self, extra: &[u8]) -> bool {
            self.raw().append_in_place(extra)
        }
        /// Mutable bytes of a string value (for SETRANGE within its length).
        pub fn str_bytes_mut(&mut self) -> Option<&mut [u8]> {
            self.raw().str_bytes_mut()
        }
    };
}

/// An owning thin pointer to an entry block.
pub struct Entry {
    raw: Raw,
}

// SAFETY: an Entry owns its block exclusively (like a Box); Object is Send + Sync.
unsafe impl Send for Entry {}
// SAFETY: shared access is read-only.
unsafe impl Sync for Entry {}

/// A shared borrow of an entry stored in a table.
#[derive(Clone, Copy)]
pub struct EntryRef<'a> {
    raw: Raw,
    _owner: PhantomData<&'a Entry>,
}

/// An exclusive borrow of an entry stored in a table.
pub struct EntryMut<'a> {
    raw: Raw,
    _owner: PhantomData<&'a mut Entry>,
}

impl<'a> EntryRef<'a> {
    fn raw(&self) -> Raw {
        self.raw
    }
    entry_readers!('a);
}

impl<'a> EntryMut<'a> {
    fn raw(&self) -> Raw {
        self.raw
    }
    entry_readers!('_);
    entry_writers!();
}

impl Entry {
    fn raw(&self) -> Raw {
        self.raw
    }
    entry_readers!('_);
    entry_writers!();

    /// Builds an entry. `slack` extra bytes are reserved after a string
    /// payload so that APPEND can grow in place (amortised O(1)).
    pub fn new(key: &[u8], value: Value, expire_at: Option<i64>, lru: u32, slack: usize) -> Entry {
        let (kind, payload_len) = match &value {
            Value::Str(s) => (KIND_STR, varint_len(s.len()) + s.len() + slack),
            Value::Raw(s) => (KIND_STR | RAW, varint_len(s.len()) + s.len() + slack),
            Value::Int(_) => (KIND_INT, 8),
            Value::Obj(_) => (KIND_OBJ, 0),
        };
        let fixed = 4 + varint_len(key.len()) + expire_at.map_or(0, |_| 8) + key.len() + payload_len;
        // The cap varint describes the whole block, itself included.
        let mut cap = fixed + 1;
        while fixed + varint_len(cap) != cap {
            cap = fixed + varint_len(cap);
        }
        let layout = block_layout(kind, cap);
        // SAFETY: layout has non-zero size (at least the 4-byte header).
        let Some(ptr) = NonNull::new(unsafe { alloc(layout) }) else { std::alloc::handle_alloc_error(layout) };
        let raw = Raw(ptr);
        let buf = raw.bytes_mut(cap);
        buf[0] = kind | if expire_at.is_some() { HAS_EXPIRE } else { 0 };
        buf[1..4].copy_from_slice(&lru.to_le_bytes()[..3]);
        let mut off = 4;
        off += write_varint(&mut buf[off..], cap);
        off += write_varint(&mut buf[off..], key.len());
        if let Some(at) = expire_at {
            buf[off..off + 8].copy_from_slice(&at.to_le_bytes());
            off += 8;
        }
        buf[off..off + key.len()].copy_from_slice(key);
        off += key.len();
        match value {
            Value::Str(s) | Value::Raw(s) => {
                off += write_varint(&mut buf[off..], s.len());
                buf[off..off + s.len()].copy_from_slice(&s);
                buf[off + s.len()..].fill(0);
            }
            Value::Int(i) => buf[off..off + 8].copy_from_slice(&i.to_le_bytes()),
            Value::Obj(obj) => {
                debug_assert_eq!(off, cap);
                // SAFETY: the block has room for an Object at this aligned offset.
                unsafe { raw.obj_ptr(&raw.header()).write(*obj) };
            }
        }
        Entry { raw }
    }

    /// The same value under a new expire time (a new block when the field
    /// has to appear or disappear).
    pub fn with_expire(self, at: Option<i64>) -> Entry {
        let (key, lru) = (self.key().to_vec(), self.lru());
        Entry::new(&key, self.into_value(), at, lru, 0)
    }

    /// The same value and expire time under another key (RENAME, MOVE).
    pub fn with_key(self, key: &[u8]) -> Entry {
        let (at, lru) = (self.expire_at(), self.lru());
        Entry::new(key, self.into_value(), at, lru, 0)
    }

    /// Bytes of the block alone (an inline `Object` included).
    pub fn block_size(&self) -> usize {
        let h = self.raw.header();
        block_layout(h.flags, h.cap).size()
    }

    /// Takes the value out, consuming the entry.
    pub fn into_value(self) -> Value {
        let h = self.raw.header();
        if h.flags & KIND_MASK == KIND_OBJ {
            // SAFETY: written by `new`; the block is freed here without
            // running Drop, so the object moves out exactly once.
            let obj = unsafe { self.raw.obj_ptr(&h).read() };
            self.raw.dealloc(&h);
            std::mem::forget(self);
            return Value::Obj(Box::new(obj));
        }
        match self.value() {
            ValueRef::Str(s) if h.flags & RAW != 0 => Value::Raw(s.to_vec()),
            ValueRef::Str(s) => Value::Str(s.to_vec()),
            ValueRef::Int(i) => Value::Int(i),
            ValueRef::Obj(_) => unreachable!("objects handled above"),
        }
    }

    /// Moves the block to a new address (active defrag): `mover` gives the
    /// new block for the old one's layout, the bytes are copied, and the old
    /// block goes back through `mover`. With no new block the entry stays.
    pub(super) fn relocate(self, mover: &mut dyn BlockMover) -> Entry {
        let h = self.raw.header();
        let layout = block_layout(h.flags, h.cap);
        let Some(new) = mover.alloc_near(self.raw.0, layout) else { return self };
        // SAFETY: both blocks are `layout.size()` bytes and distinct. An
        // inline Object moves bitwise, as any Rust value may (nothing points
        // into a block: tables hold the block's address, which changes here
        // under the shard's lock).
        unsafe { std::ptr::copy_nonoverlapping(self.raw.0.as_ptr(), new.as_ptr(), layout.size()) };
        let old = self.raw.0;
        std::mem::forget(self);
        mover.free(old, layout);
        Entry { raw: Raw(new) }
    }

    /// The block address, for the table's tagged slots (at most 48 bits on
    /// the 64-bit platforms we support; checked).
    pub(super) fn into_addr(self) -> u64 {
        let p = self.raw.0.as_ptr() as u64;
        assert!(p >> 48 == 0, "entry address must fit in 48 bits");
        std::mem::forget(self);
        p
    }

    /// Rebuilds the owner from [`Entry::into_addr`].
    ///
    /// # Safety
    /// `addr` must come from `into_addr` and be owned by nobody else.
    pub(super) unsafe fn from_addr(addr: u64) -> Entry {
        Entry { raw: Raw(NonNull::new(addr as *mut u8).expect("table slots hold non-null addresses")) }
    }

    /// A shared view of a block owned elsewhere (a table slot).
    ///
    /// # Safety
    /// `addr` must be a live block that outlives `'a` and is not mutated meanwhile.
    pub(super) unsafe fn view<'a>(addr: u64) -> EntryRef<'a> {
        EntryRef { raw: Raw(NonNull::new(addr as *mut u8).expect("non-null")), _owner: PhantomData }
    }

    /// An exclusive view of a block owned elsewhere (a table slot).
    ///
    /// # Safety
    /// `addr` must be a live block, exclusively borrowed for `'a`.
    pub(super) unsafe fn view_mut<'a>(addr: u64) -> EntryMut<'a> {
        EntryMut { raw: Raw(NonNull::new(addr as *mut u8).expect("non-null")), _owner: PhantomData }
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        let h = self.raw.header();
        if h.flags & KIND_MASK == KIND_OBJ {
            // SAFETY: written by `new`, dropped exactly once here.
            unsafe { self.raw.obj_ptr(&h).drop_in_place() };
        }
        self.raw.dealloc(&h);
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("key", &String::from_utf8_lossy(self.key()))
            .field("expire_at", &self.expire_at())
            .finish()
    }
}

#[cfg(test)]
#[path = "entry_obj_tests.rs"]
mod obj_tests;

#[cfg(test)]
#[path = "entry_tests.rs"]
mod tests;
