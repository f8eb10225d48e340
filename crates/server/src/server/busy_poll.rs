//! Busy polling before a worker sleeps.
//!
//! When a worker runs out of work it blocks in `epoll_wait`, and the next
//! request has to wake it: on a virtual machine that wake-up is an
//! inter-processor interrupt paid by the *sender* (the client's `send`
//! runs `sock_def_readable`, which wakes the sleeping worker) plus the
//! worker's own return from idle. Under steady load the next request is
//! usually microseconds away, so a worker about to sleep first polls its
//! sockets for a short budget: a request that arrives meanwhile finds the
//! worker awake and is served without either cost.
//!
//! The poll uses its own level-triggered epoll set holding every
//! connection the worker serves (tokio's reactor is edge-triggered and is
//! not touched), asked with a zero timeout. Readiness there only ends the
//! spin early; tokio still learns of every event from its own reactor when
//! the worker parks. A socket left readable on purpose (a blocked or
//! paused client) just ends each spin at once, which is the behaviour
//! without busy polling.
//!
//! Work can also come from another thread: an invalidation or message
//! posted to a connection's inbox, a blocked client's wake-up, a new
//! connection. Those sites call [`poke`], which ends every spin in
//! progress, so a cross-thread wake-up is not delayed by the budget.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Changes whenever a thread wakes a task that may live on another worker.
static POKES: AtomicU64 = AtomicU64::new(0);

/// Ends the spins in progress: called where one task wakes another across
/// threads. A plain load and store, not an atomic add: two pokes that
/// race may write the same value, but either one is a change.
pub fn poke() {
    POKES.store(POKES.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
}

/// One worker's poll set.
pub struct BusyPoll {
    epoll: OwnedFd,
    budget: Duration,
}

impl BusyPoll {
    /// A poll set that spins at most `budget` before each sleep; `None`
    /// when the budget is zero or the kernel refuses an epoll instance.
    pub fn new(budget: Duration) -> Option<Self> {
        if budget.is_zero() {
            return None;
        }
        // SAFETY: epoll_create1 has no memory preconditions; a non-negative
        // result is a fresh descriptor this value then owns.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return None;
        }
        // SAFETY: `fd` was just returned by the kernel and is owned by no one else.
        let epoll = unsafe { OwnedFd::from_raw_fd(fd) };
        Some(BusyPoll { epoll, budget })
    }

    /// Adds a connection's socket. The kernel drops it from the set when
    /// the socket closes, so there is no matching removal.
    pub fn watch(&self, fd: RawFd) {
        let mut event = libc::epoll_event { events: libc::EPOLLIN as u32, u64: fd as u64 };
        // SAFETY: both descriptors are open and `event` outlives the call. A
        // failure (e.g. ENOMEM) only means this socket never ends a spin early.
        unsafe { libc::epoll_ctl(self.epoll.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut event) };
    }

    /// Spins until a watched socket is readable, another thread pokes, or
    /// the budget is spent.
    pub fn spin(&self) {
        let start = Instant::now();
        let pokes = POKES.load(Ordering::Relaxed);
        let mut event = libc::epoll_event { events: 0, u64: 0 };
        loop {
            // SAFETY: the buffer holds the one event asked for; timeout 0
            // never blocks.
            let ready = unsafe { libc::epoll_wait(self.epoll.as_raw_fd(), &mut event, 1, 0) };
            if ready != 0 || POKES.load(Ordering::Relaxed) != pokes || start.elapsed() >= self.budget {
                return;
            }
            for _ in 0..32 {
                std::hint::spin_loop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::net::UnixStream;

    #[test]
    fn a_readable_socket_ends_the_spin_early() {
        let poll = BusyPoll::new(Duration::from_secs(5)).expect("epoll");
        let (mut a, b) = UnixStream::pair().unwrap();
        poll.watch(b.as_raw_fd());
        a.write_all(b"x").unwrap();
        let start = Instant::now();
        poll.spin();
        assert!(start.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn a_poke_from_another_thread_ends_the_spin_early() {
        let poll = BusyPoll::new(Duration::from_secs(5)).expect("epoll");
        let poker = std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(20));
            poke();
        });
        let start = Instant::now();
        poll.spin();
        poker.join().unwrap();
        assert!(start.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn an_idle_set_spins_for_the_budget() {
        let poll = BusyPoll::new(Duration::from_millis(20)).expect("epoll");
        let (_a, b) = UnixStream::pair().unwrap();
        poll.watch(b.as_raw_fd());
        // Other tests in this process may poke meanwhile: a spin is only
        // judged when no poke happened during it.
        let unpoked_spin = (0..50).find_map(|_| {
            let pokes = POKES.load(Ordering::Relaxed);
            let start = Instant::now();
            poll.spin();
            (POKES.load(Ordering::Relaxed) == pokes).then(|| start.elapsed())
        });
        assert!(unpoked_spin.expect("an unpoked spin") >= Duration::from_millis(20));
    }

    #[test]
    fn a_zero_budget_turns_it_off() {
        assert!(BusyPoll::new(Duration::ZERO).is_none());
    }
}
