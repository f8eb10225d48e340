//! The command table: every command Hearth answers, with Redis's arity,
//! flags and key positions. Anything not listed here is answered with
//! `-ERR unknown command`.
//!
//! The foundation's commands are in [`CORE`]; each data-type family keeps
//! its own `COMMANDS` array next to its handlers and is listed once in
//! [`FAMILIES`]. The `cmd!`/`sub!` macros build entries everywhere.

use super::flag::{
    ADMIN, ALL_SHARDS, DENYOOM, FAST, LOADING, NOSCRIPT, NO_AUTH, NO_MULTI, PUBSUB, READONLY, SKIP_SLOWLOG, STALE,
    WRITE,
};
use super::{
    blocking, client, command_cmd, config_cmd, connection, counter, db, expire, info, keys, lcs, list, memory, pubsub,
    server, string, tracking, transaction, CommandSpec, KeySpec,
};
use crate::server::stats::CommandStats;

pub(crate) const NONE: KeySpec = KeySpec { first: 0, last: 0, step: 0 };
pub(crate) const ONE: KeySpec = KeySpec { first: 1, last: 1, step: 1 };
pub(crate) const ALL: KeySpec = KeySpec { first: 1, last: -1, step: 1 };
pub(crate) const PAIRS: KeySpec = KeySpec { first: 1, last: -1, step: 2 };
pub(crate) const TWO: KeySpec = KeySpec { first: 1, last: 2, step: 1 };

/// Builds one [`CommandSpec`]: name, full name, arity, flags, keys,
/// handler, group, since, summary (and optional subcommands).
macro_rules! cmd {
    ($name:literal, $full:expr, $arity:expr, $flags:expr, $keys:expr, $handler:path, $group:literal, $since:literal, $summary:literal) => {
        cmd!($name, $full, $arity, $flags, $keys, $handler, $group, $since, $summary, &[])
    };
    ($name:literal, $full:expr, $arity:expr, $flags:expr, $keys:expr, $handler:path, $group:literal, $since:literal, $summary:literal, $subs:expr) => {
        CommandSpec {
            name: $name,
            full: $full,
            arity: $arity,
            flags: $flags,
            keys: $keys,
            handler: $handler,
            group: $group,
            summary: $summary,
            since: $since,
            subcommands: $subs,
            stats: CommandStats::new(),
        }
    };
}

pub(crate) use cmd;

/// Subcommand of a container: full name is `container|name`.
macro_rules! sub {
    ($parent:literal, $name:literal, $arity:expr, $flags:expr, $keys:expr, $handler:path, $since:literal, $summary:literal) => {
        cmd!($name, concat!($parent, "|", $name), $arity, $flags, $keys, $handler, "server", $since, $summary)
    };
}

pub(crate) const RO_FAST: u32 = READONLY | FAST;
pub(crate) const W_OOM: u32 = WRITE | DENYOOM;
pub(crate) const W_OOM_FAST: u32 = WRITE | DENYOOM | FAST;
const CONN: u32 = NOSCRIPT | LOADING | STALE;

#[rustfmt::skip]
static CLIENT_SUBS: [CommandSpec; 18] = [
    sub!("client", "id", 2, CONN, NONE, client::id, "5.0.0", "Returns the unique client ID of the connection."),
    sub!("client", "setname", 3, CONN, NONE, client::setname, "2.6.9", "Sets the connection name."),
    sub!("client", "getname", 2, CONN, NONE, client::getname, "2.6.9", "Returns the name of the connection."),
    sub!("client", "list", -2, ADMIN | NOSCRIPT | LOADING | STALE, NONE, client::list, "2.4.0", "Lists open connections."),
    sub!("client", "info", 2, CONN, NONE, client::info, "6.2.0", "Returns information about the connection."),
    sub!("client", "kill", -3, ADMIN | NOSCRIPT | LOADING | STALE, NONE, client::kill, "2.4.0", "Terminates open connections."),
    sub!("client", "reply", 3, CONN, NONE, client::reply, "3.2.0", "Instructs the server whether to reply to commands."),
    sub!("client", "no-evict", 3, ADMIN | CONN, NONE, client::no_evict, "7.0.0", "Sets the client eviction mode of the connection."),
    sub!("client", "no-touch", 3, CONN, NONE, client::no_touch, "7.2.0", "Controls whether commands sent by the client affect the LRU/LFU of accessed keys."),
    sub!("client", "setinfo", 4, CONN, NONE, client::setinfo, "7.2.0", "Sets information specific to the client or connection."),
    sub!("client", "pause", -3, ADMIN | CONN, NONE, client::pause, "3.0.0", "Suspends commands processing."),
    sub!("client", "unpause", 2, ADMIN | CONN, NONE, client::unpause, "6.2.0", "Resumes processing commands from paused clients."),
    sub!("client", "tracking", -3, CONN, NONE, tracking::tracking, "6.0.0", "Controls server-assisted client-side caching for the connection."),
    sub!("client", "caching", 3, CONN, NONE, tracking::caching, "6.0.0", "Instructs the server whether to track the keys in the next request."),
    sub!("client", "getredir", 2, CONN, NONE, tracking::getredir, "6.0.0", "Returns the client ID to which the connection's tracking notifications are redirected."),
    sub!("client", "trackinginfo", 2, CONN, NONE, tracking::trackinginfo, "6.2.0", "Returns information about server-assisted client-side caching for the connection."),
    sub!("client", "unblock", -3, ADMIN | NOSCRIPT | LOADING | STALE, NONE, blocking::client_unblock, "5.0.0", "Unblocks a client blocked by a blocking command from a different connection."),
    sub!("client", "help", 2, LOADING | STALE, NONE, client::help, "5.0.0", "Returns helpful text about the different subcommands."),
];

