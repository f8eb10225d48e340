//! `loadgen`: drives a Redis-protocol server with many pipelined clients,
//! like `redis-benchmark -r`, but speaking RESP3 and optionally turning
//! `CLIENT TRACKING ON` on every client first, which redis-benchmark cannot.
//! Invalidation pushes are read and counted apart from replies.
//!
//! It runs on one thread (as redis-benchmark does), so on a small machine it
//! leaves the other cores to the server, and prints one line:
//! `ops_per_sec=<n> pushes=<n>`.
//!
//! ```text
//! loadgen --port 6379 [--clients 50] [--pipeline 16] [--keyspace 100000]
//!         [--seconds 3 | --requests N] [--gets 1.0] [--tracking] [--populate]
//! ```
//!
//! `--requests N` runs N commands in all (like redis-benchmark -n) instead
//! of for a time; the rate is then over the time the last client took.

mod frames;

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What one run does.
#[derive(Debug, Clone)]
struct Options {
    port: u16,
    clients: usize,
    pipeline: usize,
    keyspace: u64,
    seconds: f64,
    requests: u64,
    gets: f64,
    tracking: bool,
    populate: bool,
}

const VALUE: &[u8] = &[b'v'; 32];

fn parse_options() -> Result<Options> {
    let mut o = Options {
        port: 6379,
        clients: 50,
        pipeline: 16,
        keyspace: 100_000,
        seconds: 3.0,
        requests: 0,
        gets: 1.0,
        tracking: false,
        populate: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => o.port = value()?.parse()?,
            "--clients" => o.clients = value()?.parse()?,
            "--pipeline" => o.pipeline = value()?.parse()?,
            "--keyspace" => o.keyspace = value()?.parse()?,
            "--seconds" => o.seconds = value()?.parse()?,
            "--requests" => o.requests = value()?.parse()?,
            "--gets" => o.gets = value()?.parse()?,
            "--tracking" => o.tracking = true,
            "--populate" => o.populate = true,
            other => bail!("unknown option {other}"),
        }
    }
    if o.clients == 0 || o.pipeline == 0 || o.keyspace == 0 {
        bail!("--clients, --pipeline and --keyspace must be positive");
    }
    Ok(o)
}

/// Appends one command as a RESP multibulk.
fn encode(out: &mut Vec<u8>, args: &[&[u8]]) {
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

fn key(i: u64) -> Vec<u8> {
    format!("key:{i:06}").into_bytes()
}

/// One client connection with its read buffer.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    pushes: u64,
}

impl Conn {
    async fn open(port: u16) -> Result<Conn> {
        let stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream.set_nodelay(true)?;
        Ok(Conn { stream, buf: Vec::with_capacity(64 * 1024), pushes: 0 })
    }

    /// Sends `request` and waits for `replies` replies (pushes are counted
    /// and skipped). Fails on an error reply.
    async fn round_trip(&mut self, request: &[u8], replies: usize) -> Result<()> {
        self.stream.write_all(request).await?;
        let mut seen = 0;
        let mut pos = 0;
        loop {
            while let Some((end, kind)) = frames::next(&self.buf[pos..]) {
                match kind {
                    frames::Kind::Push => self.pushes += 1,
                    frames::Kind::Error => bail!("error reply: {}", String::from_utf8_lossy(&self.buf[pos..pos + end])),
                    frames::Kind::Reply => seen += 1,
                }
                pos += end;
            }
            self.buf.drain(..pos);
            pos = 0;
            if seen >= replies {
                return Ok(());
            }
            let mut chunk = [0u8; 16 * 1024];
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                bail!("server closed the connection");
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// Writes every key once, 1,000 per pipeline.
async fn populate(o: &Options) -> Result<()> {
    let mut c = Conn::open(o.port).await?;
    let mut req = Vec::new();
    let mut i = 0;
    while i < o.keyspace {
        req.clear();
        let n = (o.keyspace - i).min(1000);
        for j in i..i + n {
            encode(&mut req, &[b"SET", &key(j), VALUE]);
        }
        c.round_trip(&req, n as usize).await?;
        i += n;
    }
    Ok(())
}

/// One client's loop: pipelines of random GETs/SETs until `end` or until
/// it sent its share of `--requests`; returns (commands completed, pushes seen).
async fn client(o: Options, seed: u64, start: Instant, end: Instant) -> Result<(u64, u64)> {
    let mut c = Conn::open(o.port).await?;
    let mut setup = Vec::new();
    encode(&mut setup, &[b"HELLO", b"3"]);
    if o.tracking {
        encode(&mut setup, &[b"CLIENT", b"TRACKING", b"ON"]);
    }
    c.round_trip(&setup, 1 + o.tracking as usize).await?;
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut req = Vec::new();
    let mut done = 0;
    tokio::time::sleep_until(start.into()).await;
    let share = o.requests.div_ceil(o.clients as u64);
    while if o.requests > 0 { done < share } else { Instant::now() < end } {
        req.clear();
        for _ in 0..o.pipeline {
            let k = key(rng.gen_range(0..o.keyspace));
            if rng.gen_bool(o.gets) {
                encode(&mut req, &[b"GET", &k]);
            } else {
                encode(&mut req, &[b"SET", &k, VALUE]);
            }
        }
        c.round_trip(&req, o.pipeline).await?;
        done += o.pipeline as u64;
    }
    Ok((done, c.pushes))
}

async fn run(o: Options) -> Result<()> {
    if o.populate {
        populate(&o).await?;
    }
    // Connect everyone first; count only the timed window.
    let start = Instant::now() + Duration::from_millis(300);
    let end = start + Duration::from_secs_f64(o.seconds);
    let tasks: Vec<_> =
        (0..o.clients).map(|i| tokio::task::spawn_local(client(o.clone(), i as u64, start, end))).collect();
    let (mut ops, mut pushes) = (0, 0);
    for t in tasks {
        let (n, p) = t.await??;
        ops += n;
        pushes += p;
    }
    let elapsed = Instant::now().duration_since(start).as_secs_f64();
    println!("ops_per_sec={:.0} pushes={pushes}", ops as f64 / elapsed);
    Ok(())
}

fn main() -> Result<()> {
    let o = parse_options()?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    tokio::task::LocalSet::new().block_on(&rt, run(o))
}
