//! [`Client`]: the shared handle and the three ways a request travels
//! (plain, write, cached read).
//!
//! A client owns one multiplexed connection at a time. When it dies, the
//! supervisor (`supervisor.rs`) reconnects; meanwhile requests wait up to
//! the connect timeout for the new connection.
//! Writes carry the keys they write, and the reader task drops this client's
//! cached copies of them before the write's reply is handed back
//! (read-your-writes). Cached reads go through the near cache's lease
//! protocol (`cache/table.rs`).
//!
//! Typed commands live in `commands/`; this file is only the plumbing.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use hearth_resp::{Frame, Protocol};
use parking_lot::{Mutex, RwLock};
use tokio::sync::{oneshot, watch};

use crate::blocking::BlockingPool;
use crate::cache::{Begin, NearCache, NearCacheEvent, NearCacheStats, Read, SystemClock};
use crate::cmd::{Cmd, Writes};
use crate::config::{ClientBuilder, Config};
use crate::conn::{self, Conn, Sink};
use crate::error::{Error, Result};
use crate::value::{check, FromFrame, ToArg};

/// An async client: cheap to clone, shared by any number of tasks, all of
/// whose requests are pipelined on one connection.
///
/// ```no_run
/// # async fn demo() -> hearth::Result<()> {
/// let client = hearth::Client::open("redis://127.0.0.1:6379").await?;
/// client.set("greeting", "hello").await?;
/// let v: Option<String> = client.get("greeting").await?;
/// assert_eq!(v.as_deref(), Some("hello"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: Config,
    pub(crate) cache: Option<Arc<NearCache>>,
    pub(crate) slot: RwLock<Option<Arc<Conn>>>,
    /// Bumped each time a new connection is published.
    generation: watch::Sender<u64>,
    pub(crate) last_error: Mutex<Option<Error>>,
    pub(crate) blocking: BlockingPool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("info", &self.inner.config.info).finish_non_exhaustive()
    }
}

impl Client {
    /// Connects to `url` (`redis://[[user]:password@]host[:port][/db]`) with
    /// default settings.
    pub async fn open(url: &str) -> Result<Client> {
        ClientBuilder::new(url).connect().await
    }

    /// A builder for a client with non-default settings.
    pub fn builder(url: &str) -> ClientBuilder {
        ClientBuilder::new(url)
    }

    pub(crate) async fn connect_with(config: Config) -> Result<Client> {
        let cache = config.near_cache.as_ref().map(|c| {
            let cache = NearCache::new(c, Arc::new(SystemClock));
            Arc::new(match config.serve_stale {
                Some(window) => cache.serve_stale_for(window),
                None => cache,
            })
        });
        let first = connect_once(&config, cache.as_ref()).await?;
        let config_blocking = config.blocking_pool_size;
        let (generation, _) = watch::channel(0);
        let inner = Arc::new(Inner {
            config,
            cache,
            slot: RwLock::new(None),
            generation,
            last_error: Mutex::new(None),
            blocking: BlockingPool::new(config_blocking),
        });
        let shared = Arc::clone(first.shared());
        inner.publish(first);
        tokio::spawn(crate::supervisor::supervise(Arc::downgrade(&inner), shared));
        Ok(Client { inner })
    }

    /// The protocol the current connection speaks (RESP3 unless the server
    /// refused `HELLO 3` or RESP2 was asked for).
    pub async fn protocol(&self) -> Result<Protocol> {
        Ok(self.conn().await?.protocol())
    }

    /// Near cache counters, or `None` when the near cache is off.
    pub fn near_cache_stats(&self) -> Option<NearCacheStats> {
        self.inner.cache.as_ref().map(|c| c.stats())
    }

    /// A stream of near cache events (invalidations, flushes) from now on,
    /// or `None` when the near cache is off.
    ///
    /// ```no_run
    /// # async fn demo(client: hearth::Client) {
    /// let mut events = client.near_cache_events().expect("near cache on");
    /// while let Some(event) = events.next().await {
    ///     println!("{event:?}");
    /// }
    /// # }
    /// ```
    pub fn near_cache_events(&self) -> Option<NearCacheEvents> {
        self.inner.cache.as_ref().map(|c| NearCacheEvents { rx: c.subscribe() })
    }

