//! Histogram functions (wql.md §2.10.13): each distribution's `median`, `percentile`, `min`, `max`,
//! `avg` and `count` as a time series (one per histogram series, same identity), and `merge`, which
//! adds the distributions of a group bin by bin; `stddev(hs)` (population, wql.md §6 silent 3) and
//! `cdf(x, hs)`, the share of values at most `x`.
//!
//! A distribution is its centroids; a percentile reads them as `count` values at `mean` each and
//! applies the same position rule as across series (`p·(n+1)/100`, interpolating between
//! neighbouring values). The engine keeps centroids exactly as reported, so small distributions
//! answer exactly.

use std::collections::BTreeMap;

use crest_series::{Centroid, Distribution};
use crest_wql::Call;

use super::aggregate::{Reducer, groups_of};
use super::args::{expr_at, grouping, name};
use crate::error::QueryError;
use crate::eval::{Ctx, eval};
use crate::summary::percentile_position;
use crate::value::{HistSeries, Meta, Points, Series, Value};

/// A statistic of one distribution's centroids.
type Stat = Box<dyn Fn(&[Centroid]) -> Option<f64>>;

/// Each distribution's statistic, as one series per histogram series.
pub(crate) fn statistic(
    hists: &[HistSeries],
    reducer: Reducer,
    function: &str,
) -> Result<Value, QueryError> {
    let stat: Stat = match reducer {
        Reducer::Count => Box::new(|c| {
            #[allow(clippy::cast_precision_loss)]
            let n = total(c) as f64;
            (n > 0.0).then_some(n)
        }),
        Reducer::Min => Box::new(|c| {
            c.iter()
                .filter(|c| c.count > 0)
                .map(|c| c.mean)
                .reduce(f64::min)
        }),
        Reducer::Max => Box::new(|c| {
            c.iter()
                .filter(|c| c.count > 0)
                .map(|c| c.mean)
                .reduce(f64::max)
        }),
        Reducer::Avg => Box::new(|c| {
            let n = total(c);
            #[allow(clippy::cast_precision_loss)]
            let sum: f64 = c.iter().map(|c| c.mean * f64::from(c.count)).sum::<f64>() / n as f64;
            (n > 0).then_some(sum)
        }),
        Reducer::Percentile(p) => Box::new(move |c| centroid_percentile(c, p)),
        Reducer::Sum | Reducer::Variance => {
            return Err(QueryError::exec(format!(
                "{function}() cannot be applied to histograms"
            )));
        }
    };
    Ok(Value::Series(
        hists
            .iter()
            .map(|h| {
                let points = h
                    .dists
                    .iter()
                    .filter_map(|(t, c)| stat(c).map(|v| (*t, v)))
                    .collect();
                Series::new(h.meta.clone(), Points::discrete(points))
            })
            .collect(),
    ))
}

fn total(c: &[Centroid]) -> u64 {
    c.iter().map(|c| u64::from(c.count)).sum()
}

/// Percentile `p` of centroids sorted by mean, read as `count` copies of `mean` each.
pub(crate) fn centroid_percentile(centroids: &[Centroid], p: f64) -> Option<f64> {
    let n = usize::try_from(total(centroids)).ok()?;
    let first = centroids.iter().find(|c| c.count > 0)?.mean;
    let last = centroids.iter().rev().find(|c| c.count > 0)?.mean;
    let pos = percentile_position(p, n);
    #[allow(clippy::cast_precision_loss)]
    if pos <= 1.0 {
        return Some(first);
    } else if pos >= n as f64 {
        return Some(last);
    }
    // 1 < pos < n: the 1-based ranks `below` and `below + 1` both exist.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let below = pos.floor() as u64;
    let frac = pos - pos.floor();
    let lo = nth(centroids, below)?;
    let hi = nth(centroids, below + 1)?;
    Some(lo + (hi - lo) * frac)
}

/// The value of 1-based rank `k`.
fn nth(centroids: &[Centroid], k: u64) -> Option<f64> {
    let mut seen = 0u64;
    for c in centroids {
        seen += u64::from(c.count);
        if seen >= k {
            return Some(c.mean);
        }
    }
    None
}

/// `median(hs)`.
pub(crate) fn median(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    super::args::arity(call, 1, 1)?;
    match eval(expr_at(call, 0)?, ctx, depth)? {
        Value::Histograms(h) => statistic(&h, Reducer::Percentile(50.0), &call.name),
        Value::Series(_) => Err(QueryError::exec(
            "median() takes histograms (hs()); across time series use percentile(50, ...)",
        )),
    }
}

