//! String-manipulation functions (wql.md §2.10.11): `length`, `isEmpty`, `isBlank`,
//! `toLowerCase`, `toUpperCase`, `trim`, `strip`, `stripLeading`, `stripTrailing`, `equals`,
//! `equalsIgnoreCase`, `matches`, `startsWith`, `endsWith`, `indexOf`, `lastIndexOf`, `concat`,
//! `contains`, `charAt`, `substring` and `repeat`, each `f(metric|source|<pointTagKey>, [args,]
//! expr)`: the first argument picks the string (the metric name, the source, or the value of that
//! point tag), the last is the series (or histogram) expression.
//!
//! Decisions where wql.md is silent (§6 silent 8), following its [INF] recommendation:
//! - The result is added to every series as a synthetic point tag whose key is the function's
//!   documented name, however the call spells it (`length`, `toUpperCase`, `equalsIgnoreCase`,
//!   ...), replacing a tag of that key the series already has. Its value is `true`/`false`, a
//!   decimal integer, or the transformed string. The data points, the metric and the source are
//!   unchanged (transforming functions do not rewrite the field they read).
//! - A series without the string (no such point tag; no source, as after an aggregation not
//!   grouped by sources) passes through unchanged, without the result tag.
//! - `metric` and `source` are keywords (lower case); any other bare word or quoted string is a
//!   point tag key. String arguments must be quoted; indices and counts are whole numbers.
//! - Lengths and indices count characters (Unicode scalar values), not bytes; indices are 0-based
//!   and `indexOf`/`lastIndexOf` give -1 when the text is absent (an empty text is found at 0 and
//!   at the length, as in Java).
//! - An index out of the value (`charAt` at or past the length, `substring` with start > end or
//!   end > length) is an error naming the function and the value, as Java throws and as
//!   `aliasSource`'s "Cannot access node" does, rather than an empty or made-up result.
//! - `trim` removes one leading and one trailing space (wql.md); `strip`, `stripLeading` and
//!   `stripTrailing` remove all whitespace at those ends.
//! - `isBlank` (§6 conflict 16) is Java's: true for the empty string and for one made only of
//!   whitespace, which covers all three pages' examples.
//! - `matches` is a whole-string match of a regex in the regex crate's syntax (no look-around or
//!   back-references); an invalid regex is an error. `equalsIgnoreCase` compares character by
//!   character in upper and lower case, as Java does.
//! - `repeat` refuses results longer than [`MAX_RESULT_BYTES`].

use crest_wql::{Arg, Call, Expr};

use super::args::{arity, expr_at, name, number_at};
use crate::chart::describe;
use crate::error::QueryError;
use crate::eval::{Ctx, eval};
use crate::value::{Meta, Value};

/// The longest string (in bytes) a function may make.
const MAX_RESULT_BYTES: usize = 64 * 1024;

/// The largest index or count an argument may give.
const MAX_INDEX: f64 = 1e9;

/// The most memory one compiled `matches` regex may take.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// The string a function reads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Metric,
    Source,
    Tag(String),
}

impl Field {
    fn read<'m>(&self, meta: &'m Meta) -> Option<&'m str> {
        match self {
            Field::Metric => Some(&meta.metric),
            Field::Source => meta.source.as_deref(),
            Field::Tag(k) => meta.tags.get(k).map(String::as_str),
        }
    }

    fn describe(&self) -> String {
        match self {
            Field::Metric => "metric".to_owned(),
            Field::Source => "source".to_owned(),
            Field::Tag(k) => format!("{k} tag"),
        }
    }
}

fn field(call: &Call) -> Result<Field, QueryError> {
    match call.args.first() {
        Some(Arg::Word(w) | Arg::Str(w)) => Ok(match w.as_str() {
            "metric" => Field::Metric,
            "source" => Field::Source,
            "" => {
                return Err(QueryError::exec(format!(
                    "{}(): the point tag key is empty",
                    name(call)
                )));
            }
            key => Field::Tag(key.to_owned()),
        }),
        Some(other) => Err(QueryError::exec(format!(
            "{}(): argument 1 must be metric, source or a point tag key, not {}",
            name(call),
            describe(other)
        ))),
        None => Err(super::args::missing(call, 0)),
    }
}

/// A quoted string at argument `i`.
fn text_at(call: &Call, i: usize) -> Result<String, QueryError> {
    match call.args.get(i) {
        Some(Arg::Str(s)) => Ok(s.clone()),
        Some(other) => Err(QueryError::exec(format!(
            "{}(): argument {} must be a quoted string, not {}",
            name(call),
            i + 1,
            describe(other)
        ))),
        None => Err(super::args::missing(call, i)),
    }
}

