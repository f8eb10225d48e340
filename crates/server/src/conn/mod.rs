//! One connection's task: read, parse every complete command, execute each
//! in order, append each reply to the output buffer, then write the whole
//! batch at once (pipelining costs one read and one write per batch).
//!
//! Pushes posted by other connections (pub/sub messages, MONITOR lines)
//! wait in this connection's inbox and are appended only between batches,
//! after the replies already produced, so a push is never nested inside a
//! reply. The task waits on socket readability and on its inbox, so pushes
//! go out even when the client is idle.

pub mod client;
mod lookahead;
pub mod registry;
mod socket;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use hearth_resp::{
    encode, parse_command, parse_command_unauthenticated, Frame, OwnedArgs, ParseLimits, Protocol, Request,
};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::blocking::{BlockRequest, Unblock, Waiter};
use crate::commands::{self, flag};
use crate::keyspace::evict::BufferCount;
use crate::keyspace::Guards;
use crate::server::stats::Stats;
use crate::server::Shared;
use client::{ClientHandle, ClientInfo, ClientState, Inbox, ReplyMode};
use lookahead::Lookahead;

const READ_CHUNK: usize = 16 * 1024;
/// Largest read buffer kept between batches (the write buffer goes back
/// to READ_CHUNK once written).
const KEEP_BUFFER: usize = 2 * READ_CHUNK;
/// Replies are written out once the write buffer has less room than this,
/// so that typical replies never make it grow.
const WRITE_ROOM: usize = READ_CHUNK / 4;

/// Registers a just-accepted connection, so that CLIENT LIST/KILL and
/// maxclients see it from the moment it is accepted.
pub fn register(shared: &'static Shared, peer: SocketAddr, local: SocketAddr) -> Arc<ClientHandle> {
    let now = shared.clock.now_ms();
    let handle = Arc::new(ClientHandle {
        id: shared.clients.next_id(),
        addr: peer,
        laddr: local,
        created_ms: now,
        inbox: Inbox::default(),
        killed: Default::default(),
        info: parking_lot::Mutex::new(ClientInfo { resp: 2, multi: -1, user: "default".into(), ..Default::default() }),
        last_interaction_ms: now.into(),
        output_bytes: Default::default(),
        last_cmd: Default::default(),
        tracking: Default::default(),
    });
    shared.clients.insert(handle.clone());
    Stats::incr(&shared.stats.total_connections);
    handle
}

/// Serves one accepted, registered connection until it closes.
pub async fn serve(shared: &'static Shared, mut stream: TcpStream, handle: Arc<ClientHandle>) {
    let _ = stream.set_nodelay(true);
    let needs_auth = !shared.config.read().requirepass.is_empty();
    let mut client = ClientState::new(handle.clone(), !needs_auth);
    let mut conn = Connection {
        shared,
        rbuf: BytesMut::with_capacity(READ_CHUNK),
        wbuf: BytesMut::with_capacity(READ_CHUNK),
        rbuf_size: READ_CHUNK,
        counted: BufferCount::default(),
    };
    conn.count_buffers();
    conn.run(&mut stream, &mut client).await;
    commands::cleanup_client(shared, &mut client);
    shared.clients.remove(handle.id);
}

/// The settings a connection reads on every batch, re-read from the
/// config only when CONFIG SET changed something (no lock per batch).
#[derive(Default)]
struct Settings {
    version: u64,
    limits: ParseLimits,
    query_limit: usize,
    normal_hard: u64,
    pubsub_hard: u64,
}

impl Settings {
    fn refresh(&mut self, shared: &Shared) {
        let v = shared.config_version.load(Ordering::Acquire);
        if v == self.version && self.query_limit != 0 {
            return;
        }
        let c = shared.config.read();
        self.limits = ParseLimits { max_bulk_len: c.proto_max_bulk_len as usize, ..ParseLimits::default() };
        self.query_limit = c.client_query_buffer_limit as usize;
        self.normal_hard = c.output_limits.normal.hard;
        self.pubsub_hard = c.output_limits.pubsub.hard;
        self.version = v;
    }
}

struct Connection {
    shared: &'static Shared,
    rbuf: BytesMut,
    wbuf: BytesMut,
    /// The read buffer's allocation (consuming input lowers `capacity()`,
    /// not the allocation).
    rbuf_size: usize,
    /// The buffers' bytes as counted in the maxmemory gauge.
    counted: BufferCount,
}

