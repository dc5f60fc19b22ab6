//! Properties: printed points read back exactly; any bytes are read without a panic and every
//! non-blank line is counted once; gzip bodies read as their plain text.
#![allow(clippy::indexing_slicing, reason = "test code")]

use std::collections::BTreeMap;
use std::io::Write;

use crest_ingest::{Format, IngestOptions, decompress, ingest, tokenizer::is_blank};
use crest_series::{Sample, SeriesKey};
use proptest::prelude::*;

const NOW: i64 = 1_795_881_600_000;

/// One point as the generator makes it.
#[derive(Debug, Clone)]
struct Point {
    metric: String,
    source: String,
    tags: BTreeMap<String, String>,
    value: f64,
    /// Epoch ms, and how to print it (0 none, 1 s, 2 ms, 3 µs, 4 ns).
    timestamp: i64,
    unit: u8,
}

fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_.,/-]{1,24}"
}

fn tag_key() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_.,/-]{1,16}".prop_filter("not a source key", |k| {
        !matches!(k.as_str(), "source" | "host" | "tag" | "_merge")
    })
}

/// Printable text with spaces, quotes and backslashes, not blank, not ending in a backslash.
fn tag_value() -> impl Strategy<Value = String> {
    "[ -~]{0,16}[!-\\[\\]-~]"
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        (-1_000_000i64..1_000_000).prop_map(|v| v as f64 / 100.0),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::NAN),
    ]
}

fn point() -> impl Strategy<Value = Point> {
    (
        name(),
        "[a-zA-Z0-9 .\"=#'-]{0,12}[a-zA-Z0-9]",
        proptest::collection::btree_map(tag_key(), tag_value(), 0..6),
        value(),
        (NOW - 8_000 * 3_600_000)..(NOW + 23 * 3_600_000),
        0u8..5,
    )
        .prop_map(|(metric, source, tags, value, timestamp, unit)| {
            // Seconds and µs/ns print whole seconds / whole ms exactly.
            let timestamp = match unit {
                1 => timestamp / 1000 * 1000,
                _ => timestamp,
            };
            Point {
                metric,
                source,
                tags,
                value,
                timestamp,
                unit,
            }
        })
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\\\""))
}

fn java_double(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "Infinity".into()
    } else if v == f64::NEG_INFINITY {
        "-Infinity".into()
    } else if v.abs() > 1e10 || (v != 0.0 && v.abs() < 1e-5) {
        format!("{v:e}")
    } else {
        format!("{v:?}")
    }
}

/// Prints a point as a client might: quoted or bare names, any separators, source anywhere.
fn print(p: &Point, style: u8) -> String {
    let sep = match style % 3 {
        0 => " ",
        1 => "  ",
        _ => "\t",
    };
    let eq = if style & 4 != 0 { " = " } else { "=" };
    let mut out = if style & 8 != 0 {
        quote(&p.metric)
    } else {
        p.metric.clone()
    };
    out.push_str(sep);
    out.push_str(&java_double(p.value));
    let ts = match p.unit {
        1 => Some((p.timestamp / 1000).to_string()),
        2 => Some(p.timestamp.to_string()),
        3 => Some(format!("{}{:03}", p.timestamp, 123)),
        4 => Some(format!("{}{:06}", p.timestamp, 987_654)),
        _ => None,
    };
    if let Some(ts) = ts {
        out.push_str(sep);
        out.push_str(&ts);
    }
    let source = format!("source{eq}{}", quote(&p.source));
    let mut pairs: Vec<String> = p
        .tags
        .iter()
        .map(|(k, v)| {
            let k = if style & 16 != 0 { quote(k) } else { k.clone() };
            format!("{k}{eq}{}", quote(v))
        })
        .collect();
    // A first pair whose key starts with a digit would read as the timestamp (in Java too).
    let digit_first = p
        .tags
        .keys()
        .next()
        .is_some_and(|k| k.starts_with(|c: char| c.is_ascii_digit()));
    let at = if digit_first {
        0
    } else {
        usize::from(style) % (pairs.len() + 1)
    };
    pairs.insert(at, source);
    for pair in pairs {
        out.push_str(sep);
        out.push_str(&pair);
    }
    out
}

