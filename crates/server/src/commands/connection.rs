//! Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT.

use bytes::Bytes;
use hearth_resp::{Args, Frame, Protocol};

use super::args::is;
use super::client::valid_name;
use super::Ctx;
use crate::reply::{bulk_static, err, DB_RANGE, NOT_INTEGER, SYNTAX};
use crate::server::{HEARTH_VERSION, REDIS_VERSION};

/// PING [message]
pub fn ping(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    if args.len() > 2 {
        return crate::reply::wrong_arity("ping");
    }
    if ctx.client.in_resp2_pubsub() {
        let msg =
            if args.len() == 2 { Frame::Bulk(Bytes::copy_from_slice(&args[1])) } else { Frame::Bulk(Bytes::new()) };
        return Frame::Array(vec![bulk_static("pong"), msg]);
    }
    if args.len() == 2 {
        Frame::Bulk(Bytes::copy_from_slice(&args[1]))
    } else {
        Frame::simple("PONG")
    }
}

/// ECHO message
pub fn echo(_ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    Frame::Bulk(Bytes::copy_from_slice(&args[1]))
}

/// QUIT: answers OK, then the connection closes.
pub fn quit(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    ctx.client.close_after_reply = true;
    Frame::ok()
}

/// SELECT index
pub fn select(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let Some(n) = super::args::parse_canonical_i64(&args[1]) else {
        return err(NOT_INTEGER);
    };
    if n < 0 || n as usize >= ctx.shared.keyspace.databases() {
        return err(DB_RANGE);
    }
    ctx.client.db = n as usize;
    ctx.client.publish_info(|i| i.db = n as usize);
    Frame::ok()
}

const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";

/// Checks credentials for the only user Hearth has, `default`.
fn check_credentials(ctx: &Ctx<'_>, user: &[u8], pass: &[u8]) -> bool {
    let required = ctx.config(|c| c.requirepass.clone());
    user == b"default" && (required.is_empty() || required.as_bytes() == pass)
}

/// AUTH [username] password
pub fn auth(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    if args.len() > 3 {
        return err(SYNTAX);
    }
    let no_password = ctx.config(|c| c.requirepass.is_empty());
    if args.len() == 2 && no_password {
        return err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
    }
    let (user, pass): (&[u8], &[u8]) = if args.len() == 3 { (&args[1], &args[2]) } else { (b"default", &args[1]) };
    if check_credentials(ctx, user, pass) {
        ctx.client.authenticated = true;
        Frame::ok()
    } else {
        err(WRONGPASS)
    }
}

/// HELLO [protover [AUTH username password] [SETNAME clientname]]
pub fn hello(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut proto = ctx.client.protocol;
    if args.len() >= 2 {
        proto = match super::args::parse_canonical_i64(&args[1]) {
            Some(2) => Protocol::Resp2,
            Some(3) => Protocol::Resp3,
            Some(_) => return err("NOPROTO unsupported protocol version"),
            None => return err("ERR Protocol version is not an integer or out of range"),
        };
    }
    let mut name: Option<&[u8]> = None;
    let mut creds: Option<(&[u8], &[u8])> = None;
    let mut i = 2;
    while i < args.len() {
        if is(&args[i], "auth") && i + 2 < args.len() {
            creds = Some((&args[i + 1], &args[i + 2]));
            i += 3;
        } else if is(&args[i], "setname") && i + 1 < args.len() {
            name = Some(&args[i + 1]);
            i += 2;
        } else {
            return crate::reply::err_owned(format!(
                "ERR Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(&args[i])
            ));
        }
    }
    if let Some((user, pass)) = creds {
        if !check_credentials(ctx, user, pass) {
            return err(WRONGPASS);
        }
        ctx.client.authenticated = true;
    }
    if !ctx.client.authenticated {
        return err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
    }
    if let Some(n) = name {
        if !valid_name(n) {
            return err("ERR Client names cannot contain spaces, newlines or special characters.");
        }
        let n = Bytes::copy_from_slice(n);
        ctx.client.publish_info(|i| i.name = (!n.is_empty()).then_some(n));
    }
    ctx.client.protocol = proto;
    let resp = if proto == Protocol::Resp3 { 3 } else { 2 };
    ctx.client.publish_info(|i| i.resp = resp);
    Frame::Map(vec![
        (bulk_static("server"), bulk_static("redis")),
        (bulk_static("version"), bulk_static(REDIS_VERSION)),
        (bulk_static("proto"), Frame::Integer(resp as i64)),
        (bulk_static("id"), Frame::Integer(ctx.client.id() as i64)),
        (bulk_static("mode"), bulk_static("standalone")),
        (bulk_static("role"), bulk_static("master")),
        (bulk_static("modules"), Frame::Array(Vec::new())),
        (bulk_static("hearth_version"), bulk_static(HEARTH_VERSION)),
    ])
}

/// RESET: back to a fresh connection's state.
pub fn reset(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    super::cleanup_client(ctx.shared, ctx.client);
    let c = &mut *ctx.client;
    c.multi = None;
    c.multi_error = false;
    c.db = 0;
    c.protocol = Protocol::Resp2;
    c.reply_mode = crate::conn::client::ReplyMode::On;
    c.no_evict = false;
    c.no_touch = false;
    c.authenticated = ctx.shared.config.read().requirepass.is_empty();
    c.publish_info(|i| {
        i.db = 0;
        i.resp = 2;
        i.name = None;
        i.subs = (0, 0, 0);
        i.multi = -1;
        i.flags.clear();
    });
    Frame::simple("RESET")
}
