//! Evaluation: walks the tree over what was read and gives each expression its value. Runs on a
//! blocking thread; checks the cancel flag at every node and every few thousand points.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use crest_wql::{Expr, Method};

use crate::chart::Chart;
use crate::error::QueryError;
use crate::events;
use crate::fetch::Fetched;
use crate::functions;
use crate::join;
use crate::operators;
use crate::plan::{MAX_DEPTH, aliases};
use crate::select::select;
use crate::value::{Points, Series, Value};

/// How many units of work (points touched) pass between two looks at the cancel flag.
const CHECK_EVERY: u64 = 4096;

/// Everything an expression is evaluated with.
pub(crate) struct Ctx<'a> {
    pub chart: Chart,
    pub fetched: &'a Fetched,
    root: &'a Expr,
    /// How many seeds `random()` drew so far.
    draws: Cell<u64>,
    cancel: &'a AtomicBool,
    aliases: HashMap<String, &'a Expr>,
    alias_values: RefCell<HashMap<String, Value>>,
    /// The series a `join()` row binds to its aliases, innermost join last (`join.rs`).
    pub(crate) join_rows: RefCell<Vec<(String, Series)>>,
    warnings: RefCell<Vec<String>>,
    work: Cell<u64>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        chart: Chart,
        root: &'a Expr,
        fetched: &'a Fetched,
        cancel: &'a AtomicBool,
    ) -> Self {
        Self {
            chart,
            fetched,
            root,
            draws: Cell::new(0),
            cancel,
            aliases: aliases(root),
            alias_values: RefCell::new(HashMap::new()),
            join_rows: RefCell::new(Vec::new()),
            warnings: RefCell::new(Vec::new()),
            work: Cell::new(0),
        }
    }

    /// `Err(Cancelled)` once the flag is set.
    pub(crate) fn check(&self) -> Result<(), QueryError> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(QueryError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Counts `n` units of work, looking at the cancel flag every [`CHECK_EVERY`].
    pub(crate) fn tick(&self, n: usize) -> Result<(), QueryError> {
        let before = self.work.get();
        let after = before.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
        self.work.set(after);
        if after / CHECK_EVERY != before / CHECK_EVERY {
            self.check()?;
        }
        Ok(())
    }

    /// The query as printed, and how many times it was asked for before in this evaluation: what
    /// `random()` seeds its values with, so that one query answers the same every time and two
    /// `random()` of one query differ.
    pub(crate) fn random_draw(&self) -> (String, u64) {
        let n = self.draws.get();
        self.draws.set(n.saturating_add(1));
        (self.root.to_string(), n)
    }

    /// Adds a warning to the answer (once per text).
    pub(crate) fn warn(&self, text: String) {
        let mut w = self.warnings.borrow_mut();
        if !w.contains(&text) {
            w.push(text);
        }
    }

    /// Drops the remembered values of these aliases (a join's data expression defines them anew
    /// for each row).
    pub(crate) fn forget_aliases(&self, names: &[&str]) {
        if !names.is_empty() {
            self.alias_values
                .borrow_mut()
                .retain(|k, _| !names.contains(&k.as_str()));
        }
    }

    /// The expression an alias names.
    pub(crate) fn alias_def(&self, name: &str) -> Option<&'a Expr> {
        self.aliases.get(name).copied()
    }

    /// Every alias of the query and the expression it names.
    pub(crate) fn aliases(&self) -> &HashMap<String, &'a Expr> {
        &self.aliases
    }

    pub(crate) fn take_warnings(&self) -> Vec<String> {
        self.warnings.take()
    }
}

