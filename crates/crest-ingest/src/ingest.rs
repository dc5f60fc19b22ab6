//! The driver: a body's lines, each classified, parsed, validated, normalised and added to the
//! batch, or refused with its message.

use std::borrow::Cow;

use crest_series::{Batch, BatchBuilder, Distribution, Granularity, HistogramPoint, Sample};
use rustc_hash::FxHashMap;

use crate::event_line::{EventLine, parse_event};
use crate::format::Format;
use crate::grouping::{SourceList, series_key};
use crate::histogram::parse_histogram;
use crate::line_kind::{LineKind, classify};
use crate::metric::parse_metric;
use crate::options::IngestOptions;
use crate::plain_line::{PlainHead, read_head, read_tail};
use crate::refusal::{Refusal, rule};
use crate::source_tag::{SourceTagOp, parse_source_tag};
use crate::tags::{lower_source, remove, take_source};
use crate::tokenizer::skip_whitespace;
use crate::validate::{
    DELTA_NOT_POSITIVE, NameKind, Tag, in_time_range, is_delta, normalise_delta, validate,
};

/// What a body gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ingested {
    /// Accepted points, one series per distinct key (first-seen order,
    /// samples in line order), and accepted histograms in line order.
    pub batch: Batch,
    /// The operations of `@SourceTag`/`@SourceDescription` lines, in order.
    pub source_ops: Vec<SourceTagOp>,
    /// The events of `@Event` lines, in order.
    pub events: Vec<EventLine>,
    /// Lines taken (points, histograms, source tag and event lines).
    pub accepted: usize,
    /// Lines refused. Blank lines are neither.
    pub refused: usize,
    /// The first refusals (at most `max_errors`).
    pub errors: Vec<LineError>,
    /// The distinct (lower-cased) sources of accepted points and histograms, first seen first.
    pub sources: Vec<String>,
}

/// One refused line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number in the body (blank lines count).
    pub line: usize,
    /// What the service says about it (`WF-4xx: ...`, `WF-300 Cannot parse: ...`).
    pub message: String,
}

/// Reads every line of a body. Pure: the time is `options.now_ms`; never panics; holds at most
/// the batch, `max_errors` messages (each at most one line long), one key per distinct series, and
/// one index per distinct name and tags as written (borrowed from the body, not copied).
pub fn ingest(body: &[u8], options: &IngestOptions) -> Ingested {
    read(body, options, true, Reading::OnePassFirst)
}

/// [`ingest`] without keeping anything: every line is parsed and checked, and only the counts and
/// errors are answered (the batch, operations and sources stay empty). A dry run, and the measure
/// of the parser alone.
pub fn check(body: &[u8], options: &IngestOptions) -> Ingested {
    read(body, options, false, Reading::OnePassFirst)
}

/// [`ingest`] with every metric line read the general way, never the one-pass way: the reference
/// that the one-pass reading is held to (its property test, and the fuzz target's comparison).
#[doc(hidden)]
pub fn ingest_general_only(body: &[u8], options: &IngestOptions) -> Ingested {
    read(body, options, true, Reading::GeneralOnly)
}

/// One series of a reading as its canonical key, its hash and its samples (time, value bits).
pub type SeriesBits = (Vec<u8>, u64, Vec<(i64, u64)>);

/// A reading with every value as its bits (so that NaN equals NaN), series by series, and the rest
/// of it: what the comparisons of the one-pass and the general reading compare.
#[doc(hidden)]
pub fn bitwise(mut got: Ingested) -> (Vec<SeriesBits>, Ingested) {
    let series = got
        .batch
        .series()
        .map(|s| {
            let samples = s
                .samples
                .iter()
                .map(|p| (p.timestamp, p.value.to_bits()))
                .collect();
            (s.canonical.to_vec(), s.hash, samples)
        })
        .collect();
    got.batch = Batch::default();
    (series, got)
}

/// How metric lines are read: the one-pass reading of the plain shape first (what crest does), or
/// only the general reading (what the one-pass one is tested against).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    OnePassFirst,
    GeneralOnly,
}

/// The most series a batch's grouping makes room for before reading (a larger body grows it).
const MAX_PRESIZED_SERIES: usize = 65_536;

