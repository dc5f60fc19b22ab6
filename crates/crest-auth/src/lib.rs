//! Authentication and authorization.
//!
//! A request's credential becomes a [`Principal`](crest_domain::principal::Principal) in exactly
//! one place ([`authenticate::Authenticator`]), and whether that principal may run an operation is
//! decided in exactly one place ([`policy::authorize`]), from one table.

pub mod account_pages;
pub mod authenticate;
pub mod cache;
pub mod credential;
pub mod csp;
pub mod notifying_store;
pub mod password;
pub mod policy;
mod recent;
pub mod session;
pub mod usage;

pub use authenticate::{AuthError, Authenticator};
pub use credential::{Credential, CredentialError};
pub use notifying_store::NotifyingStore;
pub use policy::{Authorized, Denied, Operation, Requirement, authorize};
