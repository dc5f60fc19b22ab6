//! What a log can fail with.

/// The cause of a failure, kept for the error chain.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The log cannot be reached or cannot write (I/O, a full disk, a NATS server away).
    #[error("{context}")]
    Unavailable {
        context: String,
        #[source]
        source: Option<Cause>,
    },
    /// An entry failed a check (a checksum, a format); names where.
    #[error("{context}")]
    Corrupt {
        context: String,
        #[source]
        source: Option<Cause>,
    },
}

impl LogError {
    pub fn unavailable(context: impl Into<String>) -> Self {
        LogError::Unavailable {
            context: context.into(),
            source: None,
        }
    }

    pub fn unavailable_because(context: impl Into<String>, source: impl Into<Cause>) -> Self {
        LogError::Unavailable {
            context: context.into(),
            source: Some(source.into()),
        }
    }

    pub fn corrupt(context: impl Into<String>) -> Self {
        LogError::Corrupt {
            context: context.into(),
            source: None,
        }
    }
}

impl From<LogError> for crest_series::SeriesError {
    fn from(error: LogError) -> Self {
        match error {
            LogError::Corrupt { .. } => crest_series::SeriesError::Corrupt {
                context: error.to_string(),
                source: Some(Box::new(error)),
            },
            LogError::Unavailable { .. } => {
                crest_series::SeriesError::unavailable_because(error.to_string(), error)
            }
        }
    }
}
