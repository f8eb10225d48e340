//! Server configuration with Redis's names, units and defaults.
//!
//! Sources, in order: embedded defaults, an optional `redis.conf`-style file
//! (first command-line argument not starting with `--`), then `--name value`
//! arguments. The parameter table in [`params`] is the only place that knows
//! how a name maps to a field.

mod limits;
pub mod params;
mod units;

pub use limits::{ClassLimit, OutputLimits};
pub use units::{parse_bool, parse_memory};

/// Every setting the server reads.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct Config {
    pub port: u16,
    pub bind: Vec<String>,
    pub protected_mode: bool,
    pub databases: usize,
    pub requirepass: String,
    pub maxclients: u64,
    pub timeout: u64,
    pub tcp_keepalive: u64,
    pub tcp_backlog: u64,
    pub proto_max_bulk_len: u64,
    pub client_query_buffer_limit: u64,
    pub output_limits: OutputLimits,
    pub maxmemory: u64,
    pub maxmemory_policy: &'static str,
    pub maxmemory_samples: u64,
    pub maxmemory_eviction_tenacity: u64,
    pub maxmemory_clients: u64,
    pub lfu_log_factor: u64,
    pub lfu_decay_time: u64,
    pub hz: u64,
    pub io_threads: usize,
    /// How long a worker polls its sockets before it sleeps (µs; 0: off).
    pub busy_poll_us: u64,
    pub save: String,
    pub appendonly: bool,
    pub dir: String,
    pub dbfilename: String,
    pub notify_keyspace_events: String,
    pub slowlog_log_slower_than: i64,
    pub slowlog_max_len: u64,
    pub latency_monitor_threshold: i64,
    pub loglevel: &'static str,
    pub logfile: String,
    pub daemonize: &'static str,
    pub enable_debug_command: &'static str,
    pub list_max_listpack_size: i64,
    pub hash_max_listpack_entries: i64,
    pub hash_max_listpack_value: i64,
    pub set_max_intset_entries: i64,
    pub set_max_listpack_entries: i64,
    pub set_max_listpack_value: i64,
    pub zset_max_listpack_entries: i64,
    pub zset_max_listpack_value: i64,
    pub tracking_table_max_keys: i64,
    pub hll_sparse_max_bytes: u64,
    pub lazyfree_lazy_user_flush: bool,
    pub activedefrag: bool,
    pub active_defrag_ignore_bytes: u64,
    pub active_defrag_threshold_lower: u64,
    pub active_defrag_threshold_upper: u64,
    pub active_defrag_cycle_min: u64,
    pub active_defrag_cycle_max: u64,
    pub active_defrag_max_scan_fields: u64,
    /// Path of the config file the server was started with, for CONFIG REWRITE.
    pub config_file: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 6379,
            bind: vec!["127.0.0.1".into()],
            protected_mode: true,
            databases: 16,
            requirepass: String::new(),
            maxclients: 10000,
            timeout: 0,
            tcp_keepalive: 300,
            tcp_backlog: 511,
            proto_max_bulk_len: 512 << 20,
            client_query_buffer_limit: 1 << 30,
            output_limits: OutputLimits::default(),
            maxmemory: 0,
            maxmemory_policy: "noeviction",
            maxmemory_samples: 5,
            maxmemory_eviction_tenacity: 10,
            maxmemory_clients: 0,
            lfu_log_factor: 10,
            lfu_decay_time: 1,
            hz: 10,
            // One core is left to the network stack and co-located clients (as
            // Redis advises for io-threads): on 2 cores, 1 worker measured
            // better at pipeline depth 1 and still ahead of Redis at 16.
            io_threads: std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1)),
            // Spares the client's send a wake-up of a sleeping worker under
            // load (see `server/busy_poll.rs`); costs CPU only right after work.
            busy_poll_us: 50,
            save: String::new(),
            appendonly: false,
            dir: ".".into(),
            dbfilename: "dump.rdb".into(),
            notify_keyspace_events: String::new(),
            slowlog_log_slower_than: 10000,
            slowlog_max_len: 128,
            latency_monitor_threshold: 0,
            loglevel: "notice",
            logfile: String::new(),
            daemonize: "no",
            enable_debug_command: "no",
            list_max_listpack_size: -2,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            set_max_intset_entries: 512,
            set_max_listpack_entries: 128,
            set_max_listpack_value: 64,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            tracking_table_max_keys: 1_000_000,
            hll_sparse_max_bytes: 3000,
            lazyfree_lazy_user_flush: false,
            // Redis's defaults (active defrag off; see server/defrag.rs).
            activedefrag: false,
            active_defrag_ignore_bytes: 100 << 20,
            active_defrag_threshold_lower: 10,
            active_defrag_threshold_upper: 100,
            active_defrag_cycle_min: 1,
            active_defrag_cycle_max: 25,
            active_defrag_max_scan_fields: 1000,
            config_file: None,
        }
    }
}

