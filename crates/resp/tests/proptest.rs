//! Property tests of the codec: encode/decode identity for every frame type,
//! split-invariance of the request parser and the decoder, and no panics on
//! arbitrary input.

use bytes::{Bytes, BytesMut};
use hearth_resp::*;
use proptest::collection::vec;
use proptest::prelude::*;

/// Bytes without CR or LF (simple strings and errors cannot carry them).
fn line_bytes() -> impl Strategy<Value = Bytes> {
    vec(any::<u8>().prop_filter("no CR/LF", |b| *b != b'\r' && *b != b'\n'), 0..12).prop_map(Bytes::from)
}

fn any_bytes() -> impl Strategy<Value = Bytes> {
    prop_oneof![
        vec(any::<u8>(), 0..16),
        // Bytes that look like protocol, to trip up a parser that peeks.
        vec(prop::sample::select(&b"\r\n$*:+-_#,(!=%~>|0123456789"[..]), 0..16),
    ]
    .prop_map(Bytes::from)
}

fn finite_double() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |v| v.is_finite()),
        (-1_000_000i64..1_000_000, 0u32..8).prop_map(|(m, e)| m as f64 / 10f64.powi(e as i32)),
        Just(0.0),
        Just(-0.0),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
    ]
}

fn big_number() -> impl Strategy<Value = Bytes> {
    (any::<bool>(), "[0-9]{1,40}")
        .prop_map(|(neg, digits)| Bytes::from(format!("{}{digits}", if neg { "-" } else { "" })))
}

/// Any frame that survives a RESP3 round trip unchanged: everything except
/// `NullArray` (RESP3 has a single null) and attributes below the top level
/// (they annotate an element and are skipped by the decoder).
fn resp3_frame() -> impl Strategy<Value = Frame> {
    let leaf = prop_oneof![
        line_bytes().prop_map(Frame::Simple),
        line_bytes().prop_map(Frame::Error),
        any::<i64>().prop_map(Frame::Integer),
        any_bytes().prop_map(Frame::Bulk),
        Just(Frame::Null),
        finite_double().prop_map(Frame::Double),
        any::<bool>().prop_map(Frame::Boolean),
        big_number().prop_map(Frame::BigNumber),
        (any::<[u8; 3]>(), any_bytes()).prop_map(|(format, text)| Frame::Verbatim { format, text }),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Frame::Array),
            vec(inner.clone(), 0..6).prop_map(Frame::Set),
            vec(inner.clone(), 0..6).prop_map(Frame::Push),
            vec((inner.clone(), inner), 0..4).prop_map(Frame::Map),
        ]
    })
}

fn resp3_top_level_frame() -> impl Strategy<Value = Frame> {
    prop_oneof![
        4 => resp3_frame(),
        1 => vec((resp3_frame(), resp3_frame()), 0..3).prop_map(Frame::Attribute),
    ]
}

/// Frames made only of RESP2 types, which round-trip through RESP2.
fn resp2_frame() -> impl Strategy<Value = Frame> {
    let leaf = prop_oneof![
        line_bytes().prop_map(Frame::Simple),
        line_bytes().prop_map(Frame::Error),
        any::<i64>().prop_map(Frame::Integer),
        any_bytes().prop_map(Frame::Bulk),
        Just(Frame::Null),
        Just(Frame::NullArray),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| vec(inner, 0..6).prop_map(Frame::Array))
}

fn encoded(frame: &Frame, proto: Protocol) -> BytesMut {
    let mut out = BytesMut::new();
    encode(frame, proto, &mut out);
    out
}

/// Decodes frames from `buf` until it runs out.
fn decode_all(buf: &[u8]) -> (Vec<Frame>, usize) {
    let mut frames = Vec::new();
    let mut pos = 0;
    while let Some((frame, used)) = decode_frame(&buf[pos..]).expect("valid stream") {
        frames.push(frame);
        pos += used;
    }
    (frames, pos)
}

