//! `collect(e1, e2, ...)` (wql.md §2.10.1): the series of every input as one set. Each series of
//! input `i` (0-based) gets the point tag `collect_<i>` = `"<i>"` (wql.md §6 conflict 10: the
//! reading that makes the docs' `collect_0="0"` filter meaningful).
//!
//! `union(e1, e2, ...)`, `intersect(...)`, `complement(...)` (wql.md §2.10.1, PromQL's `or`,
//! `and`, `unless`): series match when their sources and point tags are equal (the metric is not
//! compared, as in operator matching). `union` is every series of `e1` plus those of the others
//! matching nothing already kept; `intersect` the series of `e1` matching a series of another
//! input; `complement` those of `e1` matching none.

use crest_wql::Call;

use super::args::{expr_at, name};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::Value;

pub(crate) fn collect(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    super::args::arity(call, 1, usize::MAX)?;
    let mut out = Vec::new();
    for i in 0..call.args.len() {
        for mut s in eval_series(expr_at(call, i)?, ctx, depth, name(call))? {
            s.meta.tags.insert(format!("collect_{i}"), i.to_string());
            s.literal = false;
            out.push(s);
        }
    }
    Ok(Value::Series(out))
}

fn sets(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Vec<Vec<crate::value::Series>>, QueryError> {
    super::args::arity(call, 1, usize::MAX)?;
    (0..call.args.len())
        .map(|i| eval_series(expr_at(call, i)?, ctx, depth, name(call)))
        .collect()
}

pub(crate) fn union(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let mut out: Vec<crate::value::Series> = Vec::new();
    for (i, set) in sets(call, ctx, depth)?.into_iter().enumerate() {
        if i == 0 {
            out.extend(set);
            continue;
        }
        let kept: Vec<_> = out.iter().map(|s| s.meta.clone()).collect();
        out.extend(
            set.into_iter()
                .filter(|s| !kept.iter().any(|k| k.match_key() == s.meta.match_key())),
        );
    }
    Ok(Value::Series(out))
}

fn filter_first(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    matched: bool,
) -> Result<Value, QueryError> {
    let mut all = sets(call, ctx, depth)?.into_iter();
    let first = all.next().unwrap_or_default();
    let others: Vec<crate::value::Series> = all.flatten().collect();
    Ok(Value::Series(
        first
            .into_iter()
            .filter(|s| {
                others
                    .iter()
                    .any(|o| o.meta.match_key() == s.meta.match_key())
                    == matched
            })
            .collect(),
    ))
}

pub(crate) fn intersect(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    filter_first(call, ctx, depth, true)
}

pub(crate) fn complement(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    filter_first(call, ctx, depth, false)
}
