//! Reading: turns each planned selector's filter into the engine's [`Filter`] (the comma rule,
//! wildcards, `/regex/`, `tag=` through [`SourceTags`], `cs()`'s `∆` prefix, `hs()`'s suffix) and
//! reads it within the query's limits (over all reads of the query together).
//!
//! Decisions where wql.md is silent:
//! - `key!=value` also selects series without the key ("any value except"); `key?=value` is the
//!   value or no key, as documented; `source?=` is `source=` (every series has a source);
//!   `tag?=x` reads the documented "has the value or doesn't have the key" for source tags: the
//!   source carries the tag `x`, or it carries no source tag at all (resolved as the sources
//!   carrying any tag, `*`, through [`SourceTags`]).
//! - Source values are matched lower-cased (sources are stored lower-cased); metric names and
//!   point tags keep their case. A `/regex/` matches the whole value.
//! - Obsolete series (newest point ever older than the query's `now` less the obsolescence
//!   period) are left out of every read unless the request includes them
//!   ([`crate::QueryRequest::reported_since`]); the engine decides it on each series' newest point,
//!   not on the points within the read's range.
//! - A `ts()` selector read only as an aggregation's input (`sum(ts(m))`, see `plan.rs`) is read
//!   summarised into the chart's buckets by the chart's summarization
//!   ([`SeriesReader::select_bucketed`]) when the aggregation would pre-align it (more than
//!   [`PREALIGN_ABOVE`] series report in the chart's window, and a point lies off a bucket's
//!   start: `select::aligned` decides the same from raw points); the engine answers the raw
//!   points otherwise. Either way the answer is the same, and the query's point count (its
//!   statistics and limit) counts the points read.
//! - `cs()` reads only delta counters (names starting with `∆`), whatever its other filters say.
//! - Every metric name of one `hs()` must end in the same `.m`, `.h` or `.d`.
//! - A `tag=` filter is resolved once per query, to the sources carrying the tag now; so are the
//!   `tag=` filters of `retainSeries`/`removeSeries`/`filter` calls ([`filter_tags`]), which run
//!   on the evaluated series and cannot ask [`SourceTags`] themselves.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use crest_series::{
    BucketSummary, Bucketed, BucketedData, Bucketing, DELTA_PREFIX, Filter, Granularity,
    HistogramData, Pattern, ReadLimits, SeriesData, SeriesError, SeriesReader, Term, TimeRange,
};
use crest_wql::{
    Arg, Expr, FilterAtom, FilterExpr, FilterKey, FilterOp, NamePattern, Selector, SelectorKind,
};

use crate::SourceTags;
use crate::chart::{Chart, Range};
use crate::error::QueryError;
use crate::functions::aggregate::PREALIGN_ABOVE;
use crate::plan::Plan;
use crate::request::{QueryLimits, QueryStats, Summarization};

/// What one selector read: its series, each with the `tag=` values its source carries.
#[derive(Debug)]
pub(crate) enum Read {
    Points(Vec<(SeriesData, Vec<String>)>),
    /// Read summarised into the chart's buckets: what the aggregation taking it pre-aligns
    /// (buckets stamped in ms).
    Bucketed(Vec<(BucketedData, Vec<String>)>),
    Histograms(Vec<(HistogramData, Vec<String>)>),
}

/// Every read of a query, by selector key.
#[derive(Debug, Default)]
pub(crate) struct Fetched {
    pub reads: HashMap<String, Read>,
    pub stats: QueryStats,
    /// The `tag=` values written in `retainSeries`/`removeSeries`/`filter` calls and the sources
    /// (lower-cased) carrying each.
    pub filter_tags: HashMap<String, BTreeSet<String>>,
    /// The stored events the query may show (read when it has an `events()` or asks for
    /// `autoEvents`).
    pub events: Vec<crate::events::EventData>,
    /// The `tag=` values of the `events()` filters and the sources (lower-cased) carrying each.
    pub event_tags: HashMap<String, BTreeSet<String>>,
}

