//! Fuzz target: arbitrary bytes through the request parser (consuming
//! request after request, as a server does, with default and tiny limits,
//! whole and in two chunks) and through the frame decoder. Beyond "no
//! panic", it checks that a parsed request's arguments lie inside the input,
//! that chunked parsing agrees with whole-buffer parsing, and that a decoded
//! frame re-encodes (RESP3) to bytes that decode and re-encode identically.
#![no_main]

use bytes::BytesMut;
use hearth_resp::{decode_frame, encode, parse_command, ParseLimits, Protocol, Request};
use libfuzzer_sys::fuzz_target;

/// Parses every request in `data`, fed in two pieces split at `cut`.
fn parse_stream(
    data: &[u8],
    limits: &ParseLimits,
    cut: usize,
) -> Vec<Result<Vec<Vec<u8>>, String>> {
    let mut req = Request::new();
    let mut out = Vec::new();
    let mut pos = 0;
    for end in [cut.min(data.len()), data.len()] {
        while pos < end {
            let window = &data[pos..end];
            match parse_command(window, limits, &mut req) {
                Ok(Some(n)) => {
                    assert!(
                        n > 0 && n <= window.len(),
                        "consumed {n} of {}",
                        window.len()
                    );
                    let args = req.args(window);
                    out.push(Ok(args.iter().map(<[u8]>::to_vec).collect()));
                    assert_eq!(args.to_owned().as_args(), args);
                    pos += n;
                }
                Ok(None) => break,
                Err(e) => {
                    out.push(Err(e.to_string()));
                    return out;
                }
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let tiny = ParseLimits {
        max_bulk_len: 16,
        max_multibulk_len: 8,
        max_inline_len: 32,
    };
    let cut = data.first().map_or(0, |&b| usize::from(b)) % (data.len() + 1);
    for limits in [ParseLimits::default(), tiny] {
        // Limits are checked on lines, not on what happened to arrive, so
        // the outcome (errors included) must not depend on the split.
        let whole = parse_stream(data, &limits, data.len());
        let split = parse_stream(data, &limits, cut);
        assert_eq!(whole, split, "split at {cut}");
    }

    let mut pos = 0;
    while pos < data.len() {
        match decode_frame(&data[pos..]) {
            Ok(Some((frame, used))) => {
                assert!(used > 0 && used <= data.len() - pos);
                let mut out = BytesMut::new();
                encode(&frame, Protocol::Resp3, &mut out);
                let again = decode_frame(&out).expect("re-encoded frame decodes");
                let (again, n) = again.expect("re-encoded frame is complete");
                assert_eq!(n, out.len());
                // Status lines lose CR/LF (written as spaces), RESP3 has one
                // null and NaN != NaN, so compare encodings, not frames.
                let mut out2 = BytesMut::new();
                encode(&again, Protocol::Resp3, &mut out2);
                assert_eq!(out, out2);
                let mut resp2 = BytesMut::new();
                encode(&frame, Protocol::Resp2, &mut resp2);
                pos += used;
            }
            Ok(None) | Err(_) => break,
        }
    }
});
