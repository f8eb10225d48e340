//! The table of configuration parameters: Redis names, defaults, parsing
//! and printing. `CONFIG GET/SET/REWRITE`, the config file and the command
//! line all go through this one table.

use super::units::{format_memory, parse_bool, parse_memory};
use super::Config;

/// How a parameter is read and written.
pub struct Param {
    /// Redis name.
    pub name: &'static str,
    /// Another accepted name (Redis keeps old names as aliases).
    pub alias: Option<&'static str>,
    /// Only settable at startup.
    pub immutable: bool,
    /// Current value as `CONFIG GET` prints it.
    pub get: fn(&Config) -> String,
    /// Parses and stores a value; the error is Redis's reason text.
    pub set: fn(&mut Config, &str) -> Result<(), String>,
}

fn int_in(v: &str, min: i64, max: i64) -> Result<i64, String> {
    let n: i64 = v.parse().map_err(|_| "argument couldn't be parsed into an integer".to_string())?;
    if n < min || n > max {
        return Err(format!("argument must be between {min} and {max} inclusive"));
    }
    Ok(n)
}

fn mem_in(v: &str, min: u64, max: u64) -> Result<u64, String> {
    let n = parse_memory(v).ok_or_else(|| "argument must be a memory value".to_string())?;
    if n < min || n > max {
        return Err(format!("argument must be between {min} and {max} inclusive"));
    }
    Ok(n)
}

