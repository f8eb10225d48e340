//! Reading a pipelined batch ahead.
//!
//! When a read brings several complete commands, they are all parsed up
//! front: the connection then runs them from here without parsing again,
//! and before the first one runs, the keyspace (and, for a tracking client,
//! the tracking table) starts fetching every command's key into cache (see
//! [`crate::prefetch`]). The key is guessed as the first argument, which it
//! is for nearly every keyed command; a wrong guess costs one wasted fetch.

use hearth_resp::{parse_command, ParseLimits, Request};

use crate::keyspace::{hash_key, Keyspace};

/// At most this many commands of a batch are parsed ahead.
const MAX_AHEAD: usize = 64;

/// Commands parsed ahead, reused from batch to batch.
#[derive(Default)]
pub struct Lookahead {
    /// (offset in the batch, length, parsed request); only the first
    /// `count` are this batch's.
    parsed: Vec<(usize, usize, Request)>,
    count: usize,
    next: usize,
    hashes: Vec<u64>,
}

impl Lookahead {
    /// Parses the complete commands at the start of `buf` (up to the first
    /// incomplete or malformed one, which the caller parses and reports in
    /// turn) and prefetches their keys: in the keyspace when there are several,
    /// in the tracking table for a tracking client.
    pub fn read(&mut self, buf: &[u8], limits: &ParseLimits, ks: &Keyspace, db: usize, tracking: bool) {
        self.discard();
        self.hashes.clear();
        let mut pos = 0;
        while self.count < MAX_AHEAD {
            if self.parsed.len() == self.count {
                self.parsed.push((0, 0, Request::new()));
            }
            let (at, len, req) = &mut self.parsed[self.count];
            req.reset();
            match parse_command(&buf[pos..], limits, req) {
                Ok(Some(n)) => {
                    let args = req.args(&buf[pos..]);
                    if args.len() >= 2 {
                        self.hashes.push(hash_key(&args[1]));
                    }
                    (*at, *len) = (pos, n);
                    pos += n;
                    self.count += 1;
                }
                _ => break,
            }
        }
        // A batch that hammers one key (LPUSH mylist ...) needs one fetch.
        self.hashes.dedup();
        if self.count >= 2 {
            ks.prefetch(db, &self.hashes);
        }
        // A tracked read misses once more, in the tracking table; that fetch
        // depends on nothing, so even a lone command starts it here, to
        // overlap the keyspace lookup's misses.
        if tracking {
            if let Some(t) = crate::tracking::get() {
                t.prefetch(&self.hashes);
            }
        }
    }

    /// The next command parsed ahead, if it starts at `offset` of the batch
    /// (`Request::args` takes the buffer from that offset): (its length,
    /// the request).
    pub fn take(&mut self, offset: usize) -> Option<(usize, &Request)> {
        if self.next >= self.count || self.parsed[self.next].0 != offset {
            return None;
        }
        let (_, len, req) = &self.parsed[self.next];
        self.next += 1;
        Some((*len, req))
    }

    /// Drops what is left (the client's parsing limits changed).
    pub fn discard(&mut self) {
        self.count = 0;
        self.next = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lookahead that has read `buf` (with prefetching into an empty keyspace).
    fn read_ahead(buf: &[u8]) -> Lookahead {
        let mut la = Lookahead::default();
        la.read(buf, &ParseLimits::default(), &Keyspace::new(1), 0, false);
        la
    }

    #[test]
    fn runs_every_complete_command_in_order_then_stops_at_a_partial_one() {
        let buf = b"*2\r\n$3\r\nGET\r\n$1\r\na\r\nPING\r\n*0\r\n*2\r\n$3\r\nGET\r\n$2\r\nbc\r\n*2\r\n$3\r\nGET";
        let mut la = read_ahead(buf);
        let mut seen = Vec::new();
        let mut offset = 0;
        while let Some((n, req)) = la.take(offset) {
            let args: Vec<Vec<u8>> = req.args(&buf[offset..]).iter().map(|a| a.to_vec()).collect();
            seen.push(args);
            offset += n;
        }
        let expected: Vec<Vec<Vec<u8>>> = vec![
            vec![b"GET".to_vec(), b"a".to_vec()],
            vec![b"PING".to_vec()],
            vec![],
            vec![b"GET".to_vec(), b"bc".to_vec()],
        ];
        assert_eq!(seen, expected);
        assert_eq!(&buf[offset..], b"*2\r\n$3\r\nGET", "the partial command is left to the caller");
    }

    #[test]
    fn a_malformed_command_is_left_for_the_caller_to_report() {
        let buf = b"PING\r\n*x\r\nPING\r\n";
        let mut la = read_ahead(buf);
        assert_eq!(la.take(0).map(|(n, _)| n), Some(6));
        assert!(la.take(6).is_none());
    }

    #[test]
    fn nothing_is_taken_at_an_offset_it_did_not_parse_or_after_a_discard() {
        let buf = b"PING\r\nPING\r\n";
        let mut la = read_ahead(buf);
        assert!(la.take(3).is_none());
        assert!(la.take(0).is_some());
        la.discard();
        assert!(la.take(6).is_none());
    }
}
