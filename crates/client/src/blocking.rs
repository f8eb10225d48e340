//! Blocking commands on pooled dedicated connections.
//!
//! `BLPOP` and friends hold their connection until data arrives; on the
//! shared connection that would stall every other task's replies behind
//! them. The pool lends each blocking call a connection of its own (opened
//! on demand, kept for reuse, at most `blocking_pool_size` at once). Keys a
//! blocking command pops are dropped from the near cache before it returns,
//! like any write.

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use hearth_resp::Frame;
use parking_lot::Mutex;
use tokio::sync::{oneshot, Semaphore};

use crate::cmd::{Cmd, Writes};
use crate::conn::{Conn, Sink};
use crate::error::{Error, Result};
use crate::value::{FromFrame, ToArg};
use crate::Client;

/// Idle dedicated connections and the limit on blocking calls in flight.
pub(crate) struct BlockingPool {
    permits: Semaphore,
    idle: Mutex<Vec<Conn>>,
}

impl BlockingPool {
    pub(crate) fn new(size: usize) -> BlockingPool {
        BlockingPool { permits: Semaphore::new(size.max(1)), idle: Mutex::new(Vec::new()) }
    }
}

impl Client {
    /// Runs a command that may block the connection (`BLPOP`, `BRPOP`,
    /// `BLMOVE`, `BZPOPMIN`, `WAIT`, `XREAD BLOCK`, ...) on a pooled
    /// dedicated connection. The response timeout, if set, is added to
    /// `block`, the longest the command may block on the server.
    ///
    /// ```no_run
    /// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
    /// use std::time::Duration;
    /// let job: Option<(String, String)> =
    ///     client.blocking(hearth::cmd("BLPOP").arg("jobs").arg(5), Duration::from_secs(5)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn blocking<T: FromFrame>(&self, cmd: Cmd, block: Duration) -> Result<T> {
        cmd.check_shareable()?;
        let pool = &self.inner.blocking;
        let _permit = pool.permits.acquire().await.map_err(|_| Error::Disconnected("the pool is closed".into()))?;
        let idle = pool.idle.lock().pop();
        let conn = match idle.filter(|c| !c.is_dead()) {
            Some(c) => c,
            None => Conn::start(crate::conn::open(&self.inner.config, None).await?, None),
        };
        let mut out = BytesMut::new();
        cmd.encode(&mut out);
        let (tx, rx) = oneshot::channel();
        let sink = match (&self.inner.cache, cmd.writes()) {
            (Some(cache), Writes::Keys(keys)) => {
                let cache = Arc::clone(cache);
                Sink::Hook(Box::new(move |r| {
                    cache.invalidate(&keys, true);
                    let _ = tx.send(r);
                }))
            }
            _ => Sink::Reply(tx),
        };
        conn.send(out.freeze(), 1, sink)?;
        let reply = async { rx.await.unwrap_or_else(|_| Err(Error::Disconnected("the connection closed".into()))) };
        let result = match self.inner.config.response_timeout {
            None => reply.await,
            Some(limit) => {
                let limit = limit + block;
                tokio::time::timeout(limit, reply).await.unwrap_or(Err(Error::Timeout(limit)))
            }
        };
        match result {
            Ok(mut frames) => {
                // Only a connection whose reply was read can be reused.
                pool.idle.lock().push(conn);
                T::from_frame(frames.pop().unwrap_or(Frame::Null))
            }
            Err(e) => Err(e),
        }
    }

    /// `BLPOP key... timeout`: `(key, value)` of the first non-empty list,
    /// or `None` after `timeout` (zero blocks forever).
    pub async fn blpop<K: ToArg, T: FromFrame>(&self, keys: &[K], timeout: Duration) -> Result<Option<(String, T)>> {
        let c = Cmd::new("BLPOP").args(keys.iter()).arg(timeout.as_secs_f64());
        self.blocking(c, timeout).await
    }

    /// `BRPOP key... timeout`, like [`Client::blpop`] from the tail.
    pub async fn brpop<K: ToArg, T: FromFrame>(&self, keys: &[K], timeout: Duration) -> Result<Option<(String, T)>> {
        let c = Cmd::new("BRPOP").args(keys.iter()).arg(timeout.as_secs_f64());
        self.blocking(c, timeout).await
    }
}