/// A configuration error at startup.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("Fatal error, can't open config file '{0}': {1}")]
    Io(String, std::io::Error),
    /// A directive was wrong; Redis prints the line and the reason.
    #[error("*** FATAL CONFIG FILE ERROR ***\n>>> '{line}'\n{reason}")]
    Bad {
        /// The offending directive.
        line: String,
        /// Why it was refused.
        reason: String,
    },
}

/// Splits a config line into words, honouring "double" and 'single' quotes.
pub fn split_line(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else {
            return Some(words);
        };
        let mut word = String::new();
        if first == '"' || first == '\'' {
            chars.next();
            loop {
                match chars.next()? {
                    c if c == first => break,
                    '\\' if first == '"' => match chars.next()? {
                        'n' => word.push('\n'),
                        't' => word.push('\t'),
                        'r' => word.push('\r'),
                        c => word.push(c),
                    },
                    c => word.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        words.push(word);
    }
}

impl Config {
    /// Applies one directive (`name value...`), as from a config file line.
    pub fn apply(&mut self, words: &[String]) -> Result<(), String> {
        let (name, values) = words.split_first().ok_or("empty directive")?;
        let param = params::find(name).ok_or_else(|| "Bad directive or wrong number of arguments".to_string())?;
        (param.set)(self, &values.join(" "))
    }

    /// Builds the configuration from command-line arguments (without the
    /// program name): an optional config file path, then `--name value...`.
    pub fn from_args(args: &[String]) -> Result<Config, ConfigError> {
        let mut cfg = Config::default();
        let mut rest = args;
        if let Some(first) = args.first().filter(|a| !a.starts_with("--")) {
            let path = std::path::PathBuf::from(first);
            let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::Io(first.clone(), e))?;
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
                let bad = |reason: String| ConfigError::Bad { line: line.to_string(), reason };
                let words = split_line(line).ok_or_else(|| bad("Unbalanced quotes in configuration line".into()))?;
                cfg.apply(&words).map_err(bad)?;
            }
            cfg.config_file = Some(path);
            rest = &args[1..];
        }
        let mut directives: Vec<Vec<String>> = Vec::new();
        for arg in rest {
            match arg.strip_prefix("--") {
                Some(name) => directives.push(vec![name.to_string()]),
                None => match directives.last_mut() {
                    Some(d) => d.push(arg.clone()),
                    None => {
                        return Err(ConfigError::Bad {
                            line: arg.clone(),
                            reason: "Bad directive or wrong number of arguments".into(),
                        })
                    }
                },
            }
        }
        for d in directives {
            if d.len() == 1 && d[0] == "save" {
                cfg.save.clear();
                continue;
            }
            cfg.apply(&d).map_err(|reason| ConfigError::Bad { line: d.join(" "), reason })?;
        }
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn arguments_override_defaults_with_units() {
        let c = Config::from_args(&args(&["--port", "7000", "--maxmemory", "1gb", "--save", ""])).expect("valid");
        assert_eq!(c.port, 7000);
        assert_eq!(c.maxmemory, 1 << 30);
        assert_eq!(c.databases, 16);
    }

    #[test]
    fn bad_argument_is_reported_with_reason() {
        let err = Config::from_args(&args(&["--maxmemory", "lots"])).expect_err("invalid");
        assert!(err.to_string().contains("argument must be a memory value"), "{err}");
        assert!(Config::from_args(&args(&["--no-such-thing", "1"])).is_err());
    }

    #[test]
    fn config_file_is_read_then_arguments_win() {
        let dir = std::env::temp_dir().join(format!("hearth-conf-{}", std::process::id()));
        std::fs::write(&dir, "# comment\nport 7001\nrequirepass \"s p\"\nmaxmemory-policy allkeys-lru\n")
            .expect("write");
        let c = Config::from_args(&args(&[dir.to_str().expect("utf8"), "--port", "7002"])).expect("valid");
        assert_eq!(c.port, 7002);
        assert_eq!(c.requirepass, "s p");
        assert_eq!(c.maxmemory_policy, "allkeys-lru");
        std::fs::remove_file(dir).ok();
    }
}
