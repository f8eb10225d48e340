//! From parsed arguments to a reply: lookup, arity, authentication,
//! subscribed-mode and MULTI checks, key locking, the handler call,
//! statistics, the slow log and MONITOR.

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::{flag, lookup, CommandSpec, Ctx};
use crate::conn::client::ClientState;
use crate::keyspace::Guards;
use crate::reply::{err, err_owned, wrong_arity};
use crate::server::stats::{SlowEntry, Stats};
use crate::server::Shared;

fn unknown_command(args: Args<'_>) -> Frame {
    let mut rest = String::new();
    for a in args.iter().skip(1).take(15) {
        rest.push('\'');
        rest.push_str(&String::from_utf8_lossy(&a[..a.len().min(128)]));
        rest.push_str("' ");
    }
    let name = String::from_utf8_lossy(&args[0][..args[0].len().min(128)]).into_owned();
    err_owned(format!("ERR unknown command '{name}', with args beginning with: {rest}"))
}

/// Resolves a command and its subcommand, or the error Redis gives.
fn resolve(args: Args<'_>) -> Result<(&'static CommandSpec, String), Frame> {
    let spec = lookup(&args[0]).ok_or_else(|| unknown_command(args))?;
    if spec.subcommands.is_empty() {
        if !arity_ok(spec.arity, args.len()) {
            return Err(wrong_arity(spec.name));
        }
        return Ok((spec, String::new()));
    }
    if args.len() < 2 {
        // A container that also works alone (COMMAND).
        return if arity_ok(spec.arity, 1) { Ok((spec, String::new())) } else { Err(wrong_arity(spec.name)) };
    }
    let Some(sub) = spec.subcommand(&args[1]) else {
        let sub = String::from_utf8_lossy(&args[1][..args[1].len().min(128)]).into_owned();
        return Err(err_owned(format!(
            "ERR unknown subcommand '{sub}'. Try {}.",
            format!("{} HELP", spec.name).to_uppercase()
        )));
    };
    let full = format!("{}|{}", spec.name, sub.name);
    if !arity_ok(sub.arity, args.len()) {
        return Err(wrong_arity(&full));
    }
    Ok((sub, full))
}

/// The error for commands refused under maxmemory.
const OOM: &str = "OOM command not allowed when used memory > 'maxmemory'.";

/// How a command with movable keys (Redis's `movablekeys` flag) names
/// them; such commands lock their keys themselves.
#[derive(Clone, Copy)]
enum Movable {
    /// Keys follow a `numkeys` argument at index `at`; with `dest`,
    /// argument 1 is a destination key too.
    NumKeys { at: usize, dest: bool },
    /// SORT/SORT_RO: the sorted key and, after STORE, the destination.
    Sort,
}

const MOVABLE: &[(&str, Movable)] = &[
    ("zunion", Movable::NumKeys { at: 1, dest: false }),
    ("zinter", Movable::NumKeys { at: 1, dest: false }),
    ("zdiff", Movable::NumKeys { at: 1, dest: false }),
    ("zintercard", Movable::NumKeys { at: 1, dest: false }),
    ("sintercard", Movable::NumKeys { at: 1, dest: false }),
    ("lmpop", Movable::NumKeys { at: 1, dest: false }),
    ("zmpop", Movable::NumKeys { at: 1, dest: false }),
    ("zunionstore", Movable::NumKeys { at: 2, dest: true }),
    ("zinterstore", Movable::NumKeys { at: 2, dest: true }),
    ("zdiffstore", Movable::NumKeys { at: 2, dest: true }),
    ("blmpop", Movable::NumKeys { at: 2, dest: false }),
    ("bzmpop", Movable::NumKeys { at: 2, dest: false }),
    ("sort", Movable::Sort),
    ("sort_ro", Movable::Sort),
];

fn movable(spec: &CommandSpec) -> Option<Movable> {
    // Every movable-keys command locks all shards: the flag spares the
    // name comparisons on every other command's path.
    if !spec.has(flag::ALL_SHARDS) {
        return None;
    }
    MOVABLE.iter().find(|(name, _)| *name == spec.full).map(|&(_, m)| m)
}

/// Whether the command's keys depend on its arguments (`movablekeys`).
pub fn has_movable_keys(spec: &CommandSpec) -> bool {
    movable(spec).is_some()
}