#[rustfmt::skip]
static CONFIG_SUBS: [CommandSpec; 5] = [
    sub!("config", "get", -3, ADMIN | NOSCRIPT | LOADING | STALE, NONE, config_cmd::get, "2.0.0", "Returns the effective values of configuration parameters."),
    sub!("config", "set", -4, ADMIN | NOSCRIPT | LOADING | STALE, NONE, config_cmd::set, "2.0.0", "Sets configuration parameters in-flight."),
    sub!("config", "resetstat", 2, ADMIN | NOSCRIPT | LOADING | STALE, NONE, config_cmd::resetstat, "2.0.0", "Resets the server's statistics."),
    sub!("config", "rewrite", 2, ADMIN | NOSCRIPT | LOADING | STALE, NONE, config_cmd::rewrite, "2.8.0", "Persists the effective configuration to file."),
    sub!("config", "help", 2, LOADING | STALE, NONE, config_cmd::help, "5.0.0", "Returns helpful text about the different subcommands."),
];

#[rustfmt::skip]
static COMMAND_SUBS: [CommandSpec; 6] = [
    sub!("command", "count", 2, LOADING | STALE, NONE, command_cmd::count, "2.8.13", "Returns a count of commands."),
    sub!("command", "info", -2, LOADING | STALE, NONE, command_cmd::info, "2.8.13", "Returns information about one, multiple or all commands."),
    sub!("command", "docs", -2, LOADING | STALE, NONE, command_cmd::docs, "7.0.0", "Returns documentary information about one, multiple or all commands."),
    sub!("command", "list", -2, LOADING | STALE, NONE, command_cmd::list, "7.0.0", "Returns a list of command names."),
    sub!("command", "getkeys", -3, LOADING | STALE, NONE, command_cmd::getkeys, "2.8.13", "Extracts the key names from an arbitrary command."),
    sub!("command", "help", 2, LOADING | STALE, NONE, command_cmd::help, "5.0.0", "Returns helpful text about the different subcommands."),
];

const OBJ_KEY: KeySpec = KeySpec { first: 2, last: 2, step: 1 };
#[rustfmt::skip]
static OBJECT_SUBS: [CommandSpec; 5] = [
    sub!("object", "encoding", 3, READONLY, OBJ_KEY, keys::object, "2.2.3", "Returns the internal encoding of a Redis object."),
    sub!("object", "freq", 3, READONLY, OBJ_KEY, keys::object, "4.0.0", "Returns the logarithmic access frequency counter of a Redis object."),
    sub!("object", "idletime", 3, READONLY, OBJ_KEY, keys::object, "2.2.3", "Returns the time since the last access to a Redis object."),
    sub!("object", "refcount", 3, READONLY, OBJ_KEY, keys::object, "2.2.3", "Returns the reference count of a value of a key."),
    sub!("object", "help", 2, LOADING | STALE, NONE, keys::object_help, "6.2.0", "Returns helpful text about the different subcommands."),
];

