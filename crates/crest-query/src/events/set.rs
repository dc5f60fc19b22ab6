//! Event sets: which expressions give one (by shape: [`is_event_set`]) and their evaluation:
//! `events(...)` over the window, `union`, `intersect`, `-`, the Allen relations, `closed()`, the
//! synthetic events (`since`, `until`, `after`, `timespan`) and the isolation functions (`first`,
//! `last`, `firstEnding`, `lastEnding`), as events_queries_advanced.md describes them.
//!
//! Decisions where the docs are silent:
//! - Two events are the same event (for `union`, `intersect`, `-`) when their ids are; a
//!   synthetic event's id names its function and its input's id.
//! - An open event ends at the end of time for the Allen relations, which are Allen's, strict
//!   (`e1 d e2`: e1 starts after e2 starts and ends before e2 ends); `<`, `>` and `=` between
//!   event sets are "before", "after" and "equal".
//! - `since(events)`, `until(events)` and `after(events)` keep the input event's name and
//!   sources; `after()` of an open event is no event. `since(tw)` is an event named `since` from
//!   `now - tw` to now; `timespan()` is named by its `prettyName` (else `timespan`), its other
//!   `key="value"` arguments are its tags, and its times are epoch seconds, `"now"` or
//!   `"<n> <unit> ago"` (seconds to weeks).
//! - `first`, `last`, `firstEnding` and `lastEnding` break ties by id (the docs allow any).
//! - `closed()` keeps the events that have ended by now.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crest_wql::{Allen, Arg, BinaryOp, Call, Expr};

use crate::chart::describe;
use crate::error::QueryError;
use crate::eval::Ctx;
use crate::events::filter::EventFilter;
use crate::events::window::in_window;
use crate::plan::MAX_DEPTH;

/// One event of a set, stored or synthetic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ev {
    pub id: String,
    pub name: String,
    /// Epoch milliseconds.
    pub start_ms: i64,
    /// Epoch milliseconds; `None`: open.
    pub end_ms: Option<i64>,
    pub hosts: Vec<String>,
    pub annotations: BTreeMap<String, String>,
    pub ephemeral: bool,
}

impl Ev {
    /// A stored event as a set holds it.
    pub(crate) fn stored(e: &super::EventData) -> Self {
        Self {
            id: e.id.clone(),
            name: e.name.clone(),
            start_ms: e.start_ms,
            end_ms: e.end_ms,
            hosts: e.hosts.clone(),
            annotations: e.annotations.clone(),
            ephemeral: false,
        }
    }

    /// The end, an open event's at the end of time.
    fn end_or_max(&self) -> i64 {
        self.end_ms.unwrap_or(i64::MAX)
    }
}

/// The functions that give an event set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetFn {
    Closed,
    Since,
    Until,
    After,
    Timespan,
    First,
    Last,
    FirstEnding,
    LastEnding,
}

fn set_fn(c: &Call, aliases: &HashMap<String, &Expr>, depth: usize) -> Option<SetFn> {
    let named = |n: &str| c.name.eq_ignore_ascii_case(n);
    Some(if named("closed") {
        SetFn::Closed
    } else if named("since") {
        SetFn::Since
    } else if named("until") {
        SetFn::Until
    } else if named("after") {
        SetFn::After
    } else if named("timespan") {
        SetFn::Timespan
    } else if named("first") {
        SetFn::First
    } else if named("firstEnding") {
        SetFn::FirstEnding
    } else if named("lastEnding") {
        SetFn::LastEnding
    } else if named("last") && last_expr(c).is_some_and(|e| shape(e, aliases, depth + 1)) {
        // last() of time series is the fill function
        SetFn::Last
    } else {
        return None;
    })
}

fn last_expr(c: &Call) -> Option<&Expr> {
    c.args.iter().rev().find_map(|a| match a {
        Arg::Expr(e) => Some(e),
        _ => None,
    })
}

/// Whether `expr` gives a set of events (rather than time series).
pub(crate) fn is_event_set(expr: &Expr, aliases: &HashMap<String, &Expr>) -> bool {
    shape(expr, aliases, 0)
}

