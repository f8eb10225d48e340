//! Shared test setup: every scenario runs against a fresh `hearth-server`
//! and, when Debian's `redis-server` is installed, against Redis too.
#![allow(dead_code)]

use hearth::{Client, Frame};
use hearth_testkit::{ReferenceServer, TestServer};

/// Which server a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Hearth,
    Redis,
}

/// A running server of either kind.
pub struct Server {
    pub kind: Kind,
    url: String,
    port: u16,
    hearth: Option<TestServer>,
    redis: Option<ReferenceServer>,
}

impl Server {
    /// `redis://127.0.0.1:port`. (A method, so closures capture the whole
    /// server and keep it running.)
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Stops the server (gracefully).
    pub fn stop(&mut self) {
        if let Some(s) = &mut self.hearth {
            let _ = s.stop();
        }
        if let Some(s) = &mut self.redis {
            let _ = s.stop();
        }
        self.hearth = None;
        self.redis = None;
    }

    /// Starts a new server of the same kind on the same port.
    pub fn restart(&mut self) {
        self.stop();
        let port = self.port.to_string();
        match self.kind {
            Kind::Hearth => self.hearth = Some(TestServer::start_with(&["--port", &port])),
            Kind::Redis => {
                let bin = hearth_testkit::redis_server_path().expect("was there at start");
                let server = ReferenceServer::try_start_bin(&bin, &["--port", &port]).expect("restart redis-server");
                self.redis = Some(server);
            }
        }
    }
}

/// Starts a server; `None` (after saying so) when Redis is not installed.
pub fn start(kind: Kind, args: &[&str]) -> Option<Server> {
    match kind {
        Kind::Hearth => {
            let s = TestServer::start_with(args);
            Some(Server { kind, url: s.url(), port: s.port(), hearth: Some(s), redis: None })
        }
        Kind::Redis => match ReferenceServer::start_with(args) {
            Some(s) => Some(Server { kind, url: s.url(), port: s.port(), hearth: None, redis: Some(s) }),
            None => {
                eprintln!("skipped: redis-server is not installed (apt-get install redis-server)");
                None
            }
        },
    }
}

/// Whether the server knows `command` (Hearth grows its command set over
/// time; Redis 7 has all the ones used here). Prints why a test is skipped.
pub async fn supports(client: &Client, command: &str) -> bool {
    let info: Frame = client.cmd(hearth::cmd("COMMAND").arg("INFO").arg(command)).await.expect("COMMAND INFO");
    let known = match info {
        Frame::Array(items) => items.first().is_some_and(|f| !matches!(f, Frame::Null | Frame::NullArray)),
        _ => false,
    };
    if !known {
        eprintln!("skipped: the server does not implement {command} yet");
    }
    known
}

/// Generates `mod $name { hearth(); redis(); }` running `$body(url, kind)`.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        both!($name, &[], $body);
    };
    ($name:ident, $args:expr, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn hearth() {
                let server = common::start(common::Kind::Hearth, $args).expect("hearth-server starts");
                ($body)(server).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn redis() {
                let Some(server) = common::start(common::Kind::Redis, $args) else { return };
                ($body)(server).await;
            }
        }
    };
}
