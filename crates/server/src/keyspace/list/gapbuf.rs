//! `GapBuf`: the bytes under a listpack, with spare room at the front as
//! well as at the back.
//!
//! A listpack is one byte vector, so a plain vector pays a move of every
//! byte for each push or pop at the head: up to 8 KB per `LPUSH` or `LPOP`
//! on a quicklist's head node (Redis pays the same `memmove`). Here the
//! live bytes start at an offset: a pop at the head advances it and a push
//! takes bytes from the room before it. When a push finds no room, the
//! bytes move once to a new allocation that keeps an eighth of their size
//! (plus the allocator class's slack) free in front, so a run of pushes
//! moves each byte about eight times in all, against once per push. A list
//! only ever pushed at the tail never gets front room; room left by pops
//! is given back once it exceeds half the live size, and a quicklist gives
//! back a head node's room when a new head node takes over the pushes.
//!
//! It is a boxed slice and two `u32` offsets, 24 bytes like the `Vec` it
//! replaced: a listpack sits inline in every collection's `Object`, and
//! 8 more bytes there pushed small hashes into a larger size class.

use std::ops::{Deref, DerefMut};

use crate::keyspace::alloc::size_class;

/// Bytes `start..end` of an allocation are the contents.
#[derive(Debug, Default)]
pub struct GapBuf {
    buf: Box<[u8]>,
    start: u32,
    end: u32,
}

/// An offset as stored (a listpack is far below 4 GB).
fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("listpack under 4 GB")
}

impl GapBuf {
    /// Wraps bytes with no room around them.
    pub fn from_vec(vec: Vec<u8>) -> GapBuf {
        let end = offset(vec.len());
        GapBuf { buf: vec.into_boxed_slice(), start: 0, end }
    }

    /// Heap bytes held.
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Moves the contents to a new allocation of `cap` bytes, `room` of
    /// them in front.
    fn move_to(&mut self, cap: usize, room: usize) {
        let mut buf = vec![0; cap].into_boxed_slice();
        let len = self.len();
        buf[room..room + len].copy_from_slice(self);
        (self.buf, self.start, self.end) = (buf, offset(room), offset(room + len));
    }

    /// Moves the contents to the front of the allocation.
    fn compact(&mut self) {
        if self.start > 0 {
            let len = self.len();
            self.buf.copy_within(self.start as usize..self.end as usize, 0);
            (self.start, self.end) = (0, offset(len));
        }
    }

    /// Appends `n` bytes (their contents are unspecified: the caller
    /// writes them), growing to a whole size class when there is no room.
    pub fn grow_back(&mut self, n: usize) {
        if self.end as usize + n > self.buf.len() {
            self.move_to(size_class(self.len() + n), 0);
        }
        self.end += offset(n);
    }

    /// Prepends `n` bytes (their contents are unspecified: the caller
    /// writes them).
    pub fn grow_front(&mut self, n: usize) {
        if (self.start as usize) < n {
            let live = self.len();
            let cap = size_class(live + n.max(live / 8));
            self.move_to(cap, cap - live);
        }
        self.start -= offset(n);
    }

    /// Appends a copy of `bytes`, allocating exactly what they need.
    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        if self.end as usize + bytes.len() > self.buf.len() {
            self.move_to(self.len() + bytes.len(), 0);
        }
        let end = self.end as usize;
        self.buf[end..end + bytes.len()].copy_from_slice(bytes);
        self.end += offset(bytes.len());
    }

    /// Keeps the first `len` bytes.
    pub fn truncate(&mut self, len: usize) {
        self.end = self.start + offset(len.min(self.len()));
    }

    /// Removes the bytes in `from..to`: from the front by moving the start.
    pub fn remove(&mut self, from: usize, to: usize) {
        if from == 0 {
            self.start += offset(to);
        } else {
            let s = self.start as usize;
            self.buf.copy_within(s + to..self.end as usize, s + from);
            self.end -= offset(to - from);
        }
    }

    /// Gives back room: the front's when it exceeds half the live bytes (or
    /// nothing is left), then the back's beyond the allocator's size class.
    pub fn shrink(&mut self) {
        if self.start > 0 && (self.start as usize > self.len() / 2 || self.is_empty()) {
            self.compact();
        }
        self.shrink_back();
    }

    /// Gives back the room in front, and at the back what the allocator's
    /// size class would not keep.
    pub fn shrink_front(&mut self) {
        self.compact();
        self.shrink_back();
    }

    fn shrink_back(&mut self) {
        let fit = if self.end == 0 { 0 } else { size_class(self.end as usize) };
        if self.buf.len() > fit {
            let room = self.start as usize;
            self.move_to(fit, room);
        }
    }

    /// Gives back all spare room.
    pub fn shrink_to_fit(&mut self) {
        if self.buf.len() > self.len() {
            self.move_to(self.len(), 0);
        }
    }
}

