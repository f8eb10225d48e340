//! Hearth server: an in-memory data server that speaks the Redis protocol.
//!
//! Layers, bottom up: [`keyspace`] (entries, shards, expiry) knows nothing
//! of the network; [`commands`] turns arguments into replies against the
//! keyspace; [`conn`] owns sockets and buffers; [`server`] owns threads and
//! process lifetime. [`config`] is read by all of them.

pub mod allocator;
pub mod blocking;
pub mod clock;
pub mod commands;
pub mod config;
pub mod conn;
pub mod glob;
pub mod hll;
pub mod keyspace;
pub mod log;
pub mod notify;
pub mod prefetch;
pub mod pubsub;
pub mod reply;
pub mod server;
pub mod strnum;
pub mod tracking;

// Unit tests run on the allocator the binary ships with (main.rs), so that
// allocator statistics and active defrag are tested against jemalloc itself.
#[cfg(test)]
#[global_allocator]
static TEST_ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
