//! CLIENT subcommands: ID, SETNAME, GETNAME, LIST, INFO, KILL, REPLY,
//! NO-EVICT, NO-TOUCH, SETINFO, PAUSE, UNPAUSE, HELP.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::args::{is, parse_canonical_i64};
use super::Ctx;
use crate::conn::client::{ClientHandle, ReplyMode};
use crate::reply::{err, err_owned, SYNTAX};
use crate::server::Pause;

/// Whether a client name / lib name has only printable, non-space bytes.
pub fn valid_name(n: &[u8]) -> bool {
    n.iter().all(|b| (b'!'..=b'~').contains(b))
}

/// CLIENT ID
pub fn id(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    Frame::Integer(ctx.client.id() as i64)
}

/// CLIENT SETNAME name
pub fn setname(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    if !valid_name(&args[2]) {
        return err("ERR Client names cannot contain spaces, newlines or special characters.");
    }
    let n = Bytes::copy_from_slice(&args[2]);
    ctx.client.publish_info(|i| i.name = (!n.is_empty()).then_some(n));
    Frame::ok()
}

/// CLIENT GETNAME
pub fn getname(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    ctx.client.handle.info.lock().name.clone().map_or(Frame::Null, Frame::Bulk)
}

fn describe(c: &ClientHandle, now_ms: i64, self_id: u64) -> String {
    let info = c.info.lock().clone();
    let mut flags = info.flags.clone();
    if info.subs != (0, 0, 0) {
        flags.push('P');
    }
    if info.multi >= 0 {
        flags.push('x');
    }
    let (tracking_on, bcast, broken, redir) = {
        let t = c.tracking.lock();
        (t.enabled(), t.mode == crate::tracking::TrackingMode::Bcast, t.broken_redirect, t.redirect)
    };
    if tracking_on {
        flags.push('t');
    }
    if broken {
        flags.push('R');
    }
    if bcast {
        flags.push('B');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    let redir: i64 = if tracking_on { redir as i64 } else { -1 };
    let last = c.last_cmd();
    let age = (now_ms - c.created_ms).max(0) / 1000;
    let idle = if c.id == self_id { 0 } else { (now_ms - c.last_interaction_ms.load(Ordering::Relaxed)).max(0) / 1000 };
    let name = info.name.as_ref().map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default();
    format!(
        "id={} addr={} laddr={} fd=0 name={name} age={age} idle={idle} flags={flags} db={} sub={} psub={} ssub={} multi={} watch={} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem={} tot-mem=0 events=r cmd={last} user={} redir={redir} resp={} lib-name={} lib-ver={}",
        c.id, c.addr, c.laddr, info.db, info.subs.0, info.subs.1, info.subs.2, info.multi, info.watch,
        c.output_bytes.load(Ordering::Relaxed), info.user, info.resp, info.lib.0, info.lib.1
    )
}

fn verbatim(text: String) -> Frame {
    Frame::Verbatim { format: *b"txt", text: Bytes::from(text) }
}

/// CLIENT LIST [TYPE type] [ID id ...]
pub fn list(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut ids: Option<Vec<u64>> = None;
    let mut kind: Option<Vec<u8>> = None;
    let mut i = 2;
    while i < args.len() {
        if is(&args[i], "type") && i + 1 < args.len() {
            let t = args[i + 1].to_ascii_lowercase();
            if !matches!(&t[..], b"normal" | b"master" | b"replica" | b"slave" | b"pubsub") {
                return err_owned(format!("ERR Unknown client type '{}'", String::from_utf8_lossy(&args[i + 1])));
            }
            kind = Some(t);
            i += 2;
        } else if is(&args[i], "id") && i + 1 < args.len() {
            let mut v = Vec::new();
            for a in args.iter().skip(i + 1) {
                match parse_canonical_i64(a) {
                    Some(n) if n > 0 => v.push(n as u64),
                    _ => return err("ERR Invalid client ID"),
                }
            }
            ids = Some(v);
            i = args.len();
        } else {
            return err(SYNTAX);
        }
    }
    let now = ctx.now;
    let me = ctx.client.id();
    let mut out = String::new();
    for c in ctx.shared.clients.snapshot() {
        if ids.as_ref().is_some_and(|v| !v.contains(&c.id)) {
            continue;
        }
        let is_pubsub = c.info.lock().subs != (0, 0, 0);
        match kind.as_deref() {
            Some(b"pubsub") if !is_pubsub => continue,
            Some(b"normal") if is_pubsub => continue,
            Some(b"master" | b"replica" | b"slave") => continue,
            _ => {}
        }
        out.push_str(&describe(&c, now, me));
        out.push('\n');
    }
    verbatim(out)
}

/// CLIENT INFO
pub fn info(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    let mut line = describe(&ctx.client.handle, ctx.now, ctx.client.id());
    line.push('\n');
    verbatim(line)
}

/// One CLIENT KILL filter.
type KillFilter = Box<dyn Fn(&Arc<ClientHandle>) -> bool>;

/// CLIENT KILL addr:port | CLIENT KILL <filter> <value> ...
pub fn kill(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let clients = ctx.shared.clients.snapshot();
    if args.len() == 3 {
        let addr = String::from_utf8_lossy(&args[2]);
        return match clients.iter().find(|c| c.addr.to_string() == addr) {
            Some(c) => {
                kill_one(ctx, c);
                Frame::ok()
            }
            None => err("ERR No such client"),
        };
    }
    if !args.len().is_multiple_of(2) {
        return err(SYNTAX);
    }
    let mut skipme = true;
    let mut filters: Vec<KillFilter> = Vec::new();
    for pair in (2..args.len()).step_by(2) {
        let (k, v) = (&args[pair], args[pair + 1].to_vec());
        let text = String::from_utf8_lossy(&v).into_owned();
        if is(k, "id") {
            let Some(id) = parse_canonical_i64(&v).filter(|n| *n > 0) else {
                return err("ERR client-id should be greater than 0");
            };
            filters.push(Box::new(move |c| c.id == id as u64));
        } else if is(k, "addr") {
            filters.push(Box::new(move |c| c.addr.to_string() == text));
        } else if is(k, "laddr") {
            filters.push(Box::new(move |c| c.laddr.to_string() == text));
        } else if is(k, "user") {
            filters.push(Box::new(move |c| c.info.lock().user == text));
        } else if is(k, "type") {
            let t = text.to_ascii_lowercase();
            if !["normal", "master", "replica", "slave", "pubsub"].contains(&t.as_str()) {
                return err_owned(format!("ERR Unknown client type '{text}'"));
            }
            filters.push(Box::new(move |c| {
                let pubsub = c.info.lock().subs != (0, 0, 0);
                (t == "pubsub" && pubsub) || (t == "normal" && !pubsub)
            }));
        } else if is(k, "skipme") {
            skipme = match &text.to_ascii_lowercase()[..] {
                "yes" => true,
                "no" => false,
                _ => return err(SYNTAX),
            };
        } else if is(k, "maxage") {
            let Some(age) = parse_canonical_i64(&v) else { return err(SYNTAX) };
            let now = ctx.now;
            filters.push(Box::new(move |c| (now - c.created_ms) / 1000 >= age));
        } else {
            return err(SYNTAX);
        }
    }
    let me = ctx.client.id();
    let mut n = 0;
    for c in &clients {
        if (skipme && c.id == me) || !filters.iter().all(|f| f(c)) {
            continue;
        }
        kill_one(ctx, c);
        n += 1;
    }
    Frame::Integer(n)
}

fn kill_one(ctx: &mut Ctx<'_>, c: &Arc<ClientHandle>) {
    if c.id == ctx.client.id() {
        // Killing ourselves: reply first, then close.
        ctx.client.close_after_reply = true;
    } else {
        c.kill();
    }
}

/// CLIENT REPLY ON|OFF|SKIP
pub fn reply(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    ctx.client.reply_mode = match () {
        _ if is(&args[2], "on") => {
            ctx.client.force_reply = true;
            ReplyMode::On
        }
        _ if is(&args[2], "off") => ReplyMode::Off,
        _ if is(&args[2], "skip") => ReplyMode::Skip,
        _ => return err(SYNTAX),
    };
    Frame::ok()
}

fn on_off(arg: &[u8]) -> Option<bool> {
    if is(arg, "on") {
        Some(true)
    } else if is(arg, "off") {
        Some(false)
    } else {
        None
    }
}

fn set_flag(ctx: &mut Ctx<'_>, arg: &[u8], letter: char) -> Result<bool, Frame> {
    let on = on_off(arg).ok_or_else(|| err(SYNTAX))?;
    ctx.client.publish_info(|i| {
        i.flags.retain(|c| c != letter);
        if on {
            i.flags.push(letter);
        }
    });
    Ok(on)
}

/// CLIENT NO-EVICT ON|OFF
pub fn no_evict(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match set_flag(ctx, &args[2], 'e') {
        Ok(on) => {
            ctx.client.no_evict = on;
            Frame::ok()
        }
        Err(e) => e,
    }
}

/// CLIENT NO-TOUCH ON|OFF
pub fn no_touch(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    match set_flag(ctx, &args[2], 'T') {
        Ok(on) => {
            ctx.client.no_touch = on;
            Frame::ok()
        }
        Err(e) => e,
    }
}

/// CLIENT SETINFO LIB-NAME|LIB-VER value
pub fn setinfo(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (attr, value) = (&args[2], String::from_utf8_lossy(&args[3]).into_owned());
    let which = if is(attr, "lib-name") {
        "lib-name"
    } else if is(attr, "lib-ver") {
        "lib-ver"
    } else {
        return err_owned(format!("ERR Unrecognized option '{}'", String::from_utf8_lossy(attr)));
    };
    if !valid_name(&args[3]) {
        return err_owned(format!("ERR {which} cannot contain spaces, newlines or special characters."));
    }
    ctx.client.publish_info(|i| if which == "lib-name" { i.lib.0 = value } else { i.lib.1 = value });
    Frame::ok()
}

/// CLIENT PAUSE timeout [WRITE|ALL]
pub fn pause(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let Some(ms) = parse_canonical_i64(&args[2]) else {
        return err("ERR timeout is not an integer or out of range");
    };
    if ms < 0 {
        return err("ERR timeout is negative");
    }
    let all = match args.len() {
        3 => true,
        4 if is(&args[3], "all") => true,
        4 if is(&args[3], "write") => false,
        _ => return err(SYNTAX),
    };
    ctx.shared.set_pause(Pause { until_ms: ctx.now.saturating_add(ms), all });
    Frame::ok()
}

/// CLIENT UNPAUSE
pub fn unpause(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    ctx.shared.set_pause(Pause::default());
    Frame::ok()
}

/// CLIENT HELP
pub fn help(_ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    let lines = [
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are: ID, ADDR, LADDR, TYPE, USER, SKIPME, MAXAGE.",
        "LIST [options ...]",
        "    Return information about client connections.",
        "GETNAME",
        "    Return the name of the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "SETINFO <option> <value>",
        "    Set client meta attr. Options are: LIB-NAME, LIB-VER.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "NO-TOUCH (ON|OFF)",
        "    Will not touch LRU/LFU stats when this mode is on.",
        "HELP",
        "    Print this help.",
    ];
    crate::reply::help(&lines)
}
