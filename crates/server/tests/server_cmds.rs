//! Server commands: INFO CONFIG COMMAND TIME DEBUG LASTSAVE SLOWLOG
//! FUNCTION, and stopping the process with SHUTDOWN or SIGTERM.

mod common;

use std::time::{Duration, Instant};

use common::{arr, bulk, cmd, err, info_field, int, ok, Frame, Raw, Server};
use redis::Value;

/// `# Section` headers of an INFO reply, in order.
fn info_sections(text: &str) -> Vec<String> {
    text.split("\r\n").filter_map(|l| l.strip_prefix("# ")).map(str::to_string).collect()
}

/// A CONFIG GET reply (RESP2 flat array) as (name, value) pairs.
fn config_pairs(reply: &Frame) -> Vec<(String, String)> {
    reply.items().chunks(2).map(|p| (p[0].text(), p[1].text())).collect()
}

fn config_get(c: &mut Raw, name: &str) -> String {
    let pairs = config_pairs(&c.cmd(&["CONFIG", "GET", name]));
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    pairs[0].1.clone()
}

// -- INFO ---------------------------------------------------------------------------

#[test]
fn info_default_sections_and_fields() {
    let s = Server::new();
    let mut c = s.raw();
    let reply = c.cmd(&["INFO"]);
    assert!(matches!(reply, Frame::Bulk(_)), "{reply:?}");
    let text = reply.text();
    let sections = info_sections(&text);
    for name in ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Keyspace"] {
        assert!(sections.iter().any(|s| s == name), "no # {name}: {sections:?}");
    }
    let field = |name: &str| info_field(&text, name).unwrap_or_else(|| panic!("no {name}"));
    assert_eq!(field("redis_mode"), "standalone");
    assert_eq!(field("role"), "master");
    assert_eq!(field("tcp_port"), s.port().to_string());
    assert_eq!(field("process_id"), s.pid().to_string());
    assert!(field("connected_clients").parse::<u64>().unwrap() >= 1);
    assert!(field("used_memory").parse::<u64>().unwrap() > 0);
    assert!(text.ends_with("\r\n"));
}

#[test]
fn info_server_reports_redis_7_4_compatibility_and_hearth_version() {
    let s = Server::new();
    let text = s.raw().cmd(&["INFO", "server"]).text();
    assert_eq!(info_sections(&text), ["Server"]);
    if !s.is_reference() {
        assert_eq!(info_field(&text, "redis_version").as_deref(), Some("7.4.0"));
        let hearth = info_field(&text, "hearth_version").expect("hearth_version");
        assert!(hearth.chars().next().is_some_and(|c| c.is_ascii_digit()), "{hearth}");
    }
}

#[test]
fn info_selects_one_or_several_sections() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(info_sections(&c.cmd(&["INFO", "SERVER", "clients"]).text()), ["Server", "Clients"]);
    assert_eq!(c.cmd(&["INFO", "nosuchsection"]), bulk(""));
    c.cmd(&["SET", "a", "1"]);
    let all = c.cmd(&["INFO", "all"]).text();
    assert!(info_sections(&all).iter().any(|s| s == "Commandstats"));
    assert!(all.contains("\r\ncmdstat_set:calls=1,usec="), "{all}");
}

#[test]
fn info_keyspace_lists_each_non_empty_db() {
    let s = Server::new();
    let mut c = s.raw();
    c.cmd(&["SET", "a", "1"]);
    c.cmd(&["SET", "b", "2", "EX", "1000"]);
    c.cmd(&["SELECT", "3"]);
    c.cmd(&["SET", "c", "1"]);
    let text = c.cmd(&["INFO", "keyspace"]).text();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| l.starts_with("db")).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("db0:keys=2,expires=1,avg_ttl="), "{text}");
    assert!(lines[1].starts_with("db3:keys=1,expires=0,avg_ttl=0"), "{text}");
    if !s.is_reference() {
        assert!(lines[1].ends_with(",subexpiry=0"), "7.4 format: {text}");
    }
}

#[test]
fn info_is_a_verbatim_string_in_resp3() {
    let s = Server::new();
    let reply = s.raw3().cmd(&["INFO", "server"]);
    let Frame::Verbatim(format, text) = &reply else { panic!("{reply:?}") };
    assert_eq!(format, "txt");
    assert!(text.starts_with(b"# Server\r\n"));
    let mut con = s.con3();
    let v: Value = cmd(&["INFO", "server"]).query(&mut con).unwrap();
    assert!(matches!(&v, Value::VerbatimString { text, .. } if text.starts_with("# Server")), "{v:?}");
    let mut con2 = s.con2();
    let v: Value = cmd(&["INFO", "server"]).query(&mut con2).unwrap();
    assert!(matches!(v, Value::BulkString(_)), "{v:?}");
}

