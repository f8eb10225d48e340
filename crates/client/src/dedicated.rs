//! [`Dedicated`]: a connection of one's own, for what cannot share one:
//! `WATCH`-based optimistic transactions, `SELECT`, long sequences that must
//! see connection state.
//!
//! It is opened on request and closed when dropped; it is never reconnected
//! (its `WATCH`es and state would be silently lost), so after a connection
//! error, open a new one. Writes through it drop the near cache's copies of
//! their keys before they return, like writes on the shared connection.

use std::sync::Arc;

use bytes::BytesMut;

use crate::cmd::Cmd;
use crate::commands::{to_args, ToArgs};
use crate::conn::{self, Conn};
use crate::error::{Error, Result};
use crate::pipeline::Transaction;
use crate::value::FromFrame;
use crate::Client;

/// A dedicated connection. See the module docs.
///
/// ```no_run
/// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
/// // Optimistic increment of a counter stored as text.
/// let conn = client.dedicated().await?;
/// loop {
///     conn.watch("balance").await?;
///     let balance: i64 = conn.cmd(hearth::cmd("GET").arg("balance")).await.map(|v: Option<i64>| v.unwrap_or(0))?;
///     match conn.multi().set("balance", balance + 10).execute().await {
///         Ok(_) => break,
///         Err(hearth::Error::TransactionAborted) => continue, // someone else wrote it: retry
///         Err(e) => return Err(e),
///     }
/// }
/// # Ok(()) }
/// ```
pub struct Dedicated {
    client: Client,
    conn: Arc<Conn>,
}

impl Client {
    /// Opens a dedicated connection (same address, credentials, database
    /// and protocol; no near cache tracking).
    pub async fn dedicated(&self) -> Result<Dedicated> {
        let opened = conn::open(&self.inner.config, None).await?;
        Ok(Dedicated { client: self.clone(), conn: Arc::new(Conn::start(opened, None)) })
    }
}

impl Dedicated {
    /// Runs any command except the `SUBSCRIBE` family (use
    /// [`Client::subscribe`]).
    pub async fn cmd<T: FromFrame>(&self, cmd: Cmd) -> Result<T> {
        let name = cmd.name_upper();
        if name.ends_with(b"SUBSCRIBE") || &name[..] == b"MONITOR" {
            return Err(Error::InvalidUse("use Client::subscribe() for pub/sub".into()));
        }
        let writes = cmd.writes();
        let mut out = BytesMut::new();
        cmd.encode(&mut out);
        let mut frames = self.client.send_on(&self.conn, out.freeze(), 1, writes).await?;
        T::from_frame(frames.pop().expect("one reply per command"))
    }

    /// `WATCH key...`: the next transaction on this connection aborts if any
    /// of them changes before its `EXEC`.
    pub async fn watch(&self, keys: impl ToArgs) -> Result<()> {
        self.cmd(Cmd::new("WATCH").args(to_args(keys))).await
    }

    /// `UNWATCH`.
    pub async fn unwatch(&self) -> Result<()> {
        self.cmd(Cmd::new("UNWATCH")).await
    }

    /// A transaction on this connection (its `WATCH`es apply).
    pub fn multi(&self) -> Transaction {
        Transaction::on_connection(self.client.clone(), Arc::clone(&self.conn))
    }
}
