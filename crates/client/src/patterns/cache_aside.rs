//! [`CacheAside`]: read through the cache with single flight; write through
//! it in record-then-cache order.
//!
//! The cache is an optimization: when it cannot be read or written
//! (disconnected, say) the loader's value is still returned. Only loader and
//! record-writer errors reach the caller.

use std::any::Any;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hearth_resp::Frame;
use parking_lot::Mutex;
use rand::Rng;
use std::collections::HashSet;

use super::flight::{Flights, Outcome};
use crate::cmd::Cmd;
use crate::error::Error;
use crate::value::{FromFrame, ToArg};
use crate::Client;

/// Default marker stored for "the loader found nothing" (negative caching).
const ABSENT: &[u8] = b"\0hearth:absent\0";

/// Cache-aside and write-through over one client.
///
/// ```no_run
/// # async fn demo(client: hearth::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use hearth::patterns::CacheAside;
///
/// let users = CacheAside::new(client).negative_ttl(Duration::from_secs(5)).jitter(0.1);
/// let name: Option<String> = users
///     .get_or_load("user:42:name", Duration::from_secs(300), || async {
///         // The slow system of record.
///         Ok::<_, std::io::Error>(Some("Ada".to_string()))
///     })
///     .await
///     .map_err(|e| e.to_string())?;
/// # Ok(()) }
/// ```
pub struct CacheAside {
    client: Client,
    negative_ttl: Option<Duration>,
    jitter: f64,
    absent: Bytes,
    flights: Flights,
    stale_window: Duration,
    refreshing: Arc<Mutex<HashSet<Bytes>>>,
}

/// Why [`CacheAside::set_through`] failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteThroughError<E> {
    /// The system of record refused the write; the cache was not touched.
    #[error("the system of record failed: {0}")]
    Record(E),
    /// The record was written but the cache could not be updated; the key
    /// was deleted from the cache if possible, so it is not left older than
    /// the record for longer than its TTL.
    #[error("the record was written but the cache was not: {0}")]
    Cache(Error),
}

impl CacheAside {
    /// Cache-aside over `client`, without negative caching or jitter.
    pub fn new(client: Client) -> CacheAside {
        CacheAside {
            client,
            negative_ttl: None,
            jitter: 0.0,
            absent: Bytes::from_static(ABSENT),
            flights: Flights::default(),
            stale_window: Duration::ZERO,
            refreshing: Arc::default(),
        }
    }

    /// Remember "not found" for `ttl`, so missing records do not reach the
    /// loader on every read. Off by default.
    pub fn negative_ttl(mut self, ttl: Duration) -> Self {
        self.negative_ttl = Some(ttl);
        self
    }

    /// Shorten each TTL by a random fraction up to `fraction` (0.0..=1.0), so
    /// keys loaded together do not expire together. Default 0.
    pub fn jitter(mut self, fraction: f64) -> Self {
        self.jitter = fraction.clamp(0.0, 1.0);
        self
    }

    /// Stale-while-revalidate for [`CacheAside::get_or_refresh`]: values
    /// are kept `window` past their TTL; a read in that window gets the
    /// stale value at once while one background load refreshes it. Default
    /// zero (off).
    pub fn stale_while_revalidate(mut self, window: Duration) -> Self {
        self.stale_window = window;
        self
    }

    /// The value stored for "not found". Default `"\0hearth:absent\0"`.
    pub fn absent_marker(mut self, marker: impl Into<Bytes>) -> Self {
        self.absent = marker.into();
        self
    }

    /// The client underneath.
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn ttl(&self, ttl: Duration) -> Duration {
        if self.jitter == 0.0 {
            return ttl;
        }
        let cut = rand::thread_rng().gen_range(0.0..=self.jitter);
        ttl.mul_f64(1.0 - cut).max(Duration::from_millis(1))
    }

    /// `Some(outcome)` if the cache answers, `None` on a miss or an error.
    async fn lookup(&self, key: &Bytes) -> Option<Outcome> {
        match self.client.get::<Option<Bytes>>(key.clone()).await {
            Ok(Some(v)) if v == self.absent => Some(Outcome::Absent),
            Ok(Some(v)) => Some(Outcome::Value(v)),
            _ => None,
        }
    }

    async fn store(&self, key: &Bytes, value: Bytes, ttl: Duration) -> Result<(), Error> {
        let ms = ttl.as_millis().max(1) as u64;
        self.client.query(Cmd::new("SET").arg(key.clone()).arg(value).arg("PX").arg(ms)).await
    }

    /// The cached value of `key`, or the loader's, which is then cached for
    /// `ttl` (jittered). Among all tasks missing the same key at the same
    /// time, exactly one calls its loader; the others get its result (value,
    /// absence, or error). `Ok(None)`: the loader found nothing.
    pub async fn get_or_load<V, E, F, Fut>(
        &self,
        key: impl ToArg,
        ttl: Duration,
        loader: F,
    ) -> Result<Option<V>, Arc<E>>
    where
        V: ToArg + FromFrame,
        E: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<V>, E>>,
    {
        let key = key.to_arg();
        if let Some(hit) = self.lookup(&key).await {
            return decode(hit, loader).await;
        }
        let ticket = self.flights.join(&key);
        let mut slot = ticket.flight.slot.lock().await;
        if let Some(done) = slot.clone() {
            // Another task of this flight did the work while we queued.
            drop(slot);
            return decode(done, loader).await;
        }
        // Filled by a flight that ended between our miss and our joining?
        if let Some(hit) = self.lookup(&key).await {
            *slot = Some(hit.clone());
            drop(slot);
            return decode(hit, loader).await;
        }
        match loader().await {
            Ok(Some(v)) => {
                let bytes = v.to_arg();
                let _ = self.store(&key, bytes.clone(), self.ttl(ttl)).await;
                *slot = Some(Outcome::Value(bytes));
                Ok(Some(v))
            }
            Ok(None) => {
                if let Some(neg) = self.negative_ttl {
                    let _ = self.store(&key, self.absent.clone(), self.ttl(neg)).await;
                }
                *slot = Some(Outcome::Absent);
                Ok(None)
            }
            Err(e) => {
                let e = Arc::new(e);
                *slot = Some(Outcome::Failed(Arc::clone(&e) as Arc<dyn Any + Send + Sync>));
                Err(e)
            }
        }
    }

