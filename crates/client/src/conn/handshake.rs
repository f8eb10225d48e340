//! Opening a connection: TCP connect, `HELLO 3` (or the RESP2 fallback with
//! `AUTH` and `CLIENT SETNAME`), `SELECT`, and `CLIENT TRACKING` for the
//! near cache, all before any other request may use the socket.

use bytes::{Buf, BytesMut};
use hearth_resp::{decode_frame, Frame, Protocol};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::cache::TrackingMode;
use crate::cmd::Cmd;
use crate::config::{Config, ProtocolChoice};
use crate::error::{Error, Result};
use crate::value::check;

/// A socket ready for requests.
pub(crate) struct Opened {
    pub(crate) stream: TcpStream,
    pub(crate) protocol: Protocol,
    /// Bytes read past the last handshake reply.
    pub(crate) leftover: BytesMut,
}

/// Connects and runs the handshake within `config.connect_timeout`.
pub(crate) async fn open(config: &Config, tracking: Option<&TrackingMode>) -> Result<Opened> {
    let limit = config.connect_timeout;
    match tokio::time::timeout(limit, open_inner(config, tracking)).await {
        Ok(r) => r,
        Err(_) => Err(Error::Timeout(limit)),
    }
}

async fn open_inner(config: &Config, tracking: Option<&TrackingMode>) -> Result<Opened> {
    let stream = TcpStream::connect(config.info.addr()).await?;
    stream.set_nodelay(true)?;
    let mut io = Handshake { stream, buf: BytesMut::with_capacity(4096) };
    let info = &config.info;
    let mut protocol = Protocol::Resp2;
    let mut need_auth = info.password.is_some();
    let mut need_name = config.client_name.is_some();
    if config.protocol == ProtocolChoice::Resp3 {
        let mut hello = Cmd::new("HELLO").arg("3");
        if let Some(pass) = &info.password {
            hello = hello.arg("AUTH").arg(info.username.as_deref().unwrap_or("default")).arg(pass.as_str());
        }
        if let Some(name) = &config.client_name {
            hello = hello.arg("SETNAME").arg(name.as_str());
        }
        match io.call(&hello).await? {
            Frame::Error(text) if is_hello_refused(&text) => {}
            Frame::Error(text) => return Err(Error::server(text)),
            _ => {
                protocol = Protocol::Resp3;
                need_auth = false;
                need_name = false;
            }
        }
    }
    if need_auth {
        let mut auth = Cmd::new("AUTH");
        if let Some(user) = &info.username {
            auth = auth.arg(user.as_str());
        }
        auth = auth.arg(info.password.as_deref().unwrap_or(""));
        check(io.call(&auth).await?)?;
    }
    if need_name {
        let name = config.client_name.as_deref().unwrap_or("");
        check(io.call(&Cmd::new("CLIENT").arg("SETNAME").arg(name)).await?)?;
    }
    if info.db != 0 {
        check(io.call(&Cmd::new("SELECT").arg(info.db)).await?)?;
    }
    if let Some(mode) = tracking {
        if protocol != Protocol::Resp3 {
            return Err(Error::InvalidUse(
                "the near cache needs RESP3 invalidation pushes, and this server (or the protocol setting) is RESP2"
                    .into(),
            ));
        }
        let mut on = Cmd::new("CLIENT").arg("TRACKING").arg("on");
        if let TrackingMode::Bcast { prefixes } = mode {
            on = on.arg("BCAST");
            for p in prefixes {
                on = on.arg("PREFIX").arg(p.as_str());
            }
        }
        check(io.call(&on).await?)?;
    }
    Ok(Opened { stream: io.stream, protocol, leftover: io.buf })
}

/// `HELLO` unknown (Redis < 6) or protocol 3 refused: fall back to RESP2.
fn is_hello_refused(text: &[u8]) -> bool {
    text.starts_with(b"NOPROTO") || text.starts_with(b"ERR unknown command")
}

/// Request/reply on a socket no other task uses yet.
struct Handshake {
    stream: TcpStream,
    buf: BytesMut,
}

impl Handshake {
    async fn call(&mut self, cmd: &Cmd) -> Result<Frame> {
        let mut out = BytesMut::new();
        cmd.encode(&mut out);
        self.stream.write_all(&out).await?;
        loop {
            if let Some((frame, used)) = decode_frame(&self.buf)? {
                self.buf.advance(used);
                match frame {
                    Frame::Push(_) | Frame::Attribute(_) => continue,
                    other => return Ok(other),
                }
            }
            if self.stream.read_buf(&mut self.buf).await? == 0 {
                return Err(Error::Disconnected("the server closed the connection during the handshake".into()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_refusals_that_mean_resp2() {
        assert!(is_hello_refused(b"NOPROTO unsupported protocol version"));
        assert!(is_hello_refused(b"ERR unknown command 'HELLO', with args beginning with: '3'"));
        assert!(!is_hello_refused(b"WRONGPASS invalid username-password pair or user is disabled."));
    }
}
