//! RESP2/RESP3 codec for Hearth: the protocol-neutral [`Frame`], the reply
//! encoder, the zero-copy request parser and a full frame decoder.
//!
//! This crate knows nothing of the server: no I/O, no async runtime, no
//! commands. It turns bytes into requests and reply values into bytes, with
//! Redis 7.4's exact wire behaviour (error texts, limits, RESP2 fallbacks for
//! RESP3 types, number formatting).
//!
//! - requests in: [`parse_command`] fills a reused [`Request`] whose
//!   [`Args`] borrow the read buffer (`request.rs`, inline quoting in
//!   `inline.rs`, arguments in `args.rs`);
//! - replies out: a handler returns a [`Frame`] (`frame.rs`) and the
//!   connection calls [`encode`] for its [`Protocol`], or uses the `write_*`
//!   functions directly on hot paths (`encode.rs`); doubles are printed like
//!   Redis by [`format_double`] (`double.rs`, digits from `grisu.rs`);
//! - frames in (clients, tests): [`decode_frame`] (`decode.rs`);
//! - every malformed input is a [`ProtocolError`] (`error.rs`).
//!
//! ```
//! use bytes::BytesMut;
//! use hearth_resp::{encode, parse_command, Frame, ParseLimits, Protocol, Request};
//!
//! let input = b"*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n";
//! let mut req = Request::new();
//! let used = parse_command(input, &ParseLimits::default(), &mut req).unwrap();
//! assert_eq!(used, Some(input.len()));
//! let args = req.args(input);
//! let reply = Frame::bulk_from_slice(&args[1]);
//! let mut out = BytesMut::new();
//! encode(&reply, Protocol::Resp2, &mut out);
//! assert_eq!(&out[..], b"$2\r\nhi\r\n");
//! ```

mod args;
mod decode;
mod double;
mod encode;
mod error;
mod frame;
mod grisu;
mod inline;
mod request;

pub use args::{Args, OwnedArgs};
pub use decode::{decode_frame, MAX_DEPTH};
pub use double::{format_double, MAX_DOUBLE_LEN};
pub use encode::{
    encode, write_array_header, write_attribute_header, write_big_number, write_boolean, write_bulk, write_double,
    write_error, write_integer, write_map_header, write_null, write_null_array, write_push_header, write_set_header,
    write_simple, write_verbatim,
};
pub use error::ProtocolError;
pub use frame::{BulkArray, Frame, Protocol};
pub use request::{parse_command, parse_command_unauthenticated, ParseLimits, Request};
