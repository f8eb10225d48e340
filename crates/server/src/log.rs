//! Redis-style log lines on stdout: `<pid>:M <date> <level> <message>`,
//! e.g. `4242:M 23 Nov 2026 14:35:01.123 * Ready to accept connections tcp`.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Civil date (year, month 1-12, day) from days since 1970-01-01.
fn civil(days: i64) -> (i64, usize, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + (m <= 2) as i64, m as usize, d)
}

/// Formats unix ms like Redis's log timestamps.
pub fn timestamp(ms: i64) -> String {
    let (secs, millis) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!("{d:02} {} {y} {:02}:{:02}:{:02}.{millis:03}", MONTHS[m - 1], t / 3600, t % 3600 / 60, t % 60)
}

fn line(level: char, msg: &str) {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}:M {} {level} {msg}", std::process::id(), timestamp(ms));
    let _ = out.flush();
}

/// A notice (`*`).
pub fn notice(msg: &str) {
    line('*', msg);
}

/// A warning (`#`).
pub fn warning(msg: &str) {
    line('#', msg);
}

#[cfg(test)]
mod tests {
    use super::timestamp;

    #[test]
    fn timestamp_matches_redis_layout() {
        assert_eq!(timestamp(0), "01 Jan 1970 00:00:00.000");
        assert_eq!(timestamp(1_795_444_501_123), "23 Nov 2026 14:35:01.123");
    }
}
