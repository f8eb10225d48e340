//! Typed methods on [`crate::Client`], one file per data type.
//!
//! Each method builds a [`Cmd`] (or a near-cache [`Read`] for cacheable
//! single-key reads) and hands it to the plumbing in `client.rs`; none of
//! them touches a socket or the cache directly. Reads marked "cached" are
//! served by the near cache when it is on.

mod hashes;
mod keys;
mod lists;
mod server;
mod sets;
mod strings;
mod zsets;

use bytes::Bytes;

pub use strings::{Expiry, SetCondition, SetOptions};

use crate::value::ToArg;

/// One or more arguments: a single key, or a collection of them.
///
/// ```no_run
/// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
/// client.del("a").await?;
/// client.del(["a", "b", "c"]).await?;
/// client.del(vec![String::from("d")]).await?;
/// # Ok(()) }
/// ```
pub trait ToArgs {
    /// Appends the arguments.
    fn append_args(&self, out: &mut Vec<Bytes>);
}

impl<T: ToArgs + ?Sized> ToArgs for &T {
    fn append_args(&self, out: &mut Vec<Bytes>) {
        (**self).append_args(out)
    }
}

impl ToArgs for str {
    fn append_args(&self, out: &mut Vec<Bytes>) {
        out.push(self.to_arg());
    }
}

impl ToArgs for String {
    fn append_args(&self, out: &mut Vec<Bytes>) {
        out.push(self.to_arg());
    }
}

impl ToArgs for Bytes {
    fn append_args(&self, out: &mut Vec<Bytes>) {
        out.push(self.clone());
    }
}

impl<T: ToArg> ToArgs for [T] {
    fn append_args(&self, out: &mut Vec<Bytes>) {
        out.extend(self.iter().map(ToArg::to_arg));
    }
}

impl<T: ToArg, const N: usize> ToArgs for [T; N] {
    fn append_args(&self, out: &mut Vec<Bytes>) {
        out.extend(self.iter().map(ToArg::to_arg));
    }
}

impl<T: ToArg> ToArgs for Vec<T> {
    fn append_args(&self, out: &mut Vec<Bytes>) {
        out.extend(self.iter().map(ToArg::to_arg));
    }
}

pub(crate) fn to_args(a: impl ToArgs) -> Vec<Bytes> {
    let mut out = Vec::new();
    a.append_args(&mut out);
    out
}