/// A whole number in `[0, MAX_INDEX]` at argument `i`.
fn index_at(call: &Call, i: usize) -> Result<usize, QueryError> {
    let n = number_at(call, i)?;
    if !(0.0..=MAX_INDEX).contains(&n) || n.fract() != 0.0 {
        return Err(QueryError::exec(format!(
            "{}(): argument {} must be a whole number from 0 to {MAX_INDEX}, not {n}",
            name(call),
            i + 1
        )));
    }
    // whole and at most 10^9: exact
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(n as usize)
}

/// Checks that the call has the field, `params` arguments and the expression, then tags every
/// series of the expression with `key` = `op(string)`.
fn run(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    key: &'static str,
    op: impl Fn(&str, &Field) -> Result<String, QueryError>,
) -> Result<Value, QueryError> {
    let field = field(call)?;
    let last = call.args.len().saturating_sub(1);
    let expr: &Expr = expr_at(call, last)?;
    let tag = |meta: &mut Meta| -> Result<(), QueryError> {
        if let Some(s) = field.read(meta) {
            let out = op(s, &field)?;
            meta.tags.insert(key.to_owned(), out);
        }
        Ok(())
    };
    eval(expr, ctx, depth)?.try_map_meta(tag)
}

/// A function of the string alone: `f(field, expr)`.
fn unary(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    key: &'static str,
    f: fn(&str) -> String,
) -> Result<Value, QueryError> {
    arity(call, 2, 2)?;
    run(call, ctx, depth, key, move |s, _| Ok(f(s)))
}

