//! Conversions between Rust values and RESP: [`ToArg`] for command
//! arguments, [`FromFrame`] for replies.
//!
//! Replies arrive as [`Frame`]s (RESP2 or RESP3); `FromFrame` hides the
//! protocol difference (a RESP3 map and a RESP2 flat array both become a
//! `HashMap`, a RESP3 double and a RESP2 bulk string both become an `f64`).
//! An error frame always converts to [`Error::Server`] with Redis's text, and
//! a null converts only into `Option` (or `()`), never into a default value.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

use bytes::Bytes;
use hearth_resp::Frame;

use crate::error::{Error, Result};

/// A value that can be one argument of a command.
///
/// ```
/// use hearth::ToArg;
/// assert_eq!(&hearth::ToArg::to_arg(&42i64)[..], b"42");
/// assert_eq!(&"key".to_arg()[..], b"key");
/// ```
pub trait ToArg {
    /// The argument's bytes.
    fn to_arg(&self) -> Bytes;

    /// The argument's bytes, borrowed where the value already holds them
    /// (so a near-cache hit looks a key up without copying it).
    fn arg_bytes(&self) -> Cow<'_, [u8]> {
        Cow::Owned(self.to_arg().to_vec())
    }
}

impl<T: ToArg + ?Sized> ToArg for &T {
    fn to_arg(&self) -> Bytes {
        (**self).to_arg()
    }

    fn arg_bytes(&self) -> Cow<'_, [u8]> {
        (**self).arg_bytes()
    }
}

/// `ToArg` for types that are bytes already.
macro_rules! bytes_to_arg {
    ($($t:ty => $as_bytes:expr),* $(,)?) => {$(
        impl ToArg for $t {
            fn to_arg(&self) -> Bytes {
                Bytes::copy_from_slice($as_bytes(self))
            }

            fn arg_bytes(&self) -> Cow<'_, [u8]> {
                Cow::Borrowed($as_bytes(self))
            }
        }
    )*};
}
bytes_to_arg!(str => str::as_bytes, String => String::as_bytes, [u8] => <[u8]>::as_ref, Vec<u8> => Vec::as_slice);

impl<const N: usize> ToArg for [u8; N] {
    fn to_arg(&self) -> Bytes {
        Bytes::copy_from_slice(self)
    }

    fn arg_bytes(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(self)
    }
}

impl ToArg for Bytes {
    fn to_arg(&self) -> Bytes {
        self.clone()
    }

    fn arg_bytes(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(self)
    }
}

macro_rules! int_to_arg {
    ($($t:ty),*) => {$(
        impl ToArg for $t {
            fn to_arg(&self) -> Bytes {
                Bytes::copy_from_slice(self.to_string().as_bytes())
            }
        }
    )*};
}
int_to_arg!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl ToArg for f64 {
    fn to_arg(&self) -> Bytes {
        let text = if self.is_infinite() {
            if *self > 0.0 {
                "+inf".to_string()
            } else {
                "-inf".to_string()
            }
        } else {
            self.to_string()
        };
        Bytes::from(text)
    }
}

/// A Rust value that can be built from a reply.
///
/// ```
/// use hearth::{FromFrame, Frame};
///
/// let n = i64::from_frame(Frame::Integer(7)).unwrap();
/// assert_eq!(n, 7);
/// let s = Option::<String>::from_frame(Frame::Null).unwrap();
/// assert_eq!(s, None);
/// ```
pub trait FromFrame: Sized {
    /// Converts the reply.
    fn from_frame(frame: Frame) -> Result<Self>;
}

/// Turns an error frame into `Err`, passes anything else through.
pub(crate) fn check(frame: Frame) -> Result<Frame> {
    match frame {
        Frame::Error(text) => Err(Error::server(text)),
        other => Ok(other),
    }
}

fn describe(frame: &Frame) -> &'static str {
    match frame {
        Frame::Simple(_) => "status",
        Frame::Error(_) => "error",
        Frame::Integer(_) => "integer",
        Frame::Bulk(_) => "bulk string",
        Frame::Null | Frame::NullArray => "nil",
        Frame::Array(_) | Frame::BulkArray(_) => "array",
        Frame::Map(_) => "map",
        Frame::Set(_) => "set",
        Frame::Push(_) => "push",
        Frame::Double(_) => "double",
        Frame::Boolean(_) => "boolean",
        Frame::BigNumber(_) => "big number",
        Frame::Verbatim { .. } => "verbatim string",
        Frame::Attribute(_) => "attribute",
    }
}

