//! The client's one error type, [`Error`].
//!
//! Errors the server sent keep Redis's exact text ([`ServerError`]), so a
//! caller can match on `WRONGTYPE`, `NOAUTH` or `EXECABORT` the same way it
//! would with redis-cli. Everything else says which layer failed: the socket,
//! the byte stream, a timeout, a reply of an unexpected shape. The enum is
//! `Clone` because one reply may be handed to several waiting tasks (the near
//! cache's single flight); I/O errors are shared behind an `Arc` for that.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hearth_resp::ProtocolError;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error reply from the server, with its text exactly as sent (without the
/// leading `-`), e.g. `WRONGTYPE Operation against a key holding the wrong
/// kind of value`.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerError {
    text: Bytes,
}

impl ServerError {
    pub(crate) fn new(text: Bytes) -> ServerError {
        ServerError { text }
    }

    /// The whole error text, e.g. `ERR value is not an integer or out of range`.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.text).into_owned()
    }

    /// The error code: the first word (`ERR`, `WRONGTYPE`, `NOAUTH`, ...).
    pub fn code(&self) -> &str {
        let end = self.text.iter().position(|&b| b == b' ').unwrap_or(self.text.len());
        std::str::from_utf8(&self.text[..end]).unwrap_or("")
    }

    /// The text after the code.
    pub fn message(&self) -> String {
        let start = self.text.iter().position(|&b| b == b' ').map_or(self.text.len(), |p| p + 1);
        String::from_utf8_lossy(&self.text[start..]).into_owned()
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.text))
    }
}

impl fmt::Debug for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerError({:?})", String::from_utf8_lossy(&self.text))
    }
}

/// Everything that can go wrong talking to the server.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server replied with an error; the text is Redis's, unchanged.
    #[error("{0}")]
    Server(ServerError),
    /// The socket failed (connect, read or write).
    #[error("I/O error: {0}")]
    Io(Arc<io::Error>),
    /// The server sent bytes that are not valid RESP; the connection was
    /// dropped (and with it the near cache).
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// The connection closed before the reply arrived, or no connection could
    /// be made while reconnecting. The request may or may not have run.
    #[error("connection lost: {0}")]
    Disconnected(String),
    /// No reply (or no connection) within the configured time.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// The connection URL could not be parsed.
    #[error("invalid connection URL: {0}")]
    InvalidUrl(String),
    /// A reply had a shape the requested Rust type cannot hold (for example a
    /// bulk string read as an integer).
    #[error("unexpected reply: {0}")]
    UnexpectedReply(String),
    /// `EXEC` returned a null reply: the transaction was not run.
    #[error("transaction aborted")]
    TransactionAborted,
    /// The call cannot be made on this client (for example `SUBSCRIBE`
    /// through `cmd` on the shared connection); the text says what to use.
    #[error("invalid use: {0}")]
    InvalidUse(String),
}

impl Error {
    /// The server's error, if this is one.
    pub fn server_error(&self) -> Option<&ServerError> {
        match self {
            Error::Server(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the error came from the connection rather than the command:
    /// retrying on a new connection may succeed.
    pub fn is_connection_error(&self) -> bool {
        matches!(self, Error::Io(_) | Error::Protocol(_) | Error::Disconnected(_) | Error::Timeout(_))
    }

    pub(crate) fn server(text: Bytes) -> Error {
        Error::Server(ServerError::new(text))
    }

    pub(crate) fn unexpected(what: impl fmt::Display) -> Error {
        Error::UnexpectedReply(what.to_string())
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Io(Arc::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_error_keeps_redis_text_and_splits_code() {
        let e = Error::server(Bytes::from_static(b"WRONGTYPE Operation against a key holding the wrong kind of value"));
        assert_eq!(e.to_string(), "WRONGTYPE Operation against a key holding the wrong kind of value");
        let s = e.server_error().expect("server error");
        assert_eq!(s.code(), "WRONGTYPE");
        assert_eq!(s.message(), "Operation against a key holding the wrong kind of value");
        assert!(!e.is_connection_error());
    }

    #[test]
    fn code_of_a_one_word_error_is_the_word() {
        let s = ServerError::new(Bytes::from_static(b"QUEUED"));
        assert_eq!(s.code(), "QUEUED");
        assert_eq!(s.message(), "");
    }
}
