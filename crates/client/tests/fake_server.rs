//! Behaviour that needs a server misbehaving on purpose: a pre-6 server that
//! refuses `HELLO` (RESP2 fallback), a server sending bytes that are not
//! RESP (protocol error), and pushes a real server sends only in corner
//! cases.

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use hearth::{Client, Error, NearCacheConfig, Protocol};
use hearth_resp::{parse_command, ParseLimits, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

type Script = Arc<dyn Fn(&str) -> Vec<u8> + Send + Sync>;

/// A server answering each command (by upper-case name) with `script`'s
/// bytes, on any number of connections. Returns its URL.
async fn fake(script: Script) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("redis://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let script = script.clone();
            tokio::spawn(async move {
                let mut buf = BytesMut::new();
                let mut req = Request::new();
                loop {
                    while let Ok(Some(used)) = parse_command(&buf, &ParseLimits::default(), &mut req) {
                        let name = String::from_utf8_lossy(req.args(&buf).get(0)).to_ascii_uppercase();
                        let _ = buf.split_to(used);
                        if socket.write_all(&script(&name)).await.is_err() {
                            return;
                        }
                    }
                    match socket.read_buf(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn refused_hello_falls_back_to_resp2() {
    let url = fake(Arc::new(|cmd: &str| match cmd {
        "HELLO" => b"-ERR unknown command 'HELLO', with args beginning with: '3' \r\n".to_vec(),
        "PING" => b"+PONG\r\n".to_vec(),
        "GET" => b"$2\r\nv2\r\n".to_vec(),
        _ => b"-ERR unexpected\r\n".to_vec(),
    }))
    .await;
    let c = Client::open(&url).await.unwrap();
    assert_eq!(c.protocol().await.unwrap(), Protocol::Resp2);
    c.ping().await.unwrap();
    assert_eq!(c.get::<String>("k").await.unwrap(), "v2");
    // The near cache needs RESP3 pushes: refused with a clear error.
    let err = Client::builder(&url).near_cache(NearCacheConfig::default()).connect().await.unwrap_err();
    assert!(matches!(err, Error::InvalidUse(_)), "{err}");
}

fn resp3_server(ping_reply: &'static [u8]) -> Script {
    Arc::new(move |cmd: &str| match cmd {
        "HELLO" => b"%2\r\n+server\r\n+fake\r\n+proto\r\n:3\r\n".to_vec(),
        "CLIENT" | "MULTI" => b"+OK\r\n".to_vec(),
        "PTTL" | "GET" => b"+QUEUED\r\n".to_vec(),
        "EXEC" => b"*2\r\n:-1\r\n$1\r\nv\r\n".to_vec(),
        "PING" => ping_reply.to_vec(),
        _ => b"-ERR unexpected\r\n".to_vec(),
    })
}

#[tokio::test]
async fn protocol_error_drops_the_connection_and_the_cache() {
    let url = fake(resp3_server(b"?not resp\r\n")).await;
    let c = Client::builder(&url)
        .near_cache(NearCacheConfig::default())
        .reconnect_backoff(Duration::from_millis(5), Duration::from_millis(20))
        .connect()
        .await
        .unwrap();
    assert_eq!(c.get::<String>("k").await.unwrap(), "v");
    assert_eq!(c.get::<String>("k").await.unwrap(), "v");
    assert_eq!(c.near_cache_stats().unwrap().keys, 1);
    let err = c.ping().await.unwrap_err();
    assert!(matches!(err, Error::Protocol(_)), "{err}");
    let s = c.near_cache_stats().unwrap();
    assert_eq!((s.keys, s.flushes), (0, 1), "{s:?}");
    // The client reconnects and caches again.
    assert_eq!(c.get::<String>("k").await.unwrap(), "v");
    assert_eq!(c.near_cache_stats().unwrap().misses, 2);
}

#[tokio::test]
async fn null_invalidation_push_flushes_and_key_pushes_invalidate() {
    // PING's reply is preceded by a push, as a server would interleave it.
    let url = fake(resp3_server(b">2\r\n$10\r\ninvalidate\r\n_\r\n+PONG\r\n")).await;
    let c = Client::builder(&url).near_cache(NearCacheConfig::default()).connect().await.unwrap();
    assert_eq!(c.get::<String>("k").await.unwrap(), "v");
    assert_eq!(c.near_cache_stats().unwrap().keys, 1);
    c.ping().await.unwrap();
    let s = c.near_cache_stats().unwrap();
    assert_eq!((s.keys, s.flushes), (0, 1), "{s:?}");

    let url = fake(resp3_server(b">2\r\n$10\r\ninvalidate\r\n*2\r\n$1\r\nk\r\n$5\r\nother\r\n+PONG\r\n")).await;
    let c = Client::builder(&url).near_cache(NearCacheConfig::default()).connect().await.unwrap();
    assert_eq!(c.get::<String>("k").await.unwrap(), "v");
    c.ping().await.unwrap();
    let s = c.near_cache_stats().unwrap();
    assert_eq!((s.keys, s.invalidations, s.flushes), (0, 1, 0), "{s:?}");
}

#[tokio::test]
async fn unreachable_server_fails_fast_with_the_cause() {
    let port = hearth_testkit::free_port().unwrap();
    let err = Client::builder(&format!("redis://127.0.0.1:{port}"))
        .connect_timeout(Duration::from_millis(500))
        .connect()
        .await
        .unwrap_err();
    assert!(err.is_connection_error(), "{err}");
}

#[tokio::test]
async fn response_timeout_fails_the_request_not_the_client() {
    let url = fake(Arc::new(|cmd: &str| match cmd {
        "HELLO" => b"%1\r\n+proto\r\n:3\r\n".to_vec(),
        "GET" => Vec::new(), // never answers
        "PING" => b"+PONG\r\n".to_vec(),
        _ => b"-ERR unexpected\r\n".to_vec(),
    }))
    .await;
    let c = Client::builder(&url).response_timeout(Duration::from_millis(100)).connect().await.unwrap();
    let err = c.get::<Option<String>>("k").await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
}

#[tokio::test]
async fn health_check_drops_a_silent_connection_and_the_cache() {
    // A server that can freeze: the socket stays open, nothing is answered.
    let frozen = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let answers = resp3_server(b"+PONG\r\n");
    let flag = frozen.clone();
    let url = fake(Arc::new(
        move |cmd: &str| {
            if flag.load(std::sync::atomic::Ordering::SeqCst) {
                Vec::new()
            } else {
                answers(cmd)
            }
        },
    ))
    .await;
    let c = Client::builder(&url)
        .near_cache(NearCacheConfig::default())
        .health_check(Duration::from_millis(50), Duration::from_millis(100))
        .connect_timeout(Duration::from_millis(200))
        .reconnect_backoff(Duration::from_millis(5), Duration::from_millis(20))
        .connect()
        .await
        .unwrap();
    assert_eq!(c.get::<String>("k").await.unwrap(), "v");
    assert_eq!(c.near_cache_stats().unwrap().keys, 1);
    frozen.store(true, std::sync::atomic::Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let s = c.near_cache_stats().unwrap();
    assert!(s.flushes >= 1 && s.keys == 0, "the frozen connection was dropped: {s:?}");
    frozen.store(false, std::sync::atomic::Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Reconnected: reads work and cache again.
    assert_eq!(c.get::<String>("k").await.unwrap(), "v");
    assert_eq!(c.near_cache_stats().unwrap().keys, 1);
}

#[tokio::test]
async fn health_check_keeps_a_live_connection() {
    let url = fake(resp3_server(b"+PONG\r\n")).await;
    let c = Client::builder(&url)
        .near_cache(NearCacheConfig::default())
        .health_check(Duration::from_millis(20), Duration::from_millis(500))
        .connect()
        .await
        .unwrap();
    assert_eq!(c.get::<String>("k").await.unwrap(), "v");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let s = c.near_cache_stats().unwrap();
    assert_eq!((s.flushes, s.keys), (0, 1), "{s:?}");
    assert_eq!(c.get::<String>("k").await.unwrap(), "v");
    assert_eq!(c.near_cache_stats().unwrap().hits, 1);
}
