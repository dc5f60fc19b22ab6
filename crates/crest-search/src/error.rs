//! Why a search request was refused: always the caller's mistake, told plainly.

/// A search request that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// The key is not one of the entity's searchable keys.
    #[error("'{key}' is not a search key of {entity}; the keys are: {known}")]
    UnknownKey {
        entity: &'static str,
        key: String,
        known: String,
    },
    /// The matching method is not one of CONTAINS, STARTSWITH, EXACT, TAGPATH.
    #[error("'{0}' is not a matching method; use CONTAINS, STARTSWITH, EXACT or TAGPATH")]
    UnknownMatching(String),
    /// The criterion names neither a value nor a range.
    #[error("the query on '{0}' needs a value, values, or a range (start and/or end)")]
    NothingToMatch(String),
    /// The range ends before it starts.
    #[error("the range on '{key}' ends ({end}) before it starts ({start})")]
    EmptyRange { key: String, start: i64, end: i64 },
    /// A query without a key.
    #[error("every query needs a key")]
    MissingKey,
    /// More of something than one request may ask for (see [`crate::limits`]).
    #[error("at most {max} {what} are allowed, got {got}")]
    TooMany {
        what: &'static str,
        max: usize,
        got: usize,
    },
    /// A string longer than one request may send (see [`crate::limits`]).
    #[error("{what} may be at most {max} characters long")]
    TooLong { what: String, max: usize },
}