impl Connection {
    async fn run(&mut self, stream: &mut TcpStream, client: &mut ClientState) {
        let mut req = Request::new();
        let mut guards = Guards::default();
        let mut followups = Vec::new();
        let mut settings = Settings::default();
        let mut redirect = RedirectOrder::default();
        let mut lookahead = Lookahead::default();
        loop {
            settings.refresh(self.shared);
            let (limits, query_limit) = (settings.limits, settings.query_limit);
            let output_hard = if client.subscription_count() > 0 { settings.pubsub_hard } else { settings.normal_hard };
            let mut consumed = 0;
            let mut fatal = false;
            let mut blocked = None;
            // Replies are written out before the write buffer must grow: a
            // pipeline of large GET hits would otherwise hold its whole
            // reply at once, and the gauge charges buffers against the keys
            // (a buffer that grows and shrinks every batch makes the cache
            // shrink and grow with it).
            let mut output_full = false;
            crate::clock::new_batch();
            // A command arriving in pieces is parsed incrementally by `req`.
            if client.authenticated && !req.in_progress() {
                lookahead.read(&self.rbuf, &limits, &self.shared.keyspace, client.db, client.tracking_on);
            } else {
                lookahead.discard();
            }
            while !client.close_after_reply && !output_full {
                let buf = &self.rbuf[consumed..];
                let parsed = match lookahead.take(consumed) {
                    Some((n, ahead)) => Ok(Some((n, ahead))),
                    None => {
                        // Before AUTH, Redis caps request sizes much lower.
                        let parse = if client.authenticated { parse_command } else { parse_command_unauthenticated };
                        parse(buf, &limits, &mut req).map(|done| done.map(|n| (n, &req)))
                    }
                };
                match parsed {
                    Ok(None) => break,
                    Ok(Some((n, parsed))) => {
                        if !parsed.is_empty() {
                            let args = parsed.args(buf);
                            if self.pause_if_needed(args.get(0)).await {
                                crate::clock::new_batch();
                            }
                            // Pushes posted before this command started (e.g. the
                            // invalidation of a write that completed) precede its reply.
                            drain_inbox(&mut self.wbuf, client.protocol, &client.handle);
                            redirect.note(self.shared, client.tracking_redirect);
                            let before = client.reply_mode;
                            let frame = execute_guarded(self.shared, client, &mut guards, args, &mut followups);
                            if let Some(request) = client.block.take() {
                                // Nothing to pop: the rest of the batch waits too.
                                blocked = Some((args.to_owned(), request, before));
                                consumed += n;
                                break;
                            }
                            emit(&mut self.wbuf, client, before, frame, &mut followups);
                            self.count_buffers();
                            output_full = self.wbuf.capacity() - self.wbuf.len() < WRITE_ROOM;
                            if !client.authenticated {
                                // RESET: what follows is parsed with AUTH's limits.
                                lookahead.discard();
                            }
                        }
                        consumed += n;
                    }
                    Err(e) => {
                        let text = format!("ERR {e}");
                        self.shared.stats.count_error(text.as_bytes());
                        encode(&Frame::Error(text.into()), client.protocol, &mut self.wbuf);
                        fatal = true;
                        break;
                    }
                }
            }
            self.rbuf.advance(consumed);
            // Commands pipelined behind a block (or sent during it) are
            // already in the buffer: run them before waiting for input.
            let resume = blocked.is_some();
            if let Some((args, request, before)) = blocked {
                // The batch's earlier commands are counted before the wait.
                crate::server::stats::flush_calls();
                match self.wait_blocked(stream, client, &mut guards, &mut followups, args, request).await {
                    Some(frame) => emit(&mut self.wbuf, client, before, frame, &mut followups),
                    None => return,
                }
            }
            if !self.wbuf.is_empty() {
                // Other connections made ready by the same poll run their
                // batches first, and the replies then go out back to back (as
                // Redis writes in beforeSleep): a client woken by the first
                // write is still awake for the next, which spares the
                // cross-CPU wake-ups that dominated the cost of a write.
                tokio::task::yield_now().await;
            }
            drain_inbox(&mut self.wbuf, client.protocol, &client.handle);
            // Before the replies go out, every command behind them is counted
            // (this batch's, and those of connections that ran during the yield).
            crate::server::stats::flush_calls();
            if !self.wbuf.is_empty() {
                redirect.wait().await;
                Stats::incr_by(&self.shared.stats.net_output_bytes, self.wbuf.len() as u64);
                client.handle.output_bytes.store(self.wbuf.len() as u64, Ordering::Relaxed);
                // A client that stops reading must not pin this task (and the
                // messages piling up in its inbox) forever: a kill, e.g. from
                // the output buffer limit, interrupts the write.
                let mut write = std::pin::pin!(stream.write_all(&self.wbuf));
                loop {
                    tokio::select! {
                        done = &mut write => match done {
                            Ok(()) => break,
                            Err(_) => return,
                        },
                        _ = client.handle.inbox.wait() => if client.handle.is_killed() {
                            return;
                        },
                    }
                }
                client.handle.output_bytes.store(0, Ordering::Relaxed);
                client.handle.inbox.mark_written();
                self.wbuf.clear();
                // Redis frees reply blocks once written; a buffer kept at its
                // peak would count against maxmemory for nothing.
                if self.wbuf.capacity() > READ_CHUNK {
                    self.wbuf = BytesMut::with_capacity(READ_CHUNK);
                }
            }
            if fatal || client.close_after_reply || client.handle.is_killed() {
                return;
            }
            if self.rbuf.len() > query_limit {
                Stats::incr(&self.shared.stats.client_query_limit_disconnections);
                crate::log::warning("Closing client that reached max query buffer length");
                return;
            }
            if output_hard > 0 && client.handle.inbox.pending_bytes() as u64 > output_hard {
                Stats::incr(&self.shared.stats.client_output_limit_disconnections);
                return;
            }
            if output_full {
                // The rest of the batch is already read.
                continue;
            }
            // Likewise the query buffer, once a large batch is consumed
            // (Redis 7.4 hands its reusable query buffer back the same way).
            if self.rbuf.is_empty() && self.rbuf_size > KEEP_BUFFER {
                self.rbuf = BytesMut::with_capacity(READ_CHUNK);
                self.rbuf_size = READ_CHUNK;
            }
            if resume && !self.rbuf.is_empty() {
                continue;
            }
            // Half a chunk: with a partial command left over, asking for a
            // whole one could not reuse the consumed space, and the buffer
            // would double every batch (and be dropped after it).
            self.rbuf.reserve(READ_CHUNK / 2);
            // capacity() leaves out the consumed space until a reserve
            // reclaims it; the allocation only changes when it grows.
            self.rbuf_size = self.rbuf_size.max(self.rbuf.capacity());
            self.count_buffers();
            tokio::select! {
                read = socket::read_some(stream, &mut self.rbuf, READ_CHUNK) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => {
                        Stats::incr_by(&self.shared.stats.net_input_bytes, n as u64);
                        client.handle.last_interaction_ms.store(self.shared.clock.now_ms(), Ordering::Relaxed);
                    }
                },
                _ = client.handle.inbox.wait() => {}
            }
        }
    }

    /// Brings the buffers' share of the maxmemory gauge up to date.
    fn count_buffers(&mut self) {
        self.counted.set(self.rbuf_size + self.wbuf.capacity());
    }

    /// Writes what is pending in the output buffer.
    async fn flush(&mut self, stream: &mut TcpStream, handle: &ClientHandle) -> bool {
        if self.wbuf.is_empty() {
            return true;
        }
        let ok = stream.write_all(&self.wbuf).await.is_ok();
        handle.inbox.mark_written();
        self.wbuf.clear();
        ok
    }

    /// Blocks the client on its keys until a write lets its command
    /// succeed, the timeout expires, CLIENT UNBLOCK, or it goes away
    /// (None). Input that arrives meanwhile is kept for afterwards;
    /// pushes (pub/sub, invalidations) still go out.
    async fn wait_blocked(
        &mut self,
        stream: &mut TcpStream,
        client: &mut ClientState,
        guards: &mut Guards,
        followups: &mut Vec<Frame>,
        args: OwnedArgs,
        request: BlockRequest,
    ) -> Option<Frame> {
        let table = crate::blocking::get();
        let waiter = Arc::new(Waiter {
            client: client.id(),
            notify: Default::default(),
            unblock: Default::default(),
            timed: request.deadline.is_some(),
        });
        table.register(request.db, &request.keys, &waiter, false);
        let mut served = false;
        let result = loop {
            if !self.flush(stream, &client.handle).await {
                break None;
            }
            let deadline = request.deadline;
            let expired = async move {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d.into()).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = waiter.notify.notified() => {
                    if let Some(how) = waiter.unblock.lock().take() {
                        break Some(match how {
                            Unblock::Timeout => request.timeout_reply.clone(),
                            Unblock::Error => Frame::Error("UNBLOCKED client unblocked via CLIENT UNBLOCK".into()),
                        });
                    }
                    crate::clock::new_batch();
                    let frame = execute_guarded(self.shared, client, guards, args.as_args(), followups);
                    if client.block.take().is_none() {
                        served = true;
                        break Some(frame);
                    }
                    // Still nothing (another client was faster): keep the place.
                    table.register(request.db, &request.keys, &waiter, true);
                }
                _ = expired => break Some(request.timeout_reply.clone()),
                _ = client.handle.inbox.wait() => {
                    if client.handle.is_killed() {
                        break None;
                    }
                    drain_inbox(&mut self.wbuf, client.protocol, &client.handle);
                }
                read = socket::read_some(stream, &mut self.rbuf, READ_CHUNK) => match read {
                    Ok(0) | Err(_) => break None,
                    Ok(_) => {}
                },
            }
        };
        table.unregister(request.db, &request.keys, &waiter);
        if served {
            // More elements may be left: the next client in line tries too.
            for key in &request.keys {
                table.wake_first(request.db, key);
            }
        }
        result
    }

    /// CLIENT PAUSE: holds this client's commands until the pause ends
    /// (only writes when the pause is WRITE). Returns whether it waited.
    async fn pause_if_needed(&self, name: &[u8]) -> bool {
        if self.shared.pause_until_ms.load(Ordering::Relaxed) == 0 {
            return false;
        }
        let mut waited = false;
        loop {
            let pause = *self.shared.pause.lock();
            let now = self.shared.clock.now_ms();
            if pause.until_ms <= now {
                return waited;
            }
            let is_write = commands::lookup(name).is_some_and(|s| s.has(flag::WRITE));
            if !pause.all && !is_write {
                return waited;
            }
            tokio::time::sleep(Duration::from_millis(((pause.until_ms - now) as u64).min(10))).await;
            waited = true;
        }
    }
}

