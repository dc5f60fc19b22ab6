//! Metadata functions (wql.md §2.10.10): `aliasMetric`, `aliasSource` and `taggify` rename a
//! series' metric or source, or add a point tag, from a literal (with `{{metric}}`, `{{source}}`,
//! `{{tagKey}}` templates), a node of a delimited string, or a regex replacement; and
//! `retainSeries`, `removeSeries`, `filter`, which keep or drop series by their metadata.
//!
//! Decisions: regex replacement follows Java's `replaceAll` (an empty match right after a match
//! is replaced too, so `".*"` on a value gives the replacement twice, as the docs warn), with
//! `$1` group references; a template naming a tag the series lacks gives the empty string; when
//! `aliasSource` makes two series identical, every series gets a `_discriminant` point tag holding
//! its former source. The filters of `retainSeries`/`removeSeries`/`filter` are `key=value` terms
//! (`source=`/`host=`, `metric=`, `tag=`, or a point tag; `*` wildcards; a bare name is a
//! metric), all of which must hold. `tag=x` (a source tag, as `ts()`'s) holds for a series whose
//! source carries a tag matching `x` now (resolved before evaluation, `fetch::filter_tags`),
//! whether or not the series was selected with a `tag=`; a series without a source (an aggregate
//! not grouped by sources) carries no source tags and fails it (`removeSeries` keeps it), as a
//! series without a point tag fails a filter on that tag.

use std::collections::{BTreeSet, HashMap};

use crest_series::Pattern;
use crest_wql::{Arg, Call, Expr};

use super::args::{expr_at, name};
use crate::chart::describe;
use crate::error::QueryError;
use crate::eval::{Ctx, eval};
use crate::value::{Meta, Value};

/// The most memory one compiled replacement regex may take.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Which string of a series a function reads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Input {
    Metric,
    Source,
    Tag(String),
}

impl Input {
    fn read<'m>(&self, meta: &'m Meta) -> &'m str {
        match self {
            Input::Metric => &meta.metric,
            Input::Source => meta.source.as_deref().unwrap_or(""),
            Input::Tag(k) => meta.tags.get(k).map_or("", String::as_str),
        }
    }
}

/// How the new value is made.
#[derive(Debug)]
enum Rule {
    Literal(String),
    Node { index: usize, delims: String },
    Replace { regex: regex::Regex, with: String },
}

fn word(a: Option<&Arg>) -> Option<&str> {
    match a {
        Some(Arg::Word(w)) => Some(w),
        _ => None,
    }
}

/// `[metric|source|tagk, key]` at `i`: the input and the next index.
fn input_at(call: &Call, i: usize) -> Result<(Option<Input>, usize), QueryError> {
    Ok(match word(call.args.get(i)) {
        Some("metric") => (Some(Input::Metric), i + 1),
        Some("source") => (Some(Input::Source), i + 1),
        Some("tagk") => {
            let key = match call.args.get(i + 1) {
                Some(Arg::Word(k) | Arg::Str(k)) => k.clone(),
                _ => {
                    return Err(QueryError::exec(format!(
                        "{}(): tagk must be followed by a point tag key",
                        name(call)
                    )));
                }
            };
            (Some(Input::Tag(key)), i + 2)
        }
        _ => (None, i),
    })
}

/// The rule from argument `i` to the end.
fn rule_at(call: &Call, i: usize) -> Result<Rule, QueryError> {
    let rest = call.args.get(i..).unwrap_or_default();
    match rest {
        [Arg::Str(lit)] => Ok(Rule::Literal(lit.clone())),
        [Arg::Expr(Expr::Number(_)), tail @ ..] if tail.len() <= 1 => {
            let n = super::args::number_at(call, i)?;
            if n < 0.0 || n.fract() != 0.0 || n > 1e6 {
                return Err(QueryError::exec(format!(
                    "{}(): a node index is a whole number, not {n}",
                    name(call)
                )));
            }
            let delims = match tail {
                [] => ".".to_owned(),
                [Arg::Str(d)] if !d.is_empty() => d.clone(),
                [other] => {
                    return Err(QueryError::exec(format!(
                        "{}(): expected the delimiters as a quoted string, got {}",
                        name(call),
                        describe(other)
                    )));
                }
                _ => ".".to_owned(),
            };
            // at most 10^6, whole: exact
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let index = n as usize;
            Ok(Rule::Node { index, delims })
        }
        [Arg::Str(re), Arg::Str(with)] => {
            let regex = regex::RegexBuilder::new(re)
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
            Ok(Rule::Replace {
                regex,
                with: java_replacement(with),
            })
        }
        _ => Err(QueryError::exec(format!(
            "{}(): expected a \"literal\", a node index (with optional \"delimiters\"), or a \"regex\" and a \"replacement\"",
            name(call)
        ))),
    }
}

