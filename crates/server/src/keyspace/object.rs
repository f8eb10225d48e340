//! Collection values stored behind an entry's object pointer.
//!
//! The foundation only needs strings; lists exist here in their simplest
//! form so that type checks (`WRONGTYPE`, `TYPE`, `OBJECT ENCODING`) have a
//! second type to work against. Compact encodings arrive with the data-types
//! issue; this module is where they will live.

use super::hash::HashValue;
use super::list::List;
use super::set::SetValue;
use super::zset::ZSet;

/// A collection value.
#[derive(Debug, Clone)]
pub enum Object {
    /// A list of byte strings (listpack or quicklist).
    List(List),
    /// A hash (listpack, listpackex or hashtable).
    Hash(HashValue),
    /// A set (intset, listpack or hashtable).
    Set(SetValue),
    /// A sorted set (listpack or skiplist).
    ZSet(ZSet),
}

impl Object {
    /// The Redis type name (`TYPE` reply).
    pub fn type_name(&self) -> &'static str {
        match self {
            Object::List(_) => "list",
            Object::Hash(_) => "hash",
            Object::Set(_) => "set",
            Object::ZSet(_) => "zset",
        }
    }

    /// The Redis encoding name (`OBJECT ENCODING` reply).
    pub fn encoding(&self, _list_max_listpack_size: i64) -> &'static str {
        match self {
            Object::List(l) => l.encoding(),
            Object::Hash(h) => h.encoding(),
            Object::Set(s) => s.encoding(),
            Object::ZSet(z) => z.encoding(),
        }
    }

    /// Heap bytes owned by the collection (approximate, for accounting),
    /// beyond the `Object` itself, which lives in its entry's block.
    pub fn mem_usage(&self) -> usize {
        match self {
            Object::List(l) => l.mem_usage(),
            Object::Hash(h) => h.mem_usage(),
            Object::Set(s) => s.mem_usage(),
            Object::ZSet(z) => z.mem_usage(),
        }
    }

    /// Whether the collection has no elements (Redis deletes such keys).
    pub fn is_empty(&self) -> bool {
        match self {
            Object::List(l) => l.is_empty(),
            Object::Hash(h) => h.is_empty(),
            Object::Set(s) => s.is_empty(),
            Object::ZSet(z) => z.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every collection's block holds an `Object` inline, so its size is
    /// paid per key: 8 more bytes once moved small hashes up a size class.
    #[test]
    fn an_object_stays_within_five_words() {
        let size = std::mem::size_of::<Object>();
        assert!(size <= 40, "Object grew to {size} bytes");
    }
}
