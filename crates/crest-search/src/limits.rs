//! The bounds on what one search request may ask for, the same for every entity (and for the
//! source search that runs in SQL): a real client never comes near them, but they bound the work
//! a request can cause, since matching costs criteria × values × items.

use crate::criterion::RawCriterion;
use crate::error::SearchError;

/// At most this many criteria (`query` entries) per search; they are ANDed.
pub const MAX_CRITERIA: usize = 50;
/// At most this many values in one criterion (`values`, ORed).
pub const MAX_VALUES_PER_CRITERION: usize = 100;
/// At most this many values over all the criteria of a search.
pub const MAX_VALUES: usize = 1_000;
/// The longest value (`value`, each of `values`, `facetQuery`), in characters.
pub const MAX_VALUE_CHARS: usize = 1_024;
/// The longest key (`key`, a sort field, a facet's name), in characters.
pub const MAX_KEY_CHARS: usize = 256;
/// At most this many facets named in one facets request.
pub const MAX_FACETS: usize = 50;

fn too_long(what: &str, text: &str, max: usize) -> Result<(), SearchError> {
    // Counting stops at the limit, so a huge string costs no more than a short one.
    if text.chars().nth(max).is_some() {
        return Err(SearchError::TooLong {
            what: what.to_owned(),
            max,
        });
    }
    Ok(())
}

/// Checks a value's length against [`MAX_VALUE_CHARS`] (`what` names it in the error).
pub fn check_value(what: &str, value: &str) -> Result<(), SearchError> {
    too_long(what, value, MAX_VALUE_CHARS)
}

/// Checks a key's length against [`MAX_KEY_CHARS`] (`what` names it in the error).
pub fn check_key(what: &str, key: &str) -> Result<(), SearchError> {
    too_long(what, key, MAX_KEY_CHARS)
}

/// Checks the criteria of one search against every limit, before any of them is parsed.
pub fn check_criteria(raw: &[RawCriterion]) -> Result<(), SearchError> {
    if raw.len() > MAX_CRITERIA {
        return Err(SearchError::TooMany {
            what: "queries (criteria) in one search",
            max: MAX_CRITERIA,
            got: raw.len(),
        });
    }
    let mut total = 0usize;
    for c in raw {
        if let Some(key) = &c.key {
            check_key("a query's key", key)?;
        }
        let values = c.values.as_deref().unwrap_or_default();
        if values.len() > MAX_VALUES_PER_CRITERION {
            return Err(SearchError::TooMany {
                what: "values in one query",
                max: MAX_VALUES_PER_CRITERION,
                got: values.len(),
            });
        }
        total += values.len().max(usize::from(c.value.is_some()));
        for v in values.iter().chain(c.value.as_ref()) {
            check_value("a query's value", v)?;
        }
        if let Some(m) = &c.matching {
            check_key("a query's matchingMethod", m)?;
        }
    }
    if total > MAX_VALUES {
        return Err(SearchError::TooMany {
            what: "values in one search (over all its queries)",
            max: MAX_VALUES,
            got: total,
        });
    }
    Ok(())
}

/// Checks the number of facets named in one request against [`MAX_FACETS`], and their names.
pub fn check_facets(names: &[String]) -> Result<(), SearchError> {
    if names.len() > MAX_FACETS {
        return Err(SearchError::TooMany {
            what: "facets in one request",
            max: MAX_FACETS,
            got: names.len(),
        });
    }
    names
        .iter()
        .try_for_each(|n| check_key("a facet's name", n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(values: usize) -> RawCriterion {
        RawCriterion {
            key: Some("tags".into()),
            values: Some(vec!["v".into(); values]),
            ..RawCriterion::default()
        }
    }

    #[test]
    fn limits_are_inclusive_and_named_when_exceeded() {
        assert_eq!(check_criteria(&vec![criterion(1); MAX_CRITERIA]), Ok(()));
        let e = check_criteria(&vec![criterion(1); MAX_CRITERIA + 1]).expect_err("too many");
        assert!(e.to_string().contains("at most 50 queries"), "{e}");
        assert_eq!(
            check_criteria(&[criterion(MAX_VALUES_PER_CRITERION)]),
            Ok(())
        );
        let e = check_criteria(&[criterion(MAX_VALUES_PER_CRITERION + 1)]).expect_err("values");
        assert!(
            e.to_string().contains("at most 100 values in one query"),
            "{e}"
        );
        let e = check_criteria(&vec![criterion(100); 11]).expect_err("total");
        assert!(
            e.to_string().contains("at most 1000 values in one search"),
            "{e}"
        );
        let long = RawCriterion {
            value: Some("x".repeat(MAX_VALUE_CHARS + 1)),
            ..criterion(0)
        };
        let e = check_criteria(&[long]).expect_err("long");
        assert!(e.to_string().contains("at most 1024 characters"), "{e}");
        let just = RawCriterion {
            value: Some("é".repeat(MAX_VALUE_CHARS)),
            ..criterion(0)
        };
        assert_eq!(check_criteria(&[just]), Ok(()));
        assert!(check_facets(&vec!["tags".into(); MAX_FACETS + 1]).is_err());
    }
}
