//! Planning: which selectors a query reads and over which range of time. Walks the tree as the
//! evaluator will, widening or shifting the range where a function looks back (`rate(1m, …)`,
//! `lag`), and merges the ranges of identical selectors so each is read once. A selector read only
//! as an aggregation's input, as written (`sum(ts(m))`), is marked: the aggregation may pre-align
//! it, so it may be read summarised (see `fetch.rs`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crest_wql::{Arg, Expr, Selector};

use crate::chart::{Chart, Range};
use crate::error::QueryError;
use crate::functions;

/// How deep evaluation may recurse: once per level of the tree (which the parser bounds), plus
/// room for alias references.
pub(crate) const MAX_DEPTH: usize = crest_wql::MAX_DEPTH + 32;
/// How many nodes planning may visit (alias references can repeat a subtree).
const MAX_STEPS: usize = 100_000;

/// The key a selector's read is filed under: its text, as the tree prints in `Debug`.
pub(crate) fn selector_key(s: &Selector) -> String {
    format!("{s:?}")
}

/// Every `name as …` definition of the query.
pub(crate) fn aliases(expr: &Expr) -> HashMap<String, &Expr> {
    let mut out = HashMap::new();
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        if let Expr::Alias { expr, name } = e {
            out.entry(name.clone()).or_insert(expr.as_ref());
        }
        children(e, &mut stack);
    }
    out
}

/// The sub-expressions of `e` that are evaluated as expressions.
pub(crate) fn children<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match e {
        Expr::Call(c) => out.extend(c.args.iter().filter_map(|a| match a {
            Arg::Expr(e) => Some(e),
            _ => None,
        })),
        Expr::Neg(e) => out.push(e),
        Expr::Binary(b) => {
            out.push(&b.lhs);
            out.push(&b.rhs);
        }
        Expr::Method { receiver, arg, .. } => {
            out.push(receiver);
            out.push(arg);
        }
        Expr::Alias { expr, .. } => out.push(expr),
        Expr::Join(j) => {
            out.push(&j.left);
            out.push(&j.right);
            out.push(&j.data);
        }
        _ => {}
    }
}

/// The selectors to read, by [`selector_key`].
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub reads: BTreeMap<String, (Selector, Range)>,
    /// The selectors (by key) that appear only as the input an aggregation pre-aligns
    /// ([`functions::aggregate::prealigned_arg`]), never elsewhere.
    pub aggregated_only: BTreeSet<String>,
    /// The query reads events (it has an `events()`).
    pub events: bool,
}

struct Planner<'a> {
    chart: &'a Chart,
    aliases: HashMap<String, &'a Expr>,
    plan: Plan,
    steps: usize,
    /// Selectors met as an aggregation's pre-aligned input, and those met elsewhere.
    aggregated: BTreeSet<String>,
    elsewhere: BTreeSet<String>,
    /// The expression walked next is the input an aggregation pre-aligns.
    aggregated_next: bool,
}

/// Plans `expr` over the chart: unknown functions and malformed windows fail here, before any read.
pub(crate) fn plan(expr: &Expr, chart: &Chart) -> Result<Plan, QueryError> {
    let mut p = Planner {
        chart,
        aliases: aliases(expr),
        plan: Plan::default(),
        steps: 0,
        aggregated: BTreeSet::new(),
        elsewhere: BTreeSet::new(),
        aggregated_next: false,
    };
    p.walk(expr, chart.base_range(), 0)?;
    let mut plan = p.plan;
    plan.aggregated_only = p.aggregated.difference(&p.elsewhere).cloned().collect();
    Ok(plan)
}

impl Planner<'_> {
    /// Files a read of `s` over `range`; `aggregated`: as an aggregation's pre-aligned input.
    fn read(&mut self, s: &Selector, range: Range, aggregated: bool) {
        let key = selector_key(s);
        if aggregated {
            self.aggregated.insert(key.clone());
        } else {
            self.elsewhere.insert(key.clone());
        }
        let entry = self
            .plan
            .reads
            .entry(key)
            .or_insert_with(|| (s.clone(), range));
        entry.1 = entry.1.union(range);
    }

    fn walk(&mut self, expr: &Expr, range: Range, depth: usize) -> Result<(), QueryError> {
        // only a selector met right after its aggregation set it takes the mark
        let aggregated_next = std::mem::take(&mut self.aggregated_next);
        self.steps += 1;
        if depth > MAX_DEPTH {
            return Err(QueryError::exec(format!(
                "the query nests deeper than {MAX_DEPTH} levels"
            )));
        }
        if self.steps > MAX_STEPS {
            return Err(QueryError::Limit(format!(
                "the query expands to more than {MAX_STEPS} expressions"
            )));
        }
        match expr {
            Expr::Selector(s) => {
                self.read(s, range, aggregated_next);
                Ok(())
            }
            Expr::Call(c) if crate::events::set::is_event_call(c, &self.aliases) => {
                for a in &c.args {
                    if let Arg::Expr(e) = a {
                        self.walk(e, range, depth + 1)?;
                    }
                }
                Ok(())
            }
            Expr::Call(c) => {
                let f = functions::lookup(&c.name)?;
                let inner = (f.range)(c, self.chart, range)?;
                let prealigned = functions::aggregate::prealigned_arg(c);
                for (i, a) in c.args.iter().enumerate() {
                    if let Arg::Expr(e) = a {
                        self.aggregated_next = prealigned == Some(i);
                        self.walk(e, inner, depth + 1)?;
                    }
                }
                Ok(())
            }
            Expr::AliasRef(name) => match self.aliases.get(name).copied() {
                Some(def) => self.walk(def, range, depth + 1),
                None => Err(QueryError::exec(format!("unknown alias ${name}"))),
            },
            Expr::Events(_) => {
                self.plan.events = true;
                Ok(())
            }
            Expr::Variable(name) => Err(QueryError::exec(format!(
                "the variable ${{{name}}} is not defined"
            ))),
            Expr::Number(_) | Expr::JoinRef { .. } => Ok(()),
            other => {
                let mut kids = Vec::new();
                children(other, &mut kids);
                for k in kids {
                    self.walk(k, range, depth + 1)?;
                }
                Ok(())
            }
        }
    }
}
