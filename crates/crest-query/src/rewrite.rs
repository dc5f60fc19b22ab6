//! Rewrites before planning: `globalFilter(expr, filters)` (wql.md §2.10.3) becomes `expr` with
//! the filters ANDed into every `ts()`/`hs()`/`cs()` inside it, so they reach the reads ("pushed
//! all the way into the inner ts()/hs() expressions"). Its filters are `key=value` terms
//! (`source=`, `host=`, `tag=` for a source tag, a point tag) and bare metric names, all of which
//! must hold. An alias referenced inside it (`$name`) is not filtered.

use crest_wql::{Arg, Expr, FilterAtom, FilterExpr, FilterKey, FilterOp, NamePattern};

use crate::chart::describe;
use crate::error::QueryError;
use crate::plan::MAX_DEPTH;

/// The tree with every `globalFilter` applied.
pub(crate) fn rewrite(expr: &mut Expr, depth: usize) -> Result<(), QueryError> {
    if depth > MAX_DEPTH {
        return Err(QueryError::exec(format!(
            "the query nests deeper than {MAX_DEPTH} levels"
        )));
    }
    for child in children(expr) {
        rewrite(child, depth + 1)?;
    }
    let Expr::Call(call) = expr else {
        return Ok(());
    };
    if !call.name.eq_ignore_ascii_case("globalFilter") {
        return Ok(());
    }
    let mut args = std::mem::take(&mut call.args).into_iter();
    let Some(Arg::Expr(mut inner)) = args.next() else {
        return Err(QueryError::exec(
            "globalFilter(): the first argument must be an expression",
        ));
    };
    let atoms = args
        .map(|a| match a {
            Arg::Named { name, value } => {
                let key = match name.to_ascii_lowercase().as_str() {
                    "source" | "host" => FilterKey::Source,
                    "tag" => FilterKey::SourceTag,
                    _ => FilterKey::Point(name),
                };
                Ok(FilterExpr::Atom(FilterAtom::Key {
                    key,
                    op: FilterOp::Eq,
                    value: NamePattern::Text(value),
                }))
            }
            Arg::Word(m) | Arg::Str(m) => {
                Ok(FilterExpr::Atom(FilterAtom::Metric(NamePattern::Text(m))))
            }
            other => Err(QueryError::exec(format!(
                "globalFilter(): expected key=value filters, got {}",
                describe(&other)
            ))),
        })
        .collect::<Result<Vec<FilterExpr>, QueryError>>()?;
    if atoms.is_empty() {
        return Err(QueryError::exec(
            "globalFilter(): expected at least one filter",
        ));
    }
    push_down(&mut inner, &atoms, depth)?;
    *expr = inner;
    Ok(())
}

fn children(expr: &mut Expr) -> Vec<&mut Expr> {
    match expr {
        Expr::Call(c) => c
            .args
            .iter_mut()
            .filter_map(|a| match a {
                Arg::Expr(e) => Some(e),
                _ => None,
            })
            .collect(),
        Expr::Neg(e) => vec![e.as_mut()],
        Expr::Binary(b) => {
            let b = b.as_mut();
            vec![&mut b.lhs, &mut b.rhs]
        }
        Expr::Method { receiver, arg, .. } => vec![receiver.as_mut(), arg.as_mut()],
        Expr::Alias { expr, .. } => vec![expr.as_mut()],
        Expr::Join(j) => {
            let j = j.as_mut();
            vec![&mut j.left, &mut j.right, &mut j.data]
        }
        _ => Vec::new(),
    }
}

fn push_down(expr: &mut Expr, atoms: &[FilterExpr], depth: usize) -> Result<(), QueryError> {
    if depth > MAX_DEPTH {
        return Err(QueryError::exec(format!(
            "the query nests deeper than {MAX_DEPTH} levels"
        )));
    }
    if let Expr::Selector(s) = expr {
        let all = std::iter::once(s.filter())
            .chain(atoms.iter().cloned())
            .collect();
        s.items = vec![FilterExpr::And(all)];
        return Ok(());
    }
    for child in children(expr) {
        push_down(child, atoms, depth + 1)?;
    }
    Ok(())
}
