//! crest's series interface ([`SeriesWriter`], [`SeriesReader`], [`SeriesCatalog`]) over
//! VictoriaMetrics: a single node (`CREST_VICTORIA_URL`) or a cluster (`CREST_VICTORIA_INSERT_URL`,
//! `CREST_VICTORIA_SELECT_URL` and a tenant), spoken to over HTTP with `reqwest`. The facts it
//! relies on are in `../shared/reference/victoriametrics.md` (VictoriaMetrics 1.79.5, Debian's).
//!
//! # How crest's series are kept
//!
//! * **A series** is one VictoriaMetrics series: the metric name as `__name__`, the source as the
//!   label `source` (an empty source is the label's absence, which VictoriaMetrics treats alike),
//!   every point tag as a label of its own name. Point tags named `source` or `__name__`, or whose
//!   names start with `_crest_`, are refused: they would collide with these labels.
//! * **Writes** go to `/api/v1/import` as JSON lines (at most [`MAX_LINE_SAMPLES`] samples a line,
//!   a request of at most [`MAX_REQUEST_SAMPLES`]). Everything VictoriaMetrics would drop while
//!   answering 204 is refused before anything is sent ([`mod@write`]): values that are not finite,
//!   timestamps outside `[now - retention, now + 2 days)`, empty tag values, more than 30 labels,
//!   label names over 256 bytes, values over 16 KiB. A batch is refused whole, so an
//!   acknowledgement always means every point was sent. An append is checked, numbered and
//!   written in parts of 131,072 points, each body sent as soon as it is full while the next is
//!   written (at most 4 waiting). A batch of more than one part appended directly is checked
//!   whole first. The relay's groups of log entries (each checked before it was logged) are not:
//!   a refusal of a later part (rare: a point that aged out while it waited) leaves the earlier
//!   parts' points sent, and the relay's retry entry by entry sends them again, numbered the
//!   same way, which is harmless as replays are.
//! * **Precision**: VictoriaMetrics keeps about 12 significant digits, and one exponent per block
//!   of a series, so a large value rounds its small neighbours away (#9448). Values at risk are
//!   counted per append ([`PrecisionReport`], [`VictoriaEngine::precision`]) or refused, as
//!   [`Precision`] says. Only the embedded engine keeps every value bit for bit. The check sees
//!   one append's values of a series: a much larger value written later can still round earlier
//!   neighbours when VictoriaMetrics merges their parts, which no check at write time can see.
//! * **Several points of one series in one millisecond**: VictoriaMetrics run with
//!   `-dedup.minScrapeInterval=1ms` (so that replays are harmless) keeps one sample per series and
//!   millisecond. The adapter numbers such points in the order it receives them (the first has no
//!   number) and writes the n-th with the label `_crest_dup="n"`, a series of its own; reads put
//!   the numbered series back together, so the embedded engine's rule (the mean of a second, the
//!   sum for a delta counter) holds. The adapter remembers, per series, its newest millisecond and
//!   how many points it holds there ([`write::Memory`], at most [`DUP_MEMORY`] series): a point
//!   at an older millisecond already used, a point written after a restart, or one written
//!   through another instance at a millisecond already used is taken for a replay and collapses
//!   with the first (VictoriaMetrics keeps one of them). A retried append numbers its points as
//!   the failed one did (the memory changes only once every request succeeded), so retries and
//!   replays stay harmless. Numbers that hold across instances need crest's log (issue 15,
//!   part 2: sub-second positions from the log).
//!   Points of one second at different milliseconds need nothing: they are distinct samples.
//! * **Delta counters** are plain series whose name starts with `∆` (kept as UTF-8); reads sum
//!   them per second through [`crest_series::per_second`] as the embedded engine does.
//! * **Distributions** (histograms) are three series per histogram series and granularity, with
//!   the labels `_crest_hist` (`m`, `h`, `d`) and `_crest_part`: `op`, `mean` and `count`. Each
//!   reported distribution of `n` centroids takes `n` consecutive milliseconds of its bin (bins are
//!   a minute at least), starting at an offset the adapter hands out per bin in arrival order: at
//!   the first, `op` holds `n + 1` for a merge or `-(n + 1)` for a `_merge=false` replacement;
//!   `mean` and `count` hold the centroids. Reads replay the entries of a bin in offset order, as
//!   the in-memory model does. The offsets live in the adapter's memory, per histogram series for
//!   its newest bin, like the numbering above: until crest's log provides them, one histogram
//!   series must be written through one instance, or entries of one bin written through two
//!   collide (a read then fails with a corrupt-data error rather than answer a wrong merge).
//! * **Reads** go to `/api/v1/export` with one `match[]` per conjunction of the filter's
//!   disjunctive form ([`mod@selector`]): names as `{__name__="…"}`, label names backslash-escaped,
//!   `*` turned into `.*` with everything else escaped. Where a term cannot be said exactly in a
//!   selector (a regular expression outside the syntax Go and Rust agree on, a negated pattern
//!   that matches the empty value) the selector asks for more, and every series read is checked
//!   again with [`Filter::matches`], so an answer holds exactly the series the filter selects.
//!   Export lines are parsed strictly: a line that is not a JSON object with as many timestamps
//!   as values (VictoriaMetrics appends a text error line to a 200 when a limit bites mid-stream)
//!   fails the read. A read that meets `-search.maxSamplesPerSeries` (one series with too many
//!   samples in the range) is split in two halves of its range and asked again, down to a minute;
//!   [`ReadLimits`] are counted while reading and stop it.
//! * **Series that stopped reporting** ([`crest_series::ReadLimits::reported_since`], how queries hide obsolete
//!   series): VictoriaMetrics keeps no newest point per series, so a read keeps at no cost the
//!   series with a sample since the moment in its own range, and asks about the others
//!   (`/api/v1/series` since the moment, then exact exports of the listed ones over the last day,
//!   then the rest since the moment, until one sample is seen), as the module `reported` says. Series
//!   that stopped long ago cost one listing; a chart of the past costs a day of points of each of
//!   its series that still reports. Unlike the embedded engine, the limits count the series and
//!   points read before those left out are taken away.
//! * **Acknowledgements**: VictoriaMetrics answers an import once the rows are in memory; they are
//!   visible about a second later (at once after `/internal/force_flush`,
//!   [`VictoriaEngine::flush`], [`VictoriaConfig::flush_after_write`]) and on disk up to about 12 s
//!   later (§3 of the reference). So `append` returning `Ok` here means "accepted whole", not
//!   "durable": durability comes from crest's log in front of this adapter, which replays into it
//!   (harmless with `-dedup.minScrapeInterval=1ms` and identical values).
//! * **Deletes** ([`VictoriaEngine::delete`]) list the series the filter selects
//!   (`/api/v1/series`, checked with [`Filter::matches`]) and delete each by an exact selector:
//!   its labels equal, every other label name seen on the listed series empty, so a series with
//!   one tag more is not deleted with it. VictoriaMetrics frees the space only at later merges.
//! * **The catalog**: `series` lists with `/api/v1/series` (refused by VictoriaMetrics beyond
//!   `-search.maxSeries`, 30,000) and finds each listed series' newest point by exporting exactly
//!   it over the last day, then 30 days, then everything; `metrics` reads
//!   `/api/v1/label/__name__/values`; `status` exports every point (bounded by [`ReadLimits`]'
//!   defaults): for operators, not for requests.
//!
//!
//! # Decisions where the reference is silent
//!
//! * [`VictoriaEngine::connect`] reads the server's `/flags` (the Debian build reports no version,
//!   so behaviour is probed, not looked up): it takes the server's retention and refuses a server
//!   without `-dedup.minScrapeInterval=1ms`.
//! * A batch with anything VictoriaMetrics would drop is refused whole, with a message naming it;
//!   nothing of it is sent.
//! * Negative zero counts as rounded (it reads back as `0`).
//! * Appends through one instance run one at a time (the numbering memory is held across the
//!   import requests), so that a retry numbers its points as the failed attempt did; an import
//!   answered 429 or 5xx, or not answered, is sent again up to three times.
//! * [`VictoriaConfig::time_shift_ms`] moves every timestamp by a constant between crest and
//!   VictoriaMetrics: zero in production; the tests use it because the shared suite writes in 2027
//!   and VictoriaMetrics drops points more than two days ahead of its clock.
//!
//! [`SeriesWriter`]: crest_series::SeriesWriter
//! [`SeriesReader`]: crest_series::SeriesReader
//! [`SeriesCatalog`]: crest_series::SeriesCatalog
//! [`Filter::matches`]: crest_series::Filter::matches
//! [`ReadLimits`]: crest_series::ReadLimits

#![deny(clippy::cast_possible_truncation, clippy::cast_sign_loss)]

mod client;
mod config;
mod engine;
mod error;
mod histogram;
mod read;
mod reported;
pub mod selector;
pub mod write;

pub use config::{Clock, Endpoints, Precision, ServerFlags, VictoriaConfig};
pub use engine::{PrecisionReport, VictoriaEngine};
pub use error::VictoriaError;
pub use write::{DUP_MEMORY, MAX_LINE_SAMPLES, MAX_REQUEST_SAMPLES};
