//! One multiplexed connection: a writer task, a reader task, and the queue of
//! requests waiting for replies between them.
//!
//! Any task sends by appending a [`Slot`] to the in-flight queue and its
//! bytes to the writer's channel *under one lock*, so the queue order is the
//! socket order and replies are matched first-in, first-out. The writer only
//! batches bytes into `write` calls. The reader decodes frames: pushes go to
//! the near cache (invalidations), every other frame completes the front
//! slot. A slot's [`Sink`] may be a hook that runs *in the reader task*,
//! which is how the near cache applies a reply in socket order with the
//! invalidation pushes around it.
//!
//! Whichever task sees the connection fail first ends it (`Shared::fail`):
//! the near cache is dropped first, then every waiting slot fails, then the
//! client's supervisor (`client.rs`) hears of it and reconnects. This module
//! never reconnects.

mod handshake;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bytes::{Buf, Bytes, BytesMut};
use hearth_resp::{decode_frame, Frame, Protocol};
use parking_lot::Mutex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{mpsc, oneshot, Notify};

pub(crate) use handshake::{open, Opened};

use crate::cache::NearCache;
use crate::error::{Error, Result};

/// Largest batch the writer gathers into one `write`.
const MAX_BATCH: usize = 256 * 1024;

/// Where a request's replies go.
pub(crate) enum Sink {
    /// To the caller.
    Reply(oneshot::Sender<Result<Vec<Frame>>>),
    /// Through a function run by the reader task before the next frame is
    /// read.
    Hook(Box<dyn FnOnce(Result<Vec<Frame>>) + Send>),
}

impl Sink {
    fn finish(self, result: Result<Vec<Frame>>) {
        match self {
            Sink::Reply(tx) => {
                let _ = tx.send(result);
            }
            Sink::Hook(f) => f(result),
        }
    }
}

/// A request waiting for `remaining` more frames.
struct Slot {
    remaining: usize,
    frames: Vec<Frame>,
    sink: Sink,
}

struct Queue {
    slots: VecDeque<Slot>,
    closed: bool,
}

/// State shared by the handle and both tasks.
pub(crate) struct Shared {
    queue: Mutex<Queue>,
    /// Asks the reader to stop (writer failure, handle dropped).
    stop: Notify,
    /// Set by the first task to see the connection fail.
    failing: AtomicBool,
    dead: AtomicBool,
    /// Fired once the connection is dead and cleaned up.
    died: Notify,
    /// The client's near cache, fed by the reader, dropped on failure.
    cache: Option<Arc<NearCache>>,
}

impl Shared {
    /// Ends the connection: once, whichever task (reader or writer) sees
    /// the failure first. Order matters: the near cache goes first, so no
    /// caller can learn that the connection is gone while replies cached on
    /// it are still served; then every waiting request fails; then the
    /// supervisor hears of it. Replies the reader completes afterwards
    /// belong to reads the flush doomed, so nothing more is cached.
    pub(crate) fn fail(&self, error: Error) {
        if self.failing.swap(true, Ordering::AcqRel) {
            return;
        }
        if let Some(cache) = &self.cache {
            cache.set_connected(false);
        }
        let slots = {
            let mut q = self.queue.lock();
            q.closed = true;
            std::mem::take(&mut q.slots)
        };
        for slot in slots {
            slot.sink.finish(Err(error.clone()));
        }
        self.stop.notify_one();
        self.dead.store(true, Ordering::Release);
        self.died.notify_waiters();
    }

    /// Waits until the connection is dead and its cleanup (cache flush,
    /// failing the waiting requests) is done.
    pub(crate) async fn wait_dead(&self) {
        loop {
            let notified = self.died.notified();
            if self.dead.load(Ordering::Acquire) {
                return;
            }
            notified.await;
        }
    }
}

/// Handle to a live connection. Dropping it closes the connection.
pub(crate) struct Conn {
    tx: mpsc::UnboundedSender<Bytes>,
    shared: Arc<Shared>,
    protocol: Protocol,
}