fn one_of(v: &str, options: &[&'static str]) -> Result<&'static str, String> {
    options
        .iter()
        .find(|o| o.eq_ignore_ascii_case(v))
        .copied()
        .ok_or_else(|| format!("argument(s) must be one of the following: {}", options.join(", ")))
}

macro_rules! int_param {
    ($name:literal, $field:ident, $min:expr, $max:expr) => {
        int_param!($name, $field, $min, $max, false)
    };
    ($name:literal, $field:ident, $min:expr, $max:expr, $imm:expr) => {
        int_param!($name, None, $field, $min, $max, $imm)
    };
    // With the older name Redis still accepts (`*-ziplist-*`).
    ($name:literal, alias $alias:literal, $field:ident, $min:expr, $max:expr) => {
        int_param!($name, Some($alias), $field, $min, $max, false)
    };
    ($name:literal, $alias:expr, $field:ident, $min:expr, $max:expr, $imm:expr) => {
        Param {
            name: $name,
            alias: $alias,
            immutable: $imm,
            get: |c| c.$field.to_string(),
            set: |c, v| {
                c.$field = int_in(v, $min, $max)? as _;
                Ok(())
            },
        }
    };
}

macro_rules! mem_param {
    ($name:literal, $field:ident, $max:expr) => {
        mem_param!($name, $field, 0, $max)
    };
    ($name:literal, $field:ident, $min:expr, $max:expr) => {
        Param {
            name: $name,
            alias: None,
            immutable: false,
            get: |c| c.$field.to_string(),
            set: |c, v| {
                c.$field = mem_in(v, $min, $max)?;
                Ok(())
            },
        }
    };
}

macro_rules! bool_param {
    ($name:literal, $field:ident) => {
        Param {
            name: $name,
            alias: None,
            immutable: false,
            get: |c| if c.$field { "yes" } else { "no" }.to_string(),
            set: |c, v| {
                c.$field = parse_bool(v).ok_or_else(|| "argument must be 'yes' or 'no'".to_string())?;
                Ok(())
            },
        }
    };
}

macro_rules! str_param {
    ($name:literal, $field:ident) => {
        str_param!($name, $field, false)
    };
    ($name:literal, $field:ident, $imm:expr) => {
        Param {
            name: $name,
            alias: None,
            immutable: $imm,
            get: |c| c.$field.clone(),
            set: |c, v| {
                c.$field = v.to_string();
                Ok(())
            },
        }
    };
}

macro_rules! enum_param {
    ($name:literal, $field:ident, $options:expr) => {
        Param {
            name: $name,
            alias: None,
            immutable: false,
            get: |c| c.$field.to_string(),
            set: |c, v| {
                c.$field = one_of(v, $options)?;
                Ok(())
            },
        }
    };
}

/// The eviction policies `maxmemory-policy` accepts.
pub const MAXMEMORY_POLICIES: &[&str] = &[
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
];

/// Hearth's own policies, accepted beside Redis's (the error text for a bad
/// value lists Redis's, as clients expect).
pub const HEARTH_POLICIES: &[&str] = &["allkeys-s3fifo", "volatile-s3fifo"];

const I32: i64 = i32::MAX as i64;

/// Every parameter Hearth knows.
pub fn params() -> &'static [Param] {
    static PARAMS: std::sync::OnceLock<Vec<Param>> = std::sync::OnceLock::new();
    PARAMS.get_or_init(|| {
        vec![
            int_param!("port", port, 0, 65535, true),
            Param {
                name: "bind",
                alias: None,
                immutable: true,
                get: |c| c.bind.join(" "),
                set: |c, v| {
                    c.bind = v.split_whitespace().map(str::to_string).collect();
                    Ok(())
                },
            },
            bool_param!("protected-mode", protected_mode),
            int_param!("databases", databases, 1, I32, true),
            str_param!("requirepass", requirepass),
            int_param!("maxclients", maxclients, 1, I32),
            int_param!("timeout", timeout, 0, I32),
            int_param!("tcp-keepalive", tcp_keepalive, 0, I32),
            int_param!("tcp-backlog", tcp_backlog, 0, I32, true),
            mem_param!("proto-max-bulk-len", proto_max_bulk_len, i64::MAX as u64),
            mem_param!("client-query-buffer-limit", client_query_buffer_limit, i64::MAX as u64),
            Param {
                name: "client-output-buffer-limit",
                alias: None,
                immutable: false,
                get: |c| c.output_limits.to_string(),
                set: |c, v| c.output_limits.apply(v),
            },
            mem_param!("maxmemory", maxmemory, i64::MAX as u64),
            Param {
                name: "maxmemory-policy",
                alias: None,
                immutable: false,
                get: |c| c.maxmemory_policy.to_string(),
                set: |c, v| {
                    c.maxmemory_policy = one_of(v, MAXMEMORY_POLICIES)
                        .or_else(|e| HEARTH_POLICIES.iter().find(|p| p.eq_ignore_ascii_case(v)).copied().ok_or(e))?;
                    Ok(())
                },
            },
            int_param!("maxmemory-samples", maxmemory_samples, 1, 64),
            int_param!("maxmemory-eviction-tenacity", maxmemory_eviction_tenacity, 0, 100),
            int_param!("lfu-log-factor", lfu_log_factor, 0, I32),
            int_param!("lfu-decay-time", lfu_decay_time, 0, I32),
            int_param!("hz", hz, 1, 500),
            int_param!("io-threads", io_threads, 1, 128, true),
            int_param!("busy-poll-us", busy_poll_us, 0, 10_000, true),
            str_param!("save", save),
            bool_param!("appendonly", appendonly),
            str_param!("dir", dir),
            str_param!("dbfilename", dbfilename),
            Param {
                name: "notify-keyspace-events",
                alias: None,
                immutable: false,
                get: |c| c.notify_keyspace_events.clone(),
                set: |c, v| {
                    let flags = crate::notify::parse_flags(v)
                        .ok_or_else(|| "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".to_string())?;
                    c.notify_keyspace_events = crate::notify::flags_to_string(flags);
                    Ok(())
                },
            },
            int_param!("slowlog-log-slower-than", slowlog_log_slower_than, -1, i64::MAX),
            int_param!("slowlog-max-len", slowlog_max_len, 0, I32),
            int_param!("latency-monitor-threshold", latency_monitor_threshold, 0, i64::MAX),
            enum_param!("loglevel", loglevel, &["debug", "verbose", "notice", "warning", "nothing"]),
            str_param!("logfile", logfile, true),
            enum_param!("daemonize", daemonize, &["no"]),
            enum_param!("enable-debug-command", enable_debug_command, &["no", "yes", "local"]),
            int_param!("list-max-listpack-size", alias "list-max-ziplist-size", list_max_listpack_size, i32::MIN as i64, I32),
            int_param!("hash-max-listpack-entries", alias "hash-max-ziplist-entries", hash_max_listpack_entries, 0, i64::MAX),
            int_param!("hash-max-listpack-value", alias "hash-max-ziplist-value", hash_max_listpack_value, 0, i64::MAX),
            int_param!("set-max-intset-entries", set_max_intset_entries, 0, i64::MAX),
            int_param!("set-max-listpack-entries", set_max_listpack_entries, 0, i64::MAX),
            int_param!("set-max-listpack-value", set_max_listpack_value, 0, i64::MAX),
            int_param!("zset-max-listpack-entries", alias "zset-max-ziplist-entries", zset_max_listpack_entries, 0, i64::MAX),
            int_param!("zset-max-listpack-value", alias "zset-max-ziplist-value", zset_max_listpack_value, 0, i64::MAX),
            int_param!("tracking-table-max-keys", tracking_table_max_keys, 0, i64::MAX),
            mem_param!("hll-sparse-max-bytes", hll_sparse_max_bytes, i64::MAX as u64),
            bool_param!("lazyfree-lazy-user-flush", lazyfree_lazy_user_flush),
            // Redis's names and ranges (config.c).
            bool_param!("activedefrag", activedefrag),
            mem_param!("active-defrag-ignore-bytes", active_defrag_ignore_bytes, 1, i64::MAX as u64),
            int_param!("active-defrag-threshold-lower", active_defrag_threshold_lower, 0, 1000),
            int_param!("active-defrag-threshold-upper", active_defrag_threshold_upper, 0, 1000),
            int_param!("active-defrag-cycle-min", active_defrag_cycle_min, 1, 99),
            int_param!("active-defrag-cycle-max", active_defrag_cycle_max, 1, 99),
            int_param!("active-defrag-max-scan-fields", active_defrag_max_scan_fields, 1, i64::MAX),
            Param {
                name: "maxmemory-clients",
                alias: None,
                immutable: false,
                get: |c| c.maxmemory_clients.to_string(),
                set: |c, v| {
                    c.maxmemory_clients = mem_in(v, 0, i64::MAX as u64)?;
                    Ok(())
                },
            },
        ]
    })
}

/// Finds a parameter by name or alias (case-insensitive).
pub fn find(name: &str) -> Option<&'static Param> {
    params().iter().find(|p| p.name.eq_ignore_ascii_case(name) || p.alias.is_some_and(|a| a.eq_ignore_ascii_case(name)))
}

/// Memory parameters print as plain byte counts in CONFIG GET; this is the
/// human form used when rewriting a config file.
pub fn rewrite_value(p: &Param, c: &Config) -> String {
    let v = (p.get)(c);
    match p.name {
        "maxmemory" | "proto-max-bulk-len" | "client-query-buffer-limit" | "active-defrag-ignore-bytes" => {
            v.parse::<u64>().map(format_memory).unwrap_or(v)
        }
        _ => v,
    }
}