/// The value of `expr`.
pub(crate) fn eval(expr: &Expr, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    ctx.check()?;
    if depth > MAX_DEPTH {
        return Err(QueryError::exec(format!(
            "the query nests deeper than {MAX_DEPTH} levels"
        )));
    }
    match expr {
        Expr::Number(n) => Ok(Value::Series(vec![Series::literal(*n)])),
        Expr::Selector(s) => select(s, ctx.fetched),
        Expr::Call(c) => {
            if let Some(conversion) = events::series::conversion(c, ctx.aliases()) {
                return events::series::convert(conversion, c, ctx, depth + 1);
            }
            if events::is_event_set(expr, ctx.aliases()) {
                return Err(events::not_a_series(&format!("{}()", c.name)));
            }
            (functions::lookup(&c.name)?.eval)(c, ctx, depth + 1)
        }
        Expr::Neg(e) => {
            let v = eval_series(e, ctx, depth + 1, "-")?;
            Ok(Value::Series(
                v.into_iter()
                    .map(|s| Series {
                        points: s.points.map(|x| -x),
                        ..s
                    })
                    .collect(),
            ))
        }
        Expr::Binary(_) if events::is_event_set(expr, ctx.aliases()) => {
            Err(events::not_a_series("an operation between events"))
        }
        Expr::Binary(b) => operators::binary(b, ctx, depth + 1),
        Expr::Method {
            receiver,
            method,
            arg,
        } => match method {
            Method::OrElse => {
                let v = eval(receiver, ctx, depth + 1)?;
                // "did not report any data in the specified time window"
                let (start, end) = (ctx.chart.start, ctx.chart.end);
                let empty = match &v {
                    Value::Series(s) => s.iter().all(|s| match &s.points {
                        Points::Discrete(d) => !d.iter().any(|(t, _)| *t >= start && *t < end),
                        _ => false,
                    }),
                    Value::Histograms(_) => {
                        return Err(QueryError::exec("orElse() cannot be applied to histograms"));
                    }
                };
                if empty {
                    eval(arg, ctx, depth + 1)
                } else {
                    Ok(v)
                }
            }
            filter => {
                let values = eval_series(receiver, ctx, depth + 1, "a point filter")?;
                let threshold = eval_series(arg, ctx, depth + 1, "a point filter")?;
                let keep: fn(f64, f64) -> bool = match filter {
                    Method::Gt => |v, t| v > t,
                    Method::Lt => |v, t| v < t,
                    Method::Ge => |v, t| v >= t,
                    Method::Le => |v, t| v <= t,
                    Method::Eq => |v, t| v == t,
                    _ => |v, t| v != t,
                };
                Ok(Value::Series(operators::keep_where(
                    values, threshold, false, ctx, keep,
                )))
            }
        },
        Expr::Alias { expr, name } => {
            let v = eval(expr, ctx, depth + 1)?;
            ctx.alias_values
                .borrow_mut()
                .insert(name.clone(), v.clone());
            Ok(v)
        }
        Expr::AliasRef(name) => {
            if let Some(v) = ctx.alias_values.borrow().get(name) {
                return Ok(v.clone());
            }
            let def = ctx
                .aliases
                .get(name)
                .copied()
                .ok_or_else(|| QueryError::exec(format!("unknown alias ${name}")))?;
            let v = eval(def, ctx, depth + 1)?;
            ctx.alias_values
                .borrow_mut()
                .insert(name.clone(), v.clone());
            Ok(v)
        }
        Expr::Variable(name) => Err(QueryError::exec(format!(
            "the variable ${{{name}}} is not defined"
        ))),
        Expr::Events(_) => Err(events::not_a_series("events()")),
        Expr::Join(j) => join::join(j, ctx, depth + 1),
        Expr::JoinRef { alias, .. } => join::bound(alias, ctx),
    }
}

/// The value of `expr`, which must be time series (not histograms); `what` names the consumer.
pub(crate) fn eval_series(
    expr: &Expr,
    ctx: &Ctx<'_>,
    depth: usize,
    what: &str,
) -> Result<Vec<Series>, QueryError> {
    match eval(expr, ctx, depth)? {
        Value::Series(s) => Ok(s),
        Value::Histograms(_) => Err(QueryError::exec(format!(
            "{what}: expected time series, got histograms (convert them with percentile(), median(), min(), max(), avg() or count())"
        ))),
    }
}
