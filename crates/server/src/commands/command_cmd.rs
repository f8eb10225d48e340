//! COMMAND, COMMAND COUNT|INFO|DOCS|LIST|GETKEYS|HELP, generated from the
//! command table.

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::args::is;
use super::{flag, table, CommandSpec, Ctx};
use crate::glob::glob_match;
use crate::reply::{bulk_static, err};

fn flags_of(spec: &CommandSpec) -> Frame {
    let mut flags: Vec<Frame> =
        flag::NAMES.iter().filter(|(f, _)| spec.has(*f)).map(|(_, n)| Frame::simple(n)).collect();
    // Redis lists `movablekeys` after the declared flags.
    if super::dispatch::has_movable_keys(spec) {
        flags.push(Frame::simple("movablekeys"));
    }
    Frame::Set(flags)
}

fn acl_categories(spec: &CommandSpec) -> Frame {
    Frame::Set(super::acl::categories(spec).map(|c| Frame::Simple(Bytes::from(format!("@{c}")))).collect())
}

fn key_specs(spec: &CommandSpec) -> Frame {
    if spec.keys.first <= 0 {
        return Frame::Array(Vec::new());
    }
    let k = spec.keys;
    let access = if spec.has(flag::WRITE) { "RW" } else { "RO" };
    Frame::Array(vec![Frame::Map(vec![
        (bulk_static("flags"), Frame::Set(vec![Frame::simple(access)])),
        (
            bulk_static("begin_search"),
            Frame::Map(vec![
                (bulk_static("type"), bulk_static("index")),
                (bulk_static("spec"), Frame::Map(vec![(bulk_static("index"), Frame::Integer(k.first as i64))])),
            ]),
        ),
        (
            bulk_static("find_keys"),
            Frame::Map(vec![
                (bulk_static("type"), bulk_static("range")),
                (
                    bulk_static("spec"),
                    Frame::Map(vec![
                        (
                            bulk_static("lastkey"),
                            Frame::Integer(if k.last < 0 { k.last as i64 } else { (k.last - k.first) as i64 }),
                        ),
                        (bulk_static("keystep"), Frame::Integer(k.step as i64)),
                        (bulk_static("limit"), Frame::Integer(0)),
                    ]),
                ),
            ]),
        ),
    ])])
}

fn info_of(spec: &'static CommandSpec) -> Frame {
    Frame::Array(vec![
        Frame::Bulk(Bytes::from_static(spec.full.as_bytes())),
        Frame::Integer(spec.arity as i64),
        flags_of(spec),
        Frame::Integer(spec.keys.first as i64),
        Frame::Integer(spec.keys.last as i64),
        Frame::Integer(spec.keys.step as i64),
        acl_categories(spec),
        Frame::Set(Vec::new()),
        key_specs(spec),
        Frame::Array(spec.subcommands.iter().map(info_of).collect()),
    ])
}

/// COMMAND
pub fn command(_ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    if args.len() > 1 {
        return err("ERR unknown subcommand");
    }
    Frame::Array(table::all().map(info_of).collect())
}

/// COMMAND COUNT
pub fn count(_ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    Frame::Integer(table::all().count() as i64)
}

/// COMMAND INFO [name ...]
pub fn info(_ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    if args.len() == 2 {
        return Frame::Array(table::all().map(info_of).collect());
    }
    Frame::Array(args.iter().skip(2).map(|n| super::lookup(n).map_or(Frame::Null, info_of)).collect())
}

fn doc_of(spec: &'static CommandSpec) -> Frame {
    let mut fields = vec![
        (bulk_static("summary"), Frame::Bulk(Bytes::from_static(spec.summary.as_bytes()))),
        (bulk_static("since"), Frame::Bulk(Bytes::from_static(spec.since.as_bytes()))),
        (bulk_static("group"), Frame::Bulk(Bytes::from_static(spec.group.as_bytes()))),
    ];
    if !spec.subcommands.is_empty() {
        let subs =
            spec.subcommands.iter().map(|s| (Frame::Bulk(Bytes::from_static(s.full.as_bytes())), doc_of(s))).collect();
        fields.push((bulk_static("subcommands"), Frame::Map(subs)));
    }
    Frame::Map(fields)
}

/// COMMAND DOCS [name ...]
pub fn docs(_ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let specs: Vec<&'static CommandSpec> =
        if args.len() == 2 { table::all().collect() } else { args.iter().skip(2).filter_map(super::lookup).collect() };
    Frame::Map(specs.into_iter().map(|s| (Frame::Bulk(Bytes::from_static(s.name.as_bytes())), doc_of(s))).collect())
}

/// COMMAND LIST [FILTERBY MODULE name|ACLCAT cat|PATTERN pattern]
pub fn list(_ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut names: Vec<&'static str> = table::all().map(|c| c.name).collect();
    if args.len() == 5 && is(&args[2], "filterby") {
        let v = &args[4];
        if is(&args[3], "pattern") {
            names.retain(|n| glob_match(v, n.as_bytes(), true));
        } else if is(&args[3], "module") {
            names.clear();
        } else if is(&args[3], "aclcat") {
            let want = String::from_utf8_lossy(v).to_ascii_lowercase();
            names.retain(|n| {
                let spec = super::lookup(n.as_bytes()).expect("listed from the table");
                super::acl::categories(spec).any(|c| c == want)
            });
        } else {
            return err("ERR syntax error");
        }
    } else if args.len() != 2 {
        return err("ERR syntax error");
    }
    Frame::Array(names.into_iter().map(|n| Frame::Bulk(Bytes::from_static(n.as_bytes()))).collect())
}

/// COMMAND GETKEYS command [arg ...]
pub fn getkeys(_ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let rest: Vec<&[u8]> = args.iter().skip(2).collect();
    let owned = hearth_resp::OwnedArgs::from_slices(rest);
    let a = owned.as_args();
    let Some(spec) = super::lookup(&a[0]) else {
        return err("ERR Invalid command specified");
    };
    let spec = match super::dispatch::resolve_spec(a) {
        Ok(s) => s,
        Err(_) if spec.subcommands.is_empty() => return err("ERR Invalid number of arguments specified for command"),
        Err(_) => return err("ERR Invalid command specified"),
    };
    let keys: Vec<Frame> = super::dispatch::key_positions(spec, a)
        .into_iter()
        .map(|i| Frame::Bulk(Bytes::copy_from_slice(&a[i])))
        .collect();
    if keys.is_empty() {
        return err("ERR The command has no key arguments");
    }
    Frame::Array(keys)
}

/// COMMAND HELP
pub fn help(_ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    let lines = [
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all commands.",
        "COUNT",
        "    Return the total number of commands in this server.",
        "LIST",
        "    Return a list of all commands in this server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple commands.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple commands.",
        "GETKEYS <full-command>",
        "    Return the keys from a full command.",
        "HELP",
        "    Print this help.",
    ];
    crate::reply::help(&lines)
}
