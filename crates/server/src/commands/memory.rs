//! MEMORY MALLOC-STATS / PURGE / HELP: the allocator's own report and its
//! purge, as Redis offers them when built with jemalloc. The figures INFO
//! memory shows come from `crate::allocator`; this module only exposes
//! jemalloc's text and its purge to operators.

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::Ctx;

/// MEMORY HELP
pub fn help(_ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    let lines = [
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "HELP",
        "    Print this help.",
    ];
    crate::reply::help(&lines)
}

/// MEMORY MALLOC-STATS: jemalloc's `malloc_stats_print` text.
pub fn malloc_stats(_ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    let mut text = Vec::new();
    let options = tikv_jemalloc_ctl::stats_print::Options::default();
    if tikv_jemalloc_ctl::stats_print::stats_print(&mut text, options).is_err() {
        text = b"Stats not supported for the current allocator".to_vec();
    }
    Frame::Verbatim { format: *b"txt", text: Bytes::from(text) }
}

/// MEMORY PURGE: returns every arena's dirty pages to the kernel.
pub fn purge(_ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    crate::allocator::purge();
    Frame::ok()
}
