//! `join(left AS a <kind> JOIN right AS b USING (...) | ON ..., outputs..., data)` (wql.md §1.2,
//! §2.10.14): SQL-like joins of two sets of series viewed as tables whose columns are `source`,
//! `metric` and the point-tag keys.
//!
//! Rows: every left series is compared with every right series; a pair whose columns satisfy the
//! condition is a row (INNER). LEFT adds each left series that matched nothing, RIGHT each right
//! series that matched nothing, FULL both. Row order: the left series in order, each with its
//! matches in the right's order (or alone, in LEFT and FULL joins), then the lone right series.
//!
//! Each row's value is the data expression with the aliases bound to the row's series. Operators
//! in it interpolate where timestamps do not line up (wql.md §2.3); `max min avg median sum count`
//! with two or more arguments combine their arguments point-wise, at the union of their timestamps,
//! interpolating each argument (one without a value there does not contribute, as in an
//! aggregation). Any other function is evaluated as anywhere else, over the row's series.
//! `{a|N}` is the constant N where the row has no `a` series, and `a`'s series otherwise.
//!
//! The output series' metadata comes from the assignments (`metric='x'`, `source=a.source`,
//! `env=a.env`); with none, a `_discriminant` tag is added (wql.md §2.10.14).
//!
//! Decisions where wql.md is silent:
//! - A column a series lacks (a point tag it does not carry; the source of an aggregate) has no
//!   value: `USING (c)` pairs only series that both carry `c` with equal values; in `ON`,
//!   `a.c = x` is false when either side has no value and `!=` is always the negation of `=`.
//!   `host` is a synonym of `source` (in columns and assignments), as in filters.
//! - A row missing an input that the data expression names without a default gives no series
//!   ("a result series with missing input values will not display").
//! - An assignment from an alias the row lacks, or from a column its series does not carry, is
//!   left out: an L-only row of `service=ts2.service` has no `service` tag. Without a `metric=`
//!   assignment the metric is the left series' (the right's on a right-only row).
//! - With no assignment at all, each output series is its left (else right) series' identity plus
//!   `_discriminant=<n>`, `n` counting the output series from 0. With assignments, the identity is
//!   exactly what they give, even when two rows end up with the same one (KAT-41's (L1,R1) and
//!   (L4,R1)): both are answered, as the docs list them.
//! - The two aliases must differ; `ON`, the assignments and the data expression may name only them
//!   (an unknown alias is an error naming it); a data expression names only its own join's aliases.
//! - Inputs must be time series (histograms are refused); a literal input has no columns.
//! - A join forms at most 100,000 rows; more is a limit error (a `Timeout`), not a partial answer.

use crest_wql::{Call, Expr, Join, JoinCondition, JoinKind, JoinOperand, JoinPredicate};

use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::interp::{sample, union_timestamps};
use crate::operators::{op_fn, pairwise};
use crate::value::{Meta, Points, Series, Value};

/// The tag that tells apart the output series of a join without assignments.
const DISCRIMINANT: &str = "_discriminant";

/// The functions that take several data expressions in a join's data expression.
const MULTI: [&str; 6] = ["max", "min", "avg", "median", "sum", "count"];

/// The most rows one join may form (the query's series limit reads at most as many per input).
const MAX_ROWS: usize = 100_000;

/// One row: the left and the right series (one of them may be missing in an outer join).
type Row<'s> = (Option<&'s Series>, Option<&'s Series>);

