//! The Wavefront Query Language's evaluator. [`run`] parses a query, plans which series it reads
//! over which time, reads them through a [`crest_series::SeriesReader`], evaluates the expression
//! off the async workers and buckets the result as the chart API answers it.
//!
//! The evaluation model is wql.md §2: series are discrete or continuous (`value.rs`), operators
//! and aggregations interpolate (§2.3), binary operators match series (§2.4), and the chart
//! buckets the expression's output (§2.6). Where the reference is silent, each decision is written
//! in the doc comment of the module that takes it. A histogram expression at the top shows each
//! distribution's median, as `hs()` does in a chart.
//!
//! Functions live in `functions/`, one file per family, and are listed in one table
//! (`functions/mod.rs`): a documented function not in it answers
//! [`QueryError::Execution`] "`name() is not supported yet`", an undocumented one "`Unknown
//! function: name()`". `join()` is not a function of the table: `join.rs` evaluates it. Event
//! sets (`events()`, their operators and functions, `count()`/`ongoing()` of events) are
//! `events/`'s, read through an [`EventReader`].

mod bucket;
mod chart;
mod error;
mod eval;
mod events;
mod fetch;
mod functions;
mod interp;
mod join;
mod matching;
mod operators;
mod parallel;
mod plan;
mod request;
mod rewrite;
mod select;
mod summary;
mod value;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use error::QueryError;
pub use events::{AnsweredEvent, EventData, EventReader, NoEvents};
pub use request::{
    DEFAULT_OBSOLETE_AFTER, QueryAnswer, QueryLimits, QueryRequest, QueryStats, Summarization,
    TimeSeries,
};

use crate::chart::Chart;
use crate::eval::{Ctx, eval};
use crate::value::Value;

/// Resolves `tag=` filters: the sources carrying a source tag (the pattern may be a glob or a
/// regex), as they are now (source tags have no history).
#[async_trait::async_trait]
pub trait SourceTags: Send + Sync {
    async fn sources_tagged(&self, tag: &crest_series::Pattern) -> Result<Vec<String>, QueryError>;
}

/// Answers a chart query. Reads go through `reader` within `limits` (over all reads together),
/// and events through `events` when the query has an `events()` or asks for `autoEvents`; the
/// evaluation runs on a blocking thread and stops with [`QueryError::Cancelled`] soon after
/// `cancel` is set.
pub async fn run(
    request: &QueryRequest,
    reader: &dyn crest_series::SeriesReader,
    tags: &dyn SourceTags,
    events: &dyn EventReader,
    limits: &QueryLimits,
    cancel: &Arc<AtomicBool>,
) -> Result<QueryAnswer, QueryError> {
    if cancel.load(Ordering::Relaxed) {
        return Err(QueryError::Cancelled);
    }
    let chart = Chart::new(request)?;
    let mut expr =
        crest_wql::parse(&request.query).map_err(|e| QueryError::Syntax(e.to_string()))?;
    rewrite::rewrite(&mut expr, 0)?;
    let plan = plan::plan(&expr, &chart)?;
    let reads = fetch::Reads {
        chart: &chart,
        limits,
        reported_since: request.reported_since(),
    };
    let mut fetched = fetch::fetch(&plan, reader, tags, &reads, cancel).await?;
    fetched.filter_tags = fetch::filter_tags(&expr, tags).await?;
    if plan.events || request.auto_events {
        let (from, to) = chart.window_ms();
        fetched.events = events.events_between(from, to).await?;
        fetched.event_tags = fetch::event_tags(&expr, tags).await?;
    }
    if is_small(&fetched, &chart) {
        return evaluate(&expr, &fetched, request, chart, cancel);
    }
    let request = request.clone();
    let cancel = Arc::clone(cancel);
    tokio::task::spawn_blocking(move || evaluate(&expr, &fetched, &request, chart, &cancel))
        .await
        .map_err(|e| QueryError::exec(format!("the evaluation stopped: {e}")))?
}

/// A query that read at most this many points, over at most this many chart buckets, is
/// evaluated on the calling task: even a window function comparing every point with every other
/// stays within a few milliseconds, less than the cost of handing it to a blocking thread and back
/// (half of a one-series chart's time, measured: BENCHMARKS.md).
const INLINE_AT_MOST: u64 = 2_000;

fn is_small(fetched: &fetch::Fetched, chart: &Chart) -> bool {
    let buckets = chart.view() / chart.bucket.max(1);
    fetched.stats.series <= INLINE_AT_MOST
        && fetched.stats.points <= INLINE_AT_MOST
        && u64::try_from(buckets).is_ok_and(|b| b <= INLINE_AT_MOST)
}

fn evaluate(
    expr: &crest_wql::Expr,
    fetched: &fetch::Fetched,
    request: &QueryRequest,
    chart: Chart,
    cancel: &AtomicBool,
) -> Result<QueryAnswer, QueryError> {
    let ctx = Ctx::new(chart, expr, fetched, cancel);
    let event_query = events::is_event_set(expr, ctx.aliases());
    let (series, mut shown) = if event_query {
        (Vec::new(), events::set::eval_set(expr, &ctx, 0)?)
    } else {
        let series = match eval(expr, &ctx, 0)? {
            Value::Series(s) => s,
            Value::Histograms(h) => functions::histogram::as_medians(h)?,
        };
        (bucket::chart(series, request, &ctx)?, Vec::new())
    };
    if request.auto_events {
        shown.extend(events::auto_events(&series, fetched, &chart));
    }
    let mut stats = fetched.stats;
    stats.answered_points = series
        .iter()
        .map(|s| u64::try_from(s.data.len()).unwrap_or(u64::MAX))
        .sum();
    let events = (event_query || request.auto_events).then(|| events::answered(shown));
    Ok(QueryAnswer {
        series,
        events,
        warnings: ctx.take_warnings(),
        stats,
    })
}
