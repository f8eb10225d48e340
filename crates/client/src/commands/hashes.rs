//! Hash commands. Field reads are cached per field (`HGET k f1` and
//! `HGET k f2` are separate entries dropped together by one invalidation).

use super::{to_args, ToArgs};
use crate::cache::Read;
use crate::cmd::Cmd;
use crate::error::Result;
use crate::value::{FromFrame, ToArg};
use crate::Client;

impl Client {
    /// `HSET key field value`: how many fields were added.
    pub async fn hset(&self, key: impl ToArg, field: impl ToArg, value: impl ToArg) -> Result<i64> {
        self.query(Cmd::new("HSET").arg(key).arg(field).arg(value)).await
    }

    /// `HSET key field value [field value ...]`.
    pub async fn hset_multiple<F: ToArg, V: ToArg>(&self, key: impl ToArg, pairs: &[(F, V)]) -> Result<i64> {
        let mut c = Cmd::new("HSET").arg(key);
        for (f, v) in pairs {
            c = c.arg(f).arg(v);
        }
        self.query(c).await
    }

    /// `HGET key field` (cached).
    pub async fn hget<T: FromFrame>(&self, key: impl ToArg, field: impl ToArg) -> Result<T> {
        self.read(Read::with("HGET", key.to_arg(), vec![field.to_arg()])).await
    }

    /// `HMGET key field...` (cached as one entry).
    pub async fn hmget<T: FromFrame>(&self, key: impl ToArg, fields: impl ToArgs) -> Result<T> {
        self.read(Read::with("HMGET", key.to_arg(), to_args(fields))).await
    }

    /// `HGETALL key` (cached), e.g. into `HashMap<String, String>`.
    ///
    /// ```no_run
    /// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
    /// use std::collections::HashMap;
    /// let user: HashMap<String, String> = client.hgetall("user:1").await?;
    /// # Ok(()) }
    /// ```
    pub async fn hgetall<T: FromFrame>(&self, key: impl ToArg) -> Result<T> {
        self.read_key("HGETALL", key).await
    }

    /// `HDEL key field...`: how many were removed.
    pub async fn hdel(&self, key: impl ToArg, fields: impl ToArgs) -> Result<i64> {
        self.query(Cmd::new("HDEL").arg(key).args(to_args(fields))).await
    }

    /// `HEXISTS key field` (cached).
    pub async fn hexists(&self, key: impl ToArg, field: impl ToArg) -> Result<bool> {
        self.read(Read::with("HEXISTS", key.to_arg(), vec![field.to_arg()])).await
    }

    /// `HLEN key` (cached).
    pub async fn hlen(&self, key: impl ToArg) -> Result<i64> {
        self.read_key("HLEN", key).await
    }

    /// `HKEYS key` (cached).
    pub async fn hkeys<T: FromFrame>(&self, key: impl ToArg) -> Result<T> {
        self.read_key("HKEYS", key).await
    }

    /// `HVALS key` (cached).
    pub async fn hvals<T: FromFrame>(&self, key: impl ToArg) -> Result<T> {
        self.read_key("HVALS", key).await
    }

    /// `HINCRBY key field delta`.
    pub async fn hincr_by(&self, key: impl ToArg, field: impl ToArg, delta: i64) -> Result<i64> {
        self.query(Cmd::new("HINCRBY").arg(key).arg(field).arg(delta)).await
    }
}
