//! Reading a call's arguments: expressions, numbers, windows, keywords and group-by keys.

use crest_wql::{Arg, Call, Expr, GroupMode, Grouping};

use crate::chart::describe;
use crate::error::QueryError;

/// The call's name as documented (lower case is accepted too; messages use the written name).
pub(crate) fn name(call: &Call) -> &str {
    &call.name
}

/// Argument `i`, which must be an expression.
pub(crate) fn expr_at(call: &Call, i: usize) -> Result<&Expr, QueryError> {
    match call.args.get(i) {
        Some(Arg::Expr(e)) => Ok(e),
        Some(other) => Err(QueryError::exec(format!(
            "{}(): argument {} must be an expression, not {}",
            name(call),
            i + 1,
            describe(other)
        ))),
        None => Err(missing(call, i)),
    }
}

pub(crate) fn missing(call: &Call, i: usize) -> QueryError {
    QueryError::exec(format!("{}(): argument {} is missing", name(call), i + 1))
}

/// A number written as argument `i` (`5`, `-1`, `0.5k`).
pub(crate) fn number_at(call: &Call, i: usize) -> Result<f64, QueryError> {
    let arg = call.args.get(i).ok_or_else(|| missing(call, i))?;
    match arg {
        Arg::Expr(Expr::Number(n)) => return Ok(*n),
        Arg::Expr(Expr::Neg(inner)) => {
            if let Expr::Number(n) = inner.as_ref() {
                return Ok(-n);
            }
        }
        _ => {}
    }
    Err(QueryError::exec(format!(
        "{}(): argument {} must be a number, not {}",
        name(call),
        i + 1,
        describe(arg)
    )))
}

/// Refuses a call with fewer than `min` or more than `max` arguments.
pub(crate) fn arity(call: &Call, min: usize, max: usize) -> Result<(), QueryError> {
    let n = call.args.len();
    if n < min || n > max {
        return Err(QueryError::exec(format!(
            "{}(): expected {} argument{}, got {n}",
            name(call),
            if min == max {
                min.to_string()
            } else {
                format!("{min} to {max}")
            },
            if max == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

/// Whether argument `i` is a bare word (or quoted string) equal to `word`, ignoring case.
/// For the two-series functions (`highpass`, `lowpass`, `pow`, `mod`, ...): two arguments and an
/// optional third, `inner`, which forces strict matching (wql.md §2.4 item 5).
pub(crate) fn two_series_strict(call: &Call) -> Result<bool, QueryError> {
    two_series_strict_after(call, 0)
}

/// [`two_series_strict`] for a call whose two series follow `before` other arguments
/// (`mcorr(w, e1, e2 [, inner])`).
pub(crate) fn two_series_strict_after(call: &Call, before: usize) -> Result<bool, QueryError> {
    let last = before + 2;
    arity(call, last, last + 1)?;
    if call.args.len() == last + 1 {
        if is_word(call, last, "inner") {
            return Ok(true);
        }
        return Err(QueryError::exec(format!(
            "{}(): argument {} can only be inner",
            name(call),
            last + 1
        )));
    }
    Ok(false)
}

pub(crate) fn is_word(call: &Call, i: usize, word: &str) -> bool {
    matches!(call.args.get(i), Some(Arg::Word(w) | Arg::Str(w)) if w.eq_ignore_ascii_case(word))
}

/// The grouping of an aggregation: the words from argument `from` on (`sum(ts(m), az, sources)`),
/// or `by (...)`/`without (...)` written in the call. `None`: one group of everything.
pub(crate) fn grouping(call: &Call, from: usize) -> Result<Option<Grouping>, QueryError> {
    let mut keys = Vec::new();
    for (i, a) in call.args.iter().enumerate().skip(from) {
        match a {
            Arg::Word(w) | Arg::Str(w) => keys.push(w.clone()),
            other => {
                return Err(QueryError::exec(format!(
                    "{}(): argument {} must be a group-by key (metrics, sources, sourceTags, pointTags or a point tag key), not {}",
                    name(call),
                    i + 1,
                    describe(other)
                )));
            }
        }
    }
    match (&call.grouping, keys.is_empty()) {
        (Some(g), true) => Ok(Some(g.clone())),
        (Some(_), false) => Err(QueryError::exec(format!(
            "{}(): group-by keys are given both as arguments and with by/without",
            name(call)
        ))),
        (None, true) => Ok(None),
        (None, false) => Ok(Some(Grouping {
            mode: GroupMode::By,
            keys,
        })),
    }
}
