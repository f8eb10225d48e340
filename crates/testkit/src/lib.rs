//! Start a server for a test, wait until it is ready, stop it.
//!
//! Integration tests across the workspace talk to a real server process over
//! TCP. This crate owns the boring, easy-to-get-wrong part of that: finding
//! the binary, spawning it, waiting for `Ready to accept connections`,
//! learning its port, keeping its output for the failure message, and making
//! sure no process outlives the test.
//!
//! - [`TestServer`] runs `hearth-server --port 0 ...`; the server picks a
//!   free port and prints it (`... port=43512.`), so tests run in parallel
//!   without fighting over ports.
//! - [`ReferenceServer`] runs Debian's `redis-server` on a free port, for
//!   differential tests that compare Hearth's replies to Redis's. It is
//!   `None` when Redis is not installed, so such tests can skip.
//!
//! It has no dependencies beyond `std` and speaks no protocol: clients are
//! the tests' business.
//!
//! ```no_run
//! use hearth_testkit::TestServer;
//!
//! // In the server crate's own tests, let cargo build the binary:
//! // TestServer::start_bin(env!("CARGO_BIN_EXE_hearth-server"), &[])
//! let mut server = TestServer::start_with(&["--maxclients", "10"]);
//! println!("connect to {}", server.url());
//! server.stop().unwrap();
//! ```
//!
//! Set `HEARTH_TESTKIT_ECHO=1` to see the servers' output live on stderr.

mod hearth;
mod process;
mod reference;

pub use hearth::{server_bin, TestServer, SERVER_BIN_ENV, START_TIMEOUT};
pub use process::StartError;
pub use reference::{free_port, redis_server_path, ReferenceServer, REDIS_BIN_ENV};
