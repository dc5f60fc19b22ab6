//! Cloud integrations (`/api/v2/cloudintegration`): which service an integration pulls from, what
//! its configuration must hold, and which of its fields are secrets never shown again.
//!
//! The integration arrives as the client's JSON object; [`prepare`] checks it and returns the
//! [`IntegrationSettings`] to keep, and [`masked`] gives what reads may show.

mod error;
mod external_id;
pub mod java_regex;
mod lifecycle;
mod prepare;
pub mod rules;
mod secrets;
mod service;
mod settings;
mod store;

#[cfg(test)]
mod tests;

pub use error::CloudIntegrationError;
pub use external_id::new_external_id;
pub use lifecycle::{CloudIntegrationView, CloudIntegrations, Shelf};
pub use prepare::{
    DEFAULT_REFRESH_RATE_MINS, MAX_NAME_CHARS, REFRESH_RATE_MINS, SERVER_FIELDS, prepare,
};
pub use secrets::{KEEP_VALUES, SECRET_PLACEHOLDER, masked, secret_paths};
pub use service::CloudService;
pub use settings::IntegrationSettings;
pub use store::{CloudIntegrationChange, CloudIntegrationRecord, CloudIntegrationStore};
