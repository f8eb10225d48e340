//! Set commands.

use super::{to_args, ToArgs};
use crate::cache::Read;
use crate::cmd::Cmd;
use crate::error::Result;
use crate::value::{FromFrame, ToArg};
use crate::Client;

impl Client {
    /// `SADD key member...`: how many were added.
    pub async fn sadd(&self, key: impl ToArg, members: impl ToArgs) -> Result<i64> {
        self.query(Cmd::new("SADD").arg(key).args(to_args(members))).await
    }

    /// `SREM key member...`: how many were removed.
    pub async fn srem(&self, key: impl ToArg, members: impl ToArgs) -> Result<i64> {
        self.query(Cmd::new("SREM").arg(key).args(to_args(members))).await
    }

    /// `SMEMBERS key` (cached), e.g. into `HashSet<String>`.
    pub async fn smembers<T: FromFrame>(&self, key: impl ToArg) -> Result<T> {
        self.read_key("SMEMBERS", key).await
    }

    /// `SISMEMBER key member` (cached).
    pub async fn sismember(&self, key: impl ToArg, member: impl ToArg) -> Result<bool> {
        self.read(Read::with("SISMEMBER", key.to_arg(), vec![member.to_arg()])).await
    }

    /// `SCARD key` (cached).
    pub async fn scard(&self, key: impl ToArg) -> Result<i64> {
        self.read_key("SCARD", key).await
    }
}
