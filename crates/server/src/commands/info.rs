//! INFO [section ...] with Redis's section and field names.

use std::fmt::Write;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::db::live_len;
use super::Ctx;
use crate::allocator::{rss_bytes, AllocatorStats};
use crate::server::{Shared, HEARTH_VERSION, REDIS_VERSION};

const DEFAULT: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "errorstats",
    "cluster",
    "keyspace",
];
const ALL_EXTRA: &[&str] = &["commandstats"];

fn human(n: usize) -> String {
    let f = n as f64;
    if f >= (1u64 << 30) as f64 {
        format!("{:.2}G", f / (1u64 << 30) as f64)
    } else if f >= (1 << 20) as f64 {
        format!("{:.2}M", f / (1 << 20) as f64)
    } else if f >= 1024.0 {
        format!("{:.2}K", f / 1024.0)
    } else {
        format!("{n}B")
    }
}

/// The used_memory figure: the allocator's count of live allocations
/// when it is jemalloc, else the keyspace's own accounting.
pub fn used_memory(shared: &Shared) -> usize {
    match AllocatorStats::read().used() {
        0 => shared.keyspace.used_memory(),
        used => used,
    }
}

/// `a / b` as Redis prints ratios (0 when `b` is 0).
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The `# Memory` section. Field names and their definitions are Redis's
/// (`allocator_frag_*` = active over allocated, `allocator_rss_*` =
/// resident over active, `rss_overhead_*` = RSS over resident,
/// `mem_fragmentation_*` = RSS over used_memory).
fn memory_section(shared: &Shared, cfg: &crate::config::Config, out: &mut String) {
    let a = AllocatorStats::read();
    let rss = rss_bytes();
    let used = if a.used() > 0 { a.used() } else { shared.keyspace.used_memory() };
    let dataset = shared.keyspace.used_memory();
    let peak = shared.stats.note_used_memory(used as u64) as usize;
    let signed = |x: usize, y: usize| x as i64 - y as i64;
    let _ = write!(
        out,
        "# Memory\r\nused_memory:{used}\r\nused_memory_human:{}\r\nused_memory_rss:{rss}\r\nused_memory_rss_human:{}\r\nused_memory_peak:{peak}\r\nused_memory_peak_human:{}\r\nused_memory_peak_perc:{:.2}%\r\nused_memory_dataset:{dataset}\r\nallocator_allocated:{}\r\nallocator_active:{}\r\nallocator_resident:{}\r\nallocator_muzzy:{}\r\nallocator_dirty:{}\r\nallocator_metadata:{}\r\nallocator_retained:{}\r\nallocator_tcache:{}\r\nmaxmemory:{}\r\nmaxmemory_human:{}\r\nmaxmemory_policy:{}\r\nallocator_frag_ratio:{:.2}\r\nallocator_frag_bytes:{}\r\nallocator_rss_ratio:{:.2}\r\nallocator_rss_bytes:{}\r\nrss_overhead_ratio:{:.2}\r\nrss_overhead_bytes:{}\r\nmem_fragmentation_ratio:{:.2}\r\nmem_fragmentation_bytes:{}\r\nmem_clients_normal:{}\r\nmem_allocator:jemalloc-5.3.0\r\nactive_defrag_running:{}\r\nlazyfree_pending_objects:0\r\n",
        human(used),
        human(rss),
        human(peak),
        used as f64 * 100.0 / peak.max(1) as f64,
        a.allocated,
        a.active,
        a.resident,
        a.muzzy,
        a.dirty,
        a.metadata,
        a.retained,
        a.tcache,
        cfg.maxmemory,
        human(cfg.maxmemory as usize),
        cfg.maxmemory_policy,
        ratio(a.active, a.allocated),
        a.frag_bytes(),
        ratio(a.resident, a.active),
        signed(a.resident, a.active),
        ratio(rss, a.resident),
        signed(rss, a.resident),
        ratio(rss, used),
        signed(rss, used),
        crate::keyspace::evict::client_bytes(),
        shared.defrag.running.load(Ordering::Relaxed),
    );
}

