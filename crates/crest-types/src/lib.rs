//! Wire types of the Operations for Applications REST API: what crosses the network, nothing more.
//!
//! Field names follow the real API (`api-models.json`), and every schema carries the official model
//! name so that the generated OpenAPI document matches what the published clients were built from.

pub mod accounts;
pub mod alert;
pub mod chart;
pub mod cloud;
pub mod crest;
pub mod csp;
pub mod dashboard;
pub mod derived;
pub mod envelope;
pub mod event;
pub mod maintenance;
pub mod models;
pub mod notificant;
pub mod paging;
pub mod proxy;
pub mod search;
pub mod source;
pub mod tokens;

pub use envelope::{ResponseStatus, StatusResult};
pub use paging::{Paged, Sorting};
