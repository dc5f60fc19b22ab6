//! The chart's bucketing (wql.md §2.6): the expression's output points in epoch-aligned buckets of
//! the granularity, each bucket summarised by the request's summarization and stamped at its start.
//! A continuous series is materialised at the bucket starts. `p` (a cap on points per series)
//! widens the buckets to whole multiples of the granularity. Without `strict`, the bucket holding
//! the window's start is complete (points from its start on); with it, only points in
//! `[start, end)` count and no bucket is stamped before `start`.
//!
//! Each answered series is labelled by its metric (`label`), its source (`host`, absent for an
//! aggregate not grouped by sources and for numbers) and its point tags. A number written in the
//! query has the empty label; `time()` and the calendar functions are labelled by their name.

use crate::error::QueryError;
use crate::eval::Ctx;
use crate::request::{QueryRequest, TimeSeries};
use crate::summary::bucketed;
use crate::value::{Points, Series};

/// The most buckets one answer may hold over all its series.
pub(crate) const MAX_ANSWER_POINTS: usize = 20_000_000;

/// The chart bucket width: the granularity, widened when `p` asks for fewer points.
pub(crate) fn width(request: &QueryRequest) -> i64 {
    let g = request.granularity.max(1);
    let span = request
        .end
        .saturating_sub(request.start.div_euclid(g).saturating_mul(g));
    let buckets = span.saturating_add(g - 1) / g;
    match request.max_points.and_then(|p| i64::try_from(p).ok()) {
        Some(p) if p > 0 && buckets > p => g.saturating_mul(buckets.saturating_add(p - 1) / p),
        _ => g,
    }
}

/// The answer's series, bucketed and sorted by label, host and tags.
pub(crate) fn chart(
    series: Vec<Series>,
    request: &QueryRequest,
    ctx: &Ctx<'_>,
) -> Result<Vec<TimeSeries>, QueryError> {
    let g = width(request);
    let first_bucket = request.start.div_euclid(g).saturating_mul(g);
    let (from, first_stamp) = if request.strict {
        (request.start, request.start)
    } else {
        (first_bucket, first_bucket)
    };
    let mut total = 0usize;
    let mut out = Vec::with_capacity(series.len());
    for s in series {
        ctx.check()?;
        let data: Vec<(i64, f64)> = match &s.points {
            Points::Discrete(points) => {
                ctx.tick(points.len())?;
                let lo = points.partition_point(|(t, _)| *t < from);
                let hi = points.partition_point(|(t, _)| *t < request.end);
                let mut data =
                    bucketed(points.get(lo..hi).unwrap_or(&[]), g, request.summarization);
                data.retain(|(b, v)| *b >= first_stamp && v.is_finite());
                data
            }
            continuous => {
                let mut data = Vec::new();
                let mut b = first_bucket;
                while b < request.end {
                    if b >= first_stamp
                        && let Some(v) = continuous.continuous_at(b)
                    {
                        data.push((b, v));
                    }
                    // every instant asked counts, answered or not
                    total += 1;
                    if total > MAX_ANSWER_POINTS {
                        return Err(QueryError::Limit(format!(
                            "the answer would hold more than {MAX_ANSWER_POINTS} points"
                        )));
                    }
                    ctx.tick(1)?;
                    b = b.saturating_add(g);
                }
                data
            }
        };
        if !s.points.is_continuous() {
            total += data.len();
        }
        if total > MAX_ANSWER_POINTS {
            return Err(QueryError::Limit(format!(
                "the answer would hold more than {MAX_ANSWER_POINTS} points"
            )));
        }
        if data.is_empty() && !request.include_empty {
            continue;
        }
        out.push(TimeSeries {
            label: s.meta.metric,
            host: s.meta.source,
            tags: s.meta.tags,
            data,
        });
    }
    out.sort_by(|a, b| (&a.label, &a.host, &a.tags).cmp(&(&b.label, &b.host, &b.tags)));
    Ok(out)
}