fn mismatch<T>(frame: &Frame, wanted: &str) -> Result<T> {
    Err(Error::unexpected(format_args!("{} where {wanted} was expected", describe(frame))))
}

impl FromFrame for Frame {
    fn from_frame(frame: Frame) -> Result<Self> {
        check(frame)
    }
}

impl FromFrame for () {
    fn from_frame(frame: Frame) -> Result<Self> {
        check(frame).map(|_| ())
    }
}

impl FromFrame for Bytes {
    fn from_frame(frame: Frame) -> Result<Self> {
        match check(frame)? {
            Frame::Bulk(b) | Frame::Simple(b) | Frame::BigNumber(b) => Ok(b),
            Frame::Verbatim { text, .. } => Ok(text),
            Frame::Integer(n) => Ok(Bytes::from(n.to_string())),
            Frame::Double(d) => Ok(Bytes::from(format_double(d))),
            other => mismatch(&other, "a string"),
        }
    }
}

impl FromFrame for String {
    fn from_frame(frame: Frame) -> Result<Self> {
        let bytes = Bytes::from_frame(frame)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| Error::unexpected("a string that is not UTF-8"))
    }
}

fn format_double(d: f64) -> String {
    let mut out = Vec::new();
    hearth_resp::format_double(d, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_text<T: std::str::FromStr>(b: &[u8], wanted: &str) -> Result<T> {
    std::str::from_utf8(b)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::unexpected(format_args!("{:?} where {wanted} was expected", String::from_utf8_lossy(b))))
}

macro_rules! int_from_frame {
    ($($t:ty),*) => {$(
        impl FromFrame for $t {
            fn from_frame(frame: Frame) -> Result<Self> {
                match check(frame)? {
                    Frame::Integer(n) => <$t>::try_from(n).map_err(|_| Error::unexpected(format_args!("{n} out of range"))),
                    Frame::Bulk(b) | Frame::Simple(b) | Frame::BigNumber(b) => parse_text(&b, "an integer"),
                    Frame::Boolean(v) => Ok(v as $t),
                    other => mismatch(&other, "an integer"),
                }
            }
        }
    )*};
}
int_from_frame!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl FromFrame for f64 {
    fn from_frame(frame: Frame) -> Result<Self> {
        match check(frame)? {
            Frame::Double(d) => Ok(d),
            Frame::Integer(n) => Ok(n as f64),
            Frame::Bulk(b) | Frame::Simple(b) => match &b[..] {
                b"inf" | b"+inf" => Ok(f64::INFINITY),
                b"-inf" => Ok(f64::NEG_INFINITY),
                _ => parse_text(&b, "a number"),
            },
            other => mismatch(&other, "a number"),
        }
    }
}

impl FromFrame for bool {
    fn from_frame(frame: Frame) -> Result<Self> {
        match check(frame)? {
            Frame::Boolean(v) => Ok(v),
            Frame::Integer(n) => Ok(n != 0),
            Frame::Simple(s) => Ok(&s[..] == b"OK"),
            Frame::Null | Frame::NullArray => Ok(false),
            other => mismatch(&other, "a boolean"),
        }
    }
}

impl<T: FromFrame> FromFrame for Option<T> {
    fn from_frame(frame: Frame) -> Result<Self> {
        match check(frame)? {
            Frame::Null | Frame::NullArray => Ok(None),
            other => T::from_frame(other).map(Some),
        }
    }
}

/// The elements of an aggregate reply; a map is flattened to key, value,
/// key, value (its RESP2 form).
pub(crate) fn elements(frame: Frame) -> Result<Vec<Frame>> {
    match check(frame)? {
        Frame::Array(items) | Frame::Set(items) | Frame::Push(items) => Ok(items),
        Frame::Map(pairs) => Ok(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect()),
        Frame::Null | Frame::NullArray => Ok(Vec::new()),
        other => mismatch(&other, "an array"),
    }
}

/// Key/value pairs of a RESP3 map or a RESP2 flat array.
pub(crate) fn pairs(frame: Frame) -> Result<Vec<(Frame, Frame)>> {
    match check(frame)? {
        Frame::Map(pairs) => Ok(pairs),
        other => {
            let items = elements(other)?;
            if items.len() % 2 != 0 {
                return Err(Error::unexpected("an odd number of elements where pairs were expected"));
            }
            let mut out = Vec::with_capacity(items.len() / 2);
            let mut it = items.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                out.push((k, v));
            }
            Ok(out)
        }
    }
}

impl<T: FromFrame> FromFrame for Vec<T> {
    fn from_frame(frame: Frame) -> Result<Self> {
        elements(frame)?.into_iter().map(T::from_frame).collect()
    }
}

