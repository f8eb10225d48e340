//! Process structure: one acceptor, N worker threads each running a
//! current-thread tokio runtime (connections stay on their worker for
//! life), one cron thread (active expiry, idle timeouts, active defrag), and graceful
//! shutdown on SIGTERM/SIGINT/SHUTDOWN.

use std::net::{SocketAddr, TcpListener as StdListener};
use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::busy_poll::BusyPoll;
use super::defrag::DefragSettings;
use super::Shared;
use crate::allocator::AllocatorStats;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::keyspace::expire::ExpireCycle;
use crate::log;

/// A started server.
pub struct RunningServer {
    /// Shared state.
    pub shared: &'static Shared,
    /// Address bound.
    pub addr: SocketAddr,
    threads: Vec<JoinHandle<()>>,
}

impl RunningServer {
    /// Blocks until every thread has stopped.
    pub fn join(self) {
        for t in self.threads {
            let _ = t.join();
        }
    }
}

const PROTECTED_MODE_DENIED: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

fn bind(config: &Config) -> std::io::Result<StdListener> {
    let addrs: Vec<String> = config
        .bind
        .iter()
        .filter(|b| !b.starts_with('-'))
        .map(|b| if b == "*" { "0.0.0.0".to_string() } else { b.clone() })
        .collect();
    let host = addrs.first().cloned().unwrap_or_else(|| "127.0.0.1".into());
    let listener = StdListener::bind((host.as_str(), config.port)).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("Could not create server TCP listening socket {host}:{}: {e}", config.port),
        )
    })?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Starts the server with the system clock; returns once it accepts connections.
pub fn start(config: Config) -> anyhow::Result<RunningServer> {
    start_with_clock(config, Arc::new(SystemClock::default()))
}

/// Starts the server with a given clock.
pub fn start_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<RunningServer> {
    let listener = bind(&config)?;
    let addr = listener.local_addr()?;
    let workers = config.io_threads.max(1);
    let mut config = config;
    // `--port 0` binds an ephemeral port; CONFIG GET port reports the real one.
    config.port = addr.port();
    let shared: &'static Shared = Box::leak(Box::new(Shared::new(config, clock)));
    shared.port.store(addr.port(), Ordering::Relaxed);
    let flags = crate::notify::parse_flags(&shared.config.read().notify_keyspace_events).unwrap_or(0);
    crate::notify::install(&shared.pubsub, flags);
    let max_keys = shared.config.read().tracking_table_max_keys.max(0) as usize;
    crate::tracking::Tracking::install(&shared.clients, max_keys);
    log::notice(&format!("Running mode=standalone, port={}.", addr.port()));

    let mut threads = Vec::new();
    let mut senders = Vec::new();
    for i in 0..workers {
        let (tx, rx) = mpsc::unbounded_channel::<Accepted>();
        senders.push(tx);
        threads.push(std::thread::Builder::new().name(format!("hearth-worker-{i}")).spawn(move || worker(shared, rx))?);
    }
    threads.push(std::thread::Builder::new().name("hearth-cron".into()).spawn(move || cron(shared))?);
    threads.push(
        std::thread::Builder::new()
            .name("hearth-accept".into())
            .spawn(move || accept_loop(shared, listener, senders))?,
    );
    log::notice("Server initialized");
    log::notice("Ready to accept connections tcp");
    Ok(RunningServer { shared, addr, threads })
}

/// Starts the server and blocks until it shuts down.
pub fn run(config: Config) -> anyhow::Result<()> {
    let server = start(config)?;
    server.join();
    log::notice("Hearth is now ready to exit, bye bye...");
    Ok(())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime builds")
}

/// A connection handed from the acceptor to a worker.
type Accepted = (std::net::TcpStream, Arc<crate::conn::client::ClientHandle>);

fn worker(shared: &'static Shared, mut rx: mpsc::UnboundedReceiver<Accepted>) {
    let budget = Duration::from_micros(shared.config.read().busy_poll_us);
    let busy = BusyPoll::new(budget).map(Arc::new);
    let mut builder = tokio::runtime::Builder::new_current_thread();
    builder.enable_all();
    if let Some(busy) = busy.clone() {
        builder.on_thread_park(move || busy.spin());
    }
    let rt = builder.build().expect("tokio runtime builds");
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async move {
        while let Some((stream, handle)) = rx.recv().await {
            // Re-register the socket with this worker's reactor.
            match TcpStream::from_std(stream) {
                Ok(stream) => {
                    if let Some(busy) = &busy {
                        busy.watch(stream.as_raw_fd());
                    }
                    tokio::task::spawn_local(crate::conn::serve(shared, stream, handle));
                }
                Err(_) => shared.clients.remove(handle.id),
            }
        }
        // Channel closed: shutting down. Give connections a moment to flush.
        tokio::time::sleep(Duration::from_millis(50)).await;
    });
}

