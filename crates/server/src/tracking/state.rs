//! One client's tracking settings (CLIENT TRACKING options, CLIENT CACHING,
//! the broken-redirect mark), shared between its connection and the
//! writers that deliver its invalidations.

use bytes::Bytes;

/// Which tracking mode a client is in.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum TrackingMode {
    /// Tracking off.
    #[default]
    Off,
    /// Default mode: keys the client reads are remembered.
    Default,
    /// BCAST: every write to a key matching a prefix is sent.
    Bcast,
}

/// A client's tracking settings.
#[derive(Clone, Debug, Default)]
pub struct TrackingState {
    /// The mode.
    pub mode: TrackingMode,
    /// Client id invalidations are redirected to (0 = the client itself).
    pub redirect: u64,
    /// Don't send invalidations for the client's own writes.
    pub noloop: bool,
    /// Remember reads only after `CLIENT CACHING yes`.
    pub optin: bool,
    /// Remember reads unless `CLIENT CACHING no`.
    pub optout: bool,
    /// `CLIENT CACHING` given for the next command (or MULTI block).
    pub caching: Option<bool>,
    /// BCAST prefixes (empty string = every key).
    pub prefixes: Vec<Bytes>,
    /// The redirect target disconnected (reported once, lazily).
    pub broken_redirect: bool,
}

impl TrackingState {
    /// Whether tracking is on.
    pub fn enabled(&self) -> bool {
        self.mode != TrackingMode::Off
    }

    /// Whether a read-only command run now must register its keys:
    /// default mode, and OPTIN/OPTOUT allow it (Redis's trackingRememberKeys).
    pub fn remembers_reads(&self) -> bool {
        self.mode == TrackingMode::Default
            && !(self.optin && self.caching != Some(true))
            && !(self.optout && self.caching == Some(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optin_needs_caching_yes_and_optout_is_stopped_by_caching_no() {
        let mut s = TrackingState { mode: TrackingMode::Default, ..Default::default() };
        assert!(s.remembers_reads());
        s.optin = true;
        assert!(!s.remembers_reads());
        s.caching = Some(true);
        assert!(s.remembers_reads());
        let mut o = TrackingState { mode: TrackingMode::Default, optout: true, ..Default::default() };
        assert!(o.remembers_reads());
        o.caching = Some(false);
        assert!(!o.remembers_reads());
        let b = TrackingState { mode: TrackingMode::Bcast, ..Default::default() };
        assert!(!b.remembers_reads());
    }
}
