//! The registry of connected clients (id -> handle), shared by all workers.
//! `CLIENT LIST`, `CLIENT KILL` and `INFO clients` read it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::RwLock;

use super::client::ClientHandle;

/// All connected clients.
#[derive(Default)]
pub struct ClientRegistry {
    map: RwLock<HashMap<u64, Arc<ClientHandle>>>,
    next_id: AtomicU64,
}

impl ClientRegistry {
    /// The next client id (ids start at 1 and are never reused).
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Adds a client.
    pub fn insert(&self, handle: Arc<ClientHandle>) {
        self.map.write().insert(handle.id, handle);
    }

    /// Removes a client.
    pub fn remove(&self, id: u64) {
        self.map.write().remove(&id);
    }

    /// A client by id.
    pub fn get(&self, id: u64) -> Option<Arc<ClientHandle>> {
        self.map.read().get(&id).cloned()
    }

    /// Number of connected clients.
    pub fn len(&self) -> usize {
        self.map.read().len()
    }

    /// Whether no client is connected.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All clients, ordered by id.
    pub fn snapshot(&self) -> Vec<Arc<ClientHandle>> {
        let mut v: Vec<_> = self.map.read().values().cloned().collect();
        v.sort_by_key(|c| c.id);
        v
    }
}