fn shape(expr: &Expr, aliases: &HashMap<String, &Expr>, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match expr {
        Expr::Events(_) => true,
        Expr::Alias { expr, .. } => shape(expr, aliases, depth + 1),
        Expr::AliasRef(name) => aliases
            .get(name)
            .is_some_and(|e| shape(e, aliases, depth + 1)),
        Expr::Binary(b) => match b.op {
            BinaryOp::Union | BinaryOp::Intersect | BinaryOp::Allen(_) => true,
            BinaryOp::Sub | BinaryOp::Lt | BinaryOp::Gt | BinaryOp::Eq => {
                shape(&b.lhs, aliases, depth + 1) || shape(&b.rhs, aliases, depth + 1)
            }
            _ => false,
        },
        Expr::Call(c) => set_fn(c, aliases, depth).is_some(),
        _ => false,
    }
}

/// Whether `c` is a function of event sets: one that gives a set, or `count`/`ongoing` of one.
pub(crate) fn is_event_call(c: &Call, aliases: &HashMap<String, &Expr>) -> bool {
    set_fn(c, aliases, 0).is_some() || super::series::conversion(c, aliases).is_some()
}

/// The set `expr` gives; an error when it gives time series.
pub(crate) fn eval_set(expr: &Expr, ctx: &Ctx<'_>, depth: usize) -> Result<Vec<Ev>, QueryError> {
    ctx.check()?;
    if depth > MAX_DEPTH {
        return Err(QueryError::exec(format!(
            "the query nests deeper than {MAX_DEPTH} levels"
        )));
    }
    let set = match expr {
        Expr::Events(filter) => stored(filter.as_ref(), ctx)?,
        Expr::Alias { expr, .. } => eval_set(expr, ctx, depth + 1)?,
        Expr::AliasRef(name) => {
            let def = ctx
                .alias_def(name)
                .ok_or_else(|| QueryError::exec(format!("unknown alias ${name}")))?;
            eval_set(def, ctx, depth + 1)?
        }
        Expr::Binary(b) => {
            let word = op_word(b.op);
            let lhs = operand(&b.lhs, ctx, depth, word)?;
            let rhs = operand(&b.rhs, ctx, depth, word)?;
            ctx.tick(lhs.len().saturating_mul(rhs.len().max(1)))?;
            combine(b.op, lhs, rhs)?
        }
        Expr::Call(c) => match set_fn(c, ctx.aliases(), depth) {
            Some(f) => call(f, c, ctx, depth)?,
            None => return Err(expected_set(&format!("{}()", c.name))),
        },
        _ => return Err(expected_set("this expression")),
    };
    Ok(ordered(set))
}

fn expected_set(what: &str) -> QueryError {
    QueryError::exec(format!(
        "expected a set of events (events(...) or an event-set function), but {what} gives time series"
    ))
}

fn operand(e: &Expr, ctx: &Ctx<'_>, depth: usize, op: &str) -> Result<Vec<Ev>, QueryError> {
    if !is_event_set(e, ctx.aliases()) {
        return Err(QueryError::exec(format!(
            "'{op}' between events needs a set of events on both sides; one side gives time series"
        )));
    }
    eval_set(e, ctx, depth + 1)
}

fn op_word(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Union => "union",
        BinaryOp::Intersect => "intersect",
        BinaryOp::Sub => "-",
        BinaryOp::Lt => "<",
        BinaryOp::Gt => ">",
        BinaryOp::Eq => "=",
        BinaryOp::Allen(a) => match a {
            Allen::Meets => "m",
            Allen::MetBy => "mi",
            Allen::Overlaps => "o",
            Allen::OverlappedBy => "oi",
            Allen::Starts => "s",
            Allen::StartedBy => "si",
            Allen::During => "d",
            Allen::Contains => "di",
            Allen::Finishes => "f",
            Allen::FinishedBy => "fi",
        },
        _ => "this operator",
    }
}

/// By start, then id, each id once.
pub(crate) fn ordered(mut set: Vec<Ev>) -> Vec<Ev> {
    set.sort_by(|a, b| (a.start_ms, &a.id).cmp(&(b.start_ms, &b.id)));
    let mut seen = BTreeSet::new();
    set.retain(|e| seen.insert(e.id.clone()));
    set
}

/// `events(filter)`: the stored events the window shows that meet the filter.
fn stored(filter: Option<&crest_wql::FilterExpr>, ctx: &Ctx<'_>) -> Result<Vec<Ev>, QueryError> {
    let filter = EventFilter::new(filter, &ctx.fetched.event_tags)?;
    let (from, to) = ctx.chart.window_ms();
    ctx.tick(ctx.fetched.events.len())?;
    Ok(ctx
        .fetched
        .events
        .iter()
        .filter(|e| in_window(e.start_ms, e.end_ms, from, to) && filter.matches(e))
        .map(Ev::stored)
        .collect())
}

