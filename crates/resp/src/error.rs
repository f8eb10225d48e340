//! Protocol errors of the request parser and the frame decoder.
//!
//! The `Display` text of every request-parser error is exactly what Redis puts
//! after `-ERR ` before it closes the connection (see `processMultibulkBuffer`
//! and `processInlineBuffer` in Redis's `networking.c`), so the server can reply
//! `-ERR {error}` without translating. The decoder-only variants have texts of
//! our own in the same style. This module owns no parsing logic.

use std::fmt;

/// A malformed request or frame. After one of these the byte stream cannot be
/// resynchronised: the server replies `-ERR {self}` and closes the connection.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// `*<n>` where `<n>` is not a strict integer or exceeds the multibulk limit.
    #[error("Protocol error: invalid multibulk length")]
    InvalidMultibulkLength,
    /// `$<n>` where `<n>` is not a strict integer, is negative or exceeds
    /// `proto-max-bulk-len`.
    #[error("Protocol error: invalid bulk length")]
    InvalidBulkLength,
    /// An argument of a multibulk request did not start with `$`.
    #[error("Protocol error: expected '$', got {}", QuotedByte(*.0))]
    ExpectedDollar(u8),
    /// An inline request line longer than the inline limit.
    #[error("Protocol error: too big inline request")]
    TooBigInlineRequest,
    /// The `*<n>` line of a request is longer than the inline limit.
    #[error("Protocol error: too big mbulk count string")]
    TooBigMultibulkCount,
    /// A `$<n>` line of a request is longer than the inline limit.
    #[error("Protocol error: too big bulk count string")]
    TooBigBulkCount,
    /// An inline request with an unterminated quote, or a closing quote not
    /// followed by a space.
    #[error("Protocol error: unbalanced quotes in request")]
    UnbalancedQuotes,
    /// More than 10 arguments from a client that must authenticate first.
    #[error("Protocol error: unauthenticated multibulk length")]
    UnauthenticatedMultibulkLength,
    /// An argument longer than 16384 bytes from a client that must
    /// authenticate first.
    #[error("Protocol error: unauthenticated bulk length")]
    UnauthenticatedBulkLength,
    /// Decoder: a frame started with a byte that is no RESP2/RESP3 type.
    #[error("Protocol error: unknown frame type {}", QuotedByte(*.0))]
    UnknownFrameType(u8),
    /// Decoder: an integer frame (`:`) or a length that is not an integer.
    #[error("Protocol error: invalid integer")]
    InvalidInteger,
    /// Decoder: a double frame (`,`) that is not a number, `inf`, `-inf` or `nan`.
    #[error("Protocol error: invalid double")]
    InvalidDouble,
    /// Decoder: a boolean frame other than `#t` or `#f`.
    #[error("Protocol error: invalid boolean")]
    InvalidBoolean,
    /// Decoder: a big number frame (`(`) that is not an optionally signed run
    /// of digits.
    #[error("Protocol error: invalid big number")]
    InvalidBigNumber,
    /// Decoder: a verbatim string (`=`) without its `xxx:` format prefix.
    #[error("Protocol error: invalid verbatim string")]
    InvalidVerbatim,
    /// Decoder: a line or a blob not terminated by CRLF.
    #[error("Protocol error: expected CRLF")]
    ExpectedCrlf,
    /// Decoder: aggregates nested deeper than [`crate::MAX_DEPTH`].
    #[error("Protocol error: nesting too deep")]
    NestingTooDeep,
}

/// Shows a byte in single quotes the way Redis's `'%c'` in
/// `addReplyErrorFormat` ends up on the wire: CR and LF become spaces, and a
/// NUL ends the C string, so only the opening quote is left. Non-ASCII bytes
/// are shown as the Unicode scalar of the same value (two bytes of UTF-8
/// where Redis sends one raw byte), since `Display` cannot emit raw bytes.
struct QuotedByte(u8);

impl fmt::Display for QuotedByte {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("'"),
            b'\r' | b'\n' => f.write_str("' '"),
            b => write!(f, "'{}'", char::from(b)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_dollar_shows_the_byte() {
        assert_eq!(ProtocolError::ExpectedDollar(b'+').to_string(), "Protocol error: expected '$', got '+'");
    }

    #[test]
    fn expected_dollar_maps_cr_and_lf_to_space_like_redis() {
        assert_eq!(ProtocolError::ExpectedDollar(b'\r').to_string(), "Protocol error: expected '$', got ' '");
        assert_eq!(ProtocolError::ExpectedDollar(b'\n').to_string(), "Protocol error: expected '$', got ' '");
    }

    #[test]
    fn expected_dollar_with_nul_is_truncated_like_redis_c_string() {
        assert_eq!(ProtocolError::ExpectedDollar(0).to_string(), "Protocol error: expected '$', got '");
    }

    #[test]
    fn request_errors_have_redis_texts() {
        let cases = [
            (ProtocolError::InvalidMultibulkLength, "Protocol error: invalid multibulk length"),
            (ProtocolError::InvalidBulkLength, "Protocol error: invalid bulk length"),
            (ProtocolError::TooBigInlineRequest, "Protocol error: too big inline request"),
            (ProtocolError::TooBigMultibulkCount, "Protocol error: too big mbulk count string"),
            (ProtocolError::TooBigBulkCount, "Protocol error: too big bulk count string"),
            (ProtocolError::UnbalancedQuotes, "Protocol error: unbalanced quotes in request"),
            (ProtocolError::UnauthenticatedMultibulkLength, "Protocol error: unauthenticated multibulk length"),
            (ProtocolError::UnauthenticatedBulkLength, "Protocol error: unauthenticated bulk length"),
        ];
        for (err, text) in cases {
            assert_eq!(err.to_string(), text);
        }
    }
}
