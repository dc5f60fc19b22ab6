//! Bytes to points: the Wavefront line formats, validated and normalised.
//!
//! `POST /report` hands its body to [`decompress`] (gzip is undone when the body starts with the
//! gzip magic, whatever `Content-Encoding` says) and then to [`ingest`] with the [`Format`] of its
//! `f=` parameter, the arrival time and the [`Limits`]. [`ingest`] is pure and never panics: it
//! answers the accepted points grouped by series in a [`crest_series::Batch`], the source tag
//! operations, the counts of accepted and refused lines, the first refusals with the message the
//! service would give (java-lib's `WF-4xx` texts; parse failures as the proxy's
//! `WF-300 Cannot parse: "<line>", reason: "<java-lib's reason>"`), and the distinct sources.
//! [`check`] does the same work without keeping anything (a dry run, and the parser's benchmark).
//!
//! # The formats (java-lib's parser, exactly)
//!
//! - Lines end at `\n` (a `\r` before it is dropped). Blank lines (only whitespace) are skipped and
//!   counted neither way, so the SDKs' blank lines between records cost nothing.
//! - Tokens ([`tokenizer`]): `"` or `'` quotes, `\<quote>` the only escape, `=` and a leading `#`
//!   are tokens of their own, so `source = x k = v` is accepted.
//! - Metric line: `<metric> <value> [<timestamp>] k=v ...` with `source=` among the pairs anywhere.
//!   The value is Java's `Double.parseDouble` syntax ([`numbers`]: `NaN`, `Infinity`, exponents,
//!   `d`/`f` suffixes, hex floats). A timestamp is recognised only when the token starts with a
//!   digit; its unit is told by magnitude (seconds, ms, µs, ns; [`timestamp`]); without one the
//!   point is at `now_ms`. Milliseconds are stored as given (reads average per second), and
//!   fractions of a millisecond are cut off (truncation, as Java's `long` conversion does).
//! - `source` wins; else `host` is the source; with both, `host` becomes the tag `_host`; a tag
//!   `tag` becomes `_tag`. A key given twice keeps its last value. Sources are stored lower-cased.
//! - Histogram line (only with [`Format::Histogram`]): `!M|!H|!D [<ts>] #<count> <mean> ... <name>
//!   k=v ...`; the timestamp is floored to the bin; at most [`Limits::centroids`] centroids.
//! - Source tag lines (`@SourceTag`, `@SourceDescription`) are recognised by their first characters
//!   in every format, and are the only lines [`Format::SourceTag`] takes ([`SourceTagOp`]).
//! - Checks, in java-lib's order with its messages: WF-406 source missing, WF-407 source too long,
//!   WF-408/409 name too long, WF-400 name characters, WF-410 too many tags, then per tag WF-411
//!   key+value ≥ 255, WF-412 key too long, WF-401 key characters, WF-414 empty value, WF-413 value
//!   too long; WF-404 a delta counter's value not positive; WF-405 an empty histogram; WF-402 a
//!   point more than 8,760 h old or 24 h ahead (bounds exclusive, as the proxy's).
//! - Delta counters (name starting with ∆ U+2206 or Δ U+0394, stored with ∆): value > 0, the
//!   timestamp floored to the minute, and a point more than 15 minutes older than `now_ms` is
//!   dropped (counted as refused, with its own message).
//!
//! # Decisions where the reference is silent
//!
//! - No source and no host: refused with WF-406. The proxy would fall back to the connection's
//!   hostname; direct ingestion has none worth storing.
//! - Histograms without a source get the source `unknown` (java-lib's histogram default). The tag
//!   `_merge` is a control tag, never stored: `_merge=false` (any case) sets `merge = false`,
//!   any other value leaves it `true`. It is taken out before the tag checks.
//! - A histogram with no centroid, or whose counts are all ≤ 0, is WF-405 (java-lib words the first
//!   as a parse error); centroids with a count ≤ 0 are dropped, as java-lib's storage step drops
//!   them; a centroid mean must be finite. Centroids keep line order (the engine merges).
//! - A delta counter whose value is NaN is refused with WF-404 (NaN is not positive; Java's `<= 0`
//!   test would let it through). A delta counter's age is judged on its timestamp as given, before
//!   it is floored. WF-402 is judged on the timestamp as stored for histograms (floored, as the
//!   proxy decodes it) and as given for metrics.
//! - WF-402 shows the line where the proxy shows its decoded point.
//! - Lines longer than [`Limits::line_bytes`] (32 KB, the proxy's per-line limit), lines holding a
//!   NUL (crest-series' canonical keys use 0 bytes) and lines that are not UTF-8 are refused with
//!   crest's own messages. Span-log (`{...}`) and JSON-log (`[...]`) lines are refused as not
//!   taken yet; a histogram line in a `f=wavefront` body is refused, as the product does.
//! - Event lines (`@Event`, [`event_line`]) are taken in every format but `f=sourceTag`, as the
//!   proxy's mixed ports take them; `f=event` takes only them. Their times are told by magnitude
//!   like a point's (the Python SDK writes seconds), with no WF-402 window: events may be placed
//!   anywhere in time.
//! - Source tag lines: the source is lower-cased like a point's; a blank source is WF-406 and an
//!   over-long one WF-407 (java-lib checks neither); `@SourceDescription action=add` sets the
//!   description like `save`.
//! - Lengths are Java lengths (UTF-16 units). Tag checks run in key order (java-lib's map order is
//!   unspecified).
//! - A timestamp of plain digits is read exactly as an integer; java-lib reads it through a double,
//!   which rounds nanosecond timestamps above 2^53 and can move them by one millisecond.
//! - In a `f=histogram` body, source tag lines are taken too (recognised by their first characters,
//!   as on the proxy's mixed ports); every other line is read as a histogram, so a metric line is
//!   refused with java-lib's `'<name>' is not allowed here!`.
//! - Leading whitespace of a line is skipped before its kind is told.
//! - [`decompress`] also refuses a plain body larger than its limit.
//!
//! # Speed
//!
//! Lines are parsed from borrowed slices; a key=value pair without quotes is read in one scan
//! ([`tokenizer::Tokenizer::plain_pair`]); only unescaped quoted strings, lower-cased sources and
//! new series allocate. Series are grouped through a hash map from their canonical key bytes to
//! their place in the batch, so a key is allocated once per body. `cargo bench -p crest-ingest`
//! measures it (`benches/parse.rs`).

#![deny(clippy::cast_possible_truncation, clippy::cast_sign_loss)]

pub mod body;
pub mod event_line;
pub mod format;
pub mod grouping;
pub mod histogram;
mod ingest;
pub mod line_kind;
pub mod metric;
pub mod numbers;
pub mod options;
mod plain_line;
pub mod refusal;
pub mod source_tag;
pub mod tags;
pub mod timestamp;
pub mod tokenizer;
pub mod validate;

pub use body::{BodyError, decompress};
pub use event_line::EventLine;
pub use format::{Format, FormatError};
pub use ingest::{Ingested, LineError, SeriesBits, bitwise, check, ingest, ingest_general_only};
pub use options::{IngestOptions, Limits};
pub use source_tag::SourceTagOp;