/// The functions whose `tag=` arguments filter evaluated series by their source's tags.
const SERIES_FILTERS: [&str; 3] = ["retainSeries", "removeSeries", "filter"];

/// Resolves the `tag=` arguments of the query's `retainSeries`/`removeSeries`/`filter` calls: each
/// value (a `*` glob) to the sources carrying a matching source tag now.
pub(crate) async fn filter_tags(
    expr: &Expr,
    tags: &dyn SourceTags,
) -> Result<HashMap<String, BTreeSet<String>>, QueryError> {
    let mut values = BTreeSet::new();
    // the tree as parsed (alias references are not followed): bounded by the query's length
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        if let Expr::Call(c) = e
            && SERIES_FILTERS
                .iter()
                .any(|f| f.eq_ignore_ascii_case(&c.name))
        {
            for a in &c.args {
                if let Arg::Named { name, value } = a
                    && name == "tag"
                {
                    values.insert(value.clone());
                }
            }
        }
        crate::plan::children(e, &mut stack);
    }
    let mut out = HashMap::new();
    for v in values {
        let sources = tags.sources_tagged(&Pattern::parse(&v)).await?;
        out.insert(v, sources.into_iter().map(|s| s.to_lowercase()).collect());
    }
    Ok(out)
}

/// Resolves the `tag=` values of the query's `events()` filters to the sources carrying them now.
pub(crate) async fn event_tags(
    expr: &Expr,
    tags: &dyn SourceTags,
) -> Result<HashMap<String, BTreeSet<String>>, QueryError> {
    let mut out = HashMap::new();
    for (text, pattern) in crate::events::filter::source_tags(expr)? {
        let sources = tags.sources_tagged(&pattern).await?;
        out.insert(
            text,
            sources.into_iter().map(|s| s.to_lowercase()).collect(),
        );
    }
    Ok(out)
}

/// The `tag=` values of a selector and the sources carrying each.
type SourceTagged = Vec<(String, BTreeSet<String>)>;

/// A selector's engine filter, its histogram granularity (for `hs()`), and its source tags.
#[derive(Debug)]
pub(crate) struct Converted {
    pub filter: Filter,
    pub granularity: Option<Granularity>,
    pub tagged: SourceTagged,
}

/// What every read of one query may touch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reads<'a> {
    /// The chart the query is evaluated in (its window, bucket and summarization).
    pub chart: &'a Chart,
    /// Over all reads together.
    pub limits: &'a QueryLimits,
    /// Only series whose newest point is at or after this moment (epoch seconds): obsolete series
    /// are hidden from every selector (`ts()`, `cs()`, `hs()`).
    pub reported_since: Option<i64>,
}

