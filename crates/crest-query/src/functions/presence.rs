//! `exists(expr)` (wql.md §2.10.6): a constant 1 when any series of the expression reported in the
//! 24 hours before now, else a constant 0. Like the product (whose docs call it a known bug), it
//! looks at the time before now, not the chart window. The result is a number: it matches every
//! series.

use crest_wql::Call;

use super::args::{arity, expr_at, name};
use crate::chart::{Chart, Range};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::{Points, Series, Value};

const DAY: i64 = 86_400;

pub(crate) fn range(_: &Call, chart: &Chart, _: Range) -> Result<Range, QueryError> {
    Ok(Range {
        from: chart.now.saturating_sub(DAY),
        to: chart.now.saturating_add(1),
    })
}

pub(crate) fn exists(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 1, 1)?;
    let series = eval_series(expr_at(call, 0)?, ctx, depth, name(call))?;
    let (from, to) = (ctx.chart.now.saturating_sub(DAY), ctx.chart.now);
    let any = series.iter().any(|s| match &s.points {
        Points::Discrete(d) => d.iter().any(|(t, _)| (from..=to).contains(t)),
        _ => true,
    });
    Ok(Value::Series(vec![Series::literal(if any {
        1.0
    } else {
        0.0
    })]))
}
