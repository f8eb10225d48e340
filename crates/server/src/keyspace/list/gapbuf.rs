//! `GapBuf`: the bytes under a listpack, with spare room at the front as
//! well as at the back.
//!
//! A listpack is one byte vector, so a plain vector pays a move of every
//! byte for each push or pop at the head: up to 8 KB per `LPUSH` or `LPOP`
//! on a quicklist's head node (Redis pays the same `memmove`). Here the
//! live bytes start at an offset: a pop at the head advances it and a push
//! takes bytes from the room before it. When a push finds no room, the
//! bytes move once to a new allocation that keeps a quarter of their size
//! (plus the allocator class's slack) free in front, so a run of pushes
//! moves each byte a bounded number of times. A list only ever pushed at
//! the tail never gets front room; room left by pops is given back once it
//! exceeds half the live size.

use std::ops::{Deref, DerefMut};

use crate::keyspace::alloc::{reserve_class, shrink_class, size_class};

/// A byte vector whose contents start `start` bytes into its allocation.
#[derive(Debug, Default)]
pub struct GapBuf {
    vec: Vec<u8>,
    start: usize,
}

impl GapBuf {
    /// Wraps bytes with no room in front.
    pub fn from_vec(vec: Vec<u8>) -> GapBuf {
        GapBuf { vec, start: 0 }
    }

    /// Heap bytes held.
    pub fn capacity(&self) -> usize {
        self.vec.capacity()
    }

    /// Appends `n` zero bytes at the back (growing to a whole size class).
    pub fn grow_back(&mut self, n: usize) {
        reserve_class(&mut self.vec, n);
        self.vec.resize(self.vec.len() + n, 0);
    }

    /// Prepends `n` bytes (their contents are unspecified: the caller
    /// writes them).
    pub fn grow_front(&mut self, n: usize) {
        if self.start < n {
            let live = self.len();
            let room = size_class(live + n.max(live / 4)) - live;
            let mut vec = Vec::with_capacity(room + live);
            vec.resize(room, 0);
            vec.extend_from_slice(self);
            (self.vec, self.start) = (vec, room);
        }
        self.start -= n;
    }

    /// Appends a copy of `bytes`, allocating exactly what they need.
    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.vec.reserve_exact(bytes.len());
        self.vec.extend_from_slice(bytes);
    }

    /// Keeps the first `len` bytes.
    pub fn truncate(&mut self, len: usize) {
        self.vec.truncate(self.start + len);
    }

    /// Removes the bytes in `from..to`: from the front by moving the start.
    pub fn remove(&mut self, from: usize, to: usize) {
        if from == 0 {
            self.start += to;
        } else {
            self.vec.drain(self.start + from..self.start + to);
        }
    }

    /// Gives back room: the front's when it exceeds half the live bytes (or
    /// nothing is left), then the back's beyond the allocator's size class.
    pub fn shrink(&mut self) {
        if self.start > 0 && (self.start > self.len() / 2 || self.is_empty()) {
            self.vec.drain(..self.start);
            self.start = 0;
        }
        shrink_class(&mut self.vec);
    }

    /// Gives back all spare room.
    pub fn shrink_to_fit(&mut self) {
        self.vec.drain(..self.start);
        self.start = 0;
        self.vec.shrink_to_fit();
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
        &self.vec[self.start..]
    }
}

impl DerefMut for GapBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.vec[self.start..]
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
            let before = buf.vec.as_ptr();
            buf.grow_front(2);
            buf[..2].copy_from_slice(&(i as u16).to_le_bytes());
            model.splice(0..0, (i as u16).to_le_bytes());
            moves += usize::from(before != buf.vec.as_ptr());
            assert_eq!(&buf[..], &model[..]);
        }
        assert!(moves < 60, "{moves} reallocations for 4000 pushes");
        // The room in front stays within a quarter of the contents (plus a class).
        assert!(buf.capacity() <= size_class(model.len() + model.len() / 4 + 2));
    }

    #[test]
    fn pops_at_the_front_move_nothing_until_half_is_room() {
        let mut buf = GapBuf::from_vec((0..100u8).collect());
        let at = buf.vec.as_ptr();
        for popped in 1..=33 {
            buf.remove(0, 1);
            buf.shrink();
            assert_eq!(buf[0], popped as u8);
        }
        assert_eq!(buf.vec.as_ptr(), at, "33 of 100 popped: no move yet");
        buf.remove(0, 1);
        buf.shrink();
        assert_eq!(buf.start, 0, "34 of room against 66 live: given back");
        assert_eq!(&buf[..], &(34..100u8).collect::<Vec<_>>()[..]);
        buf.remove(0, buf.len());
        buf.shrink();
        assert!(buf.is_empty() && buf.start == 0);
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