/// Reads every planned selector, stopping at the limits or when `cancel` is set.
pub(crate) async fn fetch(
    plan: &Plan,
    reader: &dyn SeriesReader,
    tags: &dyn SourceTags,
    reads: &Reads<'_>,
    cancel: &AtomicBool,
) -> Result<Fetched, QueryError> {
    let limits = reads.limits;
    let mut out = Fetched::default();
    let (mut series_used, mut points_used) = (0usize, 0usize);
    for (key, (selector, range)) in &plan.reads {
        if cancel.load(Ordering::Relaxed) {
            return Err(QueryError::Cancelled);
        }
        let conv = convert(selector, tags).await?;
        let read_limits = ReadLimits {
            max_series: limits.max_series.saturating_sub(series_used),
            max_points: limits.max_points.saturating_sub(points_used),
            reported_since: reads.reported_since.map(|t| t.saturating_mul(1000)),
        };
        let time = millis(*range);
        let over = |e: SeriesError| match e {
            SeriesError::LimitExceeded { what, .. } => QueryError::Limit(format!(
                "the query selects more {what} than the limit of {}",
                if what == "series" {
                    limits.max_series
                } else {
                    limits.max_points
                }
            )),
            other => QueryError::Unavailable(other),
        };
        let read = match conv.granularity {
            Some(g) => {
                let data = reader
                    .select_histograms(&conv.filter, g, time, read_limits)
                    .await
                    .map_err(over)?;
                series_used += data.len();
                points_used += data.iter().map(|h| h.distributions.len()).sum::<usize>();
                Read::Histograms(
                    data.into_iter()
                        .map(|h| {
                            let t = tags_of(&conv.tagged, &h.key.source);
                            (h, t)
                        })
                        .collect(),
                )
            }
            None if plan.aggregated_only.contains(key) && selector.kind == SelectorKind::Ts => {
                let bucketing = bucketing(reads.chart);
                let answer = match bucketing {
                    Some(b) => reader
                        .select_bucketed(&conv.filter, time, read_limits, b)
                        .await
                        .map_err(over)?,
                    None => Bucketed::Plain(
                        reader
                            .select(&conv.filter, time, read_limits)
                            .await
                            .map_err(over)?,
                    ),
                };
                match answer {
                    Bucketed::Plain(data) => {
                        series_used += data.len();
                        points_used += data.iter().map(|s| s.samples.len()).sum::<usize>();
                        points_read(data, &conv.tagged)
                    }
                    Bucketed::Summarised(data) => {
                        series_used += data.len();
                        points_used += data.iter().map(|s| s.points).sum::<usize>();
                        Read::Bucketed(
                            data.into_iter()
                                .map(|s| {
                                    let t = tags_of(&conv.tagged, &s.key.source);
                                    (s, t)
                                })
                                .collect(),
                        )
                    }
                }
            }
            None => {
                let data = reader
                    .select(&conv.filter, time, read_limits)
                    .await
                    .map_err(over)?;
                series_used += data.len();
                points_used += data.iter().map(|s| s.samples.len()).sum::<usize>();
                points_read(data, &conv.tagged)
            }
        };
        if series_used > limits.max_series {
            return Err(QueryError::Limit(format!(
                "the query selects more series than the limit of {}",
                limits.max_series
            )));
        }
        if points_used > limits.max_points {
            return Err(QueryError::Limit(format!(
                "the query selects more points than the limit of {}",
                limits.max_points
            )));
        }
        out.reads.insert(key.clone(), read);
    }
    out.stats.series = u64::try_from(series_used).unwrap_or(u64::MAX);
    out.stats.points = u64::try_from(points_used).unwrap_or(u64::MAX);
    Ok(out)
}

/// A plain read's series, each with the `tag=` values its source carries.
fn points_read(data: Vec<SeriesData>, tagged: &SourceTagged) -> Read {
    Read::Points(
        data.into_iter()
            .map(|s| {
                let t = tags_of(tagged, &s.key.source);
                (s, t)
            })
            .collect(),
    )
}

/// How an aggregation over the chart pre-aligns its input (`aggregate.rs`, `select::aligned`): the
/// chart's buckets and summarization, series reporting in the chart's window; `None` when it does
/// not (buckets of one second).
fn bucketing(chart: &Chart) -> Option<Bucketing> {
    (chart.bucket > 1).then(|| Bucketing {
        width_ms: chart.bucket.saturating_mul(1000),
        summary: match chart.summarization {
            Summarization::Mean => BucketSummary::Mean,
            Summarization::Median => BucketSummary::Median,
            Summarization::Min => BucketSummary::Min,
            Summarization::Max => BucketSummary::Max,
            Summarization::Sum => BucketSummary::Sum,
            Summarization::Count => BucketSummary::Count,
            Summarization::Last => BucketSummary::Last,
            Summarization::First => BucketSummary::First,
        },
        window: millis(Range {
            from: chart.start,
            to: chart.end,
        }),
        summarise_above: PREALIGN_ABOVE,
    })
}

fn millis(r: Range) -> TimeRange {
    TimeRange::new(r.from.saturating_mul(1000), r.to.saturating_mul(1000))
}

fn tags_of(tagged: &SourceTagged, source: &str) -> Vec<String> {
    tagged
        .iter()
        .filter(|(_, sources)| sources.contains(source))
        .map(|(tag, _)| tag.clone())
        .collect()
}

