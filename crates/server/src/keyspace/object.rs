//! Collection values stored behind an entry's object pointer.
//!
//! The foundation only needs strings; lists exist here in their simplest
//! form so that type checks (`WRONGTYPE`, `TYPE`, `OBJECT ENCODING`) have a
//! second type to work against. Compact encodings arrive with the data-types
//! issue; this module is where they will live.

use super::list::List;

/// A collection value.
#[derive(Debug, Clone)]
pub enum Object {
    /// A list of byte strings (listpack or quicklist).
    List(List),
}

impl Object {
    /// The Redis type name (`TYPE` reply).
    pub fn type_name(&self) -> &'static str {
        match self {
            Object::List(_) => "list",
        }
    }

    /// The Redis encoding name (`OBJECT ENCODING` reply).
    pub fn encoding(&self, _list_max_listpack_size: i64) -> &'static str {
        match self {
            Object::List(l) => l.encoding(),
        }
    }

    /// Heap bytes used by the collection (approximate, for accounting).
    pub fn mem_usage(&self) -> usize {
        match self {
            Object::List(l) => std::mem::size_of::<Object>() + l.mem_usage(),
        }
    }

    /// Whether the collection has no elements (Redis deletes such keys).
    pub fn is_empty(&self) -> bool {
        match self {
            Object::List(l) => l.is_empty(),
        }
    }
}
