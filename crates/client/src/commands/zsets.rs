//! Sorted set commands (the simple forms: by rank, with or without scores).

use hearth_resp::Frame;

use super::{to_args, ToArgs};
use crate::cache::Read;
use crate::cmd::Cmd;
use crate::error::{Error, Result};
use crate::value::{elements, FromFrame, ToArg};
use crate::Client;

impl Client {
    /// `ZADD key score member`: how many were added.
    pub async fn zadd(&self, key: impl ToArg, member: impl ToArg, score: f64) -> Result<i64> {
        self.query(Cmd::new("ZADD").arg(key).arg(score).arg(member)).await
    }

    /// `ZADD key score member [score member ...]` from `(member, score)` pairs.
    pub async fn zadd_multiple<M: ToArg>(&self, key: impl ToArg, members: &[(M, f64)]) -> Result<i64> {
        let mut c = Cmd::new("ZADD").arg(key);
        for (m, s) in members {
            c = c.arg(*s).arg(m);
        }
        self.query(c).await
    }

    /// `ZREM key member...`: how many were removed.
    pub async fn zrem(&self, key: impl ToArg, members: impl ToArgs) -> Result<i64> {
        self.query(Cmd::new("ZREM").arg(key).args(to_args(members))).await
    }

    /// `ZINCRBY key delta member`: the new score.
    pub async fn zincr_by(&self, key: impl ToArg, member: impl ToArg, delta: f64) -> Result<f64> {
        self.query(Cmd::new("ZINCRBY").arg(key).arg(delta).arg(member)).await
    }

    /// `ZSCORE key member` (cached).
    pub async fn zscore(&self, key: impl ToArg, member: impl ToArg) -> Result<Option<f64>> {
        self.read(Read::with("ZSCORE", key.to_arg(), vec![member.to_arg()])).await
    }

    /// `ZRANK key member` (cached).
    pub async fn zrank(&self, key: impl ToArg, member: impl ToArg) -> Result<Option<i64>> {
        self.read(Read::with("ZRANK", key.to_arg(), vec![member.to_arg()])).await
    }

    /// `ZCARD key` (cached).
    pub async fn zcard(&self, key: impl ToArg) -> Result<i64> {
        self.read_key("ZCARD", key).await
    }

    /// `ZRANGE key start stop` by rank (cached).
    pub async fn zrange<T: FromFrame>(&self, key: impl ToArg, start: i64, stop: i64) -> Result<T> {
        self.read(Read::with("ZRANGE", key.to_arg(), vec![start.to_arg(), stop.to_arg()])).await
    }

    /// `ZRANGE key start stop WITHSCORES` by rank (cached): `(member, score)`
    /// pairs, from RESP3's nested pairs or RESP2's flat list alike.
    pub async fn zrange_with_scores<T: FromFrame>(
        &self,
        key: impl ToArg,
        start: i64,
        stop: i64,
    ) -> Result<Vec<(T, f64)>> {
        let extra = vec![start.to_arg(), stop.to_arg(), "WITHSCORES".to_arg()];
        let frame: Frame = self.read(Read::with("ZRANGE", key.to_arg(), extra)).await?;
        scored_pairs(frame)
    }
}

fn scored_pairs<T: FromFrame>(frame: Frame) -> Result<Vec<(T, f64)>> {
    let items = elements(frame)?;
    if items.iter().all(|f| matches!(f, Frame::Array(_))) {
        return items.into_iter().map(<(T, f64)>::from_frame).collect();
    }
    if items.len() % 2 != 0 {
        return Err(Error::unexpected("an odd-length WITHSCORES reply"));
    }
    let mut out = Vec::with_capacity(items.len() / 2);
    let mut it = items.into_iter();
    while let (Some(m), Some(s)) = (it.next(), it.next()) {
        out.push((T::from_frame(m)?, f64::from_frame(s)?));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withscores_pairs_from_both_protocols() {
        let resp3 = Frame::Array(vec![Frame::Array(vec![Frame::bulk("a"), Frame::Double(1.0)])]);
        let resp2 = Frame::Array(vec![Frame::bulk("a"), Frame::bulk("1")]);
        let a: Vec<(String, f64)> = scored_pairs(resp3).unwrap();
        let b: Vec<(String, f64)> = scored_pairs(resp2).unwrap();
        assert_eq!(a, vec![("a".to_string(), 1.0)]);
        assert_eq!(a, b);
    }
}
