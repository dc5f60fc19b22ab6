//! The driver: a body's lines, each classified, parsed, validated, normalised and added to the
//! batch, or refused with its message.

use std::borrow::Cow;

use crest_series::{Batch, BatchBuilder, Distribution, Granularity, HistogramPoint, Sample};

use crate::event_line::{EventLine, parse_event};
use crate::format::Format;
use crate::grouping::{SourceList, series_key};
use crate::histogram::parse_histogram;
use crate::line_kind::{LineKind, classify};
use crate::metric::parse_metric;
use crate::options::IngestOptions;
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
/// the batch, `max_errors` messages (each at most one line long) and one key per distinct series.
pub fn ingest(body: &[u8], options: &IngestOptions) -> Ingested {
    read(body, options, true)
}

/// [`ingest`] without keeping anything: every line is parsed and checked, and only the counts and
/// errors are answered (the batch, operations and sources stay empty). A dry run, and the measure
/// of the parser alone.
pub fn check(body: &[u8], options: &IngestOptions) -> Ingested {
    read(body, options, false)
}

/// The most series a batch's grouping makes room for before reading (a larger body grows it).
const MAX_PRESIZED_SERIES: usize = 65_536;

fn read(body: &[u8], options: &IngestOptions, keep: bool) -> Ingested {
    let mut run = Run::new(options, keep);
    if keep {
        // Sized once for the body's lines (most bodies name a series per line or two), instead
        // of growing through every power of two.
        let lines = memchr::memchr_iter(b'\n', body).count().saturating_add(1);
        run.grouper = BatchBuilder::with_capacity(lines.min(MAX_PRESIZED_SERIES));
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
    /// Whether the body holds no NUL at all (then lines need not be searched for one).
    nul_free: bool,
    tags: Vec<Tag<'a>>,
    grouper: BatchBuilder,
    histograms: Vec<HistogramPoint>,
    sources: SourceList,
    out: Ingested,
}

impl<'a, 'o> Run<'a, 'o> {
    fn new(options: &'o IngestOptions, keep: bool) -> Self {
        Self {
            options,
            keep,
            nul_free: false,
            tags: Vec::new(),
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

    fn metric(&mut self, line: &'a str) -> Result<(), Refusal> {
        let options = self.options;
        let limits = &options.limits;
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
