//! The store interface: the operations the domain needs from persistent storage, one role trait
//! per concern, and [`Store`], every one of them as one handle.
//!
//! Implementations (SQLite, PostgreSQL) live in `crest-store`; each write here is atomic and, once
//! it returns, durable. A function that needs one concern takes that trait (`&dyn RoleStore`); a
//! `&dyn Store` coerces to it.

use std::fmt::Debug;

mod accounts;
mod audit;
mod backend;
mod csp;
mod error;
mod groups;
mod invites;
mod roles;
mod sessions;
mod tokens;

pub use accounts::{
    AccountChange, AccountPage, AccountStore, AccountsDeleted, BootstrapApplied, BootstrapPlan,
    BootstrapStore, NewAccount,
};
pub use audit::AuditLog;
pub use backend::StoreBackend;
pub use csp::{CspKeyStore, CspStore};
pub use error::{BoxError, StoreError};
pub use groups::GroupStore;
pub use invites::InviteStore;
pub use roles::RoleStore;
pub use sessions::{PasswordStore, SessionStore};
pub use tokens::{NewToken, TokenCreated, TokenOwner, TokenStore, TokenUseLog};

/// Every role trait, for code that calls a concrete store's methods (`use
/// crest_domain::store::traits::*;`): a `dyn Store` has them all, a `SqlStore` only the traits in
/// scope.
pub mod traits {
    pub use super::{
        AccountStore, AuditLog, BootstrapStore, CspKeyStore, CspStore, GroupStore, InviteStore,
        PasswordStore, RoleStore, SessionStore, StoreBackend, TokenStore, TokenUseLog,
    };
}

/// Persistent storage for crest's domain: every role trait; implemented by whatever implements
/// each of them.
///
/// The traits whose writes change what a credential resolves to (and so must empty the
/// authenticator's cache) are [`BootstrapStore`], [`AccountStore`], [`TokenStore`],
/// [`RoleStore`], [`GroupStore`] and [`CspStore`]; the others ([`StoreBackend`],
/// [`PasswordStore`], [`SessionStore`], [`TokenUseLog`], [`CspKeyStore`], [`InviteStore`],
/// [`AuditLog`]) hold nothing that is cached.
pub trait Store:
    StoreBackend
    + BootstrapStore
    + AccountStore
    + PasswordStore
    + SessionStore
    + TokenStore
    + TokenUseLog
    + RoleStore
    + GroupStore
    + CspStore
    + CspKeyStore
    + InviteStore
    + AuditLog
    + Debug
{
}

impl<T> Store for T where
    T: StoreBackend
        + BootstrapStore
        + AccountStore
        + PasswordStore
        + SessionStore
        + TokenStore
        + TokenUseLog
        + RoleStore
        + GroupStore
        + CspStore
        + CspKeyStore
        + InviteStore
        + AuditLog
        + Debug
{
}
