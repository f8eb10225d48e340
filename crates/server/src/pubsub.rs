//! The pub/sub hub: who is subscribed to which channel, pattern or shard
//! channel, and delivery of messages into subscribers' inboxes.
//!
//! Publishing never writes to another connection's socket: it posts a push
//! frame to the subscriber's inbox; the subscriber's own task writes it.
//! A subscriber whose pending messages exceed the pubsub output-buffer hard
//! limit is disconnected (Redis's `client-output-buffer-limit pubsub`).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use hearth_resp::Frame;
use parking_lot::RwLock;

use crate::conn::client::ClientHandle;
use crate::glob::glob_match;
use crate::reply::bulk_static;

type Subscribers = HashMap<Bytes, Vec<Arc<ClientHandle>>>;

/// Which namespace a subscription lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SUBSCRIBE channels.
    Channel,
    /// PSUBSCRIBE patterns.
    Pattern,
    /// SSUBSCRIBE shard channels.
    Shard,
}

/// All subscriptions.
#[derive(Default)]
pub struct PubSub {
    channels: RwLock<Subscribers>,
    patterns: RwLock<Subscribers>,
    shard: RwLock<Subscribers>,
}

impl PubSub {
    fn table(&self, kind: Kind) -> &RwLock<Subscribers> {
        match kind {
            Kind::Channel => &self.channels,
            Kind::Pattern => &self.patterns,
            Kind::Shard => &self.shard,
        }
    }

    /// Adds a subscription.
    pub fn subscribe(&self, kind: Kind, name: &Bytes, client: &Arc<ClientHandle>) {
        let mut t = self.table(kind).write();
        let subs = t.entry(name.clone()).or_default();
        if !subs.iter().any(|c| c.id == client.id) {
            subs.push(client.clone());
        }
    }

    /// Removes a subscription.
    pub fn unsubscribe(&self, kind: Kind, name: &[u8], client_id: u64) {
        let mut t = self.table(kind).write();
        if let Some(subs) = t.get_mut(name) {
            subs.retain(|c| c.id != client_id);
            if subs.is_empty() {
                t.remove(name);
            }
        }
    }

    /// Delivers `message` on `channel`; returns the number of receivers.
    /// `limit` is the pubsub hard output limit in bytes (0 = none).
    pub fn publish(&self, kind: Kind, channel: &Bytes, message: &Bytes, limit: u64) -> usize {
        let size = channel.len() + message.len() + 32;
        let deliver = |c: &Arc<ClientHandle>, frame: Frame| {
            if c.is_killed() {
                // Disconnecting: nothing more is queued for it.
                return;
            }
            c.inbox.post(frame, size);
            if limit > 0 && c.inbox.pending_bytes() as u64 > limit {
                c.kill();
            }
        };
        let mut n = 0;
        let verb: &'static str = if kind == Kind::Shard { "smessage" } else { "message" };
        if let Some(subs) = self.table(kind).read().get(channel) {
            for c in subs {
                deliver(
                    c,
                    Frame::Push(vec![bulk_static(verb), Frame::Bulk(channel.clone()), Frame::Bulk(message.clone())]),
                );
                n += 1;
            }
        }
        if kind == Kind::Channel {
            for (pattern, subs) in self.patterns.read().iter() {
                if glob_match(pattern, channel, false) {
                    for c in subs {
                        let frame = Frame::Push(vec![
                            bulk_static("pmessage"),
                            Frame::Bulk(pattern.clone()),
                            Frame::Bulk(channel.clone()),
                            Frame::Bulk(message.clone()),
                        ]);
                        deliver(c, frame);
                        n += 1;
                    }
                }
            }
        }
        n
    }

    /// Active channels (with at least one subscriber) matching `pattern`.
    pub fn names(&self, kind: Kind, pattern: Option<&[u8]>) -> Vec<Bytes> {
        self.table(kind).read().keys().filter(|k| pattern.is_none_or(|p| glob_match(p, k, false))).cloned().collect()
    }

    /// Subscriber count of a channel.
    pub fn count(&self, kind: Kind, name: &[u8]) -> usize {
        self.table(kind).read().get(name).map_or(0, Vec::len)
    }

    /// Number of distinct patterns subscribed.
    pub fn pattern_count(&self) -> usize {
        self.patterns.read().len()
    }
}
