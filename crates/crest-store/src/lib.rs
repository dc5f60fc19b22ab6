//! Crest's stores: SQLite (embedded, the default) and PostgreSQL (for several instances), both
//! behind the domain's [`Store`](crest_domain::store::Store) interface.
//!
//! Both backends run the same SQL through [`SqlStore`]; what differs between the dialects (pool
//! set-up, transaction start, aggregate functions, migrations) is decided in `dialect`.

mod accounts;
mod alerts;
mod audit;
mod bootstrap;
pub mod bounded;
mod cloud_integrations;
mod csp;
mod dashboards;
mod db;
mod derived_metrics;
mod dialect;
mod error;
mod events;
mod groups;
mod invites;
mod leases;
pub mod location;
mod maintenance_windows;
mod notificants;
mod proxies;
mod roles;
mod sessions;
mod sign_in;
mod source_query;
mod sources;
mod sql_store;
mod tokens;
mod trash;
mod version_log;
mod write;

pub use location::StoreLocation;
pub use sql_store::SqlStore;

/// The statement a source search runs: its SQL (the same text for both dialects) and how many
/// values it binds. For the fuzz target (`fuzz/fuzz_targets/search_body.rs`) and diagnostics; the
/// store itself runs it through [`SourceStore`](crest_domain::source::SourceStore).
pub fn source_search_statement(query: &crest_domain::source::SourceQuery) -> (String, usize) {
    let statement = source_query::page(query);
    (statement.sql, statement.binds.len())
}