#[test]
fn info_stats_count_keyspace_hits_and_misses_since_resetstat() {
    let s = Server::new();
    let mut c = s.raw();
    c.cmd(&["GET", "missing"]);
    assert_eq!(c.cmd(&["CONFIG", "RESETSTAT"]), ok());
    c.cmd(&["SET", "a", "1"]);
    c.cmd(&["GET", "a"]);
    c.cmd(&["GET", "a"]);
    c.cmd(&["GET", "missing"]);
    let text = c.cmd(&["INFO", "stats"]).text();
    assert_eq!(info_field(&text, "keyspace_hits").as_deref(), Some("2"));
    assert_eq!(info_field(&text, "keyspace_misses").as_deref(), Some("1"));
}

// -- CONFIG ---------------------------------------------------------------------------

#[test]
fn config_get_is_a_flat_array_in_resp2_and_a_map_in_resp3() {
    let s = Server::new();
    assert_eq!(s.raw().cmd(&["CONFIG", "GET", "maxmemory"]), arr(vec![bulk("maxmemory"), bulk("0")]));
    assert_eq!(s.raw3().cmd(&["CONFIG", "GET", "maxmemory"]), Frame::Map(vec![(bulk("maxmemory"), bulk("0"))]));
    let mut con = s.con3();
    let v: Value = cmd(&["CONFIG", "GET", "timeout"]).query(&mut con).unwrap();
    assert_eq!(v, Value::Map(vec![(Value::BulkString(b"timeout".to_vec()), Value::BulkString(b"0".to_vec()))]));
}

#[test]
fn config_get_accepts_globs_and_several_names() {
    let s = Server::new();
    let mut c = s.raw();
    let pairs = config_pairs(&c.cmd(&["CONFIG", "GET", "maxmemory*"]));
    let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    for name in ["maxmemory", "maxmemory-policy", "maxmemory-samples"] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert!(names.iter().all(|n| n.starts_with("maxmemory")), "{names:?}");
    assert_eq!(c.cmd(&["CONFIG", "GET", "nope"]), arr(vec![]));
    let mut pairs = config_pairs(&c.cmd(&["CONFIG", "GET", "maxmemory", "timeout"]));
    pairs.sort();
    assert_eq!(pairs, [("maxmemory".to_string(), "0".to_string()), ("timeout".to_string(), "0".to_string())]);
    assert_eq!(config_get(&mut c, "databases"), "16");
}

#[test]
fn config_get_port_reports_the_listening_port() {
    let s = Server::new();
    let mut c = s.raw();
    let info = c.cmd(&["INFO", "server"]).text();
    assert_eq!(info_field(&info, "tcp_port"), Some(s.port().to_string()));
    assert_eq!(config_get(&mut c, "port"), s.port().to_string());
}

#[test]
fn config_set_takes_several_pairs_and_memory_units() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["CONFIG", "SET", "maxmemory", "10mb", "timeout", "5"]), ok());
    assert_eq!(config_get(&mut c, "maxmemory"), "10485760");
    assert_eq!(config_get(&mut c, "timeout"), "5");
    for (value, expected) in
        [("1gb", "1073741824"), ("100mb", "104857600"), ("1k", "1000"), ("1kb", "1024"), ("0", "0")]
    {
        assert_eq!(c.cmd(&["CONFIG", "SET", "maxmemory", value]), ok());
        assert_eq!(config_get(&mut c, "maxmemory"), expected, "{value}");
    }
}

#[test]
fn config_set_is_atomic() {
    let s = Server::new();
    let mut c = s.raw();
    let reply = c.cmd(&["CONFIG", "SET", "maxmemory", "1mb", "timeout", "-1"]);
    assert!(matches!(reply, Frame::Error(_)), "{reply:?}");
    assert_eq!(config_get(&mut c, "maxmemory"), "0");
}

#[test]
fn config_set_errors_name_the_argument() {
    let s = Server::new();
    let mut c = s.raw();
    let failed = common::config_set_failed;
    let cases: [(&[&str], Frame); 6] = [
        (&["maxmemory", "abc"], failed("maxmemory", "argument must be a memory value")),
        (&["timeout", "-1"], failed("timeout", "argument must be between 0 and 2147483647 inclusive")),
        (
            &["maxmemory-policy", "foo"],
            failed(
                "maxmemory-policy",
                "argument(s) must be one of the following: volatile-lru, volatile-lfu, \
                 volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, \
                 noeviction",
            ),
        ),
        (&["databases", "4"], failed("databases", "can't set immutable config")),
        (&["maxmemory", "1", "maxmemory", "2"], failed("maxmemory", "duplicate parameter")),
        (&["nope", "1"], err("ERR Unknown option or number of arguments for CONFIG SET - 'nope'")),
    ];
    for (args, expected) in cases {
        let mut full = vec!["CONFIG", "SET"];
        full.extend_from_slice(args);
        assert_eq!(c.cmd(&full), expected, "{args:?}");
    }
}