/// A command encoded as a multibulk request or, if it has arguments, as an
/// inline line with every argument double-quoted and escaped.
fn request_bytes(args: &[Vec<u8>], inline: bool, lf_only: bool, out: &mut Vec<u8>) {
    if !inline || args.is_empty() {
        out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        return;
    }
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.push(b'"');
        for &b in a {
            match b {
                b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                b'\n' => out.extend_from_slice(b"\\n"),
                b' '..=b'~' => out.push(b),
                _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
            }
        }
        out.push(b'"');
    }
    out.extend_from_slice(if lf_only { b"\n" } else { b"\r\n" });
}

type Command = Vec<Vec<u8>>;

fn commands() -> impl Strategy<Value = (Vec<(Command, bool, bool)>, Vec<u8>)> {
    vec((vec(vec(any::<u8>(), 0..10), 0..5), any::<bool>(), any::<bool>()), 1..6).prop_map(|cmds| {
        let mut buf = Vec::new();
        for (args, inline, lf) in &cmds {
            request_bytes(args, *inline, *lf, &mut buf);
        }
        (cmds, buf)
    })
}

/// Feeds `buf` to the parser in the given chunks, the way a server does:
/// after each chunk, parse every complete request and consume it.
fn parse_in_chunks(buf: &[u8], cuts: &[usize]) -> Vec<Command> {
    let limits = ParseLimits::default();
    let mut req = Request::new();
    let mut out = Vec::new();
    let mut pos = 0;
    for &end in cuts.iter().chain(std::iter::once(&buf.len())) {
        let end = end.clamp(pos, buf.len());
        loop {
            let window = &buf[pos..end];
            match parse_command(window, &limits, &mut req).expect("valid stream") {
                Some(n) => {
                    out.push(req.args(window).iter().map(<[u8]>::to_vec).collect());
                    pos += n;
                }
                None => break,
            }
        }
    }
    assert_eq!(pos, buf.len(), "everything consumed");
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn resp3_encode_then_decode_is_identity(frame in resp3_top_level_frame()) {
        let buf = encoded(&frame, Protocol::Resp3);
        prop_assert_eq!(decode_frame(&buf), Ok(Some((frame, buf.len()))));
    }

    #[test]
    fn resp2_types_round_trip_through_resp2(frame in resp2_frame()) {
        let buf = encoded(&frame, Protocol::Resp2);
        prop_assert_eq!(decode_frame(&buf), Ok(Some((frame, buf.len()))));
    }

    #[test]
    fn resp2_encoding_of_any_frame_decodes_as_resp2_types(frame in resp3_frame()) {
        let buf = encoded(&frame, Protocol::Resp2);
        let (decoded, used) = decode_frame(&buf).unwrap().unwrap();
        prop_assert_eq!(used, buf.len());
        prop_assert!(only_resp2_types(&decoded), "{:?}", decoded);
    }

    #[test]
    fn decoding_a_stream_split_anywhere_gives_the_same_frames(
        frames in vec(resp3_frame(), 1..5),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut buf = BytesMut::new();
        for f in &frames {
            encode(f, Protocol::Resp3, &mut buf);
        }
        let cut = cut.index(buf.len() + 1);
        let (mut got, pos) = decode_all(&buf[..cut]);
        let (rest, end) = decode_all(&buf[pos..]);
        got.extend(rest);
        prop_assert_eq!(pos + end, buf.len());
        prop_assert_eq!(got, frames);
    }

    #[test]
    fn parse_command_gives_the_same_requests_at_every_split_point((cmds, buf) in commands()) {
        let want: Vec<Command> = cmds.into_iter().map(|(args, _, _)| args).collect();
        for cut in 0..=buf.len() {
            prop_assert_eq!(&parse_in_chunks(&buf, &[cut]), &want, "cut at {}", cut);
        }
    }

    #[test]
    fn parse_command_gives_the_same_requests_for_any_chunking(
        (cmds, buf) in commands(),
        mut cuts in vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let want: Vec<Command> = cmds.into_iter().map(|(args, _, _)| args).collect();
        let mut cuts: Vec<usize> = cuts.drain(..).map(|c| c.index(buf.len() + 1)).collect();
        cuts.sort_unstable();
        prop_assert_eq!(parse_in_chunks(&buf, &cuts), want);
    }

    #[test]
    fn parse_command_never_panics_on_arbitrary_bytes(
        data in prop_oneof![
            vec(any::<u8>(), 0..200),
            vec(prop::sample::select(&b"*$\r\n0123-\" '\\x"[..]), 0..200),
        ],
        small in any::<bool>(),
    ) {
        let limits = if small {
            ParseLimits { max_bulk_len: 8, max_multibulk_len: 4, max_inline_len: 16 }
        } else {
            ParseLimits::default()
        };
        let mut req = Request::new();
        let mut pos = 0;
        while pos < data.len() {
            let window = &data[pos..];
            match parse_command(window, &limits, &mut req) {
                Ok(Some(n)) => {
                    prop_assert!(n > 0 && n <= window.len());
                    let _ = req.args(window).iter().map(<[u8]>::len).sum::<usize>();
                    pos += n;
                }
                Ok(None) | Err(_) => break,
            }
        }
    }

    #[test]
    fn parse_outcome_of_arbitrary_bytes_does_not_depend_on_the_split(
        data in vec(prop::sample::select(&b"*$\r\n0123-\" 'x"[..]), 0..120),
        cut in any::<prop::sample::Index>(),
        small in any::<bool>(),
    ) {
        let limits = if small {
            ParseLimits { max_bulk_len: 8, max_multibulk_len: 4, max_inline_len: 16 }
        } else {
            ParseLimits::default()
        };
        let cut = cut.index(data.len() + 1);
        prop_assert_eq!(outcomes(&data, &limits, data.len()), outcomes(&data, &limits, cut));
    }

    #[test]
    fn decode_frame_never_panics_on_arbitrary_bytes(
        data in prop_oneof![
            vec(any::<u8>(), 0..200),
            vec(prop::sample::select(&b"*$%~>|=!(#,_:+-\r\n0123tf"[..]), 0..200),
        ],
    ) {
        if let Ok(Some((_, used))) = decode_frame(&data) {
            prop_assert!(used > 0 && used <= data.len());
        }
    }

    #[test]
    fn format_double_round_trips_every_finite_value(bits in any::<u64>()) {
        let v = f64::from_bits(bits);
        let mut text = Vec::new();
        format_double(v, &mut text);
        if v.is_nan() {
            prop_assert_eq!(&text[..], b"nan");
        } else {
            let back: f64 = std::str::from_utf8(&text).unwrap().parse().unwrap();
            prop_assert_eq!(back.to_bits(), v.to_bits());
        }
    }
}

