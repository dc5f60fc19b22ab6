//! Dashboards: the user's JSON kept whole (fields crest does not interpret included), checked
//! against the model the clients read ([`normalize`]); ids that are their URL slugs; versions
//! that outlive a permanent delete; the trash, tags, per-user favorites and ACLs ([`Dashboards`]).

mod record;
mod rules;
mod schema;
mod service;
#[cfg(test)]
mod service_tests;
mod store;

pub use record::{DashboardHistory, DashboardRecord};
pub use rules::{SERVER_FIELDS, chart_count, normalize};
pub use service::{DashboardView, Dashboards, Shelf};
pub use store::DashboardStore;
