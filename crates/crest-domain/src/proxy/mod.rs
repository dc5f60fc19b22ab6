//! Proxies: the wavefront-proxy instances that checked in, their status read at the time of
//! asking, the operator's remote controls (rename, shutdown, truncate) delivered at the next
//! check-in, what each proxy reported of itself (its configuration, its preprocessor rules), the
//! trash, and the forgetting of silent ephemeral proxies ([`Proxies`]).

mod record;
mod service;
mod store;

pub use record::{ProxyRecord, ProxyStatus, STALE_AFTER_MS, default_name};
pub use service::{
    CheckIn, EPHEMERAL_FORGET_MS, MAX_SAVED_JSON_BYTES, Proxies, ProxyChange, ProxyView, Shelf,
};
pub use store::{CheckInFields, ProxyStore};