/// A function of the string and one quoted text: `f(field, "text", expr)`.
fn with_text(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    key: &'static str,
    f: fn(&str, &str) -> String,
) -> Result<Value, QueryError> {
    arity(call, 3, 3)?;
    let text = text_at(call, 1)?;
    run(call, ctx, depth, key, move |s, _| Ok(f(s, &text)))
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// The character index of byte offset `byte` of `s`.
fn char_index(s: &str, byte: usize) -> i64 {
    let n = s.get(..byte).map_or(0, chars);
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn index_of(s: &str, text: &str) -> String {
    s.find(text).map_or(-1, |b| char_index(s, b)).to_string()
}

fn last_index_of(s: &str, text: &str) -> String {
    s.rfind(text).map_or(-1, |b| char_index(s, b)).to_string()
}

/// One leading and one trailing space off (wql.md §2.10.11).
fn trim_one(s: &str) -> String {
    let s = s.strip_prefix(' ').unwrap_or(s);
    s.strip_suffix(' ').unwrap_or(s).to_owned()
}

/// Java's `String.equalsIgnoreCase`: same length, and each pair of characters equal as they are,
/// in upper case, or in lower case.
fn equal_ignoring_case(a: &str, b: &str) -> bool {
    chars(a) == chars(b)
        && a.chars().zip(b.chars()).all(|(x, y)| {
            x == y || x.to_uppercase().eq(y.to_uppercase()) || x.to_lowercase().eq(y.to_lowercase())
        })
}

fn yes(b: bool) -> String {
    if b { "true" } else { "false" }.to_owned()
}

/// The error for an index outside the value.
fn out_of_range(call: &Call, what: &str, field: &Field, value: &str) -> QueryError {
    QueryError::exec(format!(
        "{}(): {what} is out of range for the {} value \"{value}\" (length {})",
        name(call),
        field.describe(),
        chars(value)
    ))
}

pub(crate) fn length(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    unary(call, ctx, depth, "length", |s| chars(s).to_string())
}

pub(crate) fn is_empty(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    unary(call, ctx, depth, "isEmpty", |s| yes(s.is_empty()))
}

pub(crate) fn is_blank(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    unary(call, ctx, depth, "isBlank", |s| {
        yes(s.chars().all(char::is_whitespace))
    })
}

pub(crate) fn to_lower_case(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    unary(call, ctx, depth, "toLowerCase", str::to_lowercase)
}

pub(crate) fn to_upper_case(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    unary(call, ctx, depth, "toUpperCase", str::to_uppercase)
}

pub(crate) fn trim(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    unary(call, ctx, depth, "trim", trim_one)
}

pub(crate) fn strip(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    unary(call, ctx, depth, "strip", |s| s.trim().to_owned())
}

pub(crate) fn strip_leading(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    unary(call, ctx, depth, "stripLeading", |s| {
        s.trim_start().to_owned()
    })
}

pub(crate) fn strip_trailing(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Value, QueryError> {
    unary(call, ctx, depth, "stripTrailing", |s| {
        s.trim_end().to_owned()
    })
}

pub(crate) fn equals(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    with_text(call, ctx, depth, "equals", |s, t| yes(s == t))
}

pub(crate) fn equals_ignore_case(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Value, QueryError> {
    with_text(call, ctx, depth, "equalsIgnoreCase", |s, t| {
        yes(equal_ignoring_case(s, t))
    })
}

pub(crate) fn starts_with(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    with_text(call, ctx, depth, "startsWith", |s, t| yes(s.starts_with(t)))
}

pub(crate) fn ends_with(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    with_text(call, ctx, depth, "endsWith", |s, t| yes(s.ends_with(t)))
}

pub(crate) fn contains(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    with_text(call, ctx, depth, "contains", |s, t| yes(s.contains(t)))
}

pub(crate) fn index_of_fn(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    with_text(call, ctx, depth, "indexOf", index_of)
}

pub(crate) fn last_index_of_fn(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Value, QueryError> {
    with_text(call, ctx, depth, "lastIndexOf", last_index_of)
}

pub(crate) fn concat(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    with_text(call, ctx, depth, "concat", |s, t| format!("{s}{t}"))
}

/// `matches(field, "regex", expr)`: whether the whole string matches.
pub(crate) fn matches(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 3, 3)?;
    let re = text_at(call, 1)?;
    let regex = regex::RegexBuilder::new(&format!("^(?:{re})$"))
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(64)
        .build()
        .map_err(|e| {
            QueryError::exec(format!(
                "{}(): invalid regular expression \"{re}\": {e}",
                name(call)
            ))
        })?;
    run(call, ctx, depth, "matches", move |s, _| {
        Ok(yes(regex.is_match(s)))
    })
}

/// `charAt(field, index, expr)`.
pub(crate) fn char_at(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 3, 3)?;
    let index = index_at(call, 1)?;
    run(call, ctx, depth, "charAt", move |s, field| {
        s.chars()
            .nth(index)
            .map(String::from)
            .ok_or_else(|| out_of_range(call, &format!("index {index}"), field, s))
    })
}

/// `substring(field, start[, end], expr)`: characters `[start, end)`, `end` defaulting to the
/// length.
pub(crate) fn substring(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 3, 4)?;
    let start = index_at(call, 1)?;
    let end = if call.args.len() == 4 {
        Some(index_at(call, 2)?)
    } else {
        None
    };
    if let Some(end) = end.filter(|&e| e < start) {
        return Err(QueryError::exec(format!(
            "{}(): the end {end} is before the start {start}",
            name(call)
        )));
    }
    run(call, ctx, depth, "substring", move |s, field| {
        let len = chars(s);
        let end = end.unwrap_or(len);
        if end > len || start > len {
            let what = match call.args.len() {
                4 => format!("[{start}, {end})"),
                _ => format!("start {start}"),
            };
            return Err(out_of_range(call, &what, field, s));
        }
        Ok(s.chars().skip(start).take(end - start).collect())
    })
}

/// `repeat(field, count, expr)`: the string `count` times.
pub(crate) fn repeat(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 3, 3)?;
    let count = index_at(call, 1)?;
    run(call, ctx, depth, "repeat", move |s, _| {
        if s.len().saturating_mul(count) > MAX_RESULT_BYTES {
            return Err(QueryError::exec(format!(
                "{}(): repeating \"{s}\" {count} times makes more than {MAX_RESULT_BYTES} bytes",
                name(call)
            )));
        }
        Ok(s.repeat(count))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_count_characters_and_missing_text_is_minus_one() {
        assert_eq!(index_of("dataingester", "ta"), "2");
        assert_eq!(last_index_of("dataingester", "e"), "10");
        assert_eq!(index_of("dataingester", "zz"), "-1");
        assert_eq!(last_index_of("dataingester", "zz"), "-1");
        assert_eq!(index_of("héllo", "l"), "2");
        assert_eq!(last_index_of("héllo", "l"), "3");
        assert_eq!(index_of("abc", ""), "0");
        assert_eq!(last_index_of("abc", ""), "3");
        assert_eq!(index_of("", "a"), "-1");
    }

    #[test]
    fn trim_takes_one_space_from_each_end() {
        assert_eq!(trim_one("  a b  "), " a b ");
        assert_eq!(trim_one(" a"), "a");
        assert_eq!(trim_one("a"), "a");
        assert_eq!(trim_one(" "), "");
        assert_eq!(trim_one("\ta\t"), "\ta\t");
    }

    #[test]
    fn equals_ignore_case_is_per_character() {
        assert!(equal_ignoring_case("string", "StRiNg"));
        assert!(equal_ignoring_case("ÉTÉ", "été"));
        assert!(!equal_ignoring_case("string", "strings"));
        assert!(!equal_ignoring_case("abc", "abd"));
        assert!(equal_ignoring_case("", ""));
    }

    #[test]
    fn char_index_of_a_bad_offset_is_zero() {
        assert_eq!(char_index("é", 1), 0);
        assert_eq!(char_index("é", 2), 1);
    }
}
