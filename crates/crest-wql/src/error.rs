//! The one error a query's parsing can end with: where, what was expected there, what was found.

/// Why a query did not parse. `position` counts characters (not bytes) from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at position {position}: expected {expected} but found {found}")]
pub struct ParseError {
    /// 1-based character position of the offending token.
    pub position: usize,
    /// What the grammar allows there, e.g. `')'`.
    pub expected: String,
    /// What the query has there, e.g. `end of query` or `'=='`.
    pub found: String,
}

impl ParseError {
    /// An error at byte offset `byte` of `src`, the position converted to characters.
    pub(crate) fn at(
        src: &str,
        byte: usize,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        let position = src.get(..byte).map_or(0, |before| before.chars().count()) + 1;
        Self {
            position,
            expected: expected.into(),
            found: found.into(),
        }
    }
}

/// How a piece of the query is named in an error: `'text'` (shortened), or `end of query`.
pub(crate) fn describe(text: &str) -> String {
    const MAX_CHARS: usize = 32;
    if text.is_empty() {
        return "end of query".to_owned();
    }
    let mut shown: String = text.chars().take(MAX_CHARS).collect();
    if text.chars().nth(MAX_CHARS).is_some() {
        shown.push('…');
    }
    format!("'{shown}'")
}