/// Runs a command; a panic (a bug) becomes an error reply for this client
/// instead of taking down the worker thread and every connection on it.
/// Locks held by the command are released by unwinding (parking_lot
/// mutexes do not poison).
fn execute_guarded(
    shared: &'static Shared,
    client: &mut ClientState,
    guards: &mut Guards,
    args: hearth_resp::Args<'_>,
    followups: &mut Vec<Frame>,
) -> Frame {
    let run = std::panic::AssertUnwindSafe(|| commands::execute(shared, client, guards, args, followups));
    match std::panic::catch_unwind(run) {
        Ok(frame) => frame,
        Err(_) => {
            guards.release();
            followups.clear();
            crate::log::warning(&format!(
                "internal error running '{}'; the server keeps running",
                String::from_utf8_lossy(&args[0])
            ));
            Frame::Error("ERR internal error".into())
        }
    }
}

/// Encodes a command's reply (and its followups) unless CLIENT REPLY
/// suppresses it; pushes queued for before the reply always go out.
fn emit(wbuf: &mut BytesMut, client: &mut ClientState, before: ReplyMode, frame: Frame, followups: &mut Vec<Frame>) {
    for push in client.pushes_before_reply.drain(..) {
        encode(&push, client.protocol, wbuf);
    }
    let forced = std::mem::take(&mut client.force_reply);
    let mut suppress = !forced && matches!(before, ReplyMode::Off | ReplyMode::SkipThis);
    match client.reply_mode {
        ReplyMode::SkipThis if before == ReplyMode::SkipThis => client.reply_mode = ReplyMode::On,
        ReplyMode::Skip => {
            client.reply_mode = ReplyMode::SkipThis;
            suppress = true;
        }
        ReplyMode::Off => suppress = true,
        _ => {}
    }
    if !suppress {
        encode(&frame, client.protocol, wbuf);
        for f in followups.iter() {
            encode(f, client.protocol, wbuf);
        }
    }
    followups.clear();
}

