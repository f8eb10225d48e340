//! Command arguments: [`Args`], a borrowed view of one parsed request, and
//! [`OwnedArgs`], a compact owned copy for commands that outlive the read
//! buffer (MULTI queues, MONITOR, replication).
//!
//! An argument is a `(start, end)` byte range into a buffer, so a request
//! parsed from the read buffer is never copied. This module does no parsing.

use std::fmt;
use std::ops::Index;

/// The arguments of one request (`args[0]` is the command name), borrowed
/// from the buffer they were parsed from. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Args<'a> {
    buf: &'a [u8],
    spans: &'a [(usize, usize)],
}

impl<'a> Args<'a> {
    /// Arguments given as `(start, end)` byte ranges into `buf`. Every range
    /// must lie inside `buf`; [`Args::get`] panics otherwise.
    #[inline]
    pub fn new(buf: &'a [u8], spans: &'a [(usize, usize)]) -> Self {
        Args { buf, spans }
    }

    /// Number of arguments, the command name included.
    #[inline]
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are no arguments at all.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Argument `i`. Panics if `i >= self.len()`, like slice indexing; check
    /// the arity first.
    #[inline]
    pub fn get(&self, i: usize) -> &'a [u8] {
        let (start, end) = self.spans[i];
        &self.buf[start..end]
    }

    /// Argument `i`, or `None` past the end.
    #[inline]
    pub fn try_get(&self, i: usize) -> Option<&'a [u8]> {
        let &(start, end) = self.spans.get(i)?;
        self.buf.get(start..end)
    }

    /// The arguments in order.
    #[inline]
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &'a [u8]> + ExactSizeIterator + 'a {
        let buf = self.buf;
        self.spans.iter().map(move |&(start, end)| &buf[start..end])
    }

    /// An owned copy, with all argument bytes in one allocation.
    pub fn to_owned(&self) -> OwnedArgs {
        OwnedArgs::from_slices(self.iter())
    }
}

impl Index<usize> for Args<'_> {
    type Output = [u8];

    #[inline]
    fn index(&self, i: usize) -> &[u8] {
        self.get(i)
    }
}

impl fmt::Debug for Args<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(|a| a.escape_ascii().to_string())).finish()
    }
}

impl PartialEq for Args<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Args<'_> {}

/// An owned copy of a request's arguments: the bytes of all arguments in
/// one buffer plus their ranges.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct OwnedArgs {
    data: Box<[u8]>,
    spans: Box<[(usize, usize)]>,
}

impl OwnedArgs {
    /// A borrowed view, to pass where [`Args`] is expected.
    #[inline]
    pub fn as_args(&self) -> Args<'_> {
        Args::new(&self.data, &self.spans)
    }

    /// Copies the given arguments.
    ///
    /// ```
    /// let cmd = hearth_resp::OwnedArgs::from_slices(["SET", "k", "v"]);
    /// assert_eq!(cmd.as_args().get(2), b"v");
    /// ```
    pub fn from_slices<I>(it: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let mut data = Vec::new();
        let mut spans = Vec::new();
        for arg in it {
            let arg = arg.as_ref();
            let start = data.len();
            data.extend_from_slice(arg);
            spans.push((start, data.len()));
        }
        OwnedArgs { data: data.into_boxed_slice(), spans: spans.into_boxed_slice() }
    }

    /// Number of arguments.
    #[inline]
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are no arguments.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

impl fmt::Debug for OwnedArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_args().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_index_ranges_of_the_buffer() {
        let buf = b"xxSETkv";
        let spans = [(2, 5), (5, 6), (6, 7)];
        let args = Args::new(buf, &spans);
        assert_eq!(args.len(), 3);
        assert!(!args.is_empty());
        assert_eq!(args.get(0), b"SET");
        assert_eq!(&args[2], b"v");
        assert_eq!(args.try_get(3), None);
        assert_eq!(args.iter().collect::<Vec<_>>(), [&b"SET"[..], b"k", b"v"]);
    }

    #[test]
    fn owned_copy_compares_equal_to_the_original() {
        let buf = b"GETkey";
        let spans = [(0, 3), (3, 6)];
        let args = Args::new(buf, &spans);
        let owned = args.to_owned();
        assert_eq!(owned.as_args(), args);
        assert_eq!(owned.len(), 2);
        assert_eq!(format!("{owned:?}"), r#"["GET", "key"]"#);
    }

    #[test]
    fn owned_args_keep_empty_and_binary_arguments() {
        let owned = OwnedArgs::from_slices([&b""[..], b"\x00\xff"]);
        let args = owned.as_args();
        assert_eq!(args.get(0), b"");
        assert_eq!(args.get(1), b"\x00\xff");
        assert!(OwnedArgs::from_slices(Vec::<Vec<u8>>::new()).is_empty());
    }
}
