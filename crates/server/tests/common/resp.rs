//! A raw RESP2/RESP3 connection that shows the exact reply frames.
//!
//! Client libraries normalise replies (a RESP3 null and a RESP2 null bulk
//! both become `Nil`, a simple string `OK` becomes `Okay`, pushes are routed
//! elsewhere). Tests that pin down the wire format use [`Raw`] instead: it
//! sends bytes as given and parses every reply into a [`Frame`] that keeps
//! the frame type.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// How long a reply may take before the test fails.
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

/// One reply frame, with its RESP type kept.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// `+text`
    Simple(String),
    /// `-text` (and RESP3 `!` blob errors)
    Error(String),
    /// `:n`
    Int(i64),
    /// `$n` with a payload
    Bulk(Vec<u8>),
    /// `$-1`
    NullBulk,
    /// `*n`
    Array(Vec<Frame>),
    /// `*-1`
    NullArray,
    /// RESP3 `_`
    Null,
    /// RESP3 `,text` (the text as sent)
    Double(String),
    /// RESP3 `#t` / `#f`
    Bool(bool),
    /// RESP3 `(digits`
    BigNumber(String),
    /// RESP3 `=n` with its three-letter format
    Verbatim(String, Vec<u8>),
    /// RESP3 `%n`, pairs in wire order
    Map(Vec<(Frame, Frame)>),
    /// RESP3 `~n`
    Set(Vec<Frame>),
    /// RESP3 `>n`
    Push(Vec<Frame>),
}

impl Frame {
    /// The payload of a bulk or verbatim string as UTF-8 text.
    pub fn text(&self) -> String {
        match self {
            Frame::Bulk(b) | Frame::Verbatim(_, b) => String::from_utf8_lossy(b).into_owned(),
            Frame::Simple(s) => s.clone(),
            other => panic!("not a string frame: {other:?}"),
        }
    }

    /// The elements of an array, set or push.
    pub fn items(&self) -> &[Frame] {
        match self {
            Frame::Array(v) | Frame::Set(v) | Frame::Push(v) => v,
            other => panic!("not an aggregate frame: {other:?}"),
        }
    }

    /// The integer of an integer frame.
    pub fn int(&self) -> i64 {
        match self {
            Frame::Int(n) => *n,
            other => panic!("not an integer frame: {other:?}"),
        }
    }
}

/// `+OK`
pub fn ok() -> Frame {
    Frame::Simple("OK".into())
}

/// `+text`
pub fn simple(text: &str) -> Frame {
    Frame::Simple(text.into())
}

/// `-text`
pub fn err(text: &str) -> Frame {
    Frame::Error(text.into())
}

/// `:n`
pub fn int(n: i64) -> Frame {
    Frame::Int(n)
}

/// `$len payload`
pub fn bulk(payload: impl AsRef<[u8]>) -> Frame {
    Frame::Bulk(payload.as_ref().to_vec())
}

/// `*n items`
pub fn arr(items: Vec<Frame>) -> Frame {
    Frame::Array(items)
}

/// `>n items`
pub fn push(items: Vec<Frame>) -> Frame {
    Frame::Push(items)
}

/// Encodes a command as a RESP multibulk.
pub fn encode<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        let arg = arg.as_ref();
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// A blocking connection that speaks RESP byte for byte.
pub struct Raw {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Raw {
    /// Connects to `addr`.
    pub fn connect(addr: SocketAddr) -> Raw {
        let stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
        stream.set_nodelay(true).expect("nodelay on a connected socket");
        stream.set_write_timeout(Some(REPLY_TIMEOUT)).expect("non-zero timeout");
        Raw { stream, buf: Vec::new() }
    }

    /// The local address of this connection (what the server calls `addr`).
    pub fn local_addr(&self) -> SocketAddr {
        self.stream.local_addr().expect("connected socket")
    }

    /// Writes raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write to server");
    }