/// The value of `join(...)`.
pub(crate) fn join(j: &Join, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    check_aliases(j)?;
    let left = eval_series(&j.left, ctx, depth, "join()")?;
    let right = eval_series(&j.right, ctx, depth, "join()")?;
    let rows = rows(j, &left, &right, ctx)?;
    let mut refs = Vec::new();
    join_refs(&j.data, &mut refs);
    // Whether the data expression names `alias` without a default somewhere.
    let required = |alias: &str| refs.iter().any(|(a, d)| *a == alias && d.is_none());
    // The default it gives `alias` (`{alias|N}`), if any.
    let default_of = |alias: &str| refs.iter().find(|(a, _)| *a == alias).and_then(|(_, d)| *d);
    let defined = defined_aliases(&j.data);
    let mut out: Vec<Series> = Vec::new();
    for (l, r) in rows {
        if (l.is_none() && required(&j.left_alias)) || (r.is_none() && required(&j.right_alias)) {
            continue;
        }
        let meta = output_meta(j, l, r);
        let bind = |alias: &str, s: Option<&Series>| -> Option<(String, Series)> {
            let series = match s {
                Some(s) => Series::new(Meta::default(), s.points.clone()),
                None => Series::literal(default_of(alias)?),
            };
            Some((alias.to_owned(), series))
        };
        let bindings: Vec<(String, Series)> = [bind(&j.left_alias, l), bind(&j.right_alias, r)]
            .into_iter()
            .flatten()
            .collect();
        let pushed = bindings.len();
        ctx.join_rows.borrow_mut().extend(bindings);
        ctx.forget_aliases(&defined);
        let value = data(&j.data, ctx, depth);
        {
            let mut stack = ctx.join_rows.borrow_mut();
            let keep = stack.len().saturating_sub(pushed);
            stack.truncate(keep);
        }
        for s in value? {
            out.push(Series {
                meta: meta.clone(),
                points: s.points,
                literal: false,
            });
        }
    }
    if j.outputs.is_empty() {
        discriminate(&mut out);
    }
    Ok(Value::Series(out))
}

/// The series `alias` is bound to in the row being evaluated.
pub(crate) fn bound(alias: &str, ctx: &Ctx<'_>) -> Result<Value, QueryError> {
    ctx.join_rows
        .borrow()
        .iter()
        .rev()
        .find(|(name, _)| name == alias)
        .map(|(_, s)| Value::Series(vec![s.clone()]))
        .ok_or_else(|| QueryError::exec(format!("join(): {alias} is not one of the join's inputs")))
}

/// Refuses equal aliases and references to any other alias.
fn check_aliases(j: &Join) -> Result<(), QueryError> {
    let (a, b) = (&j.left_alias, &j.right_alias);
    if a == b {
        return Err(QueryError::exec(format!(
            "join(): both inputs are named {a}; give them different aliases"
        )));
    }
    let known = |alias: &str, place: &str| -> Result<(), QueryError> {
        if alias == a || alias == b {
            Ok(())
        } else {
            Err(QueryError::exec(format!(
                "join(): unknown alias {alias} in {place} (the inputs are {a} and {b})"
            )))
        }
    };
    if let JoinCondition::On(p) = &j.condition {
        let mut stack = vec![p];
        while let Some(p) = stack.pop() {
            match p {
                JoinPredicate::Compare { left, right, .. } => {
                    for operand in [left, right] {
                        if let JoinOperand::Column { alias, .. } = operand {
                            known(alias, "ON")?;
                        }
                    }
                }
                JoinPredicate::And(ps) | JoinPredicate::Or(ps) => stack.extend(ps),
                JoinPredicate::Not(p) => stack.push(p),
            }
        }
    }
    for o in &j.outputs {
        if let JoinOperand::Column { alias, .. } = &o.value {
            known(alias, &format!("the output {}=", o.key))?;
        }
    }
    let mut refs = Vec::new();
    join_refs(&j.data, &mut refs);
    for (alias, _) in refs {
        known(alias, "the data expression")?;
    }
    Ok(())
}

/// The `a` and `{a|N}` of a data expression (not those of a join nested in it).
fn join_refs<'e>(e: &'e Expr, out: &mut Vec<(&'e str, Option<f64>)>) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::JoinRef { alias, default } => out.push((alias, *default)),
            Expr::Join(_) => {}
            Expr::Call(c) => stack.extend(c.args.iter().filter_map(|a| match a {
                crest_wql::Arg::Expr(e) => Some(e),
                _ => None,
            })),
            Expr::Neg(e) => stack.push(e),
            Expr::Binary(b) => {
                stack.push(&b.lhs);
                stack.push(&b.rhs);
            }
            Expr::Method { receiver, arg, .. } => {
                stack.push(receiver);
                stack.push(arg);
            }
            Expr::Alias { expr, .. } => stack.push(expr),
            _ => {}
        }
    }
}