    /// Drops every locally cached reply (the server-side data is untouched).
    pub fn clear_near_cache(&self) {
        if let Some(c) = &self.inner.cache {
            c.flush();
        }
    }

    /// Runs any command and converts its reply.
    ///
    /// Commands that would disturb other tasks sharing the connection
    /// (`MULTI`, `SUBSCRIBE`, `SELECT`, ...) are refused with
    /// [`Error::InvalidUse`] naming the method to use instead.
    ///
    /// ```no_run
    /// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
    /// let n: i64 = client.cmd(hearth::cmd("STRLEN").arg("greeting")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn cmd<T: FromFrame>(&self, cmd: Cmd) -> Result<T> {
        cmd.check_shareable()?;
        self.query(cmd).await
    }

    /// Sends one command (no shareability check) and converts the reply.
    pub(crate) async fn query<T: FromFrame>(&self, cmd: Cmd) -> Result<T> {
        let writes = cmd.writes();
        let mut out = BytesMut::new();
        cmd.encode(&mut out);
        let mut frames = self.send(out.freeze(), 1, writes).await?;
        T::from_frame(frames.pop().expect("one reply per command"))
    }

    /// Sends encoded requests expecting `replies` frames; `writes` are
    /// dropped from the near cache before the frames are returned.
    pub(crate) async fn send(&self, bytes: Bytes, replies: usize, writes: Writes) -> Result<Vec<Frame>> {
        let conn = self.conn().await?;
        self.send_on(&conn, bytes, replies, writes).await
    }

    /// [`Client::send`] on a given connection (a dedicated one, say).
    pub(crate) async fn send_on(
        &self,
        conn: &Conn,
        bytes: Bytes,
        replies: usize,
        writes: Writes,
    ) -> Result<Vec<Frame>> {
        let (tx, rx) = oneshot::channel();
        let sink = match (&self.inner.cache, writes) {
            (Some(cache), Writes::Keys(keys)) => {
                let cache = Arc::clone(cache);
                Sink::Hook(Box::new(move |result| {
                    cache.invalidate(&keys, true);
                    let _ = tx.send(result);
                }))
            }
            (Some(cache), Writes::All) => {
                let cache = Arc::clone(cache);
                Sink::Hook(Box::new(move |result| {
                    cache.flush();
                    let _ = tx.send(result);
                }))
            }
            _ => Sink::Reply(tx),
        };
        conn.send(bytes, replies, sink)?;
        self.wait(rx).await
    }

    /// A cacheable read of one key and no other argument (GET, HGETALL,
    /// ...): a near-cache hit looks the key up borrowed, without copying it.
    pub(crate) async fn read_key<T: FromFrame>(&self, name: &'static str, key: impl ToArg) -> Result<T> {
        let Some(cache) = &self.inner.cache else {
            return Box::pin(self.query(Read::new(name, key.to_arg()).to_cmd())).await;
        };
        if let Some(value) = cache.get_parts(name, &key.arg_bytes(), &[]) {
            return T::from_frame(value);
        }
        // Boxed: the miss path's state is large, and keeping it out of this
        // future keeps the hit path from moving it around.
        Box::pin(self.fetch_one(Read::new(name, key.to_arg()))).await
    }

    /// A cacheable read: from the near cache when it holds the reply, else
    /// from the server (see [`Client::read_many`]).
    pub(crate) async fn read<T: FromFrame>(&self, read: Read) -> Result<T> {
        let Some(cache) = &self.inner.cache else {
            return self.query(read.to_cmd()).await;
        };
        if let Some(value) = cache.get(&read) {
            return T::from_frame(value);
        }
        self.fetch_one(read).await
    }

    /// One read the near cache could not serve a moment ago, through
    /// [`Client::read_many`] (which joins a request in flight or sends it).
    async fn fetch_one<T: FromFrame>(&self, read: Read) -> Result<T> {
        let mut frames = self.read_many(vec![read]).await?;
        T::from_frame(frames.pop().expect("one reply per read"))
    }

    /// Several cacheable reads: hits from memory, misses in one transaction
    /// (`MULTI`, then `PTTL key` and the read for each, `EXEC`), reads
    /// another task already has in flight joined. Replies in order.
    pub(crate) async fn read_many(&self, reads: Vec<Read>) -> Result<Vec<Frame>> {
        let Some(cache) = &self.inner.cache else {
            let cmds: Vec<Cmd> = reads.iter().map(Read::to_cmd).collect();
            return self.pipeline_frames(&cmds).await;
        };
        let conn = self.conn().await?;
        let mut done: Vec<Option<Result<Frame>>> = vec![None; reads.len()];
        let mut waits = Vec::new();
        let mut leads = Vec::new();
        let mut plain = Vec::new();
        for (i, read) in reads.iter().enumerate() {
            if let Some(v) = cache.get(read) {
                done[i] = Some(Ok(v));
                continue;
            }
            match cache.begin(read) {
                Begin::Hit(v) => done[i] = Some(Ok(v)),
                Begin::Wait(rx) => waits.push((i, rx)),
                Begin::Lead(lease) => leads.push((i, read.clone(), lease)),
                Begin::Bypass => plain.push(i),
            }
        }
        let mut lead_rx = None;
        if !leads.is_empty() {
            let mut out = BytesMut::new();
            Cmd::new("MULTI").encode(&mut out);
            for (_, read, _) in &leads {
                Cmd::new("PTTL").arg(read.key.clone()).encode(&mut out);
                read.to_cmd().encode(&mut out);
            }
            Cmd::new("EXEC").encode(&mut out);
            let (tx, rx) = oneshot::channel();
            let cache = Arc::clone(cache);
            let n = leads.len();
            let replies = 2 + 2 * n;
            let hook = Box::new(move |result: Result<Vec<Frame>>| {
                let mut parsed = split_exec(result, n).into_iter();
                let mut answers = Vec::with_capacity(n);
                for (i, _, lease) in leads {
                    let reply = parsed.next().expect("split_exec returns n results");
                    answers.push((i, cache.complete(lease, reply)));
                }
                let _ = tx.send(Ok(answers));
            });
            conn.send(out.freeze(), replies, Sink::Hook(hook))?;
            lead_rx = Some(rx);
        }
        let mut plain_rx = None;
        if !plain.is_empty() {
            let mut out = BytesMut::new();
            for &i in &plain {
                reads[i].to_cmd().encode(&mut out);
            }
            let (tx, rx) = oneshot::channel();
            conn.send(out.freeze(), plain.len(), Sink::Reply(tx))?;
            plain_rx = Some(rx);
        }
        drop(conn);
        if let Some(rx) = lead_rx {
            for (i, r) in self.wait(rx).await? {
                done[i] = Some(r);
            }
        }
        if let Some(rx) = plain_rx {
            for (i, f) in plain.into_iter().zip(self.wait(rx).await?) {
                done[i] = Some(check(f));
            }
        }
        for (i, rx) in waits {
            done[i] = Some(self.wait(rx).await);
        }
        done.into_iter().map(|r| r.expect("every read answered")).collect()
    }

    /// Sends commands as one pipeline; error replies stay in place as
    /// [`Frame::Error`].
    pub(crate) async fn pipeline_frames(&self, cmds: &[Cmd]) -> Result<Vec<Frame>> {
        if cmds.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = BytesMut::new();
        let mut writes = Writes::None;
        for c in cmds {
            c.encode(&mut out);
            writes = writes.merge(c.writes());
        }
        self.send(out.freeze(), cmds.len(), writes).await
    }

    pub(crate) async fn wait<T>(&self, rx: oneshot::Receiver<Result<T>>) -> Result<T> {
        let reply = async {
            rx.await.unwrap_or_else(|_| Err(Error::Disconnected("the connection closed before the reply".into())))
        };
        match self.inner.config.response_timeout {
            None => reply.await,
            Some(limit) => tokio::time::timeout(limit, reply).await.unwrap_or(Err(Error::Timeout(limit))),
        }
    }

    /// The live connection, waiting up to the connect timeout for the
    /// supervisor to make one.
    pub(crate) async fn conn(&self) -> Result<Arc<Conn>> {
        let mut changes = self.inner.generation.subscribe();
        if let Some(c) = self.inner.live() {
            return Ok(c);
        }
        let limit = self.inner.config.connect_timeout;
        let wait = async {
            loop {
                if changes.changed().await.is_err() {
                    return None;
                }
                if let Some(c) = self.inner.live() {
                    return Some(c);
                }
            }
        };
        match tokio::time::timeout(limit, wait).await {
            Ok(Some(c)) => Ok(c),
            _ => {
                let why = self.inner.last_error.lock().as_ref().map(|e| e.to_string());
                Err(Error::Disconnected(format!(
                    "no connection within {limit:?}{}",
                    why.map(|w| format!(" (last attempt: {w})")).unwrap_or_default()
                )))
            }
        }
    }
}

