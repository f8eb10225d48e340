//! Tests of collection entries: the `Object` stored inline in the block.

use super::super::hash::{HashLimits, HashValue};
use super::*;

const LIMITS: HashLimits = HashLimits { entries: 128, value: 64 };

fn small_hash() -> Box<Object> {
    let mut h = HashValue::default();
    for i in 0..10 {
        h.set(format!("f{i}").as_bytes(), format!("value:{i:06}").as_bytes(), false, &LIMITS);
    }
    Box::new(Object::Hash(h))
}

fn hash_fields(e: &Entry) -> Vec<Vec<u8>> {
    match e.value() {
        ValueRef::Obj(Object::Hash(h)) => h.pairs().into_iter().map(|(f, _)| f.to_vec()).collect(),
        other => panic!("not a hash: {other:?}"),
    }
}

#[test]
fn object_lives_aligned_in_the_block() {
    for key_len in 0..20 {
        let key = vec![b'k'; key_len];
        let mut e = Entry::new(&key, Value::Obj(small_hash()), (key_len % 2 == 1).then_some(77), 3, 0);
        let ValueRef::Obj(obj) = e.value() else { panic!("an object") };
        assert_eq!(std::ptr::from_ref(obj) as usize % OBJ_ALIGN, 0);
        assert_eq!(e.key(), &key[..]);
        assert_eq!(hash_fields(&e).len(), 10);
        if let Some(Object::Hash(h)) = e.object_mut() {
            h.set(b"extra", b"x", false, &LIMITS);
        }
        assert_eq!(hash_fields(&e).len(), 11);
        let block = crate::keyspace::alloc::size_class(e.block_size());
        assert_eq!(e.mem_usage(), block + e.object_mut().map_or(0, |o| o.mem_usage()));
    }
    // One block of at most 64 bytes for a 13-byte key: no separate box.
    let e = Entry::new(b"hash:00000000", Value::Obj(small_hash()), None, 0, 0);
    assert!(e.block_size() <= 64, "block is {} bytes", e.block_size());
}

#[test]
fn object_moves_out_and_across_rebuilds() {
    let e = Entry::new(b"h", Value::Obj(small_hash()), None, 9, 0);
    let e = e.with_expire(Some(1000)).with_key(b"renamed-key").with_expire(None);
    assert_eq!((e.key(), e.expire_at(), e.lru()), (&b"renamed-key"[..], None, 9));
    assert_eq!(hash_fields(&e)[9], b"f9");
    let copy = e.copy_as(b"c");
    let Value::Obj(obj) = e.into_value() else { panic!("an object") };
    assert_eq!(obj.type_name(), "hash");
    assert_eq!(hash_fields(&copy).len(), 10);
}
