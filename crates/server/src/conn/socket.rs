//! Reading a client socket with one syscall per request.
//!
//! Tokio clears a socket's readiness only when a read returns `EAGAIN`, so
//! a plain read loop reads once for the data and once more for the
//! `EAGAIN`: at one request per round trip (redis-benchmark -P 1) that
//! spare read is a quarter of the server's syscalls. Redis reads once and
//! waits for epoll. [`read_some`] does the same: a short read means the
//! kernel's receive queue was drained, so readiness is cleared right away.
//! Tokio clears it only if no new readiness event arrived meanwhile, so
//! data that lands after the read still wakes the task.

use std::io;
use std::os::fd::AsRawFd;

use bytes::BytesMut;
use tokio::io::Interest;
use tokio::net::TcpStream;

/// Spare room below which the buffer grows before a read.
const MIN_SPARE: usize = 4096;

/// Waits until the socket is readable and reads what it holds into `buf`'s
/// spare capacity. `Ok(0)` is end of stream. Cancel-safe: nothing is
/// consumed unless the call returns.
pub async fn read_some(stream: &TcpStream, buf: &mut BytesMut, grow_by: usize) -> io::Result<usize> {
    if buf.capacity() - buf.len() < MIN_SPARE {
        buf.reserve(grow_by);
    }
    let fd = stream.as_raw_fd();
    loop {
        stream.readable().await?;
        let mut got = 0;
        let result = stream.try_io(Interest::READABLE, || {
            let spare = buf.spare_capacity_mut();
            let room = spare.len();
            // SAFETY: `spare` is writable memory of `room` bytes owned by
            // `buf`; recv writes at most `room` bytes into it.
            let n = unsafe { libc::recv(fd, spare.as_mut_ptr().cast(), room, 0) };
            if n < 0 {
                return Err(io::Error::last_os_error());
            }
            let n = n as usize;
            // SAFETY: recv initialised the first `n` spare bytes.
            unsafe { buf.set_len(buf.len() + n) };
            got = n;
            if n > 0 && n < room {
                // Drained: report "would block" so that tokio clears the
                // readiness now instead of after one more read.
                return Err(io::ErrorKind::WouldBlock.into());
            }
            Ok(n)
        });
        match result {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && got > 0 => return Ok(got),
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted) => continue,
            Err(e) => return Err(e),
        }
    }
}