fn read(body: &[u8], options: &IngestOptions, keep: bool, reading: Reading) -> Ingested {
    let mut run = Run::new(options, keep, reading);
    if keep {
        // Sized once for the body's lines (most bodies name a series per line or two), instead
        // of growing through every power of two.
        let lines = memchr::memchr_iter(b'\n', body).count().saturating_add(1);
        run.grouper = BatchBuilder::with_capacity(lines.min(MAX_PRESIZED_SERIES));
        run.known =
            FxHashMap::with_capacity_and_hasher(lines.min(MAX_PRESIZED_SERIES), Default::default());
    }
    // One search of the whole body spares each line its own.
    run.nul_free = memchr::memchr(0, body).is_none();
    let whole = std::str::from_utf8(body).ok();
    let mut start = 0usize;
    let mut number = 0usize;
    while start < body.len() {
        let rest = body.get(start..).unwrap_or(&[]);
        let len = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let next = start.saturating_add(len).saturating_add(1);
        let mut end = start.saturating_add(len);
        if end > start && body.get(end.saturating_sub(1)) == Some(&b'\r') {
            end = end.saturating_sub(1);
        }
        number = number.saturating_add(1);
        let line = match whole {
            // '\n' and '\r' are ASCII, so these are character boundaries.
            Some(text) => text.get(start..end).ok_or(()),
            None => std::str::from_utf8(body.get(start..end).unwrap_or(&[])).map_err(|_| ()),
        };
        match line {
            Ok(line) => run.line(number, line),
            Err(()) => run.refuse(number, "", rule("Line is not valid UTF-8")),
        }
        start = next;
    }
    run.finish()
}

/// The state of one body's reading.
struct Run<'a, 'o> {
    options: &'o IngestOptions,
    /// Whether accepted points are kept (false: only counted).
    keep: bool,
    reading: Reading,
    /// Whether the body holds no NUL at all (then lines need not be searched for one).
    nul_free: bool,
    tags: Vec<Tag<'a>>,
    /// The tags of a line the one-pass reading took.
    plain_tags: Vec<(&'a str, &'a str)>,
    /// The series index of each metric and tail (the tags as written) the one-pass reading took
    /// and kept: a line naming its series in the same bytes again is grouped without its tags
    /// being read again (they would read the same). At most one entry per kept line.
    known: FxHashMap<(&'a str, &'a str), usize>,
    grouper: BatchBuilder,
    histograms: Vec<HistogramPoint>,
    sources: SourceList,
    out: Ingested,
}

impl<'a, 'o> Run<'a, 'o> {
    fn new(options: &'o IngestOptions, keep: bool, reading: Reading) -> Self {
        Self {
            options,
            keep,
            reading,
            nul_free: false,
            tags: Vec::new(),
            plain_tags: Vec::new(),
            known: FxHashMap::default(),
            grouper: BatchBuilder::default(),
            histograms: Vec::new(),
            sources: SourceList::default(),
            out: Ingested::default(),
        }
    }

    fn line(&mut self, number: usize, raw: &'a str) {
        let line = raw.get(skip_whitespace(raw)..).unwrap_or("");
        if line.is_empty() {
            return;
        }
        let result = self.take(line);
        match result {
            Ok(()) => self.out.accepted = self.out.accepted.saturating_add(1),
            Err(refusal) => self.refuse(number, line, refusal),
        }
    }

    fn refuse(&mut self, number: usize, line: &str, refusal: Refusal) {
        self.out.refused = self.out.refused.saturating_add(1);
        if self.out.errors.len() < self.options.max_errors {
            self.out.errors.push(LineError {
                line: number,
                message: refusal.message(line),
            });
        }
    }

    fn take(&mut self, line: &'a str) -> Result<(), Refusal> {
        let limits = &self.options.limits;
        if line.len() > limits.line_bytes {
            return Err(rule(format!(
                "Line is too long ({} bytes, max: {})",
                line.len(),
                limits.line_bytes
            )));
        }
        if !self.nul_free && memchr::memchr(0, line.as_bytes()).is_some() {
            return Err(rule("Line holds a NUL character, which no line may hold"));
        }
        let kind = classify(line);
        match (self.options.format, kind) {
            (Format::Event, LineKind::Event) => self.event(line),
            (Format::Event, _) => Err(rule("Only @Event lines are taken with f=event")),
            (_, LineKind::SourceTag) | (Format::SourceTag, _) => self.source_tag(line),
            (_, LineKind::Event) => self.event(line),
            (Format::Histogram, _) => self.histogram(line),
            (Format::Wavefront, LineKind::Metric) => self.metric(line),
            (Format::Wavefront, LineKind::Histogram) => Err(rule(
                "Histogram lines are taken only with f=histogram (this body is f=wavefront)",
            )),
            (Format::Wavefront, LineKind::SpanLogs) => Err(rule(
                "Span logs are not taken by crest yet (a JSON object line)",
            )),
            (Format::Wavefront, LineKind::JsonLogs) => {
                Err(rule("Logs are not taken by crest yet (a JSON array line)"))
            }
        }
    }

