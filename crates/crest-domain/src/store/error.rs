//! [`StoreError`]: why the store could not do what was asked, with the failure that caused it.

/// The cause of a [`StoreError`]: the driver's error, kept whole.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why the store could not do what was asked. Each variant says what failed (`context`) and keeps
/// the underlying failure, when there is one, as its [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or refused the connection.
    #[error("the store is unavailable: {context}")]
    Unavailable {
        context: String,
        #[source]
        source: Option<BoxError>,
    },
    /// The write conflicts with data already stored.
    #[error("conflict: {context}")]
    Conflict {
        context: String,
        #[source]
        source: Option<BoxError>,
    },
    /// The stored data is not what this version of crest expects.
    #[error("unexpected stored data: {context}")]
    Corrupt {
        context: String,
        #[source]
        source: Option<BoxError>,
    },
    /// Any other database failure.
    #[error("store failure: {context}")]
    Other {
        context: String,
        #[source]
        source: Option<BoxError>,
    },
}

impl StoreError {
    pub fn unavailable(context: impl Into<String>) -> Self {
        Self::Unavailable {
            context: context.into(),
            source: None,
        }
    }

    pub fn conflict(context: impl Into<String>) -> Self {
        Self::Conflict {
            context: context.into(),
            source: None,
        }
    }

    pub fn corrupt(context: impl Into<String>) -> Self {
        Self::Corrupt {
            context: context.into(),
            source: None,
        }
    }

    pub fn other(context: impl Into<String>) -> Self {
        Self::Other {
            context: context.into(),
            source: None,
        }
    }

    /// The same error, caused by `cause`.
    #[must_use]
    pub fn because(mut self, cause: impl Into<BoxError>) -> Self {
        let (Self::Unavailable { source, .. }
        | Self::Conflict { source, .. }
        | Self::Corrupt { source, .. }
        | Self::Other { source, .. }) = &mut self;
        *source = Some(cause.into());
        self
    }

    /// What failed, without the cause: what a client may be told of a conflict.
    pub fn context(&self) -> &str {
        match self {
            Self::Unavailable { context, .. }
            | Self::Conflict { context, .. }
            | Self::Corrupt { context, .. }
            | Self::Other { context, .. } => context,
        }
    }

    /// The error and each of its causes, joined by `: `, for a log line.
    pub fn detail(&self) -> String {
        let mut text = self.to_string();
        let mut next = std::error::Error::source(self);
        while let Some(cause) = next {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            next = cause.source();
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cause_is_kept_and_shown_in_the_detail() {
        let cause = std::io::Error::other("connection reset");
        let e = StoreError::unavailable("reading accounts").because(cause);
        assert_eq!(e.context(), "reading accounts");
        assert_eq!(e.to_string(), "the store is unavailable: reading accounts");
        assert_eq!(
            std::error::Error::source(&e).map(ToString::to_string),
            Some("connection reset".to_owned())
        );
        assert_eq!(
            e.detail(),
            "the store is unavailable: reading accounts: connection reset"
        );
    }
}
