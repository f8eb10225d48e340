//! Per-connection state.
//!
//! [`ClientState`] is owned by the connection task and touched only by it.
//! [`ClientHandle`] is the part other connections may reach through the
//! registry: the inbox (pub/sub messages, later invalidations), the kill
//! switch and a few fields that `CLIENT LIST` shows. Nobody but the owner
//! ever writes to a connection's socket.

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use hearth_resp::{Frame, OwnedArgs, Protocol};
use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::commands::CommandSpec;
use crate::keyspace::WatchFlag;
use crate::tracking::TrackingState;

/// What `CLIENT REPLY` set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    /// Normal replies.
    On,
    /// No replies until `CLIENT REPLY ON`.
    Off,
    /// Skip the reply of the next command only.
    Skip,
    /// The command after `SKIP`: its reply is dropped, then back to On.
    SkipThis,
}

/// Messages posted to a connection by others, drained between commands.
///
/// It also counts frames posted and frames the owner has written to its
/// socket, so that a client whose invalidations are REDIRECTed here can
/// hold its next reply until they are out (see [`Inbox::wait_written`]).
#[derive(Default)]
pub struct Inbox {
    queue: Mutex<VecDeque<Frame>>,
    bytes: AtomicUsize,
    notify: Notify,
    posted: AtomicU64,
    drained: AtomicU64,
    written: AtomicU64,
    written_notify: Notify,
}

impl Inbox {
    /// Posts a frame and wakes the connection.
    pub fn post(&self, frame: Frame, size: usize) {
        let mut q = self.queue.lock();
        q.push_back(frame);
        self.posted.fetch_add(1, Ordering::SeqCst);
        drop(q);
        // SeqCst: a reader that sees the count sees the frame; the poster's
        // own reply goes out only after this, which orders invalidations.
        self.bytes.fetch_add(size, Ordering::SeqCst);
        self.notify.notify_one();
        crate::server::busy_poll::poke();
    }

    /// Takes everything queued.
    pub fn drain(&self) -> VecDeque<Frame> {
        let mut q = self.queue.lock();
        self.bytes.store(0, Ordering::SeqCst);
        self.drained.store(self.posted.load(Ordering::SeqCst), Ordering::SeqCst);
        std::mem::take(&mut *q)
    }

    /// Frames posted so far.
    pub fn posted(&self) -> u64 {
        self.posted.load(Ordering::SeqCst)
    }

    /// The owner wrote its output: everything drained before is on the socket.
    pub fn mark_written(&self) {
        let drained = self.drained.load(Ordering::SeqCst);
        if self.written.load(Ordering::SeqCst) < drained {
            self.written.store(drained, Ordering::SeqCst);
            self.written_notify.notify_waiters();
            crate::server::busy_poll::poke();
        }
    }

    /// Waits until the first `posted` frames are on the owner's socket, or
    /// `limit` passed (a stuck or slow owner must not stall others).
    pub async fn wait_written(&self, posted: u64, limit: std::time::Duration) {
        let _ = tokio::time::timeout(limit, async {
            loop {
                let written = self.written_notify.notified();
                if self.written.load(Ordering::SeqCst) >= posted {
                    return;
                }
                written.await;
            }
        })
        .await;
    }

    /// Bytes waiting (approximate), for output buffer limits.
    pub fn pending_bytes(&self) -> usize {
        self.bytes.load(Ordering::SeqCst)
    }

    /// Resolves when something was posted (or the client must wake up).
    pub async fn wait(&self) {
        self.notify.notified().await
    }

    /// Wakes the connection without a message (kill, pause end).
    pub fn wake(&self) {
        self.notify.notify_one();
        crate::server::busy_poll::poke();
    }
}

/// The shared, thread-safe face of a connection.
pub struct ClientHandle {
    /// Unique id (CLIENT ID).
    pub id: u64,
    /// Peer address.
    pub addr: SocketAddr,
    /// Local address.
    pub laddr: SocketAddr,
    /// Unix ms when the connection was accepted.
    pub created_ms: i64,
    /// Pushes from other connections.
    pub inbox: Inbox,
    /// Set by CLIENT KILL, output limits, SHUTDOWN: the connection closes.
    pub killed: AtomicBool,
    /// Fields shown by CLIENT LIST that change while the client runs.
    pub info: Mutex<ClientInfo>,
    /// Unix ms of the last command.
    pub last_interaction_ms: AtomicI64,
    /// Output buffer bytes reported by the connection.
    pub output_bytes: AtomicU64,
    /// The last command run (CLIENT LIST `cmd=`).
    pub last_cmd: AtomicPtr<CommandSpec>,
    /// CLIENT TRACKING settings, read by writers delivering invalidations.
    pub tracking: Mutex<TrackingState>,
}

/// Descriptive fields of a client (CLIENT LIST/INFO).
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// CLIENT SETNAME.
    pub name: Option<Bytes>,
    /// Selected database.
    pub db: usize,
    /// Protocol version (2 or 3).
    pub resp: u8,
    /// Last command name (`client|list` style).
    pub last_cmd: String,
    /// Flags letters (`N`, `P`, `x`, `M`...).
    pub flags: String,
    /// Subscribed channels, patterns, shard channels.
    pub subs: (usize, usize, usize),
    /// Commands queued in MULTI (-1 when not in MULTI).
    pub multi: i64,
    /// CLIENT SETINFO lib-name and lib-ver.
    pub lib: (String, String),
    /// Watched keys.
    pub watch: usize,
    /// Authenticated user.
    pub user: String,
}

