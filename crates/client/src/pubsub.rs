//! [`Subscription`]: pub/sub messages as a `Stream`, on a dedicated
//! connection.
//!
//! A subscribed connection cannot carry ordinary requests (RESP2) and its
//! traffic would interleave with other tasks' replies, so every subscription
//! gets its own socket and task. The task resubscribes after a reconnect
//! (messages published while disconnected are lost, as with any Redis
//! client). It ends when the `Subscription` is dropped.

use std::collections::{BTreeSet, VecDeque};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use hearth_resp::{decode_frame, Frame};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};

use crate::cmd::Cmd;
use crate::commands::{to_args, ToArgs};
use crate::config::Config;
use crate::conn;
use crate::error::{Error, Result};
use crate::Client;

/// Messages buffered before the subscription task stops reading the socket.
const BUFFERED_MESSAGES: usize = 1024;

/// One published message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The channel it was published to.
    pub channel: Bytes,
    /// The pattern that matched, for `PSUBSCRIBE` subscriptions.
    pub pattern: Option<Bytes>,
    /// The message.
    pub payload: Bytes,
}

impl Message {
    /// The channel as text (lossy).
    pub fn channel_str(&self) -> String {
        String::from_utf8_lossy(&self.channel).into_owned()
    }

    /// The payload as text (lossy).
    pub fn payload_str(&self) -> String {
        String::from_utf8_lossy(&self.payload).into_owned()
    }
}

enum Control {
    Change { verb: &'static str, names: Vec<Bytes>, done: oneshot::Sender<Result<()>> },
}

/// Messages of the subscribed channels and patterns, as a
/// [`futures_core::Stream`]; also [`Subscription::next_message`] for use
/// without a stream library.
///
/// ```no_run
/// # async fn demo(client: hearth::Client) -> hearth::Result<()> {
/// let mut sub = client.subscribe("news").await?;
/// client.publish("news", "hello").await?;
/// let msg = sub.next_message().await.expect("subscribed");
/// assert_eq!(msg.payload_str(), "hello");
/// # Ok(()) }
/// ```
pub struct Subscription {
    messages: mpsc::Receiver<Message>,
    control: mpsc::UnboundedSender<Control>,
}

impl Subscription {
    /// The next message; `None` once the subscription task has ended.
    pub async fn next_message(&mut self) -> Option<Message> {
        self.messages.recv().await
    }

    async fn change(&self, verb: &'static str, names: Vec<Bytes>) -> Result<()> {
        if names.is_empty() {
            return Ok(());
        }
        let (done, rx) = oneshot::channel();
        self.control
            .send(Control::Change { verb, names, done })
            .map_err(|_| Error::Disconnected("the subscription task has ended".into()))?;
        rx.await.unwrap_or_else(|_| Err(Error::Disconnected("the subscription task has ended".into())))
    }

    /// Adds channels; returns once the server confirmed them.
    pub async fn subscribe(&self, channels: impl ToArgs) -> Result<()> {
        self.change("SUBSCRIBE", to_args(channels)).await
    }

    /// Adds glob patterns.
    pub async fn psubscribe(&self, patterns: impl ToArgs) -> Result<()> {
        self.change("PSUBSCRIBE", to_args(patterns)).await
    }

    /// Removes channels.
    pub async fn unsubscribe(&self, channels: impl ToArgs) -> Result<()> {
        self.change("UNSUBSCRIBE", to_args(channels)).await
    }

    /// Removes patterns.
    pub async fn punsubscribe(&self, patterns: impl ToArgs) -> Result<()> {
        self.change("PUNSUBSCRIBE", to_args(patterns)).await
    }
}

impl futures_core::Stream for Subscription {
    type Item = Message;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Message>> {
        self.messages.poll_recv(cx)
    }
}

impl Client {
    /// Subscribes to channels on a new dedicated connection.
    pub async fn subscribe(&self, channels: impl ToArgs) -> Result<Subscription> {
        let sub = self.new_subscription();
        sub.subscribe(channels).await?;
        Ok(sub)
    }

    /// Subscribes to glob patterns on a new dedicated connection.
    pub async fn psubscribe(&self, patterns: impl ToArgs) -> Result<Subscription> {
        let sub = self.new_subscription();
        sub.psubscribe(patterns).await?;
        Ok(sub)
    }