fn same_value(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn printed_points_read_back_exactly(
        points in proptest::collection::vec((point(), any::<u8>(), 0u8..4), 1..40),
    ) {
        let mut body = String::new();
        for (p, style, gap) in &points {
            body.push_str(&print(p, *style));
            body.push_str(match gap { 0 => "\n", 1 => "\r\n", 2 => "\n\n", _ => "\n \t\n" });
        }
        let got = ingest(body.as_bytes(), &IngestOptions::new(Format::Wavefront, NOW));
        prop_assert_eq!((got.accepted, got.refused), (points.len(), 0), "{:?}\n{}", got.errors, body);
        // The expected batch: grouped by key in first-seen order.
        let mut want: Vec<(SeriesKey, Vec<Sample>)> = Vec::new();
        for (p, _, _) in &points {
            let key = SeriesKey { metric: p.metric.clone(), source: p.source.to_lowercase(), tags: p.tags.clone() };
            let sample = Sample { timestamp: if p.unit == 0 { NOW } else { p.timestamp }, value: p.value };
            match want.iter_mut().find(|(k, _)| *k == key) {
                Some((_, samples)) => samples.push(sample),
                None => want.push((key, vec![sample])),
            }
        }
        prop_assert_eq!(got.batch.series_len(), want.len());
        for (series, (key, samples)) in got.batch.series().zip(&want) {
            prop_assert_eq!(series.key(), Some(key.clone()));
            prop_assert_eq!(series.samples.len(), samples.len());
            for (a, b) in series.samples.iter().zip(samples) {
                prop_assert_eq!(a.timestamp, b.timestamp);
                prop_assert!(same_value(a.value, b.value), "{} vs {}", a.value, b.value);
            }
        }
    }

    #[test]
    fn any_bytes_are_read_without_panic_and_every_line_is_counted(
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        check_counts(&body);
    }

    #[test]
    fn near_valid_lines_are_read_without_panic_and_counted(
        lines in proptest::collection::vec(
            proptest::collection::vec(
                prop_oneof![
                    Just("m"), Just("1"), Just("1795881521"), Just("source"), Just("host"), Just("tag"),
                    Just("="), Just("#"), Just("\""), Just("'"), Just("\\"), Just("!M"), Just("!H"),
                    Just("@SourceTag"), Just("@SourceDescription"), Just("action"), Just("add"),
                    Just("save"), Just("delete"), Just("_merge"), Just("false"), Just("\u{2206}c"),
                    Just("\u{0394}"), Just("NaN"), Just("-1"), Just("0x1p3"), Just("1e400"),
                    Just("{"), Just("}"), Just("\0"), Just("\r"), Just(" "), Just("\t"), Just("é"),
                ],
                0..16,
            ),
            0..12,
        ),
    ) {
        let body = lines.iter().map(|l| l.concat()).collect::<Vec<_>>().join("\n");
        check_counts(body.as_bytes());
    }

    #[test]
    fn a_gzip_body_reads_as_its_text(
        points in proptest::collection::vec((point(), any::<u8>()), 0..20),
        members in 1usize..3,
    ) {
        let text: String = points.iter().map(|(p, style)| print(p, *style) + "\n").collect();
        let mut body = Vec::new();
        let per = text.len() / members + 1;
        for chunk in text.as_bytes().chunks(per.max(1)) {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
            e.write_all(chunk).unwrap();
            body.extend(e.finish().unwrap());
        }
        let plain = decompress(&body, 1 << 20).unwrap();
        prop_assert_eq!(&*plain, text.as_bytes());
        let options = IngestOptions::new(Format::Wavefront, NOW);
        let a = ingest(&plain, &options);
        let b = ingest(text.as_bytes(), &options);
        prop_assert_eq!(a.accepted, b.accepted);
        prop_assert_eq!(a.batch.points(), b.batch.points());
    }
}

fn check_counts(body: &[u8]) {
    let non_blank = body
        .split(|&b| b == b'\n')
        .filter(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            !std::str::from_utf8(line).is_ok_and(is_blank)
        })
        .count();
    for format in [Format::Wavefront, Format::Histogram, Format::SourceTag] {
        let options = IngestOptions {
            max_errors: 3,
            ..IngestOptions::new(format, NOW)
        };
        let got = ingest(body, &options);
        assert_eq!(got.accepted + got.refused, non_blank, "{format:?} {body:?}");
        assert!(got.errors.len() <= 3);
        assert!(got.batch.points() <= got.accepted);
        for series in got.batch.series() {
            // Every key decodes, and is exactly its canonical form (the engine refuses others).
            let key = series.key();
            assert!(key.is_some(), "{:?}", series.canonical);
            assert!(key.is_some_and(|key| key.canonical() == series.canonical
                && !key.metric.contains('\0')
                && !key.source.contains('\0')));
        }
    }
    let _ = decompress(body, 4096);
}
