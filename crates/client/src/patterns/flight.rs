//! Per-key flights: the single-flight and per-key ordering primitive of the
//! patterns.
//!
//! A [`Flight`] is an async mutex per key plus the outcome of the work done
//! under it. The first task to take the lock does the work (load, write) and
//! leaves its outcome; tasks that queued behind it take the outcome instead
//! of repeating the work. The entry disappears when its last participant
//! leaves, so the next miss starts a fresh flight.

use std::any::Any;
use std::sync::Arc;

use bytes::Bytes;
use hashbrown::HashMap;
use parking_lot::Mutex;

/// What the task holding a flight produced.
#[derive(Clone)]
pub(crate) enum Outcome {
    /// The value (as stored in the cache).
    Value(Bytes),
    /// The loader found nothing.
    Absent,
    /// The loader failed; the error, type-erased.
    Failed(Arc<dyn Any + Send + Sync>),
}

/// One key's flight.
#[derive(Default)]
pub(crate) struct Flight {
    pub(crate) slot: tokio::sync::Mutex<Option<Outcome>>,
}

/// All flights of one pattern instance.
#[derive(Default)]
pub(crate) struct Flights {
    map: Mutex<HashMap<Bytes, Arc<Flight>>>,
}

/// Membership in a flight; leaving removes the flight once nobody is in it.
pub(crate) struct Ticket<'a> {
    flights: &'a Flights,
    key: Bytes,
    pub(crate) flight: Arc<Flight>,
}

impl Flights {
    /// Joins (or starts) the flight of `key`.
    pub(crate) fn join(&self, key: &Bytes) -> Ticket<'_> {
        let flight = Arc::clone(self.map.lock().entry(key.clone()).or_default());
        Ticket { flights: self, key: key.clone(), flight }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.lock().len()
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut map = self.flights.map.lock();
        // The map's reference and ours: nobody else is in this flight.
        if Arc::strong_count(&self.flight) == 2 {
            map.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn flight_is_removed_when_the_last_member_leaves() {
        let flights = Flights::default();
        let key = Bytes::from_static(b"k");
        let a = flights.join(&key);
        let b = flights.join(&key);
        assert!(Arc::ptr_eq(&a.flight, &b.flight));
        *a.flight.slot.lock().await = Some(Outcome::Absent);
        drop(a);
        assert_eq!(flights.len(), 1);
        assert!(matches!(*b.flight.slot.lock().await, Some(Outcome::Absent)));
        drop(b);
        assert_eq!(flights.len(), 0);
        let c = flights.join(&key);
        assert!(c.flight.slot.lock().await.is_none(), "a new flight starts empty");
    }
}