impl<T: FromFrame + Eq + Hash, S: BuildHasher + Default> FromFrame for HashSet<T, S> {
    fn from_frame(frame: Frame) -> Result<Self> {
        elements(frame)?.into_iter().map(T::from_frame).collect()
    }
}

impl<T: FromFrame + Ord> FromFrame for BTreeSet<T> {
    fn from_frame(frame: Frame) -> Result<Self> {
        elements(frame)?.into_iter().map(T::from_frame).collect()
    }
}

impl<K: FromFrame + Eq + Hash, V: FromFrame, S: BuildHasher + Default> FromFrame for HashMap<K, V, S> {
    fn from_frame(frame: Frame) -> Result<Self> {
        pairs(frame)?.into_iter().map(|(k, v)| Ok((K::from_frame(k)?, V::from_frame(v)?))).collect()
    }
}

impl<K: FromFrame + Ord, V: FromFrame> FromFrame for BTreeMap<K, V> {
    fn from_frame(frame: Frame) -> Result<Self> {
        pairs(frame)?.into_iter().map(|(k, v)| Ok((K::from_frame(k)?, V::from_frame(v)?))).collect()
    }
}

macro_rules! tuple_from_frame {
    ($n:expr; $($name:ident),+) => {
        impl<$($name: FromFrame),+> FromFrame for ($($name,)+) {
            fn from_frame(frame: Frame) -> Result<Self> {
                let items = elements(frame)?;
                if items.len() != $n {
                    return Err(Error::unexpected(format_args!("{} elements where {} were expected", items.len(), $n)));
                }
                let mut it = items.into_iter();
                Ok(($($name::from_frame(it.next().expect("length checked"))?,)+))
            }
        }
    };
}
tuple_from_frame!(1; A);
tuple_from_frame!(2; A, B);
tuple_from_frame!(3; A, B, C);
tuple_from_frame!(4; A, B, C, D);
tuple_from_frame!(5; A, B, C, D, E);
tuple_from_frame!(6; A, B, C, D, E, F);

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Frame {
        Frame::Bulk(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn strings_and_numbers_convert_across_protocols() {
        assert_eq!(String::from_frame(bulk("hi")).unwrap(), "hi");
        assert_eq!(i64::from_frame(bulk("-12")).unwrap(), -12);
        assert_eq!(f64::from_frame(Frame::Double(1.5)).unwrap(), 1.5);
        assert_eq!(f64::from_frame(bulk("2.5")).unwrap(), 2.5);
        assert_eq!(f64::from_frame(bulk("inf")).unwrap(), f64::INFINITY);
        assert!(bool::from_frame(Frame::Integer(1)).unwrap());
        assert!(bool::from_frame(Frame::Boolean(true)).unwrap());
    }

    #[test]
    fn null_only_fits_option() {
        assert_eq!(Option::<String>::from_frame(Frame::Null).unwrap(), None);
        assert!(matches!(String::from_frame(Frame::Null), Err(Error::UnexpectedReply(_))));
    }

    #[test]
    fn error_frames_become_server_errors() {
        let err = i64::from_frame(Frame::Error("ERR boom".into())).unwrap_err();
        assert_eq!(err.to_string(), "ERR boom");
        let err = Vec::<i64>::from_frame(Frame::Array(vec![Frame::Integer(1), Frame::Error("ERR x".into())]));
        assert!(err.is_err());
    }

    #[test]
    fn maps_come_from_resp3_maps_and_resp2_flat_arrays() {
        let resp3 = Frame::Map(vec![(bulk("a"), bulk("1"))]);
        let resp2 = Frame::Array(vec![bulk("a"), bulk("1")]);
        let a: HashMap<String, i64> = HashMap::from_frame(resp3).unwrap();
        let b: HashMap<String, i64> = HashMap::from_frame(resp2).unwrap();
        assert_eq!(a, b);
        assert_eq!(a["a"], 1);
    }

    #[test]
    fn tuples_check_their_length() {
        let (a, b): (i64, String) = FromFrame::from_frame(Frame::Array(vec![Frame::Integer(1), bulk("x")])).unwrap();
        assert_eq!((a, b.as_str()), (1, "x"));
        assert!(<(i64,)>::from_frame(Frame::Array(vec![])).is_err());
    }

    #[test]
    fn args_render_numbers_like_redis_expects() {
        assert_eq!(&(-3i32).to_arg()[..], b"-3");
        assert_eq!(&1.5f64.to_arg()[..], b"1.5");
        assert_eq!(&f64::INFINITY.to_arg()[..], b"+inf");
    }
}
