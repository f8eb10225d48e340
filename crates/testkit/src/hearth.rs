//! [`TestServer`]: a `hearth-server` process on an ephemeral port.
//!
//! The server is started with `--port 0`; it binds a free port itself and
//! reports it in its log (`... port=43512.`), so tests never race each other
//! for ports.

use std::env;
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::Duration;

use crate::process::{ServerProcess, StartError, STOP_TIMEOUT};

/// How long a server may take to print `Ready to accept connections`.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);

/// Environment variable naming the `hearth-server` binary to test.
pub const SERVER_BIN_ENV: &str = "HEARTH_SERVER_BIN";

/// The `hearth-server` binary tests should run: `$HEARTH_SERVER_BIN` if set,
/// else `$CARGO_TARGET_DIR/debug/hearth-server` if that variable is set, else
/// the workspace's `target/debug/hearth-server`.
///
/// The path is not checked for existence; [`TestServer::try_start_bin`]
/// reports a missing binary with the path it tried.
pub fn server_bin() -> PathBuf {
    if let Some(bin) = env::var_os(SERVER_BIN_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(bin);
    }
    let target = match env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        // crates/testkit -> workspace root.
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
    };
    target.join("debug").join("hearth-server")
}

/// A running `hearth-server` on `127.0.0.1` and an ephemeral port.
///
/// Dropping it kills the process; call [`TestServer::stop`] to shut it down
/// gracefully and look at how it exited.
///
/// ```no_run
/// use hearth_testkit::TestServer;
/// use std::io::{Read, Write};
///
/// let server = TestServer::start();
/// let mut conn = server.connect();
/// conn.write_all(b"PING\r\n").unwrap();
/// let mut reply = [0u8; 7];
/// conn.read_exact(&mut reply).unwrap();
/// assert_eq!(&reply, b"+PONG\r\n");
/// ```
pub struct TestServer {
    process: ServerProcess,
}

impl TestServer {
    /// Starts the binary from [`server_bin`] with `--port 0`.
    ///
    /// # Panics
    ///
    /// If the server cannot be started; the message includes its output.
    pub fn start() -> TestServer {
        TestServer::start_with(&[])
    }

    /// Starts the binary from [`server_bin`] with `--port 0` and `args`
    /// (for example `&["--maxclients", "10"]`).
    ///
    /// # Panics
    ///
    /// If the server cannot be started; the message includes its output.
    pub fn start_with(args: &[&str]) -> TestServer {
        TestServer::start_bin(server_bin(), args)
    }

    /// Starts `bin` with `--port 0` and `args`. Integration tests of the
    /// server crate pass `env!("CARGO_BIN_EXE_hearth-server")` here so cargo
    /// builds the binary for them.
    ///
    /// # Panics
    ///
    /// If the server cannot be started; the message includes its output.
    pub fn start_bin(bin: impl AsRef<Path>, args: &[&str]) -> TestServer {
        match TestServer::try_start_bin(bin, args) {
            Ok(server) => server,
            Err(e) => panic!("hearth-testkit: {e}"),
        }
    }

    /// Like [`TestServer::start_bin`] but returns the failure instead of
    /// panicking, for tests that expect a bad configuration to be refused.
    pub fn try_start_bin(bin: impl AsRef<Path>, args: &[&str]) -> Result<TestServer, StartError> {
        TestServer::try_start_bin_timeout(bin.as_ref(), args, START_TIMEOUT)
    }

    pub(crate) fn try_start_bin_timeout(
        bin: &Path,
        args: &[&str],
        timeout: Duration,
    ) -> Result<TestServer, StartError> {
        let mut full = vec!["--port", "0"];
        full.extend_from_slice(args);
        let process = ServerProcess::spawn(bin, &full, None, timeout)?;
        Ok(TestServer { process })
    }

    /// The port the server reported.
    pub fn port(&self) -> u16 {
        self.process.port()
    }

    /// `127.0.0.1:port`.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port()))
    }

    /// `redis://127.0.0.1:port`, for client libraries.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port())
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// A new blocking TCP connection to the server, with 10 s read and
    /// write timeouts so a missing reply fails the test instead of hanging.
    ///
    /// # Panics
    ///
    /// If the connection cannot be made.
    pub fn connect(&self) -> TcpStream {
        connect(self.addr())
    }

    /// Everything the server printed so far (stdout and stderr).
    pub fn log(&self) -> String {
        self.process.log()
    }

    /// Whether the process is still running (it may have exited after
    /// `SHUTDOWN`, say).
    pub fn is_running(&mut self) -> bool {
        self.process.is_running()
    }

    /// Waits up to `timeout` for the server to exit by itself; `None` if it
    /// is still running.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        self.process.wait_exit(timeout)
    }

    /// Stops the server: SIGTERM, up to 10 s for it to exit, then SIGKILL.
    /// Returns how it exited; calling it again returns the same status.
    pub fn stop(&mut self) -> io::Result<ExitStatus> {
        self.process.stop(STOP_TIMEOUT)
    }
}