/// The `expr as name` names defined in a data expression, whose values differ from row to row.
fn defined_aliases(data: &Expr) -> Vec<&str> {
    let mut out = Vec::new();
    let mut stack = vec![data];
    let mut kids = Vec::new();
    while let Some(e) = stack.pop() {
        if let Expr::Alias { name, .. } = e {
            out.push(name.as_str());
        }
        kids.clear();
        crate::plan::children(e, &mut kids);
        stack.extend(kids.iter().copied());
    }
    out
}

/// The value of column `column` of a series: `source` (or `host`), `metric`, or a point tag.
fn column<'s>(s: &'s Series, column: &str) -> Option<&'s str> {
    match column {
        "source" | "host" => s.meta.source.as_deref(),
        "metric" => Some(s.meta.metric.as_str()),
        tag => s.meta.tags.get(tag).map(String::as_str),
    }
}

/// The rows of the join, in order.
fn rows<'s>(
    j: &Join,
    left: &'s [Series],
    right: &'s [Series],
    ctx: &Ctx<'_>,
) -> Result<Vec<Row<'s>>, QueryError> {
    let mut out = Vec::new();
    let mut right_matched = vec![false; right.len()];
    for l in left {
        let mut matched = false;
        for (ri, r) in right.iter().enumerate() {
            ctx.tick(1)?;
            if condition(j, l, r) {
                matched = true;
                if let Some(m) = right_matched.get_mut(ri) {
                    *m = true;
                }
                out.push((Some(l), Some(r)));
                if out.len() > MAX_ROWS {
                    return Err(too_many_rows());
                }
            }
        }
        if !matched && matches!(j.kind, JoinKind::Left | JoinKind::Full) {
            out.push((Some(l), None));
        }
    }
    if matches!(j.kind, JoinKind::Right | JoinKind::Full) {
        out.extend(
            right
                .iter()
                .zip(right_matched)
                .filter(|(_, m)| !m)
                .map(|(r, _)| (None, Some(r))),
        );
    }
    if out.len() > MAX_ROWS {
        return Err(too_many_rows());
    }
    Ok(out)
}

fn too_many_rows() -> QueryError {
    QueryError::Limit(format!("join() forms more than {MAX_ROWS} rows"))
}

/// Whether `l` and `r` form a row.
fn condition(j: &Join, l: &Series, r: &Series) -> bool {
    match &j.condition {
        JoinCondition::Using(cols) => cols.iter().all(|c| match (column(l, c), column(r, c)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }),
        JoinCondition::On(p) => predicate(p, j, l, r),
    }
}

fn predicate(p: &JoinPredicate, j: &Join, l: &Series, r: &Series) -> bool {
    match p {
        JoinPredicate::Compare { left, equal, right } => {
            let same = match (operand(left, j, l, r), operand(right, j, l, r)) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            };
            same == *equal
        }
        JoinPredicate::And(ps) => ps.iter().all(|p| predicate(p, j, l, r)),
        JoinPredicate::Or(ps) => ps.iter().any(|p| predicate(p, j, l, r)),
        JoinPredicate::Not(p) => !predicate(p, j, l, r),
    }
}

/// An operand's value in a row (`None` for a column the series lacks).
fn operand<'s>(o: &'s JoinOperand, j: &Join, l: &'s Series, r: &'s Series) -> Option<&'s str> {
    match o {
        JoinOperand::Str(s) => Some(s.as_str()),
        JoinOperand::Column { alias, column: c } => {
            let s = if *alias == j.left_alias { l } else { r };
            column(s, c)
        }
    }
}

