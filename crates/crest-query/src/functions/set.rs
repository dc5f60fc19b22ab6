//! `collect(e1, e2, ...)` (wql.md §2.10.1): the series of every input as one set. Each series of
//! input `i` (0-based) gets the point tag `collect_<i>` = `"<i>"` (wql.md §6 conflict 10: the
//! reading that makes the docs' `collect_0="0"` filter meaningful).

use crest_wql::Call;

use super::args::{expr_at, name};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::Value;

pub(crate) fn collect(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    super::args::arity(call, 1, usize::MAX)?;
    let mut out = Vec::new();
    for i in 0..call.args.len() {
        for mut s in eval_series(expr_at(call, i)?, ctx, depth, name(call))? {
            s.meta.tags.insert(format!("collect_{i}"), i.to_string());
            s.literal = false;
            out.push(s);
        }
    }
    Ok(Value::Series(out))
}
