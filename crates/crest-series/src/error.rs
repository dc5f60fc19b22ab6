//! What an engine answers when it cannot do what it was asked.

type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An engine's failure, keeping its cause. `LimitExceeded` and `Refused` are the caller's doing (a
/// 400 that names the limit or the reason); the rest are the server's.
#[derive(Debug, thiserror::Error)]
pub enum SeriesError {
    /// A read would touch more than its limits allow.
    #[error("the query selects more {what} than the limit of {limit}")]
    LimitExceeded { what: &'static str, limit: usize },
    /// The engine cannot be reached or cannot write (I/O, a full disk, a stopped engine).
    #[error("{context}")]
    Unavailable {
        context: String,
        #[source]
        source: Option<Cause>,
    },
    /// The engine cannot keep the batch as it is (VictoriaMetrics would drop or round something
    /// in it): nothing of it was written.
    #[error("{context}")]
    Refused { context: String },
    /// Stored data failed a check (a checksum, a format); names the file and place.
    #[error("{context}")]
    Corrupt {
        context: String,
        #[source]
        source: Option<Cause>,
    },
}

impl SeriesError {
    pub fn unavailable(context: impl Into<String>) -> Self {
        SeriesError::Unavailable {
            context: context.into(),
            source: None,
        }
    }

    pub fn unavailable_because(context: impl Into<String>, source: impl Into<Cause>) -> Self {
        SeriesError::Unavailable {
            context: context.into(),
            source: Some(source.into()),
        }
    }

    pub fn refused(context: impl Into<String>) -> Self {
        SeriesError::Refused {
            context: context.into(),
        }
    }

    pub fn corrupt(context: impl Into<String>) -> Self {
        SeriesError::Corrupt {
            context: context.into(),
            source: None,
        }
    }
}
