//! Generic key commands: DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME(NX),
//! MOVE, COPY, OBJECT, RANDOMKEY.

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::args::{int_arg, is};
use super::Ctx;
use crate::keyspace::{hash_key, shard_of, ValueRef};
use crate::notify::class::GENERIC;
use crate::reply::{err, DB_RANGE, NO_SUCH_KEY, SYNTAX};

/// DEL key [key ...] (and UNLINK)
pub fn del(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut n = 0;
    for key in args.iter().skip(1) {
        if ctx.db().delete(key) {
            ctx.notify(GENERIC, "del", key);
            n += 1;
        }
    }
    Frame::Integer(n)
}

/// EXISTS key [key ...]: counts repeats, as Redis does.
pub fn exists(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut db = ctx.db();
    Frame::Integer(args.iter().skip(1).filter(|k| db.exists(k)).count() as i64)
}

/// TOUCH key [key ...]
pub fn touch(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut db = ctx.db();
    Frame::Integer(args.iter().skip(1).filter(|k| db.get(k).is_some()).count() as i64)
}

/// The TYPE name of a value.
pub fn type_name(v: ValueRef<'_>) -> &'static str {
    match v {
        ValueRef::Str(_) | ValueRef::Int(_) => "string",
        ValueRef::Obj(o) => o.type_name(),
    }
}

/// TYPE key
pub fn type_(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let name = ctx.db().peek(&args[1]).map_or("none", |e| type_name(e.value()));
    Frame::simple(name)
}

fn rename_generic(ctx: &mut Ctx<'_>, args: Args<'_>, nx: bool) -> Frame {
    let (src, dst) = (&args[1], &args[2]);
    let mut db = ctx.db();
    if !db.exists(src) {
        return err(NO_SUCH_KEY);
    }
    if src == dst {
        return if nx { Frame::Integer(0) } else { Frame::ok() };
    }
    if nx && db.exists(dst) {
        return Frame::Integer(0);
    }
    let entry = db.take(src).expect("checked above").with_key(dst);
    db.put_entry(entry);
    ctx.notify(GENERIC, "rename_from", src);
    ctx.notify(GENERIC, "rename_to", dst);
    if nx {
        Frame::Integer(1)
    } else {
        Frame::ok()
    }
}

/// RENAME key newkey
pub fn rename(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    rename_generic(ctx, args, false)
}

/// RENAMENX key newkey
pub fn renamenx(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    rename_generic(ctx, args, true)
}

fn db_index(ctx: &Ctx<'_>, arg: &[u8]) -> Result<usize, Frame> {
    let n = int_arg(arg)?;
    if n < 0 || n as usize >= ctx.shared.keyspace.databases() {
        return Err(err(DB_RANGE));
    }
    Ok(n as usize)
}

fn lock_key_in(ctx: &mut Ctx<'_>, key: &[u8], dbs: [usize; 2]) {
    let s = shard_of(hash_key(key));
    let mut wanted = vec![(dbs[0], s), (dbs[1], s)];
    ctx.guards.ensure(&ctx.shared.keyspace, &mut wanted);
}

/// MOVE key db
pub fn move_(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let target = match db_index(ctx, &args[2]) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let (key, src_db) = (&args[1], ctx.client.db);
    if target == src_db {
        return err("ERR source and destination objects are the same");
    }
    lock_key_in(ctx, key, [src_db, target]);
    if !ctx.db().exists(key) || ctx.db_at(target).exists(key) {
        return Frame::Integer(0);
    }
    let entry = ctx.db().take(key).expect("checked above");
    ctx.db_at(target).put_entry(entry);
    ctx.notify(GENERIC, "move_from", key);
    crate::notify::emit(target, GENERIC, "move_to", key);
    Frame::Integer(1)
}

/// COPY source destination [DB destination-db] [REPLACE]
pub fn copy(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let (src, dst) = (&args[1], &args[2]);
    let mut target = ctx.client.db;
    let mut replace = false;
    let mut i = 3;
    while i < args.len() {
        if is(&args[i], "replace") {
            replace = true;
        } else if is(&args[i], "db") && i + 1 < args.len() {
            target = match db_index(ctx, &args[i + 1]) {
                Ok(d) => d,
                Err(e) => return e,
            };
            i += 1;
        } else {
            return err(SYNTAX);
        }
        i += 1;
    }
    let src_db = ctx.client.db;
    if src == dst && target == src_db {
        return err("ERR source and destination objects are the same");
    }
    let mut wanted = vec![(src_db, shard_of(hash_key(src))), (target, shard_of(hash_key(dst)))];
    ctx.guards.ensure(&ctx.shared.keyspace, &mut wanted);
    let Some(copy) = ctx.db().peek(src).map(|e| e.copy_as(dst)) else {
        return Frame::Integer(0);
    };
    let mut dst_view = ctx.db_at(target);
    if dst_view.exists(dst) {
        if !replace {
            return Frame::Integer(0);
        }
        dst_view.delete(dst);
    }
    dst_view.put_entry(copy);
    crate::notify::emit(target, GENERIC, "copy_to", dst);
    Frame::Integer(1)
}

const LFU_NOT_SELECTED: &str = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
const LFU_SELECTED: &str = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

/// OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT key
pub fn object(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let sub = &args[1];
    let lfu = ctx.config(|c| c.maxmemory_policy.contains("lfu"));
    let list_size = ctx.config(|c| c.list_max_listpack_size);
    let ctx_decay = ctx.config(|c| c.lfu_decay_time as u32);
    let now = ctx.now;
    let mut db = ctx.db();
    let Some(e) = db.peek(&args[2]) else {
        return Frame::Null;
    };
    if is(sub, "encoding") {
        Frame::Bulk(Bytes::from_static(
            match e.value() {
                ValueRef::Int(_) => "int",
                ValueRef::Str(_) if e.is_raw() => "raw",
                ValueRef::Str(s) if s.len() <= 44 => "embstr",
                ValueRef::Str(_) => "raw",
                ValueRef::Obj(o) => o.encoding(list_size),
            }
            .as_bytes(),
        ))
    } else if is(sub, "refcount") {
        let shared_int = matches!(e.value(), ValueRef::Int(i) if (0..10_000).contains(&i));
        Frame::Integer(if shared_int { i32::MAX as i64 } else { 1 })
    } else if is(sub, "idletime") {
        if lfu {
            return err(LFU_SELECTED);
        }
        Frame::Integer(crate::clock::idle_seconds(now, e.lru()) as i64)
    } else if is(sub, "freq") {
        if !lfu {
            return err(LFU_NOT_SELECTED);
        }
        let decay = ctx_decay;
        let minutes = crate::keyspace::evict::lfu_minutes(now);
        Frame::Integer(crate::keyspace::evict::lfu_decayed(e.lru(), minutes, decay) as i64)
    } else {
        err("ERR unknown subcommand")
    }
}

/// OBJECT HELP
pub fn object_help(_ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    let lines = [
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Print this help.",
    ];
    crate::reply::help(&lines)
}

/// RANDOMKEY
pub fn randomkey(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    let db = ctx.client.db;
    ctx.lock_dbs(&[db]);
    let now = ctx.now;
    let mut found = None;
    let start: usize = rand::random();
    for attempt in 0..crate::keyspace::SHARDS * 4 {
        let idx = (start + attempt) % crate::keyspace::SHARDS;
        let shard = ctx.guards.shard(db, idx);
        if shard.is_empty() {
            continue;
        }
        if let Some(slot) = shard.random_slot(rand::random()) {
            let e = shard.entry(slot);
            if !e.is_expired(now) {
                found = Some(Bytes::copy_from_slice(e.key()));
                break;
            }
        }
    }
    found.map_or(Frame::Null, Frame::Bulk)
}
