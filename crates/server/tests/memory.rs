//! INFO memory's allocator figures, MEMORY MALLOC-STATS / PURGE, and
//! active defragmentation, over TCP against a real server.

mod common;

use common::{info_field, ok, Frame, Server};

/// INFO memory as name -> integer (ratios are skipped).
fn memory(c: &mut common::Raw) -> impl Fn(&str) -> i64 {
    let text = c.cmd(&["INFO", "memory"]).text();
    move |name: &str| {
        let v = info_field(&text, name).unwrap_or_else(|| panic!("INFO memory has no {name}:\n{text}"));
        v.parse::<i64>().unwrap_or_else(|_| panic!("{name}:{v} is not an integer"))
    }
}

#[test]
fn info_memory_reports_redis_allocator_fields_that_add_up() {
    let s = Server::new();
    let mut c = s.raw();
    let m = memory(&mut c);
    let (allocated, active, resident) = (m("allocator_allocated"), m("allocator_active"), m("allocator_resident"));
    assert!(0 < allocated && allocated <= active && active <= resident, "{allocated} {active} {resident}");
    assert_eq!(m("allocator_frag_bytes"), active - allocated);
    assert_eq!(m("allocator_rss_bytes"), resident - active);
    assert_eq!(m("mem_fragmentation_bytes"), m("used_memory_rss") - m("used_memory"));
    let text = c.cmd(&["INFO", "memory"]).text();
    for ratio in ["allocator_frag_ratio", "allocator_rss_ratio", "rss_overhead_ratio", "mem_fragmentation_ratio"] {
        let v = info_field(&text, ratio).unwrap_or_else(|| panic!("no {ratio}"));
        assert!(v.parse::<f64>().is_ok_and(|r| r > 0.0), "{ratio}:{v}");
    }
}

#[test]
fn used_memory_peak_keeps_the_high_mark_after_memory_is_freed() {
    let s = Server::new();
    let mut c = s.raw();
    let big = "x".repeat(8 << 20);
    assert_eq!(c.cmd(&["SET", "big", &big]), ok());
    let high = memory(&mut c)("used_memory");
    assert_eq!(c.cmd(&["DEL", "big"]), common::int(1));
    let m = memory(&mut c);
    assert!(m("used_memory") < high - (4 << 20), "the value was freed");
    assert!(m("used_memory_peak") >= high, "peak {} below the high mark {high}", m("used_memory_peak"));
    let text = c.cmd(&["INFO", "memory"]).text();
    let perc = info_field(&text, "used_memory_peak_perc").expect("used_memory_peak_perc");
    let perc: f64 = perc.trim_end_matches('%').parse().expect("a percentage");
    assert!(perc > 0.0 && perc < 60.0, "used is well below the peak: {perc}%");
    assert!(info_field(&text, "used_memory_peak_human").is_some_and(|h| h.ends_with('M')));
}

#[test]
fn memory_malloc_stats_returns_jemallocs_report_and_purge_is_ok() {
    let s = Server::new();
    let mut c = s.raw();
    let text = c.cmd(&["MEMORY", "MALLOC-STATS"]).text();
    assert!(text.contains("jemalloc statistics"), "{}", &text[..text.len().min(200)]);
    assert_eq!(c.cmd(&["MEMORY", "PURGE"]), ok());
    assert!(matches!(c.cmd(&["MEMORY", "HELP"]), Frame::Array(lines) if lines.len() > 4));
}

#[test]
fn defrag_settings_have_redis_defaults_and_ranges() {
    let s = Server::new();
    let mut c = s.raw();
    let get = |c: &mut common::Raw, name: &str| match c.cmd(&["CONFIG", "GET", name]) {
        Frame::Array(kv) if kv.len() == 2 => kv[1].text(),
        other => panic!("CONFIG GET {name}: {other:?}"),
    };
    let defaults = [
        ("activedefrag", "no"),
        ("active-defrag-ignore-bytes", "104857600"),
        ("active-defrag-threshold-lower", "10"),
        ("active-defrag-threshold-upper", "100"),
        ("active-defrag-cycle-min", "1"),
        ("active-defrag-cycle-max", "25"),
        ("active-defrag-max-scan-fields", "1000"),
    ];
    for (name, value) in defaults {
        assert_eq!(get(&mut c, name), value, "{name}");
    }
    let cases = [
        ("activedefrag", "maybe", "argument must be 'yes' or 'no'"),
        ("active-defrag-ignore-bytes", "0", "argument must be between 1 and 9223372036854775807 inclusive"),
        ("active-defrag-ignore-bytes", "lots", "argument must be a memory value"),
        ("active-defrag-threshold-lower", "1001", "argument must be between 0 and 1000 inclusive"),
        ("active-defrag-threshold-upper", "-1", "argument must be between 0 and 1000 inclusive"),
        ("active-defrag-cycle-min", "0", "argument must be between 1 and 99 inclusive"),
        ("active-defrag-cycle-max", "100", "argument must be between 1 and 99 inclusive"),
        ("active-defrag-max-scan-fields", "0", "argument must be between 1 and 9223372036854775807 inclusive"),
    ];
    for (name, value, why) in cases {
        assert_eq!(c.cmd(&["CONFIG", "SET", name, value]), common::config_set_failed(name, why), "{name} {value}");
    }
    assert_eq!(c.cmd(&["CONFIG", "SET", "activedefrag", "yes", "active-defrag-ignore-bytes", "2mb"]), ok());
    assert_eq!(get(&mut c, "activedefrag"), "yes");
    assert_eq!(get(&mut c, "active-defrag-ignore-bytes"), (2 << 20).to_string());
}

