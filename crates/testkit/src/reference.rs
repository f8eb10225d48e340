//! [`ReferenceServer`]: a real `redis-server` for differential tests.
//!
//! Redis cannot bind port 0 and report it, so we pick a free port ourselves
//! (bind, read, release) and retry on the rare race where something else
//! takes it first. Each server gets its own scratch directory so a `SHUTDOWN`
//! that saves does not litter the working tree.

use std::env;
use std::fs;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::hearth::{connect, START_TIMEOUT};
use crate::process::{ServerProcess, StartError, STOP_TIMEOUT};

/// Environment variable naming a `redis-server` binary to use instead of
/// the one on `PATH`.
pub const REDIS_BIN_ENV: &str = "REDIS_SERVER_BIN";

/// How many times to retry when the chosen port was taken meanwhile.
const PORT_ATTEMPTS: usize = 5;

/// The `redis-server` binary: `$REDIS_SERVER_BIN` if set, else the first
/// `redis-server` on `PATH`, else Debian's `/usr/bin/redis-server`. `None`
/// when none of these exists (tests should then skip, saying why).
pub fn redis_server_path() -> Option<PathBuf> {
    if let Some(bin) = env::var_os(REDIS_BIN_ENV).filter(|v| !v.is_empty()) {
        let bin = PathBuf::from(bin);
        return bin.is_file().then_some(bin);
    }
    let on_path = env::var_os("PATH").map(|paths| env::split_paths(&paths).collect::<Vec<_>>()).unwrap_or_default();
    on_path
        .into_iter()
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/local/bin")])
        .map(|dir| dir.join("redis-server"))
        .find(|bin| bin.is_file())
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> io::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// A running `redis-server` on `127.0.0.1` with persistence off
/// (`--save '' --appendonly no`). Dropping it kills the process and removes
/// its scratch directory.
pub struct ReferenceServer {
    process: ServerProcess,
    dir: PathBuf,
}

impl ReferenceServer {
    /// Starts `redis-server` on a free port, or returns `None` if it is not
    /// installed.
    ///
    /// # Panics
    ///
    /// If it is installed but does not start; the message includes its
    /// output.
    pub fn start() -> Option<ReferenceServer> {
        ReferenceServer::start_with(&[])
    }

    /// Like [`ReferenceServer::start`], with extra arguments appended
    /// (for example `&["--requirepass", "secret"]`).
    ///
    /// # Panics
    ///
    /// If it is installed but does not start; the message includes its
    /// output.
    pub fn start_with(args: &[&str]) -> Option<ReferenceServer> {
        let bin = redis_server_path()?;
        match ReferenceServer::try_start_bin(&bin, args) {
            Ok(server) => Some(server),
            Err(e) => panic!("hearth-testkit: {e}"),
        }
    }

    /// Starts `bin` as a Redis server on a free port with `args` appended,
    /// retrying with another port if the chosen one was taken meanwhile.
    pub fn try_start_bin(bin: &Path, args: &[&str]) -> Result<ReferenceServer, StartError> {
        let dir = scratch_dir().map_err(|source| StartError::Spawn { bin: bin.to_path_buf(), source })?;
        let dir_arg = dir.to_string_lossy().into_owned();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let port = free_port().map_err(|source| StartError::Spawn { bin: bin.to_path_buf(), source })?;
            let port_arg = port.to_string();
            let mut full = vec![
                "--port",
                port_arg.as_str(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                dir_arg.as_str(),
            ];
            full.extend_from_slice(args);
            match ServerProcess::spawn(bin, &full, Some(port), START_TIMEOUT) {
                Ok(process) => return Ok(ReferenceServer { process, dir }),
                Err(StartError::Exited { ref log, .. })
                    if attempt < PORT_ATTEMPTS && log.contains("Address already in use") => {}
                Err(e) => {
                    let _ = fs::remove_dir_all(&dir);
                    return Err(e);
                }
            }
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.process.port()
    }

    /// `127.0.0.1:port`.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port()))
    }

    /// `redis://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port())
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// A new blocking connection with 10 s timeouts.
    ///
    /// # Panics
    ///
    /// If the connection cannot be made.
    pub fn connect(&self) -> TcpStream {
        connect(self.addr())
    }

    /// Everything the server printed so far.
    pub fn log(&self) -> String {
        self.process.log()
    }

    /// Stops it: SIGTERM, up to 10 s, then SIGKILL.
    pub fn stop(&mut self) -> io::Result<ExitStatus> {
        self.process.stop(STOP_TIMEOUT)
    }
}

impl Drop for ReferenceServer {
    fn drop(&mut self) {
        self.process.kill();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// A fresh directory under the system temp dir, unique per process and call.
fn scratch_dir() -> io::Result<PathBuf> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = env::temp_dir().join(format!("hearth-reference-{}-{n}", std::process::id()));
    fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn free_port_is_nonzero() {
        assert_ne!(free_port().expect("loopback works"), 0);
    }

    #[test]
    fn reference_server_answers_ping_and_stops() {
        let Some(mut server) = ReferenceServer::start() else {
            eprintln!("skipped: redis-server is not installed");
            return;
        };
        let mut conn = server.connect();
        conn.write_all(b"*1\r\n$4\r\nPING\r\n").expect("write");
        let mut reply = [0u8; 7];
        conn.read_exact(&mut reply).expect("read");
        assert_eq!(&reply, b"+PONG\r\n");
        assert!(server.log().contains("Ready to accept connections"));
        let dir = server.dir.clone();
        assert!(server.stop().expect("stop").success());
        drop(server);
        assert!(!dir.exists(), "scratch dir removed");
    }

    #[test]
    fn reference_server_passes_extra_args() {
        let Some(server) = ReferenceServer::start_with(&["--requirepass", "s3cret"]) else {
            eprintln!("skipped: redis-server is not installed");
            return;
        };
        let mut conn = server.connect();
        conn.write_all(b"PING\r\n").expect("write");
        let mut buf = [0u8; 64];
        let n = conn.read(&mut buf).expect("read");
        let reply = String::from_utf8_lossy(&buf[..n]);
        assert!(reply.starts_with("-NOAUTH"), "{reply}");
    }
}
