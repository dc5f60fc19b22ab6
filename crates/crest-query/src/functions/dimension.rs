//! `retainDimension(expr, dim, ...)` and `removeDimension(expr, dim, ...)` (wql.md §2.10.10):
//! keep only, or drop, dimensions of each series' identity. A dimension is a point-tag key, or
//! `hosts` (also `sources`, `host`, `source`) for the source, or `metrics` (also `metric`) for the
//! metric, as the product's example `retainDimension(ts(...), hosts, metrics)` names them.
//!
//! Decisions where the docs are silent (wql.md §3.3 lists the functions, the product's page gives
//! only examples):
//! - Two series left with the same identity are an error, "Data not unique after dropping
//!   dimension" (the product's message for the same situation in vector matching), naming the
//!   identity; nothing is merged.
//! - A series whose metric dimension is dropped is labelled as an aggregation's is: the metric
//!   every input series shares, or else the function's name.
//! - Source tags go with the source: a series without its source carries none.

use std::collections::BTreeSet;

use crest_wql::{Arg, Call};

use super::args::{expr_at, name};
use crate::chart::describe;
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::{Meta, Series, Value};

/// The dimensions a call names.
#[derive(Debug, Default)]
struct Dims {
    metric: bool,
    source: bool,
    tags: BTreeSet<String>,
}

fn dims(call: &Call) -> Result<Dims, QueryError> {
    let keys = call.args.get(1..).unwrap_or_default();
    if keys.is_empty() {
        return Err(QueryError::exec(format!(
            "{}(): name at least one dimension after the expression",
            name(call)
        )));
    }
    let mut out = Dims::default();
    for arg in keys {
        let key = match arg {
            Arg::Word(w) | Arg::Str(w) => w.as_str(),
            other => {
                return Err(QueryError::exec(format!(
                    "{}(): a dimension is a point-tag key, hosts or metrics, not {}",
                    name(call),
                    describe(other)
                )));
            }
        };
        match key {
            "metrics" | "metric" => out.metric = true,
            "hosts" | "host" | "sources" | "source" => out.source = true,
            tag => {
                out.tags.insert(tag.to_owned());
            }
        }
    }
    Ok(out)
}

/// Each series with only the dimensions `keep` says to keep (given whether a dimension was named).
fn apply(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    keep: fn(named: bool) -> bool,
) -> Result<Value, QueryError> {
    let dims = dims(call)?;
    let series = eval_series(expr_at(call, 0)?, ctx, depth, name(call))?;
    let keep_metric = keep(dims.metric);
    let shared_metric = match series.split_first() {
        Some((first, rest)) if rest.iter().all(|s| s.meta.metric == first.meta.metric) => {
            first.meta.metric.clone()
        }
        _ => name(call).to_owned(),
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(series.len());
    for s in series {
        let Series {
            meta,
            points,
            literal,
        } = s;
        let keep_source = keep(dims.source);
        let identity = Meta {
            metric: if keep_metric {
                meta.metric
            } else {
                String::new()
            },
            source: meta.source.filter(|_| keep_source),
            tags: meta
                .tags
                .into_iter()
                .filter(|(k, _)| keep(dims.tags.contains(k)))
                .collect(),
            source_tags: if keep_source {
                meta.source_tags
            } else {
                Vec::new()
            },
        };
        if !literal && !seen.insert(identity.clone()) {
            return Err(QueryError::exec(format!(
                "{}(): Data not unique after dropping dimension: two series are now {}",
                name(call),
                shown(&identity)
            )));
        }
        let meta = if keep_metric {
            identity
        } else {
            Meta {
                metric: shared_metric.clone(),
                ..identity
            }
        };
        out.push(Series {
            meta,
            points,
            literal,
        });
    }
    Ok(Value::Series(out))
}

/// An identity as a message shows it.
fn shown(meta: &Meta) -> String {
    let mut parts = Vec::new();
    if !meta.metric.is_empty() {
        parts.push(format!("metric={}", meta.metric));
    }
    if let Some(source) = &meta.source {
        parts.push(format!("source={source}"));
    }
    parts.extend(meta.tags.iter().map(|(k, v)| format!("{k}={v}")));
    match parts.is_empty() {
        true => "one series with no dimension".to_owned(),
        false => format!("{{{}}}", parts.join(", ")),
    }
}

pub(crate) fn retain_dimension(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Value, QueryError> {
    apply(call, ctx, depth, |named| named)
}

pub(crate) fn remove_dimension(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Value, QueryError> {
    apply(call, ctx, depth, |named| !named)
}
