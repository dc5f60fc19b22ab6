//! What a query answers when it has no answer: the four kinds clients see, and the engine's failures.

/// A failed query. `Display` is the message clients see.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The text is not a query (`errorType` `QuerySyntaxError`); the message gives the position.
    #[error("{0}")]
    Syntax(String),
    /// The query is well formed but cannot be evaluated (`QueryExecutionError`): an unknown or
    /// unsupported function (named), bad arguments, `ts(*)`.
    #[error("{0}")]
    Execution(String),
    /// A limit on what one query may scan or produce was reached (`Timeout`); names it and its value.
    #[error("Terminating Query to save resources: {0}")]
    Limit(String),
    /// The cancel flag was set (the time budget ran out, or the client went away).
    #[error("Terminating Query to save resources: the query was cancelled")]
    Cancelled,
    /// The engine could not read.
    #[error("the series engine could not answer: {0}")]
    Unavailable(crest_series::SeriesError),
}

impl QueryError {
    pub(crate) fn exec(message: impl Into<String>) -> Self {
        QueryError::Execution(message.into())
    }

    /// The error for a documented function (or form of one) this evaluator does not compute yet.
    pub(crate) fn unsupported(name: &str) -> Self {
        QueryError::Execution(format!("{name}() is not supported yet"))
    }
}