/// SORT's keys as Redis's `sortGetKeys` finds them: the sorted key, and
/// the destination after the last STORE, skipping the arguments of LIMIT,
/// GET and BY. SORT_RO has no STORE: its only key is the sorted one.
fn sort_keys(spec: &CommandSpec, args: Args<'_>) -> Vec<usize> {
    let mut keys = vec![1];
    if spec.full == "sort_ro" {
        return keys;
    }
    let mut store = None;
    let mut i = 2;
    while i < args.len() {
        let arg = &args[i];
        if arg.eq_ignore_ascii_case(b"limit") {
            i += 2;
        } else if arg.eq_ignore_ascii_case(b"get") || arg.eq_ignore_ascii_case(b"by") {
            i += 1;
        } else if arg.eq_ignore_ascii_case(b"store") && i + 1 < args.len() {
            store = Some(i + 1);
        }
        i += 1;
    }
    keys.extend(store);
    keys
}

/// Positions of a command's keys: the table's (first, last, step), or for
/// movable-keys commands the keys their arguments announce.
pub fn key_positions(spec: &CommandSpec, args: Args<'_>) -> Vec<usize> {
    match movable(spec) {
        Some(Movable::NumKeys { at, dest }) => {
            let n = (args.len() > at).then(|| super::args::parse_canonical_i64(&args[at])).flatten().unwrap_or(0);
            let n = (n.max(0) as usize).min(args.len().saturating_sub(at + 1));
            let mut keys: Vec<usize> = if dest { vec![1] } else { Vec::new() };
            keys.extend(at + 1..at + 1 + n);
            keys
        }
        Some(Movable::Sort) => sort_keys(spec, args),
        None => spec.key_positions(args.len()).collect(),
    }
}

/// Registers the keys a tracking client just read, while the command still
/// holds their shard locks (so no write can slip in between the read and
/// the registration).
fn remember_reads(client: &ClientState, spec: &CommandSpec, args: Args<'_>, hashes: Option<&[u64]>) {
    if !client.tracking_plain && !client.handle.tracking.lock().remembers_reads() {
        return;
    }
    let Some(t) = crate::tracking::get() else { return };
    let keys = spec.key_positions(args.len()).map(|i| &args[i][..]);
    match hashes {
        // The keys dispatch locked: the same positions, already hashed.
        Some(hashes) => t.remember(client.id(), keys.zip(hashes.iter().copied())),
        None if has_movable_keys(spec) => {
            t.remember(client.id(), key_positions(spec, args).into_iter().map(|i| with_hash(&args[i])))
        }
        None => t.remember(client.id(), keys.map(with_hash)),
    }
}

fn with_hash(key: &[u8]) -> (&[u8], u64) {
    (key, crate::keyspace::hash_key(key))
}

