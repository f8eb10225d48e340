//! Commands: the table, the context handlers run in, and dispatch.
//!
//! One table ([`table::all`]) maps names to [`CommandSpec`]s: arity,
//! Redis flags, key positions and the handler. Arity errors, key locking,
//! MULTI queueing, subscribed-mode checks, `COMMAND` output and per-command
//! statistics all come from it, never from per-command code.
//!
//! A handler has one shape, `fn(&mut Ctx, Args) -> Frame`: it gets the
//! keyspace (already locked for its keys), the client state and the clock,
//! and returns a protocol-neutral reply value.

mod acl;
pub mod args;
mod bits;
mod blocking;
mod client;
mod command_cmd;
mod config_cmd;
mod connection;
mod counter;
mod db;
mod dispatch;
mod expire;
mod hash;
mod hll;
pub mod info;
mod keys;
mod lcs;
mod list;
mod memory;
mod pubsub;
mod server;
mod set;
mod sort;
mod string;
pub mod table;
mod tracking;
mod transaction;
mod zset;

use std::sync::OnceLock;

use hearth_resp::{Args, Frame};

use crate::conn::client::ClientState;
use crate::keyspace::{DbView, Guards};
use crate::server::stats::CommandStats;
use crate::server::Shared;

pub use dispatch::execute;
pub use transaction::unwatch_all;

/// A command handler.
pub type Handler = fn(&mut Ctx<'_>, Args<'_>) -> Frame;

/// Command flags (Redis's names; see `COMMAND INFO`).
pub mod flag {
    /// Writes the keyspace.
    pub const WRITE: u32 = 1;
    /// Only reads.
    pub const READONLY: u32 = 1 << 1;
    /// May grow memory: refused under OOM.
    pub const DENYOOM: u32 = 1 << 2;
    /// Administrative.
    pub const ADMIN: u32 = 1 << 3;
    /// Pub/sub related.
    pub const PUBSUB: u32 = 1 << 4;
    /// Not allowed in scripts.
    pub const NOSCRIPT: u32 = 1 << 5;
    /// Allowed while loading.
    pub const LOADING: u32 = 1 << 6;
    /// Allowed on a stale replica.
    pub const STALE: u32 = 1 << 7;
    /// Not shown to MONITOR.
    pub const SKIP_MONITOR: u32 = 1 << 8;
    /// Not recorded by the slow log.
    pub const SKIP_SLOWLOG: u32 = 1 << 9;
    /// O(1) or O(log N).
    pub const FAST: u32 = 1 << 10;
    /// Allowed before AUTH.
    pub const NO_AUTH: u32 = 1 << 11;
    /// Refused inside MULTI.
    pub const NO_MULTI: u32 = 1 << 12;
    /// Allowed while the server is busy.
    pub const ALLOW_BUSY: u32 = 1 << 13;
    /// May block the client.
    pub const BLOCKING: u32 = 1 << 14;
    /// Hearth-internal: the handler locks shards beyond its key positions
    /// (whole databases), so EXEC must lock everything up front.
    pub const ALL_SHARDS: u32 = 1 << 31;

    /// Flag names in `COMMAND INFO` order.
    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        (NO_MULTI, "no_multi"),
        (ALLOW_BUSY, "allow_busy"),
    ];
}

/// Where a command's keys are: Redis's (first, last, step) triple; `last`
/// counts from the end when negative. `first == 0` means no keys.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    /// First key position.
    pub first: i32,
    /// Last key position (negative: from the end).
    pub last: i32,
    /// Step between keys.
    pub step: i32,
}

/// One command (or subcommand) of the table.
pub struct CommandSpec {
    /// Lower-case name (`get`, or `get` under container `config`).
    pub name: &'static str,
    /// Full name as CLIENT LIST and errors show it (`config|get`).
    pub full: &'static str,
    /// Redis arity: exact when positive, minimum when negative.
    pub arity: i32,
    /// Bit set of [`flag`]s.
    pub flags: u32,
    /// Key positions.
    pub keys: KeySpec,
    /// The handler.
    pub handler: Handler,
    /// Command group for `COMMAND DOCS` (`string`, `generic`, ...).
    pub group: &'static str,
    /// One-line summary for `COMMAND DOCS`.
    pub summary: &'static str,
    /// Redis version that introduced it.
    pub since: &'static str,
    /// Subcommands, for containers such as CONFIG and CLIENT.
    pub subcommands: &'static [CommandSpec],
    /// Call statistics.
    pub stats: CommandStats,
}

