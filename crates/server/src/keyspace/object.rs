//! Collection values stored behind an entry's object pointer.
//!
//! The foundation only needs strings; lists exist here in their simplest
//! form so that type checks (`WRONGTYPE`, `TYPE`, `OBJECT ENCODING`) have a
//! second type to work against. Compact encodings arrive with the data-types
//! issue; this module is where they will live.

use std::collections::VecDeque;

/// A collection value.
#[derive(Debug, Clone)]
pub enum Object {
    /// A list of byte strings.
    List(VecDeque<Box<[u8]>>),
}

impl Object {
    /// The Redis type name (`TYPE` reply).
    pub fn type_name(&self) -> &'static str {
        match self {
            Object::List(_) => "list",
        }
    }

    /// The Redis encoding name (`OBJECT ENCODING` reply).
    pub fn encoding(&self, list_max_listpack_size: i64) -> &'static str {
        match self {
            Object::List(l) => {
                let small = if list_max_listpack_size >= 0 {
                    l.len() as i64 <= list_max_listpack_size
                } else {
                    // Negative sizes are byte limits (-1 = 4kb ... -5 = 64kb).
                    let limit = 4096usize << ((-list_max_listpack_size - 1).min(4) as usize);
                    l.iter().map(|e| e.len() + 2).sum::<usize>() <= limit
                };
                if small {
                    "listpack"
                } else {
                    "quicklist"
                }
            }
        }
    }

    /// Heap bytes used by the collection (approximate, for accounting).
    pub fn mem_usage(&self) -> usize {
        match self {
            Object::List(l) => {
                std::mem::size_of::<Object>()
                    + l.capacity() * std::mem::size_of::<Box<[u8]>>()
                    + l.iter().map(|e| e.len()).sum::<usize>()
            }
        }
    }

    /// Whether the collection has no elements (Redis deletes such keys).
    pub fn is_empty(&self) -> bool {
        match self {
            Object::List(l) => l.is_empty(),
        }
    }
}
