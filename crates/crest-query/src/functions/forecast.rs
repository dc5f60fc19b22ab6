//! `linearforecast(forecastOffset, historyLength, expr)` (wql.md §2.10.12): at each instant `t`,
//! the least-squares line through the series' real points in `(t − historyLength, t]`, read at
//! `t + forecastOffset`, as Prometheus' `predict_linear(v[historyLength], forecastOffset)`
//! answers at its evaluation time.
//!
//! Decisions where the docs are silent: the answer is continuous, like the moving functions'
//! (so `linearforecast(1d, 7d, ts(disk.used)) > limit` is true at the instants where the trend
//! crosses the limit a day on); it needs two points of different timestamps in the history, and
//! answers nothing otherwise. The other forecasting functions (`hw`, `nnforecast`, `anomalous`)
//! are not supported yet.

use crest_wql::Call;

use super::args::{arity, missing, name};
use super::window::{fit, moving_over};
use crate::chart::{Chart, Range};
use crate::error::QueryError;
use crate::eval::Ctx;
use crate::value::Value;

/// The offset and the history of a call, in seconds.
fn windows(call: &Call, chart: &Chart) -> Result<(i64, i64), QueryError> {
    arity(call, 3, 3)?;
    let at = |i| {
        call.args
            .get(i)
            .ok_or_else(|| missing(call, i))
            .and_then(|a| chart.window(a, name(call)))
    };
    let (offset, history) = (at(0)?, at(1)?);
    if history <= 0 {
        return Err(QueryError::exec(format!(
            "{}(): the history must be longer than 0 seconds",
            name(call)
        )));
    }
    Ok((offset, history))
}

pub(crate) fn range(call: &Call, chart: &Chart, range: Range) -> Result<Range, QueryError> {
    let (_, history) = windows(call, chart)?;
    Ok(range.back(history))
}

pub(crate) fn linearforecast(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Value, QueryError> {
    let (offset, history) = windows(call, &ctx.chart)?;
    moving_over(call, ctx, depth, history, 2, move |x, lo, hi, t, _| {
        let (mx, my, slope) = fit(x.points(lo, hi), t)?;
        #[allow(clippy::cast_precision_loss)]
        let ahead = offset as f64;
        Some(my + slope * (ahead - mx))
    })
}
