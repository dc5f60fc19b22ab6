//! The domain's error: what went wrong, in terms a caller can act on.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;

use crate::store::StoreError;

/// An error kept as the cause of another, whatever its type.
pub type BoxError = Box<dyn Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The caller's input is invalid; nothing was changed.
    #[error("{0}")]
    Invalid(String),
    /// The caller may not do this (beyond what the operation's permission covers).
    #[error("{0}")]
    Forbidden(String),
    /// The thing named does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something that should not happen did.
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl DomainError {
    /// An internal failure: what was being done, and the error that stopped it.
    pub fn internal(context: impl Into<Cow<'static, str>>, source: impl Into<BoxError>) -> Self {
        Self::Internal(Internal::caused_by(context, source))
    }
}

/// A failure on our side: what was being done and, when there is one, the error that stopped it
/// (its [`source`](Error::source)). Shown to operators in the log, never to clients.
#[derive(Debug, thiserror::Error)]
#[error("internal error: {context}")]
pub struct Internal {
    context: Cow<'static, str>,
    #[source]
    source: Option<BoxError>,
}

impl Internal {
    /// A failure with no underlying error.
    pub fn new(context: impl Into<Cow<'static, str>>) -> Self {
        Self {
            context: context.into(),
            source: None,
        }
    }

    /// A failure caused by `source`.
    pub fn caused_by(context: impl Into<Cow<'static, str>>, source: impl Into<BoxError>) -> Self {
        Self {
            context: context.into(),
            source: Some(source.into()),
        }
    }
}

/// Shows an error followed by each of its causes: `context: cause: cause`. This is how a failure
/// on our side is logged, in one line.
#[derive(Debug, Clone, Copy)]
pub struct Chain<'a>(pub &'a (dyn Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(e) = cause {
            write!(f, ": {e}")?;
            cause = e.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_shows_every_cause_in_order() {
        let io = std::io::Error::other("disk full");
        let e = DomainError::internal("recording a sign-in", io);
        assert_eq!(
            Chain(&e).to_string(),
            "internal error: recording a sign-in: disk full"
        );
        let bare = DomainError::Internal(Internal::new("no account was made"));
        assert_eq!(
            Chain(&bare).to_string(),
            "internal error: no account was made"
        );
    }
}
