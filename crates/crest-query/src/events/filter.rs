//! The filters of `events(...)` (wql.md §2.9, the docs' event filter table): `name`, `type`,
//! `severity`, `subtype`, `target`, `alertId`, `alertTag`, `eventTag`, `source` (or `host`: one of
//! the event's sources) and `tag` (a source tag of one of them), combined with `and`, `or`, `not`
//! and commas (`and`).
//!
//! Decisions where the docs are silent:
//! - Values match without regard to case (an `@Event` line writes `severity=INFO`, the filter
//!   `severity="info"`), whole, with `*` as the wildcard; a `/regex/` matches the whole value too.
//! - `type`, `severity`, `subtype` and `target` are the annotations of those names.
//! - `key!=value` holds when no value of the event matches (so also when it has none);
//!   `key?=value` when one matches or it has none.
//! - Any other key, and a bare name without a key, is refused with the list of filters;
//!   `severity=unclassified` is refused, as the docs say.

use std::collections::{BTreeSet, HashMap};

use crest_series::Pattern;
use crest_wql::{Expr, FilterAtom, FilterExpr, FilterKey, FilterOp, NamePattern};

use crate::error::QueryError;
use crate::events::EventData;

/// The keys `events()` takes, as the error lists them.
const KEYS: &str =
    "name, type, severity, subtype, target, alertId, alertTag, eventTag, source (or host) and tag";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Name,
    Annotation(&'static str),
    AlertId,
    AlertTag,
    EventTag,
    Source,
}

/// A compiled `events()` filter.
#[derive(Debug)]
pub(crate) enum EventFilter {
    All,
    Term {
        field: Field,
        op: FilterOp,
        pattern: Pattern,
    },
    /// `tag=`: the sources (lower-cased) carrying the tag.
    SourceTagged {
        op: FilterOp,
        sources: BTreeSet<String>,
    },
    And(Vec<EventFilter>),
    Or(Vec<EventFilter>),
    Not(Box<EventFilter>),
}

/// The text a `tag=` value is resolved under (as written; a regex between slashes).
pub(crate) fn tag_text(value: &NamePattern) -> String {
    match value {
        NamePattern::Text(t) => t.clone(),
        NamePattern::Regex(r) => format!("/{r}/"),
    }
}

/// A value's pattern, matched against lower-cased values.
fn pattern(value: &NamePattern) -> Result<Pattern, QueryError> {
    match value {
        NamePattern::Text(t) => Ok(Pattern::parse(&t.to_lowercase())),
        NamePattern::Regex(r) => Pattern::regex(&format!("(?i){r}")).map_err(QueryError::Execution),
    }
}

/// The pattern of a `tag=` value, as the source-tag resolver takes it.
pub(crate) fn tag_pattern(value: &NamePattern) -> Result<Pattern, QueryError> {
    match value {
        NamePattern::Text(t) => Ok(Pattern::parse(t)),
        NamePattern::Regex(r) => Pattern::regex(r).map_err(QueryError::Execution),
    }
}

/// Every `tag=` value of every `events()` filter in `expr`, with its pattern.
pub(crate) fn source_tags(expr: &Expr) -> Result<Vec<(String, Pattern)>, QueryError> {
    let mut out = Vec::new();
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        if let Expr::Events(Some(f)) = e {
            collect_tags(f, &mut out)?;
        }
        crate::plan::children(e, &mut stack);
    }
    Ok(out)
}

fn collect_tags(f: &FilterExpr, out: &mut Vec<(String, Pattern)>) -> Result<(), QueryError> {
    match f {
        FilterExpr::Atom(FilterAtom::Key {
            key: FilterKey::SourceTag,
            value,
            ..
        }) => {
            let text = tag_text(value);
            if !out.iter().any(|(t, _)| *t == text) {
                out.push((text, tag_pattern(value)?));
            }
            Ok(())
        }
        FilterExpr::Atom(_) => Ok(()),
        FilterExpr::And(all) | FilterExpr::Or(all) => {
            all.iter().try_for_each(|f| collect_tags(f, out))
        }
        FilterExpr::Not(inner) => collect_tags(inner, out),
    }
}

impl EventFilter {
    /// Compiles `filter` (`None`: every event); `tagged` holds the sources of each `tag=` value.
    pub(crate) fn new(
        filter: Option<&FilterExpr>,
        tagged: &HashMap<String, BTreeSet<String>>,
    ) -> Result<Self, QueryError> {
        match filter {
            None => Ok(EventFilter::All),
            Some(f) => compile(f, tagged),
        }
    }