/// Resolves a command (and subcommand) from its arguments.
pub fn resolve_spec(args: Args<'_>) -> Result<&'static CommandSpec, Frame> {
    resolve(args).map(|(spec, _)| spec)
}

fn arity_ok(arity: i32, argc: usize) -> bool {
    if arity >= 0 {
        argc == arity as usize
    } else {
        argc >= (-arity) as usize
    }
}

const MULTI_CONTROL: &[&str] = &["exec", "discard", "multi", "watch", "quit", "reset"];
const PUBSUB_ALLOWED: &[&str] =
    &["subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "ping", "quit", "reset"];

/// Runs one client command and returns its reply (more replies, if any, are
/// appended to `followups`).
pub fn execute(
    shared: &'static Shared,
    client: &mut ClientState,
    guards: &mut Guards,
    args: Args<'_>,
    followups: &mut Vec<Frame>,
) -> Frame {
    let reply = execute_checked(shared, client, guards, args, followups);
    // CLIENT CACHING covers the next command only, rejected ones included; a
    // MULTI block counts as one command and CLIENT subcommands do not use it
    // up (Redis's resetClient).
    if client.tracking_on
        && !client.tracking_plain
        && client.multi.is_none()
        && !args[0].eq_ignore_ascii_case(b"client")
    {
        client.handle.tracking.lock().caching = None;
    }
    reply
}

fn execute_checked(
    shared: &'static Shared,
    client: &mut ClientState,
    guards: &mut Guards,
    args: Args<'_>,
    followups: &mut Vec<Frame>,
) -> Frame {
    let (spec, full) = match resolve(args) {
        Ok(found) => found,
        Err(e) => {
            if client.multi.is_some() {
                client.multi_error = true;
            }
            return e;
        }
    };
    client.handle.set_last_cmd(spec);
    if !client.authenticated && !spec.has(flag::NO_AUTH) {
        if client.multi.is_some() {
            client.multi_error = true;
        }
        return err("NOAUTH Authentication required.");
    }
    if client.in_resp2_pubsub() && !PUBSUB_ALLOWED.contains(&spec.name) {
        return err_owned(format!(
            "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            if full.is_empty() { spec.full } else { &full }
        ));
    }
    // maxmemory: evict first; commands that need memory are refused when
    // nothing more can be evicted (Redis's performEvictions in processCommand).
    if shared.has_maxmemory() && !shared.make_room(shared.clock.now_ms()) {
        let needs_memory = spec.has(flag::DENYOOM)
            || (spec.name == "exec"
                && client
                    .multi
                    .as_ref()
                    .is_some_and(|q| q.iter().any(|a| lookup(&a.as_args()[0]).is_some_and(|s| s.has(flag::DENYOOM)))));
        if needs_memory {
            if client.multi.is_some() && spec.name != "exec" {
                client.multi_error = true;
            }
            return err(OOM);
        }
    }
    if let Some(queue) = client.multi.as_mut() {
        let top = lookup(&args[0]).map_or("", |s| s.name);
        if !MULTI_CONTROL.contains(&top) {
            if spec.has(flag::NO_MULTI) {
                client.multi_error = true;
                return err("ERR Command not allowed inside a transaction");
            }
            queue.push(args.to_owned());
            let n = queue.len() as i64;
            client.publish_info(|i| i.multi = n);
            return Frame::simple("QUEUED");
        }
    }
    call(shared, client, guards, spec, args, followups, false)
}

/// Calls a resolved command: locks its keys (unless EXEC holds the locks),
/// runs the handler, records statistics.
pub fn call(
    shared: &'static Shared,
    client: &mut ClientState,
    guards: &mut Guards,
    spec: &'static CommandSpec,
    args: Args<'_>,
    followups: &mut Vec<Frame>,
    in_exec: bool,
) -> Frame {
    if shared.has_monitors() && !spec.has(flag::SKIP_MONITOR) {
        shared.feed_monitors(client, args);
    }
    let start = crate::clock::command_start();
    let now = shared.clock.now_ms_at(start);
    crate::tracking::set_current_client(client.id());
    let hashed = !in_exec && spec.keys.first > 0 && !has_movable_keys(spec);
    if hashed {
        guards.ensure_command_keys(&shared.keyspace, client.db, spec.key_positions(args.len()).map(|i| &args[i]));
    }
    let frame = {
        let mut ctx = Ctx { shared, client, guards, now, followups, in_exec };
        (spec.handler)(&mut ctx, args)
    };
    if client.tracking_on && spec.has(flag::READONLY) {
        remember_reads(client, spec, args, hashed.then(|| guards.command_hashes()));
    }
    if !in_exec {
        guards.release();
    }
    crate::tracking::flush_broadcasts();
    let micros = crate::clock::command_end().duration_since(start).as_micros() as u64;
    crate::server::stats::record_call(&shared.stats, &spec.stats, micros);
    if let Frame::Error(e) = &frame {
        Stats::incr(&spec.stats.failed);
        shared.stats.count_error(e);
    }
    let (threshold, max_len) = shared.slowlog_settings();
    if threshold >= 0 && micros as i64 >= threshold && !spec.has(flag::SKIP_SLOWLOG) {
        let trimmed: Vec<Bytes> =
            args.iter().take(32).map(|a| Bytes::copy_from_slice(&a[..a.len().min(128)])).collect();
        let name = client.handle.info.lock().name.clone().unwrap_or_default();
        shared.slowlog.push(
            SlowEntry { id: 0, time: now / 1000, micros, args: trimmed, addr: client.handle.addr.to_string(), name },
            max_len,
        );
    }
    frame
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_movable_keys_command_locks_all_shards() {
        for (name, _) in MOVABLE {
            let spec = lookup(name.as_bytes()).unwrap_or_else(|| panic!("{name} is in the table"));
            assert!(spec.has(flag::ALL_SHARDS), "{name}");
            assert!(has_movable_keys(spec), "{name}");
        }
        assert!(!has_movable_keys(lookup(b"get").expect("get")));
    }
}