/// The selector as an engine filter. `ts(*)` alone is refused ("Include at least one filter in any
/// query", as the product answers).
pub(crate) async fn convert(
    selector: &Selector,
    tags: &dyn SourceTags,
) -> Result<Converted, QueryError> {
    let filter = selector.filter();
    if selector.items.is_empty()
        || filter == FilterExpr::Atom(FilterAtom::Metric(NamePattern::Text("*".into())))
    {
        return Err(QueryError::exec("Include at least one filter in any query"));
    }
    let mut tag_patterns = Vec::new();
    let maybe = collect_source_tags(&filter, &mut tag_patterns)?;
    // `tag?=`: the sources carrying any source tag, so that those carrying none can be selected
    let tagged_any: BTreeSet<String> = if maybe {
        tags.sources_tagged(&Pattern::parse("*"))
            .await?
            .into_iter()
            .map(|s| s.to_lowercase())
            .collect()
    } else {
        BTreeSet::new()
    };
    let mut tagged: SourceTagged = Vec::new();
    for (text, pattern) in tag_patterns {
        if tagged.iter().any(|(t, _)| *t == text) {
            continue;
        }
        let sources = tags.sources_tagged(&pattern).await?;
        tagged.push((
            text,
            sources.into_iter().map(|s| s.to_lowercase()).collect(),
        ));
    }
    let mut conv = Conversion {
        kind: selector.kind,
        tagged: &tagged,
        tagged_any: &tagged_any,
        granularity: None,
    };
    let mut engine = conv.filter(&filter, 0)?;
    let granularity =
        match selector.kind {
            SelectorKind::Hs => Some(conv.granularity.ok_or_else(|| {
                QueryError::exec("hs() needs a metric name ending in .m, .h or .d")
            })?),
            SelectorKind::Cs => {
                engine = Filter::And(vec![
                    Filter::Term(Term::Metric(Pattern::Glob(format!("{DELTA_PREFIX}*")))),
                    engine,
                ]);
                None
            }
            SelectorKind::Ts => None,
        };
    Ok(Converted {
        filter: engine,
        granularity,
        tagged,
    })
}

fn pattern(value: &NamePattern, lower: bool) -> Result<Pattern, QueryError> {
    match value {
        NamePattern::Text(t) if lower => Ok(Pattern::parse(&t.to_lowercase())),
        NamePattern::Text(t) => Ok(Pattern::parse(t)),
        NamePattern::Regex(r) => Pattern::regex(r).map_err(QueryError::Execution),
    }
}

/// Collects the `tag=` patterns of `f`; `true` when one of them is a `tag?=`.
fn collect_source_tags(
    f: &FilterExpr,
    out: &mut Vec<(String, Pattern)>,
) -> Result<bool, QueryError> {
    match f {
        FilterExpr::Atom(FilterAtom::Key {
            key: FilterKey::SourceTag,
            value,
            op,
        }) => {
            let text = match value {
                NamePattern::Text(t) => t.clone(),
                NamePattern::Regex(r) => format!("/{r}/"),
            };
            out.push((text, pattern(value, false)?));
            Ok(matches!(op, FilterOp::Maybe))
        }
        FilterExpr::Atom(_) => Ok(false),
        FilterExpr::And(all) | FilterExpr::Or(all) => {
            let mut maybe = false;
            for f in all {
                maybe |= collect_source_tags(f, out)?;
            }
            Ok(maybe)
        }
        FilterExpr::Not(inner) => collect_source_tags(inner, out),
    }
}

struct Conversion<'a> {
    kind: SelectorKind,
    tagged: &'a SourceTagged,
    /// The sources carrying any source tag (read only for a `tag?=`).
    tagged_any: &'a BTreeSet<String>,
    granularity: Option<Granularity>,
}

