//! Clients blocked on keys (BLPOP, BLMOVE, BLMPOP...).
//!
//! A blocking command that finds nothing to pop asks its connection to
//! block ([`BlockRequest`]); the connection registers a [`Waiter`] on each
//! key and sleeps until a write to one of them, the timeout, CLIENT UNBLOCK
//! or a disconnect. Any write to a watched key (the shard write path calls
//! [`on_write`]) wakes the *first* waiter of that key, which re-runs its
//! command through the normal dispatch (locks included); if it still finds
//! nothing it blocks again at the head of the queue, and when it succeeds
//! it wakes the next waiter, so blocked clients are served in FIFO order.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use bytes::Bytes;
use hearth_resp::Frame;
use parking_lot::Mutex;
use tokio::sync::Notify;

/// How CLIENT UNBLOCK ends a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unblock {
    /// As if the timeout expired.
    Timeout,
    /// With `-UNBLOCKED client unblocked via CLIENT UNBLOCK`.
    Error,
}

/// What a blocking handler asks of its connection.
#[derive(Debug, Clone)]
pub struct BlockRequest {
    /// Database of the keys.
    pub db: usize,
    /// Keys to wait on.
    pub keys: Vec<Bytes>,
    /// When to give up (None = forever).
    pub deadline: Option<Instant>,
    /// The reply when the timeout expires.
    pub timeout_reply: Frame,
}

/// One blocked client.
#[derive(Debug)]
pub struct Waiter {
    /// Client id (CLIENT UNBLOCK).
    pub client: u64,
    /// Woken by writes to a key, UNBLOCK and kills.
    pub notify: Notify,
    /// Set by CLIENT UNBLOCK.
    pub unblock: Mutex<Option<Unblock>>,
    /// Blocked with a timeout (INFO `clients_in_timeout_table`).
    pub timed: bool,
}

/// Waiters of each (db, key), in arrival order.
type Queues = HashMap<(usize, Bytes), VecDeque<Arc<Waiter>>>;

/// Waiters by (db, key), in arrival order.
#[derive(Default)]
pub struct Blocking {
    queues: Mutex<Queues>,
    by_client: Mutex<HashMap<u64, Arc<Waiter>>>,
    blocked: AtomicUsize,
    timed: AtomicUsize,
}

static BLOCKING: OnceLock<Blocking> = OnceLock::new();

/// The process's blocking table.
pub fn get() -> &'static Blocking {
    BLOCKING.get_or_init(Blocking::default)
}

/// The write path's hook: wakes the first client blocked on `key`.
pub fn on_write(db: usize, key: &[u8]) {
    let Some(b) = BLOCKING.get() else { return };
    if b.blocked.load(Ordering::Relaxed) == 0 {
        return;
    }
    b.wake_first(db, key);
}

impl Blocking {
    /// Number of blocked clients (INFO `blocked_clients`).
    pub fn blocked_clients(&self) -> usize {
        self.blocked.load(Ordering::Relaxed)
    }

    /// Number of blocked clients with a timeout (INFO
    /// `clients_in_timeout_table`).
    pub fn timed_clients(&self) -> usize {
        self.timed.load(Ordering::Relaxed)
    }

    /// Number of keys at least one client is blocked on (INFO
    /// `total_blocking_keys`).
    pub fn blocking_keys(&self) -> usize {
        self.queues.lock().len()
    }

    /// Registers `waiter` on every key; `front` keeps a re-blocking client's
    /// place at the head of the queues.
    pub fn register(&self, db: usize, keys: &[Bytes], waiter: &Arc<Waiter>, front: bool) {
        let mut q = self.queues.lock();
        for key in keys {
            let list = q.entry((db, key.clone())).or_default();
            if list.iter().any(|w| Arc::ptr_eq(w, waiter)) {
                continue;
            }
            if front {
                list.push_front(waiter.clone());
            } else {
                list.push_back(waiter.clone());
            }
        }
        if self.by_client.lock().insert(waiter.client, waiter.clone()).is_none() {
            self.blocked.fetch_add(1, Ordering::Relaxed);
            if waiter.timed {
                self.timed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Removes `waiter` from every queue (served, timed out, disconnected).
    pub fn unregister(&self, db: usize, keys: &[Bytes], waiter: &Arc<Waiter>) {
        let mut q = self.queues.lock();
        for key in keys {
            let k = (db, key.clone());
            if let Some(list) = q.get_mut(&k) {
                list.retain(|w| !Arc::ptr_eq(w, waiter));
                if list.is_empty() {
                    q.remove(&k);
                }
            }
        }
        if self.by_client.lock().remove(&waiter.client).is_some() {
            self.blocked.fetch_sub(1, Ordering::Relaxed);
            if waiter.timed {
                self.timed.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }

    /// Wakes the first waiter of (db, key): the write or a served client's
    /// hand-over.
    pub fn wake_first(&self, db: usize, key: &[u8]) {
        let q = self.queues.lock();
        if let Some(w) = q.get(&(db, Bytes::copy_from_slice(key))).and_then(|l| l.front()) {
            w.notify.notify_one();
            crate::server::busy_poll::poke();
        }
    }

    /// CLIENT UNBLOCK: true if the client was blocked.
    pub fn unblock(&self, client: u64, how: Unblock) -> bool {
        match self.by_client.lock().get(&client) {
            Some(w) => {
                *w.unblock.lock() = Some(how);
                w.notify.notify_one();
                crate::server::busy_poll::poke();
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiter(id: u64) -> Arc<Waiter> {
        Arc::new(Waiter { client: id, notify: Notify::new(), unblock: Mutex::new(None), timed: id.is_multiple_of(2) })
    }

    #[test]
    fn clients_blocked_with_a_timeout_are_counted_apart() {
        let b = Blocking::default();
        let keys = [Bytes::from_static(b"k")];
        let (timed, forever) = (waiter(2), waiter(3));
        b.register(0, &keys, &timed, false);
        b.register(0, &keys, &timed, true);
        b.register(0, &keys, &forever, false);
        assert_eq!((b.blocked_clients(), b.timed_clients()), (2, 1));
        b.unregister(0, &keys, &timed);
        assert_eq!((b.blocked_clients(), b.timed_clients()), (1, 0));
        b.unregister(0, &keys, &forever);
        assert_eq!((b.blocked_clients(), b.timed_clients()), (0, 0));
    }

    #[test]
    fn register_counts_clients_once_and_unregister_cleans_every_queue() {
        let b = Blocking::default();
        let keys = [Bytes::from_static(b"a"), Bytes::from_static(b"b")];
        let w = waiter(1);
        b.register(0, &keys, &w, false);
        b.register(0, &keys, &w, true);
        assert_eq!(b.blocked_clients(), 1);
        assert_eq!(b.blocking_keys(), 2);
        b.unregister(0, &keys, &w);
        assert_eq!(b.blocked_clients(), 0);
        assert_eq!(b.blocking_keys(), 0);
        assert!(b.queues.lock().is_empty());
    }

    #[test]
    fn unblock_reaches_only_blocked_clients() {
        let b = Blocking::default();
        let w = waiter(7);
        b.register(0, &[Bytes::from_static(b"k")], &w, false);
        assert!(b.unblock(7, Unblock::Error));
        assert_eq!(*w.unblock.lock(), Some(Unblock::Error));
        assert!(!b.unblock(8, Unblock::Timeout));
    }
}