#[rustfmt::skip]
static PUBSUB_SUBS: [CommandSpec; 5] = [
    sub!("pubsub", "channels", -2, PUBSUB | LOADING | STALE, NONE, pubsub::channels, "2.8.0", "Returns the active channels."),
    sub!("pubsub", "numsub", -2, PUBSUB | LOADING | STALE, NONE, pubsub::numsub, "2.8.0", "Returns a count of subscribers to channels."),
    sub!("pubsub", "numpat", 2, PUBSUB | LOADING | STALE, NONE, pubsub::numpat, "2.8.0", "Returns a count of unique pattern subscriptions."),
    sub!("pubsub", "shardchannels", -2, PUBSUB | LOADING | STALE, NONE, pubsub::shardchannels, "7.0.0", "Returns the active shard channels."),
    sub!("pubsub", "shardnumsub", -2, PUBSUB | LOADING | STALE, NONE, pubsub::shardnumsub, "7.0.0", "Returns the count of subscribers of shard channels."),
];

#[rustfmt::skip]
static SLOWLOG_SUBS: [CommandSpec; 3] = [
    sub!("slowlog", "get", -2, ADMIN | LOADING | STALE, NONE, server::slowlog_get, "2.2.12", "Returns the slow log's entries."),
    sub!("slowlog", "len", 2, ADMIN | LOADING | STALE, NONE, server::slowlog_len, "2.2.12", "Returns the number of entries in the slow log."),
    sub!("slowlog", "reset", 2, ADMIN | LOADING | STALE, NONE, server::slowlog_reset, "2.2.12", "Clears all entries from the slow log."),
];

#[rustfmt::skip]
static LATENCY_SUBS: [CommandSpec; 4] = [
    sub!("latency", "latest", 2, ADMIN | NOSCRIPT | LOADING | STALE, NONE, server::latency_empty, "2.8.13", "Returns the latest latency samples for all events."),
    sub!("latency", "history", 3, ADMIN | NOSCRIPT | LOADING | STALE, NONE, server::latency_empty, "2.8.13", "Returns timestamp-latency samples for an event."),
    sub!("latency", "reset", -2, ADMIN | NOSCRIPT | LOADING | STALE, NONE, server::latency_reset, "2.8.13", "Resets the latency data for one or more events."),
    sub!("latency", "doctor", 2, ADMIN | NOSCRIPT | LOADING | STALE, NONE, server::latency_doctor, "2.8.13", "Returns a human-readable latency analysis report."),
];

#[rustfmt::skip]
static MEMORY_SUBS: [CommandSpec; 3] = [
    sub!("memory", "malloc-stats", 2, NONE_FLAGS, NONE, memory::malloc_stats, "4.0.0", "Returns the allocator statistics."),
    sub!("memory", "purge", 2, NONE_FLAGS, NONE, memory::purge, "4.0.0", "Asks the allocator to release memory."),
    sub!("memory", "help", 2, LOADING | STALE, NONE, memory::help, "4.0.0", "Returns helpful text about the different subcommands."),
];

#[rustfmt::skip]
static FUNCTION_SUBS: [CommandSpec; 2] = [
    sub!("function", "list", -2, NOSCRIPT, NONE, server::function_list, "7.0.0", "Returns information about all libraries."),
    sub!("function", "flush", -2, WRITE | NOSCRIPT, NONE, server::function_flush, "7.0.0", "Deletes all libraries and functions."),
];

/// Every family's commands.
#[rustfmt::skip]
pub static FAMILIES: &[&[CommandSpec]] = &[&CORE, &blocking::COMMANDS, &list::COMMANDS, &super::hash::COMMANDS, &super::set::COMMANDS, &super::zset::COMMANDS, &super::sort::COMMANDS, &super::bits::COMMANDS, &super::hll::COMMANDS];

/// Every top-level command, in table order.
pub fn all() -> impl Iterator<Item = &'static CommandSpec> {
    FAMILIES.iter().flat_map(|f| f.iter())
}

