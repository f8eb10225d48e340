//! [`Cmd`]: one command as a list of arguments, and what the client must know
//! about it before sending it on the shared connection.
//!
//! Two facts about a raw command matter to the client: whether it may run on
//! the multiplexed connection at all (`MULTI` sent alone would swallow other
//! tasks' commands), and which keys it writes, so the near cache can drop its
//! own copies before the write returns (read-your-writes). The key table
//! covers the common write commands; a write this table does not know is
//! still invalidated by the server's push, just not before its reply.

use bytes::{Bytes, BytesMut};
use hearth_resp::{write_array_header, write_bulk};

use crate::error::{Error, Result};
use crate::value::ToArg;

/// A command: name and arguments.
///
/// ```
/// let c = hearth::cmd("SET").arg("greeting").arg("hello").arg("EX").arg(60);
/// assert_eq!(c.arg_list().len(), 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cmd {
    args: Vec<Bytes>,
}

/// Starts a command by name.
pub fn cmd(name: &str) -> Cmd {
    Cmd::new(name)
}

impl Cmd {
    /// A command with no arguments yet.
    pub fn new(name: &str) -> Cmd {
        Cmd { args: vec![Bytes::copy_from_slice(name.as_bytes())] }
    }

    /// Appends one argument.
    pub fn arg(mut self, arg: impl ToArg) -> Cmd {
        self.args.push(arg.to_arg());
        self
    }

    /// Appends every argument of `args`.
    pub fn args<I>(mut self, args: I) -> Cmd
    where
        I: IntoIterator,
        I::Item: ToArg,
    {
        self.args.extend(args.into_iter().map(|a| a.to_arg()));
        self
    }

    pub(crate) fn push(&mut self, arg: Bytes) {
        self.args.push(arg);
    }

    /// The name and arguments, as they will be sent.
    pub fn arg_list(&self) -> &[Bytes] {
        &self.args
    }

    /// The command name, upper-cased.
    pub(crate) fn name_upper(&self) -> Vec<u8> {
        self.args.first().map(|n| n.to_ascii_uppercase()).unwrap_or_default()
    }

    /// Appends the RESP multibulk form to `out`.
    pub(crate) fn encode(&self, out: &mut BytesMut) {
        write_array_header(out, self.args.len());
        for a in &self.args {
            write_bulk(out, a);
        }
    }

    /// Refuses commands that would break the shared connection for other
    /// tasks.
    pub(crate) fn check_shareable(&self) -> Result<()> {
        let name = self.name_upper();
        let advice = match &name[..] {
            b"MULTI" | b"EXEC" | b"DISCARD" => "use Client::multi() for transactions",
            b"WATCH" | b"UNWATCH" => "WATCH needs a connection of its own: use Client::dedicated()",
            b"SUBSCRIBE" | b"PSUBSCRIBE" | b"SSUBSCRIBE" | b"UNSUBSCRIBE" | b"PUNSUBSCRIBE" | b"SUNSUBSCRIBE" => {
                "use Client::subscribe(), which opens a dedicated connection"
            }
            b"SELECT" => "choose the database in the URL (redis://host:port/db), or use Client::dedicated()",
            b"HELLO" | b"RESET" | b"QUIT" | b"MONITOR" => "the client manages the connection state itself",
            b"CLIENT" if self.args.get(1).is_some_and(|s| s.eq_ignore_ascii_case(b"TRACKING")) => {
                "the near cache manages CLIENT TRACKING"
            }
            _ => return Ok(()),
        };
        Err(Error::InvalidUse(format!("{} on the shared connection: {advice}", String::from_utf8_lossy(&name))))
    }

    /// What this command writes, as far as the near cache is concerned.
    pub(crate) fn writes(&self) -> Writes {
        let name = self.name_upper();
        let a = &self.args;
        let from = |i: usize| a.iter().skip(i).cloned().collect::<Vec<_>>();
        let first = || a.get(1).cloned().into_iter().collect::<Vec<_>>();
        match &name[..] {
            b"FLUSHALL" | b"FLUSHDB" | b"SWAPDB" => Writes::All,
            b"DEL" | b"UNLINK" | b"TOUCH" => Writes::Keys(from(1)),
            b"MSET" | b"MSETNX" => Writes::Keys(a.iter().skip(1).step_by(2).cloned().collect()),
            // Every argument but the trailing timeout.
            b"BLPOP" | b"BRPOP" | b"BZPOPMIN" | b"BZPOPMAX" => {
                Writes::Keys(a.iter().skip(1).take(a.len().saturating_sub(2)).cloned().collect())
            }
            b"RENAME" | b"RENAMENX" | b"COPY" | b"SMOVE" | b"LMOVE" | b"RPOPLPUSH" | b"BLMOVE" | b"BRPOPLPUSH" => {
                Writes::Keys(a.iter().skip(1).take(2).cloned().collect())
            }
            // Scripts and multi-key pops name their keys after a count:
            // any of them may be written.
            b"LMPOP" | b"ZMPOP" => Writes::Keys(counted_keys(a, 1)),
            b"EVAL" | b"EVALSHA" | b"FCALL" | b"BLMPOP" | b"BZMPOP" => Writes::Keys(counted_keys(a, 2)),
            b"SINTERSTORE" | b"SUNIONSTORE" | b"SDIFFSTORE" | b"ZUNIONSTORE" | b"ZINTERSTORE" | b"ZDIFFSTORE"
            | b"ZRANGESTORE" | b"GEORADIUS" | b"BITOP" | b"PFMERGE" => {
                // The destination is the first key (BITOP: after the operation).
                let i = if &name[..] == b"BITOP" { 2 } else { 1 };
                Writes::Keys(a.get(i).cloned().into_iter().collect())
            }
            b"SET" | b"SETNX" | b"SETEX" | b"PSETEX" | b"GETSET" | b"GETDEL" | b"GETEX" | b"APPEND" | b"SETRANGE"
            | b"INCR" | b"DECR" | b"INCRBY" | b"DECRBY" | b"INCRBYFLOAT" | b"SETBIT" | b"EXPIRE" | b"PEXPIRE"
            | b"EXPIREAT" | b"PEXPIREAT" | b"PERSIST" | b"HSET" | b"HSETNX" | b"HMSET" | b"HDEL" | b"HINCRBY"
            | b"HINCRBYFLOAT" | b"HEXPIRE" | b"HPEXPIRE" | b"HPERSIST" | b"LPUSH" | b"RPUSH" | b"LPUSHX"
            | b"RPUSHX" | b"LPOP" | b"RPOP" | b"LSET" | b"LREM" | b"LTRIM" | b"LINSERT" | b"SADD" | b"SREM"
            | b"SPOP" | b"ZADD" | b"ZREM" | b"ZINCRBY" | b"ZPOPMIN" | b"ZPOPMAX" | b"ZREMRANGEBYRANK"
            | b"ZREMRANGEBYSCORE" | b"ZREMRANGEBYLEX" | b"PFADD" | b"XADD" | b"XDEL" | b"XTRIM" | b"RESTORE"
            | b"MOVE" | b"SORT" | b"GEOADD" | b"BITFIELD" | b"HSETEX" | b"HGETDEL" | b"HGETEX" | b"HEXPIREAT"
            | b"HPEXPIREAT" => Writes::Keys(first()),
            _ => Writes::None,
        }
    }
}