impl CommandSpec {
    /// Whether the command has flag `f`.
    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// Positions of the keys in a command of `argc` arguments.
    pub fn key_positions(&self, argc: usize) -> std::iter::StepBy<std::ops::RangeInclusive<usize>> {
        let k = self.keys;
        let (start, end) = if k.first <= 0 || argc <= k.first as usize {
            (1, 0)
        } else {
            let last = if k.last < 0 { argc as i64 + k.last as i64 } else { (k.last as i64).min(argc as i64 - 1) };
            (k.first as usize, last.max(0) as usize)
        };
        (start..=end).step_by(k.step.max(1) as usize)
    }

    /// Looks up a subcommand by name (case-insensitive).
    pub fn subcommand(&self, name: &[u8]) -> Option<&'static CommandSpec> {
        let subs: &'static [CommandSpec] = self.subcommands;
        subs.iter().find(|s| s.name.as_bytes().eq_ignore_ascii_case(name))
    }
}

/// Longest command name the index holds; a longer name is no command.
const MAX_NAME: usize = 24;

/// Commands by (name length, first letter): a lookup compares one to three
/// names, case-insensitively, without lowercasing or hashing the argument.
fn index() -> &'static [Vec<&'static CommandSpec>] {
    static INDEX: OnceLock<Vec<Vec<&'static CommandSpec>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = vec![Vec::new(); (MAX_NAME + 1) * 32];
        for c in table::all() {
            let at = bucket(c.name.as_bytes()).expect("command names are short and start with a letter");
            index[at].push(c);
        }
        index
    })
}

fn bucket(name: &[u8]) -> Option<usize> {
    let first = *name.first()?;
    (name.len() <= MAX_NAME).then_some(name.len() * 32 + (first | 0x20) as usize % 32)
}

/// Finds a command by name, case-insensitively.
pub fn lookup(name: &[u8]) -> Option<&'static CommandSpec> {
    index()[bucket(name)?].iter().copied().find(|c| c.name.as_bytes().eq_ignore_ascii_case(name))
}

/// Releases everything a client holds in shared tables: subscriptions,
/// WATCHes, MONITOR registration. Called on disconnect and RESET, with no
/// shard locked.
pub fn cleanup_client(shared: &'static Shared, client: &mut ClientState) {
    pubsub::unsubscribe_all(shared, client);
    tracking::stop_tracking(client);
    transaction::unwatch_all(shared, client);
    if client.monitor {
        client.monitor = false;
        shared.remove_monitor(client.id());
    }
}

/// What a handler runs with.
pub struct Ctx<'a> {
    /// Server-wide state.
    pub shared: &'static Shared,
    /// This connection's state.
    pub client: &'a mut ClientState,
    /// Shards locked for this command (or the whole EXEC).
    pub guards: &'a mut Guards,
    /// The command's time, unix ms (one reading per command, as Redis).
    pub now: i64,
    /// Replies that follow the returned one (SUBSCRIBE to several channels).
    pub followups: &'a mut Vec<Frame>,
    /// Whether the command runs inside EXEC.
    pub in_exec: bool,
}

impl<'a> Ctx<'a> {
    /// The selected database, over the locked shards.
    pub fn db(&mut self) -> DbView<'_> {
        let access = (!self.client.no_touch).then(|| self.shared.access_clock(self.now));
        DbView::new(self.guards, self.client.db, self.now, access)
    }

    /// Another database, over the locked shards.
    pub fn db_at(&mut self, db: usize) -> DbView<'_> {
        DbView::new(self.guards, db, self.now, None)
    }

    /// Locks every shard of the given databases (whole-database commands).
    pub fn lock_dbs(&mut self, dbs: &[usize]) {
        self.guards.ensure_dbs(&self.shared.keyspace, dbs);
    }

    /// Locks the shards of `keys` in database `db`.
    pub fn lock_keys<'k>(&mut self, db: usize, keys: impl Iterator<Item = &'k [u8]>) {
        self.guards.ensure_keys(&self.shared.keyspace, db, keys);
    }

    /// Publishes a keyspace notification for `key` in the selected database
    /// (no-op unless `notify-keyspace-events` enables `class`).
    pub fn notify(&self, class: u32, event: &str, key: &[u8]) {
        crate::notify::emit(self.client.db, class, event, key);
    }

    /// Reads a setting.
    pub fn config<R>(&self, f: impl FnOnce(&crate::config::Config) -> R) -> R {
        f(&self.shared.config.read())
    }
}
