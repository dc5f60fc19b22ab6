//! The domain's error: what went wrong, in terms a caller can act on.

use crate::store::StoreError;

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
    #[error("internal error: {0}")]
    Internal(String),
}
