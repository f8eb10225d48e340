//! Keyspace commands: `DEL`, `EXISTS`, expiry and TTL, `TYPE`, `RENAME`.

use std::time::Duration;

use super::{to_args, ToArgs};
use crate::cache::Read;
use crate::cmd::Cmd;
use crate::error::Result;
use crate::value::ToArg;
use crate::Client;

impl Client {
    /// `DEL key...`: how many existed.
    pub async fn del(&self, keys: impl ToArgs) -> Result<i64> {
        self.query(Cmd::new("DEL").args(to_args(keys))).await
    }

    /// `UNLINK key...`: how many existed.
    pub async fn unlink(&self, keys: impl ToArgs) -> Result<i64> {
        self.query(Cmd::new("UNLINK").args(to_args(keys))).await
    }

    /// `EXISTS key...`: how many exist (a key named twice counts twice).
    pub async fn exists(&self, keys: impl ToArgs) -> Result<i64> {
        let keys = to_args(keys);
        if keys.len() == 1 {
            let key = keys.into_iter().next().expect("one key");
            return self.read(Read::new("EXISTS", key)).await;
        }
        self.query(Cmd::new("EXISTS").args(keys)).await
    }

    /// `PEXPIRE key ms`: whether a TTL was set.
    pub async fn expire(&self, key: impl ToArg, ttl: Duration) -> Result<bool> {
        self.query(Cmd::new("PEXPIRE").arg(key).arg(ttl.as_millis() as u64)).await
    }

    /// `EXPIREAT key unix-seconds`.
    pub async fn expire_at(&self, key: impl ToArg, unix_seconds: i64) -> Result<bool> {
        self.query(Cmd::new("EXPIREAT").arg(key).arg(unix_seconds)).await
    }

    /// `PERSIST key`: whether a TTL was removed.
    pub async fn persist(&self, key: impl ToArg) -> Result<bool> {
        self.query(Cmd::new("PERSIST").arg(key)).await
    }

    /// `TTL key`: seconds left, `-1` without TTL, `-2` without key.
    pub async fn ttl(&self, key: impl ToArg) -> Result<i64> {
        self.query(Cmd::new("TTL").arg(key)).await
    }

    /// `PTTL key`: milliseconds left, `-1` without TTL, `-2` without key.
    pub async fn pttl(&self, key: impl ToArg) -> Result<i64> {
        self.query(Cmd::new("PTTL").arg(key)).await
    }

    /// `TYPE key` (`string`, `list`, ..., `none`).
    pub async fn key_type(&self, key: impl ToArg) -> Result<String> {
        self.query(Cmd::new("TYPE").arg(key)).await
    }

    /// `RENAME key newkey`.
    pub async fn rename(&self, key: impl ToArg, new_key: impl ToArg) -> Result<()> {
        self.query(Cmd::new("RENAME").arg(key).arg(new_key)).await
    }
}
