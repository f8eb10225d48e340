//! Event-based invalidation: delete a key and announce it on a channel in
//! one transaction ([`Invalidator`]); apply announcements, or keyspace
//! notifications, as they arrive ([`InvalidationListener`]).
//!
//! This is for caches the server cannot track for you: in-process maps,
//! other services' caches, derived data. (Hearth's own near cache needs none
//! of it.)

use bytes::Bytes;
use tokio::task::JoinHandle;

use crate::cmd::Cmd;
use crate::commands::{to_args, ToArgs};
use crate::error::Result;
use crate::Client;

/// Deletes keys and publishes each deleted key's name on a channel.
///
/// ```no_run
/// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
/// use hearth::patterns::Invalidator;
/// let inv = Invalidator::new(client, "invalidations");
/// inv.invalidate(["user:1", "user:1:friends"]).await?;
/// # Ok(()) }
/// ```
pub struct Invalidator {
    client: Client,
    channel: Bytes,
}

impl Invalidator {
    /// Publishes on `channel`.
    pub fn new(client: Client, channel: impl Into<String>) -> Invalidator {
        Invalidator { client, channel: Bytes::from(channel.into()) }
    }

    /// `MULTI`, `DEL keys`, `PUBLISH channel key` for each key, `EXEC`:
    /// subscribers hear about a key only once it is gone. Returns how many
    /// keys existed.
    pub async fn invalidate(&self, keys: impl ToArgs) -> Result<i64> {
        let keys = to_args(keys);
        if keys.is_empty() {
            return Ok(0);
        }
        let mut tx = self.client.multi().cmd(Cmd::new("DEL").args(keys.iter()));
        for k in &keys {
            tx = tx.cmd(Cmd::new("PUBLISH").arg(self.channel.clone()).arg(k.clone()));
        }
        let replies = tx.execute().await?;
        crate::value::FromFrame::from_frame(replies.into_iter().next().expect("DEL replied"))
    }
}

/// A background task calling a handler with each invalidated key; stops
/// when dropped.
pub struct InvalidationListener {
    task: JoinHandle<()>,
}

impl InvalidationListener {
    /// Subscribes to `channel` (as published by [`Invalidator`]) and calls
    /// `handler(key)` for each message. Returns once subscribed.
    pub async fn listen<F>(client: &Client, channel: &str, handler: F) -> Result<InvalidationListener>
    where
        F: Fn(Bytes) + Send + 'static,
    {
        let mut sub = client.subscribe(channel).await?;
        let task = tokio::spawn(async move {
            while let Some(m) = sub.next_message().await {
                handler(m.payload);
            }
        });
        Ok(InvalidationListener { task })
    }

    /// Calls `handler(key)` for every change to keys matching `pattern` in
    /// database `db`, from keyspace notifications
    /// (`__keyspace@<db>__:<key>`). The server must have them enabled
    /// (`notify-keyspace-events` with `K` and the event classes wanted; see
    /// [`InvalidationListener::enable_keyspace_events`]).
    pub async fn listen_keyspace<F>(client: &Client, db: i64, pattern: &str, handler: F) -> Result<InvalidationListener>
    where
        F: Fn(Bytes) + Send + 'static,
    {
        let prefix = format!("__keyspace@{db}__:");
        let mut sub = client.psubscribe(format!("{prefix}{pattern}")).await?;
        let task = tokio::spawn(async move {
            while let Some(m) = sub.next_message().await {
                if let Some(key) = m.channel.strip_prefix(prefix.as_bytes()) {
                    handler(m.channel.slice_ref(key));
                }
            }
        });
        Ok(InvalidationListener { task })
    }

    /// `CONFIG SET notify-keyspace-events KA` (keyspace channel, all events).
    pub async fn enable_keyspace_events(client: &Client) -> Result<()> {
        client.cmd(Cmd::new("CONFIG").arg("SET").arg("notify-keyspace-events").arg("KA")).await
    }
}

impl Drop for InvalidationListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}
