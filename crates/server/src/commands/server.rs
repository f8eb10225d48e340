//! Server commands: TIME, LASTSAVE, SHUTDOWN, MONITOR, SLOWLOG, LATENCY,
//! FUNCTION (no functions exist until scripting lands), DEBUG.

use std::sync::atomic::Ordering;

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::args::{is, parse_canonical_i64, parse_f64};
use super::Ctx;
use crate::conn::client::ReplyMode;
use crate::reply::{bulk_int, err, err_owned, SYNTAX};

/// TIME
pub fn time(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    let us = ctx.shared.clock.now_us();
    Frame::Array(vec![bulk_int(us / 1_000_000), bulk_int(us % 1_000_000)])
}

/// LASTSAVE
pub fn lastsave(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    Frame::Integer(ctx.shared.lastsave.load(Ordering::Relaxed))
}

/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: the server stops; like
/// Redis, the caller gets no reply, only the closed connection.
pub fn shutdown(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut abort = false;
    for a in args.iter().skip(1) {
        if is(a, "abort") {
            abort = true;
        } else if !["nosave", "save", "now", "force"].iter().any(|w| is(a, w)) {
            return err(SYNTAX);
        }
    }
    if abort {
        return err("ERR No shutdown in progress.");
    }
    crate::log::warning("User requested shutdown...");
    ctx.client.reply_mode = ReplyMode::Off;
    ctx.client.close_after_reply = true;
    ctx.shared.request_shutdown();
    Frame::ok()
}

/// MONITOR
pub fn monitor(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    if !ctx.client.monitor {
        ctx.client.monitor = true;
        ctx.client.publish_info(|i| i.flags.push('O'));
        ctx.shared.add_monitor(ctx.client.handle.clone());
    }
    Frame::ok()
}

/// SLOWLOG GET [count]
pub fn slowlog_get(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let count = match (args.len() > 2).then(|| parse_canonical_i64(&args[2])) {
        None => Some(10),
        Some(Some(-1)) => None,
        Some(Some(n)) if n >= 0 => Some(n as usize),
        Some(_) => return err("ERR count should be greater than or equal to -1"),
    };
    let entries = ctx.shared.slowlog.get(count);
    Frame::Array(
        entries
            .into_iter()
            .map(|e| {
                Frame::Array(vec![
                    Frame::Integer(e.id as i64),
                    Frame::Integer(e.time),
                    Frame::Integer(e.micros as i64),
                    Frame::Array(e.args.into_iter().map(Frame::Bulk).collect()),
                    Frame::Bulk(Bytes::from(e.addr)),
                    Frame::Bulk(e.name),
                ])
            })
            .collect(),
    )
}

/// SLOWLOG LEN
pub fn slowlog_len(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    Frame::Integer(ctx.shared.slowlog.len() as i64)
}

/// SLOWLOG RESET
pub fn slowlog_reset(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    ctx.shared.slowlog.reset();
    Frame::ok()
}

/// LATENCY LATEST / HISTORY: Hearth records no latency events yet, so the
/// honest answer is an empty list.
pub fn latency_empty(_ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    Frame::Array(Vec::new())
}

/// LATENCY RESET [event ...]
pub fn latency_reset(_ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    Frame::Integer(0)
}

/// LATENCY DOCTOR
pub fn latency_doctor(_ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    Frame::Verbatim {
        format: *b"txt",
        text: Bytes::from_static(b"Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep tonight.\n"),
    }
}

/// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]: no libraries exist.
pub fn function_list(_ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut i = 2;
    while i < args.len() {
        if is(&args[i], "withcode") {
            i += 1;
        } else if is(&args[i], "libraryname") && i + 1 < args.len() {
            i += 2;
        } else {
            return err_owned(format!("ERR Unknown argument {}", String::from_utf8_lossy(&args[i])));
        }
    }
    Frame::Array(Vec::new())
}

/// FUNCTION FLUSH [ASYNC|SYNC]
pub fn function_flush(_ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match args.len() {
        2 => Frame::ok(),
        3 if is(&args[2], "async") || is(&args[2], "sync") => Frame::ok(),
        _ => err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"),
    }
}

const DEBUG_REFUSED: &str = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

/// DEBUG SLEEP|SET-ACTIVE-EXPIRE|OBJECT|HELP
pub fn debug(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let allowed = match ctx.config(|c| c.enable_debug_command) {
        "yes" => true,
        "local" => ctx.client.handle.addr.ip().is_loopback(),
        _ => false,
    };
    if !allowed {
        return err(DEBUG_REFUSED);
    }
    let sub = &args[1];
    if is(sub, "sleep") && args.len() == 3 {
        let Some(secs) = parse_f64(&args[2]) else {
            return err("ERR value is not a valid float");
        };
        // inf or 1e20 s would sleep forever (Redis's conversion is undefined
        // there); refuse instead.
        let Ok(pause) = std::time::Duration::try_from_secs_f64(secs.max(0.0)) else {
            return err("ERR value is out of range");
        };
        // Like Redis, this blocks the thread that runs the connection.
        std::thread::sleep(pause);
        Frame::ok()
    } else if is(sub, "set-active-expire") && args.len() == 3 {
        ctx.shared.active_expire.store(args[2] != *b"0", Ordering::Relaxed);
        Frame::ok()
    } else if is(sub, "object") && args.len() == 3 {
        let db = ctx.client.db;
        ctx.lock_keys(db, std::iter::once(&args[2]));
        let now = ctx.now;
        let mut db = ctx.db();
        let Some(e) = db.peek(&args[2]) else {
            return err("ERR no such key");
        };
        let encoding = match e.value() {
            crate::keyspace::ValueRef::Int(_) => "int",
            crate::keyspace::ValueRef::Str(_) if e.is_raw() => "raw",
            crate::keyspace::ValueRef::Str(s) if s.len() <= 44 => "embstr",
            crate::keyspace::ValueRef::Str(_) => "raw",
            crate::keyspace::ValueRef::Obj(o) => o.encoding(-2),
        };
        Frame::Simple(Bytes::from(format!(
            "Value at:0x0 refcount:1 encoding:{encoding} serializedlength:{} lru:{} lru_seconds_idle:{}",
            e.mem_usage(),
            e.lru(),
            crate::clock::idle_seconds(now, e.lru())
        )))
    } else if is(sub, "help") {
        let lines = [
            "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "OBJECT <key>",
            "    Show low level info about the key and associated value.",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Setting it to 0 disables expiring keys in background when they are not accessed.",
            "SLEEP <seconds>",
            "    Stop the server for <seconds>. Decimals allowed.",
            "HELP",
            "    Print this help.",
        ];
        crate::reply::help(&lines)
    } else {
        err_owned(format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
            String::from_utf8_lossy(sub)
        ))
    }
}