impl Conn {
    /// Starts the reader and writer tasks on an opened socket.
    pub(crate) fn start(opened: Opened, cache: Option<Arc<NearCache>>) -> Conn {
        let Opened { stream, protocol, leftover } = opened;
        let (rd, wr) = stream.into_split();
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue { slots: VecDeque::new(), closed: false }),
            stop: Notify::new(),
            failing: AtomicBool::new(false),
            dead: AtomicBool::new(false),
            died: Notify::new(),
            cache,
        });
        tokio::spawn(write_loop(wr, rx, Arc::clone(&shared)));
        tokio::spawn(read_loop(rd, leftover, Arc::clone(&shared)));
        Conn { tx, shared, protocol }
    }

    pub(crate) fn protocol(&self) -> Protocol {
        self.protocol
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    pub(crate) fn is_dead(&self) -> bool {
        self.shared.queue.lock().closed
    }

    /// Queues `bytes`, whose `replies` frames will go to `sink`. On error the
    /// sink is dropped unused.
    pub(crate) fn send(&self, bytes: Bytes, replies: usize, sink: Sink) -> Result<()> {
        let mut q = self.shared.queue.lock();
        if q.closed {
            return Err(Error::Disconnected("the connection is closed".into()));
        }
        debug_assert!(replies > 0);
        q.slots.push_back(Slot { remaining: replies, frames: Vec::with_capacity(replies), sink });
        if self.tx.send(bytes).is_err() {
            q.slots.pop_back();
            return Err(Error::Disconnected("the connection is closed".into()));
        }
        Ok(())
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.shared.stop.notify_one();
    }
}

async fn write_loop(mut wr: OwnedWriteHalf, mut rx: mpsc::UnboundedReceiver<Bytes>, shared: Arc<Shared>) {
    let mut buf = BytesMut::new();
    while let Some(first) = rx.recv().await {
        let result = match rx.try_recv() {
            // The common unpipelined case: no copy.
            Err(_) => wr.write_all(&first).await,
            Ok(second) => {
                buf.clear();
                buf.extend_from_slice(&first);
                buf.extend_from_slice(&second);
                while buf.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(more) => buf.extend_from_slice(&more),
                        Err(_) => break,
                    }
                }
                wr.write_all(&buf).await
            }
        };
        if let Err(e) = result {
            shared.fail(Error::from(e));
            return;
        }
    }
    // Every handle is gone: half-close so the server closes its side.
    let _ = wr.shutdown().await;
}

async fn read_loop(mut rd: OwnedReadHalf, mut buf: BytesMut, shared: Arc<Shared>) {
    let error = 'outer: loop {
        loop {
            match decode_frame(&buf) {
                Ok(Some((frame, used))) => {
                    buf.advance(used);
                    if let Err(e) = dispatch(frame, &shared, shared.cache.as_deref()) {
                        break 'outer e;
                    }
                }
                Ok(None) => break,
                Err(e) => break 'outer Error::Protocol(e),
            }
        }
        if buf.capacity() - buf.len() < 4096 {
            // Grow with the unfinished frame, so a large reply is rescanned
            // a logarithmic number of times, not once per 16 KiB.
            buf.reserve(buf.len().max(16 * 1024));
        }
        tokio::select! {
            read = rd.read_buf(&mut buf) => match read {
                Ok(0) => break Error::Disconnected("the server closed the connection".into()),
                Ok(_) => {}
                Err(e) => break Error::from(e),
            },
            _ = shared.stop.notified() => break Error::Disconnected("the connection was closed".into()),
        }
    };
    shared.fail(error);
}

/// Routes one frame: pushes to the cache, replies to the front slot.
fn dispatch(frame: Frame, shared: &Shared, cache: Option<&NearCache>) -> Result<()> {
    match frame {
        Frame::Push(items) => {
            handle_push(items, cache);
            Ok(())
        }
        // Attributes annotate the next frame; nothing here uses them.
        Frame::Attribute(_) => Ok(()),
        reply => {
            let done = {
                let mut q = shared.queue.lock();
                let Some(slot) = q.slots.front_mut() else {
                    return Err(Error::unexpected("a reply arrived with no request waiting for it"));
                };
                slot.frames.push(reply);
                slot.remaining -= 1;
                if slot.remaining == 0 {
                    q.slots.pop_front()
                } else {
                    None
                }
            };
            if let Some(slot) = done {
                slot.sink.finish(Ok(slot.frames));
            }
            Ok(())
        }
    }
}

/// `>2 invalidate [keys]`, or `>2 invalidate _` for a flush.
fn handle_push(items: Vec<Frame>, cache: Option<&NearCache>) {
    let Some(cache) = cache else { return };
    let mut it = items.into_iter();
    let is_invalidate =
        matches!(it.next(), Some(Frame::Bulk(k) | Frame::Simple(k)) if k.eq_ignore_ascii_case(b"invalidate"));
    if !is_invalidate {
        return;
    }
    match it.next() {
        Some(Frame::Array(keys) | Frame::Set(keys)) => {
            let keys: Vec<Bytes> = keys
                .into_iter()
                .filter_map(|k| match k {
                    Frame::Bulk(b) | Frame::Simple(b) => Some(b),
                    _ => None,
                })
                .collect();
            cache.invalidate(&keys, false);
        }
        // Null: FLUSHALL/FLUSHDB (or anything the server cannot name).
        _ => cache.flush(),
    }
}