    /// Like [`CacheAside::get_or_load`], with stale-while-revalidate (see
    /// [`CacheAside::stale_while_revalidate`]): a value past its TTL but
    /// within the window is returned at once, and a single background task
    /// (per key, across callers) runs `loader` to refresh it. Misses load
    /// inline with single flight. Costs one extra `PTTL` per cached read.
    pub async fn get_or_refresh<V, E, F, Fut>(
        &self,
        key: impl ToArg,
        ttl: Duration,
        loader: F,
    ) -> Result<Option<V>, Arc<E>>
    where
        V: ToArg + FromFrame + Send + 'static,
        E: Send + Sync + 'static,
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<Option<V>, E>> + Send + 'static,
    {
        let key = key.to_arg();
        let window = self.stale_window;
        let total = ttl + window;
        let probe = self
            .client
            .pipeline()
            .cmd(Cmd::new("GET").arg(key.clone()))
            .cmd(Cmd::new("PTTL").arg(key.clone()))
            .query::<(Option<Bytes>, i64)>()
            .await;
        let (value, pttl) = match probe {
            Ok((Some(v), pttl)) => (v, pttl),
            _ => return self.get_or_load(key, total, loader).await,
        };
        let stale = pttl >= 0 && (pttl as u128) <= window.as_millis();
        if stale && self.refreshing.lock().insert(key.clone()) {
            let (client, refreshing, absent) = (self.client.clone(), Arc::clone(&self.refreshing), self.absent.clone());
            let (negative, fresh_for) = (self.negative_ttl, self.ttl(ttl) + window);
            tokio::spawn(async move {
                let px = |d: Duration| d.as_millis().max(1) as u64;
                let set = |v: Bytes, d: Duration| Cmd::new("SET").arg(key.clone()).arg(v).arg("PX").arg(px(d));
                match loader().await {
                    Ok(Some(v)) => {
                        let _ = client.query::<()>(set(v.to_arg(), fresh_for)).await;
                    }
                    Ok(None) => {
                        let _ = match negative {
                            Some(neg) => client.query::<()>(set(absent, neg)).await,
                            None => client.del(key.clone()).await.map(|_| ()),
                        };
                    }
                    // Keep serving the stale value until it expires.
                    Err(_) => {}
                }
                refreshing.lock().remove(&key);
            });
        }
        let outcome = if value == self.absent { Outcome::Absent } else { Outcome::Value(value) };
        decode(outcome, || async { Ok::<Option<V>, E>(None) }).await
    }

    /// Write-through: `writer` stores `value` in the system of record; only
    /// if it succeeds is the cache set (for `ttl`). Runs in the same per-key
    /// flight as [`CacheAside::get_or_load`], so a load that read the record
    /// before this write cannot overwrite the cache with the older value
    /// afterwards (within this process; across processes prefer deleting
    /// the key, see [`super::Invalidator`]).
    pub async fn set_through<V, E, W, Fut>(
        &self,
        key: impl ToArg,
        value: V,
        ttl: Duration,
        writer: W,
    ) -> Result<(), WriteThroughError<E>>
    where
        V: ToArg,
        W: FnOnce(V) -> Fut,
        Fut: Future<Output = Result<(), E>>,
    {
        let key = key.to_arg();
        let bytes = value.to_arg();
        let ticket = self.flights.join(&key);
        let mut slot = ticket.flight.slot.lock().await;
        // Waiters queued behind this write must not take an outcome from
        // before it.
        *slot = None;
        writer(value).await.map_err(WriteThroughError::Record)?;
        if let Err(e) = self.store(&key, bytes.clone(), self.ttl(ttl)).await {
            let _ = self.client.del(key.clone()).await;
            return Err(WriteThroughError::Cache(e));
        }
        *slot = Some(Outcome::Value(bytes));
        Ok(())
    }
}

/// Turns a flight outcome into this caller's result. An error of another
/// type (a different loader for the same key) cannot be shared: this caller
/// runs its own loader then.
async fn decode<V, E, F, Fut>(outcome: Outcome, loader: F) -> Result<Option<V>, Arc<E>>
where
    V: FromFrame,
    E: Send + Sync + 'static,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Option<V>, E>>,
{
    match outcome {
        Outcome::Value(b) => match V::from_frame(Frame::Bulk(b)) {
            Ok(v) => Ok(Some(v)),
            Err(_) => loader().await.map_err(Arc::new),
        },
        Outcome::Absent => Ok(None),
        Outcome::Failed(e) => match e.downcast::<E>() {
            Ok(e) => Err(e),
            Err(_) => loader().await.map_err(Arc::new),
        },
    }
}