/// The foundation's top-level commands.
#[rustfmt::skip]
pub static CORE: [CommandSpec; 82] = [
    // connection
    cmd!("ping", "ping", -1, FAST, NONE, connection::ping, "connection", "1.0.0", "Returns the server's liveliness response."),
    cmd!("echo", "echo", 2, LOADING | STALE | FAST, NONE, connection::echo, "connection", "1.0.0", "Returns the given string."),
    cmd!("quit", "quit", -1, ALLOW_QUIT | FAST, NONE, connection::quit, "connection", "1.0.0", "Closes the connection."),
    cmd!("reset", "reset", 1, ALLOW_QUIT | FAST, NONE, connection::reset, "connection", "6.2.0", "Resets the connection."),
    cmd!("hello", "hello", -1, ALLOW_QUIT | FAST, NONE, connection::hello, "connection", "6.0.0", "Handshakes with the Redis server."),
    cmd!("auth", "auth", -2, ALLOW_QUIT | FAST, NONE, connection::auth, "connection", "1.0.0", "Authenticates the connection."),
    cmd!("select", "select", 2, LOADING | STALE | FAST, NONE, connection::select, "connection", "1.0.0", "Changes the selected database."),
    cmd!("client", "client", -2, NONE_FLAGS, NONE, client::help, "connection", "2.4.0", "A container for client connection commands.", &CLIENT_SUBS),
    // strings
    cmd!("get", "get", 2, RO_FAST, ONE, string::get, "string", "1.0.0", "Returns the string value of a key."),
    cmd!("set", "set", -3, W_OOM, ONE, string::set, "string", "1.0.0", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist."),
    cmd!("setnx", "setnx", 3, W_OOM_FAST, ONE, string::setnx, "string", "1.0.0", "Set the string value of a key only when the key doesn't exist."),
    cmd!("setex", "setex", 4, W_OOM, ONE, string::setex, "string", "2.0.0", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist."),
    cmd!("psetex", "psetex", 4, W_OOM, ONE, string::psetex, "string", "2.6.0", "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist."),
    cmd!("mget", "mget", -2, RO_FAST, ALL, string::mget, "string", "1.0.0", "Atomically returns the string values of one or more keys."),
    cmd!("mset", "mset", -3, W_OOM, PAIRS, string::mset, "string", "1.0.1", "Atomically creates or modifies the string values of one or more keys."),
    cmd!("msetnx", "msetnx", -3, W_OOM, PAIRS, string::msetnx, "string", "1.0.1", "Atomically modifies the string values of one or more keys only when all keys don't exist."),
    cmd!("getset", "getset", 3, W_OOM_FAST, ONE, string::getset, "string", "1.0.0", "Returns the previous string value of a key after setting it to a new value."),
    cmd!("getdel", "getdel", 2, WRITE | FAST, ONE, string::getdel, "string", "6.2.0", "Returns the string value of a key after deleting the key."),
    cmd!("getex", "getex", -2, WRITE | FAST, ONE, string::getex, "string", "6.2.0", "Returns the string value of a key after setting its expiration time."),
    cmd!("append", "append", 3, W_OOM_FAST, ONE, string::append, "string", "2.0.0", "Appends a string to the value of a key. Creates the key if it doesn't exist."),
    cmd!("strlen", "strlen", 2, RO_FAST, ONE, string::strlen, "string", "2.2.0", "Returns the length of a string value."),
    cmd!("getrange", "getrange", 4, READONLY, ONE, string::getrange, "string", "2.4.0", "Returns a substring of the string stored at a key."),
    cmd!("substr", "substr", 4, READONLY, ONE, string::getrange, "string", "1.0.0", "Returns a substring from a string value."),
    cmd!("setrange", "setrange", 4, W_OOM, ONE, string::setrange, "string", "2.2.0", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist."),
    cmd!("incr", "incr", 2, W_OOM_FAST, ONE, counter::incr, "string", "1.0.0", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."),
    cmd!("decr", "decr", 2, W_OOM_FAST, ONE, counter::decr, "string", "1.0.0", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."),
    cmd!("incrby", "incrby", 3, W_OOM_FAST, ONE, counter::incrby, "string", "1.0.0", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist."),
    cmd!("decrby", "decrby", 3, W_OOM_FAST, ONE, counter::decrby, "string", "1.0.0", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist."),
    cmd!("incrbyfloat", "incrbyfloat", 3, W_OOM_FAST, ONE, counter::incrbyfloat, "string", "2.6.0", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist."),
    cmd!("lcs", "lcs", -3, READONLY, TWO, lcs::lcs, "string", "7.0.0", "Finds the longest common substring."),
    // keyspace
    cmd!("del", "del", -2, WRITE, ALL, keys::del, "generic", "1.0.0", "Deletes one or more keys."),
    cmd!("unlink", "unlink", -2, WRITE | FAST, ALL, keys::del, "generic", "4.0.0", "Asynchronously deletes one or more keys."),
    cmd!("exists", "exists", -2, RO_FAST, ALL, keys::exists, "generic", "1.0.0", "Determines whether one or more keys exist."),
    cmd!("type", "type", 2, RO_FAST, ONE, keys::type_, "generic", "1.0.0", "Determines the type of value stored at a key."),
    cmd!("touch", "touch", -2, RO_FAST, ALL, keys::touch, "generic", "3.2.1", "Returns the number of existing keys out of those specified after updating the time they were last accessed."),
    cmd!("expire", "expire", -3, WRITE | FAST, ONE, expire::expire, "generic", "1.0.0", "Sets the expiration time of a key in seconds."),
    cmd!("pexpire", "pexpire", -3, WRITE | FAST, ONE, expire::pexpire, "generic", "2.6.0", "Sets the expiration time of a key in milliseconds."),
    cmd!("expireat", "expireat", -3, WRITE | FAST, ONE, expire::expireat, "generic", "1.2.0", "Sets the expiration time of a key to a Unix timestamp."),
    cmd!("pexpireat", "pexpireat", -3, WRITE | FAST, ONE, expire::pexpireat, "generic", "2.6.0", "Sets the expiration time of a key to a Unix milliseconds timestamp."),
    cmd!("ttl", "ttl", 2, RO_FAST, ONE, expire::ttl, "generic", "1.0.0", "Returns the expiration time in seconds of a key."),
    cmd!("pttl", "pttl", 2, RO_FAST, ONE, expire::pttl, "generic", "2.6.0", "Returns the expiration time in milliseconds of a key."),
    cmd!("expiretime", "expiretime", 2, RO_FAST, ONE, expire::expiretime, "generic", "7.0.0", "Returns the expiration time of a key as a Unix timestamp."),
    cmd!("pexpiretime", "pexpiretime", 2, RO_FAST, ONE, expire::pexpiretime, "generic", "7.0.0", "Returns the expiration time of a key as a Unix milliseconds timestamp."),
    cmd!("persist", "persist", 2, WRITE | FAST, ONE, expire::persist, "generic", "2.2.0", "Removes the expiration time of a key."),
    cmd!("keys", "keys", 2, READONLY | ALL_SHARDS, NONE, db::keys, "generic", "1.0.0", "Returns all key names that match a pattern."),
    cmd!("scan", "scan", -2, READONLY | ALL_SHARDS, NONE, db::scan, "generic", "2.8.0", "Iterates over the key names in the database."),
    cmd!("randomkey", "randomkey", 1, READONLY | ALL_SHARDS, NONE, keys::randomkey, "generic", "1.0.0", "Returns a random key name from the database."),
    cmd!("rename", "rename", 3, WRITE, TWO, keys::rename, "generic", "1.0.0", "Renames a key and overwrites the destination."),
    cmd!("renamenx", "renamenx", 3, WRITE | FAST, TWO, keys::renamenx, "generic", "1.0.0", "Renames a key only when the target key name doesn't exist."),
    cmd!("move", "move", 3, WRITE | FAST | ALL_SHARDS, NONE, keys::move_, "generic", "1.0.0", "Moves a key to another database."),
    cmd!("copy", "copy", -3, W_OOM | ALL_SHARDS, NONE, keys::copy, "generic", "6.2.0", "Copies the value of a key to a new key."),
    cmd!("object", "object", -2, NONE_FLAGS, NONE, keys::object_help, "generic", "2.2.3", "A container for object introspection commands.", &OBJECT_SUBS),
    cmd!("dbsize", "dbsize", 1, RO_FAST | ALL_SHARDS, NONE, db::dbsize, "server", "1.0.0", "Returns the number of keys in the database."),
    cmd!("flushdb", "flushdb", -1, WRITE | ALL_SHARDS, NONE, db::flushdb, "server", "1.0.0", "Remove all keys from the current database."),
    cmd!("flushall", "flushall", -1, WRITE | ALL_SHARDS, NONE, db::flushall, "server", "1.0.0", "Removes all keys from all databases."),
    cmd!("swapdb", "swapdb", 3, WRITE | FAST | ALL_SHARDS, NONE, db::swapdb, "server", "4.0.0", "Swaps two Redis databases."),
    // transactions
    cmd!("multi", "multi", 1, NOSCRIPT | LOADING | STALE | FAST, NONE, transaction::multi, "transactions", "1.2.0", "Starts a transaction."),
    cmd!("exec", "exec", 1, NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG, NONE, transaction::exec, "transactions", "1.2.0", "Executes all commands in a transaction."),
    cmd!("discard", "discard", 1, NOSCRIPT | LOADING | STALE | FAST, NONE, transaction::discard, "transactions", "2.0.0", "Discards a transaction."),
    cmd!("watch", "watch", -2, NOSCRIPT | LOADING | STALE | FAST, ALL, transaction::watch, "transactions", "2.2.0", "Monitors changes to keys to determine the execution of a transaction."),
    cmd!("unwatch", "unwatch", 1, NOSCRIPT | LOADING | STALE | FAST, NONE, transaction::unwatch, "transactions", "2.2.0", "Forgets about watched keys of a transaction."),
    // pub/sub
    cmd!("subscribe", "subscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE, NONE, pubsub::subscribe, "pubsub", "2.0.0", "Listens for messages published to channels."),
    cmd!("unsubscribe", "unsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE, NONE, pubsub::unsubscribe, "pubsub", "2.0.0", "Stops listening to messages posted to channels."),
    cmd!("psubscribe", "psubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE, NONE, pubsub::psubscribe, "pubsub", "2.0.0", "Listens for messages published to channels that match one or more patterns."),
    cmd!("punsubscribe", "punsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE, NONE, pubsub::punsubscribe, "pubsub", "2.0.0", "Stops listening to messages published to channels that match one or more patterns."),
    cmd!("ssubscribe", "ssubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE, NONE, pubsub::ssubscribe, "pubsub", "7.0.0", "Listens for messages published to shard channels."),
    cmd!("sunsubscribe", "sunsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE, NONE, pubsub::sunsubscribe, "pubsub", "7.0.0", "Stops listening to messages posted to shard channels."),
    cmd!("publish", "publish", 3, PUBSUB | LOADING | STALE | FAST, NONE, pubsub::publish, "pubsub", "2.0.0", "Posts a message to a channel."),
    cmd!("spublish", "spublish", 3, PUBSUB | LOADING | STALE | FAST, NONE, pubsub::spublish, "pubsub", "7.0.0", "Post a message to a shard channel"),
    cmd!("pubsub", "pubsub", -2, NONE_FLAGS, NONE, pubsub::numpat, "pubsub", "2.8.0", "A container for Pub/Sub commands.", &PUBSUB_SUBS),
    // server
    cmd!("info", "info", -1, LOADING | STALE, NONE, info::info, "server", "1.0.0", "Returns information and statistics about the server."),
    cmd!("config", "config", -2, NONE_FLAGS, NONE, config_cmd::help, "server", "2.0.0", "A container for server configuration commands.", &CONFIG_SUBS),
    cmd!("command", "command", -1, LOADING | STALE, NONE, command_cmd::command, "server", "2.8.13", "Returns detailed information about all commands.", &COMMAND_SUBS),
    cmd!("time", "time", 1, LOADING | STALE | FAST, NONE, server::time, "server", "2.6.0", "Returns the server time."),
    cmd!("lastsave", "lastsave", 1, LOADING | STALE | FAST, NONE, server::lastsave, "server", "1.0.0", "Returns the Unix timestamp of the last successful save to disk."),
    cmd!("shutdown", "shutdown", -1, ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI, NONE, server::shutdown, "server", "1.0.0", "Synchronously saves the database(s) to disk and shuts down the Redis server."),
    cmd!("monitor", "monitor", 1, ADMIN | NOSCRIPT | LOADING | STALE, NONE, server::monitor, "server", "1.0.0", "Listens for all requests received by the server in real-time."),
    cmd!("debug", "debug", -2, ADMIN | NOSCRIPT | LOADING | STALE | ALL_SHARDS, NONE, server::debug, "server", "1.0.0", "A container for debugging commands."),
    cmd!("slowlog", "slowlog", -2, NONE_FLAGS, NONE, server::latency_empty, "server", "2.2.12", "A container for slow log commands.", &SLOWLOG_SUBS),
    cmd!("latency", "latency", -2, NONE_FLAGS, NONE, server::latency_empty, "server", "2.8.13", "A container for latency diagnostics commands.", &LATENCY_SUBS),
    cmd!("memory", "memory", -2, NONE_FLAGS, NONE, memory::help, "server", "4.0.0", "A container for memory diagnostics commands.", &MEMORY_SUBS),
    cmd!("function", "function", -2, NONE_FLAGS, NONE, server::function_list, "scripting", "7.0.0", "A container for function commands.", &FUNCTION_SUBS),
];

const NONE_FLAGS: u32 = 0;
/// Commands a client may send before authenticating.
const ALLOW_QUIT: u32 = NO_AUTH | NOSCRIPT | LOADING | STALE;