fn accept_loop(shared: &'static Shared, listener: StdListener, senders: Vec<mpsc::UnboundedSender<Accepted>>) {
    let rt = runtime();
    rt.block_on(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                log::warning(&format!("cannot listen: {e}"));
                return;
            }
        };
        let mut next = 0usize;
        let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, peer)) = accepted else { continue };
                    let local = stream.local_addr().unwrap_or(peer);
                    if let Some(stream) = admit(shared, stream, peer).await.and_then(|s| s.into_std().ok()) {
                        let handle = crate::conn::register(shared, peer, local);
                        let _ = senders[next % senders.len()].send((stream, handle));
                        super::busy_poll::poke();
                        next += 1;
                    }
                }
                _ = shared.shutdown_notify.notified() => break,
                _ = async { sigterm.as_mut()?.recv().await }, if sigterm.is_some() => {
                    log::warning("Received SIGTERM scheduling shutdown...");
                    break;
                }
                _ = async { sigint.as_mut()?.recv().await }, if sigint.is_some() => {
                    log::warning("Received SIGINT scheduling shutdown...");
                    break;
                }
            }
            if shared.shutting_down.load(Ordering::SeqCst) {
                break;
            }
        }
        log::warning("User requested shutdown...");
        shared.request_shutdown();
        drop(senders);
    });
}

/// Applies maxclients and protected mode to a new connection.
async fn admit(shared: &'static Shared, mut stream: TcpStream, peer: SocketAddr) -> Option<TcpStream> {
    use tokio::io::AsyncWriteExt;
    let (maxclients, protected) = {
        let c = shared.config.read();
        (c.maxclients, c.protected_mode && c.requirepass.is_empty())
    };
    if shared.clients.len() as u64 >= maxclients {
        crate::server::stats::Stats::incr(&shared.stats.rejected_connections);
        let _ = stream.write_all(b"-ERR max number of clients reached\r\n").await;
        return None;
    }
    if protected && !peer.ip().is_loopback() {
        let _ = stream.write_all(PROTECTED_MODE_DENIED.as_bytes()).await;
        return None;
    }
    Some(stream)
}

/// Under maxmemory, dirty pages (memory freed but kept resident by jemalloc
/// for reuse, up to its 10 s decay) are returned by the cron thread once
/// they exceed 1/64 of maxmemory: they count in RSS and not in used_memory.
/// A shorter decay would purge inline on the workers instead, which halved
/// the soak's throughput for 50-200 KB values (`bench/results`).
const DIRTY_SHARE: usize = 64;

fn cron(shared: &'static Shared) {
    let mut cycle = ExpireCycle::default();
    while !shared.shutting_down.load(Ordering::SeqCst) {
        let (hz, timeout, defrag, maxmemory) = {
            let c = shared.config.read();
            (c.hz.max(1), c.timeout, DefragSettings::of(&c), c.maxmemory as usize)
        };
        let tick = Duration::from_millis(1000 / hz);
        shared.clock.resync();
        if shared.active_expire.load(Ordering::Relaxed) {
            crate::tracking::set_current_client(0);
            cycle.run(&shared.keyspace, shared.clock.now_ms(), tick / 4);
            crate::tracking::flush_broadcasts();
        }
        if let Some(t) = crate::tracking::get() {
            t.sweep_dead();
        }
        let allocator = AllocatorStats::read();
        shared.gauge.calibrate(allocator.used());
        shared.stats.note_used_memory(allocator.used() as u64);
        shared.defrag.tick(&shared.keyspace, &defrag, allocator.allocated, tick);
        // Read after defrag, whose moves empty slabs into dirty pages.
        if maxmemory > 0 && AllocatorStats::read().dirty > maxmemory / DIRTY_SHARE {
            crate::allocator::purge();
        }
        if timeout > 0 {
            let now = shared.clock.now_ms();
            for c in shared.clients.snapshot() {
                let idle = now - c.last_interaction_ms.load(Ordering::Relaxed);
                let exempt = c.info.lock().subs != (0, 0, 0);
                if !exempt && idle > timeout as i64 * 1000 {
                    c.kill();
                }
            }
        }
        std::thread::sleep(tick);
    }
}