    /// Writes raw bytes, reporting a write error (the server may close the
    /// connection while a big request is still being sent).
    pub fn try_send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// Writes one command as a multibulk without reading the reply.
    pub fn send_cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) {
        let bytes = encode(args);
        self.send(&bytes);
    }

    /// Sends a command and reads one reply frame.
    pub fn cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Frame {
        self.send_cmd(args);
        self.read()
    }

    /// Switches the connection to RESP3 and checks that HELLO answered a map.
    pub fn hello3(&mut self) {
        let reply = self.cmd(&["HELLO", "3"]);
        assert!(matches!(reply, Frame::Map(_)), "HELLO 3 gave {reply:?}");
    }

    /// Reads one frame, failing the test after 10 s.
    pub fn read(&mut self) -> Frame {
        match self.read_within(REPLY_TIMEOUT) {
            Some(frame) => frame,
            None => {
                panic!("no complete reply within {REPLY_TIMEOUT:?}; buffered {:?}", String::from_utf8_lossy(&self.buf))
            }
        }
    }

    /// Reads one frame if a complete one arrives within `wait`.
    pub fn read_within(&mut self, wait: Duration) -> Option<Frame> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some((frame, used)) = parse(&self.buf) {
                self.buf.drain(..used);
                return Some(frame);
            }
            if !self.fill_until(deadline) {
                return None;
            }
        }
    }

    /// Reads exactly `n` raw bytes (for replies whose bytes matter).
    pub fn read_bytes(&mut self, n: usize) -> Vec<u8> {
        let deadline = Instant::now() + REPLY_TIMEOUT;
        while self.buf.len() < n {
            assert!(self.fill_until(deadline), "wanted {n} bytes, got {:?}", String::from_utf8_lossy(&self.buf));
        }
        self.buf.drain(..n).collect()
    }

    /// Asserts nothing at all arrives within `wait`.
    pub fn assert_no_reply(&mut self, wait: Duration) {
        let deadline = Instant::now() + wait;
        while self.fill_until(deadline) {}
        assert!(self.buf.is_empty(), "expected no reply, got {:?}", String::from_utf8_lossy(&self.buf));
    }

    /// Reads until the server closes the connection (true) or `wait`
    /// passes (false). What arrived meanwhile stays readable via
    /// [`Raw::take_buffered`].
    pub fn wait_closed(&mut self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            let _ = self.stream.set_read_timeout(Some(deadline - now));
            let mut chunk = [0u8; 65536];
            match self.stream.read(&mut chunk) {
                Ok(0) => return true,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return false,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                // Reset or aborted: closed from the other side.
                Err(_) => return true,
            }
        }
    }

    /// Everything received but not parsed yet.
    pub fn take_buffered(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }

    /// Closes our side.
    pub fn close(self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    /// Reads more bytes into the buffer; false on timeout or closed socket.
    fn fill_until(&mut self, deadline: Instant) -> bool {
        loop {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            let _ = self.stream.set_read_timeout(Some(deadline - now));
            let mut chunk = [0u8; 65536];
            match self.stream.read(&mut chunk) {
                Ok(0) => return false,
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return true;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    }
}

/// Parses one frame from the start of `buf`: the frame and the bytes it
/// used, or `None` if `buf` holds no complete frame yet.
pub fn parse(buf: &[u8]) -> Option<(Frame, usize)> {
    let line_end = buf.windows(2).position(|w| w == b"\r\n")?;
    let line = std::str::from_utf8(&buf[1..line_end]).expect("reply header is UTF-8");
    let after = line_end + 2;
    let tag = buf[0];
    let number = || -> i64 { line.parse().unwrap_or_else(|_| panic!("bad length {line:?}")) };
    match tag {
        b'+' => Some((Frame::Simple(line.into()), after)),
        b'-' => Some((Frame::Error(line.into()), after)),
        b':' => Some((Frame::Int(number()), after)),
        b'_' => Some((Frame::Null, after)),
        b',' => Some((Frame::Double(line.into()), after)),
        b'(' => Some((Frame::BigNumber(line.into()), after)),
        b'#' => Some((Frame::Bool(line == "t"), after)),
        b'$' | b'=' | b'!' => {
            let len = number();
            if len < 0 {
                return Some((Frame::NullBulk, after));
            }
            let end = after + len as usize;
            if buf.len() < end + 2 {
                return None;
            }
            assert_eq!(&buf[end..end + 2], b"\r\n", "bulk payload not CRLF terminated");
            let payload = buf[after..end].to_vec();
            let frame = match tag {
                b'$' => Frame::Bulk(payload),
                b'!' => Frame::Error(String::from_utf8_lossy(&payload).into_owned()),
                _ => {
                    assert!(payload.len() >= 4 && payload[3] == b':', "bad verbatim");
                    let format = String::from_utf8_lossy(&payload[..3]).into_owned();
                    Frame::Verbatim(format, payload[4..].to_vec())
                }
            };
            Some((frame, end + 2))
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let len = number();
            if len < 0 {
                return Some((Frame::NullArray, after));
            }
            let count = if tag == b'%' || tag == b'|' { 2 * len as usize } else { len as usize };
            let mut items = Vec::with_capacity(count);
            let mut pos = after;
            for _ in 0..count {
                let (item, used) = parse(&buf[pos..])?;
                items.push(item);
                pos += used;
            }
            let frame = match tag {
                b'*' => Frame::Array(items),
                b'~' => Frame::Set(items),
                b'>' => Frame::Push(items),
                b'%' => Frame::Map(pairs(items)),
                _ => {
                    // An attribute precedes the real reply; tests ignore it.
                    let (inner, used) = parse(&buf[pos..])?;
                    return Some((inner, pos + used));
                }
            };
            Some((frame, pos))
        }
        other => panic!("unknown reply type {:?} in {:?}", other as char, String::from_utf8_lossy(buf)),
    }
}

fn pairs(items: Vec<Frame>) -> Vec<(Frame, Frame)> {
    let mut out = Vec::with_capacity(items.len() / 2);
    let mut it = items.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    out
}
