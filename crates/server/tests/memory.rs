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
fn memory_malloc_stats_returns_jemallocs_report_and_purge_is_ok() {
    let s = Server::new();
    let mut c = s.raw();
    let text = c.cmd(&["MEMORY", "MALLOC-STATS"]).text();
    assert!(text.contains("jemalloc statistics"), "{}", &text[..text.len().min(200)]);
    assert_eq!(c.cmd(&["MEMORY", "PURGE"]), ok());
    assert!(matches!(c.cmd(&["MEMORY", "HELP"]), Frame::Array(lines) if lines.len() > 4));
}