impl Conversion<'_> {
    fn filter(&mut self, f: &FilterExpr, depth: usize) -> Result<Filter, QueryError> {
        if depth > crate::plan::MAX_DEPTH {
            return Err(QueryError::exec("the filter nests too deeply"));
        }
        Ok(match f {
            FilterExpr::Atom(a) => self.atom(a)?,
            FilterExpr::And(all) => Filter::And(
                all.iter()
                    .map(|f| self.filter(f, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            FilterExpr::Or(any) => Filter::Or(
                any.iter()
                    .map(|f| self.filter(f, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            FilterExpr::Not(inner) => Filter::Not(Box::new(self.filter(inner, depth + 1)?)),
        })
    }

    fn atom(&mut self, a: &FilterAtom) -> Result<Filter, QueryError> {
        match a {
            FilterAtom::Metric(name) => Ok(Filter::Term(Term::Metric(self.metric(name)?))),
            FilterAtom::Variable(v) => Err(QueryError::exec(format!(
                "the variable ${{{v}}} is not defined"
            ))),
            FilterAtom::Key { key, op, value } => {
                let positive = match key {
                    FilterKey::Source => Filter::Term(Term::Source(pattern(value, true)?)),
                    FilterKey::SourceTag => {
                        let text = match value {
                            NamePattern::Text(t) => t.clone(),
                            NamePattern::Regex(r) => format!("/{r}/"),
                        };
                        let sources = self
                            .tagged
                            .iter()
                            .find(|(t, _)| *t == text)
                            .map(|(_, s)| s.clone())
                            .unwrap_or_default();
                        Filter::Or(
                            sources
                                .into_iter()
                                .map(|s| Filter::Term(Term::Source(Pattern::Exact(s))))
                                .collect(),
                        )
                    }
                    FilterKey::Point(k) => Filter::Term(Term::Tag {
                        key: k.clone(),
                        value: pattern(value, false)?,
                    }),
                };
                Ok(match (op, key) {
                    (FilterOp::Eq, _) | (FilterOp::Maybe, FilterKey::Source) => positive,
                    (FilterOp::Ne, _) => Filter::Not(Box::new(positive)),
                    (FilterOp::Maybe, FilterKey::Point(k)) => Filter::Or(vec![
                        positive,
                        Filter::Not(Box::new(Filter::Term(Term::HasTag(k.clone())))),
                    ]),
                    (FilterOp::Maybe, FilterKey::SourceTag) => Filter::Or(vec![
                        positive,
                        Filter::Not(Box::new(Filter::Or(
                            self.tagged_any
                                .iter()
                                .map(|s| Filter::Term(Term::Source(Pattern::Exact(s.clone()))))
                                .collect(),
                        ))),
                    ]),
                })
            }
        }
    }

    fn metric(&mut self, name: &NamePattern) -> Result<Pattern, QueryError> {
        match (self.kind, name) {
            (SelectorKind::Ts, n) => pattern(n, false),
            (SelectorKind::Cs, NamePattern::Text(t)) => {
                Ok(Pattern::parse(&format!("{DELTA_PREFIX}{t}")))
            }
            (SelectorKind::Cs, NamePattern::Regex(r)) => {
                Pattern::regex(&format!("{DELTA_PREFIX}(?:{r})")).map_err(QueryError::Execution)
            }
            (SelectorKind::Hs, NamePattern::Regex(_)) => Err(QueryError::exec(
                "hs() takes metric names ending in .m, .h or .d, not a regular expression",
            )),
            (SelectorKind::Hs, NamePattern::Text(t)) => {
                let (base, g) = split_suffix(t).ok_or_else(|| {
                    QueryError::exec(format!(
                        "hs(): the metric name {t} does not end in .m, .h or .d"
                    ))
                })?;
                match self.granularity {
                    Some(held) if held != g => Err(QueryError::exec(
                        "hs(): every metric name must end in the same .m, .h or .d",
                    )),
                    _ => {
                        self.granularity = Some(g);
                        Ok(Pattern::parse(base))
                    }
                }
            }
        }
    }
}

/// `name.m` → (`name`, minute); the same for `.h` and `.d`.
pub(crate) fn split_suffix(name: &str) -> Option<(&str, Granularity)> {
    Granularity::ALL.into_iter().find_map(|g| {
        name.strip_suffix(g.suffix())
            .and_then(|rest| rest.strip_suffix('.'))
            .map(|base| (base, g))
    })
}