/// Whether `a` stands in the relation `op` to `b` (Allen's interval algebra; open ends last for
/// ever).
fn relates(op: BinaryOp, a: &Ev, b: &Ev) -> bool {
    let (s1, e1, s2, e2) = (a.start_ms, a.end_or_max(), b.start_ms, b.end_or_max());
    match op {
        BinaryOp::Lt => e1 < s2,
        BinaryOp::Gt => s1 > e2,
        BinaryOp::Eq => s1 == s2 && e1 == e2,
        BinaryOp::Allen(r) => match r {
            Allen::Meets => e1 == s2,
            Allen::MetBy => s1 == e2,
            Allen::Overlaps => s1 < s2 && s2 < e1 && e1 < e2,
            Allen::OverlappedBy => s2 < s1 && s1 < e2 && e2 < e1,
            Allen::Starts => s1 == s2 && e1 < e2,
            Allen::StartedBy => s1 == s2 && e1 > e2,
            Allen::During => s1 > s2 && e1 < e2,
            Allen::Contains => s1 < s2 && e1 > e2,
            Allen::Finishes => e1 == e2 && s1 > s2,
            Allen::FinishedBy => e1 == e2 && s1 < s2,
        },
        _ => false,
    }
}

fn combine(op: BinaryOp, lhs: Vec<Ev>, rhs: Vec<Ev>) -> Result<Vec<Ev>, QueryError> {
    let ids = |set: &[Ev]| {
        set.iter()
            .map(|e| e.id.clone())
            .collect::<BTreeSet<String>>()
    };
    Ok(match op {
        BinaryOp::Union => lhs.into_iter().chain(rhs).collect(),
        BinaryOp::Intersect => {
            let right = ids(&rhs);
            lhs.into_iter().filter(|e| right.contains(&e.id)).collect()
        }
        BinaryOp::Sub => {
            let right = ids(&rhs);
            lhs.into_iter().filter(|e| !right.contains(&e.id)).collect()
        }
        BinaryOp::Lt | BinaryOp::Gt | BinaryOp::Eq | BinaryOp::Allen(_) => lhs
            .into_iter()
            .filter(|a| rhs.iter().any(|b| relates(op, a, b)))
            .collect(),
        other => {
            return Err(QueryError::exec(format!(
                "'{}' is not an operator between sets of events: use union, intersect, -, <, >, = or an Allen relation (m mi o oi s si d di f fi)",
                op_word(other)
            )));
        }
    })
}