fn section(shared: &Shared, name: &str, now: i64, out: &mut String) {
    let cfg = shared.config.read().clone();
    let uptime = (now - shared.start_ms).max(0) / 1000;
    let s = &shared.stats;
    let get = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    match name {
        "server" => {
            let _ = write!(
                out,
                "# Server\r\nredis_version:{REDIS_VERSION}\r\nhearth_version:{HEARTH_VERSION}\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:0\r\nredis_mode:standalone\r\nos:{} {}\r\narch_bits:64\r\nmultiplexing_api:epoll\r\nprocess_id:{}\r\nprocess_supervised:no\r\nrun_id:{}\r\ntcp_port:{}\r\nserver_time_usec:{}\r\nuptime_in_seconds:{uptime}\r\nuptime_in_days:{}\r\nhz:{}\r\nconfigured_hz:{}\r\nlru_clock:{}\r\nexecutable:hearth-server\r\nconfig_file:{}\r\nio_threads_active:{}\r\n",
                std::env::consts::OS,
                std::env::consts::ARCH,
                std::process::id(),
                shared.run_id,
                shared.port.load(Ordering::Relaxed),
                shared.clock.now_us(),
                uptime / 86400,
                cfg.hz,
                cfg.hz,
                crate::clock::lru_clock(now),
                cfg.config_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
                (cfg.io_threads > 1) as u8,
            );
        }
        "clients" => {
            let clients = shared.clients.snapshot();
            let pubsub = clients.iter().filter(|c| c.info.lock().subs != (0, 0, 0)).count();
            let watching = clients.iter().filter(|c| c.info.lock().watch > 0).count();
            let _ = write!(
                out,
                "# Clients\r\nconnected_clients:{}\r\ncluster_connections:0\r\nmaxclients:{}\r\nclient_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\nblocked_clients:{}\r\ntracking_clients:{}\r\npubsub_clients:{pubsub}\r\nwatching_clients:{watching}\r\nclients_in_timeout_table:{}\r\ntotal_watched_keys:{}\r\ntotal_blocking_keys:{}\r\ntotal_blocking_keys_on_nokey:0\r\n",
                clients.len(),
                cfg.maxclients,
                crate::blocking::get().blocked_clients(),
                crate::tracking::get().map_or(0, |t| t.clients.load(Ordering::Relaxed)),
                crate::blocking::get().timed_clients(),
                clients.iter().map(|c| c.info.lock().watch).sum::<usize>(),
                crate::blocking::get().blocking_keys(),
            );
        }
        "memory" => memory_section(shared, &cfg, out),
        "persistence" => {
            let _ = write!(
                out,
                "# Persistence\r\nloading:0\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\nrdb_changes_since_last_save:0\r\nrdb_bgsave_in_progress:0\r\nrdb_last_save_time:{}\r\nrdb_last_bgsave_status:ok\r\naof_enabled:0\r\naof_rewrite_in_progress:0\r\naof_last_bgrewrite_status:ok\r\naof_last_write_status:ok\r\nhearth_persistence:disabled\r\n",
                shared.lastsave.load(Ordering::Relaxed)
            );
        }
        "stats" => {
            let evicted = shared.evictor.evicted.load(Ordering::Relaxed);
            // One block per key: a key's hit or miss is its block's.
            let (defrag_hits, defrag_misses) = (get(&shared.defrag.hits), get(&shared.defrag.misses));
            let tracked = crate::tracking::get().map_or((0, 0, 0), |t| t.totals());
            let expired: u64 = (0..shared.keyspace.databases()).map(|d| shared.keyspace.sum_db(d, |sh| sh.expired_keys() as usize) as u64).sum();
            let _ = write!(
                out,
                "# Stats\r\ntotal_connections_received:{}\r\ntotal_commands_processed:{}\r\ninstantaneous_ops_per_sec:0\r\ntotal_net_input_bytes:{}\r\ntotal_net_output_bytes:{}\r\nrejected_connections:{}\r\nexpired_keys:{expired}\r\nexpired_subkeys:{}\r\nevicted_keys:{evicted}\r\nactive_defrag_hits:{defrag_hits}\r\nactive_defrag_misses:{defrag_misses}\r\nactive_defrag_key_hits:{defrag_hits}\r\nactive_defrag_key_misses:{defrag_misses}\r\nkeyspace_hits:{}\r\nkeyspace_misses:{}\r\npubsub_channels:{}\r\npubsub_patterns:{}\r\npubsub_shardchannels:{}\r\nclient_query_buffer_limit_disconnections:{}\r\nclient_output_buffer_limit_disconnections:{}\r\ntotal_error_replies:{}\r\nunexpected_error_replies:{}\r\ntracking_total_keys:{}\r\ntracking_total_items:{}\r\ntracking_total_prefixes:{}\r\n",
                get(&s.total_connections),
                get(&s.total_commands),
                get(&s.net_input_bytes),
                get(&s.net_output_bytes),
                get(&s.rejected_connections),
                crate::keyspace::hash_expire::EXPIRED_FIELDS.load(Ordering::Relaxed),
                get(&s.keyspace_hits),
                get(&s.keyspace_misses),
                shared.pubsub.names(crate::pubsub::Kind::Channel, None).len(),
                shared.pubsub.pattern_count(),
                shared.pubsub.names(crate::pubsub::Kind::Shard, None).len(),
                get(&s.client_query_limit_disconnections),
                get(&s.client_output_limit_disconnections),
                get(&s.total_error_replies),
                get(&s.unexpected_error_replies),
                tracked.0,
                tracked.1,
                tracked.2,
            );
        }
        "replication" => out.push_str("# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\nmaster_replid:0000000000000000000000000000000000000000\r\nmaster_repl_offset:0\r\nrepl_backlog_active:0\r\n"),
        "cpu" => {
            let (user, sys) = cpu_times();
            let _ = write!(out, "# CPU\r\nused_cpu_sys:{sys:.6}\r\nused_cpu_user:{user:.6}\r\n");
        }
        "modules" => out.push_str("# Modules\r\n"),
        "cluster" => out.push_str("# Cluster\r\ncluster_enabled:0\r\n"),
        "errorstats" => {
            out.push_str("# Errorstats\r\n");
            for (prefix, n) in s.error_counts() {
                let _ = write!(out, "errorstat_{prefix}:count={n}\r\n");
            }
        }
        "commandstats" => {
            out.push_str("# Commandstats\r\n");
            for spec in super::table::all().flat_map(|c| std::iter::once(c).chain(c.subcommands.iter())) {
                let calls = get(&spec.stats.calls);
                if calls == 0 {
                    continue;
                }
                let usec = get(&spec.stats.usec);
                let _ = write!(
                    out,
                    "cmdstat_{}:calls={calls},usec={usec},usec_per_call={:.2},rejected_calls={},failed_calls={}\r\n",
                    spec.full,
                    usec as f64 / calls as f64,
                    get(&spec.stats.rejected),
                    get(&spec.stats.failed)
                );
            }
        }
        "keyspace" => {
            out.push_str("# Keyspace\r\n");
            for db in 0..shared.keyspace.databases() {
                let keys = shared.keyspace.sum_db(db, |sh| live_len(sh, now));
                if keys > 0 {
                    let expires = shared.keyspace.sum_db(db, |sh| sh.expires());
                    let _ = write!(out, "db{db}:keys={keys},expires={expires},avg_ttl=0,subexpiry=0\r\n");
                }
            }
        }
        _ => {}
    }
}