/// Receiver of [`NearCacheEvent`]s, from [`Client::near_cache_events`].
pub struct NearCacheEvents {
    rx: tokio::sync::broadcast::Receiver<NearCacheEvent>,
}

impl NearCacheEvents {
    /// The next event; `None` once the client is gone. A receiver that falls
    /// more than 1,024 events behind skips the oldest.
    pub async fn next(&mut self) -> Option<NearCacheEvent> {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match self.rx.recv().await {
                Ok(e) => return Some(e),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

impl Inner {
    pub(crate) fn live(&self) -> Option<Arc<Conn>> {
        self.slot.read().as_ref().filter(|c| !c.is_dead()).cloned()
    }

    pub(crate) fn publish(&self, conn: Conn) {
        if let Some(cache) = &self.cache {
            cache.set_connected(true);
        }
        *self.slot.write() = Some(Arc::new(conn));
        self.generation.send_modify(|g| *g += 1);
    }
}

/// Opens a connection (with tracking when the near cache is on).
pub(crate) async fn connect_once(config: &Config, cache: Option<&Arc<NearCache>>) -> Result<Conn> {
    let tracking = cache.and(config.near_cache.as_ref()).map(|c| &c.mode);
    let opened = conn::open(config, tracking).await?;
    Ok(Conn::start(opened, cache.cloned()))
}

/// Splits the replies of `MULTI, (PTTL k, READ k) x n, EXEC` into n
/// `(value, pttl)` results.
fn split_exec(result: Result<Vec<Frame>>, n: usize) -> Vec<Result<(Frame, i64)>> {
    let all = |e: Error| (0..n).map(|_| Err(e.clone())).collect();
    let mut frames = match result {
        Ok(f) => f,
        Err(e) => return all(e),
    };
    // MULTI's +OK and the +QUEUED replies carry no information unless one
    // is an error, in which case EXEC reports EXECABORT anyway.
    let exec = match frames.pop() {
        Some(f) => f,
        None => return all(Error::unexpected("no EXEC reply")),
    };
    let items = match exec {
        Frame::Array(items) if items.len() == 2 * n => items,
        Frame::Error(text) => return all(Error::server(text)),
        Frame::Null | Frame::NullArray => return all(Error::TransactionAborted),
        _ => return all(Error::unexpected("EXEC reply of the wrong shape")),
    };
    let mut out = Vec::with_capacity(n);
    let mut it = items.into_iter();
    while let (Some(pttl), Some(value)) = (it.next(), it.next()) {
        out.push(match (pttl, value) {
            (_, Frame::Error(text)) => Err(Error::server(text)),
            (Frame::Integer(ttl), value) => Ok((value, ttl)),
            _ => Err(Error::unexpected("PTTL reply is not an integer")),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_exec_pairs_ttls_with_values() {
        let frames = vec![
            Frame::ok(),
            Frame::simple("QUEUED"),
            Frame::simple("QUEUED"),
            Frame::simple("QUEUED"),
            Frame::simple("QUEUED"),
            Frame::Array(vec![
                Frame::Integer(-1),
                Frame::bulk("a"),
                Frame::Integer(500),
                Frame::Error("WRONGTYPE x".into()),
            ]),
        ];
        let out = split_exec(Ok(frames), 2);
        assert_eq!(out[0].as_ref().unwrap(), &(Frame::bulk("a"), -1));
        assert!(matches!(&out[1], Err(Error::Server(_))));
    }

    #[test]
    fn split_exec_spreads_a_transaction_error_to_every_read() {
        let frames = vec![Frame::ok(), Frame::Error("EXECABORT Transaction discarded".into())];
        let out = split_exec(Ok(frames), 3);
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|r| r.as_ref().unwrap_err().to_string().starts_with("EXECABORT")));
    }
}
