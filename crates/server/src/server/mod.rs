//! Server-wide state ([`Shared`]) and the process around it: listener,
//! worker threads, the cron thread (active expiry, idle timeouts, active
//! defrag) and graceful shutdown.

pub mod busy_poll;
pub mod defrag;
mod run;
pub mod stats;

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU16, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use hearth_resp::{Args, Frame};
use parking_lot::{Mutex, RwLock};

use crate::clock::Clock;
use crate::config::Config;
use crate::conn::client::{ClientHandle, ClientState};
use crate::conn::registry::ClientRegistry;
use crate::keyspace::evict::{lfu_minutes, Access, EvictParams, Evictor, Gauge, Policy};
use crate::keyspace::Keyspace;
use crate::pubsub::PubSub;
use stats::{SlowLog, Stats};

pub use run::{run, start, RunningServer};

/// The Redis version Hearth reports (clients gate features on it).
pub const REDIS_VERSION: &str = "7.4.0";
/// Hearth's own version.
pub const HEARTH_VERSION: &str = env!("CARGO_PKG_VERSION");

/// `CLIENT PAUSE` state.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pause {
    /// Unix ms until which clients are paused (0 = not paused).
    pub until_ms: i64,
    /// Pause every command (ALL) or only writes (WRITE).
    pub all: bool,
}

/// Eviction settings read on the command path.
#[derive(Debug, Clone, Copy)]
struct MemorySettings {
    policy: Policy,
    samples: usize,
    lfu_decay: u32,
}

/// State shared by every connection and background job.
pub struct Shared {
    /// Settings (CONFIG GET/SET).
    pub config: RwLock<Config>,
    /// The data.
    pub keyspace: Keyspace,
    /// Connected clients.
    pub clients: ClientRegistry,
    /// Pub/sub subscriptions.
    pub pubsub: PubSub,
    /// Counters.
    pub stats: Stats,
    /// The slow log.
    pub slowlog: SlowLog,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Unix ms at startup.
    pub start_ms: i64,
    /// 40 hex characters identifying this run.
    pub run_id: String,
    /// Port actually bound.
    pub port: AtomicU16,
    /// Set when SHUTDOWN or a signal asked the server to stop.
    pub shutting_down: AtomicBool,
    /// Wakes the accept loop for shutdown.
    pub shutdown_notify: tokio::sync::Notify,
    /// DEBUG SET-ACTIVE-EXPIRE.
    pub active_expire: AtomicBool,
    /// CLIENT PAUSE.
    pub pause: Mutex<Pause>,
    /// maxmemory eviction.
    pub evictor: Evictor,
    /// The memory estimate maxmemory is checked against.
    pub gauge: Gauge,
    /// Active defrag (cron) and its INFO counters.
    pub defrag: defrag::ActiveDefrag,
    memory: Mutex<MemorySettings>,
    maxmemory: AtomicU64,
    /// How reads stamp entries, packed for a lock-free read on every
    /// command: mode (0 LRU, 1 LFU, 2 S3-FIFO) | lfu-log-factor << 8 |
    /// lfu-decay-time << 40.
    access_mode: AtomicU64,
    /// Bumped by every CONFIG SET, so connections know to re-read settings.
    pub config_version: AtomicU64,
    /// Mirror of `pause.until_ms`, read on every command without a lock.
    pub pause_until_ms: AtomicI64,
    /// Unix seconds of the last save (startup: persistence is off).
    pub lastsave: AtomicI64,
    monitors: Mutex<Vec<Arc<ClientHandle>>>,
    monitor_count: AtomicUsize,
    slowlog_threshold: AtomicI64,
    slowlog_max: AtomicUsize,
}

impl Shared {
    /// Builds the state for `config`.
    pub fn new(config: Config, clock: Arc<dyn Clock>) -> Shared {
        let now = clock.now_ms();
        let run_id: String = (0..40).map(|_| format!("{:x}", rand::random::<u8>() % 16)).collect();
        let shared = Shared {
            keyspace: Keyspace::new(config.databases),
            config: RwLock::new(config),
            clients: ClientRegistry::default(),
            pubsub: PubSub::default(),
            stats: Stats::default(),
            slowlog: SlowLog::default(),
            clock,
            start_ms: now,
            run_id,
            port: AtomicU16::new(0),
            shutting_down: AtomicBool::new(false),
            shutdown_notify: tokio::sync::Notify::new(),
            active_expire: AtomicBool::new(true),
            pause: Mutex::new(Pause::default()),
            pause_until_ms: AtomicI64::new(0),
            config_version: AtomicU64::new(1),
            evictor: Evictor::default(),
            gauge: Gauge::default(),
            defrag: defrag::ActiveDefrag::default(),
            memory: Mutex::new(MemorySettings { policy: Policy::NoEviction, samples: 5, lfu_decay: 1 }),
            maxmemory: AtomicU64::new(0),
            access_mode: AtomicU64::new(0),
            lastsave: AtomicI64::new(now / 1000),
            monitors: Mutex::new(Vec::new()),
            monitor_count: AtomicUsize::new(0),
            slowlog_threshold: AtomicI64::new(0),
            slowlog_max: AtomicUsize::new(0),
        };
        shared.refresh_hot_config();
        shared
    }

