//! Events as time series: `count(events)`, the number of events starting minus the number ending
//! at each second (an instant event gives 0), and `ongoing(events)`, the number of events under
//! way at every second (continuous), as events_queries_advanced.md defines them.
//!
//! Decisions where the docs are silent: times are the events' seconds (milliseconds dropped, so an
//! instant event, which ends a millisecond after it starts, starts and ends in the same second);
//! an event that started before the window counts at its own start, outside the window; the
//! series' label is `events` and it has no source.

use std::collections::{BTreeMap, HashMap};

use crest_wql::{Arg, Call, Expr};

use crate::error::QueryError;
use crate::eval::Ctx;
use crate::events::set::{eval_set, is_event_set};
use crate::value::{Meta, Points, Series, Value};

/// The conversions of an event set to a time series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conversion {
    Count,
    Ongoing,
}

/// The conversion `c` is: `count` of one event set, or `ongoing` (of anything: it takes only
/// events).
pub(crate) fn conversion(c: &Call, aliases: &HashMap<String, &Expr>) -> Option<Conversion> {
    if c.name.eq_ignore_ascii_case("ongoing") {
        return Some(Conversion::Ongoing);
    }
    match c.args.as_slice() {
        [Arg::Expr(e)] if c.name.eq_ignore_ascii_case("count") && is_event_set(e, aliases) => {
            Some(Conversion::Count)
        }
        _ => None,
    }
}

fn meta() -> Meta {
    Meta {
        metric: "events".to_owned(),
        ..Meta::default()
    }
}

/// The time series of `count(events)` or `ongoing(events)`.
pub(crate) fn convert(
    conversion: Conversion,
    c: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Value, QueryError> {
    let [Arg::Expr(e)] = c.args.as_slice() else {
        return Err(QueryError::exec(format!(
            "{}() of events takes one argument, a set of events",
            c.name
        )));
    };
    if !is_event_set(e, ctx.aliases()) {
        return Err(QueryError::exec(format!(
            "{}() takes a set of events, not time series",
            c.name
        )));
    }
    let set = eval_set(e, ctx, depth + 1)?;
    let seconds = |ms: i64| ms.div_euclid(1000);
    let points = match conversion {
        Conversion::Count => {
            let mut at: BTreeMap<i64, i64> = BTreeMap::new();
            for e in &set {
                let start = at.entry(seconds(e.start_ms)).or_insert(0);
                *start = start.saturating_add(1);
                if let Some(end) = e.end_ms {
                    let end = at.entry(seconds(end)).or_insert(0);
                    *end = end.saturating_sub(1);
                }
            }
            #[allow(clippy::cast_precision_loss)]
            let points = at.into_iter().map(|(t, n)| (t, n as f64)).collect();
            Points::discrete(points)
        }
        Conversion::Ongoing => {
            let mut starts: Vec<i64> = set.iter().map(|e| seconds(e.start_ms)).collect();
            let mut ends: Vec<i64> = set.iter().filter_map(|e| e.end_ms.map(seconds)).collect();
            starts.sort_unstable();
            ends.sort_unstable();
            Points::generator(move |t| {
                let started = starts.partition_point(|s| *s <= t);
                let ended = ends.partition_point(|s| *s <= t);
                #[allow(clippy::cast_precision_loss)]
                let n = started.saturating_sub(ended) as f64;
                Some(n)
            })
        }
    };
    Ok(Value::Series(vec![Series::new(meta(), points)]))
}