impl ClientHandle {
    /// Marks the client for disconnection and wakes it.
    pub fn kill(&self) {
        self.killed.store(true, Ordering::Release);
        self.inbox.wake();
    }

    /// Full name of the last command (`client|list`), or `NULL`.
    pub fn last_cmd(&self) -> &'static str {
        let p = self.last_cmd.load(Ordering::Relaxed);
        if p.is_null() {
            "NULL"
        } else {
            // SAFETY: only pointers to entries of the static command table are stored.
            unsafe { (*p).full }
        }
    }

    /// Records the command being run.
    pub fn set_last_cmd(&self, spec: &'static CommandSpec) {
        self.last_cmd.store(spec as *const CommandSpec as *mut CommandSpec, Ordering::Relaxed);
    }

    /// Whether the client was killed.
    pub fn is_killed(&self) -> bool {
        self.killed.load(Ordering::Acquire)
    }
}

/// Everything the connection task keeps about its client.
pub struct ClientState {
    /// The shared part.
    pub handle: Arc<ClientHandle>,
    /// Selected database.
    pub db: usize,
    /// Protocol of replies.
    pub protocol: Protocol,
    /// Whether AUTH succeeded (or no password is needed).
    pub authenticated: bool,
    /// Queued commands when in MULTI.
    pub multi: Option<Vec<OwnedArgs>>,
    /// A command failed to queue: EXEC must abort.
    pub multi_error: bool,
    /// Watched (db, key) pairs.
    pub watched: Vec<(usize, Bytes)>,
    /// Set when a watched key changes.
    pub watch_flag: Arc<WatchFlag>,
    /// Watched keys that were already expired at WATCH time.
    pub watched_expired: HashSet<(usize, Bytes)>,
    /// Subscribed channels.
    pub channels: HashSet<Bytes>,
    /// Subscribed patterns.
    pub patterns: HashSet<Bytes>,
    /// Subscribed shard channels.
    pub shard_channels: HashSet<Bytes>,
    /// CLIENT REPLY mode.
    pub reply_mode: ReplyMode,
    /// CLIENT NO-EVICT.
    pub no_evict: bool,
    /// CLIENT NO-TOUCH.
    pub no_touch: bool,
    /// This client is a MONITOR.
    pub monitor: bool,
    /// Close after the current reply is written (QUIT, protocol error).
    pub close_after_reply: bool,
    /// CLIENT REPLY ON just ran: its OK is sent even though replies were off.
    pub force_reply: bool,
    /// Set by a blocking command that found nothing: the connection blocks.
    pub block: Option<crate::blocking::BlockRequest>,
    /// Mirror of "tracking is on" (avoids a lock per command).
    pub tracking_on: bool,
    /// Mirror of "default mode without OPTIN/OPTOUT": every read is
    /// remembered and there is no CLIENT CACHING state to reset, so a
    /// tracked read needs no lock of the tracking state.
    pub tracking_plain: bool,
    /// Mirror of the REDIRECT target's id (0 = none).
    pub tracking_redirect: u64,
    /// Pushes to send before the current command's reply (the flushing
    /// client's own null invalidation, as Redis 7.4 orders it).
    pub pushes_before_reply: Vec<Frame>,
}

impl ClientState {
    /// A fresh client for `handle`.
    pub fn new(handle: Arc<ClientHandle>, authenticated: bool) -> Self {
        ClientState {
            handle,
            db: 0,
            protocol: Protocol::Resp2,
            authenticated,
            multi: None,
            multi_error: false,
            watched: Vec::new(),
            watch_flag: Arc::new(WatchFlag::default()),
            watched_expired: HashSet::new(),
            channels: HashSet::new(),
            patterns: HashSet::new(),
            shard_channels: HashSet::new(),
            reply_mode: ReplyMode::On,
            no_evict: false,
            no_touch: false,
            monitor: false,
            close_after_reply: false,
            force_reply: false,
            block: None,
            tracking_on: false,
            tracking_plain: false,
            tracking_redirect: 0,
            pushes_before_reply: Vec::new(),
        }
    }

    /// Client id.
    pub fn id(&self) -> u64 {
        self.handle.id
    }

    /// Number of channel + pattern + shard-channel subscriptions.
    pub fn subscription_count(&self) -> usize {
        self.channels.len() + self.patterns.len() + self.shard_channels.len()
    }

    /// Whether RESP2 subscribed-mode restrictions apply.
    pub fn in_resp2_pubsub(&self) -> bool {
        self.protocol == Protocol::Resp2 && self.subscription_count() > 0
    }

    /// Publishes the fields CLIENT LIST shows.
    pub fn publish_info(&self, f: impl FnOnce(&mut ClientInfo)) {
        f(&mut self.handle.info.lock());
    }
}
