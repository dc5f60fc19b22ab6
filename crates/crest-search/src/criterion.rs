//! Search criteria as clients send them (`SearchQuery`), validated, and the sort key.

use crate::error::SearchError;

/// How a criterion's value is compared with a field's value; always case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Matching {
    /// The field contains the value (the API's default).
    #[default]
    Contains,
    StartsWith,
    Exact,
    /// Hierarchical: `a.b` matches `a.b` and every path below it (`a.b.c`), with `.` between levels.
    TagPath,
}

impl Matching {
    /// Reads the API's name for a method; absent means CONTAINS. Names are matched ignoring case.
    pub fn parse(raw: Option<&str>) -> Result<Self, SearchError> {
        let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(Self::default());
        };
        match raw.to_ascii_uppercase().as_str() {
            "CONTAINS" => Ok(Self::Contains),
            "STARTSWITH" => Ok(Self::StartsWith),
            "EXACT" => Ok(Self::Exact),
            "TAGPATH" => Ok(Self::TagPath),
            // Echoed in the error, so cut short: the name is the caller's, of any length.
            _ => Err(SearchError::UnknownMatching(raw.chars().take(32).collect())),
        }
    }

    /// Whether `field` (already lower-cased) matches `wanted` (already lower-cased).
    pub(crate) fn matches(self, field: &str, wanted: &str) -> bool {
        match self {
            Self::Contains => field.contains(wanted),
            Self::StartsWith => field.starts_with(wanted),
            Self::Exact => field == wanted,
            Self::TagPath => {
                let wanted = wanted.trim_end_matches(".*").trim_end_matches('.');
                field == wanted
                    || field
                        .strip_prefix(wanted)
                        .is_some_and(|rest| rest.starts_with('.'))
            }
        }
    }
}

/// A `SearchQuery` as it arrives, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawCriterion {
    pub key: Option<String>,
    pub value: Option<String>,
    pub values: Option<Vec<String>>,
    pub matching: Option<String>,
    pub negated: Option<bool>,
    pub start: Option<i64>,
    pub end: Option<i64>,
}

/// One validated criterion: the field, the values it may match (any of them), the method, a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub(crate) key: String,
    /// Lower-cased; empty when the criterion is a range only.
    pub(crate) values: Vec<String>,
    pub(crate) matching: Matching,
    pub(crate) negated: bool,
    pub(crate) start: Option<i64>,
    pub(crate) end: Option<i64>,
}

impl Criterion {
    /// Validates a criterion; the key is checked against the entity's schema by the engine.
    /// `values` wins over `value` when both are given, as the API documents.
    pub fn parse(raw: RawCriterion) -> Result<Self, SearchError> {
        let key = raw
            .key
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .ok_or(SearchError::MissingKey)?;
        let matching = Matching::parse(raw.matching.as_deref())?;
        let values: Vec<String> = match (raw.values, raw.value) {
            (Some(values), _) if !values.is_empty() => values,
            (_, Some(value)) => vec![value],
            _ => Vec::new(),
        }
        .into_iter()
        .map(|v| v.to_lowercase())
        .collect();
        if values.is_empty() && raw.start.is_none() && raw.end.is_none() {
            return Err(SearchError::NothingToMatch(key));
        }
        if let (Some(start), Some(end)) = (raw.start, raw.end)
            && end < start
        {
            return Err(SearchError::EmptyRange { key, start, end });
        }
        Ok(Self {
            key,
            values,
            matching,
            negated: raw.negated.unwrap_or(false),
            start: raw.start,
            end: raw.end,
        })
    }

    /// The key, as the entity's schema spells it once the criterion is part of a [`crate::Search`].
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The values (lower-cased), any one of which may match; empty for a range only.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    pub fn matching(&self) -> Matching {
        self.matching
    }

    pub fn negated(&self) -> bool {
        self.negated
    }

    /// Whether the criterion bounds a number (`start`, `end`).
    pub fn is_range(&self) -> bool {
        self.has_range()
    }

    pub(crate) fn in_range(&self, n: f64) -> bool {
        // Ranges are inclusive at both ends; i64 → f64 loses nothing for epoch milliseconds.
        let (start, end) = (self.start.map(|s| s as f64), self.end.map(|e| e as f64));
        start.is_none_or(|s| n >= s) && end.is_none_or(|e| n <= e)
    }

    pub(crate) fn has_range(&self) -> bool {
        self.start.is_some() || self.end.is_some()
    }
}

/// The order asked for: a field and a direction. `default` asks for the entity's own order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub field: String,
    pub ascending: bool,
    pub default: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(key: &str, value: &str) -> RawCriterion {
        RawCriterion {
            key: Some(key.into()),
            value: Some(value.into()),
            ..RawCriterion::default()
        }
    }

    #[test]
    fn methods_parse_in_any_case_and_default_to_contains() {
        assert_eq!(Matching::parse(None), Ok(Matching::Contains));
        assert_eq!(
            Matching::parse(Some("startsWith")),
            Ok(Matching::StartsWith)
        );
        assert!(Matching::parse(Some("LIKE")).is_err());
    }

    #[test]
    fn values_win_over_value_and_everything_is_lowercased() {
        let c = Criterion::parse(RawCriterion {
            values: Some(vec!["A".into(), "b".into()]),
            ..raw("name", "ignored")
        })
        .expect("valid");
        assert_eq!(c.values, vec!["a", "b"]);
    }

    #[test]
    fn a_criterion_needs_something_to_match() {
        let none = RawCriterion {
            key: Some("name".into()),
            ..RawCriterion::default()
        };
        assert_eq!(
            Criterion::parse(none),
            Err(SearchError::NothingToMatch("name".into()))
        );
        assert_eq!(
            Criterion::parse(RawCriterion {
                key: Some(" ".into()),
                ..raw("x", "y")
            }),
            Err(SearchError::MissingKey)
        );
        let backwards = RawCriterion {
            key: Some("created".into()),
            start: Some(5),
            end: Some(1),
            ..RawCriterion::default()
        };
        assert!(matches!(
            Criterion::parse(backwards),
            Err(SearchError::EmptyRange { .. })
        ));
    }

    #[test]
    fn tag_paths_match_their_subtree_only() {
        let m = Matching::TagPath;
        assert!(m.matches("env.prod", "env.prod"));
        assert!(m.matches("env.prod.eu", "env.prod"));
        assert!(m.matches("env.prod.eu", "env.prod.*"));
        assert!(!m.matches("env.production", "env.prod"));
        assert!(!m.matches("env", "env.prod"));
    }
}