#[test]
fn busy_poll_is_set_at_startup_and_off_at_zero() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(config_get(&mut c, "busy-poll-us"), "50");
    assert_eq!(
        c.cmd(&["CONFIG", "SET", "busy-poll-us", "0"]),
        common::config_set_failed("busy-poll-us", "can't set immutable config")
    );
    let off = Server::start(&["--busy-poll-us", "0"]);
    let mut c = off.raw();
    assert_eq!(config_get(&mut c, "busy-poll-us"), "0");
    for i in 0..100 {
        let n = i.to_string();
        assert_eq!(c.cmd(&["ECHO", &n]), bulk(&n));
    }
}

#[test]
fn config_subcommand_errors() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["CONFIG", "FOO"]), err("ERR unknown subcommand 'FOO'. Try CONFIG HELP."));
    assert_eq!(c.cmd(&["CONFIG", "GET"]), err("ERR wrong number of arguments for 'config|get' command"));
    assert_eq!(c.cmd(&["CONFIG", "SET", "maxmemory"]), err("ERR wrong number of arguments for 'config|set' command"));
}

#[test]
fn config_set_notify_keyspace_events_kea_reads_back_as_ake() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["CONFIG", "SET", "notify-keyspace-events", "KEA"]), ok());
    assert_eq!(config_get(&mut c, "notify-keyspace-events"), "AKE");
}

// -- COMMAND --------------------------------------------------------------------------

#[test]
fn command_count_list_and_table_agree() {
    let s = Server::new();
    let mut c = s.raw();
    let count = c.cmd(&["COMMAND", "COUNT"]).int();
    assert!(count > 50, "{count}");
    let names: Vec<String> = c.cmd(&["COMMAND", "LIST"]).items().iter().map(Frame::text).collect();
    let top: Vec<&String> = names.iter().filter(|n| !n.contains('|')).collect();
    assert_eq!(top.len() as i64, count);
    for name in ["get", "set", "del", "multi", "exec", "subscribe", "publish", "config", "client"] {
        assert!(names.iter().any(|n| n == name), "{name} missing");
    }
}

#[test]
fn command_without_arguments_describes_every_command() {
    let s = Server::new();
    let mut c = s.raw();
    let count = c.cmd(&["COMMAND", "COUNT"]).int();
    let table = c.cmd(&["COMMAND"]);
    assert!(matches!(table, Frame::Array(_)), "{table:?}");
    assert_eq!(table.items().len() as i64, count);
}

#[test]
fn command_info_reports_arity_flags_and_key_positions() {
    let s = Server::new();
    let mut c = s.raw();
    let reply = c.cmd(&["COMMAND", "INFO", "get", "mset"]);
    let items = reply.items();
    assert_eq!(items.len(), 2);
    let get = items[0].items();
    assert_eq!(get[0], bulk("get"));
    assert_eq!(get[1], int(2));
    let flags: Vec<String> = get[2].items().iter().map(Frame::text).collect();
    assert!(flags.contains(&"readonly".to_string()), "{flags:?}");
    assert_eq!(&get[3..6], &[int(1), int(1), int(1)]);
    let mset = items[1].items();
    assert_eq!(mset[1], int(-3));
    assert_eq!(&mset[3..6], &[int(1), int(-1), int(2)]);
}

#[test]
fn command_info_for_an_unknown_command_is_a_null_bulk() {
    let s = Server::new();
    assert_eq!(s.raw().cmd(&["COMMAND", "INFO", "get", "nope"]).items()[1], Frame::NullBulk);
    assert_eq!(s.raw3().cmd(&["COMMAND", "INFO", "nope"]), arr(vec![Frame::Null]));
}

#[test]
fn command_getkeys_and_docs() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"]), arr(vec![bulk("a"), bulk("b")]));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "nope", "a"]), err("ERR Invalid command specified"));
    let Frame::Map(docs) = s.raw3().cmd(&["COMMAND", "DOCS", "get"]) else {
        panic!("COMMAND DOCS over RESP3 must be a map")
    };
    assert_eq!(docs[0].0, bulk("get"));
}

// -- TIME DEBUG LASTSAVE SLOWLOG FUNCTION ------------------------------------------------

