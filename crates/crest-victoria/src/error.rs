//! The adapter's one error type, turned into [`SeriesError`] at the traits' edge.

use crest_series::SeriesError;

/// What went wrong talking to VictoriaMetrics.
#[derive(Debug, thiserror::Error)]
pub enum VictoriaError {
    /// The batch holds something VictoriaMetrics would drop or change without saying so.
    #[error("VictoriaMetrics cannot keep this batch: {0}")]
    Refused(String),
    /// The request did not complete (connection, timeout).
    #[error("VictoriaMetrics request {context} failed")]
    Http {
        context: String,
        #[source]
        source: reqwest::Error,
    },
    /// VictoriaMetrics answered with an error status.
    #[error("VictoriaMetrics answered {status} to {context}: {body}")]
    Status {
        context: String,
        status: u16,
        body: String,
    },
    /// VictoriaMetrics answered something that is not what the API promises (an export line that
    /// is not a series, a text error line after valid ones).
    #[error("VictoriaMetrics answered {context} with something unexpected: {detail}")]
    Protocol { context: String, detail: String },
    /// A request's task ended before its answer (the runtime is shutting down): tried again later.
    #[error("a request to VictoriaMetrics stopped before its answer: {0}")]
    Stopped(String),
    /// A read would touch more than its limits allow.
    #[error("the query selects more {what} than the limit of {limit}")]
    Limit { what: &'static str, limit: usize },
}

impl From<VictoriaError> for SeriesError {
    fn from(e: VictoriaError) -> Self {
        match e {
            VictoriaError::Limit { what, limit } => SeriesError::LimitExceeded { what, limit },
            VictoriaError::Refused(_) => SeriesError::Refused {
                context: e.to_string(),
            },
            VictoriaError::Protocol { .. } => SeriesError::Corrupt {
                context: e.to_string(),
                source: Some(Box::new(e)),
            },
            other => SeriesError::Unavailable {
                context: other.to_string(),
                source: Some(Box::new(other)),
            },
        }
    }
}