impl Clone for GapBuf {
    fn clone(&self) -> Self {
        GapBuf::from_vec(self.to_vec())
    }
}

impl Deref for GapBuf {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.buf[self.start as usize..self.end as usize]
    }
}

impl DerefMut for GapBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.buf[self.start as usize..self.end as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_at_the_front_move_the_bytes_a_bounded_number_of_times() {
        let mut buf = GapBuf::default();
        let mut model: Vec<u8> = Vec::new();
        let mut moves = 0;
        for i in 0..4000u32 {
            let before = buf.buf.as_ptr();
            buf.grow_front(2);
            buf[..2].copy_from_slice(&(i as u16).to_le_bytes());
            model.splice(0..0, (i as u16).to_le_bytes());
            moves += usize::from(before != buf.buf.as_ptr());
            assert_eq!(&buf[..], &model[..]);
        }
        assert!(moves < 100, "{moves} reallocations for 4000 pushes");
        // The room in front stays within an eighth of the contents (plus a class).
        assert!(buf.capacity() <= size_class(model.len() + model.len() / 8 + 2));
        buf.shrink_front();
        assert_eq!((&buf[..], buf.start), (&model[..], 0));
        assert_eq!(buf.capacity(), size_class(model.len()));
    }

    #[test]
    fn pops_at_the_front_move_nothing_until_half_is_room() {
        let mut buf = GapBuf::from_vec((0..100u8).collect());
        let at = buf.buf.as_ptr();
        for popped in 1..=33 {
            buf.remove(0, 1);
            buf.shrink();
            assert_eq!(buf[0], popped as u8);
        }
        assert_eq!(buf.buf.as_ptr(), at, "33 of 100 popped: no move yet");
        buf.remove(0, 1);
        buf.shrink();
        assert_eq!(buf.start, 0, "34 of room against 66 live: given back");
        assert_eq!(&buf[..], &(34..100u8).collect::<Vec<_>>()[..]);
        buf.remove(0, buf.len());
        buf.shrink();
        assert!(buf.is_empty() && buf.start == 0);
    }

    #[test]
    fn a_listpack_stays_the_size_of_a_vec() {
        assert_eq!(std::mem::size_of::<GapBuf>(), std::mem::size_of::<Vec<u8>>());
    }

    #[test]
    fn the_back_and_the_middle_work_as_in_a_vector() {
        let mut buf = GapBuf::from_vec(b"cdef".to_vec());
        buf.grow_front(2);
        buf[..2].copy_from_slice(b"ab");
        buf.grow_back(2);
        let n = buf.len();
        buf[n - 2..].copy_from_slice(b"gh");
        assert_eq!(&buf[..], b"abcdefgh");
        buf.remove(2, 4);
        assert_eq!(&buf[..], b"abefgh");
        buf.truncate(4);
        buf.extend_from_slice(b"xy");
        assert_eq!(&buf[..], b"abefxy");
        assert_eq!(&buf.clone()[..], b"abefxy");
        buf.shrink_to_fit();
        assert_eq!((&buf[..], buf.start), (&b"abefxy"[..], 0));
    }
}
