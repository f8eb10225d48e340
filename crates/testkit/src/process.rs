//! A server child process: spawn it, wait until its log says it is ready,
//! keep draining its output, stop it.
//!
//! This module knows nothing about which server it runs; [`crate::TestServer`]
//! and [`crate::ReferenceServer`] decide the binary and arguments. It must not
//! talk the Redis protocol: readiness is judged from the log alone, the way a
//! person watching the terminal would.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The log line both Redis and Hearth print once they accept connections.
const READY_MARKER: &str = "Ready to accept connections";

/// How long [`ServerProcess::stop`] waits after SIGTERM before SIGKILL.
pub(crate) const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a server could not be started.
#[derive(Debug)]
pub enum StartError {
    /// The binary could not be spawned at all (missing, not executable...).
    Spawn {
        /// The binary that was tried.
        bin: PathBuf,
        /// The error from the operating system.
        source: io::Error,
    },
    /// The process exited before it said it was ready.
    Exited {
        /// The binary that was run.
        bin: PathBuf,
        /// How it exited.
        status: ExitStatus,
        /// Everything it printed on stdout and stderr.
        log: String,
    },
    /// The process did not say it was ready in time; it has been killed.
    Timeout {
        /// The binary that was run.
        bin: PathBuf,
        /// How long we waited.
        waited: Duration,
        /// Everything it printed on stdout and stderr.
        log: String,
    },
    /// The process said it was ready but never printed `port=N`.
    NoPort {
        /// The binary that was run.
        bin: PathBuf,
        /// Everything it printed on stdout and stderr.
        log: String,
    },
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Spawn { bin, source } => {
                write!(f, "cannot spawn {}: {source}", bin.display())
            }
            StartError::Exited { bin, status, log } => {
                write!(f, "{} exited ({status}) before it was ready; its output:\n{log}", bin.display())
            }
            StartError::Timeout { bin, waited, log } => {
                write!(f, "{} was not ready after {waited:?} (killed); its output:\n{log}", bin.display())
            }
            StartError::NoPort { bin, log } => {
                write!(f, "{} became ready without printing `port=N`; its output:\n{log}", bin.display())
            }
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Spawn { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Extracts `N` from a log line containing `port=N` (Redis prints
/// `Running mode=standalone, port=6379.`). Returns `None` for a line without
/// one or with a port of 0.
pub(crate) fn parse_port(line: &str) -> Option<u16> {
    let start = line.find("port=")? + "port=".len();
    let digits: &str = {
        let rest = &line[start..];
        let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        &rest[..end]
    };
    match digits.parse::<u16>() {
        Ok(0) | Err(_) => None,
        Ok(port) => Some(port),
    }
}

/// What the output readers tell the starting thread.
enum LogEvent {
    Port(u16),
    Ready,
}

/// A running server process whose output is captured.
pub(crate) struct ServerProcess {
    child: Child,
    bin: PathBuf,
    port: u16,
    log: Arc<Mutex<String>>,
    exit: Option<ExitStatus>,
}

impl ServerProcess {
    /// Spawns `bin args...` and waits up to `timeout` for the ready line.
    ///
    /// The port is `known_port` when the caller chose it, otherwise the first
    /// `port=N` found in the output before the ready line.
    pub(crate) fn spawn(
        bin: &Path,
        args: &[&str],
        known_port: Option<u16>,
        timeout: Duration,
    ) -> Result<ServerProcess, StartError> {
        let mut child =
            spawn_retrying(bin, args).map_err(|source| StartError::Spawn { bin: bin.to_path_buf(), source })?;
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            drain(out, Arc::clone(&log), Some(tx.clone()));
        }
        if let Some(err) = child.stderr.take() {
            // Some servers log to stderr; readiness may show up there too.
            drain(err, Arc::clone(&log), Some(tx));
        } else {
            drop(tx);
        }
        let mut process =
            ServerProcess { child, bin: bin.to_path_buf(), port: known_port.unwrap_or(0), log, exit: None };
        match process.wait_ready(&rx, known_port, timeout) {
            Ok(port) => {
                process.port = port;
                Ok(process)
            }
            Err(e) => {
                process.kill();
                Err(e)
            }
        }
    }

    fn wait_ready(
        &mut self,
        rx: &Receiver<LogEvent>,
        known_port: Option<u16>,
        timeout: Duration,
    ) -> Result<u16, StartError> {
        let deadline = Instant::now() + timeout;
        let mut port = known_port;
        loop {
            let now = Instant::now();
            if now >= deadline {
                self.kill();
                return Err(StartError::Timeout { bin: self.bin.clone(), waited: timeout, log: self.log() });
            }
            // Short waits so an early exit is noticed even if the readers
            // have not seen EOF yet.
            let slice = (deadline - now).min(Duration::from_millis(50));
            match rx.recv_timeout(slice) {
                Ok(LogEvent::Port(p)) => {
                    port.get_or_insert(p);
                }
                Ok(LogEvent::Ready) => {
                    return port.ok_or_else(|| StartError::NoPort { bin: self.bin.clone(), log: self.log() });
                }
                Err(e) => {
                    if let Ok(Some(status)) = self.child.try_wait() {
                        self.exit = Some(status);
                        // Let the readers collect the last words.
                        thread::sleep(Duration::from_millis(100));
                        return Err(StartError::Exited { bin: self.bin.clone(), status, log: self.log() });
                    }
                    if e == RecvTimeoutError::Disconnected {
                        // Output closed but the process still runs: poll.
                        thread::sleep(slice);
                    }
                }
            }
        }
    }

    /// The TCP port the server listens on.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// The operating system's id of the process.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the process printed so far (stdout and stderr interleaved
    /// by line, in the order the reader threads saw them).
    pub(crate) fn log(&self) -> String {
        match self.log.lock() {
            Ok(log) => log.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Whether the process is still running.
    pub(crate) fn is_running(&mut self) -> bool {
        self.poll_exit().is_none()
    }

    fn poll_exit(&mut self) -> Option<ExitStatus> {
        if self.exit.is_none() {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.exit = Some(status);
            }
        }
        self.exit
    }

    /// Waits up to `timeout` for the process to exit by itself.
    pub(crate) fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.poll_exit() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Sends SIGTERM (through the `kill` utility, so this crate needs no
    /// libc), waits up to `timeout`, then SIGKILLs. Returns the exit status.
    pub(crate) fn stop(&mut self, timeout: Duration) -> io::Result<ExitStatus> {
        if let Some(status) = self.poll_exit() {
            return Ok(status);
        }
        let term = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if matches!(term, Ok(s) if s.success()) {
            if let Some(status) = self.wait_exit(timeout) {
                return Ok(status);
            }
        }
        self.child.kill()?;
        let status = self.child.wait()?;
        self.exit = Some(status);
        Ok(status)
    }

    /// SIGKILLs the process (if still running) and reaps it.
    pub(crate) fn kill(&mut self) {
        if self.poll_exit().is_none() {
            // Errors mean it already exited; wait() below reaps either way.
            let _ = self.child.kill();
            if let Ok(status) = self.child.wait() {
                self.exit = Some(status);
            }
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Spawns with piped output, retrying briefly on `ETXTBSY`: a binary that
/// was just written (a fresh build, a test's fake server) can be briefly held
/// open for writing by a process another thread is forking.
fn spawn_retrying(bin: &Path, args: &[&str]) -> io::Result<Child> {
    const ETXTBSY: i32 = 26;
    let mut attempts = 0;
    loop {
        let result =
            Command::new(bin).args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
        match result {
            Err(e) if e.raw_os_error() == Some(ETXTBSY) && attempts < 50 => {
                attempts += 1;
                thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// Copies `source` line by line into `log`, reporting port and readiness
/// lines on `events`. Runs until EOF, so the server never blocks on a full
/// pipe after startup. With `HEARTH_TESTKIT_ECHO` set, lines are also
/// echoed to stderr for live debugging.
fn drain(source: impl Read + Send + 'static, log: Arc<Mutex<String>>, events: Option<Sender<LogEvent>>) {
    let echo = std::env::var_os("HEARTH_TESTKIT_ECHO").is_some();
    thread::spawn(move || {
        let mut reader = BufReader::new(source);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let line = String::from_utf8_lossy(&buf);
            if echo {
                eprint!("{line}");
            }
            if let Ok(mut log) = log.lock() {
                log.push_str(&line);
                if !line.ends_with('\n') {
                    log.push('\n');
                }
            }
            if let Some(tx) = &events {
                if let Some(port) = parse_port(&line) {
                    let _ = tx.send(LogEvent::Port(port));
                }
                if line.contains(READY_MARKER) {
                    let _ = tx.send(LogEvent::Ready);
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_port_reads_redis_running_line() {
        let line = "8930:M 23 Nov 2026 14:37:50.685 * Running mode=standalone, port=43512.";
        assert_eq!(parse_port(line), Some(43512));
    }

    #[test]
    fn parse_port_reads_port_at_end_of_line() {
        assert_eq!(parse_port("listening port=6380\n"), Some(6380));
    }

    #[test]
    fn parse_port_ignores_lines_without_a_port() {
        assert_eq!(parse_port("Ready to accept connections"), None);
        assert_eq!(parse_port("port=abc"), None);
        assert_eq!(parse_port("port="), None);
    }

    #[test]
    fn parse_port_rejects_zero_and_out_of_range() {
        assert_eq!(parse_port("port=0"), None);
        assert_eq!(parse_port("port=70000"), None);
    }

    #[test]
    fn start_error_display_includes_the_log() {
        let err = StartError::NoPort { bin: PathBuf::from("/bin/x"), log: "some output".into() };
        let text = err.to_string();
        assert!(text.contains("/bin/x"), "{text}");
        assert!(text.contains("some output"), "{text}");
    }
}