/// What a histogram expression shows as a chart: each distribution's median.
pub(crate) fn as_medians(hists: Vec<HistSeries>) -> Result<Vec<Series>, QueryError> {
    match statistic(&hists, Reducer::Percentile(50.0), "hs")? {
        Value::Series(s) => Ok(s),
        Value::Histograms(_) => Ok(Vec::new()),
    }
}

/// `merge(hs [, group])`: the distributions of each group added bin by bin.
pub(crate) fn merge(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let spec = grouping(call, 1)?;
    let Value::Histograms(hists) = eval(expr_at(call, 0)?, ctx, depth)? else {
        return Err(QueryError::exec(format!(
            "{}() takes histograms (hs())",
            name(call)
        )));
    };
    let mut groups: BTreeMap<Meta, (Vec<String>, BTreeMap<i64, Distribution>)> = BTreeMap::new();
    for h in hists {
        ctx.tick(h.dists.len())?;
        for g in groups_of(&h.meta, spec.as_ref()) {
            let (metrics, bins) = groups.entry(g).or_default();
            if !metrics.contains(&h.meta.metric) {
                metrics.push(h.meta.metric.clone());
            }
            for (t, c) in &h.dists {
                let add = Distribution {
                    timestamp: *t,
                    centroids: c.clone(),
                };
                bins.entry(*t)
                    .and_modify(|d| d.merge(&add))
                    .or_insert_with(|| {
                        let mut fresh = Distribution {
                            timestamp: *t,
                            centroids: Vec::new(),
                        };
                        fresh.merge(&add);
                        fresh
                    });
            }
        }
    }
    Ok(Value::Histograms(
        groups
            .into_iter()
            .map(|(mut meta, (metrics, bins))| {
                if meta.metric.is_empty() {
                    meta.metric = match metrics.as_slice() {
                        [one] => one.clone(),
                        _ => "merge".to_owned(),
                    };
                }
                HistSeries {
                    meta,
                    dists: bins.into_iter().map(|(t, d)| (t, d.centroids)).collect(),
                }
            })
            .collect(),
    ))
}

fn per_distribution(
    call: &Call,
    at: usize,
    ctx: &Ctx<'_>,
    depth: usize,
    stat: impl Fn(&[Centroid]) -> Option<f64>,
) -> Result<Value, QueryError> {
    super::args::arity(call, at + 1, at + 1)?;
    let Value::Histograms(hists) = eval(expr_at(call, at)?, ctx, depth)? else {
        return Err(QueryError::exec(format!(
            "{}() takes histograms (hs())",
            name(call)
        )));
    };
    Ok(Value::Series(
        hists
            .iter()
            .map(|h| {
                let points = h
                    .dists
                    .iter()
                    .filter_map(|(t, c)| stat(c).map(|v| (*t, v)))
                    .collect();
                Series::new(h.meta.clone(), Points::discrete(points))
            })
            .collect(),
    ))
}

#[allow(clippy::cast_precision_loss)]
pub(crate) fn stddev(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    per_distribution(call, 0, ctx, depth, |c| {
        let n = total(c) as f64;
        if n == 0.0 {
            return None;
        }
        let mean = c.iter().map(|c| c.mean * f64::from(c.count)).sum::<f64>() / n;
        let var = c
            .iter()
            .map(|c| f64::from(c.count) * (c.mean - mean) * (c.mean - mean))
            .sum::<f64>()
            / n;
        Some(var.sqrt())
    })
}

#[allow(clippy::cast_precision_loss)]
pub(crate) fn cdf(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let x = super::args::number_at(call, 0)?;
    per_distribution(call, 1, ctx, depth, move |c| {
        let n = total(c);
        let below: u64 = c
            .iter()
            .filter(|c| c.mean <= x)
            .map(|c| u64::from(c.count))
            .sum();
        (n > 0).then(|| below as f64 / n as f64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(mean: f64, count: u32) -> Centroid {
        Centroid { mean, count }
    }

    #[test]
    fn percentiles_read_centroids_as_repeated_values() {
        let d = [c(5.1, 10), c(30.0, 20)];
        assert_eq!(centroid_percentile(&d, 100.0), Some(30.0));
        assert_eq!(centroid_percentile(&d, 1.0), Some(5.1));
        // n = 30, pos(50) = 15.5: ranks 15 and 16 are both 30.0
        assert_eq!(centroid_percentile(&d, 50.0), Some(30.0));
        let e = [c(1.0, 1), c(2.0, 1), c(3.0, 1), c(4.0, 1)];
        assert_eq!(centroid_percentile(&e, 50.0), Some(2.5));
        assert_eq!(centroid_percentile(&[], 50.0), None);
    }
}
