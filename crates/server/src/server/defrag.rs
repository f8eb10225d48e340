//! The active defrag cycle (Redis's `activedefrag`), run by the cron thread.
//!
//! Each tick it reads how many bytes sit free inside jemalloc's small-bin
//! slabs; when that is at least `active-defrag-ignore-bytes` and
//! `active-defrag-threshold-lower` percent of allocated memory, a pass over
//! the keyspace starts (`keyspace/defrag.rs`), and it runs for a share of
//! each tick that grows with the fragmentation from `active-defrag-cycle-min`
//! (at the lower threshold) to `-cycle-max` percent (at the upper), as in
//! Redis. A pass, once started, runs to its end; then the next tick decides
//! again. The counters are INFO's `active_defrag_*`.
//!
//! Differences from Redis: the cycle runs on the cron thread, beside the
//! workers rather than in between their commands, and takes shard locks per
//! batch of 64 keys; fragmentation is measured on small bins only (Valkey
//! 8.1, Redis 7.4), the part moving blocks can give back.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::allocator::slabs::Bins;
use crate::config::Config;
use crate::keyspace::defrag::{DefragCounts, DefragCursor};
use crate::keyspace::Keyspace;

/// The settings one tick reads (Redis's `active-defrag-*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefragSettings {
    /// `activedefrag`.
    pub enabled: bool,
    /// `active-defrag-ignore-bytes`.
    pub ignore_bytes: u64,
    /// `active-defrag-threshold-lower`, percent.
    pub lower: u64,
    /// `active-defrag-threshold-upper`, percent.
    pub upper: u64,
    /// `active-defrag-cycle-min`, percent of CPU time.
    pub cycle_min: u64,
    /// `active-defrag-cycle-max`, percent of CPU time.
    pub cycle_max: u64,
}

impl DefragSettings {
    /// The settings in `c`.
    pub fn of(c: &Config) -> DefragSettings {
        DefragSettings {
            enabled: c.activedefrag,
            ignore_bytes: c.active_defrag_ignore_bytes,
            lower: c.active_defrag_threshold_lower,
            upper: c.active_defrag_threshold_upper,
            cycle_min: c.active_defrag_cycle_min,
            cycle_max: c.active_defrag_cycle_max,
        }
    }

    /// The CPU share (percent) for `frag_pct` percent of fragmentation and
    /// `frag_bytes` bytes: 0 below the thresholds, else interpolated
    /// between the cycle bounds (Redis's computeDefragCycles).
    pub fn cpu_percent(&self, frag_pct: u64, frag_bytes: u64) -> u64 {
        if !self.enabled || frag_pct < self.lower || frag_bytes < self.ignore_bytes {
            return 0;
        }
        let (lo, hi) = (self.cycle_min.min(self.cycle_max), self.cycle_max.max(self.cycle_min));
        let span = self.upper.saturating_sub(self.lower);
        let cpu = ((frag_pct - self.lower) * (hi - lo)).checked_div(span).map_or(hi, |step| lo + step);
        cpu.clamp(lo, hi)
    }
}

/// Active defrag's state and INFO counters.
#[derive(Default)]
pub struct ActiveDefrag {
    /// Blocks moved (INFO `active_defrag_hits`, `active_defrag_key_hits`).
    pub hits: AtomicU64,
    /// Blocks looked at and left (INFO `active_defrag_misses`,
    /// `active_defrag_key_misses`).
    pub misses: AtomicU64,
    /// CPU percent of the running pass, 0 when none (INFO
    /// `active_defrag_running`).
    pub running: AtomicU64,
    state: Mutex<Option<State>>,
}

struct State {
    bins: Bins,
    cursor: DefragCursor,
}

impl ActiveDefrag {
    /// One cron tick: decides, and moves blocks for the tick's share of
    /// `tick`. `allocated` is jemalloc's figure, read this tick (the stats
    /// epoch is already advanced).
    pub fn tick(&self, ks: &Keyspace, settings: &DefragSettings, allocated: usize, tick: Duration) {
        let mut guard = self.state.lock();
        if !settings.enabled {
            self.running.store(0, Ordering::Relaxed);
            if let Some(state) = guard.as_mut() {
                state.cursor = DefragCursor::default();
            }
            return;
        }
        if guard.is_none() {
            *guard = Bins::new().map(|bins| State { bins, cursor: DefragCursor::default() });
        }
        let Some(state) = guard.as_mut() else { return };
        let frag = state.bins.refresh() as u64;
        let pct = frag * 100 / allocated.max(1) as u64;
        // A pass may grow more aggressive while it runs, never less (Redis).
        let running = self.running.load(Ordering::Relaxed);
        let cpu = settings.cpu_percent(pct, frag).max(running);
        if cpu == 0 {
            return;
        }
        self.running.store(cpu, Ordering::Relaxed);
        let deadline = Instant::now() + tick * cpu as u32 / 100;
        let mut counts = DefragCounts::default();
        let done = ks.defrag_step(&mut state.cursor, &mut state.bins, deadline, &mut counts);
        self.hits.fetch_add(counts.hits, Ordering::Relaxed);
        self.misses.fetch_add(counts.misses, Ordering::Relaxed);
        if done {
            self.running.store(0, Ordering::Relaxed);
        }
    }

    /// Zeroes the counters (CONFIG RESETSTAT).
    pub fn reset_stats(&self) {
        self.hits.store(0, Ordering::Relaxed);
        self.misses.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> DefragSettings {
        DefragSettings::of(&Config { activedefrag: true, ..Config::default() })
    }

    #[test]
    fn cpu_share_follows_redis_interpolation_between_the_thresholds() {
        let s = settings();
        let mb = 1 << 20;
        assert_eq!(s.cpu_percent(55, 200 * mb), 13, "halfway from 10% to 100% -> halfway from 1 to 25");
        assert_eq!(s.cpu_percent(50, 200 * mb), 11, "rounded down as Redis's INTERPOLATE");
        assert_eq!(s.cpu_percent(10, 200 * mb), 1);
        assert_eq!(s.cpu_percent(400, 200 * mb), 25, "capped at cycle-max");
        assert_eq!(s.cpu_percent(9, 200 * mb), 0, "below threshold-lower");
        assert_eq!(s.cpu_percent(50, 99 * mb), 0, "below ignore-bytes");
        assert_eq!(DefragSettings { enabled: false, ..s }.cpu_percent(50, 200 * mb), 0);
        assert_eq!(DefragSettings { lower: 30, upper: 30, ..s }.cpu_percent(30, 200 * mb), 25);
    }

    #[test]
    fn a_tick_with_defrag_off_moves_nothing_and_reports_not_running() {
        let d = ActiveDefrag::default();
        let ks = Keyspace::new(1);
        let off = DefragSettings { enabled: false, ..settings() };
        d.running.store(7, Ordering::Relaxed);
        d.tick(&ks, &off, 1 << 20, Duration::from_millis(100));
        assert_eq!(d.running.load(Ordering::Relaxed), 0);
        assert_eq!(d.hits.load(Ordering::Relaxed), 0);
    }
}