/// The identity of a row's output series.
fn output_meta(j: &Join, l: Option<&Series>, r: Option<&Series>) -> Meta {
    let present = l.or(r);
    if j.outputs.is_empty() {
        return present.map(|s| s.meta.clone()).unwrap_or_default();
    }
    let mut meta = Meta {
        metric: present.map(|s| s.meta.metric.clone()).unwrap_or_default(),
        ..Meta::default()
    };
    for o in &j.outputs {
        let value = match &o.value {
            JoinOperand::Str(s) => Some(s.clone()),
            JoinOperand::Column { alias, column: c } => {
                let side = if *alias == j.left_alias { l } else { r };
                side.and_then(|s| column(s, c)).map(str::to_owned)
            }
        };
        let Some(value) = value else { continue };
        match o.key.as_str() {
            "metric" => meta.metric = value,
            "source" | "host" => meta.source = Some(value),
            tag => {
                meta.tags.insert(tag.to_owned(), value);
            }
        }
    }
    meta
}

/// Without assignments, tells the output series apart by `_discriminant=<n>`.
fn discriminate(out: &mut [Series]) {
    for (n, s) in out.iter_mut().enumerate() {
        s.meta.tags.insert(DISCRIMINANT.to_owned(), n.to_string());
    }
}

/// The value of a data expression over the bound row.
fn data(e: &Expr, ctx: &Ctx<'_>, depth: usize) -> Result<Vec<Series>, QueryError> {
    ctx.check()?;
    if depth > crate::plan::MAX_DEPTH {
        return Err(QueryError::exec(format!(
            "the query nests deeper than {} levels",
            crate::plan::MAX_DEPTH
        )));
    }
    match e {
        Expr::Binary(b) => {
            let f = op_fn(b.op)?;
            let left = data(&b.lhs, ctx, depth + 1)?;
            let right = data(&b.rhs, ctx, depth + 1)?;
            pairwise(&left, &right, b.strict, b.matching.as_ref(), ctx, f)
        }
        Expr::Neg(inner) => Ok(data(inner, ctx, depth + 1)?
            .into_iter()
            .map(|s| Series {
                points: s.points.map(|x| -x),
                ..s
            })
            .collect()),
        Expr::Call(c) if is_multi(c) => multi(c, ctx, depth + 1),
        other => eval_series(other, ctx, depth + 1, "join()'s data expression"),
    }
}

/// `max min avg median sum count` over two or more expressions, no grouping.
fn is_multi(c: &Call) -> bool {
    MULTI.iter().any(|m| m.eq_ignore_ascii_case(&c.name))
        && c.grouping.is_none()
        && c.args.len() >= 2
        && c.args.iter().all(|a| matches!(a, crest_wql::Arg::Expr(_)))
}

