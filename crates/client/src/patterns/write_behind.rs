//! [`WriteBehind`]: write the cache now, the system of record later.
//!
//! `write` sets the key in the cache, then queues the write for the record
//! and returns: that is the acknowledgement. One worker task takes the queue
//! in batches (up to `batch_size`, waiting up to `linger` for a batch to
//! fill), keeps only the last value per key within a batch, and hands the
//! batch to the sink, retrying with exponential backoff. A batch that still
//! fails after `max_retries` is *reported*: counted, and listed in the next
//! [`FlushReport`]. Nothing acknowledged is dropped silently: on `flush`,
//! `shutdown`, or when the handle is dropped, the worker drains the queue.
//!
//! The queue is bounded: when it is full, `write` waits (back-pressure)
//! instead of growing memory without limit.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hashbrown::HashMap;
use parking_lot::Mutex;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::cmd::Cmd;
use crate::error::{Error, Result};
use crate::value::ToArg;
use crate::Client;

type SinkFuture = Pin<Box<dyn Future<Output = std::result::Result<(), String>> + Send>>;
type Sink = Arc<dyn Fn(Vec<(Bytes, Bytes)>) -> SinkFuture + Send + Sync>;

/// Settings of a [`WriteBehind`] queue.
#[derive(Clone, Debug)]
pub struct WriteBehindConfig {
    /// Writes queued at most before `write` waits. Default 10,000.
    pub capacity: usize,
    /// Writes per sink call at most. Default 100.
    pub batch_size: usize,
    /// How long the worker waits for a batch to fill. Default 10 ms.
    pub linger: Duration,
    /// Retries of a failing batch before it is reported failed. Default 5.
    pub max_retries: u32,
    /// First retry delay; doubles each time. Default 50 ms.
    pub retry_backoff: Duration,
    /// TTL of the cached value, if any. Default none.
    pub cache_ttl: Option<Duration>,
}

impl Default for WriteBehindConfig {
    fn default() -> Self {
        WriteBehindConfig {
            capacity: 10_000,
            batch_size: 100,
            linger: Duration::from_millis(10),
            max_retries: 5,
            retry_backoff: Duration::from_millis(50),
            cache_ttl: None,
        }
    }
}

/// A write the record never accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedWrite {
    /// The key.
    pub key: Bytes,
    /// The value.
    pub value: Bytes,
    /// The sink's last error.
    pub error: String,
}

/// What happened to the writes acknowledged before a flush.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlushReport {
    /// Writes the sink accepted since the previous report.
    pub written: u64,
    /// Writes reported failed since the previous report.
    pub failed: Vec<FailedWrite>,
}

/// Running totals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteBehindStats {
    /// Writes acknowledged (queued).
    pub acknowledged: u64,
    /// Writes the sink accepted (including ones superseded by a later write
    /// to the same key in the same batch).
    pub written: u64,
    /// Writes reported failed.
    pub failed: u64,
    /// Sink calls that failed and were retried.
    pub retries: u64,
    /// Sink calls.
    pub batches: u64,
}

enum Item {
    Write(Bytes, Bytes),
    Flush(oneshot::Sender<()>),
}

#[derive(Default)]
struct Shared {
    acknowledged: AtomicU64,
    written: AtomicU64,
    failed: AtomicU64,
    retries: AtomicU64,
    batches: AtomicU64,
    report: Mutex<FlushReport>,
}

/// A write-behind queue in front of a system of record. Dropping it closes
/// the queue; the worker still drains what was acknowledged.
///
/// ```no_run
/// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
/// use hearth::patterns::{WriteBehind, WriteBehindConfig};
///
/// let queue = WriteBehind::new(client, WriteBehindConfig::default(), |batch| async move {
///     // e.g. one multi-row UPSERT into the database
///     println!("persisting {} rows", batch.len());
///     Ok::<(), std::io::Error>(())
/// });
/// queue.write("user:1:score", 42).await?;
/// let report = queue.shutdown().await;
/// assert!(report.failed.is_empty());
/// # Ok(()) }
/// ```
pub struct WriteBehind {
    client: Client,
    ttl: Option<Duration>,
    tx: mpsc::Sender<Item>,
    shared: Arc<Shared>,
    worker: Option<JoinHandle<()>>,
}

