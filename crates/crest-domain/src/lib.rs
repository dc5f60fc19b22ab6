//! Crest's domain: accounts, permissions, API tokens, cloud integrations, source tags and the
//! rules that bind them.
//!
//! Nothing here knows about HTTP or SQL. The store is reached through [`store::Store`]; time and
//! randomness through [`clock::Clock`] and [`random::Random`], so that tests control both.

pub mod access;
pub mod account;
pub mod account_change;
pub mod alert;
pub mod audit;
pub mod authority;
pub mod bootstrap;
pub mod business_function;
pub mod clock;
pub mod cloud_integration;
pub mod csp;
pub mod customer_tags;
pub mod dashboard;
pub mod derived;
pub mod error;
pub mod event;
pub mod group;
pub mod invite;
pub mod lease;
pub mod mail;
pub mod maintenance;
pub mod membership;
pub mod notificant;
pub mod object_acl;
pub mod password;
pub mod permission;
pub mod principal;
pub mod proxy;
pub mod random;
pub mod resource_cache;
pub mod resource_store;
pub mod role;
pub mod secret;
pub mod service_account;
pub mod session;
pub mod source;
pub mod source_tag;
pub mod store;
pub mod text;
pub mod token;
pub mod token_vault;
pub mod trash;
pub mod user_account;
pub mod version_log;

pub use error::{Chain, DomainError};
