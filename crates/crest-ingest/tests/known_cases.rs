//! Known cases: every example line of the reference (ingest-query-performance.md §1,
//! real-clients.md §2.3), the conformance test's bodies, and every check with a failing line and
//! its exact message.

#![allow(
    clippy::indexing_slicing,
    reason = "test code: helpers index what the cases just built"
)]
use std::collections::BTreeMap;

use crest_ingest::{Format, IngestOptions, Ingested, Limits, SourceTagOp, ingest};
use crest_series::{Centroid, Granularity, Sample, SeriesKey};

/// 2026-11-28T12:40:00Z: the "now" of every case.
const NOW: i64 = 1_795_881_600_000;
/// A time 79 s before NOW, in seconds (the SDK's example timestamp).
const T: i64 = 1_795_881_521;

fn run(format: Format, body: &str) -> Ingested {
    ingest(body.as_bytes(), &IngestOptions::new(format, NOW))
}

fn wf(body: &str) -> Ingested {
    run(Format::Wavefront, body)
}

fn key(metric: &str, source: &str, tags: &[(&str, &str)]) -> SeriesKey {
    SeriesKey {
        metric: metric.to_owned(),
        source: source.to_owned(),
        tags: tags
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// One series of a batch, decoded.
struct Owned {
    key: SeriesKey,
    samples: Vec<Sample>,
}

/// The series of what a body gave, decoded, in the batch's order.
fn series(got: &Ingested) -> Vec<Owned> {
    got.batch
        .series()
        .map(|s| Owned {
            // A key that does not decode compares unequal to every expected one.
            key: s
                .key()
                .unwrap_or_else(|| SeriesKey::new("<not a canonical key>", "")),
            samples: s.samples.to_vec(),
        })
        .collect()
}

/// The one point a one-line body gave.
fn point(body: &str) -> (SeriesKey, Sample) {
    let got = wf(body);
    assert_eq!(
        (got.accepted, got.refused),
        (1, 0),
        "{body}: {:?}",
        got.errors
    );
    let mut all = series(&got);
    let s = all.remove(0);
    (s.key, s.samples[0])
}

/// The message a one-line body was refused with.
fn refusal(format: Format, body: &str) -> String {
    let got = run(format, body);
    assert_eq!((got.accepted, got.refused), (0, 1), "{body}");
    assert_eq!(got.errors[0].line, 1);
    got.errors[0].message.clone()
}

fn s(timestamp: i64, value: f64) -> Sample {
    Sample { timestamp, value }
}

#[test]
fn the_python_sdk_body_with_blank_lines_between_records() {
    let got = wf(
        "\"new-york.power.usage\" 42422.0 1795881521 source=\"localhost\" \"datacenter\"=\"dc1\"\n\n\"m2\" 1.0 source=\"vm\"\n\n",
    );
    assert_eq!((got.accepted, got.refused), (2, 0));
    assert_eq!(got.batch.series_len(), 2);
    assert_eq!(
        series(&got)[0].key,
        key(
            "new-york.power.usage",
            "localhost",
            &[("datacenter", "dc1")]
        )
    );
    assert_eq!(series(&got)[0].samples, [s(T * 1000, 42422.0)]);
    assert_eq!(series(&got)[1].key, key("m2", "vm", &[]));
    assert_eq!(series(&got)[1].samples, [s(NOW, 1.0)]);
    assert_eq!(got.sources, ["localhost", "vm"]);
}

#[test]
fn delta_counters_of_either_prefix_are_stored_with_increment_and_binned_to_the_minute() {
    let (k, p) = point("\"\u{2206}cnt\" 3.0 source=\"localhost\" \"a\"=\"b\"");
    assert_eq!(k, key("\u{2206}cnt", "localhost", &[("a", "b")]));
    assert!(k.is_delta());
    assert_eq!(p, s(NOW / 60_000 * 60_000, 3.0));
    let (k, p) = point("\u{0394}cnt 2 1795881521 source=a");
    assert_eq!(k.metric, "\u{2206}cnt");
    assert_eq!(p, s(1_795_881_480_000, 2.0));
    let (k, _) = point("\u{2206}~sdk.python.count 1 source=a");
    assert_eq!(k.metric, "\u{2206}~sdk.python.count");
    assert_eq!(
        refusal(Format::Wavefront, "\u{2206}cnt 0 source=a"),
        "WF-404: Delta metrics cannot be non-positive"
    );
    assert_eq!(
        refusal(Format::Wavefront, "\u{0394}cnt -1 source=a"),
        "WF-404: Delta metrics cannot be non-positive"
    );
    assert_eq!(
        refusal(Format::Wavefront, "\u{2206}cnt NaN source=a"),
        "WF-404: Delta metrics cannot be non-positive"
    );
    let old = format!(
        "\u{2206}cnt 1 {} source=a",
        (NOW - 15 * 60_000 - 1000) / 1000
    );
    assert_eq!(
        refusal(Format::Wavefront, &old),
        format!("Delta counter point is more than 15 minutes old and was dropped ({old})")
    );
    let (_, p) = point(&format!(
        "\u{2206}cnt 1 {} source=a",
        (NOW - 14 * 60_000) / 1000
    ));
    assert_eq!(p.timestamp, (NOW - 14 * 60_000) / 60_000 * 60_000);
}

#[test]
fn the_sdk_histogram_line() {
    let line = "!M 1795881521 #20 30.0 #10 5.1 \"request.latency\" source=\"appServer1\" \"region\"=\"us-west\"";
    let got = run(Format::Histogram, line);
    assert_eq!((got.accepted, got.refused), (1, 0), "{:?}", got.errors);
    let h = &got.batch.histograms[0];
    assert_eq!(
        h.key,
        key("request.latency", "appserver1", &[("region", "us-west")])
    );
    assert_eq!(h.granularity, Granularity::Minute);
    assert_eq!(h.distribution.timestamp, 1_795_881_480_000);
    assert_eq!(
        h.distribution.centroids,
        [
            Centroid {
                mean: 30.0,
                count: 20
            },
            Centroid {
                mean: 5.1,
                count: 10
            }
        ]
    );
    assert!(h.merge);
    assert_eq!(got.sources, ["appserver1"]);
    // The same line in a metric body is refused, as the product does.
    assert_eq!(
        refusal(Format::Wavefront, line),
        "Histogram lines are taken only with f=histogram (this body is f=wavefront)"
    );
}

#[test]
fn histogram_bins_merge_flag_and_default_source() {
    let got = run(
        Format::Histogram,
        "!H 1795881521 #1 2 h.lat \"_merge\"=\"false\" k=v\n!D #3 4 d.lat source=X\n!M #1 1 h.lat\n!M #1 2 h.lat",
    );
    assert_eq!((got.accepted, got.refused), (4, 0), "{:?}", got.errors);
    let [a, b, c, d] = &got.batch.histograms[..] else {
        panic!("four histograms");
    };
    assert_eq!(a.key, key("h.lat", "unknown", &[("k", "v")]));
    assert!(!a.merge);
    assert_eq!(a.granularity, Granularity::Hour);
    assert_eq!(a.distribution.timestamp, 1_795_878_000_000);
    assert_eq!(b.granularity, Granularity::Day);
    assert_eq!(b.distribution.timestamp, NOW / 86_400_000 * 86_400_000);
    assert_eq!(b.key.source, "x");
    // Same-bin lines stay separate points, in line order.
    assert_eq!(
        (c.key.clone(), c.distribution.timestamp),
        (d.key.clone(), d.distribution.timestamp)
    );
    assert_eq!(got.sources, ["unknown", "x"]);
    assert_eq!(
        refusal(Format::Histogram, "!M 1795881521 m source=a"),
        "WF-405: Empty histogram"
    );
    assert_eq!(
        refusal(Format::Histogram, "cpu 1 source=a"),
        "WF-300 Cannot parse: \"cpu 1 source=a\", reason: \"'cpu' is not allowed here!\""
    );
    let many: String = (0..101).map(|i| format!("#1 {i} ")).collect();
    assert_eq!(
        refusal(Format::Histogram, &format!("!M {many}m source=a")),
        format!(
            "WF-300 Cannot parse: \"!M {many}m source=a\", reason: \"Too many centroids (max 100)\""
        )
    );
    let long = "h".repeat(257);
    assert_eq!(
        refusal(Format::Histogram, &format!("!M #1 1 {long} source=a")),
        format!("WF-409: Histogram name is too long (257 characters, max: 256): {long}")
    );
}

#[test]
fn lines_of_formats_crest_does_not_take_yet_are_refused() {
    let span = "\"getAllUsers\" source=\"localhost\" traceId=7b3bf470-9456-11e8-9eb6-529269fb1459 spanId=0313bafe-9457-11e8-9eb6-529269fb1459 \"application\"=\"Wavefront\" 1795881521000 343";
    assert_eq!(
        refusal(Format::Wavefront, span),
        format!("WF-300 Cannot parse: \"{span}\", reason: \"Invalid value: source\"")
    );
    assert_eq!(
        refusal(
            Format::Wavefront,
            "{\"traceId\": \"x\", \"spanId\": \"y\", \"logs\": []}"
        ),
        "Span logs are not taken by crest yet (a JSON object line)"
    );
    assert_eq!(
        refusal(Format::Wavefront, "[{\"message\": \"x\"}]"),
        "Logs are not taken by crest yet (a JSON array line)"
    );
    assert_eq!(
        refusal(Format::Event, "m 1 source=a"),
        "Only @Event lines are taken with f=event"
    );
}

#[test]
fn event_lines_are_taken_in_every_format_but_source_tags() {
    let line = "@Event 1795881528 1795881588 \"name\" severity=\"severe\" host=\"localhost\"";
    for format in [Format::Wavefront, Format::Histogram, Format::Event] {
        let got = ingest(
            format!("{line}\n").as_bytes(),
            &IngestOptions {
                format,
                now_ms: 1_795_881_600_000,
                limits: Limits::default(),
                max_errors: 10,
            },
        );
        assert_eq!(
            (got.accepted, got.refused),
            (1, 0),
            "{format:?}: {:?}",
            got.errors
        );
        assert_eq!(got.events.len(), 1);
        assert_eq!(got.events[0].start_ms, 1_795_881_528_000);
        assert_eq!(got.events[0].hosts, ["localhost"]);
    }
}

#[test]
fn source_tags_and_descriptions() {
    let body = "m 1 source=Web1\n@SourceTag action=add source=Web1 web prod\n@SourceDescription action=save source=web1 \"front-end web server\"\n@SourceTag action=delete source=web1 prod\n@SourceTag action=save source=web1 a b\n@SourceDescription action=delete source=web1\n";
    let got = wf(body);
    assert_eq!((got.accepted, got.refused), (6, 0), "{:?}", got.errors);
    let web1 = || "web1".to_owned();
    assert_eq!(
        got.source_ops,
        [
            SourceTagOp::AddTag {
                source: web1(),
                tag: "web".into()
            },
            SourceTagOp::AddTag {
                source: web1(),
                tag: "prod".into()
            },
            SourceTagOp::SetDescription {
                source: web1(),
                description: "front-end web server".into()
            },
            SourceTagOp::RemoveTag {
                source: web1(),
                tag: "prod".into()
            },
            SourceTagOp::SetTags {
                source: web1(),
                tags: vec!["a".into(), "b".into()]
            },
            SourceTagOp::RemoveDescription { source: web1() },
        ]
    );
    assert_eq!(got.sources, ["web1"]);
    let only = run(Format::SourceTag, body);
    assert_eq!((only.accepted, only.refused), (5, 1));
    assert_eq!(
        only.errors[0].message,
        "WF-300 Cannot parse: \"m 1 source=Web1\", reason: \"'m' is not allowed here!\""
    );
    assert_eq!(run(Format::Histogram, body).source_ops.len(), 6);
    for (line, reason) in [
        (
            "@SourceTag action=add web",
            "Tag keys and values must be separated by '=', nothing found after 'web'",
        ),
        (
            "@SourceTag source=a web",
            "Tag keys and values must be separated by '=', nothing found after 'web'",
        ),
        ("@SourceTag source=a x=y web", "No 'action' provided"),
        (
            "@SourceTag action=rename source=a web",
            "Invalid action 'rename'!",
        ),
        ("@SourceTag action=add x=y web", "No 'source' provided"),
        (
            "@SourceTag action=delete source=a",
            "No data provided for operation `SOURCE_TAG` action: DELETE",
        ),
        (
            "@SourceDescription action=save source=a one two",
            "Only one description expected",
        ),
    ] {
        assert_eq!(
            refusal(Format::Wavefront, line),
            format!("WF-300 Cannot parse: \"{line}\", reason: \"{reason}\"")
        );
    }
    assert_eq!(
        refusal(Format::Wavefront, "@SourceTag action=add source=\" \" web"),
        "WF-406: Source/host name is required"
    );
}

#[test]
fn the_conformance_tests_line_format_details_body() {
    let t = T;
    let src = "fmt-host-1a2b";
    let body = [
        format!("\"fmt.s\" 1 {t} source=\"{src}\" \"k\"=\"v w\""),
        String::new(),
        format!("fmt.ms 2 {} source={src}", t * 1000),
        format!("fmt.us 3 {} host={src}", t * 1_000_000),
        format!("fmt.ns 4.5e0 {} source={src} tag=x", t * 1_000_000_000),
        format!("fmt.eq 5 {t} source = {src} k = v"),
        String::new(),
    ]
    .join("\n");
    let got = wf(&body);
    assert_eq!((got.accepted, got.refused), (5, 0), "{:?}", got.errors);
    let want = [
        key("fmt.s", src, &[("k", "v w")]),
        key("fmt.ms", src, &[]),
        key("fmt.us", src, &[]),
        key("fmt.ns", src, &[("_tag", "x")]),
        key("fmt.eq", src, &[("k", "v")]),
    ];
    let values = [1.0, 2.0, 3.0, 4.5, 5.0];
    for ((series, want), value) in series(&got).iter().zip(want).zip(values) {
        assert_eq!(series.key, want);
        assert_eq!(series.samples, [s(t * 1000, value)]);
    }
    assert_eq!(got.sources, [src]);
}

#[test]
fn the_conformance_tests_bad_lines() {
    let got = wf("good 1 source=h\nbad line without value\nbad NaNx source=h\n");
    assert_eq!((got.accepted, got.refused), (1, 2));
    assert_eq!(got.errors[0].line, 2);
    assert_eq!(
        got.errors[0].message,
        "WF-300 Cannot parse: \"bad line without value\", reason: \"Invalid value: line\""
    );
    assert_eq!(got.errors[1].line, 3);
    assert_eq!(
        got.errors[1].message,
        "WF-300 Cannot parse: \"bad NaNx source=h\", reason: \"Invalid value: NaNx\""
    );
    let garbage = wf("total garbage\n");
    assert_eq!((garbage.accepted, garbage.refused), (0, 1));
    let long = "s".repeat(2000);
    assert_eq!(
        refusal(Format::Wavefront, &format!("big 1 source={long}\n")),
        format!("WF-407: Source/host name is too long (2000 characters, max: 128): {long}")
    );
}

#[test]
fn the_metric_details_body_and_grouping() {
    let body: String = (0..3)
        .map(|i| format!("detail {i} {T} source=host-{i} az=z{i}\n"))
        .collect();
    let got = wf(&body);
    assert_eq!(got.sources, ["host-0", "host-1", "host-2"]);
    assert_eq!(got.batch.series_len(), 3);
    // 10 lines over 3 series: 3 series, samples in line order.
    let body: String = (0..10)
        .map(|i| format!("m {i} {} source=h{}\n", T + i, i % 3))
        .collect();
    let got = wf(&body);
    assert_eq!(got.batch.series_len(), 3);
    assert_eq!(
        series(&got)[0].samples,
        [
            s(T * 1000, 0.0),
            s((T + 3) * 1000, 3.0),
            s((T + 6) * 1000, 6.0),
            s((T + 9) * 1000, 9.0)
        ]
    );
    assert_eq!(got.batch.points(), 10);
}

#[test]
fn source_resolution() {
    assert_eq!(point("m 1 host=H1").0, key("m", "h1", &[]));
    assert_eq!(
        point("m 1 host=h1 source=s1").0,
        key("m", "s1", &[("_host", "h1")])
    );
    assert_eq!(
        point("m 1 k=v source=s1 tag=t").0,
        key("m", "s1", &[("_tag", "t"), ("k", "v")])
    );
    assert_eq!(point("m 1 source=a source=b").0, key("m", "b", &[]));
    assert_eq!(
        refusal(Format::Wavefront, "m 1 k=v"),
        "WF-406: Source/host name is required"
    );
    assert_eq!(
        refusal(Format::Wavefront, "m 1"),
        "WF-406: Source/host name is required"
    );
}

#[test]
fn values_and_timestamps() {
    for (text, value) in [
        ("1", 1.0),
        ("-1.5", -1.5),
        ("+2", 2.0),
        ("1e3", 1000.0),
        ("2.5E-1", 0.25),
        ("7d", 7.0),
        ("0x1.8p1", 3.0),
        ("Infinity", f64::INFINITY),
        ("-Infinity", f64::NEG_INFINITY),
        ("\"42\"", 42.0),
    ] {
        assert_eq!(
            point(&format!("m {text} source=a")).1.value,
            value,
            "{text}"
        );
    }
    assert!(point("m NaN source=a").1.value.is_nan());
    for (text, ms) in [
        ("1795881521", T * 1000),
        ("1795881521.25", T * 1000 + 250),
        ("1795881521250", T * 1000 + 250),
        ("1795881521250999", T * 1000 + 250),
        ("1795881521250999999", T * 1000 + 250),
    ] {
        assert_eq!(
            point(&format!("m 1 {text} source=a")).1.timestamp,
            ms,
            "{text}"
        );
    }
    let line = format!("m 1 {} source=a", (NOW - 8_760 * 3_600_000) / 1000);
    assert_eq!(
        refusal(Format::Wavefront, &line),
        format!("WF-402: Point outside of reasonable timeframe ({line})")
    );
    let line = format!("m 1 {} source=a", (NOW + 24 * 3_600_000) / 1000);
    assert_eq!(
        refusal(Format::Wavefront, &line),
        format!("WF-402: Point outside of reasonable timeframe ({line})")
    );
    assert_eq!(
        refusal(Format::Wavefront, "m 1 17x source=a"),
        "WF-300 Cannot parse: \"m 1 17x source=a\", reason: \"Invalid timestamp value: 17x\""
    );
}

#[test]
fn every_validation_check_with_its_message() {
    let long = |n: usize| "x".repeat(n);
    let tags21: String = (0..21).map(|i| format!(" k{i}=v")).collect();
    let cases: Vec<(String, String)> = vec![
        (
            "m 1 source=\" \"".into(),
            "WF-406: Source/host name is required".into(),
        ),
        (
            format!("m 1 source={}", long(129)),
            format!(
                "WF-407: Source/host name is too long (129 characters, max: 128): {}",
                long(129)
            ),
        ),
        (
            format!("{} 1 source=a", long(257)),
            format!(
                "WF-408: Metric name is too long (257 characters, max: 256): {}",
                long(257)
            ),
        ),
        (
            "\"a b\" 1 source=a".into(),
            "WF-400: Point metric has illegal character(s): a b".into(),
        ),
        (
            "\"\" 1 source=a".into(),
            "WF-400: Point metric has illegal character(s): ".into(),
        ),
        (
            "cpu:load 1 source=a".into(),
            "WF-400: Point metric has illegal character(s): cpu:load".into(),
        ),
        (
            format!("m 1 source=a{tags21}"),
            "WF-410: Too many point tags (21, max 20): ".into(),
        ),
        (
            format!("m 1 source=a k={}", long(254)),
            format!(
                "WF-411: Point tag (key+value) too long (256 characters, max: 255): k={}",
                long(254)
            ),
        ),
        (
            format!("m 1 source=a {}=v", long(65)),
            format!(
                "WF-412: Point tag key is too long (65 characters, max: 64): {}",
                long(65)
            ),
        ),
        (
            "m 1 source=a \"a b\"=v".into(),
            "WF-401: Point tag key has illegal character(s): a b".into(),
        ),
        (
            "m 1 source=a k=\"\"".into(),
            "WF-414: Point tag value for k is empty or missing".into(),
        ),
        (
            "m 1 source=a \"k\"=\"  \"".into(),
            "WF-414: Point tag value for k is empty or missing".into(),
        ),
    ];
    for (line, want) in cases {
        assert_eq!(refusal(Format::Wavefront, &line), want, "{line}");
    }
    // WF-413 needs a value limit below 254 - key length to be reachable before WF-411.
    let options = IngestOptions {
        limits: Limits {
            tag_value: 10,
            ..Limits::default()
        },
        ..IngestOptions::new(Format::Wavefront, NOW)
    };
    let got = ingest(b"m 1 source=a k=abcdefghijk", &options);
    assert_eq!(
        got.errors[0].message,
        "WF-413: Point tag value is too long (11 characters, max: 10): abcdefghijk"
    );
    // The limits that pass.
    assert_eq!(
        wf(&format!(
            "{} 1 source={} k={}",
            long(256),
            long(128),
            long(252)
        ))
        .accepted,
        1
    );
}

#[test]
fn parse_failures_of_the_tokenizer_and_pairs() {
    for (line, reason) in [
        ("m 1 source=\"a", "Unmatched quote character: (\")"),
        ("m 1 source='a", "Unmatched quote character: (')"),
        (
            "m 1 source=a extra",
            "Tag keys and values must be separated by '=', nothing found after 'extra'",
        ),
        (
            "m 1 source a",
            "Tag keys and values must be separated by '=', found a",
        ),
        ("m 1 source=", "Value missing for source"),
        ("m", "Value is missing"),
    ] {
        assert_eq!(
            refusal(Format::Wavefront, line),
            format!("WF-300 Cannot parse: \"{line}\", reason: \"{reason}\"")
        );
    }
    // Quotes: escapes and single quotes.
    assert_eq!(
        point(r#"m 1 source=a k="say \"hi\"" 'q'='it\'s'"#).0,
        key("m", "a", &[("k", "say \"hi\""), ("q", "it's")])
    );
}

#[test]
fn line_handling() {
    // CRLF line ends, whitespace-only lines, leading whitespace, line numbers counting blanks.
    let got = wf("\r\n  m 1 source=a\r\n \t \r\nbad\r\nm 2 source=a");
    assert_eq!((got.accepted, got.refused), (2, 1));
    assert_eq!(got.errors[0].line, 4);
    assert_eq!(series(&got)[0].samples.len(), 2);
    // NUL, invalid UTF-8, over-long lines.
    assert_eq!(
        refusal(Format::Wavefront, "m 1 source=a\0b"),
        "Line holds a NUL character, which no line may hold"
    );
    let got = ingest(
        b"m 1 source=a\nm 1 source=\xff\n",
        &IngestOptions::new(Format::Wavefront, NOW),
    );
    assert_eq!((got.accepted, got.refused), (1, 1));
    assert_eq!(got.errors[0].line, 2);
    assert_eq!(got.errors[0].message, "Line is not valid UTF-8");
    let long = format!("m 1 source=a k={}", "v".repeat(33_000));
    assert_eq!(
        refusal(Format::Wavefront, &long),
        format!("Line is too long ({} bytes, max: 32768)", long.len())
    );
    // Only max_errors messages are kept; all refusals are counted.
    let body = "bad\n".repeat(25);
    let got = wf(&body);
    assert_eq!((got.refused, got.errors.len()), (25, 10));
    assert_eq!(got.errors[9].line, 10);
    // An empty body.
    assert_eq!(wf(""), Ingested::default());
}