#[test]
fn active_defrag_compacts_sparse_slabs_and_keeps_every_value() {
    let s = Server::start(&["--active-defrag-ignore-bytes", "1mb", "--hz", "50"]);
    if s.is_reference() {
        return; // Debian's redis-server is built without active defrag.
    }
    let mut con = s.con2();
    // 20,000 values in jemalloc's 1280-byte class (16 per slab), then every
    // key but one in ten deleted: ~1,250 slabs hold ~2,000 live values.
    let value = |i: usize| format!("{i:08}").repeat(137);
    let mut pipe = redis::pipe();
    for i in 0..20_000 {
        pipe.cmd("SET").arg(format!("k{i}")).arg(value(i)).ignore();
        if i % 10 == 0 {
            pipe.cmd("PEXPIRE").arg(format!("k{i}")).arg(3_600_000 + i).ignore();
        }
    }
    pipe.query::<()>(&mut con).expect("fill");
    let mut pipe = redis::pipe();
    for i in (0..20_000).filter(|i| i % 10 != 0) {
        pipe.cmd("DEL").arg(format!("k{i}")).ignore();
    }
    pipe.query::<()>(&mut con).expect("delete");
    let mut c = s.raw();
    let frag_before = memory(&mut c)("allocator_frag_bytes");
    assert!(frag_before > 16 << 20, "the deletes should leave >16 MB in sparse slabs: {frag_before}");
    std::thread::sleep(std::time::Duration::from_millis(100));
    let idle = memory(&mut c)("allocator_frag_bytes");
    assert!(idle > frag_before * 9 / 10, "nothing moves while activedefrag is off: {frag_before} -> {idle}");
    assert_eq!(c.cmd(&["CONFIG", "SET", "activedefrag", "yes"]), ok());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let frag_after = loop {
        let m = memory(&mut c);
        if m("active_defrag_running") == 0 && m("allocator_frag_bytes") < frag_before / 4 {
            break m("allocator_frag_bytes");
        }
        assert!(std::time::Instant::now() < deadline, "no compaction in 30 s: {}", m("allocator_frag_bytes"));
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let stats = c.cmd(&["INFO", "stats"]).text();
    let hits: u64 = info_field(&stats, "active_defrag_hits").and_then(|v| v.parse().ok()).expect("hits");
    assert!(hits >= 1000, "{hits} blocks moved to go from {frag_before} to {frag_after} bytes");
    for i in (0..20_000).step_by(10) {
        let k = format!("k{i}");
        let (v, ttl): (String, i64) = redis::pipe().get(&k).pttl(&k).query(&mut con).expect("read");
        assert_eq!(v, value(i), "{k}");
        assert!(ttl > 3_500_000 && ttl <= 3_600_000 + i as i64, "{k} pttl {ttl}");
    }
}

#[test]
fn under_maxmemory_freed_pages_are_returned_to_the_kernel_within_a_tick_or_two() {
    let s = Server::start(&["--maxmemory", "64mb", "--hz", "50"]);
    let mut c = s.raw();
    let value = "v".repeat(200_000);
    for i in 0..100 {
        assert_eq!(c.cmd(&["SET", &format!("big{i}"), &value]), ok());
    }
    assert_eq!(c.cmd(&["FLUSHALL"]), ok());
    // jemalloc alone would keep the 20 MB freed above resident for ~10 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let dirty = memory(&mut c)("allocator_dirty");
        if dirty <= (64 << 20) / 64 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{dirty} bytes of dirty pages after 5 s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