/// A multi-argument function combining its arguments point-wise.
fn multi(c: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Vec<Series>, QueryError> {
    let name = c.name.to_ascii_lowercase();
    let mut args: Vec<Points> = Vec::new();
    for (i, a) in c.args.iter().enumerate() {
        let crest_wql::Arg::Expr(e) = a else {
            continue;
        };
        let mut series = data(e, ctx, depth)?;
        if series.len() > 1 {
            return Err(QueryError::exec(format!(
                "join(): {}() in the data expression: argument {} gives {} series, expected one",
                c.name,
                i + 1,
                series.len()
            )));
        }
        if let Some(s) = series.pop() {
            args.push(s.points);
        }
    }
    if args.is_empty() {
        return Ok(Vec::new());
    }
    let reduce = reducer(&name);
    let points = if args.iter().all(Points::is_continuous) {
        Points::generator(move |t| {
            let values: Vec<f64> = args.iter().filter_map(|p| p.continuous_at(t)).collect();
            reduce(values)
        })
    } else {
        let ts = union_timestamps(args.iter());
        let sampled: Vec<Vec<Option<f64>>> = args
            .iter()
            .map(|p| sample(p, &ts, false, ctx.chart.edge))
            .collect();
        ctx.tick(ts.len().saturating_mul(sampled.len()))?;
        Points::discrete(
            ts.iter()
                .enumerate()
                .filter_map(|(i, &t)| {
                    let values: Vec<f64> = sampled
                        .iter()
                        .filter_map(|v| v.get(i).copied().flatten())
                        .collect();
                    reduce(values).map(|v| (t, v))
                })
                .collect(),
        )
    };
    Ok(vec![Series::new(Meta::default(), points)])
}

/// The point-wise reduction of a multi-argument function (`None` when no argument has a value).
fn reducer(name: &str) -> fn(Vec<f64>) -> Option<f64> {
    match name {
        "max" => |v| v.into_iter().reduce(f64::max),
        "min" => |v| v.into_iter().reduce(f64::min),
        "sum" => |v| (!v.is_empty()).then(|| v.iter().sum()),
        #[allow(clippy::cast_precision_loss)]
        "count" => |v| (!v.is_empty()).then_some(v.len() as f64),
        #[allow(clippy::cast_precision_loss)]
        "avg" => |v| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64),
        _ => |mut v| {
            v.sort_by(f64::total_cmp);
            let n = v.len();
            match n {
                0 => None,
                _ if n % 2 == 1 => v.get(n / 2).copied(),
                _ => Some((v.get(n / 2 - 1)? + v.get(n / 2)?) / 2.0),
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(source: Option<&str>, tags: &[(&str, &str)]) -> Series {
        Series::new(
            Meta {
                metric: "m".to_owned(),
                source: source.map(str::to_owned),
                tags: tags
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                source_tags: Vec::new(),
            },
            Points::discrete(vec![(0, 1.0)]),
        )
    }

    fn parsed(q: &str) -> Join {
        match crest_wql::parse(q) {
            Ok(Expr::Join(j)) => *j,
            other => panic!("{q}: {other:?}"),
        }
    }

    #[test]
    fn multi_argument_reductions() {
        assert_eq!(reducer("median")(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(reducer("median")(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(reducer("median")(Vec::new()), None);
        assert_eq!(reducer("avg")(vec![1.0, 2.0]), Some(1.5));
        assert_eq!(reducer("count")(vec![7.0, 7.0, 7.0]), Some(3.0));
        assert_eq!(reducer("sum")(Vec::new()), None);
        assert_eq!(reducer("max")(vec![-1.0, -3.0]), Some(-1.0));
        assert_eq!(reducer("min")(vec![-1.0, -3.0]), Some(-3.0));
    }

    #[test]
    fn conditions_on_absent_columns() {
        let with_k = series(Some("h"), &[("k", "1")]);
        let without = series(None, &[]);
        let using = parsed("join(ts(a) AS x JOIN ts(b) AS y USING(k, host), x)");
        assert!(condition(&using, &with_k, &with_k));
        assert!(!condition(&using, &with_k, &without));
        assert!(!condition(&using, &without, &without));
        let on = parsed("join(ts(a) AS x JOIN ts(b) AS y ON x.k = y.k, x)");
        assert!(!condition(&on, &without, &without));
        let ne = parsed("join(ts(a) AS x JOIN ts(b) AS y ON x.k != y.k, x)");
        assert!(condition(&ne, &without, &without));
        assert!(!condition(&ne, &with_k, &with_k));
        let lit = parsed("join(ts(a) AS x JOIN ts(b) AS y ON y.k = '1' AND x.metric = 'm', x)");
        assert!(condition(&lit, &without, &with_k));
        assert!(!condition(&lit, &with_k, &without));
    }

    #[test]
    fn assignments_from_a_missing_side_are_left_out() {
        let j = parsed(
            "join(ts(a) AS x LEFT JOIN ts(b) AS y USING(k), host=x.source, z=y.k, w='c', {y|0})",
        );
        let l = series(Some("h"), &[("k", "1")]);
        let meta = output_meta(&j, Some(&l), None);
        assert_eq!(meta.metric, "m");
        assert_eq!(meta.source.as_deref(), Some("h"));
        assert_eq!(
            meta.tags.into_iter().collect::<Vec<_>>(),
            vec![("w".to_owned(), "c".to_owned())]
        );
        let r = series(None, &[("k", "2")]);
        let meta = output_meta(&j, None, Some(&r));
        assert_eq!(meta.source, None);
        assert_eq!(meta.tags.get("z").map(String::as_str), Some("2"));
    }
}
