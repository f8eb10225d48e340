//! Turning an invalidation into a push in the right inbox: the client's
//! own (RESP3 `invalidate` push) or its REDIRECT target's (RESP3 push, or
//! a RESP2 `message` on `__redis__:invalidate` when the target is in
//! pub/sub mode), with Redis's lazy `tracking-redir-broken` report.

use bytes::Bytes;
use hearth_resp::Frame;

use crate::conn::client::ClientHandle;
use crate::conn::registry::ClientRegistry;
use crate::reply::bulk_static;

/// Delivers invalidations through the client registry.
pub struct Delivery {
    registry: &'static ClientRegistry,
}

/// The pub/sub channel RESP2 redirect targets listen on.
pub const CHANNEL: &str = "__redis__:invalidate";

fn push_for(target: &ClientHandle, keys: Frame) -> Option<Frame> {
    let (resp, subscribed) = {
        let info = target.info.lock();
        (info.resp, info.subs != (0, 0, 0))
    };
    if resp >= 3 {
        Some(Frame::Push(vec![bulk_static("invalidate"), keys]))
    } else if subscribed {
        Some(Frame::Push(vec![bulk_static("message"), bulk_static(CHANNEL), keys]))
    } else {
        // RESP2 without pub/sub mode cannot receive pushes: nothing is sent.
        None
    }
}

fn post(target: &ClientHandle, frame: Frame) {
    target.inbox.post(frame, 64);
}

impl Delivery {
    /// Delivery through `registry`.
    pub fn new(registry: &'static ClientRegistry) -> Self {
        Delivery { registry }
    }

    /// Whether client `id` is connected with tracking on.
    pub fn is_tracking(&self, id: u64) -> bool {
        self.registry.get(id).is_some_and(|c| c.tracking.lock().enabled())
    }

    /// Sends client `id` an invalidation of `keys` (None = everything),
    /// caused by client `writer` (0 = the server: expiry, eviction).
    pub fn invalidate(&self, id: u64, writer: u64, keys: Option<&[Bytes]>) {
        let Some(client) = self.registry.get(id) else { return };
        let (enabled, noloop, redirect) = {
            let t = client.tracking.lock();
            (t.enabled(), t.noloop, t.redirect)
        };
        if !enabled || (noloop && id == writer) {
            return;
        }
        let keys = match keys {
            Some(k) => Frame::Array(k.iter().cloned().map(Frame::Bulk).collect()),
            None => Frame::Null,
        };
        self.send(&client, redirect, keys);
    }

    fn send(&self, client: &ClientHandle, redirect: u64, keys: Frame) {
        if redirect == 0 {
            if let Some(frame) = push_for(client, keys) {
                post(client, frame);
            }
            return;
        }
        match self.registry.get(redirect) {
            Some(target) => {
                if let Some(frame) = push_for(&target, keys) {
                    post(&target, frame);
                }
            }
            None => {
                // Like Redis, reported at every invalidation while broken.
                client.tracking.lock().broken_redirect = true;
                if client.info.lock().resp >= 3 {
                    post(
                        client,
                        Frame::Push(vec![bulk_static("tracking-redir-broken"), Frame::Integer(redirect as i64)]),
                    );
                }
            }
        }
    }

    /// A BCAST push of `keys` for client `id`; with NOLOOP, the keys it
    /// wrote itself (`own`) are left out.
    pub fn invalidate_bcast(&self, id: u64, keys: &[Bytes], own: &[Bytes]) {
        let Some(client) = self.registry.get(id) else { return };
        let (enabled, noloop, redirect) = {
            let t = client.tracking.lock();
            (t.enabled(), t.noloop, t.redirect)
        };
        if !enabled {
            return;
        }
        let keys: Vec<Frame> = keys.iter().filter(|k| !(noloop && own.contains(k))).cloned().map(Frame::Bulk).collect();
        if !keys.is_empty() {
            self.send(&client, redirect, Frame::Array(keys));
        }
    }

    /// The null invalidation to every tracking client (flush). The
    /// flusher's own push is returned instead of posted: Redis 7.4 sends it
    /// before the flush's reply.
    pub fn invalidate_all(&self, flusher: u64) -> Option<Frame> {
        let mut own = None;
        for client in self.registry.snapshot() {
            let (enabled, redirect) = {
                let t = client.tracking.lock();
                (t.enabled(), t.redirect)
            };
            if !enabled {
                continue;
            }
            if client.id == flusher && redirect == 0 {
                own = push_for(&client, Frame::Null);
            } else {
                self.send(&client, redirect, Frame::Null);
            }
        }
        own
    }
}