    fn event(&mut self, line: &'a str) -> Result<(), Refusal> {
        let event = parse_event(line)?;
        if self.keep {
            self.out.events.push(event);
        }
        Ok(())
    }

    /// What the general reading gives a plain line that is not a delta's, read the one-pass way
    /// from its head and its tail (or from the series its name and tail named before); `None`
    /// leaves the line to the general reading.
    fn one_pass(&mut self, line: &'a str, head: PlainHead<'a>) -> Option<Result<(), Refusal>> {
        let options = self.options;
        let limits = &options.limits;
        let known = self.known.get(&(head.metric, head.tail)).copied();
        let source = match known {
            Some(_) => None,
            None => Some(read_tail(head.tail, limits, &mut self.plain_tags)?),
        };
        let timestamp = head.timestamp.unwrap_or(options.now_ms);
        if !in_time_range(timestamp, options.now_ms, limits) {
            return Some(Err(out_of_range(line)));
        }
        if !self.keep {
            return Some(Ok(()));
        }
        let sample = Sample {
            timestamp,
            value: head.value,
        };
        if let Some(series) = known
            && self.grouper.push_to(series, sample)
        {
            return Some(Ok(()));
        }
        let source = lower_source(Cow::Borrowed(source?));
        let (series, new) =
            self.grouper
                .push_parts_at(head.metric, &source, &self.plain_tags, sample);
        if new {
            self.sources.note(&source);
        }
        self.known.insert((head.metric, head.tail), series);
        Some(Ok(()))
    }

    fn metric(&mut self, line: &'a str) -> Result<(), Refusal> {
        let options = self.options;
        let limits = &options.limits;
        if self.reading == Reading::OnePassFirst
            && let Some(head) = read_head(line, limits)
            && let Some(taken) = self.one_pass(line, head)
        {
            return taken;
        }
        let parsed = parse_metric(line, &mut self.tags)?;
        let source = take_source(&mut self.tags)
            .ok_or_else(|| rule("WF-406: Source/host name is required"))?;
        validate(
            NameKind::Metric,
            &source,
            &parsed.metric,
            &self.tags,
            limits,
        )
        .map_err(rule)?;
        let delta = is_delta(&parsed.metric);
        if delta && (parsed.value <= 0.0 || parsed.value.is_nan()) {
            return Err(rule(DELTA_NOT_POSITIVE));
        }
        let mut timestamp = parsed.timestamp.unwrap_or(options.now_ms);
        if !in_time_range(timestamp, options.now_ms, limits) {
            return Err(out_of_range(line));
        }
        if delta {
            if timestamp < options.now_ms.saturating_sub(limits.delta_max_age_millis) {
                return Err(rule(format!(
                    "Delta counter point is more than {} minutes old and was dropped ({line})",
                    limits.delta_max_age_millis / 60_000
                )));
            }
            timestamp = Granularity::Minute.floor(timestamp);
        }
        let metric = normalise_delta(parsed.metric);
        let source = lower_source(source);
        if !self.keep {
            return Ok(());
        }
        let sample = Sample {
            timestamp,
            value: parsed.value,
        };
        // A series already in this body has had its source noted.
        if self
            .grouper
            .push_parts(&metric, &source, &self.tags, sample)
        {
            self.sources.note(&source);
        }
        Ok(())
    }

    fn histogram(&mut self, line: &'a str) -> Result<(), Refusal> {
        let options = self.options;
        let limits = &options.limits;
        let parsed = parse_histogram(line, limits.centroids, &mut self.tags)?;
        let source = take_source(&mut self.tags).unwrap_or(Cow::Borrowed("unknown"));
        let merge =
            remove(&mut self.tags, "_merge").is_none_or(|v| !v.eq_ignore_ascii_case("false"));
        validate(
            NameKind::Histogram,
            &source,
            &parsed.name,
            &self.tags,
            limits,
        )
        .map_err(rule)?;
        let timestamp = parsed
            .granularity
            .floor(parsed.timestamp.unwrap_or(options.now_ms));
        if !in_time_range(timestamp, options.now_ms, limits) {
            return Err(out_of_range(line));
        }
        let name = normalise_delta(parsed.name);
        let source = lower_source(source);
        if !self.keep {
            return Ok(());
        }
        self.histograms.push(HistogramPoint {
            key: series_key(&name, &source, &self.tags),
            granularity: parsed.granularity,
            distribution: Distribution {
                timestamp,
                centroids: parsed.centroids,
            },
            merge,
        });
        self.sources.note(&source);
        Ok(())
    }