impl WriteBehind {
    /// Starts the worker. `sink` persists a batch of `(key, value)` pairs
    /// (already deduplicated per key, in write order) and may be called
    /// again with the same batch after an error.
    pub fn new<F, Fut, E>(client: Client, config: WriteBehindConfig, sink: F) -> WriteBehind
    where
        F: Fn(Vec<(Bytes, Bytes)>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::result::Result<(), E>> + Send + 'static,
        E: std::fmt::Display,
    {
        let sink: Sink = Arc::new(move |batch| {
            let fut = sink(batch);
            Box::pin(async move { fut.await.map_err(|e| e.to_string()) })
        });
        let (tx, rx) = mpsc::channel(config.capacity.max(1));
        let shared = Arc::new(Shared::default());
        let ttl = config.cache_ttl;
        let worker = tokio::spawn(work(rx, sink, config, Arc::clone(&shared)));
        WriteBehind { client, ttl, tx, shared, worker: Some(worker) }
    }

    /// Sets `key` in the cache, then queues it for the record (waiting while
    /// the queue is full). `Ok` is the acknowledgement: from then on the
    /// write is either persisted or reported failed. `Err` means nothing was
    /// acknowledged (the cache could not be written).
    pub async fn write(&self, key: impl ToArg, value: impl ToArg) -> Result<()> {
        let (key, value) = (key.to_arg(), value.to_arg());
        let mut set = Cmd::new("SET").arg(key.clone()).arg(value.clone());
        if let Some(ttl) = self.ttl {
            set = set.arg("PX").arg(ttl.as_millis().max(1) as u64);
        }
        self.client.query::<()>(set).await?;
        self.tx
            .send(Item::Write(key, value))
            .await
            .map_err(|_| Error::InvalidUse("the write-behind worker has stopped".into()))?;
        self.shared.acknowledged.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Waits until every write acknowledged before this call is persisted or
    /// reported failed, and returns what happened since the last report.
    pub async fn flush(&self) -> FlushReport {
        let (done, rx) = oneshot::channel();
        if self.tx.send(Item::Flush(done)).await.is_ok() {
            let _ = rx.await;
        }
        std::mem::take(&mut *self.shared.report.lock())
    }

    /// Flushes and stops the worker.
    pub async fn shutdown(mut self) -> FlushReport {
        let (tx, _) = mpsc::channel(1);
        drop(std::mem::replace(&mut self.tx, tx));
        if let Some(worker) = self.worker.take() {
            let _ = worker.await;
        }
        std::mem::take(&mut *self.shared.report.lock())
    }

    /// Totals since the queue started.
    pub fn stats(&self) -> WriteBehindStats {
        let s = &self.shared;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        WriteBehindStats {
            acknowledged: get(&s.acknowledged),
            written: get(&s.written),
            failed: get(&s.failed),
            retries: get(&s.retries),
            batches: get(&s.batches),
        }
    }
}

async fn work(mut rx: mpsc::Receiver<Item>, sink: Sink, config: WriteBehindConfig, shared: Arc<Shared>) {
    let batch_size = config.batch_size.max(1);
    let mut closed = false;
    while !closed {
        let mut batch: Vec<(Bytes, Bytes)> = Vec::new();
        let mut flushes = Vec::new();
        match rx.recv().await {
            None => break,
            Some(Item::Write(k, v)) => batch.push((k, v)),
            Some(Item::Flush(done)) => flushes.push(done),
        }
        // Fill the batch: whatever is queued, then up to `linger` more,
        // unless a flush is waiting.
        let deadline = tokio::time::Instant::now() + config.linger;
        while batch.len() < batch_size && flushes.is_empty() {
            let next = match rx.try_recv() {
                Ok(item) => Some(item),
                Err(mpsc::error::TryRecvError::Disconnected) => {
                    closed = true;
                    None
                }
                Err(mpsc::error::TryRecvError::Empty) => match tokio::time::timeout_at(deadline, rx.recv()).await {
                    Ok(None) => {
                        closed = true;
                        None
                    }
                    Ok(Some(item)) => Some(item),
                    Err(_) => None,
                },
            };
            match next {
                Some(Item::Write(k, v)) => batch.push((k, v)),
                Some(Item::Flush(done)) => flushes.push(done),
                None => break,
            }
        }
        if !batch.is_empty() {
            persist(batch, &sink, &config, &shared).await;
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

/// Writes one batch with retries; reports it failed when they run out.
async fn persist(batch: Vec<(Bytes, Bytes)>, sink: &Sink, config: &WriteBehindConfig, shared: &Shared) {
    let count = batch.len() as u64;
    let deduped = last_per_key(&batch);
    let mut delay = config.retry_backoff;
    let mut attempt = 0;
    loop {
        shared.batches.fetch_add(1, Ordering::Relaxed);
        match sink(deduped.clone()).await {
            Ok(()) => {
                shared.written.fetch_add(count, Ordering::Relaxed);
                shared.report.lock().written += count;
                return;
            }
            Err(error) if attempt >= config.max_retries => {
                shared.failed.fetch_add(count, Ordering::Relaxed);
                let mut report = shared.report.lock();
                report.failed.extend(batch.into_iter().map(|(key, value)| FailedWrite {
                    key,
                    value,
                    error: error.clone(),
                }));
                return;
            }
            Err(_) => {
                attempt += 1;
                shared.retries.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(delay).await;
                delay = delay.saturating_mul(2);
            }
        }
    }
}

/// The last value of each key, in the order of each key's last write.
fn last_per_key(batch: &[(Bytes, Bytes)]) -> Vec<(Bytes, Bytes)> {
    let mut last: HashMap<&Bytes, usize> = HashMap::with_capacity(batch.len());
    for (i, (k, _)) in batch.iter().enumerate() {
        last.insert(k, i);
    }
    batch.iter().enumerate().filter(|(i, (k, _))| last[k] == *i).map(|(_, kv)| kv.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    #[test]
    fn batches_keep_the_last_value_per_key_in_order() {
        let batch = vec![(b("a"), b("1")), (b("b"), b("1")), (b("a"), b("2")), (b("c"), b("1"))];
        assert_eq!(last_per_key(&batch), vec![(b("b"), b("1")), (b("a"), b("2")), (b("c"), b("1"))]);
    }
}
