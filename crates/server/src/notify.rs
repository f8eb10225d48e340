//! Keyspace notifications (`notify-keyspace-events`).
//!
//! Commands call [`crate::commands::Ctx::notify`] once per event, after the
//! change they report; the keyspace's expiry paths call [`emit`]. An event
//! is published on `__keyspace@<db>__:<key>` (message: the event name) and
//! then on `__keyevent@<db>__:<event>` (message: the key), as Redis does,
//! when its class is enabled.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use bytes::Bytes;

use crate::pubsub::{Kind, PubSub};

/// Event classes and the two channel kinds, as bits.
pub mod class {
    /// `K`: publish on `__keyspace@<db>__` channels.
    pub const KEYSPACE: u32 = 1 << 0;
    /// `E`: publish on `__keyevent@<db>__` channels.
    pub const KEYEVENT: u32 = 1 << 1;
    /// `g`: generic commands (DEL, EXPIRE, RENAME...).
    pub const GENERIC: u32 = 1 << 2;
    /// `$`: string commands.
    pub const STRING: u32 = 1 << 3;
    /// `l`: list commands.
    pub const LIST: u32 = 1 << 4;
    /// `s`: set commands.
    pub const SET: u32 = 1 << 5;
    /// `h`: hash commands.
    pub const HASH: u32 = 1 << 6;
    /// `z`: sorted set commands.
    pub const ZSET: u32 = 1 << 7;
    /// `x`: expired events.
    pub const EXPIRED: u32 = 1 << 8;
    /// `e`: evicted events.
    pub const EVICTED: u32 = 1 << 9;
    /// `t`: stream commands.
    pub const STREAM: u32 = 1 << 10;
    /// `m`: key misses (not part of `A`).
    pub const KEY_MISS: u32 = 1 << 11;
    /// `d`: module key types.
    pub const MODULE: u32 = 1 << 12;
    /// `n`: new keys (not part of `A`).
    pub const NEW: u32 = 1 << 13;
    /// `A`: alias for `g$lshzxetd`.
    pub const ALL: u32 = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;
}

const LETTERS: &[(char, u32)] = &[
    ('g', class::GENERIC),
    ('$', class::STRING),
    ('l', class::LIST),
    ('s', class::SET),
    ('h', class::HASH),
    ('z', class::ZSET),
    ('x', class::EXPIRED),
    ('e', class::EVICTED),
    ('t', class::STREAM),
    ('d', class::MODULE),
];

/// Parses a `notify-keyspace-events` value; None if a character is unknown.
pub fn parse_flags(s: &str) -> Option<u32> {
    let mut flags = 0;
    for c in s.chars() {
        flags |= match c {
            'A' => class::ALL,
            'K' => class::KEYSPACE,
            'E' => class::KEYEVENT,
            'm' => class::KEY_MISS,
            'n' => class::NEW,
            c => LETTERS.iter().find(|(l, _)| *l == c)?.1,
        };
    }
    Some(flags)
}

/// The canonical spelling CONFIG GET shows (`KEA` reads back as `AKE`).
pub fn flags_to_string(flags: u32) -> String {
    let mut s = String::new();
    if flags & class::ALL == class::ALL {
        s.push('A');
    } else {
        s.extend(LETTERS.iter().filter(|(_, f)| flags & f != 0).map(|(c, _)| *c));
    }
    for (c, f) in [('K', class::KEYSPACE), ('E', class::KEYEVENT), ('m', class::KEY_MISS), ('n', class::NEW)] {
        if flags & f != 0 {
            s.push(c);
        }
    }
    s
}

/// Where events go, installed once by the server at startup.
pub struct Notifier {
    flags: AtomicU32,
    pubsub: &'static PubSub,
}

static NOTIFIER: OnceLock<Notifier> = OnceLock::new();

/// Installs the process's notifier (the first server started wins; tests
/// that build a keyspace without a server simply publish nothing).
pub fn install(pubsub: &'static PubSub, flags: u32) {
    let _ = NOTIFIER.set(Notifier { flags: AtomicU32::new(flags), pubsub });
}

/// Updates the enabled classes (CONFIG SET notify-keyspace-events).
pub fn set_flags(flags: u32) {
    if let Some(n) = NOTIFIER.get() {
        n.flags.store(flags, Ordering::Relaxed);
    }
}

/// Publishes one event if its class is enabled.
pub fn emit(db: usize, event_class: u32, event: &str, key: &[u8]) {
    let Some(n) = NOTIFIER.get() else { return };
    let flags = n.flags.load(Ordering::Relaxed);
    if flags & event_class == 0 || flags & (class::KEYSPACE | class::KEYEVENT) == 0 {
        return;
    }
    if flags & class::KEYSPACE != 0 {
        let mut channel = format!("__keyspace@{db}__:").into_bytes();
        channel.extend_from_slice(key);
        n.pubsub.publish(Kind::Channel, &Bytes::from(channel), &Bytes::copy_from_slice(event.as_bytes()), 0);
    }
    if flags & class::KEYEVENT != 0 {
        let channel = Bytes::from(format!("__keyevent@{db}__:{event}"));
        n.pubsub.publish(Kind::Channel, &channel, &Bytes::copy_from_slice(key), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_round_trip_to_redis_spelling() {
        assert_eq!(flags_to_string(parse_flags("KEA").expect("valid")), "AKE");
        assert_eq!(flags_to_string(parse_flags("Kgx").expect("valid")), "gxK");
        assert_eq!(flags_to_string(parse_flags("").expect("valid")), "");
        assert_eq!(flags_to_string(parse_flags("AKEmn").expect("valid")), "AKEmn");
        assert!(parse_flags("Kq").is_none());
    }
}
