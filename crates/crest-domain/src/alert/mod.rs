//! Alerts: the user's document (kept as JSON so unmodelled fields survive), its rules
//! ([`normalize`]), its versions, trash, tags, ACL and snooze ([`Alerts`]), the evaluator's
//! runtime state kept apart from the versions ([`AlertRuntime`]), and the directory of alert
//! targets the document's `target:` entries name ([`TargetDirectory`]).

mod links;
mod model;
mod record;
mod rules;
mod runtime;
pub(crate) mod service;
#[cfg(test)]
mod service_tests;
mod store;
mod targets;

pub use crate::object_acl::{AccessCheck, AclEdit};
pub use links::AlertLinks;
pub use model::{AlertType, MAX_EMAILS, Severity, TargetEntry, parse_targets};
pub use record::{Acl, AlertRecord, AlertVersion, MAX_VERSIONS};
pub(crate) use rules::text;
pub use rules::{
    SERVER_FIELDS, conditions_by_severity, normalize, query_parses, severity_list, target_entries,
    targets_by_severity,
};
pub use runtime::{AlertRuntime, AlertState, SourceLabelPair};
pub use service::{AlertView, Alerts, Shelf, summary};
pub use store::AlertStore;
pub use targets::{NoTargetDirectory, TargetDirectory, TargetInfo, TargetMethod};
