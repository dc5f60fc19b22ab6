//! Crest's integration tests: the real server, started in-process on port 0 (or as the real
//! binary where a process boundary matters), spoken to over HTTP. One test binary for all.

#![expect(
    unreachable_pub,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed set-up or a missing answer should stop the test"
)]

mod admin;
mod alert_evaluation;
mod alerts;
mod audit;
mod audit_durability;
mod bootstrap;
mod bounded;
mod cloud_integrations;
mod csp;
mod dashboards;
mod deprecated_user_api;
mod derived_metrics;
mod event_queries;
mod events;
mod ingest;
mod input_rules;
mod leases;
mod maintenance_windows;
mod notificants;
mod nul_bytes;
mod openapi;
mod own_tokens;
mod passwords_and_invites;
mod postgres;
mod process;
mod proxies;
mod query;
mod query_functions;
mod retrievable_tokens;
mod roles_and_groups;
mod search;
mod service_accounts;
mod sessions;
mod sources;
mod spy;
mod support;
mod system_events;
mod takeover;
mod tls;
mod two_instances;
mod ui;
mod user_accounts;
mod victoria;
mod wire;
