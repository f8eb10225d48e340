//! A blocking RESP client and the helpers of the multi-threaded client
//! tracking tests (`tracking_stress.rs`, `tracking_races.rs`): frames, a
//! connection over a plain `std::net::TcpStream`, invalidation decoding and a
//! tiny reproducible random generator. Keys are named `key:<index>`.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use super::Server;

/// How long one stress test may run before it stops on its own.
pub const TIME_LIMIT: Duration = Duration::from_secs(45);
/// The channel RESP2 redirect targets subscribe to.
pub const CHANNEL: &str = "__redis__:invalidate";

// -- a tiny RESP client ---------------------------------------------------------------

/// The frames this test meets.
#[derive(Debug, Clone, PartialEq)]
pub enum F {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<F>>),
    Push(Vec<F>),
    Null,
    /// Maps, sets and the rest: only HELLO's reply, which is skipped.
    Other,
}

pub struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    pub fn connect(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).expect("connect to the server");
        stream.set_nodelay(true).expect("nodelay");
        stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
        Conn { reader: BufReader::with_capacity(1 << 16, stream.try_clone().expect("clone socket")), writer: stream }
    }

    pub fn send(&mut self, args: &[&[u8]]) {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        self.writer.write_all(&out).expect("write to the server");
    }

    pub fn line(&mut self) -> Vec<u8> {
        let mut line = Vec::new();
        self.reader.read_until(b'\n', &mut line).expect("read from the server");
        assert!(line.ends_with(b"\r\n"), "connection closed or bad line: {:?}", String::from_utf8_lossy(&line));
        line.truncate(line.len() - 2);
        line
    }

    pub fn read(&mut self) -> F {
        let line = self.line();
        let rest = String::from_utf8_lossy(&line[1..]).into_owned();
        let n = || rest.parse::<i64>().expect("a length");
        match line[0] {
            b'+' => F::Simple(rest),
            b'-' => F::Error(rest),
            b':' => F::Int(n()),
            b'_' => F::Null,
            b'$' => {
                if n() < 0 {
                    return F::Bulk(None);
                }
                let mut data = vec![0u8; n() as usize + 2];
                std::io::Read::read_exact(&mut self.reader, &mut data).expect("bulk payload");
                data.truncate(n() as usize);
                F::Bulk(Some(data))
            }
            b'*' | b'>' => {
                if n() < 0 {
                    return F::Array(None);
                }
                let items: Vec<F> = (0..n()).map(|_| self.read()).collect();
                if line[0] == b'>' {
                    F::Push(items)
                } else {
                    F::Array(Some(items))
                }
            }
            b'%' | b'~' => {
                let count = if line[0] == b'%' { 2 * n() } else { n() };
                for _ in 0..count {
                    self.read();
                }
                F::Other
            }
            other => panic!("unexpected RESP type {:?}", other as char),
        }
    }

    pub fn cmd(&mut self, args: &[&str]) -> F {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        self.send(&args);
        self.read()
    }

    /// Whether bytes are already readable, without waiting.
    pub fn has_pending(&mut self) -> bool {
        if !self.reader.buffer().is_empty() {
            return true;
        }
        self.writer.set_nonblocking(true).expect("nonblocking");
        let pending = match self.reader.fill_buf() {
            Ok(buf) => !buf.is_empty(),
            Err(e) if e.kind() == ErrorKind::WouldBlock => false,
            Err(e) => panic!("read: {e}"),
        };
        self.writer.set_nonblocking(false).expect("blocking");
        pending
    }
}

/// Hearth with two worker threads (connections are spread round robin, so
/// readers and writers run on different threads), or redis-server.
pub fn start_server() -> Server {
    let reference = std::env::var_os("HEARTH_IT_REFERENCE").is_some_and(|v| !v.is_empty() && v != "0");
    Server::start(if reference { &[] } else { &["--io-threads", "2"] })
}

pub fn ok(f: F) {
    assert_eq!(f, F::Simple("OK".into()));
}

pub fn key(i: usize) -> String {
    format!("key:{i}")
}

pub fn key_index(name: &[u8]) -> usize {
    std::str::from_utf8(name)
        .ok()
        .and_then(|s| s.strip_prefix("key:"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected key {:?}", String::from_utf8_lossy(name)))
}

/// A tiny xorshift generator: no dependency, reproducible per thread.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

// -- the invalidation side of a reader --------------------------------------------------

/// What an invalidation says: these keys, or everything (a flush).
pub enum Invalidation {
    Keys(Vec<usize>),
    All,
}

/// Decodes an invalidation frame (RESP3 push or RESP2 message), or None
/// when `f` is something else.
pub fn invalidation(f: &F) -> Option<Invalidation> {
    let keys = match f {
        F::Push(items) if items.len() == 2 && items[0] == F::Bulk(Some(b"invalidate".to_vec())) => &items[1],
        F::Array(Some(items))
            if items.len() == 3
                && items[0] == F::Bulk(Some(b"message".to_vec()))
                && items[1] == F::Bulk(Some(CHANNEL.as_bytes().to_vec())) =>
        {
            &items[2]
        }
        _ => return None,
    };
    match keys {
        F::Null | F::Bulk(None) | F::Array(None) => Some(Invalidation::All),
        F::Array(Some(ks)) => Some(Invalidation::Keys(
            ks.iter()
                .map(|k| match k {
                    F::Bulk(Some(name)) => key_index(name),
                    other => panic!("bad key in an invalidation: {other:?}"),
                })
                .collect(),
        )),
        other => panic!("bad key list in an invalidation: {other:?}"),
    }
}

pub fn is_pong(f: &F) -> bool {
    match f {
        F::Simple(s) => s == "PONG",
        // RESP2 subscribed mode answers PING with ["pong", ""].
        F::Array(Some(items)) => items.first() == Some(&F::Bulk(Some(b"pong".to_vec()))),
        _ => false,
    }
}

pub fn number(f: &F) -> u64 {
    match f {
        F::Bulk(None) | F::Null => 0,
        F::Bulk(Some(b)) => std::str::from_utf8(b).ok().and_then(|s| s.parse().ok()).expect("a number"),
        other => panic!("GET answered {other:?}"),
    }
}
