//! Connection and server commands: `PING`, `ECHO`, `PUBLISH`, `DBSIZE`,
//! `FLUSHDB`/`FLUSHALL` (which also drop the whole near cache).

use crate::cmd::Cmd;
use crate::error::Result;
use crate::value::{FromFrame, ToArg};
use crate::Client;

impl Client {
    /// `PING`. Never cached: one `ping` after a write was acknowledged
    /// guarantees the near cache has seen that write's invalidation.
    pub async fn ping(&self) -> Result<()> {
        self.query(Cmd::new("PING")).await
    }

    /// `ECHO message`.
    pub async fn echo<T: FromFrame>(&self, message: impl ToArg) -> Result<T> {
        self.query(Cmd::new("ECHO").arg(message)).await
    }

    /// `PUBLISH channel message`: how many subscribers got it.
    pub async fn publish(&self, channel: impl ToArg, message: impl ToArg) -> Result<i64> {
        self.query(Cmd::new("PUBLISH").arg(channel).arg(message)).await
    }

    /// `DBSIZE`.
    pub async fn dbsize(&self) -> Result<i64> {
        self.query(Cmd::new("DBSIZE")).await
    }

    /// `FLUSHDB`.
    pub async fn flushdb(&self) -> Result<()> {
        self.query(Cmd::new("FLUSHDB")).await
    }

    /// `FLUSHALL`.
    pub async fn flushall(&self) -> Result<()> {
        self.query(Cmd::new("FLUSHALL")).await
    }

    /// `CLIENT ID` of the current connection.
    pub async fn client_id(&self) -> Result<i64> {
        self.query(Cmd::new("CLIENT").arg("ID")).await
    }
}