/// The keys of `CMD ... numkeys key...`, where `numkeys` is argument
/// `count_at` (none if it does not parse).
fn counted_keys(a: &[Bytes], count_at: usize) -> Vec<Bytes> {
    let n = a.get(count_at).and_then(|n| std::str::from_utf8(n).ok()?.parse::<usize>().ok()).unwrap_or(0);
    a.iter().skip(count_at + 1).take(n).cloned().collect()
}

/// The keys a command writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Writes {
    /// A read, or a command the table does not know.
    None,
    /// These keys.
    Keys(Vec<Bytes>),
    /// Possibly every key (`FLUSHALL`, `SWAPDB`).
    All,
}

impl Writes {
    pub(crate) fn merge(self, other: Writes) -> Writes {
        match (self, other) {
            (Writes::All, _) | (_, Writes::All) => Writes::All,
            (Writes::None, w) | (w, Writes::None) => w,
            (Writes::Keys(mut a), Writes::Keys(b)) => {
                a.extend(b);
                Writes::Keys(a)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(w: Writes) -> Vec<String> {
        match w {
            Writes::Keys(k) => k.iter().map(|b| String::from_utf8_lossy(b).into_owned()).collect(),
            other => panic!("expected keys, got {other:?}"),
        }
    }

    #[test]
    fn encodes_as_multibulk() {
        let mut out = BytesMut::new();
        cmd("GET").arg("k").encode(&mut out);
        assert_eq!(&out[..], b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    }

    #[test]
    fn write_keys_follow_each_commands_layout() {
        assert_eq!(keys(cmd("mset").args(["a", "1", "b", "2"]).writes()), ["a", "b"]);
        assert_eq!(keys(cmd("DEL").args(["a", "b", "c"]).writes()), ["a", "b", "c"]);
        assert_eq!(keys(cmd("rename").args(["a", "b"]).writes()), ["a", "b"]);
        assert_eq!(keys(cmd("BITOP").args(["AND", "dst", "x"]).writes()), ["dst"]);
        assert_eq!(keys(cmd("BLPOP").args(["a", "b", "0"]).writes()), ["a", "b"]);
        assert_eq!(keys(cmd("EVAL").args(["return 1", "2", "k1", "k2", "arg"]).writes()), ["k1", "k2"]);
        assert_eq!(keys(cmd("LMPOP").args(["1", "l", "LEFT"]).writes()), ["l"]);
        assert_eq!(keys(cmd("BLMPOP").args(["0", "2", "a", "b", "LEFT"]).writes()), ["a", "b"]);
        assert_eq!(keys(cmd("EVAL").args(["return 1", "x"]).writes()), Vec::<String>::new());
        assert_eq!(keys(cmd("GEOADD").args(["g", "1", "2", "m"]).writes()), ["g"]);
        assert_eq!(keys(cmd("hset").args(["h", "f", "v"]).writes()), ["h"]);
        assert_eq!(cmd("GET").arg("a").writes(), Writes::None);
        assert_eq!(cmd("flushall").writes(), Writes::All);
    }

    #[test]
    fn connection_state_commands_are_refused_on_the_shared_connection() {
        assert!(cmd("multi").check_shareable().is_err());
        assert!(cmd("SUBSCRIBE").arg("c").check_shareable().is_err());
        assert!(cmd("client").arg("tracking").arg("on").check_shareable().is_err());
        assert!(cmd("CLIENT").arg("ID").check_shareable().is_ok());
        assert!(cmd("GET").arg("k").check_shareable().is_ok());
    }

    #[test]
    fn merging_writes_keeps_the_widest() {
        let a = Writes::Keys(vec![Bytes::from_static(b"a")]);
        assert_eq!(a.clone().merge(Writes::None), a);
        assert_eq!(a.merge(Writes::All), Writes::All);
    }
}
