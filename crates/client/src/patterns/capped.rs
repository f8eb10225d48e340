//! Capped lists: the chat-history pattern. Append, keep the newest
//! `max_len`, refresh the TTL, all in one transaction and one round trip.

use std::time::Duration;

use crate::cmd::Cmd;
use crate::error::{Error, Result};
use crate::value::{FromFrame, ToArg};
use crate::Client;

/// `MULTI`, `RPUSH key item`, `LTRIM key -max_len -1`, `PEXPIRE key ttl`,
/// `EXEC`. Returns the list's length after trimming.
///
/// ```no_run
/// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
/// use std::time::Duration;
/// use hearth::patterns::{append_capped, recent};
/// append_capped(&client, "room:1", "hello", 100, Duration::from_secs(86_400)).await?;
/// let last: Vec<String> = recent(&client, "room:1", 20).await?;
/// # Ok(()) }
/// ```
pub async fn append_capped(
    client: &Client,
    key: impl ToArg,
    item: impl ToArg,
    max_len: usize,
    ttl: Duration,
) -> Result<i64> {
    if max_len == 0 {
        return Err(Error::InvalidUse("append_capped needs max_len >= 1".into()));
    }
    let key = key.to_arg();
    let max = max_len as i64;
    let replies = client
        .multi()
        .cmd(Cmd::new("RPUSH").arg(key.clone()).arg(item))
        .cmd(Cmd::new("LTRIM").arg(key.clone()).arg(-max).arg(-1))
        .cmd(Cmd::new("PEXPIRE").arg(key).arg(ttl.as_millis().max(1) as u64))
        .execute()
        .await?;
    let mut it = replies.into_iter();
    let pushed = i64::from_frame(it.next().ok_or_else(|| Error::unexpected("no RPUSH reply"))?)?;
    for r in it {
        crate::value::check(r)?;
    }
    Ok(pushed.min(max))
}

/// The newest `n` items, oldest first (`LRANGE key -n -1`; cached by the
/// near cache when it is on).
pub async fn recent<T: FromFrame>(client: &Client, key: impl ToArg, n: usize) -> Result<Vec<T>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    client.lrange(key, -(n as i64), -1).await
}