    /// A subscription to nothing yet; add channels with its methods.
    pub fn new_subscription(&self) -> Subscription {
        let (msg_tx, messages) = mpsc::channel(BUFFERED_MESSAGES);
        let (control, control_rx) = mpsc::unbounded_channel();
        tokio::spawn(run(self.inner.config.clone(), msg_tx, control_rx));
        Subscription { messages, control }
    }
}

#[derive(Default)]
struct Wanted {
    channels: BTreeSet<Bytes>,
    patterns: BTreeSet<Bytes>,
}

/// A requested change waiting for `remaining` confirmations.
struct Ack {
    remaining: usize,
    done: oneshot::Sender<Result<()>>,
}

async fn run(config: Config, messages: mpsc::Sender<Message>, mut control: mpsc::UnboundedReceiver<Control>) {
    let mut wanted = Wanted::default();
    let mut delay = config.reconnect_min;
    let mut acks: VecDeque<Ack> = VecDeque::new();
    loop {
        if messages.is_closed() {
            return;
        }
        let opened = match conn::open(&config, None).await {
            Ok(o) => o,
            Err(e) => {
                // Changes asked for while down fail now rather than hang.
                while let Ok(Control::Change { done, .. }) = control.try_recv() {
                    let _ = done.send(Err(e.clone()));
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(config.reconnect_max);
                continue;
            }
        };
        delay = config.reconnect_min;
        let mut stream = opened.stream;
        let mut buf = opened.leftover;
        let mut out = BytesMut::new();
        if !wanted.channels.is_empty() {
            Cmd::new("SUBSCRIBE").args(wanted.channels.iter()).encode(&mut out);
        }
        if !wanted.patterns.is_empty() {
            Cmd::new("PSUBSCRIBE").args(wanted.patterns.iter()).encode(&mut out);
        }
        // Resubscription confirmations are not waited for by anyone.
        let resubscribed = wanted.channels.len() + wanted.patterns.len();
        let mut ignore = resubscribed;
        if stream.write_all(&out).await.is_err() {
            continue;
        }
        let end = session(&mut stream, &mut buf, &mut wanted, &mut acks, &mut ignore, &messages, &mut control).await;
        for ack in acks.drain(..) {
            let _ = ack.done.send(Err(Error::Disconnected("the subscription connection closed".into())));
        }
        if end {
            return;
        }
    }
}

/// Serves one connection; `true` when the subscription is over for good.
async fn session(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
    wanted: &mut Wanted,
    acks: &mut VecDeque<Ack>,
    ignore: &mut usize,
    messages: &mpsc::Sender<Message>,
    control: &mut mpsc::UnboundedReceiver<Control>,
) -> bool {
    loop {
        loop {
            let frame = match decode_frame(buf) {
                Ok(Some((frame, used))) => {
                    buf.advance(used);
                    frame
                }
                Ok(None) => break,
                Err(_) => return false,
            };
            let items = match frame {
                Frame::Push(items) | Frame::Array(items) => items,
                _ => continue,
            };
            match classify(items) {
                Event::Message(m) => {
                    if messages.send(m).await.is_err() {
                        return true;
                    }
                }
                Event::Confirmation => {
                    if *ignore > 0 {
                        *ignore -= 1;
                    } else if let Some(ack) = acks.front_mut() {
                        ack.remaining -= 1;
                        if ack.remaining == 0 {
                            let ack = acks.pop_front().expect("front exists");
                            let _ = ack.done.send(Ok(()));
                        }
                    }
                }
                Event::Other => {}
            }
        }
        tokio::select! {
            read = stream.read_buf(buf) => match read {
                Ok(0) | Err(_) => return false,
                Ok(_) => {}
            },
            change = control.recv() => {
                let Some(Control::Change { verb, names, done }) = change else { return true };
                let set = if verb.starts_with('P') { &mut wanted.patterns } else { &mut wanted.channels };
                if verb.contains("UNSUB") {
                    names.iter().for_each(|n| { set.remove(n); });
                } else {
                    set.extend(names.iter().cloned());
                }
                let mut out = BytesMut::new();
                Cmd::new(verb).args(names.iter()).encode(&mut out);
                acks.push_back(Ack { remaining: names.len(), done });
                if stream.write_all(&out).await.is_err() {
                    return false;
                }
            }
        }
    }
}

enum Event {
    Message(Message),
    Confirmation,
    Other,
}

fn bytes_of(f: Option<Frame>) -> Option<Bytes> {
    match f? {
        Frame::Bulk(b) | Frame::Simple(b) => Some(b),
        _ => None,
    }
}

fn classify(items: Vec<Frame>) -> Event {
    let mut it = items.into_iter();
    let Some(kind) = bytes_of(it.next()) else { return Event::Other };
    match &kind.to_ascii_lowercase()[..] {
        b"message" | b"smessage" => match (bytes_of(it.next()), bytes_of(it.next())) {
            (Some(channel), Some(payload)) => Event::Message(Message { channel, pattern: None, payload }),
            _ => Event::Other,
        },
        b"pmessage" => match (bytes_of(it.next()), bytes_of(it.next()), bytes_of(it.next())) {
            (Some(pattern), Some(channel), Some(payload)) => {
                Event::Message(Message { channel, pattern: Some(pattern), payload })
            }
            _ => Event::Other,
        },
        b"subscribe" | b"psubscribe" | b"unsubscribe" | b"punsubscribe" | b"ssubscribe" | b"sunsubscribe" => {
            Event::Confirmation
        }
        _ => Event::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_messages_and_confirmations() {
        let m = classify(vec![Frame::bulk("message"), Frame::bulk("ch"), Frame::bulk("hi")]);
        assert!(matches!(m, Event::Message(Message { ref payload, pattern: None, .. }) if &payload[..] == b"hi"));
        let p = classify(vec![Frame::bulk("pmessage"), Frame::bulk("c*"), Frame::bulk("ch"), Frame::bulk("x")]);
        assert!(matches!(p, Event::Message(Message { pattern: Some(_), .. })));
        let c = classify(vec![Frame::bulk("subscribe"), Frame::bulk("ch"), Frame::Integer(1)]);
        assert!(matches!(c, Event::Confirmation));
    }
}
