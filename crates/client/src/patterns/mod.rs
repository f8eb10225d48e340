//! Caching patterns built on [`crate::Client`].
