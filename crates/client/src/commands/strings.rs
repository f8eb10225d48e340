//! String commands: `GET`/`SET` and options, `MGET`/`MSET`, counters.

use std::time::Duration;

use super::{to_args, ToArgs};
use crate::cache::Read;
use crate::cmd::Cmd;
use crate::error::Result;
use crate::value::{FromFrame, ToArg};
use crate::Client;

/// Expiry for [`SetOptions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// `EX seconds` (whole seconds of the duration).
    Ex(Duration),
    /// `PX milliseconds`.
    Px(Duration),
    /// `EXAT unix-seconds`.
    ExAt(u64),
    /// `PXAT unix-milliseconds`.
    PxAt(u64),
    /// `KEEPTTL`: keep the key's current TTL.
    KeepTtl,
}

/// `NX` / `XX` for [`SetOptions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetCondition {
    /// `NX`: only if the key does not exist.
    Nx,
    /// `XX`: only if it exists.
    Xx,
}

/// Options of `SET`, for [`Client::set_with`].
///
/// ```
/// use std::time::Duration;
/// use hearth::{Expiry, SetCondition, SetOptions};
///
/// let opts = SetOptions::default().expiry(Expiry::Px(Duration::from_millis(1500))).condition(SetCondition::Nx);
/// assert_eq!(opts.condition, Some(SetCondition::Nx));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetOptions {
    /// Expiry, if any.
    pub expiry: Option<Expiry>,
    /// Condition, if any.
    pub condition: Option<SetCondition>,
    /// `GET`: return the old value.
    pub get: bool,
}

impl SetOptions {
    /// Sets the expiry.
    pub fn expiry(mut self, e: Expiry) -> Self {
        self.expiry = Some(e);
        self
    }

    /// Sets the condition.
    pub fn condition(mut self, c: SetCondition) -> Self {
        self.condition = Some(c);
        self
    }

    /// Asks for the old value.
    pub fn get(mut self) -> Self {
        self.get = true;
        self
    }

    fn apply(self, mut c: Cmd) -> Cmd {
        c = match self.condition {
            Some(SetCondition::Nx) => c.arg("NX"),
            Some(SetCondition::Xx) => c.arg("XX"),
            None => c,
        };
        if self.get {
            c = c.arg("GET");
        }
        match self.expiry {
            Some(Expiry::Ex(d)) => c.arg("EX").arg(d.as_secs()),
            Some(Expiry::Px(d)) => c.arg("PX").arg(d.as_millis() as u64),
            Some(Expiry::ExAt(t)) => c.arg("EXAT").arg(t),
            Some(Expiry::PxAt(t)) => c.arg("PXAT").arg(t),
            Some(Expiry::KeepTtl) => c.arg("KEEPTTL"),
            None => c,
        }
    }
}

impl Client {
    /// `GET key` (cached). `Option<T>` for a key that may be missing.
    ///
    /// ```no_run
    /// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
    /// let v: Option<String> = client.get("k").await?;
    /// # Ok(()) }
    /// ```
    pub async fn get<T: FromFrame>(&self, key: impl ToArg) -> Result<T> {
        self.read_key("GET", key).await
    }

    /// `SET key value`.
    pub async fn set(&self, key: impl ToArg, value: impl ToArg) -> Result<()> {
        self.query(Cmd::new("SET").arg(key).arg(value)).await
    }

    /// `SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT|KEEPTTL]`. Read the
    /// reply as `bool` (was it set?) or, with `GET`, as `Option<T>` (the old
    /// value).
    ///
    /// ```no_run
    /// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
    /// use hearth::{SetCondition, SetOptions};
    /// let created: bool = client.set_with("lock", "me", SetOptions::default().condition(SetCondition::Nx)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_with<T: FromFrame>(&self, key: impl ToArg, value: impl ToArg, opts: SetOptions) -> Result<T> {
        self.query(opts.apply(Cmd::new("SET").arg(key).arg(value))).await
    }

    /// `SET key value PX ttl`.
    pub async fn set_ex(&self, key: impl ToArg, value: impl ToArg, ttl: Duration) -> Result<()> {
        self.query(Cmd::new("SET").arg(key).arg(value).arg("PX").arg(ttl.as_millis() as u64)).await
    }

    /// `SETNX key value`: whether it was set.
    pub async fn set_nx(&self, key: impl ToArg, value: impl ToArg) -> Result<bool> {
        self.query(Cmd::new("SETNX").arg(key).arg(value)).await
    }

    /// `MGET key...` (each key cached separately, as `GET key`).
    ///
    /// ```no_run
    /// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
    /// let v: Vec<Option<String>> = client.mget(["a", "b"]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn mget<T: FromFrame>(&self, keys: impl ToArgs) -> Result<Vec<T>> {
        let keys = to_args(keys);
        if self.inner.cache.is_none() {
            return self.query(Cmd::new("MGET").args(keys)).await;
        }
        let reads = keys.into_iter().map(|k| Read::new("GET", k)).collect();
        self.read_many(reads).await?.into_iter().map(T::from_frame).collect()
    }

    /// `MSET key value [key value ...]`.
    pub async fn mset<K: ToArg, V: ToArg>(&self, pairs: &[(K, V)]) -> Result<()> {
        let mut c = Cmd::new("MSET");
        for (k, v) in pairs {
            c = c.arg(k).arg(v);
        }
        self.query(c).await
    }

    /// `INCR key`.
    pub async fn incr(&self, key: impl ToArg) -> Result<i64> {
        self.query(Cmd::new("INCR").arg(key)).await
    }

    /// `INCRBY key delta`.
    pub async fn incr_by(&self, key: impl ToArg, delta: i64) -> Result<i64> {
        self.query(Cmd::new("INCRBY").arg(key).arg(delta)).await
    }

    /// `DECR key`.
    pub async fn decr(&self, key: impl ToArg) -> Result<i64> {
        self.query(Cmd::new("DECR").arg(key)).await
    }

    /// `DECRBY key delta`.
    pub async fn decr_by(&self, key: impl ToArg, delta: i64) -> Result<i64> {
        self.query(Cmd::new("DECRBY").arg(key).arg(delta)).await
    }

    /// `INCRBYFLOAT key delta`.
    pub async fn incr_by_float(&self, key: impl ToArg, delta: f64) -> Result<f64> {
        self.query(Cmd::new("INCRBYFLOAT").arg(key).arg(delta)).await
    }

    /// `APPEND key value`: the new length.
    pub async fn append(&self, key: impl ToArg, value: impl ToArg) -> Result<i64> {
        self.query(Cmd::new("APPEND").arg(key).arg(value)).await
    }

    /// `STRLEN key` (cached).
    pub async fn strlen(&self, key: impl ToArg) -> Result<i64> {
        self.read_key("STRLEN", key).await
    }

    /// `GETDEL key`.
    pub async fn getdel<T: FromFrame>(&self, key: impl ToArg) -> Result<T> {
        self.query(Cmd::new("GETDEL").arg(key)).await
    }

    /// `GETRANGE key start end` (cached).
    pub async fn getrange<T: FromFrame>(&self, key: impl ToArg, start: i64, end: i64) -> Result<T> {
        let extra = vec![start.to_arg(), end.to_arg()];
        self.read(Read::with("GETRANGE", key.to_arg(), extra)).await
    }
}