fn cpu_times() -> (f64, f64) {
    // SAFETY: getrusage writes into the zeroed struct we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return (0.0, 0.0);
    }
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    (t(ru.ru_utime), t(ru.ru_stime))
}

/// The INFO text for the requested sections.
pub fn render(shared: &Shared, requested: &[String], now: i64) -> String {
    let mut names: Vec<&str> = Vec::new();
    if requested.is_empty() || requested.iter().any(|r| r == "default") {
        names.extend(DEFAULT);
    }
    if requested.iter().any(|r| r == "all" || r == "everything") {
        names.extend(DEFAULT);
        names.extend(ALL_EXTRA);
    }
    for r in requested {
        if let Some(n) = DEFAULT.iter().chain(ALL_EXTRA).find(|n| *n == r) {
            names.push(n);
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = String::new();
    for n in names.into_iter().filter(|n| seen.insert(*n)) {
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        section(shared, n, now, &mut out);
    }
    out
}

/// INFO [section ...]
pub fn info(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    crate::server::stats::flush_calls();
    let requested: Vec<String> = args.iter().skip(1).map(|a| String::from_utf8_lossy(a).to_ascii_lowercase()).collect();
    let text = render(ctx.shared, &requested, ctx.now);
    Frame::Verbatim { format: *b"txt", text: Bytes::from(text) }
}