    pub(crate) fn matches(&self, e: &EventData) -> bool {
        match self {
            EventFilter::All => true,
            EventFilter::Term { field, op, pattern } => {
                let values: Vec<&str> = match field {
                    Field::Name => vec![e.name.as_str()],
                    Field::Annotation(key) => e
                        .annotations
                        .get(*key)
                        .map(String::as_str)
                        .into_iter()
                        .collect(),
                    Field::AlertId => e.alert_id.as_deref().into_iter().collect(),
                    Field::AlertTag => e.alert_tags.iter().map(String::as_str).collect(),
                    Field::EventTag => e.tags.iter().map(String::as_str).collect(),
                    Field::Source => e.hosts.iter().map(String::as_str).collect(),
                };
                let hit = values.iter().any(|v| pattern.matches(&v.to_lowercase()));
                holds(*op, hit, values.is_empty())
            }
            EventFilter::SourceTagged { op, sources } => {
                let hit = e.hosts.iter().any(|h| sources.contains(&h.to_lowercase()));
                holds(*op, hit, e.hosts.is_empty())
            }
            EventFilter::And(all) => all.iter().all(|f| f.matches(e)),
            EventFilter::Or(any) => any.iter().any(|f| f.matches(e)),
            EventFilter::Not(inner) => !inner.matches(e),
        }
    }
}

fn holds(op: FilterOp, hit: bool, none: bool) -> bool {
    match op {
        FilterOp::Eq => hit,
        FilterOp::Ne => !hit,
        FilterOp::Maybe => hit || none,
    }
}

fn compile(
    f: &FilterExpr,
    tagged: &HashMap<String, BTreeSet<String>>,
) -> Result<EventFilter, QueryError> {
    Ok(match f {
        FilterExpr::And(all) => EventFilter::And(
            all.iter()
                .map(|f| compile(f, tagged))
                .collect::<Result<_, _>>()?,
        ),
        FilterExpr::Or(any) => EventFilter::Or(
            any.iter()
                .map(|f| compile(f, tagged))
                .collect::<Result<_, _>>()?,
        ),
        FilterExpr::Not(inner) => EventFilter::Not(Box::new(compile(inner, tagged)?)),
        FilterExpr::Atom(FilterAtom::Metric(name)) => {
            return Err(QueryError::exec(format!(
                "events() takes filters key=value; '{}' has no key (the keys are {KEYS})",
                tag_text(name)
            )));
        }
        FilterExpr::Atom(FilterAtom::Variable(name)) => {
            return Err(QueryError::exec(format!(
                "the variable ${{{name}}} is not defined"
            )));
        }
        FilterExpr::Atom(FilterAtom::Key { key, op, value }) => match key {
            FilterKey::SourceTag => EventFilter::SourceTagged {
                op: *op,
                sources: tagged.get(&tag_text(value)).cloned().unwrap_or_default(),
            },
            FilterKey::Source => EventFilter::Term {
                field: Field::Source,
                op: *op,
                pattern: pattern(value)?,
            },
            FilterKey::Point(key) => {
                let field = field(key)?;
                if field == Field::Annotation("severity")
                    && matches!(value, NamePattern::Text(t) if t.eq_ignore_ascii_case("unclassified"))
                {
                    return Err(QueryError::exec(
                        "events(): severity takes severe, warn, info or smoke, not unclassified (an unclassified event has no severity: use not severity=\"*\")",
                    ));
                }
                EventFilter::Term {
                    field,
                    op: *op,
                    pattern: pattern(value)?,
                }
            }
        },
    })
}

fn field(key: &str) -> Result<Field, QueryError> {
    const FIELDS: [(&str, Field); 8] = [
        ("name", Field::Name),
        ("type", Field::Annotation("type")),
        ("severity", Field::Annotation("severity")),
        ("subtype", Field::Annotation("subtype")),
        ("target", Field::Annotation("target")),
        ("alertId", Field::AlertId),
        ("alertTag", Field::AlertTag),
        ("eventTag", Field::EventTag),
    ];
    FIELDS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(key))
        .map(|&(_, f)| f)
        .ok_or_else(|| {
            QueryError::exec(format!(
                "events() has no filter '{key}': the filters are {KEYS}"
            ))
        })
}