    /// Sets or clears CLIENT PAUSE.
    pub fn set_pause(&self, p: Pause) {
        *self.pause.lock() = p;
        self.pause_until_ms.store(p.until_ms, Ordering::SeqCst);
    }

    /// Copies settings read on every command into atomics.
    pub fn refresh_hot_config(&self) {
        self.config_version.fetch_add(1, Ordering::AcqRel);
        let c = self.config.read();
        let policy = Policy::parse(c.maxmemory_policy);
        {
            let mut m = self.memory.lock();
            if m.policy != policy {
                self.evictor.clear_pool();
            }
            *m = MemorySettings { policy, samples: c.maxmemory_samples as usize, lfu_decay: c.lfu_decay_time as u32 };
        }
        self.maxmemory.store(c.maxmemory, Ordering::Relaxed);
        let mode = if policy.is_s3fifo() {
            2
        } else if policy.is_lfu() {
            1
        } else {
            0
        };
        let factor = (c.lfu_log_factor as u32) as u64;
        let decay = c.lfu_decay_time.min((1 << 24) - 1);
        self.access_mode.store(mode | factor << 8 | decay << 40, Ordering::Relaxed);
        self.slowlog_threshold.store(c.slowlog_log_slower_than, Ordering::Relaxed);
        self.slowlog_max.store(c.slowlog_max_len as usize, Ordering::Relaxed);
        if let Some(t) = crate::tracking::get() {
            t.set_max_keys(c.tracking_table_max_keys.max(0) as usize);
        }
        crate::notify::set_flags(crate::notify::parse_flags(&c.notify_keyspace_events).unwrap_or(0));
    }

    /// (slowlog-log-slower-than, slowlog-max-len).
    pub fn slowlog_settings(&self) -> (i64, usize) {
        (self.slowlog_threshold.load(Ordering::Relaxed), self.slowlog_max.load(Ordering::Relaxed))
    }

    /// How reads stamp entries now (LRU seconds, or LFU counters).
    pub fn access_clock(&self, now_ms: i64) -> Access {
        let packed = self.access_mode.load(Ordering::Relaxed);
        match packed & 0xff {
            2 => Access::S3Fifo,
            1 => Access::Lfu {
                minutes: lfu_minutes(now_ms),
                log_factor: (packed >> 8) as u32,
                decay: (packed >> 40) as u32,
            },
            _ => Access::Lru(crate::clock::lru_clock(now_ms)),
        }
    }

    /// maxmemory: evicts until the estimate is under the limit. Returns
    /// false when the server is still over it (nothing left to evict under
    /// the policy, or `noeviction`): commands that need memory are refused.
    pub fn make_room(&self, now_ms: i64) -> bool {
        let max = self.maxmemory.load(Ordering::Relaxed) as usize;
        if max == 0 || self.gauge.used() <= max {
            return true;
        }
        let m = *self.memory.lock();
        let params = EvictParams { policy: m.policy, samples: m.samples.max(1), now: now_ms, lfu_decay: m.lfu_decay };
        // Bounded work per command, like maxmemory-eviction-tenacity. Running
        // out of budget while still evicting lets the command through (Redis's
        // EVICT_RUNNING); only "nothing left to evict" refuses it.
        for _ in 0..1024 {
            if !self.evictor.evict_one(&self.keyspace, &params) {
                return false;
            }
            if self.gauge.used() <= max {
                return true;
            }
        }
        true
    }

    /// Whether maxmemory is set.
    pub fn has_maxmemory(&self) -> bool {
        self.maxmemory.load(Ordering::Relaxed) > 0
    }

    /// Asks the server to stop.
    pub fn request_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
        self.shutdown_notify.notify_waiters();
        for c in self.clients.snapshot() {
            c.kill();
        }
    }

    /// Whether any MONITOR client is connected.
    pub fn has_monitors(&self) -> bool {
        self.monitor_count.load(Ordering::Relaxed) > 0
    }

    /// Registers a MONITOR client.
    pub fn add_monitor(&self, c: Arc<ClientHandle>) {
        let mut m = self.monitors.lock();
        m.push(c);
        self.monitor_count.store(m.len(), Ordering::Relaxed);
    }

    /// Removes a MONITOR client.
    pub fn remove_monitor(&self, id: u64) {
        let mut m = self.monitors.lock();
        m.retain(|c| c.id != id);
        self.monitor_count.store(m.len(), Ordering::Relaxed);
    }

    /// Sends a command to every MONITOR, formatted like Redis:
    /// `+<unix.micros> [<db> <addr>] "arg" "arg"`.
    pub fn feed_monitors(&self, client: &ClientState, args: Args<'_>) {
        let us = self.clock.now_us();
        let mut line = format!("{}.{:06} [{} {}]", us / 1_000_000, us % 1_000_000, client.db, client.handle.addr);
        for a in args.iter() {
            line.push(' ');
            line.push_str(&crate::commands::args::repr(a));
        }
        let frame = Frame::Simple(Bytes::from(line));
        for m in self.monitors.lock().iter().filter(|m| m.id != client.id()) {
            m.inbox.post(frame.clone(), 64);
        }
    }
}