#[test]
fn time_returns_seconds_and_microseconds_as_bulk_strings() {
    let s = Server::new();
    let reply = s.raw().cmd(&["TIME"]);
    let items = reply.items();
    assert_eq!(items.len(), 2);
    let secs: i64 = items[0].text().parse().unwrap();
    let micros: i64 = items[1].text().parse().unwrap();
    assert!((secs - common::unix_now()).abs() < 5);
    assert!((0..1_000_000).contains(&micros));
}

#[test]
fn debug_sleep_blocks_for_the_given_time() {
    let s = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = s.raw();
    assert_eq!(c.cmd(&["DEBUG", "SLEEP", "0"]), ok());
    let started = Instant::now();
    assert_eq!(c.cmd(&["DEBUG", "SLEEP", "0.2"]), ok());
    assert!(started.elapsed() >= Duration::from_millis(190));
}

#[test]
fn debug_is_refused_unless_enabled() {
    let s = Server::new();
    let Frame::Error(text) = s.raw().cmd(&["DEBUG", "SLEEP", "0"]) else { panic!("DEBUG must be refused by default") };
    assert!(text.starts_with("ERR DEBUG command not allowed."), "{text}");
}

#[test]
fn lastsave_is_a_past_unix_time() {
    let s = Server::new();
    let when = s.raw().cmd(&["LASTSAVE"]).int();
    assert!(when <= common::unix_now() + 1);
}

#[test]
fn slowlog_records_commands_over_the_threshold() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["SLOWLOG", "RESET"]), ok());
    assert_eq!(c.cmd(&["SLOWLOG", "LEN"]), int(0));
    assert_eq!(c.cmd(&["SLOWLOG", "GET"]), arr(vec![]));
    c.cmd(&["CONFIG", "SET", "slowlog-log-slower-than", "0"]);
    c.cmd(&["CLIENT", "SETNAME", "slowpoke"]);
    c.cmd(&["SET", "a", "1"]);
    c.cmd(&["CONFIG", "SET", "slowlog-log-slower-than", "-1"]);
    assert!(c.cmd(&["SLOWLOG", "LEN"]).int() >= 2);
    let entries = c.cmd(&["SLOWLOG", "GET", "10"]);
    let set = entries
        .items()
        .iter()
        .find(|e| e.items()[3].items()[0].text().eq_ignore_ascii_case("set"))
        .expect("the SET was logged");
    let fields = set.items();
    assert_eq!(fields.len(), 6);
    assert!((fields[1].int() - common::unix_now()).abs() < 10);
    assert_eq!(fields[3], arr(vec![bulk("SET"), bulk("a"), bulk("1")]));
    assert_eq!(fields[4], bulk(c.local_addr().to_string()));
    assert_eq!(fields[5], bulk("slowpoke"));
    assert_eq!(c.cmd(&["SLOWLOG", "GET", "1"]).items().len(), 1);
    assert_eq!(c.cmd(&["SLOWLOG", "RESET"]), ok());
    assert_eq!(c.cmd(&["SLOWLOG", "LEN"]), int(0));
}

#[test]
fn function_list_is_empty() {
    let s = Server::new();
    assert_eq!(s.raw().cmd(&["FUNCTION", "LIST"]), arr(vec![]));
}

// -- SHUTDOWN / SIGTERM ---------------------------------------------------------------

#[test]
fn shutdown_stops_the_process_without_a_reply() {
    for args in [&["SHUTDOWN"][..], &["SHUTDOWN", "NOSAVE"]] {
        let mut s = Server::new();
        let mut c = s.raw();
        c.cmd(&["SET", "k", "v"]);
        c.send_cmd(args);
        assert!(c.wait_closed(Duration::from_secs(10)), "{args:?} must close the connection");
        assert_eq!(c.take_buffered(), b"", "{args:?} sends no reply on success");
        let status =
            s.wait_exit(Duration::from_secs(10)).unwrap_or_else(|| panic!("{args:?}: the process is still running"));
        assert!(status.success(), "{args:?}: {status}");
        assert!(std::net::TcpStream::connect(s.addr()).is_err(), "the port still accepts connections");
    }
}

#[test]
fn shutdown_abort_without_a_shutdown_in_progress_is_an_error() {
    let s = Server::new();
    assert_eq!(s.raw().cmd(&["SHUTDOWN", "ABORT"]), err("ERR No shutdown in progress."));
}

#[test]
fn sigterm_stops_the_process_gracefully() {
    let mut s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["SET", "k", "v"]), ok());
    let started = Instant::now();
    let status = s.stop();
    assert!(status.success(), "exit status after SIGTERM: {status}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let log = s.log().to_lowercase();
    assert!(log.contains("sigterm"), "{log}");
    assert!(log.contains("ready to exit"), "{log}");
    assert!(c.wait_closed(Duration::from_secs(5)), "clients are disconnected");
}
