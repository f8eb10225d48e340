//! Where and how to connect: the parsed URL ([`ConnectionInfo`]) and the
//! [`ClientBuilder`] with its documented defaults.
//!
//! This module only describes; `conn.rs` acts on it.

use std::time::Duration;

use crate::cache::NearCacheConfig;
use crate::error::{Error, Result};

/// Which RESP version to ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ProtocolChoice {
    /// `HELLO 3`; if the server refuses, fall back to RESP2. The default.
    #[default]
    Resp3,
    /// Stay on RESP2 (no `HELLO`). The near cache needs RESP3 and refuses
    /// this.
    Resp2,
}

/// The parts of `redis://[[user]:password@]host[:port][/db]`.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// Host name or IP address.
    pub host: String,
    /// TCP port, 6379 unless given.
    pub port: u16,
    /// Database number, 0 unless given.
    pub db: i64,
    /// ACL user name, if any.
    pub username: Option<String>,
    /// Password, if any.
    pub password: Option<String>,
}

impl std::fmt::Debug for ConnectionInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionInfo")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("db", &self.db)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

impl ConnectionInfo {
    /// Parses a `redis://` URL.
    ///
    /// ```
    /// let info = hearth::ConnectionInfo::parse("redis://:s3cret@127.0.0.1:6380/2").unwrap();
    /// assert_eq!((info.host.as_str(), info.port, info.db), ("127.0.0.1", 6380, 2));
    /// assert_eq!(info.password.as_deref(), Some("s3cret"));
    /// ```
    pub fn parse(url: &str) -> Result<ConnectionInfo> {
        let bad = |why: &str| Error::InvalidUrl(format!("{why}: {}", redact(url)));
        let rest = match url.split_once("://") {
            Some(("redis", rest)) => rest,
            Some(("rediss", _)) => return Err(bad("TLS (rediss://) is not supported yet")),
            Some(_) => return Err(bad("the scheme must be redis://")),
            None => return Err(bad("missing redis://")),
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
            None => (None, authority),
        };
        let (username, password) = match userinfo {
            None => (None, None),
            Some(u) => match u.split_once(':') {
                Some((user, pass)) => {
                    let user = decode(user).ok_or_else(|| bad("bad percent-encoding"))?;
                    let pass = decode(pass).ok_or_else(|| bad("bad percent-encoding"))?;
                    ((!user.is_empty()).then_some(user), Some(pass))
                }
                None => (Some(decode(u).ok_or_else(|| bad("bad percent-encoding"))?), None),
            },
        };
        let (host, port) = if let Some(stripped) = hostport.strip_prefix('[') {
            // [::1]:6379
            let (h, after) = stripped.split_once(']').ok_or_else(|| bad("unclosed '['"))?;
            (h.to_string(), after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (hostport.to_string(), None),
            }
        };
        if host.is_empty() {
            return Err(bad("missing host"));
        }
        let port = match port {
            None | Some("") => 6379,
            Some(p) => p.parse().map_err(|_| bad("bad port"))?,
        };
        let path = path.split(['?', '#']).next().unwrap_or("");
        let db = if path.is_empty() { 0 } else { path.parse().map_err(|_| bad("bad database number"))? };
        Ok(ConnectionInfo { host, port, db, username, password })
    }

    pub(crate) fn addr(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(a)) if a > s => format!("{}://***@{}", &url[..s], &url[a + 1..]),
        _ => url.to_string(),
    }
}

fn decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Client settings. Build one with [`crate::Client::builder`].
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) info: ConnectionInfo,
    pub(crate) protocol: ProtocolChoice,
    pub(crate) client_name: Option<String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) response_timeout: Option<Duration>,
    pub(crate) reconnect_min: Duration,
    pub(crate) reconnect_max: Duration,
    pub(crate) near_cache: Option<NearCacheConfig>,
    pub(crate) blocking_pool_size: usize,
    pub(crate) serve_stale: Option<Duration>,
    /// `None`: the default (on with the near cache); `Some(None)`: off.
    pub(crate) health_check: Option<Option<(Duration, Duration)>>,
}

impl Config {
    /// The health check in force: interval and timeout.
    pub(crate) fn health_check(&self) -> Option<(Duration, Duration)> {
        match self.health_check {
            Some(explicit) => explicit,
            None if self.near_cache.is_some() => Some((Duration::from_secs(1), Duration::from_secs(5))),
            None => None,
        }
    }

    pub(crate) fn new(info: ConnectionInfo) -> Config {
        Config {
            info,
            protocol: ProtocolChoice::Resp3,
            client_name: None,
            connect_timeout: Duration::from_secs(5),
            response_timeout: None,
            reconnect_min: Duration::from_millis(20),
            reconnect_max: Duration::from_secs(2),
            near_cache: None,
            blocking_pool_size: 4,
            serve_stale: None,
            health_check: None,
        }
    }
}

/// Builds a [`crate::Client`]; every setting has a default.
///
/// ```no_run
/// # async fn demo() -> hearth::Result<()> {
/// use std::time::Duration;
/// use hearth::{Client, NearCacheConfig};
///
/// let client = Client::builder("redis://127.0.0.1:6379/0")
///     .client_name("billing")
///     .response_timeout(Duration::from_secs(2))
///     .near_cache(NearCacheConfig::default())
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ClientBuilder {
    config: Result<Config>,
}