/// Every request (or the error) parsed from `data` fed in two pieces.
fn outcomes(data: &[u8], limits: &ParseLimits, cut: usize) -> Vec<Result<Command, ProtocolError>> {
    let mut req = Request::new();
    let mut out = Vec::new();
    let mut pos = 0;
    for end in [cut, data.len()] {
        while pos < end {
            let window = &data[pos..end];
            match parse_command(window, limits, &mut req) {
                Ok(Some(n)) => {
                    out.push(Ok(req.args(window).iter().map(<[u8]>::to_vec).collect()));
                    pos += n;
                }
                Ok(None) => break,
                Err(e) => {
                    out.push(Err(e));
                    return out;
                }
            }
        }
    }
    out
}

fn only_resp2_types(frame: &Frame) -> bool {
    match frame {
        Frame::Simple(_) | Frame::Error(_) | Frame::Integer(_) | Frame::Bulk(_) => true,
        Frame::Null | Frame::NullArray => true,
        Frame::Array(items) => items.iter().all(only_resp2_types),
        _ => false,
    }
}

#[test]
fn nan_double_round_trips_as_nan() {
    for v in [f64::NAN, -f64::NAN] {
        let buf = encoded(&Frame::Double(v), Protocol::Resp3);
        assert_eq!(&buf[..], b",nan\r\n");
        match decode_frame(&buf) {
            Ok(Some((Frame::Double(d), 6))) => assert!(d.is_nan()),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn null_array_becomes_the_single_resp3_null() {
    let buf = encoded(&Frame::NullArray, Protocol::Resp3);
    assert_eq!(decode_frame(&buf), Ok(Some((Frame::Null, 3))));
}