/// The one event-set argument of `c`.
fn set_arg(c: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Vec<Ev>, QueryError> {
    let [Arg::Expr(e)] = c.args.as_slice() else {
        return Err(QueryError::exec(format!(
            "{}() takes one argument, a set of events",
            c.name
        )));
    };
    if !is_event_set(e, ctx.aliases()) {
        return Err(QueryError::exec(format!(
            "{}() takes a set of events, not time series",
            c.name
        )));
    }
    eval_set(e, ctx, depth + 1)
}

fn synthetic(e: &Ev, function: &str, start_ms: i64, end_ms: Option<i64>) -> Ev {
    Ev {
        id: format!("{function}({})", e.id),
        name: e.name.clone(),
        start_ms,
        end_ms,
        hosts: e.hosts.clone(),
        annotations: e.annotations.clone(),
        ephemeral: true,
    }
}

fn call(f: SetFn, c: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Vec<Ev>, QueryError> {
    let now_ms = ctx.chart.now.saturating_mul(1000);
    Ok(match f {
        SetFn::Closed => set_arg(c, ctx, depth)?
            .into_iter()
            .filter(|e| e.end_ms.is_some_and(|end| end <= now_ms))
            .collect(),
        SetFn::Since => match c.args.as_slice() {
            [Arg::Expr(e)] if is_event_set(e, ctx.aliases()) => set_arg(c, ctx, depth)?
                .iter()
                .map(|e| synthetic(e, "since", e.start_ms, None))
                .collect(),
            [window] => {
                let seconds = ctx.chart.window(window, "since")?;
                vec![Ev {
                    id: format!("since({})", describe(window)),
                    name: "since".to_owned(),
                    start_ms: ctx.chart.now.saturating_sub(seconds).saturating_mul(1000),
                    end_ms: Some(now_ms),
                    hosts: Vec::new(),
                    annotations: BTreeMap::new(),
                    ephemeral: true,
                }]
            }
            _ => {
                return Err(QueryError::exec(
                    "since() takes one argument: a set of events or a time window (such as 1d)",
                ));
            }
        },
        SetFn::Until => set_arg(c, ctx, depth)?
            .iter()
            .map(|e| synthetic(e, "until", 0, Some(e.start_ms)))
            .collect(),
        SetFn::After => set_arg(c, ctx, depth)?
            .iter()
            .filter_map(|e| e.end_ms.map(|end| synthetic(e, "after", end, None)))
            .collect(),
        SetFn::First => pick(
            set_arg(c, ctx, depth)?,
            |e| (e.start_ms, e.id.clone()),
            false,
        ),
        SetFn::Last => pick(
            set_arg(c, ctx, depth)?,
            |e| (e.start_ms, e.id.clone()),
            true,
        ),
        SetFn::FirstEnding => pick(
            set_arg(c, ctx, depth)?,
            |e| (e.end_or_max(), e.id.clone()),
            false,
        ),
        SetFn::LastEnding => pick(
            set_arg(c, ctx, depth)?,
            |e| (e.end_or_max(), e.id.clone()),
            true,
        ),
        SetFn::Timespan => vec![timespan(c, ctx.chart.now)?],
    })
}

/// The one event with the least (or greatest) key.
fn pick(set: Vec<Ev>, key: impl Fn(&Ev) -> (i64, String), greatest: bool) -> Vec<Ev> {
    let chosen = if greatest {
        set.into_iter().max_by_key(|e| key(e))
    } else {
        set.into_iter().min_by_key(|e| key(e))
    };
    chosen.into_iter().collect()
}

/// `timespan(start, end [, prettyName="..."] [, key="value"]...)`.
fn timespan(c: &Call, now: i64) -> Result<Ev, QueryError> {
    let mut times = Vec::new();
    let mut name = "timespan".to_owned();
    let mut annotations = BTreeMap::new();
    for a in &c.args {
        match a {
            Arg::Named { name: key, value } if key == "prettyName" => name.clone_from(value),
            Arg::Named { name: key, value } => {
                annotations.insert(key.clone(), value.clone());
            }
            other => times.push(moment(other, now)?),
        }
    }
    let [start, end] = times.as_slice() else {
        return Err(QueryError::exec(format!(
            "timespan() takes a start and an end, got {} times",
            times.len()
        )));
    };
    if end < start {
        return Err(QueryError::exec(format!(
            "timespan(): the end ({end}) is before the start ({start})"
        )));
    }
    Ok(Ev {
        id: format!("timespan({start},{end})"),
        name,
        start_ms: start.saturating_mul(1000),
        end_ms: Some(end.saturating_mul(1000)),
        hosts: Vec::new(),
        annotations,
        ephemeral: true,
    })
}

/// A `timespan()` time in epoch seconds: a number, `"now"`, or `"<n> <unit> ago"`.
fn moment(arg: &Arg, now: i64) -> Result<i64, QueryError> {
    let bad = || {
        QueryError::exec(format!(
            "timespan(): a time is epoch seconds, \"now\" or such as \"5 minutes ago\", not {}",
            describe(arg)
        ))
    };
    match arg {
        Arg::Expr(Expr::Number(n)) if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e12 => {
            #[allow(clippy::cast_possible_truncation)]
            let seconds = *n as i64;
            Ok(seconds)
        }
        Arg::Str(text) => {
            let words: Vec<String> = text
                .split_whitespace()
                .map(str::to_ascii_lowercase)
                .collect();
            match words.as_slice() {
                [now_word] if now_word == "now" => Ok(now),
                [amount, unit, ago] if ago == "ago" => {
                    let amount: i64 = amount.parse().map_err(|_| bad())?;
                    let unit = match unit.trim_end_matches('s') {
                        "s" | "sec" | "second" => 1,
                        "m" | "min" | "minute" => 60,
                        "h" | "hour" => 3_600,
                        "d" | "day" => 86_400,
                        "w" | "week" => 604_800,
                        _ => return Err(bad()),
                    };
                    amount
                        .checked_mul(unit)
                        .filter(|s| *s >= 0)
                        .map(|s| now.saturating_sub(s))
                        .ok_or_else(bad)
                }
                _ => Err(bad()),
            }
        }
        _ => Err(bad()),
    }
}