    fn source_tag(&mut self, line: &'a str) -> Result<(), Refusal> {
        let limits = &self.options.limits;
        let parsed = parse_source_tag(line)?;
        if crate::tokenizer::is_blank(&parsed.source) {
            return Err(rule("WF-406: Source/host name is required"));
        }
        let len = crate::validate::java_len(&parsed.source);
        if len > limits.source {
            return Err(rule(format!(
                "WF-407: Source/host name is too long ({len} characters, max: {}): {}",
                limits.source, parsed.source
            )));
        }
        let source = lower_source(parsed.source.clone()).into_owned();
        if self.keep {
            self.out.source_ops.extend(parsed.ops(&source));
        }
        Ok(())
    }

    fn finish(mut self) -> Ingested {
        self.out.batch = self.grouper.finish();
        self.out.batch.histograms = self.histograms;
        self.out.sources = self.sources.into_vec();
        self.out
    }
}

/// The proxy's WF-402 message (it shows the point; crest shows the line).
fn out_of_range(line: &str) -> Refusal {
    rule(format!(
        "WF-402: Point outside of reasonable timeframe ({line})"
    ))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::options::Limits;

    const NOW: i64 = 1_796_425_300_000;

    /// Names and keys: mostly plain, sometimes with what the one-pass reading leaves alone.
    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-zA-Z0-9_.,/-]{1,10}",
            1 => "[a-z~∆Δ\"'=#é \t]{0,3}[a-z.]{0,4}",
            1 => prop_oneof![
                Just("source".to_owned()),
                Just("host".to_owned()),
                Just("tag".to_owned()),
                Just("_host".to_owned()),
                Just("Source".to_owned()),
            ],
        ]
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "-?[0-9]{1,4}(\\.[0-9]{0,3})?",
            1 => prop_oneof![
                Just("NaN".to_owned()),
                Just("-Infinity".to_owned()),
                Just("0x1p3".to_owned()),
                Just("1d".to_owned()),
                Just("1e400".to_owned()),
                Just(".".to_owned()),
            ],
            1 => "[0-9a-zA-Z.+#\"'= -]{0,4}",
        ]
    }

    fn timestamp() -> impl Strategy<Value = String> {
        prop_oneof![
            2 => Just(String::new()),
            3 => "1796425[0-9]{3}",
            1 => "1796425[0-9]{6}",
            1 => "1796425[0-9]{3}\\.[0-9]{1,2}",
            1 => "1[0-9]{3}",
            1 => "1[0-9x=]{0,3}",
        ]
    }

    fn tag_value() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => "[a-zA-Z0-9._-]{1,8}",
            1 => "[A-Za-z\"'#= é\t]{0,3}[a-z]{0,2}",
            1 => "[a-z]{1,3}[=\"'#][a-z]{0,3}",
            1 => "[a-z]{250,256}",
        ]
    }

    fn separator() -> impl Strategy<Value = &'static str> {
        prop_oneof![8 => Just(" "), 1 => Just("  "), 1 => Just("\t")]
    }

    fn pair() -> impl Strategy<Value = String> {
        (
            name(),
            prop_oneof![8 => Just("="), 1 => Just(" ="), 1 => Just("= "), 1 => Just("")],
            tag_value(),
        )
            .prop_map(|(k, eq, v)| format!("{k}{eq}{v}"))
    }

    fn line() -> impl Strategy<Value = String> {
        (
            name(),
            separator(),
            value(),
            separator(),
            timestamp(),
            prop::collection::vec((separator(), pair()), 0..6),
            prop_oneof![Just(""), Just(" "), Just("\r")],
        )
            .prop_map(|(name, s1, value, s2, ts, pairs, end)| {
                let mut line = format!("{name}{s1}{value}");
                if !ts.is_empty() {
                    line.push_str(s2);
                    line.push_str(&ts);
                }
                for (s, p) in pairs {
                    line.push_str(s);
                    line.push_str(&p);
                }
                line.push_str(end);
                line
            })
    }

    fn limits() -> impl Strategy<Value = Limits> {
        prop_oneof![
            Just(Limits::default()),
            (1usize..12, 1usize..10, 0usize..4, 1usize..8, 1usize..8).prop_map(
                |(metric_name, source, tags_per_point, tag_key, tag_value)| Limits {
                    metric_name,
                    source,
                    tags_per_point,
                    tag_key,
                    tag_value,
                    ..Limits::default()
                }
            ),
        ]
    }

    /// The one-pass and the general reading of `body` under `limits` answer alike, kept or not.
    fn readings_agree(body: &str, limits: Limits) -> Result<(), TestCaseError> {
        let options = IngestOptions {
            limits,
            ..IngestOptions::new(Format::Wavefront, NOW)
        };
        for keep in [true, false] {
            let one_pass = read(body.as_bytes(), &options, keep, Reading::OnePassFirst);
            let general = read(body.as_bytes(), &options, keep, Reading::GeneralOnly);
            prop_assert_eq!(bitwise(one_pass), bitwise(general), "{}", body);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Whichever reading takes a line, the body gives the same batch, counts and refusals.
        #[test]
        fn the_one_pass_reading_answers_as_the_general_one(
            lines in prop::collection::vec(line(), 1..12),
            limits in limits(),
        ) {
            readings_agree(&lines.join("\n"), limits)?;
        }
    }

    /// A line of one of a few names and one of a few tails (tags and ending), its value and
    /// timestamp its own, so that a body names its series again and again in the same bytes, and
    /// shares tails between names.
    fn series_line(names: &[String], tails: &[String]) -> impl Strategy<Value = String> + use<> {
        let (names, tails) = (names.to_vec(), tails.to_vec());
        (
            0..names.len(),
            0..tails.len(),
            separator(),
            value(),
            separator(),
            timestamp(),
        )
            .prop_map(move |(n, t, s1, value, s2, ts)| {
                let name = names.get(n).cloned().unwrap_or_default();
                let mut line = format!("{name}{s1}{value}");
                if !ts.is_empty() {
                    line.push_str(s2);
                    line.push_str(&ts);
                }
                line.push_str(tails.get(t).map_or("", String::as_str));
                line
            })
    }

    fn series_tail() -> impl Strategy<Value = String> {
        (
            prop::collection::vec((separator(), pair()), 0..5),
            prop_oneof![Just(""), Just(" "), Just("\r")],
        )
            .prop_map(|(pairs, end)| {
                let mut tail: String = pairs.into_iter().map(|(s, p)| format!("{s}{p}")).collect();
                tail.push_str(end);
                tail
            })
    }

    fn repeating_body() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(name(), 1..3),
            prop::collection::vec(series_tail(), 1..3),
        )
            .prop_flat_map(|(names, tails)| {
                prop::collection::vec(series_line(&names, &tails), 1..16)
            })
            .prop_map(|lines| lines.join("\n"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Lines that name their series again in the same bytes (taken without reading their
        /// tags again) give what the general reading gives, whatever their values and times.
        #[test]
        fn lines_naming_a_series_again_answer_as_the_general_reading(
            body in repeating_body(),
            limits in limits(),
        ) {
            readings_agree(&body, limits)?;
        }
    }

    #[test]
    fn a_series_named_again_is_grouped_without_its_tags_read_again() {
        let options = IngestOptions::new(Format::Wavefront, NOW);
        let body = "m 1 1796425270 source=A dc=x\n\
                    m 2 1796425280 source=A dc=x\n\
                    m 3 source=A dc=x\n\
                    m 4 1796425290  source=A dc=x\n\
                    m x 1796425300 source=A dc=x\n\
                    m 5 9 source=A dc=x\n\
                    n 6 1796425310 source=A dc=x\n";
        let got = read(body.as_bytes(), &options, true, Reading::OnePassFirst);
        assert_eq!(
            bitwise(got.clone()),
            bitwise(read(body.as_bytes(), &options, true, Reading::GeneralOnly))
        );
        assert_eq!((got.accepted, got.refused), (5, 2));
        let counts: Vec<usize> = got.batch.series().map(|s| s.samples.len()).collect();
        assert_eq!(counts, [4, 1]);
        assert_eq!(got.sources, ["a"]);
    }

    #[test]
    fn plain_lines_are_the_one_pass_readings() {
        let options = IngestOptions::new(Format::Wavefront, NOW);
        let body = "cpu.load 1.5 1796425270 source=Web-1 dc=x app=y\nm 2 host=h\n";
        let got = read(body.as_bytes(), &options, true, Reading::OnePassFirst);
        assert_eq!(
            got,
            read(body.as_bytes(), &options, true, Reading::GeneralOnly)
        );
        assert_eq!(got.accepted, 2);
        assert_eq!(got.sources, ["web-1", "h"]);
    }
}
