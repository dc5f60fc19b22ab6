//! Crest's HTTP layer: the API's routes, its wire conventions (the envelope, paging, query
//! values, content types, size limits), authentication at the edge, and the OpenAPI document.
//!
//! A new endpoint goes into the `routes` module of its API group, is registered there with the
//! [`Operation`](crest_auth::Operation) that authorizes it, and appears in the OpenAPI document
//! through its `#[utoipa::path]` annotation.

mod api_doc;
mod audit;
mod auth;
#[cfg(test)]
mod captured_log;
mod csrf;
pub mod data;
mod docs_ui;
pub mod error;
mod event_reader;
mod extract;
mod failure_limit;
pub mod ingest_gate;
mod limits;
mod nul;
pub mod present;
mod query_params;
mod router;
mod routes;
mod search;
mod security_headers;
mod session_cookie;
pub mod spy;
mod state;
mod telemetry;
mod ui;

pub use api_doc::openapi;
pub use data::{DataPath, QuerySettings, SourceRegistrar, TaggedSources};
pub use error::ApiError;
pub use event_reader::StoredEvents;
pub use router::{DOCS_UI_PATH, OPENAPI_PATH, router};
pub use routes::source_search::plan_source_search;
pub use state::{AlertTargets, AppState, HttpSettings};