/// REDIRECT ordering. Redis writes an invalidation into the target's
/// output buffer during the write, and flushes every client's buffer in
/// the order they filled, so once a tracking client has a reply to a
/// command sent after the write, the push is on the target's socket. Here
/// the target's own task writes it: a redirecting client notes, as each
/// command starts, how many frames its target had been posted, and holds
/// its batch's replies until the target has written that many (at most
/// [`RedirectOrder::LIMIT`], so a stuck target stalls nobody for long).
#[derive(Default)]
struct RedirectOrder {
    target: Option<Arc<ClientHandle>>,
    need: u64,
}

impl RedirectOrder {
    const LIMIT: Duration = Duration::from_millis(100);

    fn note(&mut self, shared: &Shared, redirect: u64) {
        if redirect == 0 {
            return;
        }
        if self.target.as_ref().is_none_or(|t| t.id != redirect) {
            self.target = shared.clients.get(redirect);
        }
        if let Some(t) = &self.target {
            self.need = self.need.max(t.inbox.posted());
        }
    }

    async fn wait(&mut self) {
        // Only this task still holds a target that disconnected: it will
        // never write again.
        if self.target.as_ref().is_some_and(|t| Arc::strong_count(t) == 1) {
            self.target = None;
        }
        if let Some(t) = &self.target {
            if self.need > 0 {
                t.inbox.wait_written(self.need, Self::LIMIT).await;
            }
        }
        self.need = 0;
    }
}

fn drain_inbox(wbuf: &mut BytesMut, protocol: Protocol, handle: &ClientHandle) {
    if handle.inbox.pending_bytes() == 0 {
        return;
    }
    for frame in handle.inbox.drain() {
        encode(&frame, protocol, wbuf);
    }
}