/// Java's `$1` group references as the regex crate's `${1}`.
fn java_replacement(with: &str) -> String {
    let mut out = String::with_capacity(with.len() + 8);
    let mut chars = with.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('$') => out.push_str("$$"),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            '$' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                if digits.is_empty() {
                    out.push_str("$$");
                } else {
                    out.push_str("${");
                    out.push_str(&digits);
                    out.push('}');
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Every match replaced as Java's `String.replaceAll` does.
fn replace_all(regex: &regex::Regex, text: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut last, mut pos) = (0usize, 0usize);
    while pos <= text.len() {
        let Some(caps) = regex.captures_at(text, pos) else {
            break;
        };
        let Some(m) = caps.get(0) else { break };
        out.push_str(text.get(last..m.start()).unwrap_or(""));
        caps.expand(with, &mut out);
        last = m.end();
        if m.is_empty() {
            match text.get(m.end()..).and_then(|rest| rest.chars().next()) {
                Some(c) => pos = m.end() + c.len_utf8(),
                None => break,
            }
        } else {
            pos = m.end();
        }
    }
    out.push_str(text.get(last..).unwrap_or(""));
    out
}

/// `{{metric}}`, `{{source}}` and `{{tagKey}}` filled in from the series.
fn templates(text: &str, meta: &Meta) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(rest.get(..open).unwrap_or(""));
        let after = rest.get(open + 2..).unwrap_or("");
        let Some(close) = after.find("}}") else {
            out.push_str(rest.get(open..).unwrap_or(""));
            return out;
        };
        let key = after.get(..close).unwrap_or("").trim();
        out.push_str(match key {
            "metric" => &meta.metric,
            "source" => meta.source.as_deref().unwrap_or(""),
            tag => meta.tags.get(tag).map_or("", String::as_str),
        });
        rest = after.get(close + 2..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The new value for one series; `target` names what is renamed in the node error.
fn apply(rule: &Rule, input: &Input, meta: &Meta, target: &str) -> Result<String, QueryError> {
    let value = input.read(meta);
    match rule {
        Rule::Literal(lit) => Ok(templates(lit, meta)),
        Rule::Node { index, delims } => value
            .split(|c| delims.contains(c))
            .nth(*index)
            .map(str::to_owned)
            .ok_or_else(|| {
                QueryError::exec(format!(
                    "Cannot access node: {index} from {target} value: {value}"
                ))
            }),
        Rule::Replace { regex, with } => Ok(templates(&replace_all(regex, value, with), meta)),
    }
}

/// Applies `set` to the identity of every series (or histogram series) of argument 0.
fn rename(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    set: impl Fn(&mut Meta) -> Result<(), QueryError>,
) -> Result<Value, QueryError> {
    eval(expr_at(call, 0)?, ctx, depth)?.try_map_meta(set)
}

pub(crate) fn alias_metric(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let (input, at) = input_at(call, 1)?;
    let input = input.unwrap_or(Input::Metric);
    let rule = rule_at(call, at)?;
    rename(call, ctx, depth, |m| {
        m.metric = apply(&rule, &input, m, "metric")?;
        Ok(())
    })
}

pub(crate) fn alias_source(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let (input, at) = input_at(call, 1)?;
    let input = input.unwrap_or(Input::Source);
    let rule = rule_at(call, at)?;
    let value = rename(call, ctx, depth, |m| {
        let new = apply(&rule, &input, m, "source")?;
        let old = m.source.replace(new).unwrap_or_default();
        m.tags.insert("_discriminant".to_owned(), old);
        Ok(())
    })?;
    // keep `_discriminant` only where it is needed to tell series apart
    let strip = |metas: Vec<&mut Meta>| {
        let mut seen = BTreeSet::new();
        let unique = metas.iter().all(|m| {
            let mut tags = m.tags.clone();
            tags.remove("_discriminant");
            seen.insert((m.metric.clone(), m.source.clone(), tags))
        });
        if unique {
            for m in metas {
                m.tags.remove("_discriminant");
            }
        }
    };
    Ok(match value {
        Value::Series(mut s) => {
            strip(s.iter_mut().map(|x| &mut x.meta).collect());
            Value::Series(s)
        }
        Value::Histograms(mut h) => {
            strip(h.iter_mut().map(|x| &mut x.meta).collect());
            Value::Histograms(h)
        }
    })
}

/// `taggify(e, newKey, "value")` or `taggify(e, metric|source|tagk [key], newKey, rule...)`.
pub(crate) fn taggify(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let (input, at) = input_at(call, 1)?;
    let key = match call.args.get(at) {
        Some(Arg::Word(k) | Arg::Str(k)) => k.clone(),
        _ => {
            return Err(QueryError::exec(
                "taggify(): expected the new tag's key".to_owned(),
            ));
        }
    };
    let rule = rule_at(call, at + 1)?;
    let input = match (input, &rule) {
        (Some(i), _) => i,
        (None, Rule::Literal(_)) => Input::Metric,
        (None, _) => {
            return Err(QueryError::exec(
                "taggify(): a node or regex rule needs metric, source or tagk first",
            ));
        }
    };
    rename(call, ctx, depth, |m| {
        let v = apply(&rule, &input, m, "tag")?;
        m.tags.insert(key.clone(), v);
        Ok(())
    })
}

/// One condition of `retainSeries`/`removeSeries`/`filter`.
#[derive(Debug)]
enum Cond {
    Metric(Pattern),
    Source(Pattern),
    Tag(String, Pattern),
    /// The written value, looked up in `Fetched::filter_tags`.
    SourceTag(String),
}

fn conditions(call: &Call) -> Result<Vec<Cond>, QueryError> {
    let mut out = Vec::new();
    for a in call.args.iter().skip(1) {
        out.push(match a {
            Arg::Named { name: k, value } => match k.as_str() {
                "source" | "host" => Cond::Source(Pattern::parse(&value.to_lowercase())),
                "metric" => Cond::Metric(Pattern::parse(value)),
                "tag" => Cond::SourceTag(value.clone()),
                key => Cond::Tag(key.to_owned(), Pattern::parse(value)),
            },
            Arg::Word(m) | Arg::Str(m) => Cond::Metric(Pattern::parse(m)),
            other => {
                return Err(QueryError::exec(format!(
                    "{}(): expected key=value filters, got {}",
                    name(call),
                    describe(other)
                )));
            }
        });
    }
    if out.is_empty() {
        return Err(QueryError::exec(format!(
            "{}(): expected at least one filter",
            name(call)
        )));
    }
    Ok(out)
}

fn holds(conds: &[Cond], m: &Meta, tagged: &HashMap<String, BTreeSet<String>>) -> bool {
    conds.iter().all(|c| match c {
        Cond::Metric(p) => p.matches(&m.metric),
        Cond::Source(p) => m.source.as_deref().is_some_and(|s| p.matches(s)),
        Cond::Tag(k, p) => m.tags.get(k).is_some_and(|v| p.matches(v)),
        Cond::SourceTag(v) => m
            .source
            .as_deref()
            .is_some_and(|s| tagged.get(v).is_some_and(|set| set.contains(s))),
    })
}

fn keep(call: &Call, ctx: &Ctx<'_>, depth: usize, wanted: bool) -> Result<Value, QueryError> {
    let conds = conditions(call)?;
    let tagged = &ctx.fetched.filter_tags;
    Ok(match eval(expr_at(call, 0)?, ctx, depth)? {
        Value::Series(s) => Value::Series(
            s.into_iter()
                .filter(|x| holds(&conds, &x.meta, tagged) == wanted)
                .collect(),
        ),
        Value::Histograms(h) => Value::Histograms(
            h.into_iter()
                .filter(|x| holds(&conds, &x.meta, tagged) == wanted)
                .collect(),
        ),
    })
}

pub(crate) fn retain_series(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    keep(call, ctx, depth, true)
}

pub(crate) fn remove_series(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    keep(call, ctx, depth, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_all_behaves_like_java() {
        let re = |r: &str| regex::Regex::new(r).unwrap();
        assert_eq!(replace_all(&re(".*"), "abc", "P"), "PP");
        assert_eq!(replace_all(&re("-"), "Test-Cluster", "_"), "Test_Cluster");
        assert_eq!(
            replace_all(
                &re("accounts.([a-zA-Z.]*)[0-9]*$"),
                "accounts.foo.bar1",
                &java_replacement("$1")
            ),
            "foo.bar"
        );
        assert_eq!(
            replace_all(&re("(.{0,4}).*"), "Test_Cluster", &java_replacement("$1")),
            "Test"
        );
        assert_eq!(java_replacement("$1x\\$"), "${1}x$$");
    }
}
