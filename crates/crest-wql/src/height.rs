//! How many levels deep a tree is: what the parser bounds so that every walk over an accepted
//! tree (drop, compare, print, evaluate) recurses a bounded number of times.

use crate::ast::{Arg, Expr, FilterExpr, JoinCondition, JoinPredicate};

impl Expr {
    /// The number of nodes on the longest path from this one to a leaf (a number is 1). Counts
    /// the filters of a selector and the predicate of a join; a call's non-expression arguments
    /// are not nodes.
    pub fn height(&self) -> usize {
        match self {
            Expr::Number(_) | Expr::AliasRef(_) | Expr::Variable(_) | Expr::JoinRef { .. } => 1,
            Expr::Selector(selector) => {
                1 + selector
                    .items
                    .iter()
                    .map(FilterExpr::height)
                    .max()
                    .unwrap_or(0)
            }
            Expr::Events(filter) => 1 + filter.as_ref().map_or(0, FilterExpr::height),
            Expr::Call(call) => {
                let arg = |arg: &Arg| match arg {
                    Arg::Expr(expr) => expr.height(),
                    _ => 0,
                };
                1 + call.args.iter().map(arg).max().unwrap_or(0)
            }
            Expr::Neg(operand) => 1 + operand.height(),
            Expr::Binary(binary) => 1 + binary.lhs.height().max(binary.rhs.height()),
            Expr::Method { receiver, arg, .. } => 1 + receiver.height().max(arg.height()),
            Expr::Alias { expr, .. } => 1 + expr.height(),
            Expr::Join(join) => {
                let condition = match &join.condition {
                    JoinCondition::Using(_) => 0,
                    JoinCondition::On(predicate) => predicate.height(),
                };
                1 + [
                    join.left.height(),
                    join.right.height(),
                    join.data.height(),
                    condition,
                ]
                .into_iter()
                .max()
                .unwrap_or(0)
            }
        }
    }
}

impl FilterExpr {
    /// The number of nodes on the longest path from this one to an atom (an atom is 1).
    pub fn height(&self) -> usize {
        match self {
            FilterExpr::Atom(_) => 1,
            FilterExpr::Not(inner) => 1 + inner.height(),
            FilterExpr::And(terms) | FilterExpr::Or(terms) => {
                1 + terms.iter().map(FilterExpr::height).max().unwrap_or(0)
            }
        }
    }
}

impl JoinPredicate {
    /// The number of nodes on the longest path from this one to a comparison (which is 1).
    pub fn height(&self) -> usize {
        match self {
            JoinPredicate::Compare { .. } => 1,
            JoinPredicate::Not(inner) => 1 + inner.height(),
            JoinPredicate::And(terms) | JoinPredicate::Or(terms) => {
                1 + terms.iter().map(JoinPredicate::height).max().unwrap_or(0)
            }
        }
    }
}
