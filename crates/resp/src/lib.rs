//! RESP2/RESP3 codec for Hearth: the protocol-neutral [`Frame`], the reply
//! encoder, the zero-copy request parser and a full frame decoder.
//!
//! This crate knows nothing of the server: no I/O, no async runtime, no
//! commands. It turns bytes into requests and reply values into bytes, with
//! Redis 7.4's exact wire behaviour (error texts, limits, RESP2 fallbacks for
//! RESP3 types, number formatting).

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
    encode, write_array_header, write_attribute_header, write_big_number, write_boolean,
    write_bulk, write_double, write_error, write_integer, write_map_header, write_null,
    write_null_array, write_push_header, write_set_header, write_simple, write_verbatim,
};
pub use error::ProtocolError;
pub use frame::{Frame, Protocol};
pub use request::{parse_command, parse_command_unauthenticated, ParseLimits, Request};
