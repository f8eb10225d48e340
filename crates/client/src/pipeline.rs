//! [`Pipeline`] (many commands, one round trip) and [`Transaction`]
//! (`MULTI` ... `EXEC`, atomic on the server).
//!
//! Both are written to the shared connection as one contiguous batch, so no
//! other task's command can land inside a transaction. The keys they write
//! are dropped from the near cache before their replies are returned, like
//! single writes.

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use hearth_resp::Frame;

use crate::cmd::{Cmd, Writes};
use crate::conn::Conn;
use crate::error::{Error, Result};
use crate::value::{FromFrame, ToArg};
use crate::Client;

macro_rules! typed_helpers {
    () => {
        /// Adds any command.
        pub fn cmd(mut self, cmd: Cmd) -> Self {
            self.cmds.push(cmd);
            self
        }

        /// Adds any command, for loops.
        pub fn push(&mut self, cmd: Cmd) -> &mut Self {
            self.cmds.push(cmd);
            self
        }

        /// Adds `GET key`.
        pub fn get(self, key: impl ToArg) -> Self {
            self.cmd(Cmd::new("GET").arg(key))
        }

        /// Adds `SET key value`.
        pub fn set(self, key: impl ToArg, value: impl ToArg) -> Self {
            self.cmd(Cmd::new("SET").arg(key).arg(value))
        }

        /// Adds `DEL key`.
        pub fn del(self, key: impl ToArg) -> Self {
            self.cmd(Cmd::new("DEL").arg(key))
        }

        /// Adds `INCR key`.
        pub fn incr(self, key: impl ToArg) -> Self {
            self.cmd(Cmd::new("INCR").arg(key))
        }

        /// Adds `PEXPIRE key ms`.
        pub fn expire(self, key: impl ToArg, ttl: Duration) -> Self {
            self.cmd(Cmd::new("PEXPIRE").arg(key).arg(ttl.as_millis() as u64))
        }

        /// Adds `RPUSH key value`.
        pub fn rpush(self, key: impl ToArg, value: impl ToArg) -> Self {
            self.cmd(Cmd::new("RPUSH").arg(key).arg(value))
        }

        /// Adds `LTRIM key start stop`.
        pub fn ltrim(self, key: impl ToArg, start: i64, stop: i64) -> Self {
            self.cmd(Cmd::new("LTRIM").arg(key).arg(start).arg(stop))
        }

        /// Adds `HSET key field value`.
        pub fn hset(self, key: impl ToArg, field: impl ToArg, value: impl ToArg) -> Self {
            self.cmd(Cmd::new("HSET").arg(key).arg(field).arg(value))
        }

        /// Adds `PUBLISH channel message`.
        pub fn publish(self, channel: impl ToArg, message: impl ToArg) -> Self {
            self.cmd(Cmd::new("PUBLISH").arg(channel).arg(message))
        }

        /// How many commands were added.
        pub fn len(&self) -> usize {
            self.cmds.len()
        }

        /// Whether no command was added.
        pub fn is_empty(&self) -> bool {
            self.cmds.is_empty()
        }

        /// Sends the commands and converts the replies, as a tuple or a
        /// `Vec`; the first error reply becomes `Err`.
        pub async fn query<T: FromFrame>(&self) -> Result<T> {
            T::from_frame(Frame::Array(self.execute().await?))
        }
    };
}

/// Commands sent together, replies read together. Not atomic: use
/// [`Client::multi`] for that.
///
/// ```no_run
/// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
/// let (_, n): ((), i64) = client.pipeline().set("a", 1).incr("a").query().await?;
/// assert_eq!(n, 2);
/// # Ok(()) }
/// ```
pub struct Pipeline {
    client: Client,
    cmds: Vec<Cmd>,
}

impl Pipeline {
    typed_helpers!();

    /// Sends the commands; error replies stay in place as [`Frame::Error`].
    pub async fn execute(&self) -> Result<Vec<Frame>> {
        for c in &self.cmds {
            c.check_shareable()?;
        }
        self.client.pipeline_frames(&self.cmds).await
    }
}

/// `MULTI`, the commands, `EXEC`, written as one batch.
///
/// ```no_run
/// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
/// use std::time::Duration;
/// let (len, _, _): (i64, (), bool) = client
///     .multi()
///     .rpush("chat", "hi")
///     .ltrim("chat", -100, -1)
///     .expire("chat", Duration::from_secs(3600))
///     .query()
///     .await?;
/// # Ok(()) }
/// ```
pub struct Transaction {
    client: Client,
    cmds: Vec<Cmd>,
    /// A dedicated connection (with `WATCH`es) instead of the shared one.
    on: Option<Arc<Conn>>,
}

impl Transaction {
    typed_helpers!();

    /// Runs the transaction and returns `EXEC`'s replies (errors of single
    /// commands stay in place as [`Frame::Error`]). A command refused at
    /// queue time aborts it all: `Err` with Redis's `EXECABORT` text. On a
    /// [`crate::Dedicated`] connection, a watched key that changed makes it
    /// [`Error::TransactionAborted`].
    pub async fn execute(&self) -> Result<Vec<Frame>> {
        if self.cmds.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = BytesMut::new();
        let mut writes = Writes::None;
        Cmd::new("MULTI").encode(&mut out);
        for c in &self.cmds {
            c.check_shareable()?;
            c.encode(&mut out);
            writes = writes.merge(c.writes());
        }
        Cmd::new("EXEC").encode(&mut out);
        let replies = self.cmds.len() + 2;
        let mut frames = match &self.on {
            None => self.client.send(out.freeze(), replies, writes).await?,
            Some(conn) => self.client.send_on(conn, out.freeze(), replies, writes).await?,
        };
        match frames.pop() {
            Some(Frame::Array(items)) => Ok(items),
            Some(Frame::Null | Frame::NullArray) => Err(Error::TransactionAborted),
            Some(Frame::Error(text)) => Err(Error::server(text)),
            _ => Err(Error::unexpected("EXEC reply of the wrong shape")),
        }
    }
}

impl Transaction {
    pub(crate) fn on_connection(client: Client, conn: Arc<Conn>) -> Transaction {
        Transaction { client, cmds: Vec::new(), on: Some(conn) }
    }
}

impl Client {
    /// A new, empty pipeline.
    pub fn pipeline(&self) -> Pipeline {
        Pipeline { client: self.clone(), cmds: Vec::new() }
    }

    /// A new, empty transaction.
    pub fn multi(&self) -> Transaction {
        Transaction { client: self.clone(), cmds: Vec::new(), on: None }
    }
}
