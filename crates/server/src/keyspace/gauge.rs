//! The memory gauge behind maxmemory decisions.
//!
//! It is cheap enough to read before every command: the shards keep a
//! global count of the bytes their entries use ([`DATA_BYTES`]), the
//! connections one of their read and write buffers ([`CLIENT_BYTES`]), and
//! the cron thread calibrates the sum against the allocator's own figure
//! ten times a second (`base + data * ratio + buffers`), so the estimate
//! follows jemalloc's `allocated` closely without asking jemalloc on the
//! hot path. Buffers are counted live rather than folded into `base`: a
//! pipelined batch holds tens of KB for a moment, and a calibration that
//! caught it would charge it against the keys until the next one.

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};

/// Bytes used by all entries (blocks and collections) and the shards'
/// slot arrays, all shards.
pub static DATA_BYTES: AtomicI64 = AtomicI64::new(0);

/// Bytes of all connections' read and write buffers (INFO
/// `mem_clients_normal`), kept by [`BufferCount`].
pub static CLIENT_BYTES: AtomicI64 = AtomicI64::new(0);

/// One connection's share of [`CLIENT_BYTES`]: set it to the buffers'
/// capacity whenever they may have grown or shrunk; dropping it takes the
/// share back.
#[derive(Debug, Default)]
pub struct BufferCount(usize);

impl BufferCount {
    /// Records that the connection's buffers now hold `bytes`.
    pub fn set(&mut self, bytes: usize) {
        if bytes != self.0 {
            CLIENT_BYTES.fetch_add(bytes as i64 - self.0 as i64, Ordering::Relaxed);
            self.0 = bytes;
        }
    }
}

impl Drop for BufferCount {
    fn drop(&mut self) {
        self.set(0);
    }
}

/// [`CLIENT_BYTES`], never negative.
pub fn client_bytes() -> usize {
    CLIENT_BYTES.load(Ordering::Relaxed).max(0) as usize
}

/// The memory estimate used for maxmemory decisions.
#[derive(Default)]
pub struct Gauge {
    base: AtomicUsize,
    /// The previous calibration's sample of `base`.
    last_sample: AtomicUsize,
    ratio_milli: AtomicU64,
}

impl Gauge {
    /// Current estimate of allocated bytes.
    pub fn used(&self) -> usize {
        self.estimate(data_bytes(), client_bytes())
    }

    /// The estimate for `data` bytes of entries and `clients` of buffers.
    fn estimate(&self, data: usize, clients: usize) -> usize {
        let ratio = self.ratio_milli.load(Ordering::Relaxed).max(1000);
        self.base.load(Ordering::Relaxed) + (data as u64 * ratio / 1000) as usize + clients
    }

    /// Calibrates against the allocator's figure (cron): everything that is
    /// neither entry data nor client buffers is `base` (fixed, taken while
    /// data is small), and the data is scaled by what the allocator really
    /// spends on it.
    pub fn calibrate(&self, allocated: usize) {
        self.calibrate_with(allocated, data_bytes(), client_bytes());
    }

    /// [`Gauge::calibrate`] with the counters given.
    ///
    /// A calibration can land in the middle of a command, while it holds
    /// memory for a moment, and `base` would then charge that against the
    /// keys until the next one: so `base` is the smaller of the last two
    /// samples (a drop is taken at once, a rise once it lasts).
    fn calibrate_with(&self, allocated: usize, data: usize, clients: usize) {
        let allocated = allocated.saturating_sub(clients);
        let base = self.base.load(Ordering::Relaxed);
        if data < (1 << 20) || base == 0 || allocated <= base {
            let sample = allocated.saturating_sub(data);
            let previous = self.last_sample.swap(sample, Ordering::Relaxed);
            self.base.store(if previous == 0 { sample } else { sample.min(previous) }, Ordering::Relaxed);
            self.ratio_milli.store(1000, Ordering::Relaxed);
            return;
        }
        let ratio = ((allocated - base) as u64 * 1000 / data as u64).clamp(1000, 4000);
        self.ratio_milli.store(ratio, Ordering::Relaxed);
    }
}

/// [`DATA_BYTES`], never negative.
fn data_bytes() -> usize {
    DATA_BYTES.load(Ordering::Relaxed).max(0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauge_counts_client_buffers_live_and_ignores_a_one_off_spike() {
        let g = Gauge::default();
        let (data, clients) = (300_000, 64 * 1024);
        g.calibrate_with(500_000 + clients, data, clients);
        assert_eq!(g.estimate(data, clients), 500_000 + clients);
        // A batch's buffers come and go between calibrations: counted as
        // they are, not folded into the base.
        assert_eq!(g.estimate(data, 4 * clients), 500_000 + 4 * clients);
        // A calibration that lands on 40 KB of a command's scratch memory.
        g.calibrate_with(540_000 + clients, data, clients);
        assert_eq!(g.estimate(data, clients), 500_000 + clients, "a one-off spike is not kept");
        // The same rise seen twice lasts (a new connection, a grown table).
        g.calibrate_with(540_000 + clients, data, clients);
        assert_eq!(g.estimate(data, clients), 540_000 + clients);
        g.calibrate_with(450_000 + clients, data, clients);
        assert_eq!(g.estimate(data, clients), 450_000 + clients, "a drop is taken at once");
    }

    #[test]
    fn buffer_count_adds_its_share_and_takes_it_back_when_dropped() {
        // Other tests' connections move the global too: use a share no
        // connection has.
        let share = 1usize << 40;
        let mut count = BufferCount::default();
        count.set(share);
        assert!(client_bytes() >= share);
        count.set(share / 2);
        assert!(client_bytes() >= share / 2 && client_bytes() < share);
        drop(count);
        assert!(client_bytes() < share / 2);
    }
}
