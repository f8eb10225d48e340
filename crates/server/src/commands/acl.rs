//! ACL categories of commands, as `COMMAND INFO` and `COMMAND LIST
//! FILTERBY ACLCAT` show them: Redis's names, in Redis's order.
//!
//! Like Redis (`setImplicitACLCategories`), a command's categories are the
//! ones it declares (here: its group's category, plus the exceptions in
//! [`EXTRA`]) and the ones its flags imply (`write`, `read`, `admin` and
//! `dangerous`, `pubsub`, `fast` or else `slow`, `blocking`).

use super::{flag, CommandSpec};

/// Every category, in the order Redis prints them (`ACLCommandCategories`).
const NAMES: [&str; 21] = [
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

/// Bit of a category name.
const fn bit(name: &str) -> u32 {
    let mut i = 0;
    while i < NAMES.len() {
        if const_eq(NAMES[i], name) {
            return 1 << i;
        }
        i += 1;
    }
    panic!("unknown ACL category");
}

const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const KEYSPACE: u32 = bit("keyspace");
const READ: u32 = bit("read");
const WRITE: u32 = bit("write");
const ADMIN: u32 = bit("admin");
const DANGEROUS: u32 = bit("dangerous");
const PUBSUB: u32 = bit("pubsub");
const FAST: u32 = bit("fast");
const SLOW: u32 = bit("slow");
const BLOCKING: u32 = bit("blocking");
const SCRIPTING: u32 = bit("scripting");

/// The category a command group declares (`COMMAND DOCS` group names).
fn group_category(group: &str) -> u32 {
    match group {
        "generic" => KEYSPACE,
        "string" => bit("string"),
        "list" => bit("list"),
        "set" => bit("set"),
        "sorted-set" => bit("sortedset"),
        "hash" => bit("hash"),
        "bitmap" => bit("bitmap"),
        "hyperloglog" => bit("hyperloglog"),
        "geo" => bit("geo"),
        "stream" => bit("stream"),
        "connection" => bit("connection"),
        "transactions" => bit("transaction"),
        "scripting" => SCRIPTING,
        _ => 0,
    }
}

/// Commands whose declared categories differ from their group's:
/// (full name, categories declared instead of the group's).
/// A container listed here passes its categories to its subcommands.
const EXTRA: &[(&str, u32)] = &[
    ("command", bit("connection")),
    ("dbsize", KEYSPACE),
    ("info", DANGEROUS),
    ("lastsave", ADMIN | DANGEROUS),
    ("keys", KEYSPACE | DANGEROUS),
    ("flushdb", KEYSPACE | DANGEROUS),
    ("flushall", KEYSPACE | DANGEROUS),
    ("swapdb", KEYSPACE | DANGEROUS),
    ("sort", bit("set") | bit("sortedset") | bit("list") | DANGEROUS),
    ("sort_ro", bit("set") | bit("sortedset") | bit("list") | DANGEROUS),
];

fn extra(full: &str) -> Option<u32> {
    EXTRA.iter().find(|(name, _)| *name == full).map(|&(_, cats)| cats)
}

/// The declared categories of a command or subcommand.
fn declared(spec: &CommandSpec) -> u32 {
    if let Some(cats) = extra(spec.full) {
        return cats;
    }
    if !spec.subcommands.is_empty() {
        return 0; // containers declare nothing
    }
    match spec.full.split_once('|') {
        // Subcommands take their container's categories or group.
        Some((parent, _)) => {
            extra(parent).or_else(|| super::lookup(parent.as_bytes()).map(|p| group_category(p.group))).unwrap_or(0)
        }
        None => group_category(spec.group),
    }
}

/// The categories of `spec`, in Redis's order, without the `@`.
pub fn categories(spec: &CommandSpec) -> impl Iterator<Item = &'static str> {
    let mut cats = declared(spec);
    if spec.has(flag::WRITE) {
        cats |= WRITE;
    }
    if spec.has(flag::READONLY) && cats & SCRIPTING == 0 {
        cats |= READ;
    }
    if spec.has(flag::ADMIN) {
        cats |= ADMIN | DANGEROUS;
    }
    if spec.has(flag::PUBSUB) {
        cats |= PUBSUB;
    }
    if spec.has(flag::FAST) {
        cats |= FAST;
    }
    if spec.has(flag::BLOCKING) {
        cats |= BLOCKING;
    }
    if cats & FAST == 0 {
        cats |= SLOW;
    }
    NAMES.iter().enumerate().filter(move |(i, _)| cats & (1 << i) != 0).map(|(_, n)| *n)
}