impl ClientBuilder {
    pub(crate) fn new(url: &str) -> ClientBuilder {
        ClientBuilder { config: ConnectionInfo::parse(url).map(Config::new) }
    }

    fn set(mut self, f: impl FnOnce(&mut Config)) -> Self {
        if let Ok(c) = &mut self.config {
            f(c);
        }
        self
    }

    /// RESP version to ask for. Default [`ProtocolChoice::Resp3`] (with
    /// automatic fallback to RESP2 when the server refuses `HELLO 3`).
    pub fn protocol(self, protocol: ProtocolChoice) -> Self {
        self.set(|c| c.protocol = protocol)
    }

    /// `CLIENT SETNAME` for every connection of this client. Default none.
    pub fn client_name(self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.set(|c| c.client_name = Some(name))
    }

    /// Time allowed for TCP connect plus handshake, and for waiting on a
    /// reconnection before a request fails. Default 5 s.
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        self.set(|c| c.connect_timeout = timeout)
    }

    /// Time allowed for each reply. Default none (blocking commands may
    /// block indefinitely). A timed-out request still runs on the server;
    /// its late reply is discarded.
    pub fn response_timeout(self, timeout: Duration) -> Self {
        self.set(|c| c.response_timeout = Some(timeout))
    }

    /// Reconnect backoff: the first retry waits `min`, each further one
    /// doubles up to `max` (with jitter). Default 20 ms to 2 s.
    pub fn reconnect_backoff(self, min: Duration, max: Duration) -> Self {
        self.set(|c| {
            c.reconnect_min = min;
            c.reconnect_max = max.max(min);
        })
    }

    /// Connections kept for blocking commands ([`crate::Client::blocking`],
    /// `BLPOP`, ...), which would stall every other task on the shared
    /// connection. At most this many blocking calls run at once; more wait.
    /// Default 4.
    pub fn blocking_pool_size(self, size: usize) -> Self {
        self.set(|c| c.blocking_pool_size = size.max(1))
    }

    /// Turns on the near cache (needs a RESP3 server: Redis 6+ or Hearth).
    pub fn near_cache(self, config: NearCacheConfig) -> Self {
        self.set(|c| c.near_cache = Some(config))
    }

    /// Opt-in, off by default: while the connection is down, keep serving
    /// near-cached replies for up to `max_staleness` after the disconnect
    /// (they may be stale: invalidations cannot arrive). Counted in
    /// [`crate::NearCacheStats::stale_hits`]. The cache is dropped when the
    /// connection comes back, as always.
    pub fn near_cache_serve_stale(self, max_staleness: Duration) -> Self {
        self.set(|c| c.serve_stale = Some(max_staleness))
    }

    /// Sends `PING` every `interval` on the shared connection, and drops the connection (and with it the near cache)
    /// when no reply comes within `timeout`: a server that vanished without
    /// closing the socket (a partition, a frozen host) stops the near cache
    /// from serving within `interval + timeout`. On by default with the near
    /// cache (1 s, 5 s), off otherwise. `timeout` must exceed the slowest
    /// command you run on the shared connection.
    pub fn health_check(self, interval: Duration, timeout: Duration) -> Self {
        self.set(|c| c.health_check = Some(Some((interval, timeout))))
    }

    /// No health check, even with the near cache.
    pub fn no_health_check(self) -> Self {
        self.set(|c| c.health_check = Some(None))
    }

    /// The settings, or the URL error.
    pub fn build_config(self) -> Result<Config> {
        self.config
    }

    /// Connects and returns the client.
    pub async fn connect(self) -> Result<crate::Client> {
        crate::Client::connect_with(self.config?).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_full_form() {
        let i = ConnectionInfo::parse("redis://alice:p%40ss@example.com:7000/3").unwrap();
        assert_eq!(i.host, "example.com");
        assert_eq!(i.port, 7000);
        assert_eq!(i.db, 3);
        assert_eq!(i.username.as_deref(), Some("alice"));
        assert_eq!(i.password.as_deref(), Some("p@ss"));
    }

    #[test]
    fn defaults_port_and_db() {
        let i = ConnectionInfo::parse("redis://localhost").unwrap();
        assert_eq!((i.port, i.db, i.password), (6379, 0, None));
        let i = ConnectionInfo::parse("redis://:pw@localhost/").unwrap();
        assert_eq!((i.username, i.password.as_deref()), (None, Some("pw")));
        let i = ConnectionInfo::parse("redis://[::1]:6380").unwrap();
        assert_eq!((i.host.as_str(), i.port), ("::1", 6380));
        assert_eq!(i.addr(), "[::1]:6380");
    }

    #[test]
    fn rejects_bad_urls_without_leaking_the_password() {
        for url in ["http://x", "redis://", "redis://h:notaport", "redis://h/x", "rediss://h"] {
            assert!(matches!(ConnectionInfo::parse(url), Err(Error::InvalidUrl(_))), "{url}");
        }
        let err = ConnectionInfo::parse("redis://:secret@h:bad").unwrap_err().to_string();
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn builder_keeps_the_url_error_until_connect() {
        assert!(ClientBuilder::new("nope").client_name("x").build_config().is_err());
        let c = ClientBuilder::new("redis://h").client_name("x").build_config().unwrap();
        assert_eq!(c.client_name.as_deref(), Some("x"));
    }
}