/// Opens a blocking connection with 10 s read and write timeouts.
pub(crate) fn connect(addr: SocketAddr) -> TcpStream {
    let stream = match TcpStream::connect(addr) {
        Ok(stream) => stream,
        Err(e) => panic!("hearth-testkit: cannot connect to {addr}: {e}"),
    };
    let timeout = Some(Duration::from_secs(10));
    // Setting a non-zero timeout cannot fail on a connected socket.
    let _ = stream.set_read_timeout(timeout);
    let _ = stream.set_write_timeout(timeout);
    let _ = stream.set_nodelay(true);
    stream
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::os::unix::fs::PermissionsExt;
    use std::time::Instant;

    /// An executable shell script standing in for the server, in its own
    /// directory, removed on drop.
    struct FakeServer {
        path: PathBuf,
    }

    impl FakeServer {
        fn new(name: &str, body: &str) -> FakeServer {
            let dir = env::temp_dir().join(format!("hearth-testkit-{}-{name}", std::process::id()));
            fs::create_dir_all(&dir).expect("temp dir is writable");
            let path = dir.join(name);
            fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("temp dir is writable");
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("own file");
            FakeServer { path }
        }
    }

    impl AsRef<Path> for FakeServer {
        fn as_ref(&self) -> &Path {
            &self.path
        }
    }

    impl Drop for FakeServer {
        fn drop(&mut self) {
            if let Some(dir) = self.path.parent() {
                let _ = fs::remove_dir_all(dir);
            }
        }
    }

    fn fake_server(name: &str, body: &str) -> FakeServer {
        FakeServer::new(name, body)
    }

    #[test]
    fn server_bin_defaults_to_workspace_debug_target() {
        if env::var_os(SERVER_BIN_ENV).is_some() || env::var_os("CARGO_TARGET_DIR").is_some() {
            return; // overridden by the caller's environment
        }
        let bin = server_bin();
        assert!(bin.ends_with("target/debug/hearth-server"), "{}", bin.display());
        let root = bin.parent().and_then(Path::parent).and_then(Path::parent);
        let root = root.expect("target/debug has two parents");
        assert!(root.join("Cargo.toml").exists(), "{}", root.display());
    }

    #[test]
    fn start_reads_port_from_log_and_passes_port_zero() {
        // The fake records its arguments and claims a port it does not bind.
        let bin = fake_server(
            "announces",
            "echo \"args: $*\"\necho '1:M * Running mode=standalone, port=43512.'\n\
             echo '1:M * Ready to accept connections tcp'\nexec sleep 30",
        );
        let mut server = TestServer::start_bin(&bin, &["--maxclients", "10"]);
        assert_eq!(server.port(), 43512);
        assert_eq!(server.addr().to_string(), "127.0.0.1:43512");
        assert_eq!(server.url(), "redis://127.0.0.1:43512");
        assert!(server.log().contains("args: --port 0 --maxclients 10"), "{}", server.log());
        assert!(server.is_running());
        let started = Instant::now();
        let status = server.stop().expect("stop works");
        assert!(!status.success(), "sleep dies of SIGTERM: {status}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(!server.is_running());
        assert_eq!(server.stop().expect("second stop"), status);
    }

    #[test]
    fn start_reports_early_exit_with_output() {
        let bin = fake_server("fails", "echo 'bad config line 3' >&2\nexit 7");
        let err = TestServer::try_start_bin(&bin, &[]).err().expect("must fail");
        let text = err.to_string();
        assert!(matches!(err, StartError::Exited { .. }), "{text}");
        assert!(text.contains("bad config line 3"), "{text}");
    }

    #[test]
    fn start_reports_missing_binary() {
        let err = TestServer::try_start_bin("/nonexistent/hearth-server", &[]).err().expect("must fail");
        assert!(matches!(err, StartError::Spawn { .. }), "{err}");
        assert!(err.to_string().contains("/nonexistent/hearth-server"));
    }

    #[test]
    fn start_times_out_and_kills_a_silent_server() {
        let bin = fake_server("silent", "echo starting\nexec sleep 30");
        let started = Instant::now();
        let err = TestServer::try_start_bin_timeout(bin.as_ref(), &[], Duration::from_millis(300))
            .err()
            .expect("must time out");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(matches!(err, StartError::Timeout { .. }), "{err}");
        assert!(err.to_string().contains("starting"), "{err}");
    }

    #[test]
    fn ready_without_port_is_an_error() {
        let bin = fake_server("noport", "echo 'Ready to accept connections'\nexec sleep 30");
        let err = TestServer::try_start_bin(&bin, &[]).err().expect("must fail");
        assert!(matches!(err, StartError::NoPort { .. }), "{err}");
    }

    #[test]
    fn connect_reaches_the_reported_port() {
        // A real listener stands in for the server's socket.
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("bound").port();
        let bin =
            fake_server("connects", &format!("echo 'port={port}'\necho 'Ready to accept connections'\nexec sleep 30"));
        let server = TestServer::start_bin(&bin, &[]);
        let mut client = server.connect();
        let (mut accepted, _) = listener.accept().expect("accept");
        client.write_all(b"hi").expect("write");
        let mut buf = [0u8; 2];
        accepted.read_exact(&mut buf).expect("read");
        assert_eq!(&buf, b"hi");
    }

    #[test]
    fn drop_kills_the_process() {
        let bin = fake_server("dropped", "echo 'port=1'\necho 'Ready to accept connections'\nexec sleep 30");
        let server = TestServer::start_bin(&bin, &[]);
        let pid = server.pid();
        drop(server);
        // Killed and reaped: /proc entry is gone.
        assert!(!Path::new(&format!("/proc/{pid}")).exists());
    }
}
