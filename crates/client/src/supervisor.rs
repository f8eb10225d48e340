//! The connection supervisor: one task per client that reconnects with
//! exponential backoff and jitter whenever the shared connection dies, and
//! (optionally) health-checks it with `PING` so that a server that vanished
//! without closing the socket is noticed.
//!
//! It holds the client only weakly and ends when the client is dropped.

use std::sync::{Arc, Weak};
use std::time::Duration;

use bytes::BytesMut;
use rand::Rng;
use tokio::sync::oneshot;

use crate::client::{connect_once, Inner};
use crate::cmd::Cmd;
use crate::conn::{Shared, Sink};
use crate::error::Error;

/// Reconnects whenever the current connection dies, until the client is
/// dropped.
pub(crate) async fn supervise(client: Weak<Inner>, mut current: Arc<Shared>) {
    loop {
        let health = client.upgrade().and_then(|inner| inner.config.health_check());
        match health {
            None => current.wait_dead().await,
            Some((interval, timeout)) => {
                tokio::select! {
                    _ = current.wait_dead() => {}
                    _ = health_check(&client, &current, interval, timeout) => current.wait_dead().await,
                }
            }
        }
        let (config, cache) = match client.upgrade() {
            None => return,
            Some(inner) => {
                *inner.slot.write() = None;
                (inner.config.clone(), inner.cache.clone())
            }
        };
        let mut delay = config.reconnect_min;
        loop {
            let attempt = connect_once(&config, cache.as_ref()).await;
            let Some(inner) = client.upgrade() else { return };
            match attempt {
                Ok(conn) => {
                    current = Arc::clone(conn.shared());
                    *inner.last_error.lock() = None;
                    inner.publish(conn);
                    break;
                }
                Err(e) => {
                    *inner.last_error.lock() = Some(e);
                    drop(inner);
                    tokio::time::sleep(jitter(delay)).await;
                    delay = (delay * 2).min(config.reconnect_max);
                }
            }
        }
    }
}

/// Pings the connection every `interval`; fails it when a reply takes
/// longer than `timeout`. Returns when the connection is gone (failed here
/// or elsewhere) or the client is dropped.
async fn health_check(client: &Weak<Inner>, shared: &Arc<Shared>, interval: Duration, timeout: Duration) {
    let mut ping = BytesMut::new();
    Cmd::new("PING").encode(&mut ping);
    let ping = ping.freeze();
    loop {
        tokio::time::sleep(interval).await;
        let conn = match client.upgrade().and_then(|inner| inner.live()) {
            Some(conn) if Arc::ptr_eq(conn.shared(), shared) => conn,
            _ => return,
        };
        let (tx, rx) = oneshot::channel();
        if conn.send(ping.clone(), 1, Sink::Reply(tx)).is_err() {
            return;
        }
        drop(conn);
        if tokio::time::timeout(timeout, rx).await.is_err() {
            shared.fail(Error::Timeout(timeout));
            return;
        }
    }
}

/// `d` scaled by a random factor in [0.5, 1.0], so clients restarted
/// together do not reconnect in lockstep.
fn jitter(d: Duration) -> Duration {
    d.mul_f64(rand::thread_rng().gen_range(0.5..=1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_half_to_full() {
        for _ in 0..100 {
            let d = jitter(Duration::from_millis(100));
            assert!(d >= Duration::from_millis(50) && d <= Duration::from_millis(100));
        }
    }
}
