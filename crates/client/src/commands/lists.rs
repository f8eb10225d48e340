//! List commands.

use super::{to_args, ToArgs};
use crate::cache::Read;
use crate::cmd::Cmd;
use crate::error::Result;
use crate::value::{FromFrame, ToArg};
use crate::Client;

impl Client {
    /// `LPUSH key value...`: the new length.
    pub async fn lpush(&self, key: impl ToArg, values: impl ToArgs) -> Result<i64> {
        self.query(Cmd::new("LPUSH").arg(key).args(to_args(values))).await
    }

    /// `RPUSH key value...`: the new length.
    pub async fn rpush(&self, key: impl ToArg, values: impl ToArgs) -> Result<i64> {
        self.query(Cmd::new("RPUSH").arg(key).args(to_args(values))).await
    }

    /// `LPOP key` (`Option<T>`).
    pub async fn lpop<T: FromFrame>(&self, key: impl ToArg) -> Result<T> {
        self.query(Cmd::new("LPOP").arg(key)).await
    }

    /// `RPOP key` (`Option<T>`).
    pub async fn rpop<T: FromFrame>(&self, key: impl ToArg) -> Result<T> {
        self.query(Cmd::new("RPOP").arg(key)).await
    }

    /// `LRANGE key start stop` (cached).
    pub async fn lrange<T: FromFrame>(&self, key: impl ToArg, start: i64, stop: i64) -> Result<T> {
        self.read(Read::with("LRANGE", key.to_arg(), vec![start.to_arg(), stop.to_arg()])).await
    }

    /// `LLEN key` (cached).
    pub async fn llen(&self, key: impl ToArg) -> Result<i64> {
        self.read_key("LLEN", key).await
    }

    /// `LINDEX key index` (cached).
    pub async fn lindex<T: FromFrame>(&self, key: impl ToArg, index: i64) -> Result<T> {
        self.read(Read::with("LINDEX", key.to_arg(), vec![index.to_arg()])).await
    }

    /// `LTRIM key start stop`.
    pub async fn ltrim(&self, key: impl ToArg, start: i64, stop: i64) -> Result<()> {
        self.query(Cmd::new("LTRIM").arg(key).arg(start).arg(stop)).await
    }
}
